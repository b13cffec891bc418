//! The SIUSS export (`sportello export siuss`, the TUI screen): the PS-PSA-SINA flow of the actor's
//! ente for a period, streamed to the operator's file while the store records what goes out, in
//! one transaction. Every record is built and checked by [`crate::domain::siuss`]; records with
//! problems are left out and listed per beneficiary. The file is written to a temporary name,
//! synced and renamed into place, its compressed copy kept in the data directory
//! (`siuss/<nome>.xml.gz`); only then are the erogazioni marked sent — an error or a cancellation
//! half-way leaves no file and marks nothing. `check` only reports.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::Service;
use super::rules::Op;
use crate::domain::Actor;
use crate::domain::siuss::{
    Beneficiario, Candidato, Contesto, EnteFlusso, Escluso, Esito, Generatore, Prestazione,
    check_ente,
};
use crate::export::siuss::{FlussoWriter, Uscita};
use crate::progress::Progress;
use crate::store::{
    FlussoScritto, FlussoSiuss, SiussLavoro, SiussSelezione, StoreError, StoreResult,
};

/// What the operator asks.
#[derive(Debug, Clone)]
pub struct RichiestaSiuss {
    /// The sending ente (one of the actor's); `None`: the actor's first ente.
    pub ente_id: Option<i64>,
    pub dal: String,
    pub al: String,
    /// The operator's codice fiscale (`CFOperatore`); else the setting `siuss.cf_operatore`.
    pub cf_operatore: Option<String>,
    /// The file to write; `None`: `--check`, nothing written or recorded.
    pub out: Option<PathBuf>,
    /// Where the compressed copy goes (`<data dir>/siuss`); `None`: not kept (in-memory databases).
    pub archivio: Option<PathBuf>,
    /// The day of the flow's name (`AAAAMMGG`).
    pub giorno: time::Date,
}

/// What an export did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EsitoSiuss {
    /// The flow's name (`None`: nothing to send or `--check`).
    pub nome: Option<String>,
    pub beneficiari: i64,
    pub record: i64,
    pub cancellazioni: i64,
    pub esclusi: Vec<Escluso>,
    pub sha256: String,
    pub size: i64,
    /// Time spent recording what is sent (its rows and their commit, milliseconds), apart from
    /// reading the erogazioni and writing the file.
    #[serde(default)]
    pub registrazione_ms: u64,
}

/// A temporary file and where it goes once complete.
struct Destinazione {
    tmp: PathBuf,
    out: PathBuf,
}

/// The export's work inside the store's transaction (see [`SiussLavoro`]).
struct Lavoro {
    ctx: Contesto,
    generatore: Generatore,
    ente: EnteFlusso,
    out: Option<PathBuf>,
    archivio: Option<PathBuf>,
    progress: Progress,
    writer: Option<FlussoWriter<Uscita>>,
    destinazioni: Vec<Destinazione>,
    /// The beneficiary being gathered: their records, in order.
    corrente: Option<(Beneficiario, Vec<Prestazione>)>,
    /// Cancellations under a codice fiscale no longer the person's: their own group.
    altri: Vec<(Beneficiario, Prestazione)>,
    esito: EsitoSiuss,
}

fn output_error(path: &Path, e: io::Error) -> StoreError {
    StoreError::Output(format!("impossibile scrivere {}: {e}", path.display()))
}

impl Lavoro {
    fn create(&mut self, out: &Path, operator: bool) -> StoreResult<File> {
        let tmp = crate::files::temp_beside(out).map_err(|e| output_error(out, e))?;
        let open = || crate::files::create_private(&tmp);
        let f = if operator {
            crate::files::as_operator(out, open)
        } else {
            open()
        }
        .map_err(|e| output_error(out, e))?;
        self.destinazioni.push(Destinazione {
            tmp,
            out: out.to_path_buf(),
        });
        Ok(f)
    }

    /// Writes the gathered beneficiary (and stray cancellations) to the file.
    fn flush_corrente(&mut self) -> StoreResult<()> {
        let mut groups: Vec<(Beneficiario, Vec<Prestazione>)> =
            self.corrente.take().into_iter().collect();
        for (b, p) in self.altri.drain(..) {
            groups.push((b, vec![p]));
        }
        for (b, recs) in groups {
            if recs.is_empty() {
                continue;
            }
            self.esito.beneficiari += 1;
            for r in &recs {
                if r.tipo_operazione.as_deref() == Some("C") {
                    self.esito.cancellazioni += 1;
                } else {
                    self.esito.record += 1;
                }
            }
            if let Some(w) = &mut self.writer {
                let refs: Vec<&Prestazione> = recs.iter().collect();
                let out = self.out.clone().unwrap_or_default();
                w.beneficiario(&b, &refs)
                    .map_err(|e| output_error(&out, e))?;
            }
        }
        Ok(())
    }

