//! The second training day, headless, on the real app and the demo database: the social worker opens
//! the inbox of proposals, views a scheda, takes it in charge, walks the tabs of the cartella, adds
//! a diary entry and a PAI, suspends the case and closes it; the audit entries the walk writes are
//! listed. And the self-refresh: a proposal sent by another session appears in the open inbox within
//! a second, without a new audited read.

mod common;

use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::caso::Sezione;
use sportello::service::casi_documenti::Archivio;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::casi::State;
use sportello::ui::harness::Harness;
use sportello::ui::popup::Popup;

fn demo_db(dir: &std::path::Path) -> std::path::PathBuf {
    let path = common::fixture::demo_db(dir, 60);
    let mut s = SqliteStore::open(&path).unwrap();
    let sys = Actor::system(None, None);
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!(demo::casi(&mut s, &sys, today).unwrap(), 10);
    path
}

fn harness(path: &std::path::Path, user: &str) -> Harness {
    let config = AppConfig {
        archivio: Archivio::of_database(path, 50),
        output_dir: path.parent().unwrap().join("uscite"),
        ..AppConfig::headless(false)
    };
    let mut h = Harness::new(Box::new(SqliteStore::open(path).unwrap()), config, 100, 30);
    h.login(user, demo::DEMO_PASSWORD);
    h
}

fn caso_view(h: &Harness) -> &sportello::ui::casi::CasoView {
    match &h.app.screen {
        Screen::Casi(State::Caso(c)) => c,
        _ => panic!("not a case:\n{}", h.text()),
    }
}

fn no_error(h: &Harness) {
    if let Some(Popup::Message { text, error: true }) = &h.app.popup {
        panic!("error popup: {text}\n{}", h.text());
    }
}

fn last_audit_id(path: &std::path::Path) -> i64 {
    SqliteStore::open(path).unwrap().audit_tail(1).unwrap()[0].id
}

