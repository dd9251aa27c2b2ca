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
    not_breathing: Matcher,
    phished: Matcher,
    disclosed: Matcher,
    may_i: Matcher,
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
        e.disclosed.add_list(DISCLOSED);
        e.may_i.add_list(MAY_I);
        e.not_breathing.add_list(NOT_BREATHING);
        e.elder.add_list(ELDER);
        e
    }

    /// Personal data shown or sent to someone else: someone else's within eight words of a
    /// kind of personal data or a leak by its name ("datos de otro cliente, con su DNI", "data
    /// pelanggan bocor ... no KTP orang lain"), not asked whether it may be done ("can I put
    /// someone else's phone number on the delivery").
    pub(super) fn data_exposed(&self, words: &[&str]) -> bool {
        let at = |m: &Matcher| -> Vec<usize> {
            (0..words.len())
                .filter(|&i| m.at(words, i).is_some())
                .collect()
        };
        let others = at(&self.others);
        let data: Vec<usize> = at(&self.personal_data)
            .into_iter()
            .chain(at(&self.data_leak))
            .collect();
        !others.is_empty()
            && at(&self.may_i).is_empty()
            && others
                .iter()
                .any(|o| data.iter().any(|d| o.abs_diff(*d) <= 8))
    }

    /// Money sent to someone who posed as the company ("I sent $1,200 to a scammer pretending
    /// to be you", "ke orang yg ngaku CS kalian"), not asked about before paying ("itu asli ga?
    /// saya belum transfer").
    pub(super) fn paid_an_impostor(&self, words: &[&str]) -> bool {
        let any = |m: &Matcher| (0..words.len()).any(|i| m.at_inflected(words, i).is_some());
        let exact = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        any(&self.posing) && any(&self.sent_money) && !exact(&self.not_yet)
    }

    /// A link clicked and details given on it ("clicked link in SMS ... entered OTP", `cliquei
    /// num link ... coloquei os dados do cartão`): with money or an account (`Emergency::find`),
    /// a phishing message that worked; a link that merely failed ("clicked the link to verify
    /// my account but it expired") is not.
    pub(super) fn phished(&self, words: &[&str]) -> bool {
        let any = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        any(&self.phished) && any(&self.disclosed)
    }

    /// Breathing badly beside an allergy or a person ("elle a du mal à respirer"), not said as
    /// what must not happen ("I don't want him struggling to breathe").
    pub(super) fn breathless(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| {
            self.breathless.at(words, i).is_some()
                && !words[i.saturating_sub(4)..i]
                    .iter()
                    .any(|w| self.not_breathing.has_exact(w))
        })
    }

    /// A parent aged 70 or more, named just before the age: "Ma mère a 89 ans", "Mia madre ha
    /// 86 anni", "Mum's 84", "Vater (78"; not a thing's age ("the boiler is 80 years old").
    pub(super) fn aged(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| {
            let old = words[i]
                .parse::<u32>()
                .is_ok_and(|age| (70..=110).contains(&age));
            old && words[i.saturating_sub(3)..i]
                .iter()
                .any(|w| self.elder.has_exact(w))
        })
    }
}
