pub mod calling_codes;
pub mod detect;
pub mod pack;
pub mod packs;
