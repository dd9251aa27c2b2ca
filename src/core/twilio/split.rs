//! Cutting an agent's reply into WhatsApp messages that Twilio accepts.
//!
//! Twilio's `Body` may hold 1,600 characters, and it counts them as JavaScript does, in UTF-16
//! code units: an emoji outside the Basic Multilingual Plane (😀, 👍, a flag's halves) counts
//! as two, so 1,600 emoji are 3,200 and refused whole with error 21617 "The concatenated
//! message body exceeds the 1600 character limit" (https://www.twilio.com/docs/api/errors/21617:
//! "emojis, emoticons or non-GSM characters will be counted as multiple characters";
//! https://www.twilio.com/docs/api/errors/21658 for the same limit on template variables).

/// Twilio's `Body` limit, in UTF-16 code units (what Twilio calls characters).
pub const MAX_BODY_UTF16_UNITS: usize = 1600;

/// The length of `s` as Twilio counts it: UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The longest start of `s` of at most `max` UTF-16 code units, never cutting a character.
pub fn take_utf16(s: &str, max: usize) -> &str {
    &s[..utf16_prefix_end(s, max)]
}

/// The byte index where the longest start of `s` of at most `max` UTF-16 units ends.
fn utf16_prefix_end(s: &str, max: usize) -> usize {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return i;
        }
    }
    s.len()
}

