//! Monkey test: random keys (F-keys, Alt, Ctrl, Unicode), pastes, resizes from 1×1 to 300×100 and clock
//! jumps, over many seeds, on the real app with a real store. No panic; invariants hold after every event.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sportello::auth::Origin;
use sportello::config::AuthMode;
use sportello::demo;
use sportello::domain::{Actor, Outcome, Permission};
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Msg, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::keymap::Keymap;
use sportello::ui::keys::{Key, KeyInput, Mods};
use sportello::ui::theme::Theme;
use sportello::ui::{anagrafe, codici};

const SEEDS: u64 = 20;
const EVENTS: usize = 100_000;
const ROLES: [&str; 6] = [
    "sportello",
    "assistente_sociale",
    "amministrativo",
    "responsabile",
    "helpdesk",
    "admin",
];
const PASTES: &[&str] = &[
    "\x1b[2J",
    "Niccolò D'Amico",
    "Ștefan Țăran",
    "\u{202e}x",
    "a\nb\tc",
    "😀👩‍👩‍👧",
    "12/03/1980",
];

fn random_key(rng: &mut StdRng) -> KeyInput {
    let code = match rng.gen_range(0..20) {
        0 => Key::F(rng.gen_range(1..=12)),
        1 => Key::Esc,
        2 => Key::Enter,
        3 => Key::Tab,
        4 => Key::BackTab,
        5 => Key::Backspace,
        6 => Key::Delete,
        7 => Key::Up,
        8 => Key::Down,
        9 => Key::Left,
        10 => Key::Right,
        11 => Key::PageUp,
        12 => Key::PageDown,
        13 => Key::Home,
        14 => Key::Char(char::from_u32(rng.gen_range(0x20..0x2FFF)).unwrap_or('x')),
        _ => Key::Char(rng.gen_range(b' '..=b'~') as char),
    };
    let mods = match rng.gen_range(0..10) {
        0 => Mods::CTRL,
        1 => Mods::ALT,
        _ => Mods::NONE,
    };
    KeyInput::new(code, mods)
}

fn check_invariants(h: &Harness, seed: u64, i: usize) {
    if let Some(f) = h.app.form() {
        assert!(
            f.focus < f.fields.len(),
            "seed {seed} event {i}: focus out of range"
        );
    }
    if let Some(s) = &h.app.session
        && !s.actor.can(Permission::ManageAccounts)
    {
        let admin_form = matches!(&h.app.screen, Screen::Codici(codici::State::Form(..)));
        assert!(
            !matches!(h.app.screen, Screen::Operatori(_)) && !admin_form,
            "seed {seed} event {i}: accounts screen without permission"
        );
    }
    if let Some(s) = &h.app.session
        && !s.actor.can(Permission::WriteAnagrafe)
    {
        assert!(
            !matches!(
                &h.app.screen,
                Screen::Anagrafe(anagrafe::State::PersonaForm(..) | anagrafe::State::Privacy(..))
            ),
            "seed {seed} event {i}: person form without permission"
        );
    }
}

#[test]
fn random_events_never_panic_and_keep_invariants() {
    // Each seed starts from a file copy of the base: an SQLite fixture on either engine's run.
    let mut base = SqliteStore::in_memory_sqlite().unwrap();
    demo::create(&mut base, &Actor::system(None, None), 30).unwrap();
    let keymap = Keymap::embedded().unwrap();
    let forms = sportello::ui::forms().unwrap();
    for seed in 0..SEEDS {
        let mut rng = StdRng::seed_from_u64(seed);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        base.backup_to(&path).unwrap();
        let store = SqliteStore::open(&path).unwrap();
        let config = AppConfig {
            auth: AuthMode::Password,
            idle_lock_minutes: 5,
            demo: true,
            theme: Theme {
                color: seed % 2 == 0,
                ascii: seed % 3 == 0,
            },
            keymap: keymap.clone(),
            origin: Origin::default(),
            forms: forms.clone(),
            output_dir: dir.path().join("stampe"),
            ..AppConfig::headless(false)
        };
        let mut h = Harness::new(Box::new(store), config, 80, 24);
        let role = ROLES[(seed as usize) % ROLES.len()];
        h.login(role, demo::DEMO_PASSWORD);
        assert!(h.app.session.is_some(), "seed {seed}: login as {role}");
        for i in 0..EVENTS {
            let msg = match rng.gen_range(0..1000) {
                0..=2 => {
                    let (w, hgt) = (rng.gen_range(1..=300), rng.gen_range(1..=100));
                    h.terminal.backend_mut().resize(w, hgt);
                    Msg::Resize(w, hgt)
                }
                3..=5 => Msg::Paste(PASTES[rng.gen_range(0..PASTES.len())].to_string()),
                6 => {
                    h.now_ms += rng.gen_range(0..400_000);
                    Msg::Tick(h.now_ms)
                }
                _ => Msg::Key(random_key(&mut rng)),
            };
            h.send(msg);
            if i % 97 == 0 {
                h.draw();
            }
            check_invariants(&h, seed, i);
            if h.app.quit {
                // Quit was confirmed: start a new session as the same role, as an operator would.
                let store =
                    std::mem::replace(&mut h.store, Box::new(SqliteStore::in_memory().unwrap()));
                let (w, hgt) = h.app.size;
                let config = h.app.config.clone();
                h = Harness::new(store, config, w.max(1), hgt.max(1));
                h.resize(80, 24);
                h.login(role, demo::DEMO_PASSWORD);
            }
        }
        // No account change succeeded unless made by an account manager (the admin).
        for row in h.store.audit_tail(100_000).unwrap() {
            if matches!(
                row.event.action.as_str(),
                "crea_operatore" | "modifica_operatore" | "cambia_password"
            ) && row.event.outcome == Outcome::Ok
                && row.operatore_id.is_some()
            {
                assert_eq!(row.username, "admin", "seed {seed}: {row:?}");
            }
        }
    }
}
