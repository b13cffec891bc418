//! The documenti individuali of a case (issue 14 point 4): a file imported from a server path is
//! kept in the data directory with its metadata and exported back byte for byte; private documents
//! need "dati riservati"; every read is audited; traversal-style names, symlinks, FIFOs, devices,
//! folders and files over the limit (a 2 GB sparse file) are refused with a clear Italian message
//! and leave nothing behind; an operator of another ente learns nothing. And the CLI.

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use common::{Env, code, text};
use sportello::demo;
use sportello::domain::caso::Sezione;
use sportello::domain::{Actor, Outcome};
use sportello::service::casi::{Contenuto, DOCUMENTO_PRIVATO};
use sportello::service::casi_documenti::{Archivio, NuovoDocumento};
use sportello::service::{Error, Service};
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
}

/// The demo database with its cases at `path`; returns a case of the first comune.
fn demo_with_cases(path: &Path) -> i64 {
    common::fixture::demo_at(path, 60);
    let mut s = SqliteStore::open(path).unwrap();
    let sys = Actor::system(None, None);
    assert!(demo::casi(&mut s, &sys, today()).unwrap() > 0);
    let social = actor(&s, "assistente_sociale");
    let casi = Service::new(&mut s)
        .list_casi(&social, &Default::default(), false)
        .unwrap();
    casi[0].id
}

fn actor(s: &SqliteStore, username: &str) -> Actor {
    Actor::operatore(
        &s.operatore_by_username(username).unwrap().unwrap(),
        None,
        None,
    )
}

struct World {
    dir: tempfile::TempDir,
    store: SqliteStore,
    archivio: Archivio,
    caso: i64,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dati").join("d.db");
    std::fs::create_dir(db.parent().unwrap()).unwrap();
    let caso = demo_with_cases(&db);
    World {
        store: SqliteStore::open(&db).unwrap(),
        archivio: Archivio::of_database(&db, 50),
        caso,
        dir,
    }
}

fn nuovo(caso: i64, titolo: &str, privato: bool) -> NuovoDocumento {
    NuovoDocumento {
        caso_id: caso,
        titolo: titolo.into(),
        tipo: "relazione".into(),
        data: "2026-11-20".into(),
        privato,
    }
}

fn documenti(w: &mut World, who: &str) -> Vec<sportello::domain::caso::Documento> {
    let a = actor(&w.store, who);
    match Service::new(&mut w.store)
        .read_cartella(&a, w.caso, Sezione::Documenti, true)
        .unwrap()
        .contenuto
    {
        Contenuto::Documenti(d) => d,
        other => panic!("{other:?}"),
    }
}

