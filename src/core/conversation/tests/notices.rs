//! The out-of-hours text (once per closed period, on the core's clock) and opt-out/opt-in.

use super::*;

const HOURS: [(&str, &str); 2] = [
    ("BUSINESS_HOURS", "mon-fri 09:00-17:00"),
    ("BUSINESS_TIMEZONE", "Europe/Berlin"),
];
/// 2027-01-16, a Saturday, 12:00 in Berlin (CET).
const SATURDAY_NOON_MS: u64 = 1_800_000_000_000 + 27 * 3600 * 1000;
const HOUR_MS: u64 = 3600 * 1000;

fn out_of_hours_text() -> &'static str {
    crate::core::language::packs::en::PACK.replies.out_of_hours
}

fn notices(sim: &Sim) -> usize {
    sim.events
        .iter()
        .filter(|e| matches!(e, DomainEvent::OutOfHoursNotice { .. }))
        .count()
}

#[test]
fn inside_hours_nothing_is_added() {
    let mut sim = Sim::new(config_with(&HOURS));
    // The Sim's clock starts on Friday 2027-01-15 at 09:00 in Berlin: open.
    sim.receive(M1.0, M1.1);
    sim.settle();
    assert_eq!(sim.world.tickets.len(), 1);
    assert!(!sim.world.sent[0].1.contains(out_of_hours_text()));
    assert_eq!(notices(&sim), 0);
}

#[test]
fn outside_hours_the_ticket_is_made_and_the_text_sent_once_per_closed_period() {
    let mut sim = Sim::new(config_with(&HOURS));
    sim.now = SATURDAY_NOON_MS;
    sim.receive(M1.0, M1.1);
    sim.settle();
    assert_eq!(sim.world.tickets.len(), 1, "made as usual");
    let first = &sim.world.sent[0].1;
    assert!(first.contains("created"), "{first}");
    assert!(first.contains(out_of_hours_text()), "{first}");
    // Later the same weekend: a comment, and no second notice.
    sim.now += 20 * HOUR_MS;
    sim.receive(M3.0, M3.1);
    sim.settle();
    assert_eq!(sim.world.sent.len(), 1, "{:?}", sim.world.sent);
    // Monday 11:00 in Berlin: open, nothing added.
    sim.now = SATURDAY_NOON_MS + 47 * HOUR_MS;
    sim.receive("SM4", "And the export button fails too");
    sim.settle();
    assert_eq!(sim.world.sent.len(), 1);
    // Monday 18:30: closed again, a new period: the text alone (no acknowledgement is due).
    sim.now = SATURDAY_NOON_MS + 54 * HOUR_MS + HOUR_MS / 2;
    sim.receive("SM5", "Any news about the export?");
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2, "{:?}", sim.world.sent);
    assert_eq!(sim.world.sent[1].1, out_of_hours_text());
    assert_eq!(notices(&sim), 2);
    let done = sim.conv();
    let m = done.message("SM5").unwrap();
    assert_eq!(m.reply_kind(), Some(ReplyKind::OutOfHours));
}

#[test]
fn a_holiday_is_closed_all_day_in_the_customers_language() {
    let cfg = config_with(&[
        HOURS[0],
        HOURS[1],
        ("BUSINESS_HOLIDAYS", "2027-01-15"),
        ("LANGUAGES", "en,es"),
    ]);
    let mut sim = Sim::new(cfg);
    // Friday 09:00 in Berlin, but a holiday.
    sim.receive("SM1", "Hola, no puedo entrar en mi cuenta, me da un error");
    sim.settle();
    let es = crate::core::language::packs::es::PACK.replies.out_of_hours;
    assert!(sim.world.sent[0].1.contains(es), "{:?}", sim.world.sent);
}

