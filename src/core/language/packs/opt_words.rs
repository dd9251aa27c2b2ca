//! The words that alone make a message an opt-out or an opt-in, per shipped language (folded:
//! lower case, no accents). `STOP` and `START` are in every language: WhatsApp users everywhere
//! know them from SMS (Twilio's own SMS keywords are English: STOP, UNSUBSCRIBE, START...).
//! Words that could be a support request on their own ("cancel", "end", "yes") are left out:
//! a customer who writes "cancel" means an order far more often than the channel.
//! Replaceable or extendable per language (`OPT_OUT_WORDS_XX`, `OPT_IN_WORDS_XX`).

/// One language's opt-out and opt-in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptWords {
    pub opt_out: &'static [&'static str],
    pub opt_in: &'static [&'static str],
}

pub fn of(code: &str) -> Option<&'static OptWords> {
    const EN: OptWords = OptWords {
        opt_out: &[
            "stop",
            "stopall",
            "stop all",
            "unsubscribe",
            "optout",
            "opt out",
            "opt-out",
        ],
        opt_in: &["start", "unstop", "subscribe"],
    };
    const ES: OptWords = OptWords {
        opt_out: &["stop", "baja", "darme de baja", "cancelar suscripcion"],
        opt_in: &["start", "alta", "darme de alta", "reanudar"],
    };
    const PT: OptWords = OptWords {
        opt_out: &[
            "stop",
            "parar",
            "sair",
            "descadastrar",
            "cancelar inscricao",
        ],
        opt_in: &["start", "voltar", "reativar"],
    };
    const FR: OptWords = OptWords {
        opt_out: &[
            "stop",
            "arret",
            "arreter",
            "desabonner",
            "se desabonner",
            "desinscrire",
        ],
        opt_in: &["start", "reprendre", "reabonner"],
    };
    const DE: OptWords = OptWords {
        opt_out: &["stop", "stopp", "abmelden", "abbestellen"],
        opt_in: &["start", "starten", "anmelden"],
    };
    const IT: OptWords = OptWords {
        opt_out: &[
            "stop",
            "basta",
            "disiscrivi",
            "disiscrivimi",
            "annulla iscrizione",
        ],
        opt_in: &["start", "riprendi", "iscrivimi"],
    };
    const ID: OptWords = OptWords {
        opt_out: &["stop", "berhenti", "henti"],
        opt_in: &["start", "mulai", "lanjut"],
    };
    match code.to_ascii_lowercase().as_str() {
        "en" => Some(&EN),
        "es" => Some(&ES),
        "pt" => Some(&PT),
        "fr" => Some(&FR),
        "de" => Some(&DE),
        "it" => Some(&IT),
        "id" => Some(&ID),
        _ => None,
    }
}