#[test]
fn second_training_day_inbox_to_closed_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut h = harness(&path, "assistente_sociale");
    assert!(
        h.text().contains("proposte da prendere in carico"),
        "{}",
        h.text()
    );
    let start = last_audit_id(&path);

    // Home → Presa in carico e cartella sociale (3rd entry for the social worker) → inbox.
    h.keys("3");
    h.keys("<Enter>");
    let rows = match &h.app.screen {
        Screen::Casi(State::Inbox(r)) => r.data.clone().unwrap(),
        _ => panic!("{}", h.text()),
    };
    assert_eq!(rows.len(), 3, "the demo leaves three proposals pending");
    let persona = format!("{} {}", rows[0].cognome, rows[0].nome);
    assert!(h.text().contains(&rows[0].cognome), "{}", h.text());

    // View the scheda (read-only), back, then take it in charge.
    h.keys("<Enter>1");
    assert!(h.text().contains("Scheda proposta"), "{}", h.text());
    assert!(h.text().contains(&rows[0].cognome));
    h.keys("<Esc><Enter>2");
    no_error(&h);
    let caso_id = caso_view(&h).caso_id;
    assert_eq!(caso_view(&h).sezione, Sezione::Cronologia);
    let text = h.text();
    assert!(
        text.contains("Preso in carico") && text.contains("Aperto"),
        "{text}"
    );

    // The tabs of the cartella and the fascicolo, from Anagrafica to ISEE.
    for _ in 0..Sezione::ALL
        .iter()
        .position(|s| *s == Sezione::Cronologia)
        .unwrap()
    {
        h.keys("<PageUp>");
    }
    for s in Sezione::ALL {
        assert_eq!(caso_view(&h).sezione, s);
        assert!(
            caso_view(&h).error.is_none(),
            "{s:?}: {:?}",
            caso_view(&h).error
        );
        assert!(h.text().contains(&rows[0].cognome), "{s:?}\n{}", h.text());
        h.keys("<PageDown>");
    }
    // Back to the diary (the tabs wrapped round to the first): a new colloquio.
    let diario = Sezione::ALL
        .iter()
        .position(|s| *s == Sezione::Diario)
        .unwrap();
    for _ in diario..Sezione::ALL.len() {
        h.keys("<PageUp>");
    }
    assert_eq!(caso_view(&h).sezione, Sezione::Diario);
    h.keys("<C-n>");
    assert_eq!(h.app.screen_name(), "diario", "{}", h.text());
    h.keys("<Tab><Tab>");
    h.paste("Colloquio di presa in carico con la figlia");
    h.keys("<C-s>");
    no_error(&h);
    assert!(
        h.text().contains("Colloquio di presa in carico"),
        "{}",
        h.text()
    );

    // A PAI.
    h.keys("<PageDown>");
    assert_eq!(caso_view(&h).sezione, Sezione::Pai);
    h.keys("<C-n><Tab>");
    h.paste("Sostegno alla domiciliarità");
    h.keys("<C-s>");
    no_error(&h);
    assert!(
        h.text().contains("Sostegno alla domiciliarità"),
        "{}",
        h.text()
    );

    // Its verification: Enter opens the PAI with its values; the short-term objective is partly
    // reached (typing the code "2" picks it), the next verification is set.
    h.keys("<Enter>");
    assert_eq!(h.app.screen_name(), "pai", "{}", h.text());
    assert_eq!(
        h.app.form().unwrap().value("motivazioni"),
        "Sostegno alla domiciliarità"
    );
    h.keys("<C-g>2<Tab>2<Enter>");
    assert_eq!(h.app.form().unwrap().value("raggiunto_breve"), "2");
    h.keys("<C-g>3<End>");
    h.keys(&"<BS>".repeat(10));
    h.paste("31/03/2027");
    h.keys("<C-s>");
    no_error(&h);
    assert_eq!(caso_view(&h).sezione, Sezione::Pai);
    {
        let pai = &SqliteStore::open(&path).unwrap().pai(caso_id).unwrap()[0];
        assert_eq!(
            (
                pai.raggiunto_breve,
                pai.prossima_verifica.as_str(),
                pai.version
            ),
            (2, "2027-03-31", 2)
        );
    }

    // A document imported from a path on the server, on the Documenti tab.
    let scan = path.parent().unwrap().join("Relazione scuola.txt");
    std::fs::write(&scan, "Relazione della scuola sulla frequenza").unwrap();
    while caso_view(&h).sezione != Sezione::Documenti {
        h.keys("<PageDown>");
    }
    h.keys("<C-n>");
    assert_eq!(h.app.screen_name(), "documento", "{}", h.text());
    h.paste("../Relazione scuola.txt");
    h.keys("<Tab>");
    h.paste("Relazione della scuola");
    h.keys("<C-s>");
    match &h.app.popup {
        Some(Popup::Message { text, error: true }) => assert!(text.contains("«..»"), "{text}"),
        _ => panic!("a path with .. is refused:\n{}", h.text()),
    }
    h.keys("<Enter><S-Tab><End>");
    h.keys(&"<BS>".repeat("../Relazione scuola.txt".len()));
    h.paste(scan.to_str().unwrap());
    h.keys("<C-s>");
    no_error(&h);
    assert_eq!(caso_view(&h).sezione, Sezione::Documenti);
    assert!(h.text().contains("Relazione della scuola"), "{}", h.text());
    assert!(h.text().contains("Relazione scuola.txt"), "{}", h.text());
    // Enter: a copy of it in the office's output folder, byte for byte.
    h.keys("<Enter>");
    assert!(
        matches!(&h.app.popup, Some(Popup::Choice { options, .. }) if options.len() == 1),
        "{}",
        h.text()
    );
    h.keys("1");
    no_error(&h);
    let copies: Vec<_> = std::fs::read_dir(path.parent().unwrap().join("uscite"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("documento-"))
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(copies[0].to_string_lossy().ends_with(".txt"), "{copies:?}");
    assert_eq!(
        std::fs::read_to_string(&copies[0]).unwrap(),
        "Relazione della scuola sulla frequenza"
    );
    h.keys("<Enter>");

    // Change state: suspend, then close with a reason.
    h.keys("<C-e>");
    let options = match &h.app.popup {
        Some(Popup::Choice { options, .. }) => options.clone(),
        _ => panic!("{}", h.text()),
    };
    let sospendi = options.iter().position(|o| o == "Sospendi").unwrap() + 1;
    h.keys(&sospendi.to_string());
    h.paste("In attesa della documentazione sanitaria");
    h.keys("<Enter>");
    no_error(&h);
    h.keys("<C-e>");
    let options = match &h.app.popup {
        Some(Popup::Choice { options, .. }) => options.clone(),
        _ => panic!("{}", h.text()),
    };
    let chiudi = options.iter().position(|o| o == "Chiudi il caso").unwrap() + 1;
    h.keys(&chiudi.to_string());
    h.keys("3"); // Percorso in autonomia
    h.paste("Obiettivi raggiunti");
    h.keys("<Enter>");
    no_error(&h);

    let store = SqliteStore::open(&path).unwrap();
    let caso = store.caso(caso_id).unwrap().unwrap();
    assert_eq!(format!("{} {}", caso.cognome, caso.nome), persona);
    assert_eq!(
        (caso.stato.as_str(), caso.motivo_chiusura.as_deref()),
        ("chiuso", Some("autonomia"))
    );
    let stati: Vec<String> = store
        .steps(caso_id)
        .unwrap()
        .into_iter()
        .map(|s| s.stato)
        .collect();
    assert_eq!(stati, ["aperto", "preso_in_carico", "sospeso", "chiuso"]);

    // The audit entries of the walk.
    let rows: Vec<_> = store
        .audit_tail(500)
        .unwrap()
        .into_iter()
        .rev()
        .filter(|r| r.id > start && r.username == "assistente_sociale")
        .collect();
    let walk: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {}{}{}",
                r.event.action,
                r.event.entity.as_deref().unwrap_or(""),
                r.event
                    .entity_id
                    .map(|i| format!(" {i}"))
                    .unwrap_or_default(),
                r.event
                    .section
                    .as_deref()
                    .map(|s| format!(" [{s}]"))
                    .unwrap_or_default()
            )
        })
        .collect();
    println!("audit entries of the walk:\n{}", walk.join("\n"));
    let actions: Vec<&str> = rows.iter().map(|r| r.event.action.as_str()).collect();
    for a in [
        "elenca_proposte",
        "leggi_proposta",
        "prendi_in_carico",
        "leggi_cartella",
        "salva_diario",
        "salva_pai",
        "aggiungi_documento",
        "esporta_documento",
        "cambia_stato_caso",
    ] {
        assert!(actions.contains(&a), "{a} missing:\n{}", walk.join("\n"));
    }
    let sections: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.event.action == "leggi_cartella")
        .filter_map(|r| r.event.section.as_deref())
        .collect();
    assert_eq!(
        sections.len(),
        Sezione::ALL.len(),
        "every tab read is audited once at least"
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "cambia_stato_caso")
            .count(),
        2
    );
}