/// Every file under the documents folder.
fn stored_files(archivio: &Archivio) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(&archivio.dir) else {
        return out;
    };
    for d in dirs {
        for f in std::fs::read_dir(d.unwrap().path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out
}

#[test]
fn a_document_is_imported_listed_and_exported_byte_for_byte_every_read_audited() {
    let mut w = world();
    let src = w.dir.path().join("Relazione Rossi.pdf");
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&src, &bytes).unwrap();
    let social = actor(&w.store, "assistente_sociale");
    let id = Service::new(&mut w.store)
        .add_documento(
            &social,
            &w.archivio,
            &nuovo(w.caso, "Relazione sociale", false),
            &src,
        )
        .unwrap();
    let last = w.store.audit_tail(1).unwrap().remove(0);
    assert_eq!(last.event.action, "aggiungi_documento");
    assert_eq!(last.event.entity_id, Some(w.caso));

    let list = documenti(&mut w, "assistente_sociale");
    let d = list.iter().find(|d| d.id == Some(id)).unwrap();
    assert_eq!(d.titolo, "Relazione sociale");
    assert_eq!(d.nome_file, "Relazione Rossi.pdf");
    assert_eq!(d.size, 200_000);
    assert_eq!(d.sha256.len(), 64);
    let last = w.store.audit_tail(1).unwrap().remove(0);
    assert_eq!(
        (last.event.action.as_str(), last.event.section.as_deref()),
        ("leggi_cartella", Some("documenti"))
    );

    // Stored under the data directory by content, never under the operator's name, private.
    let stored = w.archivio.dir.join(&d.file);
    assert!(stored.starts_with(w.dir.path().join("dati/documenti")));
    assert_eq!(std::fs::read(&stored).unwrap(), bytes);
    assert_eq!(std::fs::metadata(&stored).unwrap().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::metadata(stored.parent().unwrap()).unwrap().mode() & 0o777,
        0o700
    );

    let out = w.dir.path().join("copia.pdf");
    Service::new(&mut w.store)
        .export_documento(&social, &w.archivio, id, &out)
        .unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    let last = w.store.audit_tail(1).unwrap().remove(0);
    assert_eq!(
        (
            last.event.action.as_str(),
            last.event.section.as_deref(),
            last.event.outcome
        ),
        ("esporta_documento", Some("documenti"), Outcome::Ok)
    );

    // A stored file altered behind sportello's back is not handed out.
    std::fs::write(&stored, b"alterato").unwrap();
    let e = Service::new(&mut w.store)
        .export_documento(&social, &w.archivio, id, &w.dir.path().join("altra.pdf"))
        .unwrap_err();
    assert!(e.to_string().contains("impronta"), "{e}");
    assert!(!w.dir.path().join("altra.pdf").exists());
}

#[test]
fn private_documents_need_dati_riservati_and_refusals_are_audited() {
    let mut w = world();
    let src = w.dir.path().join("certificato.txt");
    std::fs::write(&src, "Certificato medico").unwrap();
    let social = actor(&w.store, "assistente_sociale");
    let id = Service::new(&mut w.store)
        .add_documento(
            &social,
            &w.archivio,
            &nuovo(w.caso, "Certificato medico", true),
            &src,
        )
        .unwrap();
    // The grant is revoked: the document is listed without its title or file name.
    let sys = Actor::system(None, None);
    let ente = social.ente().unwrap();
    Service::new(&mut w.store)
        .set_riservati(&sys, "assistente_sociale", ente, false)
        .unwrap();
    let list = documenti(&mut w, "assistente_sociale");
    let d = list.iter().find(|d| d.id == Some(id)).unwrap();
    assert_eq!(d.titolo, DOCUMENTO_PRIVATO);
    assert!(d.nome_file.is_empty());

    let out = w.dir.path().join("fuori.txt");
    let e = Service::new(&mut w.store)
        .export_documento(&social, &w.archivio, id, &out)
        .unwrap_err();
    assert!(matches!(e, Error::Denied(_)), "{e}");
    assert!(e.to_string().contains("dati riservati"), "{e}");
    assert!(!out.exists());
    let last = w.store.audit_tail(1).unwrap().remove(0);
    assert_eq!(
        (last.event.action.as_str(), last.event.outcome),
        ("esporta_documento", Outcome::Denied)
    );

    let e = Service::new(&mut w.store)
        .add_documento(&social, &w.archivio, &nuovo(w.caso, "Altro", true), &src)
        .unwrap_err();
    assert!(matches!(e, Error::Denied(_)), "{e}");
    let last = w.store.audit_tail(1).unwrap().remove(0);
    assert_eq!(
        (last.event.action.as_str(), last.event.outcome),
        ("aggiungi_documento", Outcome::Denied)
    );
    assert_eq!(documenti(&mut w, "assistente_sociale").len(), 1);
}

