//! The tenth pass's emergency classes (`emergency_words/exposed.rs`), read by `Emergency::find`:
//! personal data shown or sent to someone else, money just sent to someone posing as the
//! company, an allergic reaction told by the breath, and a very old parent (for the care
//! rules' "without heating").

use super::super::emergency_words::*;
use super::super::matcher::Matcher;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Exposed {
    data_leak: Matcher,
    others: Matcher,
    personal_data: Matcher,
    sent_money: Matcher,
    posing: Matcher,
    not_yet: Matcher,
    breathless: Matcher,
    phished: Matcher,
    years_old: Matcher,
    elder: Matcher,
}

impl Exposed {
    pub(super) fn shipped() -> Exposed {
        let mut e = Exposed::default();
        e.data_leak.add_list(DATA_LEAK);
        e.others.add_list(OTHERS);
        e.personal_data.add_list(PERSONAL_DATA);
        e.sent_money.add_list(SENT_MONEY);
        e.posing.add_list(POSING);
        e.posing.add_list(IMPERSONATED);
        e.not_yet.add_list(NOT_YET);
        e.breathless.add_list(BREATHLESS);
        e.phished.add_list(PHISHED);
        e.years_old.add_list(YEARS_OLD);
        e.elder.add_list(ELDER);
        e
    }

    /// Personal data shown or sent to someone else: a leak by its name, or someone else's
    /// beside a kind of personal data ("datos de otro cliente, con su DNI").
    pub(super) fn data_exposed(&self, words: &[&str]) -> bool {
        let exact = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        exact(&self.data_leak) || (exact(&self.others) && exact(&self.personal_data))
    }

    /// Money sent to someone who posed as the company ("I sent $1,200 to a scammer pretending
    /// to be you", "ke orang yg ngaku CS kalian"), not asked about before paying ("itu asli ga?
    /// saya belum transfer").
    pub(super) fn paid_an_impostor(&self, words: &[&str]) -> bool {
        let any = |m: &Matcher| (0..words.len()).any(|i| m.at_inflected(words, i).is_some());
        let exact = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        any(&self.posing) && any(&self.sent_money) && !exact(&self.not_yet)
    }

    /// A link clicked ("I clicked link in SMS about KYC update"): with money or an account
    /// (`Emergency::find`), a phishing message that worked.
    pub(super) fn phished(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| self.phished.at(words, i).is_some())
    }

    /// Breathing badly beside an allergy or a person ("elle a du mal à respirer").
    pub(super) fn breathless(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| self.breathless.at(words, i).is_some())
    }

    /// A parent aged 70 or more: "89 ans", "86 anni", "Mum's 84", "Vater (78".
    pub(super) fn aged(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| {
            let old = words[i]
                .parse::<u32>()
                .is_ok_and(|age| (70..=110).contains(&age));
            old && (words
                .get(i + 1)
                .is_some_and(|w| self.years_old.has_exact(w))
                || words[i.saturating_sub(2)..i]
                    .iter()
                    .any(|w| self.elder.has_exact(w)))
        })
    }
}
