//! Emergencies written without an urgent word (`lexicon::urgent`): money or an account used by
//! someone else ("someone is ordering with my account", "payments I never made, block my
//! card"), a password or e-mail changed by someone else ("someone changed my password", "me
//! cambiaron la contraseña"), a scam that cost money or a code ("sy ketipu, kasih kode otp"),
//! and a business stopped ("no customer can pay", "the whole office has no internet, we can't
//! work"). Per shipped language, colloquial and unaccented forms included; folded as messages
//! are. Read by `problems::priority`; the rule found is named in the decision
//! (`urgent: emergency "credential changed"`).

use super::emergency_words::*;
use super::matcher::Matcher;

/// The matchers, built once with the lexicon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Emergency {
    actor: Matcher,
    credentials: Matcher,
    changed_by_other: Matcher,
    changed: Matcher,
    scammed: Matcher,
    disowned: Matcher,
    blocking: Matcher,
    money_or_access: Matcher,
    help: Matcher,
    modals: Matcher,
    stopped: Matcher,
}

impl Emergency {
    pub fn shipped() -> Emergency {
        let mut e = Emergency::default();
        e.actor.add_all(ACTORS);
        e.credentials.add_all(CREDENTIALS);
        e.changed_by_other.add_all(CHANGED_BY_OTHER);
        e.changed.add_all(CHANGED);
        e.scammed.add_all(SCAMMED);
        e.disowned.add_all(DISOWNED);
        e.blocking.add_all(BLOCKING);
        e.money_or_access.add_all(MONEY_OR_ACCESS);
        e.help.add_all(HELP);
        e.modals.add_all(MODALS);
        e.stopped.add_all(STOPPED);
        e
    }

