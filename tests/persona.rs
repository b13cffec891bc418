//! Persons at the desk through the service layer: new person, edit with optimistic locking and
//! history, homonym warning, duplicate codes, provisional code replaced (also by merging into the
//! registry's person), anonymous registration until the privacy consent, search markers.

use sportello::domain::cf::{self, Sesso};
use sportello::domain::persona::{ANONIMO, PersonaEdit, Privacy};
use sportello::domain::search_query::SearchQuery;
use sportello::domain::soggetto::NewSoggetto;
use sportello::domain::{Actor, NewEnte, NewOperatore, Role, RoleSet};
use sportello::service::PersonaSaved;
use sportello::store::StoreError;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
}

/// A database with one ente and a desk operator; returns the store and the operator's actor.
fn setup() -> (SqliteStore, Actor) {
    setup_on(SqliteStore::in_memory().unwrap())
}

fn setup_on(mut s: SqliteStore) -> (SqliteStore, Actor) {
    let sys = Actor::system(None, None);
    let ente = sportello::service::Service::new(&mut s)
        .create_ente(
            &sys,
            &NewEnte {
                nome: "Comune di Perugia".into(),
                belfiore: Some("G478".into()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let new = NewOperatore {
        username: "mrossi".into(),
        nome: "Maria".into(),
        cognome: "Rossi".into(),
        roles: RoleSet::from_roles(&[Role::Sportello]),
        enti: vec![ente],
        ..Default::default()
    };
    sportello::service::Service::new(&mut s)
        .add_user(&sys, &new, Some("password-corretta"))
        .unwrap();
    let op = s.operatore_by_username("mrossi").unwrap().unwrap();
    (s, Actor::operatore(&op, None, None))
}

fn edit(cognome: &str, nome: &str, cf: Option<&str>) -> PersonaEdit {
    let mut e = PersonaEdit::default();
    e.set("cognome", Some(cognome));
    e.set("nome", Some(nome));
    e.set("sesso", Some("M"));
    e.set("data_nascita", Some("1980-03-12"));
    e.set("luogo_nascita", Some("G478"));
    e.set("codice_fiscale", cf);
    e
}

fn saved(r: PersonaSaved) -> sportello::store::Saved {
    match r {
        PersonaSaved::Saved(s) => s,
        other => panic!("not saved: {other:?}"),
    }
}

fn rossi_cf() -> String {
    cf::compute("Rossi", "Mario", Sesso::M, 1980, 3, 12, "G478")
}

#[test]
fn a_new_person_is_saved_with_history_on_edit_and_conflict_for_the_second_writer() {
    let (mut s, actor) = setup();
    let cf = rossi_cf();
    let first = saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &edit("Rossi", "Mario", Some(&cf)), today())
            .unwrap(),
    );
    let p = s.soggetto(first.id).unwrap().unwrap();
    assert_eq!((p.fonte.as_str(), p.cf_provvisorio), ("sportello", false));
    assert_eq!(p.codice_fiscale.as_deref(), Some(cf.as_str()));

    // Two operators open the same person; the first saves, the second gets a conflict.
    let mut a = PersonaEdit::from_soggetto(&p, Some(&p.extra));
    let mut b = a.clone();
    a.set("telefono", Some("075 1234567"));
    b.set("telefono", Some("333 0000000"));
    let after = saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &a, today())
            .unwrap(),
    );
    assert_eq!(after.version, p.version + 1);
    let err = sportello::service::Service::new(&mut s)
        .save_persona(&actor, &b, today())
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    let storia = s.soggetto_storia(first.id).unwrap();
    assert_eq!(storia.len(), 1, "{storia:?}");
    assert_eq!(
        (
            storia[0].campo.as_str(),
            storia[0].prima.as_deref(),
            storia[0].dopo.as_deref()
        ),
        ("telefono", None, Some("075 1234567"))
    );
    assert_eq!(storia[0].by, "mrossi");
    // The new person is found by the search engine, under the new name after an edit.
    let mut c = PersonaEdit::from_soggetto(&s.soggetto(first.id).unwrap().unwrap(), None);
    c.set("cognome", Some("Rossini"));
    saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &c, today())
            .unwrap(),
    );
    let q = SearchQuery::parse("rossini mario", (2026, 11, 29));
    let hits = s.search_soggetti(&q, None, 5).unwrap();
    assert_eq!(hits.first().map(|h| h.id), Some(first.id));
}

