//! Interventi and erogazioni behind permissions: the nomenclatore (picker lists, the SIUSS table
//! and its import, the ente's own tree), progetti, interventi with their fogli amministrativi,
//! erogazioni (checked with [`crate::domain::erogazioni::problemi_erogazione`], linked to the
//! person's case), the search with totals and its export. The SIUSS flow is in [`super::siuss`].

use std::path::Path;

use super::Service;
use super::rules::{Op, in_ente};
use crate::domain::codici::ImportCounts;
use crate::domain::date::parse_iso;
use crate::domain::erogazioni::{
    Erogazione, ErogazioneElenco, FiltroErogazioni, Foglio, Intervento, NuovoTipo,
    PrestazioneSiuss, Progetto, TipoIntervento, problemi_erogazione, problemi_intervento,
};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::export::{Cell, Format, Table};
use crate::store::{StoreError, StoreResult};

/// Most erogazioni a search returns.
pub const MAX_EROGAZIONI: usize = 5_000;

/// Most persons a beneficiary typed in the search filter stands for.
pub const MAX_PERSONE: usize = 50;

/// The nomenclatore a picker shows: ISTAT classes, the ente's own tree, the SIUSS table, and the
/// tipi most used for the categoria first.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Nomenclatore {
    pub tipi: Vec<TipoIntervento>,
    pub prestazioni: Vec<PrestazioneSiuss>,
    pub progetti: Vec<Progetto>,
    /// Ids of [`Nomenclatore::tipi`], most used for the categoria first.
    pub frequenti: Vec<i64>,
}

/// Reads a SIUSS prestazioni CSV: header with `codice` and `denominazione` (optionally
/// `richiede_sina`, `solo_in_carico`, `non_esportare`, `attivo` as sì/no), `;` or `,` separated.
pub fn parse_prestazioni_csv(text: &str) -> Result<Vec<PrestazioneSiuss>, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => return Err(vec![format!("intestazione illeggibile: {e}")]),
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(ci), Some(di)) = (col("codice"), col("denominazione")) else {
        return Err(vec![
            "l'intestazione deve avere le colonne «codice» e «denominazione»".into(),
        ]);
    };
    let flags = [
        col("richiede_sina"),
        col("solo_in_carico"),
        col("non_esportare"),
        col("attivo"),
    ];
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("riga {line}: {e}"));
                continue;
            }
        };
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        let codice = get(Some(ci)).to_uppercase();
        let denominazione = get(Some(di)).to_string();
        let code_ok = (5..=10).contains(&codice.len())
            && codice
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.');
        if !code_ok {
            errors.push(format!(
                "riga {line}: codice «{}» non valido (es. A1.04, da 5 a 10 caratteri)",
                crate::sanitize::sanitize(&codice)
            ));
            continue;
        }
        if !(10..=200).contains(&denominazione.chars().count()) {
            errors.push(format!(
                "riga {line}: la denominazione deve avere da 10 a 200 caratteri"
            ));
            continue;
        }
        let mut values = [false, false, false, true];
        let mut bad = false;
        for (v, i) in values.iter_mut().zip(flags) {
            match get(i).to_lowercase().as_str() {
                "" => {}
                "1" | "si" | "sì" | "true" => *v = true,
                "0" | "no" | "false" => *v = false,
                other => {
                    errors.push(format!(
                        "riga {line}: valore «{}» non valido (sì/no)",
                        crate::sanitize::sanitize(other)
                    ));
                    bad = true;
                }
            }
        }
        if bad {
            continue;
        }
        rows.push(PrestazioneSiuss {
            codice,
            version: 0,
            denominazione: Some(crate::sanitize::sanitize(&denominazione)),
            richiede_sina: values[0],
            solo_in_carico: values[1],
            non_esportare: values[2],
            attivo: values[3],
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn invalid(problemi: Vec<String>) -> StoreResult<()> {
    if problemi.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problemi.join("; ")))
    }
}

