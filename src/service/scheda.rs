//! The schede di accesso behind permissions: who may read, edit, delete, restore, duplicate, print and
//! export them; the private note shown only to its author, the responsabile and the scheda's
//! creator; every read and export written to the audit log; completion and proposals decided here.

use super::require;
use crate::domain::date::iso;
use crate::domain::persona::Privacy;
use crate::domain::scheda::{
    self, Contesto, Filtro, NOTA_RISERVATA, Scheda, SchedaEdit, SchedaRiga,
};
use crate::domain::{Actor, AuditEvent, Outcome, Permission};
use crate::store::{Contatori, SchedaSave, SchedaSaved, Store, StoreError, StoreResult};

/// Most schede a list or an export returns.
pub const MAX_ROWS: usize = 200_000;

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Records the consent signed on `data` unless it is already recorded so.
fn record_consent(
    store: &mut dyn Store,
    actor: &Actor,
    soggetto_id: i64,
    data: &str,
    today: time::Date,
) -> StoreResult<()> {
    let ente = super::ente_of(actor)?;
    let current = store
        .privacy(soggetto_id)?
        .into_iter()
        .find(|c| c.ente_id == ente);
    let already = current
        .as_ref()
        .is_some_and(|c| c.stato == Privacy::Firmato && c.data_firma.as_deref() == Some(data));
    if already {
        return Ok(());
    }
    super::set_privacy(
        store,
        actor,
        soggetto_id,
        Privacy::Firmato,
        Some(data),
        current.map(|c| c.version),
        today,
    )
}

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

fn visible(actor: &Actor, s: &Scheda) -> bool {
    actor.enti.contains(&s.ente_id)
        || (actor.ufficio_id.is_some() && s.edit.invio_ufficio_id == actor.ufficio_id)
}

fn contesto(store: &dyn Store, e: &SchedaEdit, today: time::Date) -> StoreResult<Contesto> {
    let person = store
        .soggetto(e.soggetto_id)?
        .ok_or_else(|| StoreError::Invalid("scegliere la persona dall'anagrafe".into()))?;
    let esiti_pic = store
        .codes("esito_scheda")?
        .into_iter()
        .filter(|c| c.pic)
        .map(|c| c.codice)
        .collect();
    Ok(Contesto {
        oggi: iso(today),
        data_nascita: person.data_nascita,
        anonimo: person.anonimo,
        esiti_pic,
    })
}

/// Reads a scheda for `actor` (audited): the private note replaced when they may not read it; a
/// scheda sent to the actor's office is marked as received.
pub fn read_scheda(
    store: &mut dyn Store,
    actor: &Actor,
    id: i64,
    section: &str,
) -> StoreResult<Scheda> {
    require(store, actor, Permission::ReadSchede, "leggi_scheda")?;
    let mut s = store
        .scheda(id)?
        .filter(|s| visible(actor, s))
        .ok_or_else(|| StoreError::NotFound(format!("scheda {id}")))?;
    if s.deleted_reason.is_some()
        && !actor.can(Permission::DeleteSchede)
        && !actor.can(Permission::RestoreDeleted)
    {
        return Err(StoreError::NotFound(format!("scheda {id}")));
    }
    if !can_read_note(actor, &s) {
        s.nota_leggibile = false;
        s.edit.nota_privata = s.edit.nota_privata.as_ref().map(|_| NOTA_RISERVATA.into());
    }
    store.audit(
        actor,
        &AuditEvent::new("leggi_scheda", Outcome::Ok)
            .on("scheda", Some(id))
            .section(section),
    )?;
    if actor.ufficio_id.is_some() && s.edit.invio_ufficio_id == actor.ufficio_id {
        store.mark_ricevuta(actor, id)?;
    }
    Ok(s)
}

