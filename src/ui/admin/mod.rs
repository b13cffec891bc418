//! Enti e uffici (administration): the table of enti (comuni, ambiti with their comuni and
//! capofila, external bodies), the uffici of one ente with their punto di contatto, printer and
//! folder, and the two forms (`screens/ente.toml`, `screens/ufficio.toml`).

mod forms;

pub use forms::{EnteSave, UfficioSave};

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::Answer;
use super::widgets::form_screen::{FormScreen, MSG_FIX};
use super::widgets::table::Table;
use crate::domain::impostazioni::ImpostazioniUfficio;
use crate::domain::{Actor, Ente, Ufficio};
use crate::service::Service;
use crate::service::organisation::UfficioUscita;

/// The uffici of an ente, with where their documents go.
pub type Uffici = Vec<(Ufficio, UfficioUscita)>;

/// A table of records of type `T` as the service sent them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lista<T> {
    pub table: Table,
    pub data: Option<T>,
    pub error: Option<String>,
    /// To be asked (again).
    pub stale: bool,
}

impl<T> Lista<T> {
    pub fn new(columns: Vec<(&'static str, u16)>) -> Lista<T> {
        Lista {
            table: Table::new(columns),
            data: None,
            error: None,
            stale: true,
        }
    }
}

#[derive(Debug, Clone)]
pub enum State {
    Enti(Lista<Vec<Ente>>),
    /// The uffici of an ente.
    Uffici(Ente, Lista<Uffici>),
    /// The form of an ente (`None`: a new one), with the enti (for the ambiti).
    EnteForm(Box<FormScreen>, Option<Ente>),
    /// The form of an ufficio of an ente (`None`: a new one), with the settings it was opened with.
    UfficioForm(
        Box<FormScreen>,
        i64,
        Option<Ufficio>,
        Box<ImpostazioniUfficio>,
    ),
}

impl Default for State {
    fn default() -> Self {
        State::Enti(enti_table())
    }
}

fn enti_table() -> Lista<Vec<Ente>> {
    Lista::new(vec![
        ("Nome", 28),
        ("Tipo", 8),
        ("Codice", 7),
        ("Ambito", 20),
        ("", 9),
        ("Stato", 10),
    ])
}

fn uffici_table() -> Lista<Uffici> {
    Lista::new(vec![
        ("Ufficio", 24),
        ("Indirizzo", 22),
        ("Telefono", 12),
        ("Stampante", 12),
        ("Stato", 10),
    ])
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::Enti(_) => "enti",
            State::Uffici(..) => "uffici",
            State::EnteForm(..) => "ente",
            State::UfficioForm(..) => "ufficio",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::Enti(_) => "Enti e uffici",
            State::Uffici(..) => "Uffici",
            State::EnteForm(..) => "Ente",
            State::UfficioForm(..) => "Ufficio",
        }
    }
    fn layer(&self) -> Layer {
        match self {
            State::Enti(_) | State::Uffici(..) => Layer::List,
            State::EnteForm(..) | State::UfficioForm(..) => Layer::Form,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::Enti(_) => {
                Table::moves(a, true)
                    || matches!(
                        a,
                        Action::Open | Action::Edit | Action::Confirm | Action::NewRecord
                    )
            }
            State::Uffici(..) => {
                Table::moves(a, true)
                    || matches!(
                        a,
                        Action::Open
                            | Action::Edit
                            | Action::Confirm
                            | Action::NewRecord
                            | Action::PuntiContatto
                    )
            }
            State::EnteForm(..) | State::UfficioForm(..) => a != Action::Print,
        }
    }
    fn claims(&self, a: Action) -> bool {
        a == Action::PuntiContatto && matches!(self, State::Uffici(..))
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::EnteForm(f, _) | State::UfficioForm(f, ..) => Some(f),
            _ => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::EnteForm(f, _) | State::UfficioForm(f, ..) => Some(f),
            _ => None,
        }
    }
    fn stale(&mut self) {
        match self {
            State::Enti(l) => l.stale = true,
            State::Uffici(_, l) => l.stale = true,
            _ => {}
        }
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        let view = crate::ui::view::draw_table;
        match self {
            State::Enti(l) => view(app, "Enti", l.data.is_some(), &l.error, &l.table, f, area),
            State::Uffici(e, l) => view(
                app,
                &format!("Uffici · {}", e.nome),
                l.data.is_some(),
                &l.error,
                &l.table,
                f,
                area,
            ),
            State::EnteForm(s, _) | State::UfficioForm(s, ..) => {
                crate::ui::view::draw_form(app, &s.form, f, area)
            }
        }
    }
}

