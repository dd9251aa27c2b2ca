//! Scenarios of files, locations and contacts, both ways.

use super::*;

// ---------- media ----------

/// File `n` of message `sid`, at the URL Twilio gives it (the only URL the gateway fetches).
pub(super) fn media(sid: &str, n: u32, content_type: &str) -> crate::core::form::MediaRef {
    crate::core::form::MediaRef {
        url: format!(
            "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/{sid}/Media/ME{n:032x}"
        ),
        content_type: content_type.into(),
    }
}

#[test]
fn a_photo_without_caption_becomes_a_ticket_with_the_file_attached() {
    let mut sim = Sim::new(config());
    sim.world.media_size = 200_000;
    sim.receive_with("MM1", "", vec![media("MM1", 1, "image/jpeg")], None);
    sim.settle();
    sim.check_invariants("photo");
    assert_eq!(sim.world.tickets.len(), 1, "not rejected by triage");
    assert_eq!(
        sim.world.tickets[0].comments[0].0,
        "(WhatsApp message with 1 attachment)"
    );
    assert_eq!(sim.world.attached, vec!["tok0"]);
    assert_eq!(sim.world.sent.len(), 1, "confirmation");
}

#[test]
fn the_caption_is_the_comment_and_refused_or_large_files_are_listed() {
    let mut sim = Sim::new(config());
    sim.world.media_size = 20 * 1024 * 1024;
    sim.receive_with(
        "MM2",
        "Here is the broken part, I need a replacement",
        vec![
            media("MM2", 2, "video/mp4"),
            media("MM2", 3, "application/x-msdownload"),
        ],
        None,
    );
    sim.settle();
    sim.check_invariants("listed");
    let body = &sim.world.tickets[0].comments[0].0;
    assert!(
        body.starts_with("Here is the broken part, I need a replacement"),
        "{body}"
    );
    assert!(
        body.contains(
            "Attachment not attached (video/mp4): 20971520 bytes, over the 16777216 byte limit"
        ),
        "{body}"
    );
    assert!(body.contains("Attachment not attached (application/x-msdownload): application/x-msdownload files are not accepted"), "{body}");
    assert!(sim.world.attached.is_empty());
    assert_eq!(
        sim.world
            .calls
            .iter()
            .filter(|c| c.starts_with("TRANSFER"))
            .count(),
        1,
        "the refused type is not even downloaded"
    );
}

#[test]
fn a_location_becomes_readable_text_and_follow_up_files_go_on_the_comment() {
    let mut sim = Sim::with_ticket(config());
    sim.world.media_size = 1000;
    let loc = crate::core::form::Location {
        latitude: "52.52".into(),
        longitude: "13.405".into(),
        address: Some("Alexanderplatz 1".into()),
        label: None,
    };
    sim.receive_with("SMloc", "", vec![], Some(loc));
    sim.receive_with(
        "MMpdf",
        "the invoice",
        vec![media("MMpdf", 9, "application/pdf")],
        None,
    );
    sim.settle();
    sim.check_invariants("location + pdf");
    let comments = &sim.world.tickets[0].comments;
    assert!(comments[1].0.starts_with("Location shared: Alexanderplatz 1 (52.52, 13.405) https://www.google.com/maps?q=52.52,13.405"));
    assert_eq!(comments[2].0, "the invoice");
    assert_eq!(sim.world.attached, vec!["tok0"]);
}

#[test]
fn file_transfers_survive_every_fault() {
    for fault in ALL_FAULTS {
        let mut sim = Sim::new(config());
        sim.world.media_size = 1000;
        sim.world.faults = [Some(fault)].into();
        sim.receive_with(
            "MM3",
            "photo of the damage, I need help",
            vec![media("MM3", 4, "image/png")],
            None,
        );
        sim.settle();
        sim.check_invariants(&format!("transfer {fault:?}"));
        assert_eq!(sim.world.tickets.len(), 1, "{fault:?}");
        assert_eq!(sim.world.attached.len(), 1, "{fault:?}: one file attached");
    }
}

#[test]
fn an_agents_files_follow_the_text_as_signed_links() {
    let mut sim = Sim::with_ticket(config());
    let id = sim.agent_writes("Here is your invoice.");
    sim.world.agent_files.insert(id, json!([{"id": 91, "file_name": "invoice.pdf", "content_type": "application/pdf", "content_url": "https://acme.zendesk.com/attachments/token/x/?name=invoice.pdf", "size": 1234}]));
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 3, "{:?}", sim.world.sent);
    assert_eq!(sim.world.sent[1].1, "Here is your invoice.");
    let link = sim.world.sent[2]
        .1
        .strip_prefix("media https://gw.example/media/")
        .expect("a gateway link");
    let grant = crate::core::media_url::verify(link, "key", sim.now).unwrap();
    assert_eq!(
        grant.attachment_id, 91,
        "the link names the attachment, nothing more"
    );
    sim.check_invariants("files");
}

#[test]
fn a_file_link_lives_15_minutes_and_a_send_retried_later_carries_a_fresh_one() {
    let mut sim = Sim::with_ticket(config());
    let id = sim.agent_writes("Here is your invoice.");
    sim.world.agent_files.insert(id, json!([{"id": 92, "file_name": "invoice.pdf", "content_type": "application/pdf", "content_url": "https://acme.zendesk.com/attachments/token/y/?name=invoice.pdf", "size": 1234}]));
    // The comments are read and the text sent; the file's send is then refused by Twilio's
    // rate limit, twice, for 10 minutes each: it goes out 20 minutes after its first attempt.
    sim.world.faults = [
        None,
        None,
        Some(Fault::RateLimited(600)),
        Some(Fault::RateLimited(600)),
    ]
    .into();
    let first_attempt = sim.now;
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 3, "{:?}", sim.world.sent);
    assert!(
        sim.now - first_attempt > 15 * 60 * 1000,
        "the send went out {} ms after its first attempt",
        sim.now - first_attempt
    );
    let link = sim.world.sent[2]
        .1
        .strip_prefix("media https://gw.example/media/")
        .expect("a gateway link");
    let grant = crate::core::media_url::verify(link, "key", sim.now)
        .expect("the link Twilio got is minted for the attempt that went out");
    // Twilio fetches the file when it sends the message: the link is good for 15 minutes from
    // then, no more (it is whole in the request URLs Cloudflare logs).
    assert!(
        grant.expires_ms <= sim.now + 15 * 60 * 1000,
        "the link lives {} ms",
        grant.expires_ms - sim.now
    );
    sim.check_invariants("file sent late");
}
