//! A form on screen: the [`Form`] being edited, the draft key of the record it edits, and whether it
//! is read-only or waiting for a save. The record itself (its target) stays with the screen module.

use super::form::Form;

#[derive(Debug, Clone)]
pub struct FormScreen {
    pub form: Form,
    /// The draft key: the record id, or '' (or `nuova-<person>`) for a new record.
    pub record_key: String,
    /// Shown only: keys and pastes do not change it and it cannot be saved (another operator's
    /// scheda).
    pub readonly: bool,
    /// A save is in flight.
    pub saving: bool,
    /// A save was refused because someone else saved first: the stored record is being reloaded.
    pub reloading: bool,
    /// Another session changed data: the screen module asks whether the record moved.
    pub check: bool,
    /// The record moved under a form without unsaved changes: the stored one is being reloaded
    /// in place (no conflict to tell).
    pub refreshing: bool,
    /// A notice about the record that stays in the status bar while the form is open (it was
    /// changed by another operator under unsaved changes).
    pub notice: Option<String>,
}

impl FormScreen {
    pub fn new(form: Form, record_key: impl Into<String>) -> FormScreen {
        FormScreen {
            form,
            record_key: record_key.into(),
            readonly: false,
            saving: false,
            reloading: false,
            check: false,
            refreshing: false,
            notice: None,
        }
    }

    /// Marks the fields the service or the checks refused, and says so in the status bar.
    pub fn refuse(&mut self, errors: &[(String, String)], status: &mut Option<String>) {
        self.form.mark_errors(errors);
        *status = Some(MSG_FIX.into());
    }
}

/// The status-bar message when fields are marked.
pub const MSG_FIX: &str = "Correggere i campi segnalati";
