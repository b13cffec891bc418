//! Opening a case directly (a person the social worker meets without a scheda di accesso: state
//! Aperto until someone takes it in charge), and who follows a case: the operators assigned to it (with or without "gestione fascicolo", the
//! right to write its fascicolo) and the units it is shared with (an ufficio or an ente, with
//! «nascondi informazioni» to show them only anagrafica, operatori and cronologia). Managed by
//! those who manage the fascicolo; every change audited by the store.

use super::Service;
use super::rules::Op;
use crate::domain::Actor;
use crate::domain::caso::Unita;
use crate::store::{StoreError, StoreResult};

impl Service<'_> {
    /// Opens the case of the person with codice fiscale `cf` in the actor's ente, in state Aperto
    /// with `categoria` as its categoria sociale. Returns its id.
    pub fn apri_caso(
        &mut self,
        actor: &Actor,
        cf: &str,
        categoria: &str,
        oggi: time::Date,
    ) -> StoreResult<i64> {
        let actor = self.guard(actor, Op::OpenCaso, None, "caso")?;
        let cf = crate::domain::cf::normalize(cf);
        crate::domain::cf::validate(&cf)
            .map_err(|e| StoreError::Invalid(format!("codice fiscale {cf}: {e}")))?;
        let ente = actor
            .ente()
            .ok_or_else(|| StoreError::Invalid("l'operatore non ha un ente".into()))?;
        if !self
            .store
            .codes("categoria_sociale")?
            .iter()
            .any(|c| c.codice == categoria)
        {
            return Err(StoreError::Invalid(format!(
                "categoria sociale sconosciuta: {categoria}"
            )));
        }
        self.store.apri_caso(
            &actor,
            &cf,
            ente,
            categoria,
            &crate::domain::date::iso(oggi),
        )
    }

    /// Assigns `operatore` to the case (`Some(gestione fascicolo)`; an assigned one just changes
    /// the flag) or ends their assignment (`None`). The operator must be active in the case's ente
    /// with the cartella permission.
    pub fn set_operatore_caso(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        operatore: &str,
        gestione: Option<bool>,
        oggi: time::Date,
    ) -> StoreResult<()> {
        let (actor, caso) = self.writable_caso(actor, Op::AssignOperatore, caso_id)?;
        if gestione.is_some() {
            let ok = self
                .store
                .operatore_by_username(operatore)?
                .is_some_and(|o| {
                    o.attivo
                        && o.enti.contains(&caso.ente_id)
                        && o.roles.allows(crate::domain::Permission::ReadCartella)
                });
            if !ok {
                return Err(StoreError::Invalid(format!(
                    "«{operatore}» non è un operatore attivo dell'ente con accesso alla cartella sociale"
                )));
            }
        }
        self.store.set_operatore_caso(
            &actor,
            caso_id,
            operatore,
            gestione,
            &crate::domain::date::iso(oggi),
        )
    }

    /// Shares the case with an ufficio or an ente (`nascondi_informazioni`: they see only
    /// anagrafica, operatori and cronologia); sharing again with the same unit changes the flag.
    pub fn condividi_caso(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        unita: Unita,
        nascondi_informazioni: bool,
        oggi: time::Date,
    ) -> StoreResult<()> {
        let (actor, caso) = self.writable_caso(actor, Op::ShareCaso, caso_id)?;
        let exists = match unita {
            Unita::Ufficio(u) => self
                .store
                .list_uffici(caso.ente_id)?
                .iter()
                .any(|x| x.id == u && x.attivo),
            Unita::Ente(e) => {
                e != caso.ente_id
                    && self
                        .store
                        .list_enti()?
                        .iter()
                        .any(|x| x.id == e && x.attivo)
            }
        };
        if !exists {
            return Err(StoreError::Invalid(
                "si condivide con un ufficio attivo dell'ente del caso o con un altro ente attivo"
                    .into(),
            ));
        }
        self.store.condividi_caso(
            &actor,
            caso_id,
            unita,
            nascondi_informazioni,
            &crate::domain::date::iso(oggi),
        )
    }

    /// Ends sharing `id` of the case.
    pub fn revoca_condivisione(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        id: i64,
        oggi: time::Date,
    ) -> StoreResult<()> {
        let (actor, _) = self.writable_caso(actor, Op::ShareCaso, caso_id)?;
        self.store
            .revoca_condivisione(&actor, caso_id, id, &crate::domain::date::iso(oggi))
    }
}
