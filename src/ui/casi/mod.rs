//! Presa in carico and the cartella sociale: the inbox of proposals ("Schede da prendere in
//! carico") with its row actions, the read-only view of a proposed scheda, the list of cases with
//! its filters (Ctrl+K, [`filter`]), the case opened on one section of the cartella or fascicolo
//! (PgUp/PgDn change section, Ctrl+E changes state, Ctrl+N adds an entry to the section: diary, PAI,
//! ISEE, document, a member of the network, a validity-dated row of a generic section — the forms
//! of [`forms`]). Another session's changes reach them through [`super::refresh`].

mod calls;
mod filter;
pub(crate) mod forms;
mod iter;
mod operatori;
mod view;

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState, Then as AppThen};
use super::keymap::Layer;
use super::popup::{Answer, Popup};
use super::theme::Area;
use super::widgets::form_screen::{FormScreen, MSG_FIX};
use super::widgets::table::Table;
use crate::domain::caso::{self, CambioStato, Caso, FiltroCasi, Proposta, Sezione, Target};
use crate::service::casi::{Cartella, PropostaView};

pub use view::home_lines;

pub use calls::{Apertura, Rep, Req, execute};
use iter::{ask_note, caso_action, next_step, open_caso};

/// A table of rows loaded from the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows<T> {
    pub table: Table,
    pub data: Option<Vec<T>>,
    pub error: Option<String>,
    /// To be asked (again).
    pub stale: bool,
    /// The next load is the operator opening the list (audited), not a refresh of it.
    pub first: bool,
}

impl<T> Rows<T> {
    fn new(columns: Vec<(&'static str, u16)>) -> Rows<T> {
        Rows {
            table: Table::new(columns),
            data: None,
            error: None,
            stale: true,
            first: true,
        }
    }
}

/// A case opened on one section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasoView {
    pub caso_id: i64,
    pub sezione: Sezione,
    /// The next load opens a section (audited), not a refresh of the one on screen.
    pub first: bool,
    pub data: Option<Cartella>,
    pub error: Option<String>,
    pub stale: bool,
    pub scroll: u16,
}

/// Which record of a case a form adds or edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FormKind {
    Diario,
    Pai,
    /// An existing PAI (id, version): its verification, new objectives, closure.
    PaiVerifica(i64, i64),
    Isee,
    Documento,
    /// A validity-dated row of a generic cartella section.
    Sezione(Sezione),
    /// A member of the person's network (Risorse).
    Familiare,
    /// A valutazione with the n-th assessment grid ([`forms::griglie`]).
    Valutazione(u16),
    /// A case opened directly (from the list of cases; no case yet: its id is 0).
    NuovoCaso,
    /// A categoria sociale of the case (add, prevalence, end).
    Categoria,
}

#[derive(Debug, Clone)]
pub enum State {
    Inbox(Rows<Proposta>),
    Proposta(Box<PropostaView>),
    Lista(Rows<Caso>, FiltroCasi),
    Caso(Box<CasoView>),
    Form(Box<FormScreen>, FormKind, i64),
    /// The filters of the list of cases below.
    Filtro(Box<FormScreen>),
}

impl Default for State {
    fn default() -> Self {
        inbox()
    }
}

fn inbox() -> State {
    State::Inbox(Rows::new(vec![
        ("Data", 10),
        ("Operatore", 12),
        ("Ufficio", 14),
        ("Persona", 22),
        ("Cod. fiscale", 16),
        ("Esito", 10),
        ("Categoria", 14),
        ("Provenienza", 10),
    ]))
}

