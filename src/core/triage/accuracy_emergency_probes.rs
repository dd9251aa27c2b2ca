//! The helper-written emergency probes, held: each pass's emergencies stay urgent and its
//! look-alikes ordinary.

use super::super::languages;
use super::measured;

/// The helper-written emergencies (`triage-probe-emergencies-f.tsv`: 24 emergencies of many
/// kinds and 10 ordinary complaints per language, written from a brief without the rules; the
/// eighth pass was tuned on it): at least 15 of 24 urgent per language (80 of 168 before the
/// pass, 116 after), every complaint a ticket, at most one complaint made urgent (by an urgent
/// word of the guide's lists).
#[test]
fn accuracy_the_helper_emergencies_keep_what_the_eighth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "emergencies-f",
        include_str!("../../../tests/data/triage-probe-emergencies-f.tsv"),
        &l,
    );
    for r in &rows {
        assert!(r.emergencies_urgent >= 15, "{}: {:?}", r.code, r.wrong);
        assert!(r.non_emergencies_urgent <= 1, "{}: {:?}", r.code, r.wrong);
    }
}

/// The tenth pass's emergencies (`triage-probe-emergencies-i.tsv`: 24 emergencies and 10
/// ordinary complaints per language, written by a helper from a brief without the rules): 115
/// of 168 urgent at its first run, 148 after the pass (personal data exposed, money sent to
/// someone posing as the company, a phishing link that worked, an allergic reaction told by the
/// breath, a very old parent without heating, a baby's last bottle of formula; `emergency_words/
/// exposed.rs`; a shop or a practice stopped, in `STOPPED_MORE`); 168 after the eleventh pass
/// (`emergency_pressing.rs`: a passport a courier holds, money to the wrong number before it is
/// withdrawn, a car seat come loose, surgery without authorisation and the rest): every one
/// urgent, every complaint a ticket, at most one made urgent.
#[test]
fn accuracy_the_helper_emergencies_keep_what_the_tenth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "emergencies-i",
        include_str!("../../../tests/data/triage-probe-emergencies-i.tsv"),
        &l,
    );
    for r in &rows {
        assert_eq!(r.emergencies_urgent, 24, "{}: {:?}", r.code, r.wrong);
        assert!(r.non_emergencies_urgent <= 1, "{}: {:?}", r.code, r.wrong);
    }
    // Its adversarial review (`triage-probe-review-tenth.tsv`, another helper: 18 look-alikes
    // of the six kinds and 2 real emergencies per language): every real one urgent; three
    // look-alikes urgent, each by an older rule ("down the road", "i cant breathe lol", `caiu`),
    // none by the tenth pass (one was, "itu asli ga? saya belum transfer", before `NOT_YET`).
    let review = measured(
        "review-tenth",
        include_str!("../../../tests/data/triage-probe-review-tenth.tsv"),
        &l,
    );
    for r in &review {
        assert_eq!(
            r.emergencies_urgent, r.emergencies,
            "{}: {:?}",
            r.code, r.wrong
        );
    }
    let look_alikes: usize = review.iter().map(|r| r.non_emergencies_urgent).sum();
    assert!(
        look_alikes <= 3,
        "{:?}",
        review.iter().map(|r| &r.wrong).collect::<Vec<_>>()
    );
    // A second review, of the session's whole change (`triage-probe-review-tenth-2.tsv`: 33
    // ordinary messages in the new classes' words: a link that failed, "can I put someone
    // else's phone number", a fake number asked about, a boiler 80 years old): 27 were urgent,
    // now 2, both by older rules ("the house is 100 years old" beside a broken heating, an
    // Indonesian account word).
    let review = super::measure(
        include_str!("../../../tests/data/triage-probe-review-tenth-2.tsv"),
        &l,
    );
    let urgent: usize = review.iter().map(|r| r.non_emergencies_urgent).sum();
    assert!(
        urgent <= 2,
        "{:?}",
        review.iter().map(|r| &r.wrong).collect::<Vec<_>>()
    );
}

