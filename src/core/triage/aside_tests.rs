//! The ninth pass (`aside_words`): the matter settled or withdrawn, contentless lines the
//! packs did not know, and a name introduced, in every shipped language; and the look-alikes
//! that must stay requests.

use super::*;

fn decide(m: &str) -> Decision {
    TriageRules::default().decide(m)
}

fn asks_details(m: &str) -> bool {
    matches!(decide(m).triage, Triage::Rejected(_))
}

#[test]
fn a_settled_or_withdrawn_matter_gets_the_details_request_and_names_its_rule() {
    for m in [
        "problem solved thanks!!",
        "nvm the refund came through this morning",
        "all good, the parcel arrived this morning 👍",
        "its fine now, sorry for the trouble",
        "sorry wrong number",
        "sent that by mistake, ignore",
        "problema resuelto gracias!!",
        "perdon numero equivocado",
        "minha esposa ja resolveu o reembolso, obg",
        "ops conversa errada",
        "ma femme a déjà réglé le remboursement, merci",
        "dsl mauvais numéro",
        "problem gelöst danke!!",
        "ups falscher chat",
        "brauch ich nicht mehr, danke",
        "tutto ok, il pacco è arrivato 👍",
        "inviato per errore, ignorate",
        "udah ketemu kok, makasih",
        "maaf salah nomor",
    ] {
        let d = decide(m);
        assert_eq!(d.triage, Triage::Rejected(Rejection::Settled), "{m}: {d:?}");
        assert!(d.rule.starts_with("settled \""), "{m}: {d:?}");
    }
}

#[test]
fn a_problem_beside_a_settled_or_withdrawn_word_is_still_a_request() {
    for m in [
        // A failure, a negation, "but" or "still", or any other word beside the marker.
        "the parcel arrived broken",
        "it arrived but the box was empty",
        "problem solved? no, you charged me again",
        "the parcel never arrived",
        "nvm, just cancel my subscription",
        "forget it, I want my money back",
        "I recharged the wrong number, can I get it back?",
        // Objects only beside a settled marker, not beside a withdrawn one.
        "the refund was sent to the wrong number",
        "recargué saldo a un número equivocado",
        "todavía no llegó el paquete",
        "o pedido chegou quebrado",
        "vous avez envoyé un article par erreur",
        "das paket ist nicht angekommen",
        "il pacco è arrivato ma è rotto",
        "kalian salah kirim barang",
        "paket udah sampe tapi rusak",
        // From an adversarial review: a question, a quantity, a demand after "forget it",
        // "ignore" aimed at the company, a late arrival, a trial.
        "Has my parcel arrived?",
        "¿Ya llegó mi pedido?",
        "O pedido chegou?",
        "Ist mein Paket schon angekommen?",
        "has my payment came through",
        "Checking if the payment came through",
        "parcel arrived 2 of 3",
        "È arrivato solo un pacco",
        "Kekirim 2x",
        "quand arrive le remboursement",
        "Code oublié",
        "Forget it, just refund me",
        "Esquece, estorno do dinheiro",
        "Vergiss es, Erstattung bitte",
        "Udah ga perlu, refundnya ya",
        "Pesanan gak jadi, refundnya aja",
        "you ignore my message",
        "El pedido llegó más tarde",
        "Mon colis est arrivé plus tard",
        "Sto provando da ieri",
        "Salah kirim kak",
        "What is the best plan for me",
        "Kindly revert with status",
        "Busco el número de pedido, ¿dónde lo encuentro?",
    ] {
        assert!(!asks_details(m), "{m}: {:?}", decide(m));
    }
}

