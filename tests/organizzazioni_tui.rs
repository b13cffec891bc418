//! The registry of organisations and the punti di contatto driven headless as `admin` on the demo
//! database: an organisation with its settori (a bad PEC refused on its field, a settore disabled),
//! what the scheda's «Inviato da» then offers, a conflict that loses nothing typed, a punto di
//! contatto of an ufficio; the menu entry only for who keeps the registry.

mod common;

use sportello::domain::Actor;
use sportello::domain::organizzazione::Organizzazione;
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::admin;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::organizzazioni::State;

const ORG: &str = "Cooperativa Il Ponte";

fn harness(path: &std::path::Path, user: &str) -> Harness {
    let mut h = Harness::new(
        Box::new(SqliteStore::open(path).unwrap()),
        AppConfig::headless(false),
        80,
        24,
    );
    h.login(user, sportello::demo::DEMO_PASSWORD);
    h
}

/// The cells of the selected row of the table on screen.
fn selected_row(h: &Harness) -> Vec<String> {
    let t = match &h.app.screen {
        Screen::Organizzazioni(State::Registro(l) | State::Settori(_, l)) => &l.table,
        Screen::Organizzazioni(State::Punti(_, l)) => &l.table,
        Screen::Admin(admin::State::Enti(l)) => &l.table,
        Screen::Admin(admin::State::Uffici(_, l)) => &l.table,
        _ => panic!("no table: {}", h.text()),
    };
    t.rows
        .get(t.selected)
        .map(|r| r.1.clone())
        .unwrap_or_default()
}

/// From the top, down until the selected row has a cell `name`.
fn select(h: &mut Harness, name: &str) {
    h.keys("<PageUp><PageUp><PageUp>");
    for _ in 0..40 {
        if selected_row(h).iter().any(|c| c == name) {
            return;
        }
        h.keys("<Down>");
    }
    panic!("{name} not found: {}", h.text());
}

fn shows(h: &Harness, what: &str) {
    let screen = h.text();
    assert!(screen.contains(what), "«{what}» not on screen:\n{screen}");
}

fn registered(path: &std::path::Path) -> Organizzazione {
    SqliteStore::open(path)
        .unwrap()
        .organizzazioni()
        .unwrap()
        .into_iter()
        .find(|o| o.nome == ORG)
        .expect("the organisation is stored")
}

fn actor(store: &SqliteStore, username: &str) -> Actor {
    let op = store.operatore_by_username(username).unwrap().unwrap();
    Actor::operatore(&op, None, None)
}

