pub mod detect;
pub mod pack;
