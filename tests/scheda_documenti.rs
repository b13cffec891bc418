//! Documents attached to a scheda di accesso: `sportello scheda documento add|list|export` on the
//! real binary, with the storage of a case's documents (private file modes, the file under
//! `documenti/scheda-<id>/`), an operator of another ente refused as if the scheda did not exist,
//! every read audited.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{Env, code, text};
use serde_json::Value;
use sportello::domain::Actor;
use sportello::domain::scheda::SchedaEdit;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

/// A demo database with one scheda of the operator «sportello» (Perugia) and a front-desk operator
/// of Corciano, «sportello.corciano»; its path and the scheda's id.
fn db_with_a_scheda(env: &Env) -> (std::path::PathBuf, i64) {
    let db = env.dir.path().join("demo.db");
    common::fixture::demo_at(&db, 20);
    let mut s = SqliteStore::open(&db).unwrap();
    let op = s.operatore_by_username("sportello").unwrap().unwrap();
    let a = Actor::operatore(&op, None, None);
    let mut e = SchedaEdit {
        soggetto_id: 2,
        data_accesso: "2026-11-02".into(),
        operatore: "sportello".into(),
        esito: Some("consulenza".into()),
        bisogni: vec!["b102".into()],
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "persona"),
    ] {
        e.dati.insert(k.into(), Value::from(v));
    }
    let today = time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap();
    let mut svc = sportello::service::Service::new(&mut s);
    let out = svc.save_scheda(&a, &e, false, today).unwrap();
    let sys = Actor::system(None, None);
    let corciano = svc.ente_by_code(&sys, "C990").unwrap().unwrap().id;
    let new = sportello::domain::NewOperatore {
        username: "sportello.corciano".into(),
        nome: "Anna".into(),
        cognome: "Corcianesi".into(),
        roles: sportello::domain::RoleSet::from_roles(&[sportello::domain::Role::Sportello]),
        enti: vec![corciano],
        ..Default::default()
    };
    svc.add_user(&sys, &new, None).unwrap();
    (db, out.saved.id)
}

#[test]
fn a_document_is_added_to_a_scheda_listed_and_exported_and_another_ente_is_refused() {
    let env = Env::new();
    let (db, id) = db_with_a_scheda(&env);
    let id_s = id.to_string();
    let src = env.dir.path().join("contratto di affitto.pdf");
    std::fs::write(&src, b"%PDF-1.4 contratto").unwrap();
    let out = env.run_on(
        &db,
        &[
            "scheda",
            "documento",
            "add",
            &id_s,
            src.to_str().unwrap(),
            "--titolo",
            "Contratto di locazione",
            "--tipo",
            "contratto",
            "--data",
            "2026-11-02",
            "--operatore",
            "sportello",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = text(&out.stdout).trim().to_string();
    assert!(text(&out.stderr).contains(&format!("aggiunto alla scheda {id}")));

    // Kept beside the database, under the scheda's folder, private.
    let dir = db
        .parent()
        .unwrap()
        .join("documenti")
        .join(format!("scheda-{id}"));
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o007, 0, "no access for others: {mode:o}");

    let out = env.run_on(
        &db,
        &[
            "scheda",
            "documento",
            "list",
            &id_s,
            "--operatore",
            "sportello",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let list = text(&out.stdout);
    assert!(
        list.contains(&format!(
            "{doc}\t2026-11-02\tcontratto\tContratto di locazione\tcontratto di affitto.pdf"
        )),
        "{list}"
    );

    let dest = env.dir.path().join("copia.pdf");
    let out = env.run_on(
        &db,
        &[
            "scheda",
            "documento",
            "export",
            &doc,
            "--out",
            dest.to_str().unwrap(),
            "--operatore",
            "sportello",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&dest).unwrap(), b"%PDF-1.4 contratto");
    let last = SqliteStore::open(&db)
        .unwrap()
        .audit_tail(1)
        .unwrap()
        .remove(0);
    assert_eq!(
        (
            last.event.action.as_str(),
            last.event.entity_id,
            last.username.as_str()
        ),
        ("esporta_documento_scheda", Some(id), "sportello")
    );

    // Another ente's operator: the scheda and the document do not exist for them.
    let other = env.dir.path().join("altro.pdf");
    for args in [
        vec!["scheda", "documento", "list", &id_s],
        vec![
            "scheda",
            "documento",
            "export",
            &doc,
            "--out",
            other.to_str().unwrap(),
        ],
        vec![
            "scheda",
            "documento",
            "add",
            &id_s,
            src.to_str().unwrap(),
            "--titolo",
            "X",
        ],
    ] {
        let mut args = args.clone();
        args.extend(["--operatore", "sportello.corciano"]);
        let out = env.run_on(&db, &args, "");
        assert_eq!(code(&out), 1, "{args:?}: {}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(err.contains("non trovat"), "{args:?}: {err}");
        assert!(!err.contains("Contratto"), "{err}");
    }
    assert!(!other.exists());
    let last = SqliteStore::open(&db)
        .unwrap()
        .audit_tail(1)
        .unwrap()
        .remove(0);
    assert_eq!(last.username, "sportello.corciano");
    assert_ne!(
        last.event.outcome,
        sportello::domain::Outcome::Ok,
        "the refusal is audited"
    );

    // A bad source is refused in Italian.
    let out = env.run_on(
        &db,
        &[
            "scheda",
            "documento",
            "add",
            &id_s,
            "/etc",
            "--titolo",
            "Cartella",
            "--operatore",
            "sportello",
        ],
        "",
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("è una cartella: indicare un file"),
        "{}",
        text(&out.stderr)
    );
}