#[test]
fn an_admin_keeps_the_registry_and_the_punti_di_contatto() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    let mut h = harness(&path, "admin");
    shows(&h, "7  Organizzazioni del territorio");
    h.keys("7");
    shows(&h, "Consultorio familiare");

    // A new organisation; a PEC without a domain is refused on its field and nothing is stored.
    h.keys("<C-n>").paste(ORG).keys("<Tab>");
    h.keys("terzo<Enter>");
    h.keys("<PageDown><Tab><Tab><Tab><Tab>").paste("ponte@pec");
    h.keys("<C-s>");
    shows(&h, "indirizzo PEC «ponte@pec» non valido");
    shows(&h, "Correggere i campi segnalati");
    let store = SqliteStore::open(&path).unwrap();
    assert!(
        !store
            .organizzazioni()
            .unwrap()
            .iter()
            .any(|o| o.nome == ORG)
    );
    h.paste(".it").keys("<C-s>");
    shows(&h, "Organizzazione salvata");
    let o = registered(&path);
    assert_eq!(
        (o.tipo.as_str(), o.pec.as_deref(), o.settori.len()),
        ("terzo_settore", Some("ponte@pec.it"), 1)
    );
    select(&mut h, ORG);
    assert_eq!(
        selected_row(&h),
        [ORG, "Terzo settore / volontariato", "", "1", "attiva"]
    );

    // Its settori: the one named as the organisation, a sender, one that sends nobody.
    h.keys("<Enter>");
    shows(&h, &format!("Settori · {ORG}"));
    h.keys("<C-n>").paste("Sportello famiglie").keys("<C-s>");
    shows(&h, "Settore salvato");
    h.keys("<C-n>")
        .paste("Laboratorio")
        .keys("<PageDown><Space><C-s>");
    shows(&h, "Settore salvato");
    select(&mut h, "Laboratorio");
    assert_eq!(selected_row(&h)[2..], ["- L E", "attivo"]);
    // The first settore is disabled.
    select(&mut h, ORG);
    h.keys("<C-e>");
    shows(&h, &format!("Settore s{}: {ORG}", o.settori[0].id));
    h.keys("<PageDown><Tab><Tab><Tab><Space><C-s>");
    shows(&h, "Settore salvato");
    assert_eq!(selected_row(&h)[3], "non attivo");
    let o = registered(&path);
    let flags: Vec<_> = o
        .settori
        .iter()
        .map(|s| (s.nome.as_str(), s.inviante, s.attivo))
        .collect();
    assert_eq!(
        flags,
        [
            (ORG, true, false),
            ("Laboratorio", false, true),
            ("Sportello famiglie", true, true)
        ]
    );

    // «Inviato da» on a scheda offers the sender settore only.
    let mut store = SqliteStore::open(&path).unwrap();
    let sportello = actor(&store, "sportello");
    let mut svc = Service::new(&mut store);
    let lists = svc
        .form_lists(&sportello, ["settori_invianti"], false)
        .unwrap();
    let labels: Vec<&str> = lists["settori_invianti"]
        .iter()
        .map(|(_, l)| l.as_str())
        .collect();
    assert!(
        labels.contains(&"Cooperativa Il Ponte · Sportello famiglie"),
        "{labels:?}"
    );
    assert!(
        !labels
            .iter()
            .any(|l| l.starts_with(ORG) && *l != "Cooperativa Il Ponte · Sportello famiglie"),
        "{labels:?}"
    );

    // Another administrator saves the organisation while this one edits a settore: the save is
    // refused, what was typed waits in the draft and is saved on the stored version.
    select(&mut h, "Sportello famiglie");
    h.keys("<C-e><Tab>").paste("075 555");
    let admin = actor(&store, "admin");
    let mut other = registered(&path);
    other.telefono = Some("075 000".into());
    Service::new(&mut store)
        .save_organizzazione(&admin, &other)
        .unwrap();
    h.keys("<C-s>");
    shows(&h, "conflitto");
    h.keys("<Enter><Esc>");
    select(&mut h, "Sportello famiglie");
    h.keys("<C-e>");
    shows(&h, "bozza");
    h.keys("<C-r>");
    shows(&h, "075 555");
    h.keys("<C-s>");
    shows(&h, "Settore salvato");
    let o = registered(&path);
    assert_eq!(o.telefono.as_deref(), Some("075 000"));
    let famiglie = o.settori.iter().find(|s| s.nome == "Sportello famiglie");
    assert_eq!(famiglie.unwrap().telefono.as_deref(), Some("075 555"));

    // A punto di contatto of an ufficio, from the uffici of its ente (Ctrl+T).
    h.keys("<Esc><Esc><Esc>");
    shows(&h, "5  Enti e uffici");
    h.keys("5");
    select(&mut h, "Comune di Perugia");
    h.keys("<Enter>");
    select(&mut h, "Segretariato sociale - Centro");
    shows(&h, "Ctrl+T Punti di contatto");
    h.keys("<C-t>");
    shows(&h, "Punti di contatto · Segretariato sociale - Centro");
    h.keys("<C-n>")
        .paste("Sportello di quartiere")
        .keys("<Tab>")
        .paste("Via del Ponte 3")
        .keys("<C-s>");
    shows(&h, "Punto di contatto salvato");
    select(&mut h, "Sportello di quartiere");
    assert_eq!(
        selected_row(&h),
        ["Sportello di quartiere", "Via del Ponte 3", "", "attivo"]
    );
}

#[test]
fn only_who_keeps_the_registry_sees_it_in_the_menu() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    for user in ["sportello", "responsabile", "assistente_sociale"] {
        let h = harness(&path, user);
        shows(&h, "1  ");
        assert!(
            !h.text().contains("Organizzazioni del territorio"),
            "{user}: {}",
            h.text()
        );
    }
}
