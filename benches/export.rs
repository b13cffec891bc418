//! Export benchmark: a table of 10,000 rows × 15 columns (names, codici fiscali, dates, addresses,
//! amounts, notes; `SPORTELLO_BENCH_EXPORT_ROWS` changes the rows) written as xlsx, csv and pdf.
//! Prints the median wall time of 5 runs per format and the file size. The files are written to a
//! temporary directory, or to `SPORTELLO_BENCH_EXPORT_DIR` to look at them afterwards.
//!
//! `cargo bench --bench export`

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sportello::export::{Cell, Format, Table, write};
use time::{Date, Duration as Days, Month};

const RUNS: usize = 5;

const COGNOMI: &[&str] = &[
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "De Luca",
    "D'Angelo",
    "Țăran",
    "Popescu",
    "Kowalski",
    "Иванова",
    "El Amrani",
    "Nguyen",
];
const NOMI: &[&str] = &[
    "Giuseppe",
    "Maria",
    "Giovanni",
    "Anna",
    "Niccolò",
    "Lucia",
    "Francesco",
    "Giulia",
    "Ștefan",
    "Łukasz",
    "Мария",
    "Fatima",
    "Ahmed",
    "Chiara",
    "Luca",
];
const COMUNI: &[&str] = &[
    "Roma",
    "Milano",
    "Napoli",
    "Torino",
    "Palermo",
    "Bologna",
    "Reggio nell'Emilia",
    "Bucarest (Romania)",
    "Casablanca (Marocco)",
    "San Giovanni in Persiceto",
];
const VIE: &[&str] = &[
    "Via Roma",
    "Via Garibaldi",
    "Corso Vittorio Emanuele II",
    "Piazza della Repubblica",
    "Via dei Mille",
    "Viale Europa",
];
const MOTIVI: &[&str] = &[
    "Richiesta di informazioni",
    "Inviato da altro servizio",
    "Convocato",
    "Accesso spontaneo",
];
const SERVIZI: &[&str] = &[
    "Contributo economico",
    "Assistenza domiciliare",
    "Pasti a domicilio",
    "Trasporto sociale",
    "Inserimento in struttura",
    "Segretariato sociale",
];
const NOTE: &[&str] = &[
    "",
    "Accompagnata dalla figlia.",
    "Richiede un nuovo colloquio entro fine mese; da verificare la situazione abitativa.",
    "Presentata documentazione ISEE aggiornata. In attesa della valutazione dell'assistente \
     sociale referente e della risposta dell'ufficio casa.",
];

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).expect("non-empty list")
}

fn codice_fiscale(rng: &mut StdRng) -> String {
    const L: &[u8] = b"ABCDEFGHLMNPRSTVZ";
    let letter = |rng: &mut StdRng| L[rng.gen_range(0..L.len())] as char;
    let mut s: String = (0..6).map(|_| letter(rng)).collect();
    s.push_str(&format!("{:02}", rng.gen_range(30..99)));
    s.push(letter(rng));
    s.push_str(&format!("{:02}", rng.gen_range(1..71)));
    s.push(letter(rng));
    s.push_str(&format!("{:03}", rng.gen_range(1..999)));
    s.push(letter(rng));
    s
}

fn table(rows: usize) -> Table {
    let mut rng = StdRng::seed_from_u64(2026);
    let epoch = Date::from_calendar_date(1930, Month::January, 1).expect("date");
    let year_start = Date::from_calendar_date(2026, Month::January, 1).expect("date");
    let columns = [
        "N.",
        "Cognome",
        "Nome",
        "Codice fiscale",
        "Sesso",
        "Data di nascita",
        "Luogo di nascita",
        "Indirizzo",
        "Comune di residenza",
        "Telefono",
        "Data di accesso",
        "Motivo di accesso",
        "Servizio richiesto",
        "Importo contributo",
        "Note",
    ];
    let rows = (0..rows)
        .map(|i| {
            let phone = format!(
                "+39 3{:02} {:07}",
                rng.gen_range(20..99),
                rng.gen_range(0..10_000_000)
            );
            let amount = if rng.gen_bool(0.4) {
                Cell::Money(rng.gen_range(5_000..250_000))
            } else {
                Cell::Empty
            };
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(pick(&mut rng, COGNOMI).into()),
                Cell::Text(pick(&mut rng, NOMI).into()),
                Cell::Text(codice_fiscale(&mut rng)),
                Cell::Text(if rng.gen_bool(0.5) { "F" } else { "M" }.into()),
                Cell::Date(epoch + Days::days(rng.gen_range(0..30_000))),
                Cell::Text(pick(&mut rng, COMUNI).into()),
                Cell::Text(format!("{} {}", pick(&mut rng, VIE), rng.gen_range(1..200))),
                Cell::Text(pick(&mut rng, COMUNI).into()),
                Cell::Text(phone),
                Cell::Date(year_start + Days::days(rng.gen_range(0..330))),
                Cell::Text(pick(&mut rng, MOTIVI).into()),
                Cell::Text(pick(&mut rng, SERVIZI).into()),
                amount,
                Cell::Text(pick(&mut rng, NOTE).into()),
            ]
        })
        .collect();
    Table {
        title: "Accessi allo sportello sociale — 2026".into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

fn main() {
    let n: usize = std::env::var("SPORTELLO_BENCH_EXPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = std::env::var_os("SPORTELLO_BENCH_EXPORT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let t = table(n);
    println!("tabella di {n} righe × {} colonne", t.columns.len());
    for format in [Format::Xlsx, Format::Csv, Format::Pdf] {
        let out = dir.join(format!("export.{format}"));
        let mut times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                write(&t, format, &out).expect("export");
                start.elapsed()
            })
            .collect();
        times.sort();
        let size = std::fs::metadata(&out).expect("exported file").len();
        println!(
            "{:>4}: mediana {:>8.1} ms su {RUNS} esecuzioni (min {:.1}, max {:.1}), file {:.2} MB",
            format.extension(),
            times[RUNS / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            times[RUNS - 1].as_secs_f64() * 1e3,
            size as f64 / 1e6
        );
    }
}
