//! Issue 14 point 8: the scheda's health fields (tessera sanitaria, STP, invalidità) and the codici
//! fiscali of third parties live in typed columns and rows, not in the `dati` JSON; the migration
//! moves existing data; only operators with "dati riservati" read them (an editor without it keeps
//! the stored values); the cartella shows them in its Invalidità section.

mod common;

use serde_json::Value;
use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::caso::Sezione;
use sportello::domain::scheda::SchedaEdit;
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
}

fn actor(s: &SqliteStore, username: &str) -> Actor {
    Actor::operatore(
        &s.operatore_by_username(username).unwrap().unwrap(),
        None,
        None,
    )
}

fn edit(soggetto_id: i64) -> SchedaEdit {
    let mut e = SchedaEdit {
        soggetto_id,
        data_accesso: "2026-11-20".into(),
        operatore: "sportello".into(),
        esito: Some("info".into()),
        bisogni: vec!["b102".into()],
        servizi: vec!["info".into()],
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", Value::from("parente")),
        ("motivo_accesso", Value::from("spontaneo")),
        ("modalita_accesso", Value::from("persona")),
        ("telefono", Value::from("075 1234567")),
        ("tessera_sanitaria", Value::from("80380000000012345678")),
        ("stp", Value::Bool(true)),
        ("invalidita", Value::from(67)),
        ("int_cognome", Value::from("Bianchi")),
        ("int_codice_fiscale", Value::from("bncmra60a01g478x")),
    ] {
        e.dati.insert(k.into(), v);
    }
    e
}

fn raw_dati(path: &std::path::Path, id: i64) -> String {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("SELECT dati FROM scheda WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

/// The demo with its cases; a scheda of the person of a case, saved by the front desk.
fn world(dir: &std::path::Path) -> (std::path::PathBuf, SqliteStore, i64, i64) {
    let path = dir.join("d.db");
    common::fixture::demo_at(&path, 60);
    let mut s = SqliteStore::open(&path).unwrap();
    let sys = Actor::system(None, None);
    assert!(demo::casi(&mut s, &sys, today()).unwrap() > 0);
    let social = actor(&s, "assistente_sociale");
    let caso = Service::new(&mut s)
        .list_casi(&social, &Default::default(), false)
        .unwrap()[0]
        .clone();
    let front = actor(&s, "sportello");
    let id = Service::new(&mut s)
        .save_scheda(&front, &edit(caso.soggetto_id), false, today())
        .unwrap()
        .saved
        .id;
    (path, s, id, caso.id)
}

#[test]
fn sensitive_fields_are_stored_apart_and_read_only_with_dati_riservati() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s, id, _) = world(dir.path());
    let dati = raw_dati(&path, id);
    for k in [
        "tessera_sanitaria",
        "stp",
        "invalidita",
        "int_codice_fiscale",
        "8038",
        "BNCMRA",
    ] {
        assert!(
            !dati.to_uppercase().contains(&k.to_uppercase()),
            "{k} in {dati}"
        );
    }
    assert!(dati.contains("Bianchi"), "other fields stay: {dati}");

    // The front desk (no "dati riservati") does not read them back...
    let front = actor(&s, "sportello");
    let mine = Service::new(&mut s)
        .read_scheda(&front, id, "scheda")
        .unwrap();
    for k in [
        "tessera_sanitaria",
        "stp",
        "invalidita",
        "int_codice_fiscale",
    ] {
        assert!(!mine.edit.dati.contains_key(k), "{k}");
    }
    // ...and saving the form without them keeps what is stored.
    let mut again = mine.edit.clone();
    again.dati.insert("tessera_sanitaria".into(), Value::Null);
    again.dati.insert("stp".into(), Value::Bool(false));
    again.dati.insert("telefono".into(), "075 7654321".into());
    Service::new(&mut s)
        .save_scheda(&front, &again, false, today())
        .unwrap();

    // The social worker (with the grant) reads them, typed.
    let social = actor(&s, "assistente_sociale");
    let full = Service::new(&mut s)
        .read_scheda(&social, id, "scheda")
        .unwrap();
    let d = &full.edit.dati;
    assert_eq!(d["tessera_sanitaria"], Value::from("80380000000012345678"));
    assert_eq!(d["stp"], Value::Bool(true));
    assert_eq!(d["invalidita"], Value::from(67));
    assert_eq!(d["int_codice_fiscale"], Value::from("BNCMRA60A01G478X"));
    assert_eq!(d["telefono"], Value::from("075 7654321"));

    // Without the grant the social worker reads them no more.
    let sys = Actor::system(None, None);
    let ente = social.ente().unwrap();
    Service::new(&mut s)
        .set_riservati(&sys, "assistente_sociale", ente, false)
        .unwrap();
    let masked = Service::new(&mut s)
        .read_scheda(&social, id, "scheda")
        .unwrap();
    assert!(!masked.edit.dati.contains_key("tessera_sanitaria"));
}

