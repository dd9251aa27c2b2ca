//! whatlang's accuracy on the gateway's labelled sets, restricted to the seven shipped languages:
//! "right" and "wrong" count only what whatlang calls reliable (the rest is unsure, as the
//! gateway's own detector reports it); "top guess" counts its best guess whatever its confidence.
use whatlang::{Detector, Lang};

fn code(l: Lang) -> &'static str {
    match l {
        Lang::Eng => "en", Lang::Spa => "es", Lang::Por => "pt", Lang::Fra => "fr",
        Lang::Deu => "de", Lang::Ita => "it", Lang::Ind => "id", _ => "??",
    }
}

fn main() {
    let d = Detector::with_allowlist(vec![Lang::Eng, Lang::Spa, Lang::Por, Lang::Fra, Lang::Deu, Lang::Ita, Lang::Ind]);
    for set in ["languages.tsv", "languages-heldout.tsv", "languages-independent.tsv"] {
        let text = std::fs::read_to_string(format!("{}/../../tests/data/{set}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let mut total = (0, 0, 0, 0, 0);
        println!("{set}: lang n right(reliable) wrong(reliable) unsure right(top guess)");
        for lang in ["en", "es", "pt", "fr", "de", "it", "id"] {
            let (mut n, mut right, mut wrong, mut unsure, mut any) = (0, 0, 0, 0, 0);
            for (c, msg) in text.lines().filter_map(|l| l.split_once('\t')) {
                if c != lang { continue; }
                n += 1;
                match d.detect(msg) {
                    Some(info) => {
                        let ok = code(info.lang()) == c;
                        if ok { any += 1; }
                        if !info.is_reliable() { unsure += 1 } else if ok { right += 1 } else { wrong += 1 }
                    }
                    None => unsure += 1,
                }
            }
            println!("  {lang} {n} {right} ({:.1}%) {wrong} {unsure} {any} ({:.1}%)", 100.0 * right as f64 / n as f64, 100.0 * any as f64 / n as f64);
            total.0 += n; total.1 += right; total.2 += wrong; total.3 += unsure; total.4 += any;
        }
        println!("  all {} {} ({:.1}%) {} {} {} ({:.1}%)", total.0, total.1, 100.0 * total.1 as f64 / total.0 as f64, total.2, total.3, total.4, 100.0 * total.4 as f64 / total.0 as f64);
    }
}
