//! Pure domain types and rules: organisation, operators, roles, permissions. No IO here.

pub mod belfiore;
pub mod caso;
pub mod cf;
pub mod codici;
pub mod date;
pub mod erogazioni;
pub mod fold;
pub mod impostazioni;
pub mod invio;
pub mod money;
pub mod organizzazione;
pub mod persona;
pub mod por;
pub mod rapporto;
pub mod retention;
pub mod richieste;
pub mod roles;
pub mod scheda;
pub mod scheda_sezioni;
pub mod search;
pub mod search_query;
pub mod sessione;
pub mod siuss;
pub mod soggetto;

pub use roles::{Permission, Role, RoleSet};

/// An ente: a comune or an ambito/zona sociale grouping comuni.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ente {
    pub id: i64,
    pub version: i64,
    pub nome: String,
    /// Codice catastale (Belfiore), e.g. `H501` for Roma; `None` for an ambito or an external body.
    pub belfiore: Option<String>,
    pub istat: Option<String>,
    /// `comune`, `ambito` or `esterno`.
    pub tipo: String,
    pub capofila: bool,
    /// The ambito this comune belongs to.
    pub ambito_id: Option<i64>,
    pub attivo: bool,
}

/// Data needed to create an ente.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewEnte {
    pub nome: String,
    pub belfiore: Option<String>,
    pub istat: Option<String>,
    pub tipo: String,
    pub capofila: bool,
    pub ambito_id: Option<i64>,
}

/// A front-desk office of an ente.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ufficio {
    pub id: i64,
    pub version: i64,
    pub ente_id: i64,
    pub nome: String,
    pub attivo: bool,
    /// The punto di contatto: where and when the public finds the office (absent in older logs).
    #[serde(default)]
    pub contatto: Contatto,
}

/// The punto di contatto of an ufficio; empty texts are absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contatto {
    pub indirizzo: Option<String>,
    pub telefono: Option<String>,
    pub email: Option<String>,
    pub orari: Option<String>,
}

/// Whether `s` is an e-mail address (PEC addresses are e-mail addresses too): one `@`, a local
/// part of letters, digits and `.` `_` `%` `+` `-`, a domain of labels with at least one dot.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
    local_ok && domain_ok
}

/// A named personal account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Operatore {
    pub id: i64,
    pub version: i64,
    pub username: String,
    pub nome: String,
    pub cognome: String,
    /// The union of the roles held in the enti (the roles of an operator of no ente).
    pub roles: RoleSet,
    /// The enti the operator works for (the first is the default).
    pub enti: Vec<i64>,
    pub ufficio_id: Option<i64>,
    pub attivo: bool,
    /// OS account mapped to this operator for `auth = "system"`.
    pub os_user: Option<String>,
    /// Attributes added by the ente's screen file, as a JSON object.
    pub extra: String,
    /// The roles held in each ente, in the order of `enti`.
    #[serde(default)]
    pub ruoli: Vec<(i64, RoleSet)>,
}

impl Operatore {
    /// The ente whose roles an administrator in `session` (their session's ente) sees and changes
    /// in the accounts form: that ente when the operator works there, else the operator's first.
    pub fn editing_ente(&self, session: Option<i64>) -> Option<i64> {
        session
            .filter(|e| self.enti.contains(e))
            .or_else(|| self.enti.first().copied())
    }

    /// The roles held in `ente` (none when the operator does not work for it); an operator of no
    /// ente holds `roles`.
    pub fn roles_in(&self, ente: Option<i64>) -> RoleSet {
        match ente {
            None if self.enti.is_empty() => self.roles,
            None => RoleSet::default(),
            Some(e) => self
                .ruoli
                .iter()
                .find(|(id, _)| *id == e)
                .map_or_else(RoleSet::default, |(_, r)| *r),
        }
    }
}

/// Data needed to create an operator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewOperatore {
    pub username: String,
    pub nome: String,
    pub cognome: String,
    pub roles: RoleSet,
    pub enti: Vec<i64>,
    pub ufficio_id: Option<i64>,
    pub os_user: Option<String>,
    /// Attributes added by the ente's screen file, as a JSON object ('' = none).
    pub extra: String,
}

