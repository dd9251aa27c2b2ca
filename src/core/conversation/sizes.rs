//! How many bytes things take stored as JSON, and cutting text to a size: what the parts'
//! budgets (`budget`) are counted in.

use std::io::Write;

/// The bytes `s` takes stored as a JSON string's contents (escapes included).
pub fn json_len(s: &str) -> usize {
    s.len()
        + s.chars()
            .map(|c| match c {
                '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 1,
                c if (c as u32) < 0x20 => 5,
                _ => 0,
            })
            .sum::<usize>()
}

/// Counts what serde writes, without keeping it.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The bytes `value` takes stored as JSON.
pub fn stored_len<T: serde::Serialize>(value: &T) -> usize {
    let mut counter = Counter(0);
    // Writing to a counter cannot fail; a type that cannot be serialized costs nothing here
    // (its save would fail anyway).
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

/// `s` cut to at most `max` bytes, on a character boundary.
pub(super) fn clip(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

/// `s` cut so that it takes at most `max` bytes stored as JSON (escapes included).
pub(super) fn clip_json(s: &mut String, max: usize) {
    while json_len(s) > max {
        let cut = s.len() - s.chars().next_back().map_or(0, char::len_utf8);
        s.truncate(cut);
    }
}
