//! The SIUSS PS-PSA-SINA flow to INPS (shared/domain/siuss/SIUSS-EXPORT.md), as typed values: the
//! ente, the beneficiary and the benefit records of the 201812 schema, built from erogazioni and
//! checked here, in Rust, against the schema's restrictions (lengths, enumerations, patterns,
//! required attributes) and the INPS rules. A record with any problem is not written; its problems
//! are listed in Italian for the operator. The XML itself is written by `crate::export::siuss`.
//!
//! Choices (README, "SIUSS"): periodic records are split per calendar year and carry **monthly**
//! quotas that add up to `ImportoMensile` (the INPS reading of §5.5); a record already sent is
//! matched on the beneficiary's codice fiscale, the ente's code, `CodicePrestazione` and
//! `DataInizioPrestazione` (or `DataErogazionePrestazione`) — to confirm with INPS — and when its
//! content changes it goes out again as `TipoOperazione="C"` followed by the new record.

mod check;
mod records;

use std::collections::BTreeMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::domain::erogazioni::{Erogazione, PrestazioneSiuss, Sina};
pub use check::{cf_pattern, check_beneficiario, check_ente, check_prestazione, check_sina};
pub use records::{beneficiario, mesi, prestazioni};

/// The sending ente (`IdentificazioneFlusso/Ente`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnteFlusso {
    /// The ente's code at INPS (its Belfiore code).
    pub codice: String,
    pub denominazione: Option<String>,
    /// Belfiore code of the ente's seat (not a street address).
    pub indirizzo: String,
    pub cf_operatore: String,
}

/// `Beneficiario`: codice fiscale, `Anagrafica` and one `Indirizzo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Beneficiario {
    pub codice_fiscale: String,
    pub cognome: String,
    pub nome: String,
    pub anno_nascita: String,
    pub luogo_nascita: String,
    /// `1` male, `2` female.
    pub genere: String,
    pub cittadinanza: String,
    pub seconda_cittadinanza: Option<String>,
    pub regione: Option<String>,
    pub comune: Option<String>,
    pub nazione: String,
}

/// The period of a benefit record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Periodo {
    /// `CaratterePrestazione="1"`: start and end in the same year, months 1–12, monthly amount.
    Periodico {
        inizio: String,
        fine: String,
        mesi: u8,
        mensile_cents: i64,
        /// Whole hours a month, for services measured in hours.
        ore_mensili: Option<i64>,
    },
    /// `CaratterePrestazione="2"`: one payment.
    Occasionale { data: String, importo_cents: i64 },
}

/// One `PrestazioniSociali` record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Prestazione {
    /// `Some("C")`: the cancellation of a record sent before.
    pub tipo_operazione: Option<String>,
    pub prova_mezzi: u8,
    /// Protocol, year and date of the DSU (only with `PresenzaProvaMezzi=1`).
    pub dsu: Option<(String, String, String)>,
    pub codice: String,
    pub denominazione: String,
    pub protocollo_domanda: String,
    pub data_evento: Option<String>,
    pub periodo: Periodo,
    /// Quotas in cents: monthly for periodic records, of the amount for occasional ones.
    pub quota_ente: Option<i64>,
    pub quota_utente: Option<i64>,
    pub quota_ssn: Option<i64>,
    /// 1 in charge, 2 not.
    pub presa_carico: u8,
    pub area_utenza: Option<u8>,
    pub sina: Option<Sina>,
}

/// A record as kept after sending: enough to send its cancellation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inviato {
    pub beneficiario: Beneficiario,
    pub prestazione: Prestazione,
}

/// A record sent before and not cancelled, as the store keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordInviato {
    pub id: i64,
    pub chiave: String,
    pub impronta: String,
    /// JSON of [`Inviato`].
    pub contenuto: String,
}

/// The person of an erogazione as the anagrafe knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Persona {
    pub codice_fiscale: Option<String>,
    pub cf_provvisorio: bool,
    pub cognome: String,
    pub nome: String,
    pub sesso: Option<String>,
    pub data_nascita: Option<String>,
    pub luogo_nascita: Option<String>,
    pub cittadinanza: Option<String>,
    pub cittadinanza2: Option<String>,
    /// Belfiore code of the comune (or `Z` code of the state) of residence.
    pub res_comune: Option<String>,
}

/// One erogazione to consider for a flow: its header and delivered rows up to the end of the
/// period, the SIUSS code's row, the person and the records already sent for it.
#[derive(Debug, Clone, Default)]
pub struct Candidato {
    pub erogazione: Erogazione,
    pub prestazione: Option<PrestazioneSiuss>,
    pub persona: Persona,
    pub inviati: Vec<RecordInviato>,
}

