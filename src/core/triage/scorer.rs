//! The small-talk scorer: a logistic model over a message's words, for the long messages the
//! rules make tickets on weak evidence. A message with no problem word but two or more other
//! words (rule `content`), or a negation before another word (rule `negation`), was always a
//! ticket; long praise, small talk and stories ("the driver was lovely and the cake was
//! perfect, we'll order again for the wedding", "no words for how kind she was") are such
//! messages. The scorer says how much their words look like a problem; below the rule's
//! threshold ([`SMALL_TALK_BELOW_CONTENT`], [`SMALL_TALK_BELOW_NEGATION`]) the message gets the
//! details request instead. A problem word, an emergency, a question, a number or a short
//! message is never overruled ([`may_read`]).
//!
//! Why a model and not more phrases: nine passes of phrase lists generalised poorly to writers
//! who had not been read (docs/triage.md). A model weighs many weak signals at once. It is
//! trained offline on the project's labelled sets, never on the sets kept untuned
//! (`scorer_training.rs`), and it is small: its weights are hashed into 2^[`BITS`] buckets of
//! four bits (`scorer.weights`, made by `cargo test --release --lib
//! train_the_small_talk_scorer -- --ignored`); no crate is needed to read them.
//!
//! Features, each hashed (FNV-1a) into a bucket: every word (numbers as one token), the first
//! five letters of a longer word, the word's four-letter pieces (so inflections, typos and
//! missing accents share weights), each pair of neighbouring words, and three marks of the
//! whole message (a question mark, a number, its length in words).

/// Buckets: 2^BITS one-byte weights.
pub(crate) const BITS: u32 = 14;

/// Below these scores (log-odds of a problem) a ticket of the rules is small talk: the details
/// request. One per rule the scorer may overrule (`problems::small_talk_below`): `content` (no
/// problem word, no negation), `negation` (a negation before another word, which praise has
/// too: "no words for how kind she was") and `problem_word`. Chosen on the training sets' left-out sets, each
/// set scored by a model trained on the others, as the least crossing of problems for the most
/// small talk (docs/triage.md, "the small-talk scorer").
pub(crate) const SMALL_TALK_BELOW_CONTENT: f32 = -5.0;
pub(crate) const SMALL_TALK_BELOW_NEGATION: f32 = -4.0;
/// A problem word is the rules' strongest evidence: overruled only far below ("my order came
/// early and the kids love it, thank you so much").
pub(crate) const SMALL_TALK_BELOW_PROBLEM_WORD: f32 = -6.0;

/// The file's layout: "WZS2", the bucket bits (1 byte), the scale and the bias (f32, little
/// endian), then 2^BITS weights of four bits, two to a byte (the even bucket in the low half),
/// each an index into [`LEVELS`].
const WEIGHTS: &[u8] = include_bytes!("scorer.weights");
const HEADER: usize = 4 + 1 + 4 + 4;

/// The sixteen weights a bucket can hold, in units of the file's scale: a few large steps for the
/// few strong words, fine steps near zero for the many weak ones (half the bytes of a signed
/// byte per bucket, for the same decisions on the left-out sets).
pub(crate) const LEVELS: [i8; 16] = [0, 1, 2, 3, 5, 8, 13, 21, 0, -1, -2, -3, -5, -8, -13, -21];

/// The model's parameters as stored.
pub(crate) struct Model<'a> {
    pub scale: f32,
    pub bias: f32,
    pub weights: &'a [u8],
}

impl<'a> Model<'a> {
    /// Reads a weights file; `None` when it is not one of this layout (the shipped one is
    /// checked by a test).
    pub(crate) fn read(bytes: &'a [u8]) -> Option<Model<'a>> {
        let (head, weights) = bytes.split_at_checked(HEADER)?;
        let f32_at =
            |i: usize| f32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
        (head[..4] == *b"WZS2" && u32::from(head[4]) == BITS && weights.len() == 1 << (BITS - 1))
            .then(|| Model {
                scale: f32_at(5),
                bias: f32_at(9),
                weights,
            })
    }

    /// A bucket's weight, in units of the scale.
    pub(crate) fn weight(&self, bucket: u32) -> i8 {
        let byte = self.weights[(bucket >> 1) as usize];
        let index = if bucket & 1 == 0 {
            byte & 0x0f
        } else {
            byte >> 4
        };
        LEVELS[usize::from(index)]
    }

    /// The shipped model.
    pub(crate) fn shipped() -> Option<Model<'static>> {
        Model::read(WEIGHTS)
    }

    /// The log-odds that `words` (folded) describe a problem.
    pub(crate) fn score(&self, words: &[&str], text: &str) -> f32 {
        let mut sum = 0i32;
        features(words, text, |bucket| {
            sum += i32::from(self.weight(bucket));
        });
        self.bias + self.scale * sum as f32
    }
}

