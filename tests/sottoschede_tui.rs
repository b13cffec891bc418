//! The sub-form of a special service, headless at 80×24: a richiesta of intermediazione abitativa
//! shows its section once the servizio is chosen; a canone that is not an amount is refused in
//! Italian; filled, saved, reopened with its values; its consuntivo screen shows them read only.

mod common;

use common::form::{fill, focused};

use serde_json::Value;
use sportello::demo;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::{allegati, richieste, schede};

fn is_richiesta_form(h: &Harness) -> bool {
    matches!(
        h.app.screen,
        Screen::Richieste(richieste::State::Richiesta(..))
    )
}

#[test]
fn a_richiesta_of_intermediazione_abitativa_with_its_sub_form() {
    let dir = tempfile::tempdir().unwrap();
    let (path, scheda) = common::fixture::scheda_di_oggi(dir.path());
    let config = AppConfig {
        output_dir: dir.path().to_path_buf(),
        ..AppConfig::headless(false)
    };
    let mut h = Harness::new(Box::new(SqliteStore::open(&path).unwrap()), config, 80, 24);
    h.login("sportello", demo::DEMO_PASSWORD);
    h.keys("2<Enter>");
    assert!(
        matches!(h.app.screen, Screen::Schede(schede::State::Form(..))),
        "{}",
        h.text()
    );
    h.keys("<C-o><C-n>");
    assert!(is_richiesta_form(&h), "{}", h.text());
    let shown = |h: &Harness, id: &str| h.app.form().unwrap().shown(id);
    assert!(
        !shown(&h, "tipo_ricerca"),
        "no sub-form before the servizio"
    );
    fill(&mut h, "servizio", "intermediazione ab<Enter>");
    assert!(shown(&h, "tipo_ricerca") && !shown(&h, "lingua_mediazione"));

    // The sub-form is the richiesta's second section.
    h.keys("<C-g>2");
    assert_eq!(focused(&h), "tipo_ricerca", "{}", h.text());
    h.keys("locazione<Enter>");
    fill(
        &mut h,
        "problemi_alloggio",
        "canone<Space><C-u>vicini<Space><Enter>",
    );
    fill(&mut h, "arredo", "non ammob<Enter>");
    fill(&mut h, "canone_massimo", "quattrocento");
    fill(&mut h, "zona", "Perugia, zona Elce");
    h.keys("<C-s>");
    assert!(is_richiesta_form(&h), "refused: {}", h.text());
    let e = h
        .app
        .form()
        .unwrap()
        .field("canone_massimo")
        .unwrap()
        .error
        .clone();
    assert!(
        e.as_deref()
            .is_some_and(|e| e.contains("Importo non valido")),
        "{e:?}"
    );
    fill(&mut h, "canone_massimo", "<C-u>450");
    fill(&mut h, "persone_alloggio", "3");
    insta::assert_snapshot!("richiesta_abitativa", h.text());
    h.keys("<C-s>");
    assert!(
        matches!(h.app.screen, Screen::Richieste(richieste::State::Righe(..))),
        "saved, its consuntivo opens:\n{}",
        h.text()
    );
    let righe = h.text();
    assert!(
        righe.contains("Tipo di ricerca: Ricerca locazione"),
        "read only on the consuntivo screen: {righe}"
    );
    assert!(righe.contains("Canone massimo €/mese: 450,00 €"), "{righe}");

    let stored = SqliteStore::open(&path).unwrap().richieste(scheda).unwrap();
    assert_eq!(stored.len(), 1);
    let d: Value = serde_json::from_str(stored[0].dettagli.as_deref().unwrap()).unwrap();
    assert_eq!(d["tipo_ricerca"], "locazione");
    assert_eq!(d["problemi_alloggio"], "canone,vicini");
    assert_eq!(d["arredo"], "non_ammobiliata");
    assert_eq!(d["canone_massimo"], 45000);
    assert_eq!(d["zona"], "Perugia, zona Elce");
    assert_eq!(d["persone_alloggio"], 3);
    assert!(
        d.get("lingua_mediazione").is_none(),
        "only the sub-form shown"
    );

    // Reopened for an edit: the sub-form keeps its values.
    h.keys("<Esc><C-e>");
    assert!(is_richiesta_form(&h), "{}", h.text());
    let f = h.app.form().unwrap();
    assert_eq!(f.value("tipo_ricerca"), "locazione");
    assert_eq!(f.value("canone_massimo"), "450,00");
    assert_eq!(f.value("zona"), "Perugia, zona Elce");
}

#[test]
fn the_documents_of_a_scheda_from_its_form() {
    let dir = tempfile::tempdir().unwrap();
    let (path, scheda) = common::fixture::scheda_di_oggi(dir.path());
    let out = dir.path().join("uscita");
    std::fs::create_dir_all(&out).unwrap();
    let config = AppConfig {
        output_dir: out.clone(),
        archivio: sportello::service::casi_documenti::Archivio::of_database(&path, 5),
        ..AppConfig::headless(false)
    };
    let mut h = Harness::new(Box::new(SqliteStore::open(&path).unwrap()), config, 100, 30);
    h.login("sportello", demo::DEMO_PASSWORD);
    h.keys("2<Enter>");
    assert!(
        h.text().lines().last().unwrap().contains("F7 Documenti"),
        "the footer offers it: {}",
        h.text()
    );
    h.keys("<F7>");
    assert!(
        matches!(h.app.screen, Screen::Allegati(allegati::State::Lista(_))),
        "{}",
        h.text()
    );
    assert!(h.text().contains("Nessun documento"), "{}", h.text());

    // A new one from a file on the server.
    let src = dir.path().join("sfratto.pdf");
    std::fs::write(&src, b"%PDF-1.4 atto di sfratto").unwrap();
    h.keys("<C-n>");
    assert!(
        matches!(h.app.screen, Screen::Allegati(allegati::State::Nuovo(..))),
        "{}",
        h.text()
    );
    fill(&mut h, "file", "/non/esiste.pdf");
    fill(&mut h, "titolo", "Atto di sfratto");
    h.keys("<C-s>");
    assert!(
        h.text().contains("il file «/non/esiste.pdf» non esiste"),
        "refused in Italian, the form stays: {}",
        h.text()
    );
    h.keys("<Enter>");
    fill(&mut h, "file", "<C-u>");
    h.paste(src.to_str().unwrap());
    h.keys("<C-s>");
    assert!(
        matches!(h.app.screen, Screen::Allegati(allegati::State::Lista(_))),
        "{}",
        h.text()
    );
    let list = h.text();
    assert!(
        list.contains("Atto di sfratto") && list.contains("sfratto.pdf"),
        "{list}"
    );
    let stored = SqliteStore::open(&path)
        .unwrap()
        .documenti_scheda(scheda)
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].created_by, "sportello");

    // Enter: a copy in the office folder.
    h.keys("<Enter>");
    let copies: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}\n{}", h.text());
    assert_eq!(
        std::fs::read(&copies[0]).unwrap(),
        b"%PDF-1.4 atto di sfratto"
    );
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