#[test]
fn a_proposal_sent_by_another_session_appears_within_a_second_without_a_new_audited_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut h = harness(&path, "assistente_sociale");
    h.keys("3<Enter>");
    let count = |h: &Harness| match &h.app.screen {
        Screen::Casi(State::Inbox(r)) => r.data.as_ref().map_or(0, Vec::len),
        _ => panic!("{}", h.text()),
    };
    assert_eq!(count(&h), 3);
    h.advance(1000);
    let before = last_audit_id(&path);

    // Another session refuses one proposal.
    let mut other = SqliteStore::open(&path).unwrap();
    let resp = other
        .operatore_by_username("responsabile")
        .unwrap()
        .unwrap();
    let resp = Actor::operatore(&resp, None, None);
    let mut svc = sportello::service::Service::new(&mut other);
    let id = svc.proposte(&resp, false).unwrap()[0].id;
    svc.respingi_proposta(&resp, id, "Già seguita dal consultorio")
        .unwrap();
    let after_write = last_audit_id(&path);
    assert_eq!(
        after_write,
        before + 1,
        "the refusal is the only new audit row"
    );

    assert_eq!(count(&h), 3, "not before a tick");
    h.advance(500);
    assert_eq!(count(&h), 2, "refreshed at the next tick (500 ms)");
    assert_eq!(
        last_audit_id(&path),
        after_write,
        "a refresh is not a new read"
    );
    // Nothing changed: ticking on asks no list again.
    let queries = h.effects.len();
    h.advance(1000).advance(1000);
    let lists = h.effects[queries..]
        .iter()
        .filter(|e| {
            matches!(
                e,
                sportello::ui::app::Effect::Request(
                    _,
                    sportello::ui::app::Request::Casi(sportello::ui::casi::Req::Proposte { .. })
                )
            )
        })
        .count();
    assert_eq!(lists, 0);
}

fn lista_rows(h: &Harness) -> Vec<sportello::domain::caso::Caso> {
    match &h.app.screen {
        Screen::Casi(State::Lista(r, _)) => r.data.clone().unwrap_or_default(),
        _ => panic!("not the list of cases:\n{}", h.text()),
    }
}

fn audits(path: &std::path::Path, after: i64, action: &str) -> Vec<sportello::domain::AuditRow> {
    SqliteStore::open(path)
        .unwrap()
        .audit_tail(200)
        .unwrap()
        .into_iter()
        .filter(|r| r.id > after && r.event.action == action)
        .collect()
}

