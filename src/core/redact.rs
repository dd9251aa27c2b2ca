//! Masking for logs: phone numbers and user ids are shown as `+1555***0001`, secrets never.

use crate::core::form::Sender;

/// `+15550001234` -> `+1555***1234`: enough to tell customers apart in a log, not to call them.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    let (head, tail) = if digits.len() >= 10 { (4, 4) } else { (2, 2) };
    if digits.len() <= head + tail {
        return "+***".to_string();
    }
    let first: String = digits[..head].iter().collect();
    let last: String = digits[digits.len() - tail..].iter().collect();
    format!("+{first}***{last}")
}

/// A business-scoped user id keeps its country prefix and a few characters at each end.
fn mask_scoped_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "***".to_string();
    }
    let first: String = chars[..5].iter().collect();
    let last: String = chars[chars.len() - 3..].iter().collect();
    format!("{first}***{last}")
}

pub fn mask_sender(sender: &Sender) -> String {
    match sender {
        Sender::Phone(p) => mask_phone(p),
        Sender::ScopedId(id) => mask_scoped_id(id),
    }
}

/// Last line of defence for any text that goes to a log: every run of 7 or more digits (with an
/// optional leading `+`) is masked, and every secret is replaced.
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    // URL-encoded numbers (`whatsapp%3A%2B1555...`) are decoded first so they are caught too.
    let mut out = text
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%3A", ":")
        .replace("%3a", ":");
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret, "[redacted]");
    }
    scrub_digit_runs(&out)
}

/// Masks every token that looks like a phone number: 7 to 15 digits, optionally after `+`,
/// standing alone (a digit run inside an identifier such as a hex SID is not a number), unless
/// it is a byte count (see `is_byte_count`).
fn scrub_digit_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    // `rest` is the text after the token: it tells a byte count from a phone number.
    let flush = |token: &mut String, out: &mut String, rest: &str| {
        let digits = token.strip_prefix('+').unwrap_or(token);
        let is_number =
            (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        if is_number && !is_byte_count(token, rest) {
            out.push_str(&mask_phone(token));
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for (i, c) in text.char_indices() {
        let rest = text.get(i..).unwrap_or("");
        if c.is_alphanumeric() || c == '+' {
            if c == '+' && !token.is_empty() {
                flush(&mut token, &mut out, rest);
            }
            token.push(c);
        } else {
            flush(&mut token, &mut out, rest);
            out.push(c);
        }
    }
    flush(&mut token, &mut out, "");
    out
}

/// A number followed by one space and the word "byte" or "bytes" ("5200000 bytes, over the
/// 5242880 byte limit") is a size, as the gateway writes them, not a phone number. A `+` in
/// front makes it a phone number again: no size is written that way.
fn is_byte_count(token: &str, rest: &str) -> bool {
    if token.starts_with('+') {
        return false;
    }
    let Some(after) = rest.strip_prefix(" byte") else {
        return false;
    };
    let after = after.strip_prefix('s').unwrap_or(after);
    !after.starts_with(|c: char| c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_keep_only_both_ends() {
        assert_eq!(mask_phone("+15550001234"), "+1555***1234");
        assert_eq!(mask_phone("whatsapp:+447700900123"), "+4477***0123");
        assert_eq!(mask_phone("+1234567"), "+12***67");
        assert_eq!(mask_phone("+123"), "+***");
    }

    #[test]
    fn scoped_ids_are_masked_too() {
        assert_eq!(
            mask_sender(&Sender::ScopedId("US.13491208655302741918".into())),
            "US.13***918"
        );
        assert_eq!(mask_sender(&Sender::ScopedId("short".into())), "***");
    }

    #[test]
    fn scrub_masks_numbers_and_secrets_anywhere() {
        let line = r#"{"to":"whatsapp:+15550001234","token":"s3cr3t-token","ticket":12345}"#;
        let out = scrub(line, &["s3cr3t-token"]);
        assert!(!out.contains("15550001234"));
        assert!(out.contains("+1555***1234"));
        assert!(!out.contains("s3cr3t-token"));
        // short numbers such as ticket ids and status codes are left alone
        assert!(out.contains("12345"));
        assert_eq!(scrub("a+b 1+2", &[]), "a+b 1+2");
        // digits inside identifiers are not phone numbers
        let sid = "SMd37669c6d5d3412398e4c2612345a8";
        assert_eq!(scrub(sid, &[]), sid);
        assert_eq!(scrub("call 5550001234 now", &[]), "call +5550***1234 now");
        assert_eq!(
            scrub("+15550001234+15550004321", &[]),
            "+1555***1234+1555***4321"
        );
        assert_eq!(scrub("", &[]), "");
    }

    #[test]
    fn byte_counts_in_text_are_not_phone_numbers() {
        assert_eq!(
            scrub("5200000 bytes, over the 5242880 byte limit", &[]),
            "5200000 bytes, over the 5242880 byte limit"
        );
        assert_eq!(scrub("read 20971520 bytes.", &[]), "read 20971520 bytes.");
        // only the word "byte(s)" right after the number counts, and never after a '+'
        assert_eq!(scrub("+5200000 bytes", &[]), "+52***00 bytes");
        assert_eq!(scrub("15550001234 bytesize", &[]), "+1555***1234 bytesize");
        assert_eq!(scrub("15550001234  bytes", &[]), "+1555***1234  bytes");
        assert_eq!(scrub("15550001234 kb", &[]), "+1555***1234 kb");
    }

    #[test]
    fn phone_numbers_in_text_are_masked_in_every_spelling() {
        for (text, masked) in [
            ("+15550001234", "+1555***1234"),
            ("15550001234", "+1555***1234"),
            ("whatsapp:+15550001234", "whatsapp:+1555***1234"),
            (
                "From=whatsapp%3A%2B15550001234&x=1",
                "From=whatsapp:+1555***1234&x=1",
            ),
            ("To=whatsapp%3a%2b15550001234", "To=whatsapp:+1555***1234"),
            ("tel +447700900123.", "tel +4477***0123."),
        ] {
            assert_eq!(scrub(text, &[]), masked, "{text}");
        }
    }
}