fn lista() -> State {
    State::Lista(
        Rows::new(vec![
            ("N.", 5),
            ("Persona", 24),
            ("Cod. fiscale", 16),
            ("Stato", 16),
            ("Responsabile", 12),
            ("Categorie", 16),
            ("Apertura", 10),
        ]),
        FiltroCasi::default(),
    )
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::Inbox(_) => "proposte",
            State::Proposta(_) => "proposta",
            State::Lista(..) => "casi",
            State::Caso(_) => "cartella",
            State::Form(_, kind, _) => forms::form_id(*kind),
            State::Filtro(_) => filter::FILTER_FORM_ID,
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::Inbox(_) => "Schede da prendere in carico",
            State::Proposta(_) => "Scheda proposta",
            State::Lista(..) => "Lista casi",
            State::Caso(_) => "Cartella sociale",
            State::Form(_, FormKind::Diario, _) => "Diario",
            State::Form(_, FormKind::Pai | FormKind::PaiVerifica(..), _) => "PAI",
            State::Form(_, FormKind::Isee, _) => "ISEE",
            State::Form(_, FormKind::Documento, _) => "Documento individuale",
            State::Form(_, FormKind::Sezione(s), _) => s.label(),
            State::Form(_, FormKind::Familiare, _) => "Risorse",
            State::Form(_, FormKind::Valutazione(_), _) => "Valutazione",
            State::Form(_, FormKind::NuovoCaso, _) => "Nuovo caso",
            State::Form(_, FormKind::Categoria, _) => "Categoria sociale",
            State::Filtro(_) => "Filtri dei casi",
        }
    }
    fn area(&self) -> Area {
        Area::Cartella
    }
    fn layer(&self) -> Layer {
        match self {
            State::Form(..) | State::Filtro(_) => Layer::Form,
            _ => Layer::List,
        }
    }
    /// The list layer is shared with the person card and the schede: only this module's keys.
    fn offers(&self, a: Action) -> bool {
        match self {
            State::Form(..) | State::Filtro(_) => true,
            State::Inbox(_) => Table::moves(a, true) || matches!(a, Action::Open | Action::Confirm),
            State::Lista(..) => {
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
            State::Proposta(_) => false,
            State::Caso(_) => matches!(
                a,
                Action::NextPage
                    | Action::PrevPage
                    | Action::FieldDown
                    | Action::FieldUp
                    | Action::NewRecord
                    | Action::Edit
                    | Action::Print
                    | Action::Open
            ),
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::Form(f, ..) | State::Filtro(f) => Some(f),
            _ => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::Form(f, ..) | State::Filtro(f) => Some(f),
            _ => None,
        }
    }
    fn stale(&mut self) {
        match self {
            State::Inbox(r) => r.stale = true,
            State::Lista(r, _) => r.stale = true,
            State::Caso(c) => c.stale = true,
            _ => {}
        }
    }
    fn on_return(&mut self) {
        self.stale();
    }
    fn draw(
        &self,
        app: &App,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
    ) -> Option<ratatui::layout::Position> {
        view::draw(self, app, f, area)
    }
}
/// What the popups of this module continue with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    /// Which list to open (from the home menu).
    Apri,
    /// A row action on a proposal.
    Riga(i64),
    /// The note of a refusal.
    Respingi(i64),
    /// The transition chosen (options: target state and whom it names).
    Transizione(CambioStato, Vec<(String, Target)>),
    /// The office, ente or operator the case is signalled to (options: their ids or usernames).
    Destinatario(CambioStato, Target, Vec<String>),
    /// The reason of a closure.
    Motivo(CambioStato),
    /// The note of a change of state.
    Nota(CambioStato),
    /// The assessment grid of a new valutazione of the case.
    Griglia(i64),
    /// Which PAI of the case to open.
    Pai(i64),
    /// Ctrl+N on the Servizi section: a service received, or an intervento or erogazione of the
    /// ente for the person (codice fiscale, prevalent categoria).
    Servizi(i64, Option<String>, Option<String>),
    /// Which document of the case to copy out.
    Documento,
    /// The format of the export of the list of cases.
    Esporta,
    /// Who follows the case: what to add (an operator, an ufficio, an ente).
    NuovoSeguito(i64),
    /// Whom (ids or usernames of the options).
    ChiSeguito(i64, operatori::Nuovo, Vec<String>),
    /// With "gestione fascicolo" / «nascondi informazioni» (first option) or not.
    FlagSeguito(i64, operatori::Nuovo, String),
    /// Which assignment or sharing to change (options).
    VoceSeguito(i64, Vec<operatori::Voce>),
    /// What to do with it.
    AzioneSeguito(i64, operatori::Voce),
}

