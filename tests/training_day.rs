//! The first training day of an adopting municipality, headless, on the real app: login → search →
//! new person → new scheda with every section → complete as a proposal of presa in carico → list →
//! duplicate → print → export; plus the scheda screens' own faults (required fields, conflicts,
//! read-only for others, delete with a reason).

mod common;

use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::cf::{self, Sesso};
use sportello::domain::scheda::Stato;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::popup::Popup;
use sportello::ui::schede;

fn demo_db(dir: &std::path::Path) -> std::path::PathBuf {
    common::fixture::demo_db(dir, 30)
}

fn harness(path: &std::path::Path, out: &std::path::Path, user: &str) -> Harness {
    let config = AppConfig {
        output_dir: out.to_path_buf(),
        ..AppConfig::headless(false)
    };
    let mut h = Harness::new(Box::new(SqliteStore::open(path).unwrap()), config, 80, 24);
    h.login(user, demo::DEMO_PASSWORD);
    h
}

/// The codice fiscale of an adult demo person.
fn adult_cf(store: &SqliteStore) -> String {
    (1..30)
        .filter_map(|id| store.soggetto(id).unwrap())
        .find(|p| p.data_nascita.as_deref().is_some_and(|d| d < "1990"))
        .and_then(|p| p.codice_fiscale)
        .unwrap()
}

fn focused(h: &Harness) -> String {
    match h.app.form() {
        Some(f) => f.focused().map(|x| x.spec.id.clone()).unwrap_or_default(),
        None => panic!("not a form:\n{}", h.text()),
    }
}

