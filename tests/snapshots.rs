//! Snapshots of every screen at 80×24, with colours (styles listed under the text) and with NO_COLOR.

mod common;

use sportello::ui::app::AppConfig;
use sportello::ui::harness::Harness;
use sportello::ui::theme::Theme;

fn harness(color: bool) -> Harness {
    let s = common::fixture::demo_in_memory(200);
    let config = AppConfig {
        theme: Theme {
            color,
            ascii: !color,
        },
        ..AppConfig::headless(color)
    };
    Harness::new(Box::new(s), config, 80, 24)
}

/// Each screen: a name and the keys that reach it from the login screen.
const SCREENS: &[(&str, &str)] = &[
    ("login", ""),
    ("login_errore", "sportello<Tab>sbagliata<Enter>"),
    ("home_sportello", "sportello<Tab>sportello-demo<Enter>"),
    ("home_admin", "admin<Tab>sportello-demo<Enter>"),
    ("aiuto", "sportello<Tab>sportello-demo<Enter><F1>"),
    (
        "conferma_uscita",
        "sportello<Tab>sportello-demo<Enter><C-q>",
    ),
    ("modulo", "assistente_sociale<Tab>sportello-demo<Enter>3"),
    ("schede", "sportello<Tab>sportello-demo<Enter>2"),
    ("operatori", "admin<Tab>sportello-demo<Enter>1"),
    (
        "operatore_modifica",
        "admin<Tab>sportello-demo<Enter>1<Down><Enter>",
    ),
    ("operatore_nuovo", "admin<Tab>sportello-demo<Enter>1<C-n>"),
    ("blocco", "sportello<Tab>sportello-demo<Enter><C-l>"),
    ("ricerca", "sportello<Tab>sportello-demo<Enter>1ro"),
    ("persona", "sportello<Tab>sportello-demo<Enter>1ro<Enter>"),
    (
        "scheda_nuova",
        "sportello<Tab>sportello-demo<Enter>1ro<Enter><C-n>",
    ),
    (
        "scheda_in_sospeso",
        "sportello<Tab>sportello-demo<Enter>1ro<Enter><C-n><C-s>",
    ),
    ("liste_codici", "admin<Tab>sportello-demo<Enter>2"),
    // «bisogni», after the four lists of the intermediazione abitativa.
    (
        "codici",
        "admin<Tab>sportello-demo<Enter>2<Down><Down><Down><Down><Enter>",
    ),
    (
        "codice",
        "admin<Tab>sportello-demo<Enter>2<Down><Down><Down><Down><Enter><Enter>",
    ),
    ("organizzazioni", "admin<Tab>sportello-demo<Enter>7"),
    ("settore", "admin<Tab>sportello-demo<Enter>7<Enter><Enter>"),
];

#[test]
fn every_screen_with_colours_and_without() {
    for (name, keys) in SCREENS {
        for color in [true, false] {
            let mut h = harness(color);
            h.keys(keys);
            let suffix = if color { "colori" } else { "no_color" };
            let shot = if color { h.styled() } else { h.text() };
            insta::assert_snapshot!(format!("{name}_{suffix}"), shot);
        }
    }
}

#[test]
fn too_small_screen() {
    let mut h = harness(true);
    h.resize(60, 20);
    insta::assert_snapshot!("troppo_piccola", h.text());
}

/// The Assistenza list of recordings, with one log of a session of the first demo comune.
#[test]
fn assistenza_recordings_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut header = sportello::record::Header::new(
        &AppConfig::headless(false),
        18,
        (80, 24),
        sportello::ui::harness::START_MS,
    );
    (header.commit, header.term, header.locale) = ("abc1234".into(), "xterm".into(), "C".into());
    (header.incident, header.operatore, header.ente) =
        ("42/2026".into(), "sportello".into(), Some(2));
    header.redacted = true;
    let line = serde_json::to_string(&header).unwrap() + "\n";
    std::fs::write(
        dir.path().join("sessione-20270115-0800-42_2026-1.jsonl"),
        line,
    )
    .unwrap();
    for color in [true, false] {
        let mut h = harness(color);
        h.app.config.recording_dir = dir.path().to_path_buf();
        h.keys("helpdesk<Tab>sportello-demo<Enter>1<Enter>");
        let suffix = if color { "colori" } else { "no_color" };
        let shot = if color { h.styled() } else { h.text() };
        insta::assert_snapshot!(format!("assistenza_registrazioni_{suffix}"), shot);
    }
}
