//! Italian. Written for this project: the words customers write to support on WhatsApp, with
//! and without accents.

use crate::core::language::pack::{LanguagePack, ReplyTexts};

pub const PACK: LanguagePack = LanguagePack {
    code: "it",
    name: "Italiano",
    marker_words: &[
        "si", "ci", "ne", "che", "ogni", "troppo", "troppi", "dice", "detto", "parlare", "chiude", "apro", "sola", "rinnovato", "sbagliata", "sbagliato", "responsabile", "sessione", "scaduta", "tabella", "taglie", "taglia", "piccole", "piccolo", "l'", "un'", "dell'", "all'", "nell'", "sull'", "c'è", "c'e", "po'", "avete", "siete", "sto", "stai", "ancora", "mai", "sempre", "più", "piu", "però", "pero", "qualcuno", "tutto", "tutti",
        "il", "lo", "gli", "i", "un", "uno", "della", "dello", "degli", "delle", "nel", "nella",
        "sul", "sulla", "mio", "mia", "miei", "mie", "suo", "vostro", "vostra", "io", "lui",
        "lei", "noi", "voi", "loro", "è", "sono", "era", "stato", "stata", "essere", "ho",
        "hai", "abbiamo", "hanno", "posso", "può", "puo", "possono", "riesco", "voglio",
        "vorrei", "devo", "fare", "fatto", "ma", "perché", "perche", "per", "senza", "come",
        "quando", "dove", "già", "gia", "ancora", "anche", "molto", "niente", "nulla",
        "nessun", "nessuno", "nessuna", "questo", "questa", "quello", "quella", "oggi", "ieri",
        "domani", "settimana", "giorni", "ordine", "ordinato", "acquisto", "account",
        "password", "pagamento", "pagato", "carta", "fattura", "spedizione", "consegna",
        "consegnato", "pacco", "arrivato", "ricevuto", "rimborso", "reso", "applicazione",
        "funziona", "aiuto", "aiutare", "grazie", "ciao", "buongiorno", "buonasera", "salve",
        "cortesia", "allora", "dopo", "risponde", "risposta", "numero", "soldi", "volta",
        "altro", "altra", "stesso", "quale", "solo", "fino", "sopra", "addebitato",
        "addebito", "bloccato", "bloccata", "non", "ancora", "urgente", "problema",
    ],
    greeting_words: &[
        "ciao", "salve", "buongiorno", "buonasera", "buon", "pomeriggio", "grazie", "mille",
        "tante", "ok", "okay", "va", "bene", "sì", "si", "no", "aiuto", "supporto", "per",
        "favore", "cortesia", "a", "tutti", "team", "perfetto", "ottimo", "d'accordo",
        "arrivederci", "di", "niente", "molto", "gentile",
    ],
    issue_keywords: &[
        "problema", "problemi", "errore", "guasto", "non funziona", "non va", "non riesco",
        "non posso", "non mi fa", "non è arrivato", "non e arrivato", "non arrivato",
        "mai arrivato", "non ho ricevuto", "non si apre", "non carica", "rotto", "rotta",
        "danneggiato", "danneggiata", "difettoso", "addebitato", "addebito", "doppio addebito",
        "rimborso", "reso", "restituire", "annullare", "disdire", "disdetta", "password",
        "bloccato", "bloccata", "ordine", "fattura", "reclamo", "lamentela", "domanda",
        "dubbio", "ho bisogno", "vorrei", "voglio", "ritardo", "in ritardo", "perso",
        "sbagliato", "errato", "si blocca", "crash", "account", "pagamento",
    ],
    urgent_keywords: &[
        "urgente", "urgenza", "emergenza", "critico", "critica", "bloccato", "fuori servizio",
        "non funziona niente", "immediatamente", "subito", "il prima possibile", "grave",
        "truffa", "frode",
    ],
    high_keywords: &[
        "importante", "problema", "errore", "guasto", "non funziona", "non riesco",
        "addebitato", "doppio addebito", "reclamo", "lamentela",
    ],
    replies: ReplyTexts {
        ticket_created: "Ticket #{ticket_id} creato: '{subject}'. Ti risponderemo presto.",
        more_details: "Per favore, descrivi meglio il tuo problema. Per esempio: 'Non riesco ad accedere' oppure 'Domanda sulla fattura #123'",
        apology: "Ci dispiace, non siamo riusciti a creare il tuo ticket in questo momento. Riprova più tardi o contatta direttamente l'assistenza.",
        comment_added: "Grazie, abbiamo aggiunto il tuo messaggio al ticket #{ticket_id}.",
        out_of_hours: "Grazie per il messaggio. Siamo fuori dall'orario di assistenza; ti risponderemo appena torniamo.",
        opt_out: "Fatto: non riceverai più nostri messaggi su WhatsApp. Scrivici quando vuoi per riprendere il contatto.",
        queue_full: "Stiamo ancora gestendo i tuoi messaggi precedenti, quindi non abbiamo potuto ricevere questo. Attendi la nostra risposta, poi invialo di nuovo.",
    },
};
