//! The injection corpus in every text field and in data read from the database: the bytes sent to the
//! terminal contain no escape sequence that the renderer did not generate itself.

mod common;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};
use sportello::domain::{Actor, NewEnte, NewOperatore, Role, RoleSet};
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::Harness;

#[path = "common/pdf.rs"]
mod pdf;

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
    let ente = sportello::service::Service::new(&mut s)
        .create_ente(
            &sys,
            &NewEnte {
                nome: format!("Comune {evil}"),
                belfiore: Some("G478".into()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let ufficio = sportello::service::Service::new(&mut s)
        .create_ufficio(&sys, ente, &format!("Ufficio {evil}"))
        .unwrap();
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
        sportello::service::Service::new(&mut s)
            .add_user(&sys, &new, Some("password-lunga-admin"))
            .unwrap();
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

/// The corpus pasted into every text field of a scheda (and a 20,000-character note), saved, then
/// shown in the form, the list, the person card, the printed PDF and the CSV and XLSX exports.
#[test]
fn corpus_in_every_field_of_a_scheda_is_inert_on_screen_in_pdf_and_in_exports() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 20);
    let s = SqliteStore::open(&path).unwrap();
    let cf = (1..20)
        .filter_map(|id| sportello::store::PersonStore::soggetto(&s, id).unwrap())
        .find(|p| p.data_nascita.as_deref().is_some_and(|d| d < "1990"))
        .and_then(|p| p.codice_fiscale)
        .unwrap();
    drop(s);
    let out = dir.path().join("stampe");
    let config = AppConfig {
        output_dir: out.clone(),
        ..AppConfig::headless(true)
    };
    let mut h = Harness::new(Box::new(SqliteStore::open(&path).unwrap()), config, 80, 24);
    h.login("responsabile", sportello::demo::DEMO_PASSWORD);
    h.keys("1").keys(&cf).keys("<Enter><C-n>");
    let evil = format!("=HYPERLINK(\"x\"){}", CORPUS.concat());
    let n = match h.app.form() {
        Some(f) => f.fields.len(),
        None => panic!("{}", h.text()),
    };
    for _ in 0..n {
        // Free-text fields (dates, codes and numbers reject it with a message, tested elsewhere).
        let text_field = h.app.form().is_some_and(|f| {
            matches!(
                f.focused().map(|x| x.spec.kind),
                Some(sportello::ui::FieldKind::Text | sportello::ui::FieldKind::Multiline)
            )
        });
        if text_field {
            h.paste(&evil);
            assert_clean(&bytes_of(&h));
        }
        h.keys("<Tab>");
    }
    // A 20,000-character public note.
    h.keys("<C-g>b");
    let long: String = "Nota di colloquio. "
        .repeat(1053)
        .chars()
        .take(20_000)
        .collect();
    h.paste(&long);
    h.keys("<C-s>");
    assert!(h.text().contains("salvata in sospeso"), "{}", h.text());
    assert_clean(&bytes_of(&h));
    let store = SqliteStore::open(&path).unwrap();
    let id =
        sportello::store::SchedaStore::list_schede(&store, &[1, 2, 3, 4], &Default::default(), 5)
            .unwrap()[0]
            .id;
    let stored = sportello::store::SchedaStore::scheda(&store, id)
        .unwrap()
        .unwrap();
    let note = stored.edit.text("nota_pubblica");
    assert!(note.contains("Nota di colloquio."));
    // Up to the field limit (20,000), trailing spaces trimmed.
    assert!(note.chars().count() >= 19_990, "{}", note.chars().count());
    let descr = stored.edit.text("descrizione");
    assert!(descr.starts_with("=HYPERLINK"), "{descr:?}");
    assert!(
        !descr.contains('\u{1b}'),
        "controls are dropped as they are typed"
    );
    // The list and the card.
    h.keys("<Esc>");
    assert_clean(&bytes_of(&h));
    h.keys("<Esc><Esc><Esc>2");
    assert_clean(&bytes_of(&h));
    // Printed and exported.
    h.keys("<C-p>1<Esc><C-x>1<Esc><C-x>2<Esc>");
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        match f.extension().and_then(|e| e.to_str()) {
            Some("pdf") => {
                let text = pdf::pdf_file_text(&f);
                assert!(text.contains("HYPERLINK"), "the text is printed");
                for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}', '\u{feff}'] {
                    assert!(!text.contains(bad), "{bad:?} in the PDF");
                }
            }
            Some("csv") => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
                assert!(
                    !text.contains(";=HYPERLINK") && !text.contains("\"=HYPERLINK"),
                    "{text}"
                );
            }
            Some("xlsx") => {
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
                let mut sheet = String::new();
                std::io::Read::read_to_string(
                    &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
                    &mut sheet,
                )
                .unwrap();
                assert!(!sheet.contains("<f>"), "no formula cells");
            }
            other => panic!("unexpected file {other:?}"),
        }
    }
}