/// Whether the scorer may read a message at all: a question or a number is a request ("has my
/// refund come through?", "order 4471"), and a short message says too little to outweigh the
/// chance it is a terse problem ("alles zerdrückt angekommen"): those stay tickets.
///
/// So is a turn or a plea: praise followed by "but" is a complaint ("love you guys, but the eggs
/// were all smashed"), and "please" asks for something ("send the next one to the new flat
/// please"), however warm the rest.
pub(crate) fn may_read(words: &[&str], text: &str) -> bool {
    let said = |list: &[&str]| {
        list.iter().any(|phrase| match phrase.split_once(' ') {
            None => words.contains(phrase),
            Some(_) => (0..words.len()).any(|i| {
                let mut at = i;
                phrase.split(' ').all(|p| {
                    at += 1;
                    words.get(at - 1) == Some(&p)
                })
            }),
        })
    };
    words.len() >= MIN_WORDS
        && !text.contains(['?', '¿'])
        && !text.chars().any(|c| c.is_ascii_digit())
        && !said(TURNS)
        && !said(PLEAS)
}

/// "But" in the shipped languages (folded). Spanish "más" folds to Portuguese "mas": a Spanish
/// "more" keeps a message from the scorer too, which only errs towards a ticket.
const TURNS: &[&str] = &[
    "but",
    "however",
    "though",
    "although",
    "pero",
    "aunque",
    "sin embargo",
    "mas",
    "porem",
    "contudo",
    "mais",
    "cependant",
    "pourtant",
    "par contre",
    "aber",
    "jedoch",
    "allerdings",
    "ma",
    "tuttavia",
    "tapi",
    "tp",
    "namun",
    "cuman",
];

/// "Please" in the shipped languages (folded), with the common WhatsApp forms.
const PLEAS: &[&str] = &[
    "please",
    "pls",
    "plz",
    "plis",
    "kindly",
    "por favor",
    "porfa",
    "porfavor",
    "porfis",
    "pf",
    "pfv",
    "pfvr",
    "s'il vous plait",
    "s'il te plait",
    "svp",
    "stp",
    "bitte",
    "per favore",
    "per piacere",
    "perfavore",
    "tolong",
    "mohon",
    "minta",
];

/// The fewest words a message the scorer reads has.
const MIN_WORDS: usize = 7;

/// A score in tenths (-62) as text ("-6.2"), without the float formatting code that `{:.1}`
/// would add to the bundle.
pub(crate) fn tenths_text(tenths: i32) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let a = tenths.unsigned_abs();
    format!("{sign}{}.{}", a / 10, a % 10)
}

/// The text of [`tenths_text`] back in tenths ("-6.2" is -62), without float parsing code.
pub(crate) fn tenths_of(text: &str) -> Option<i32> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, tenth) = digits.split_once('.')?;
    let &[tenth] = tenth.as_bytes() else {
        return None;
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !tenth.is_ascii_digit() {
        return None;
    }
    let t = whole
        .parse::<i32>()
        .ok()?
        .checked_mul(10)?
        .checked_add(i32::from(tenth - b'0'))?;
    Some(if negative { -t } else { t })
}

/// A score or threshold in tenths, rounded.
pub(crate) fn in_tenths(x: f32) -> i32 {
    (x * 10.0).round() as i32
}

/// Calls `each` with the bucket of every feature of a message.
pub(crate) fn features<'a>(words: &[&'a str], text: &str, mut each: impl FnMut(u32)) {
    let token = |w: &'a str| -> &'a str {
        if w.chars().all(|c| c.is_ascii_digit()) {
            "#"
        } else {
            w
        }
    };
    let mut previous: Option<&str> = None;
    for w in words {
        let t = token(w);
        each(bucket(b'w', &[t]));
        if t.chars().count() > 5 {
            let end = t.char_indices().nth(5).map_or(t.len(), |(i, _)| i);
            each(bucket(b'p', &[&t[..end]]));
        }
        if t.len() > 3 {
            grams(t, &mut each);
        }
        if let Some(p) = previous {
            each(bucket(b'b', &[p, t]));
        }
        previous = Some(t);
    }
    if text.contains('?') {
        each(bucket(b'q', &[]));
    }
    if text.chars().any(|c| c.is_ascii_digit()) {
        each(bucket(b'd', &[]));
    }
    let length = match words.len() {
        0..=4 => "short",
        5..=12 => "medium",
        13..=30 => "long",
        _ => "longer",
    };
    each(bucket(b'l', &[length]));
}

/// The word's four-letter pieces, the spaces around it included (" merc", "erci", "rci "):
/// a misspelt, inflected or run-together word shares most of its pieces with the known one.
fn grams(word: &str, each: &mut impl FnMut(u32)) {
    let padded = format!(" {word} ");
    let starts: Vec<usize> = padded.char_indices().map(|(i, _)| i).collect();
    for i in 0..starts.len().saturating_sub(3) {
        let end = starts.get(i + 4).copied().unwrap_or(padded.len());
        each(bucket(b'g', &[&padded[starts[i]..end]]));
    }
}

/// FNV-1a of the kind and the parts (a space between parts), into 2^BITS buckets.
fn bucket(kind: u8, parts: &[&str]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut eat = |b: u8| {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    };
    eat(kind);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            eat(b' ');
        }
        p.bytes().for_each(&mut eat);
    }
    h & ((1 << BITS) - 1)
}
