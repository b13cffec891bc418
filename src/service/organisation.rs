//! The organisation behind permissions: enti, uffici, operator accounts and their passwords, per-ente
//! settings, the roles held per ente. An administrator acts on the enti where they hold the
//! permission ([`super::rules::Scope::Administered`]); the CLI's system account on all.

use super::rules::{Op, holds};
use super::{Service, ente_of};
use crate::auth;
use crate::domain::{
    Actor, AuditEvent, Ente, NewEnte, NewOperatore, Operatore, Outcome, RoleSet, Ufficio,
};
use crate::sanitize::sanitize;
use crate::store::{StoreError, StoreResult};

/// The accounts screen's data: operators and the enti/uffici they can be assigned to.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OperatoriData {
    pub operatori: Vec<Operatore>,
    /// (id, name)
    pub enti: Vec<(i64, String)>,
    /// (id, "ente · ufficio")
    pub uffici: Vec<(i64, String)>,
    /// The ente of the administrator's session: the roles the form shows and changes are those
    /// held there (see [`Operatore::editing_ente`]). Absent in logs recorded before it existed.
    #[serde(default)]
    pub ente: Option<i64>,
}

/// A new or edited operator as typed in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatoreEdit {
    /// `None` for a new account.
    pub existing: Option<Operatore>,
    pub new: NewOperatore,
    pub attivo: bool,
    pub password: Option<String>,
    /// The ente's extra fields as JSON.
    pub extra: String,
}

/// Where an ufficio's documents go: its print queue and its output folder (a share the office PCs
/// open); `None` = not configured (the configuration's folder, no printer).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UfficioUscita {
    pub stampante: Option<String>,
    pub cartella: Option<std::path::PathBuf>,
}

fn uscita_keys(ufficio: i64) -> (String, String) {
    (
        format!("ufficio_stampante:{ufficio}"),
        format!("ufficio_cartella:{ufficio}"),
    )
}

/// The kinds of ente.
pub const ENTE_TIPI: [&str; 3] = ["comune", "ambito", "esterno"];

/// A Belfiore (codice catastale) is one letter and three digits.
pub fn is_belfiore_syntax(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

fn validate_username(u: &str) -> StoreResult<()> {
    let ok = !u.is_empty()
        && u.len() <= 64
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        && u.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "nome utente «{}» non valido: minuscole, cifre, punto, trattino; inizia con una lettera; max 64",
            sanitize(&u.chars().take(64).collect::<String>())
        )))
    }
}

/// The checks an account passes whether added or edited: names, at least one role and one ente.
fn validate_account(new: &NewOperatore) -> StoreResult<()> {
    validate_username(&new.username)?;
    if new.nome.trim().is_empty() || new.cognome.trim().is_empty() {
        return Err(StoreError::Invalid(
            "nome e cognome dell'operatore sono obbligatori".into(),
        ));
    }
    if new.roles == RoleSet::default() {
        return Err(StoreError::Invalid("indicare almeno un ruolo".into()));
    }
    if new.enti.is_empty() {
        return Err(StoreError::Invalid("indicare l'ente dell'operatore".into()));
    }
    Ok(())
}

