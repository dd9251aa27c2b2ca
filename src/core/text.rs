//! Text helpers that respect character boundaries (never split a UTF-8 sequence).

/// A word list as one string, one entry per line (`word_list!`): a slice of strings costs a
/// pointer and a length per entry in the bundle beside the text (docs/triage.md, "Why this
/// method"), and the lists hold thousands.
pub(crate) type WordList = &'static str;

/// `word_list!["a", "b"]` is `"a\nb\n"`, read by `Matcher::add_list`.
macro_rules! word_list {
    ($($entry:literal),* $(,)?) => {
        concat!($($entry, "\n"),*)
    };
}
pub(crate) use word_list;

/// The first `max` characters of `s` (characters, not bytes: emoji and Cyrillic stay intact).
pub fn take_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((byte_index, _)) => &s[..byte_index],
        None => s,
    }
}

/// `s` cut to at most `max` characters; when cut, the last three are "..." so the result
/// never exceeds `max` characters.
pub fn truncate_with_ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let kept = take_chars(s, max.saturating_sub(3)).trim_end();
    format!("{kept}...")
}

/// Customer text as it may be passed on (to Zendesk, into a reply, into a log): control
/// characters removed (C0, DEL and C1, Unicode's `Cc`). A NUL truncates or breaks the text in
/// the systems that store it, and escape sequences drive the terminal of whoever prints it.
/// Tab and newline are text and stay. A carriage return becomes a newline (`\r\n` one
/// newline): WhatsApp writes line breaks as `\n`, so a CR only comes from another client or a
/// crafted request, and a lone CR displayed in a terminal rewinds the line and hides what came
/// before it, while the line break it stands for is kept. Everything else (emoji and their
/// joiners, accents, right-to-left scripts and their direction marks) is left as written.
pub fn without_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Typographic apostrophes and quotes that phones insert in place of `'`.
const APOSTROPHES: [char; 5] = ['\u{2019}', '\u{2018}', '\u{02BC}', '\u{FF07}', '\u{2032}'];

/// Lowercased text with typographic apostrophes folded to `'`, so "Can’t" matches "can't".
pub fn fold_for_matching(s: &str) -> String {
    s.chars()
        .map(|c| if APOSTROPHES.contains(&c) { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Text folded for matching in any language: `fold_for_matching`, then accents removed, so a
/// customer who types `nao` or `caido` matches `não` and `caído` (and `ß` becomes `ss`).
pub fn fold_accents(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in fold_for_matching(s).chars() {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'č' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => out.push('i'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ß' => out.push_str("ss"),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            _ => out.push(c),
        }
    }
    out
}

/// The whole words of folded text, apostrophes at their edges trimmed.
pub fn words(folded_text: &str) -> impl Iterator<Item = &str> {
    folded_text
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
}

/// Folded text with stretched words written plainly, where the plain word is known: WhatsApp
/// customers stretch a word to say it warmly or loudly ("holaaa", "obrigadaaaa", "makasihhh",
/// "nooooo"), and the stretched word is in no list. A run of three or more of the same letter
/// is read as two letters, else as one ("goood" is "good", not "god"; "offfff" is "off";
/// "holaaaa" is "hola"); the word is rewritten only when
/// it is not known as written and that reading is (`knows`), so a word that really has three
/// letters in a row is left alone. Most messages have no such run and are borrowed unchanged.
pub fn unstretch<'a>(folded: &'a str, knows: impl Fn(&str) -> bool) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    if !has_stretch(folded) {
        return Cow::Borrowed(folded);
    }
    let mut out = String::with_capacity(folded.len());
    let mut rest = folded;
    while let Some(start) = rest.find(is_word_char) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !is_word_char(c))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let bare = word.trim_matches('\'');
        let plain = (has_stretch(bare) && !knows(bare))
            .then(|| {
                [2, 1]
                    .into_iter()
                    .map(|keep| squeeze(bare, keep))
                    // "mmm" and "zzz" are sounds, not a stretched "m".
                    .find(|w| w.chars().any(|c| !w.starts_with(c)) && knows(w))
            })
            .flatten();
        match plain {
            Some(plain) => out.push_str(&word.replacen(bare, &plain, 1)),
            None => out.push_str(word),
        }
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether a letter is repeated three times or more in a row (digits are not: "1000").
fn has_stretch(s: &str) -> bool {
    let mut run = 0;
    let mut last = None;
    for c in s.chars() {
        if Some(c) == last && c.is_alphabetic() {
            run += 1;
            if run >= 3 {
                return true;
            }
        } else {
            run = 1;
            last = Some(c);
        }
    }
    false
}

/// Every run of three or more of the same letter cut to `keep` letters.
fn squeeze(word: &str, keep: usize) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut j = i;
        while j < chars.len() && chars[j] == c {
            j += 1;
        }
        let n = j - i;
        let kept = if n >= 3 && c.is_alphabetic() { keep } else { n };
        out.extend(std::iter::repeat_n(c, kept));
        i = j;
    }
    out
}