#[test]
fn the_list_of_cases_filters_by_state_and_person_each_new_filter_an_audited_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut h = harness(&path, "assistente_sociale");
    h.keys("3");
    h.keys("2");
    let all = lista_rows(&h);
    assert_eq!(all.len(), 10, "{}", h.text());
    assert!(h.text().contains("tutti i casi"), "{}", h.text());
    let sospesi = all.iter().filter(|c| c.stato == "sospeso").count();
    assert!(sospesi > 0 && sospesi < all.len());
    let start = last_audit_id(&path);

    // Ctrl+K: the filter form; the state picked by typing its label.
    h.keys("<C-k>");
    assert_eq!(h.app.screen_name(), "filtro_casi", "{}", h.text());
    h.keys("Sospeso<Enter>");
    h.keys("<C-s>");
    no_error(&h);
    let rows = lista_rows(&h);
    assert_eq!(rows.len(), sospesi, "{}", h.text());
    assert!(rows.iter().all(|c| c.stato == "sospeso"));
    assert!(h.text().contains("stato sospeso"), "{}", h.text());
    assert_eq!(
        audits(&path, start, "elenca_casi").len(),
        1,
        "a new filter is a new read"
    );

    // The person: part of the surname, the state filter kept.
    let target = &rows[0];
    h.keys("<C-k>");
    for _ in 0..5 {
        h.keys("<Tab>");
    }
    h.paste(&target.cognome.to_lowercase());
    h.keys("<C-s>");
    no_error(&h);
    let rows = lista_rows(&h);
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|c| c.cognome == target.cognome && c.stato == "sospeso"),
        "{rows:?}"
    );
    // A period that ends before the first opening: nothing.
    h.keys("<C-k>");
    for _ in 0..4 {
        h.keys("<Tab>");
    }
    h.paste("01/01/2001");
    h.keys("<C-s>");
    assert!(lista_rows(&h).is_empty(), "{}", h.text());
    // A period backwards is refused on the form.
    h.keys("<C-k><Tab><Tab><Tab>");
    h.paste("01/01/2002");
    h.keys("<C-s>");
    assert_eq!(h.app.screen_name(), "filtro_casi");
    assert!(
        h.text().contains("La data finale precede quella iniziale"),
        "{}",
        h.text()
    );
}

#[test]
fn cartella_sections_and_risorse_are_filled_from_their_forms_sensitive_ones_need_the_grant() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut h = harness(&path, "assistente_sociale");
    h.keys("3");
    h.keys("2");
    h.keys("<Enter>");
    assert_eq!(caso_view(&h).sezione, Sezione::Anagrafica);
    let caso_id = caso_view(&h).caso_id;

    // Risorse: a convivente.
    h.keys("<PageDown>");
    assert_eq!(caso_view(&h).sezione, Sezione::Risorse);
    h.keys("<C-n>");
    assert_eq!(h.app.screen_name(), "familiare", "{}", h.text());
    h.keys("<Tab>");
    h.paste("Verdini");
    h.keys("<Tab>");
    h.paste("Carla");
    h.keys("<Tab>");
    h.keys("Figlio<Enter>");
    h.keys("<C-s>");
    no_error(&h);
    assert_eq!(caso_view(&h).sezione, Sezione::Risorse);
    assert!(h.text().contains("Verdini Carla"), "{}", h.text());

    // Dati sociali: a new validity-dated row, shown with the form's labels.
    h.keys("<PageDown><C-n>");
    assert_eq!(h.app.screen_name(), "dati_sociali", "{}", h.text());
    h.keys("<Tab>");
    h.paste("Medico di medicina generale");
    h.keys("<Tab><Tab>");
    h.keys("Parzialmente<Enter>");
    h.keys("<C-s>");
    no_error(&h);
    let text = h.text();
    assert!(
        text.contains("Medico di medicina generale") && text.contains("Inviante"),
        "{text}"
    );
    assert!(text.contains("Parzialmente autosufficiente"), "{text}");

    // Tribunale (sensitive) with the grant.
    h.keys("<PageDown><PageDown><PageDown>");
    assert_eq!(caso_view(&h).sezione, Sezione::Tribunale);
    h.keys("<C-n>");
    assert_eq!(h.app.screen_name(), "tribunale", "{}", h.text());
    h.keys("<Tab>");
    h.paste("Tribunale per i minorenni di Perugia");
    h.keys("<Tab>");
    h.paste("Affidamento al servizio sociale");
    h.keys("<C-s>");
    no_error(&h);
    assert!(
        h.text().contains("Affidamento al servizio sociale"),
        "{}",
        h.text()
    );

    // Without the grant: the section is refused (audited), and so is a new entry.
    let mut other = SqliteStore::open(&path).unwrap();
    let sys = Actor::system(None, None);
    let ente = other
        .operatore_by_username("assistente_sociale")
        .unwrap()
        .unwrap()
        .enti[0];
    sportello::service::Service::new(&mut other)
        .set_riservati(&sys, "assistente_sociale", ente, false)
        .unwrap();
    let start = last_audit_id(&path);
    h.keys("<PageUp>");
    assert_eq!(caso_view(&h).sezione, Sezione::Disabilita);
    assert!(
        caso_view(&h)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("dati riservati")),
        "{}",
        h.text()
    );
    assert!(!h.text().contains("Affidamento"));
    h.keys("<C-n>");
    assert_eq!(h.app.screen_name(), "cartella");
    assert!(
        h.app
            .status
            .as_deref()
            .is_some_and(|s| s.contains("dati riservati")),
        "{:?}",
        h.app.status
    );
    let denied = audits(&path, start, "leggi_cartella");
    assert!(
        denied
            .iter()
            .any(|r| r.event.outcome == sportello::domain::Outcome::Denied
                && r.event.section.as_deref() == Some("disabilita")),
        "{denied:?}"
    );

    let store = SqliteStore::open(&path).unwrap();
    let fam = store.familiari(caso_id).unwrap();
    assert!(
        fam.iter().any(|f| f.cognome == "Verdini"
            && f.tipo == "convivente"
            && f.relazione.as_deref() == Some("figlio")),
        "{fam:?}"
    );
    let sociali = store.cartella_dati(caso_id, "dati_sociali").unwrap();
    assert!(
        sociali[0].dati.contains("\"autosufficienza\":\"PARZ\""),
        "{sociali:?}"
    );
    assert!(sociali[1].al.is_some(), "the previous row is closed");
}

