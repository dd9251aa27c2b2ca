//! French. Written for this project: the words customers write to support on WhatsApp, with
//! and without accents, elisions included (`n'arrive pas`, `j'ai`).

use crate::core::language::pack::{LanguagePack, ReplyTexts};

pub const PACK: LanguagePack = LanguagePack {
    code: "fr",
    name: "Français",
    marker_words: &[
        "on", "dit", "toutes", "tous", "alors", "appli", "avais", "avait", "devait", "l'", "d'", "n'", "s'", "c'", "j'", "qu'", "m'", "t'", "y", "il", "est-ce", "chez", "après", "apres", "être", "vraiment", "quelqu'un", "toujours", "rien", "mauvaise", "mauvais", "retour", "renouvelé", "annulé", "annule",
        "le", "les", "des", "du", "une", "au", "aux", "mon", "ma", "mes", "ton", "ta", "votre",
        "vos", "notre", "nos", "je", "j'ai", "j'arrive", "tu", "il", "elle", "nous", "vous",
        "ils", "elles", "est", "suis", "sont", "était", "etait", "être", "etre", "ai", "avez",
        "avons", "ont", "peux", "pouvez", "peut", "veux", "voudrais", "dois", "faire", "fait",
        "mais", "parce", "pour", "avec", "sans", "dans", "sur", "comment", "quand", "où", "ou",
        "déjà", "deja", "encore", "aussi", "très", "tres", "rien", "aucun", "aucune", "ça", "ca",
        "cela", "ce", "cette", "ces", "aujourd'hui", "hier", "demain", "semaine", "jours",
        "commande", "achat", "acheté", "achete", "compte", "mot", "passe", "paiement", "payé",
        "paye", "carte", "facture", "livraison", "livré", "livre", "colis", "reçu", "recu",
        "remboursement", "rembourser", "application", "marche", "fonctionne", "aide", "aider",
        "merci", "bonjour", "bonsoir", "salut", "svp", "s'il", "plaît", "plait", "ne", "pas",
        "n'arrive", "n'est", "n'ai", "personne", "réponse", "reponse", "répond", "repond",
        "numéro", "numero", "argent", "fois", "autre", "même", "meme", "quel", "quelle",
        "seulement", "depuis", "jusqu'à", "jusqu'a", "qu'il", "c'est", "d'un", "d'une",
        "l'application", "toujours", "problème", "probleme", "urgent",
    ],
    greeting_words: &[
        "bonjour", "bonsoir", "salut", "coucou", "merci", "beaucoup", "ok", "okay", "d'accord",
        "oui", "non", "aide", "support", "svp", "s'il", "vous", "te", "plaît", "plait",
        "l'équipe", "l'equipe", "équipe", "equipe", "tout", "le", "monde", "bonne", "journée",
        "journee", "soirée", "soiree", "parfait", "super", "très", "tres", "à", "a", "bientôt",
        "bientot", "de", "rien",
    ],
    issue_keywords: &[
        "problème", "probleme", "problèmes", "erreur", "panne", "bug", "ne marche pas",
        "marche pas", "ne fonctionne pas", "fonctionne pas", "n'arrive pas", "j'arrive pas",
        "je n'arrive pas", "je ne peux pas", "impossible", "pas reçu", "pas recu",
        "jamais reçu", "jamais recu", "n'est pas arrivé", "n'est pas arrive", "pas arrivé",
        "pas arrive", "cassé", "casse", "abîmé", "abime", "endommagé", "endommage", "défectueux",
        "defectueux", "prélevé", "preleve", "prélèvement", "prelevement", "débité", "debite",
        "remboursement", "rembourser", "retour", "annuler", "annulation", "mot de passe",
        "bloqué", "bloque", "commande", "facture", "réclamation", "reclamation", "plainte",
        "question", "besoin", "je voudrais", "je veux", "retard", "perdu", "en panne", "planté",
        "plante", "incorrect", "compte", "paiement",
    ],
    urgent_keywords: &[
        "urgent", "urgence", "en urgence", "critique", "en panne", "plus rien ne marche",
        "immédiatement", "immediatement", "tout de suite", "au plus vite", "grave", "fraude",
        "arnaque",
    ],
    high_keywords: &[
        "important", "problème", "probleme", "erreur", "panne", "ne marche pas",
        "ne fonctionne pas", "n'arrive pas", "impossible", "prélevé", "preleve", "prélevée", "prelevee", "débité",
        "debite", "débitée", "debitee", "bloqué", "bloque", "réclamation", "reclamation",
    ],
    replies: ReplyTexts {
        ticket_created: "Ticket #{ticket_id} créé : '{subject}'. Nous vous répondrons bientôt.",
        more_details: "Merci de nous donner plus de détails sur votre problème. Par exemple : 'Je n'arrive pas à me connecter' ou 'Question sur la facture #123'",
        apology: "Désolés, nous n'avons pas pu créer votre ticket pour le moment. Réessayez plus tard ou contactez directement le support.",
        comment_added: "Merci, nous avons ajouté votre message au ticket #{ticket_id}.",
        out_of_hours: "Merci pour votre message. Nous sommes actuellement fermés ; nous vous répondrons dès notre retour.",
        opt_out: "C'est noté : vous ne recevrez plus de messages de notre part sur WhatsApp. Écrivez-nous quand vous voulez pour reprendre contact.",
        queue_full: "Nous traitons encore vos messages précédents, nous n'avons donc pas pu prendre en compte celui-ci. Attendez notre réponse, puis renvoyez-le.",
    },
};