/// What the flow needs to know beyond an erogazione: the ente's Belfiore code, ISTAT codes of
/// comuni by Belfiore code, the SIUSS area of each categoria sociale.
#[derive(Debug, Clone, Default)]
pub struct Contesto {
    pub ente_belfiore: String,
    pub istat: BTreeMap<String, String>,
    pub aree: BTreeMap<String, u8>,
}

/// An erogazione left out of the flow and why (Italian).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Escluso {
    pub erogazione_id: i64,
    /// "COGNOME NOME (CF)".
    pub beneficiario: String,
    pub motivi: Vec<String>,
}

/// A new record of the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nuovo {
    pub prestazione: Prestazione,
}

impl Nuovo {
    /// What the store keeps of the record once sent: its match key ([`chiave`]), its content
    /// (JSON of [`Inviato`], enough to send its cancellation later) and the content's fingerprint
    /// ([`impronta`]). Computed only when recording (or comparing), not while checking.
    pub fn registrazione(
        &self,
        beneficiario: &Beneficiario,
        ente: &str,
    ) -> (String, String, String) {
        let c = contenuto(beneficiario, &self.prestazione);
        let i = impronta(&c);
        (chiave(beneficiario, ente, &self.prestazione), c, i)
    }
}

/// What one erogazione gives to the flow.
#[derive(Debug, Clone, Default)]
pub struct Esito {
    /// The beneficiary of the new records (shared by all the erogazioni of a person).
    pub beneficiario: Option<Arc<Beneficiario>>,
    /// New records.
    pub nuovi: Vec<Nuovo>,
    /// Records sent before to cancel (ids in the store) with their content.
    pub annullati: Vec<(i64, Inviato)>,
    pub escluso: Option<Escluso>,
}

/// The matching key of a record: CF, ente, CodicePrestazione, start or payment date.
pub fn chiave(b: &Beneficiario, ente: &str, p: &Prestazione) -> String {
    let data = match &p.periodo {
        Periodo::Periodico { inizio, .. } => inizio,
        Periodo::Occasionale { data, .. } => data,
    };
    format!("{}|{ente}|{}|{data}", b.codice_fiscale, p.codice)
}

/// [`Inviato`] borrowed: the same JSON, without copying the beneficiary for every record.
#[derive(serde::Serialize)]
struct InviatoRef<'a> {
    beneficiario: &'a Beneficiario,
    prestazione: &'a Prestazione,
}

/// The JSON of [`Inviato`] for a record (what the store keeps of it).
pub fn contenuto(beneficiario: &Beneficiario, prestazione: &Prestazione) -> String {
    serde_json::to_string(&InviatoRef {
        beneficiario,
        prestazione,
    })
    .unwrap_or_default()
}

/// The fingerprint of a record's content: the first 16 bytes of the SHA-256 of [`contenuto`], in hex.
pub fn impronta(contenuto: &str) -> String {
    hex::encode(&Sha256::digest(contenuto.as_bytes())[..16])
}

/// What one erogazione gives to the flow: its new records, the records sent before that they
/// replace or that no longer exist (cancelled with `TipoOperazione="C"`), or its exclusion.
pub fn esito(c: &Candidato, ctx: &Contesto) -> Esito {
    esito_di(c, ctx, beneficiario(&c.persona, ctx).map(Arc::new))
}

/// Builds the records of candidates that come in codice fiscale order: the beneficiary of a person
/// is built and checked once for all of their erogazioni.
#[derive(Debug, Default)]
pub struct Generatore {
    ultimo: Option<(Persona, BeneficiarioOProblemi)>,
}

/// A person's beneficiary (shared by their records) or the problems that keep them out.
type BeneficiarioOProblemi = Result<Arc<Beneficiario>, Vec<String>>;

impl Generatore {
    /// As [`esito`].
    pub fn esito(&mut self, c: &Candidato, ctx: &Contesto) -> Esito {
        let b = match &self.ultimo {
            Some((p, b)) if *p == c.persona => b.clone(),
            _ => {
                let b = beneficiario(&c.persona, ctx).map(Arc::new);
                self.ultimo = Some((c.persona.clone(), b.clone()));
                b
            }
        };
        esito_di(c, ctx, b)
    }
}