/// The social worker's demo cases, as their list shows them.
fn social_cases(path: &std::path::Path) -> Vec<sportello::domain::caso::Caso> {
    let mut s = SqliteStore::open(path).unwrap();
    let social = s
        .operatore_by_username("assistente_sociale")
        .unwrap()
        .unwrap();
    let social = Actor::operatore(&social, None, None);
    sportello::service::Service::new(&mut s)
        .list_casi(&social, &Default::default(), false)
        .unwrap()
}

/// The home menu key of the cases module for the operator logged in.
fn cases_menu(h: &Harness) -> String {
    h.text()
        .lines()
        .find(|l| l.contains("Presa in carico e cartella"))
        .and_then(|l| l.trim_start_matches(['│', ' ']).chars().next())
        .map(String::from)
        .unwrap()
}

/// Opens case `caso_id` from the list of cases (module `menu` of the home screen) on section `s`.
fn open_case(h: &mut Harness, menu: &str, caso_id: i64, s: Sezione) {
    h.keys(menu);
    h.keys("2");
    let selected = |h: &Harness| match &h.app.screen {
        Screen::Casi(State::Lista(r, _)) => r.table.selected_key().map(str::to_string),
        _ => None,
    };
    for _ in 0..lista_rows(h).len() {
        if selected(h) == Some(caso_id.to_string()) {
            break;
        }
        h.keys("<Down>");
    }
    assert_eq!(selected(h), Some(caso_id.to_string()), "{}", h.text());
    h.keys("<Enter>");
    while caso_view(h).sezione != s {
        h.keys("<PageDown>");
    }
}

