//! The eleventh pass's classes (`emergency_pressing.rs`), each in several shipped languages,
//! and their look-alikes (the same words in a complaint, a question, a hypothetical or an event
//! already sorted), which stay non-urgent.

use super::tests::{each_is, none_of};

#[test]
fn a_document_a_courier_still_holds_on_the_day_is_a_deadline() {
    each_is(
        "deadline",
        &[
            "my visa appointment is at 11 and your courier still has my passport",
            "tengo la cita en la embajada hoy a las 10 y el mensajero todavia tiene mi pasaporte",
            "minha entrevista no consulado e hoje e a transportadora ainda esta com meu passaporte",
            "j'ai mon rdv en prefecture a 14h et votre livreur a toujours mon passeport",
            "mein Termin bei der Ausländerbehörde ist heute um 10 uhr und der Bote hat noch meinen Pass",
            "ho l'appuntamento in questura alle 11 e il corriere ha ancora il mio passaporto",
            "jadwal wawancara di kedutaan hari ini jam 10 tapi paspor saya masih di kurir",
        ],
    );
    none_of(&[
        // A later day, a question, a hypothetical, already sorted, no appointment.
        "my visa appointment is next monday at 11 and your courier still has my passport",
        "can I get my passport back before my appointment at 11? the courier still has it",
        "what if the courier still has my passport at my appointment today?",
        "the courier still has my passport but it's sorted now, appointment today went fine",
        "your courier still has my passport cover I ordered, where is it?",
        "il corriere ha ancora il mio passaporto, l'appuntamento era ieri alle 11",
    ]);
}

#[test]
fn money_sent_to_the_wrong_number_before_it_is_withdrawn_is_urgent() {
    each_is(
        "wrong recipient",
        &[
            "I sent 5000 to the wrong number on mpesa, please stop it before he withdraws",
            "transferi 200 mil a un numero equivocado, ayuda antes de que lo retire",
            "fiz um pix para a chave errada, bloqueiem antes que ele saque",
            "j'ai fait un virement au mauvais numero sur wave, bloquez avant qu'il retire",
            "habe 300 euro an die falsche nummer uberwiesen, bitte stoppen bevor er es abhebt",
            "ho fatto un bonifico su un iban sbagliato, bloccatelo prima che li prelevi",
            "saya transfer 2 juta ke rekening yang salah, tolong tahan sebelum ditarik",
        ],
    );
    none_of(&[
        // No money, no race with the withdrawal (`triage-probe-emergencies-2.tsv` and
        // `triage-probe-review-warm.tsv` keep these tickets), a question, a hypothetical, sorted.
        "I just sent a message to the wrong number, sorry",
        "saya salah transfer 5 juta ke rekening lain barusan, bisa dibatalin?",
        "hab grad 2000 euro auf das falsche konto überwiesen, könnt ihr das stoppen",
        "heute früh hab ich aus Versehen Geld an die falsche Person überwiesen, würde das gern zurückholen",
        "can I stop a transfer to the wrong number before he withdraws it?",
        "what if I send money to the wrong number and he withdraws it before you stop it?",
        "last month I transferred to the wrong account before he withdraws, it was resolved",
    ]);
}

#[test]
fn a_child_car_seat_come_loose_with_the_child_is_danger() {
    each_is(
        "danger",
        &[
            "the car seat came loose from the base on the motorway with my baby in it",
            "la silla de auto se solto con mi hija dentro",
            "a cadeirinha se soltou com meu filho dentro",
            "le siege auto s'est decroche de sa base avec mon bebe dedans",
            "der Kindersitz hat sich gelöst, mein Sohn saß drin",
            "il seggiolino si è sganciato con il bambino sopra",
            "car seat bayi lepas dari dudukannya pas anak saya di dalam",
        ],
    );
    none_of(&[
        // No child, a question, a hypothetical, the strap of an unused seat.
        "the car seat came loose in the box, the base is scratched",
        "can I return the car seat? the cover came loose",
        "what if the car seat came loose with my baby in it?",
        "la funda del seggiolino se ha roto, quiero cambiarla",
    ]);
}

#[test]
fn surgery_within_a_day_without_authorisation_is_urgent() {
    each_is(
        "medicine",
        &[
            "my surgery is tomorrow at 8 and the insurer still hasn't sent the authorisation",
            "me operan manana a las 7 y el seguro no ha mandado la autorizacion",
            "minha cirurgia e amanha e o plano ainda nao liberou a guia de autorizacao",
            "mon operation est demain et la mutuelle n'a pas envoye l'accord de prise en charge",
            "meine OP ist morgen und die Kostenübernahme ist noch nicht da",
            "domani ho l'intervento e l'assicurazione non ha mandato l'autorizzazione",
            "besok saya operasi tapi surat jaminan asuransi belum keluar",
        ],
    );
    none_of(&[
        // A later day, a question, done, the authorisation come.
        "my surgery is next month, has the authorisation been sent?",
        "can I get authorisation for surgery tomorrow without a referral?",
        "surgery tomorrow, the authorisation came through, thanks!",
        "la cirugia fue ayer y el seguro no ha pagado la autorizacion",
    ]);
}

