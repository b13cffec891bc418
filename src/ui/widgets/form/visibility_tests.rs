//! The form widget with sections and fields shown under a condition (`show_when`): navigation,
//! section numbers, validation and drawing leave hidden fields out; what was typed in them stays.

use super::*;
use crate::forms::condition::{Condition, Test};
use crate::ui::keys::Mods;

fn spec(id: &str, kind: Kind, section: &str, show_when: Vec<Condition>) -> FieldSpec {
    FieldSpec {
        id: id.into(),
        label: id.into(),
        kind,
        required: false,
        max_len: 20,
        help: String::new(),
        code_list: None,
        section: section.into(),
        core: true,
        show_when,
        row: Vec::new(),
    }
}

fn stranieri() -> Vec<Condition> {
    vec![Condition {
        field: "cittadinanza".into(),
        test: Test::NotIn(vec!["Z110".into()]),
    }]
}

fn form() -> Form {
    let mut scadenza = spec("scadenza", Kind::Date, "Stranieri", stranieri());
    scadenza.required = true;
    Form::new(
        "t",
        "t",
        vec![
            spec("cittadinanza", Kind::Text, "Utente", Vec::new()),
            spec("paese", Kind::Text, "Stranieri", stranieri()),
            scadenza,
            spec("vani", Kind::Integer, "Abitazione", Vec::new()),
        ],
    )
}

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 30).unwrap()
}

fn ids(f: &Form) -> Vec<String> {
    (0..f.fields.len())
        .filter(|&i| f.visible(i))
        .map(|i| f.fields[i].spec.id.clone())
        .collect()
}

#[test]
fn a_hidden_section_is_skipped_and_not_validated() {
    let mut f = form();
    assert_eq!(
        ids(&f),
        ["cittadinanza", "vani"],
        "empty cittadinanza: Italian"
    );
    f.next();
    assert_eq!(
        f.focused().unwrap().spec.id,
        "vani",
        "Tab skips the hidden section"
    );
    f.prev();
    assert_eq!(f.focus, 0);
    f.jump_section(true);
    assert_eq!(f.focused().unwrap().spec.id, "vani", "PageDown too");
    assert!(!f.goto_section(2), "section 2 is hidden: not reached");
    assert_eq!(f.focused().unwrap().spec.id, "vani");
    assert!(f.goto_section(3), "the Abitazione keeps its number");
    assert_eq!(f.validate(today()), None, "the required date is hidden");
    assert!(!f.next_to_fill(today(), &[]));

    f.set("cittadinanza", "Z330");
    assert_eq!(ids(&f), ["cittadinanza", "paese", "scadenza", "vani"]);
    assert!(f.goto_section(2));
    assert_eq!(f.focused().unwrap().spec.id, "paese");
    assert_eq!(f.validate(today()), Some(2), "now the date is required");
    f.focus = 2;
    for c in "31/02/2027".chars() {
        f.key(
            &KeyInput {
                code: Key::Char(c),
                mods: Mods::default(),
            },
            1,
        );
    }
    // Back to an EU cittadinanza and again outside: what was typed is still there.
    f.set("cittadinanza", "Z110");
    assert_eq!(
        f.validate(today()),
        None,
        "the wrong date is hidden: not checked"
    );
    f.set("cittadinanza", "Z330");
    assert_eq!(f.value("scadenza"), "31/02/2027");
    assert!(f.validate(today()).is_some());
}

#[test]
fn hidden_fields_are_not_drawn() {
    let f = form();
    let area = ratatui::layout::Rect::new(0, 0, 60, 10);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    let theme = crate::ui::theme::Theme {
        color: false,
        ascii: true,
    };
    f.render(area, &mut buf, &theme);
    let text = crate::ui::harness::buffer_text(&buf);
    assert!(
        text.contains("-- Utente") && text.contains("-- Abitazione"),
        "{text}"
    );
    assert!(
        !text.contains("Stranieri") && !text.contains("scadenza"),
        "{text}"
    );
}
