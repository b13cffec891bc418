//! The richieste of a scheda and their consuntivo behind permissions: read by whoever may read the
//! scheda, written by whoever may change it (its creator or operator, or who may edit others'
//! schede), in the scheda's ente; the office switches that the scheda's completion applies; the
//! panel of what the person already receives (VIS_INTERVENTI): the state of their cartella in the
//! scheda's ente, and the interventi and erogazioni only for those who may read erogazioni.

use super::rules::Op;
use super::scheda::can_edit;
use super::{Service, codes::Lists};
use crate::domain::date::iso;
use crate::domain::erogazioni::FiltroErogazioni;
use crate::domain::impostazioni::{ImpostazioniUfficio, Requisiti, check_template};
use crate::domain::richieste::{self, Consuntivo, Richiesta};
use crate::domain::scheda::Scheda;
use crate::domain::{Actor, AuditEvent, Outcome, Permission};
use crate::store::{StoreError, StoreResult};

/// A scheda's richieste and what their forms need.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RichiesteScheda {
    pub scheda_id: i64,
    pub numero: i64,
    /// «Cognome Nome» of the person.
    pub persona: String,
    /// Whether the actor may change them (otherwise read only).
    pub can_edit: bool,
    pub richieste: Vec<Richiesta>,
    /// The code lists asked for (disabled codes kept, to show old records) and `nomenclatore`:
    /// the tipi di intervento of the ente and the ISTAT classes, by id.
    pub lists: Lists,
}

/// What the scheda shows of what its person already receives (read only).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InterventiPersona {
    /// The office shows the panel (VIS_INTERVENTI); when not, nothing else is filled.
    pub visibile: bool,
    /// The cartella sociale of the person in the scheda's ente: state, in charge of, dates.
    pub cartella: Option<String>,
    /// Interventi in progress and erogazioni of the person in the ente, one line each; `None`
    /// when the actor may not read erogazioni.
    pub interventi: Option<Vec<String>>,
}

