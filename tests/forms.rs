//! Forms through the real app: validation, picker, drafts (autosave, restore), conflicts, and the
//! fields an ente adds in its screen file (date, money, integer, multiline) stored as extra attributes.

mod common;

use sportello::demo;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Effect, Request, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::popup::Popup;
use sportello::ui::{codici, operatori};

fn config(forms: sportello::ui::Forms) -> AppConfig {
    AppConfig {
        forms,
        ..AppConfig::headless(true)
    }
}

fn demo_db(dir: &std::path::Path) -> std::path::PathBuf {
    common::fixture::demo_db(dir, 10)
}

fn admin_on(path: &std::path::Path, forms: sportello::ui::Forms) -> Harness {
    let mut h = Harness::new(
        Box::new(SqliteStore::open(path).unwrap()),
        config(forms),
        80,
        24,
    );
    h.login("admin", demo::DEMO_PASSWORD).keys("1");
    assert!(h.text().contains("Operatori"), "{}", h.text());
    h
}

fn form_value(h: &Harness, id: &str) -> String {
    match h.app.form() {
        Some(f) => f.value(id),
        None => panic!("not on the operator form:\n{}", h.text()),
    }
}

#[test]
fn required_fields_are_reported_inline_and_focus_moves_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = admin_on(&demo_db(dir.path()), sportello::ui::forms().unwrap());
    h.keys("<C-n><Tab>Rossi<C-s>");
    let screen = h.text();
    assert!(screen.contains("↑ Campo obbligatorio"), "{screen}");
    assert!(screen.contains("Correggere i campi segnalati"));
    let Some(f) = h.app.form() else { panic!() };
    assert_eq!(
        f.fields[f.focus].spec.id, "username",
        "focus on the first field in error"
    );
}

#[test]
fn picker_filters_as_you_type_and_toggles_choices() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = admin_on(&demo_db(dir.path()), sportello::ui::forms().unwrap());
    h.keys("<C-n><Tab><Tab><Tab><Tab>amm");
    let screen = h.text();
    assert!(screen.contains("Filtro: amm"), "{screen}");
    assert!(screen.contains("[ ] Amministrativo") && screen.contains("[ ] Amministratore"));
    assert!(!screen.contains("Helpdesk"), "filtered out");
    h.keys("<Down><Space><Enter>");
    assert_eq!(form_value(&h, "ruoli"), "admin");
    assert!(h.text().contains("Amministratore"));
}

#[test]
fn new_operator_is_saved_through_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut h = admin_on(&path, sportello::ui::forms().unwrap());
    h.keys(
        "<C-n>mrossi<Tab>Rossi<Tab>Maria<Tab><Tab>spo<Space><Enter><Tab>perug<Space><Enter><C-s>",
    );
    let screen = h.text();
    assert!(screen.contains("Operatore salvato"), "{screen}");
    assert!(screen.contains("mrossi"));
    let op = h.store.operatore_by_username("mrossi").unwrap().unwrap();
    assert_eq!(
        (
            op.nome.as_str(),
            op.cognome.as_str(),
            op.roles.codes().as_str()
        ),
        ("Maria", "Rossi", "sportello")
    );
    assert_eq!(op.enti.len(), 1);
}

#[test]
fn draft_is_autosaved_within_two_seconds_and_offered_on_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = admin_on(&demo_db(dir.path()), sportello::ui::forms().unwrap());
    let admin = h.app.session.as_ref().unwrap().actor.operatore_id.unwrap();
    h.keys("<C-n>mrossi<Tab>Ros");
    h.advance(1000);
    assert!(
        h.store
            .load_draft(admin, "operatore", &new_key(&h))
            .unwrap()
            .is_none(),
        "debounced: not yet"
    );
    h.advance(1000);
    let draft = h
        .store
        .load_draft(admin, "operatore", &new_key(&h))
        .unwrap()
        .expect("saved within 2 s");
    assert!(
        draft.content.contains("\"username\":\"mrossi\"")
            && draft.content.contains("\"cognome\":\"Ros\"")
    );
    // More typing, then leaving with Esc: saved at once.
    h.keys("si<Esc>");
    let draft = h
        .store
        .load_draft(admin, "operatore", &new_key(&h))
        .unwrap()
        .unwrap();
    assert!(
        draft.content.contains("\"cognome\":\"Rossi\""),
        "{}",
        draft.content
    );
    // Reopening offers the draft; Enter restores it.
    h.keys("<C-n>");
    assert!(
        matches!(h.app.popup, Some(Popup::RestoreDraft { .. })),
        "{}",
        h.text()
    );
    assert!(h.text().contains("bozza non salvata"));
    h.keys("<Enter>");
    assert_eq!(form_value(&h, "cognome"), "Rossi");
    assert_eq!(form_value(&h, "username"), "mrossi");
}

