//! The core's cost per webhook, natively: signature check + form parse + language detection +
//! triage + ticket body for a typical Twilio webhook, and the one-off cost of building the
//! seven shipped languages' settings and detector (once per isolate). `cargo bench --bench core` (or `npm run bench:core`).
//! Reports the median and the spread over 30 rounds of 2000 messages, in microseconds.
//! Then a message's storage cost against the customer's history (`history`): bytes and rows
//! written and CPU of its steps for a customer with 1, 50 and 200 finished messages.

mod history;

use std::hint::black_box;
use std::time::Instant;
use whatsapp_zendesk_gateway::core::config::languages::Languages;
use whatsapp_zendesk_gateway::core::form::{parse_params, InboundMessage};
use whatsapp_zendesk_gateway::core::signature::{twilio_signature, verify_twilio};
use whatsapp_zendesk_gateway::core::triage::Triage;
use whatsapp_zendesk_gateway::core::zendesk;

const URL: &str = "https://whatsapp-zendesk-gateway.acme.workers.dev/twilio/whatsapp";
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

fn typical_body() -> String {
    let params = [
        ("SmsMessageSid", "SM4f2b8c3a9d7e6f5a4b3c2d1e0f9a8b7c"),
        ("NumMedia", "0"),
        ("ProfileName", "Ana"),
        ("MessageType", "text"),
        ("SmsSid", "SM4f2b8c3a9d7e6f5a4b3c2d1e0f9a8b7c"),
        ("WaId", "15550001234"),
        ("SmsStatus", "received"),
        ("Body", "Hi, I can’t log into my account since this morning, I get error 404 on the dashboard. Please help!"),
        ("To", "whatsapp:+14155238886"),
        ("NumSegments", "1"),
        ("ReferralNumMedia", "0"),
        ("MessageSid", "SM4f2b8c3a9d7e6f5a4b3c2d1e0f9a8b7c"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("From", "whatsapp:+15550001234"),
        ("ApiVersion", "2010-04-01"),
    ];
    serde_urlencoded::to_string(params).unwrap()
}

fn languages() -> Languages {
    let mut invalid = Vec::new();
    let languages = Languages::from_lookup(&|_| None, 10, &mut invalid);
    assert!(invalid.is_empty());
    languages
}

fn handle(body: &[u8], signature: &str, languages: &Languages) -> usize {
    let params = parse_params(body).unwrap();
    assert!(verify_twilio(&[TOKEN], URL, &params, signature));
    let message = InboundMessage::from_params(&params).unwrap();
    let language = languages.get(Some(&languages.choose(&message.body, None).code));
    match language.triage.triage(&message.body) {
        Triage::Accepted { subject, priority } => {
            let ticket = zendesk::new_ticket(
                &message.message_sid,
                &message.from,
                &message.body,
                &subject,
                priority,
                "whatsapp.zendesk.com",
            );
            let auth = zendesk::basic_auth("ops@acme.com", "zd-token");
            zendesk::create_ticket_request(
                "https://acme.zendesk.com",
                &auth,
                &message.message_sid,
                &ticket,
            )
            .body
            .len()
        }
        Triage::Rejected(_) => 0,
    }
}

fn main() {
    let body = typical_body();
    let params = parse_params(body.as_bytes()).unwrap();
    let signature = twilio_signature(TOKEN, URL, &params);
    let mut builds_us: Vec<f64> = (0..30)
        .map(|_| {
            let started = Instant::now();
            black_box(languages());
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    builds_us.sort_by(f64::total_cmp);
    let rules = languages();
    assert!(
        handle(body.as_bytes(), &signature, &rules) > 0,
        "the typical webhook makes a ticket"
    );
    const PER_ROUND: u32 = 2000;
    let mut per_message_us: Vec<f64> = (0..30)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..PER_ROUND {
                black_box(handle(
                    black_box(body.as_bytes()),
                    black_box(&signature),
                    &rules,
                ));
            }
            started.elapsed().as_secs_f64() * 1e6 / f64::from(PER_ROUND)
        })
        .collect();
    per_message_us.sort_by(f64::total_cmp);
    let median = per_message_us[per_message_us.len() / 2];
    println!(
        "core per webhook (signature + parse + language + triage + ticket body), {} bytes: median {:.2} us, min {:.2} us, max {:.2} us over 30 rounds of {PER_ROUND}",
        body.len(),
        median,
        per_message_us[0],
        per_message_us[per_message_us.len() - 1]
    );
    println!(
        "languages' settings and detector, built once per isolate: median {:.0} us over 30 builds",
        builds_us[builds_us.len() / 2]
    );
    history::run(31);
}
