//! Shared WhatsApp contacts arrive as vCard files: their gist becomes comment text.

/// `Contact shared: Ana Lima, +55 11 91234-5678, ana@example.com` from a vCard, or None.
pub fn describe(text: &str) -> Option<String> {
    let mut name = None;
    let mut details = Vec::new();
    // Folded lines (RFC 6350: a line starting with a space continues the previous one).
    let unfolded = text.replace("\r\n ", "").replace("\n ", "");
    for line in unfolded.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().replace("\\,", ",").replace("\\;", ";");
        if value.is_empty() {
            continue;
        }
        match key
            .split(';')
            .next()
            .unwrap_or("")
            .to_ascii_uppercase()
            .as_str()
        {
            "FN" => name = Some(value),
            "TEL" | "EMAIL" | "ORG" => details.push(value),
            _ => {}
        }
    }
    let mut parts: Vec<String> = name.into_iter().collect();
    parts.extend(details);
    (!parts.is_empty()).then(|| format!("Contact shared: {}", parts.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_numbers_and_mail() {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lima;Ana;;;\r\nFN:Ana Lima\r\nTEL;type=CELL;waid=5511912345678:+55 11 91234-5678\r\nEMAIL;type=INTERNET:ana@example.com\r\nEND:VCARD\r\n";
        assert_eq!(
            describe(card).as_deref(),
            Some("Contact shared: Ana Lima, +55 11 91234-5678, ana@example.com")
        );
        assert_eq!(
            describe("BEGIN:VCARD\nFN:Long\n  Name\nEND:VCARD").as_deref(),
            Some("Contact shared: Long Name")
        );
        assert_eq!(describe("not a card"), None);
        assert_eq!(describe(""), None);
    }
}
