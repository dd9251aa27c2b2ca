pub mod detect;
pub mod pack;
pub mod packs;