#[test]
fn an_operator_of_another_ente_learns_nothing() {
    let mut w = world();
    let src = w.dir.path().join("decreto.txt");
    std::fs::write(&src, "Decreto del tribunale").unwrap();
    let social = actor(&w.store, "assistente_sociale");
    let id = Service::new(&mut w.store)
        .add_documento(
            &social,
            &w.archivio,
            &nuovo(w.caso, "Decreto TM", false),
            &src,
        )
        .unwrap();
    // An operator of another comune, with every permission there.
    let sys = Actor::system(None, None);
    let mut svc = Service::new(&mut w.store);
    let altro_ente = svc
        .store()
        .list_enti()
        .unwrap()
        .into_iter()
        .find(|e| Some(e.id) != social.ente())
        .unwrap()
        .id;
    let new = sportello::domain::NewOperatore {
        username: "altro".into(),
        nome: "A".into(),
        cognome: "B".into(),
        roles: sportello::domain::RoleSet::from_roles(&[sportello::domain::Role::Responsabile]),
        enti: vec![altro_ente],
        ..Default::default()
    };
    svc.add_user(&sys, &new, None).unwrap();
    svc.set_riservati(&sys, "altro", altro_ente, true).unwrap();
    let altro = actor(&w.store, "altro");
    let out = w.dir.path().join("rubato.txt");
    let e = Service::new(&mut w.store)
        .export_documento(&altro, &w.archivio, id, &out)
        .unwrap_err();
    assert_eq!(e.to_string(), format!("non trovato: documento {id}"));
    assert!(!out.exists());
    let last = w.store.audit_tail(1).unwrap().remove(0);
    assert_eq!(
        (last.username.as_str(), last.event.outcome),
        ("altro", Outcome::Denied)
    );
    let e = Service::new(&mut w.store)
        .add_documento(&altro, &w.archivio, &nuovo(w.caso, "Intruso", false), &src)
        .unwrap_err();
    assert_eq!(e.to_string(), format!("non trovato: caso {}", w.caso));
}

#[test]
fn traversal_symlinks_fifos_devices_folders_and_huge_files_are_refused() {
    let mut w = world();
    let social = actor(&w.store, "assistente_sociale");
    let base = w.dir.path().join("import");
    std::fs::create_dir_all(base.join("sotto")).unwrap();
    let victim = base.join("vero.txt");
    std::fs::write(&victim, "contenuto").unwrap();
    let link = base.join("collegamento.txt");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let fifo = base.join("pipe");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo on a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // 2 GB that take no room: a sparse file.
    let huge = base.join("enorme.iso");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(2 * 1024 * 1024 * 1024).unwrap();
    drop(f);
    let cases: Vec<(PathBuf, &str)> = vec![
        (PathBuf::from("../../etc/passwd"), "contiene «..»"),
        (base.join("sotto/../../../../etc/passwd"), "contiene «..»"),
        (base.join("sotto/../vero.txt"), "contiene «..»"),
        (link.clone(), "è un collegamento simbolico"),
        (fifo.clone(), "è una pipe (FIFO)"),
        (PathBuf::from("/dev/zero"), "è un dispositivo"),
        (base.join("sotto"), "è una cartella"),
        (
            huge.clone(),
            "è di 2048,0 MB: il limite per un documento è 50,0 MB",
        ),
        (base.join("manca.txt"), "non esiste"),
        (PathBuf::new(), "indicare il file"),
    ];
    let before = w.store.audit_tail(1).unwrap()[0].id;
    for (path, want) in &cases {
        let e = Service::new(&mut w.store)
            .add_documento(&social, &w.archivio, &nuovo(w.caso, "Prova", false), path)
            .unwrap_err();
        assert!(matches!(e, Error::Invalid(_)), "{path:?}: {e}");
        assert!(e.to_string().contains(want), "{path:?}: {e}");
    }
    assert!(documenti(&mut w, "assistente_sociale").is_empty());
    assert!(stored_files(&w.archivio).is_empty());
    // Nothing was recorded as added.
    let added = w
        .store
        .audit_tail(50)
        .unwrap()
        .into_iter()
        .take_while(|r| r.id > before)
        .filter(|r| r.event.action == "aggiungi_documento")
        .count();
    assert_eq!(added, 0);
    // A lower configured limit applies too.
    let small = Archivio {
        max_bytes: 4,
        ..w.archivio.clone()
    };
    let e = Service::new(&mut w.store)
        .add_documento(&social, &small, &nuovo(w.caso, "Prova", false), &victim)
        .unwrap_err();
    assert!(e.to_string().contains("il limite per un documento"), "{e}");
    // Bad metadata is refused before the file is read.
    let e = Service::new(&mut w.store)
        .add_documento(&social, &w.archivio, &nuovo(w.caso, "  ", false), &victim)
        .unwrap_err();
    assert!(e.to_string().contains("titolo"), "{e}");
}

