//! Import benchmark on the real (release) binary: a generated registry export of N rows (default
//! 1,000,000; `SPORTELLO_BENCH_IMPORT_ROWS`) imported into a fresh database (all inserted), again
//! (all unchanged), then a copy with 1% of the addresses changed (updates with history).
//! Prints rows/s, CPU time and the peak RSS of the importing process (`ru_utime`, `ru_stime`,
//! `ru_maxrss` from `wait4`). `SPORTELLO_BENCH_BATCH_ROWS` overrides the rows per transaction.
//!
//! `cargo bench --bench import`

mod common;

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sportello::domain::cf::{self, Sesso};

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
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Ferri",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
    "Messina",
    "Sala",
    "De Angelis",
    "Gatti",
    "Pellegrini",
    "Palumbo",
    "Sanna",
    "Farina",
    "Rizzi",
    "Monti",
];
const NOMI_M: &[&str] = &[
    "Marco",
    "Luca",
    "Giuseppe",
    "Francesco",
    "Antonio",
    "Alessandro",
    "Andrea",
    "Giovanni",
    "Roberto",
    "Stefano",
    "Niccolò",
    "Matteo",
    "Lorenzo",
    "Paolo",
    "Davide",
    "Simone",
    "Federico",
    "Riccardo",
    "Gabriele",
    "Tommaso",
];
const NOMI_F: &[&str] = &[
    "Maria",
    "Anna",
    "Giulia",
    "Francesca",
    "Chiara",
    "Sara",
    "Laura",
    "Valentina",
    "Alessia",
    "Elena",
    "Martina",
    "Paola",
    "Silvia",
    "Federica",
    "Roberta",
    "Giorgia",
    "Aurora",
    "Sofia",
    "Beatrice",
    "Noemi",
];
/// Birthplaces that existed all through 1930-2024: codes and, for a few, names.
const LUOGHI: &[(&str, &str)] = &[
    ("G478", "G478"),
    ("G478", "Perugia"),
    ("C990", "C990"),
    ("L188", "Todi"),
    ("H501", "Roma"),
    ("F205", "F205"),
    ("F839", "Napoli"),
    ("Z129", "Romania"),
    ("Z100", "Z100"),
    ("Z330", "Marocco"),
];
const RESIDENZE: &[(&str, &str)] = &[
    ("Perugia", "06121"),
    ("Corciano", "06073"),
    ("Todi", "06059"),
];
const VIE: &[&str] = &[
    "Via Roma",
    "Corso Vannucci",
    "Via XX Settembre",
    "Via Garibaldi",
    "Via Mazzini",
    "Via dei Priori",
    "Via Settevalli",
    "Strada Tiberina",
];
const STATI_CIVILI: &[&str] = &["celibe/nubile", "coniugato/a", "vedovo/a", "divorziato/a"];

use common::sportello;

/// Writes `rows` persons with distinct, valid codici fiscali; returns the file size.
fn generate(path: &Path, rows: usize) -> u64 {
    let mut rng = StdRng::seed_from_u64(20240611);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "CODICE_FISCALE;COGNOME;NOME;SESSO;DATA_NASCITA;LUOGO_NASCITA;INDIRIZZO;CIVICO;CAP;COMUNE_RESIDENZA;CITTADINANZA;STATO_CIVILE;DATA_DECESSO;ID_ANAGRAFE"
    )
    .unwrap();
    let mut seen: HashSet<String> = HashSet::with_capacity(rows);
    let mut id = 0usize;
    while id < rows {
        let sesso = if rng.gen_bool(0.5) {
            Sesso::M
        } else {
            Sesso::F
        };
        let nome = *if sesso == Sesso::M { NOMI_M } else { NOMI_F }
            .choose(&mut rng)
            .unwrap();
        let cognome = *COGNOMI.choose(&mut rng).unwrap();
        let (y, m, d) = (
            rng.gen_range(1930..=2024),
            rng.gen_range(1..=12u8),
            rng.gen_range(1..=28u8),
        );
        let (code, luogo) = *LUOGHI.choose(&mut rng).unwrap();
        let cf = cf::compute(cognome, nome, sesso, y, m, d, code);
        if !seen.insert(cf.clone()) {
            continue;
        }
        id += 1;
        let (comune, cap) = *RESIDENZE.choose(&mut rng).unwrap();
        let cittadinanza = if code.starts_with('Z') && code != "Z100" {
            luogo
        } else {
            "ITALIANA"
        };
        let decesso = if y < 1940 && rng.gen_bool(0.2) {
            format!("{:02}/{:02}/{}", d, m, y + 80)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{cf};{cognome};{nome};{};{d:02}/{m:02}/{y};{luogo};{};{};{cap};{comune};{cittadinanza};{};{decesso};A{id}",
            sesso.as_char(),
            VIE.choose(&mut rng).unwrap(),
            rng.gen_range(1..200),
            STATI_CIVILI.choose(&mut rng).unwrap(),
        )
        .unwrap();
    }
    out.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

