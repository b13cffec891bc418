//! Interventi ed erogazioni at the desk: the list of the ente's erogazioni with their totals
//! (spesa, compartecipazioni, quota ente, sent to SIUSS or not), and the SIUSS export screen —
//! the period, the last flows sent, the export run as long work with a gauge (Esc cancels: no
//! file, nothing marked), then what was sent and every record left out with its reasons.

mod view;

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::Answer;
use super::theme::Area;
use super::widgets::table::Table;
use crate::domain::Actor;
use crate::domain::erogazioni::{ErogazioneElenco, FiltroErogazioni, format_quantita};
use crate::domain::money::format_cents;
use crate::domain::siuss::FlussoSiuss;
use crate::print::office::Outputs;
use crate::progress::Progress;
use crate::service::Service;
use crate::service::siuss::{EsitoSiuss, RichiestaSiuss};

#[derive(Debug, Clone)]
pub enum State {
    List(Lista),
    Siuss(SiussScreen),
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
        }
    }
}

impl Lista {
    fn set_data(&mut self, rows: Vec<ErogazioneElenco>) {
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
    }

    /// The totals of the rows listed (cents): spesa, user, SSN, ente.
    pub fn totali(&self) -> crate::domain::erogazioni::Totali {
        let mut t = crate::domain::erogazioni::Totali::default();
        for r in self.data.iter().flatten() {
            t.add(&r.totali);
        }
        t
    }
}

/// The SIUSS export screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiussScreen {
    pub dal: String,
    pub al: String,
    pub flussi: Option<Vec<FlussoSiuss>>,
    pub error: Option<String>,
    /// The last export: what it did and where the file is.
    pub esito: Option<(EsitoSiuss, Option<PathBuf>)>,
    pub stale: bool,
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::List(_) => "erogazioni",
            State::Siuss(_) => "siuss",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::List(_) => "Interventi ed erogazioni",
            State::Siuss(_) => "Flusso SIUSS per l'INPS",
        }
    }
    fn area(&self) -> Area {
        Area::Erogazioni
    }
    fn layer(&self) -> Layer {
        Layer::List
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::List(_) => Table::moves(a, true),
            State::Siuss(_) => matches!(a, Action::Open | Action::Confirm),
        }
    }
    fn stale(&mut self) {
        match self {
            State::List(l) => l.stale = true,
            State::Siuss(s) => s.stale = true,
        }
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::List(l) => view::lista(app, l, f, area),
            State::Siuss(s) => view::siuss(app, s, f, area),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    List {
        actor: Actor,
    },
    Flussi {
        actor: Actor,
    },
    Export {
        actor: Actor,
        dal: String,
        al: String,
        giorno: time::Date,
        outputs: Outputs,
        archivio: Option<PathBuf>,
        progress: Progress,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    List(Result<Vec<ErogazioneElenco>, String>),
    Flussi(Result<Vec<FlussoSiuss>, String>),
    /// What the export did, and the file it wrote (none when nothing was sent).
    Export(Result<(EsitoSiuss, Option<PathBuf>), String>),
}

/// The erogazioni screens ask nothing back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::List { .. } | Req::Flussi { .. })
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::List { actor } => Rep::List(
            svc.search_erogazioni(&actor, &FiltroErogazioni::default())
                .map_err(err),
        ),
        Req::Flussi { actor } => Rep::Flussi(svc.siuss_flussi(&actor, 5).map_err(err)),
        Req::Export {
            actor,
            dal,
            al,
            giorno,
            outputs,
            archivio,
            progress,
        } => {
            let mut esito = None;
            let delivered =
                svc.deliver(&actor, &outputs, ("siuss", "xml"), now_ms, |svc, out, _| {
                    let r = RichiestaSiuss {
                        ente_id: None,
                        dal,
                        al,
                        cf_operatore: None,
                        out: Some(out.to_path_buf()),
                        archivio,
                        giorno,
                    };
                    let e = svc.export_siuss(&actor, &r, &progress)?;
                    let sent = e.nome.is_some();
                    esito = Some(e);
                    if sent {
                        Ok(String::new())
                    } else {
                        // Nothing sent: no file is kept (the exclusions are still shown).
                        Err(crate::service::Error::Invalid(
                            "nessuna erogazione da inviare nel periodo".into(),
                        ))
                    }
                });
            Rep::Export(match (delivered, esito) {
                (Ok(d), Some(e)) => Ok((e, Some(d.path))),
                (Err(_), Some(e)) if e.nome.is_none() => Ok((e, None)),
                (Err(m), _) => Err(m),
                (Ok(_), None) => Err("esportazione non eseguita".into()),
            })
        }
    }
}

