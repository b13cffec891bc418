//! Ricerca anagrafe and the person: the search box (results as the operator types), the person card,
//! the person form (`screens/persona.toml`) and the privacy-consent form (`screens/privacy.toml`).

mod calls;
pub mod persona;
pub mod persona_form;
pub mod ricerca;
mod view;

pub use calls::{Rep, Req, execute};
pub use persona::PersonaState;
pub use ricerca::RicercaState;

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
use crate::domain::persona::{Consenso, Soggetto};
use crate::service::{PersonaFormData, PersonaSaved};

#[derive(Debug, Clone)]
pub enum State {
    Ricerca(RicercaState),
    Persona(Box<PersonaState>),
    /// The person form (`None`: a new person).
    PersonaForm(Box<FormScreen>, Option<Box<Soggetto>>),
    /// The consent of a person towards the operator's ente (`None`: none recorded yet).
    Privacy(Box<FormScreen>, i64, Option<Consenso>),
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::Ricerca(_) => "ricerca",
            State::Persona(_) => "persona",
            State::PersonaForm(..) => "persona_form",
            State::Privacy(..) => "privacy",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::Ricerca(_) => "Ricerca anagrafe",
            State::Persona(_) => "Scheda persona",
            State::PersonaForm(..) => "Anagrafe: persona",
            State::Privacy(..) => "Consenso privacy",
        }
    }
    fn area(&self) -> Area {
        match self {
            State::Ricerca(_) | State::Persona(_) => Area::Accoglienza,
            _ => Area::Sistema,
        }
    }
    fn layer(&self) -> Layer {
        match self {
            State::Ricerca(_) => Layer::Search,
            State::Persona(_) => Layer::List,
            _ => Layer::Form,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::Ricerca(_) => true,
            // The card borrows the list layer: its own keys only, not those of a list of records.
            State::Persona(_) => {
                Table::moves(a, false)
                    || matches!(
                        a,
                        Action::Open
                            | Action::Confirm
                            | Action::NewRecord
                            | Action::Print
                            | Action::Edit
                            | Action::Privacy
                    )
            }
            // Only the scheda form prints.
            State::PersonaForm(..) | State::Privacy(..) => a != Action::Print,
        }
    }
    fn text_mut(&mut self) -> Option<&mut TextInput> {
        match self {
            State::Ricerca(r) => Some(&mut r.input),
            _ => None,
        }
    }
    fn text_focus(&self) -> bool {
        match self {
            State::Ricerca(_) => true,
            _ => self.form().is_some_and(|f| f.form.text_focus()),
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::PersonaForm(f, _) | State::Privacy(f, ..) => Some(f),
            _ => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::PersonaForm(f, _) | State::Privacy(f, ..) => Some(f),
            _ => None,
        }
    }
    fn changed(&mut self, today: time::Date) {
        // Typing the codice fiscale fills sex, birth date and birthplace and warns of mismatches.
        if let State::PersonaForm(f, _) = self
            && f.form.focused().map(|x| x.spec.id.as_str()) == Some("codice_fiscale")
        {
            persona_form::fill_from_cf(&mut f.form, today);
        }
    }
    fn stale(&mut self) {
        match self {
            State::Ricerca(r) => r.sent = None,
            State::Persona(p) => p.stale = true,
            _ => {}
        }
    }
    /// Not followed: the business-change counter does not count persons, and every search and
    /// card read is an audited read of persons (a refresh per change in any session would flood
    /// the audit log).
    fn changed_elsewhere(&mut self) {}
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::Ricerca(r) => view::draw_ricerca(app, r, f, area),
            State::Persona(p) => {
                view::draw_persona(app, p, f, area);
                None
            }
            State::PersonaForm(s, _) | State::Privacy(s, ..) => {
                crate::ui::view::draw_form(app, &s.form, f, area)
            }
        }
    }
}

/// What the anagrafe's confirmations continue with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Save the new person although persons with the same name and birth date exist.
    SaveHomonym,
    RegisterAnonymous,
}

/// The search screen, sized for the window.
pub fn search_screen(app: &App) -> Screen {
    let mut r = RicercaState::default();
    r.table.page = app.page_len().saturating_sub(2).max(1);
    Screen::Anagrafe(State::Ricerca(r))
}

/// Opens Ricerca anagrafe from the menu.
pub fn open(app: &mut App) -> Vec<Effect> {
    let s = search_screen(app);
    app.push(s);
    Vec::new()
}

/// Opens a person's card (from the home screen's returning persons).
pub fn open_person(app: &mut App, id: i64) -> Vec<Effect> {
    match app.actor() {
        Some(actor) => query(app, Req::Read { actor, id }),
        None => Vec::new(),
    }
}

fn query(app: &mut App, req: Req) -> Vec<Effect> {
    vec![app.io.query(Request::Anagrafe(req))]
}