/// Tab presses made by [`fill`] (for the keystroke report).
static TABS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Moves with Tab to field `id` (counting the keys), then types `keys`.
fn fill(h: &mut Harness, count: &mut usize, id: &str, keys: &str) {
    for _ in 0..200 {
        if focused(h) == id {
            break;
        }
        h.keys("<Tab>");
        *count += 1;
        TABS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    assert_eq!(focused(h), id, "field {id} not reached");
    h.keys(keys);
    *count += sportello::ui::keys::parse_key_string(keys).unwrap().len();
}

/// The text of the message popup on screen, which must be an error or not as `error` says.
fn message(h: &Harness, error: bool) -> String {
    match &h.app.popup {
        Some(Popup::Message { text, error: e }) if *e == error => text.clone(),
        _ => panic!("expected a message (error: {error}):\n{}", h.text()),
    }
}

fn scheda_id(h: &Harness) -> Option<i64> {
    match &h.app.screen {
        Screen::Schede(schede::State::Form(_, d)) => d.scheda.as_ref().and_then(|s| s.edit.id),
        _ => None,
    }
}

#[test]
fn the_first_training_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let out = dir.path().join("stampe");
    let mut h = harness(&path, &out, "responsabile");
    assert!(
        h.text().contains("Schede: 0 oggi"),
        "counters on home:\n{}",
        h.text()
    );

    // Search: the person is not in the registry; new person from the search text.
    h.keys("1").keys("bellucci ornella");
    assert!(h.text().contains("0 trovati"), "{}", h.text());
    h.keys("<C-n>");
    let code = cf::compute("Bellucci", "Ornella", Sesso::F, 1971, 4, 21, "G478");
    h.keys(&code).keys("<C-s>");
    assert!(h.text().contains("Persona salvata"), "{}", h.text());

    // New scheda from the person card, every section.
    h.keys("<C-n>");
    assert!(
        h.text().contains("Scheda di accesso: nuova"),
        "{}",
        h.text()
    );
    let mut n = 1;
    fill(&mut h, &mut n, "descrizione", "Chiede aiuto per l'affitto");
    fill(&mut h, &mut n, "interlocutore", "paren<Enter>");
    fill(&mut h, &mut n, "motivo_accesso", "spont<Enter>");
    fill(&mut h, &mut n, "modalita_accesso", "di pers<Enter>");
    h.keys("<C-g>2");
    n += 2;
    fill(&mut h, &mut n, "int_cognome", "Bellucci");
    fill(&mut h, &mut n, "int_nome", "Marta");
    fill(&mut h, &mut n, "int_relazione", "figlio<Enter>");
    h.keys("<C-g>3");
    n += 2;
    fill(&mut h, &mut n, "stato_civile", "coniug<Enter>");
    fill(&mut h, &mut n, "res_comune", "perugia<Enter>");
    fill(&mut h, &mut n, "telefono", "333 1234567");
    // Sections 4–6 (stranieri, hidden for an Italian citizen; familiari; abitazione) are skipped.
    h.keys("<C-g>7");
    n += 2;
    fill(&mut h, &mut n, "rif_cognome", "Verdi");
    fill(&mut h, &mut n, "rif_nome", "Carlo");
    fill(&mut h, &mut n, "rif_codice_fiscale", "vrdcrl80a01g478m");
    fill(&mut h, &mut n, "rif_relazione", "amic<Enter>");
    h.keys("<C-g>8");
    n += 2;
    fill(&mut h, &mut n, "bisogni", "allog<Space><Enter>");
    fill(
        &mut h,
        &mut n,
        "bisogni_altro",
        "Sfratto esecutivo a gennaio",
    );
    h.keys("<C-g>9");
    n += 2;
    fill(&mut h, &mut n, "servizi", "intermed<Space><Enter>");
    h.keys("<C-g>a");
    n += 2;
    fill(&mut h, &mut n, "esito", "proposta<Enter>");
    fill(&mut h, &mut n, "categorie_sociali", "povert<Space><Enter>");
    h.keys("<C-g>b");
    n += 2;
    fill(
        &mut h,
        &mut n,
        "nota_pubblica",
        "Prima accoglienza, documenti da portare.",
    );
    h.keys("<C-g>c");
    n += 2;
    fill(&mut h, &mut n, "privacy_consenso", "<Space>");
    h.keys("<C-s>");
    n += 1;
    let screen = h.text();
    assert!(
        screen.contains("completa: proposta di presa in carico inviata"),
        "{screen}"
    );
    assert!(
        screen.contains("Scheda persona") && screen.contains("Schede di accesso: 1"),
        "{screen}"
    );
    eprintln!(
        "keystrokes for the scheda (from Ctrl+N to Ctrl+S): {n}, of which Tab: {}",
        TABS.load(std::sync::atomic::Ordering::Relaxed)
    );

    let store = SqliteStore::open(&path).unwrap();
    let resp = Actor::operatore(
        &store
            .operatore_by_username("responsabile")
            .unwrap()
            .unwrap(),
        None,
        None,
    );
    let rows = store
        .list_schede(&resp.enti, &Default::default(), 10)
        .unwrap();
    assert_eq!(rows.len(), 1);
    let s = store.scheda(rows[0].id).unwrap().unwrap();
    assert_eq!(s.stato, Stato::Inviata);
    assert_eq!(s.proposta.as_deref(), Some("inviata"));
    assert_eq!(s.edit.bisogni, ["b102"]);
    assert_eq!(s.edit.text("int_cognome"), "Bellucci");
    assert_eq!(s.edit.text("rif_cognome"), "Verdi");
    assert_eq!(
        s.edit.text("rif_codice_fiscale"),
        "VRDCRL80A01G478M",
        "the reference person's codice fiscale, stored apart from the JSON"
    );
    assert_eq!(s.edit.text("cognome"), "Bellucci", "the person's snapshot");
    assert!(
        store.privacy(s.edit.soggetto_id).unwrap()[0]
            .data_firma
            .is_some()
    );

    // The list: Home → 2; the scheda is there; duplicate it.
    h.keys("<Esc><Esc><Esc>");
    assert!(h.text().contains("Pagina iniziale"), "{}", h.text());
    assert!(h.text().contains("Schede: 1 oggi"), "{}", h.text());
    h.keys("2");
    let screen = h.text();
    assert!(
        screen.contains("1 schede") && screen.contains("Bellucci"),
        "{screen}"
    );
    h.keys("<C-d>");
    assert!(matches!(h.app.popup, Some(Popup::Confirm { .. })));
    h.keys("<Enter>");
    assert!(h.text().contains("Scheda duplicata: n. 2"), "{}", h.text());
    assert!(scheda_id(&h).is_some());
    h.keys("<Esc>");
    assert!(h.text().contains("2 schede"), "{}", h.text());

    // Print the selected scheda, then the blank one.
    h.keys("<C-p>1");
    let text = &message(&h, false);
    assert!(
        text.contains("Documento salvato") && text.contains(".pdf"),
        "{text}"
    );
    h.keys("<Esc><C-p>2");
    assert!(h.text().contains("scheda-vuota"), "{}", h.text());
    // Export the list to Excel.
    h.keys("<Esc><C-x>2");
    let text = &message(&h, false);
    assert!(
        text.contains("(2 schede)") && text.contains(".xlsx"),
        "{text}"
    );
    h.keys("<Esc>");
    let files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    // Every step is in the audit log.
    let actions: Vec<String> = store
        .audit_tail(60)
        .unwrap()
        .into_iter()
        .map(|r| r.event.action)
        .collect();
    for a in [
        "crea_soggetto",
        "crea_scheda",
        "leggi_scheda",
        "esporta_schede",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} missing: {actions:?}");
    }
}

