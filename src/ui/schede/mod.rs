//! The schede di accesso: the list (search box, filters, table; delete, restore, duplicate, print,
//! export), the scheda form (saved as it goes: in sospeso until complete; read-only for others;
//! merged after a conflict), a familiare of its list (see [`familiari`]) and the filter form.

mod calls;
mod familiari;
mod filter;
mod form;
mod list;

pub use calls::{CONFLICT, Rep, Req, execute};
pub use filter::FILTER_FORM_ID;
pub use form::{FORM_ID, conflict_report, new_form, to_edit};
pub use list::SchedeState;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState, Then as AppThen};
use super::keymap::Layer;
use super::popup::{Answer, Popup};
use super::theme::Area;
use super::widgets::form_screen::FormScreen;
use super::widgets::table::Table;
use super::widgets::text_input::TextInput;
use crate::domain::Actor;
use crate::domain::scheda::{Scheda, SchedaEdit, Stato};
use crate::export::Format;
use crate::forms::FormDef;
use crate::print::office::Outputs;
use crate::service::SchedaSaved;
use crate::service::scheda::{SchedaFormData, SchedaOutcome};

#[derive(Debug, Clone)]
pub enum State {
    List(Box<SchedeState>),
    /// The scheda form and what it was built from.
    Form(Box<FormScreen>, Box<SchedaFormData>),
    /// The filters of the list below.
    Filter(Box<FormScreen>),
    /// A member of the scheda's familiari e conviventi: its row in the list (`None`: a new one).
    Membro(Box<FormScreen>, Option<usize>),
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::List(_) => "schede",
            State::Form(..) => "scheda",
            State::Filter(_) => "filtro_schede",
            State::Membro(..) => "familiare",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::List(_) => "Schede di accesso",
            State::Form(..) => "Scheda di accesso",
            State::Filter(_) => "Filtri delle schede",
            State::Membro(..) => "Familiare",
        }
    }
    fn area(&self) -> Area {
        match self {
            State::List(_) => Area::Accoglienza,
            _ => Area::Sistema,
        }
    }
    fn layer(&self) -> Layer {
        match self {
            State::List(_) => Layer::List,
            _ => Layer::Form,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::Form(..) => true,
            // Only the scheda form prints.
            State::Filter(_) | State::Membro(..) => a != Action::Print,
            // The list layer is shared with the person card: not its consent key.
            State::List(_) => {
                Table::moves(a, true)
                    || matches!(
                        a,
                        Action::Open
                            | Action::Confirm
                            | Action::Edit
                            | Action::NewRecord
                            | Action::Delete
                            | Action::Restore
                            | Action::Duplicate
                            | Action::Print
                            | Action::Export
                            | Action::Filter
                    )
            }
        }
    }
    fn claims(&self, a: Action) -> bool {
        matches!(self, State::Form(..)) && matches!(a, Action::Richieste | Action::DocumentiScheda)
    }
    fn text_mut(&mut self) -> Option<&mut TextInput> {
        match self {
            State::List(l) => Some(&mut l.input),
            _ => None,
        }
    }
    fn text_focus(&self) -> bool {
        match self {
            State::List(_) => true,
            _ => self.form().is_some_and(|f| f.form.text_focus()),
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::Form(f, _) | State::Filter(f) | State::Membro(f, _) => Some(f),
            State::List(_) => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::Form(f, _) | State::Filter(f) | State::Membro(f, _) => Some(f),
            State::List(_) => None,
        }
    }
    fn to_fill(&self, today: time::Date) -> Vec<String> {
        match self {
            State::Form(f, data) => form::still_missing(&f.form, data, today),
            _ => Vec::new(),
        }
    }
    fn stale(&mut self) {
        if let State::List(l) = self {
            l.sent = None;
        }
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::List(l) => {
                let theme = app.config.theme;
                let sanitize = crate::sanitize::sanitize;
                let hint = match &l.error {
                    Some(e) => (sanitize(e), theme.error()),
                    None if !l.loaded => ("Caricamento…".to_string(), theme.dim()),
                    None => (
                        sanitize(&format!("{} schede · {}", l.rows.len(), l.filter_summary())),
                        theme.dim(),
                    ),
                };
                crate::ui::view::draw_search_list(
                    app,
                    ("Schede di accesso", "Persona: "),
                    &l.input,
                    hint,
                    &l.table,
                    f,
                    area,
                )
            }
            State::Form(s, _) | State::Filter(s) | State::Membro(s, _) => {
                crate::ui::view::draw_form(app, &s.form, f, area)
            }
        }
    }
}

