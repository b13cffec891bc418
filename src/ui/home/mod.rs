//! The home screen: who is logged in where, and the menu of the modules the role may use, with their
//! numbers of pending items.

mod view;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::Answer;
use super::theme::Area;
use crate::domain::{Actor, Permission, RoleSet};
use crate::service::Service;
use crate::service::session::HomeData;

/// A module of the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Module {
    Anagrafe,
    Schede,
    Cartella,
    Erogazioni,
    Export,
    Operatori,
    Codici,
    Audit,
    Assistenza,
    Organizzazione,
    Sessioni,
    Rapporto,
    Registro,
}

impl Module {
    pub const ALL: [Module; 13] = [
        Module::Anagrafe,
        Module::Schede,
        Module::Cartella,
        Module::Erogazioni,
        Module::Export,
        Module::Operatori,
        Module::Codici,
        Module::Audit,
        Module::Assistenza,
        Module::Organizzazione,
        Module::Sessioni,
        Module::Rapporto,
        Module::Registro,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Module::Anagrafe => "Ricerca anagrafe",
            Module::Schede => "Schede di accesso",
            Module::Cartella => "Presa in carico e cartella sociale",
            Module::Erogazioni => "Interventi ed erogazioni",
            Module::Export => "Esportazioni (SIUSS, Excel)",
            Module::Operatori => "Operatori e ruoli",
            Module::Codici => "Liste di codici",
            Module::Audit => "Registro degli accessi",
            Module::Assistenza => "Assistenza: segnalazioni e registrazioni",
            Module::Organizzazione => "Enti e uffici",
            Module::Sessioni => "Sessioni attive e avvisi",
            Module::Rapporto => "Rapporto attività dello sportello",
            Module::Registro => "Organizzazioni del territorio",
        }
    }

    /// The permission that shows the module in the menu.
    pub fn permission(self) -> Permission {
        match self {
            Module::Anagrafe => Permission::ReadAnagrafe,
            Module::Schede => Permission::ReadSchede,
            Module::Cartella => Permission::ReadCartella,
            Module::Erogazioni => Permission::ReadErogazioni,
            Module::Export => Permission::Export,
            Module::Operatori => Permission::ManageAccounts,
            Module::Codici => Permission::ManageCodes,
            Module::Audit => Permission::ReadAudit,
            Module::Assistenza => Permission::ReadCrashReports,
            Module::Organizzazione => Permission::ManageConfig,
            Module::Sessioni => Permission::ManageAccounts,
            Module::Rapporto => Permission::Export,
            Module::Registro => Permission::ManageConfig,
        }
    }

    pub fn area(self) -> Area {
        match self {
            Module::Anagrafe | Module::Schede | Module::Rapporto => Area::Accoglienza,
            Module::Cartella => Area::Cartella,
            Module::Erogazioni | Module::Export => Area::Erogazioni,
            _ => Area::Sistema,
        }
    }

    /// The modules a role set may use, in menu order.
    pub fn visible(roles: RoleSet) -> Vec<Module> {
        let later = [
            Module::Organizzazione,
            Module::Sessioni,
            Module::Rapporto,
            Module::Registro,
        ];
        let mut v: Vec<Module> = Module::ALL
            .into_iter()
            .filter(|m| !later.contains(m) && roles.allows(m.permission()))
            .collect();
        // The admin restores deleted schede from their list: after the others, and the modules
        // added later after that, so that the numbers of the entries do not change.
        if !v.contains(&Module::Schede) && roles.allows(Permission::RestoreDeleted) {
            v.push(Module::Schede);
        }
        v.extend(later.into_iter().filter(|m| roles.allows(m.permission())));
        v
    }
}

/// The home screen, or the placeholder of a module not installed in this version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Menu(Menu),
    Placeholder(Module),
}

impl Default for State {
    fn default() -> Self {
        State::Menu(Menu::default())
    }
}

/// The menu and the counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Menu {
    pub selected: usize,
    pub data: Option<Box<HomeData>>,
    pub error: Option<String>,
    /// The counters are to be asked again (at login, when coming back here).
    pub stale: bool,
    /// The operator works for several enti (Ctrl+E switches): kept from the session.
    pub several_enti: bool,
}

