//! The two rules of the default triage that read what a message says beside its matter
//! (`problems.rs`, rules 3 and 6; their word lists are `aside_words`): the matter settled or
//! withdrawn ("problem solved", "sorry, wrong chat"), and a name introduced ("Hi, this is Sarah
//! Whitfield").

use super::lexicon::Lexicon;
use crate::core::text::laughter;

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
    let harmless = |w: &&str| beside(w) || (!lex.negation.has_word(w) && !lex.is_content_word(w));
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
pub(super) const UNHAPPY: [char; 24] = [
    '😒', '😕', '😞', '😟', '😢', '😭', '😡', '😠', '😤', '🙄', '😩', '😫', '🤬', '💔', '👎', '😑',
    '😐', '😬', '🥲', '😣', '😖', '😓', '☹', '🙃',
];

/// Long small talk (tenth and eleventh passes): every statement (a clause between punctuation
/// or emoji, split again at "and") praises, thanks for something, denies trouble, wishes a
/// feast to people, names who writes or says its matter is settled ("the parcel turned up
/// early, the driver was lovely, no complaints, cheers 👍"), and nothing asks or complains: no
/// question, no order number, no contrast, no request, no negation but of trouble, no problem
/// word but the support objects good news names too. A statement without good news ("the lid
/// came cracked", "... and left my fridge on the pavement") keeps the message a ticket, however
/// warm the rest.
pub(super) fn small_talk(
    lex: &Lexicon,
    all: &[&str],
    kept: &[&str],
    folded: &str,
    original: &str,
) -> bool {
    let mut said = false;
    calm(lex, kept, folded)
        && statements(lex, all, folded, original, |s| {
            said |= !s.content.is_empty();
            s.good || s.content.is_empty()
        })
        && said
}

/// Whether nothing in a message asks or complains word by word: no question mark, no sad
/// face, no order number, no negation but of trouble, no problem word but the support objects
/// good news names too, no complaint (`small_talk` then reads its statements).
pub(super) fn calm(lex: &Lexicon, kept: &[&str], folded: &str) -> bool {
    let long_number = |w: &&str| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_digit());
    // A year after "since" tells how long, not which order ("with you since 2011", `cliente
    // desde 2009`).
    let year = |i: usize| {
        kept[i].len() == 4
            && i > 0
            && lex.since.has_exact(kept[i - 1])
            && kept[i]
                .parse::<u16>()
                .is_ok_and(|y| (1950..2040).contains(&y))
    };
    // A sad, cross or wry face says the praise is not all ("perfecto 😒").
    if folded.contains(UNHAPPY)
        || folded.contains('?')
        || (0..kept.len()).any(|i| long_number(&kept[i]) && !year(i))
    {
        return false;
    }
    let mut i = 0;
    while i < kept.len() {
        // Read whole: a phrase of praise (`nota 10`: `nota` is also an invoice), trouble denied
        // ("no complaints", `nada roto`), a word that is no negation here (`no meu`).
        let whole = [
            lex.praise.at(kept, i).map(|(_, n)| n).filter(|n| *n > 1),
            denied_trouble(lex, kept, i),
            lex.not_a_negation.at(kept, i).map(|(_, n)| n),
        ];
        if let Some(n) = whole.into_iter().flatten().max() {
            i += n;
            continue;
        }
        if lex.negation.at(kept, i).is_some() {
            return false;
        }
        let object = lex.objects.at_inflected(kept, i).is_some();
        let problem = if lex.pleasantry.has_exact(kept[i]) {
            lex.problem.at(kept, i)
        } else {
            lex.problem.at_inflected(kept, i)
        };
        // A wish to say something is no request (`queria agradecer`, `mau bilang makasih`).
        let wish_to_say = problem.as_ref().is_some_and(|(entry, n)| {
            lex.asking.has_exact(entry)
                && (i + n..(i + n + 3).min(kept.len()))
                    .any(|j| lex.saying.at_inflected(kept, j).is_some())
        });
        if (problem.is_some() && !object && !wish_to_say)
            || lex.complaint.at_inflected(kept, i).is_some()
        {
            return false;
        }
        i += 1;
    }
    true
}

/// One statement of a message: its content words (not pleasantries, fillers, laughter, short
/// words or numbers), and whether it says something good (praise, thanks for something,
/// trouble denied, a wish, a name, a settled matter, or speed after praise).
pub(super) struct Statement<'a> {
    pub content: Vec<&'a str>,
    pub good: bool,
}