/// A character that belongs to a word for whole-word matching. The apostrophe counts so that
/// "can't" is one word and "can" does not match inside it.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '_'
}

/// Whether `phrase` (already folded, words separated by single spaces) occurs in `folded_text`
/// as whole words: "down" is found in "the site is down" but not in "download". The phrase's
/// last word may carry a plain inflection ("need" matches "needed").
/// Any run of whitespace in the text matches the single spaces of the phrase.
pub fn contains_phrase(folded_text: &str, phrase: &str) -> bool {
    let words: Vec<&str> = folded_text
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('\''))
        .collect();
    let wanted: Vec<&str> = phrase.split_whitespace().collect();
    let Some((last, leading)) = wanted.split_last() else {
        return false;
    };
    if wanted.len() > words.len() {
        return false;
    }
    words
        .windows(wanted.len())
        .any(|window| match window.split_last() {
            Some((window_last, window_leading)) => {
                window_leading == leading && is_word_or_inflection(window_last, last)
            }
            None => false,
        })
}

/// Plain English inflections a keyword may carry and still be the same word: "errors",
/// "needed", "requesting". Anything else is another word ("download" is not "down").
const INFLECTIONS: [&str; 5] = ["s", "es", "d", "ed", "ing"];

fn is_word_or_inflection(word: &str, keyword: &str) -> bool {
    match word.strip_prefix(keyword) {
        Some("") => true,
        Some(suffix) => INFLECTIONS.contains(&suffix),
        None => false,
    }
}

