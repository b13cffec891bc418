//! The anagrafe behind permissions. One person, one record, shared by the enti of the installation:
//! reads are not scoped by ente but every read is audited (a search's row lists the ids of the
//! persons shown, never the query text); consents belong to an ente.

use super::codes::Lists;
use super::rules::Op;
use super::{Service, ente_of};
use crate::domain::persona::{Consenso, Modifica, PersonaEdit, Privacy, Soggetto};
use crate::domain::scheda::{Filtro, SchedaRiga};
use crate::domain::search::SearchHit;
use crate::domain::search_query::{KnownTo, SearchQuery};
use crate::domain::{Actor, AuditEvent, Outcome, Permission};
use crate::store::{Saved, StoreError, StoreResult};

/// Results shown by the search screen.
pub const SEARCH_LIMIT: usize = 50;

/// What the person card shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PersonaCard {
    pub soggetto: Soggetto,
    pub storia: Vec<Modifica>,
    pub privacy: Vec<Consenso>,
    /// The person's schede di accesso the actor may see, newest first.
    pub schede: Vec<SchedaRiga>,
    /// The expiry (ISO) of the permesso di soggiorno recorded in the newest of those schede that
    /// records one (the card flags it when it is near).
    #[serde(default)]
    pub permesso: Option<String>,
}

/// What the person form needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PersonaFormData {
    pub lists: Lists,
    /// The person to edit, as stored now (its version is the one the save checks).
    pub soggetto: Option<Soggetto>,
}

/// What saving a person at the desk did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PersonaSaved {
    Saved(Saved),
    /// Not saved: persons with the same name and birth date exist; save again with
    /// `allow_homonym` once the operator confirms they are someone else.
    Homonyms(Vec<SearchHit>),
}

/// Persons the empty search box shows (the latest followed by the operator and the office).
pub const RECENT_LIMIT: usize = 10;

/// A person with a scheda of the ente in this many days is a returning client (ranked first).
const RETURNING_DAYS: i64 = 365;

/// `(year, month, day)` of a date, as the search parser takes "today".
fn ymd(d: time::Date) -> (i32, u8, u8) {
    (d.year(), d.month() as u8, d.day())
}