#[test]
fn contentless_lines_of_the_ninth_pass_get_the_details_request() {
    for m in [
        "I'll try again later",
        "can I talk to a person",
        "did u get my msg?",
        "happy new year to the whole team 🎉",
        "puedo hablar con una persona?",
        "feliz año nuevo a todo el equipo!!",
        "posso falar com um atendente?",
        "vcs são os melhores",
        "je peux parler à quelqu'un ?",
        "vous avez reçu mon message ?",
        "kann ich mit einem menschen sprechen",
        "habt ihr heute offen?",
        "siete aperti oggi?",
        "vi mando i dati adesso",
        "hari ini buka ga?",
        "gpp kak, udah bisa sekarang",
        // Second probe: small talk, testing, who is writing, withdrawals, a minute to look.
        "how's your day going? 😊",
        "just checking this number works",
        "Com quem estou a falar, por favor?",
        "Juste un essai là, inquiétez-vous pas",
        "Kein Stress, hab's selber hinbekommen",
        "niente niente, e tutto a posto ora",
        "maaf tadi anak saya main hp",
        "abaikan aja, udah ketemu solusinya",
    ] {
        assert!(asks_details(m), "{m}: {:?}", decide(m));
    }
    // Taken out as phrases: a problem beside them still counts.
    for m in [
        "I'll try again later, the payment failed twice",
        "can I talk to a person? my account was blocked",
        "ada update? paket saya belum sampai",
        "just testing... no, actually the app won't let me pay",
        "test: el pago no funciona",
        "hang on, the order number you sent is wrong",
    ] {
        assert!(!asks_details(m), "{m}: {:?}", decide(m));
    }
}

#[test]
fn a_name_introduced_is_not_content_but_a_problem_beside_it_is() {
    for m in [
        "Hi, this is Sarah Whitfield",
        "Regards, Dr. Alan Price",
        "Hola, soy María Fernanda López",
        "Oi, aqui é a Maria Fernanda Souza",
        "Cordialement, Dr. Philippe Martin",
        "Hallo, hier ist Anna Schneider",
        "Cordiali saluti, Dott. Marco Bianchi",
        "Halo, saya Siti Nurhaliza Putri",
    ] {
        assert!(asks_details(m), "{m}: {:?}", decide(m));
    }
    for m in [
        // Words not written with a capital, too many of them, or a problem beside.
        "hi this is sarah, my order never came",
        "Hi, this is Sarah Whitfield, where is my refund?",
        "Hola, soy Ana, quiero cambiar la dirección de entrega",
        "Hallo, hier ist Anna Schneider, Rechnung Doppelt Abgebucht",
        // From an adversarial review: a request beside a sign-off, a name in a question,
        // Title Case, shouting, a second sentence.
        "Callback please. Regards, John",
        "Devis svp. Cordialement, Paul",
        "Hier ist Meier, Termin Montag?",
        "Hi I'm Interested In The Offer",
        "I AM INTERESTED IN BUYING",
        "Sono Marco. Richiamatemi",
    ] {
        assert!(!asks_details(m), "{m}: {:?}", decide(m));
    }
}

/// Eleventh pass (`asides::small_talk`): a clause may wish a feast to whom it goes, name who
/// writes, say "I only wanted to thank you", or tell a story with "have" or "when" inside it;
/// the same forms telling a problem keep a ticket.
#[test]
fn wishes_names_and_only_wanting_to_say_thanks_are_small_talk_and_their_look_alikes_tickets() {
    for m in [
        "Happy Easter to everyone at the office! You have been brilliant all year 🐣",
        "joyeuses fêtes à toute l'équipe du service client, vous êtes au top",
        "selamat idul fitri buat semua tim, pelayanannya ramah banget",
        "Hola, soy Pepa de Sevilla. Solo quería daros las gracias, el técnico fue muy amable",
        "Ciao, mi chiamo Giuseppe. Volevo solo ringraziarvi, il tecnico è stato gentilissimo",
        "Wollte nur danke sagen, der Monteur war pünktlich und sehr geduldig",
        "só queria agradecer, a entrega foi pontual e veio tudo direitinho",
        "The new app is brilliant, I have loved it for years, well done",
        // Laughter beside praise, a rating, a title before a name.
        "Mr Oduya here. The engineer was brilliant, 10/10 haha",
        "nota 10 pro atendimento kkkk, a moça foi um amor",
        // Trouble denied is good news.
        "Great service, no problems at all 👍",
        "llegó ayer, nada roto, todo perfecto",
        "paketnya udah sampe, gak ada yang penyok, mantap",
        // `é` ("is") is no "and": `o técnico é ótimo`.
        "o técnico é ótimo, a moça da loja é um amor",
        "the app never crashed once, brilliant",
    ] {
        let d = decide(m);
        assert_eq!(
            d.triage,
            Triage::Rejected(Rejection::SmallTalk),
            "{m}: {d:?}"
        );
    }
    for m in [
        // A wish beside something else in its clause.
        "merry christmas to the team, the hamper came as a pancake",
        "Happy Easter, the hamper came as a pancake",
        // A name, then more than a name; or shouted; or not a name at all.
        "C'est Madame Durand pour le RDV de Lundi",
        "SONO INTERESSATO ALL'OFFERTA",
        "love the shop. c'est trop cher",
        // "Only" that tells what is missing, a request, a question without its mark.
        "lovely driver, only one box came",
        "the staff were lovely, queria cancelar o plano",
        "great service, has the second box been sent",
        "thanks for the quick delivery, so the fridge stayed on the pavement",
        // Beside laughter, thanks may be sarcasm: only praise counts.
        "thanks for the jumper in green lol, lovely driver",
        // What can be missing, negated, is the problem.
        "no signal since monday, the engineer was lovely",
        "the app never opened, great design",
        "sem sinal, o técnico foi um amor",
        "no refund, lovely staff",
        "o dinheiro não caiu, vocês são ótimos",
        "il caricatore non serve a niente, bravi",
        "ja abri 3 protocolos e ninguem resolve o problema do meu modem",
        // Praise, "and", then something else: each statement must praise.
        "the driver was so patient and left my fridge on the pavement",
        "felices pascuas a todos y la caja de bombones llegó derretida",
        "o técnico foi educado e levou a chave da minha casa",
        // One word after "and", a condition, an exception, advice, trouble denied then more.
        "der Fahrer war super nett und betrunken haha",
        "service impeccable si un jour je revois mes 40 euros",
        "nix kaputt außer dem Display 😅",
        "os recomiendo llamarme hoy por lo del contador",
        "not a single complaint answered since March",
    ] {
        assert!(!asks_details(m), "{m}: {:?}", decide(m));
    }
}

