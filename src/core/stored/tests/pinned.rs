//! The pinned conversation (`PINNED`, the fixture every stored version is checked against)
//! sets every field and every variant of the stored types, so a field added without a fixture
//! fails here rather than in a gateway that cannot read its own state.

use super::*;

#[test]
fn the_pinned_conversation_sets_every_field_and_variant() {
    let mut tags: std::collections::BTreeMap<&str, std::collections::BTreeSet<String>> =
        Default::default();
    let pinned: Vec<Value> = PINNED
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut keys: std::collections::BTreeSet<String> = Default::default();
    let mut stack: Vec<(String, &Value)> = pinned.iter().map(|v| (String::new(), v)).collect();
    while let Some((path, v)) = stack.pop() {
        // A message's content: its fields depend on its kind, so its kind joins the path.
        let of_kind = match v.get("kind") {
            Some(Value::String(kind)) if path.ends_with(".content") => format!("{path}<{kind}>"),
            _ => path.clone(),
        };
        if let Value::Object(o) = v {
            keys.extend(o.keys().map(|k| format!("{of_kind}.{k}")));
        }
        match v {
            Value::Null => panic!("{path} is null"),
            Value::Array(a) => {
                assert!(!a.is_empty(), "{path} is empty");
                stack.extend(a.iter().map(|x| (format!("{path}[]"), x)));
            }
            Value::Object(o) => {
                assert!(!o.is_empty(), "{path} is empty");
                for (k, x) in o {
                    if let (Some(tag), Value::String(name)) =
                        (["state", "call", "kind"].into_iter().find(|t| t == k), x)
                    {
                        tags.entry(tag)
                            .or_default()
                            .insert(format!("{path}:{name}"));
                    }
                    stack.push((format!("{of_kind}.{k}"), x));
                }
            }
            Value::Bool(false) => {
                assert!(
                    ["throttled", "done", "public", "template", "tried_template"]
                        .iter()
                        .any(|k| path.ends_with(&format!(".{k}"))),
                    "{path} is false: a flag left out when false must be true here"
                );
            }
            _ => {}
        }
    }
    // The fields written only when set: each one is there (absent, no check above sees it).
    let m = ".conversation.messages[]";
    let ticket = "[].call.ticket";
    let left_out_when_empty = [
        ".conversation.early_agent_events".to_string(),
        ".conversation.early_agent_events[].made_from".into(),
        ".conversation.unsent_metrics".into(),
        ".conversation.unsent_metrics.languages".into(),
        ".conversation.unsent_metrics.channels".into(),
        ".conversation.unsent_metrics.directory".into(),
        ".conversation.language".into(),
        ".conversation.wake".into(),
        ".conversation.recent_sent".into(),
        ".conversation.archive_oldest_ms".into(),
        ".conversation.tickets[].requester_change_noted".into(),
        ".conversation.tickets[].not_forwarded_noted".into(),
        format!("{m}.language"),
        format!("{m}.without_locale"),
        format!("{m}.content<text>.text"),
        format!("{m}.content<media>.caption"),
        format!("{m}.content<media>.files"),
        format!("{m}.content<location>.place"),
        format!("{m}.content<location>.place.address"),
        format!("{m}.content<location>.place.label"),
        format!("{m}.content<location>.text"),
        format!("{m}.content<contact>.cards"),
        format!("{m}.content<contact>.text"),
        format!("{m}.content<button_reply>.text"),
        format!("{m}.content<reaction>.emoji"),
        format!("{m}.content<other>.text"),
        format!("{m}.content<other>.files"),
        format!("{m}.content<other>.payload"),
        ".conversation.agent_replies[].retry".into(),
        format!("{ticket}.external_id"),
        format!("{ticket}.via_followup_source_id"),
        format!("{ticket}.comment.uploads"),
        format!("{ticket}.requester.locale_id"),
        format!("{ticket}.requester_id"),
        ".conversation.requester_user_id".into(),
        ".conversation.requester_phone_refused".into(),
        "[].call.user.phone".into(),
        format!("{ticket}.brand_id"),
        format!("{ticket}.group_id"),
        format!("{ticket}.ticket_form_id"),
        format!("{ticket}.custom_fields"),
        ".conversation.channel".into(),
        ".conversation.receiving".into(),
        ".conversation.opted_out_ms".into(),
        ".conversation.closed_notice".into(),
        ".conversation.user_id".into(),
        ".conversation.reply_to".into(),
        ".conversation.seen_events".into(),
        ".conversation.zendesk_budget".into(),
        ".conversation.csat".into(),
        ".conversation.csat.asked".into(),
        ".conversation.csat.asked[].pending".into(),
        ".conversation.csat.asked[].open".into(),
        ".conversation.csat.asked[].comment_until_ms".into(),
        ".conversation.csat.asked[].rating".into(),
        ".conversation.csat.statuses".into(),
        ".conversation.tickets[].merged_into".into(),
        ".conversation.tickets[].merged_from".into(),
        ".conversation.tickets[].merged_at_ms".into(),
        format!("{m}.facts"),
        format!("{m}.facts.ack_ms"),
        format!("{m}.facts.priority"),
        format!("{m}.facts.failure"),
    ];
    for key in &left_out_when_empty {
        assert!(
            keys.contains(key),
            "{key} is left out: set it in every_field"
        );
    }
    // A new field left out when empty must join the list (28 in v5.rs, less v5's message's 2
    // that v7 no longer writes; 22 in v7.rs; 6 in the satisfaction state; 3 in `Delta`).
    let left_out = |file: &str| file.matches("skip_serializing_if").count();
    assert_eq!(
        left_out(include_str!("../v5.rs")) - 2
            + left_out(include_str!("../v7.rs"))
            + left_out(include_str!("../../csat/state.rs"))
            + 3,
        left_out_when_empty.len(),
        "a field left out when empty was added: list it above and set it in every_field"
    );
    let names = |tag: &str, at: &str| -> Vec<String> {
        tags[tag]
            .iter()
            .filter_map(|t| t.strip_prefix(&format!("{at}:")).map(str::to_string))
            .collect()
    };
    assert_eq!(
        names("state", &format!("{m}.ticket")),
        [
            "commented",
            "created",
            "failed",
            "pending",
            "queue_full",
            "recovered",
            "rejected"
        ]
    );
    assert_eq!(
        names("state", &format!("{m}.reply")),
        ["due", "failed", "not_needed", "sent", "unknown", "waiting"]
    );
    assert_eq!(
        names("state", &format!("{m}.content<media>.files[].state")),
        ["pending", "skipped", "uploaded"]
    );
    assert_eq!(
        names("kind", &format!("{m}.content")),
        [
            "button_reply",
            "contact",
            "location",
            "media",
            "other",
            "reaction",
            "text"
        ]
    );
    assert_eq!(
        names("state", ".conversation.agent_replies[].state"),
        ["due", "sent", "undeliverable"]
    );
    assert_eq!(
        names("kind", ".conversation.unsent_metrics.directory[].key"),
        ["masked", "message", "ticket"]
    );
    assert_eq!(names("call", "[].call").len(), 13, "every call");
    let replies: Vec<&str> = pinned[0]["conversation"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["reply"]["content"].as_object())
        .flat_map(|c| c.keys().map(String::as_str))
        .collect();
    assert_eq!(
        replies,
        ["Template", "Media", "Text"],
        "every reply content"
    );
}