#[test]
fn the_same_code_is_refused_and_the_same_name_and_birth_date_asks_first() {
    let (mut s, actor) = setup();
    let cf = rossi_cf();
    saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &edit("Rossi", "Mario", Some(&cf)), today())
            .unwrap(),
    );
    let err = sportello::service::Service::new(&mut s)
        .save_persona(&actor, &edit("Verdi", "Mario", Some(&cf)), today())
        .unwrap_err();
    assert!(err.to_string().contains("già registrata"), "{err}");
    assert!(err.to_string().contains("Rossi Mario"), "{err}");

    // Same name and birth date, no code: not saved until the operator confirms.
    let other = edit("ROSSI", "Mario", None);
    match sportello::service::Service::new(&mut s)
        .save_persona(&actor, &other, today())
        .unwrap()
    {
        PersonaSaved::Homonyms(h) => assert_eq!(h[0].cognome, "Rossi"),
        r => panic!("{r:?}"),
    }
    let mut confirmed = other.clone();
    confirmed.allow_homonym = true;
    let id = saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &confirmed, today())
            .unwrap(),
    )
    .id;
    let p = s.soggetto(id).unwrap().unwrap();
    assert!(p.cf_provvisorio);
    assert!(cf::is_temporary(p.codice_fiscale.as_deref().unwrap()));
}

#[test]
fn bad_input_is_refused_with_an_italian_reason() {
    let (mut s, actor) = setup();
    let cases: Vec<(PersonaEdit, &str)> = vec![
        (
            edit("Rossi", "Mario", Some("RSSMRA80C12G478X")),
            "carattere di controllo",
        ),
        (
            {
                let mut e = edit("Rossi", "Mario", None);
                e.set("data_nascita", Some("2027-01-01"));
                e
            },
            "successiva a oggi",
        ),
        (
            {
                let mut e = edit("Rossi", "Mario", None);
                e.set("luogo_nascita", Some("Q999"));
                e
            },
            "sconosciuto",
        ),
        (
            {
                let mut e = edit("Rossi", "Mario", None);
                e.set("email", Some("mario@"));
                e
            },
            "e-mail",
        ),
        (
            {
                let mut e = edit("Rossi", "Mario", None);
                e.set("res_cap", Some("0612"));
                e
            },
            "CAP",
        ),
        (
            {
                let mut e = edit("Rossi", "Mario", None);
                e.set("nome", None);
                e
            },
            "obbligatorio",
        ),
    ];
    for (e, reason) in cases {
        let err = sportello::service::Service::new(&mut s)
            .save_persona(&actor, &e, today())
            .unwrap_err();
        assert!(
            err.to_string().contains(reason),
            "{err} should say {reason}"
        );
    }
    assert_eq!(s.counts().unwrap().soggetti, 0);
}

#[test]
fn a_provisional_code_is_replaced_by_the_real_one() {
    let (mut s, actor) = setup();
    let id = saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &edit("Rossi", "Mario", None), today())
            .unwrap(),
    )
    .id;
    let p = s.soggetto(id).unwrap().unwrap();
    let temp = p.codice_fiscale.clone().unwrap();
    let mut e = PersonaEdit::from_soggetto(&p, None);
    e.set("codice_fiscale", Some(&rossi_cf().to_lowercase()));
    saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &e, today())
            .unwrap(),
    );
    let p = s.soggetto(id).unwrap().unwrap();
    assert_eq!(p.codice_fiscale, Some(rossi_cf()));
    assert!(!p.cf_provvisorio);
    let storia = s.soggetto_storia(id).unwrap();
    assert!(
        storia
            .iter()
            .any(|m| m.campo == "codice_fiscale" && m.prima.as_deref() == Some(temp.as_str()))
    );
    // A real code cannot be emptied.
    let mut e = PersonaEdit::from_soggetto(&p, None);
    e.set("codice_fiscale", None);
    assert!(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &e, today())
            .is_err()
    );
}

