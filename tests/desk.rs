//! The desk's rough edges, each driven through the real app (ui::harness): the person card refreshes
//! after a change made from it, the footer shows the keys of the screen on show, no label is cut at
//! 80×24, Ctrl+V visits every field the save would report missing, Enter or a letter on a code field
//! opens its picker.

mod common;

use sportello::demo;
use sportello::domain::persona::Soggetto;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::{anagrafe, schede};

fn demo_db(dir: &std::path::Path) -> std::path::PathBuf {
    common::fixture::demo_db(dir, 30)
}

fn harness(path: &std::path::Path, out: &std::path::Path) -> Harness {
    let config = AppConfig {
        output_dir: out.to_path_buf(),
        ..AppConfig::headless(false)
    };
    let mut h = Harness::new(Box::new(SqliteStore::open(path).unwrap()), config, 80, 24);
    h.login("sportello", demo::DEMO_PASSWORD);
    h
}

/// A demo adult with a codice fiscale and no scheda yet, with or without a phone number.
fn adult(path: &std::path::Path, phone: bool) -> Soggetto {
    let store = SqliteStore::open(path).unwrap();
    let enti: Vec<i64> = store.list_enti().unwrap().iter().map(|e| e.id).collect();
    (1..30)
        .filter_map(|id| store.soggetto(id).unwrap())
        .find(|p| {
            store.schede_persona(p.id, &enti).unwrap().is_empty()
                && p.data_nascita.as_deref().is_some_and(|d| d < "1990")
                && p.codice_fiscale.is_some()
                && !p.cf_provvisorio
                && (p.telefono.is_some() || p.cellulare.is_some()) == phone
        })
        .expect("a demo adult")
}

fn open_card(h: &mut Harness, p: &Soggetto) {
    h.keys("1")
        .keys(p.codice_fiscale.as_deref().unwrap())
        .keys("<Enter>");
    assert!(
        matches!(h.app.screen, Screen::Anagrafe(anagrafe::State::Persona(_))),
        "{}",
        h.text()
    );
}

fn focused(h: &Harness) -> String {
    match h.app.form() {
        Some(f) => f.focused().map(|x| x.spec.id.clone()).unwrap_or_default(),
        None => panic!("not a form:\n{}", h.text()),
    }
}

/// The last line of the screen: the status bar with the keys of the screen.
fn footer(h: &Harness) -> String {
    h.text().lines().last().unwrap_or_default().to_string()
}

#[test]
fn the_card_lists_a_scheda_saved_from_it_in_sospeso_or_complete() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let p = adult(&path, true);
    let mut h = harness(&path, dir.path());
    open_card(&mut h, &p);
    assert!(
        h.text().contains("Schede di accesso: nessuna"),
        "{}",
        h.text()
    );
    // Saved in sospeso, then Esc back to the card.
    h.keys("<C-n><C-s>");
    assert!(h.text().contains("salvata in sospeso"), "{}", h.text());
    h.keys("<Esc>");
    let screen = h.text();
    assert!(
        matches!(h.app.screen, Screen::Anagrafe(anagrafe::State::Persona(_))),
        "{screen}"
    );
    assert!(!screen.contains("Schede di accesso: nessuna"), "{screen}");
    assert!(screen.contains("Schede di accesso: 1"), "{screen}");
    assert!(screen.contains("In sospeso"), "{screen}");
    // A second one, complete: the form closes by itself onto the card.
    h.keys("<C-n>");
    for k in [
        "<C-v>ut<Enter>",
        "<C-v>spo<Enter>",
        "<C-v>di p<Enter>",
        "<C-v>celib<Enter>",
        "<C-v>inf<Enter>",
    ] {
        h.keys(k);
    }
    h.keys("<C-s>");
    let screen = h.text();
    assert!(screen.contains("completa"), "{screen}");
    assert!(screen.contains("Schede di accesso: 2"), "{screen}");
    // The consent saved from the card shows on it too.
    h.keys("<C-y>");
    assert!(h.app.form().is_some(), "{}", h.text());
}

#[test]
fn the_card_lists_a_scheda_whose_save_was_answered_after_esc() {
    // Ctrl+S and Esc in one burst (type-ahead, a slow link): the save is answered once the card is
    // already back on screen.
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let p = adult(&path, true);
    let mut h = harness(&path, dir.path());
    open_card(&mut h, &p);
    h.keys("<C-n><C-v>ut<Enter>");
    h.hold_requests = true;
    h.keys("<C-s><Esc>");
    assert!(
        matches!(h.app.screen, Screen::Anagrafe(anagrafe::State::Persona(_))),
        "{}",
        h.text()
    );
    h.hold_requests = false;
    h.release();
    let screen = h.text();
    assert!(screen.contains("Schede di accesso: 1"), "{screen}");
    assert!(screen.contains("salvata"), "{screen}");
    // The draft that Esc kept of the form is gone with the save: a new scheda starts empty.
    h.keys("<C-n>");
    assert!(
        h.app.popup.is_none(),
        "a stale draft was offered:\n{}",
        h.text()
    );
}

