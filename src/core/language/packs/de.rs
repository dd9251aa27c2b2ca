//! German. Written for this project: the words customers write to support on WhatsApp, with
//! umlauts and without (`ü`, `ue`, `u`).

use crate::core::language::pack::{LanguagePack, ReplyTexts};

pub const PACK: LanguagePack = LanguagePack {
    code: "de",
    name: "Deutsch",
    marker_words: &[
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
        "mein", "meine", "meinen", "meinem", "meiner", "ihr", "ihre", "ihren", "ich", "du",
        "er", "sie", "wir", "es", "ist", "bin", "sind", "war", "wurde", "wird", "habe", "hab",
        "hat", "haben", "kann", "können", "koennen", "konnen", "will", "möchte", "moechte",
        "mochte", "muss", "müssen", "muessen", "mussen", "nicht", "kein", "keine", "keinen",
        "aber", "weil", "für", "fuer", "fur", "mit", "ohne", "von", "bei", "auf", "und", "oder",
        "wie", "wann", "wo", "warum", "schon", "noch", "immer", "auch", "sehr", "nichts",
        "heute", "gestern", "morgen", "woche", "tage", "seit", "bestellung", "bestellt",
        "konto", "passwort", "kennwort", "zahlung", "bezahlt", "karte", "rechnung",
        "lieferung", "geliefert", "paket", "angekommen", "erhalten", "erstattung",
        "rückerstattung", "ruckerstattung", "rueckerstattung", "geld", "zurück", "zurueck",
        "zuruck", "funktioniert", "geht", "hilfe", "helfen", "danke", "hallo", "guten", "tag",
        "bitte", "niemand", "antwort", "antwortet", "nummer", "mal", "andere", "anderen",
        "gleiche", "welche", "nur", "bis", "über", "ueber", "uber", "schon", "jetzt", "dringend",
        "kaputt", "abgebucht", "storniert", "stornieren", "kündigen", "kuendigen", "kundigen",
    ],
    greeting_words: &[
        "hallo", "hi", "hey", "guten", "morgen", "tag", "abend", "moin", "servus", "danke",
        "vielen", "dank", "schön", "schoen", "schon", "ok", "okay", "ja", "nein", "hilfe",
        "support", "bitte", "team", "liebe", "lieber", "alle", "grüße", "gruesse", "gruße",
        "gruss", "gruß", "super", "perfekt", "alles", "klar", "tschüss", "tschuess", "tschuss",
    ],
    issue_keywords: &[
        "problem", "probleme", "fehler", "fehlermeldung", "störung", "stoerung", "storung",
        "funktioniert nicht", "geht nicht", "klappt nicht", "nicht möglich", "nicht moeglich",
        "kann nicht", "kann mich nicht", "nicht angekommen", "nicht erhalten", "nie erhalten",
        "nicht geliefert", "kaputt", "defekt", "beschädigt", "beschaedigt", "beschadigt",
        "abgebucht", "doppelt abgebucht", "belastet", "erstattung", "rückerstattung",
        "rueckerstattung", "ruckerstattung", "zurückgeben", "zurueckgeben", "retoure",
        "stornieren", "storno", "kündigen", "kuendigen", "kundigen", "kündigung", "passwort",
        "gesperrt", "bestellung", "rechnung", "beschwerde", "reklamation", "frage", "brauche",
        "benötige", "benoetige", "benotige", "möchte", "moechte", "mochte", "verspätet",
        "verspaetet", "verspatet", "verloren", "falsch", "abgestürzt", "abgestuerzt",
        "abgesturzt", "stürzt ab", "konto", "zahlung",
    ],
    urgent_keywords: &[
        "dringend", "notfall", "kritisch", "ausgefallen", "ausfall", "sofort", "umgehend",
        "schnellstmöglich", "schnellstmoeglich", "geht gar nichts", "nichts geht mehr",
        "betrug", "gehackt",
    ],
    high_keywords: &[
        "wichtig", "problem", "fehler", "störung", "stoerung", "funktioniert nicht",
        "geht nicht", "kann nicht", "abgebucht", "gesperrt", "beschwerde", "reklamation",
    ],
    replies: ReplyTexts {
        ticket_created: "Ticket #{ticket_id} erstellt: '{subject}'. Wir melden uns bald.",
        more_details: "Bitte beschreiben Sie Ihr Anliegen genauer. Zum Beispiel: 'Ich kann mich nicht anmelden' oder 'Frage zur Rechnung #123'",
        apology: "Entschuldigung, wir konnten Ihr Ticket gerade nicht erstellen. Bitte versuchen Sie es später erneut oder wenden Sie sich direkt an den Support.",
        comment_added: "Danke, wir haben Ihre Nachricht zu Ticket #{ticket_id} hinzugefügt.",
        out_of_hours: "Danke für Ihre Nachricht. Wir sind gerade außerhalb unserer Servicezeiten und antworten, sobald wir wieder da sind.",
        opt_out: "Erledigt: Sie erhalten keine WhatsApp-Nachrichten mehr von uns. Schreiben Sie uns jederzeit, um wieder Kontakt aufzunehmen.",
        queue_full: "Wir bearbeiten noch Ihre vorherigen Nachrichten und konnten diese daher nicht annehmen. Bitte warten Sie auf unsere Antwort und senden Sie sie dann erneut.",
    },
};
