use super::*;
use crate::core::triage::Priority;

fn done(failure: Option<&str>, priority: Option<Priority>, ack_ms: Option<u64>) -> DomainEvent {
    DomainEvent::Done {
        sid: "SM1".into(),
        outcome: if failure.is_some_and(|f| f.starts_with("ticket.")) {
            "failed"
        } else {
            "ticket_created"
        },
        attempts: 2,
        ms: 3400,
        language: "es".into(),
        priority,
        failure: failure.map(str::to_string),
        ack_ms,
    }
}

#[test]
fn a_finished_message_becomes_one_data_point_keyed_by_its_channel() {
    let point = data_point(&done(None, Some(Priority::Urgent), Some(35)), "default").unwrap();
    assert_eq!(
        point,
        DataPoint {
            index: "default".into(),
            blobs: vec![
                "ticket_created".into(),
                "es".into(),
                "urgent".into(),
                String::new(),
                "default".into()
            ],
            doubles: vec![3400.0, 35.0, 1.0, 0.0, 2.0],
        }
    );
    let failed = data_point(&done(Some("ticket.http_422"), None, None), "acme-es").unwrap();
    assert_eq!(failed.index, "acme-es");
    assert_eq!(
        failed.blobs,
        vec!["failed", "es", "", "ticket.http_422", "acme-es"]
    );
    assert_eq!(
        failed.doubles,
        vec![3400.0, 0.0, 0.0, 1.0, 2.0],
        "no acknowledgement measured: 0 and its flag 0, so averages leave it out"
    );
    // A reply that failed after the ticket was made still counts as failed.
    let reply = data_point(&done(Some("reply.twilio_63016"), None, Some(9)), "x").unwrap();
    assert_eq!(reply.doubles[3], 1.0);
}

#[test]
fn only_the_finished_event_writes_a_data_point() {
    let accepted = DomainEvent::Accepted {
        sid: "SM1".into(),
        body_chars: 5,
        language: "en".into(),
        language_detected: true,
        num_media: 0,
        queue: 1,
        channel: "default".into(),
    };
    assert_eq!(data_point(&accepted, "default"), None);
}

#[test]
fn an_overlong_channel_id_is_cut_to_the_index_limit() {
    let long = "c".repeat(200);
    let point = data_point(&done(None, None, None), &long).unwrap();
    assert_eq!(point.index.len(), 96);
    assert_eq!(point.blobs[4], long);
}

#[test]
fn the_channel_of_a_finished_message_is_its_conversations_or_the_default() {
    assert_eq!(finished_message_channel(None), "default");
    assert_eq!(finished_message_channel(Some("acme-es")), "acme-es");
}