/// Who is acting: recorded in every audit row and checked against permissions.
///
/// An operator's session is narrowed to one ente (chosen at login, switched with
/// `Service::cambia_ente`): `enti` holds that ente alone and `roles` the roles held there, so that
/// records and lists of the operator's other enti stay out of reach until they switch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Actor {
    /// `None` for the system administrator acting through the CLI with file access to the database.
    pub operatore_id: Option<i64>,
    pub username: String,
    /// The roles held in the session's ente.
    pub roles: RoleSet,
    /// The session's ente (empty for an operator of no ente; the CLI's system account may list
    /// every ente).
    pub enti: Vec<i64>,
    pub ufficio_id: Option<i64>,
    pub os_user: Option<String>,
    /// Client address from `SSH_CONNECTION`.
    pub ssh_client: Option<String>,
    /// The roles the operator holds in each of their enti (administration reaches every ente where
    /// the operator holds the permission; the session's ente is one of them).
    #[serde(default)]
    pub ruoli: Vec<(i64, RoleSet)>,
}

impl Actor {
    /// The OS account running the CLI: whoever can write the database file administers it.
    pub fn system(os_user: Option<String>, ssh_client: Option<String>) -> Actor {
        Actor {
            operatore_id: None,
            username: "sistema".into(),
            roles: RoleSet::from_roles(&[Role::Admin]),
            enti: Vec::new(),
            ufficio_id: None,
            os_user,
            ssh_client,
            ruoli: Vec::new(),
        }
    }

    /// The actor for a logged-in operator, in their default ente (the first of theirs).
    pub fn operatore(op: &Operatore, os_user: Option<String>, ssh_client: Option<String>) -> Actor {
        Actor::operatore_in(op, op.enti.first().copied(), os_user, ssh_client)
            .expect("an operator works for their first ente")
    }

    /// The actor for an operator working in `ente` (`None` for an operator of no ente); `None`
    /// when they do not work for it.
    pub fn operatore_in(
        op: &Operatore,
        ente: Option<i64>,
        os_user: Option<String>,
        ssh_client: Option<String>,
    ) -> Option<Actor> {
        if ente.is_some_and(|e| !op.enti.contains(&e)) || (ente.is_none() && !op.enti.is_empty()) {
            return None;
        }
        Some(Actor {
            operatore_id: Some(op.id),
            username: op.username.clone(),
            roles: op.roles_in(ente),
            enti: ente.into_iter().collect(),
            ufficio_id: op.ufficio_id,
            os_user,
            ssh_client,
            ruoli: op.ruoli.clone(),
        })
    }

    /// The session's ente (`None` for the system account and an operator of no ente).
    pub fn ente(&self) -> Option<i64> {
        self.enti.first().copied()
    }

    /// The roles held in `ente`: those of the whole installation for the system account.
    pub fn roles_in(&self, ente: i64) -> RoleSet {
        if self.operatore_id.is_none() {
            return self.roles;
        }
        self.ruoli
            .iter()
            .find(|(id, _)| *id == ente)
            .map_or_else(RoleSet::default, |(_, r)| *r)
    }

    pub fn can(&self, p: Permission) -> bool {
        self.roles.allows(p)
    }
}

/// One audit row as written by the callers; the store adds time, sequence and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub section: Option<String>,
    pub outcome: Outcome,
    pub detail: Option<String>,
}

impl AuditEvent {
    pub fn new(action: &str, outcome: Outcome) -> Self {
        AuditEvent {
            action: action.into(),
            entity: None,
            entity_id: None,
            section: None,
            outcome,
            detail: None,
        }
    }
    pub fn on(mut self, entity: &str, id: Option<i64>) -> Self {
        self.entity = Some(entity.into());
        self.entity_id = id;
        self
    }
    pub fn section(mut self, s: &str) -> Self {
        self.section = Some(s.into());
        self
    }
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

/// Outcome of an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "negato",
            Outcome::Failed => "fallito",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "ok" => Some(Outcome::Ok),
            "negato" => Some(Outcome::Denied),
            "fallito" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// A stored audit row, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub operatore_id: Option<i64>,
    pub username: String,
    pub os_user: Option<String>,
    pub ssh_client: Option<String>,
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}