#[test]
fn idle_lock_saves_the_draft_and_keeps_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = admin_on(&demo_db(dir.path()), sportello::ui::forms().unwrap());
    let admin = h.app.session.as_ref().unwrap().actor.operatore_id.unwrap();
    h.keys("<C-n>bianchi");
    h.keys("<C-l>");
    assert!(h.text().contains("Sessione bloccata") && !h.text().contains("bianchi"));
    assert!(
        h.store
            .load_draft(admin, "operatore", &new_key(&h))
            .unwrap()
            .unwrap()
            .content
            .contains("bianchi")
    );
    h.paste(demo::DEMO_PASSWORD).keys("<Enter>");
    assert_eq!(
        form_value(&h, "username"),
        "bianchi",
        "the form is still there after unlocking"
    );
}

#[test]
fn second_session_saving_the_same_operator_gets_a_conflict_and_keeps_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let forms = sportello::ui::forms().unwrap();
    let mut a = admin_on(&path, forms.clone());
    let mut b = admin_on(&path, forms);
    // Both open "amministrativo" (second row).
    a.keys("<Down><Enter>");
    b.keys("<Down><Enter>");
    assert_eq!(form_value(&a, "username"), "amministrativo");
    a.keys("<Tab><End>-Bianchi<C-s>");
    assert!(a.text().contains("Operatore salvato"), "{}", a.text());
    b.keys("<Tab><Tab><End>-Maria<C-s>");
    let screen = b.text();
    assert!(
        screen.contains("conflitto") && screen.contains("modificato da un"),
        "{screen}"
    );
    assert_eq!(
        form_value(&b, "nome"),
        "Paola-Maria",
        "the second operator keeps what they typed"
    );
    let admin = b.app.session.as_ref().unwrap().actor.operatore_id.unwrap();
    let key = b
        .store
        .operatore_by_username("amministrativo")
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let draft = b
        .store
        .load_draft(admin, "operatore", &key)
        .unwrap()
        .expect("kept as a draft");
    assert!(draft.content.contains("Paola-Maria"));
    // The first save stands.
    let op = b
        .store
        .operatore_by_username("amministrativo")
        .unwrap()
        .unwrap();
    assert_eq!(
        (op.cognome.as_str(), op.nome.as_str()),
        ("Amministrativi-Bianchi", "Paola")
    );
}

#[test]
fn ente_fields_from_an_override_are_validated_stored_as_extra_and_shown_again() {
    let dir = tempfile::tempdir().unwrap();
    let screens = dir.path().join("screens");
    std::fs::create_dir_all(&screens).unwrap();
    let base = include_str!("../screens/operatore.toml");
    let extra = r#"
[[section]]
id = "ente"
title = "Dati dell'ente"

[[section.field]]
id = "data_assunzione"
label = "Assunto il"
kind = "date"

[[section.field]]
id = "rimborso"
label = "Rimborso km"
kind = "money"

[[section.field]]
id = "matricola"
label = "Matricola"
kind = "integer"

[[section.field]]
id = "note"
label = "Note"
kind = "multiline"
max_len = 500
"#;
    std::fs::write(screens.join("operatore.toml"), format!("{base}{extra}")).unwrap();
    let forms = sportello::ui::forms_from(&screens).unwrap();
    let path = demo_db(dir.path());
    let mut h = admin_on(&path, forms.clone());
    // Open "sportello" (last row), jump to the ente's section (Alt-free chord Ctrl+G 3).
    h.keys("<Down><Down><Down><Down><Down><Enter><C-g>3");
    h.keys("31/02/2020<Tab>12,5x<Tab>abc<Tab>Prima riga<Enter>seconda riga<C-s>");
    let screen = h.text();
    assert!(
        screen.contains("Data non valida") || screen.contains("data non valida"),
        "{screen}"
    );
    assert!(screen.contains("Importo non valido"), "{screen}");
    // Fix the three values.
    h.keys("<C-g>3");
    for _ in 0..12 {
        h.keys("<Backspace>");
    }
    h.keys("01/03/20<Tab><End><Backspace><Tab><End><Backspace><Backspace><Backspace>42<C-s>");
    assert!(h.text().contains("Operatore salvato"), "{}", h.text());
    let op = h.store.operatore_by_username("sportello").unwrap().unwrap();
    let extra: serde_json::Value = serde_json::from_str(&op.extra).unwrap();
    assert_eq!(
        extra["data_assunzione"], "2020-03-01",
        "dates stored as ISO"
    );
    assert_eq!(extra["rimborso"], 1250, "money stored as integer cents");
    assert_eq!(extra["matricola"], 42);
    assert_eq!(extra["note"], "Prima riga\nseconda riga");
    // Shown again when reopened.
    h.keys("<Enter><C-g>3");
    let screen = h.text();
    assert!(
        screen.contains("12,5") && screen.contains("seconda riga"),
        "{screen}"
    );
    assert!(h.effects.iter().any(|e| matches!(
        e,
        Effect::Request(_, Request::Operatori(operatori::Req::Save { .. }))
    )));
}