/// Saves a scheda. It is complete when every rule holds and the form had no required field empty
/// (`form_incompleta`); otherwise it is kept "in sospeso" with the list of what is missing. A
/// complete scheda whose esito is a proposal goes to the operator's ente, or to the capofila when
/// the operator asked so. A signed privacy consent in the form is recorded for the person.
pub fn save_scheda(
    store: &mut dyn Store,
    actor: &Actor,
    edit: &SchedaEdit,
    form_incompleta: bool,
    today: time::Date,
) -> StoreResult<SchedaOutcome> {
    require(store, actor, Permission::WriteSchede, "salva_scheda")?;
    let mut edit = edit.clone();
    if let Some(id) = edit.id {
        let stored = store
            .scheda(id)?
            .filter(|s| visible(actor, s))
            .ok_or_else(|| StoreError::NotFound(format!("scheda {id}")))?;
        if !can_edit(actor, &stored) {
            store.audit(
                actor,
                &AuditEvent::new("modifica_scheda", Outcome::Denied).on("scheda", Some(id)),
            )?;
            return Err(StoreError::Denied(
                "la scheda è di un altro operatore: si può solo consultare".into(),
            ));
        }
        if !can_read_note(actor, &stored) {
            edit.nota_privata = None;
        }
    }
    let ctx = contesto(store, &edit, today)?;
    if let Some((_, msg)) = scheda::save_problems(&edit, &ctx).into_iter().next() {
        return Err(StoreError::Invalid(msg));
    }
    let problemi: Vec<(String, String)> = scheda::completion_problems(&edit, &ctx)
        .into_iter()
        .map(|(c, m)| (c.to_string(), m))
        .collect();
    let completa = problemi.is_empty() && !form_incompleta;
    let proposta_ente = if completa && scheda::is_pic(&edit, &ctx) {
        let ente = super::ente_of(actor)?;
        Some(if edit.flag("invia_capofila") {
            store.capofila(ente)?.ok_or_else(|| {
                StoreError::Invalid("nessun ente capofila configurato per l'ambito".into())
            })?
        } else {
            ente
        })
    } else {
        None
    };
    // The consent's date is checked before the scheda is written, so that a refusal never leaves
    // a saved scheda behind an error (the form would save it again).
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
    let saved = store.save_scheda(
        actor,
        &edit,
        SchedaSave {
            ente_id: super::ente_of(actor)?,
            ufficio_id: actor.ufficio_id,
            completa,
            proposta_ente,
        },
    )?;
    let avviso = match consenso {
        Some(data) => record_consent(store, actor, edit.soggetto_id, &data, today)
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

/// The schede the actor may see, filtered; deleted ones only for who may delete or restore them.
pub fn list_schede(
    store: &mut dyn Store,
    actor: &Actor,
    filtro: &Filtro,
    limit: usize,
) -> StoreResult<Vec<SchedaRiga>> {
    let mut f = filtro.clone();
    if !actor.can(Permission::ReadSchede) && actor.can(Permission::RestoreDeleted) {
        // The admin sees only deleted schede, to restore them.
        f.stato = Some(scheda::Stato::Eliminata);
    } else {
        require(store, actor, Permission::ReadSchede, "elenca_schede")?;
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
    store.list_schede(&actor.enti, &f, limit.min(MAX_ROWS))
}

/// Soft delete with a reason.
pub fn delete_scheda(
    store: &mut dyn Store,
    actor: &Actor,
    id: i64,
    version: i64,
    reason: &str,
) -> StoreResult<()> {
    require(store, actor, Permission::DeleteSchede, "elimina_scheda")?;
    if reason.trim().is_empty() {
        return Err(StoreError::Invalid(
            "indicare il motivo dell'eliminazione".into(),
        ));
    }
    store.delete_scheda(actor, id, version, Some(reason.trim()))
}

/// Restores a deleted scheda (admin).
pub fn restore_scheda(
    store: &mut dyn Store,
    actor: &Actor,
    id: i64,
    version: i64,
) -> StoreResult<()> {
    require(
        store,
        actor,
        Permission::RestoreDeleted,
        "ripristina_scheda",
    )?;
    store.delete_scheda(actor, id, version, None)
}

/// Copies a scheda to a new visit dated today, in sospeso, received by the actor.
pub fn duplicate_scheda(
    store: &mut dyn Store,
    actor: &Actor,
    id: i64,
    today: time::Date,
) -> StoreResult<SchedaSaved> {
    require(store, actor, Permission::WriteSchede, "duplica_scheda")?;
    let s = read_scheda(store, actor, id, "duplica")?;
    let copy = scheda::duplicate(&s.edit, &iso(today), &actor.username);
    let saved = store.save_scheda(
        actor,
        &copy,
        SchedaSave {
            ente_id: super::ente_of(actor)?,
            ufficio_id: actor.ufficio_id,
            completa: false,
            proposta_ente: None,
        },
    )?;
    Ok(saved)
}

/// The office counters, for those who see reports (the responsabile).
pub fn contatori(
    store: &mut dyn Store,
    actor: &Actor,
    today: time::Date,
) -> StoreResult<Option<Contatori>> {
    if !actor.can(Permission::Reports) {
        return Ok(None);
    }
    let Some(ente) = actor.ente() else {
        return Ok(None);
    };
    store
        .contatori(ente, actor.ufficio_id, &iso(today))
        .map(Some)
}
