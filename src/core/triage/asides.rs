//! The two rules of the default triage that read what a message says beside its matter
//! (`problems.rs`, rules 3 and 6; their word lists are `aside_words`): the matter settled or
//! withdrawn ("problem solved", "sorry, wrong chat"), and a name introduced ("Hi, this is Sarah
//! Whitfield").

use super::lexicon::Lexicon;

/// The marker of a message that says only that its matter is settled or withdrawn (rule 3):
/// not a question, no quantity, no contrast, every other word a pleasantry, a function word,
/// a short word that is not a negation, or a word allowed beside the markers found (objects
/// only beside a settled one: "the refund went to the wrong number" is not withdrawn).
pub(super) fn settled(
    lex: &Lexicon,
    all: &[&str],
    kept: &[&str],
    settled_phrase: Option<(String, bool)>,
    text: &str,
) -> Option<String> {
    // A question ("has my parcel arrived?", "¿ya llegó mi pedido?") asks; a quantity ("2 of 3
    // arrived", "kekirim 2x") tells what is missing or doubled.
    let quantity = |w: &&str| {
        let digits = w.trim_start_matches('x').trim_end_matches('x');
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    // "But", "still", "late" count even inside a pleasantry ("plus tard").
    let contrast = (0..all.len()).any(|i| lex.contrast.at(all, i).is_some());
    if contrast || text.contains('?') || kept.iter().any(quantity) {
        return None;
    }
    let mut settled_found = settled_phrase.as_ref().is_some_and(|(_, settled)| *settled);
    let mut marker = settled_phrase.map(|(marker, _)| marker);
    let mut others = Vec::new();
    let mut i = 0;
    while i < kept.len() {
        let found = match lex.settled.at(kept, i) {
            Some(m) => {
                settled_found = true;
                Some(m)
            }
            None => lex.withdrawn.at(kept, i),
        };
        match found {
            Some((entry, n)) => {
                marker.get_or_insert(entry);
                i += n;
            }
            None => {
                others.push(kept[i]);
                i += 1;
            }
        }
    }
    let beside = |w: &str| {
        lex.withdrawn_beside.has_exact(w) || (settled_found && lex.settled_beside.has_exact(w))
    };
    let harmless = |w: &&str| {
        beside(w)
            || (!lex.negation.has_word(w)
                && (w.chars().count() < 3 || lex.pleasantry.has_word(w) || lex.filler.has_word(w)))
    };
    marker.filter(|_| others.iter().all(harmless))
}

/// Words of a name a customer introduces themselves with, at most (rule 5).
const MAX_NAME_WORDS: usize = 4;

/// Letters of a title whose point ends no sentence ("Dr.", "Dott.", "Lic.").
const MAX_TITLE_CHARS: usize = 4;

/// Whether all the message says beyond pleasantries is a name: an introduction ("this is",
/// "soy", a sign-off such as "Regards,") followed by at most `MAX_NAME_WORDS` words, each
/// written with a capital ("Hi, this is Sarah Whitfield", "Cordialement, Dr. Philippe Martin");
/// not in a question, not in a shouted message, and no other word ("Callback please. Regards,
/// John" is a request).
pub(super) fn only_a_name(
    lex: &Lexicon,
    all: &[&str],
    kept: &[&str],
    original: &str,
    is_content: impl Fn(&str) -> bool,
) -> bool {
    // A question, or a message with no lower-case letter (shouted), introduces no one.
    if original.contains('?') || !original.chars().any(char::is_lowercase) {
        return false;
    }
    // The words as written, one for each of `all` (split as `words` splits), each with whether
    // a sentence ends after it ("Sono Marco. Richiamatemi": the name is "Marco"; a title's
    // point, "Dr.", ends none).
    let mut written: Vec<(&str, bool)> = Vec::new();
    let mut rest = original;
    while let Some(start) = rest.find(|c: char| c.is_alphanumeric() || c == '\'' || c == '_') {
        let after = &rest[start..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '_'))
            .unwrap_or(after.len());
        let word = after[..end].trim_matches('\'');
        rest = &after[end..];
        let gap = rest
            .find(|c: char| c.is_alphanumeric() || c == '\'' || c == '_')
            .map_or(rest, |next| &rest[..next]);
        let ends = gap.contains(['!', ';', ':'])
            || (gap.contains('.') && word.chars().count() > MAX_TITLE_CHARS);
        if !word.is_empty() {
            written.push((word, ends));
        }
    }
    if written.len() != all.len() {
        return false;
    }
    // The introductions' words, and the names: the words with a capital right after one.
    let mut introduced: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let Some((_, n)) = lex.introduction.at(all, i) else {
            i += 1;
            continue;
        };
        introduced.extend(&all[i..i + n]);
        i += n;
        let start = i;
        // A name's words have capitals and are no function words ("I'm Interested In The
        // Offer" names no one), within one sentence.
        while i < all.len()
            && i - start < MAX_NAME_WORDS
            && written[i].0.chars().next().is_some_and(char::is_uppercase)
            && !lex.filler.has_word(all[i])
        {
            names.push(all[i]);
            i += 1;
            if written[i - 1].1 {
                break;
            }
        }
    }
    let content: Vec<&str> = kept
        .iter()
        .copied()
        .filter(|w| is_content(w) && !introduced.contains(w))
        .collect();
    !content.is_empty() && content.iter().all(|w| names.contains(w))
}