impl Service<'_> {
    /// Creates an ente (comune, ambito or external body).
    pub fn create_ente(&mut self, actor: &Actor, new: &NewEnte) -> StoreResult<i64> {
        let actor = self.guard(actor, Op::CreateEnte, None, "ente")?;
        let mut new = new.clone();
        new.belfiore = new.belfiore.map(|b| b.trim().to_uppercase());
        if let Some(b) = &new.belfiore
            && !is_belfiore_syntax(b)
        {
            return Err(StoreError::Invalid(format!(
                "codice catastale «{}» non valido: una lettera e tre cifre, es. H501",
                sanitize(b)
            )));
        }
        self.check_ente(&new.tipo, new.ambito_id, new.capofila, None)?;
        self.store.create_ente(&actor, &new)
    }

    /// The rules of the organisation: three kinds of ente; a comune may belong to an ambito and
    /// be its capofila; an ambito belongs to none.
    fn check_ente(
        &self,
        tipo: &str,
        ambito_id: Option<i64>,
        capofila: bool,
        id: Option<i64>,
    ) -> StoreResult<()> {
        if !ENTE_TIPI.contains(&tipo) {
            return Err(StoreError::Invalid(format!(
                "tipo di ente «{}» non valido: comune, ambito o esterno",
                sanitize(tipo)
            )));
        }
        if let Some(a) = ambito_id {
            let ambito = self.store.ente(a)?;
            if tipo != "comune" || Some(a) == id || ambito.is_none_or(|e| e.tipo != "ambito") {
                return Err(StoreError::Invalid(
                    "solo un comune appartiene a un ambito, e l'ambito dev'essere un ente di tipo ambito"
                        .into(),
                ));
            }
        }
        if capofila && ambito_id.is_none() {
            return Err(StoreError::Invalid(
                "capofila: indicare l'ambito del comune".into(),
            ));
        }
        Ok(())
    }

    /// Changes an ente (its kind and Belfiore code stay): name, ISTAT code, ambito, capofila, active.
    /// Returns the new version.
    pub fn edit_ente(&mut self, actor: &Actor, e: &Ente) -> StoreResult<i64> {
        let what = format!("ente {}", e.id);
        let actor = self.guard(actor, Op::EditEnte, Some(e.id), &what)?;
        let stored = self
            .store
            .ente(e.id)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?;
        if e.nome.trim().is_empty() {
            return Err(StoreError::Invalid(
                "il nome dell'ente è obbligatorio".into(),
            ));
        }
        self.check_ente(&stored.tipo, e.ambito_id, e.capofila, Some(e.id))?;
        let mut e = e.clone();
        e.tipo = stored.tipo;
        e.belfiore = stored.belfiore;
        self.store.update_ente(&actor, &e)
    }

    /// The uffici of an ente with where their documents go (names and contacts of offices: no
    /// personal data).
    pub fn uffici_di(
        &mut self,
        actor: &Actor,
        ente_id: i64,
    ) -> StoreResult<Vec<(Ufficio, UfficioUscita)>> {
        self.guard(actor, Op::ListEnti, None, "uffici")?;
        let mut out = Vec::new();
        for u in self.store.list_uffici(ente_id)? {
            let uscita = self.uscita_of(u.id)?;
            out.push((u, uscita));
        }
        Ok(out)
    }

    /// Changes an ufficio: name, active flag, punto di contatto. Returns the new version.
    pub fn edit_ufficio(&mut self, actor: &Actor, u: &Ufficio) -> StoreResult<i64> {
        let what = format!("ufficio {}", u.id);
        let stored = self
            .store
            .ufficio(u.id)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?;
        let actor = self.guard(actor, Op::EditUfficio, Some(stored.ente_id), &what)?;
        if u.nome.trim().is_empty() {
            return Err(StoreError::Invalid(
                "il nome dell'ufficio è obbligatorio".into(),
            ));
        }
        let mut u = u.clone();
        u.ente_id = stored.ente_id;
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        let c = &u.contatto;
        u.contatto = crate::domain::Contatto {
            indirizzo: clean(&c.indirizzo),
            telefono: clean(&c.telefono),
            email: clean(&c.email),
            orari: clean(&c.orari),
        };
        if let Some(m) = &u.contatto.email
            && !crate::domain::is_email(m)
        {
            return Err(StoreError::Invalid(format!(
                "indirizzo e-mail «{}» non valido",
                sanitize(m)
            )));
        }
        self.store.update_ufficio(&actor, &u)
    }

    /// Creates a front-desk office of an ente.
    pub fn create_ufficio(&mut self, actor: &Actor, ente_id: i64, nome: &str) -> StoreResult<i64> {
        let what = format!("ente {ente_id}");
        let actor = self.guard(actor, Op::CreateUfficio, Some(ente_id), &what)?;
        self.store.create_ufficio(&actor, ente_id, nome)
    }

    /// Sets the print queue and the output folder of ufficio `ufficio` (its name) of the ente
    /// with Belfiore code `belfiore`: a value left `None` stays, an empty one clears the setting.
    /// Returns the settings now.
    pub fn configure_ufficio(
        &mut self,
        actor: &Actor,
        belfiore: &str,
        ufficio: &str,
        uscita: &UfficioUscita,
    ) -> StoreResult<UfficioUscita> {
        let what = format!(
            "ufficio «{}» dell'ente {}",
            sanitize(ufficio),
            sanitize(belfiore)
        );
        let ente = self
            .store
            .ente_by_code(belfiore)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?;
        self.guard(actor, Op::ConfigureUfficio, Some(ente.id), &what)?;
        let id = self
            .store
            .list_uffici(ente.id)?
            .into_iter()
            .find(|u| u.nome.eq_ignore_ascii_case(ufficio.trim()))
            .ok_or_else(|| StoreError::NotFound(what.clone()))?
            .id;
        self.configure_ufficio_id(actor, id, uscita)
    }

    /// [`Service::configure_ufficio`] by the ufficio's id.
    pub fn configure_ufficio_id(
        &mut self,
        actor: &Actor,
        id: i64,
        uscita: &UfficioUscita,
    ) -> StoreResult<UfficioUscita> {
        let what = format!("ufficio {id}");
        let ente = self
            .store
            .ufficio(id)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?
            .ente_id;
        let actor = self.guard(actor, Op::ConfigureUfficio, Some(ente), &what)?;
        let (k_stampante, k_cartella) = uscita_keys(id);
        if let Some(s) = &uscita.stampante {
            if s.trim()
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(StoreError::Invalid(
                    "il nome della stampante non può contenere spazi".into(),
                ));
            }
            self.store.set_setting(&k_stampante, s.trim())?;
        }
        if let Some(c) = &uscita.cartella {
            if !c.as_os_str().is_empty() && !c.is_absolute() {
                return Err(StoreError::Invalid(
                    "la cartella dell'ufficio deve essere un percorso assoluto".into(),
                ));
            }
            self.store.set_setting(&k_cartella, &c.to_string_lossy())?;
        }
        let now = self.uscita_of(id)?;
        self.store.audit(
            &actor,
            &AuditEvent::new(Op::ConfigureUfficio.rule().action, Outcome::Ok)
                .on("ufficio", Some(id))
                .detail(format!(
                    "stampante «{}», cartella «{}»",
                    sanitize(now.stampante.as_deref().unwrap_or_default()),
                    sanitize(
                        &now.cartella
                            .as_deref()
                            .unwrap_or(std::path::Path::new(""))
                            .to_string_lossy()
                    )
                )),
        )?;
        Ok(now)
    }

    fn uscita_of(&self, ufficio: i64) -> StoreResult<UfficioUscita> {
        let (k_stampante, k_cartella) = uscita_keys(ufficio);
        let value = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        Ok(UfficioUscita {
            stampante: value(self.store.setting(&k_stampante)?),
            cartella: value(self.store.setting(&k_cartella)?).map(std::path::PathBuf::from),
        })
    }

    /// Where the actor's documents go: their ufficio's queue and folder (none without an ufficio).
    pub fn ufficio_uscita(&mut self, actor: &Actor) -> StoreResult<UfficioUscita> {
        let actor = self.guard(actor, Op::UfficioUscita, None, "ufficio")?;
        match actor.ufficio_id {
            Some(ufficio) => self.uscita_of(ufficio),
            None => Ok(UfficioUscita::default()),
        }
    }

    /// Every office of the enti `keep` lets through, labelled "Ente · Ufficio", by id.
    pub(super) fn uffici(&self, keep: impl Fn(i64) -> bool) -> StoreResult<Vec<(i64, String)>> {
        let mut v = Vec::new();
        for e in self.store.list_enti()? {
            if !keep(e.id) {
                continue;
            }
            for u in self.store.list_uffici(e.id)? {
                v.push((u.id, format!("{} · {}", e.nome, u.nome)));
            }
        }
        Ok(v)
    }

    /// Refuses (audited) an account of an ente where the actor does not hold the permission.
    fn guard_account(
        &mut self,
        actor: &Actor,
        op: Op,
        enti: &[i64],
        who: &str,
    ) -> StoreResult<Actor> {
        let actor = self.guard(actor, op, None, who)?;
        match enti.iter().find(|e| !holds(&actor, op, **e)) {
            Some(_) => Err(self.out_of_scope(&actor, op, who)),
            None => Ok(actor),
        }
    }

    /// Adds an operator account; the password (if given) must meet the policy.
    pub fn add_user(
        &mut self,
        actor: &Actor,
        new: &NewOperatore,
        password: Option<&str>,
    ) -> StoreResult<i64> {
        let who = format!("operatore «{}»", sanitize(&new.username));
        let actor = self.guard_account(actor, Op::AddOperatore, &new.enti, &who)?;
        validate_account(new)?;
        let hash = match password {
            Some(p) => {
                auth::check_policy(p, new.roles).map_err(StoreError::Invalid)?;
                Some(auth::hash_password(p))
            }
            None => None,
        };
        self.store.create_operatore(&actor, new, hash.as_deref())
    }

    /// An operator by username, or "non trovato".
    fn user(&self, username: &str) -> StoreResult<Operatore> {
        self.store
            .operatore_by_username(username)?
            .ok_or_else(|| StoreError::NotFound(format!("operatore «{}»", sanitize(username))))
    }

    /// Changes an account as edited in the accounts screen (same checks as [`Service::add_user`]),
    /// or adds it when it is new.
    pub fn save_operatore(&mut self, actor: &Actor, edit: OperatoreEdit) -> StoreResult<i64> {
        let Some(mut op) = edit.existing else {
            let mut new = edit.new;
            new.extra = edit.extra;
            return self.add_user(actor, &new, edit.password.as_deref());
        };
        let who = format!("operatore «{}»", sanitize(&op.username));
        let mut enti = op.enti.clone();
        enti.extend(&edit.new.enti);
        let actor = self.guard_account(actor, Op::EditOperatore, &enti, &who)?;
        let mut checked = edit.new.clone();
        checked.username = op.username.clone();
        validate_account(&checked)?;
        // The roles typed are those of the ente the form shows, and of the enti new to the
        // account; the other enti keep theirs.
        let shown = op.editing_ente(actor.ente());
        op.ruoli = edit
            .new
            .enti
            .iter()
            .map(|e| match op.enti.contains(e) && Some(*e) != shown {
                true => (*e, op.roles_in(Some(*e))),
                false => (*e, edit.new.roles),
            })
            .collect();
        op.nome = edit.new.nome;
        op.cognome = edit.new.cognome;
        op.roles = match op.ruoli.is_empty() {
            true => edit.new.roles,
            false => RoleSet::union(op.ruoli.iter().map(|(_, r)| *r)),
        };
        op.enti = edit.new.enti;
        op.ufficio_id = edit.new.ufficio_id;
        op.os_user = edit.new.os_user;
        op.attivo = edit.attivo;
        op.extra = edit.extra;
        self.store.update_operatore(&actor, &op)?;
        if let Some(p) = edit.password {
            self.set_password(&actor, &op.username, &p)?;
        }
        Ok(op.id)
    }

    /// Sets a new password for `username` (their own, or any account of the admin's enti).
    pub fn set_password(
        &mut self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> StoreResult<()> {
        let op = self.user(username)?;
        let actor = if actor.operatore_id == Some(op.id) {
            self.live(actor, Op::SetPassword)?
        } else {
            let who = format!("operatore «{}»", sanitize(username));
            self.guard_account(actor, Op::SetPassword, &op.enti, &who)?
        };
        auth::check_policy(password, op.roles).map_err(StoreError::Invalid)?;
        self.store
            .set_password(&actor, op.id, op.version, &auth::hash_password(password))?;
        Ok(())
    }

    /// Disables an account (accounts are never deleted: the audit trail refers to them).
    pub fn disable_user(&mut self, actor: &Actor, username: &str) -> StoreResult<()> {
        let mut op = self.user(username)?;
        let who = format!("operatore «{}»", sanitize(username));
        let actor = self.guard_account(actor, Op::DisableOperatore, &op.enti, &who)?;
        op.attivo = false;
        self.store.update_operatore(&actor, &op)?;
        Ok(())
    }

    /// The accounts of the enti where the actor administers accounts (and those of no ente yet).
    pub fn list_users(&mut self, actor: &Actor) -> StoreResult<Vec<Operatore>> {
        let actor = self.guard(actor, Op::ListOperatori, None, "operatori")?;
        Ok(self
            .store
            .list_operatori()?
            .into_iter()
            .filter(|o| {
                o.enti.is_empty() || o.enti.iter().any(|e| holds(&actor, Op::ListOperatori, *e))
            })
            .collect())
    }

    /// What the accounts screen shows: the accounts and the enti and offices to assign.
    pub fn operatori_data(&mut self, actor: &Actor) -> StoreResult<OperatoriData> {
        let operatori = self.list_users(actor)?;
        let actor = self.live(actor, Op::ListOperatori)?;
        let keep = |e: i64| holds(&actor, Op::AddOperatore, e);
        let enti = self
            .store
            .list_enti()?
            .into_iter()
            .filter(|e| keep(e.id))
            .map(|e| (e.id, e.nome))
            .collect();
        let uffici = self.uffici(keep)?;
        Ok(OperatoriData {
            operatori,
            enti,
            uffici,
            ente: actor.ente(),
        })
    }

    /// Sets the roles `username` holds in `ente_id`, giving them the ente when new (`sportello user
    /// role`). Returns the roles per ente now.
    pub fn set_ruoli(
        &mut self,
        actor: &Actor,
        username: &str,
        ente_id: i64,
        roles: RoleSet,
    ) -> StoreResult<Vec<(i64, RoleSet)>> {
        let what = format!("ente {ente_id}");
        let actor = self.guard(actor, Op::SetRuoli, Some(ente_id), &what)?;
        if self.store.ente(ente_id)?.is_none() {
            return Err(StoreError::NotFound(what));
        }
        let op = self.user(username)?;
        self.store
            .set_roles_in_ente(&actor, op.id, ente_id, roles)?;
        Ok(self.user(username)?.ruoli)
    }

    /// Enables or disables the POR / FSE fields of the scheda for an ente (by Belfiore code).
    pub fn set_por(&mut self, actor: &Actor, belfiore: &str, on: bool) -> StoreResult<()> {
        let what = format!("ente con codice {}", sanitize(belfiore));
        let ente = self
            .store
            .ente_by_code(belfiore)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?;
        let actor = self.guard(actor, Op::ConfigurePor, Some(ente.id), &what)?;
        self.store.set_setting(
            &format!("por_abilitato:{}", ente.id),
            if on { "1" } else { "0" },
        )?;
        self.store.audit(
            &actor,
            &AuditEvent::new("configura_por", Outcome::Ok)
                .on("ente", Some(ente.id))
                .detail(if on { "abilitato" } else { "disabilitato" }),
        )
    }

    /// Whether the ente of the actor shows the POR / FSE fields of the scheda.
    pub fn por_enabled(&self, actor: &Actor) -> StoreResult<bool> {
        Ok(match ente_of(actor) {
            Ok(e) => {
                self.store
                    .setting(&format!("por_abilitato:{e}"))?
                    .as_deref()
                    == Some("1")
            }
            Err(_) => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn belfiore_syntax() {
        assert!(is_belfiore_syntax("H501"));
        assert!(!is_belfiore_syntax("h501"));
        assert!(!is_belfiore_syntax("H50"));
        assert!(!is_belfiore_syntax("1501"));
    }
}
