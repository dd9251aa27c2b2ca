//! Where an older emergency class's words tell an ordinary message (`emergency_words/
//! ordinary.rs`; the adversarial review `triage-probe-review-older-classes.tsv`): "no rush"
//! said outright, a medicine's coupon, a flight's baggage allowance, papers for one's
//! accountant, "someone from your team called me", a wallet lost years ago, a balance moved to
//! savings, a joke.

use super::super::emergency_words::*;
use super::super::matcher::Matcher;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Ordinary {
    pub(super) calm: Matcher,
    pub(super) price_or_promo: Matcher,
    pub(super) allowance: Matcher,
    pub(super) accountant: Matcher,
    pub(super) from_you: Matcher,
    pub(super) claimed: Matcher,
    years: Matcher,
    ago: Matcher,
    pub(super) savings: Matcher,
    pub(super) moved: Matcher,
}

impl Ordinary {
    pub(super) fn shipped() -> Ordinary {
        let mut o = Ordinary::default();
        for (m, list) in [
            (&mut o.calm, CALM),
            (&mut o.price_or_promo, PRICE_OR_PROMO),
            (&mut o.allowance, ALLOWANCE),
            (&mut o.accountant, ACCOUNTANT),
            (&mut o.from_you, FROM_YOU),
            (&mut o.claimed, CLAIMED),
            (&mut o.years, YEARS),
            (&mut o.ago, AGO),
            (&mut o.savings, SAVINGS),
            (&mut o.moved, MOVED),
        ] {
            m.add_list(list);
        }
        o
    }

    /// Years counted back: "2 years ago", "last year", `hace 2 años`, `il y a 2 ans`, `vor 2
    /// Jahren`, `2 anni fa`, `2 thn lalu` (a word of `AGO` within three words before one of
    /// `YEARS` or two after).
    pub(super) fn long_ago(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| {
            self.years.has_exact(words[i])
                && words[i.saturating_sub(3)..(i + 3).min(words.len())]
                    .iter()
                    .any(|w| self.ago.has_exact(w))
        })
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
            // A medicine's coupon; an order today for a later day; a joke.
            "my inhaler discount code ran out, is there a new one?",
            "do you have insulin in the app pharmacy? I'd order today and pick it up on friday",
            // A flight's baggage allowance; papers for the accountant.
            "how many bags can I take on my flight tomorrow? basic fare",
            "preciso do informe pra Receita Federal, amanha levo tudo pro contador",
            // Someone from the company; a wallet lost years ago; savings; no rush.
            "someone from your team called me about my account, was it really you?",
            "perdí la cartera hace 2 años y sigue la tarjeta vieja, cómo la cambio?",
            "my balance is gone because I moved it all to savings, when does it show there?",
            "jemand hat mein Passwort geändert? nein, keine Eile, ich wollte nur wissen wie das geht",
        ]);
        // Someone claiming to be the company is not the company.
        each_is(
            "credential changed",
            &["someone saying they were from your team called and now my password is changed"],
        );
        // The same classes, told as they happen.
        each_is(
            "medicine",
            &["my insulin order hasn't come and I've run out"],
        );
        each_is(
            "deadline",
            &["my flight is today and the booking still says pending"],
        );
        each_is(
            "stolen or lost",
            &["I just lost my wallet with my card in it"],
        );
        each_is(
            "money gone",
            &["got a call from someone saying they were from you guys and now $900 is gone from my savings"],
        );
    }
}
