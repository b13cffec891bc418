//! The anagrafe at the desk, driven through the real app: a new person from the search box (the
//! codice fiscale fills the rest), the homonym question, editing with a conflict, anonymous users,
//! the privacy consent and the search markers.

mod common;

use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::cf::{self, Sesso};
use sportello::domain::persona::PersonaEdit;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::anagrafe;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::popup::Popup;

fn harness_on(path: &std::path::Path) -> Harness {
    let s = SqliteStore::open(path).unwrap();
    let mut h = Harness::new(Box::new(s), AppConfig::headless(false), 80, 24);
    h.login("sportello", demo::DEMO_PASSWORD).keys("1");
    h
}

fn demo_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    (dir, path)
}

fn form_value(h: &Harness, id: &str) -> String {
    match h.app.form() {
        Some(f) => f.value(id),
        None => panic!("not a form:\n{}", h.text()),
    }
}

fn card_id(h: &Harness) -> i64 {
    match &h.app.screen {
        Screen::Anagrafe(anagrafe::State::Persona(p)) => p.soggetto.id,
        _ => panic!("not a person card:\n{}", h.text()),
    }
}

#[test]
fn a_new_person_is_prefilled_from_the_search_and_completed_by_the_codice_fiscale() {
    let (_d, path) = demo_db();
    let mut h = harness_on(&path);
    h.keys("zuliani ottavia");
    h.keys("<C-n>");
    assert!(h.text().contains("Persona: nuova"), "{}", h.text());
    assert_eq!(form_value(&h, "cognome"), "Zuliani");
    assert_eq!(form_value(&h, "nome"), "Ottavia");
    // The codice fiscale is the first field: typing it fills sex, birth date and birthplace.
    let code = cf::compute("Zuliani", "Ottavia", Sesso::F, 1984, 7, 3, "G478");
    h.keys(&code.to_lowercase());
    assert_eq!(form_value(&h, "sesso"), "F");
    assert_eq!(form_value(&h, "data_nascita"), "03/07/1984");
    assert_eq!(form_value(&h, "luogo_nascita"), "G478");
    h.keys("<C-s>");
    let screen = h.text();
    assert!(screen.contains("Scheda persona"), "{screen}");
    assert!(screen.contains(&code), "{screen}");
    assert!(screen.contains("Persona salvata"), "{screen}");
    assert!(screen.contains("inserita allo sportello"), "{screen}");
    let id = card_id(&h);
    let tail = h.store.audit_tail(3).unwrap();
    assert!(
        tail.iter()
            .any(|r| r.event.action == "crea_soggetto" && r.event.entity_id == Some(id))
    );
    // Back on the search, the new person is found.
    h.keys("<Esc>");
    assert!(h.text().contains(&code), "{}", h.text());
}

#[test]
fn a_code_that_does_not_match_warns_and_a_bad_one_blocks_the_save() {
    let (_d, path) = demo_db();
    let mut h = harness_on(&path);
    h.keys("verdi anna <C-n>");
    let other = cf::compute("Rossi", "Mario", Sesso::M, 1980, 3, 12, "G478");
    h.keys(&other);
    assert!(h.text().contains("cognome non corrisponde"), "{}", h.text());
    // A wrong check character: the save is refused with the reason beside the field.
    h.keys("<BS>X<C-s>");
    let screen = h.text();
    assert!(screen.contains("carattere di controllo"), "{screen}");
    assert!(h.app.form().is_some());
}

#[test]
fn the_same_name_and_birth_date_asks_before_registering_another_person() {
    let (_d, path) = demo_db();
    let existing = SqliteStore::open(&path)
        .unwrap()
        .soggetto(3)
        .unwrap()
        .unwrap();
    let mut h = harness_on(&path);
    let date = existing.data_nascita.clone().unwrap();
    let (y, m, d) = (&date[0..4], &date[5..7], &date[8..10]);
    h.keys(&format!(
        "{} {} {d}/{m}/{y}",
        existing.cognome, existing.nome
    ));
    h.keys("<C-n>");
    // Code left empty (a provisional one is assigned): sex and birthplace by hand.
    h.keys("<Tab><Tab><Tab>");
    h.keys(existing.sesso.as_deref().unwrap());
    h.keys("<Enter><Tab><Tab>");
    h.keys("perugia<Enter>");
    h.keys("<C-s>");
    let Some(Popup::Confirm { text, .. }) = &h.app.popup else {
        panic!("expected the homonym question:\n{}", h.text());
    };
    assert!(text.contains("stesso nome e data di nascita"), "{text}");
    assert!(h.text().contains("Conferma"), "{}", h.text());
    h.keys("<Enter>");
    let id = card_id(&h);
    assert_ne!(id, existing.id);
    assert!(h.text().contains("provvisorio"), "{}", h.text());
}