/// Faces that say something is wrong, whatever the words.
const UNHAPPY: [char; 24] = [
    '😒', '😕', '😞', '😟', '😢', '😭', '😡', '😠', '😤', '🙄', '😩', '😫', '🤬', '💔', '👎', '😑',
    '😐', '😬', '🥲', '😣', '😖', '😓', '☹', '🙃',
];

/// Long small talk (tenth pass): every clause praises, tells good news or thanks for something ("the parcel
/// turned up early, the driver was lovely, cheers 👍"), and nothing asks or complains: no
/// question, no order number, no contrast, no request, no negation, no problem word but the
/// support objects good news names too. A clause without praise ("the lid came cracked") keeps
/// the message a ticket, however warm the rest.
pub(super) fn small_talk(lex: &Lexicon, all: &[&str], kept: &[&str], folded: &str) -> bool {
    let long_number = |w: &&str| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_digit());
    let anywhere = |m: &super::lexicon::Matcher| (0..all.len()).any(|i| m.at(all, i).is_some());
    // A sad, cross or wry face says the praise is not all ("perfecto 😒"); so does laughter
    // ("thanks for sending me two left shoes lol", `chegou em três pedaços kkk obrigado`).
    if folded.contains(UNHAPPY)
        || all.iter().any(|w| laughter(w))
        || folded.contains('?')
        || kept.iter().any(long_number)
        || anywhere(&lex.contrast)
        || anywhere(&lex.asking)
    {
        return false;
    }
    for i in 0..kept.len() {
        if lex.negation.at(kept, i).is_some() {
            return false;
        }
        let object = lex.objects.at_inflected(kept, i).is_some();
        let problem = if lex.pleasantry.has_exact(kept[i]) {
            lex.problem.at(kept, i)
        } else {
            lex.problem.at_inflected(kept, i)
        };
        if (problem.is_some() && !object) || lex.complaint.at_inflected(kept, i).is_some() {
            return false;
        }
    }
    let mut said = false;
    for clause in
        folded.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c.is_whitespace() || c == '-'))
    {
        let words: Vec<&str> = crate::core::text::words(clause).collect();
        // Words inside a greeting or pleasantry phrase ("good morning", `sukses terus`) say
        // nothing, and praise nothing.
        let mut greeting = vec![false; words.len()];
        for i in 0..words.len() {
            if let Some((_, n)) = lex.pleasantry.at(&words, i).filter(|(_, n)| *n > 1) {
                greeting[i..i + n].iter_mut().for_each(|g| *g = true);
            }
        }
        let content = (0..words.len())
            .filter(|&i| {
                let w = words[i];
                !greeting[i]
                    && w.chars().count() >= 3
                    && !w.bytes().all(|b| b.is_ascii_digit())
                    && !lex.pleasantry.has_word(w)
                    && !lex.filler.has_word(w)
            })
            .count();
        if content > 0 && !praised(lex, &words, &greeting, content) {
            return false;
        }
        said |= content > 0;
    }
    said
}

/// Whether a clause praises what it says: a word of praise outside a greeting ("good" in "good
/// morning" praises nothing), not only as the clause's first word before a long statement
/// ("great the website logged me out and my basket is empty now" is sarcasm without a comma);
/// or thanks *for* something ("thank you for the flowers", `merci à toute l'équipe`; "thanks
/// the payment went through twice" thanks for nothing).
fn praised(lex: &Lexicon, words: &[&str], greeting: &[bool], content: usize) -> bool {
    let praise = (0..words.len()).any(|i| {
        !greeting[i] && (i > 0 || content <= 3) && lex.praise.at_inflected(words, i).is_some()
    });
    let thanks_for = (0..words.len()).any(|i| {
        lex.thanks.at_inflected(words, i).is_some_and(|(_, n)| {
            words[i + n..(i + n + 3).min(words.len())]
                .iter()
                .any(|w| lex.thanks_for.has_exact(w))
        })
    });
    praise || thanks_for
}

/// Laughter written out: "lol", "mdr", "haha", `jajaja`, `kkkk`, `wkwk`, `rsrs`, `hehe`.
fn laughter(w: &str) -> bool {
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
