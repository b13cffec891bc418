//! `sportello import anagrafe`: the real binary on temporary databases, one test per bad input of
//! the "Anagrafe" issue, plus idempotence, history and dry run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Env, code, text};
use sportello::domain::cf::{self, Sesso};

const HEADER: &str = "CODICE_FISCALE;COGNOME;NOME;SESSO;DATA_NASCITA;LUOGO_NASCITA;INDIRIZZO;CIVICO;CAP;COMUNE_RESIDENZA;CITTADINANZA;STATO_CIVILE;DATA_DECESSO;ID_ANAGRAFE";

fn cf_of(cognome: &str, nome: &str, sesso: Sesso, date: (i32, u8, u8), luogo: &str) -> String {
    cf::compute(cognome, nome, sesso, date.0, date.1, date.2, luogo)
}

fn rossi() -> String {
    cf_of("Rossi", "Mario", Sesso::M, (1980, 1, 1), "H501")
}

fn bianchi() -> String {
    cf_of("Bianchi", "Anna", Sesso::F, (1975, 12, 31), "G478")
}

fn verdi() -> String {
    cf_of("Verdi", "Luca", Sesso::M, (2001, 6, 15), "Z129")
}

/// A good row with the standard header.
fn good_rows() -> String {
    format!(
        "{};Rossi;Mario;M;01/01/1980;Roma;Via Roma;1;06121;Perugia;ITALIANA;celibe;;A1\n\
         {};Bianchi;Anna;F;1975-12-31;G478;Corso Vannucci;10;06121;G478;;coniugata;;A2\n\
         {};Verdi;Luca;M;15/06/2001;Romania;Via Pievaiola;3;06132;Perugia;Romania;;;A3\n",
        rossi(),
        bianchi(),
        verdi()
    )
}

fn setup() -> Env {
    let env = Env::new();
    env.init();
    env
}

fn write(env: &Env, name: &str, bytes: &[u8]) -> PathBuf {
    let p = env.dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn import(env: &Env, file: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["import", "anagrafe", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.run(&args, "")
}

fn db(env: &Env) -> rusqlite::Connection {
    rusqlite::Connection::open(env.db()).unwrap()
}

fn one<T: rusqlite::types::FromSql>(env: &Env, sql: &str) -> T {
    db(env).query_row(sql, [], |r| r.get(0)).unwrap()
}

fn field(env: &Env, cf: &str, col: &str) -> Option<String> {
    db(env)
        .query_row(
            &format!("SELECT {col} FROM soggetto WHERE codice_fiscale = ?1"),
            [cf],
            |r| r.get(0),
        )
        .unwrap()
}

fn summary(out: &Output) -> String {
    text(&out.stdout)
        .lines()
        .find(|l| l.starts_with("inseriti "))
        .unwrap_or_default()
        .to_string()
}

/// The report as text, BOM checked and removed.
fn report(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "report without BOM");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

fn assert_no_escape(out: &Output) {
    for (name, s) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !s.contains(&0x1b) && !text(s).contains('\u{9b}'),
            "raw escape on {name}: {}",
            text(s)
        );
    }
}

#[test]
fn good_file_inserts_with_codes_resolved_and_ente() {
    let env = setup();
    let f = write(
        &env,
        "a.csv",
        format!("{HEADER}\n{}", good_rows()).as_bytes(),
    );
    let out = import(&env, &f, &["--ente", "G478"]);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(
        summary(&out),
        "inseriti 3, aggiornati 0, invariati 0, scartati 0"
    );
    let r = rossi();
    assert_eq!(field(&env, &r, "luogo_nascita").as_deref(), Some("H501"));
    assert_eq!(
        field(&env, &r, "data_nascita").as_deref(),
        Some("1980-01-01")
    );
    assert_eq!(field(&env, &r, "res_comune").as_deref(), Some("G478"));
    assert_eq!(field(&env, &r, "cittadinanza"), None);
    assert_eq!(field(&env, &r, "fonte").as_deref(), Some("anagrafe"));
    assert_eq!(field(&env, &r, "fonte_id").as_deref(), Some("A1"));
    assert_eq!(field(&env, &r, "cognome_key").as_deref(), Some("ROSSI"));
    assert_eq!(
        field(&env, &verdi(), "cittadinanza").as_deref(),
        Some("Z129")
    );
    assert_eq!(
        field(&env, &verdi(), "luogo_nascita").as_deref(),
        Some("Z129")
    );
    assert_eq!(field(&env, &bianchi(), "sesso").as_deref(), Some("F"));
    let ente: i64 = one(&env, "SELECT id FROM ente WHERE belfiore = 'G478'");
    assert_eq!(
        one::<i64>(
            &env,
            &format!("SELECT count(*) FROM soggetto WHERE ente_id = {ente}")
        ),
        3
    );
    assert_eq!(
        one::<String>(
            &env,
            "SELECT detail FROM audit_log WHERE action = 'importa_anagrafe'"
        ),
        "file=a.csv righe=3 inseriti=3 aggiornati=0 invariati=0 scartati=0 modifiche=0"
    );
    let out = env.run(&["check"], "");
    assert_eq!(text(&out.stdout).trim(), "ok");
}

