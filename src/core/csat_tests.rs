use super::*;

const T0: u64 = 1_800_000_000_000;

/// Solved, and the question sent at `T0` (after its hold).
fn asked(c: &mut Csat, ticket: u64) -> Decision {
    let decision = c.on_status(true, ticket, "SOLVED", false, false, T0 - QUESTION_HOLD_MS);
    c.question_sent(ticket, T0);
    decision
}

#[test]
fn a_held_question_has_no_answer_until_it_is_sent_and_can_be_withdrawn() {
    let mut c = Csat::default();
    let solved = T0 - QUESTION_HOLD_MS;
    assert_eq!(
        c.on_status(true, 5, "solved", false, false, solved),
        Decision::Ask
    );
    assert!(!c.awaiting(solved + 1), "held: nothing awaited yet");
    assert_eq!(c.take(None, "good", solved + 1, solved + 1), Taken::No);
    // Sent late (a retry): a message from before it went out is not its answer.
    c.question_sent(5, T0 + 30_000);
    assert!(c.awaiting(T0 + 30_001));
    assert_eq!(c.take(None, "good", T0 + 10_000, T0 + 30_001), Taken::No);
    assert!(matches!(
        c.take(None, "good", T0 + 30_002, T0 + 30_002),
        Taken::Rating { ticket_id: 5, .. }
    ));
    // Withdrawn while held (reopened): the next solve asks again.
    c.on_status(true, 6, "solved", false, false, T0);
    c.withdraw(6);
    assert!(c.asked.iter().all(|a| a.ticket_id != 6));
    assert_eq!(
        c.on_status(true, 6, "solved", false, false, T0 + 1),
        Decision::Ask
    );
    // A record stored before `pending` existed (read as sent) is withdrawn too: the caller
    // withdraws only a question that surely did not go.
    let old: Csat =
        serde_json::from_str(r#"{"asked":[{"ticket_id":7,"at_ms":1800000015000,"open":true}]}"#)
            .unwrap();
    let mut old = old;
    old.withdraw(7);
    assert!(!old.awaiting(T0 + 20_000), "nothing left to answer");
    assert_eq!(
        old.on_status(true, 7, "solved", false, false, T0 + 3),
        Decision::Ask
    );
}

#[test]
fn one_question_per_solved_ticket() {
    let mut c = Csat::default();
    assert_eq!(asked(&mut c, 5), Decision::Ask);
    assert_eq!(
        asked(&mut c, 5),
        Decision::AlreadyAsked,
        "a duplicate event"
    );
    // Reopened then solved again: still the same ticket, not asked again (one per ticket).
    assert_eq!(
        c.on_status(true, 5, "open", false, false, T0 + 10),
        Decision::NotSolved
    );
    assert_eq!(
        c.on_status(true, 5, "solved", false, false, T0 + 20),
        Decision::AlreadyAsked
    );
    assert_eq!(asked(&mut c, 6), Decision::Ask, "another ticket is asked");
    assert_eq!(c.asked.len(), 2);
}

#[test]
fn none_when_off_opted_out_spam_or_not_solved() {
    let mut c = Csat::default();
    assert_eq!(
        c.on_status(false, 5, "solved", false, false, T0),
        Decision::Off
    );
    assert_eq!(
        c.on_status(true, 5, "closed", false, false, T0),
        Decision::NotSolved
    );
    assert_eq!(
        c.on_status(true, 5, "pending", false, false, T0),
        Decision::NotSolved
    );
    assert_eq!(
        c.on_status(true, 5, "solved", true, false, T0),
        Decision::Spam
    );
    assert_eq!(
        c.on_status(true, 5, "solved", false, true, T0),
        Decision::OptedOut
    );
    assert!(c.asked.is_empty(), "nothing is recorded as asked");
    assert!(!c.awaiting(T0));
}

#[test]
fn a_button_answers_and_the_next_message_is_its_comment() {
    let mut c = Csat::default();
    asked(&mut c, 5);
    assert!(c.awaiting(T0 + 1));
    assert_eq!(
        c.take(Some("csat_good"), "👍 Good", T0 + 1, T0 + 1),
        Taken::Rating {
            ticket_id: 5,
            rating: Rating::Good,
            comment: None
        }
    );
    assert!(c.awaiting(T0 + 2), "a comment may follow");
    assert_eq!(
        c.take(None, "  fast and kind  ", T0 + 2, T0 + 2),
        Taken::Comment {
            ticket_id: 5,
            rating: Rating::Good,
            comment: "fast and kind".into()
        }
    );
    assert!(!c.awaiting(T0 + 3));
    assert_eq!(
        c.take(None, "good", T0 + 3, T0 + 3),
        Taken::No,
        "answered once"
    );
}

#[test]
fn a_comment_after_its_window_is_an_ordinary_message() {
    let mut c = Csat::default();
    asked(&mut c, 5);
    c.take(Some("csat_bad"), "", T0 + 1, T0 + 1);
    assert_eq!(
        c.take(
            None,
            "my order is late",
            T0 + 1 + COMMENT_WINDOW_MS,
            T0 + 1 + COMMENT_WINDOW_MS
        ),
        Taken::No
    );
}

#[test]
fn a_text_answer_is_recognised_in_each_language() {
    let cases = [
        ("Good", Rating::Good),
        ("bad service", Rating::Bad),
        ("Bueno", Rating::Good),
        ("malo, tardaron mucho", Rating::Bad),
        ("Ótimo!", Rating::Good),
        ("ruim", Rating::Bad),
        ("Très bien", Rating::Good),
        ("mauvais", Rating::Bad),
        ("Sehr gut", Rating::Good),
        ("schlecht", Rating::Bad),
        ("ottimo", Rating::Good),
        ("male", Rating::Bad),
        ("bagus", Rating::Good),
        ("buruk", Rating::Bad),
        ("👍", Rating::Good),
        ("👍🏽", Rating::Good),
        ("👎 took too long", Rating::Bad),
    ];
    for (text, rating) in cases {
        assert_eq!(
            parse_answer(None, text).map(|a| a.rating),
            Some(rating),
            "{text}"
        );
    }
    // Every shipped language's buttons read back as their rating when typed.
    for code in ["en", "es", "pt", "fr", "de", "it", "id"] {
        let t = texts(code);
        assert_eq!(
            parse_answer(None, t.good).map(|a| a.rating),
            Some(Rating::Good),
            "{code}"
        );
        assert_eq!(
            parse_answer(None, t.bad).map(|a| a.rating),
            Some(Rating::Bad),
            "{code}"
        );
        assert!(question(t, 42).contains("#42"), "{code}");
    }
}

#[test]
fn the_comment_in_the_same_message_is_kept() {
    assert_eq!(
        parse_answer(None, "malo, tardaron mucho"),
        Some(Answer {
            rating: Rating::Bad,
            comment: Some("tardaron mucho".into())
        })
    );
    assert_eq!(
        parse_answer(None, "Sehr gut - danke"),
        Some(Answer {
            rating: Rating::Good,
            comment: Some("danke".into())
        })
    );
    assert_eq!(
        parse_answer(None, "👎🏻 too slow").and_then(|a| a.comment),
        Some("too slow".into())
    );
}

#[test]
fn non_answers_are_not_taken() {
    for text in [
        "not good",
        "goodbye",
        "my order #55 never arrived",
        "mau tanya soal pesanan",
        "hola",
        "",
    ] {
        assert_eq!(parse_answer(None, text), None, "{text}");
    }
    assert_eq!(parse_answer(Some("agent"), "good"), None, "another button");
    let mut c = Csat::default();
    asked(&mut c, 5);
    assert_eq!(
        c.take(None, "my order never arrived", T0 + 1, T0 + 1),
        Taken::No
    );
    assert!(!c.awaiting(T0 + 2), "the first message ends the question");
    assert_eq!(c.take(None, "good", T0 + 2, T0 + 2), Taken::No);
}

#[test]
fn an_answer_after_the_window_is_an_ordinary_message() {
    let mut c = Csat::default();
    asked(&mut c, 5);
    assert!(!c.awaiting(T0 + ANSWER_WINDOW_MS));
    assert_eq!(
        c.take(
            Some("csat_good"),
            "",
            T0 + ANSWER_WINDOW_MS,
            T0 + ANSWER_WINDOW_MS
        ),
        Taken::No
    );
}

#[test]
fn the_state_survives_a_restart() {
    let mut c = Csat::default();
    asked(&mut c, 5);
    let stored = serde_json::to_string(&c).unwrap();
    let mut back: Csat = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, c);
    assert_eq!(asked(&mut back, 5), Decision::AlreadyAsked);
    assert!(matches!(
        back.take(Some("csat_bad"), "", T0 + 5, T0 + 5),
        Taken::Rating {
            rating: Rating::Bad,
            ..
        }
    ));
    let empty: Csat = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, Csat::default(), "absent from older stored forms");
}