impl Service<'_> {
    /// The search of the anagrafe: the best `limit` persons for `text`, with their markers (open
    /// case, consent towards the actor's ente). Within a match class, returning clients of the
    /// actor's ente come first, then `ente_belfiore`'s residents win ties. An empty `text` gives the
    /// persons the actor and their office followed last. Audited with the ids of the persons
    /// returned.
    pub fn search(
        &mut self,
        actor: &Actor,
        text: &str,
        ente_belfiore: Option<&str>,
        limit: usize,
        today: time::Date,
    ) -> StoreResult<Vec<SearchHit>> {
        let actor = self.guard(actor, Op::Search, None, "ricerca")?;
        let mut q = SearchQuery::parse(text, ymd(today));
        let mut hits = if text.trim().is_empty() {
            // The empty box: the persons this operator and this office followed last.
            match actor.ente() {
                Some(ente) => self.store.recent_soggetti(
                    ente,
                    &actor.username,
                    actor.ufficio_id,
                    limit.min(RECENT_LIMIT),
                )?,
                None => Vec::new(),
            }
        } else if q.is_empty() {
            return Ok(Vec::new());
        } else {
            q.known_to = actor.ente().map(|ente_id| KnownTo {
                ente_id,
                since: crate::domain::date::iso(today - time::Duration::days(RETURNING_DAYS)),
            });
            self.store.search_soggetti(&q, ente_belfiore, limit)?
        };
        let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
        let marks = self.store.marcatori(&ids, actor.ente())?;
        for h in &mut hits {
            h.marcatori = marks.get(&h.id).copied().unwrap_or_default();
        }
        if !ids.is_empty() || !text.trim().is_empty() {
            self.audit_persons(&actor, Op::Search, &ids)?;
        }
        Ok(hits)
    }

    /// The ids of persons matching `text` (at most `limit`), to narrow a list of schede: the
    /// persons themselves are not shown, so this is not a read of the anagrafe.
    pub(crate) fn persons_matching(
        &self,
        text: &str,
        limit: usize,
        today: time::Date,
    ) -> StoreResult<Vec<i64>> {
        let q = SearchQuery::parse(text, ymd(today));
        Ok(self
            .store
            .search_soggetti(&q, None, limit)?
            .into_iter()
            .map(|h| h.id)
            .collect())
    }

    /// One audit row for a read of several persons: their ids, never the query.
    fn audit_persons(&mut self, actor: &Actor, op: Op, ids: &[i64]) -> StoreResult<()> {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        self.audit_ok(
            actor,
            AuditEvent::new(op.rule().action, Outcome::Ok)
                .on("soggetto", None)
                .detail(format!("{} persone: {list}", ids.len())),
        )
    }

    fn soggetto(&self, id: i64) -> StoreResult<Soggetto> {
        self.store
            .soggetto(id)?
            .ok_or_else(|| StoreError::NotFound(format!("persona {id}")))
    }

    /// The person card: the person, their history, consents and schede. Every read is audited.
    pub fn read_soggetto(&mut self, actor: &Actor, id: i64) -> StoreResult<PersonaCard> {
        let actor = self.guard(actor, Op::ReadPersona, None, "persona")?;
        let soggetto = self.soggetto(id)?;
        let storia = self.store.soggetto_storia(id)?;
        let privacy = self.store.privacy(id)?;
        let schede = if actor.can(Permission::ReadSchede) {
            let filtro = Filtro {
                soggetti: Some(vec![id]),
                ..Default::default()
            };
            self.store.list_schede(&actor.enti, &filtro, 200)?
        } else {
            Vec::new()
        };
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ReadPersona.rule().action, Outcome::Ok)
                .on("soggetto", Some(id))
                .section("scheda persona"),
        )?;
        let permesso = super::scheda_sezioni::scadenza_permesso(&schede);
        Ok(PersonaCard {
            soggetto,
            storia,
            privacy,
            schede,
            permesso,
        })
    }

    /// What the person form needs: its code lists and, to edit, the person as stored now (an
    /// audited read).
    pub fn persona_form(
        &mut self,
        actor: &Actor,
        id: Option<i64>,
        lists: &[String],
    ) -> StoreResult<PersonaFormData> {
        let actor = self.guard(actor, Op::PersonaForm, None, "persona")?;
        let soggetto = match id {
            Some(id) => {
                let s = self.soggetto(id)?;
                self.audit_ok(
                    &actor,
                    AuditEvent::new(Op::PersonaForm.rule().action, Outcome::Ok)
                        .on("soggetto", Some(id))
                        .section("modulo persona"),
                )?;
                Some(s)
            }
            None => None,
        };
        let lists = self.form_lists(&actor, lists.iter().map(String::as_str), false)?;
        Ok(PersonaFormData { lists, soggetto })
    }

    /// Saves a person entered or edited at the desk, after the same checks as the form (a client
    /// that skipped them is refused with the first problem). A new person is registered for the
    /// operator's ente; with `allow_homonym` false, persons with the same name and birth date stop
    /// the save.
    pub fn save_persona(
        &mut self,
        actor: &Actor,
        edit: &PersonaEdit,
        today: time::Date,
    ) -> StoreResult<PersonaSaved> {
        let actor = self.guard(actor, Op::SavePersona, None, "persona")?;
        let mut edit = edit.clone();
        if let Some(cf) = edit.get("codice_fiscale") {
            let cf = crate::domain::cf::normalize(cf);
            edit.set("codice_fiscale", Some(&cf));
        }
        if let Some((campo, msg)) = crate::domain::persona::validate(&edit, today)
            .into_iter()
            .next()
        {
            return Err(StoreError::Invalid(format!("{campo}: {msg}")));
        }
        if edit.id.is_none() && !edit.allow_homonym {
            let (c, n, d) = (
                edit.get("cognome").unwrap_or_default(),
                edit.get("nome").unwrap_or_default(),
                edit.get("data_nascita").unwrap_or_default(),
            );
            let same = self.store.homonyms(c, n, d, None)?;
            if !same.is_empty() {
                return Ok(PersonaSaved::Homonyms(same));
            }
        }
        let ente = actor.ente();
        self.store
            .save_persona(&actor, &edit, ente)
            .map(PersonaSaved::Saved)
    }

    /// Registers an anonymous user for the operator's ente.
    pub fn register_anonymous(&mut self, actor: &Actor, sesso: Option<&str>) -> StoreResult<i64> {
        let ente = ente_of(actor)?;
        let actor = self.guard(actor, Op::RegisterAnonymous, Some(ente), "ente")?;
        self.store.register_anonymous(&actor, ente, sesso)
    }

    /// Records the privacy consent of a person towards the operator's ente. A signed consent needs
    /// its date (not in the future).
    pub fn set_privacy(
        &mut self,
        actor: &Actor,
        soggetto_id: i64,
        stato: Privacy,
        data_firma: Option<&str>,
        version: Option<i64>,
        today: time::Date,
    ) -> StoreResult<()> {
        let ente = ente_of(actor)?;
        let actor = self.guard(actor, Op::SetPrivacy, Some(ente), "ente")?;
        let data = match (stato, data_firma) {
            (Privacy::Firmato, None) => {
                return Err(StoreError::Invalid(
                    "indicare la data di firma del consenso".into(),
                ));
            }
            (Privacy::Firmato, Some(d)) => {
                if d > crate::domain::date::iso(today).as_str() {
                    return Err(StoreError::Invalid(
                        "la data di firma non può essere successiva a oggi".into(),
                    ));
                }
                Some(d)
            }
            _ => None,
        };
        self.store
            .set_privacy(&actor, soggetto_id, ente, stato, data, version)
    }

    /// Imports a registry export (see [`crate::anagrafe::run`]), after the import permission check.
    pub fn import_anagrafe(
        &mut self,
        actor: &Actor,
        file: &mut crate::anagrafe::import::AnagrafeFile,
        opts: &crate::anagrafe::Options,
        on_issue: &mut dyn FnMut(&crate::anagrafe::import::Issue) -> crate::error::AppResult<()>,
    ) -> crate::error::AppResult<crate::anagrafe::Summary> {
        let actor = self.guard(actor, Op::ImportAnagrafe, None, "anagrafe")?;
        crate::anagrafe::run(self.store, &actor, file, opts, on_issue)
    }
}
