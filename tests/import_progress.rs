//! `import anagrafe` on a terminal shows a progress bar (rows per second, time left) on stderr; the
//! tests of `tests/import.rs` run it with stderr on a pipe, where nothing but text is written.

mod common;

use common::Env;
use common::pty::Pty;
use sportello::domain::cf::{self, Sesso};

const HEADER: &str = "CODICE_FISCALE;COGNOME;NOME;SESSO;DATA_NASCITA;LUOGO_NASCITA";

#[test]
fn on_a_terminal_the_import_shows_rows_per_second_and_the_time_left() {
    let env = Env::new();
    env.init();
    let mut csv = format!("{HEADER}\n");
    let names = ["Rossi", "Bianchi", "Verdi", "Russo", "Ferrari", "Esposito"];
    for i in 0..3000u32 {
        let cognome = names[i as usize % names.len()];
        let consonants = b"BCDFGLMNPRSTVZ";
        let nome = format!(
            "Nome{}",
            char::from(consonants[i as usize % consonants.len()])
        );
        let (y, m, d) = (
            1940 + (i % 60) as i32,
            1 + (i / 60 % 12) as u8,
            1 + (i / 720 % 28) as u8,
        );
        let code = cf::compute(cognome, &nome, Sesso::M, y, m, d, "G478");
        csv.push_str(&format!(
            "{code};{cognome};{nome};M;{d:02}/{m:02}/{y};G478\n"
        ));
    }
    let file = env.dir.path().join("anagrafe.csv");
    std::fs::write(&file, csv).unwrap();
    let mut cmd = env.cmd();
    // A terminal that says what it is (without TERM the bar library takes it as «dumb»).
    cmd.env("TERM", "xterm")
        .arg("--db")
        .arg(env.db())
        .args(["import", "anagrafe"])
        .arg(&file)
        .args(["--batch-rows", "100"]);
    let pty = Pty::spawn(cmd);
    assert!(
        pty.wait_for("inseriti", 60.0),
        "the import did not end:\n{}",
        pty.screen_text()
    );
    let out = pty.screen_text();
    assert!(out.contains("righe/s"), "no progress bar:\n{out}");
    assert!(out.contains("mancano circa"), "{out}");
    assert!(out.contains('%'), "{out}");
}
