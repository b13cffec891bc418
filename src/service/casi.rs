//! Presa in carico and the cartella sociale behind permissions: the proposals inbox (view, take in
//! charge, mark seen, refuse with a note), the list of cases with §4.2 visibility, the iter (the
//! transitions allowed to the actor's roles, read from the database), the cartella and fascicolo
//! sections — every read audited with its section, sensitive sections only with "dati riservati".
//! The administration side (ufficio categorie, grants, counters, access log, export) is in
//! [`super::casi_amministrazione`].

use super::Service;
use super::rules::{Op, in_ente};
use crate::domain::caso::{
    self, AccessoCaso, CambioStato, CartellaDato, Caso, CategoriaCaso, Condivisione, Diario,
    Documento, Familiare, FiltroCasi, Gestione, Isee, OperatoreCaso, Pai, Proposta, SchedaPersona,
    Sezione, Step, Transizione, Valutazione, Visibilita,
};
use crate::domain::date::{iso, parse_iso};
use crate::domain::persona::{Modifica, Soggetto};
use crate::domain::scheda::{NOTA_RISERVATA, Scheda, Sensibili};
use crate::domain::{Actor, AuditEvent, Outcome, Permission};
use crate::store::{StoreError, StoreResult};

/// Most cases a list or an export returns.
pub const MAX_CASI: usize = 100_000;

/// What a diary entry reads for those who may not read a riservato one.
pub const DIARIO_RISERVATO: &str = "Il diario è RISERVATO: il contenuto è visibile solo all'autore e a chi ha il permesso «dati riservati».";

/// The title a private document shows to those without "dati riservati".
pub const DOCUMENTO_PRIVATO: &str = "Documento privato (serve il permesso «dati riservati»)";

/// The content of one section of a cartella.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Contenuto {
    Anagrafica(Box<Soggetto>, Vec<Modifica>),
    Risorse(Vec<Familiare>),
    Dati(Vec<CartellaDato>),
    Operatori(Vec<OperatoreCaso>),
    /// The schede di accesso of the person: (id, numero, data, esito).
    Schede(Vec<SchedaPersona>),
    Cronologia(Vec<Step>),
    Diario(Vec<Diario>),
    Pai(Vec<Pai>),
    Isee(Vec<Isee>),
    Valutazioni(Vec<Valutazione>),
    /// Private documents read as [`DOCUMENTO_PRIVATO`] without "dati riservati".
    Documenti(Vec<Documento>),
}

/// A case opened on one section.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cartella {
    pub caso: Caso,
    pub sezione: Sezione,
    pub contenuto: Contenuto,
    /// The actor holds "dati riservati" in the case's ente.
    pub riservati: bool,
    /// The changes of state the actor's roles may make now.
    pub transizioni: Vec<Transizione>,
    /// Whom the case may be signalled to.
    pub destinatari: Destinatari,
    /// On the Invalidità section (which needs "dati riservati"): the health fields and third
    /// parties' codici fiscali of the person's schede di accesso, newest first.
    pub dalle_schede: Vec<SchedaSensibili>,
    /// What the actor may do with the case.
    #[serde(default)]
    pub accesso: AccessoCaso,
    /// On the Operatori section: the units the case is (or was) shared with.
    #[serde(default)]
    pub condivisioni: Vec<Condivisione>,
    /// On the Schede section: the scheda POR of the case (the newest scheda with POR data).
    #[serde(default)]
    pub por: Option<SchedaPor>,
    /// On the Anagrafica section: the categorie sociali of the case, with their history.
    #[serde(default)]
    pub categorie: Vec<CategoriaCaso>,
    /// The code lists the caller asked for to show the section's codes with their labels.
    #[serde(default)]
    pub liste: super::codes::Lists,
}

/// The POR / FSE fields of the person's newest scheda that has them: (field id, value), in the
/// scheda form's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchedaPor {
    pub numero: i64,
    pub data_accesso: String,
    pub campi: Vec<(String, String)>,
}

/// The POR fields of a scheda; «vulnerabilità» is a sensitive one.
const CAMPI_POR: [&str; 7] = [
    "por_titolo_studio",
    "por_anno_titolo",
    "por_condizione_lavoro",
    "por_durata_ricerca",
    "por_vulnerabilita",
    "por_progetto",
    "por_data_sottoscrizione",
];