#[test]
fn two_operators_verifying_the_same_pai_the_second_gets_a_conflict_and_keeps_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let s = SqliteStore::open(&path).unwrap();
    let (caso_id, pai) = social_cases(&path)
        .iter()
        .filter(|c| c.stato != "chiuso")
        .find_map(|c| {
            let p = s.pai(c.id).unwrap();
            (p.len() == 1).then(|| (c.id, p[0].clone()))
        })
        .expect("a demo case with one PAI");
    let mut mine = harness(&path, "assistente_sociale");
    let mut theirs = harness(&path, "responsabile");
    open_case(&mut mine, "3", caso_id, Sezione::Pai);
    let menu = cases_menu(&theirs);
    open_case(&mut theirs, &menu, caso_id, Sezione::Pai);
    mine.keys("<Enter>");
    theirs.keys("<Enter>");
    assert_eq!(mine.app.screen_name(), "pai", "{}", mine.text());
    assert_eq!(theirs.app.screen_name(), "pai", "{}", theirs.text());

    // The social worker records the verification first.
    mine.keys("<C-g>2<Tab>3<Enter><C-s>");
    no_error(&mine);
    // The responsabile, on the version they opened, adds a long-term objective: refused.
    theirs.keys("<C-g>2");
    for _ in 0..4 {
        theirs.keys("<Tab>");
    }
    assert_eq!(
        theirs.app.form().unwrap().focused().unwrap().spec.id,
        "obiettivo_lungo"
    );
    theirs.paste("Rientro al lavoro part-time");
    theirs.keys("<C-s>");
    match &theirs.app.popup {
        Some(Popup::Message { text, error: true }) => {
            assert!(text.contains("modificato da un altro"), "{text}")
        }
        _ => panic!("a conflict:\n{}", theirs.text()),
    }
    assert_eq!(
        theirs.app.screen_name(),
        "pai",
        "the form stays open with what was typed"
    );
    assert_eq!(
        theirs.app.form().unwrap().value("obiettivo_lungo"),
        "Rientro al lavoro part-time"
    );
    let s = SqliteStore::open(&path).unwrap();
    let resp = s.operatore_by_username("responsabile").unwrap().unwrap();
    let draft = s
        .load_draft(resp.id, "pai", &format!("pai-{}", pai.id.unwrap()))
        .unwrap()
        .expect("the refused edit is kept as a draft");
    assert!(draft.content.contains("Rientro al lavoro part-time"));
    let stored = &s.pai(caso_id).unwrap()[0];
    assert_eq!(stored.raggiunto_breve, 3, "the first save stands");
    assert_eq!(stored.obiettivo_lungo, pai.obiettivo_lungo);
}

fn choose(h: &mut Harness, label: &str) {
    let options = match &h.app.popup {
        Some(Popup::Choice { options, .. }) => options.clone(),
        _ => panic!("a choice for «{label}»:\n{}", h.text()),
    };
    let i = options
        .iter()
        .position(|o| o.contains(label))
        .unwrap_or_else(|| panic!("«{label}» not in {options:?}"));
    assert!(i < 9, "{options:?}");
    h.keys(&(i + 1).to_string());
}

#[test]
fn the_social_worker_assigns_a_colleague_and_shares_the_case_without_its_information() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let caso_id = social_cases(&path)
        .into_iter()
        .find(|c| c.stato == "preso_in_carico" || c.stato == "sospeso")
        .unwrap()
        .id;
    let mut h = harness(&path, "assistente_sociale");
    open_case(&mut h, "3", caso_id, Sezione::Operatori);
    assert!(h.text().contains("Ctrl+N: assegna"), "{}", h.text());

    // A colleague, for consultation only.
    h.keys("<C-n>");
    choose(&mut h, "Assegna un operatore");
    choose(&mut h, "(responsabile)");
    choose(&mut h, "solo consultazione");
    no_error(&h);
    // The other comune, without the fascicolo's information.
    h.keys("<C-n>");
    choose(&mut h, "altro ente");
    choose(&mut h, "Corciano");
    choose(&mut h, "Nascondi informazioni");
    no_error(&h);
    assert!(
        h.text()
            .contains("Condiviso con Comune di Corciano · informazioni nascoste"),
        "{}",
        h.text()
    );
    let s = SqliteStore::open(&path).unwrap();
    assert!(
        s.operatori_caso(caso_id)
            .unwrap()
            .iter()
            .any(|o| o.operatore == "responsabile" && !o.gestione_fascicolo && o.al.is_none())
    );

    // In Corciano (a social worker added there) the case is listed; its diary is not shown.
    {
        let mut s = SqliteStore::open(&path).unwrap();
        let ente = s
            .list_enti()
            .unwrap()
            .into_iter()
            .find(|e| e.nome.contains("Corciano"))
            .unwrap();
        let ufficio = s.list_uffici(ente.id).unwrap()[0].id;
        let new = sportello::domain::NewOperatore {
            username: "as.corciano".into(),
            nome: "Lucia".into(),
            cognome: "Bianchi".into(),
            roles: sportello::domain::RoleSet::from_roles(&[
                sportello::domain::Role::AssistenteSociale,
            ]),
            enti: vec![ente.id],
            ufficio_id: Some(ufficio),
            ..Default::default()
        };
        sportello::service::Service::new(&mut s)
            .add_user(&Actor::system(None, None), &new, Some(demo::DEMO_PASSWORD))
            .unwrap();
    }
    let mut other = harness(&path, "as.corciano");
    let menu = cases_menu(&other);
    open_case(&mut other, &menu, caso_id, Sezione::Anagrafica);
    assert!(caso_view(&other).error.is_none(), "{}", other.text());
    while caso_view(&other).sezione != Sezione::Diario {
        other.keys("<PageDown>");
    }
    assert!(
        other.text().contains("senza le informazioni"),
        "{}",
        other.text()
    );

    // Enter on the sharing: show the whole cartella; now the diary reads in Corciano.
    h.keys("<Enter>");
    choose(&mut h, "Condiviso con Comune di Corciano");
    choose(&mut h, "Mostra tutta la cartella");
    no_error(&h);
    other.keys("<PageDown><PageUp>");
    assert!(caso_view(&other).error.is_none(), "{}", other.text());
}