/// The thirteenth pass's emergencies (`triage-probe-emergencies-j.tsv`: 20 emergencies of less
/// obvious kinds and 10 look-alike complaints per language, written by a helper from a brief
/// without the rules): 60 of 140 urgent at its first run, 101 after (`emergency_dependent.rs`: a
/// child, a baby, an old, bedridden, disabled or pregnant person or a pet alone, forgotten,
/// unable to get out or in a fit; carbon monoxide with its symptoms, a protection order, a drunk driver, a
/// stranger let in, a leak onto the electrics, a child who put something in their mouth; Pix
/// as money, the card in the hand said otherwise; a medicine sent wrong and taken). Its
/// look-alikes: 10 of 70 urgent before and after, 6 of them by the guide's own "URGENT".
#[test]
fn accuracy_the_helper_emergencies_keep_what_the_thirteenth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "emergencies-j",
        include_str!("../../../tests/data/triage-probe-emergencies-j.tsv"),
        &l,
    );
    for (r, least) in rows.iter().zip([16, 16, 14, 15, 12, 14, 14]) {
        assert!(r.emergencies_urgent >= least, "{}: {:?}", r.code, r.wrong);
        assert!(r.non_emergencies_urgent <= 2, "{}: {:?}", r.code, r.wrong);
    }
    let urgent: usize = rows.iter().map(|r| r.emergencies_urgent).sum();
    assert!(urgent >= 101, "{urgent} of 140");
    // Its adversarial review (`triage-probe-review-thirteenth.tsv`: another helper, told the
    // class, wrote 18 ordinary messages in its words and 2 real emergencies per language): 30
    // of 126 look-alikes were urgent (a policy question, a child alone at school all day, a
    // seizure last year, a pet found again, a heater bought for grandma, a carbon monoxide
    // detector beeping for its battery), now none; every real one urgent (7 of 14 before).
    let review = measured(
        "review-thirteenth",
        include_str!("../../../tests/data/triage-probe-review-thirteenth.tsv"),
        &l,
    );
    for r in &review {
        assert_eq!(
            r.emergencies_urgent, r.emergencies,
            "{}: {:?}",
            r.code, r.wrong
        );
        assert_eq!(r.non_emergencies_urgent, 0, "{}: {:?}", r.code, r.wrong);
    }
    // A second helper's probe of the same brief (`triage-probe-emergencies-k.tsv`), measured
    // first at the end of the pass: 53 of 140 urgent (49 before the pass, at fd3e297), 15 of 70
    // look-alikes; then tuned on: a medicine sent wrong and taken, a family stranded without a
    // roof.
    let k = measured(
        "emergencies-k",
        include_str!("../../../tests/data/triage-probe-emergencies-k.tsv"),
        &l,
    );
    let urgent: usize = k.iter().map(|r| r.emergencies_urgent).sum();
    let look_alikes: usize = k.iter().map(|r| r.non_emergencies_urgent).sum();
    assert!(
        urgent >= 62 && look_alikes <= 14,
        "{urgent} of 140, {look_alikes} of 70"
    );
}

/// The helper-written hard emergencies (`triage-probe-emergencies-h.tsv`: 22 emergencies and 10
/// look-alike complaints per language, written from a brief without the rules; the ninth pass
/// was tuned on it): 79 of 154 urgent at its first run, 154 after, 128 after the review's
/// fixes (`triage-probe-review-emergencies.tsv`); every complaint a ticket, at most one made urgent (Indonesian "detektor asap", smoke detector, holds the guide's "asap").
#[test]
fn accuracy_the_hard_emergencies_keep_what_the_ninth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "emergencies-h",
        include_str!("../../../tests/data/triage-probe-emergencies-h.tsv"),
        &l,
    );
    for r in &rows {
        assert!(
            r.non_emergencies_urgent <= usize::from(r.code == "id"),
            "{}: {:?}",
            r.code,
            r.wrong
        );
    }
    let urgent: usize = rows.iter().map(|r| r.emergencies_urgent).sum();
    assert!(urgent >= 128, "{urgent} of 154");
}

/// The two adversarial reviews of a deadline class that was not shipped (docs/triage.md, "Set
/// I, and a deadline class measured and not shipped"): the rules already made 21 of the second
/// review's 70 ordinary messages urgent, 17 by the older `deadline` reading (a deadline named
/// with today); it now stands back when the work is already sent (unless a "but" follows) or
/// the day is asked ("today or tomorrow?"): 13 of 70 (not for laughter: nervous or polite
/// laughter comes with real deadlines too). The first review's 4 of 70 are urgent words of the
/// packs, as before.
#[test]
fn accuracy_a_deadline_asked_about_or_already_met_is_not_urgent() {
    let l = languages(&[]);
    for (name, set, look_alikes) in [
        (
            "review-fourteenth",
            include_str!("../../../tests/data/triage-probe-review-fourteenth.tsv"),
            4,
        ),
        (
            "review-fourteenth-2",
            include_str!("../../../tests/data/triage-probe-review-fourteenth-2.tsv"),
            13,
        ),
    ] {
        let rows = measured(name, set, &l);
        let wrongly: usize = rows.iter().map(|r| r.non_emergencies_urgent).sum();
        assert!(
            wrongly <= look_alikes,
            "{name}: {wrongly} look-alikes urgent"
        );
    }
}