#[test]
fn utf8_and_windows_1252_files_give_the_same_names() {
    let niccolo = cf_of("D'Angelo", "Niccolò", Sesso::M, (1990, 3, 4), "G478");
    let utf8 = format!("CF;COGNOME;NOME\n{niccolo};D'Angelo;Niccolò\n");
    // The same text in Windows-1252: ò is 0xF2.
    let mut w1252 = format!("CF;COGNOME;NOME\n{niccolo};D'Angelo;Niccol").into_bytes();
    w1252.extend([0xF2, b'\r', b'\n']);
    // Characters of 0x80..0x9F: € (0x80) and ’ (0x92).
    let euro = cf_of("Dell'Orto", "Zoe", Sesso::F, (1991, 5, 6), "G478");
    w1252.extend(format!("{euro};Dell").as_bytes());
    w1252.extend([0x92]);
    w1252.extend(b"Orto;Zo\xEB \x80\r\n");

    let a = setup();
    let out = import(&a, &write(&a, "utf8.csv", utf8.as_bytes()), &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("UTF-8"), "{}", text(&out.stdout));
    let b = setup();
    let out = import(&b, &write(&b, "w1252.csv", &w1252), &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Windows-1252"));
    for env in [&a, &b] {
        assert_eq!(field(env, &niccolo, "nome").as_deref(), Some("Niccolò"));
        assert_eq!(field(env, &niccolo, "cognome").as_deref(), Some("D'Angelo"));
        assert_eq!(field(env, &niccolo, "nome_key").as_deref(), Some("NICCOLO"));
    }
    assert_eq!(field(&b, &euro, "cognome").as_deref(), Some("Dell’Orto"));
    assert_eq!(field(&b, &euro, "nome").as_deref(), Some("Zoë €"));
}

#[test]
fn bom_and_both_delimiters_are_recognised() {
    for (name, bytes) in [
        (
            "bom-semicolon.csv",
            format!("\u{feff}{HEADER}\n{}", good_rows()),
        ),
        (
            "comma.csv",
            format!(
                "{}\n{}",
                HEADER.replace(';', ","),
                good_rows().replace(';', ",")
            ),
        ),
        (
            "bom-comma-crlf.csv",
            format!(
                "\u{feff}{}\r\n{}",
                HEADER.replace(';', ","),
                good_rows().replace(';', ",").replace('\n', "\r\n")
            ),
        ),
    ] {
        let env = setup();
        let out = import(&env, &write(&env, name, bytes.as_bytes()), &[]);
        assert_eq!(code(&out), 0, "{name}: {}", text(&out.stderr));
        assert_eq!(
            summary(&out),
            "inseriti 3, aggiornati 0, invariati 0, scartati 0",
            "{name}"
        );
        let sep = if name.contains("comma") {
            "«,»"
        } else {
            "«;»"
        };
        assert!(text(&out.stdout).contains(sep), "{name}");
        assert_eq!(field(&env, &rossi(), "cognome").as_deref(), Some("Rossi"));
    }
}

#[test]
fn quotes_doubled_quotes_and_embedded_newlines_keep_line_numbers() {
    let lf = format!(
        "CF,COGNOME,NOME,INDIRIZZO,NOTE\n\
         {},\"Rossi\",\"Mario\",\"Via \"\"Roma\"\"\n12\",\"nota, con virgola\"\n\
         {},Bianchi,,\"Corso\n\nVannucci\",\n\
         {},Verdi,Luca,\"Via, Pievaiola\",\"\"\n\
         ,,,,\n\
         {},,,,\n",
        rossi(),
        bianchi(),
        verdi(),
        cf_of("Neri", "Ada", Sesso::F, (1950, 2, 3), "G478"),
    );
    for (eol, body) in [("\n", lf.clone()), ("\r\n", lf.replace('\n', "\r\n"))] {
        let env = setup();
        let rep = env.dir.path().join("r.csv");
        let f = write(&env, "q.csv", body.as_bytes());
        let out = import(&env, &f, &["--report", rep.to_str().unwrap()]);
        assert_eq!(code(&out), 1);
        assert_eq!(
            summary(&out),
            "inseriti 2, aggiornati 0, invariati 0, scartati 2",
            "{eol:?}"
        );
        assert_eq!(
            field(&env, &rossi(), "res_indirizzo"),
            Some(format!("Via \"Roma\"{eol}12"))
        );
        assert_eq!(
            field(&env, &verdi(), "res_indirizzo").as_deref(),
            Some("Via, Pievaiola")
        );
        // Bianchi starts on line 4 (Rossi's record spans lines 2-3, Bianchi's 4-6); the line of
        // empty cells (8) is skipped; Neri is on line 9.
        let r = report(&rep);
        assert!(
            r.contains(&format!("\r\n4;{};nome mancante\r\n", bianchi())),
            "{eol:?}: {r}"
        );
        assert!(r.contains("\r\n9;"), "{eol:?}: {r}");
        assert!(
            r.contains("1;;avviso: colonna «NOTE» sconosciuta: ignorata"),
            "{r}"
        );
    }
}

#[test]
fn missing_required_columns_write_nothing() {
    let env = setup();
    let before = common::snapshot(&env.db());
    for (body, missing) in [
        ("CF;NOME\nRSSMRA80A01H501U;Mario\n", "COGNOME"),
        ("COGNOME;NOME;SESSO\nRossi;Mario;M\n", "CODICE_FISCALE"),
        ("CODICE FISCALE,Cognome\nX,Y\n", "NOME"),
    ] {
        let rep = env.dir.path().join("r.csv");
        let out = import(
            &env,
            &write(&env, "m.csv", body.as_bytes()),
            &["--report", rep.to_str().unwrap()],
        );
        assert_eq!(code(&out), 1, "{body}");
        let err = text(&out.stderr);
        assert!(
            err.contains("colonne obbligatorie mancanti") && err.contains(missing),
            "{err}"
        );
        assert!(err.contains("nessuna riga importata"), "{err}");
        assert!(!rep.exists());
    }
    assert_eq!(common::snapshot(&env.db()), before);
    assert_eq!(one::<i64>(&env, "SELECT count(*) FROM soggetto"), 0);
}

#[test]
fn unknown_column_is_only_a_warning() {
    let env = setup();
    let rep = env.dir.path().join("r.csv");
    let body = format!(
        "{HEADER};COLORE_PREFERITO\n{};Rossi;Mario;M;01/01/1980;Roma;;;;;;;;;blu\n",
        rossi()
    );
    let out = import(
        &env,
        &write(&env, "u.csv", body.as_bytes()),
        &["--report", rep.to_str().unwrap()],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        summary(&out),
        "inseriti 1, aggiornati 0, invariati 0, scartati 0"
    );
    assert_eq!(
        report(&rep),
        "riga;codice_fiscale;motivo\r\n1;;avviso: colonna «COLORE_PREFERITO» sconosciuta: ignorata\r\n"
    );
    assert!(text(&out.stdout).contains("0 righe scartate, 1 avvisi"));
}

#[test]
fn empty_file_and_header_only() {
    let env = setup();
    for body in ["", "\u{feff}", "\n\n"] {
        let out = import(&env, &write(&env, "e.csv", body.as_bytes()), &[]);
        assert_eq!(code(&out), 1, "{body:?}");
        assert!(
            text(&out.stderr).contains("file vuoto"),
            "{}",
            text(&out.stderr)
        );
    }
    let out = import(
        &env,
        &write(&env, "h.csv", format!("{HEADER}\r\n").as_bytes()),
        &[],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("nessuna riga da importare"));
    assert_eq!(
        summary(&out),
        "inseriti 0, aggiornati 0, invariati 0, scartati 0"
    );
    let out = import(&env, Path::new("/nonexistent/anagrafe.csv"), &[]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("impossibile leggere"));
}

#[test]
fn five_thousand_character_fields_are_rejected() {
    let env = setup();
    let rep = env.dir.path().join("r.csv");
    let long = "A".repeat(5000);
    let body = format!(
        "CF;COGNOME;NOME;INDIRIZZO\n{};{long};Mario;\n{};Bianchi;Anna;Via {long}\n{long};Verdi;Luca;\n{};Verdi;Luca;Via Roma\n",
        rossi(),
        bianchi(),
        verdi()
    );
    let out = import(
        &env,
        &write(&env, "l.csv", body.as_bytes()),
        &["--report", rep.to_str().unwrap()],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(
        summary(&out),
        "inseriti 1, aggiornati 0, invariati 0, scartati 3"
    );
    let r = report(&rep);
    assert!(
        r.contains(&format!(
            "2;{};campo COGNOME troppo lungo (5000 caratteri, massimo 200)\r\n",
            rossi()
        )),
        "{r}"
    );
    assert!(r.contains("3;") && r.contains("campo INDIRIZZO troppo lungo (5004 caratteri"));
    // The oversized code is cut in the report.
    assert!(
        r.contains(&format!("4;{}…;campo CF troppo lungo", "A".repeat(40))),
        "{r}"
    );
    assert!(r.len() < 2000, "report should not repeat the long fields");
}

#[test]
fn escape_sequences_are_removed_with_a_warning_and_never_printed() {
    let env = setup();
    let rep = env.dir.path().join("r.csv");
    let evil = "\x1b[2J\x1b]0;pwned\x07Rossi\u{9b}31m";
    let body = format!(
        "CF;COGNOME;NOME\n{};\"{evil}\";Mario\n{};\"{evil}\";\n\x1b[31m{};X;Y\n",
        rossi(),
        bianchi(),
        "BAD"
    );
    let out = import(&env, &write(&env, "x.csv", body.as_bytes()), &[]);
    assert_eq!(code(&out), 1);
    assert_no_escape(&out);
    let err = text(&out.stderr);
    assert!(
        err.contains("riga 3:") && err.contains("nome mancante"),
        "{err}"
    );
    assert!(err.contains("^[[31mBAD"), "{err}");
    // Stored without the control characters (issue 10: removed with a warning).
    assert_eq!(
        field(&env, &rossi(), "cognome").as_deref(),
        Some("[2J]0;pwnedRossi31m")
    );
    assert!(
        err.contains("avviso: caratteri di controllo rimossi da: COGNOME"),
        "{err}"
    );
    // The report is sanitised too.
    let out = import(
        &env,
        &write(&env, "x.csv", body.as_bytes()),
        &["--report", rep.to_str().unwrap()],
    );
    assert_no_escape(&out);
    let r = report(&rep);
    assert!(
        !r.contains('\x1b') && !r.contains('\u{9b}') && !r.contains('\x07'),
        "{r:?}"
    );
    assert!(r.contains("^[[31mBAD"), "{r}");
}

#[test]
fn a_code_repeated_in_the_file_keeps_the_first() {
    let env = setup();
    let rep = env.dir.path().join("r.csv");
    let r = rossi();
    let body = format!(
        "CF;COGNOME;NOME\n{r};Rossi;Mario\n{};Bianchi;Anna\n{};Rossi;Mariolino\n",
        bianchi(),
        r.to_lowercase()
    );
    let out = import(
        &env,
        &write(&env, "d.csv", body.as_bytes()),
        &["--report", rep.to_str().unwrap()],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(
        summary(&out),
        "inseriti 2, aggiornati 0, invariati 0, scartati 1"
    );
    assert_eq!(field(&env, &r, "nome").as_deref(), Some("Mario"));
    assert!(report(&rep).contains(&format!(
        "4;{};codice fiscale ripetuto nel file (già alla riga 2): riga ignorata",
        r.to_lowercase()
    )));
}

#[test]
fn formula_prefixes_are_stored_as_given_and_neutralised_in_the_report() {
    let env = setup();
    let rep = env.dir.path().join("r.csv");
    let body = format!(
        "CF;COGNOME;NOME;INDIRIZZO;CIVICO\n\
         {};=HYPERLINK(\"http://x\");+39;-1 Via;@SUM(A1)\n\
         =1+1;Bianchi;Anna;;\n\
         +1;Bianchi;Anna;;\n\
         -1;Bianchi;Anna;;\n\
         @A1;Bianchi;Anna;;\n",
        rossi()
    );
    let out = import(
        &env,
        &write(&env, "f.csv", body.as_bytes()),
        &["--report", rep.to_str().unwrap()],
    );
    assert_eq!(code(&out), 1);
    let r = rossi();
    assert_eq!(
        field(&env, &r, "cognome").as_deref(),
        Some("=HYPERLINK(\"http://x\")")
    );
    assert_eq!(field(&env, &r, "nome").as_deref(), Some("+39"));
    assert_eq!(field(&env, &r, "res_indirizzo").as_deref(), Some("-1 Via"));
    assert_eq!(field(&env, &r, "res_civico").as_deref(), Some("@SUM(A1)"));
    let text = report(&rep);
    for (line, cell) in [(3, "'=1+1"), (4, "'+1"), (5, "'-1"), (6, "'@A1")] {
        assert!(
            text.contains(&format!("\r\n{line};{cell};codice fiscale non valido")),
            "{line} {cell}: {text}"
        );
    }
    for l in text.lines() {
        for cell in l.split(';') {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{l}");
        }
    }
}

#[test]
fn bad_rows_do_not_stop_the_good_ones() {
    let env = setup();
    let rep = env.dir.path().join("r.csv");
    let mut wrong_check = rossi();
    let last = wrong_check.pop().unwrap();
    wrong_check.push(if last == 'A' { 'B' } else { 'A' });
    // Each bad row has its own code: the first record with a code owns it.
    let p = |i: i32| cf_of("Neri", "Anna", Sesso::F, (1960 + i, 1, 1), "G478");
    let body = format!(
        "{HEADER}\n\
         {wrong_check};Rossi;Mario;M;01/01/1980;;;;;;;;;\n\
         {};;Anna;F;;;;;;;;;;\n\
         {};Verdi;Luca;M;31/02/2001;;;;;;;;;\n\
         {};Neri;Anna;X;;;;;;;;;;\n\
         {};Neri;Anna;;;Atlantide;;;;;;;;\n\
         {};Neri;Anna;;;Castro;;;;;;;;\n\
         {};Neri;Anna;;01/01/1975;;;;;;Marziana;;;\n\
         {};Neri;Anna;;01/01/1975;;;;;;;;31/12/1970;\n\
         {};Neri;Anna;;01/01/2999;;;;;;;;;\n\
         {};Neri;Anna;;;;;;;\n\
         {}",
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6),
        p(7),
        p(8),
        p(9),
        good_rows()
    );
    let out = import(
        &env,
        &write(&env, "b.csv", body.as_bytes()),
        &["--report", rep.to_str().unwrap()],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(
        summary(&out),
        "inseriti 3, aggiornati 0, invariati 0, scartati 10"
    );
    let r = report(&rep);
    for (line, reason) in [
        (
            2,
            "codice fiscale non valido: carattere di controllo errato",
        ),
        (3, "cognome mancante"),
        (4, "data di nascita non valida («31/02/2001»)"),
        (5, "sesso non valido («X»): M o F"),
        (6, "luogo di nascita «Atlantide»: nome sconosciuto"),
        (7, "luogo di nascita «Castro»: nome ambiguo"),
        (8, "cittadinanza «Marziana» non riconosciuta"),
        (9, "data di decesso precedente alla data di nascita"),
        (10, "data di nascita nel futuro"),
        (11, "numero di campi errato (10 invece di 14)"),
    ] {
        assert!(
            r.lines()
                .any(|l| l.starts_with(&format!("{line};")) && l.contains(reason)),
            "line {line} «{reason}» missing in\n{r}"
        );
    }
    assert_eq!(one::<i64>(&env, "SELECT count(*) FROM soggetto"), 3);
}

#[test]
fn a_rejected_first_record_still_owns_its_code() {
    let env = setup();
    let body = format!(
        "CF;COGNOME;NOME;DATA_NASCITA\n{r};Rossi;Mario;31/02/1980\n{r};Rossi;Mario;01/01/1980\n",
        r = rossi()
    );
    let out = import(&env, &write(&env, "o.csv", body.as_bytes()), &[]);
    assert_eq!(
        summary(&out),
        "inseriti 0, aggiornati 0, invariati 0, scartati 2"
    );
    assert!(
        text(&out.stderr).contains("riga 3: "),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("già alla riga 2"));
}

#[test]
fn second_run_changes_nothing() {
    let env = setup();
    let f = write(
        &env,
        "a.csv",
        format!("{HEADER}\n{}", good_rows()).as_bytes(),
    );
    let out = import(&env, &f, &["--ente", "G478"]);
    assert_eq!(code(&out), 0);
    let state = |env: &Env| -> (i64, i64, i64, String) {
        (
            one(env, "SELECT count(*) FROM soggetto"),
            one(env, "SELECT sum(version) FROM soggetto"),
            one(env, "SELECT count(*) FROM soggetto_storia"),
            one(env, "SELECT group_concat(updated_at) FROM soggetto"),
        )
    };
    let before = state(&env);
    let out = import(&env, &f, &["--ente", "G478"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        summary(&out),
        "inseriti 0, aggiornati 0, invariati 3, scartati 0"
    );
    assert!(text(&out.stdout).contains("nessuna modifica"));
    assert_eq!(state(&env), before);
    assert_eq!(before.1, 3);
    assert_eq!(before.2, 0);
}

#[test]
fn a_changed_row_is_an_update_recorded_in_history() {
    let env = setup();
    let r = rossi();
    let first =
        format!("CF;COGNOME;NOME;INDIRIZZO;TELEFONO\n{r};Rossi;Mario;Via Roma;3331234567\n");
    assert_eq!(
        code(&import(&env, &write(&env, "1.csv", first.as_bytes()), &[])),
        0
    );
    // New address, empty phone cell: the phone stays.
    let second = format!("CF;COGNOME;NOME;INDIRIZZO;TELEFONO\n{r};Rossi;Mario;Via Milano;\n");
    let out = import(&env, &write(&env, "2.csv", second.as_bytes()), &[]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        summary(&out),
        "inseriti 0, aggiornati 1, invariati 0, scartati 0"
    );
    assert_eq!(field(&env, &r, "telefono").as_deref(), Some("3331234567"));
    assert_eq!(
        field(&env, &r, "res_indirizzo").as_deref(),
        Some("Via Milano")
    );
    assert_eq!(one::<i64>(&env, "SELECT version FROM soggetto"), 2);
    let (campo, prima, dopo, by, at): (String, String, String, String, String) = db(&env)
        .query_row(
            "SELECT campo, prima, dopo, by, at FROM soggetto_storia",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (campo.as_str(), prima.as_str(), dopo.as_str()),
        ("res_indirizzo", "Via Roma", "Via Milano")
    );
    assert!(by.starts_with("sistema"), "{by}");
    assert!(at.len() >= 20 && at.ends_with('Z'), "{at}");
    let out = import(&env, &write(&env, "2.csv", second.as_bytes()), &[]);
    assert_eq!(
        summary(&out),
        "inseriti 0, aggiornati 0, invariati 1, scartati 0"
    );
    assert_eq!(one::<i64>(&env, "SELECT count(*) FROM soggetto_storia"), 1);
}

#[test]
fn dry_run_writes_nothing() {
    let env = setup();
    let f = write(
        &env,
        "a.csv",
        format!("{HEADER}\n{}", good_rows()).as_bytes(),
    );
    let audit: i64 = one(&env, "SELECT count(*) FROM audit_log");
    let out = import(&env, &f, &["--dry-run"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("simulazione"));
    assert_eq!(
        summary(&out),
        "inseriti 3, aggiornati 0, invariati 0, scartati 0"
    );
    assert_eq!(one::<i64>(&env, "SELECT count(*) FROM soggetto"), 0);
    assert_eq!(one::<i64>(&env, "SELECT count(*) FROM audit_log"), audit);
    // The real run gives the same summary; a dry run afterwards sees everything unchanged.
    let out = import(&env, &f, &[]);
    assert_eq!(
        summary(&out),
        "inseriti 3, aggiornati 0, invariati 0, scartati 0"
    );
    let changed = format!("{HEADER}\n{}", good_rows().replace("Via Roma", "Via Nuova"));
    let out = import(
        &env,
        &write(&env, "b.csv", changed.as_bytes()),
        &["--dry-run"],
    );
    assert_eq!(
        summary(&out),
        "inseriti 0, aggiornati 1, invariati 2, scartati 0"
    );
    assert_eq!(
        field(&env, &rossi(), "res_indirizzo").as_deref(),
        Some("Via Roma")
    );
    assert_eq!(one::<i64>(&env, "SELECT count(*) FROM soggetto_storia"), 0);
}

#[test]
fn unknown_ente_is_refused_before_writing() {
    let env = setup();
    let f = write(
        &env,
        "a.csv",
        format!("{HEADER}\n{}", good_rows()).as_bytes(),
    );
    let out = import(&env, &f, &["--ente", "Z999"]);
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("ente con codice «Z999» non trovato"));
    assert_eq!(one::<i64>(&env, "SELECT count(*) FROM soggetto"), 0);
}
