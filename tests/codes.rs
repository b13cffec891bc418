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

/// An ente relabels and hides codes of a shared list for itself: the other ente's forms keep the
/// shared list; a hidden code is not offered but still reads on old records; all audited.
#[test]
fn an_ente_relabels_and_hides_codes_for_itself_only() {
    use sportello::domain::Actor;
    use sportello::service::Service;
    use sportello::store::prelude::*;
    use sportello::store::sqlite::SqliteStore;

    let env = Env::new();
    env.init();
    let run = |args: &[&str]| {
        let out = env.run(args, "");
        assert_eq!(code(&out), 0, "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    run(&[
        "ente",
        "add",
        "--nome",
        "Comune di Todi",
        "--tipo",
        "comune",
        "--belfiore",
        "L188",
    ]);
    for (user, ente) in [("perugia", "G478"), ("todi", "L188")] {
        run(&[
            "user",
            "add",
            user,
            "--nome",
            "N",
            "--cognome",
            "C",
            "--role",
            "sportello",
            "--ente",
            ente,
        ]);
    }
    let said = run(&[
        "codes",
        "relabel",
        "esito_scheda",
        "info",
        "--ente",
        "L188",
        "Orientamento",
    ]);
    assert!(said.contains("«Orientamento»"), "{said}");
    run(&[
        "codes",
        "hide",
        "esito_scheda",
        "nessuno",
        "--ente",
        "Comune di Todi",
    ]);
    run(&["codes", "hide", "esito_scheda", "invio", "--ente", "L188"]);
    run(&[
        "codes",
        "hide",
        "esito_scheda",
        "invio",
        "--ente",
        "L188",
        "--show",
    ]);
    let out = env.run(
        &[
            "codes",
            "hide",
            "esito_scheda",
            "inventato",
            "--ente",
            "L188",
        ],
        "",
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("inventato"),
        "{}",
        text(&out.stderr)
    );

    let mut store = SqliteStore::open(&env.db()).unwrap();
    let actor = |s: &SqliteStore, u: &str| {
        Actor::operatore(&s.operatore_by_username(u).unwrap().unwrap(), None, None)
    };
    let (perugia, todi) = (actor(&store, "perugia"), actor(&store, "todi"));
    let mut svc = Service::new(&mut store);
    let esiti = |svc: &mut Service<'_>, a: &Actor, old: bool| {
        svc.form_lists(a, ["esito_scheda"], old).unwrap()["esito_scheda"].clone()
    };
    let label =
        |l: &[(String, String)], c: &str| l.iter().find(|(k, _)| k == c).map(|(_, v)| v.clone());
    let shared = esiti(&mut svc, &perugia, false);
    assert_eq!(shared.len(), 6);
    assert_eq!(
        label(&shared, "info").as_deref(),
        Some("Informazione e orientamento")
    );
    let own = esiti(&mut svc, &todi, false);
    assert_eq!(label(&own, "info").as_deref(), Some("Orientamento"));
    assert_eq!(label(&own, "nessuno"), None, "hidden: not offered");
    assert!(label(&own, "invio").is_some(), "shown again");
    let reading = esiti(&mut svc, &todi, true);
    assert_eq!(
        label(&reading, "nessuno").as_deref(),
        Some("Nessun seguito")
    );
    let c = rusqlite::Connection::open(env.db()).unwrap();
    let n: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'modifica_codice_ente' AND outcome = 'ok'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 4);
}
