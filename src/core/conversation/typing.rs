//! When WhatsApp's typing indicator is shown (`TYPING_INDICATOR`, `core::twilio::typing`):
//! once per customer message, as the gateway begins to work on it (its ticket, its user, its
//! files or its comment), and only when the customer will get an answer to it; never on a
//! retry. Decided from what the conversation already stores, so it costs nothing stored: the
//! message's first call is launched now (its step began now, nothing tried or answered for it
//! before), and the state that says so is stored before the call goes out, so a relaunch after
//! an eviction is not a first call.

use super::*;

impl Conversation {
    /// The indicator for the message whose first call was just launched, if it is due: its
    /// MessageSid and the request.
    pub(super) fn typing_indicator(&self, ctx: &Ctx) -> Option<(String, HttpRequest)> {
        let config = ctx.config;
        if !config.typing_indicator {
            return None;
        }
        let flight = self
            .in_flight
            .as_ref()
            .filter(|f| f.started_ms == ctx.now_ms)?;
        let works_on_message = match &flight.call {
            Call::Inbound(InboundCall::TransferMedia { .. }) => true,
            Call::Backend(call) => call.message().is_some(),
            // The reply itself (a message refused or asked for details): answered at once.
            Call::Inbound(_) | Call::Agents(_) => false,
        };
        if !works_on_message {
            return None;
        }
        let m = self.message(flight.call.message()?)?;
        let first_call = m.total_attempts == 0
            && m.retry.attempts == 0
            && m.retry.step_started_ms == Some(ctx.now_ms);
        // A message added to the open ticket is answered only with `FOLLOWUP_ACK` (WhatsApp:
        // show the indicator only when a reply follows).
        let answered =
            self.backend.open_ticket().is_none() || m.follow_up_of.is_some() || config.followup_ack;
        if !(first_call && answered) {
            return None;
        }
        let request = twilio::typing::typing_request(
            &config.twilio_messaging_base_url,
            &config.twilio_account(),
            &m.sid,
        );
        Some((m.sid.clone(), request))
    }
}