#[test]
fn a_case_opened_from_the_list_starts_aperto_and_is_then_taken_in_charge() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let (libero, seguito) = {
        let s = SqliteStore::open(&path).unwrap();
        let perugia = s
            .list_enti()
            .unwrap()
            .into_iter()
            .find(|e| e.nome.contains("Perugia"))
            .unwrap()
            .id;
        let mut libero = None;
        let mut seguito = None;
        for id in 1..=60 {
            let Some(p) = s.soggetto(id).unwrap() else {
                continue;
            };
            let Some(cf) = p.codice_fiscale.clone() else {
                continue;
            };
            match s.caso_di(id, perugia).unwrap() {
                None if p.data_decesso.is_none() => libero = libero.or(Some(cf)),
                Some(_) => seguito = seguito.or(Some(cf)),
                None => {}
            }
        }
        (libero.unwrap(), seguito.unwrap())
    };
    let mut h = harness(&path, "assistente_sociale");
    h.keys("32<C-n>");
    assert_eq!(h.app.screen_name(), "nuovo_caso", "{}", h.text());
    // A person who already has a case here: refused, the form stays with what was typed.
    h.paste(&seguito);
    h.keys("<Tab>anzian<Enter><C-s>");
    match &h.app.popup {
        Some(Popup::Message { text, error: true }) => {
            assert!(text.contains("ha già un caso"), "{text}")
        }
        _ => panic!("refused:\n{}", h.text()),
    }
    h.keys("<Enter>");
    assert_eq!(h.app.screen_name(), "nuovo_caso");
    h.keys("<S-Tab><End>");
    h.keys(&"<BS>".repeat(16));
    h.paste(&libero);
    h.keys("<C-s>");
    no_error(&h);
    let caso_id = caso_view(&h).caso_id;
    assert!(h.text().contains("Stato: Aperto"), "{}", h.text());

    // Ctrl+E: take it in charge (the office manages "anziani" in the demo).
    h.keys("<C-e>");
    choose(&mut h, "Prendi in carico");
    h.paste("Presa in carico dopo il colloquio");
    h.keys("<Enter>");
    no_error(&h);
    let s = SqliteStore::open(&path).unwrap();
    let caso = s.caso(caso_id).unwrap().unwrap();
    assert_eq!(
        (
            caso.stato.as_str(),
            caso.responsabile.as_deref(),
            caso.categorie
        ),
        (
            "preso_in_carico",
            Some("assistente_sociale"),
            vec!["anziani".to_string()]
        )
    );
    let stati: Vec<String> = s
        .steps(caso_id)
        .unwrap()
        .into_iter()
        .map(|x| x.stato)
        .collect();
    assert_eq!(stati, ["aperto", "preso_in_carico"]);
    let audit = s.audit_tail(20).unwrap();
    assert!(audit.iter().any(|r| r.event.action == "apri_caso"
        && r.event.entity_id == Some(caso_id)
        && r.username == "assistente_sociale"));
}