impl Default for Menu {
    fn default() -> Self {
        Menu {
            selected: 0,
            data: None,
            error: None,
            stale: true,
            several_enti: false,
        }
    }
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::Menu(_) => "home",
            State::Placeholder(_) => "modulo",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::Menu(_) => "Pagina iniziale",
            State::Placeholder(m) => m.label(),
        }
    }
    fn area(&self) -> Area {
        match self {
            State::Menu(_) => Area::Sistema,
            State::Placeholder(m) => m.area(),
        }
    }
    fn layer(&self) -> Layer {
        Layer::Home
    }
    fn offers(&self, a: Action) -> bool {
        match (self, a) {
            (State::Menu(m), Action::SwitchEnte) => m.several_enti,
            (State::Placeholder(_), Action::SwitchEnte) => false,
            _ => true,
        }
    }
    fn stale(&mut self) {
        if let State::Menu(m) = self {
            m.stale = true;
        }
    }
    fn on_return(&mut self) {
        self.stale();
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::Menu(m) => view::draw_menu(app, m, f, area),
            State::Placeholder(m) => view::draw_placeholder(app, *m, f, area),
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Home {
        actor: Actor,
        retention: crate::domain::retention::Retention,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Home(Result<HomeData, String>),
}

/// The home screen asks nothing back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {}

impl Req {
    pub fn replaceable(&self) -> bool {
        true
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    match req {
        Req::Home { actor, retention } => {
            let today = crate::domain::date::today_at_ms(now_ms);
            Rep::Home(
                svc.home(&actor, today)
                    .map(|mut h| {
                        h.in_scadenza = h
                            .drafts
                            .iter()
                            .filter_map(|(form, key, saved)| {
                                let day = retention.draft_expiring(saved, today)?;
                                Some((form.clone(), key.clone(), crate::domain::date::iso(day)))
                            })
                            .collect();
                        h
                    })
                    .map_err(|e| e.to_string()),
            )
        }
    }
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    if a == Action::SwitchEnte {
        return super::login::cambia_ente(app);
    }
    let modules = app
        .session
        .as_ref()
        .map_or(0, |s| Module::visible(s.actor.roles).len());
    let Screen::Home(State::Menu(h)) = &mut app.screen else {
        return Vec::new();
    };
    let recenti: Vec<i64> = h
        .data
        .as_ref()
        .map(|d| d.recenti.iter().map(|p| p.id).collect())
        .unwrap_or_default();
    // The selection runs over the modules, then the returning persons.
    let n = modules + recenti.len();
    match a {
        Action::FieldDown | Action::NextField if n > 0 => h.selected = (h.selected + 1) % n,
        Action::FieldUp | Action::PrevField if n > 0 => h.selected = (h.selected + n - 1) % n,
        Action::Open | Action::Confirm if n > 0 => {
            let i = h.selected;
            return match i.checked_sub(modules) {
                Some(r) => crate::ui::anagrafe::open_person(app, recenti[r]),
                None => open_menu(app, i + 1),
            };
        }
        a => {
            if let Some(i) = a.menu_number() {
                return open_menu(app, i as usize);
            }
            if let Some(r) = a.recent_number().map(|i| usize::from(i) - 1)
                && let Some(&id) = recenti.get(r)
            {
                h.selected = modules + r;
                return crate::ui::anagrafe::open_person(app, id);
            }
        }
    }
    Vec::new()
}

/// Opens the `n`-th (1-based) module of the menu.
pub fn open_menu(app: &mut App, n: usize) -> Vec<Effect> {
    let Some(s) = &app.session else {
        return Vec::new();
    };
    let visible = Module::visible(s.actor.roles);
    let Some(m) = n.checked_sub(1).and_then(|i| visible.get(i)).copied() else {
        return Vec::new();
    };
    if let Screen::Home(State::Menu(h)) = &mut app.screen {
        h.selected = n - 1;
    }
    match m {
        Module::Operatori => crate::ui::operatori::open(app),
        Module::Anagrafe => crate::ui::anagrafe::open(app),
        Module::Schede => crate::ui::schede::open(app),
        Module::Codici => crate::ui::codici::open(app),
        Module::Cartella => crate::ui::casi::open(app),
        Module::Assistenza => crate::ui::assistenza::open(app),
        Module::Erogazioni => crate::ui::erogazioni::open(app),
        Module::Export => crate::ui::erogazioni::open_siuss(app),
        Module::Organizzazione => crate::ui::admin::open(app),
        Module::Sessioni => crate::ui::sessioni::open(app),
        Module::Rapporto => crate::ui::rapporti::open(app),
        Module::Registro => crate::ui::organizzazioni::open(app),
        other => {
            app.push(Screen::Home(State::Placeholder(other)));
            Vec::new()
        }
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::Home(result) if current => {
            if let Screen::Home(State::Menu(h)) = &mut app.screen {
                match result {
                    Ok(d) => {
                        // The returning persons may be fewer than before.
                        let modules = app
                            .session
                            .as_ref()
                            .map_or(0, |s| Module::visible(s.actor.roles).len());
                        let n = modules + d.recenti.len();
                        h.selected = h.selected.min(n.saturating_sub(1));
                        h.data = Some(Box::new(d));
                    }
                    Err(e) => h.error = Some(e),
                }
            }
        }
        Rep::Home(_) => {}
    }
    Vec::new()
}

pub fn then(_app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {}
}

/// Asks for the counters when they are stale.
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let several = app.session.as_ref().is_some_and(|s| s.enti.len() > 1);
    if let Screen::Home(State::Menu(h)) = &mut app.screen {
        h.several_enti = several;
    }
    match &mut app.screen {
        Screen::Home(State::Menu(h)) if h.stale => {
            h.stale = false;
            let retention = app.config.retention;
            vec![app.io.query(Request::Home(Req::Home { actor, retention }))]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn menu_follows_roles() {
        let front = Module::visible(RoleSet::from_roles(&[Role::Sportello]));
        assert_eq!(front, vec![Module::Anagrafe, Module::Schede]);
        let helpdesk = Module::visible(RoleSet::from_roles(&[Role::Helpdesk]));
        assert_eq!(helpdesk, vec![Module::Assistenza]);
        let admin = Module::visible(RoleSet::from_roles(&[Role::Admin]));
        assert!(admin.contains(&Module::Operatori) && !admin.contains(&Module::Anagrafe));
        assert!(admin.contains(&Module::Schede), "to restore deleted schede");
    }
}