impl Service<'_> {
    /// The rules a complete scheda of office `ufficio` must pass (none without an office).
    pub(crate) fn requisiti(&self, ufficio: Option<i64>) -> StoreResult<Requisiti> {
        Ok(match ufficio {
            Some(u) => self.store.impostazioni_ufficio(u)?.requisiti(),
            None => Requisiti::default(),
        })
    }

    /// The richieste of scheda `scheda_id` (an audited read), with the code lists `lists` and the
    /// nomenclatore of the scheda's ente.
    pub fn richieste_scheda(
        &mut self,
        actor: &Actor,
        scheda_id: i64,
        lists: &[String],
    ) -> StoreResult<RichiesteScheda> {
        let actor = self.guard(actor, Op::ListRichieste, None, "scheda")?;
        let s = self.scheda_in_scope(&actor, scheda_id, Op::ListRichieste)?;
        let richieste = self.store.richieste(scheda_id)?;
        let persona = self
            .store
            .soggetto(s.edit.soggetto_id)?
            .map(|p| format!("{} {}", p.cognome, p.nome))
            .unwrap_or_default();
        let mut all = self.form_lists(&actor, lists.iter().map(String::as_str), true)?;
        all.insert("nomenclatore".into(), self.tipi_per_richieste(s.ente_id)?);
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ListRichieste.rule().action, Outcome::Ok)
                .on("scheda", Some(scheda_id))
                .detail(format!("{} richieste", richieste.len())),
        )?;
        Ok(RichiesteScheda {
            scheda_id,
            numero: s.numero,
            persona,
            can_edit: can_edit(&actor, &s),
            richieste,
            lists: all,
        })
    }

    /// The nomenclatore as the richiesta's picker shows it: the ISTAT classes (macro) and the
    /// ente's own tipi (micro), active ones, by id.
    fn tipi_per_richieste(&self, ente: i64) -> StoreResult<Vec<(String, String)>> {
        Ok(self
            .store
            .tipi_intervento(Some(ente))?
            .into_iter()
            .filter(|t| t.attivo)
            .map(|t| {
                let livello = if t.famiglia == "istat" {
                    "macro"
                } else {
                    "micro"
                };
                (
                    t.id.to_string(),
                    format!("{} {} · {livello}", t.codice, t.etichetta),
                )
            })
            .collect())
    }

    /// Scheda `id` for a change of its richieste by `actor` (already guarded for `op`): in scope,
    /// not deleted, and the actor may change it (refused and audited otherwise).
    pub(super) fn scheda_da_modificare(
        &mut self,
        actor: &Actor,
        id: i64,
        op: Op,
    ) -> StoreResult<Scheda> {
        let s = self.scheda_in_scope(actor, id, op)?;
        if !can_edit(actor, &s) {
            self.store.audit(
                actor,
                &AuditEvent::new(op.rule().action, Outcome::Denied).on("scheda", Some(id)),
            )?;
            return Err(StoreError::Denied(
                "la scheda è di un altro operatore: si può solo consultare".into(),
            ));
        }
        Ok(s)
    }

    /// The richiesta `id` and its scheda, for a change (see [`Self::scheda_da_modificare`]).
    fn richiesta_da_modificare(
        &mut self,
        actor: &Actor,
        id: i64,
        op: Op,
    ) -> StoreResult<(Richiesta, Scheda)> {
        let r = self
            .store
            .richiesta(id)?
            .ok_or_else(|| StoreError::NotFound(format!("richiesta {id}")))?;
        let s = self.scheda_da_modificare(actor, r.scheda_id, op)?;
        Ok((r, s))
    }

    /// Saves a richiesta of a scheda (new when `r.id` is `None`). Returns (id, version).
    pub fn save_richiesta(
        &mut self,
        actor: &Actor,
        r: &Richiesta,
        today: time::Date,
    ) -> StoreResult<(i64, i64)> {
        let actor = self.guard(actor, Op::SaveRichiesta, None, "scheda")?;
        let s = match r.id {
            Some(id) => {
                let (stored, s) = self.richiesta_da_modificare(&actor, id, Op::SaveRichiesta)?;
                if stored.scheda_id != r.scheda_id {
                    return Err(StoreError::Invalid(
                        "una richiesta non passa a un'altra scheda".into(),
                    ));
                }
                s
            }
            None => self.scheda_da_modificare(&actor, r.scheda_id, Op::SaveRichiesta)?,
        };
        let mut r = r.clone();
        for v in [
            &mut r.servizio,
            &mut r.settore,
            &mut r.erogatore,
            &mut r.note,
        ] {
            *v = v
                .take()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty());
        }
        if let Some((_, msg)) = richieste::problemi_richiesta(&r, &iso(today))
            .into_iter()
            .next()
        {
            return Err(StoreError::Invalid(msg));
        }
        if let Some(t) = r.tipo_intervento_id {
            let ok = self
                .store
                .tipo_intervento(t)?
                .is_some_and(|t| t.ente_id.is_none_or(|e| e == s.ente_id));
            if !ok {
                return Err(StoreError::Invalid(format!(
                    "tipo di intervento {t} sconosciuto per l'ente della scheda"
                )));
            }
        }
        self.store.save_richiesta(&actor, &r)
    }

    /// Deletes a richiesta with its consuntivo.
    pub fn delete_richiesta(&mut self, actor: &Actor, id: i64, version: i64) -> StoreResult<()> {
        let actor = self.guard(actor, Op::DeleteRichiesta, None, "richiesta")?;
        self.richiesta_da_modificare(&actor, id, Op::DeleteRichiesta)?;
        self.store.delete_richiesta(&actor, id, version)
    }

    /// Saves a consuntivo row of a richiesta (new when `c.id` is `None`). Returns (id, version).
    pub fn save_consuntivo(
        &mut self,
        actor: &Actor,
        c: &Consuntivo,
        today: time::Date,
    ) -> StoreResult<(i64, i64)> {
        let actor = self.guard(actor, Op::SaveConsuntivo, None, "richiesta")?;
        let (r, _) = self.richiesta_da_modificare(&actor, c.richiesta_id, Op::SaveConsuntivo)?;
        if let Some(id) = c.id
            && !r.consuntivo.iter().any(|x| x.id == Some(id))
        {
            return Err(StoreError::NotFound(format!("consuntivo {id}")));
        }
        let mut c = c.clone();
        c.descrizione = c
            .descrizione
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty());
        if let Some((_, msg)) = richieste::problemi_consuntivo(&c, &iso(today))
            .into_iter()
            .next()
        {
            return Err(StoreError::Invalid(msg));
        }
        self.store.save_consuntivo(&actor, &c)
    }

    /// Deletes a consuntivo row of richiesta `richiesta_id`.
    pub fn delete_consuntivo(
        &mut self,
        actor: &Actor,
        richiesta_id: i64,
        id: i64,
        version: i64,
    ) -> StoreResult<()> {
        let actor = self.guard(actor, Op::DeleteConsuntivo, None, "richiesta")?;
        let (r, _) = self.richiesta_da_modificare(&actor, richiesta_id, Op::DeleteConsuntivo)?;
        if !r.consuntivo.iter().any(|x| x.id == Some(id)) {
            return Err(StoreError::NotFound(format!("consuntivo {id}")));
        }
        self.store.delete_consuntivo(&actor, id, version)
    }

    /// What the person of scheda `scheda_id` already receives, when the scheda's office shows it
    /// (VIS_INTERVENTI): the state of their cartella in the scheda's ente (the desk needs it to
    /// choose the esito, as in SISO's «Cartella Sociale: stato»), and — only for those who may read
    /// erogazioni — the interventi in progress and the erogazioni. An audited read.
    pub fn interventi_scheda(
        &mut self,
        actor: &Actor,
        scheda_id: i64,
        today: time::Date,
    ) -> StoreResult<InterventiPersona> {
        let actor = self.guard(actor, Op::InterventiScheda, None, "scheda")?;
        let s = self.scheda_in_scope(&actor, scheda_id, Op::InterventiScheda)?;
        let visibile = match s.ufficio_id {
            Some(u) => self.store.impostazioni_ufficio(u)?.vis_interventi,
            None => false,
        };
        if !visibile {
            return Ok(InterventiPersona::default());
        }
        let persona = s.edit.soggetto_id;
        let it = crate::domain::date::italian;
        let cartella = match self.store.caso_di(persona, s.ente_id)? {
            Some(id) => self.store.caso(id)?.map(|c| {
                let mut t = format!("{} dal {}", c.stato_label, it(&c.data_apertura));
                if let Some(r) = &c.responsabile {
                    t.push_str(&format!(", in carico a {r}"));
                }
                if let Some(d) = &c.data_chiusura {
                    t.push_str(&format!(", chiusa il {}", it(d)));
                }
                t
            }),
            None => None,
        };
        let interventi = if actor.can(Permission::ReadErogazioni) {
            let oggi = iso(today);
            let mut lines = Vec::new();
            for i in self.store.interventi_di(persona, &[s.ente_id])? {
                if i.al.as_deref().is_some_and(|al| al < oggi.as_str()) {
                    continue;
                }
                let tipo = self
                    .store
                    .tipo_intervento(i.tipo_id)?
                    .map_or_else(|| i.tipo_id.to_string(), |t| t.etichetta);
                let fino = i.al.as_deref().map(|a| format!(" al {}", it(a)));
                lines.push(format!(
                    "Intervento in corso: {tipo}, dal {}{}",
                    it(&i.dal),
                    fino.unwrap_or_default()
                ));
            }
            let filtro = FiltroErogazioni {
                soggetto_id: Some(persona),
                ..Default::default()
            };
            for e in self.store.cerca_erogazioni(&[s.ente_id], &filtro, 50)? {
                let erogatore = e.erogatore.map(|x| format!(" · {x}")).unwrap_or_default();
                lines.push(format!(
                    "Erogazione: {}{erogatore} · {} operazioni · ultima il {}",
                    e.tipo,
                    e.righe,
                    it(&e.al)
                ));
            }
            Some(lines)
        } else {
            None
        };
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::InterventiScheda.rule().action, Outcome::Ok)
                .on("scheda", Some(scheda_id)),
        )?;
        Ok(InterventiPersona {
            visibile,
            cartella,
            interventi,
        })
    }

    /// The settings of office `ufficio_id` (administration).
    pub fn impostazioni_ufficio(
        &mut self,
        actor: &Actor,
        ufficio_id: i64,
    ) -> StoreResult<ImpostazioniUfficio> {
        let what = format!("ufficio {ufficio_id}");
        let ente = self.ente_of_ufficio(ufficio_id)?;
        self.guard(actor, Op::ImpostazioniUfficio, Some(ente), &what)?;
        self.store.impostazioni_ufficio(ufficio_id)
    }

    /// Saves the settings of an office (`s.version` as read). Returns the new version.
    pub fn save_impostazioni_ufficio(
        &mut self,
        actor: &Actor,
        s: &ImpostazioniUfficio,
    ) -> StoreResult<i64> {
        let what = format!("ufficio {}", s.ufficio_id);
        let ente = self.ente_of_ufficio(s.ufficio_id)?;
        let actor = self.guard(actor, Op::ConfigureSportello, Some(ente), &what)?;
        let mut s = s.clone();
        s.template_invio = s
            .template_invio
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        if let Some(t) = &s.template_invio {
            check_template(t).map_err(StoreError::Invalid)?;
        }
        self.store.save_impostazioni_ufficio(&actor, &s)
    }

    fn ente_of_ufficio(&self, ufficio_id: i64) -> StoreResult<i64> {
        Ok(self
            .store
            .ufficio(ufficio_id)?
            .ok_or_else(|| StoreError::NotFound(format!("ufficio {ufficio_id}")))?
            .ente_id)
    }
}
