//! Salvage of values `decode` refused: what is still read of their messages and addresses.

use super::*;

#[test]
fn salvaging_a_corrupted_v6_value_keeps_its_pending_messages_files() {
    let mut v6 = stored_by_0df866a_as(6);
    // A v6 value that no longer decodes (a field corrupted): quarantined, salvaged.
    v6["conversation"]["checks"] = "corrupted".into();
    let text = v6.to_string();
    assert!(decode(&text).is_err());
    let v6_msg = v6["conversation"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["ticket"]["state"] == "pending")
        .unwrap()
        .clone();
    eprintln!("v6 pending message: {v6_msg}");
    let got = salvage(&text);
    eprintln!("salvaged: {:?}", got.pending[0].content);
    assert!(
        matches!(&got.pending[0].content, v7::Content::Media { files, .. } if files.len() == 1),
        "the photo of the pending v6 message is kept"
    );
}

#[test]
fn salvaging_a_v6_text_message_keeps_its_text() {
    let text = serde_json::json!({"v": 6, "conversation": {
        "customer": {"Phone": "+15550001234"},
        "checks": "corrupted",
        "messages": [{
            "sid": "SM0123456789abcdef0123456789abcdef", "received_ms": 1, "body": "my card was stolen",
            "body_chars": 18, "ticket": {"state": "pending"}, "reply": {"state": "waiting"},
            "content": {"kind": "text"}
        }]
    }})
    .to_string();
    let got = salvage(&text);
    assert_eq!(
        got.pending[0].content,
        v7::Content::Text {
            text: "my card was stolen".into()
        }
    );
}

/// A quarantined conversation of another channel is recovered on its channel, answering from
/// the number its customer wrote to, to the address they last wrote from: else its pending
/// messages would make tickets in the default brand and be answered from the default number.
#[test]
fn salvage_keeps_the_channel_and_the_customers_addresses() {
    let conv = every_field::every_field();
    let mut value: Value = serde_json::from_str(&encode(&conv).unwrap()).unwrap();
    value["conversation"]["checks"] = "corrupted".into();
    let got = salvage(&value.to_string());
    assert_eq!(got.channel.as_deref(), Some("acme-es"));
    assert_eq!(got.receiving.as_deref(), Some("+34910000000"));
    assert_eq!(got.user_id.as_deref(), Some("US.13491208655302741918"));
    assert_eq!(got.reply_to, conv.reply_to);
    let recovered = crate::core::conversation::Conversation::recovered(
        Sender::Phone("+15550001234".into()),
        &got,
        1_000,
    );
    assert_eq!(recovered.channel.as_deref(), Some("acme-es"));
    assert_eq!(recovered.receiving.as_deref(), Some("+34910000000"));
    assert_eq!(recovered.reply_to, conv.reply_to);
}