#[test]
fn required_fields_keep_the_scheda_in_sospeso_and_focus_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut h = harness(&path, dir.path(), "sportello");
    // Open an adult's card and start a scheda; save at once.
    let store = SqliteStore::open(&path).unwrap();
    let p = (1..30)
        .filter_map(|id| store.soggetto(id).unwrap())
        .find(|p| p.data_nascita.as_deref().is_some_and(|d| d < "1990"))
        .unwrap();
    h.keys("1")
        .keys(p.codice_fiscale.as_deref().unwrap())
        .keys("<Enter><C-n>");
    h.keys("<C-s>");
    let screen = h.text();
    assert!(screen.contains("salvata in sospeso"), "{screen}");
    assert_eq!(
        focused(&h),
        "interlocutore",
        "focus on the first missing field"
    );
    assert!(
        screen.contains("Campo obbligatorio") || screen.contains("Indicare"),
        "{screen}"
    );
    let id = scheda_id(&h).expect("saved in sospeso");
    h.keys("<C-v>");
    assert_eq!(
        focused(&h),
        "motivo_accesso",
        "Ctrl+V: the next field to fill"
    );
    // Convocato without the reason: its own message.
    fill(&mut h, &mut 0, "interlocutore", "utente<Enter>");
    fill(&mut h, &mut 0, "motivo_accesso", "convoc<Enter>");
    h.keys("<C-s>");
    assert!(h.text().contains("Convocato"), "{}", h.text());
    assert_eq!(focused(&h), "motivo_desc");
    // A date in the future is refused outright.
    h.keys("<C-g>1");
    fill(&mut h, &mut 0, "data_accesso", "<C-u>31/12/2099<C-s>");
    assert!(h.text().contains("successiva a oggi"), "{}", h.text());
    assert_eq!(focused(&h), "data_accesso");
    assert_eq!(
        SqliteStore::open(&path)
            .unwrap()
            .scheda(id)
            .unwrap()
            .unwrap()
            .stato,
        Stato::InSospeso
    );
}

