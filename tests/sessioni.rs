//! Live sessions (issue 11 point 3): who is logged in, the end of a session asked by an
//! administrator (drafts saved first), the notice in every session's status bar, and `migrate`
//! refusing while sessions are open.

mod common;

use sportello::domain::Actor;
use sportello::domain::sessione::{NuovaSessione, SCADENZA_MS, SEGNALE_MS};
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::Harness;

const T0: i64 = 1_800_000_000_000;

fn actor(store: &SqliteStore, user: &str) -> Actor {
    let op = store.operatore_by_username(user).unwrap().unwrap();
    Actor::operatore(
        &op,
        Some(format!("os-{user}")),
        Some("10.0.0.7 51234 22".into()),
    )
}

fn nuova(schermata: &str) -> NuovaSessione {
    NuovaSessione {
        schermata: schermata.into(),
        ..Default::default()
    }
}

#[test]
fn the_admin_sees_open_sessions_ends_one_and_sends_a_notice() {
    let mut store = common::fixture::demo_in_memory(20);
    let (sportello, assistente, admin) = (
        actor(&store, "sportello"),
        actor(&store, "assistente_sociale"),
        actor(&store, "admin"),
    );
    let mut svc = Service::new(&mut store);
    let a = svc
        .segnale_sessione(&sportello, None, &nuova("anagrafe"), T0)
        .unwrap();
    let b = svc
        .segnale_sessione(&assistente, None, &nuova("home"), T0 + 1_000)
        .unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!((a.termina_da.clone(), a.avviso.clone()), (None, None));

    let open = svc.sessioni_attive(&admin, T0 + 2_000).unwrap();
    assert_eq!(
        open.iter().map(|s| s.username.as_str()).collect::<Vec<_>>(),
        ["sportello", "assistente_sociale"]
    );
    assert_eq!(open[0].schermata, "anagrafe");
    assert_eq!(open[0].ssh_client.as_deref(), Some("10.0.0.7 51234 22"));
    assert!(!open[0].ente.is_empty(), "the session's ente is shown");
    // Only the administrator of accounts sees them.
    assert!(svc.sessioni_attive(&sportello, T0 + 2_000).is_err());

    // A notice reaches every session at its next heartbeat.
    svc.invia_avviso(&admin, "  aggiornamento\nalle 13:00 ", 30, T0 + 3_000)
        .unwrap();
    let seen = svc
        .segnale_sessione(&assistente, Some(b.id), &nuova("casi"), T0 + 4_000)
        .unwrap();
    assert_eq!(seen.avviso.as_deref(), Some("aggiornamento alle 13:00"));
    assert!(
        svc.invia_avviso(&admin, " ", 30, T0).is_err(),
        "empty notice"
    );
    assert!(
        svc.invia_avviso(&sportello, "ciao", 30, T0).is_err(),
        "only the configuration's administrator sends notices"
    );
    // It expires by itself, or is withdrawn.
    let later = svc
        .segnale_sessione(&assistente, Some(b.id), &nuova("casi"), T0 + 31 * 60_000)
        .unwrap();
    assert_eq!(later.avviso, None);
    svc.invia_avviso(&admin, "riavvio", 30, T0 + 31 * 60_000)
        .unwrap();
    assert!(svc.revoca_avviso(&admin, T0 + 32 * 60_000).unwrap());
    assert!(!svc.revoca_avviso(&admin, T0 + 32 * 60_000).unwrap());

    // The admin ends the sportello's session (alive: it keeps beating): it hears so at its next
    // heartbeat.
    svc.segnale_sessione(
        &sportello,
        Some(a.id),
        &nuova("anagrafe"),
        T0 + 32 * 60_000 - 1_000,
    )
    .unwrap();
    svc.termina_sessione(&admin, a.id, T0 + 32 * 60_000)
        .unwrap();
    let told = svc
        .segnale_sessione(
            &sportello,
            Some(a.id),
            &nuova("anagrafe"),
            T0 + 32 * 60_000 + 5_000,
        )
        .unwrap();
    assert_eq!(told.termina_da.as_deref(), Some("admin"));
    svc.chiudi_sessione(&sportello, a.id, T0 + 32 * 60_000 + 6_000)
        .unwrap();
    // A closed session is gone, and a heartbeat on it is refused (it registers again).
    assert!(
        svc.segnale_sessione(&sportello, Some(a.id), &nuova("home"), T0 + 33 * 60_000)
            .is_err()
    );
    let last_beat = T0 + 32 * 60_000 + 6_500;
    svc.segnale_sessione(&assistente, Some(b.id), &nuova("casi"), last_beat)
        .unwrap();
    let open = svc
        .sessioni_attive(&admin, T0 + 32 * 60_000 + 7_000)
        .unwrap();
    assert_eq!(
        open.iter().map(|s| s.username.as_str()).collect::<Vec<_>>(),
        ["assistente_sociale"]
    );
    // A session silent for too long (a terminal closed without logout) drops out by itself.
    let silent_since = last_beat;
    assert!(
        svc.sessioni_attive(&admin, silent_since + SCADENZA_MS + 1)
            .unwrap()
            .is_empty()
    );
    assert!(
        svc.termina_sessione(&admin, b.id, silent_since + SCADENZA_MS + 1)
            .is_err()
    );

    // Ending a session and the notices are in the audit log.
    let actions: Vec<String> = store
        .audit_tail(50)
        .unwrap()
        .into_iter()
        .map(|r| r.event.action)
        .collect();
    for a in ["termina_sessione", "invia_avviso", "revoca_avviso"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

#[test]
fn migrate_refuses_while_sessions_are_open_unless_forced_after_a_notice() {
    let mut store = common::fixture::demo_in_memory(10);
    let (sportello, admin) = (actor(&store, "sportello"), actor(&store, "admin"));
    let mut svc = Service::new(&mut store);
    svc.migrate_allowed(false, T0).expect("no session: free");
    svc.segnale_sessione(&sportello, None, &nuova("home"), T0)
        .unwrap();
    let e = svc
        .migrate_allowed(false, T0 + 1_000)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("1 sessioni aperte (sportello)") && e.contains("--force"),
        "{e}"
    );
    let e = svc
        .migrate_allowed(true, T0 + 1_000)
        .unwrap_err()
        .to_string();
    assert!(e.contains("dopo un avviso"), "{e}");
    svc.invia_avviso(&admin, "aggiornamento alle 13:00", 60, T0 + 2_000)
        .unwrap();
    svc.migrate_allowed(true, T0 + 3_000)
        .expect("forced after a notice");
    assert!(
        svc.migrate_allowed(false, T0 + 3_000).is_err(),
        "still needs --force"
    );
    // Sessions that stopped beating do not block.
    svc.migrate_allowed(false, T0 + SCADENZA_MS + 1)
        .expect("the silent session is gone");
}

fn harness(path: &std::path::Path, user: &str) -> Harness {
    let mut h = Harness::new(
        Box::new(SqliteStore::open(path).unwrap()),
        AppConfig::headless(false),
        80,
        24,
    );
    h.login(user, sportello::demo::DEMO_PASSWORD);
    h
}

#[test]
fn an_admin_sends_a_notice_and_ends_a_session_from_the_screen_the_drafts_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    let mut desk = harness(&path, "sportello");
    let mut admin = harness(&path, "admin");
    // Both sessions register at their first heartbeat.
    desk.advance(SEGNALE_MS);
    admin.advance(SEGNALE_MS);
    assert!(
        admin.text().contains("6  Sessioni attive e avvisi"),
        "{}",
        admin.text()
    );
    admin.keys("6");
    let screen = admin.text();
    assert!(
        screen.contains("│sportello ") && screen.contains("│admin ") && screen.contains("Perugi"),
        "{screen}"
    );

    // The operator starts a new person and types a surname, without saving.
    desk.keys("1").keys("<C-n>");
    assert!(desk.app.form().is_some(), "{}", desk.text());
    desk.paste("Quarantotto");

    // A notice to everybody: the desk shows it in its status bar at the next heartbeat.
    admin
        .keys("<C-n>")
        .paste("aggiornamento alle 13:00")
        .keys("<Enter>");
    assert!(admin.text().contains("Avviso inviato"), "{}", admin.text());
    desk.advance(SEGNALE_MS);
    assert!(
        desk.text().contains("AVVISO: aggiornamento alle 13:00"),
        "{}",
        desk.text()
    );

    // The admin ends the desk's session (the list follows the heartbeats).
    admin.advance(SEGNALE_MS);
    let row = admin
        .text()
        .lines()
        .position(|l| l.contains("│sportello "))
        .expect("the desk's session listed");
    let admin_row = admin
        .text()
        .lines()
        .position(|l| l.contains("│admin "))
        .unwrap_or(usize::MAX);
    if admin_row < row {
        admin.keys("<Down>");
    }
    admin.keys("<Del>");
    assert!(
        admin.text().contains("Chiudere la sessione di sportello"),
        "{}",
        admin.text()
    );
    admin.keys("<Enter>");
    assert!(
        admin.text().contains("Chiusura richiesta"),
        "{}",
        admin.text()
    );

    desk.advance(SEGNALE_MS);
    assert_eq!(desk.app.screen_name(), "login", "{}", desk.text());
    assert!(
        desk.text()
            .contains("Sessione chiusa da admin (bozze salvate)"),
        "{}",
        desk.text()
    );
    let store = SqliteStore::open(&path).unwrap();
    let op = store.operatore_by_username("sportello").unwrap().unwrap();
    let drafts = store.list_drafts(op.id).unwrap();
    assert!(
        drafts.iter().any(|d| d.content.contains("Quarantotto")),
        "what was typed is a draft: {drafts:?}"
    );
    // Gone from the admin's list.
    admin.advance(SEGNALE_MS);
    assert!(!admin.text().contains("│sportello "), "{}", admin.text());
}

