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
