//! What the gateway tells the customer besides the ticket: the out-of-hours text (once per
//! closed period, `BUSINESS_HOURS`) and the acknowledgement of an opt-out or opt-in word
//! (docs/behaviour.md, "Business hours" and "Opt-out").

use super::*;
use crate::core::config::languages::Language;

use crate::core::conversation::message::{OPT_IN_REASON, OPT_OUT_REASON};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::core::conversation) enum OptWord {
    Out,
    In,
}

/// The opt word a message is (its whole text, folded, punctuation around it ignored), with
/// the enabled language whose list has it: the message's own first, else the first listed.
fn opt_word<'a>(m: &Message, ctx: &'a Ctx) -> Option<(OptWord, &'a Language)> {
    if m.content.carries_more_than_text() {
        return None;
    }
    let folded = crate::core::text::fold_accents(m.content.text());
    let word = folded
        .trim_matches(|c: char| !c.is_alphanumeric())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if word.is_empty() || word.len() > 40 {
        return None;
    }
    let of = |l: &Language| {
        if l.opt_out_words.contains(&word) {
            Some(OptWord::Out)
        } else if l.opt_in_words.contains(&word) {
            Some(OptWord::In)
        } else {
            None
        }
    };
    let own = ctx.language(m.language.as_deref());
    if let Some(w) = of(own) {
        return Some((w, own));
    }
    ctx.config
        .languages
        .enabled
        .iter()
        .find_map(|l| of(l).map(|w| (w, l)))
}

impl InboundQueue {
    /// Message `i` is an opt word: the customer's choice is recorded, acknowledged when it
    /// changed anything, and no ticket is made (a bare "STOP" is not a request). Returns the
    /// internal note for the customer's open ticket when it changed (the agents learn it).
    pub(in crate::core::conversation) fn opt_message(
        &mut self,
        i: usize,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> Option<Option<(String, String)>> {
        let (word, language) = opt_word(&self.messages[i], ctx)?;
        let sid = self.messages[i].sid.clone();
        let was_out = self.opted_out_ms.is_some();
        let code = language.code.clone();
        let (reason, reply, note) = match word {
            OptWord::Out => {
                events.push(DomainEvent::OptedOut {
                    sid: sid.clone(),
                    language: code,
                    already: was_out,
                });
                if !was_out {
                    self.opted_out_ms = Some(ctx.now_ms);
                }
                let ack = (ReplyKind::OptOut, language.texts.opt_out.clone());
                let note = "WhatsApp: the customer sent an opt-out word (such as STOP). No template is sent to them from now on: an agent's reply more than 24 hours after their last message is not sent (a note says so). Replies within 24 hours of a message of theirs still go out. They opt back in by sending START.";
                (OPT_OUT_REASON, (!was_out).then_some(ack), note)
            }
            OptWord::In => {
                events.push(DomainEvent::OptedIn {
                    sid: sid.clone(),
                    language: code,
                    was_opted_out: was_out,
                });
                self.opted_out_ms = None;
                let ack = (ReplyKind::OptIn, language.texts.opt_in.clone());
                let note = "WhatsApp: the customer opted back in (sent an opt-in word such as START): templates may be sent to them again.";
                (OPT_IN_REASON, was_out.then_some(ack), note)
            }
        };
        let changed = reply.is_some();
        let m = &mut self.messages[i];
        m.ticket = TicketStep::Rejected {
            reason: reason.into(),
        };
        m.reply = match reply {
            Some((kind, text)) => ReplyStep::Due {
                kind,
                content: ReplyContent::Text(text),
            },
            None => ReplyStep::NotNeeded,
        };
        Some(changed.then(|| (format!("{reason}:{sid}"), note.to_string())))
    }

    /// The out-of-hours text to add to message `sid`'s answer, when now is in a closed period
    /// not announced yet and `with` (the answer's own text, if any) leaves room for it in one
    /// WhatsApp message. The period is remembered as announced.
    pub(in crate::core::conversation) fn out_of_hours_text(
        &mut self,
        sid: &str,
        language: &Language,
        with: Option<&str>,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> Option<String> {
        let hours = ctx.config.business_hours.as_ref()?;
        let period = hours.closed_period(ctx.now_ms)?;
        if self.closed_notice == Some(period) {
            return None;
        }
        let notice = &language.texts.out_of_hours;
        let text = match with {
            Some(answer) => format!("{answer}\n\n{notice}"),
            None => notice.clone(),
        };
        // Too long for one message: the confirmation goes alone, the next answer tells.
        if twilio::utf16_len(&text) > twilio::MAX_BODY_UTF16_UNITS {
            return None;
        }
        self.closed_notice = Some(period);
        events.push(DomainEvent::OutOfHoursNotice {
            sid: sid.to_string(),
            language: language.code.clone(),
            reopens: period,
        });
        Some(text)
    }
}