/// Requests move at human pace: boxing the large variants buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Enti {
        actor: Actor,
    },
    Uffici {
        actor: Actor,
        ente: i64,
    },
    SaveEnte {
        actor: Actor,
        save: EnteSave,
    },
    SaveUfficio {
        actor: Actor,
        save: UfficioSave,
    },
    /// The settings of an ufficio, to open its form.
    Impostazioni {
        actor: Actor,
        ente: i64,
        ufficio: Box<(Ufficio, UfficioUscita)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Enti(Result<Vec<Ente>, String>),
    Uffici(i64, Result<Uffici, String>),
    Saved(Result<(), String>),
    /// The ufficio of an ente and its settings: its form opens.
    Impostazioni(
        i64,
        Box<(Ufficio, UfficioUscita)>,
        Result<ImpostazioniUfficio, String>,
    ),
}

/// The screens ask nothing back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::Enti { .. } | Req::Uffici { .. })
    }
}

/// A new ufficio is created, then given its contact; printer and folder follow.
fn save_ufficio(
    svc: &mut Service<'_>,
    actor: &Actor,
    save: UfficioSave,
) -> crate::service::Result<()> {
    let mut u = save.ufficio;
    if u.id == 0 {
        u.id = svc.create_ufficio(actor, u.ente_id, &u.nome)?;
        u.version = 1;
    }
    svc.edit_ufficio(actor, &u)?;
    svc.configure_ufficio_id(actor, u.id, &save.uscita)?;
    if let Some(mut imp) = save.impostazioni {
        imp.ufficio_id = u.id;
        svc.save_impostazioni_ufficio(actor, &imp)?;
    }
    Ok(())
}

pub fn execute(svc: &mut Service<'_>, req: Req, _now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::Enti { actor } => Rep::Enti(svc.enti(&actor).map_err(err)),
        Req::Uffici { actor, ente } => Rep::Uffici(ente, svc.uffici_di(&actor, ente).map_err(err)),
        Req::SaveEnte { actor, save } => Rep::Saved(
            match save {
                EnteSave::New(n) => svc.create_ente(&actor, &n).map(|_| ()),
                EnteSave::Edit(e) => svc.edit_ente(&actor, &e).map(|_| ()),
            }
            .map_err(err),
        ),
        Req::SaveUfficio { actor, save } => {
            Rep::Saved(save_ufficio(svc, &actor, save).map_err(err))
        }
        Req::Impostazioni {
            actor,
            ente,
            ufficio,
        } => {
            let imp = svc.impostazioni_ufficio(&actor, ufficio.0.id).map_err(err);
            Rep::Impostazioni(ente, ufficio, imp)
        }
    }
}

/// Opens the table of enti from the menu.
pub fn open(app: &mut App) -> Vec<Effect> {
    let mut l = enti_table();
    l.table.page = app.page_len();
    app.push(Screen::Admin(State::Enti(l)));
    Vec::new()
}

