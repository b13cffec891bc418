//! The real app, headless: login, home, idle lock, help, quit, sizes — key strings in, screen out.

mod common;

use sportello::auth::Origin;
use sportello::config::AuthMode;
use sportello::demo;
use sportello::domain::Actor;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Effect, Screen};
use sportello::ui::harness::Harness;

fn demo_store() -> SqliteStore {
    common::fixture::demo_in_memory(50)
}

fn config(color: bool) -> AppConfig {
    AppConfig {
        origin: Origin {
            os_user: Some("thin01".into()),
            ssh_client: Some("10.1.2.3".into()),
        },
        ..AppConfig::headless(color)
    }
}

fn harness() -> Harness {
    Harness::new(Box::new(demo_store()), config(true), 80, 24)
}

#[test]
fn login_screen_says_demo_and_refuses_a_wrong_password() {
    let mut h = harness();
    let screen = h.text();
    assert!(screen.contains("Accesso a sportello"), "{screen}");
    assert!(screen.contains("DATABASE DIMOSTRATIVO"));
    h.login("sportello", "sbagliata");
    let screen = h.text();
    assert!(
        screen.contains("Nome utente o password non validi"),
        "{screen}"
    );
    assert!(!screen.contains("sbagliata"), "the password is never shown");
}

#[test]
fn login_opens_home_with_operator_ente_ufficio_role_and_menu_for_the_role() {
    let mut h = harness();
    h.login("sportello", demo::DEMO_PASSWORD);
    let screen = h.text();
    assert!(screen.contains("Pagina iniziale"), "{screen}");
    assert!(screen.contains("Giulia Sportelli (sportello)"));
    assert!(screen.contains("Comune di Perugia"));
    assert!(screen.contains("Segretariato sociale - Centro"));
    assert!(screen.contains("Operatore di sportello"));
    assert!(screen.contains("1  Ricerca anagrafe"));
    assert!(screen.contains("2  Schede di accesso"));
    assert!(
        !screen.contains("Operatori e ruoli"),
        "admin items hidden from the front desk"
    );
    assert!(screen.contains("50 persone"));

    let mut h = harness();
    h.login("helpdesk", demo::DEMO_PASSWORD);
    let screen = h.text();
    assert!(screen.contains("1  Assistenza"), "{screen}");
    assert!(!screen.contains("Ricerca anagrafe"));
}

#[test]
fn idle_lock_hides_all_data_and_asks_the_password_again() {
    let mut h = harness();
    h.login("responsabile", demo::DEMO_PASSWORD);
    assert!(h.text().contains("Stefano Responsabili"));
    h.advance(4 * 60_000);
    assert!(
        h.text().contains("Stefano Responsabili"),
        "not yet locked after 4 minutes"
    );
    h.advance(61_000);
    let screen = h.text();
    assert!(screen.contains("Sessione bloccata"), "{screen}");
    assert!(
        !screen.contains("Stefano")
            && !screen.contains("Perugia")
            && !screen.contains("Ricerca anagrafe")
    );
    h.keys("sbagliata<Enter>");
    assert!(h.text().contains("Nome utente o password non validi"));
    h.paste(demo::DEMO_PASSWORD).keys("<Enter>");
    let screen = h.text();
    assert!(
        screen.contains("Pagina iniziale") && screen.contains("Stefano Responsabili"),
        "{screen}"
    );
}

#[test]
fn menu_opens_a_module_and_esc_goes_back() {
    let mut h = harness();
    h.login("admin", demo::DEMO_PASSWORD);
    h.keys("<Down><Enter>");
    let screen = h.text();
    assert!(screen.contains("Liste di codici"), "{screen}");
    h.keys("<Esc>");
    assert!(h.text().contains("Pagina iniziale"));
    h.keys("1");
    assert!(h.text().contains("Operatori e ruoli"));
}

#[test]
fn help_overlay_lists_the_bindings_of_the_screen() {
    let mut h = harness();
    h.login("sportello", demo::DEMO_PASSWORD);
    h.keys("<F1>");
    let screen = h.text();
    assert!(screen.contains("Tasti di questa schermata"), "{screen}");
    assert!(screen.contains("Aiuto"));
    h.keys("<Esc>");
    assert!(!h.text().contains("Tasti di questa schermata"));
    h.keys("?");
    assert!(
        h.text().contains("Tasti di questa schermata"),
        "? opens help outside text fields"
    );
}

