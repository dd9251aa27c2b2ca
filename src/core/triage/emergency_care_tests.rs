//! The ninth pass's emergency classes (`emergency_words/care.rs`, `timed.rs`), each in every
//! shipped language, and the look-alike complaints that must stay non-urgent.

use super::tests::{each_is, find, none_of};

#[test]
fn an_allergic_reaction_told_by_its_swelling_is_danger() {
    each_is(
        "danger",
        &[
            "my daughter had the curry and her face is swelling",
            "se le hinchan los labios a mi hijo despues de comer el postre",
            "meu filho comeu o bolo e a boca ta inchando, inchou os labios",
            "ma fille a le visage qui gonfle apres le dessert",
            "dopo la torta le labbra di mio figlio si sono gonfiate, gonfia tutta la faccia",
            "abis makan kue bibir anak sy bengkak",
            "his throat is closing up after the takeaway",
        ],
    );
    none_of(&[
        "my face when i saw the bill lol",
        "the jar lid is swollen, is the jam still ok",
        "la cara del producto vino rayada",
    ]);
}

#[test]
fn a_baby_without_formula_is_an_emergency() {
    each_is(
        "medicine",
        &[
            "the baby formula never came and we ran out last night",
            "no nos queda nada de leche de formula y la bebe llora",
            "acabou o leite em po do meu filho e o pedido nao chegou",
            "susu formula anak udh habis, paket blm dtg",
        ],
    );
    none_of(&[
        "the baby formula arrived but it's the wrong brand",
        "the formula 1 tickets ran out before i could buy",
        "la leche de formula llego con la lata abollada",
    ]);
}

#[test]
fn an_old_or_lone_person_without_heating_or_power_is_danger() {
    each_is(
        "danger",
        &[
            "my grandpa has no heating since the repair and he lives alone",
            "mi abuelo lleva dos dias sin calefaccion",
            "mon grand-père est sans chauffage depuis lundi, il vit seul",
            "meine oma hat seit gestern keine heizung",
            "mio nonno e senza riscaldamento da ieri",
        ],
    );
    none_of(&[
        "no heating since yesterday, can you send someone this week",
        "sin luz desde ayer en mi departamento, cuando vuelve?",
        "my grandma's birthday present hasn't arrived",
        "der strom ist von allein wieder angegangen, keine heizung probleme mehr",
    ]);
}

#[test]
fn a_lift_stopped_with_someone_inside_is_danger() {
    each_is(
        "danger",
        &[
            "the lift stopped between floors with my neighbour inside",
            "el ascensor se quedo parado y mi hijo esta adentro",
            "o elevador parou com a minha avo la dentro",
            "l'ascenseur s'est arrêté, ma fille est dedans",
            "der aufzug ist stehen geblieben, mein vater ist noch drin",
            "l'ascensore si e fermato con mia madre dentro",
            "lift nya berhenti, ibu sy masih di dalem",
        ],
    );
    none_of(&[
        "the lift has been stopped for a week, when will it be fixed",
        "el ascensor esta parado desde el lunes",
    ]);
}

#[test]
fn a_car_broken_down_at_night_is_danger() {
    each_is(
        "danger",
        &[
            "the car you rented me broke down at night in the middle of nowhere",
            "el coche se averio de noche y estoy solo",
            "o carro avariou de madrugada, estou sozinho",
            "la voiture est tombée en panne en pleine nuit",
            "der mietwagen ist nachts liegen geblieben",
            "mobil mogok tengah malam di jalan sepi",
        ],
    );
    none_of(&[
        "my car broke down last week, can i get the rental refunded",
        "the car charger stopped working at night, can i swap it",
    ]);
}

#[test]
fn a_practice_whose_phone_line_is_cut_is_stopped() {
    each_is(
        "stopped",
        &["unsere leitung ist tot, die patienten erreichen uns nicht"],
    );
    none_of(&[
        "my patients love the new app, can i get a second licence",
        "the line at your store was so long today",
    ]);
}

#[test]
fn a_sim_gone_dead_while_someone_logs_in_elsewhere_is_taken_over() {
    each_is(
        "taken over",
        &[
            "no signal since noon and now a new login to my bank from another device",
            "estou sem sinal e recebi aviso de novo login no banco",
            "plus de reseau et une nouvelle connexion a ma banque depuis un autre appareil",
            "hp sy gak ada sinyal trs ada login baru di m-banking",
        ],
    );
    each_is("taken over", &["mein handy geht nicht, sim getauscht?"]);
    none_of(&[
        "no signal in my flat since the new tower, can you check",
        "can i use my account on another device",
    ]);
}

