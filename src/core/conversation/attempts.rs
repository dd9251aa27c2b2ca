//! Attempts, backoff and giving up; what is kept of finished messages.

use super::*;

impl Conversation {
    /// A failure that may pass: try again after a backoff, or give up past the retry window.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn retry_later(
        &mut self,
        i: usize,
        call: &str,
        reason: &str,
        retry_after: Option<u64>,
        unknown_outcome: bool,
        ctx: &Ctx,
        logs: &mut Vec<LogLine>,
    ) {
        let m = &mut self.messages[i];
        m.total_attempts += 1;
        let delay = m.retry.failed(
            &format!("{call}: {reason}"),
            retry_after,
            unknown_outcome,
            ctx,
        );
        let sid = m.sid.clone();
        let attempts = m.retry.attempts;
        let Some(delay) = delay else {
            let why = format!("gave up after {attempts} attempts: {call}: {reason}");
            if !m.ticket_done() {
                self.fail_ticket(&[i], call, &why, ctx, logs);
            } else {
                let kind = m.reply_kind();
                logs.push(
                    self.line(LogLine::error("message.failed"), &sid)
                        .counts(Counted::Failed {
                            step: FailedStep::Reply,
                            reason: why.clone(),
                        })
                        .field("step", "reply")
                        .field("reason", why.as_str()),
                );
                let m = &mut self.messages[i];
                m.reply = if unknown_outcome {
                    ReplyStep::Unknown { kind, reason: why }
                } else {
                    ReplyStep::Failed { kind, reason: why }
                };
                m.complete_step();
            }
            return;
        };
        logs.push(
            self.line(agent::retry_line(call, attempts, reason, delay), &sid)
                .opt("retry_after_secs", retry_after),
        );
    }

    pub(super) fn prune(&mut self, now_ms: u64) {
        self.messages
            .retain(|m| m.finished_ms.is_none_or(|t| t + KEEP_FINISHED_MS > now_ms));
        let finished = self.messages.iter().filter(|m| m.is_finished()).count();
        if finished > KEEP_FINISHED_MAX {
            let mut drop = finished - KEEP_FINISHED_MAX;
            self.messages.retain(|m| {
                if drop > 0 && m.is_finished() {
                    drop -= 1;
                    false
                } else {
                    true
                }
            });
        }
        // Agents' replies and notes: settled ones are kept as long as finished messages (their
        // delivery statuses may still come), and at most as many.
        self.agent_replies
            .retain(|r| !r.is_settled() || r.received_ms + KEEP_FINISHED_MS > now_ms);
        let settled = self.agent_replies.iter().filter(|r| r.is_settled()).count();
        if settled > KEEP_FINISHED_MAX {
            let mut drop = settled - KEEP_FINISHED_MAX;
            self.agent_replies.retain(|r| {
                let keep = !(drop > 0 && r.is_settled());
                if !keep {
                    drop -= 1;
                }
                keep
            });
        }
        let done_notes = self.notes.iter().filter(|n| n.done).count();
        if done_notes > KEEP_FINISHED_MAX {
            let mut drop = done_notes - KEEP_FINISHED_MAX;
            self.notes.retain(|n| {
                let keep = !(drop > 0 && n.done);
                if !keep {
                    drop -= 1;
                }
                keep
            });
        }
    }

    /// Every WhatsApp message SID this conversation has recorded as its own.
    pub(super) fn sent_sids(&self) -> Vec<&str> {
        self.messages
            .iter()
            .filter_map(|m| match &m.reply {
                ReplyStep::Sent { sid, .. } => Some(sid.as_str()),
                _ => None,
            })
            .chain(
                self.agent_replies
                    .iter()
                    .flat_map(|r| r.sent_sids.iter().map(String::as_str)),
            )
            .collect()
    }

    /// Messages and agents' replies waiting for a retry (a metrics gauge).
    pub fn pending_retries(&self, now_ms: u64) -> u64 {
        let messages = self
            .messages
            .iter()
            .filter(|m| !m.is_finished() && m.retry.not_before_ms > now_ms)
            .count();
        let replies = self
            .agent_replies
            .iter()
            .filter(|r| r.retry.not_before_ms > now_ms)
            .count();
        (messages + replies) as u64
    }
}

pub(super) fn with_detail(reason: &str, detail: Option<String>) -> String {
    match detail {
        Some(d) => format!("{reason} ({d})"),
        None => reason.to_string(),
    }
}