#[test]
fn the_record_is_a_tag_and_an_internal_note() {
    let key = rating_note_key(Rating::Bad, 42, "SM1");
    assert_eq!(note_tags(&key), &["csat_bad"]);
    assert_eq!(
        note_tags(&rating_note_key(Rating::Good, 42, "SM1")),
        &["csat_good"]
    );
    assert!(
        note_tags("undeliverable:5").is_empty(),
        "other notes add no tag"
    );
    assert!(note_tags("csat_comment:42:SM2").is_empty());
    assert!(rating_note(Rating::Bad, Some("too slow")).contains("too slow"));
    assert!(comment_note(Rating::Good, "thanks").contains("thanks"));
}

#[test]
fn a_message_older_than_the_question_is_not_its_answer() {
    let mut c = Csat::default();
    asked(&mut c, 7);
    assert_eq!(c.take(None, "good", T0 - 1, T0 + 5), Taken::No);
    assert!(c.awaiting(T0 + 5), "the question still waits");
    assert!(matches!(
        c.take(None, "good", T0 + 4, T0 + 5),
        Taken::Rating {
            ticket_id: 7,
            rating: Rating::Good,
            ..
        }
    ));
}

#[test]
fn the_question_travels_under_an_id_no_comment_has() {
    let id = question_id(1234);
    assert_eq!(question_of(id), Some(1234));
    assert_eq!(question_of(9_000_000_000_000), None, "a Zendesk comment id");
    let text = question_text(texts("es"), 42);
    assert!(
        text.contains("#42") && text.contains("👍 Bien") && text.contains("👎 Mal"),
        "{text}"
    );
    assert!(parse_answer(None, "👍 Bien").is_some_and(|a| a.rating == Rating::Good));
}

