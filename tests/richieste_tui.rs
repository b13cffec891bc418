//! The richieste of a scheda at the desk, headless on the real app: from the scheda form Ctrl+O
//! opens its richieste, two richieste each get a consuntivo row, the scheda is saved, reopened,
//! and its richieste are there with their minutes; a richiesta saved meanwhile by someone else
//! keeps the form and says so; the report from the menu lands in the office folder; the ufficio
//! form carries the office's switches.

mod common;

use sportello::demo;
use sportello::domain::Actor;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::{richieste, schede};

fn harness(path: &std::path::Path, out: &std::path::Path, user: &str) -> Harness {
    let config = AppConfig {
        output_dir: out.to_path_buf(),
        ..AppConfig::headless(false)
    };
    let mut h = Harness::new(Box::new(SqliteStore::open(path).unwrap()), config, 120, 32);
    h.login(user, demo::DEMO_PASSWORD);
    h
}

fn footer(h: &Harness) -> String {
    h.text().lines().last().unwrap_or_default().to_string()
}

/// From the home screen to the form of the newest scheda.
fn open_scheda(h: &mut Harness) {
    h.keys("2<Enter>");
    assert!(
        matches!(h.app.screen, Screen::Schede(schede::State::Form(..))),
        "{}",
        h.text()
    );
}

/// A richiesta (servizio typed as in the picker) with one consuntivo row.
fn add_richiesta(h: &mut Harness, servizio: &str, tipo: &str, durata: &str) {
    h.keys("<C-n>");
    assert!(
        matches!(
            h.app.screen,
            Screen::Richieste(richieste::State::Richiesta(..))
        ),
        "{}",
        h.text()
    );
    h.keys("<Tab>").keys(servizio).keys("<Enter><C-s>");
    assert!(
        matches!(h.app.screen, Screen::Richieste(richieste::State::Righe(..))),
        "a new richiesta opens its consuntivo:\n{}",
        h.text()
    );
    assert!(h.text().contains("Nessuna attività"), "{}", h.text());
    h.keys("<C-n><Tab>")
        .keys(tipo)
        .keys("<Enter><Tab>")
        .keys(durata);
    h.keys("<C-s>");
    assert!(
        matches!(h.app.screen, Screen::Richieste(richieste::State::Righe(..))),
        "{}",
        h.text()
    );
    h.keys("<Esc>");
}

#[test]
fn two_richieste_with_their_consuntivo_stay_with_the_scheda() {
    let dir = tempfile::tempdir().unwrap();
    let (path, scheda) = common::fixture::scheda_di_oggi(dir.path());
    let mut h = harness(&path, dir.path(), "sportello");
    open_scheda(&mut h);
    assert!(
        footer(&h).contains("Richieste e consuntivo"),
        "{}",
        footer(&h)
    );
    h.keys("<C-o>");
    assert!(
        matches!(h.app.screen, Screen::Richieste(richieste::State::Lista(_))),
        "{}",
        h.text()
    );
    assert!(h.text().contains("Nessuna richiesta"), "{}", h.text());
    add_richiesta(&mut h, "orientamento / inse", "gestione e lav", "1h30");
    add_richiesta(&mut h, "informazione e or", "richiesta inf", "45");
    let list = h.text();
    assert!(list.contains("Orientamento / inserimento lavoro"), "{list}");
    assert!(list.contains("1 · 1 h 30 min"), "{list}");
    assert!(list.contains("Informazione e orientamento"), "{list}");
    assert!(list.contains("1 · 45 min"), "{list}");
    // Back to the scheda, saved, closed, reopened: the richieste are there.
    h.keys("<Esc>");
    assert!(
        matches!(h.app.screen, Screen::Schede(schede::State::Form(..))),
        "{}",
        h.text()
    );
    h.keys("<C-s><Esc><Esc><Esc>");
    open_scheda(&mut h);
    h.keys("<C-o>");
    let list = h.text();
    assert!(list.contains("1 · 1 h 30 min"), "{list}");
    assert!(list.contains("1 · 45 min"), "{list}");
    // Enter on the first: its consuntivo row.
    h.keys("<Enter>");
    let rows = h.text();
    assert!(
        rows.contains("2 Gestione e lavorazione richiesta"),
        "{rows}"
    );
    assert!(rows.contains("totale 1 h 30 min"), "{rows}");
    let store = SqliteStore::open(&path).unwrap();
    let stored = store.richieste(scheda).unwrap();
    assert_eq!(stored.len(), 2);
    let minuti: Vec<i64> = stored.iter().map(|r| r.minuti()).collect();
    assert_eq!(minuti, [90, 45]);
    let servizi = store.scheda(scheda).unwrap().unwrap().edit.servizi;
    assert_eq!(servizi, ["lavoro", "info"]);
}

