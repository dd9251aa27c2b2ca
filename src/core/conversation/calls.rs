//! The one call a conversation has in flight at a time, each part's own (`requests` turns a
//! call into its HTTP request).

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub call: Call,
    pub started_ms: u64,
}

/// The upstream calls the machine makes, each part's own: the inbound queue's and the agents'
/// side's are separate enums, so a part's `match` on its calls has no arm for the other's; the
/// back end's (tickets, comments, notes and their look-ups) are its own, and their answers
/// reach the part that asked as the back end's neutral outcome (`BackendAnswer`).
// One call is in flight at a time: boxing the larger part's calls would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// A step of a customer's message.
    Inbound(InboundCall),
    /// The agents' side: agents' replies to the customer.
    Agents(AgentCall),
    /// The back end's, asked for by either part.
    Backend(BackendCall),
}

/// A step of a customer's message that is not the back end's: its files, the gateway's reply
/// to it (and its look-up).
#[derive(Debug, Clone, PartialEq)]
pub enum InboundCall {
    SendReply { sid: String },
    FindReply { sid: String, since_ms: u64 },
    TransferMedia { sid: String, index: usize },
}

/// A step of the agents' side that is not the back end's.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentCall {
    SendAgentReply { comment_id: u64 },
    FindAgentReply { comment_id: u64, since_ms: u64 },
}

impl Call {
    pub(super) fn name(&self) -> &'static str {
        match self {
            Call::Inbound(c) => c.name(),
            Call::Agents(c) => c.name(),
            Call::Backend(c) => c.name(),
        }
    }

    /// The customer's message this call is a step of, if any.
    pub(super) fn message(&self) -> Option<&str> {
        match self {
            Call::Inbound(c) => Some(c.head()),
            Call::Agents(_) => None,
            Call::Backend(c) => c.message(),
        }
    }
}

impl InboundCall {
    pub(super) fn name(&self) -> &'static str {
        match self {
            InboundCall::TransferMedia { .. } => "transfer_media",
            InboundCall::SendReply { .. } => "send_reply",
            InboundCall::FindReply { .. } => "find_reply",
        }
    }

    /// The message whose step this call is.
    pub(super) fn head(&self) -> &str {
        match self {
            InboundCall::SendReply { sid }
            | InboundCall::FindReply { sid, .. }
            | InboundCall::TransferMedia { sid, .. } => sid,
        }
    }
}

impl AgentCall {
    pub(super) fn name(&self) -> &'static str {
        match self {
            AgentCall::SendAgentReply { .. } => "send_agent_reply",
            AgentCall::FindAgentReply { .. } => "find_agent_reply",
        }
    }
}

/// How long to wait before trying again a call whose request cannot be built.
pub(super) const UNBUILDABLE_WAIT_MS: u64 = 60_000;