/// Reads the statements of a message in turn, as small talk reads them, until `each` returns
/// false: its clauses between punctuation or emoji, each split again at "and", "who", `che`
/// ("the driver was so patient and left my fridge on the pavement", `il corriere che ha fatto
/// cadere la mia tv`). False when `each` stopped or a clause asks or takes praise back
/// (`asks_or_contrasts`).
pub(super) fn statements<'a>(
    lex: &Lexicon,
    all: &[&str],
    folded: &'a str,
    original: &str,
    mut each: impl FnMut(Statement<'a>) -> bool,
) -> bool {
    // The words written with a capital and then small letters, folded as `all` is (a name is:
    // `soy Pepa`; a shouted word is not: "SONO INTERESSATO").
    let capitalized = |w: &str| {
        crate::core::text::words(original).any(|o| {
            o.chars().next().is_some_and(char::is_uppercase)
                && o.chars().skip(1).any(char::is_lowercase)
                && crate::core::text::fold_accents(o) == w
        })
    };
    // Laughter carries sarcasm on thanks ("thanks for sending me two left shoes lol"): beside
    // it only words of praise count, not thanks (`chegou em três pedaços kkk obrigado` has a
    // clause of neither).
    let laughing = all.iter().any(|w| laughter(w));
    // Conjunctions as written: Portuguese and Italian `e` ("and") folds like `é`/`è` ("is"),
    // which joins no statements (`o técnico é ótimo`). Known where the words align.
    let written: Vec<&str> = crate::core::text::words(original).collect();
    let joins = |g: usize, w: &str| {
        lex.joining.has_exact(w)
            && (w != "e" || written.len() == all.len() && matches!(written[g], "e" | "E"))
    };
    let mut offset = 0;
    for clause in
        folded.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c.is_whitespace() || c == '-'))
    {
        let words: Vec<&str> = crate::core::text::words(clause).collect();
        let aligned = all.get(offset..offset + words.len()) == Some(&words[..]);
        let start = offset;
        offset += words.len();
        // Words inside a greeting or pleasantry phrase ("good morning", `sukses terus`) say
        // nothing, and praise nothing.
        let mut greeting = vec![false; words.len()];
        for i in 0..words.len() {
            if let Some((_, n)) = lex.pleasantry.at(&words, i).filter(|(_, n)| *n > 1) {
                greeting[i..i + n].iter_mut().for_each(|g| *g = true);
            }
        }
        if asks_or_contrasts(lex, &words, &greeting) {
            return false;
        }
        let mut from = 0;
        let mut praised_before = false;
        for to in 0..=words.len() {
            if to < words.len() && !(aligned && !greeting[to] && joins(start + to, words[to])) {
                continue;
            }
            let (part, marks) = (&words[from..to], &greeting[from..to]);
            from = to + 1;
            let content: Vec<&'a str> = (0..part.len())
                .filter(|&i| {
                    let w = part[i];
                    !marks[i]
                        && lex.is_content_word(w)
                        && !w.bytes().all(|b| b.is_ascii_digit())
                        && !laughter(w)
                })
                .map(|i| part[i])
                .collect();
            let good = praised(lex, part, marks, content.len(), !laughing)
                || wishes_or_names(lex, part, marks, capitalized)
                || settled_clause(lex, part, marks, clause);
            // Speed after praise and "and" is praise ("freundlich und schnell"); any other one
            // word is not ("super nice and drunk", `intacto y chorreando`).
            let quick = praised_before && part.len() == 1 && lex.quick.has_exact(part[0]);
            praised_before = good;
            if !each(Statement {
                content,
                good: good || quick,
            }) {
                return false;
            }
        }
    }
    true
}

/// Words a negation may stand before the trouble it denies ("not a single complaint", `gak ada
/// yang penyok`).
const DENIED_WITHIN: usize = 3;

