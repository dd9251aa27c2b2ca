//! The word lists of the emergency rules (`emergency.rs`), by kind, one module each: the data,
//! apart from the rule that reads it.

mod account;
mod air;
mod business;
mod care;
mod care_guards;
mod deadline_guards;
mod dependent;
mod exposed;
mod fraud;
mod harm;
mod lines;
mod people;
mod pressing;
mod pressing_more;
mod timed;
mod trapped;
mod wrong_medicine;

pub(super) use account::*;
pub(super) use air::*;
pub(super) use business::*;
pub(super) use care::*;
pub(super) use care_guards::*;
pub(super) use deadline_guards::*;
pub(super) use dependent::*;
pub(super) use exposed::*;
pub(super) use fraud::*;
pub(super) use harm::*;
pub(super) use lines::*;
pub(super) use people::*;
pub(super) use pressing::*;
pub(super) use pressing_more::*;
pub(super) use timed::*;
pub(super) use trapped::*;
pub(super) use wrong_medicine::*;
