//! A form on screen: the [`Form`] being edited and the record it edits (its target).

use super::form::Form;
use crate::domain::Operatore;
use crate::domain::codici::Codice;
use crate::domain::persona::{Consenso, Soggetto};

/// The record a form edits.
#[derive(Debug, Clone)]
pub enum Target {
    /// An operator account; `None` for a new one.
    Operatore(Option<Operatore>),
    Codice(Codice),
    /// A person; `None` for a new one.
    Persona(Option<Box<Soggetto>>),
    /// The privacy consent of a person towards the operator's ente (`None`: none recorded yet).
    Privacy {
        soggetto_id: i64,
        current: Option<Consenso>,
    },
    /// A scheda di accesso (new when `data.scheda` is `None`).
    Scheda(Box<super::schede::SchedaFormData>),
    /// The filters of the list of schede below.
    FiltroSchede,
}

#[derive(Debug, Clone)]
pub struct FormScreen {
    pub form: Form,
    pub target: Target,
    /// A save is in flight.
    pub saving: bool,
    /// A save was refused because someone else saved first: the stored record is being reloaded.
    pub reloading: bool,
}

impl FormScreen {
    pub fn new(form: Form, target: Target) -> FormScreen {
        FormScreen {
            form,
            target,
            saving: false,
            reloading: false,
        }
    }

    /// Shown only: keys and pastes do not change it and it cannot be saved (another operator's
    /// scheda).
    pub fn readonly(&self) -> bool {
        matches!(&self.target, Target::Scheda(d) if !d.can_edit)
    }

    /// After a value changed: the person form fills sex, birth date and birthplace from a typed
    /// codice fiscale and warns about mismatches.
    pub fn changed(&mut self, today: time::Date) {
        if matches!(self.target, Target::Persona(_))
            && self.form.focused().map(|f| f.spec.id.as_str()) == Some("codice_fiscale")
        {
            super::persona_form::fill_from_cf(&mut self.form, today);
        }
    }

    /// The draft key: the record id, or '' for a new record.
    pub fn record_key(&self) -> String {
        match &self.target {
            Target::Operatore(Some(o)) => o.id.to_string(),
            Target::Operatore(None) => String::new(),
            Target::Codice(c) => c.id.to_string(),
            Target::Persona(Some(s)) => s.id.to_string(),
            Target::Persona(None) => String::new(),
            Target::Privacy { soggetto_id, .. } => soggetto_id.to_string(),
            Target::Scheda(d) => match d.scheda.as_ref().and_then(|s| s.edit.id) {
                Some(id) => id.to_string(),
                None => format!("nuova-{}", d.soggetto.id),
            },
            Target::FiltroSchede => String::new(),
        }
    }
}