/// Opens the list of erogazioni from the menu.
pub fn open(app: &mut App) -> Vec<Effect> {
    let mut l = Lista::default();
    l.table.page = app.page_len();
    app.push(Screen::Erogazioni(State::List(l)));
    Vec::new()
}

/// Opens the SIUSS export screen from the menu: the period runs from the start of last year to
/// today (a flow never sends a record twice, so a wide period is safe).
pub fn open_siuss(app: &mut App) -> Vec<Effect> {
    let today = app.today();
    app.push(Screen::Erogazioni(State::Siuss(SiussScreen {
        dal: format!("{}-01-01", today.year() - 1),
        al: crate::domain::date::iso(today),
        flussi: None,
        error: None,
        esito: None,
        stale: true,
    })));
    Vec::new()
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    let archivio = app.config.archivio.dir.parent().map(|p| p.join("siuss"));
    let outputs = app.config.outputs();
    match &mut app.screen {
        Screen::Erogazioni(State::List(l)) => {
            l.table.navigate(a, true);
            Vec::new()
        }
        Screen::Erogazioni(State::Siuss(s)) if matches!(a, Action::Open | Action::Confirm) => {
            s.esito = None;
            s.error = None;
            let progress = Progress::default();
            let req = Req::Export {
                actor,
                dal: s.dal.clone(),
                al: s.al.clone(),
                giorno: today,
                outputs,
                archivio,
                progress: progress.clone(),
            };
            super::jobs::start(app, "Flusso SIUSS", progress, Request::Erogazioni(req))
        }
        _ => Vec::new(),
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::List(result) if current => {
            if let Screen::Erogazioni(State::List(l)) = &mut app.screen {
                match result {
                    Ok(rows) => l.set_data(rows),
                    Err(e) => l.error = Some(e),
                }
            }
        }
        Rep::Flussi(result) if current => {
            if let Screen::Erogazioni(State::Siuss(s)) = &mut app.screen {
                match result {
                    Ok(f) => s.flussi = Some(f),
                    Err(e) => s.error = Some(e),
                }
            }
        }
        Rep::Export(result) => {
            let message = match &result {
                Ok((e, Some(_))) => format!(
                    "Flusso SIUSS scritto: {} beneficiari, {} record, {} esclusi",
                    e.beneficiari,
                    e.record,
                    e.esclusi.len()
                ),
                Ok((e, None)) => format!(
                    "Nessuna erogazione da inviare ({} escluse)",
                    e.esclusi.len()
                ),
                Err(e) => e.clone(),
            };
            app.status = Some(message);
            for screen in app.screens_mut() {
                if let Screen::Erogazioni(State::Siuss(s)) = screen {
                    match &result {
                        Ok(r) => s.esito = Some(r.clone()),
                        Err(e) => s.error = Some(e.clone()),
                    }
                    s.stale = true;
                }
            }
            app.mark_lists_stale();
        }
        _ => {}
    }
    Vec::new()
}

pub fn then(_app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {}
}

/// Asks for the list or the last flows when stale.
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    match &mut app.screen {
        Screen::Erogazioni(State::List(l)) if l.stale => {
            l.stale = false;
            vec![app.io.query(Request::Erogazioni(Req::List { actor }))]
        }
        Screen::Erogazioni(State::Siuss(s)) if s.stale => {
            s.stale = false;
            vec![app.io.query(Request::Erogazioni(Req::Flussi { actor }))]
        }
        _ => Vec::new(),
    }
}
