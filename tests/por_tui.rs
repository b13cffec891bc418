//! The POR / FSE block of a scheda, headless, on an ente that enables it: the section «Dati POR /
//! FSE» filled for an occupied person (the employer's fields appear), a half-filled block keeps
//! the scheda in sospeso naming the missing field, a bad IBAN is refused on its field in Italian,
//! corrected and saved; reopened with every value; the presenza in regione of the stranieri
//! section checked against the birth year; the «Domanda di iscrizione» printed from the CLI
//! carries the participant and the progetto.

mod common;
#[path = "common/pdf.rs"]
mod pdf;

use common::{Env, code, text};
use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::cf::{self, Sesso};
use sportello::service::Service;
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

fn focused(h: &Harness) -> String {
    match h.app.form() {
        Some(f) => f.focused().map(|x| x.spec.id.clone()).unwrap_or_default(),
        None => panic!("not a form:\n{}", h.text()),
    }
}

/// Moves with Tab to field `id`, then types `keys`.
fn fill(h: &mut Harness, id: &str, keys: &str) {
    for _ in 0..200 {
        if focused(h) == id {
            break;
        }
        h.keys("<Tab>");
    }
    assert_eq!(focused(h), id, "field {id} not reached:\n{}", h.text());
    h.keys(keys);
}

fn shown(h: &Harness, id: &str) -> bool {
    h.app.form().unwrap().shown(id)
}

fn error_of(h: &Harness, id: &str) -> Option<String> {
    h.app.form().unwrap().field(id).unwrap().error.clone()
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