#[test]
fn the_cartella_shows_them_in_its_invalidita_section() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s, _, caso) = world(dir.path());
    let social = actor(&s, "assistente_sociale");
    let c = Service::new(&mut s)
        .read_cartella(&social, caso, Sezione::Invalidita, true)
        .unwrap();
    let x = c
        .dalle_schede
        .iter()
        .find(|x| x.sensibili.invalidita == Some(67))
        .expect("the scheda's health fields");
    assert!(x.sensibili.stp);
    assert_eq!(
        x.sensibili.terzi,
        [("interlocutore".to_string(), "BNCMRA60A01G478X".to_string())]
    );
    // Other sections do not carry them.
    let c = Service::new(&mut s)
        .read_cartella(&social, caso, Sezione::Anagrafica, true)
        .unwrap();
    assert!(c.dalle_schede.is_empty());
}

#[test]
fn the_migration_moves_existing_data_out_of_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s, id, _) = world(dir.path());
    drop(s);
    // A database as before migration 0019: the fields inside `dati`.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch(&format!(
        "DROP TABLE scheda_sanitaria; DROP TABLE scheda_terzo;
         DELETE FROM schema_migrations WHERE version = 19;
         UPDATE scheda SET dati = json_set(dati, '$.tessera_sanitaria', '  123456  ', '$.stp', json('false'),
             '$.invalidita', 250, '$.int_codice_fiscale', 'rssmra70a01g478z',
             '$.rif_codice_fiscale', 'VRDLGU80A01G478Y') WHERE id = {id};
         UPDATE scheda SET dati = json_set(dati, '$.tessera_sanitaria', '', '$.stp', json('true'),
             '$.invalidita', 40) WHERE id <> {id};"
    ))
    .unwrap();
    let others: i64 = c
        .query_row("SELECT count(*) FROM scheda WHERE id <> ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(others > 0);
    drop(c);
    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.migrate().unwrap(), [19]);
    let c = rusqlite::Connection::open(&path).unwrap();
    let left: i64 = c
        .query_row(
            "SELECT count(*) FROM scheda WHERE json_type(dati, '$.tessera_sanitaria') IS NOT NULL
                OR json_type(dati, '$.stp') IS NOT NULL OR json_type(dati, '$.invalidita') IS NOT NULL
                OR json_type(dati, '$.int_codice_fiscale') IS NOT NULL
                OR json_type(dati, '$.rif_codice_fiscale') IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    let row: (Option<String>, bool, Option<i64>) = c
        .query_row(
            "SELECT tessera_sanitaria, stp, invalidita FROM scheda_sanitaria WHERE scheda_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (Some("123456".into()), false, None),
        "out of range dropped"
    );
    let terzi: Vec<(String, String)> = c
        .prepare(
            "SELECT ruolo, codice_fiscale FROM scheda_terzo WHERE scheda_id = ?1 ORDER BY ruolo",
        )
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        terzi,
        [
            ("interlocutore".to_string(), "RSSMRA70A01G478Z".to_string()),
            ("riferimento".to_string(), "VRDLGU80A01G478Y".to_string())
        ]
    );
    let moved: i64 = c
        .query_row(
            "SELECT count(*) FROM scheda_sanitaria WHERE stp = 1 AND invalidita = 40 AND tessera_sanitaria IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(moved, others);
    // The store reads them back into the scheda as the form has them.
    let back = s.scheda(id).unwrap().unwrap();
    assert_eq!(back.edit.dati["tessera_sanitaria"], Value::from("123456"));
    assert_eq!(
        back.edit.dati["rif_codice_fiscale"],
        Value::from("VRDLGU80A01G478Y")
    );
}