/// What the list's popups continue with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// The reason typed: delete.
    Delete {
        id: i64,
        version: i64,
    },
    Restore {
        id: i64,
        version: i64,
    },
    Duplicate(i64),
    /// 1 = the selected scheda (when there is one), 2 = the blank scheda.
    Print {
        id: Option<i64>,
    },
    /// csv, xlsx, pdf.
    ExportFormat,
    /// Remove this member from the familiari of the scheda form.
    RemoveFamiliare(usize),
}

/// Opens the list from the menu (the admin's list holds the deleted schede, to restore them).
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let mut l = SchedeState::default();
    if !actor.can(crate::domain::Permission::ReadSchede) {
        l.filtro.stato = Some(Stato::Eliminata);
    }
    l.table.page = app.page_len().saturating_sub(2).max(1);
    app.push(Screen::Schede(State::List(Box::new(l))));
    Vec::new()
}

/// Asks for the scheda form: a stored scheda (`id`) or a new one for person `soggetto_id`.
pub fn ask_form(app: &mut App, id: Option<i64>, soggetto_id: i64) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let lists = app.config.list_ids(FORM_ID);
    vec![app.io.query(Request::Schede(Req::Form {
        actor,
        id,
        soggetto_id,
        lists,
    }))]
}

/// Asks for a document to the ufficio's folder and printer.
fn document(app: &mut App, req: impl FnOnce(Actor, Outputs) -> Req) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let outputs = app.config.outputs();
    app.status = Some("Preparazione del documento…".into());
    vec![app.io.request(Request::Schede(req(actor, outputs)))]
}

