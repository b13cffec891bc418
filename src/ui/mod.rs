//! The terminal app. It never touches SQL: no `rusqlite` and no store handle here except in the
//! runtime's wiring ([`runtime`], [`harness`]); screens reach data only through
//! [`crate::service::Service`].
//!
//! - [`app`]: the router — messages in, effects out; navigation stack, popups, idle lock, drafts
//!   policy, session check, key routing; the one list of screen modules.
//! - One folder per screen module, each with its state, its `update` for its actions and replies,
//!   its view and the service calls it makes: [`login`], [`home`], [`anagrafe`], [`schede`],
//!   [`operatori`], [`codici`]. Adding a screen touches its own folder, one line in the router's
//!   `screens!` list (and the home menu when it has an entry) and its `screens/*.toml`.
//! - [`screen`]: what the router asks of every screen state; [`config`]: what the app is given at
//!   start; [`io`]: request ids, awaited replies, type-ahead coalescing; [`jobs`]: long work (an
//!   export) on its own worker, its gauge and its cancellation.
//! - [`drafts`] and [`popup`]: what every screen shares (draft requests, popups and their answers).
//! - [`view`]: the frame (header, status bar) and the drawing helpers the modules share.
//! - [`widgets`]: form, form screen, table, text input.
//! - [`keys`], [`action`], [`keymap`]: our key type, the actions, keymap files and layers.
//! - [`theme`]: the 16-colour palette by area.
//! - [`runtime`]: terminal, event loop, signals, the store thread; [`harness`]: the same headless.
//!
//! Form definitions (`screens/*.toml`) and typed field values live below the UI, in
//! [`crate::forms`].

pub mod action;
pub mod keymap;
pub mod keys;

pub use crate::forms::{FieldDef, FieldKind, FormDef, Screens, SectionDef};
pub use action::Action;
pub use keymap::{Keymap, KeymapError, Layer, Resolution};
pub use keys::{Key, KeyInput, Mods, parse_key, parse_key_string};

pub mod admin;
pub mod allegati;
pub mod anagrafe;
pub mod app;
pub mod assistenza;
pub mod casi;
pub mod codici;
pub mod config;
pub mod drafts;
pub mod erogazioni;
pub mod harness;
pub mod home;
pub mod io;
pub mod jobs;
pub mod login;
pub mod operatori;
pub mod organizzazioni;
pub mod popup;
pub mod rapporti;
pub mod refresh;
pub mod richieste;
pub mod runtime;
pub mod schede;
pub mod screen;
pub mod sessioni;
pub mod theme;
pub mod view;
pub mod widgets;

/// Form definitions for the runtime, by id: title and fields.
pub type Forms = std::collections::BTreeMap<String, (String, Vec<widgets::form::FieldSpec>)>;

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
        .map(|def| {
            let mut specs = widgets::form::specs(def);
            // A list of records gets the fields of its rows' form.
            for s in &mut specs {
                if let Some(row) = def
                    .field(&s.id)
                    .and_then(|f| f.form.as_deref())
                    .and_then(|id| screens.get(id))
                {
                    s.row = widgets::form::specs(row);
                }
            }
            (def.id.clone(), (def.title.clone(), specs))
        })
        .collect()
}
