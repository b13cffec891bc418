//! The administration side of the cartella sociale: the categorie sociali each ufficio manages and
//! the "dati riservati" grants (both audited), the social worker's home counters, the
//! business-change counter, the read-access log of a person (GDPR art. 15) and the export of the
//! cases.

use std::path::Path;

use super::Service;
use super::casi::{MAX_CASI, visibilita};
use super::rules::Op;
use crate::domain::caso::{self, ContatoriCasi, FiltroCasi};
use crate::domain::date::{iso, parse_iso};
use crate::domain::{Actor, AuditEvent, AuditRow, Outcome, Permission};
use crate::export::{self, Cell, Format, Table};
use crate::store::{StoreError, StoreResult};

impl Service<'_> {
    /// The categorie sociali managed by ufficio `ufficio` (its name) of the ente with Belfiore code
    /// `belfiore`, after setting them to `set` when given (administration, audited).
    pub fn categorie_ufficio(
        &mut self,
        actor: &Actor,
        belfiore: &str,
        ufficio: &str,
        set: Option<&[String]>,
    ) -> StoreResult<Vec<String>> {
        let what = format!(
            "ufficio «{}» dell'ente {}",
            crate::sanitize::sanitize(ufficio),
            crate::sanitize::sanitize(belfiore)
        );
        let ente = self
            .store
            .ente_by_code(belfiore)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?;
        let actor = self.guard(actor, Op::ConfigureCategorie, Some(ente.id), &what)?;
        let id = self
            .store
            .list_uffici(ente.id)?
            .into_iter()
            .find(|u| u.nome.eq_ignore_ascii_case(ufficio.trim()))
            .ok_or_else(|| StoreError::NotFound(what.clone()))?
            .id;
        if let Some(codici) = set {
            self.set_categorie_ufficio(&actor, id, codici)?;
        }
        self.store.categorie_ufficio(id)
    }

    /// Sets the categorie sociali an ufficio manages (administration, audited).
    pub fn set_categorie_ufficio(
        &mut self,
        actor: &Actor,
        ufficio_id: i64,
        codici: &[String],
    ) -> StoreResult<()> {
        let ente = self
            .store
            .ufficio(ufficio_id)?
            .map(|u| u.ente_id)
            .ok_or_else(|| StoreError::NotFound(format!("ufficio {ufficio_id}")))?;
        let actor = self.guard(
            actor,
            Op::ConfigureCategorie,
            Some(ente),
            &format!("ufficio {ufficio_id}"),
        )?;
        let known: Vec<String> = self
            .store
            .codes("categoria_sociale")?
            .into_iter()
            .map(|c| c.codice)
            .collect();
        if let Some(bad) = codici.iter().find(|c| !known.contains(c)) {
            return Err(StoreError::Invalid(format!(
                "categoria sociale sconosciuta: {bad}"
            )));
        }
        self.store.set_categorie_ufficio(&actor, ufficio_id, codici)
    }

    /// Grants or revokes "dati riservati" to an operator in an ente (administration, audited).
    pub fn set_riservati(
        &mut self,
        actor: &Actor,
        username: &str,
        ente: i64,
        concesso: bool,
    ) -> StoreResult<()> {
        let actor = self.guard(actor, Op::GrantRiservati, Some(ente), "ente")?;
        let op = self
            .store
            .operatore_by_username(username)?
            .filter(|o| o.enti.contains(&ente))
            .ok_or_else(|| StoreError::NotFound(format!("operatore {username} nell'ente")))?;
        self.store.set_riservati(&actor, op.id, ente, concesso)
    }

    /// The social worker's home counters (proposals, cases by state, PAI due, ISEE expiring, their
    /// refused proposals); `None` without the cartella permission.
    pub(crate) fn contatori_casi(
        &mut self,
        actor: &Actor,
        today: time::Date,
    ) -> StoreResult<Option<ContatoriCasi>> {
        let mut c = self.store.contatori_casi(&visibilita(actor), &iso(today))?;
        if !actor.can(Permission::ReadCartella) {
            if c.respinte.is_empty() {
                return Ok(None);
            }
            c = ContatoriCasi {
                respinte: c.respinte,
                ..Default::default()
            };
        }
        Ok(Some(c))
    }

    /// The business-change counter: a session refreshes its lists when it moves. Audit rows never
    /// move it.
    pub fn modifiche(&mut self, actor: &Actor) -> StoreResult<i64> {
        let _ = self.guard(actor, Op::Changes, None, "modifiche")?;
        self.store.modifiche()
    }

    /// Who accessed the data of the person with this codice fiscale (GDPR art. 15), oldest first.
    pub fn audit_accessi(
        &mut self,
        actor: &Actor,
        codice_fiscale: &str,
        dal: Option<&str>,
        al: Option<&str>,
    ) -> StoreResult<Vec<AuditRow>> {
        let actor = self.guard(actor, Op::AuditAccessi, None, "registro")?;
        let cf = codice_fiscale.trim().to_uppercase();
        let rows = self.store.accessi(&cf, dal, al)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::AuditAccessi.rule().action, Outcome::Ok)
                .detail(format!("{} righe", rows.len())),
        )?;
        Ok(rows)
    }

    /// Exports the cases the actor may see matching `filtro`; returns how many (audited).
    pub fn export_casi(
        &mut self,
        actor: &Actor,
        filtro: &FiltroCasi,
        format: Format,
        out: &Path,
    ) -> StoreResult<usize> {
        let actor = self.guard(actor, Op::ExportCasi, None, "casi")?;
        let rows = self.store.casi(&visibilita(&actor), filtro, MAX_CASI)?;
        let table = Table {
            title: "Casi".into(),
            columns: [
                "Numero",
                "Cognome",
                "Nome",
                "Codice fiscale",
                "Stato",
                "Responsabile",
                "Categorie sociali",
                "Apertura",
                "Chiusura",
                "Motivo chiusura",
            ]
            .map(String::from)
            .to_vec(),
            rows: rows
                .iter()
                .map(|c| {
                    let date =
                        |d: Option<&str>| d.and_then(parse_iso).map_or(Cell::Empty, Cell::Date);
                    vec![
                        Cell::Int(c.numero),
                        Cell::Text(c.cognome.clone()),
                        Cell::Text(c.nome.clone()),
                        Cell::Text(c.codice_fiscale.clone().unwrap_or_default()),
                        Cell::Text(c.stato_label.clone()),
                        Cell::Text(c.responsabile.clone().unwrap_or_default()),
                        Cell::Text(c.categorie.join(", ")),
                        date(Some(&c.data_apertura)),
                        date(c.data_chiusura.as_deref()),
                        Cell::Text(
                            c.motivo_chiusura
                                .as_deref()
                                .map(caso::motivo_chiusura_label)
                                .unwrap_or("")
                                .to_string(),
                        ),
                    ]
                })
                .collect(),
        };
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Unavailable(format!("impossibile creare {}: {e}", parent.display()))
            })?;
        }
        export::write(&table, format, out).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ExportCasi.rule().action, Outcome::Ok)
                .on("caso", None)
                .detail(format!("{} casi in {}", rows.len(), format.extension())),
        )?;
        Ok(rows.len())
    }
}
