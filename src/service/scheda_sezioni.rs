//! What the scheda's residence rules and the person card need from the organisation and the
//! schede: the comuni of an ente and its ambito (a residence elsewhere prompts the fuori ambito
//! reason), and the permesso di soggiorno of the person's newest scheda that records one.

use super::Service;
use crate::domain::scheda::SchedaRiga;
use crate::domain::scheda_sezioni::SCADENZA_PERMESSO;
use crate::store::StoreResult;

impl Service<'_> {
    /// The Belfiore codes of the comuni of `ente` and of the other comuni of its ambito (for an
    /// ambito: its comuni), with their labels. Empty when none has a codice catastale.
    pub(crate) fn comuni_ambito(&self, ente: Option<i64>) -> StoreResult<Vec<(String, String)>> {
        let Some(ente) = ente else {
            return Ok(Vec::new());
        };
        let enti = self.store.list_enti()?;
        let ambito = enti.iter().find(|e| e.id == ente).and_then(|e| {
            if e.tipo == "ambito" {
                Some(e.id)
            } else {
                e.ambito_id
            }
        });
        let mut codes: Vec<String> = enti
            .iter()
            .filter(|e| e.id == ente || (ambito.is_some() && e.ambito_id == ambito))
            .filter_map(|e| e.belfiore.clone())
            .collect();
        codes.sort();
        codes.dedup();
        Ok(codes
            .into_iter()
            .map(|c| {
                let label = crate::domain::belfiore::name_or_code(&c);
                (c, label)
            })
            .collect())
    }
}

/// The expiry (ISO) of the permesso di soggiorno recorded in the newest of `schede` (newest
/// first) that records one.
pub fn scadenza_permesso(schede: &[SchedaRiga]) -> Option<String> {
    schede.iter().find_map(|r| {
        let dati: serde_json::Value = serde_json::from_str(&r.dati).ok()?;
        dati.get(SCADENZA_PERMESSO)?
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

/// The fields of the stranieri, familiari, abitazione, formazione/lavoro and POR / FSE parts a
/// scheda export carries (in the form's words), after the main columns (not the vulnerabilità nor
/// the IBAN: an export goes to spreadsheets).
pub const EXPORT_FIELDS: [&str; 17] = [
    "cittadinanza",
    "res_comune",
    "titolo_studio",
    "condizione_lavoro",
    "settore_impiego",
    "str_status_permesso",
    SCADENZA_PERMESSO,
    "str_presenza_regione",
    "str_anno_arrivo_regione",
    "abit_tipo",
    "abit_titolo",
    "abit_condizioni",
    crate::domain::scheda_sezioni::FAMILIARI,
    "por_condizione_lavoro",
    "por_progetto",
    "por_soggetto_attuatore",
    "por_data_sottoscrizione",
];

/// A member of the familiari as printed and exported: «Haddad Amina · Coniuge · Convivente ·
/// nato/a il 03/02/1988 · F · Casalinga/o · note», codes by the labels of `lists`.
pub fn familiare_text(f: &crate::domain::caso::Familiare, lists: &super::codes::Lists) -> String {
    let label = |list: &str, code: &Option<String>| {
        code.as_deref().map(|c| {
            lists
                .get(list)
                .and_then(|l| l.iter().find(|(k, _)| k == c))
                .map_or_else(|| c.to_string(), |(_, l)| l.clone())
        })
    };
    let tipo = crate::domain::caso::TIPI_FAMILIARE
        .iter()
        .find(|(c, _)| *c == f.tipo)
        .map_or(f.tipo.clone(), |(_, l)| l.to_string());
    let parts = [
        Some(format!("{} {}", f.cognome, f.nome)),
        label("relazione", &f.relazione),
        Some(tipo),
        f.data_nascita
            .as_deref()
            .map(|d| format!("nato/a il {}", crate::domain::date::italian(d))),
        f.sesso.clone(),
        label("condizione_lavorativa", &f.condizione_lavorativa),
        f.note.clone(),
    ];
    parts
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}