/// A copy of `src` with the address of every 100th person changed.
fn modify(src: &Path, dst: &Path) -> usize {
    let text = std::fs::read_to_string(src).unwrap();
    let mut out = BufWriter::new(std::fs::File::create(dst).unwrap());
    let mut changed = 0;
    for (i, line) in text.lines().enumerate() {
        if i > 0 && i % 100 == 0 {
            let mut f: Vec<&str> = line.split(';').collect();
            f[6] = "Via Nuova";
            writeln!(out, "{}", f.join(";")).unwrap();
            changed += 1;
        } else {
            writeln!(out, "{line}").unwrap();
        }
    }
    out.flush().unwrap();
    changed
}

/// What one run of the importing process cost.
struct Run {
    secs: f64,
    /// User + system CPU seconds.
    cpu: f64,
    rss_mib: f64,
    stdout: String,
}

/// Runs the import (`SPORTELLO_BENCH_BATCH_ROWS` sets `--batch-rows`, otherwise the default).
fn import(dir: &Path, db: &Path, file: &Path, report: &Path) -> Run {
    let batch: Vec<String> = std::env::var("SPORTELLO_BENCH_BATCH_ROWS")
        .map(|b| vec!["--batch-rows".to_string(), b])
        .unwrap_or_default();
    let t = Instant::now();
    // Reaped below with wait4 (for its rusage) instead of Child::wait.
    #[allow(clippy::zombie_processes)]
    let mut child = sportello(dir)
        .arg("--db")
        .arg(db)
        .args(["import", "anagrafe"])
        .arg(file)
        .args(["--ente", "G478"])
        .args(&batch)
        .arg("--report")
        .arg(report)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn import");
    // Read stdout to its end first (the child exits after closing it): no pipe can fill up.
    let mut stdout = String::new();
    if let Some(mut s) = child.stdout.take() {
        use std::io::Read;
        s.read_to_string(&mut stdout).unwrap();
    }
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet reaped; status and usage are valid for writes.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(r, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "import failed: {stdout}"
    );
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Run {
        secs,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        // Linux: ru_maxrss is in KiB.
        rss_mib: usage.ru_maxrss as f64 / 1024.0,
        stdout,
    }
}

fn show(what: &str, rows: usize, r: &Run) {
    println!(
        "{what}: {:.1} s ({:.1} s di CPU), {:.0} righe/s, RSS massimo {:.0} MiB — {}",
        r.secs,
        r.cpu,
        rows as f64 / r.secs,
        r.rss_mib,
        summary(&r.stdout)
    );
}

fn summary(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|l| l.starts_with("inseriti "))
        .unwrap_or("")
}

fn main() {
    let rows: usize = std::env::var("SPORTELLO_BENCH_IMPORT_ROWS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let csv: PathBuf = dir.path().join("anagrafe.csv");
    let t = Instant::now();
    let size = generate(&csv, rows);
    println!(
        "generato {rows} righe, {:.1} MB in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let db = dir.path().join("import.db");
    let mut init = sportello(dir.path())
        .arg("--db")
        .arg(&db)
        .args([
            "init",
            "--ente",
            "Comune di Perugia",
            "--belfiore",
            "G478",
            "--admin",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("init");
    init.stdin
        .take()
        .unwrap()
        .write_all(b"una-password-per-il-bench\n")
        .unwrap();
    assert!(init.wait().unwrap().success());
    let report = dir.path().join("report.csv");

    let first = import(dir.path(), &db, &csv, &report);
    show("1a importazione (database vuoto)", rows, &first);
    assert_eq!(
        summary(&first.stdout),
        format!("inseriti {rows}, aggiornati 0, invariati 0, scartati 0")
    );
    let again = import(dir.path(), &db, &csv, &report);
    show("2a importazione (stesso file)", rows, &again);
    assert_eq!(
        summary(&again.stdout),
        format!("inseriti 0, aggiornati 0, invariati {rows}, scartati 0")
    );
    let modified = dir.path().join("anagrafe-1pc.csv");
    let changed = modify(&csv, &modified);
    let third = import(dir.path(), &db, &modified, &report);
    show(
        &format!("3a importazione ({changed} indirizzi cambiati)"),
        rows,
        &third,
    );
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("database: {:.1} MB", size as f64 / 1e6);
}