#[test]
fn the_asked_list_is_bounded() {
    let mut c = Csat::default();
    for t in 0..(ASKED_MAX as u64 + 5) {
        asked(&mut c, t + 1);
    }
    assert_eq!(c.asked.len(), ASKED_MAX);
    assert_eq!(
        c.asked.iter().filter(|a| a.open).count(),
        1,
        "one question open"
    );
}

#[test]
fn a_status_change_older_than_the_tickets_latest_is_not_taken_and_the_times_are_bounded() {
    let mut c = Csat::default();
    assert!(c.take_status_at(7, Some(2_000)));
    assert!(!c.take_status_at(7, Some(1_999)), "older: not taken");
    assert!(c.take_status_at(7, Some(2_000)), "as old: taken");
    assert!(c.take_status_at(8, Some(1_000)), "another ticket's");
    assert!(c.take_status_at(7, None), "no time: taken as it comes");
    assert_eq!(c.statuses.len(), 2, "one time per ticket, none for no time");
    for t in 0..(ASKED_MAX as u64 + 5) {
        c.take_status_at(100 + t, Some(5_000));
    }
    assert_eq!(c.statuses.len(), ASKED_MAX);
    assert!(c.take_status_at(7, Some(1)), "forgotten: taken as it comes");
}

#[test]
fn a_request_that_starts_like_a_rating_is_not_taken_for_one() {
    for request in [
        "Good morning, my order 1234 never arrived",
        "Bom dia, meu pedido não chegou",
        "Boa tarde preciso de ajuda",
        "Bonne journée, mais ma commande est cassée",
        "Buona sera, il pacco è rotto",
        "Bad news: my card was charged twice",
        "Good, but where is my refund?",
        "👍 but can you check order 5512?",
        "Bien reçu mais le produit ne fonctionne pas du tout et je voudrais un remboursement complet rapidement svp",
    ] {
        assert_eq!(parse_answer(None, request), None, "{request}");
    }
    for rating in [
        "Good",
        "good, thanks!",
        "Muy bien",
        "👍",
        "👎 too slow",
        "Sehr gut, danke",
        "Ruim, demorou muito",
    ] {
        assert!(parse_answer(None, rating).is_some(), "{rating}");
    }
}

#[test]
fn a_question_or_a_long_text_after_a_rating_is_a_message_not_its_comment() {
    let mut c = Csat::default();
    asked(&mut c, 7);
    assert!(matches!(
        c.take(None, "good", T0 + 1, T0 + 1),
        Taken::Rating { .. }
    ));
    assert_eq!(
        c.take(None, "Also, where is my second parcel?", T0 + 2, T0 + 2),
        Taken::No,
        "a question goes to the agents as a message"
    );
}