#[test]
fn cli_adds_lists_and_exports_a_document_and_refuses_traversal() {
    let env = Env::new();
    let db = env.dir.path().join("demo.db");
    let caso = demo_with_cases(&db).to_string();
    let src = env.dir.path().join("verbale.txt");
    std::fs::write(&src, "Verbale dell'incontro").unwrap();
    let as_social = ["--operatore", "assistente_sociale"];
    let run = |args: &[&str]| env.run_on(&db, args, "");
    let out = run(&[
        &["caso", "documento", "add", &caso, src.to_str().unwrap()][..],
        &["--titolo", "Verbale", "--data", "2026-11-20"],
        &as_social,
    ]
    .concat());
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let id = text(&out.stdout).trim().to_string();
    assert!(text(&out.stderr).contains("aggiunto al caso"));

    let out = run(&[&["caso", "documento", "list", &caso][..], &as_social].concat());
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!(
            "{id}\t2026-11-20\tdocumento\tVerbale\tverbale.txt"
        )),
        "{}",
        text(&out.stdout)
    );

    let copy = env.dir.path().join("copia.txt");
    let out = run(&[
        &[
            "caso",
            "documento",
            "export",
            &id,
            "--out",
            copy.to_str().unwrap(),
        ][..],
        &as_social,
    ]
    .concat());
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&copy).unwrap(), b"Verbale dell'incontro");
    // Not over an existing file without --force.
    let out = run(&[
        &[
            "caso",
            "documento",
            "export",
            &id,
            "--out",
            copy.to_str().unwrap(),
        ][..],
        &as_social,
    ]
    .concat());
    assert_ne!(code(&out), 0);
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&[
        &[
            "caso",
            "documento",
            "add",
            &caso,
            "../../etc/passwd",
            "--titolo",
            "x",
        ][..],
        &as_social,
    ]
    .concat());
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("«../../etc/passwd» contiene «..»"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn cli_sets_the_categorie_of_an_ufficio_and_grants_dati_riservati() {
    let env = Env::new();
    let db = env.dir.path().join("demo.db");
    demo_with_cases(&db);
    let run = |args: &[&str]| env.run_on(&db, args, "");
    let pua = "PUA - Punto unico di accesso";
    let out = run(&["caso", "categorie", "G478", pua]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("nessuna categoria"),
        "{}",
        text(&out.stdout)
    );
    let out = run(&[
        "caso",
        "categorie",
        "G478",
        pua,
        "--imposta",
        "anziani, disabili",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        ["anziani", "disabili"]
    );
    let out = run(&[
        "caso",
        "categorie",
        "G478",
        pua,
        "--imposta",
        "anziani,astronauti",
    ]);
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("categoria sociale sconosciuta: astronauti"));
    let out = run(&["caso", "categorie", "G478", "Ufficio inesistente"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));

    let s = SqliteStore::open(&db).unwrap();
    let operatore = s.operatore_by_username("amministrativo").unwrap().unwrap();
    let ente = operatore.enti[0];
    assert!(!s.riservati(operatore.id, ente).unwrap());
    let out = run(&["caso", "riservati", "amministrativo", "G478"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("concesso"));
    assert!(s.riservati(operatore.id, ente).unwrap());
    let out = run(&["caso", "riservati", "amministrativo", "G478", "--revoca"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(!s.riservati(operatore.id, ente).unwrap());
    let audit = s.audit_tail(10).unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.event.action == "concedi_dati_riservati")
            && audit
                .iter()
                .any(|r| r.event.action == "configura_categorie_ufficio")
    );
}
