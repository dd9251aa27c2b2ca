//! The one call a conversation has in flight at a time, each part's own (`requests` turns a
//! call into its HTTP request).

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub call: Call,
    pub started_ms: u64,
}

/// The upstream calls the machine makes, each part's own: the inbound queue's and the agents'
/// side's are separate enums, so a part's `match` on its calls has no arm for the other's.
// One call is in flight at a time: boxing the larger part's calls would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// A step of a customer's message.
    Inbound(InboundCall),
    /// The agents' side: ticket reads, agents' replies, notes.
    Agents(AgentCall),
}

/// A step of a customer's message: its ticket or comment (and their look-ups), its files, the
/// gateway's reply to it (and its look-up).
#[derive(Debug, Clone, PartialEq)]
pub enum InboundCall {
    CreateTicket {
        sid: String,
        ticket: NewTicket,
    },
    FindTicket {
        sid: String,
    },
    AddComment {
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        uploads: Vec<String>,
    },
    FindComment {
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        since_ms: u64,
    },
    SendReply {
        sid: String,
    },
    FindReply {
        sid: String,
        since_ms: u64,
    },
    TransferMedia {
        sid: String,
        index: usize,
    },
}

/// A step of the agents' side.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentCall {
    CheckTicket { ticket_id: u64 },
    SendAgentReply { comment_id: u64 },
    FindAgentReply { comment_id: u64, since_ms: u64 },
    AddNote { key: String },
    FindNote { key: String, since_ms: u64 },
}

impl Call {
    pub(super) fn name(&self) -> &'static str {
        match self {
            Call::Inbound(c) => c.name(),
            Call::Agents(c) => c.name(),
        }
    }
}

impl InboundCall {
    pub(super) fn name(&self) -> &'static str {
        match self {
            InboundCall::CreateTicket { .. } => "create_ticket",
            InboundCall::FindTicket { .. } => "find_ticket",
            InboundCall::AddComment { .. } => "add_comment",
            InboundCall::TransferMedia { .. } => "transfer_media",
            InboundCall::FindComment { .. } => "find_comment",
            InboundCall::SendReply { .. } => "send_reply",
            InboundCall::FindReply { .. } => "find_reply",
        }
    }

    /// The message whose step this call is (the oldest of a merged comment).
    pub(super) fn head(&self) -> &str {
        match self {
            InboundCall::CreateTicket { sid, .. }
            | InboundCall::FindTicket { sid }
            | InboundCall::SendReply { sid }
            | InboundCall::FindReply { sid, .. }
            | InboundCall::TransferMedia { sid, .. } => sid,
            InboundCall::AddComment { sids, .. } | InboundCall::FindComment { sids, .. } => {
                sids.first().map_or("", String::as_str)
            }
        }
    }
}

impl AgentCall {
    pub(super) fn name(&self) -> &'static str {
        match self {
            AgentCall::CheckTicket { .. } => "check_ticket",
            AgentCall::SendAgentReply { .. } => "send_agent_reply",
            AgentCall::FindAgentReply { .. } => "find_agent_reply",
            AgentCall::AddNote { .. } => "add_note",
            AgentCall::FindNote { .. } => "find_note",
        }
    }
}

/// How long to wait before trying again a call whose request cannot be built.
pub(super) const UNBUILDABLE_WAIT_MS: u64 = 60_000;
