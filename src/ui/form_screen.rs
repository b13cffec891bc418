//! A form on screen: the [`Form`] being edited and the record it edits (its target).

use super::form::Form;
use crate::domain::Operatore;
use crate::domain::codici::Codice;

/// The record a form edits.
#[derive(Debug, Clone)]
pub enum Target {
    /// An operator account; `None` for a new one.
    Operatore(Option<Operatore>),
    Codice(Codice),
}

#[derive(Debug, Clone)]
pub struct FormScreen {
    pub form: Form,
    pub target: Target,
    /// A save is in flight.
    pub saving: bool,
}

impl FormScreen {
    pub fn new(form: Form, target: Target) -> FormScreen {
        FormScreen {
            form,
            target,
            saving: false,
        }
    }

    /// The draft key: the record id, or '' for a new record.
    pub fn record_key(&self) -> String {
        match &self.target {
            Target::Operatore(Some(o)) => o.id.to_string(),
            Target::Operatore(None) => String::new(),
            Target::Codice(c) => c.id.to_string(),
        }
    }
}