impl Service<'_> {
    /// The nomenclatore of the actor's ente, with the tipi most used for `categoria` first.
    pub fn nomenclatore(
        &mut self,
        actor: &Actor,
        categoria: Option<&str>,
    ) -> StoreResult<Nomenclatore> {
        let actor = self.guard(actor, Op::ListNomenclatore, None, "nomenclatore")?;
        let ente = actor.ente();
        let frequenti = match (ente, categoria) {
            (Some(e), Some(c)) => self.store.tipi_frequenti(e, c, 10)?,
            _ => Vec::new(),
        };
        Ok(Nomenclatore {
            tipi: self.store.tipi_intervento(ente)?,
            prestazioni: self.store.prestazioni_siuss()?,
            progetti: match ente {
                Some(e) => self.store.progetti(e)?,
                None => Vec::new(),
            },
            frequenti,
        })
    }

    /// Loads (adds or updates) SIUSS prestazioni from the official table.
    pub fn import_prestazioni_siuss(
        &mut self,
        actor: &Actor,
        rows: &[PrestazioneSiuss],
    ) -> StoreResult<ImportCounts> {
        let actor = self.guard(actor, Op::ImportPrestazioniSiuss, None, "prestazioni SIUSS")?;
        self.store.import_prestazioni_siuss(&actor, rows)
    }

    /// Adds a node to the ente's own tree of tipi di intervento, mapped to an ISTAT class and a
    /// SIUSS code.
    pub fn add_tipo_intervento(&mut self, actor: &Actor, t: &NuovoTipo) -> StoreResult<i64> {
        let actor = self.guard(
            actor,
            Op::AddTipoIntervento,
            Some(t.ente_id),
            "nomenclatore",
        )?;
        if t.codice.trim().is_empty() || t.etichetta.trim().is_empty() {
            return Err(StoreError::Invalid(
                "codice ed etichetta del tipo di intervento sono obbligatori".into(),
            ));
        }
        if let Some(istat) = t.istat_id {
            match self.store.tipo_intervento(istat)? {
                Some(c) if c.famiglia == "istat" => {}
                _ => {
                    return Err(StoreError::Invalid(format!(
                        "classe ISTAT {istat} inesistente"
                    )));
                }
            }
        }
        self.known_siuss(t.siuss_codice.as_deref())?;
        self.store.add_tipo_intervento(&actor, t)
    }

    /// The tipo di intervento that stands for SIUSS prestazione `code` in the actor's ente: the
    /// node of its own tree with that code and SIUSS code, made (audited, like any node) the first
    /// time the prestazione is chosen as a tipo — the third family of the nomenclatore.
    pub fn tipo_da_siuss(&mut self, actor: &Actor, code: &str) -> StoreResult<i64> {
        let ente = super::ente_of(&self.live(actor, Op::AddTipoIntervento)?).unwrap_or(0);
        let actor = self.guard(actor, Op::AddTipoIntervento, Some(ente), "nomenclatore")?;
        let Some(p) = self
            .store
            .prestazioni_siuss()?
            .into_iter()
            .find(|p| p.codice == code && p.attivo)
        else {
            return Err(StoreError::Invalid(format!(
                "codice prestazione SIUSS «{}» sconosciuto",
                crate::sanitize::sanitize(code)
            )));
        };
        let existing = self
            .store
            .tipi_intervento(Some(ente))?
            .into_iter()
            .find(|t| t.ente_id == Some(ente) && t.codice == code);
        match existing {
            Some(t) if t.siuss_codice.as_deref() == Some(code) => return Ok(t.id),
            Some(_) => {
                return Err(StoreError::Invalid(format!(
                    "il codice {} è già usato nel nomenclatore dell'ente per un altro tipo: sceglierlo da lì",
                    crate::sanitize::sanitize(code)
                )));
            }
            None => {}
        }
        let etichetta = p
            .denominazione
            .unwrap_or_else(|| format!("Prestazione SIUSS {code}"));
        self.store.add_tipo_intervento(
            &actor,
            &NuovoTipo {
                ente_id: ente,
                codice: code.to_string(),
                etichetta: etichetta.chars().take(200).collect(),
                parent_id: None,
                istat_id: None,
                siuss_codice: Some(code.to_string()),
                unita_misura: None,
            },
        )
    }

    fn known_siuss(&self, code: Option<&str>) -> StoreResult<()> {
        if let Some(code) = code
            && !self
                .store
                .prestazioni_siuss()?
                .iter()
                .any(|p| p.codice == code)
        {
            return Err(StoreError::Invalid(format!(
                "codice prestazione SIUSS «{}» sconosciuto",
                crate::sanitize::sanitize(code)
            )));
        }
        Ok(())
    }

    /// Adds a progetto of the ente.
    pub fn add_progetto(&mut self, actor: &Actor, p: &Progetto) -> StoreResult<i64> {
        let actor = self.guard(actor, Op::AddProgetto, Some(p.ente_id), "progetto")?;
        if p.codice.trim().is_empty() || p.titolo.trim().is_empty() {
            return Err(StoreError::Invalid(
                "codice e titolo del progetto sono obbligatori".into(),
            ));
        }
        self.store.add_progetto(&actor, p)
    }

    /// A tipo usable by the ente: an ISTAT class or a node of its own tree.
    fn tipo_of(&self, ente: i64, id: i64) -> StoreResult<TipoIntervento> {
        match self.store.tipo_intervento(id)? {
            Some(t) if t.ente_id.is_none() || t.ente_id == Some(ente) => Ok(t),
            _ => Err(StoreError::Invalid(format!(
                "tipo di intervento {id} inesistente"
            ))),
        }
    }

    /// Saves an intervento (new when `i.id` is `None`, in the actor's ente); linked to the person's
    /// case in the ente when there is one. Returns (id, version).
    pub fn save_intervento(&mut self, actor: &Actor, i: &Intervento) -> StoreResult<(i64, i64)> {
        let mut i = i.clone();
        let ente = match i.id {
            Some(id) => {
                let old = self.store.intervento(id)?;
                old.map_or(0, |o| o.ente_id)
            }
            None => super::ente_of(&self.live(actor, Op::SaveIntervento)?).unwrap_or(0),
        };
        let what = format!("intervento {}", i.id.unwrap_or(0));
        let actor = self.guard(actor, Op::SaveIntervento, Some(ente), &what)?;
        if ente == 0 {
            return Err(StoreError::NotFound(what));
        }
        i.ente_id = ente;
        invalid(problemi_intervento(&i))?;
        self.tipo_of(ente, i.tipo_id)?;
        if self.store.soggetto(i.soggetto_id)?.is_none() {
            return Err(StoreError::NotFound(format!("persona {}", i.soggetto_id)));
        }
        i.caso_id = self.store.caso_di(i.soggetto_id, ente)?;
        self.store.save_intervento(&actor, &i)
    }

    /// An intervento of the actor's enti with its fogli amministrativi (audited).
    pub fn read_intervento(
        &mut self,
        actor: &Actor,
        id: i64,
    ) -> StoreResult<(Intervento, Vec<Foglio>)> {
        let what = format!("intervento {id}");
        let i = self.store.intervento(id)?;
        let actor = self.guard(
            actor,
            Op::ReadIntervento,
            i.as_ref().map(|i| i.ente_id),
            &what,
        )?;
        let i = i.ok_or(StoreError::NotFound(what))?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ReadIntervento.rule().action, Outcome::Ok)
                .on("intervento", Some(id)),
        )?;
        let fogli = self.store.fogli(id)?;
        Ok((i, fogli))
    }

    /// The interventi of a person in the actor's enti, newest first (audited): where a foglio
    /// amministrativo is added.
    pub fn interventi(&mut self, actor: &Actor, soggetto_id: i64) -> StoreResult<Vec<Intervento>> {
        let actor = self.guard(actor, Op::ListInterventi, None, "interventi")?;
        let rows = self.store.interventi_di(soggetto_id, &actor.enti)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ListInterventi.rule().action, Outcome::Ok)
                .on("soggetto", Some(soggetto_id))
                .detail(format!("{} interventi", rows.len())),
        )?;
        Ok(rows)
    }

    /// Adds a foglio amministrativo (valutazione, graduatoria, attivazione, sospensione, chiusura
    /// with motivo) to an intervento read at `version`.
    pub fn add_foglio(&mut self, actor: &Actor, f: &Foglio, version: i64) -> StoreResult<i64> {
        let what = format!("intervento {}", f.intervento_id);
        let i = self.store.intervento(f.intervento_id)?;
        let actor = self.guard(actor, Op::AddFoglio, i.as_ref().map(|i| i.ente_id), &what)?;
        if i.is_none() {
            return Err(StoreError::NotFound(what));
        }
        let mut p = Vec::new();
        if !["V", "G", "A", "S", "C"].contains(&f.tipo.as_str()) {
            p.push("tipo di foglio non valido (V, G, A, S, C)".to_string());
        }
        if parse_iso(&f.data).is_none() {
            p.push("data amministrativa non valida".into());
        }
        if f.tipo == "C" && f.dettaglio.as_deref().is_none_or(|m| m.trim().is_empty()) {
            p.push("la chiusura richiede il motivo".into());
        }
        if f.fascia
            .as_deref()
            .is_some_and(|x| !["I", "II", "III"].contains(&x))
        {
            p.push("fascia di graduatoria non valida (I, II, III)".into());
        }
        invalid(p)?;
        self.store.add_foglio(&actor, f, version)
    }

    /// Saves an erogazione with its rows (new when `e.id` is `None`, in the actor's ente): checked,
    /// its SIUSS code taken from the tipo when not given, linked to the person's case. Conflict if
    /// someone saved it meanwhile. Returns (id, version).
    pub fn save_erogazione(&mut self, actor: &Actor, e: &Erogazione) -> StoreResult<(i64, i64)> {
        let mut e = e.clone();
        let ente = match e.id {
            Some(id) => self.store.erogazione(id)?.map_or(0, |o| o.ente_id),
            None => super::ente_of(&self.live(actor, Op::SaveErogazione)?).unwrap_or(0),
        };
        let what = format!("erogazione {}", e.id.unwrap_or(0));
        let actor = self.guard(actor, Op::SaveErogazione, Some(ente), &what)?;
        if ente == 0 {
            return Err(StoreError::NotFound(what));
        }
        e.ente_id = ente;
        let tipo = self.tipo_of(ente, e.tipo_id)?;
        if e.siuss_codice.is_none() {
            e.siuss_codice = tipo.siuss_codice.clone();
        }
        if e.unita_misura.is_none() {
            e.unita_misura = tipo.unita_misura.clone();
        }
        if e.prova_mezzi == 2 || e.prova_mezzi == 4 {
            (e.dsu_protocollo, e.dsu_anno, e.dsu_data) = (None, None, None);
        }
        invalid(problemi_erogazione(&e))?;
        self.known_siuss(e.siuss_codice.as_deref())?;
        if self.store.soggetto(e.soggetto_id)?.is_none() {
            return Err(StoreError::NotFound(format!("persona {}", e.soggetto_id)));
        }
        if let Some(i) = e.intervento_id {
            match self.store.intervento(i)? {
                Some(int) if int.ente_id == ente && int.soggetto_id == e.soggetto_id => {}
                _ => return Err(StoreError::NotFound(format!("intervento {i}"))),
            }
        }
        e.caso_id = self.store.caso_di(e.soggetto_id, ente)?;
        self.store.save_erogazione(&actor, &e)
    }

    /// An erogazione of the actor's enti with its rows (audited).
    pub fn read_erogazione(&mut self, actor: &Actor, id: i64) -> StoreResult<Erogazione> {
        let what = format!("erogazione {id}");
        let e = self.store.erogazione(id)?;
        let actor = self.guard(
            actor,
            Op::ReadErogazione,
            e.as_ref().map(|e| e.ente_id),
            &what,
        )?;
        let e = e.ok_or(StoreError::NotFound(what))?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ReadErogazione.rule().action, Outcome::Ok)
                .on("erogazione", Some(id)),
        )?;
        Ok(e)
    }

    /// The store's search; a beneficiary typed as text ([`FiltroErogazioni::persona`]) is the
    /// persons it matches in the anagrafe (at most [`MAX_PERSONE`]), newest erogazioni first.
    fn cerca(
        &self,
        actor: &Actor,
        filtro: &FiltroErogazioni,
    ) -> StoreResult<Vec<ErogazioneElenco>> {
        let Some(text) = filtro.persona.as_deref().filter(|t| !t.trim().is_empty()) else {
            return self
                .store
                .cerca_erogazioni(&actor.enti, filtro, MAX_EROGAZIONI);
        };
        let today = crate::domain::date::today();
        let mut rows = Vec::new();
        for id in self.persons_matching(text, MAX_PERSONE, today)? {
            let one = FiltroErogazioni {
                soggetto_id: Some(id),
                ..filtro.clone()
            };
            rows.extend(
                self.store
                    .cerca_erogazioni(&actor.enti, &one, MAX_EROGAZIONI)?,
            );
        }
        rows.sort_by(|a, b| b.dal.cmp(&a.dal).then(b.id.cmp(&a.id)));
        rows.truncate(MAX_EROGAZIONI);
        Ok(rows)
    }

    /// The erogazioni of the actor's enti matching the filter, with totals (audited).
    pub fn search_erogazioni(
        &mut self,
        actor: &Actor,
        filtro: &FiltroErogazioni,
    ) -> StoreResult<Vec<ErogazioneElenco>> {
        let actor = self.guard(actor, Op::SearchErogazioni, None, "erogazioni")?;
        let rows = self.cerca(&actor, filtro)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::SearchErogazioni.rule().action, Outcome::Ok)
                .on("erogazione", None)
                .detail(format!("{} risultati", rows.len())),
        )?;
        Ok(rows
            .into_iter()
            .filter(|r| in_ente(&actor, r.ente_id))
            .collect())
    }

    /// Writes the erogazioni of a period (rows dated `dal`..=`al`) to a CSV or XLSX file, with a
    /// totals row. Returns how many erogazioni.
    pub fn export_erogazioni(
        &mut self,
        actor: &Actor,
        filtro: &FiltroErogazioni,
        format: Format,
        out: &Path,
    ) -> StoreResult<usize> {
        let actor = self.guard(actor, Op::ExportErogazioni, None, "erogazioni")?;
        if format == Format::Pdf {
            return Err(StoreError::Invalid(
                "le erogazioni si esportano in csv o xlsx".into(),
            ));
        }
        let rows = self.cerca(&actor, filtro)?;
        let date = |d: &str| parse_iso(d).map_or(Cell::Empty, Cell::Date);
        let mut totale = crate::domain::erogazioni::Totali::default();
        let mut table = Table {
            title: "Erogazioni".into(),
            columns: [
                "ID",
                "Cognome",
                "Nome",
                "Codice fiscale",
                "Tipo intervento",
                "Codice SIUSS",
                "Progetto",
                "Erogatore",
                "Dal",
                "Al",
                "Operazioni",
                "Spesa",
                "Comp. utente",
                "Comp. SSN",
                "Altre comp.",
                "Quota ente",
                "Inviata a SIUSS",
            ]
            .map(String::from)
            .to_vec(),
            rows: Vec::new(),
        };
        for r in &rows {
            totale.add(&r.totali);
            let t = |s: &Option<String>| Cell::Text(s.clone().unwrap_or_default());
            table.rows.push(vec![
                Cell::Int(r.id),
                Cell::Text(r.cognome.clone()),
                Cell::Text(r.nome.clone()),
                t(&r.codice_fiscale),
                Cell::Text(r.tipo.clone()),
                t(&r.siuss_codice),
                t(&r.progetto),
                t(&r.erogatore),
                date(&r.dal),
                date(&r.al),
                Cell::Int(r.righe),
                Cell::Money(r.totali.spesa),
                Cell::Money(r.totali.utente),
                Cell::Money(r.totali.ssn),
                Cell::Money(r.totali.altre),
                Cell::Money(r.totali.ente),
                Cell::Text(if r.esportata { "sì" } else { "no" }.into()),
            ]);
        }
        let mut tot = vec![Cell::Empty; 11];
        tot[1] = Cell::Text("Totale".into());
        tot.extend([
            Cell::Money(totale.spesa),
            Cell::Money(totale.utente),
            Cell::Money(totale.ssn),
            Cell::Money(totale.altre),
            Cell::Money(totale.ente),
        ]);
        table.rows.push(tot);
        crate::export::write(&table, format, out).map_err(|e| StoreError::Output(e.to_string()))?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ExportErogazioni.rule().action, Outcome::Ok)
                .on("erogazione", None)
                .detail(format!("{} erogazioni", rows.len())),
        )?;
        Ok(rows.len())
    }
}