/// Laughter written out: "lol", "mdr", "haha", `jajaja`, `kkkk`, `wkwk`, `rsrs`, `hehe`.
pub fn laughter(w: &str) -> bool {
    let only = |set: &[char]| {
        w.chars().count() >= 4
            && w.chars().all(|c| set.contains(&c))
            && set.iter().all(|c| w.contains(*c))
    };
    matches!(
        w,
        "lol" | "lool" | "lmao" | "lmfao" | "rofl" | "mdr" | "ptdr" | "xd" | "xdd"
    ) || only(&['h', 'a'])
        || only(&['j', 'a'])
        || only(&['h', 'e'])
        || only(&['w', 'k'])
        || only(&['r', 's'])
        || (w.len() >= 3 && w.bytes().all(|b| b == b'k'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretched_words_are_read_plainly_only_when_the_plain_word_is_known() {
        let known = ["hola", "gracias", "cool", "kak", "makasih", "no", "l'app"];
        let knows = |w: &str| known.contains(&w);
        assert_eq!(unstretch("holaaaa!! graciasss", knows), "hola!! gracias");
        assert_eq!(unstretch("coooool", knows), "cool");
        let knows_both = |w: &str| ["good", "god", "off", "of"].contains(&w);
        assert_eq!(unstretch("goood offfff", knows_both), "good off");
        assert_eq!(unstretch("makasihhh kakkk 🙏", knows), "makasih kak 🙏");
        assert_eq!(unstretch("nooooo", knows), "no");
        assert_eq!(unstretch("'holaaa'", knows), "'hola'");
        // Unknown either way, a number, or nothing stretched: left as written, not copied.
        assert_eq!(unstretch("brrrr schifffahrt", knows), "brrrr schifffahrt");
        let knows_m = |w: &str| w == "m" || w == "mm";
        assert_eq!(unstretch("mmm ok", knows_m), "mmm ok");
        assert_eq!(unstretch("order 1000", knows), "order 1000");
        assert!(matches!(
            unstretch("hola gracias", knows),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn accents_fold_away_for_matching() {
        assert_eq!(fold_accents("Não CONSIGO"), "nao consigo");
        assert_eq!(
            fold_accents("caído, Straße, œuvre"),
            "caido, strasse, oeuvre"
        );
        assert_eq!(fold_accents("n’arrive pas"), "n'arrive pas");
        assert!(contains_phrase(
            &fold_accents("o app não funciona"),
            &fold_accents("nao funciona")
        ));
        assert_eq!(
            words("l'app n'arrive pas!").collect::<Vec<_>>(),
            ["l'app", "n'arrive", "pas"]
        );
    }

    #[test]
    fn take_chars_counts_characters_not_bytes() {
        assert_eq!(take_chars("привет мир", 6), "привет");
        assert_eq!(take_chars("👍👍👍", 2), "👍👍");
        assert_eq!(take_chars("abc", 10), "abc");
        assert_eq!(take_chars("", 3), "");
    }

    #[test]
    fn truncation_keeps_the_limit_and_marks_the_cut() {
        assert_eq!(truncate_with_ellipsis("short", 50), "short");
        let cut = truncate_with_ellipsis(&"é".repeat(60), 50);
        assert_eq!(cut.chars().count(), 50);
        assert!(cut.ends_with("..."));
        let emoji = truncate_with_ellipsis(&"🔥".repeat(51), 50);
        assert_eq!(emoji, format!("{}...", "🔥".repeat(47)));
    }

    #[test]
    fn controls_are_removed_and_text_is_kept() {
        assert_eq!(
            without_controls("a\0b\u{1}c\u{1b}[31md\u{7f}e\u{80}f\u{85}g\u{9f}h"),
            "abc[31mdefgh"
        );
        assert_eq!(
            without_controls("one\r\ntwo\rthree\n\tfour"),
            "one\ntwo\nthree\n\tfour"
        );
        assert_eq!(without_controls("\r\r\n"), "\n\n");
        for kept in [
            "Olá, não consigo entrar 😀",
            "👩‍👩‍👧 family (with zero-width joiners)",
            "مرحبا، لا أستطيع تسجيل الدخول \u{200F}",
            "שלום \u{202B}עולם\u{202C}",
            "Привет, 你好, ἀγάπη, ñ, e\u{301}",
            "",
        ] {
            assert_eq!(without_controls(kept), kept);
        }
    }

    #[test]
    fn folding_lowercases_and_normalises_apostrophes() {
        assert_eq!(fold_for_matching("I CAN’T"), "i can't");
        assert_eq!(fold_for_matching("Don‘t ʼx"), "don't 'x");
    }

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(contains_phrase("the site is down", "down"));
        assert!(!contains_phrase("the download fails", "down"));
        assert!(contains_phrase("it's not   working again", "not working"));
        assert!(!contains_phrase("it's nothing working", "not working"));
        assert!(contains_phrase("i can't log in", "can't"));
        assert!(!contains_phrase("i can log in", "can't"));
        assert!(contains_phrase("error!", "error"));
        assert!(contains_phrase("errors", "error"));
        assert!(contains_phrase("help needed", "need"));
        assert!(contains_phrase("it keeps failing", "fail"));
        assert!(!contains_phrase("needless to say", "need"));
        assert!(!contains_phrase("downloads", "down"));
        assert!(contains_phrase("'quoted' issue", "quoted"));
        assert!(!contains_phrase("", "x"));
        assert!(!contains_phrase("x", ""));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// No control character but tab and newline survives; every other character does, in
        /// order; cleaning twice changes nothing.
        #[test]
        fn only_controls_are_removed(s in any::<String>()) {
            let clean = without_controls(&s);
            prop_assert!(clean.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
            let others = |t: &str| t.chars().filter(|c| !c.is_control()).collect::<String>();
            prop_assert_eq!(others(&clean), others(&s));
            prop_assert_eq!(without_controls(&clean), clean.clone());
        }
    }
}