#[test]
fn replacing_a_provisional_code_held_by_a_registry_person_merges_them_and_moves_every_reference() {
    let (mut s, actor) = setup();
    // Registered at the desk without a code, consent signed, a case open.
    let mut desk = edit("Rossi", "Mario", None);
    desk.set("cellulare", Some("333 1112223"));
    let temp_id = saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &desk, today())
            .unwrap(),
    )
    .id;
    sportello::service::Service::new(&mut s)
        .set_privacy(
            &actor,
            temp_id,
            Privacy::Firmato,
            Some("2026-11-02"),
            None,
            today(),
        )
        .unwrap();
    // Later the municipal registry brings the same person with the real code.
    let sys = Actor::system(None, None);
    s.insert_soggetti(
        &sys,
        &[NewSoggetto {
            codice_fiscale: Some(rossi_cf()),
            cognome: "ROSSI".into(),
            nome: "MARIO".into(),
            sesso: Some('M'),
            data_nascita: Some("1980-03-12".into()),
            luogo_nascita: Some("G478".into()),
            fonte: "anagrafe",
            ..Default::default()
        }],
    )
    .unwrap();
    let registry_id = s
        .search_soggetti(&SearchQuery::parse(&rossi_cf(), (2026, 11, 29)), None, 1)
        .unwrap()[0]
        .id;
    assert_ne!(registry_id, temp_id);

    let p = s.soggetto(temp_id).unwrap().unwrap();
    let mut e = PersonaEdit::from_soggetto(&p, None);
    e.set("codice_fiscale", Some(&rossi_cf()));
    let r = saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &e, today())
            .unwrap(),
    );
    assert!(r.merged);
    assert_eq!(r.id, registry_id);
    assert!(
        s.soggetto(temp_id).unwrap().is_none(),
        "the provisional person is gone"
    );
    let survivor = s.soggetto(registry_id).unwrap().unwrap();
    assert_eq!(
        survivor.cellulare.as_deref(),
        Some("333 1112223"),
        "desk data kept"
    );
    let consents = s.privacy(registry_id).unwrap();
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].stato, Privacy::Firmato);
    assert!(s.privacy(temp_id).unwrap().is_empty());
    let marks = s
        .marcatori(&[registry_id], actor.enti.first().copied())
        .unwrap();
    assert!(marks[&registry_id].privacy_firmata);
}

#[test]
fn every_table_pointing_at_a_person_is_moved_by_a_merge() {
    // A new table with a soggetto_id column must be added to REFERENCES, or merges would leave it
    // pointing at a deleted person.
    let s = SqliteStore::in_memory().unwrap();
    let tables = s.tables_with_column("soggetto_id").unwrap();
    let mut expected: Vec<&str> = sportello::store::PERSON_REFERENCES.to_vec();
    expected.push("soggetto_storia");
    expected.sort();
    let mut tables: Vec<&str> = tables.iter().map(String::as_str).collect();
    tables.sort();
    assert_eq!(tables, expected);
}

#[test]
fn an_anonymous_user_keeps_the_alias_until_the_consent_is_signed() {
    let (mut s, actor) = setup();
    let a = sportello::service::Service::new(&mut s)
        .register_anonymous(&actor, Some("F"))
        .unwrap();
    let b = sportello::service::Service::new(&mut s)
        .register_anonymous(&actor, None)
        .unwrap();
    let pa = s.soggetto(a).unwrap().unwrap();
    let pb = s.soggetto(b).unwrap().unwrap();
    assert!(pa.anonimo && pb.anonimo);
    assert_eq!(pa.cognome, ANONIMO);
    assert_ne!(pa.alias, pb.alias, "aliases are unique");
    assert!(pa.alias.as_deref().unwrap().starts_with("ANON-"));
    assert_eq!(s.privacy(a).unwrap()[0].stato, Privacy::Anonimo);

    // Real data before the consent: refused.
    let mut e = PersonaEdit::from_soggetto(&pa, None);
    for (k, v) in [
        ("cognome", "Bianchi"),
        ("nome", "Anna"),
        ("data_nascita", "1990-01-01"),
        ("luogo_nascita", "G478"),
    ] {
        e.set(k, Some(v));
    }
    let err = sportello::service::Service::new(&mut s)
        .save_persona(&actor, &e, today())
        .unwrap_err();
    assert!(err.to_string().contains("consenso privacy"), "{err}");
    // Consent signed: the person gets the real data and stops being anonymous, alias kept in history.
    let v = s.privacy(a).unwrap()[0].version;
    sportello::service::Service::new(&mut s)
        .set_privacy(
            &actor,
            a,
            Privacy::Firmato,
            Some("2026-11-29"),
            Some(v),
            today(),
        )
        .unwrap();
    saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &e, today())
            .unwrap(),
    );
    let pa = s.soggetto(a).unwrap().unwrap();
    assert!(!pa.anonimo);
    assert_eq!(pa.cognome, "Bianchi");
    assert!(
        s.soggetto_storia(a)
            .unwrap()
            .iter()
            .any(|m| m.campo == "anonimo")
    );
}

