//! UI runtime: keys, keymaps, actions and screen definitions as data — everything the event loop
//! and the screens need to turn key presses into actions and to lay out forms. It never touches
//! SQL: no `rusqlite`, no `crate::store` here; data arrives through the service layer.
//!
//! - [`keys`]: our own key type, its `<C-s>` notation and Italian labels.
//! - [`action`]: the actions a key can run, with Italian labels.
//! - [`keymap`]: keymap files (default < site < user), layer stacks, chords, hints.
//! - [`screens`]: form definitions loaded from `screens/*.toml`, with overrides and validation.
//! - [`fields`]: parsing and validation of field values (dates, money, integers…).
//! - [`diag`]: file/line diagnostics in Italian for the data files above.

pub mod action;
pub mod diag;
pub mod fields;
pub mod keymap;
pub mod keys;
pub mod screens;

pub use action::Action;
pub use keymap::{Keymap, KeymapError, Layer, Resolution};
pub use keys::{Key, KeyInput, Mods, parse_key, parse_key_string};
pub use screens::{FieldDef, FieldKind, FormDef, Screens, SectionDef, Theme};
