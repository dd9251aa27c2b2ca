//! The conversation's deadlines, named, in the spirit of quinn-proto's `TimerTable`: each part
//! arms the ones it waits on when it is polled (the inbound queue: a message's next attempt, the
//! ticket's update budget; the agents' side: a reading's retry, a reply's or a note's next
//! attempt, a kept event's expiry; the parent: a call in flight elsewhere, an unbuildable call,
//! a stalled step), and the wake-up the shell schedules is the soonest of the parts' timers.
//! The deadlines themselves are stored with what they belong to (a message's retry, a reply's,
//! a note's), in the part that owns it; the wake-up is stored with its reason (`Wake`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// A call is in flight in another invocation: look again once it must have ended.
    CallInFlight,
    /// The oldest customer message waits for its next attempt.
    MessageRetry,
    /// Zendesk's per-ticket update budget is spent until then.
    TicketUpdateBudget,
    /// Reading a ticket's comments failed: read them again then.
    TicketCheckRetry,
    /// An agent's reply waits for its next attempt.
    AgentReplyRetry,
    /// An internal note waits for its next attempt.
    NoteRetry,
    /// A call whose request could not be built (what it acts on is gone): try again then.
    Unbuildable,
    /// An event kept for a ticket not known yet expires then (its note is due).
    KeptEventExpiry,
    /// A step settled things for longer than any history can need (a defect): look again
    /// later rather than end without a wake-up.
    Stalled,
    /// The oldest archived finished message is past `KEEP_FINISHED_MS`: the archive's rows are
    /// pruned then.
    ArchivePrune,
    /// The slot the account's Zendesk budget gave is due then (`core::api_budget`).
    ZendeskBudget,
}

const COUNT: usize = 11;

impl Timer {
    fn slot(self) -> usize {
        match self {
            Timer::CallInFlight => 0,
            Timer::MessageRetry => 1,
            Timer::TicketUpdateBudget => 2,
            Timer::TicketCheckRetry => 3,
            Timer::AgentReplyRetry => 4,
            Timer::NoteRetry => 5,
            Timer::Unbuildable => 6,
            Timer::KeptEventExpiry => 7,
            Timer::Stalled => 8,
            Timer::ArchivePrune => 9,
            Timer::ZendeskBudget => 10,
        }
    }

    /// The name the `conversation.timer_fired` line gives.
    pub fn name(self) -> &'static str {
        match self {
            Timer::CallInFlight => "call_in_flight",
            Timer::MessageRetry => "message_retry",
            Timer::TicketUpdateBudget => "ticket_update_budget",
            Timer::TicketCheckRetry => "ticket_check_retry",
            Timer::AgentReplyRetry => "agent_reply_retry",
            Timer::NoteRetry => "note_retry",
            Timer::Unbuildable => "unbuildable",
            Timer::KeptEventExpiry => "kept_event_expiry",
            Timer::Stalled => "stalled",
            Timer::ArchivePrune => "archive_prune",
            Timer::ZendeskBudget => "zendesk_budget",
        }
    }

    const ALL: [Timer; COUNT] = [
        Timer::CallInFlight,
        Timer::MessageRetry,
        Timer::TicketUpdateBudget,
        Timer::TicketCheckRetry,
        Timer::AgentReplyRetry,
        Timer::NoteRetry,
        Timer::Unbuildable,
        Timer::KeptEventExpiry,
        Timer::Stalled,
        Timer::ArchivePrune,
        Timer::ZendeskBudget,
    ];
}

/// The wake-up the conversation asked for, kept with its reason so that the alarm that
/// answers it says which timer fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wake {
    pub timer: Timer,
    pub at_ms: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimerTable {
    deadlines: [Option<u64>; COUNT],
}

impl TimerTable {
    /// Arms `timer` at `at` (an earlier deadline of the same timer wins).
    pub fn arm(&mut self, timer: Timer, at: u64) {
        let slot = &mut self.deadlines[timer.slot()];
        *slot = Some(slot.map_or(at, |t| t.min(at)));
    }

    pub fn get(&self, timer: Timer) -> Option<u64> {
        self.deadlines[timer.slot()]
    }

    /// The earliest armed timer and its deadline.
    pub fn next_timeout(&self) -> Option<(Timer, u64)> {
        Timer::ALL
            .iter()
            .filter_map(|t| self.get(*t).map(|at| (*t, at)))
            .min_by_key(|(_, at)| *at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earliest_armed_timer_wins() {
        let mut t = TimerTable::default();
        assert_eq!(t.next_timeout(), None);
        t.arm(Timer::NoteRetry, 500);
        t.arm(Timer::MessageRetry, 900);
        t.arm(Timer::NoteRetry, 700);
        assert_eq!(
            t.get(Timer::NoteRetry),
            Some(500),
            "the earlier deadline stays"
        );
        assert_eq!(t.next_timeout(), Some((Timer::NoteRetry, 500)));
        t.arm(Timer::CallInFlight, 100);
        assert_eq!(t.next_timeout(), Some((Timer::CallInFlight, 100)));
    }
}
