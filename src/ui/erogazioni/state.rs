//! The screens of the erogazioni module: the list with its filters and totals, the SIUSS export
//! screen, the forms (intervento, erogazione, foglio, filters), as the router sees them.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::{filter, forms, view};
use crate::domain::erogazioni::{
    Erogazione, ErogazioneElenco, FiltroErogazioni, Intervento, format_quantita,
};
use crate::domain::money::format_cents;
use crate::domain::siuss::FlussoSiuss;
use crate::service::siuss::EsitoSiuss;
use crate::ui::action::Action;
use crate::ui::app::{App, ScreenState};
use crate::ui::keymap::Layer;
use crate::ui::theme::Area;
use crate::ui::widgets::form::FieldSpec;
use crate::ui::widgets::form_screen::FormScreen;
use crate::ui::widgets::table::Table;

#[derive(Debug, Clone)]
pub enum State {
    List(Lista),
    Siuss(SiussScreen),
    Form(Box<Modulo>),
    /// The filters of the list below.
    Filtro(Box<FormScreen>),
}

impl Default for State {
    fn default() -> Self {
        State::List(Lista::default())
    }
}

/// The list of erogazioni.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lista {
    pub table: Table,
    pub data: Option<Vec<ErogazioneElenco>>,
    pub error: Option<String>,
    pub stale: bool,
    pub filtro: FiltroErogazioni,
    /// The active filters in words.
    pub sommario: String,
}

impl Default for Lista {
    fn default() -> Self {
        Lista {
            table: Table::new(vec![
                ("ID", 6),
                ("Beneficiario", 22),
                ("Intervento", 24),
                ("SIUSS", 9),
                ("Dal", 10),
                ("Al", 10),
                ("Quantità", 9),
                ("Spesa €", 11),
                ("Inviata", 7),
            ]),
            data: None,
            error: None,
            stale: true,
            filtro: FiltroErogazioni::default(),
            sommario: filter::summary(&FiltroErogazioni::default(), None, None),
        }
    }
}

impl Lista {
    pub(super) fn set_data(&mut self, rows: Vec<ErogazioneElenco>) {
        let it = crate::domain::date::italian;
        self.table.set_rows(
            rows.iter()
                .map(|r| {
                    (
                        r.id.to_string(),
                        vec![
                            r.id.to_string(),
                            format!("{} {}", r.cognome, r.nome),
                            r.tipo.clone(),
                            r.siuss_codice.clone().unwrap_or_default(),
                            it(&r.dal),
                            it(&r.al),
                            format_quantita(r.totali.quantita_cent),
                            format_cents(r.totali.spesa),
                            if r.esportata { "sì" } else { "no" }.into(),
                        ],
                    )
                })
                .collect(),
        );
        self.data = Some(rows);
        self.error = None;
    }

    /// The totals of the rows listed (cents): spesa, user, SSN, ente.
    pub fn totali(&self) -> crate::domain::erogazioni::Totali {
        let mut t = crate::domain::erogazioni::Totali::default();
        for r in self.data.iter().flatten() {
            t.add(&r.totali);
        }
        t
    }

    /// The row under the cursor.
    pub fn selected(&self) -> Option<&ErogazioneElenco> {
        let id: i64 = self.table.selected_key()?.parse().ok()?;
        self.data.as_ref()?.iter().find(|r| r.id == id)
    }
}

/// The SIUSS export screen: its period form, the flows sent, the last run.
#[derive(Debug, Clone)]
pub struct SiussScreen {
    pub form: FormScreen,
    pub flussi: Option<Vec<FlussoSiuss>>,
    pub error: Option<String>,
    /// The last run: what it did, where the file is, whether it only checked.
    pub esito: Option<(EsitoSiuss, Option<PathBuf>, bool)>,
    pub stale: bool,
}

/// A form of interventi and erogazioni on screen.
#[derive(Debug, Clone)]
pub struct Modulo {
    pub screen: FormScreen,
    pub scheda: Scheda,
    /// The categoria the nomenclatore's frequent tipi were asked for.
    pub categoria: Option<String>,
    /// The fields of one operation row (the erogazione form repeats them).
    pub riga: Vec<FieldSpec>,
    /// The codice fiscale whose interventi the erogazione form's link offers.
    pub beneficiario: Option<String>,
}

/// What the form saves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheda {
    /// The intervento as read (a new one: its defaults).
    Intervento(Box<Intervento>),
    /// The erogazione as read (a new one: its defaults).
    Erogazione(Box<Erogazione>),
    Foglio {
        intervento_id: i64,
        version: i64,
    },
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::List(_) => "erogazioni",
            State::Siuss(_) => "siuss",
            State::Form(m) => match m.scheda {
                Scheda::Intervento(_) => "intervento",
                Scheda::Erogazione(_) => "erogazione",
                Scheda::Foglio { .. } => "foglio",
            },
            State::Filtro(_) => filter::FILTER_FORM_ID,
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::List(_) => "Interventi ed erogazioni",
            State::Siuss(_) => "Flusso SIUSS per l'INPS",
            State::Form(m) => match m.scheda {
                Scheda::Intervento(_) => "Intervento",
                Scheda::Erogazione(_) => "Erogazione",
                Scheda::Foglio { .. } => "Foglio amministrativo",
            },
            State::Filtro(_) => "Filtri delle erogazioni",
        }
    }
    fn area(&self) -> Area {
        Area::Erogazioni
    }
    fn layer(&self) -> Layer {
        match self {
            State::List(_) => Layer::List,
            _ => Layer::Form,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::List(_) => {
                Table::moves(a, true)
                    || matches!(
                        a,
                        Action::Open
                            | Action::Confirm
                            | Action::Filter
                            | Action::NewRecord
                            | Action::Export
                    )
            }
            _ => a != Action::Print,
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::Form(m) => Some(&m.screen),
            State::Filtro(f) => Some(f),
            State::Siuss(s) => Some(&s.form),
            State::List(_) => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::Form(m) => Some(&mut m.screen),
            State::Filtro(f) => Some(f),
            State::Siuss(s) => Some(&mut s.form),
            State::List(_) => None,
        }
    }
    /// The erogazione's rows: one empty row stays at the end, each titled with its spesa.
    fn changed(&mut self, _today: time::Date) {
        if let State::Form(m) = self
            && let Scheda::Erogazione(_) = m.scheda
        {
            let bp = forms::quota_bp(&m.screen.form);
            forms::sync_righe(&mut m.screen.form, &m.riga, bp);
        }
    }
    /// An erogazione's draft: its operation rows get their fields first, then their titles.
    fn restore_draft(&mut self, content: &str) {
        match self {
            State::Form(m) if matches!(m.scheda, Scheda::Erogazione(_)) => {
                let form = &mut m.screen.form;
                forms::make_room(form, &m.riga, content);
                form.restore_json(content);
                let bp = forms::quota_bp(form);
                forms::sync_righe(form, &m.riga, bp);
            }
            _ => {
                if let Some(f) = self.form_mut() {
                    f.form.restore_json(content);
                }
            }
        }
    }
    fn stale(&mut self) {
        match self {
            State::List(l) => l.stale = true,
            State::Siuss(s) => s.stale = true,
            _ => {}
        }
    }
    fn on_return(&mut self) {
        self.stale();
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::List(l) => view::lista(app, l, f, area),
            State::Siuss(s) => view::siuss(app, s, f, area),
            State::Form(m) => view::modulo(app, m, f, area),
            State::Filtro(fs) => crate::ui::view::draw_form(app, &fs.form, f, area),
        }
    }
}
