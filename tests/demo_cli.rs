//! `sportello demo`: creates once, prints the accounts, never touches a real database.

mod common;

use common::{Env, code, text};

#[test]
fn demo_creates_once_and_lists_one_account_per_role() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["demo", "--persons", "300", "--no-tui"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("database dimostrativo creato") && stdout.contains("300 persone"),
        "{stdout}"
    );
    for user in [
        "sportello",
        "assistente_sociale",
        "amministrativo",
        "responsabile",
        "helpdesk",
        "admin",
    ] {
        assert!(
            stdout.lines().any(|l| l.trim_start().starts_with(user)),
            "{user} missing in {stdout}"
        );
    }
    assert!(stdout.contains("sportello-demo"));
    let demo_db = env.dir.path().join("data/sportello/demo.db");
    assert!(demo_db.exists());
    // Every screen of the cartella shows data: documents (their files beside the database) and
    // valutazioni too.
    {
        use sportello::store::prelude::*;
        let s = sportello::store::sqlite::SqliteStore::open(&demo_db).unwrap();
        let (mut documenti, mut valutazioni) = (Vec::new(), 0);
        for caso in 1..=40 {
            documenti.extend(s.documenti(caso).unwrap());
            valutazioni += s.valutazioni(caso).unwrap().len();
        }
        assert_eq!(documenti.len(), 8);
        assert!(documenti.iter().any(|d| d.privato));
        assert!(valutazioni > 0);
        // Cases in every iter state, a minor's SINBA assessment, cases shared with other units,
        // a colleague following a case, and the PUA's social worker's own cases.
        let db = rusqlite::Connection::open(&demo_db).unwrap();
        let one = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
        let stati = one("SELECT COUNT(*) FROM caso_stato s
             WHERE EXISTS (SELECT 1 FROM presa_in_carico c WHERE c.iter_stato = s.codice)");
        assert_eq!(stati, one("SELECT COUNT(*) FROM caso_stato"), "every state");
        assert_eq!(
            one("SELECT COUNT(*) FROM valutazione WHERE tipo = 'sinba'"),
            1
        );
        assert_eq!(one("SELECT COUNT(*) FROM caso_condivisione"), 2);
        assert_eq!(
            one("SELECT COUNT(*) FROM caso_condivisione WHERE nascondi_informazioni = 1"),
            1
        );
        assert!(one("SELECT COUNT(*) FROM caso_operatore WHERE responsabile = 0") > 0);
        assert_eq!(
            one("SELECT COUNT(*) FROM presa_in_carico WHERE created_by = 'as.pua'"),
            2
        );
        let files = env.dir.path().join("data/sportello/documenti");
        for d in &documenti {
            assert!(files.join(&d.file).is_file(), "{}", d.file);
        }
        // Three schede with a document, its file there too; richieste of every special service
        // with their sub-form filled.
        let allegati: Vec<String> = db
            .prepare("SELECT file FROM scheda_documento")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(allegati.len(), 3);
        for f in &allegati {
            assert!(f.starts_with("scheda-") && files.join(f).is_file(), "{f}");
        }
        for servizio in ["abitativa", "lavoro", "mediazione", "istruzione"] {
            let n = one(&format!(
                "SELECT COUNT(*) FROM scheda_richiesta WHERE servizio = '{servizio}' AND dettagli IS NOT NULL"
            ));
            assert!(n > 0, "{servizio}");
        }
        assert_eq!(
            one(
                "SELECT COUNT(*) FROM scheda_richiesta WHERE dettagli IS NOT NULL
                 AND servizio NOT IN ('abitativa', 'lavoro', 'mediazione', 'istruzione')"
            ),
            0
        );
        // The SIUSS flow sent earlier is archived in the data folder, as a real export keeps it.
        let archivio: String = db
            .query_row("SELECT archivio FROM siuss_flusso", [], |r| r.get(0))
            .unwrap();
        let gz = env.dir.path().join("data/sportello").join(&archivio);
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(std::fs::File::open(&gz).unwrap()),
            &mut xml,
        )
        .unwrap();
        assert!(
            xml.contains("<Flusso") && xml.contains("http://inps.it/Casellario"),
            "{gz:?}"
        );
    }
    let before = std::fs::metadata(&demo_db).unwrap().len();
    let out = env.cmd().args(["demo", "--no-tui"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("database dimostrativo esistente"));
    assert_eq!(std::fs::metadata(&demo_db).unwrap().len(), before);
    let out = env.run_on(&demo_db, &["check"], "");
    assert_eq!(
        (code(&out), text(&out.stdout).trim()),
        (0, "ok"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn demo_refuses_a_real_database() {
    let env = Env::new();
    env.init();
    let out = env.run(&["demo", "--no-tui"], "");
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("non dimostrativo"));
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::process::Stdio;
    let env = Env::new();
    let mut child = env
        .cmd()
        .args(["demo", "--persons", "20", "--no-tui"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader went away (`| head -0`)
    let out = child.wait_with_output().unwrap();
    // Like any Unix filter: success, or ended by SIGPIPE at the first line it could not write.
    use std::os::unix::process::ExitStatusExt;
    assert!(
        out.status.success() || out.status.signal() == Some(13),
        "{:?}: {}",
        out.status,
        text(&out.stderr)
    );
    // The database was made before the first line was printed.
    let demo_db = env.dir.path().join("data/sportello/demo.db");
    let check = env.run_on(&demo_db, &["check"], "");
    assert_eq!((code(&check), text(&check.stdout).trim()), (0, "ok"));
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
}

/// The number of rows of the first sheet of an xlsx file.
fn xlsx_rows(path: &std::path::Path) -> usize {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    sheet.matches("<row ").count()
}

#[test]
fn the_demo_has_eighteen_months_of_schede_to_export() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["demo", "--no-tui", "--today", "2026-11-30"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("5000 persone") && stdout.contains("fino al 30/11/2026"),
        "{stdout}"
    );
    for user in ["sportello.pua", "sportello.corciano", "as.corciano"] {
        assert!(stdout.contains(user), "{user} missing in {stdout}");
    }
    let demo_db = env.dir.path().join("data/sportello/demo.db");
    let xlsx = env.dir.path().join("schede.xlsx");
    let out = env.run_on(
        &demo_db,
        &[
            "export",
            "schede",
            "--from",
            "2025-05-30",
            "--to",
            "2026-11-30",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let n: usize = text(&out.stderr)
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("{}", text(&out.stderr)));
    // About 600 per 1,000 persons from the history, plus the few of the walked-through demo cases.
    assert!((2900..=3050).contains(&n), "{n} schede esportate");
    assert_eq!(xlsx_rows(&xlsx), n + 1, "a header and one row per scheda");
    // The history ends on the creation date: nothing after it, something in its last week.
    let after = env.run_on(
        &demo_db,
        &[
            "export",
            "schede",
            "--from",
            "2026-12-01",
            "--to",
            "2027-12-31",
            "--format",
            "csv",
            "--out",
            env.dir.path().join("dopo.csv").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code(&after), 0, "{}", text(&after.stderr));
    assert!(
        text(&after.stderr).starts_with("0 schede"),
        "{}",
        text(&after.stderr)
    );
}
