//! The schede di accesso behind permissions: who may read, edit, delete, restore, duplicate, print and
//! export them; the private note shown only to its author, the responsabile and the scheda's
//! creator; every read and export written to the audit log; completion and proposals decided here.

use super::rules::{Op, in_ente};
use super::{Service, ente_of};
use crate::domain::date::iso;
use crate::domain::persona::Privacy;
use crate::domain::scheda::{
    self, Contesto, Filtro, NOTA_RISERVATA, Scheda, SchedaEdit, SchedaRiga, Sensibili,
};
use crate::domain::{Actor, AuditEvent, Outcome, Permission};
use crate::store::{Contatori, SchedaSave, SchedaSaved, StoreError, StoreResult};

/// Most schede a list or an export returns.
pub const MAX_ROWS: usize = 200_000;

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchedaOutcome {
    pub saved: SchedaSaved,
    pub completa: bool,
    /// Why it stays in sospeso: (field, message), in form order.
    pub problemi: Vec<(String, String)>,
    /// A proposal of presa in carico went to this ente.
    pub proposta_ente: Option<i64>,
    /// Saved, but something that goes with it was not (the privacy consent): tell the operator.
    pub avviso: Option<String>,
}

/// Everything the scheda form needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SchedaFormData {
    pub lists: super::codes::Lists,
    /// The stored scheda (`None` for a new one).
    pub scheda: Option<Scheda>,
    pub soggetto: crate::domain::persona::Soggetto,
    /// Whether the operator may change it (otherwise the form is read-only).
    pub can_edit: bool,
    /// The ente enabled the POR / FSE fields.
    pub por: bool,
    /// The esiti that make a complete scheda a proposal (the form tells what is still missing).
    pub esiti_pic: Vec<String>,
    /// What the scheda's office requires of a complete scheda.
    #[serde(default)]
    pub requisiti: crate::domain::impostazioni::Requisiti,
    /// How many richieste the scheda has.
    #[serde(default)]
    pub richieste: usize,
    /// Its sendings to other offices the reader may see, newest first (each with the scheda as
    /// sent).
    #[serde(default)]
    pub invii: Vec<crate::domain::invio::Invio>,
}

/// The rows of the list of schede and the labels of the esiti (code, label).
pub type SchedeList = (Vec<SchedaRiga>, Vec<(String, String)>);

/// Persons matching the search text (as in the anagrafe), at most this many, narrow a list.
const LIST_PERSONS: usize = 500;

/// Whether `actor` may change `s`: its creator or its operator, or whoever may edit others' schede.
pub fn can_edit(actor: &Actor, s: &Scheda) -> bool {
    actor.can(Permission::WriteSchede)
        && s.deleted_reason.is_none()
        && (s.created_by == actor.username
            || s.edit.operatore == actor.username
            || actor.can(Permission::EditOthersSchede))
}

/// Whether `actor` may read the private note of `s`.
fn can_read_note(actor: &Actor, s: &Scheda) -> bool {
    s.nota_privata_autore.as_deref() == Some(actor.username.as_str())
        || s.created_by == actor.username
        || actor.can(Permission::ReadPrivateNotes)
}

/// The scope of a scheda: the enti of the operator, and the schede sent to their office.
fn visible(actor: &Actor, s: &Scheda) -> bool {
    in_ente(actor, s.ente_id)
        || (actor.ufficio_id.is_some() && s.edit.invio_ufficio_id == actor.ufficio_id)
}

