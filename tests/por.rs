//! The POR / FSE block of a scheda. Headless, on an ente that enables it: the section «Dati POR /
//! FSE» filled for an occupied person (the employer's fields appear), a half-filled block keeps
//! the scheda in sospeso naming the missing field, a bad IBAN is refused on its field in Italian,
//! corrected and saved; reopened with every value; the presenza in regione of the stranieri
//! section checked against the birth year; the «Domanda di iscrizione» printed from the CLI
//! carries the participant and the progetto. Migration 0031 turns old free-text values into codes
//! where they equal a label; the print is audited, without the vulnerabilità for who may not read
//! it; the export carries the block's main fields.

mod common;
#[path = "common/pdf.rs"]
mod pdf;

use common::form::{error_of, fill, focused, shown};
use common::{Env, code, text};
use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::cf::{self, Sesso};
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::schede;

fn harness(path: &std::path::Path, out: &std::path::Path) -> Harness {
    let config = AppConfig {
        output_dir: out.to_path_buf(),
        ..AppConfig::headless(false)
    };
    let mut h = Harness::new(
        Box::new(sportello::store::sqlite::SqliteStore::open(path).unwrap()),
        config,
        80,
        24,
    );
    h.login("responsabile", demo::DEMO_PASSWORD);
    h
}

/// The demo database with POR enabled for Perugia (the responsabile's ente).
fn por_db(dir: &std::path::Path) -> std::path::PathBuf {
    let path = common::fixture::demo_db(dir, 30);
    let mut s = sportello::store::sqlite::SqliteStore::open(&path).unwrap();
    Service::new(&mut s)
        .set_por(&Actor::system(None, None), "G478", true)
        .unwrap();
    path
}