    fn remove_temporaries(&mut self) {
        for d in self.destinazioni.drain(..) {
            let _ = std::fs::remove_file(&d.tmp);
        }
    }
}

impl SiussLavoro for Lavoro {
    fn inizio(&mut self, nome: &str, candidati: usize) -> StoreResult<()> {
        self.esito.nome = Some(nome.to_string());
        self.progress.set_total(candidati as u64);
        let Some(out) = self.out.clone() else {
            return Ok(());
        };
        let file = self.create(&out, true)?;
        let copia = match self.archivio.clone() {
            Some(dir) => {
                std::fs::create_dir_all(&dir).map_err(|e| output_error(&dir, e))?;
                let path = dir.join(format!("{nome}.xml.gz"));
                Some(self.create(&path, false)?)
            }
            None => None,
        };
        let uscita = Uscita::start(file, copia);
        self.writer =
            Some(FlussoWriter::start(uscita, nome, &self.ente).map_err(|e| output_error(&out, e))?);
        Ok(())
    }

    fn candidato(&mut self, c: Candidato) -> StoreResult<Esito> {
        self.progress.check()?;
        self.progress.advance(1);
        let e = self.generatore.esito(&c, &self.ctx);
        if let Some(x) = &e.escluso {
            self.esito.esclusi.push(x.clone());
            return Ok(e);
        }
        let Some(b) = &e.beneficiario else {
            return Ok(e);
        };
        if self
            .corrente
            .as_ref()
            .is_some_and(|(cur, _)| cur.codice_fiscale != b.codice_fiscale)
        {
            self.flush_corrente()?;
        }
        let (cur_b, recs) = self
            .corrente
            .get_or_insert_with(|| (Beneficiario::clone(b), Vec::new()));
        // Cancellations first, then the records that replace them.
        for (_, old) in &e.annullati {
            if old.beneficiario.codice_fiscale == cur_b.codice_fiscale {
                recs.push(old.prestazione.clone());
            } else {
                self.altri
                    .push((old.beneficiario.clone(), old.prestazione.clone()));
            }
        }
        recs.extend(e.nuovi.iter().map(|n| n.prestazione.clone()));
        Ok(e)
    }

    fn registrato(&mut self, commit: std::time::Duration) {
        self.esito.registrazione_ms += commit.as_millis() as u64;
    }

    fn fine(&mut self, registrazione: std::time::Duration) -> StoreResult<FlussoScritto> {
        self.esito.registrazione_ms = registrazione.as_millis() as u64;
        self.flush_corrente()?;
        self.progress.check()?;
        if self.esito.beneficiari == 0 {
            return Err(StoreError::Invalid(
                "nessuna erogazione da inviare nel periodo".into(),
            ));
        }
        let mut scritto = FlussoScritto {
            beneficiari: self.esito.beneficiari,
            record: self.esito.record,
            cancellazioni: self.esito.cancellazioni,
            esclusi: self.esito.esclusi.len() as i64,
            ..Default::default()
        };
        let Some(w) = self.writer.take() else {
            return Ok(scritto);
        };
        let out = self.out.clone().unwrap_or_default();
        let (sha256, size) = w
            .finish()
            .and_then(Uscita::finish)
            .map_err(|e| output_error(&out, e))?;
        for d in &self.destinazioni {
            std::fs::rename(&d.tmp, &d.out).map_err(|e| output_error(&d.out, e))?;
        }
        scritto.sha256 = sha256;
        scritto.size = size as i64;
        scritto.archivio = self
            .archivio
            .as_ref()
            .and(self.esito.nome.as_ref())
            .map(|n| format!("siuss/{n}.xml.gz"));
        self.esito.sha256 = scritto.sha256.clone();
        self.esito.size = scritto.size;
        self.destinazioni.clear();
        Ok(scritto)
    }
}