impl Service<'_> {
    /// Scheda `id` if the (already guarded) actor may see it; a scheda of another ente is refused
    /// like a missing one, and audited.
    pub(crate) fn scheda_in_scope(
        &mut self,
        actor: &Actor,
        id: i64,
        op: Op,
    ) -> StoreResult<Scheda> {
        let what = format!("scheda {id}");
        match self.store.scheda(id)? {
            None => Err(StoreError::NotFound(what)),
            Some(s) if visible(actor, &s) => Ok(s),
            Some(_) => Err(self.out_of_scope(actor, op, &what)),
        }
    }

    /// What completion needs besides the scheda: the person, the PIC esiti, the switches of the
    /// scheda's office `ufficio`, how many richieste the scheda has, the comuni of the ambito and
    /// the POR switch.
    fn contesto(
        &self,
        actor: &Actor,
        e: &SchedaEdit,
        ufficio: Option<i64>,
        today: time::Date,
    ) -> StoreResult<Contesto> {
        let person = self
            .store
            .soggetto(e.soggetto_id)?
            .ok_or_else(|| StoreError::Invalid("scegliere la persona dall'anagrafe".into()))?;
        Ok(Contesto {
            oggi: iso(today),
            data_nascita: person.data_nascita,
            anonimo: person.anonimo,
            esiti_pic: self.esiti_pic()?,
            requisiti: self.requisiti(ufficio)?,
            richieste: match e.id {
                Some(id) => self.store.richieste(id)?.len(),
                None => 0,
            },
            comuni_ambito: self
                .comuni_ambito(ente_of(actor).ok())?
                .into_iter()
                .map(|(c, _)| c)
                .collect(),
            por: self.por_enabled(actor)?,
        })
    }

    /// The esito codes with the PIC flag.
    fn esiti_pic(&self) -> StoreResult<Vec<String>> {
        Ok(self
            .store
            .codes("esito_scheda")?
            .into_iter()
            .filter(|c| c.pic)
            .map(|c| c.codice)
            .collect())
    }

    /// Reads a scheda for `actor` (audited): the private note replaced when they may not read it;
    /// a scheda sent to the actor's office is marked as received.
    pub fn read_scheda(&mut self, actor: &Actor, id: i64, section: &str) -> StoreResult<Scheda> {
        let actor = self.guard(actor, Op::ReadScheda, None, "scheda")?;
        let mut s = self.scheda_in_scope(&actor, id, Op::ReadScheda)?;
        if s.deleted_reason.is_some()
            && !actor.can(Permission::DeleteSchede)
            && !actor.can(Permission::RestoreDeleted)
        {
            return Err(StoreError::NotFound(format!("scheda {id}")));
        }
        if !can_read_note(&actor, &s) {
            s.nota_leggibile = false;
            s.edit.nota_privata = s.edit.nota_privata.as_ref().map(|_| NOTA_RISERVATA.into());
        }
        if !self.holds_riservati(&actor, s.ente_id)? {
            // Health fields and third parties' codici fiscali: only with "dati riservati".
            Sensibili::take(&mut s.edit.dati);
        }
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ReadScheda.rule().action, Outcome::Ok)
                .on("scheda", Some(id))
                .section(section),
        )?;
        if actor.ufficio_id.is_some() && s.edit.invio_ufficio_id == actor.ufficio_id {
            self.store.mark_ricevuta(&actor, id)?;
        }
        Ok(s)
    }

    /// What the scheda form needs: a stored scheda (`id`, an audited read) or a new visit of person
    /// `soggetto_id`, the code lists `lists`, whether the actor may change it, the POR switch.
    pub fn scheda_form(
        &mut self,
        actor: &Actor,
        id: Option<i64>,
        soggetto_id: i64,
        lists: &[String],
    ) -> StoreResult<SchedaFormData> {
        let (scheda, can_edit, invii) = match id {
            Some(id) => {
                let s = self.read_scheda(actor, id, "scheda")?;
                let live = self.live(actor, Op::ReadScheda)?;
                let can = can_edit(&live, &s);
                let invii = self.invii_visibili(&live, &s)?;
                (Some(s), can, invii)
            }
            None => {
                let ente = ente_of(actor)?;
                self.guard(actor, Op::NewScheda, Some(ente), "ente")?;
                (None, true, Vec::new())
            }
        };
        let soggetto_id = scheda.as_ref().map_or(soggetto_id, |s| s.edit.soggetto_id);
        let soggetto = self
            .store
            .soggetto(soggetto_id)?
            .ok_or_else(|| StoreError::NotFound(format!("persona {soggetto_id}")))?;
        let mut lists =
            self.form_lists(actor, lists.iter().map(String::as_str), scheda.is_some())?;
        if let Some(s) = &scheda {
            self.lists_of_sender(actor, s, &mut lists)?;
        }
        let por = self.por_enabled(actor)?;
        let esiti_pic = self.esiti_pic()?;
        let ufficio = scheda.as_ref().map_or(actor.ufficio_id, |s| s.ufficio_id);
        let richieste = match &scheda {
            Some(s) => self.store.richieste(s.edit.id.unwrap_or_default())?.len(),
            None => 0,
        };
        Ok(SchedaFormData {
            lists,
            scheda,
            soggetto,
            can_edit,
            por,
            esiti_pic,
            requisiti: self.requisiti(ufficio)?,
            richieste,
            invii,
        })
    }

    /// A scheda of another office (received): its punti di contatto are the sending office's, and
    /// its operator, of another ente, is named too.
    fn lists_of_sender(
        &self,
        actor: &Actor,
        s: &Scheda,
        lists: &mut super::codes::Lists,
    ) -> StoreResult<()> {
        if s.ufficio_id != actor.ufficio_id && lists.contains_key("punti_contatto") {
            lists.insert(
                "punti_contatto".into(),
                self.punti_list(s.ufficio_id, true)?,
            );
        }
        if !in_ente(actor, s.ente_id)
            && let Some(ops) = lists.get_mut("operatore")
            && !ops.iter().any(|(u, _)| *u == s.edit.operatore)
            && let Some(op) = self.store.operatore_by_username(&s.edit.operatore)?
        {
            ops.push((op.username, format!("{} {}", op.cognome, op.nome)));
        }
        Ok(())
    }

    /// Records the consent signed on `data` unless it is already recorded so.
    fn record_consent(
        &mut self,
        actor: &Actor,
        soggetto_id: i64,
        data: &str,
        today: time::Date,
    ) -> StoreResult<()> {
        let ente = ente_of(actor)?;
        let current = self
            .store
            .privacy(soggetto_id)?
            .into_iter()
            .find(|c| c.ente_id == ente);
        let already = current
            .as_ref()
            .is_some_and(|c| c.stato == Privacy::Firmato && c.data_firma.as_deref() == Some(data));
        if already {
            return Ok(());
        }
        self.set_privacy(
            actor,
            soggetto_id,
            Privacy::Firmato,
            Some(data),
            current.map(|c| c.version),
            today,
        )
    }

    /// Saves a scheda. It is complete when every rule holds and the form had no required field
    /// empty (`form_incompleta`); otherwise it is kept "in sospeso" with the list of what is
    /// missing. A complete scheda whose esito is a proposal goes to the operator's ente, or to the
    /// capofila when the operator asked so. A signed privacy consent in the form is recorded for
    /// the person.
    pub fn save_scheda(
        &mut self,
        actor: &Actor,
        edit: &SchedaEdit,
        form_incompleta: bool,
        today: time::Date,
    ) -> StoreResult<SchedaOutcome> {
        let ente = ente_of(actor)?;
        let actor = self.guard(actor, Op::SaveScheda, Some(ente), "ente")?;
        let mut edit = edit.clone();
        let mut ufficio = actor.ufficio_id;
        if let Some(id) = edit.id {
            let stored = self.scheda_in_scope(&actor, id, Op::SaveScheda)?;
            ufficio = stored.ufficio_id;
            // The servizi of its richieste stay among the scheda's (see domain::richieste).
            let richieste = self.store.richieste(id)?;
            edit.servizi =
                crate::domain::richieste::servizi_con_richieste(&edit.servizi, &richieste);
            if !can_edit(&actor, &stored) {
                self.store.audit(
                    &actor,
                    &AuditEvent::new("modifica_scheda", Outcome::Denied).on("scheda", Some(id)),
                )?;
                return Err(StoreError::Denied(
                    "la scheda è di un altro operatore: si può solo consultare".into(),
                ));
            }
            if !can_read_note(&actor, &stored) {
                edit.nota_privata = None;
            }
            if edit.invio_ufficio_id != stored.edit.invio_ufficio_id
                && let Some(letta) = self
                    .store
                    .invii(id)?
                    .into_iter()
                    .find(|i| i.attivo() && i.letta_at.is_some())
            {
                return Err(StoreError::Invalid(format!(
                    "la scheda è già stata aperta da {}: l'ufficio di destinazione non si può più cambiare",
                    letta.a_ufficio
                )));
            }
            if !self.holds_riservati(&actor, stored.ente_id)? {
                Sensibili::keep_stored(&mut edit.dati, &stored.edit.dati);
            }
        }
        let ctx = self.contesto(&actor, &edit, ufficio, today)?;
        if let Some((_, msg)) = scheda::save_problems(&edit, &ctx).into_iter().next() {
            return Err(StoreError::Invalid(msg));
        }
        let problemi: Vec<(String, String)> = scheda::completion_problems(&edit, &ctx)
            .into_iter()
            .map(|(c, m)| (c.to_string(), m))
            .collect();
        let completa = problemi.is_empty() && !form_incompleta;
        let proposta_ente = if completa && scheda::is_pic(&edit, &ctx) {
            Some(if edit.flag("invia_capofila") {
                self.store.capofila(ente)?.ok_or_else(|| {
                    StoreError::Invalid("nessun ente capofila configurato per l'ambito".into())
                })?
            } else {
                ente
            })
        } else {
            None
        };
        // The consent's date is checked before the scheda is written, so that a refusal never
        // leaves a saved scheda behind an error (the form would save it again).
        let consenso = if edit.flag("privacy_consenso") {
            let data = match edit.text("privacy_data") {
                "" => edit.data_accesso.clone(),
                d => d.to_string(),
            };
            if data > iso(today) {
                return Err(StoreError::Invalid(
                    "la data di firma del consenso non può essere successiva a oggi".into(),
                ));
            }
            Some(data)
        } else {
            None
        };
        let saved = self.store.save_scheda(
            &actor,
            &edit,
            SchedaSave {
                ente_id: ente,
                ufficio_id: actor.ufficio_id,
                completa,
                proposta_ente,
            },
        )?;
        let avviso = match consenso {
            Some(data) => self
                .record_consent(&actor, edit.soggetto_id, &data, today)
                .err()
                .map(|e| format!("consenso privacy non registrato: {e}")),
            None => None,
        };
        Ok(SchedaOutcome {
            saved,
            completa,
            avviso,
            problemi,
            proposta_ente,
        })
    }

    /// The schede the actor may see, filtered; deleted ones only for who may delete or restore
    /// them. Audited with the number of rows and the persons they show.
    pub fn list_schede(
        &mut self,
        actor: &Actor,
        filtro: &Filtro,
        limit: usize,
    ) -> StoreResult<Vec<SchedaRiga>> {
        self.schede_rows(actor, filtro, limit, true)
    }

    /// [`Service::list_schede`]; `audited` false for a list on show asked again because another
    /// session changed data (a refresh is not a new read, as for the inbox of proposals).
    fn schede_rows(
        &mut self,
        actor: &Actor,
        filtro: &Filtro,
        limit: usize,
        audited: bool,
    ) -> StoreResult<Vec<SchedaRiga>> {
        let actor = self.guard(actor, Op::ListSchede, None, "schede")?;
        let mut f = filtro.clone();
        if !actor.can(Permission::ReadSchede) {
            // The admin sees only deleted schede, to restore them.
            f.stato = Some(scheda::Stato::Eliminata);
        }
        let may_see_deleted =
            actor.can(Permission::DeleteSchede) || actor.can(Permission::RestoreDeleted);
        if !may_see_deleted {
            f.eliminate = false;
            if f.stato == Some(scheda::Stato::Eliminata) {
                return Ok(Vec::new());
            }
        }
        f.ricevute_da = actor.ufficio_id;
        let enti = match actor.operatore_id {
            Some(_) => actor.enti.clone(),
            None => self.store.list_enti()?.into_iter().map(|e| e.id).collect(),
        };
        let rows = self.store.list_schede(&enti, &f, limit.min(MAX_ROWS))?;
        if !audited {
            return Ok(rows);
        }
        let mut persons: Vec<i64> = rows.iter().map(|r| r.soggetto_id).collect();
        persons.sort_unstable();
        persons.dedup();
        let list = persons
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ListSchede.rule().action, Outcome::Ok)
                .on("scheda", None)
                .detail(format!(
                    "{} schede di {} persone: {list}",
                    rows.len(),
                    persons.len()
                )),
        )?;
        Ok(rows)
    }

    /// The list of schede of the desk: `text` narrows it to the persons it finds in the anagrafe;
    /// with the labels of the esiti. `audited` false: the list on show asked again after another
    /// session's change (see [`Service::schede_rows`]).
    pub fn list_schede_desk(
        &mut self,
        actor: &Actor,
        text: &str,
        mut filtro: Filtro,
        today: time::Date,
        audited: bool,
    ) -> StoreResult<SchedeList> {
        if !text.trim().is_empty() {
            filtro.soggetti = Some(self.persons_matching(text, LIST_PERSONS, today)?);
        }
        let rows = self.schede_rows(actor, &filtro, 1000, audited)?;
        let esiti = self
            .store
            .codes("esito_scheda")?
            .into_iter()
            .map(|c| (c.codice, c.etichetta))
            .collect();
        Ok((rows, esiti))
    }

    /// Soft delete with a reason (the scheda's ente must be the actor's).
    pub fn delete_scheda(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        reason: &str,
    ) -> StoreResult<()> {
        let actor = self.guard(actor, Op::DeleteScheda, None, "scheda")?;
        self.scheda_in_scope(&actor, id, Op::DeleteScheda)?;
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid(
                "indicare il motivo dell'eliminazione".into(),
            ));
        }
        self.store
            .delete_scheda(&actor, id, version, Some(reason.trim()))
    }

    /// Restores a deleted scheda (admin of the scheda's ente).
    pub fn restore_scheda(&mut self, actor: &Actor, id: i64, version: i64) -> StoreResult<()> {
        let actor = self.guard(actor, Op::RestoreScheda, None, "scheda")?;
        self.scheda_in_scope(&actor, id, Op::RestoreScheda)?;
        self.store.delete_scheda(&actor, id, version, None)
    }

    /// Copies a scheda to a new visit dated today, in sospeso, received by the actor.
    pub fn duplicate_scheda(
        &mut self,
        actor: &Actor,
        id: i64,
        today: time::Date,
    ) -> StoreResult<SchedaSaved> {
        let ente = ente_of(actor)?;
        let actor = self.guard(actor, Op::DuplicateScheda, Some(ente), "ente")?;
        self.scheda_in_scope(&actor, id, Op::DuplicateScheda)?;
        let s = self.read_scheda(&actor, id, "duplica")?;
        let copy = scheda::duplicate(&s.edit, &iso(today), &actor.username);
        self.store.save_scheda(
            &actor,
            &copy,
            SchedaSave {
                ente_id: ente,
                ufficio_id: actor.ufficio_id,
                completa: false,
                proposta_ente: None,
            },
        )
    }

    /// The counters of the actor's ente and office (for those who see reports: the responsabile).
    pub fn contatori(&mut self, actor: &Actor, today: time::Date) -> StoreResult<Contatori> {
        let ente = ente_of(actor)?;
        let actor = self.guard(actor, Op::Contatori, Some(ente), "ente")?;
        self.store.contatori(ente, actor.ufficio_id, &iso(today))
    }
}