#[test]
fn editing_a_person_records_history_and_a_concurrent_change_keeps_the_typed_text() {
    let (_d, path) = demo_db();
    let mut h = harness_on(&path);
    let p = SqliteStore::open(&path)
        .unwrap()
        .soggetto(5)
        .unwrap()
        .unwrap();
    h.keys(p.codice_fiscale.as_deref().unwrap()).keys("<Enter>");
    assert_eq!(card_id(&h), 5);
    h.keys("<C-e>");
    assert!(h.text().contains("Persona:"), "{}", h.text());
    // To the Recapiti section, telefono field.
    h.keys("<C-g>4");
    assert_eq!(
        h.app
            .form()
            .map(|f| f.focused().unwrap().spec.id.clone())
            .unwrap_or_default(),
        "telefono"
    );
    h.keys("<C-u>");
    h.keys("075 5550001");
    // Meanwhile another session changes the same person.
    let mut other = SqliteStore::open(&path).unwrap();
    let now = other.soggetto(5).unwrap().unwrap();
    let mut e = PersonaEdit::from_soggetto(&now, Some(&now.extra));
    e.set("email", Some("altra@example.it"));
    other
        .save_persona(&Actor::system(None, None), &e, None)
        .unwrap();
    h.keys("<C-s>");
    let Some(Popup::Message { text, error: true }) = &h.app.popup else {
        panic!("expected the conflict:\n{}", h.text());
    };
    assert!(text.contains("modificato da un altro operatore"), "{text}");
    // What was typed is kept, on screen and as a draft.
    assert_eq!(form_value(&h, "telefono"), "075 5550001");
    let drafts = h
        .store
        .list_drafts(h.app.session.as_ref().unwrap().actor.operatore_id.unwrap())
        .unwrap();
    assert!(
        drafts
            .iter()
            .any(|d| d.form == "persona" && d.content.contains("075 5550001"))
    );
    // Reopening from a fresh card and saving again works; the history shows the change.
    h.keys("<Esc><Esc><Esc>");
    h.keys("<Enter><C-e>");
    assert!(
        matches!(h.app.popup, Some(Popup::RestoreDraft { .. })),
        "{}",
        h.text()
    );
    h.keys("<Enter>");
    h.keys("<C-s>");
    let screen = h.text();
    assert!(screen.contains("Persona salvata"), "{screen}");
    assert!(
        screen.contains("telefono"),
        "history on the card:\n{screen}"
    );
    let s = h.store.soggetto(5).unwrap().unwrap();
    assert_eq!(s.telefono.as_deref(), Some("075 5550001"));
    assert_eq!(
        s.email.as_deref(),
        Some("altra@example.it"),
        "the other change is kept"
    );
}

#[test]
fn an_anonymous_user_gets_an_alias_and_the_signed_consent_shows_as_a_marker() {
    let (_d, path) = demo_db();
    let mut h = harness_on(&path);
    h.keys("<C-b>");
    assert!(matches!(h.app.popup, Some(Popup::Confirm { .. })));
    h.keys("<Enter>");
    let screen = h.text();
    assert!(screen.contains("Utente anonimo registrato"), "{screen}");
    assert!(screen.contains("ANON-"), "{screen}");
    assert!(screen.contains("anonimo"), "{screen}");
    let id = card_id(&h);

    // The consent: Ctrl+Y opens its form; Firmato and today's date.
    h.keys("<C-y>");
    assert!(
        matches!(
            &h.app.screen,
            Screen::Anagrafe(anagrafe::State::Privacy(..))
        ),
        "{}",
        h.text()
    );
    h.keys("firm<Enter><Tab>");
    h.keys("<C-s>");
    assert!(
        h.text().contains("Indicare la data di firma"),
        "{}",
        h.text()
    );
    h.keys("15/01/2027<C-s>");
    let screen = h.text();
    assert!(screen.contains("firmato il 15/01/2027"), "{screen}");
    assert_eq!(card_id(&h), id);

    // Now the real data may replace the alias; the search shows the P marker.
    h.keys("<C-e>");
    h.keys("<Tab><C-u>Neri<Tab><C-u>Lucia<Tab>f<Enter><Tab>01/02/1990<Tab>perugia<Enter><C-s>");
    let screen = h.text();
    assert!(screen.contains("Persona salvata"), "{screen}");
    assert!(!screen.contains("Utente anonimo "), "{screen}");
    h.keys("<Esc><C-u>neri lucia");
    let screen = h.text();
    let row = screen
        .lines()
        .find(|l| l.contains("Neri"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.trim_end_matches(['│', ' ']).ends_with('P'), "{row}");
    assert!(screen.contains("P = privacy firmata"), "{screen}");
}