/// The sensitive fields of one scheda di accesso of the person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchedaSensibili {
    pub numero: i64,
    pub data_accesso: String,
    pub sensibili: Sensibili,
}

/// The offices, enti and operators a case may be signalled to.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Destinatari {
    pub uffici: Vec<(i64, String)>,
    pub enti: Vec<(i64, String)>,
    /// (username, "Cognome Nome").
    pub operatori: Vec<(String, String)>,
}

/// A proposal with its scheda (private note withheld), for the read-only view.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PropostaView {
    pub proposta: Proposta,
    pub scheda: Scheda,
}

pub(super) fn visibilita(actor: &Actor) -> Visibilita {
    Visibilita {
        operatore: actor.username.clone(),
        enti: actor.enti.clone(),
        ufficio_id: actor.ufficio_id,
        tutti: actor.can(Permission::ReadAllCases),
    }
}

fn allowed(actor: &Actor, t: &Transizione) -> bool {
    actor
        .roles
        .iter()
        .any(|r| t.ruoli.iter().any(|c| c == r.code()))
}

impl Service<'_> {
    pub(super) fn read_ok(
        &mut self,
        actor: &Actor,
        op: Op,
        entity: &str,
        id: Option<i64>,
        section: &str,
    ) -> StoreResult<()> {
        self.audit_ok(
            actor,
            AuditEvent::new(op.rule().action, Outcome::Ok)
                .on(entity, id)
                .section(section),
        )
    }

    /// A proposal addressed to one of the actor's enti (others read like missing ones, audited).
    fn proposta_in_scope(&mut self, actor: &Actor, id: i64, op: Op) -> StoreResult<Proposta> {
        let what = format!("proposta {id}");
        match self.store.proposta(id)? {
            None => Err(StoreError::NotFound(what)),
            Some(p) if in_ente(actor, p.ente_id) => Ok(p),
            Some(_) => Err(self.out_of_scope(actor, op, &what)),
        }
    }

    /// A case the actor may see (§4.2); others read like missing ones, audited.
    pub(super) fn caso_in_scope(&mut self, actor: &Actor, id: i64, op: Op) -> StoreResult<Caso> {
        let what = format!("caso {id}");
        let visible =
            actor.operatore_id.is_none() || self.store.caso_visibile(id, &visibilita(actor))?;
        match self.store.caso(id)? {
            Some(c) if visible => Ok(c),
            None => Err(StoreError::NotFound(what)),
            Some(_) => Err(self.out_of_scope(actor, op, &what)),
        }
    }

    /// Whether the actor holds "dati riservati" in `ente` (the system account does).
    pub(super) fn holds_riservati(&self, actor: &Actor, ente: i64) -> StoreResult<bool> {
        match actor.operatore_id {
            None => Ok(true),
            Some(id) => self.store.riservati(id, ente),
        }
    }

    /// Refuses (and audits) a sensitive section without "dati riservati".
    pub(super) fn need_riservati(
        &mut self,
        actor: &Actor,
        op: Op,
        caso: &Caso,
        section: &str,
    ) -> StoreResult<()> {
        if self.holds_riservati(actor, caso.ente_id)? {
            return Ok(());
        }
        self.store.audit(
            actor,
            &AuditEvent::new(op.rule().action, Outcome::Denied)
                .on("caso", Some(caso.id))
                .section(section)
                .detail("dati riservati: permesso mancante"),
        )?;
        Err(StoreError::Denied(
            "la sezione contiene dati riservati: serve il permesso «dati riservati» dell'ente"
                .into(),
        ))
    }

    /// The proposals pending for the actor's enti. `audited` is false when a list already on
    /// screen refreshes itself (a refresh is not a new read).
    pub fn proposte(&mut self, actor: &Actor, audited: bool) -> StoreResult<Vec<Proposta>> {
        let actor = self.guard(actor, Op::ListProposte, None, "proposte")?;
        let rows = self.store.proposte(&actor.enti, true)?;
        if audited {
            self.read_ok(&actor, Op::ListProposte, "proposta", None, "elenco")?;
        }
        Ok(rows)
    }

    /// A proposal and its scheda, read-only (audited; the private note is withheld).
    pub fn read_proposta(&mut self, actor: &Actor, id: i64) -> StoreResult<PropostaView> {
        let actor = self.guard(actor, Op::ReadProposta, None, "proposta")?;
        let proposta = self.proposta_in_scope(&actor, id, Op::ReadProposta)?;
        let mut scheda = self
            .store
            .scheda(proposta.scheda_id)?
            .ok_or_else(|| StoreError::NotFound(format!("proposta {id}")))?;
        if !self.holds_riservati(&actor, scheda.ente_id)? {
            Sensibili::take(&mut scheda.edit.dati);
        }
        scheda.nota_leggibile = false;
        scheda.edit.nota_privata = scheda
            .edit
            .nota_privata
            .as_ref()
            .map(|_| NOTA_RISERVATA.into());
        self.read_ok(&actor, Op::ReadProposta, "proposta", Some(id), "scheda")?;
        Ok(PropostaView { proposta, scheda })
    }

    /// Prendi in carico: creates the case (or links the person's case) and moves it to Preso in
    /// carico with the actor as responsabile. At least one categoria sociale of the proposal (or of
    /// the existing case) must be managed by the actor's ufficio. Returns the case id.
    pub fn prendi_in_carico(
        &mut self,
        actor: &Actor,
        id: i64,
        today: time::Date,
    ) -> StoreResult<i64> {
        let actor = self.guard(actor, Op::AcceptProposta, None, "proposta")?;
        let p = self.proposta_in_scope(&actor, id, Op::AcceptProposta)?;
        let mut categorie = p.categorie.clone();
        if let Some(c) = p.caso_id.and_then(|c| self.store.caso(c).ok().flatten()) {
            categorie.extend(c.categorie);
        }
        self.check_managed(&actor, &categorie)?;
        self.store
            .gestisci_proposta(&actor, id, Gestione::PresaInCarico, &iso(today))
    }

    /// Vista: the person already has a case in the ente; the proposal is linked to it and marked
    /// seen. Returns the case id.
    pub fn proposta_vista(
        &mut self,
        actor: &Actor,
        id: i64,
        today: time::Date,
    ) -> StoreResult<i64> {
        let actor = self.guard(actor, Op::SeenProposta, None, "proposta")?;
        self.proposta_in_scope(&actor, id, Op::SeenProposta)?;
        self.store
            .gestisci_proposta(&actor, id, Gestione::Vista, &iso(today))
    }

    /// Respingi: refuses a proposal; the note is mandatory and the proposing operator sees it on
    /// their home screen.
    pub fn respingi_proposta(&mut self, actor: &Actor, id: i64, nota: &str) -> StoreResult<()> {
        let actor = self.guard(actor, Op::RefuseProposta, None, "proposta")?;
        self.proposta_in_scope(&actor, id, Op::RefuseProposta)?;
        let nota = nota.trim();
        if nota.is_empty() {
            return Err(StoreError::Invalid(
                "per respingere una proposta scrivere una nota per l'operatore che l'ha inviata"
                    .into(),
            ));
        }
        self.store.respingi_proposta(&actor, id, nota)
    }

    fn check_managed(&self, actor: &Actor, categorie: &[String]) -> StoreResult<()> {
        let managed = match actor.ufficio_id {
            Some(u) => self.store.categorie_ufficio(u)?,
            None => Vec::new(),
        };
        if categorie.iter().any(|c| managed.contains(c)) {
            return Ok(());
        }
        Err(StoreError::Invalid(
            "nessuna categoria sociale del caso è gestita dal proprio ufficio: chiedere all'amministratore o segnalare il caso all'ufficio competente".into(),
        ))
    }

    /// The cases the actor may see matching `filtro`. `audited` as in [`Service::proposte`].
    pub fn list_casi(
        &mut self,
        actor: &Actor,
        filtro: &FiltroCasi,
        audited: bool,
    ) -> StoreResult<Vec<Caso>> {
        let actor = self.guard(actor, Op::ListCasi, None, "casi")?;
        let rows = self.store.casi(&visibilita(&actor), filtro, MAX_CASI)?;
        if audited {
            self.read_ok(&actor, Op::ListCasi, "caso", None, "elenco")?;
        }
        Ok(rows)
    }

    /// Opens a case on one section (audited with the section; `audited` is false when the section
    /// already on screen refreshes itself). Health, disability and court sections need "dati
    /// riservati" (refusals audited); riservato diary entries of others read as
    /// [`DIARIO_RISERVATO`] without it.
    pub fn read_cartella(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        sezione: Sezione,
        audited: bool,
    ) -> StoreResult<Cartella> {
        let actor = self.guard(actor, Op::ReadCaso, None, "caso")?;
        let caso = self.caso_in_scope(&actor, caso_id, Op::ReadCaso)?;
        let accesso = self.accesso(&actor, caso_id)?;
        if !caso::SEZIONI_NASCOSTE_VISIBILI.contains(&sezione) {
            self.need_completo(&actor, Op::ReadCaso, caso_id, sezione.code())?;
        }
        if sezione.riservata() {
            self.need_riservati(&actor, Op::ReadCaso, &caso, sezione.code())?;
        }
        let riservati = self.holds_riservati(&actor, caso.ente_id)?;
        let s = &self.store;
        let contenuto = match sezione {
            Sezione::Anagrafica => {
                let p = s
                    .soggetto(caso.soggetto_id)?
                    .ok_or_else(|| StoreError::NotFound(format!("caso {caso_id}")))?;
                Contenuto::Anagrafica(Box::new(p), s.soggetto_storia(caso.soggetto_id)?)
            }
            Sezione::Risorse => Contenuto::Risorse(s.familiari(caso_id)?),
            Sezione::Operatori => Contenuto::Operatori(s.operatori_caso(caso_id)?),
            Sezione::Schede => Contenuto::Schede(s.schede_persona(caso.soggetto_id, &actor.enti)?),
            Sezione::Cronologia => Contenuto::Cronologia(s.steps(caso_id)?),
            Sezione::Diario => Contenuto::Diario(
                s.diario(caso_id)?
                    .into_iter()
                    .map(|mut d| {
                        if d.riservato && !riservati && d.autore != actor.username {
                            d.testo = DIARIO_RISERVATO.into();
                        }
                        d
                    })
                    .collect(),
            ),
            Sezione::Pai => Contenuto::Pai(s.pai(caso_id)?),
            Sezione::Isee => Contenuto::Isee(s.isee(caso_id)?),
            Sezione::Valutazioni => Contenuto::Valutazioni(s.valutazioni(caso_id)?),
            Sezione::Documenti => Contenuto::Documenti(
                s.documenti(caso_id)?
                    .into_iter()
                    .map(|mut d| {
                        if d.privato && !riservati {
                            d.titolo = DOCUMENTO_PRIVATO.into();
                            d.nome_file.clear();
                        }
                        d
                    })
                    .collect(),
            ),
            generic => Contenuto::Dati(s.cartella_dati(caso_id, generic.code())?),
        };
        let condivisioni = if sezione == Sezione::Operatori {
            s.condivisioni(caso_id)?
        } else {
            Vec::new()
        };
        let transizioni = if actor.can(Permission::WriteCartella) {
            s.transizioni(&caso.stato)?
                .into_iter()
                .filter(|t| allowed(&actor, t))
                .collect()
        } else {
            Vec::new()
        };
        let categorie = if sezione == Sezione::Anagrafica {
            s.categorie_caso(caso_id)?
        } else {
            Vec::new()
        };
        let por = match &contenuto {
            Contenuto::Schede(rows) => self.scheda_por(rows, riservati)?,
            _ => None,
        };
        let gestisce = sezione == Sezione::Operatori
            && accesso.gestione
            && actor.can(Permission::WriteCartella);
        let destinatari = if transizioni.is_empty() && !gestisce {
            Destinatari::default()
        } else {
            self.destinatari(caso.ente_id)?
        };
        let dalle_schede = if sezione == Sezione::Invalidita {
            self.store
                .sensibili_persona(caso.soggetto_id, &[caso.ente_id])?
                .into_iter()
                .map(|(numero, data_accesso, sensibili)| SchedaSensibili {
                    numero,
                    data_accesso,
                    sensibili,
                })
                .collect()
        } else {
            Vec::new()
        };
        if audited {
            self.read_ok(&actor, Op::ReadCaso, "caso", Some(caso_id), sezione.code())?;
        }
        Ok(Cartella {
            caso,
            sezione,
            contenuto,
            riservati,
            transizioni,
            destinatari,
            dalle_schede,
            accesso,
            condivisioni,
            por,
            categorie,
            liste: Default::default(),
        })
    }

    /// The newest of these schede that holds POR data, with those fields («vulnerabilità» only
    /// with "dati riservati").
    fn scheda_por(
        &self,
        schede: &[SchedaPersona],
        riservati: bool,
    ) -> StoreResult<Option<SchedaPor>> {
        for (id, numero, data, _) in schede.iter().take(50) {
            let Some(s) = self.store.scheda(*id)? else {
                continue;
            };
            let campi: Vec<(String, String)> = CAMPI_POR
                .iter()
                .filter(|c| riservati || **c != "por_vulnerabilita")
                .filter_map(|c| {
                    let v = match s.edit.dati.get(*c)? {
                        serde_json::Value::String(t) => t.trim().to_string(),
                        serde_json::Value::Number(n) => n.to_string(),
                        _ => return None,
                    };
                    (!v.is_empty()).then(|| (c.to_string(), v))
                })
                .collect();
            if !campi.is_empty() {
                return Ok(Some(SchedaPor {
                    numero: *numero,
                    data_accesso: data.clone(),
                    campi,
                }));
            }
        }
        Ok(None)
    }

    fn destinatari(&self, ente: i64) -> StoreResult<Destinatari> {
        let uffici = self
            .store
            .list_uffici(ente)?
            .into_iter()
            .filter(|u| u.attivo)
            .map(|u| (u.id, u.nome))
            .collect();
        let enti = self
            .store
            .list_enti()?
            .into_iter()
            .filter(|e| e.attivo && e.id != ente)
            .map(|e| (e.id, e.nome))
            .collect();
        let operatori = self
            .store
            .list_operatori()?
            .into_iter()
            .filter(|o| {
                o.attivo && o.enti.contains(&ente) && o.roles.allows(Permission::WriteCartella)
            })
            .map(|o| (o.username, format!("{} {}", o.cognome, o.nome)))
            .collect();
        Ok(Destinatari {
            uffici,
            enti,
            operatori,
        })
    }

    /// Changes the state of a case along a configured transition the actor's roles may make, with
    /// its target and attributes; Preso in carico needs a categoria sociale managed by the actor's
    /// ufficio and makes the actor the responsabile. Returns the case's new version.
    pub fn cambia_stato(&mut self, actor: &Actor, c: &CambioStato) -> StoreResult<i64> {
        let actor = self.guard(actor, Op::ChangeStato, None, "caso")?;
        let caso = self.caso_in_scope(&actor, c.caso_id, Op::ChangeStato)?;
        let t = self
            .store
            .transizioni(&caso.stato)?
            .into_iter()
            .find(|t| t.a == c.a);
        let Some(t) = t.filter(|t| allowed(&actor, t)) else {
            self.store.audit(
                &actor,
                &AuditEvent::new(Op::ChangeStato.rule().action, Outcome::Denied)
                    .on("caso", Some(caso.id))
                    .detail(format!(
                        "{} → {}: transizione non consentita",
                        caso.stato, c.a
                    )),
            )?;
            return Err(StoreError::Denied(format!(
                "il passaggio da «{}» a «{}» non è consentito al proprio ruolo",
                caso.stato_label, c.a
            )));
        };
        if let Some(msg) = caso::cambio_problem(&t, c) {
            return Err(StoreError::Invalid(msg));
        }
        if parse_iso(&c.data).is_none() {
            return Err(StoreError::Invalid(
                "indicare la data del cambio di stato".into(),
            ));
        }
        if c.a == caso::PRESO_IN_CARICO {
            self.check_managed(&actor, &caso.categorie)?;
        }
        self.store.cambia_stato(&actor, c)
    }

    /// A case the actor may change (visible to them), for the fascicolo writes.
    /// The actor's access to a case they see (the system account has every access).
    pub(super) fn accesso(&self, actor: &Actor, caso_id: i64) -> StoreResult<AccessoCaso> {
        if actor.operatore_id.is_none() {
            return Ok(AccessoCaso {
                gestione: true,
                completo: true,
            });
        }
        self.store.accesso_caso(caso_id, &visibilita(actor))
    }

    /// Refuses (and audits) what lies beyond anagrafica, operatori and cronologia when the case is
    /// only shared with the actor's unit with «nascondi informazioni».
    pub(super) fn need_completo(
        &mut self,
        actor: &Actor,
        op: Op,
        caso_id: i64,
        section: &str,
    ) -> StoreResult<()> {
        if self.accesso(actor, caso_id)?.completo {
            return Ok(());
        }
        self.store.audit(
            actor,
            &AuditEvent::new(op.rule().action, Outcome::Denied)
                .on("caso", Some(caso_id))
                .section(section)
                .detail("caso condiviso con «nascondi informazioni»"),
        )?;
        Err(StoreError::Denied(
            "il caso è condiviso con la propria unità senza le informazioni: si vedono solo anagrafica, operatori e cronologia"
                .into(),
        ))
    }

    /// The case, for an actor who may write its fascicolo ("gestione fascicolo"; refusals audited).
    pub(super) fn writable_caso(
        &mut self,
        actor: &Actor,
        op: Op,
        caso_id: i64,
    ) -> StoreResult<(Actor, Caso)> {
        let actor = self.guard(actor, op, None, "caso")?;
        let caso = self.caso_in_scope(&actor, caso_id, op)?;
        if !self.accesso(&actor, caso_id)?.gestione {
            self.store.audit(
                &actor,
                &AuditEvent::new(op.rule().action, Outcome::Denied)
                    .on("caso", Some(caso_id))
                    .detail("gestione del fascicolo non assegnata"),
            )?;
            return Err(StoreError::Denied(
                "il fascicolo di questo caso è gestito da altri operatori: chiedere al responsabile la «gestione del fascicolo»"
                    .into(),
            ));
        }
        Ok((actor, caso))
    }

    /// Saves a diary entry (new or edited; Conflict when someone saved it meanwhile). Only its
    /// author changes an entry.
    pub fn save_diario(&mut self, actor: &Actor, d: &Diario) -> StoreResult<(i64, i64)> {
        let (actor, _) = self.writable_caso(actor, Op::SaveDiario, d.caso_id)?;
        if let Some(msg) = caso::diario_problem(d) {
            return Err(StoreError::Invalid(msg));
        }
        if let Some(id) = d.id {
            let stored = self
                .store
                .diario(d.caso_id)?
                .into_iter()
                .find(|x| x.id == Some(id));
            match stored {
                None => return Err(StoreError::NotFound(format!("diario {id}"))),
                Some(s) if s.autore != actor.username => {
                    return Err(StoreError::Denied(
                        "solo l'autore può modificare una voce del diario".into(),
                    ));
                }
                Some(_) => {}
            }
        }
        self.store.save_diario(&actor, d)
    }

    /// Saves a PAI or progetto individuale (Conflict when someone saved it meanwhile).
    pub fn save_pai(&mut self, actor: &Actor, p: &Pai) -> StoreResult<(i64, i64)> {
        let (actor, _) = self.writable_caso(actor, Op::SavePai, p.caso_id)?;
        if let Some(msg) = caso::pai_problem(p) {
            return Err(StoreError::Invalid(msg));
        }
        self.store.save_pai(&actor, p)
    }

    /// Records an ISEE declaration.
    pub fn save_isee(&mut self, actor: &Actor, i: &Isee) -> StoreResult<i64> {
        let (actor, _) = self.writable_caso(actor, Op::SaveIsee, i.caso_id)?;
        if let Some(msg) = caso::isee_problem(i) {
            return Err(StoreError::Invalid(msg));
        }
        self.store.save_isee(&actor, i)
    }

    /// Records a valutazione filled with form `v.modulo` (a `valutazione_*` form) at version
    /// `v.modulo_versione`; it needs "dati riservati". The SINBA one is for minors only.
    pub fn save_valutazione(&mut self, actor: &Actor, v: &Valutazione) -> StoreResult<i64> {
        let (actor, caso) = self.writable_caso(actor, Op::SaveValutazione, v.caso_id)?;
        self.need_riservati(
            &actor,
            Op::SaveValutazione,
            &caso,
            Sezione::Valutazioni.code(),
        )?;
        let mut v = v.clone();
        if !v.modulo.starts_with(crate::forms::VALUTAZIONE_PREFIX) || v.modulo_versione == 0 {
            return Err(StoreError::Invalid(format!(
                "«{}» non è un modulo di valutazione",
                v.modulo
            )));
        }
        let Some(data) = parse_iso(&v.data) else {
            return Err(StoreError::Invalid(
                "indicare la data della valutazione".into(),
            ));
        };
        if !matches!(
            serde_json::from_str::<serde_json::Value>(&v.dati),
            Ok(serde_json::Value::Object(_))
        ) {
            return Err(StoreError::Invalid("valutazione senza dati".into()));
        }
        v.tipo = Valutazione::tipo_di(&v.modulo).to_string();
        if v.tipo == "sinba" {
            let nascita = self
                .store
                .soggetto(caso.soggetto_id)?
                .and_then(|p| p.data_nascita)
                .and_then(|d| parse_iso(&d));
            let minore = nascita.is_some_and(|n| {
                let eta = data.year()
                    - n.year()
                    - i32::from((data.month() as u8, data.day()) < (n.month() as u8, n.day()));
                eta < 18
            });
            if !minore {
                return Err(StoreError::Invalid(
                    "la valutazione SINBA riguarda i minori: la persona era maggiorenne alla data indicata"
                        .into(),
                ));
            }
        }
        self.store.add_valutazione(&actor, &v)
    }

    /// Adds a categoria sociale to the case, changes its prevalence, or ends it (`c.al`).
    pub fn set_categoria_caso(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        c: &CategoriaCaso,
    ) -> StoreResult<()> {
        let (actor, _) = self.writable_caso(actor, Op::SaveCartella, caso_id)?;
        if !self
            .store
            .codes("categoria_sociale")?
            .iter()
            .any(|k| k.codice == c.codice)
        {
            return Err(StoreError::Invalid(format!(
                "categoria sociale sconosciuta: {}",
                c.codice
            )));
        }
        if parse_iso(&c.dal).is_none() || c.al.as_deref().is_some_and(|a| parse_iso(a).is_none()) {
            return Err(StoreError::Invalid(
                "date della categoria non valide".into(),
            ));
        }
        self.store.set_categoria_caso(&actor, caso_id, c)
    }

    /// Adds a validity-dated row (fields as a JSON object) to a generic cartella section; sensitive
    /// sections need "dati riservati".
    pub fn save_cartella(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        sezione: Sezione,
        dati: &serde_json::Map<String, serde_json::Value>,
        dal: &str,
    ) -> StoreResult<i64> {
        let (actor, caso) = self.writable_caso(actor, Op::SaveCartella, caso_id)?;
        if !sezione.generica() {
            return Err(StoreError::Invalid(format!(
                "la sezione {} non si compila così",
                sezione.label()
            )));
        }
        if sezione.riservata() {
            self.need_riservati(&actor, Op::SaveCartella, &caso, sezione.code())?;
        }
        if parse_iso(dal).is_none() {
            return Err(StoreError::Invalid(
                "indicare la data di inizio validità".into(),
            ));
        }
        let json = serde_json::to_string(dati).unwrap_or_else(|_| "{}".into());
        self.store
            .add_cartella_dato(&actor, caso_id, sezione.code(), &json, dal)
    }

    /// Adds a member of the person's network (Risorse).
    pub fn add_familiare(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        f: &Familiare,
    ) -> StoreResult<i64> {
        let (actor, _) = self.writable_caso(actor, Op::SaveCartella, caso_id)?;
        if !matches!(f.tipo.as_str(), "convivente" | "familiare" | "amicale") {
            return Err(StoreError::Invalid(format!(
                "tipo di relazione sconosciuto: {}",
                f.tipo
            )));
        }
        if f.cognome.trim().is_empty() || f.nome.trim().is_empty() {
            return Err(StoreError::Invalid("indicare cognome e nome".into()));
        }
        self.store.add_familiare(&actor, caso_id, f)
    }
}
