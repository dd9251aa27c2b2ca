//! The emergency classes, each in every shipped language, and the complaints that must stay
//! non-urgent (`Emergency::find`).

use super::*;
use crate::core::text::{fold_accents, words};

/// Read as `problems::priority` reads a message: folded, split, elisions taken off.
pub(super) fn find(m: &str) -> Option<&'static str> {
    let folded = fold_accents(m);
    let w: Vec<&str> = words(&folded).collect();
    Emergency::shipped().find(&super::super::problems::unelide(&w))
}

pub(super) fn each_is(class: &str, messages: &[&str]) {
    for m in messages {
        assert_eq!(find(m), Some(class), "{m}");
    }
}

pub(super) fn none_of(messages: &[&str]) {
    for m in messages {
        assert_eq!(find(m), None, "{m}");
    }
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

// Fourth pass (set C's classes, each tested in every shipped language with sentences not
// taken from the set).

#[test]
fn danger_to_people_is_an_emergency() {
    each_is(
        "danger",
        &[
            "there's a smell of gas since your guy fixed the boiler",
            "the charger you sold me started smoking",
            "the power line fell on our fence after your crew left",
            "broke down on the motorway with the rental car, kids in the back",
            "huele a gas en toda la casa desde la instalación",
            "el cargador sacó chispas y se quemó",
            "me quedé tirado en la autopista con el coche averiado",
            "tá com cheiro de gás aqui depois da instalação",
            "o carregador pegou fogo",
            "a bateria do celular estufou",
            "ça sent le gaz dans la cuisine",
            "la batterie a gonflé et elle chauffe",
            "je suis en panne sur l'autoroute",
            "es riecht nach gas im keller",
            "das netzteil qualmt",
            "bin auf der autobahn liegengeblieben",
            "c'è puzza di gas in casa",
            "il caricabatterie ha preso fuoco",
            "sono rimasto in panne in autostrada",
            "gas elpiji bocor di dapur",
            "charger hp saya berasap",
            "mobil mogok di jalan tol",
        ],
    );
    // A complaint about a device, a bill or a cable is not a danger.
    none_of(&[
        "the radiator doesn't get hot",
        "i need a new phone charger asap",
        "the cable you sent is too short",
        "my gas bill is wrong",
        "mi pedido está parado desde el lunes",
        "la batteria si scarica subito",
        "kabel fiber putus, internet mati",
        "el técnico dejó un cable colgando en la fachada",
    ]);
}

// Sixth pass (the project's own list, no set): a battery swollen or very hot, however said;
// gas smelt in Portuguese; a deadline by its name (above); medicine said the everyday way.
#[test]
fn a_swollen_or_burning_hot_battery_and_gas_however_said_are_danger() {
    each_is(
        "danger",
        &[
            "the power bank swelled up and got super hot",
            "la bateria se hinchó y está calentísima",
            "cheira a gás desde que instalaram o esquentador",
            "la batterie du tel est brûlante",
            "der akku wird glühend heiß",
            "la batteria si è gonfiata ed è bollente",
            "baterainya menggembung dan panas banget",
        ],
    );
    none_of(&[
        "my laptop gets so hot when gaming",
        "the shower water is never hot enough",
        "necesito un cargador nuevo, el mío no carga",
    ]);
    each_is(
        "medicine",
        &[
            "my mom needs her pills today and the order still hasn't shipped",
            "ibu saya butuh obatnya hari ini tapi belum sampai",
            "j'ai besoin de mes médocs ce soir",
        ],
    );
}

// Fifth pass (the project's own list of emergencies, no set).
#[test]
fn someone_shut_in_or_water_on_the_electrics_is_danger() {
    each_is(
        "danger",
        &[
            "we are stuck in the elevator of building B",
            "my daughter got locked in the bathroom and the lock is broken",
            "water is dripping from the ceiling into the sockets",
            "mi hija quedó encerrada en el coche",
            "hay agua cayendo sobre el cuadro electrico",
            "estou preso no elevador do prédio",
            "a água tá entrando na tomada da sala",
            "je suis coincé dans l'ascenseur",
            "il y a de l'eau qui coule dans la prise",
            "mein sohn ist im auto eingeschlossen",
            "wasser tropft in die steckdose",
            "sono bloccato nell'ascensore",
            "entra acqua nel quadro elettrico",
            "anak saya terkunci di kamar mandi",
            "air bocor ke panel listrik",
        ],
    );
    // Stuck or locked things, and water or electrics alone, are not.
    none_of(&[
        "my account is locked",
        "the parcel is stuck in customs",
        "my son's order has been stuck for a week",
        "a conta da minha filha está bloqueada",
        "la cuenta de mi hijo está bloqueada",
        "akun anak saya terkunci",
        "the water bill is too high",
        "the socket you sold me doesn't fit",
    ]);
}

#[test]
fn a_phone_wallet_or_card_stolen_or_lost_is_an_emergency() {
    each_is(
        "stolen or lost",
        &[
            "my phone was stolen last night and the app is logged in",
            "lost my wallet with both cards in it",
            "me robaron la cartera en el metro",
            "perdí mi tarjeta",
            "roubaram meu celular",
            "perdi minha carteira com os cartões",
            "on m'a volé mon portable",
            "j'ai perdu ma carte bancaire",
            "mein handy wurde geklaut",
            "hab meinen geldbeutel verloren",
            "mi hanno rubato il portafoglio",
            "ho perso il bancomat",
            "hp saya hilang di angkot",
            "dompet saya dicuri",
        ],
    );
    // Access or a signal lost, a parcel stolen on the doorstep: complaints.
    none_of(&[
        "my parcel was stolen from the doorstep",
        "i lost access to my account",
        "troquei de celular e perdi o acesso ao app",
        "hp saya hilang sinyal terus",
        "el paquete con el movil fue robado del portal",
    ]);
}

#[test]
fn a_business_that_cannot_take_payments_is_an_emergency() {
    each_is(
        "payments down",
        &[
            "card machine not working, customers waiting",
            "el datáfono no funciona y tengo la tienda llena",
            "a maquininha parou, não passa nenhum cartão",
            "le TPE ne marche plus",
            "kartenterminal ausgefallen",
            "il pos non funziona",
            "mesin edc error terus",
        ],
    );
    each_is(
        "stopped",
        &[
            "we can't take payments since the update",
            "no podemos cobrar a nadie",
            "on ne peut pas encaisser",
        ],
    );
    // Mexican "pos" is "well"; Italian "casse" are speakers; a site's checkout is the
    // customer's problem, not a till.
    none_of(&[
        "pos no me llegó el pedido",
        "le casse bluetooth non funzionano",
        "the checkout on your site doesn't work",
    ]);
}

#[test]
fn a_court_authority_or_flight_deadline_today_is_an_emergency() {
    each_is(
        "deadline",
        &[
            "my flight is today and the booking still says pending",
            "court hearing tomorrow and I need the invoice",
            "tengo juicio mañana y necesito la factura",
            "meu voo é hoje e a passagem não foi emitida",
            "mon vol part ce soir et le billet n'est pas émis",
            "mein flug geht heute und die buchung ist nicht bestätigt",
            "ho l'udienza domani e mi serve il documento",
            "sidang besok tapi dokumen belum dikirim",
        ],
    );
    // A deadline by its name, today (sixth pass, the project's own list).
    each_is(
        "deadline",
        &[
            "the deadline is today and the form won't submit",
            "hoy vence el plazo y la pagina no me deja enviar",
            "o prazo acaba hoje e o site nao deixa enviar",
            "la date limite c'est aujourd'hui et le site bloque",
            "die frist endet heute und das portal lässt mich nicht hochladen",
            "la scadenza è oggi e il sito non mi fa caricare",
            "batas waktunya hari ini dan webnya ga bisa upload",
            // Already sent, but refused; told with a polite laugh.
            "ya presenté la declaración pero el sistema me la rechazó y el plazo vence hoy",
            "maaf kak hehe, batas waktunya hari ini dan webnya ga bisa upload",
        ],
    );
    // A delivery date, or a Visa card, is not a deadline.
    none_of(&[
        "the delivery deadline was today",
        "o prazo de entrega era hoje",
        "my visa card was charged twice today",
    ]);
    // The work already sent, or the day asked (the review
    // `triage-probe-review-fourteenth-2.tsv`).
    none_of(&[
        "already submitted the form this morning, the deadline is today, I only need the receipt",
        "ya presenté todo ayer, el plazo vence hoy, solo quiero el comprobante",
        "la date limite c'est aujourd'hui ou demain ? je trouve pas",
        "ist die Frist heute oder morgen? steht nirgends",
        "la scadenza è oggi o domani? non lo trovo sul sito",
        "batas waktunya hari ini atau besok ya? ga nemu di web",
    ]);
}

#[test]
fn medicine_running_out_is_an_emergency() {
    each_is(
        "medicine",
        &[
            "my insulin order hasn't come and i've run out",
            "no me llegó la insulina y ya no me queda",
            "meu remédio não chegou e acabou hoje",
            "je n'ai plus d'insuline",
            "mein insulin ist nicht gekommen und ich hab keins mehr",
            "non mi è arrivata l'insulina e sono senza",
            "obat saya habis dan kirimannya belum datang",
        ],
    );
    none_of(&[
        "how much is shipping for medicine orders",
        "pedí medicamentos sin receta",
    ]);
}

#[test]
fn an_account_taken_over_money_gone_or_a_strange_login_is_an_emergency() {
    each_is(
        "taken over",
        &[
            "my whatsapp got hijacked",
            "they're asking my friends for money in my name",
            "me clonaron el whatsapp",
            "clonaram meu whatsapp",
            "mon whatsapp a été cloné",
            "mein whatsapp wurde gekapert",
            "mi hanno clonato whatsapp",
            "akun ig saya dibajak",
        ],
    );
    each_is(
        "scammed",
        &[
            "a guy posing as your courier took my card details",
            "se hicieron pasar por el banco y les di el código",
            "um cara se passando pela loja pediu o código e eu passei",
            "un faux conseiller m'a demandé le code",
            "ein falscher mitarbeiter hat nach dem code gefragt",
            "un finto operatore mi ha chiesto il codice",
            "ada yg ngaku dari bank minta kode otp",
        ],
    );
    each_is(
        "money gone",
        &[
            "my savings vanished overnight",
            "desapareció el dinero de mi cuenta",
            "sumiu o dinheiro da conta",
            "mon compte a été vidé",
            "mein konto wurde leergeräumt",
            "mi hanno svuotato il conto",
            "saldo saya raib",
            // Sixth pass (the project's own list).
            "500 dollars missing from my account",
            "saldo saya hilang 2 juta",
        ],
    );
    // Money words are needed: a missing item or lost points are complaints.
    none_of(&[
        "one item is missing from my order",
        "poin saya hilang semua",
    ]);
    each_is(
        "disowned",
        &["ada transaksi yang ga saya kenal di kartu saya"],
    );
    each_is(
        "unknown login",
        &[
            "got an alert of a login to my account from another country",
            "me avisaron de un inicio de sesión en mi cuenta desde otro país",
            "login na minha conta de outra cidade",
            "connexion à mon compte depuis un autre pays",
            "anmeldung in meinem konto aus einem anderen land",
            "accesso al mio account da un altro paese",
            "ada login ke akun saya dari kota lain",
        ],
    );
    none_of(&[
        "is this a clone of the original?",
        "my points disappeared from my account",
        "me llegó un producto falso, quiero mi dinero",
        "vous pouvez bloquer les achats dans le jeu ?",
    ]);
}

#[test]
fn the_seventh_pass_dangers_are_emergencies_and_their_everyday_look_alikes_are_not() {
    each_is(
        "danger",
        &[
            "my son swallowed a magnet from the kit",
            "mi perro se tragó una pieza del juguete",
            "anak saya tertelan koin",
            "she's having an allergic reaction to the meal",
            "lebensmittelvergiftung nach eurer lieferung",
            "levei um choque do carregador",
            "sale humo del cargador",
            "l'appartement est inondé depuis la réparation",
            "il corriere mi ha minacciato",
            "power is out and my mum is on oxygen",
            "locked out and my toddler is inside",
            "sitze am flughafen fest, flug gestrichen",
        ],
    );
    each_is(
        "taken over",
        &["no signal and my sim was moved to a new phone"],
    );
    each_is(
        "deadline",
        &[
            "the wedding is today and the rings never came",
            "mi vuelo sale en 3 horas y no tengo la reserva",
            "pesawat saya 2 jam lagi, booking hilang",
        ],
    );
    none_of(&[
        "the atm swallowed my card",
        "kartu atm saya ketelan mesin",
        "la fattura ha un iban sbagliato",
        "the ceiling lamp you sent is broken",
        "i'm stuck in the chat room of your app",
        "my wedding dress arrived with a stain",
        "the flight i booked for next month was charged twice",
        "i'm threatening to cancel if nobody answers",
        "the oxygen bleach you sold me leaked",
    ]);
}

#[test]
fn the_eighth_pass_emergencies_and_their_everyday_look_alikes() {
    each_is(
        "danger",
        &[
            "the driver keeps texting me, he knows where i live",
            "el repartidor me está siguiendo hasta mi casa, tengo miedo",
            "the insulin pump shows an error and stopped",
            "wir sind alle am kotzen seit dem essen",
        ],
    );
    each_is(
        "stolen or lost",
        &["the rental car was stolen from the hotel"],
    );
    each_is(
        "deadline",
        &["my train leaves at 15:10 and the ticket is gone"],
    );
    none_of(&[
        "i'm afraid the item arrived damaged",
        "the shop where i live never gets deliveries",
        "my flight was delayed 40 minutes, i want compensation",
        "le traitement de ma commande prend trop de temps aujourd'hui",
    ]);
}

/// The tenth pass (`emergency_exposed.rs`): each class, and what looks like it but waits.
#[test]
fn exposed_data_an_impostor_paid_a_phishing_link_and_the_breath_are_emergencies() {
    each_is(
        "data exposed",
        &[
            "en la web me salen los datos de otro cliente, con su DNI",
            "je vois le numéro de tel d'une autre cliente",
            "vedo il codice fiscale di un'altra persona",
            "nama, alamat sama no KTP orang lain, data pelanggan bocor nih",
        ],
    );
    each_is(
        "scammed",
        &[
            "I sent $1,200 on zelle to a scammer pretending to be you",
            "saya barusan transfer 2,5jt ke orang yg ngaku CS kalian",
            "I clicked a link about a KYC update and entered my OTP, now there are transactions on my account",
        ],
    );
    each_is(
        "danger",
        &[
            "ma fille allergique a du mal à respirer",
            "Ma mère a 89 ans et n'a plus de chauffage",
        ],
    );
    none_of(&[
        // An address alone is not a leak; a payment is not to an impostor; a link is not a loss.
        "my parcel went to someone else's address",
        "I sent the photos to your agent yesterday",
        "kak ada yg ngaku CS minta transfer biaya admin, itu asli ga? saya belum transfer",
        "I clicked the link in your email but the page is blank",
        // Not old enough, or no heating missing.
        "my mum's 54 and has no heating",
        "my dad is 84 and loves the heater you sold us",
        // The review of the pass (`triage-probe-review-tenth-2.tsv`): a link that failed, asking
        // whether it may be done, a thing's age, what must not happen, nothing paid.
        "I clicked the link in your email to verify my account but it says the link expired",
        "Can I put someone else's phone number on the delivery so the courier can call them",
        "No heating since Monday in the flat, the boiler is 80 years old probably",
        "My son has a nut allergy, is your granola made with nuts, I don't want him struggling to breathe",
        "Is this a fake support number, they sent me a message about my order",
    ]);
}
