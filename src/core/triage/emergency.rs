//! Emergencies written without an urgent word (`lexicon::urgent`): money or an account used by
//! someone else ("someone is ordering with my account", "payments I never made, block my
//! card"), and a business stopped ("no customer can pay", "the whole office has no internet,
//! we can't work"). Per shipped language, colloquial and unaccented forms included; folded as
//! messages are. Read by `problems::priority`.

use super::matcher::Matcher;

/// Someone else acting: with a money or account word, an emergency.
const ACTORS: &[&str] = &[
    "someone",
    "somebody",
    "some1",
    "alguien",
    "alguem",
    "quelqu'un",
    "quelquun",
    "qqn",
    "qq1",
    "jemand",
    "qualcuno",
    "seseorang",
    "orang lain",
    "ada yg",
    "ada yang",
];

/// Acts the customer disowns ("not me", "I never made"): with a money or account word, an
/// emergency.
const DISOWNED: &[&str] = &[
    "never made",
    "didn't make",
    "didnt make",
    "did not make",
    "wasn't me",
    "wasnt me",
    "not me",
    "never did",
    "never authori*",
    "unauthori*",
    "no hice",
    "no fui yo",
    "no reconozco",
    "nunca hice",
    "eu n fiz",
    "eu nao fiz",
    "nao fui eu",
    "n fui eu",
    "nao reconheco",
    "pas moi",
    "jamais fait",
    "reconnais pas",
    "nicht ich",
    "nicht gemacht",
    "nie gemacht",
    "nicht getatigt",
    "kenne ich nicht",
    "non sono stato io",
    "non sono stata io",
    "non le ho fatte",
    "mai fatto",
    "mai fatte",
    "non riconosco",
    "bukan saya",
    "bukan sy",
    "bkn sy",
    "bukan aku",
    "bkn aku",
];

/// Asking to block a card or account (the request, not "my account is blocked"): with a
/// money or account word, an emergency. Matched as written, never inflected.
const BLOCKING: &[&str] = &[
    "block",
    "freeze my",
    "bloqueen",
    "bloquear",
    "bloqueame",
    "bloquea mi",
    "bloquea la",
    "bloqueia",
    "bloqueiem",
    "bloquer",
    "bloquez",
    "sperren",
    "sperrt",
    "sperrn",
    "bloccate",
    "bloccare",
    "blocca la",
    "blocca il",
    "blokir",
    "blokirin",
];

/// The customer's money or access.
const MONEY_OR_ACCESS: &[&str] = &[
    "account",
    "card",
    "cards",
    "savings",
    "money",
    "payment*",
    "charge*",
    "transaction*",
    "purchase*",
    "cuenta",
    "tarjeta",
    "dinero",
    "plata",
    "pesos",
    "ahorros",
    "compra*",
    "cargo*",
    "conta",
    "cartao",
    "dinheiro",
    "grana",
    "poupanca",
    "compte",
    "carte",
    "argent",
    "paiement*",
    "achat*",
    "konto",
    "karte",
    "kreditkarte",
    "geld",
    "zahlung*",
    "abbuchung*",
    "conto",
    "carta",
    "soldi",
    "pagament*",
    "acquist*",
    "akun",
    "kartu",
    "rekening",
    "saldo",
    "uang",
    "duit",
    "transaksi",
    "belanja",
];

/// Help words: "can someone help me with my account?" is a question, not an emergency.
const HELP: &[&str] = &[
    "help", "ayuda", "ayudar", "ayudar*", "ajuda", "ajudar", "aide", "aider", "hilfe", "helfen",
    "aiuto", "aiutar*", "bantu*",
];

/// A business stopped: an emergency on its own.
const STOPPED: &[&str] = &[
    "emergenc*",
    "emergenz*",
    "can't work",
    "cant work",
    "cannot work",
    "can't do any work",
    "whole office",
    "entire office",
    "whole team",
    "whole store",
    "no customer",
    "no customers",
    "nobody can pay",
    "no one can pay",
    "no podemos trabajar",
    "no podemos vender",
    "ningun cliente",
    "ninguno puede pagar",
    "toda la oficina",
    "todo el local",
    "toda la tienda",
    "nao conseguimos trabalhar",
    "nao da pra trabalhar",
    "nao podemos trabalhar",
    "nenhum cliente",
    "loja parada",
    "todo o escritorio",
    "toda a loja",
    "peut plus bosser",
    "peut plus travailler",
    "peut pas travailler",
    "peut pas bosser",
    "pouvons pas travailler",
    "pouvons plus travailler",
    "aucun client",
    "tout le bureau",
    "tout le magasin",
    "toute la boutique",
    "konnen nicht arbeiten",
    "kann nicht arbeiten",
    "konnen nicht mehr arbeiten",
    "kein kunde",
    "keine kunden",
    "ganzen buro",
    "ganze buro",
    "ganzen laden",
    "ganze firma",
    "non possiamo lavorare",
    "non riusciamo a lavorare",
    "non si puo lavorare",
    "nessun cliente",
    "tutto l'ufficio",
    "negozio fermo",
    "tutto fermo",
    "gak bisa kerja",
    "ga bisa kerja",
    "gabisa kerja",
    "tidak bisa bekerja",
    "tdk bisa kerja",
    "semua pelanggan",
    "pelanggan gak bisa",
    "pelanggan tidak bisa",
    "seluruh kantor",
    "satu kantor",
    "toko tutup",
];

/// The matchers, built once with the lexicon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Emergency {
    actor: Matcher,
    disowned: Matcher,
    blocking: Matcher,
    money_or_access: Matcher,
    help: Matcher,
    stopped: Matcher,
}

impl Emergency {
    pub fn shipped() -> Emergency {
        let mut e = Emergency::default();
        e.actor.add_all(ACTORS);
        e.disowned.add_all(DISOWNED);
        e.blocking.add_all(BLOCKING);
        e.money_or_access.add_all(MONEY_OR_ACCESS);
        e.help.add_all(HELP);
        e.stopped.add_all(STOPPED);
        e
    }

    /// Which emergency these (folded) words describe, if any: `stopped`, or `someone else`,
    /// `disowned` or `blocking` with money or access.
    pub fn find(&self, words: &[&str]) -> Option<&'static str> {
        let any = |m: &Matcher| (0..words.len()).any(|i| m.at_inflected(words, i).is_some());
        if any(&self.stopped) {
            return Some("stopped");
        }
        if !any(&self.money_or_access) {
            return None;
        }
        if any(&self.disowned) {
            Some("disowned")
        } else if (0..words.len()).any(|i| self.blocking.at(words, i).is_some()) {
            Some("blocking")
        } else if any(&self.actor) && !any(&self.help) {
            Some("someone else")
        } else {
            None
        }
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
}