/// How many words, from `i`, deny trouble: a negation, then within `DENIED_WITHIN` words a word
/// of trouble ("no issues", "never crashed", `rien à redire`, `gak ada masalah`), with only
/// `DENIED_BESIDE` words or short ones between.
pub(super) fn denied_trouble(lex: &Lexicon, words: &[&str], i: usize) -> Option<usize> {
    let (_, n) = lex.negation.at(words, i)?;
    for j in i + n..(i + n + DENIED_WITHIN).min(words.len()) {
        if let Some((_, m)) = lex.trouble.at_inflected(words, j) {
            return Some(j + m - i);
        }
        // Only having, being, "any" between ("never had a problem"), not a verb that acts.
        if words[j].chars().count() >= 3 && !lex.denied_beside.has_exact(words[j]) {
            return None;
        }
    }
    None
}

/// The words without the trouble they deny: "no problems at all" is no high-priority problem.
pub(super) fn without_denied_trouble<'a>(lex: &Lexicon, words: &[&'a str]) -> Vec<&'a str> {
    let mut kept = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        match denied_trouble(lex, words, i) {
            Some(n) => i += n,
            None => {
                kept.push(words[i]);
                i += 1;
            }
        }
    }
    kept
}

/// Whether a clause says its matter is settled, as a whole message may (`settled`: "the refund
/// came through this morning", `il rimborso è arrivato sul conto`, `alles hat sich geklärt`):
/// a settled marker and only the words allowed beside it.
fn settled_clause(lex: &Lexicon, words: &[&str], greeting: &[bool], clause: &str) -> bool {
    let kept: Vec<&str> = (0..words.len())
        .filter(|&i| !greeting[i])
        .map(|i| words[i])
        .collect();
    settled(lex, words, &kept, None, clause).is_some()
}

/// Content words a clause may hold after a customer names themself: a name and where from
/// ("soy Pepa de Sevilla", "this is Maria Lopez"); "C'est Madame Durand pour le RDV de Lundi"
/// says more.
const MAX_NAMING_WORDS: usize = 3;

/// Whether a clause only wishes, to whom ("happy easter to everyone at the office", `joyeuses
/// fêtes à toute l'équipe`: a feast inside a greeting phrase counts here), only wants to say or
/// thank ("I just wanted to say"), or only names who writes (`je m'appelle Ginette`, `soy Pepa
/// de Sevilla`): it says nothing to act on.
fn wishes_or_names(
    lex: &Lexicon,
    words: &[&str],
    greeting: &[bool],
    capitalized: impl Fn(&str) -> bool,
) -> bool {
    let content = |w: &str| lex.is_content_word(w);
    // A feast, and only whom it goes to beside it.
    let mut wish = false;
    let mut rest = 0;
    let mut i = 0;
    while i < words.len() {
        if let Some((_, n)) = lex.wishes.at(words, i) {
            wish = true;
            i += n;
        } else if let Some((_, n)) = lex.recipients.at(words, i) {
            i += n;
        } else {
            rest += usize::from(!greeting[i] && content(words[i]));
            i += 1;
        }
    }
    if wish && rest == 0 {
        return true;
    }
    // Only wanting to say or thank ("I just wanted to say", `solo quería daros las gracias`,
    // `wollte nur danke sagen`): the other clauses say what.
    let mut saying = false;
    let mut i = 0;
    while i < words.len() {
        let listed = [
            &lex.saying,
            &lex.only,
            &lex.asking,
            &lex.thanks,
            &lex.recipients,
        ]
        .iter()
        .enumerate()
        .find_map(|(k, m)| m.at_inflected(words, i).map(|(_, n)| (k, n)));
        match listed {
            Some((k, n)) => {
                saying |= k == 0;
                i += n;
            }
            None if greeting[i] || !content(words[i]) => i += 1,
            None => {
                saying = false;
                break;
            }
        }
    }
    if saying {
        return true;
    }
    // A name: the naming phrase first (after greetings), then a few words, each written with
    // a capital (`soy Pepa de Sevilla`; "c'est trop cher" names no one).
    let mut i = 0;
    while i < words.len()
        && lex.naming.at(words, i).is_none()
        && (greeting[i] || !content(words[i]))
    {
        i += 1;
    }
    let Some((_, n)) = (i < words.len()).then(|| lex.naming.at(words, i)).flatten() else {
        return false;
    };
    let named: Vec<&str> = words[i + n..]
        .iter()
        .copied()
        .filter(|w| content(w))
        .collect();
    // "Here" and "from" may stand beside the name ("Mr Oduya here", `Pepa desde Sevilla`).
    let named: Vec<&str> = named
        .into_iter()
        .filter(|w| !lex.recipients.has_exact(w))
        .collect();
    (1..=MAX_NAMING_WORDS).contains(&named.len())
        && named
            .iter()
            .all(|w| capitalized(w) && !lex.objects.has_word(w))
}

