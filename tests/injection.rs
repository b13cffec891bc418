//! The injection corpus in every text field and in data read from the database: the bytes sent to the
//! terminal contain no escape sequence that the renderer did not generate itself.

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};
use sportello::domain::{Actor, NewEnte, NewOperatore, Role, RoleSet};
use sportello::service;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::Harness;

const CORPUS: &[&str] = &[
    "\x1b[2J\x1b[H",
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "\u{9b}31m",
    "\u{9d}0;titolo\u{9c}",
    "a\0b",
    "del\x7f",
    "ri\rtorno",
    "\u{202e}evil",
    "\u{2066}iso\u{2069}",
    "\u{feff}bom",
];

/// Every ESC must start a CSI sequence of the renderer (parameters then one final letter); no C0/C1
/// control, bidi control or BOM may appear at all.
fn assert_clean(bytes: &[u8]) {
    let text = String::from_utf8(bytes.to_vec()).expect("terminal output is UTF-8");
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\x1b' {
            assert_eq!(
                chars.get(i + 1),
                Some(&'['),
                "non-CSI escape at {i}: {:?}",
                &chars[i..(i + 8).min(chars.len())]
            );
            let mut j = i + 2;
            while j < chars.len()
                && (chars[j].is_ascii_digit() || chars[j] == ';' || chars[j] == '?')
            {
                j += 1;
            }
            let fin = chars.get(j).copied().unwrap_or(' ');
            assert!(
                "HmJKhlABCDGsu".contains(fin),
                "unexpected CSI final {fin:?}"
            );
            i = j + 1;
            continue;
        }
        assert!(
            !sportello::sanitize::is_unsafe(c) && (!c.is_control() || c == '\n'),
            "control {c:?} reached the terminal"
        );
        i += 1;
    }
}

/// A writer whose bytes the test can read back.
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn bytes_of(h: &Harness) -> Vec<u8> {
    let out = Shared::default();
    let backend = CrosstermBackend::new(out.clone());
    let mut t = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        },
    )
    .unwrap();
    t.draw(|f| sportello::ui::view::draw(&h.app, f)).unwrap();
    drop(t);
    out.0.lock().unwrap().clone()
}

#[test]
fn corpus_in_database_and_in_typed_fields_never_reaches_the_terminal() {
    let mut s = SqliteStore::in_memory().unwrap();
    let sys = Actor::system(None, None);
    let evil = CORPUS.concat();
    let ente = service::create_ente(
        &mut s,
        &sys,
        &NewEnte {
            nome: format!("Comune {evil}"),
            belfiore: Some("G478".into()),
            tipo: "comune".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let ufficio = service::create_ufficio(&mut s, &sys, ente, &format!("Ufficio {evil}")).unwrap();
    for (i, piece) in CORPUS.iter().enumerate() {
        let new = NewOperatore {
            username: format!("op{i}"),
            nome: format!("Nome{piece}"),
            cognome: format!("Cognome{piece}"),
            roles: RoleSet::from_roles(&[Role::Admin]),
            enti: vec![ente],
            ufficio_id: Some(ufficio),
            os_user: None,
            extra: format!("{{\"nota\":{}}}", serde_json::to_string(piece).unwrap()),
        };
        service::add_user(&mut s, &sys, &new, Some("password-lunga-admin")).unwrap();
    }
    let config = AppConfig {
        demo: false,
        ..AppConfig::headless(true)
    };
    let mut h = Harness::new(Box::new(s), config, 80, 24);
    // Typed and pasted into the login fields.
    for piece in CORPUS {
        h.paste(piece);
        assert_clean(&bytes_of(&h));
    }
    h.keys("<Esc>");
    let mut h2 = h;
    h2.app.screen = sportello::ui::app::Screen::Login(Default::default());
    h2.login("op1", "password-lunga-admin");
    assert!(h2.text().contains("Pagina iniziale"), "{}", h2.text());
    assert_clean(&bytes_of(&h2));
    // The operators table and each operator's form show names, ente and ufficio from the database.
    h2.keys("1");
    assert_clean(&bytes_of(&h2));
    for _ in 0..CORPUS.len() {
        h2.keys("<Enter>");
        assert_clean(&bytes_of(&h2));
        for piece in CORPUS {
            h2.paste(piece);
        }
        h2.keys("<Tab>");
        assert_clean(&bytes_of(&h2));
        h2.keys("<Esc><Esc><Down>");
    }
}
