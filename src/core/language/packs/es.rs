//! Spanish. Written for this project: the words customers write to support on WhatsApp, with
//! and without accents (matching folds them anyway), in Spain and Latin America.

use crate::core::language::pack::{LanguagePack, ReplyTexts};

pub const PACK: LanguagePack = LanguagePack {
    code: "es",
    name: "Español",
    marker_words: &[
        "y", "mandaron", "mandó", "mando", "pedi", "uno", "porqué", "nunca", "siempre", "alguien", "todavía", "todavia", "aún", "cuánto", "cuanto", "tarda", "sale", "salió", "salio",
        "el", "los", "las", "del", "al", "una", "unos", "unas", "mi", "mis", "tu", "su", "sus",
        "es", "está", "estoy", "están", "era", "fue", "ser", "estar", "hay", "tengo", "tiene",
        "tienen", "puedo", "puede", "pueden", "quiero", "quisiera", "necesito", "hacer", "hice",
        "pero", "porque", "por", "para", "como", "cómo", "qué", "cuando", "cuándo", "donde",
        "dónde", "ya", "todavía", "aún", "también", "muy", "nada", "ningún", "ninguna", "algo",
        "me", "te", "le", "les", "nos", "lo", "yo", "usted", "ustedes", "ellos", "este", "esta",
        "esto", "ese", "esa", "eso", "hoy", "ayer", "mañana", "semana", "días", "dias", "hace",
        "pedido", "pedí", "compra", "compré", "cuenta", "contraseña", "contrasena", "pago",
        "pagué", "pague", "cobro", "cobraron", "tarjeta", "factura", "envío", "envio", "entrega",
        "llegó", "llego", "llegado", "reembolso", "devolución", "devolucion", "aplicación",
        "aplicacion", "sesión", "sesion", "iniciar", "funciona", "sirve", "deja", "ayuda",
        "ayudar", "gracias", "hola", "buenas", "buenos", "favor", "señor", "senor", "entonces",
        "después", "despues", "sigue", "sigo", "nadie", "responde", "respuesta", "número",
        "numero", "dinero", "vez", "veces", "otra", "otro", "mismo", "misma", "cuál", "cual",
        "sólo", "solo", "desde", "hasta", "sin", "con", "sobre", "están", "estaba", "he", "has",
        "ha", "hemos", "han", "dónde", "cancelar", "cambiar", "roto", "rota", "dañado",
        "urgente", "problema", "llamar", "suscripción", "suscripcion",
    ],
    greeting_words: &[
        "hola", "buenas", "buenos", "buen", "dia", "día", "días", "dias", "tardes", "noches",
        "gracias", "muchas", "mil", "vale", "ok", "okay", "sí", "si", "no", "ayuda", "soporte",
        "por", "favor", "equipo", "todos", "saludos", "qué", "que", "tal", "hey", "holi",
        "perfecto", "genial", "listo", "de", "nada", "a", "muy", "amable", "me", "y", "usted",
    ],
    issue_keywords: &[
        "problema", "problemas", "error", "falla", "fallo", "falló", "no funciona",
        "no funcionan", "no sirve", "no puedo", "no me deja", "no me llega", "no me llegó",
        "no llegó", "no llego", "no ha llegado", "no recibí", "no recibi", "no carga",
        "no abre", "no entra", "no aparece", "roto", "rota", "dañado", "dañada", "danado",
        "defectuoso", "cobro", "cobraron", "cobrado", "me cobraron", "doble cobro", "reembolso",
        "devolución", "devolucion", "devolver", "cancelar", "cancelación", "cancelacion",
        "contraseña", "contrasena", "bloqueada", "bloqueado", "pedido", "factura", "queja",
        "reclamo", "reclamación", "consulta", "pregunta", "duda", "necesito", "quiero",
        "quisiera", "ayuda con", "tengo un problema", "está mal", "esta mal", "equivocado",
        "incorrecto", "retraso", "tarde", "perdido", "se cayó", "se cayo", "caído", "caido",
        "se cierra", "se traba", "cuenta", "pago", "reclamar",
    ],
    urgent_keywords: &[
        "urgente", "urgencia", "emergencia", "crítico", "critico", "caído", "caido", "caída", "caida", "se cayó",
        "se cayo", "no funciona nada", "inmediatamente", "ya mismo", "cuanto antes", "grave",
        "fraude", "robo",
    ],
    high_keywords: &[
        "importante", "problema", "error", "falla", "fallo", "no funciona", "no puedo",
        "cobro", "cobraron", "reembolso", "bloqueada", "bloqueado", "queja", "reclamo",
    ],
    replies: ReplyTexts {
        ticket_created: "Ticket #{ticket_id} creado: '{subject}'. Te responderemos pronto.",
        more_details: "Por favor, cuéntanos más sobre tu problema. Por ejemplo: 'No puedo iniciar sesión' o 'Pregunta sobre la factura #123'",
        apology: "Lo sentimos, no pudimos crear tu ticket en este momento. Inténtalo de nuevo más tarde o contacta directamente con soporte.",
        comment_added: "Gracias, hemos añadido tu mensaje al ticket #{ticket_id}.",
        out_of_hours: "Gracias por tu mensaje. Ahora estamos fuera del horario de atención; te responderemos en cuanto abramos.",
        opt_out: "Listo: no recibirás más mensajes nuestros por WhatsApp. Escríbenos cuando quieras para volver a hablar.",
        queue_full: "Todavía estamos atendiendo tus mensajes anteriores, así que no pudimos recibir este. Espera nuestra respuesta y luego envíalo de nuevo.",
    },
};