#[test]
fn admin_relabels_and_disables_a_code_in_the_tui() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut h = Harness::new(
        Box::new(SqliteStore::open(&path).unwrap()),
        config(sportello::ui::forms().unwrap()),
        80,
        24,
    );
    h.login("admin", demo::DEMO_PASSWORD).keys("2");
    let screen = h.text();
    assert!(
        screen.contains("esito_scheda") && screen.contains("bisogni"),
        "{screen}"
    );
    // Lists are sorted by name: find "esito_scheda" and open it.
    while h.app_selected_list() != Some("esito_scheda".into()) {
        h.keys("<Down>");
    }
    h.keys("<Enter>");
    assert!(
        h.text().contains("Proposta di presa in carico"),
        "{}",
        h.text()
    );
    h.keys("<Down><Down><Down><Down><Down><Enter>");
    assert!(
        h.text().contains("Voce di una lista di codici"),
        "{}",
        h.text()
    );
    h.keys("<End><Backspace><Backspace><Backspace><Backspace><Backspace><Backspace><Backspace>esito<Tab><Space><C-s>");
    let screen = h.text();
    assert!(
        screen.contains("Voce salvata")
            && screen.contains("Nessun esito")
            && screen.contains("disattivato"),
        "{screen}"
    );
    let codes = h.store.codes("esito_scheda").unwrap();
    let c = codes.iter().find(|c| c.codice == "nessuno").unwrap();
    assert_eq!((c.etichetta.as_str(), c.attivo), ("Nessun esito", false));
}

trait SelectedList {
    fn app_selected_list(&self) -> Option<String>;
}

impl SelectedList for Harness {
    fn app_selected_list(&self) -> Option<String> {
        match &self.app.screen {
            Screen::Codici(codici::State::Liste(l)) => l.table.selected_key().map(str::to_string),
            _ => None,
        }
    }
}

/// The stored key of the draft of a new operator (it carries the session's ente).
fn new_key(h: &Harness) -> String {
    sportello::service::drafts::draft_key(&h.app.session.as_ref().unwrap().actor, "")
}

#[test]
fn a_new_records_draft_stays_in_the_ente_it_was_typed_in() {
    use sportello::domain::Actor;
    use sportello::service::Service;
    use sportello::store::prelude::*;
    let mut store = common::fixture::demo_in_memory(10);
    let op = store.operatore_by_username("zona").unwrap().unwrap();
    let corciano = store.ente_by_code("C990").unwrap().unwrap().id;
    let perugia_actor = Actor::operatore(&op, None, None);
    let mut svc = Service::new(&mut store);
    let perugia = perugia_actor.ente().unwrap();
    assert_ne!(perugia, corciano);
    svc.save_draft(&perugia_actor, "scheda", "", "{\"cognome\":\"Perugina\"}")
        .unwrap();
    let corciano_actor = svc.cambia_ente(&perugia_actor, corciano).unwrap().actor;
    assert!(
        svc.load_draft(&corciano_actor, "scheda", "")
            .unwrap()
            .is_none(),
        "not offered in the other ente"
    );
    svc.save_draft(
        &corciano_actor,
        "scheda",
        "",
        "{\"cognome\":\"Corcianese\"}",
    )
    .unwrap();
    let back = svc.cambia_ente(&corciano_actor, perugia).unwrap().actor;
    let draft = svc.load_draft(&back, "scheda", "").unwrap().unwrap();
    assert!(draft.content.contains("Perugina"), "{}", draft.content);
    // Saving the record of one ente removes its draft only.
    svc.delete_draft(&back, "scheda", "").unwrap();
    assert!(svc.load_draft(&back, "scheda", "").unwrap().is_none());
    let other = svc
        .load_draft(&corciano_actor, "scheda", "")
        .unwrap()
        .unwrap();
    assert!(other.content.contains("Corcianese"));
}
