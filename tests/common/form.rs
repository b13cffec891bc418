//! Driving a form of the headless app by field id: where the focus is, Tab to a field and type,
//! whether a field is shown, its error.

use sportello::ui::harness::Harness;

/// The id of the focused field of the form on screen.
pub fn focused(h: &Harness) -> String {
    match h.app.form() {
        Some(f) => f.focused().map(|x| x.spec.id.clone()).unwrap_or_default(),
        None => panic!("not a form:\n{}", h.text()),
    }
}

/// Moves with Tab to field `id`, then types `keys`.
pub fn fill(h: &mut Harness, id: &str, keys: &str) {
    for _ in 0..200 {
        if focused(h) == id {
            break;
        }
        h.keys("<Tab>");
    }
    assert_eq!(focused(h), id, "field {id} not reached:\n{}", h.text());
    h.keys(keys);
}

/// Whether field `id` is shown (its section or condition applies).
pub fn shown(h: &Harness, id: &str) -> bool {
    h.app.form().unwrap().shown(id)
}

/// The error marked on field `id`.
pub fn error_of(h: &Harness, id: &str) -> Option<String> {
    h.app.form().unwrap().field(id).unwrap().error.clone()
}