#[test]
fn the_dst_change_day_is_read_in_local_time() {
    let mut sim = Sim::new(config_with(&[
        ("BUSINESS_HOURS", "mon-sun 08:00-18:00"),
        HOURS[1],
    ]));
    // Sunday 2027-03-28, the day Berlin moves to CEST: 07:30 UTC is 09:30 local (open),
    // though in CET it would be 08:30 too; 16:30 UTC is 18:30 local (closed), which in CET
    // would have been 17:30 (open).
    let day = crate::core::hours::civil::days_from(2027, 3, 28) as u64 * 86_400_000;
    sim.now = day + 16 * HOUR_MS + HOUR_MS / 2;
    sim.receive(M1.0, M1.1);
    sim.settle();
    assert_eq!(notices(&sim), 1);
    assert!(sim.world.sent[0].1.contains(out_of_hours_text()));
}

fn opted_out(sim: &Sim) -> bool {
    sim.conv().inbound.opted_out_ms.is_some()
}

#[test]
fn stop_is_recorded_and_acknowledged_once_in_two_languages() {
    let cfg = config_with(&[("LANGUAGES", "en,es")]);
    let en = crate::core::language::packs::en::PACK.replies;
    let es = crate::core::language::packs::es::PACK.replies;
    let mut sim = Sim::new(cfg.clone());
    sim.receive("SM1", "STOP");
    sim.settle();
    assert!(opted_out(&sim));
    assert!(sim.world.tickets.is_empty(), "a bare STOP is no ticket");
    assert_eq!(sim.world.sent.len(), 1);
    assert_eq!(sim.world.sent[0].1, en.opt_out);
    sim.receive("SM2", "stop!");
    sim.settle();
    assert_eq!(sim.world.sent.len(), 1, "acknowledged once");
    assert_eq!(sim.conv().message("SM1").map(outcome_name), Some("opt_out"));

    let mut sim = Sim::new(cfg);
    sim.receive("SM1", "Baja");
    sim.settle();
    assert!(opted_out(&sim));
    assert_eq!(sim.world.sent[0].1, es.opt_out);
    // And back in, in Spanish: acknowledged, the opt-out cleared.
    sim.receive("SM2", "alta");
    sim.settle();
    assert!(!opted_out(&sim));
    assert_eq!(sim.world.sent[1].1, es.opt_in);
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::OptedIn {
            was_opted_out: true,
            ..
        }
    )));
    // START from someone not opted out changes nothing and says nothing.
    sim.receive("SM3", "START");
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2);
}

#[test]
fn while_opted_out_no_template_goes_and_the_agents_get_a_note() {
    let cfg = config_with(&[("TWILIO_AGENT_REPLY_CONTENT_SID", "HXagent")]);
    let mut sim = Sim::with_ticket(cfg);
    sim.receive("SM2", "unsubscribe");
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2, "the acknowledgement");
    assert!(
        sim.world
            .notes
            .iter()
            .any(|(_, n)| n.contains("opt-out word")),
        "the agents learn it on the open ticket: {:?}",
        sim.world.notes
    );
    // Past the 24-hour window an agent replies: only a template could go, and none does.
    sim.now += 25 * HOUR_MS;
    sim.agent_writes("Your refund was approved.");
    sim.zendesk_calls();
    sim.settle();
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2, "{:?}", sim.world.sent);
    assert!(
        sim.world
            .notes
            .iter()
            .any(|(_, n)| n.contains("opted out") && n.contains("was not sent")),
        "{:?}",
        sim.world.notes
    );
    assert!(sim
        .events
        .iter()
        .any(|e| matches!(e, DomainEvent::TemplateSuppressed { .. })));
    // The customer writes again: inside the window, answered as usual (still opted out).
    sim.receive("SM3", "Did the refund go through?");
    sim.settle();
    sim.agent_writes("Yes, it did.");
    sim.zendesk_calls();
    sim.settle();
    assert!(opted_out(&sim));
    let last = &sim.world.sent.last().unwrap().1;
    assert_eq!(last, "Yes, it did.");
}
