//! What the app needs from configuration and environment, fixed at start: login mode, idle lock,
//! theme, keymap, the form definitions, the output folder.

use std::collections::BTreeMap;

use super::keymap::Keymap;
use super::theme::Theme;
use crate::auth::Origin;
use crate::config::AuthMode;
use crate::print::office::{Outputs, PrintConfig};

/// What the app needs from configuration and environment, fixed at start.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub auth: AuthMode,
    pub idle_lock_minutes: u32,
    pub demo: bool,
    pub theme: Theme,
    pub keymap: Keymap,
    pub origin: Origin,
    /// Form definitions by id (from `screens/*.toml`): title and fields.
    pub forms: BTreeMap<String, (String, Vec<super::widgets::form::FieldSpec>)>,
    /// The same definitions with their sections, for prints and exports.
    pub defs: super::Defs,
    /// Where prints and exports made from the TUI are written when the operator's ufficio has no
    /// folder of its own.
    pub output_dir: std::path::PathBuf,
    /// How prints reach the office printer.
    pub print: PrintConfig,
    /// The incident this session is recorded for (shown in the status bar), if it is.
    pub recording: Option<String>,
    /// The first login may start a recording the helpdesk requested (the TUI sets it when the
    /// session is not already recorded; the login clears it).
    pub record_on_login: bool,
    /// Where session recordings and crash reports are (the Assistenza module lists them).
    pub recording_dir: std::path::PathBuf,
    pub crash_dir: std::path::PathBuf,
    /// Where the documenti individuali of the cases are kept, and their size limit.
    pub archivio: crate::service::casi_documenti::Archivio,
    /// A line the status bar shows from the start (file logging off); recorded in the log's
    /// header, so a replay starts the same.
    pub notice: Option<String>,
    /// How long data is kept: the home screen warns before a draft expires.
    pub retention: crate::domain::retention::Retention,
    /// How the notice of a scheda sent to another office leaves the server (`None`: not sent;
    /// always `None` in replays).
    pub mail: Option<crate::mail::Mailer>,
}

impl AppConfig {
    /// Defaults for headless runs (tests, benchmarks, replays): password login, 5-minute idle lock,
    /// demo banner, the embedded keymap and screens, no OS identity.
    pub fn headless(color: bool) -> AppConfig {
        let (forms, defs) =
            super::load_screens(None).expect("the embedded screens are valid (tested)");
        AppConfig {
            auth: AuthMode::Password,
            idle_lock_minutes: 5,
            demo: true,
            theme: Theme {
                color,
                ascii: false,
            },
            keymap: Keymap::embedded().expect("the embedded keymap is valid (tested)"),
            origin: Origin::default(),
            forms,
            defs,
            output_dir: std::env::temp_dir().join("sportello-stampe"),
            print: PrintConfig::default(),
            recording: None,
            record_on_login: false,
            recording_dir: std::env::temp_dir().join("sportello-registrazioni"),
            crash_dir: std::env::temp_dir().join("sportello-crash"),
            archivio: crate::service::casi_documenti::Archivio::of_database(
                &std::env::temp_dir()
                    .join("sportello-documenti")
                    .join("d.db"),
                crate::service::casi_documenti::MAX_MB_DEFAULT,
            ),
            notice: None,
            retention: Default::default(),
            mail: None,
        }
    }

    /// Where documents go (with the ufficio's settings, read when a document is made).
    pub fn outputs(&self) -> Outputs {
        Outputs {
            dir: self.output_dir.clone(),
            print: self.print.clone(),
        }
    }

    /// The title and fields of a form of `screens/` (empty when the id is unknown: the screen
    /// files are validated at start).
    pub fn form_def(&self, id: &str) -> (String, Vec<super::widgets::form::FieldSpec>) {
        self.forms.get(id).cloned().unwrap_or_default()
    }

    /// The code-list ids a form uses (those of the rows of its lists of records too).
    pub fn list_ids(&self, form: &str) -> Vec<String> {
        let Some(d) = self.defs.get(form) else {
            return Vec::new();
        };
        let rows = d
            .fields()
            .filter_map(|f| f.form.as_deref())
            .filter_map(|id| self.defs.get(id));
        let mut ids: Vec<String> = std::iter::once(d)
            .chain(rows)
            .flat_map(|d| d.code_lists())
            .map(String::from)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}
