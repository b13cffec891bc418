//! Code lists: shipped defaults, CSV import/export through the CLI, never deleted.

mod common;

use common::{Env, code, text};

#[test]
fn default_lists_are_shipped() {
    let env = Env::new();
    env.init();
    let out = env.run(&["codes", "list"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let lists = text(&out.stdout);
    for (l, n) in [
        ("bisogni", 24),
        ("classe_bisogno", 5),
        ("esito_scheda", 6),
        ("categoria_sociale", 7),
        ("servizi_richiesti", 15),
    ] {
        assert!(lists.contains(&format!("{l}\t{n}")), "{l}: {lists}");
    }
    let out = env.run(&["codes", "export", "esito_scheda"], "");
    let csv = text(&out.stdout);
    assert!(csv.starts_with("codice;etichetta;gruppo;attivo;ordine\n"));
    assert!(
        csv.contains("pic;Proposta di presa in carico;;sì;5"),
        "{csv}"
    );
}

#[test]
fn import_adds_updates_and_is_idempotent_and_export_neutralises_formulas() {
    let env = Env::new();
    env.init();
    let file = env.dir.path().join("servizi.csv");
    std::fs::write(&file, "codice;etichetta;attivo\ninfo;Informazione e orientamento;sì\nsportello_lavoro;=Sportello lavoro;sì\ntrasporto;Trasporto sociale;no\n").unwrap();
    let f = file.to_str().unwrap();
    let out = env.run(&["codes", "import", "servizi_richiesti", f], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("inseriti 1, aggiornati 1, invariati 1"),
        "{}",
        text(&out.stdout)
    );
    let out = env.run(&["codes", "import", "servizi_richiesti", f], "");
    assert!(
        text(&out.stdout).contains("inseriti 0, aggiornati 0, invariati 3"),
        "{}",
        text(&out.stdout)
    );
    let csv = text(
        &env.run(&["codes", "export", "servizi_richiesti"], "")
            .stdout,
    );
    assert!(
        csv.contains("sportello_lavoro;'=Sportello lavoro;;sì;2"),
        "{csv}"
    );
    assert!(
        csv.contains("trasporto;Trasporto sociale;;no;3"),
        "disabled, not deleted: {csv}"
    );
    assert!(
        csv.contains("consulenza;Consulenza sociale"),
        "codes missing from the file stay: {csv}"
    );
}

#[test]
fn bad_csv_names_the_lines_and_changes_nothing() {
    let env = Env::new();
    env.init();
    let file = env.dir.path().join("bad.csv");
    std::fs::write(&file, "codice,etichetta\nBuono,x\nok,\nbene,Bene\n").unwrap();
    let out = env.run(
        &["codes", "import", "relazione", file.to_str().unwrap()],
        "",
    );
    assert_eq!(code(&out), 1);
    let err = text(&out.stderr);
    assert!(err.contains("riga 2") && err.contains("riga 3"), "{err}");
    let csv = text(&env.run(&["codes", "export", "relazione"], "").stdout);
    assert!(!csv.contains("bene;Bene"));
}

#[test]
fn codes_are_never_deleted() {
    let env = Env::new();
    env.init();
    let c = rusqlite::Connection::open(env.db()).unwrap();
    let err = c
        .execute("DELETE FROM codice WHERE lista = 'sesso'", [])
        .unwrap_err();
    assert!(err.to_string().contains("never deleted"));
}