/// The twelfth pass (short lines, `triage-probe-details-p.tsv` and `-q.tsv`): "still nothing"
/// and the bare verbs "cancel", "return" in every language are problems; a formal salutation
/// or closing, a slang greeting, a blessing, a greeting from a place, the wrong chat or a test
/// alone says nothing; testing in words that also mean "trying" keeps what follows a problem.
#[test]
fn still_nothing_and_bare_verbs_are_problems_and_salutations_and_tests_alone_say_nothing() {
    for m in [
        "ok but still nothing",
        "todavía nada",
        "oi, ainda nada",
        "toujours rien...",
        "immer noch nichts",
        "ancora niente",
        "kak masih belum",
        "sto provando da ieri",
        "probando desde ayer",
        "nyoba dari kemarin",
        // The bare verb a stem does not cover (probe Q).
        "how do i cancel",
        "how do i return this",
        "how to replace it",
        "como lo devuelvo",
        "wie kann ich das zurückschicken",
        "Absturz beim Start",
        "my payment",
        "mein Vertrag",
        "il mio conto",
        "que demora",
        "refus",
        // "Sent wrong" is also the wrong item sent.
        "Kak ini salah kirim",
        // A service out, a problem told in emoji (probe R).
        "se fue la luz",
        "no hay agua",
        "ga ada sinyal",
        "Stromausfall",
        "WLAN lahm",
        "cuando me devuelven",
        "reimburse me",
        "📦❌",
        "💳❓",
        "📦? nada",
        // A formal salutation and the one word that is the matter (the twelfth pass's review).
        "Sehr geehrte Damen und Herren, Widerruf",
        "Estimados señores, garantía",
        "Messieurs dames, coupure",
        "Yth, garansi",
        "I remain on hold",
    ] {
        assert!(!asks_details(m), "{m}: {:?}", decide(m));
    }
    for m in [
        "Sehr geehrte Damen und Herren",
        "Estimados señores",
        "Dengan hormat",
        "quiubo parce",
        "mohon maaf lahir batin 🙏",
        "je teste juste",
        "nur ein Test",
        "testando",
        "amém irmãos",
        "Gottes Segen euch allen",
        "Dio vi benedica 🙏",
        "Good afternoon. I remain, yours faithfully",
        "Veuillez agréer mes salutations distinguées",
        "saudações de paris",
        "pardon je me suis trompé",
        "hab mich vertippt, sorry",
        "ho sbagliato numero scusi",
        "oalah gitu toh",
        // An object with a tick, a question mark alone: nothing wrong told.
        "📦✅",
        "❓",
        "ok 👍",
    ] {
        assert!(asks_details(m), "{m}: {:?}", decide(m));
    }
}
