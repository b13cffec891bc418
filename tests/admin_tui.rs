//! The administration screens driven headless: an admin creates an ambito with two comuni (one the
//! capofila) and an ufficio in each, with its punto di contatto and printer; gives an operator
//! different roles in the two comuni; that operator chooses the ente at login and switches.

mod common;

use sportello::domain::{Actor, Role, RoleSet};
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::operatori;

/// Down until `found` holds on the screen text (a few rows at most).
fn down_to(h: &mut Harness, found: impl Fn(&str) -> bool) {
    for _ in 0..12 {
        if found(&h.text()) {
            return;
        }
        h.keys("<Down>");
    }
    panic!("not found: {}", h.text());
}

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
    create_the_ambito(&mut h, &path);
}

/// The admin, on the home screen, creates the ambito "Zona sociale 9" with two comuni (Beta its
/// capofila) and an ufficio in each (Alfa's with its punto di contatto and printer), and checks
/// what is stored and audited. Ends on the uffici of Comune di Beta.
fn create_the_ambito(h: &mut Harness, path: &std::path::Path) {
    assert!(h.text().contains("5  Enti e uffici"), "{}", h.text());
    h.keys("5");
    assert!(h.text().contains("Comune di Perugia"), "{}", h.text());
    // The ambito.
    h.keys("<C-n>").paste("Zona sociale 9").keys("<Tab>");
    h.keys("ambito<Enter>");

    h.keys("<C-s>");
    saved(h);
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
        saved(h);
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
    saved(h);
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
    saved(h);
    assert!(h.text().contains("Sportello Beta"), "{}", h.text());

    let store = SqliteStore::open(path).unwrap();
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

#[test]
fn an_operator_with_different_roles_in_two_comuni_switches_ente() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    let mut h = Harness::new(
        Box::new(SqliteStore::open(&path).unwrap()),
        AppConfig::headless(false),
        100,
        30,
    );
    h.login("admin", sportello::demo::DEMO_PASSWORD);
    h.keys("<C-e>");
    assert!(
        h.text().contains("L'operatore lavora per un solo ente"),
        "{}",
        h.text()
    );
    // The ambito with two comuni and an ufficio each: whoever creates an ente works for it, with
    // the roles of the session.
    create_the_ambito(&mut h, &path);
    // An operator of both, responsabile: the accounts screen (menu 1).
    h.keys("<Esc><Esc>1<C-n>mbianchi<Tab>Bianchi<Tab>Marta<Tab><Tab>resp<Space><Enter>");
    h.keys("<Tab>alfa<Space><Backspace><Backspace><Backspace><Backspace>beta<Space><Enter>");
    h.keys("<C-s>");
    assert!(h.text().contains("Operatore salvato"), "{}", h.text());
    // The admin moves to Beta (Ctrl+E on the home screen); the roles the accounts form shows and
    // changes are those held there: sportello instead of responsabile.
    h.keys("<Esc><C-e>");
    let screen = h.text();
    assert!(
        screen.contains("Scelta dell'ente") && screen.contains("> Comune di Perugia"),
        "{screen}"
    );
    down_to(&mut h, |t| t.contains("> Comune di Beta"));
    h.keys("<Enter>");
    let screen = h.text();
    assert!(
        screen.contains("Ente della sessione: Comune di Beta"),
        "{screen}"
    );
    assert!(
        screen.lines().next().unwrap().contains("Comune di Beta"),
        "{screen}"
    );
    h.keys("1");
    assert!(h.text().contains("mbianchi"), "{}", h.text());
    for _ in 0..12 {
        let Screen::Operatori(operatori::State::List(o)) = &h.app.screen else {
            panic!("{}", h.text())
        };
        if o.selected().is_some_and(|o| o.username == "mbianchi") {
            break;
        }
        h.keys("<Down>");
    }
    h.keys("<Enter><Tab><Tab><Tab><Tab>resp<Space>");
    h.keys("<Backspace><Backspace><Backspace><Backspace>spo<Space><Enter><C-s>");
    assert!(h.text().contains("Operatore salvato"), "{}", h.text());

    let store = SqliteStore::open(&path).unwrap();
    let ente = |n: &str| {
        store
            .list_enti()
            .unwrap()
            .into_iter()
            .find(|e| e.nome == n)
            .unwrap()
            .id
    };
    let (alfa, beta) = (ente("Comune di Alfa"), ente("Comune di Beta"));
    let op = store.operatore_by_username("mbianchi").unwrap().unwrap();
    let (resp, front) = (
        RoleSet::from_roles(&[Role::Responsabile]),
        RoleSet::from_roles(&[Role::Sportello]),
    );
    assert_eq!(op.ruoli, vec![(alfa, resp), (beta, front)]);
    let mut store = store;
    Service::new(&mut store)
        .set_password(
            &Actor::system(None, None),
            "mbianchi",
            "una-password-lunga-1",
        )
        .unwrap();

    // The operator logs in: the ente is asked after the password, the first one offered.
    let mut h = Harness::new(Box::new(store), AppConfig::headless(false), 100, 30);
    h.login("mbianchi", "una-password-lunga-1");
    let screen = h.text();
    assert!(
        screen.contains("> Comune di Alfa") && screen.contains("  Comune di Beta"),
        "{screen}"
    );
    h.keys("<Enter>");
    let screen = h.text();
    let header = screen.lines().next().unwrap().to_string();
    assert!(
        header.contains("Marta Bianchi · Comune di Alfa"),
        "{screen}"
    );
    assert!(
        screen.contains("Presa in carico e cartella sociale"),
        "{screen}"
    );
    assert!(screen.contains("Ctrl+E Cambia ente"), "{screen}");
    // Switch to Beta: the header, the menu and the lists follow the roles held there.
    h.keys("<C-e><Down><Enter>");
    let screen = h.text();
    let header = screen.lines().next().unwrap().to_string();
    assert!(
        header.contains("Marta Bianchi · Comune di Beta"),
        "{screen}"
    );
    assert!(
        !screen.contains("Presa in carico e cartella sociale"),
        "{screen}"
    );
    assert!(screen.contains("Schede di accesso"), "{screen}");
    let actor = h.app.session.as_ref().unwrap().actor.clone();
    assert_eq!((actor.enti, actor.roles), (vec![beta], front));
    let switched = h
        .store
        .audit_tail(5)
        .unwrap()
        .into_iter()
        .any(|r| r.event.action == "cambia_ente" && r.event.entity_id == Some(beta));
    assert!(switched, "the switch is audited");
}
