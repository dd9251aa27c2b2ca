//! Portuguese (Brazilian first, European forms too). Written for this project: the words
//! customers write to support on WhatsApp, with and without accents.

use crate::core::language::pack::{LanguagePack, ReplyTexts};

pub const PACK: LanguagePack = LanguagePack {
    code: "pt",
    name: "Português",
    marker_words: &[
        "fui", "duas", "dois", "vezes", "esse", "essa", "mês", "há", "encomenda", "veio", "vieram", "pequeno", "pequena", "terceira", "escrevo", "tabela", "cadê", "cade", "vocês", "dá", "da", "tô", "to", "estou", "tava", "alguém", "alguem", "nenhum", "troca", "trocar", "frete", "nota", "fiscal", "rastreio",
        "o", "os", "as", "um", "uma", "uns", "umas", "do", "da", "dos", "das", "no", "na", "nos",
        "nas", "ao", "aos", "pelo", "pela", "meu", "minha", "meus", "minhas", "seu", "sua",
        "você", "voce", "vocês", "voces", "eu", "ele", "ela", "eles", "não", "nao", "sim", "é",
        "está", "estou", "estão", "estava", "foi", "ser", "tenho", "tem", "têm", "posso", "pode",
        "podem", "consigo", "consegue", "quero", "queria", "preciso", "fazer", "fiz", "mas",
        "porque", "pra", "para", "com", "sem", "como", "quando", "onde", "já", "ainda", "também",
        "tambem", "muito", "nada", "nenhum", "nenhuma", "isso", "isto", "esse", "essa", "este",
        "hoje", "ontem", "amanhã", "amanha", "semana", "dias", "pedido", "compra", "comprei",
        "conta", "senha", "pagamento", "paguei", "cobrança", "cobranca", "cobraram", "cartão",
        "cartao", "fatura", "boleto", "entrega", "chegou", "recebi", "reembolso", "devolução",
        "devolucao", "aplicativo", "funciona", "funcionando", "ajuda", "ajudar", "obrigado",
        "obrigada", "olá", "ola", "oi", "bom", "boa", "dia", "tarde", "noite", "favor", "então",
        "entao", "depois", "ninguém", "ninguem", "responde", "resposta", "número", "numero",
        "dinheiro", "vez", "outra", "outro", "mesmo", "qual", "só", "desde", "até", "ate",
        "sobre", "tá", "ta", "né", "vcs", "vc", "pq", "tbm", "caiu", "travou", "trava",
        "estorno", "problema", "atendimento", "urgente",
    ],
    greeting_words: &[
        "oi", "oii", "oie", "olá", "ola", "bom", "boa", "dia", "tarde", "noite", "obrigado", "obrigada",
        "muito", "valeu", "ok", "okay", "sim", "não", "nao", "ajuda", "suporte", "por", "favor",
        "pessoal", "equipe", "tudo", "bem", "e", "aí", "ai", "tchau", "beleza", "blz", "certo",
        "perfeito", "de", "nada", "a", "todos", "você", "voce",
    ],
    issue_keywords: &[
        "problema", "problemas", "erro", "falha", "falhou", "não funciona", "nao funciona",
        "não está funcionando", "nao esta funcionando", "não consigo", "nao consigo",
        "não deixa", "nao deixa", "não chegou", "nao chegou", "não recebi", "nao recebi",
        "não abre", "nao abre", "não carrega", "nao carrega", "não entra", "nao entra",
        "quebrado", "quebrada", "danificado", "danificada", "defeito", "cobrança", "cobranca",
        "cobraram", "cobrado", "cobrança indevida", "estorno", "reembolso", "devolução",
        "devolucao", "devolver", "cancelar", "cancelamento", "senha", "bloqueada", "bloqueado",
        "pedido", "fatura", "boleto", "reclamação", "reclamacao", "dúvida", "duvida",
        "pergunta", "preciso", "quero", "queria", "atrasado", "atraso", "perdido", "caiu",
        "caído", "caido", "travou", "travando", "fora do ar", "errado", "incorreto", "conta",
        "pagamento",
    ],
    urgent_keywords: &[
        "urgente", "urgência", "urgencia", "emergência", "emergencia", "crítico", "critico",
        "fora do ar", "caiu", "caído", "caido", "não funciona nada", "nao funciona nada",
        "imediatamente", "o quanto antes", "grave", "fraude", "golpe",
    ],
    high_keywords: &[
        "importante", "problema", "erro", "falha", "falhou", "não funciona", "nao funciona",
        "não consigo", "nao consigo", "cobrança indevida", "cobraram", "estorno", "bloqueada",
        "bloqueado", "reclamação", "reclamacao",
    ],
    replies: ReplyTexts {
        ticket_created: "Ticket #{ticket_id} criado: '{subject}'. Responderemos em breve.",
        more_details: "Por favor, conte mais sobre o seu problema. Por exemplo: 'Não consigo entrar na minha conta' ou 'Dúvida sobre a fatura #123'",
        apology: "Desculpe, não conseguimos criar o seu ticket agora. Tente novamente mais tarde ou fale diretamente com o suporte.",
        comment_added: "Obrigado, adicionamos a sua mensagem ao ticket #{ticket_id}.",
        out_of_hours: "Obrigado pela mensagem. Estamos fora do horário de atendimento; responderemos assim que voltarmos.",
        opt_out: "Pronto: você não receberá mais mensagens nossas pelo WhatsApp. Escreva quando quiser para voltar a falar conosco.",
        queue_full: "Ainda estamos tratando das suas mensagens anteriores, por isso não conseguimos receber esta. Aguarde a nossa resposta e depois envie-a novamente.",
    },
};
