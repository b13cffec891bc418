//! Issue 13's acceptance walk, headless, on the lived-in demo: the front desk of the Comune di
//! Perugia (POR enabled) fills the complete scheda of a foreign citizen with a family — sent by the
//! Caritas' centro di ascolto (the organisations' registry), met at a punto di contatto, stranieri,
//! familiari, abitazione, POR block — sends it to the Segretariato of the Comune di Corciano (an
//! e-mail notice goes through the configured sendmail, without personal data), adds two richieste
//! with their consuntivo; the receiving office finds it, opens it read-only and reads the scheda
//! originale; the sender sees it read and can no longer call it back.
//!
//! The keystrokes are the ones an operator types; the closing note of the issue lists them.

mod common;

use common::fixture::lived_in_db;
use common::form::{fill, focused};
use sportello::demo;
use sportello::domain::cf::{self, Sesso};
use sportello::mail::{Mailer, Trasporto};
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::{richieste, schede};

fn harness(path: &std::path::Path, dir: &std::path::Path, user: &str) -> Harness {
    let script = dir.join("sendmail");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncat >> '{}'\n", dir.join("posta.txt").display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = AppConfig {
        output_dir: dir.join("stampe"),
        mail: Some(Mailer {
            trasporto: Trasporto::Sendmail(script.display().to_string()),
            mittente: "sportello@comune.perugia.example.it".into(),
        }),
        ..AppConfig::headless(false)
    };
    let mut h = Harness::new(Box::new(SqliteStore::open(path).unwrap()), config, 80, 24);
    h.login(user, demo::DEMO_PASSWORD);
    h
}

/// A richiesta (servizio typed as in the picker) with one consuntivo row.
fn add_richiesta(h: &mut Harness, servizio: &str, tipo: &str, durata: &str) {
    h.keys("<C-n><Tab>").keys(servizio).keys("<Enter><C-s>");
    assert!(
        matches!(h.app.screen, Screen::Richieste(richieste::State::Righe(..))),
        "a new richiesta opens its consuntivo:\n{}",
        h.text()
    );
    h.keys("<C-n><Tab>")
        .keys(tipo)
        .keys("<Enter><Tab>")
        .keys(durata)
        .keys("<C-s><Esc>");
}