/// Drives a conversation from arrival to its finish: the finished event carries the language,
/// the ticket's priority, the acknowledgement time and the failure key noted along the way.
#[test]
fn the_finished_event_carries_what_was_noted_along_the_way() {
    use crate::core::conversation::{Conversation, Ctx, Effect, Event};
    use crate::core::form::{InboundMessage, Sender};
    use crate::core::http::{Exchange, HttpAnswer};
    let config = crate::core::config::for_tests(&[]);
    let run = |zendesk: (u16, &str)| {
        let ctx = Ctx {
            now_ms: 1_800_000_000_000,
            jitter: 0.0,
            config: &config,
            conversation_id: "abc",
            number: None,
        };
        let mut conversation = Conversation::new(Sender::Phone("+15550001234".into()));
        let mut events = conversation
            .step(
                Event::Received {
                    origin: String::new(),
                    received_at_ms: Some(ctx.now_ms - 42),
                    archived: None,
                    message: InboundMessage {
                        message_sid: format!("SM{}", "0".repeat(32)),
                        account_sid: None,
                        from: Sender::Phone("+15550001234".into()),
                        body: "Mi pedido llegó roto, necesito ayuda urgente con el reembolso"
                            .into(),
                        num_media: 0,
                        media: vec![],
                        extra_media: vec![],
                        location: None,
                        kind: Default::default(),
                        addressed: Default::default(),
                        user_id: None,
                    },
                },
                &ctx,
            )
            .events;
        let mut event = Event::Wake;
        for _ in 0..20 {
            let out = conversation.step(event, &ctx);
            events.extend(out.events);
            if let Some(Effect::AskBudget(_)) = out.effect {
                event = Event::BudgetAnswered(None);
                continue;
            }
            let Some(Effect::Call(request)) = out.effect else {
                break;
            };
            let (status, body) = if request.url.contains("zendesk") {
                zendesk
            } else {
                (201, r#"{"sid":"SM11111111111111111111111111111111"}"#)
            };
            event = Event::Answered(Exchange::Answered(HttpAnswer {
                status,
                headers: vec![],
                body: body.into(),
            }));
        }
        events
            .into_iter()
            .find(|e| matches!(e, DomainEvent::Done { .. }))
            .expect("the message finished")
    };
    let made = run((201, r#"{"ticket":{"id":77,"requester_id":5}}"#));
    let DomainEvent::Done {
        outcome,
        language,
        priority,
        failure,
        ack_ms,
        ..
    } = &made
    else {
        unreachable!()
    };
    assert_eq!(*outcome, "ticket_created");
    assert_eq!(language, "es");
    assert!(priority.is_some(), "{made:?}");
    assert_eq!(*failure, None);
    assert_eq!(*ack_ms, Some(42));
    let refused = run((422, r#"{"error":"RecordInvalid"}"#));
    let DomainEvent::Done {
        outcome,
        priority,
        failure,
        ..
    } = &refused
    else {
        unreachable!()
    };
    assert_eq!(*outcome, "failed");
    assert_eq!(*priority, None);
    assert_eq!(failure.as_deref(), Some("ticket.http_422"));
}

#[test]
fn the_period_is_7_30_or_90_days() {
    assert_eq!(range_days(None), Ok(30));
    assert_eq!(range_days(Some("7")), Ok(7));
    assert_eq!(range_days(Some("90")), Ok(90));
    assert!(range_days(Some("365")).is_err());
    assert!(range_days(Some("7; DROP")).is_err());
}

#[test]
fn queries_weigh_every_figure_by_the_sample_interval() {
    let q = series_query("wa_gateway_messages", 30);
    assert!(q.starts_with("SELECT toStartOfInterval(timestamp, INTERVAL '1' DAY) AS day, "));
    assert!(q.contains("FROM wa_gateway_messages WHERE timestamp > NOW() - INTERVAL '30' DAY"));
    assert!(q.ends_with("GROUP BY day ORDER BY day FORMAT JSON"));
    let c = channels_query("wa_gateway_messages", 7);
    assert!(c.starts_with("SELECT index1 AS channel, "));
    assert!(c.contains("INTERVAL '7' DAY GROUP BY channel"));
    for q in [q, c] {
        assert!(q.contains("SUM(_sample_interval) AS messages"));
        assert!(q.contains("SUM(_sample_interval * double4) AS failed"));
        assert!(q.contains("SUM(_sample_interval * double1) AS end_to_end_ms_sum"));
        assert!(!q.contains("COUNT"), "a count ignores sampling: {q}");
    }
}

#[test]
fn a_dataset_name_is_a_plain_identifier() {
    assert!(valid_dataset("wa_gateway_messages"));
    assert!(!valid_dataset("x; DROP TABLE y"));
    assert!(!valid_dataset("1abc"));
    assert!(!valid_dataset(""));
}

/// The answer's shape as the SQL API's `FORMAT JSON` gives it (statements reference, "JSON"):
/// `meta`, `data` and `rows`; 64-bit sums come as strings, doubles as numbers.
const SERIES_ANSWER: &str = r#"{
  "meta": [
    {"name": "day", "type": "DateTime"},
    {"name": "messages", "type": "UInt64"},
    {"name": "failed", "type": "Float64"},
    {"name": "end_to_end_ms_sum", "type": "Float64"},
    {"name": "ack_ms_sum", "type": "Float64"},
    {"name": "acked", "type": "Float64"}
  ],
  "data": [
    {"day": "2026-12-02 00:00:00", "messages": "4", "failed": 1, "end_to_end_ms_sum": 8000, "ack_ms_sum": 120, "acked": 4},
    {"day": "2026-12-04 00:00:00", "messages": "2", "failed": 0, "end_to_end_ms_sum": 1000, "ack_ms_sum": 0, "acked": 0}
  ],
  "rows": 2,
  "rows_before_limit_at_least": 2
}"#;

/// 2026-12-04 12:00 UTC.
const NOW_MS: u64 = 1_796_385_600_000;

#[test]
fn the_series_answer_becomes_every_day_of_the_period() {
    assert_eq!(date((NOW_MS / 86_400_000) as i64), "2026-12-04");
    let series = parse_series(SERIES_ANSWER, 7, NOW_MS).unwrap();
    assert_eq!(series.len(), 7);
    assert_eq!(series[0].day, "2026-11-28");
    assert_eq!(series[6].day, "2026-12-04");
    assert_eq!(
        series[4].figures,
        Figures {
            messages: 4,
            failed: 1,
            end_to_end_ms_avg: Some(2000),
            ack_ms_avg: Some(30),
        }
    );
    assert_eq!(series[5].figures.messages, 0, "a day without messages is 0");
    assert_eq!(
        series[6].figures.ack_ms_avg, None,
        "no acknowledgement measured"
    );
    assert_eq!(
        serde_json::to_value(&series[4]).unwrap(),
        serde_json::json!({"day": "2026-12-02", "messages": 4, "failed": 1,
                           "end_to_end_ms_avg": 2000, "ack_ms_avg": 30})
    );
}

#[test]
fn the_channels_answer_becomes_one_row_per_channel() {
    let body = r#"{"meta":[{"name":"channel","type":"String"}],"data":[
        {"channel":"default","messages":"10","failed":2,"end_to_end_ms_sum":50000,"ack_ms_sum":300,"acked":10},
        {"channel":"acme-es","messages":"3","failed":0,"end_to_end_ms_sum":3000,"ack_ms_sum":30,"acked":3}
    ],"rows":2}"#;
    let channels = parse_channels(body).unwrap();
    assert_eq!(channels.len(), 2);
    assert_eq!(channels[0].channel, "default");
    assert_eq!(channels[0].figures.messages, 10);
    assert_eq!(channels[0].figures.end_to_end_ms_avg, Some(5000));
    assert_eq!(channels[1].figures.ack_ms_avg, Some(10));
}

#[test]
fn an_answer_that_is_not_the_sql_apis_is_an_error_not_a_panic() {
    assert!(parse_series("<html>", 7, NOW_MS).is_err());
    assert!(parse_channels(r#"{"errors":[{"message":"bad"}]}"#).is_err());
    let odd = r#"{"data":[{"day":null},{"channel":5,"messages":"x"}, 3]}"#;
    assert_eq!(parse_series(odd, 7, NOW_MS).unwrap().len(), 7);
    assert_eq!(parse_channels(odd).unwrap()[1].figures.messages, 0);
}

#[test]
fn the_read_settings_need_a_token_and_send_it_only_where_configured() {
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(sql_settings(vars(&[])), Err(Unavailable::NoReadToken));
    assert_eq!(
        sql_settings(vars(&[("ANALYTICS_API_TOKEN", "t")])),
        Err(Unavailable::NoReadToken),
        "no account id and no URL"
    );
    let account = "0123456789abcdef0123456789abcdef";
    let s = sql_settings(|n: &str| match n {
        "ANALYTICS_API_TOKEN" => Some("s3cr3t-read-token".into()),
        "CLOUDFLARE_ACCOUNT_ID" => Some(account.into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(
        s.url,
        format!("https://api.cloudflare.com/client/v4/accounts/{account}/analytics_engine/sql")
    );
    assert_eq!(s.dataset, DEFAULT_DATASET);
    assert!(
        !format!("{s:?}").contains("s3cr3t"),
        "the token is never printed"
    );
    assert_eq!(
        sql_settings(vars(&[
            ("ANALYTICS_API_TOKEN", "t"),
            ("CLOUDFLARE_ACCOUNT_ID", "../../zones")
        ])),
        Err(Unavailable::Misconfigured("CLOUDFLARE_ACCOUNT_ID"))
    );
    let local = sql_settings(vars(&[
        ("ANALYTICS_API_TOKEN", "t"),
        ("ANALYTICS_SQL_URL", "http://127.0.0.1:8787/sql"),
    ]))
    .unwrap();
    assert_eq!(local.url, "http://127.0.0.1:8787/sql");
    for bad in [
        "http://analytics.example.com/sql",
        "ftp://127.0.0.1/sql",
        "https://user:pw@example.com/sql",
        "not a url",
    ] {
        let got = sql_settings(|n: &str| match n {
            "ANALYTICS_API_TOKEN" => Some("t".into()),
            "ANALYTICS_SQL_URL" => Some(bad.into()),
            _ => None,
        });
        assert_eq!(
            got,
            Err(Unavailable::Misconfigured("ANALYTICS_SQL_URL")),
            "{bad}"
        );
    }
    assert_eq!(
        sql_settings(vars(&[
            ("ANALYTICS_API_TOKEN", "t"),
            ("ANALYTICS_DATASET", "x y")
        ])),
        Err(Unavailable::Misconfigured("ANALYTICS_DATASET"))
    );
}
