//! Issue 14 point 4, the valutazioni: the multidimensional assessment is a form of `screens/`
//! (`valutazione_*.toml`) stored with its form and version, and a Regione's own grid added to the
//! screens folder is used without a rebuild; the SINBA assessment is for minors only; both need
//! "dati riservati" (refusals audited).

mod common;

use serde_json::Value;
use sportello::demo;
use sportello::domain::caso::{Sezione, Valutazione};
use sportello::domain::scheda::SchedaEdit;
use sportello::domain::{Actor, Outcome};
use sportello::service::Service;
use sportello::service::casi::Contenuto;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::casi::State;
use sportello::ui::harness::Harness;
use sportello::ui::popup::Popup;

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

/// The demo with its cases at `path`; returns a case of an adult.
fn demo_with_cases(path: &std::path::Path) -> i64 {
    common::fixture::demo_at(path, 60);
    let mut s = SqliteStore::open(path).unwrap();
    let sys = Actor::system(None, None);
    assert!(demo::casi(&mut s, &sys, today()).unwrap() > 0);
    let social = actor(&s, "assistente_sociale");
    Service::new(&mut s)
        .list_casi(&social, &Default::default(), false)
        .unwrap()[0]
        .id
}

/// A case of a minor: the front desk proposes them, the social worker takes them in charge.
fn minor_case(s: &mut SqliteStore) -> i64 {
    let minore = (1..=60)
        .filter_map(|id| s.soggetto(id).unwrap())
        .find(|p| {
            p.data_decesso.is_none()
                && p.data_nascita
                    .as_deref()
                    .is_some_and(|d| ("2012".."2024").contains(&d))
        })
        .expect("a minor in the demo")
        .id;
    let front = actor(s, "sportello");
    let social = actor(s, "assistente_sociale");
    let mut e = SchedaEdit {
        soggetto_id: minore,
        data_accesso: "2026-11-20".into(),
        operatore: "sportello".into(),
        esito: Some("pic".into()),
        bisogni: vec!["b102".into()],
        servizi: vec!["info".into()],
        categorie_sociali: vec!["famiglia_minori".into()],
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "parente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "persona"),
        ("telefono", "075 1234567"),
        ("int_cognome", "Rossi"),
        ("int_nome", "Anna"),
        ("bisogni_altro", "Sostegno scolastico"),
    ] {
        e.dati.insert(k.into(), Value::from(v));
        e.dati
            .insert("senza_fissa_dimora".into(), Value::Bool(true));
    }
    let mut svc = Service::new(s);
    let saved = svc.save_scheda(&front, &e, false, today()).unwrap();
    assert!(saved.proposta_ente.is_some(), "{:?}", saved.problemi);
    let p = svc
        .proposte(&social, false)
        .unwrap()
        .into_iter()
        .find(|p| p.soggetto_id == minore)
        .unwrap();
    svc.prendi_in_carico(&social, p.id, today()).unwrap()
}

fn sinba(caso_id: i64) -> Valutazione {
    Valutazione {
        caso_id,
        modulo: "valutazione_sinba".into(),
        modulo_versione: 1,
        data: "2026-11-25".into(),
        dati: r#"{"fonte_segnalazione":"13","luogo_vita":"1","valutazione_minore":"13","valutazione_famiglia":"12"}"#.into(),
        ..Default::default()
    }
}

#[test]
fn assessments_are_stored_with_their_form_and_version_sinba_only_for_minors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    let adult = demo_with_cases(&path);
    let mut s = SqliteStore::open(&path).unwrap();
    let social = actor(&s, "assistente_sociale");
    let minor = minor_case(&mut s);
    let mut svc = Service::new(&mut s);

    let multi = Valutazione {
        caso_id: adult,
        modulo: "valutazione_multidimensionale".into(),
        modulo_versione: 1,
        data: "2026-11-25".into(),
        dati: r#"{"adl":"2","rete":"3","sintesi":"Rete familiare assente"}"#.into(),
        ..Default::default()
    };
    svc.save_valutazione(&social, &multi).unwrap();
    let e = svc.save_valutazione(&social, &sinba(adult)).unwrap_err();
    assert!(e.to_string().contains("riguarda i minori"), "{e}");
    svc.save_valutazione(&social, &sinba(minor)).unwrap();
    let e = svc
        .save_valutazione(
            &social,
            &Valutazione {
                modulo: "persona".into(),
                ..sinba(minor)
            },
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("non è un modulo di valutazione"),
        "{e}"
    );

    let c = svc
        .read_cartella(&social, adult, Sezione::Valutazioni, true)
        .unwrap();
    let Contenuto::Valutazioni(rows) = c.contenuto else {
        panic!()
    };
    let mine = rows
        .iter()
        .find(|r| r.dati.contains("Rete familiare assente"))
        .expect("the assessment just saved");
    assert_eq!(
        (
            mine.tipo.as_str(),
            mine.modulo.as_str(),
            mine.modulo_versione
        ),
        ("multidimensionale", "valutazione_multidimensionale", 1)
    );
    let c = svc
        .read_cartella(&social, minor, Sezione::Valutazioni, true)
        .unwrap();
    let Contenuto::Valutazioni(rows) = c.contenuto else {
        panic!()
    };
    assert_eq!(rows[0].tipo, "sinba");

    // Without "dati riservati": neither read nor written, and the refusals are audited.
    let sys = Actor::system(None, None);
    svc.set_riservati(&sys, "assistente_sociale", social.ente().unwrap(), false)
        .unwrap();
    let e = svc
        .read_cartella(&social, adult, Sezione::Valutazioni, true)
        .unwrap_err();
    assert!(e.to_string().contains("dati riservati"), "{e}");
    let e = svc.save_valutazione(&social, &multi).unwrap_err();
    assert!(e.to_string().contains("dati riservati"), "{e}");
    let last = svc.store().audit_tail(1).unwrap().remove(0);
    assert_eq!(
        (last.event.action.as_str(), last.event.outcome),
        ("salva_valutazione", Outcome::Denied)
    );
}