#[test]
fn a_foreign_citizens_complete_scheda_is_sent_to_another_ente_and_opened_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = lived_in_db(dir.path(), 100);
    let mut h = harness(&path, dir.path(), "sportello");

    // The person: new, born in Morocco; then a new scheda from the card.
    h.keys("1").keys("haddad youssef").keys("<C-n>");
    let code = cf::compute("Haddad", "Youssef", Sesso::M, 1985, 6, 2, "Z330");
    h.keys(&code).keys("<C-s>");
    assert!(h.text().contains("Persona salvata"), "{}", h.text());
    h.keys("<C-n>");

    // Accesso: sent by the Caritas' centro di ascolto, met at the Ponte San Giovanni desk.
    fill(&mut h, "luogo", "ponte san<Enter>");
    fill(&mut h, "interlocutore", "utente<Enter>");
    fill(&mut h, "motivo_accesso", "inviato<Enter>");
    fill(&mut h, "inviato_da", "centro di ascolto<Enter>");
    fill(&mut h, "modalita_accesso", "di pers<Enter>");
    // Utente: the cittadinanza outside the EU opens the stranieri section.
    h.keys("<C-g>3");
    fill(&mut h, "stato_civile", "coniug<Enter>");
    fill(&mut h, "cittadinanza", "marocco<Enter>");
    fill(&mut h, "res_indirizzo", "Via della Pescara 12");
    fill(&mut h, "res_comune", "perugia<Enter>");
    fill(&mut h, "telefono", "333 7654321");
    fill(&mut h, "titolo_studio", "licenza media<Enter>");
    // Stranieri.
    h.keys("<C-g>4");
    h.keys("marocco<Enter>");
    fill(&mut h, "str_status_permesso", "possesso<Enter>");
    fill(&mut h, "str_tipo_permesso", "subord<Enter>");
    fill(&mut h, "str_numero_permesso", "I0987654");
    fill(&mut h, "str_scadenza_permesso", "14/02/2027");
    fill(&mut h, "str_presente_3_mesi", "<Space>");
    fill(&mut h, "str_anno_arrivo", "2016");
    fill(&mut h, "str_presenza_regione", "immigrato<Enter>");
    fill(&mut h, "str_anno_arrivo_regione", "2017");
    fill(&mut h, "str_lingua_parlato", "suffic<Enter>");
    // Familiari e conviventi: the wife and a son.
    h.keys("<C-g>5<Enter>");
    fill(&mut h, "cognome", "Haddad");
    fill(&mut h, "nome", "Amina");
    fill(&mut h, "relazione", "coniuge<Enter>");
    fill(&mut h, "sesso", "femm<Enter>");
    fill(&mut h, "data_nascita", "03/02/1988");
    h.keys("<C-s>");
    h.keys("<C-n>");
    fill(&mut h, "cognome", "Haddad");
    fill(&mut h, "nome", "Karim");
    fill(&mut h, "relazione", "figlio<Enter>");
    fill(&mut h, "sesso", "masch<Enter>");
    fill(&mut h, "data_nascita", "11/09/2015");
    h.keys("<C-s>");
    assert!(h.text().contains("Haddad · Karim"), "{}", h.text());
    // Abitazione.
    h.keys("<C-g>6");
    fill(&mut h, "abit_tipo", "appart<Enter>");
    fill(&mut h, "abit_titolo", "affitto da priv<Enter>");
    fill(&mut h, "abit_persone", "3");
    // Bisogni, servizi: sent to the Segretariato of Corciano (the zona's offices first).
    h.keys("<C-g>8");
    fill(&mut h, "bisogni", "lavoro<Space><Enter>");
    h.keys("<C-g>9");
    fill(&mut h, "servizi", "invio ad altro uff<Space><Enter>");
    fill(&mut h, "invio_ufficio", "corciano<Enter>");
    // Esito.
    h.keys("<C-g>a");
    fill(&mut h, "esito", "invio ad altro<Enter>");
    // Dati POR / FSE (Perugia enables POR).
    h.keys("<C-g>d");
    assert_eq!(focused(&h), "por_titolo_studio", "{}", h.text());
    h.keys("licenza media<Enter>");
    fill(&mut h, "por_anno_titolo", "2001");
    fill(&mut h, "por_condizione_lavoro", "disoccupato<Enter>");
    fill(&mut h, "por_durata_ricerca", "oltre 12<Enter>");
    fill(&mut h, "por_data_sottoscrizione", "30/11/2026");
    fill(&mut h, "por_soggetto_attuatore", "Cooperativa Il Ponte");
    fill(&mut h, "por_progetto", "Inclusione attiva 2027");
    h.keys("<C-s>");
    let status = h.text();
    assert!(status.contains("completa"), "{status}");
    assert!(
        status.contains("inviata all'ufficio di destinazione"),
        "{status}"
    );

    // The two richieste with their consuntivo, from the scheda reopened on the card.
    h.keys("<Enter>");
    assert!(
        h.text().contains("inviata, non letta"),
        "the sender sees the sending: {}",
        h.text()
    );
    h.keys("<C-o>");
    add_richiesta(&mut h, "orientamento / inse", "gestione e lav", "1h30");
    add_richiesta(&mut h, "informazione e or", "richiesta inf", "45");
    let list = h.text();
    assert!(list.contains("Orientamento / inserimento lavoro"), "{list}");
    assert!(list.contains("Informazione e orientamento"), "{list}");
    h.keys("<Esc><Esc>");

    // What was stored, and the notice sent (no personal data in it).
    let store = SqliteStore::open(&path).unwrap();
    let perugia = store.ente_by_code("G478").unwrap().unwrap().id;
    let id = store
        .list_schede(&[perugia], &Default::default(), 50)
        .unwrap()
        .into_iter()
        .find(|r| r.codice_fiscale.as_deref() == Some(code.as_str()))
        .unwrap()
        .id;
    let s = store.scheda(id).unwrap().unwrap();
    assert_eq!(s.stato, sportello::domain::scheda::Stato::Inviata);
    assert_eq!(s.edit.text("str_presenza_regione"), "immigrato");
    assert_eq!(s.edit.text("por_progetto"), "Inclusione attiva 2027");
    assert_eq!(s.edit.text("inviato_da"), "caritas_ascolto");
    assert_eq!(
        sportello::domain::scheda_sezioni::familiari(&s.edit.dati).len(),
        2
    );
    let minuti: Vec<i64> = store
        .richieste(id)
        .unwrap()
        .iter()
        .map(|r| r.minuti())
        .collect();
    assert_eq!(minuti, [90, 45]);
    let invii = store.invii(id).unwrap();
    assert_eq!(invii.len(), 1);
    assert!(invii[0].letta_at.is_none());
    assert!(
        invii[0]
            .email_esito
            .as_deref()
            .is_some_and(|e| e.starts_with("inviato a servizi.sociali@comune.corciano")),
        "{:?}",
        invii[0].email_esito
    );
    let mail = std::fs::read_to_string(dir.path().join("posta.txt")).unwrap();
    assert!(!mail.contains("Haddad") && !mail.contains(&code), "{mail}");

    // The receiving office: the scheda is in its list; opened, read-only, "ricevuta da".
    let mut r = harness(&path, dir.path(), "sportello.corciano");
    r.keys("2").keys("haddad");
    let list = r.text();
    assert!(list.contains("Haddad"), "{list}");
    assert!(list.contains("1 ricevuta da leggere"), "{list}");
    assert!(list.contains("Da leggere"), "{list}");
    r.keys("<Enter>");
    let form = r.text();
    assert!(form.contains("ricevuta da Comune di Perugia"), "{form}");
    assert!(
        matches!(&r.app.screen, Screen::Schede(schede::State::Form(f, _)) if f.readonly),
        "{form}"
    );
    assert!(
        form.contains("scheda ricevuta da un altro ufficio"),
        "{form}"
    );
    // Ctrl+W: the scheda originale, as sent.
    r.keys("<C-w>");
    assert!(r.text().contains("Scheda originale"), "{}", r.text());
    r.keys("1");
    let Screen::Schede(schede::State::Originale(f)) = &r.app.screen else {
        panic!("not the original:\n{}", r.text());
    };
    assert!(f.readonly);
    assert_eq!(f.form.value("str_numero_permesso"), "I0987654");
    assert!(r.text().contains("originale"), "{}", r.text());
    assert!(
        r.text().contains("Sportelli Giulia"),
        "the sender's operator named: {}",
        r.text()
    );
    assert!(
        r.text().contains("Sportello di Ponte San Giovanni"),
        "{}",
        r.text()
    );
    // The day of the sending is today's (the store's clock): masked in the snapshot.
    let oggi = sportello::domain::date::gg_mm_aaaa(sportello::domain::date::today());
    insta::assert_snapshot!(
        "scheda_originale_ricevuta",
        r.text().replace(&oggi, "GG/MM/AAAA")
    );
    r.keys("<Esc>");

    // Read: the sender sees it so, and can no longer call it back.
    let store = SqliteStore::open(&path).unwrap();
    assert!(store.invii(id).unwrap()[0].letta_at.is_some());
    h.keys("2").keys("haddad").keys("<Enter>");
    assert!(h.text().contains("letta il"), "{}", h.text());
    h.keys("<C-w>");
    assert!(!h.text().contains("Annulla l'invio"), "{}", h.text());
}