#[test]
fn a_richiesta_saved_meanwhile_keeps_the_form_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (path, scheda) = common::fixture::scheda_di_oggi(dir.path());
    let mut h = harness(&path, dir.path(), "sportello");
    open_scheda(&mut h);
    h.keys("<C-o>");
    add_richiesta(&mut h, "informazione e or", "richiesta inf", "30");
    // Edit it (Ctrl+E) while another session changes it.
    h.keys("<C-e>");
    assert!(
        matches!(
            h.app.screen,
            Screen::Richieste(richieste::State::Richiesta(..))
        ),
        "{}",
        h.text()
    );
    {
        let mut other = SqliteStore::open(&path).unwrap();
        let op = other.operatore_by_username("sportello").unwrap().unwrap();
        let a = Actor::operatore(&op, None, None);
        let mut r = other.richieste(scheda).unwrap().remove(0);
        r.erogatore = Some("Caritas".into());
        other.save_richiesta(&a, &r).unwrap();
    }
    h.keys("<Tab><Tab><Tab><Tab>").keys("Comune").keys("<C-s>");
    let screen = h.text();
    assert!(screen.contains("conflitto"), "{screen}");
    assert!(
        matches!(
            h.app.screen,
            Screen::Richieste(richieste::State::Richiesta(..))
        ),
        "the form stays: {screen}"
    );
    assert_eq!(h.app.form().unwrap().value("erogatore"), "Comune");
}

#[test]
fn another_operators_richieste_are_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = common::fixture::scheda_di_oggi(dir.path());
    let mut h = harness(&path, dir.path(), "assistente_sociale");
    open_scheda(&mut h);
    h.keys("<C-o><C-n>");
    assert!(
        matches!(h.app.screen, Screen::Richieste(richieste::State::Lista(_))),
        "{}",
        h.text()
    );
    assert!(h.text().contains("Sola lettura"), "{}", h.text());
}

#[test]
fn the_report_from_the_menu_lands_in_the_office_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = common::fixture::scheda_di_oggi(dir.path());
    let out = dir.path().join("uscita");
    std::fs::create_dir_all(&out).unwrap();
    let mut h = harness(&path, &out, "responsabile");
    let home = h.text();
    assert!(home.contains("Rapporto attività dello sportello"), "{home}");
    let n = home
        .lines()
        .find(|l| l.contains("Rapporto attività dello sportello"))
        .and_then(|l| l.trim_start().chars().find(|c| c.is_ascii_digit()))
        .unwrap();
    h.keys(&n.to_string());
    let form = h.text();
    assert!(form.contains("12/2026"), "last month proposed: {form}");
    assert!(form.contains("Segretariato sociale - Centro"), "{form}");
    h.keys("<C-s>");
    let screen = h.text();
    assert!(screen.contains(".xlsx"), "{screen}");
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("attivita-sportello-2026-12-responsabile-")),
        "{files:?}"
    );
}

#[test]
fn the_ufficio_form_carries_the_office_switches() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = common::fixture::scheda_di_oggi(dir.path());
    let mut h = harness(&path, dir.path(), "admin");
    // 5: Enti e uffici; the uffici of the admin's ente; the first ufficio's form.
    let perugia = SqliteStore::open(&path)
        .unwrap()
        .ente_by_code("G478")
        .unwrap()
        .unwrap()
        .id
        .to_string();
    h.keys("5");
    for _ in 0..6 {
        match &h.app.screen {
            Screen::Admin(sportello::ui::admin::State::Enti(l))
                if l.table.selected_key() != Some(perugia.as_str()) =>
            {
                h.keys("<Down>");
            }
            _ => break,
        }
    }
    h.keys("<Enter>");
    let ufficio: i64 = match &h.app.screen {
        Screen::Admin(sportello::ui::admin::State::Uffici(_, l)) => {
            l.table.selected_key().unwrap().parse().unwrap()
        }
        _ => panic!("not the uffici: {}", h.text()),
    };
    h.keys("<Enter>");
    assert!(
        h.text().contains("Impostazioni dello sportello"),
        "{}",
        h.text()
    );
    assert_eq!(h.app.form().unwrap().value("req_servizi"), "false");
    // Section 4, second switch: REQ_SERVIZI on; and VIS_INTERVENTI.
    h.keys("<C-g>4<Tab><Space><Tab><Tab><Space><C-s>");
    assert!(h.text().contains("Salvato"), "{}", h.text());
    let s = SqliteStore::open(&path)
        .unwrap()
        .impostazioni_ufficio(ufficio)
        .unwrap();
    assert_eq!(
        (
            s.req_bisogni,
            s.req_servizi,
            s.req_stranieri,
            s.vis_interventi
        ),
        (false, true, false, true)
    );
    // Reopened, the form shows them; saving without changes leaves the version alone.
    h.keys("<Enter>");
    assert_eq!(h.app.form().unwrap().value("req_servizi"), "true");
    h.keys("<C-s>");
    let again = SqliteStore::open(&path)
        .unwrap()
        .impostazioni_ufficio(ufficio)
        .unwrap();
    assert_eq!(again.version, s.version);
}
