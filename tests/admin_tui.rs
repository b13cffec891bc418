//! The administration screens driven headless: an admin creates an ambito with two comuni (one the
//! capofila) and an ufficio in each, with its punto di contatto and printer.

mod common;

use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::Harness;

fn saved(h: &Harness) {
    let screen = h.text();
    assert!(screen.contains("Salvato"), "{screen}");
}

#[test]
fn an_admin_creates_an_ambito_with_two_comuni_and_their_uffici() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    let mut h = Harness::new(
        Box::new(SqliteStore::open(&path).unwrap()),
        AppConfig::headless(false),
        100,
        30,
    );
    h.login("admin", sportello::demo::DEMO_PASSWORD);
    assert!(h.text().contains("5  Enti e uffici"), "{}", h.text());
    h.keys("5");
    assert!(h.text().contains("Comune di Perugia"), "{}", h.text());
    // The ambito.
    h.keys("<C-n>").paste("Zona sociale 9").keys("<Tab>");
    h.keys("ambito<Enter>");

    h.keys("<C-s>");
    saved(&h);
    // Two comuni of the ambito, the second its capofila.
    for (nome, belfiore, capofila) in [
        ("Comune di Alfa", "Z901", false),
        ("Comune di Beta", "Z902", true),
    ] {
        h.keys("<C-n>")
            .paste(nome)
            .keys("<Tab><Tab>")
            .paste(belfiore);
        // The picker lists the demo's ambito first, then the new one.
        h.keys("<PageDown><F4><Down><Enter>");
        if capofila {
            h.keys("<Tab><Space>");
        }

        h.keys("<C-s>");
        saved(&h);
    }
    // An ufficio in each comune: the first row is Comune di Alfa, the next Comune di Beta.
    h.keys("<Enter>");
    assert!(h.text().contains("Uffici · Comune di Alfa"), "{}", h.text());
    h.keys("<C-n>").paste("Sportello Alfa").keys("<PageDown>");
    h.paste("Via Uno 1")
        .keys("<Tab>")
        .paste("075 111")
        .keys("<Tab>");
    h.paste("sociale@alfa.it")
        .keys("<Tab>")
        .paste("lun-ven 9-12");
    h.keys("<PageDown>").paste("ALFA");
    h.keys("<C-s>");
    saved(&h);
    let screen = h.text();
    assert!(
        screen.contains("Sportello Alfa")
            && screen.contains("Via Uno 1")
            && screen.contains("ALFA"),
        "{screen}"
    );
    h.keys("<Esc><Down><Enter>");
    assert!(h.text().contains("Uffici · Comune di Beta"), "{}", h.text());
    h.keys("<C-n>").paste("Sportello Beta").keys("<C-s>");
    saved(&h);
    assert!(h.text().contains("Sportello Beta"), "{}", h.text());

    let store = SqliteStore::open(&path).unwrap();
    let enti = store.list_enti().unwrap();
    let find = |n: &str| {
        enti.iter()
            .find(|e| e.nome == n)
            .unwrap_or_else(|| panic!("{n}: {enti:?}"))
            .clone()
    };
    let ambito = find("Zona sociale 9");
    assert_eq!(ambito.tipo, "ambito");
    let (alfa, beta) = (find("Comune di Alfa"), find("Comune di Beta"));
    assert_eq!(
        (
            alfa.tipo.as_str(),
            alfa.belfiore.as_deref(),
            alfa.ambito_id,
            alfa.capofila
        ),
        ("comune", Some("Z901"), Some(ambito.id), false)
    );
    assert_eq!((beta.ambito_id, beta.capofila), (Some(ambito.id), true));
    let uffici = store.list_uffici(alfa.id).unwrap();
    assert_eq!(uffici.len(), 1);
    let c = &uffici[0].contatto;
    assert_eq!(
        (
            uffici[0].nome.as_str(),
            c.indirizzo.as_deref(),
            c.telefono.as_deref(),
            c.email.as_deref(),
            c.orari.as_deref()
        ),
        (
            "Sportello Alfa",
            Some("Via Uno 1"),
            Some("075 111"),
            Some("sociale@alfa.it"),
            Some("lun-ven 9-12")
        )
    );
    assert_eq!(
        store
            .setting(&format!("ufficio_stampante:{}", uffici[0].id))
            .unwrap()
            .as_deref(),
        Some("ALFA")
    );
    assert_eq!(
        store.list_uffici(beta.id).unwrap()[0].nome,
        "Sportello Beta"
    );
    // Every change is audited.
    let actions: Vec<String> = store
        .audit_tail(30)
        .unwrap()
        .into_iter()
        .map(|r| r.event.action)
        .collect();
    for a in [
        "crea_ente",
        "modifica_ufficio",
        "crea_ufficio",
        "configura_ufficio",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a}: {actions:?}");
    }
}