    /// Which emergency these (folded) words describe, if any: `stopped`; `credential
    /// changed` (by someone else); or `scammed`, `disowned`, `blocking` or `someone else`
    /// with money or access.
    pub fn find(&self, words: &[&str]) -> Option<&'static str> {
        let any = |m: &Matcher| (0..words.len()).any(|i| m.at_inflected(words, i).is_some());
        // Matched as written: "changed" is not "change", "reset" not "resets".
        let exact = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        if any(&self.stopped) {
            return Some("stopped");
        }
        let credential = exact(&self.credentials);
        if credential
            && (exact(&self.changed_by_other) || (exact(&self.changed) && any(&self.actor)))
        {
            return Some("credential changed");
        }
        let money_or_access = any(&self.money_or_access);
        if !money_or_access && !credential {
            return None;
        }
        if exact(&self.scammed) {
            Some("scammed")
        } else if any(&self.disowned) {
            Some("disowned")
        } else if !money_or_access {
            None
        } else if exact(&self.blocking) {
            Some("blocking")
        } else if any(&self.actor) && !(any(&self.help) && self.asks_for_help(words)) {
            Some("someone else")
        } else {
            None
        }
    }

    /// Whether someone is named as a helper: a modal within two words of the actor ("can
    /// someone", "alguien me puede", "kann mir jemand"). "alguien entró a mi cuenta, ayuda"
    /// names someone who acted, and the help word is the customer's plea.
    fn asks_for_help(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| {
            let Some((_, n)) = self.actor.at(words, i) else {
                return false;
            };
            let near = &words[i.saturating_sub(2)..(i + n + 2).min(words.len())];
            near.iter().any(|w| self.modals.has_exact(w))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::text::{fold_accents, words};

    fn find(m: &str) -> Option<&'static str> {
        let folded = fold_accents(m);
        let w: Vec<&str> = words(&folded).collect();
        Emergency::shipped().find(&w)
    }

    #[test]
    fn money_or_an_account_used_by_someone_else_is_an_emergency() {
        for m in [
            "someone just bought 3 phones with my card",
            "alguém está usando minha conta agora",
            "jemand hat mit meiner Karte bezahlt",
            "ada yang pakai kartu saya",
            "il y a des paiements que je n'ai jamais faits, pas moi !",
            "bloqueen mi tarjeta por favor",
        ] {
            assert!(find(m).is_some(), "{m}");
        }
        for m in [
            "my account is blocked",
            "mi cuenta está bloqueada",
            "mein Konto ist gesperrt",
        ] {
            assert_eq!(find(m), None, "{m}");
        }
        let m = "there are payments i never made, please block my card";
        assert_eq!(find(m), Some("disowned"), "{m}");
        for m in [
            "can someone help me with my account",
            "alguien me puede ayudar con mi cuenta?",
            "my card was declined",
            "qualcuno può rispondermi?",
        ] {
            assert_eq!(find(m), None, "{m}");
        }
    }

    #[test]
    fn a_business_stopped_is_an_emergency() {
        for m in [
            "the card reader is dead, no customer can pay",
            "nessun cliente riesce a pagare",
            "on peut plus travailler depuis ce matin",
            "kassensystem tot, wir können nicht arbeiten",
        ] {
            assert_eq!(find(m), Some("stopped"), "{m}");
        }
    }

    #[test]
    fn someone_in_the_account_is_an_emergency_even_when_the_customer_pleads_for_help() {
        for m in [
            "someone is using my card, help!",
            "alguien entró a mi cuenta, ayuda",
            "alguém entrou na minha conta, me ajuda",
            "qqn utilise ma carte, aidez moi",
            "jmd hat mein Konto benutzt, hilfe",
            "qualcuno usa il mio conto, aiuto",
            "ada org pake akun sy, tolong bantu",
        ] {
            assert_eq!(find(m), Some("someone else"), "{m}");
        }
        for m in [
            "kann mir jemand bei meinem Konto helfen?",
            "quelqu'un peut m'aider avec mon compte ?",
            "ada yang bisa bantu soal akun saya",
        ] {
            assert_eq!(find(m), None, "{m}");
        }
    }

    #[test]
    fn a_credential_changed_by_someone_else_is_an_emergency_even_with_a_help_word() {
        for m in [
            "someone changed my password, help me",
            "my email was changed and i can't get in",
            "me cambiaron la contraseña, ayuda",
            "minha senha foi alterada sozinha",
            "quelqu'un a changé mon mot de passe, aidez moi",
            "jemand hat mein Passwort geändert, bitte helft",
            "qualcuno mi ha cambiato la password, aiuto",
            "password sy diganti orang",
        ] {
            assert_eq!(find(m), Some("credential changed"), "{m}");
        }
        // The customer's own change, or a request to change: not an emergency.
        for m in [
            "how do I change my password?",
            "can someone change my password",
            "I changed my email, please update it",
            "quiero cambiar mi contraseña",
            "j'ai changé mon mot de passe et ça marche pas",
            "ich habe mein Passwort geändert und komme nicht rein",
            "ho cambiato la password e non riesco a entrare",
            "mau ganti password",
        ] {
            assert_eq!(find(m), None, "{m}");
        }
    }

    #[test]
    fn a_charge_or_change_the_customer_disowns_is_an_emergency() {
        for m in [
            "this charge on my card is not mine",
            "un cargo en la tarjeta q no es mio",
            "esse pagamento nao e meu",
            "cette transaction sur ma carte, c'est pas moi",
            "die Abbuchung war ich nicht",
            "questo pagamento non è mio",
            "transaksi ini bukan punya saya",
            "el cambio de contraseña no fui yo",
        ] {
            assert_eq!(find(m), Some("disowned"), "{m}");
        }
    }

    #[test]
    fn a_scam_that_cost_money_or_a_code_is_an_emergency() {
        for m in [
            "I got scammed, they took money from my account",
            "me estafaron con una compra en mi tarjeta",
            "caí num golpe e perdi dinheiro",
            "victime d'une escroquerie sur mon compte",
            "ich wurde betrogen, Geld weg vom Konto",
            "mi hanno truffato, spariti i soldi",
            "aku ketipu, udah kasih kode otp",
        ] {
            assert_eq!(find(m), Some("scammed"), "{m}");
        }
        // A dented box is not a scam ("golpe" is a blow in Spanish).
        assert_eq!(find("la caja llegó con un golpe y pagué con tarjeta"), None);
    }
}