#[test]
fn the_footer_shows_the_keys_of_the_screen_on_show() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let p = adult(&path, true);
    let mut h = harness(&path, dir.path());
    open_card(&mut h, &p);
    assert!(footer(&h).contains("Consenso privacy"), "{}", footer(&h));
    // The list of schede shares the card's keymap layer but not its privacy key.
    h.keys("<Esc><Esc><Esc>2");
    assert!(
        matches!(h.app.screen, Screen::Schede(schede::State::List(_))),
        "{}",
        h.text()
    );
    let bar = footer(&h);
    assert!(!bar.contains("Consenso privacy"), "{bar}");
    assert!(bar.contains("Esporta") || bar.contains("Filtri"), "{bar}");
    // The help overlay lists what this screen does, not the card's.
    h.keys("<F1>");
    assert!(!h.text().contains("Consenso privacy"), "{}", h.text());
}

#[test]
fn ctrl_v_visits_every_field_the_save_reports_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    // Without a phone: the rule between fields (telephone or mobile) is not a required flag.
    let p = adult(&path, false);
    let mut h = harness(&path, dir.path());
    open_card(&mut h, &p);
    h.keys("<C-n>");
    let mut visited = Vec::new();
    for _ in 0..12 {
        h.keys("<C-v>");
        let id = focused(&h);
        if visited.contains(&id) {
            break;
        }
        visited.push(id.clone());
        match id.as_str() {
            "interlocutore" => h.keys("ut<Enter>"),
            "motivo_accesso" => h.keys("spo<Enter>"),
            "modalita_accesso" => h.keys("di p<Enter>"),
            "stato_civile" => h.keys("celib<Enter>"),
            "esito" => h.keys("inf<Enter>"),
            _ => continue,
        };
    }
    assert!(
        visited.contains(&"telefono".to_string()),
        "Ctrl+V never reached the telephone: {visited:?}"
    );
    // The save agrees: what Ctrl+V still finds is what it reports.
    h.keys("<C-s>");
    assert!(h.text().contains("1 campo da completare"), "{}", h.text());
    h.keys("<C-g>1<C-v>");
    assert_eq!(focused(&h), "telefono");
}

#[test]
fn enter_or_a_letter_on_a_code_field_opens_its_picker() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let p = adult(&path, true);
    let mut h = harness(&path, dir.path());
    open_card(&mut h, &p);
    h.keys("<C-n><C-v>");
    assert_eq!(focused(&h), "interlocutore");
    h.keys("<Enter>");
    let picker = h.app.form().and_then(|f| f.picker.as_ref());
    assert!(picker.is_some(), "Enter opens the picker:\n{}", h.text());
    assert_eq!(picker.unwrap().filter.value(), "");
    h.keys("<Esc>");
    assert!(h.app.form().unwrap().picker.is_none());
    h.keys("p");
    let f = h.app.form().unwrap();
    assert_eq!(f.picker.as_ref().map(|p| p.filter.value()), Some("p"));
    let options = f.picker_options();
    assert!(!options.is_empty());
    assert!(
        options
            .iter()
            .all(|(_, l, _)| l.to_lowercase().contains('p')),
        "{options:?}"
    );
    h.keys("<Enter>");
    assert!(!h.app.form().unwrap().value("interlocutore").is_empty());
}

#[test]
fn no_label_of_any_form_is_cut_at_80x24() {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use sportello::ui::theme::Theme;
    use sportello::ui::widgets::form::Form;
    // The fields' area of a form screen at 80×24: the frame's borders, header, status and help
    // lines taken away.
    let area = Rect::new(0, 0, 78, 19);
    let theme = Theme {
        color: false,
        ascii: false,
    };
    let mut cut = Vec::new();
    for (id, (title, specs)) in sportello::ui::forms().unwrap() {
        let mut form = Form::new(&id, &title, specs);
        // Every field, those shown only under a condition too.
        for f in &mut form.fields {
            f.spec.show_when.clear();
        }
        for i in 0..form.fields.len() {
            // Each field is on screen when it has the focus.
            form.focus = i;
            let mut buf = Buffer::empty(area);
            form.render(area, &mut buf, &theme);
            let label = form.fields[i].spec.label.clone();
            let shown = sportello::ui::harness::buffer_text(&buf).lines().any(|l| {
                let cols: String = l.chars().skip(1).take(23).collect();
                cols.trim_end() == label
            });
            if !shown {
                cut.push(format!("{id}.{}: «{label}»", form.fields[i].spec.id));
            }
        }
    }
    assert!(cut.is_empty(), "labels cut at 80×24: {cut:#?}");
}