#[test]
fn privacy_needs_a_date_not_in_the_future_and_detects_conflicts() {
    let (mut s, actor) = setup();
    let id = saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &edit("Rossi", "Mario", None), today())
            .unwrap(),
    )
    .id;
    let err = sportello::service::Service::new(&mut s)
        .set_privacy(&actor, id, Privacy::Firmato, None, None, today())
        .unwrap_err();
    assert!(err.to_string().contains("data di firma"), "{err}");
    let err = sportello::service::Service::new(&mut s)
        .set_privacy(
            &actor,
            id,
            Privacy::Firmato,
            Some("2027-01-01"),
            None,
            today(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("successiva"), "{err}");
    sportello::service::Service::new(&mut s)
        .set_privacy(&actor, id, Privacy::NonFirmato, None, None, today())
        .unwrap();
    // A second writer that read "no consent yet" gets a conflict.
    let err = sportello::service::Service::new(&mut s)
        .set_privacy(
            &actor,
            id,
            Privacy::Firmato,
            Some("2026-11-29"),
            None,
            today(),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    let marks = s.marcatori(&[id], actor.enti.first().copied()).unwrap();
    assert!(!marks[&id].privacy_firmata && !marks[&id].caso_aperto);
}

#[test]
fn a_helpdesk_account_cannot_write_persons() {
    let (mut s, mut actor) = setup();
    // The account itself becomes helpdesk: the service reads the roles from the database.
    let mut op = s.operatore_by_username(&actor.username).unwrap().unwrap();
    op.roles = RoleSet::from_roles(&[Role::Helpdesk]);
    s.update_operatore(&Actor::system(None, None), &op).unwrap();
    actor.roles = op.roles;
    let err = sportello::service::Service::new(&mut s)
        .save_persona(&actor, &edit("Rossi", "Mario", None), today())
        .unwrap_err();
    assert!(matches!(err, StoreError::Denied(_)), "{err}");
    assert!(
        sportello::service::Service::new(&mut s)
            .register_anonymous(&actor, None)
            .is_err()
    );
}

#[test]
fn an_open_case_shows_as_a_marker() {
    // Cases are opened by the Presa in carico module; here one is written as that module will.
    let dir = tempfile::tempdir().unwrap();
    let (mut s, actor) = setup_on(SqliteStore::create(&dir.path().join("p.db")).unwrap());
    let id = saved(
        sportello::service::Service::new(&mut s)
            .save_persona(&actor, &edit("Rossi", "Mario", None), today())
            .unwrap(),
    )
    .id;
    let ente = actor.ente().unwrap();
    let marks = s.marcatori(&[id], Some(ente)).unwrap();
    assert!(!marks[&id].caso_aperto);
    let conn = rusqlite::Connection::open(s.path()).unwrap();
    conn.execute(
        "INSERT INTO presa_in_carico (soggetto_id, ente_id, data_apertura, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, '2026-11-29', 'x', 'test', 'x', 'test')",
        rusqlite::params![id, ente],
    )
    .unwrap();
    let marks = s.marcatori(&[id], Some(ente)).unwrap();
    assert!(marks[&id].caso_aperto);
    conn.execute(
        "UPDATE presa_in_carico SET stato = 'chiusa' WHERE soggetto_id = ?1",
        [id],
    )
    .unwrap();
    assert!(
        !s.marcatori(&[id], Some(ente)).unwrap()[&id].caso_aperto,
        "closed cases are not marked"
    );
}