/// Asks for what the person form needs (a new person when `id` is `None`).
fn ask_form(app: &mut App, id: Option<i64>) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let lists = app.config.list_ids(persona_form::FORM_ID);
    query(app, Req::Form { actor, id, lists })
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    let Screen::Anagrafe(state) = &mut app.screen else {
        return Vec::new();
    };
    match state {
        State::Ricerca(r) => {
            if r.table.navigate(a, false) {
                return Vec::new();
            }
            match a {
                Action::Open | Action::Confirm => match r.selected_id() {
                    Some(id) => query(app, Req::Read { actor, id }),
                    None => Vec::new(),
                },
                Action::NewRecord => ask_form(app, None),
                Action::NewAnonymous => {
                    app.popup = Some(Popup::confirm(
                        "Registrare un utente anonimo? Avrà un alias fino alla firma del consenso privacy.",
                        AppThen::Anagrafe(Then::RegisterAnonymous),
                    ));
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        State::Persona(p) => {
            let id = p.soggetto.id;
            match a {
                Action::FieldDown | Action::NextField => p.schede.down(),
                Action::FieldUp | Action::PrevField => p.schede.up(),
                Action::Open | Action::Confirm => {
                    if let Some(scheda) = p.schede.selected_key().and_then(|k| k.parse().ok()) {
                        return crate::ui::schede::ask_form(app, Some(scheda), id);
                    }
                }
                Action::NewRecord => return crate::ui::schede::ask_form(app, None, id),
                Action::Print => {
                    app.status = Some("Preparazione del documento…".into());
                    let req = Req::PrintPrivacy {
                        actor,
                        soggetto_id: id,
                        outputs: app.config.outputs(),
                    };
                    return vec![app.io.request(Request::Anagrafe(req))];
                }
                Action::Edit => return ask_form(app, Some(id)),
                Action::Privacy => {
                    let current = p
                        .privacy
                        .iter()
                        .find(|c| Some(c.ente_id) == actor.ente())
                        .cloned();
                    let who = format!("{} {}", p.soggetto.cognome, p.soggetto.nome);
                    let (title, specs) = app.config.form_def(persona_form::PRIVACY_FORM_ID);
                    let form = persona_form::privacy_form(
                        &format!("{title}: {who}"),
                        specs,
                        current.as_ref(),
                    );
                    let screen = FormScreen::new(form, id.to_string());
                    return app.push_form(Screen::Anagrafe(State::Privacy(
                        Box::new(screen),
                        id,
                        current,
                    )));
                }
                _ => {}
            }
            Vec::new()
        }
        State::PersonaForm(f, _) if matches!(a, Action::Save | Action::Confirm) => {
            if f.saving {
                return Vec::new();
            }
            save_persona(app, false)
        }
        State::Privacy(f, soggetto_id, current) if matches!(a, Action::Save | Action::Confirm) => {
            if f.saving {
                return Vec::new();
            }
            if f.form.validate(today).is_some() {
                f.refuse(&[], &mut app.status);
                return Vec::new();
            }
            match persona_form::privacy_values(&f.form, today) {
                Err(e) => {
                    f.refuse(&[e], &mut app.status);
                    Vec::new()
                }
                Ok((stato, data_firma)) => {
                    f.saving = true;
                    let req = Req::SavePrivacy {
                        actor,
                        soggetto_id: *soggetto_id,
                        stato,
                        data_firma,
                        version: current.as_ref().map(|c| c.version),
                    };
                    query(app, req)
                }
            }
        }
        _ => Vec::new(),
    }
}

/// Checks the person form and sends it; `allow_homonym` after the operator confirmed that a person
/// with the same name and birth date is someone else.
fn save_persona(app: &mut App, allow_homonym: bool) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    let Screen::Anagrafe(State::PersonaForm(f, existing)) = &mut app.screen else {
        return Vec::new();
    };
    match persona_form::to_edit(&f.form, existing.as_deref(), today) {
        Err(errors) => {
            f.refuse(&errors, &mut app.status);
            Vec::new()
        }
        Ok(mut edit) => {
            edit.allow_homonym = allow_homonym;
            f.saving = true;
            query(app, Req::Save { actor, edit })
        }
    }
}

/// Opens the person form with its data; a new person is prefilled from the search box.
fn open_form(app: &mut App, data: PersonaFormData) -> Vec<Effect> {
    let today = app.today();
    let search_text = match &app.screen {
        Screen::Anagrafe(State::Ricerca(r)) => r.input.value().to_string(),
        _ => String::new(),
    };
    let (title, specs) = app.config.form_def(persona_form::FORM_ID);
    let title = match &data.soggetto {
        Some(s) => format!("{title}: {} {}", s.cognome, s.nome),
        None => format!("{title}: nuova"),
    };
    let form = persona_form::new_form(
        &title,
        specs,
        data.lists,
        data.soggetto.as_ref(),
        &search_text,
        today,
    );
    let key = data
        .soggetto
        .as_ref()
        .map(|s| s.id.to_string())
        .unwrap_or_default();
    let screen = FormScreen::new(form, key);
    app.push_form(Screen::Anagrafe(State::PersonaForm(
        Box::new(screen),
        data.soggetto.map(Box::new),
    )))
}

/// Shows the card of person `id`: the one on screen is read again, otherwise it opens above.
fn show_card(app: &mut App, id: i64) -> Vec<Effect> {
    match &mut app.screen {
        Screen::Anagrafe(State::Persona(p)) if p.soggetto.id == id => {
            p.stale = true;
            Vec::new()
        }
        _ => match app.actor() {
            Some(actor) => query(app, Req::Read { actor, id }),
            None => Vec::new(),
        },
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    if let Rep::Document(result) = rep {
        return super::popup::document_done(app, result);
    }
    if !current {
        return Vec::new();
    }
    match rep {
        Rep::Search(result) => {
            let ricerca = app.screens_mut().find_map(|s| match s {
                Screen::Anagrafe(State::Ricerca(r)) => Some(r),
                _ => None,
            });
            if let Some(r) = ricerca {
                match result {
                    Ok(hits) => r.set_hits(hits),
                    Err(e) => r.error = Some(e),
                }
            }
        }
        Rep::Card(Ok(card)) => match &mut app.screen {
            Screen::Anagrafe(State::Persona(p)) if p.soggetto.id == card.soggetto.id => {
                let selected = p.schede.selected;
                **p = PersonaState::from(card);
                p.schede.selected = selected.min(p.schede.rows.len().saturating_sub(1));
            }
            _ => app.push(Screen::Anagrafe(State::Persona(Box::new(
                PersonaState::from(card),
            )))),
        },
        Rep::Form(Ok(data)) => return open_form(app, data),
        Rep::Card(Err(e)) | Rep::Form(Err(e)) | Rep::Anonymous(Err(e)) => app.error_popup(e),
        Rep::Saved(Ok(PersonaSaved::Homonyms(same))) => {
            if let Some(f) = app.screen.state_mut().form_mut() {
                f.saving = false;
            }
            let names: Vec<String> = same
                .iter()
                .take(3)
                .map(|h| {
                    format!(
                        "{} {} ({})",
                        h.cognome,
                        h.nome,
                        h.codice_fiscale.as_deref().unwrap_or("senza codice")
                    )
                })
                .collect();
            app.popup = Some(Popup::confirm(
                format!(
                    "Esiste già una persona con lo stesso nome e data di nascita: {}. È un'altra persona? Registrarla comunque?",
                    names.join(", ")
                ),
                AppThen::Anagrafe(Then::SaveHomonym),
            ));
        }
        Rep::Saved(result) => {
            let (saved, msg) = match &result {
                Ok(PersonaSaved::Saved(s)) if s.merged => (
                    Some(s.id),
                    "Codice provvisorio sostituito: dati uniti alla persona già registrata",
                ),
                Ok(PersonaSaved::Saved(s)) => (Some(s.id), "Persona salvata"),
                _ => (None, ""),
            };
            let mut e = app.form_saved(result.map(|_| ()), msg);
            if let Some(id) = saved {
                e.extend(show_card(app, id));
            }
            return e;
        }
        Rep::Anonymous(Ok(id)) => {
            app.status = Some("Utente anonimo registrato".into());
            return show_card(app, id);
        }
        Rep::PrivacySaved(result) => {
            return app.form_saved(result, "Consenso privacy registrato");
        }
        Rep::Document(_) => {}
    }
    Vec::new()
}

pub fn then(app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {
        Then::SaveHomonym => save_persona(app, true),
        Then::RegisterAnonymous => match app.actor() {
            Some(actor) => query(app, Req::RegisterAnonymous { actor }),
            None => Vec::new(),
        },
    }
}

/// Results update as the operator types: a search goes out whenever the box changed (the runtime
/// keeps only the last of a burst of keys); a stale card is read again.
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(s) = &app.session else {
        return Vec::new();
    };
    let (actor, ente_belfiore) = (s.actor.clone(), s.ente_belfiore.clone());
    let req = match &mut app.screen {
        Screen::Anagrafe(State::Ricerca(r)) if r.sent.as_deref() != Some(r.input.value()) => {
            let text = r.input.value().to_string();
            r.sent = Some(text.clone());
            Req::Search {
                actor,
                text,
                ente_belfiore,
            }
        }
        Screen::Anagrafe(State::Persona(p)) if p.stale => {
            p.stale = false;
            Req::Read {
                actor,
                id: p.soggetto.id,
            }
        }
        _ => return Vec::new(),
    };
    query(app, req)
}