#[test]
fn the_por_block_of_a_scheda_filled_checked_saved_reopened_and_printed() {
    let dir = tempfile::tempdir().unwrap();
    let path = por_db(dir.path());
    let mut h = harness(&path, &dir.path().join("stampe"));

    // A new person born in Perugia in 1990, then a new scheda from the card.
    h.keys("1").keys("bianchi giulia");
    h.keys("<C-n>");
    let cf_giulia = cf::compute("Bianchi", "Giulia", Sesso::F, 1990, 5, 4, "G478");
    h.keys(&cf_giulia).keys("<C-s>");
    assert!(h.text().contains("Persona salvata"), "{}", h.text());
    h.keys("<C-n>");
    assert!(
        h.text().contains("Scheda di accesso: nuova"),
        "{}",
        h.text()
    );
    fill(&mut h, "interlocutore", "utente<Enter>");
    fill(&mut h, "motivo_accesso", "spont<Enter>");
    fill(&mut h, "modalita_accesso", "di pers<Enter>");
    h.keys("<C-g>3");
    fill(&mut h, "stato_civile", "nubil<Enter>");
    fill(&mut h, "senza_fissa_dimora", "<Space>");
    fill(&mut h, "telefono", "333 1234567");
    h.keys("<C-g>a");
    fill(&mut h, "esito", "informazione<Enter>");

    // Dati POR / FSE: section 13, Ctrl+G d. The employer only for an occupied person.
    h.keys("<C-g>d");
    assert_eq!(focused(&h), "por_titolo_studio", "{}", h.text());
    h.keys("diploma<Enter>");
    fill(&mut h, "por_anno_titolo", "2009");
    assert!(!shown(&h, "por_ragione_sociale"));
    fill(&mut h, "por_condizione_lavoro", "occupato<Enter>");
    assert!(shown(&h, "por_ragione_sociale"), "{}", h.text());
    assert!(!shown(&h, "por_vulnerabilita"));
    fill(&mut h, "por_tipo_lavoro", "dipend<Enter>");
    fill(&mut h, "por_orario", "part<Enter>");
    fill(&mut h, "por_ragione_sociale", "Market del Corso S.r.l.");
    fill(&mut h, "por_piva_datore", "00743110157");
    fill(&mut h, "por_cf_datore", "00743110157");
    fill(&mut h, "por_comune_datore", "perugia<Enter>");
    fill(&mut h, "por_ateco", "47.11.10");
    fill(&mut h, "por_dimensione", "piccola<Enter>");
    fill(&mut h, "por_pec", "market.corso@pec.it");
    fill(&mut h, "por_iban", "IT61 X054 2811 1010 0000 0123 456");
    fill(&mut h, "por_data_sottoscrizione", "10/01/2027");
    fill(&mut h, "por_progetto", "Inclusione attiva 2027");
    // The section down to its last field.
    fill(&mut h, "por_sottocorso", "Tirocinio");
    insta::assert_snapshot!("scheda_por", h.text());

    // A wrong check digit: refused on its field, nothing saved.
    h.keys("<C-s>");
    let e = error_of(&h, "por_iban").expect("a bad IBAN");
    assert!(e.contains("IBAN: le cifre di controllo"), "{e}");
    assert!(!h.text().contains("salvata"), "{}", h.text());
    fill(&mut h, "por_iban", "<C-u>IT60 X054 2811 1010 0000 0123 456");
    // Saved, but in sospeso: the block is started and has no soggetto attuatore.
    h.keys("<C-s>");
    assert!(h.text().contains("salvata in sospeso"), "{}", h.text());
    assert_eq!(error_of(&h, "por_iban"), None);
    let e = error_of(&h, "por_soggetto_attuatore").expect("required once started");
    assert!(
        e.contains("Dati POR / FSE: indicare il soggetto attuatore"),
        "{e}"
    );
    fill(&mut h, "por_soggetto_attuatore", "Cooperativa Il Ponte");
    h.keys("<C-s>");
    assert!(h.text().contains("completa"), "{}", h.text());

    // Reopened from the card: every value is there.
    h.keys("<Enter>");
    let Screen::Schede(schede::State::Form(f, d)) = &h.app.screen else {
        panic!("not the scheda:\n{}", h.text());
    };
    let s = d.scheda.as_ref().unwrap();
    let id = s.edit.id.unwrap();
    for (campo, valore) in [
        ("por_titolo_studio", "diploma"),
        ("por_condizione_lavoro", "2"),
        ("por_tipo_lavoro", "dipendente"),
        ("por_orario", "part"),
        ("por_ragione_sociale", "Market del Corso S.r.l."),
        ("por_piva_datore", "00743110157"),
        ("por_comune_datore", "G478"),
        ("por_ateco", "47.11.10"),
        ("por_dimensione", "piccola"),
        ("por_pec", "market.corso@pec.it"),
        ("por_data_sottoscrizione", "2027-01-10"),
        ("por_soggetto_attuatore", "Cooperativa Il Ponte"),
        ("por_progetto", "Inclusione attiva 2027"),
        ("por_sottocorso", "Tirocinio"),
    ] {
        assert_eq!(s.edit.text(campo), valore, "{campo}");
    }
    assert_eq!(s.edit.dati["por_anno_titolo"], serde_json::json!(2009));
    assert_eq!(
        f.form.value("por_iban"),
        "IT60 X054 2811 1010 0000 0123 456"
    );
    assert!(f.form.shown("por_ragione_sociale"));
    // Ctrl+P on the form of a POR ente: the scheda or its POR / FSE form (2).
    h.keys("<C-p>");
    assert!(
        h.text().contains("Domanda di iscrizione POR / FSE"),
        "{}",
        h.text()
    );
    h.keys("2");
    let stampe: Vec<std::path::PathBuf> = std::fs::read_dir(dir.path().join("stampe"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(stampe.len(), 1, "{stampe:?}\n{}", h.text());
    let name = stampe[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with(&format!("por-scheda-{id}-responsabile-")),
        "{name}"
    );
    let got = pdf::flat(&pdf::pdf_file_text(&stampe[0]));
    assert!(got.contains("Tirocinio"), "{got}");
    drop(h);

    // The «Domanda di iscrizione» from the CLI, as the responsabile.
    let env = Env::new();
    let out_pdf = dir.path().join("por.pdf");
    let out = env.run_on(
        &path,
        &[
            "print",
            "por-scheda",
            &id.to_string(),
            "--out",
            out_pdf.to_str().unwrap(),
            "--operatore",
            "responsabile",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let got = pdf::flat(&pdf::pdf_file_text(&out_pdf));
    for want in [
        "Domanda di iscrizione all'intervento",
        "Bianchi Giulia",
        cf_giulia.as_str(),
        "Inclusione attiva 2027",
        "Cooperativa Il Ponte",
        "Market del Corso S.r.l.",
        "Diploma di scuola superiore",
        "10/01/2027",
    ] {
        assert!(got.contains(want), "{want} in {got}");
    }
}

#[test]
fn presenza_in_regione_is_checked_against_the_birth_year() {
    let dir = tempfile::tempdir().unwrap();
    let path = por_db(dir.path());
    let mut h = harness(&path, &dir.path().join("stampe"));
    h.keys("1").keys("haddad karim");
    h.keys("<C-n>");
    let cf_karim = cf::compute("Haddad", "Karim", Sesso::M, 1992, 3, 8, "Z330");
    h.keys(&cf_karim).keys("<C-s>");
    assert!(h.text().contains("Persona salvata"), "{}", h.text());
    h.keys("<C-n>");
    h.keys("<C-g>3");
    fill(&mut h, "cittadinanza", "marocco<Enter>");
    h.keys("<C-g>4");
    assert!(!shown(&h, "str_anno_arrivo_regione"));
    fill(&mut h, "str_presenza_regione", "immigrat<Enter>");
    assert!(shown(&h, "str_anno_arrivo_regione"));
    fill(&mut h, "str_anno_arrivo_regione", "1990");
    h.keys("<C-s>");
    let e = error_of(&h, "str_anno_arrivo_regione").expect("before birth");
    assert!(e.contains("non può precedere la nascita (1992)"), "{e}");
    fill(&mut h, "str_anno_arrivo_regione", "<C-u>2014");
    h.keys("<C-s>");
    assert!(h.text().contains("salvata in sospeso"), "{}", h.text());
    assert_eq!(error_of(&h, "str_anno_arrivo_regione"), None);
}

/// The front desk of Perugia and a scheda of person 2 saved by them with `por` in its `dati`.
fn scheda_with(
    s: &mut sportello::store::sqlite::SqliteStore,
    por: &[(&str, serde_json::Value)],
) -> Result<(Actor, i64), sportello::service::Error> {
    let op = s.operatore_by_username("sportello").unwrap().unwrap();
    let front = Actor::operatore(&op, None, None);
    let today = time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap();
    let mut e = sportello::domain::scheda::SchedaEdit {
        soggetto_id: 2,
        data_accesso: "2026-11-02".into(),
        operatore: "sportello".into(),
        esito: Some("info".into()),
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "persona"),
    ] {
        e.dati.insert(k.into(), serde_json::Value::from(v));
    }
    for (k, v) in por {
        e.dati.insert(k.to_string(), v.clone());
    }
    let id = Service::new(s)
        .save_scheda(&front, &e, false, today)?
        .saved
        .id;
    Ok((front, id))
}

#[test]
fn old_free_text_por_values_become_codes_when_they_equal_a_label() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 20);
    let mut s = sportello::store::sqlite::SqliteStore::open(&path).unwrap();
    let (_, id) = scheda_with(&mut s, &[]).unwrap();
    drop(s);
    // A database as before migration 0031 (its lists stay: codes are never deleted): free-text
    // POR values.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch(&format!(
        "DELETE FROM schema_migrations WHERE version = 31;
         UPDATE scheda SET dati = json_set(dati, '$.por_titolo_studio', ' licenza MEDIA ',
             '$.por_condizione_lavoro', 'Disoccupato', '$.por_durata_ricerca', 'Oltre 12 mesi',
             '$.por_vulnerabilita', 'Persona in condizione di povertà') WHERE id = {id};"
    ))
    .unwrap();
    drop(c);
    let mut s = sportello::store::sqlite::SqliteStore::open(&path).unwrap();
    assert_eq!(s.migrate().unwrap(), [31]);
    let e = s.scheda(id).unwrap().unwrap().edit;
    assert_eq!(e.text("por_titolo_studio"), "media");
    assert_eq!(e.text("por_condizione_lavoro"), "3");
    assert_eq!(e.text("por_durata_ricerca"), "3");
    assert_eq!(
        e.text("por_vulnerabilita"),
        "Persona in condizione di povertà",
        "no label of its own: kept and shown as it was"
    );
}