/// The scheda form's definition (prints and exports lay it out).
fn def(app: &App) -> Option<Box<FormDef>> {
    app.config.defs.get(FORM_ID).cloned().map(Box::new)
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let page = app.page_len();
    if let Some(effects) = familiari::action(app, a) {
        return effects;
    }
    match &mut app.screen {
        Screen::Schede(State::List(l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let selected = l.selected().cloned();
            match (a, selected) {
                (Action::Open | Action::Confirm | Action::Edit, Some(r)) => {
                    return ask_form(app, Some(r.id), r.soggetto_id);
                }
                (Action::NewRecord, _) => {
                    let mut s = super::anagrafe::search_screen(app);
                    if let Screen::Anagrafe(super::anagrafe::State::Ricerca(r)) = &mut s {
                        r.table.page = page.saturating_sub(2).max(1);
                    }
                    app.push(s);
                    app.status = Some(
                        "Nuova scheda: cercare la persona, aprirla con Invio, poi Ctrl+N".into(),
                    );
                }
                (Action::Delete, Some(r)) => {
                    app.popup = Some(Popup::Prompt {
                        text: format!(
                            "Eliminare la scheda n. {} di {} {}? Motivo:",
                            r.numero, r.cognome, r.nome
                        ),
                        input: TextInput::new(200),
                        then: AppThen::Schede(Then::Delete {
                            id: r.id,
                            version: r.version,
                        }),
                    });
                }
                (Action::Restore, Some(r)) => {
                    app.popup = Some(Popup::confirm(
                        format!("Ripristinare la scheda n. {}?", r.numero),
                        AppThen::Schede(Then::Restore {
                            id: r.id,
                            version: r.version,
                        }),
                    ));
                }
                (Action::Duplicate, Some(r)) => {
                    app.popup = Some(Popup::confirm(
                        format!(
                            "Duplicare la scheda n. {} in una nuova scheda con la data di oggi?",
                            r.numero
                        ),
                        AppThen::Schede(Then::Duplicate(r.id)),
                    ));
                }
                (Action::Print, r) => {
                    let id = r.map(|r| r.id);
                    app.popup = Some(Popup::Choice {
                        title: "Stampa".into(),
                        options: vec![
                            "Scheda selezionata".into(),
                            "Scheda vuota da compilare a mano".into(),
                        ],
                        selected: usize::from(id.is_none()),
                        then: AppThen::Schede(Then::Print { id }),
                    });
                }
                (Action::Export, _) => {
                    app.popup = Some(Popup::Choice {
                        title: "Esporta le schede dell'elenco".into(),
                        options: Format::ALL
                            .iter()
                            .map(|f| f.extension().to_uppercase())
                            .collect(),
                        selected: 1,
                        then: AppThen::Schede(Then::ExportFormat),
                    });
                }
                (Action::Filter, _) => {
                    let lists = app.config.list_ids(FILTER_FORM_ID);
                    let req = Req::FilterLists { actor, lists };
                    return vec![app.io.query(Request::Schede(req))];
                }
                _ => {}
            }
            Vec::new()
        }
        Screen::Schede(State::Membro(..)) => match a {
            Action::Save | Action::Confirm => familiari::save(app),
            _ => Vec::new(),
        },
        Screen::Schede(State::Form(_, d)) => match a {
            Action::Save | Action::Confirm => save(app),
            Action::Richieste => match d.scheda.as_ref().and_then(|s| s.edit.id) {
                Some(id) => super::richieste::open(app, id),
                None => {
                    app.status = Some("Salvare la scheda prima di aggiungere le richieste".into());
                    Vec::new()
                }
            },
            Action::DocumentiScheda => match d.scheda.as_ref().and_then(|s| s.edit.id) {
                Some(id) => super::allegati::open(app, id),
                None => {
                    app.status = Some("Salvare la scheda prima di allegare documenti".into());
                    Vec::new()
                }
            },
            Action::Print => match d.scheda.as_ref().and_then(|s| s.edit.id) {
                Some(id) => match def(app) {
                    Some(def) => document(app, |actor, outputs| Req::Print {
                        actor,
                        id: Some(id),
                        def,
                        outputs,
                    }),
                    None => Vec::new(),
                },
                None => {
                    app.status = Some("Salvare la scheda prima di stamparla".into());
                    Vec::new()
                }
            },
            _ => Vec::new(),
        },
        Screen::Schede(State::Filter(f)) if matches!(a, Action::Save | Action::Confirm) => {
            match filter::filter_from_form(&f.form, crate::domain::date::today_at_ms(app.now_ms)) {
                Err(e) => f.refuse(&[e], &mut app.status),
                Ok(filtro) => {
                    app.pop();
                    if let Screen::Schede(State::List(l)) = &mut app.screen {
                        l.filtro = filtro;
                        app.status = Some("Filtri applicati".into());
                    }
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Checks the scheda form and sends it (with required fields empty it is saved in sospeso).
fn save(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    let Screen::Schede(State::Form(f, data)) = &mut app.screen else {
        return Vec::new();
    };
    if f.saving {
        return Vec::new();
    }
    if f.readonly {
        app.status = Some("Sola lettura: la scheda è di un altro operatore".into());
        return Vec::new();
    }
    match to_edit(&f.form, data, today) {
        Err(errors) => {
            f.refuse(&errors, &mut app.status);
            Vec::new()
        }
        Ok((edit, form_incompleta)) => {
            f.saving = true;
            // A write: its answer counts even when the operator has gone back meanwhile.
            let draft = f.record_key.clone();
            vec![app.io.request(Request::Schede(Req::Save {
                actor,
                edit,
                form_incompleta,
                draft,
            }))]
        }
    }
}

/// Opens the scheda form; after a conflict, rebuilds it on the stored version with the operator's
/// changes re-applied and tells what the other operator changed.
fn open_form(app: &mut App, mut data: SchedaFormData) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    let now = app.now_ms;
    let (title, specs) = app.config.form_def(FORM_ID);
    let title = match &data.scheda {
        Some(s) => format!(
            "{title} n. {} · {} {}",
            s.numero, data.soggetto.cognome, data.soggetto.nome
        ),
        None => format!(
            "{title}: nuova · {} {}",
            data.soggetto.cognome, data.soggetto.nome
        ),
    };
    let mut form = new_form(&title, specs, &mut data, &actor.username, today);
    if let Screen::Schede(State::Form(f, d)) = &mut app.screen
        && f.reloading
    {
        // The stored version becomes the base; the operator's changes (draft vs. their base) are
        // applied over it.
        form.set_base();
        let report = conflict_report(&f.form, &form);
        let stored_base = form.base.clone();
        form.restore_json(&f.form.draft_json());
        form.base = stored_base;
        form.changed_at = Some(now);
        f.form = form;
        f.reloading = false;
        f.saving = false;
        f.readonly = !data.can_edit;
        **d = data;
        app.popup = Some(Popup::Message {
            text: format!(
                "Un altro operatore ha salvato questa scheda mentre la modificava: le sue modifiche sono state riapplicate sulla versione salvata. Ricontrollare e salvare di nuovo.{}",
                if report.is_empty() {
                    String::new()
                } else {
                    format!(" Cambiato dall'altro operatore: {}", report.join("; "))
                }
            ),
            error: true,
        });
        return Vec::new();
    }
    let readonly = !data.can_edit;
    let mut screen = FormScreen::new(form, record_key(&data));
    screen.readonly = readonly;
    let effects = app.push_form(Screen::Schede(State::Form(
        Box::new(screen),
        Box::new(data),
    )));
    if readonly {
        app.status = Some("Sola lettura: la scheda è di un altro operatore".into());
    }
    effects
}

/// The draft key of a scheda: its id, or `nuova-<person>` for a new one.
fn record_key(d: &SchedaFormData) -> String {
    match d.scheda.as_ref().and_then(|s| s.edit.id) {
        Some(id) => id.to_string(),
        None => format!("nuova-{}", d.soggetto.id),
    }
}

/// A scheda was saved: complete → back to the list or card below; in sospeso → the form stays with
/// what is missing marked; refused because someone else saved first → reloaded and merged. The
/// lists and the person card below ask again, also when the operator left the form before the
/// answer came (then its draft `draft` goes too).
fn saved(app: &mut App, draft: &str, result: Result<SchedaOutcome, String>) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let on_screen =
        matches!(&app.screen, Screen::Schede(State::Form(f, _)) if f.record_key == draft);
    if !on_screen {
        return match result {
            Ok(o) => {
                app.mark_lists_stale();
                app.status = Some(format!("Scheda n. {} salvata", o.saved.numero));
                vec![super::drafts::delete(
                    app,
                    actor,
                    FORM_ID.into(),
                    draft.into(),
                )]
            }
            Err(e) => {
                app.error_popup(format!(
                    "Scheda non salvata: {e}. Quanto scritto è nella bozza: riaprire la scheda."
                ));
                Vec::new()
            }
        };
    }
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            let conflict = e.starts_with(CONFLICT);
            let mut effects = app.form_saved(Err(e), "");
            if conflict
                && let Screen::Schede(State::Form(f, d)) = &mut app.screen
                && let Some(id) = d.scheda.as_ref().and_then(|s| s.edit.id)
            {
                f.reloading = true;
                let soggetto_id = d.soggetto.id;
                effects.extend(ask_form(app, Some(id), soggetto_id));
            }
            return effects;
        }
    };
    let today = app.today();
    let Screen::Schede(State::Form(f, d)) = &mut app.screen else {
        return Vec::new();
    };
    f.saving = false;
    let old_key = f.record_key.clone();
    let form_id = f.form.id.clone();
    let stato = if outcome.completa {
        Stato::Completa
    } else {
        Stato::InSospeso
    };
    let s = outcome.saved;
    match &mut d.scheda {
        Some(stored) => {
            stored.edit.version = s.version;
            stored.stato = stato;
        }
        None => {
            f.form.title = f
                .form
                .title
                .replacen(": nuova", &format!(" n. {}", s.numero), 1);
            d.scheda = Some(new_scheda(&actor, d.soggetto.id, &s, stato));
        }
    }
    f.record_key = record_key(d);
    f.form.changed_at = None;
    f.form.set_base();
    if !outcome.completa {
        let shown: Vec<bool> = (0..f.form.fields.len())
            .map(|i| f.form.visible(i))
            .collect();
        let mut errors: Vec<(String, String)> = f
            .form
            .fields
            .iter()
            .zip(shown)
            .filter(|(_, s)| *s)
            .filter_map(|(x, _)| {
                crate::ui::widgets::form::validate_field(x, today)
                    .err()
                    .map(|e| (x.spec.id.clone(), e))
            })
            .collect();
        errors.extend(outcome.problemi.iter().cloned());
        errors.sort_by_key(|(id, _)| f.form.fields.iter().position(|x| &x.spec.id == id));
        f.form.mark_errors(&errors);
    }
    let effects = vec![super::drafts::delete(app, actor, form_id, old_key)];
    app.mark_lists_stale();
    if outcome.completa {
        let proposta = if outcome.proposta_ente.is_some() {
            ": proposta di presa in carico inviata"
        } else {
            ""
        };
        app.pop();
        app.status = Some(format!("Scheda n. {} completa{proposta}", s.numero));
    } else {
        app.status = Some(format!(
            "Scheda n. {} salvata in sospeso: {} da completare",
            s.numero,
            match outcome.problemi.len() {
                0 => "campi obbligatori".to_string(),
                1 => "1 campo".to_string(),
                n => format!("{n} campi"),
            }
        ));
    }
    if let Some(text) = outcome.avviso {
        app.error_popup(text);
    }
    effects
}

/// The scheda just saved for the first time, as the form keeps it.
fn new_scheda(actor: &Actor, soggetto_id: i64, s: &SchedaSaved, stato: Stato) -> Scheda {
    let edit = SchedaEdit {
        id: Some(s.id),
        version: s.version,
        soggetto_id,
        operatore: actor.username.clone(),
        ..Default::default()
    };
    Scheda {
        edit,
        numero: s.numero,
        ente_id: actor.ente().unwrap_or_default(),
        ufficio_id: actor.ufficio_id,
        stato,
        nota_leggibile: true,
        nota_privata_autore: None,
        proposta: None,
        created_at: String::new(),
        created_by: actor.username.clone(),
        updated_at: String::new(),
        updated_by: actor.username.clone(),
        deleted_reason: None,
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    let rep = match rep {
        Rep::Document(result) => return super::popup::document_done(app, result),
        Rep::Saved(draft, result) => return saved(app, &draft, result),
        rep => rep,
    };
    if !current {
        return Vec::new();
    }
    match rep {
        Rep::List(result) => {
            let list = app.screens_mut().find_map(|s| match s {
                Screen::Schede(State::List(l)) => Some(l),
                _ => None,
            });
            if let Some(l) = list {
                match result {
                    Ok((rows, esiti)) => l.set_rows(rows, &esiti),
                    Err(e) => l.error = Some(e),
                }
            }
        }
        Rep::Form(Ok(data)) => return open_form(app, data),
        Rep::Form(Err(e)) => {
            if let Some(f) = app.screen.state_mut().form_mut() {
                f.reloading = false;
            }
            app.error_popup(e);
        }
        Rep::Deleted(Ok(())) => {
            app.status = Some("Fatto".into());
            app.mark_lists_stale();
        }
        Rep::Duplicated(Ok(s)) => {
            app.mark_lists_stale();
            let soggetto = match &app.screen {
                Screen::Schede(State::List(l)) => l.selected().map(|r| r.soggetto_id),
                _ => None,
            };
            app.status = Some(format!("Scheda duplicata: n. {}", s.numero));
            return ask_form(app, Some(s.id), soggetto.unwrap_or_default());
        }
        Rep::FilterLists(Ok(lists)) => {
            let filtro = match &app.screen {
                Screen::Schede(State::List(l)) => l.filtro.clone(),
                _ => return Vec::new(),
            };
            let (title, specs) = app.config.form_def(FILTER_FORM_ID);
            let form = filter::filter_form(&title, specs, lists, &filtro);
            let screen = FormScreen::new(form, "");
            return app.push_form(Screen::Schede(State::Filter(Box::new(screen))));
        }
        Rep::Deleted(Err(e)) | Rep::Duplicated(Err(e)) | Rep::FilterLists(Err(e)) => {
            app.error_popup(e)
        }
        Rep::Document(_) | Rep::Saved(..) => {}
    }
    Vec::new()
}

pub fn then(app: &mut App, then: Then, answer: Answer) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let req = match (then, answer) {
        (Then::Delete { id, version }, Answer::Text(reason)) => Req::Delete {
            actor,
            id,
            version,
            reason,
        },
        (Then::Restore { id, version }, _) => Req::Restore { actor, id, version },
        (Then::Duplicate(id), _) => Req::Duplicate { actor, id },
        (Then::RemoveFamiliare(i), _) => return familiari::remove(app, i),
        (Then::Print { id: Some(id) }, Answer::Choice(0)) => {
            let Some(def) = def(app) else {
                return Vec::new();
            };
            return document(app, |actor, outputs| Req::Print {
                actor,
                id: Some(id),
                def,
                outputs,
            });
        }
        (Then::Print { .. }, Answer::Choice(1)) => {
            let Some(def) = def(app) else {
                return Vec::new();
            };
            return document(app, |actor, outputs| Req::Print {
                actor,
                id: None,
                def,
                outputs,
            });
        }
        (Then::Print { .. }, _) => {
            app.status = Some("Nessuna scheda selezionata".into());
            return Vec::new();
        }
        (Then::ExportFormat, Answer::Choice(n)) => {
            let (Some(format), Some(def)) = (Format::ALL.get(n).copied(), def(app)) else {
                return Vec::new();
            };
            let (text, filtro) = match &app.screen {
                Screen::Schede(State::List(l)) => (l.input.value().to_string(), l.filtro.clone()),
                _ => return Vec::new(),
            };
            let progress = crate::progress::Progress::default();
            let req = Req::Export {
                actor,
                text,
                filtro,
                def,
                format,
                outputs: app.config.outputs(),
                progress: progress.clone(),
            };
            return super::jobs::start(app, "Esportazione", progress, Request::Schede(req));
        }
        _ => return Vec::new(),
    };
    vec![app.io.query(Request::Schede(req))]
}

/// Sends the list again when its search text or filter changed (or it is stale).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let Screen::Schede(State::List(l)) = &mut app.screen else {
        return Vec::new();
    };
    let now = (l.input.value().to_string(), l.filtro.clone());
    if l.sent.as_ref() == Some(&now) {
        return Vec::new();
    }
    l.sent = Some(now.clone());
    vec![app.io.query(Request::Schede(Req::List {
        actor,
        text: now.0,
        filtro: now.1,
    }))]
}