/// Whether a clause asks or takes praise back, outside its greeting phrases ("buenas tardes" is
/// not late): a contrast ("but", "still", "again", "late"); a question form as its first word
/// ("has my parcel arrived", `quando chega`; further in, "I have been with you for years"
/// tells a story); "only" or a request ("I'd like", `queria`) unless a verb of saying follows
/// ("I only wanted to say thanks", `só queria agradecer`, `volevo solo salutarvi`), and "so"
/// or `baru` only as the first word (`só chegou metade`; "so kind", `aplikasi baru`). Phrases
/// read whole are none of these ("thanks again", "have a good weekend", "no need to reply").
fn asks_or_contrasts(lex: &Lexicon, words: &[&str], greeting: &[bool]) -> bool {
    let first = (0..words.len()).find(|&i| !greeting[i]);
    let saying_follows = |from: usize| {
        (from..(from + 3).min(words.len())).any(|j| lex.saying.at_inflected(words, j).is_some())
    };
    // Read whole, and not as contrast or request: "thanks again", `com mais calma`, a wish
    // ("have a good weekend"), trouble denied ("pas besoin de répondre").
    let mut whole = vec![false; words.len()];
    for i in 0..words.len() {
        let n = [
            lex.not_a_contrast.at(words, i).map(|(_, n)| n),
            lex.wishes.at(words, i).map(|(_, n)| n),
            denied_trouble(lex, words, i),
        ];
        if let Some(n) = n.into_iter().flatten().max() {
            whole[i..i + n].iter_mut().for_each(|w| *w = true);
        }
    }
    (0..words.len())
        .filter(|&i| !greeting[i] && !whole[i])
        .any(|i| {
            let contrast = lex.contrast.at(words, i).is_some_and(|(entry, n)| {
                if lex.question_forms.has_exact(&entry) {
                    Some(i) == first
                } else if lex.only.has_exact(&entry) {
                    (Some(i) == first || !lex.only_at_start.has_exact(&entry))
                        && !saying_follows(i + n)
                } else {
                    true
                }
            });
            let asking = lex
                .asking
                .at(words, i)
                .is_some_and(|(_, n)| !saying_follows(i + n));
            contrast || asking
        })
}

/// Whether a clause praises what it says: a word of praise outside a greeting ("good" in "good
/// morning" praises nothing), not only as the clause's first word before a long statement
/// ("great the website logged me out and my basket is empty now" is sarcasm without a comma);
/// or thanks *for* something ("thank you for the flowers", `merci à toute l'équipe`; "thanks
/// the payment went through twice" thanks for nothing), when thanks count (not beside
/// laughter).
fn praised(
    lex: &Lexicon,
    words: &[&str],
    greeting: &[bool],
    content: usize,
    thanks_count: bool,
) -> bool {
    // Trouble denied is good news ("no complaints at all", `senza problemi`), when nothing but
    // a word of emphasis, a support object or praise follows it ("not a single complaint
    // answered since March" says more).
    let harmless = |w: &str| {
        w.chars().count() < 3
            || lex.filler.has_word(w)
            || lex.pleasantry.has_word(w)
            || lex.objects.has_word(w)
            || lex.praise.has_word(w)
            || laughter(w)
    };
    let denied = (0..words.len()).any(|i| {
        denied_trouble(lex, words, i).is_some_and(|n| {
            let mut j = i + n;
            while j < words.len() {
                match lex.denied_after.at(words, j) {
                    Some((_, m)) => j += m,
                    None if harmless(words[j]) => j += 1,
                    None => return false,
                }
            }
            true
        })
    });
    let praise = denied
        || (0..words.len()).any(|i| {
            !greeting[i] && (i > 0 || content <= 3) && lex.praise.at_inflected(words, i).is_some()
        });
    let thanks_for = thanks_count
        && (0..words.len()).any(|i| {
            lex.thanks.at_inflected(words, i).is_some_and(|(_, n)| {
                words[i + n..(i + n + 3).min(words.len())]
                    .iter()
                    .any(|w| lex.thanks_for.has_exact(w))
            })
        });
    praise || thanks_for
}