/// [`esito`] with the beneficiary already built from `c.persona`.
fn esito_di(c: &Candidato, ctx: &Contesto, b: BeneficiarioOProblemi) -> Esito {
    let id = c.erogazione.id.unwrap_or(0);
    let chi = || {
        format!(
            "{} {} ({})",
            c.persona.cognome,
            c.persona.nome,
            c.persona
                .codice_fiscale
                .as_deref()
                .unwrap_or("senza codice fiscale")
        )
    };
    let built = b.and_then(|b| {
        let recs = prestazioni(c, ctx)?;
        Ok((b, recs))
    });
    let (b, recs) = match built {
        Ok(x) => x,
        Err(motivi) => {
            return Esito {
                escluso: Some(Escluso {
                    erogazione_id: id,
                    beneficiario: chi(),
                    motivi,
                }),
                ..Default::default()
            };
        }
    };
    let mut out = Esito::default();
    let mut nuovi: Vec<Nuovo> = recs.into_iter().map(|p| Nuovo { prestazione: p }).collect();
    // Keys and fingerprints only to compare with the records sent before, when there are any.
    let registrati: Vec<(String, String)> = if c.inviati.is_empty() {
        Vec::new()
    } else {
        nuovi
            .iter()
            .map(|n| {
                let (k, _, f) = n.registrazione(&b, &ctx.ente_belfiore);
                (k, f)
            })
            .collect()
    };
    let mut keep = vec![true; nuovi.len()];
    for old in &c.inviati {
        let same = registrati
            .iter()
            .any(|(k, f)| *k == old.chiave && *f == old.impronta);
        if same {
            for (keep, (k, _)) in keep.iter_mut().zip(&registrati) {
                *keep &= *k != old.chiave;
            }
            continue;
        }
        if let Ok(mut inviato) = serde_json::from_str::<Inviato>(&old.contenuto) {
            inviato.prestazione.tipo_operazione = Some("C".into());
            out.annullati.push((old.id, inviato));
        }
    }
    let mut keep = keep.into_iter();
    nuovi.retain(|_| keep.next().unwrap_or(true));
    out.beneficiario = Some(b);
    out.nuovi = nuovi;
    out
}

/// A flow written, as its writer reports it at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlussoScritto {
    pub sha256: String,
    pub size: i64,
    /// The compressed copy, relative to the data directory.
    pub archivio: Option<String>,
    pub beneficiari: i64,
    pub record: i64,
    pub cancellazioni: i64,
    pub esclusi: i64,
}

/// A SIUSS flow sent (the bookkeeping row).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlussoSiuss {
    pub id: i64,
    pub ente_id: i64,
    pub nome: String,
    pub dal: String,
    pub al: String,
    pub operatore: String,
    pub created_at: String,
    pub scritto: FlussoScritto,
}

#[cfg(test)]
mod tests {
    use time::Date;

    use super::records::luogo_da_cf;
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::domain::erogazioni::Riga;

    fn d(s: &str) -> Date {
        parse_iso(s).unwrap()
    }

    #[test]
    fn months_ignore_days() {
        assert_eq!(mesi(d("2023-10-15"), d("2024-03-10")), 6);
        assert_eq!(mesi(d("2024-02-02"), d("2024-02-27")), 1);
        assert_eq!(mesi(d("2024-10-31"), d("2024-11-01")), 2);
    }

    #[test]
    fn cf_pattern_is_the_schema_one() {
        assert!(cf_pattern("RSSMRA80A01H501U"));
        assert!(cf_pattern("RSSMRA80A01H5L1U"));
        assert!(cf_pattern("12345678901"));
        assert!(cf_pattern("12345678901     "));
        assert!(!cf_pattern("[0A1B2C3D4E5F6A]"));
        assert!(!cf_pattern("RSSMRA80A01H501"));
        assert_eq!(luogo_da_cf("RSSMRA80A01H5L1U").as_deref(), Some("H501"));
    }

    /// The worked example of SIUSS-EXPORT §5.5: 2,523.00 over Oct 2023 – Mar 2024, user 240.00:
    /// two yearly records of 3 months at 420.50, monthly quotas 380.50 + 40.00.
    #[test]
    fn periodic_benefits_split_per_year_with_monthly_quotas() {
        let e = Erogazione {
            id: Some(1),
            siuss_codice: Some("A2.07".into()),
            carattere: 1,
            in_carico: 0,
            prova_mezzi: 3,
            protocollo_domanda: Some("2023/004567".into()),
            righe: vec![Riga {
                stato: "erogata".into(),
                data: "2023-10-15".into(),
                data_fine: Some("2024-03-10".into()),
                quantita_cent: 100,
                tariffa_cents: 252_300,
                comp_utente_cents: 24_000,
                ..Default::default()
            }],
            ..Default::default()
        };
        let c = Candidato {
            erogazione: e,
            prestazione: Some(PrestazioneSiuss {
                codice: "A2.07".into(),
                denominazione: Some("Assistenza domiciliare".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let recs = prestazioni(&c, &Contesto::default()).unwrap();
        assert_eq!(recs.len(), 2);
        for (r, (inizio, fine)) in recs
            .iter()
            .zip([("2023-10-15", "2023-12-31"), ("2024-01-01", "2024-03-10")])
        {
            assert_eq!(
                r.periodo,
                Periodo::Periodico {
                    inizio: inizio.into(),
                    fine: fine.into(),
                    mesi: 3,
                    mensile_cents: 42_050,
                    ore_mensili: None
                }
            );
            assert_eq!((r.quota_ente, r.quota_utente), (Some(38_050), Some(4_000)));
        }
    }
}