#[test]
fn the_print_is_audited_and_shows_the_vulnerability_only_with_dati_riservati() {
    let dir = tempfile::tempdir().unwrap();
    let path = por_db(dir.path());
    let mut s = sportello::store::sqlite::SqliteStore::open(&path).unwrap();
    let por = |iban: &str| {
        let mut v: Vec<(&str, serde_json::Value)> = [
            ("por_titolo_studio", "media"),
            ("por_condizione_lavoro", "3"),
            ("por_durata_ricerca", "2"),
            ("por_vulnerabilita", "13"),
            ("por_data_sottoscrizione", "2026-11-20"),
            ("por_soggetto_attuatore", "Cooperativa Il Ponte"),
            ("por_progetto", "Inclusione attiva"),
        ]
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::from(v)))
        .collect();
        v.push(("por_iban", serde_json::Value::from(iban)));
        v.push(("por_comunica_vulnerabilita", serde_json::Value::Bool(true)));
        v
    };
    // A bad IBAN is refused by the service too, in Italian.
    let err = scheda_with(&mut s, &por("IT61X0542811101000000123456")).unwrap_err();
    assert!(err.to_string().contains("IBAN"), "{err}");
    let (front, id) = scheda_with(&mut s, &por("IT60X0542811101000000123456")).unwrap();
    let resp = Actor::operatore(
        &s.operatore_by_username("responsabile").unwrap().unwrap(),
        None,
        None,
    );
    let mut svc = Service::new(&mut s);
    svc.set_riservati(
        &Actor::system(None, None),
        "responsabile",
        front.ente().unwrap(),
        true,
    )
    .unwrap();
    let def = sportello::forms::Screens::embedded()
        .unwrap()
        .get("scheda")
        .unwrap()
        .clone();
    let out = dir.path().join("por.pdf");
    let print = |svc: &mut Service<'_>, who: &Actor| {
        svc.print_por_scheda(who, id, &def, &out, time::OffsetDateTime::now_utc())
            .unwrap();
        pdf::flat(&pdf::pdf_file_text(&out))
    };
    // The front desk does not hold dati riservati: no vulnerability.
    let got = print(&mut svc, &front);
    assert!(got.contains("Disoccupato"), "{got}");
    assert!(got.contains("Da 6 a 12 mesi"), "{got}");
    assert!(got.contains("IT60X0542811101000000123456"), "{got}");
    assert!(!got.contains("Vittima di violenza"), "{got}");
    assert!(!got.contains("Datore di lavoro"), "not occupied: {got}");
    let got = print(&mut svc, &resp);
    assert!(got.contains("Vittima di violenza"), "{got}");
    let audited = svc
        .store()
        .audit_tail(10)
        .unwrap()
        .into_iter()
        .filter(|a| a.event.action == "stampa_por_scheda" && a.event.entity_id == Some(id))
        .count();
    assert_eq!(audited, 2);
    // The export carries the POR condition and progetto, not the vulnerabilità nor the IBAN.
    let csv = dir.path().join("schede.csv");
    let filtro = sportello::domain::scheda::Filtro {
        dal: Some("2026-11-01".into()),
        al: Some("2026-11-30".into()),
        ..Default::default()
    };
    svc.export_schede(&resp, &filtro, &def, sportello::export::Format::Csv, &csv)
        .unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("Mercato del lavoro;Progetto"), "{text}");
    assert!(text.contains("Disoccupato;Inclusione attiva"), "{text}");
    assert!(!text.contains("IT60X"), "{text}");
    assert!(!text.contains("Vittima"), "{text}");
}