#[test]
fn someone_rushed_to_hospital_by_a_product_is_danger() {
    each_is(
        "danger",
        &[
            "my 2yo swallowed a magnet from the set, we're on the way to the ER",
            "mi hijo se trago una pila, vamos a urgencias",
            "minha mae queimou o braco com a panela, ela ta no hospital",
            "ma fille a bu du produit, on est en route pour les urgences",
            "mein Sohn hat das Reinigungsmittel getrunken, wir sind in der Notaufnahme",
            "mio figlio ha ingerito una batteria, siamo al pronto soccorso",
            "adik saya minum cairan pembersih, lagi dibawa ke IGD",
        ],
    );
    none_of(&[
        // In hospital for something else, a past visit, a question.
        "my mum is in the hospital, can I pause my subscription?",
        "two weeks ago my mum burned her hand and was in the ER, I want a discount",
        "minha mae ta no hospital, posso mudar o endereco de entrega?",
    ]);
}

#[test]
fn a_personal_alarm_without_its_line_is_danger() {
    each_is(
        "danger",
        &[
            "my dad's medical alarm runs on your line and he has no phone since this morning",
            "mi madre tiene teleasistencia y esta sin telefono desde ayer",
            "meu pai usa teleassistencia e esta sem telefone",
            "ma grand-mère a la téléassistance et elle est sans telephone",
            "Vater ist seit gestern ohne Telefon, sein Hausnotruf läuft über euren Anschluss",
            "mia nonna ha il telesoccorso ed e senza telefono da ieri",
            "ayah saya pakai tombol darurat dan telepon mati sejak kemarin",
        ],
    );
    none_of(&[
        // A question, sorted, no line down.
        "can I connect my medical alarm to your router?",
        "der Hausnotruf war ohne Telefon, geht wieder, danke",
        "how much does the teleassistance add-on cost?",
    ]);
}

#[test]
fn vaccines_without_power_and_a_filing_due_tonight_are_urgent() {
    each_is(
        "medicine",
        &[
            "power cut at the clinic, the vaccine fridge is off",
            "se fue la luz en el centro medico y las vacunas sin energia",
            "faltou luz no posto e as vacinas estao sem energia",
            "coupure de courant au cabinet, les vaccins vont se perdre",
            "Stromausfall in der Praxis, die Impfstoffe werden warm",
            "manca la corrente in ambulatorio, i vaccini si scaldano",
            "listrik padam di klinik, vaksin bisa rusak",
        ],
    );
    each_is(
        "deadline",
        &[
            "the court filing is due before midnight and your e-signature platform is down",
            "hoy vence la beca y la plataforma da error",
            "tenho que protocolar a peticao ate 23h59 de hoje e o certificado da erro",
            "on doit deposer les conclusions avant minuit et la plateforme plante",
            "die Steuererklärung muss bis Mitternacht raus und Elster meldet einen Fehler",
            "stasera scade il bando e lo SPID non mi fa entrare",
            "hari ini batas bayar UKT tapi transfer pending",
        ],
    );
    none_of(&[
        // A later day, a past one, a question, sorted, a shop's fridge.
        "the power cut last week spoiled the vaccines, I want compensation",
        "my tax return deadline is next month and the app shows an error",
        "can I file my tax return today? the app shows an error",
        "the scholarship portal had an error today but it's fixed now",
        "power cut in the shop, the ice cream is melting",
    ]);
}

#[test]
fn a_booking_gone_at_the_counter_is_a_deadline() {
    each_is(
        "deadline",
        &[
            "I'm at the check-in counter and my ticket shows cancelled",
            "estoy en recepcion y el hotel dice que no existe nuestra reserva",
            "to no balcao do check-in e minha passagem aparece cancelada",
            "je suis a l'accueil de l'hotel et ma reservation n'existe pas",
            "ich stehe an der Rezeption und die Buchung existiert nicht",
            "sono alla reception e la prenotazione risulta annullata",
            "saya di resepsionis hotel dan reservasi saya dibatalkan",
        ],
    );
    none_of(&[
        // Told afterwards, a question, a later day.
        "yesterday at reception they said my booking was cancelled, I want a refund",
        "can I cancel my booking at the reception desk?",
        "my booking for next friday shows cancelled, why?",
    ]);
}

#[test]
fn not_me_closing_a_message_about_a_card_disowns_it() {
    each_is(
        "disowned",
        &[
            "I'm in London and I get alerts of withdrawals in Naples with my card. That's not me!!",
            "me llegan cargos de mi tarjeta en otra ciudad, no soy yo",
            "sono a Londra e arrivano prelievi con la mia carta. Non sono io!!",
        ],
    );
    none_of(&[
        // The account holder named, not a charge disowned (`triage-probe-review-emergencies`).
        "non sono io il titolare del conto, scrivo per mio padre, vorrei cambiare la password",
        "nao sou eu o titular da conta, e minha mae, como atualizo o cartao?",
        "no soy yo el titular de la cuenta, es mi papa",
    ]);
}