/// Splits a text into parts of at most `max` UTF-16 code units: at a line break or a space
/// when one is in the second half of the part, else at the last place that does not separate
/// an emoji from its modifier, joiner or variation selector, a letter from its accent, or a
/// flag's two halves (a grapheme cluster, approximated without Unicode's tables), and never
/// inside a character. Whitespace at a cut is dropped; nothing else is.
pub fn split_for_whatsapp(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while utf16_len(rest) > max {
        let mut end = utf16_prefix_end(rest, max);
        if end == 0 {
            // Only for a `max` below 2: one character, however long, so the loop advances.
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let cut = &rest[..end];
        let at = [cut.rfind('\n'), cut.rfind(' ')]
            .into_iter()
            .flatten()
            .find(|&i| utf16_len(&cut[..i]) > max / 2)
            .unwrap_or_else(|| grapheme_boundary_before(rest, end));
        parts.push(rest[..at].trim_end().to_string());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(rest.to_string());
    }
    parts
}

/// The last cut at or before `end` that keeps grapheme clusters whole, when one is in the
/// second half of `s[..end]`; else `end` (a cluster longer than half a message is cut
/// between two of its characters rather than sent in tiny parts).
fn grapheme_boundary_before(s: &str, end: usize) -> usize {
    let mut at = end;
    while at > end / 2 {
        if !joins_across(s, at) {
            return at;
        }
        at = s[..at].char_indices().next_back().map_or(0, |(i, _)| i);
    }
    end
}

/// Whether the characters on each side of byte `at` belong to one grapheme cluster.
fn joins_across(s: &str, at: usize) -> bool {
    let (Some(before), Some(after)) = (s[..at].chars().next_back(), s[at..].chars().next()) else {
        return false;
    };
    if before == '\r' && after == '\n' || before == ZWJ || extends(after) {
        return true;
    }
    // Regional indicators pair up from the start of their run: a cut after an odd count
    // separates a flag's halves.
    is_regional_indicator(before)
        && is_regional_indicator(after)
        && s[..at]
            .chars()
            .rev()
            .take_while(|&c| is_regional_indicator(c))
            .count()
            % 2
            == 1
}

const ZWJ: char = '\u{200D}';

/// A character that attaches to the one before it.
fn extends(c: char) -> bool {
    matches!(c,
        ZWJ
        | '\u{0300}'..='\u{036F}'    // combining diacritical marks
        | '\u{0483}'..='\u{0489}'    // Cyrillic combining marks
        | '\u{0591}'..='\u{05BD}'    // Hebrew points
        | '\u{064B}'..='\u{065F}'    // Arabic harakat
        | '\u{0900}'..='\u{0903}'    // Devanagari signs
        | '\u{093A}'..='\u{094F}'
        | '\u{1AB0}'..='\u{1AFF}'    // combining marks extended
        | '\u{1DC0}'..='\u{1DFF}'    // combining marks supplement
        | '\u{20D0}'..='\u{20FF}'    // combining marks for symbols (keycap U+20E3)
        | '\u{FE00}'..='\u{FE0F}'    // variation selectors (emoji presentation U+FE0F)
        | '\u{FE20}'..='\u{FE2F}'    // combining half marks
        | '\u{1F3FB}'..='\u{1F3FF}'  // emoji skin-tone modifiers
        | '\u{E0020}'..='\u{E007F}'  // tags (subdivision flags)
        | '\u{E0100}'..='\u{E01EF}') // variation selectors supplement
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn without_whitespace(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn long_texts_are_split_on_word_boundaries() {
        assert_eq!(split_for_whatsapp("short", 10), vec!["short"]);
        let parts = split_for_whatsapp("aaaa bbbb cccc dddd", 10);
        assert_eq!(parts, vec!["aaaa bbbb", "cccc dddd"]);
        let long = "x".repeat(25);
        assert_eq!(
            split_for_whatsapp(&long, 10)
                .iter()
                .map(|p| p.len())
                .collect::<Vec<_>>(),
            vec![10, 10, 5]
        );
        assert!(split_for_whatsapp(&"ü".repeat(3300), 1600)
            .iter()
            .all(|p| utf16_len(p) <= 1600));
    }

    #[test]
    fn a_reply_of_1600_emoji_fits_twilios_count_and_rejoins_whole() {
        // 1,600 characters but 3,200 UTF-16 code units: Twilio refuses it as one Body.
        let text = "😀".repeat(1600);
        assert_eq!(utf16_len(&text), 3200);
        let parts = split_for_whatsapp(&text, MAX_BODY_UTF16_UNITS);
        assert_eq!(parts.len(), 2, "{:?}", parts.iter().map(|p| utf16_len(p)));
        assert!(parts.iter().all(|p| utf16_len(p) <= MAX_BODY_UTF16_UNITS));
        assert_eq!(parts.concat(), text);
    }

    #[test]
    fn emoji_sequences_and_flags_are_not_cut_apart() {
        // An odd start puts the naive cut between a thumb and its skin tone, inside a family
        // (joined by ZWJ), or between a flag's two halves.
        for unit in [
            "👍🏽",
            "👨\u{200D}👩\u{200D}👧",
            "🇫🇷",
            "❤\u{FE0F}",
            "e\u{301}",
            "1\u{FE0F}\u{20E3}",
        ] {
            let text = format!("a{}", unit.repeat(1000));
            let parts = split_for_whatsapp(&text, MAX_BODY_UTF16_UNITS);
            assert!(parts.len() > 1, "{unit}");
            assert_eq!(parts.concat(), text, "{unit}");
            for p in &parts {
                assert!(utf16_len(p) <= MAX_BODY_UTF16_UNITS, "{unit}");
                let body = p.strip_prefix('a').unwrap_or(p);
                assert_eq!(body.replace(unit, ""), "", "{unit}: a part cut a cluster");
            }
        }
    }

    #[test]
    fn a_cluster_longer_than_half_a_message_is_still_sent() {
        // No boundary in the second half: cut between characters, never inside one.
        let family = "👨\u{200D}".repeat(20);
        let parts = split_for_whatsapp(&family, 10);
        assert!(parts.iter().all(|p| utf16_len(p) <= 10 && !p.is_empty()));
        assert_eq!(parts.concat(), family);
        assert_eq!(split_for_whatsapp("😀😀", 1), vec!["😀", "😀"]);
    }

    #[test]
    fn templates_take_whole_characters_within_the_count() {
        assert_eq!(take_utf16("😀😀😀", 5), "😀😀");
        assert_eq!(take_utf16("abc", 10), "abc");
        assert_eq!(utf16_len(take_utf16(&"😀".repeat(1000), 1000)), 1000);
    }

    proptest! {
        #[test]
        fn parts_fit_and_lose_only_whitespace(text in "\\PC{0,400}", max in 2usize..60) {
            let parts = split_for_whatsapp(&text, max);
            for p in &parts {
                prop_assert!(utf16_len(p) <= max, "{p:?} over {max}");
            }
            prop_assert_eq!(without_whitespace(&parts.concat()), without_whitespace(&text));
            prop_assert!(parts.len() == 1 || parts.iter().all(|p| !p.is_empty()));
        }
    }
}
