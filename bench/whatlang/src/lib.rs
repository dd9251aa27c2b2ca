//! The wasm size probe: one exported function that detects a language with `whatlang`
//! (feature `whatlang`) or, without it, does the same trivial UTF-8 work, so the difference
//! between the two builds is what the crate costs.

#[cfg(feature = "whatlang")]
#[no_mangle]
pub extern "C" fn detect(ptr: *const u8, len: usize) -> u32 {
    use whatlang::{Detector, Lang};
    // SAFETY: the caller passes a valid buffer of `len` bytes.
    let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
    let Ok(text) = core::str::from_utf8(bytes) else {
        return 0;
    };
    let allow = vec![Lang::Eng, Lang::Spa, Lang::Por, Lang::Fra, Lang::Deu, Lang::Ita, Lang::Ind];
    Detector::with_allowlist(allow).detect_lang(text).map_or(0, |l| l as u32 + 1)
}

#[cfg(not(feature = "whatlang"))]
#[no_mangle]
pub extern "C" fn detect(ptr: *const u8, len: usize) -> u32 {
    // SAFETY: the caller passes a valid buffer of `len` bytes.
    let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
    core::str::from_utf8(bytes).map_or(0, |t| t.len() as u32)
}