#[test]
fn the_filtered_list_of_cases_is_exported_to_the_office_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    // The social worker may not export; the responsabile may.
    let mut h = harness(&path, "assistente_sociale");
    h.keys("32<C-x>");
    choose(&mut h, "CSV");
    match &h.app.popup {
        Some(Popup::Message { text, error: true }) => {
            assert!(text.contains("esportazione dei casi"), "{text}")
        }
        _ => panic!("refused:\n{}", h.text()),
    }
    let mut h = harness(&path, "responsabile");
    let menu = cases_menu(&h);
    h.keys(&menu);
    h.keys("2");
    let sospesi = lista_rows(&h)
        .iter()
        .filter(|c| c.stato == "sospeso")
        .count();
    h.keys("<C-k>Sospeso<Enter><C-s>");
    h.keys("<C-x>");
    choose(&mut h, "CSV");
    no_error(&h);
    let files: Vec<_> = std::fs::read_dir(path.parent().unwrap().join("uscite"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let csv = std::fs::read_to_string(&files[0]).unwrap();
    assert_eq!(csv.lines().count(), 1 + sospesi, "{csv}");
    assert!(csv.lines().skip(1).all(|l| l.contains("Sospeso")), "{csv}");
    assert!(
        h.text().contains(&format!("({sospesi} cas")),
        "{}",
        h.text()
    );
}

#[test]
fn categorie_sociali_are_added_made_prevalent_and_ended_from_the_anagrafica_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let caso_id = social_cases(&path)
        .into_iter()
        .find(|c| c.stato == "preso_in_carico" && !c.categorie.contains(&"disabili".into()))
        .unwrap()
        .id;
    let categorie = |path: &std::path::Path| {
        SqliteStore::open(path)
            .unwrap()
            .categorie_caso(caso_id)
            .unwrap()
    };
    let before = categorie(&path);
    assert_eq!(before.iter().filter(|c| c.prevalente).count(), 1);
    let mut h = harness(&path, "assistente_sociale");
    open_case(&mut h, "3", caso_id, Sezione::Anagrafica);
    assert!(
        h.text().contains("Categorie sociali (Ctrl+N"),
        "{}",
        h.text()
    );

    // Disabili, prevalent from today.
    h.keys("<C-n>");
    assert_eq!(h.app.screen_name(), "categoria_caso", "{}", h.text());
    h.keys("disab<Enter><Tab><Space><C-s>");
    no_error(&h);
    let now = categorie(&path);
    assert!(
        now.iter()
            .any(|c| c.codice == "disabili" && c.prevalente && c.al.is_none())
    );
    assert_eq!(now.iter().filter(|c| c.prevalente).count(), 1, "{now:?}");
    assert!(h.text().contains("disabili (prevalente)"), "{}", h.text());

    // Ended: the other active categoria is prevalent again.
    h.keys("<C-n>disab<Enter><Tab><Tab><Tab>");
    h.paste("31/12/2099");
    h.keys("<C-s>");
    no_error(&h);
    let now = categorie(&path);
    assert!(
        now.iter().any(|c| c.codice == "disabili"
            && c.al.as_deref() == Some("2099-12-31")
            && !c.prevalente)
    );
    let prevalenti: Vec<_> = now.iter().filter(|c| c.prevalente).collect();
    assert_eq!(prevalenti.len(), 1, "{now:?}");
    assert_eq!(
        prevalenti[0].codice,
        before.iter().find(|c| c.prevalente).unwrap().codice
    );
}

#[test]
fn a_sinba_assessment_shows_the_labels_of_its_codes() {
    use sportello::domain::caso::{CambioStato, Valutazione};
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let caso_id = {
        let mut s = SqliteStore::open(&path).unwrap();
        let social = s
            .operatore_by_username("assistente_sociale")
            .unwrap()
            .unwrap();
        let social = Actor::operatore(&social, None, None);
        let perugia = social.enti[0];
        let minore = (1..=60)
            .filter_map(|id| s.soggetto(id).unwrap())
            .find(|p| {
                p.data_nascita.as_deref().is_some_and(|d| d > "2010")
                    && p.codice_fiscale.is_some()
                    && s.caso_di(p.id, perugia).unwrap().is_none()
            })
            .expect("a minor in the demo");
        let mut svc = sportello::service::Service::new(&mut s);
        let today = time::OffsetDateTime::now_utc().date();
        let caso = svc
            .apri_caso(
                &social,
                minore.codice_fiscale.as_deref().unwrap(),
                "famiglia_minori",
                today,
            )
            .unwrap();
        let version = svc.store().caso(caso).unwrap().unwrap().version;
        svc.cambia_stato(
            &social,
            &CambioStato {
                caso_id: caso,
                version,
                a: "preso_in_carico".into(),
                data: sportello::domain::date::iso(today),
                ..Default::default()
            },
        )
        .unwrap();
        svc.save_valutazione(
            &social,
            &Valutazione {
                caso_id: caso,
                modulo: "valutazione_sinba".into(),
                modulo_versione: 1,
                data: sportello::domain::date::iso(today),
                dati: r#"{"fonte_segnalazione":"2","luogo_vita":"2","valutazione_minore":"2","valutazione_famiglia":"2"}"#.into(),
                ..Default::default()
            },
        )
        .unwrap();
        caso
    };
    let mut h = harness(&path, "assistente_sociale");
    open_case(&mut h, "3", caso_id, Sezione::Valutazioni);
    let text = h.text();
    assert!(
        text.contains("Presso parenti") && text.contains("Problemi relazionali"),
        "{text}"
    );
}
