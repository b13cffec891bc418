//! The scheda of a foreign citizen, headless: the stranieri section appears once a cittadinanza
//! outside the EU is chosen and is filled; a familiare is added to the familiari e conviventi;
//! the abitazione is filled; without a residence the scheda stays in sospeso unless the person is
//! senza fissa dimora; a residence outside the ambito prompts the fuori ambito reason; saved,
//! reopened with everything there; the person card shows the permesso about to expire.

mod common;

use common::form::{error_of, fill, focused, shown};

use sportello::demo;
use sportello::domain::cf::{self, Sesso};
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

#[test]
fn the_scheda_of_a_foreign_citizen_with_family_and_home() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    let mut h = harness(&path, &dir.path().join("stampe"));

    // A new person born in Morocco, then a new scheda from the card.
    h.keys("1").keys("haddad youssef");
    h.keys("<C-n>");
    let code = cf::compute("Haddad", "Youssef", Sesso::M, 1985, 6, 2, "Z330");
    h.keys(&code).keys("<C-s>");
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

    // Utente: no stranieri section until the cittadinanza is outside the EU.
    h.keys("<C-g>3");
    assert!(!shown(&h, "str_scadenza_permesso"));
    fill(&mut h, "stato_civile", "coniug<Enter>");
    fill(&mut h, "cittadinanza", "francia<Enter>");
    assert!(!shown(&h, "str_scadenza_permesso"), "France is in the EU");
    h.keys("<Enter>").keys("marocco<Enter>");
    assert!(shown(&h, "str_scadenza_permesso"));
    fill(&mut h, "telefono", "333 7654321");
    h.keys("<C-s>");
    assert!(h.text().contains("salvata in sospeso"), "{}", h.text());
    let e = error_of(&h, "res_comune").expect("residence required");
    assert!(e.contains("Senza fissa dimora"), "{e}");

    // Senza fissa dimora: no residence needed.
    fill(&mut h, "senza_fissa_dimora", "<Space>");
    h.keys("<C-s>");
    assert!(h.text().contains("salvata in sospeso"), "{}", h.text());
    assert_eq!(error_of(&h, "res_comune"), None);
    // A residence in Firenze, outside the ambito of Perugia: the fuori ambito reason is asked.
    fill(&mut h, "senza_fissa_dimora", "<Space>");
    assert!(!shown(&h, "motivi_fuori_ambito"));
    fill(&mut h, "res_comune", "firenze<Enter>");
    assert!(shown(&h, "motivi_fuori_ambito"), "{}", h.text());
    h.keys("<C-s>");
    let e = error_of(&h, "motivi_fuori_ambito").expect("reason required");
    assert!(
        e == "Campo obbligatorio" || e.contains("fuori dall'ambito"),
        "{e}"
    );
    fill(&mut h, "motivi_fuori_ambito", "lavoro<Space><Enter>");

    // Stranieri: section 4.
    h.keys("<C-g>4");
    assert_eq!(focused(&h), "str_paese_origine");
    h.keys("marocco<Enter>");
    fill(&mut h, "str_status_permesso", "possesso<Enter>");
    fill(&mut h, "str_tipo_permesso", "subord<Enter>");
    fill(&mut h, "str_numero_permesso", "I0987654");
    fill(&mut h, "str_scadenza_permesso", "2027-14-02");
    fill(&mut h, "str_presente_3_mesi", "<Space>");
    fill(&mut h, "str_anno_arrivo", "2031");
    h.keys("<C-s>");
    let e = error_of(&h, "str_scadenza_permesso").expect("not a date");
    assert!(e.contains("Data non valida"), "{e}");
    fill(&mut h, "str_scadenza_permesso", "<C-u>14/02/2027");
    h.keys("<C-s>");
    let e = error_of(&h, "str_anno_arrivo").expect("a future year");
    assert!(e.contains("non può essere successivo"), "{e}");
    fill(&mut h, "str_anno_arrivo", "<C-u>2016");
    fill(&mut h, "str_lingua_parlato", "suffic<Enter>");
    // The whole section on screen: from the last of its fields.
    h.keys("<C-g>5<Up>");
    insta::assert_snapshot!("scheda_stranieri", h.text());

    // Familiari e conviventi: section 5, a list; Enter on «aggiungi» opens a member's form.
    h.keys("<C-g>5");
    assert_eq!(focused(&h), "familiari");
    h.keys("<Enter>");
    assert!(h.text().contains("familiare"), "{}", h.text());
    fill(&mut h, "cognome", "Haddad");
    fill(&mut h, "nome", "Amina");
    fill(&mut h, "relazione", "coniuge<Enter>");
    fill(&mut h, "sesso", "femm<Enter>");
    fill(&mut h, "data_nascita", "03/02/1988");
    fill(&mut h, "condizione_lavorativa", "casaling<Enter>");
    h.keys("<C-s>");
    assert!(h.text().contains("Haddad · Amina"), "{}", h.text());
    // A second one, removed again.
    h.keys("<C-n>");
    fill(&mut h, "cognome", "Rossi");
    fill(&mut h, "nome", "Sbagliato");
    h.keys("<C-s>");
    assert!(h.text().contains("Rossi · Sbagliato"), "{}", h.text());
    h.keys("<Del>");
    h.keys("<Enter>");
    assert!(!h.text().contains("Sbagliato"), "{}", h.text());

    // Abitazione: section 6.
    h.keys("<C-g>6");
    fill(&mut h, "abit_tipo", "appart<Enter>");
    fill(&mut h, "abit_titolo", "affitto da priv<Enter>");
    fill(&mut h, "abit_vani", "2");
    fill(&mut h, "abit_persone", "5");
    fill(&mut h, "abit_condizioni", "sovraff<Space><Enter>");
    fill(&mut h, "abit_sfratto", "<Space>");

    // Esito (section 10, Ctrl+G a): complete.
    h.keys("<C-g>a");
    fill(&mut h, "esito", "informazione<Enter>");
    h.keys("<C-s>");
    let card = h.text();
    assert!(card.contains("completa"), "{card}");
    assert!(
        card.contains("Permesso soggiorno  scade il 14/02/2027, tra 30 giorni"),
        "{card}"
    );

    // Reopened from the card: everything is there.
    h.keys("<Enter>");
    let Screen::Schede(schede::State::Form(f, d)) = &h.app.screen else {
        panic!("not the scheda:\n{}", h.text());
    };
    let s = d.scheda.as_ref().unwrap();
    assert_eq!(s.edit.text("cittadinanza"), "Z330");
    assert_eq!(s.edit.text("str_scadenza_permesso"), "2027-02-14");
    assert_eq!(s.edit.text("res_comune"), "D612");
    assert_eq!(
        s.edit.dati["motivi_fuori_ambito"],
        serde_json::json!(["lavoro"])
    );
    assert_eq!(s.edit.text("abit_tipo"), "appartamento");
    assert_eq!(s.edit.dati["abit_persone"], serde_json::json!(5));
    let familiari = sportello::domain::scheda_sezioni::familiari(&s.edit.dati);
    assert_eq!(familiari.len(), 1);
    assert_eq!(familiari[0].nome, "Amina");
    assert_eq!(familiari[0].data_nascita.as_deref(), Some("1988-02-03"));
    assert_eq!(familiari[0].tipo, "convivente");
    assert_eq!(f.form.value("str_numero_permesso"), "I0987654");
    assert!(
        f.form.shown("str_msna"),
        "the stranieri section is shown again"
    );
    h.keys("<C-g>5");
    assert!(
        h.text()
            .contains("1. Convivente · Haddad · Amina · Coniuge"),
        "{}",
        h.text()
    );
}