/// The real binary: with a migration pending and a session of the previous binary open, `migrate`
/// refuses, `broadcast` warns it, `migrate --force` then applies the migration.
#[test]
fn the_migrate_command_waits_for_open_sessions_or_a_notice_and_force() {
    let env = common::Env::new();
    env.init();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    {
        let c = rusqlite::Connection::open(env.db()).unwrap();
        // A desk session alive right now, and migration 7 (the search dictionary) still to apply.
        c.execute(
            "INSERT INTO sessione (operatore_id, inizio_ms, segnale_ms, schermata, ssh_client)
             SELECT id, ?1, ?1, 'anagrafe', '10.0.0.9 40000 22' FROM operatore WHERE username = 'admin'",
            [now],
        )
        .unwrap();
        c.execute_batch("DELETE FROM schema_migrations WHERE version = 7; DROP TABLE soggetto_parola; DROP TABLE soggetto_parola_variante; DROP INDEX soggetto_cerca_cognome; DROP INDEX soggetto_cerca_nome; CREATE INDEX soggetto_cognome_key ON soggetto(cognome_key, nome_key); CREATE INDEX soggetto_nome_key ON soggetto(nome_key);")
            .unwrap();
    }
    let out = env.run(&["sessions"], "");
    assert_eq!(common::code(&out), 0, "{}", common::text(&out.stderr));
    let list = common::text(&out.stdout);
    assert!(
        list.contains("admin") && list.contains("10.0.0.9 40000 22") && list.contains("anagrafe"),
        "{list}"
    );

    let out = env.run(&["migrate"], "");
    assert_ne!(common::code(&out), 0);
    let err = common::text(&out.stderr);
    assert!(
        err.contains("1 sessioni aperte (admin)") && err.contains("--force"),
        "{err}"
    );
    let out = env.run(&["migrate", "--force"], "");
    assert_ne!(common::code(&out), 0, "--force needs a notice first");
    assert!(common::text(&out.stderr).contains("dopo un avviso"));

    let out = env.run(&["broadcast", "aggiornamento alle 13:00"], "");
    assert_eq!(common::code(&out), 0, "{}", common::text(&out.stderr));
    assert!(common::text(&out.stdout).contains("avviso inviato"));
    let out = env.run(&["migrate", "--force"], "");
    assert_eq!(common::code(&out), 0, "{}", common::text(&out.stderr));
    assert!(common::text(&out.stdout).contains("applicati: 7"));
}
