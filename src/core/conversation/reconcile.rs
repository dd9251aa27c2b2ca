//! Reconciling a call whose answer was lost: was it done? A WhatsApp send has no idempotency
//! key, so a send that timed out, got a 5xx or an unreadable answer is looked for in Twilio's
//! list of the messages sent to the customer before it is sent again. One rule for the
//! gateway's replies and the agents' replies alike.

use super::*;

/// The message in Twilio's `list` (an answer to `list_sent_request`) that is the lost send: to
/// `to`, not one of the `known` SIDs the conversation already recorded as sent, created no
/// earlier than `since_ms` (give or take the clocks' skew), and, when the text is known, with
/// that text (another reply with the same text, two "more details" say, is known and skipped).
pub(super) fn find_lost_send(
    list: &[twilio::SentMessage],
    to: &str,
    known: &[&str],
    since_ms: u64,
    expected_text: Option<&str>,
) -> Option<String> {
    list.iter()
        .find(|m| {
            m.to == to
                && !known.contains(&m.sid.as_str())
                && m.created_ms.is_none_or(|t| t + CLOCK_SKEW_MS >= since_ms)
                && expected_text.is_none_or(|e| e.trim() == m.body.trim())
        })
        .map(|m| m.sid.clone())
}