#[test]
fn quit_needs_confirmation() {
    let mut h = harness();
    h.login("sportello", demo::DEMO_PASSWORD);
    h.keys("<C-q>");
    assert!(h.text().contains("Uscire da sportello?"));
    h.keys("<Esc>");
    assert!(!h.app.quit);
    h.keys("<C-q><Enter>");
    assert!(h.app.quit);
    assert!(h.effects.contains(&Effect::Quit));
}

#[test]
fn too_small_window_says_so_and_no_size_panics() {
    let mut h = harness();
    h.resize(79, 24);
    assert!(h.text().contains("Finestra troppo piccola"));
    for (w, hgt) in [
        (1, 1),
        (2, 1),
        (1, 30),
        (40, 10),
        (80, 23),
        (300, 100),
        (80, 24),
    ] {
        h.resize(w, hgt);
    }
    assert!(h.text().contains("Accesso a sportello"));
}

#[test]
fn system_login_maps_the_os_account_or_refuses_it() {
    let mut s = demo_store();
    let actor = Actor::system(None, None);
    let mut op = sportello::store::OrgStore::operatore_by_username(&s, "sportello")
        .unwrap()
        .unwrap();
    op.os_user = Some("mrossi".into());
    sportello::store::OrgStore::update_operatore(&mut s, &actor, &op).unwrap();
    let mut cfg = config(true);
    cfg.auth = AuthMode::System;
    cfg.origin = Origin {
        os_user: Some("mrossi".into()),
        ssh_client: Some("10.1.2.3".into()),
    };
    let h = Harness::new(Box::new(s), cfg, 80, 24);
    assert!(
        h.text().contains("Giulia Sportelli (sportello)"),
        "{}",
        h.text()
    );

    let mut cfg = config(true);
    cfg.auth = AuthMode::System;
    cfg.origin = Origin {
        os_user: Some("intruso".into()),
        ssh_client: None,
    };
    let mut h = Harness::new(Box::new(demo_store()), cfg, 80, 24);
    assert!(h.text().contains("Accesso negato"), "{}", h.text());
    // No password fallback.
    h.login("sportello", demo::DEMO_PASSWORD);
    assert!(h.app.session.is_none());
}

#[test]
fn ricerca_anagrafe_updates_as_you_type_and_opens_an_audited_person_card() {
    let s = demo_store();
    let hit = sportello::store::PersonStore::soggetto(&s, 7)
        .unwrap()
        .unwrap();
    let mut h = Harness::new(Box::new(s), config(true), 80, 24);
    h.login("sportello", demo::DEMO_PASSWORD).keys("1");
    assert!(
        h.text().contains("Ricerca anagrafe") && h.text().contains("Cerca:"),
        "{}",
        h.text()
    );
    let typed = format!("{} {}", hit.cognome.to_lowercase(), hit.nome);
    h.keys(&typed);
    let cf = hit.codice_fiscale.clone().unwrap();
    let screen = h.text();
    assert!(screen.contains(&cf), "typed {typed:?}:\n{screen}");
    // Select the row of that person and open the card.
    let Screen::Anagrafe(sportello::ui::anagrafe::State::Ricerca(r)) = &h.app.screen else {
        panic!()
    };
    let pos = r
        .table
        .rows
        .iter()
        .position(|row| row.0 == hit.id.to_string())
        .unwrap();
    for _ in 0..pos {
        h.keys("<Down>");
    }
    h.keys("<Enter>");
    let screen = h.text();
    assert!(
        screen.contains("Scheda persona") && screen.contains(&cf),
        "{screen}"
    );
    assert!(screen.contains("dati dimostrativi"));
    let audit = sportello::store::AuditStore::audit_tail(h.store.as_ref(), 1).unwrap();
    assert_eq!(
        (audit[0].event.action.as_str(), audit[0].event.entity_id),
        ("leggi_soggetto", Some(hit.id))
    );
    h.keys("<Esc>");
    assert!(h.text().contains("Cerca:"));
}
