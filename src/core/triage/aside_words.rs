//! The word lists of the ninth pass (`problems.rs`): what customers write that names no
//! problem though it may hold a problem word ("problem solved", "sorry, wrong chat", "the
//! parcel arrived, thanks"), by kind, one module each: the data, apart from the rule that
//! reads it. Written from the project's own probe (`tests/data/triage-probe-details-h.tsv`, a
//! helper given a brief of contentless kinds), never from a set nobody tuned on.
//!
//! Per shipped language, colloquial and unaccented forms included; folded as messages are.

mod keeps_a_ticket;
mod no_trouble;
mod praise;
mod said_nothing;
mod saying;
mod settled;
mod small_talk;
mod wishes;
mod withdrawn;

pub(super) use keeps_a_ticket::*;
pub(super) use no_trouble::*;
pub(super) use praise::*;
pub(super) use said_nothing::*;
pub(super) use saying::*;
pub(super) use settled::*;
pub(super) use small_talk::*;
pub(super) use wishes::*;
pub(super) use withdrawn::*;