#[test]
fn a_concurrent_save_is_merged_and_both_versions_are_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    // The responsabile starts a scheda and leaves it in sospeso.
    let mut h = harness(&path, dir.path(), "responsabile");
    let store = SqliteStore::open(&path).unwrap();
    h.keys("1").keys(&adult_cf(&store)).keys("<Enter>");
    h.keys("<C-n>");
    fill(&mut h, &mut 0, "descrizione", "prima versione");
    h.keys("<C-s>");
    let id = scheda_id(&h).unwrap();
    // Another session changes the description and the modalità.
    let mut other = SqliteStore::open(&path).unwrap();
    let s = other.scheda(id).unwrap().unwrap();
    let mut e = s.edit.clone();
    e.dati
        .insert("descrizione".into(), "versione dell'altro".into());
    e.dati.insert("modalita_accesso".into(), "telefono".into());
    let actor = Actor::operatore(
        &store
            .operatore_by_username("responsabile")
            .unwrap()
            .unwrap(),
        None,
        None,
    );
    other
        .save_scheda(
            &actor,
            &e,
            sportello::store::SchedaSave {
                ente_id: actor.ente().unwrap(),
                ufficio_id: actor.ufficio_id,
                completa: false,
                proposta_ente: None,
            },
        )
        .unwrap();
    // Here the description is changed again and saved: conflict, merged, both versions shown.
    h.keys("<C-g>1");
    fill(&mut h, &mut 0, "descrizione", "<C-u>la mia versione");
    h.keys("<C-s>");
    let text = &message(&h, true);
    assert!(text.contains("Un altro operatore ha salvato"), "{text}");
    assert!(
        text.contains("l'altro operatore «versione dell'altro», lei «la mia versione»"),
        "{text}"
    );
    h.keys("<Esc>");
    let form = h.app.form().unwrap().clone();
    assert_eq!(
        form.value("descrizione"),
        "la mia versione",
        "the typed text is kept"
    );
    assert_eq!(
        form.value("modalita_accesso"),
        "telefono",
        "the other change is kept"
    );
    h.keys("<C-s>");
    assert!(h.text().contains("salvata in sospeso"), "{}", h.text());
    let saved = SqliteStore::open(&path)
        .unwrap()
        .scheda(id)
        .unwrap()
        .unwrap();
    assert_eq!(saved.edit.text("descrizione"), "la mia versione");
    assert_eq!(saved.edit.text("modalita_accesso"), "telefono");
}

#[test]
fn others_see_a_scheda_read_only_and_the_responsabile_deletes_it_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut h = harness(&path, dir.path(), "sportello");
    let cf = adult_cf(&SqliteStore::open(&path).unwrap());
    h.keys("1").keys(&cf).keys("<Enter><C-n>");
    fill(&mut h, &mut 0, "descrizione", "scheda di sportello");
    h.keys("<C-s>");
    let id = scheda_id(&h).unwrap();

    let mut other = harness(&path, dir.path(), "assistente_sociale");
    other.keys("2<Enter>");
    assert!(other.text().contains("Sola lettura"), "{}", other.text());
    other.keys("x");
    other.paste("incollato");
    let Some(f) = other.app.form() else {
        panic!("{}", other.text())
    };
    assert_eq!(
        f.changed_at, None,
        "nothing typed or pasted into a read-only scheda"
    );
    assert!(other.app.form_screen().is_some_and(|f| f.readonly));
    other.keys("<C-s>");
    assert!(other.text().contains("Sola lettura"), "{}", other.text());

    let mut resp = harness(&path, dir.path(), "responsabile");
    resp.keys("2<Del>");
    assert!(matches!(resp.app.popup, Some(Popup::Prompt { .. })));
    resp.keys("<Enter>");
    assert!(
        resp.text().contains("Scrivere il motivo"),
        "{}",
        resp.text()
    );
    resp.keys("Inserita per errore<Enter>");
    assert!(resp.text().contains("0 schede"), "{}", resp.text());
    let s = SqliteStore::open(&path)
        .unwrap()
        .scheda(id)
        .unwrap()
        .unwrap();
    assert_eq!(s.deleted_reason.as_deref(), Some("Inserita per errore"));

    // The admin sees the deleted scheda and restores it.
    let mut admin = harness(&path, dir.path(), "admin");
    admin.keys("4");
    assert!(
        admin.text().contains("1 schede · eliminata"),
        "{}",
        admin.text()
    );
    admin.keys("<C-b>");
    assert!(matches!(admin.app.popup, Some(Popup::Confirm { .. })));
    admin.keys("<Enter>");
    let s = SqliteStore::open(&path)
        .unwrap()
        .scheda(id)
        .unwrap()
        .unwrap();
    assert_eq!(s.deleted_reason, None);
    assert_eq!(s.stato, Stato::InSospeso);
}