fn selected<'a, T>(table: &Table, rows: &'a [T], key: impl Fn(&T) -> i64) -> Option<&'a T> {
    let k = table.selected_key()?;
    rows.iter().find(|r| key(r).to_string() == k)
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let today = app.today();
    match &mut app.screen {
        Screen::Admin(State::Enti(l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let Some(enti) = l.data.clone() else {
                return Vec::new();
            };
            let chosen = selected(&l.table, &enti, |e| e.id).cloned();
            match (a, chosen) {
                (Action::Open | Action::Confirm, Some(e)) => {
                    let mut u = uffici_table();
                    u.table.page = app.page_len();
                    app.push(Screen::Admin(State::Uffici(e, u)));
                    Vec::new()
                }
                (Action::Edit, Some(e)) => ente_form(app, &enti, Some(e)),
                (Action::NewRecord, _) => ente_form(app, &enti, None),
                _ => Vec::new(),
            }
        }
        Screen::Admin(State::Uffici(ente, l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let Some(uffici) = l.data.clone() else {
                return Vec::new();
            };
            let ente = ente.id;
            let chosen = selected(&l.table, &uffici, |u| u.0.id).cloned();
            match (a, chosen) {
                // An existing one: its settings first.
                (Action::Open | Action::Confirm | Action::Edit, Some(u)) => {
                    let Some(actor) = app.actor() else {
                        return Vec::new();
                    };
                    let ufficio = Box::new(u);
                    let req = Req::Impostazioni {
                        actor,
                        ente,
                        ufficio,
                    };
                    vec![app.io.query(Request::Admin(req))]
                }
                (Action::NewRecord, _) => ufficio_form(app, ente, None, Default::default()),
                (Action::PuntiContatto, Some(u)) => crate::ui::organizzazioni::open_punti(app, u.0),
                _ => Vec::new(),
            }
        }
        Screen::Admin(State::EnteForm(f, existing)) => {
            if !matches!(a, Action::Save | Action::Confirm) || f.saving {
                return Vec::new();
            }
            let Some(actor) = app.session.as_ref().map(|s| s.actor.clone()) else {
                return Vec::new();
            };
            if f.form.validate(today).is_some() {
                app.status = Some(MSG_FIX.into());
                return Vec::new();
            }
            f.saving = true;
            let save = forms::ente_save(&f.form, existing.as_ref());
            vec![app.io.query(Request::Admin(Req::SaveEnte { actor, save }))]
        }
        Screen::Admin(State::UfficioForm(f, ente, existing, imp)) => {
            if !matches!(a, Action::Save | Action::Confirm) || f.saving {
                return Vec::new();
            }
            let Some(actor) = app.session.as_ref().map(|s| s.actor.clone()) else {
                return Vec::new();
            };
            if f.form.validate(today).is_some() {
                app.status = Some(MSG_FIX.into());
                return Vec::new();
            }
            f.saving = true;
            let save = forms::ufficio_save(&f.form, *ente, existing.as_ref(), imp);
            vec![
                app.io
                    .query(Request::Admin(Req::SaveUfficio { actor, save })),
            ]
        }
        _ => Vec::new(),
    }
}

/// Opens the form of an ufficio of `ente` (`u` `None`: a new one) with its settings `imp`.
fn ufficio_form(
    app: &mut App,
    ente: i64,
    u: Option<(Ufficio, UfficioUscita)>,
    imp: ImpostazioniUfficio,
) -> Vec<Effect> {
    let (title, specs) = app.config.form_def(forms::UFFICIO);
    let title = match &u {
        Some(u) => format!("{title}: {}", u.0.nome),
        None => format!("{title}: nuovo"),
    };
    let form = forms::ufficio_form(&title, specs, u.as_ref(), &imp);
    let existing = u.map(|u| u.0);
    let key = existing
        .as_ref()
        .map(|u| u.id.to_string())
        .unwrap_or_default();
    let screen = FormScreen::new(form, key);
    app.push_form(Screen::Admin(State::UfficioForm(
        Box::new(screen),
        ente,
        existing,
        Box::new(imp),
    )))
}

fn ente_form(app: &mut App, enti: &[Ente], existing: Option<Ente>) -> Vec<Effect> {
    let (title, specs) = app.config.form_def(forms::ENTE);
    let title = match &existing {
        Some(e) => format!("{title}: {}", e.nome),
        None => format!("{title}: nuovo"),
    };
    let form = forms::ente_form(&title, specs, enti, existing.as_ref());
    let key = existing
        .as_ref()
        .map(|e| e.id.to_string())
        .unwrap_or_default();
    let screen = FormScreen::new(form, key);
    app.push_form(Screen::Admin(State::EnteForm(Box::new(screen), existing)))
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    if !current {
        return Vec::new();
    }
    match rep {
        Rep::Enti(result) => {
            if let Screen::Admin(State::Enti(l)) = &mut app.screen {
                match result {
                    Ok(enti) => {
                        let nome = |id: Option<i64>| {
                            id.and_then(|a| enti.iter().find(|e| e.id == a))
                                .map(|e| e.nome.clone())
                                .unwrap_or_default()
                        };
                        let rows = enti
                            .iter()
                            .map(|e| {
                                (
                                    e.id.to_string(),
                                    vec![
                                        e.nome.clone(),
                                        e.tipo.clone(),
                                        e.belfiore.clone().unwrap_or_default(),
                                        nome(e.ambito_id),
                                        if e.capofila { "capofila" } else { "" }.into(),
                                        if e.attivo { "attivo" } else { "non attivo" }.into(),
                                    ],
                                )
                            })
                            .collect();
                        l.table.set_rows(rows);
                        l.data = Some(enti);
                    }
                    Err(e) => l.error = Some(e),
                }
            }
            Vec::new()
        }
        Rep::Uffici(ente, result) => {
            if let Screen::Admin(State::Uffici(e, l)) = &mut app.screen
                && e.id == ente
            {
                match result {
                    Ok(uffici) => {
                        let rows = uffici
                            .iter()
                            .map(|(u, uscita)| {
                                let c = &u.contatto;
                                (
                                    u.id.to_string(),
                                    vec![
                                        u.nome.clone(),
                                        c.indirizzo.clone().unwrap_or_default(),
                                        c.telefono.clone().unwrap_or_default(),
                                        uscita.stampante.clone().unwrap_or_default(),
                                        if u.attivo { "attivo" } else { "non attivo" }.into(),
                                    ],
                                )
                            })
                            .collect();
                        l.table.set_rows(rows);
                        l.data = Some(uffici);
                    }
                    Err(err) => l.error = Some(err),
                }
            }
            Vec::new()
        }
        Rep::Saved(result) => app.form_saved(result, "Salvato"),
        Rep::Impostazioni(ente, u, Ok(imp)) => ufficio_form(app, ente, Some(*u), imp),
        Rep::Impostazioni(_, _, Err(e)) => {
            app.error_popup(e);
            Vec::new()
        }
    }
}

pub fn then(_app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {}
}

/// Asks for the enti or the uffici when their table is stale (opened, or a record was saved).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    match &mut app.screen {
        Screen::Admin(State::Enti(l)) if l.stale => {
            l.stale = false;
            vec![app.io.query(Request::Admin(Req::Enti { actor }))]
        }
        Screen::Admin(State::Uffici(e, l)) if l.stale => {
            l.stale = false;
            let ente = e.id;
            vec![app.io.query(Request::Admin(Req::Uffici { actor, ente }))]
        }
        _ => Vec::new(),
    }
}