/// Opens the module from the home menu: which list?
pub fn open(app: &mut App) -> Vec<Effect> {
    app.popup = Some(Popup::Choice {
        title: "Presa in carico e cartella sociale".into(),
        options: vec!["Schede da prendere in carico".into(), "Lista casi".into()],
        selected: 0,
        then: AppThen::Casi(Then::Apri),
    });
    Vec::new()
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let today = app.today();
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    match &mut app.screen {
        Screen::Casi(State::Inbox(r)) => {
            if r.table.navigate(a, true) {
                return Vec::new();
            }
            let Some(id) = r.table.selected_key().and_then(|k| k.parse::<i64>().ok()) else {
                return Vec::new();
            };
            if matches!(a, Action::Open | Action::Confirm) {
                app.popup = Some(Popup::Choice {
                    title: "Proposta di presa in carico".into(),
                    options: vec![
                        "Visualizza la scheda".into(),
                        "Prendi in carico".into(),
                        "Vista (la persona ha già un caso)".into(),
                        "Respingi (con una nota)".into(),
                    ],
                    selected: 0,
                    then: AppThen::Casi(Then::Riga(id)),
                });
            }
            Vec::new()
        }
        Screen::Casi(State::Lista(r, _)) => {
            if r.table.navigate(a, true) {
                return Vec::new();
            }
            if a == Action::Export {
                app.popup = Some(Popup::Choice {
                    title: "Esporta i casi dell'elenco (con i filtri applicati)".into(),
                    options: crate::export::Format::ALL
                        .iter()
                        .map(|f| f.extension().to_uppercase())
                        .collect(),
                    selected: 1,
                    then: AppThen::Casi(Then::Esporta),
                });
                return Vec::new();
            }
            if a == Action::NewRecord {
                let kind = FormKind::NuovoCaso;
                let lists = app.config.list_ids(forms::form_id(kind));
                let apertura = Apertura::Form(kind, 0);
                return vec![app.io.query(Request::Casi(Req::Liste {
                    actor,
                    lists,
                    apertura,
                }))];
            }
            if a == Action::Filter {
                let lists = app.config.list_ids(filter::FILTER_FORM_ID);
                let apertura = Apertura::Filtro;
                return vec![app.io.query(Request::Casi(Req::Liste {
                    actor,
                    lists,
                    apertura,
                }))];
            }
            if matches!(a, Action::Open | Action::Confirm)
                && let Some(id) = r.table.selected_key().and_then(|k| k.parse::<i64>().ok())
            {
                open_caso(app, id, Sezione::Anagrafica);
            }
            Vec::new()
        }
        Screen::Casi(State::Caso(c)) => {
            let id = c.caso_id;
            caso_action(app, a, today, id)
        }
        Screen::Casi(State::Form(f, kind, caso_id)) => {
            if !matches!(a, Action::Save | Action::Confirm) || f.saving {
                return Vec::new();
            }
            if f.form.validate(today).is_some() {
                app.status = Some(MSG_FIX.into());
                return Vec::new();
            }
            let req = match forms::read(&f.form, *kind, *caso_id, today) {
                Err(e) => {
                    f.refuse(&[e], &mut app.status);
                    return Vec::new();
                }
                Ok(forms::Record::Diario(diario)) => Req::Diario { actor, diario },
                Ok(forms::Record::Pai(pai)) => Req::Pai { actor, pai },
                Ok(forms::Record::Isee(isee)) => Req::Isee { actor, isee },
                Ok(forms::Record::Cartella(sezione, dati, dal)) => Req::SalvaSezione {
                    actor,
                    caso_id: *caso_id,
                    sezione,
                    dati,
                    dal,
                },
                Ok(forms::Record::Familiare(familiare)) => Req::Familiare {
                    actor,
                    caso_id: *caso_id,
                    familiare,
                },
                Ok(forms::Record::Valutazione(mut valutazione)) => {
                    valutazione.modulo_versione = app
                        .config
                        .defs
                        .get(&valutazione.modulo)
                        .map_or(1, |d| d.version);
                    Req::Valutazione { actor, valutazione }
                }
                Ok(forms::Record::Categoria(categoria)) => Req::Categoria {
                    actor,
                    caso_id: *caso_id,
                    categoria,
                },
                Ok(forms::Record::NuovoCaso(cf, categoria)) => Req::ApriCaso {
                    actor,
                    cf,
                    categoria,
                },
                Ok(forms::Record::Documento(nuovo, file)) => Req::Documento {
                    actor,
                    archivio: app.config.archivio.clone(),
                    nuovo,
                    file,
                },
            };
            f.saving = true;
            vec![app.io.query(Request::Casi(req))]
        }
        Screen::Casi(State::Filtro(f)) if matches!(a, Action::Save | Action::Confirm) => {
            match filter::from_form(&f.form, today) {
                Err(e) => f.refuse(&[e], &mut app.status),
                Ok(filtro) => {
                    app.pop();
                    if let Screen::Casi(State::Lista(r, current)) = &mut app.screen {
                        *current = filtro;
                        // A new filter is a new read of the list.
                        r.stale = true;
                        r.first = true;
                        app.status = Some("Filtri applicati".into());
                    }
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::Modifiche(Ok(n)) => {
            super::refresh::counter(app, n);
            Vec::new()
        }
        Rep::Modifiche(Err(_)) => Vec::new(),
        Rep::Cambi(c) => super::refresh::answer(app, c),
        Rep::Document(result) => super::popup::document_done(app, result),
        Rep::Liste(Err(e), _) if current => {
            app.error_popup(e);
            Vec::new()
        }
        Rep::Liste(Ok(lists), Apertura::Filtro) if current => {
            let Screen::Casi(State::Lista(_, filtro)) = &app.screen else {
                return Vec::new();
            };
            let (title, specs) = app.config.form_def(filter::FILTER_FORM_ID);
            let form = filter::form(&title, specs, lists, filtro);
            let screen = FormScreen::new(form, "");
            app.push_form(Screen::Casi(State::Filtro(Box::new(screen))))
        }
        Rep::Liste(Ok(lists), Apertura::Form(kind, caso_id)) if current => {
            let id = forms::modulo(&app.config, kind);
            let (title, specs) = app.config.form_def(&id);
            let form = forms::new_form(&id, &title, specs, lists, kind, app.today());
            let screen = FormScreen::new(form, format!("caso-{caso_id}"));
            app.push_form(Screen::Casi(State::Form(Box::new(screen), kind, caso_id)))
        }
        Rep::Proposte(result) if current => {
            if let Screen::Casi(State::Inbox(r)) = &mut app.screen {
                match result {
                    Ok(rows) => {
                        r.table
                            .set_rows(rows.iter().map(view::proposta_row).collect());
                        r.data = Some(rows);
                        r.error = None;
                    }
                    Err(e) => r.error = Some(e),
                }
            }
            Vec::new()
        }
        Rep::Casi(result) if current => {
            if let Screen::Casi(State::Lista(r, _)) = &mut app.screen {
                match result {
                    Ok(rows) => {
                        r.table.set_rows(rows.iter().map(view::caso_row).collect());
                        r.data = Some(rows);
                        r.error = None;
                    }
                    Err(e) => r.error = Some(e),
                }
            }
            Vec::new()
        }
        Rep::Cartella(id, result) if current => {
            if let Screen::Casi(State::Caso(c)) = &mut app.screen
                && c.caso_id == id
            {
                match result {
                    Ok(d) => {
                        c.data = Some(d);
                        c.error = None;
                    }
                    Err(e) => c.error = Some(e),
                }
            }
            Vec::new()
        }
        Rep::Proposta(Ok(v)) if current => {
            app.push(Screen::Casi(State::Proposta(Box::new(v))));
            Vec::new()
        }
        Rep::Proposta(Err(e)) if current => {
            app.error_popup(e);
            Vec::new()
        }
        Rep::Gestita(result, done) => {
            app.mark_lists_stale();
            match result {
                Ok(caso_id) => {
                    app.status = Some(done);
                    open_caso(app, caso_id, Sezione::Cronologia);
                }
                Err(e) => app.error_popup(e),
            }
            Vec::new()
        }
        Rep::Respinta(result) => {
            app.mark_lists_stale();
            match result {
                Ok(()) => app.status = Some("Proposta respinta: l'operatore vedrà la nota".into()),
                Err(e) => app.error_popup(e),
            }
            Vec::new()
        }
        Rep::Aperto(result) => {
            app.mark_lists_stale();
            let id = result.as_ref().ok().copied();
            let effects = app.form_saved(result.map(|_| ()), "Caso aperto");
            if let Some(id) = id {
                open_caso(app, id, Sezione::Cronologia);
            }
            effects
        }
        Rep::Seguito(result, done) => {
            app.mark_lists_stale();
            match result {
                Ok(()) => app.status = Some(done),
                Err(e) => app.error_popup(e),
            }
            Vec::new()
        }
        Rep::Cambiato(result) => {
            app.mark_lists_stale();
            match result {
                Ok(_) => app.status = Some("Stato del caso cambiato".into()),
                Err(e) => app.error_popup(e),
            }
            Vec::new()
        }
        Rep::Saved(result, done) => {
            let effects = app.form_saved(result, &done);
            app.mark_lists_stale();
            effects
        }
        _ => Vec::new(),
    }
}

pub fn then(app: &mut App, then: Then, answer: Answer) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    match (then, answer) {
        (Then::Apri, Answer::Choice(i)) => {
            app.push(Screen::Casi(if i == 0 { inbox() } else { lista() }));
            Vec::new()
        }
        (Then::Riga(id), Answer::Choice(i)) => match i {
            0 => vec![app.io.query(Request::Casi(Req::ReadProposta { actor, id }))],
            1 => vec![app.io.request(Request::Casi(Req::Prendi { actor, id }))],
            2 => vec![app.io.request(Request::Casi(Req::Vista { actor, id }))],
            _ => {
                app.popup = Some(Popup::Prompt {
                    text: "Nota per l'operatore che ha proposto la scheda (obbligatoria)".into(),
                    input: super::widgets::text_input::TextInput::new(500),
                    then: AppThen::Casi(Then::Respingi(id)),
                });
                Vec::new()
            }
        },
        (Then::Respingi(id), Answer::Text(nota)) => {
            vec![
                app.io
                    .request(Request::Casi(Req::Respingi { actor, id, nota })),
            ]
        }
        (Then::Transizione(mut cambio, options), Answer::Choice(i)) => {
            let Some((a, target)) = options.get(i).cloned() else {
                return Vec::new();
            };
            cambio.a = a;
            next_step(app, cambio, target)
        }
        (Then::Destinatario(mut cambio, target, ids), Answer::Choice(i)) => {
            let Some(v) = ids.get(i).cloned() else {
                return Vec::new();
            };
            match target {
                Target::Ufficio => cambio.target_ufficio_id = v.parse().ok(),
                Target::Ente => cambio.target_ente_id = v.parse().ok(),
                Target::Operatore => cambio.target_operatore = Some(v),
                Target::Nessuno => {}
            }
            next_step(app, cambio, Target::Nessuno)
        }
        (Then::Motivo(mut cambio), Answer::Choice(i)) => {
            if let Some((code, _)) = caso::MOTIVI_CHIUSURA.get(i) {
                cambio
                    .attributi
                    .insert("motivo_chiusura".into(), code.to_string());
            }
            ask_note(app, cambio);
            Vec::new()
        }
        (Then::Griglia(caso_id), Answer::Choice(i)) => {
            let kind = FormKind::Valutazione(i as u16);
            let lists = app.config.list_ids(&forms::modulo(&app.config, kind));
            let apertura = Apertura::Form(kind, caso_id);
            vec![app.io.query(Request::Casi(Req::Liste {
                actor,
                lists,
                apertura,
            }))]
        }
        (Then::Pai(caso_id), Answer::Choice(i)) => iter::open_pai(app, caso_id, i),
        (Then::Servizi(caso_id, _, _), Answer::Choice(0)) => {
            let kind = FormKind::Sezione(Sezione::Servizi);
            let lists = app.config.list_ids(forms::form_id(kind));
            let apertura = Apertura::Form(kind, caso_id);
            vec![app.io.query(Request::Casi(Req::Liste {
                actor,
                lists,
                apertura,
            }))]
        }
        (Then::Servizi(_, cf, categoria), Answer::Choice(i)) => {
            crate::ui::erogazioni::nuovo(app, i == 1, cf, categoria)
        }
        (Then::Documento, Answer::Choice(i)) => iter::copy_document(app, i),
        (Then::Esporta, Answer::Choice(i)) => {
            let Some(format) = crate::export::Format::ALL.get(i).copied() else {
                return Vec::new();
            };
            let Screen::Casi(State::Lista(_, filtro)) = &app.screen else {
                return Vec::new();
            };
            let filtro = filtro.clone();
            let outputs = app.config.outputs();
            app.status = Some("Esportazione in corso…".into());
            vec![app.io.request(Request::Casi(Req::Esporta {
                actor,
                filtro,
                format,
                outputs,
            }))]
        }
        (Then::NuovoSeguito(caso_id), Answer::Choice(i)) => {
            operatori::chi(app, caso_id, i);
            Vec::new()
        }
        (Then::ChiSeguito(caso_id, kind, ids), Answer::Choice(i)) => {
            if let Some(id) = ids.get(i) {
                operatori::flag(app, caso_id, kind, id.clone());
            }
            Vec::new()
        }
        (Then::FlagSeguito(caso_id, kind, id), Answer::Choice(i)) => {
            operatori::conferma(app, caso_id, kind, &id, i == 0)
        }
        (Then::VoceSeguito(caso_id, voci), Answer::Choice(i)) => {
            if let Some(v) = voci.get(i) {
                operatori::azioni(app, caso_id, v.clone());
            }
            Vec::new()
        }
        (Then::AzioneSeguito(caso_id, voce), Answer::Choice(i)) => {
            operatori::esegui(app, caso_id, voce, i)
        }
        (Then::Nota(mut cambio), Answer::Text(nota)) => {
            cambio.nota = Some(nota);
            vec![app.io.request(Request::Casi(Req::Cambia { actor, cambio }))]
        }
        _ => Vec::new(),
    }
}

/// Asks for the list or section on screen when it is stale. The first load of a list is an
/// audited read; its refreshes are not.
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let req = match &mut app.screen {
        Screen::Casi(State::Inbox(r)) if r.stale => {
            r.stale = false;
            let audited = std::mem::replace(&mut r.first, false);
            Req::Proposte { actor, audited }
        }
        Screen::Casi(State::Lista(r, filtro)) if r.stale => {
            r.stale = false;
            let audited = std::mem::replace(&mut r.first, false);
            Req::Casi {
                actor,
                filtro: filtro.clone(),
                audited,
            }
        }
        Screen::Casi(State::Caso(c)) if c.stale => {
            c.stale = false;
            let (caso_id, sezione) = (c.caso_id, c.sezione);
            let audited = std::mem::replace(&mut c.first, false);
            Req::Cartella {
                actor,
                caso_id,
                sezione,
                audited,
                liste: forms::section_lists(&app.config, sezione),
            }
        }
        _ => return Vec::new(),
    };
    vec![app.io.query(Request::Casi(req))]
}