#[test]
fn a_hangup_mid_scheda_keeps_the_text_as_a_draft_for_the_next_session() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let cf = adult_cf(&SqliteStore::open(&path).unwrap());
    let mut h = harness(&path, dir.path(), "sportello");
    h.keys("1").keys(&cf).keys("<Enter><C-n>");
    fill(
        &mut h,
        &mut 0,
        "descrizione",
        "Racconta la situazione abitativa",
    );
    h.send(sportello::ui::app::Msg::Hangup);
    assert!(h.app.quit);

    let mut again = harness(&path, dir.path(), "sportello");
    again.keys("1").keys(&cf).keys("<Enter><C-n>");
    assert!(
        matches!(again.app.popup, Some(Popup::RestoreDraft { .. })),
        "{}",
        again.text()
    );
    again.keys("<Enter>");
    match again.app.form() {
        Some(f) => assert_eq!(f.value("descrizione"), "Racconta la situazione abitativa"),
        None => panic!("{}", again.text()),
    }
}

#[test]
fn ctrl_v_walks_the_fields_still_to_fill_a_minimal_scheda_in_few_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let store = SqliteStore::open(&path).unwrap();
    // An adult with a phone in the registry.
    let p = (1..30)
        .filter_map(|id| store.soggetto(id).unwrap())
        .find(|p| p.data_nascita.as_deref().is_some_and(|d| d < "1990") && p.telefono.is_some())
        .expect("a demo adult with a phone");
    let mut h = harness(&path, dir.path(), "sportello");
    h.keys("1")
        .keys(p.codice_fiscale.as_deref().unwrap())
        .keys("<Enter>");
    // Each Ctrl+V must land on a field still to fill, answered by what that field is (not by a
    // fixed script): a Ctrl+V that stays put, skips a needed field or stops on one already filled
    // fails here, and every key sent is counted.
    let answers = [
        ("interlocutore", "ut<Enter>"),
        ("motivo_accesso", "spo<Enter>"),
        ("modalita_accesso", "di p<Enter>"),
        ("stato_civile", "celib<Enter>"),
        ("esito", "inf<Enter>"),
    ];
    let mut n = 0;
    let mut send = |h: &mut Harness, k: &str| {
        h.keys(k);
        n += sportello::ui::keys::parse_key_string(k).unwrap().len();
    };
    send(&mut h, "<C-n>");
    let mut visited = Vec::new();
    for _ in 0..answers.len() {
        send(&mut h, "<C-v>");
        let field = focused(&h);
        let Some((_, keys)) = answers.iter().find(|(id, _)| *id == field) else {
            panic!("Ctrl+V stopped on {field:?} after {visited:?}");
        };
        assert!(!visited.contains(&field), "{field} visited twice");
        send(&mut h, keys);
        visited.push(field);
    }
    send(&mut h, "<C-s>");
    assert_eq!(visited, answers.map(|(id, _)| id.to_string()));
    let screen = h.text();
    assert!(screen.contains("completa"), "{screen}");
    eprintln!("keystrokes for a minimal complete scheda with Ctrl+V: {n}");
    assert!(n <= 30, "{n}");
    // With nothing left, Ctrl+V says so.
    h.keys("<Enter><C-v>");
    assert!(
        h.text().contains("Nessun campo da compilare"),
        "{}",
        h.text()
    );
}
