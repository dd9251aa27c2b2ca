//! The small-talk scorer in the default triage: long praise and small talk get the details
//! request and say their score; what the scorer may never overrule stays a ticket.

use super::scorer::{features, may_read, Model, BITS};
use super::*;

fn decide(m: &str) -> Decision {
    TriageRules::default().decide(m)
}

#[test]
fn long_praise_and_small_talk_get_the_details_request_with_their_score() {
    for m in [
        "just wanted to say the lady who helped me last week was so lovely and patient, you are lucky to have her, have a great weekend all",
        "muchas gracias a todo el equipo, siempre tan amables y atentos, los recomiendo a todos mis amigos, saludos desde Valencia",
        "bom dia pessoal, passando só pra dizer que adoro vocês, sempre atenciosos, sucesso e um ótimo final de semana pra todos",
        "je voulais juste vous dire un grand merci pour votre gentillesse, c'est rare de nos jours, belle journée à toute l'équipe",
        "ich wollte nur mal sagen, dass ihr einen super Job macht, die Dame am Telefon war sehr freundlich, schönes Wochenende euch allen",
        "volevo solo fare i complimenti a tutto lo staff, sempre gentilissimi e disponibili, buona giornata e buon lavoro a tutti",
        "makasih banyak ya kak, pelayanannya ramah banget dan sabar, sukses terus buat timnya, semoga makin jaya",
    ] {
        let d = decide(m);
        let Triage::Rejected(why @ Rejection::SmallTalk { .. }) = d.triage else {
            panic!("{m}: {d:?}");
        };
        let score = why.score().unwrap();
        assert!(score < f64::from(super::scorer::SMALL_TALK_BELOW_CONTENT), "{m}: {d:?}");
        assert!(d.rule.starts_with("small_talk (score "), "{m}: {d:?}");
        assert_eq!(why.stored(), format!("small_talk (score {score:.1})"));
        assert_eq!(Rejection::from_name(&why.stored()), Some(why));
        assert_eq!(why.in_words(), format!("{} (score {score:.1})", why.explain()));
    }
}

#[test]
fn long_problems_told_without_a_problem_word_stay_tickets() {
    for m in [
        "since the update yesterday the screen goes white after the logo and then nothing happens at all",
        "the courier threw the box over the fence and now something inside rattles when I shake it",
        "desde el martes la app se queda en blanco al abrirla y así no puedo ver mis movimientos",
        "o entregador deixou a caixa com o vizinho e ele diz que nunca recebeu nada, já faz três dias",
        "le montant prélevé ce mois-ci est le double de ce qui était prévu dans mon contrat",
        "seit dem Umzug kommt die Post mit euren Briefen immer noch an die alte Adresse in Köln",
        "il corriere ha lasciato il pacco sotto la pioggia e dentro era tutto bagnato e rovinato",
        "saldo saya kepotong dua kali padahal transaksinya cuma satu, mohon dicek ya kak",
    ] {
        let d = decide(m);
        assert!(matches!(d.triage, Triage::Accepted { .. }), "{m}: {d:?}");
        // Read by the scorer unless a problem word decided: the rule says the score.
        assert!(
            d.rule.contains("; small-talk score ") || d.rule.starts_with("problem_word"),
            "{m}: {d:?}"
        );
    }
}

#[test]
fn the_scorer_never_reads_a_question_a_number_a_short_message_or_an_emergency() {
    let words = |m: &str| fold_accents(m);
    for m in [
        "thank you all so much, you have been lovely, could you tell me when you open?",
        "thank you all so much, you have been lovely, my reference is 44817",
        "lovely team, thanks",
    ] {
        let folded = words(m);
        let all: Vec<&str> = crate::core::text::words(&folded).collect();
        assert!(!may_read(&all, m), "{m}");
    }
    // An emergency the rules make urgent is never overruled, however warm its words.
    let d = decide("you have always been so kind to us, but there is a strong smell of gas in the kitchen and my mum is dizzy");
    assert!(
        matches!(
            d.triage,
            Triage::Accepted {
                priority: Priority::Urgent,
                ..
            }
        ),
        "{d:?}"
    );
}

#[test]
fn the_guide_mode_is_untouched_by_the_scorer() {
    let m = "thanks so much, the lady on the phone last week was so lovely and patient with my mum";
    let d = TriageRules::guide().decide(m);
    assert_eq!(d.triage, Triage::Rejected(Rejection::NoIssueKeyword));
    assert_eq!(d.rule, "no_issue_keyword");
}

#[test]
fn a_weights_file_of_another_layout_is_refused() {
    assert!(Model::shipped().is_some(), "the shipped weights are read");
    assert!(Model::read(b"").is_none());
    assert!(Model::read(b"WZS2").is_none());
    let mut file = vec![0u8; 13 + (1 << (BITS - 1))];
    file[..4].copy_from_slice(b"WZS2");
    file[4] = BITS as u8 + 1;
    assert!(Model::read(&file).is_none(), "other bits");
    file[4] = BITS as u8;
    file[..4].copy_from_slice(b"WZS1");
    assert!(Model::read(&file).is_none(), "the one-byte layout");
    file[..4].copy_from_slice(b"WZS2");
    assert!(Model::read(&file[..file.len() - 1]).is_none(), "cut short");
    // Two buckets to a byte, the even one in the low half; each an index into the levels.
    file[13] = 0x97; // bucket 0: level 7 (21), bucket 1: level 9 (-1)
    let m = Model::read(&file).unwrap();
    assert_eq!((m.weight(0), m.weight(1), m.weight(2)), (21, -1, 0));
}

#[test]
fn features_fall_in_the_buckets_and_do_not_depend_on_the_order_of_calls() {
    let folded = fold_accents("Ça marche très bien, merci à l'équipe 123");
    let all: Vec<&str> = crate::core::text::words(&folded).collect();
    let (mut first, mut second) = (Vec::new(), Vec::new());
    features(&all, "Ça marche très bien, merci à l'équipe 123", |b| {
        first.push(b)
    });
    features(&all, "Ça marche très bien, merci à l'équipe 123", |b| {
        second.push(b)
    });
    assert_eq!(first, second);
    assert!(first.iter().all(|b| *b < 1 << BITS));
    // Words, beginnings, pieces, pairs and the three marks: more features than words.
    assert!(first.len() > 3 * all.len(), "{}", first.len());
}

#[test]
fn scores_are_written_and_read_in_tenths() {
    use super::scorer::{in_tenths, tenths_of, tenths_text};
    for (t, text) in [
        (-62, "-6.2"),
        (0, "0.0"),
        (7, "0.7"),
        (-7, "-0.7"),
        (135, "13.5"),
    ] {
        assert_eq!(tenths_text(t), text);
        assert_eq!(tenths_of(text), Some(t));
    }
    assert_eq!(in_tenths(-6.24), -62);
    assert_eq!(in_tenths(-6.25), -63);
    for bad in [
        "", "-", "6", "6.", ".5", "6.25", "-x.1", "1.-", "+1.0", "1e3.0",
    ] {
        assert_eq!(tenths_of(bad), None, "{bad}");
    }
    assert_eq!(Rejection::from_name("small_talk (score 6.25)"), None);
    assert_eq!(Rejection::from_name("small_talk"), None);
}