impl Service<'_> {
    /// The SIUSS flow of the actor's ente for `r.dal`..=`r.al` (see the module doc). `progress`
    /// counts the erogazioni considered and stops the work when cancelled.
    pub fn export_siuss(
        &mut self,
        actor: &Actor,
        r: &RichiestaSiuss,
        progress: &Progress,
    ) -> StoreResult<EsitoSiuss> {
        let ente_id = match r.ente_id {
            Some(e) => e,
            None => super::ente_of(&self.live(actor, Op::ExportSiuss)?).unwrap_or(0),
        };
        let actor = self.guard(actor, Op::ExportSiuss, Some(ente_id), "flusso SIUSS")?;
        let (Some(dal), Some(al)) = (
            crate::domain::date::parse_iso(&r.dal),
            crate::domain::date::parse_iso(&r.al),
        ) else {
            return Err(StoreError::Invalid(
                "periodo non valido (AAAA-MM-GG)".into(),
            ));
        };
        if al < dal {
            return Err(StoreError::Invalid(
                "la data finale precede quella iniziale".into(),
            ));
        }
        let ente = self
            .store
            .ente(ente_id)?
            .ok_or_else(|| StoreError::NotFound(format!("ente {ente_id}")))?;
        let cf_operatore = match &r.cf_operatore {
            Some(cf) => Some(cf.trim().to_uppercase()),
            None => self.store.setting("siuss.cf_operatore")?,
        }
        .ok_or_else(|| {
            StoreError::Invalid(
                "indicare il codice fiscale dell'operatore che invia il flusso (--cf-operatore)"
                    .into(),
            )
        })?;
        let belfiore = ente.belfiore.clone().unwrap_or_default();
        let flusso = EnteFlusso {
            codice: belfiore.clone(),
            denominazione: Some(ente.nome.chars().take(100).collect()),
            indirizzo: belfiore.clone(),
            cf_operatore,
        };
        let problemi = check_ente(&flusso);
        if !problemi.is_empty() {
            return Err(StoreError::Invalid(problemi.join("; ")));
        }
        let istat: BTreeMap<String, String> = self
            .store
            .list_enti()?
            .into_iter()
            .filter_map(|e| Some((e.belfiore?, e.istat?)))
            .collect();
        let aree: BTreeMap<String, u8> = self
            .store
            .codes("categoria_sociale")?
            .into_iter()
            .filter_map(|c| Some((c.codice, c.gruppo?.parse().ok()?)))
            .collect();
        let mut lavoro = Lavoro {
            ctx: Contesto {
                ente_belfiore: belfiore,
                istat,
                aree,
            },
            generatore: Generatore::default(),
            ente: flusso,
            out: r.out.clone(),
            archivio: r.out.as_ref().and(r.archivio.clone()),
            progress: progress.clone(),
            writer: None,
            destinazioni: Vec::new(),
            corrente: None,
            altri: Vec::new(),
            esito: EsitoSiuss::default(),
        };
        let sel = SiussSelezione {
            ente_id,
            dal: r.dal.clone(),
            al: r.al.clone(),
            giorno: format!(
                "{:04}{:02}{:02}",
                r.giorno.year(),
                u8::from(r.giorno.month()),
                r.giorno.day()
            ),
            registra: r.out.is_some(),
        };
        let result = self.store.siuss_export(&actor, &sel, &mut lavoro);
        // Whatever happened, no temporary file stays behind (after a success there is none).
        lavoro.remove_temporaries();
        let mut esito = lavoro.esito;
        match result {
            Ok(_) if r.out.is_none() => {
                esito.nome = None;
                Ok(esito)
            }
            Ok(_) => Ok(esito),
            Err(StoreError::Invalid(m)) if esito.beneficiari == 0 && m.starts_with("nessuna") => {
                esito.nome = None;
                Ok(esito)
            }
            Err(e) => {
                if let (Some(out), Some(_)) = (&r.out, &esito.nome)
                    && !esito.sha256.is_empty()
                {
                    // Written and renamed but not recorded (the commit failed): not a flow.
                    let _ = std::fs::remove_file(out);
                }
                Err(e)
            }
        }
    }

    /// The last SIUSS flows of the actor's enti.
    pub fn siuss_flussi(&mut self, actor: &Actor, limit: usize) -> StoreResult<Vec<FlussoSiuss>> {
        let actor = self.guard(actor, Op::ListSiuss, None, "flussi SIUSS")?;
        self.store.siuss_flussi(&actor.enti, limit)
    }
}