/// A Regione's grid, dropped into the screens folder.
const UMBRIA: &str = r#"
[form]
id = "valutazione_umbria"
title = "Scheda di valutazione Regione Umbria"
theme = "cartella"
version = 2

[[section]]
id = "griglia"
title = "Griglia regionale"

[[section.field]]
id = "data"
label = "Data"
kind = "date"
required = true

[[section.field]]
id = "mobilita"
label = "Mobilità"
kind = "code_list"
code_list = "punteggio"

[[section.field]]
id = "osservazioni"
label = "Osservazioni"
kind = "text"
max_len = 200
"#;

#[test]
fn a_regione_grid_in_the_screens_folder_is_used_without_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let screens = dir.path().join("screens");
    std::fs::create_dir(&screens).unwrap();
    std::fs::write(screens.join("valutazione_umbria.toml"), UMBRIA).unwrap();
    // A grid whose id is not its file's name is refused with the file named.
    std::fs::write(
        screens.join("valutazione_lazio.toml"),
        UMBRIA.replace("valutazione_umbria", "valutazione_x"),
    )
    .unwrap();
    let e = sportello::ui::load_screens(Some(&screens)).unwrap_err();
    assert!(
        e.contains("valutazione_lazio.toml") && e.contains("deve chiamarsi come il file"),
        "{e}"
    );
    std::fs::remove_file(screens.join("valutazione_lazio.toml")).unwrap();
    let (forms, defs) = sportello::ui::load_screens(Some(&screens)).unwrap();
    assert_eq!(defs["valutazione_umbria"].version, 2);
    assert_eq!(defs["valutazione_multidimensionale"].version, 1);

    let path = dir.path().join("d.db");
    demo_with_cases(&path);
    let config = AppConfig {
        forms,
        defs,
        ..AppConfig::headless(false)
    };
    let mut h = Harness::new(Box::new(SqliteStore::open(&path).unwrap()), config, 100, 30);
    h.login("assistente_sociale", demo::DEMO_PASSWORD);
    h.keys("3");
    h.keys("2<Enter>");
    let caso_id = match &h.app.screen {
        Screen::Casi(State::Caso(c)) => c.caso_id,
        _ => panic!("{}", h.text()),
    };
    let pos = Sezione::ALL
        .iter()
        .position(|s| *s == Sezione::Valutazioni)
        .unwrap();
    for _ in 0..pos {
        h.keys("<PageDown>");
    }
    h.keys("<C-n>");
    let options = match &h.app.popup {
        Some(Popup::Choice { options, .. }) => options.clone(),
        _ => panic!("{}", h.text()),
    };
    let umbria = options
        .iter()
        .position(|o| o == "Scheda di valutazione Regione Umbria")
        .unwrap_or_else(|| panic!("{options:?}"));
    assert!(options.contains(&"Valutazione SINBA (minori)".to_string()));
    h.keys(&(umbria + 1).to_string());
    assert_eq!(h.app.screen_name(), "valutazione", "{}", h.text());
    h.keys("<Tab>");
    h.keys("moderato<Enter>");
    h.keys("<Tab>");
    h.paste("Cammina con il deambulatore");
    h.keys("<C-s>");
    if let Some(Popup::Message { text, error: true }) = &h.app.popup {
        panic!("{text}");
    }
    let text = h.text();
    assert!(
        text.contains("Scheda di valutazione Regione Umbria") && text.contains("versione 2"),
        "{text}"
    );
    assert!(
        text.contains("2 — moderato") && text.contains("deambulatore"),
        "{text}"
    );
    let s = SqliteStore::open(&path).unwrap();
    let v = &s.valutazioni(caso_id).unwrap()[0];
    assert_eq!(
        (v.modulo.as_str(), v.modulo_versione, v.tipo.as_str()),
        ("valutazione_umbria", 2, "multidimensionale")
    );
}
