//! Where an older emergency class's words tell an ordinary message (`emergency_words/
//! ordinary.rs`; the adversarial review `triage-probe-review-older-classes.tsv`): "no rush"
//! said outright, a medicine's coupon run out, a flight's baggage allowance asked, a wallet
//! lost years ago, a balance moved to savings, a joke. Each guard yields to a "but" after it
//! ("no rush on the refund, but someone is using my card right now"), and the loss years ago
//! to one happening now (the review of these guards, `triage-probe-review-guards.tsv`).

use super::super::emergency_words::*;
use super::super::matcher::Matcher;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Ordinary {
    calm: Matcher,
    price_or_promo: Matcher,
    allowance: Matcher,
    quantity_asked: Matcher,
    years: Matcher,
    ago: Matcher,
    now: Matcher,
    savings: Matcher,
    moved: Matcher,
    because: Matcher,
    contrast: Matcher,
}

/// How near a medicine's running out must be to a coupon to be the coupon's, in words.
const COUPON_NEAR: usize = 5;

impl Ordinary {
    pub(super) fn shipped() -> Ordinary {
        let mut o = Ordinary::default();
        for (m, list) in [
            (&mut o.calm, CALM),
            (&mut o.price_or_promo, PRICE_OR_PROMO),
            (&mut o.allowance, ALLOWANCE),
            (&mut o.quantity_asked, QUANTITY_ASKED),
            (&mut o.years, YEARS),
            (&mut o.ago, AGO),
            (&mut o.now, NOW),
            (&mut o.savings, SAVINGS),
            (&mut o.moved, MOVED),
            (&mut o.because, BECAUSE),
            (&mut o.contrast, CONTRAST),
        ] {
            m.add_list(list);
        }
        o
    }

    /// Whether one of `m`'s entries stands with no "but" after it.
    fn stands(&self, m: &Matcher, words: &[&str]) -> bool {
        (0..words.len()).any(|i| {
            m.at(words, i)
                .is_some_and(|(_, n)| !self.contrast_after(words, i + n))
        })
    }

    /// Whether a "but" comes after the word at `i`.
    pub(super) fn contrast_after(&self, words: &[&str], i: usize) -> bool {
        (i..words.len()).any(|j| self.contrast.at(words, j).is_some())
    }

    /// No hurry, said outright, and nothing said after a "but".
    pub(super) fn calm(&self, words: &[&str]) -> bool {
        self.stands(&self.calm, words)
    }

    /// A baggage allowance asked ("how many bags can I take on my flight tomorrow?"), not
    /// luggage checked on a flight cancelled.
    pub(super) fn allowance_asked(&self, words: &[&str]) -> bool {
        let has = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        has(&self.allowance) && has(&self.quantity_asked)
    }

    /// A coupon, discount or price beside the running out (within `COUPON_NEAR` words: "my
    /// inhaler discount coupon ran out", `se me acabó el cupón`), not a medicine run out after
    /// a coupon was used.
    pub(super) fn coupon_ran_out(&self, words: &[&str], running_out: &Matcher) -> bool {
        (0..words.len()).any(|i| {
            running_out.at_inflected(words, i).is_some()
                && words[i.saturating_sub(COUPON_NEAR)..(i + COUPON_NEAR + 1).min(words.len())]
                    .iter()
                    .any(|w| self.price_or_promo.has_word(w))
        })
    }

    /// Years counted back ("2 years ago", "last year", `hace 2 años`, `il y a 2 ans`, `vor 2
    /// Jahren`, `2 anni fa`, `2 thn lalu`: a word of `AGO` within three words before one of
    /// `YEARS` or two after), and nothing happening now.
    pub(super) fn long_ago(&self, words: &[&str]) -> bool {
        let ago = (0..words.len()).any(|i| {
            self.years.has_exact(words[i])
                && words[i.saturating_sub(3)..(i + 3).min(words.len())]
                    .iter()
                    .any(|w| self.ago.has_exact(w))
        });
        ago && !(0..words.len()).any(|i| self.now.at(words, i).is_some())
    }

    /// Money the customer moved to savings, and says so as the reason ("my balance is gone
    /// because I moved everything to savings"); not moved yesterday and gone today.
    pub(super) fn moved_to_savings(&self, words: &[&str]) -> bool {
        let has = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        has(&self.savings) && has(&self.moved) && has(&self.because)
    }

    /// Whether the message laughs: a class read as a joke ("my balance is gone haha").
    pub(super) fn laughing(words: &[&str]) -> bool {
        words.iter().any(|w| crate::core::text::laughter(w))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{each_is, none_of};

    #[test]
    fn an_ordinary_message_in_an_emergency_class_words_is_not_urgent() {
        none_of(&[
            // A medicine's coupon run out; an order today for a later day.
            "my inhaler discount code ran out, is there a new one?",
            "do you have insulin in the app pharmacy? I'd order today and pick it up on friday",
            // A flight's baggage allowance asked.
            "how many bags can I take on my flight tomorrow? basic fare",
            // A wallet lost years ago; money moved to savings; no rush.
            "perdí la cartera hace 2 años y sigue la tarjeta vieja, cómo la cambio?",
            "my balance is gone because I moved it all to savings, when does it show there?",
            "jemand hat mein Passwort geändert? nein, keine Eile, ich wollte nur wissen wie das geht",
        ]);
        // The same classes, told as they happen; a guard word followed by "but", or beside a
        // loss happening now (the review of these guards).
        each_is(
            "medicine",
            &[
                "my insulin order hasn't come and I've run out",
                "used the discount coupon you sent for my insulin order and it got cancelled and I have run out of insulin",
            ],
        );
        each_is(
            "deadline",
            &[
                "my flight is today and the booking still says pending",
                "mi vuelo sale hoy en 1 hora, me cancelaron el pasaje y ya despaché el equipaje",
            ],
        );
        each_is(
            "stolen or lost",
            &[
                "I just lost my wallet with my card in it",
                "lost my wallet 2 years ago and you helped me then, now my phone just got stolen with the bank app open",
            ],
        );
        each_is(
            "money gone",
            &[
                "got a call from someone saying they were from you guys and now $900 is gone from my savings",
                "moved my money to savings yesterday, today the savings balance is gone",
            ],
        );
        assert!(
            super::super::tests::find(
                "no rush on the refund, but someone is using my card right now, 4 payments I didn't make"
            )
            .is_some()
        );
    }
}