#[test]
fn an_exam_a_move_or_a_ceremony_within_hours_is_a_deadline() {
    each_is(
        "deadline",
        &[
            "my exam starts in 45 mins and the platform won't load",
            "mi examen empieza en 2 horas y no puedo entrar",
            "mon examen commence dans 30 min et le site bloque",
            "meine prüfung beginnt in 1 stunde und ich komme nicht rein",
            "ujian sy mulai 30 menit lagi tp gak bisa login",
            "moving out today and the van hasn't come",
            "mi vuelo sale en 5 horas y no tengo el billete",
            "il traghetto parte tra 2 ore e la prenotazione non c'è",
        ],
    );
    none_of(&[
        "need to change my flight to rome next month",
        "moving out tomorrow, please cancel my internet",
        "the wedding is on saturday at 3, can you deliver the cake on friday",
        "my exam results are not showing",
        "the parcel arrived in 3 days instead of 2",
    ]);
}

#[test]
fn the_ninth_pass_phrases_are_emergencies() {
    each_is(
        "danger",
        &[
            "the brakes failed on the scooter i rented",
            "alguien esta forzando la puerta, la alarma que instalaron no suena",
            "estao arrombando a porta e o alarme nao toca",
            "il y a un cambrioleur chez moi et l'alarme marche pas",
            "ein einbrecher ist im haus, die alarmanlage geht nicht",
            "ada maling masuk rumah, alarm gak bunyi",
            "pipe burst in the kitchen and it's everywhere",
            "se revento la tuberia y sale agua a chorros",
            "le coursier sait que je suis seule et il attend en bas",
            "il m'a suivie jusqu'à chez moi, j'ai peur",
        ],
    );
    each_is(
        "stopped",
        &[
            "site down during our sale, we are losing orders",
            "estamos perdiendo ventas, la tienda online no carga",
            "a loja virtual caiu, estamos perdendo vendas",
            "on perd des ventes depuis une heure, le site est down",
            "wir verlieren umsatz, der shop ist offline",
            "stiamo perdendo ordini, il sito è giù",
            "none of our staff can log in this morning",
        ],
    );
    each_is(
        "scammed",
        &["someone posing as the bank called, i gave them the otp and my money is gone"],
    );
    assert!(find("fanno acquisti con la mia carta, bloccatela").is_some());
    assert!(find("accesso al mio conto dalla francia, non sono stato io").is_some());
    none_of(&[
        "j'ai peur que mon colis soit perdu",
        "j'ai peur de rater la livraison",
        "the plate broke in half",
        "we lost some sales last month because of the outage, can we get a credit",
    ]);
}

/// The brief's look-alikes: ordinary complaints that name a danger's word.
#[test]
fn look_alikes_of_the_ninth_pass_stay_ordinary() {
    none_of(&[
        "ordered a smoke detector in white and got the wrong colour",
        "the gas bill is way too high this quarter",
        "i need to change my flight next month",
        "still waiting on my refund, this delay is killing me lol",
        "my kid broke the tablet screen, is it covered",
        "el detector de humo llego en otro color",
        "a conta de gas veio alta demais",
        "ce retard me tue mdr",
        "diese verzögerung bringt mich um haha",
        "mio figlio ha rotto lo schermo del tablet",
        "tagihan gas bulan ini mahal bgt",
    ]);
}

/// The review of the ninth pass (`triage-probe-review-emergencies.tsv`): ordinary complaints
/// that look like its classes stay ordinary. A time of day with a past call, a price or a
/// duration; a refund or a cancellation "within 2 hours"; a swollen battery; a lift beside a
/// courier; a car charger broken at night; a phone line beside patients; a SIM and another
/// device; formula out of stock; a contest; "en train de"; a move or an exam without a missing
/// mover or a first person; an insurance claim for a burst pipe.
#[test]
fn the_review_look_alikes_stay_ordinary() {
    none_of(&[
        "The wedding invitations I ordered arrived with a typo in the names. I called at 10am and nobody answered, please reprint them",
        "The wedding cake topper was listed at 15 dollars but I got charged 25",
        "Bought the wedding album printing package, what time does your shop close? Is it at 6?",
        "I booked a flight and cancelled it within 2 hours, why was I charged a cancellation fee?",
        "Train ticket refund was supposed to arrive in 5 minutes according to the app, it's been a week",
        "Je suis en train de faire ma commande, le code promo expire dans 2 heures",
        "the exam results were published today but my grade is missing",
        "o concurso e hoje e o boleto da inscricao nao compensou",
        "we are moving out today, please cancel the internet from tomorrow",
        "the insurance needs the invoice for the burst pipe repair",
        "the app shows no signal on another device",
        "baby formula is out of stock again, when is the restock?",
        "mi abuela vive sola y la factura sin luz llego doble",
    ]);
}
