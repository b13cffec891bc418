//! UI runtime: keys, keymaps, actions and screen definitions as data — everything the event loop
//! and the screens need to turn key presses into actions and to lay out forms. It never touches
//! SQL: no `rusqlite`, no `crate::store` here; data arrives through the service layer.
//!
//! - [`keys`]: our own key type, its `<C-s>` notation and Italian labels.
//! - [`action`]: the actions a key can run, with Italian labels.
//! - [`keymap`]: keymap files (default < site < user), layer stacks, chords, hints.
//! Form definitions (`screens/*.toml`) and typed field values live below the UI, in [`crate::forms`].

pub mod action;
pub mod keymap;
pub mod keys;

pub use crate::forms::{FieldDef, FieldKind, FormDef, Screens, SectionDef};
pub use action::Action;
pub use keymap::{Keymap, KeymapError, Layer, Resolution};
pub use keys::{Key, KeyInput, Mods, parse_key, parse_key_string};

// The runtime: state, update, drawing, terminal, headless harness.
pub mod anagrafe;
pub mod app;
pub mod codici;
pub mod form;
pub mod form_screen;
pub mod harness;
pub mod home;
pub mod login;
pub mod operatori;
pub mod persona_form;
pub mod requests;
pub mod runtime;
pub mod schede;
pub mod table;
pub mod text_input;
pub mod theme;
pub mod view;

/// Form definitions for the runtime, by id: title and fields.
pub type Forms = std::collections::BTreeMap<String, (String, Vec<form::FieldSpec>)>;

/// Form definitions by id, as declared (sections, kinds, code lists): what prints and exports lay out.
pub type Defs = std::collections::BTreeMap<String, FormDef>;

/// The runtime's forms and their definitions from one reading of the screen files: the embedded
/// ones, overridden by the `*.toml` files in `dir` when given; the error names file, line, problem.
pub fn load_screens(dir: Option<&std::path::Path>) -> Result<(Forms, Defs), String> {
    let screens = match dir {
        Some(d) => Screens::load(d),
        None => Screens::embedded(),
    }
    .map_err(|e| e.to_string())?;
    let defs = screens.forms().map(|d| (d.id.clone(), d.clone())).collect();
    Ok((to_forms(&screens), defs))
}

/// The embedded forms, overridden by the `*.toml` files in `dir`.
pub fn forms_from(dir: &std::path::Path) -> Result<Forms, String> {
    load_screens(Some(dir)).map(|(forms, _)| forms)
}

/// The embedded forms only (tests, benchmarks).
pub fn forms() -> Result<Forms, String> {
    load_screens(None).map(|(forms, _)| forms)
}

fn to_forms(screens: &Screens) -> Forms {
    screens
        .forms()
        .map(|def| (def.id.clone(), (def.title.clone(), form::specs(def))))
        .collect()
}
