//! Demo values of the sub-forms of the special services (intermediazione abitativa, lavoro,
//! mediazione, istruzione: `screens/richiesta_*.toml`) for the demo richieste that ask for one, and
//! a few documents attached to the latest schede of the front desk. Deterministic (`DemoRng`,
//! own seed, so the rest of the demo draws the same numbers as before).

use std::path::Path;

use serde_json::{Value, json};

use super::DemoRng;
use crate::domain::Actor;
use crate::domain::scheda::Filtro;
use crate::service::Service;
use crate::service::casi_documenti::{Archivio, NuovoDocumento};
use crate::store::{StoreError, StoreResult};

const SEED: u64 = 0x5077_05c4;

/// The random source of the sub-forms (one per demo).
pub(super) fn rng() -> DemoRng {
    DemoRng::new(SEED)
}

/// The servizio of a demo richiesta drawn as `drawn`: one «informazione» in four becomes
/// orientamento all'istruzione (drawn from the sub-forms' own source, so that the other richieste
/// stay as they were).
pub(super) fn servizio<'a>(drawn: &'a str, rng: &mut DemoRng) -> &'a str {
    if drawn == "info" && rng.percent(25) {
        "istruzione"
    } else {
        drawn
    }
}

/// The sub-form values of a richiesta of `servizio` as stored (`dettagli`), `None` for a servizio
/// without one.
pub(super) fn dettagli(servizio: &str, rng: &mut DemoRng) -> Option<String> {
    let v: Value = match servizio {
        "abitativa" => {
            let problemi = [
                "senza_alloggio",
                "canone",
                "piccolo",
                "degradato",
                "conviventi",
                "distante",
            ];
            let mut scelti = vec![*rng.pick(&problemi)];
            let altro = *rng.pick(&problemi);
            if altro != scelti[0] && rng.percent(50) {
                scelti.push(altro);
            }
            json!({
                "tipo_ricerca": rng.pick(&["abitazione", "locazione", "locazione", "temporaneo"]),
                "problemi_alloggio": scelti.join(","),
                "arredo": rng.pick(&["ammobiliata", "non_ammobiliata"]),
                "questioni": if rng.percent(25) { Value::from("amministrative") } else { Value::Null },
                "canone_massimo": rng.between(30, 70) * 1000,
                "zona": rng.pick(&["Centro storico", "Ponte San Giovanni", "Elce", "San Sisto", "Qualsiasi"]),
                "persone_alloggio": rng.between(1, 5),
            })
        }
        "lavoro" => json!({
            "condizione_lavoro": rng.pick(&["disoccupato", "disoccupato", "in_cerca", "occupato"]),
            "settore_cercato": rng.pick(&["alberghi", "commercio", "lavoro_domestico", "costruzioni", "agricoltura"]),
            "mansione": rng.pick(&["Aiuto cuoco", "Addetta alle pulizie", "Magazziniere", "Badante", "Muratore"]),
            "orario": rng.pick(&["pieno", "parziale", "indifferente"]),
            "iscritto_cpi": rng.percent(60),
            "patente": rng.percent(45),
            "invio_lavoro": rng.pick(&["cpi", "tirocinio", "agenzia", "sil"]),
        }),
        "mediazione" => json!({
            "lingua_mediazione": rng.pick(&["ar", "ar", "sq", "ro", "uk", "zh", "ur", "ti"]),
            "ambito_mediazione": rng.pick(&["sanitario", "scolastico", "sociale", "sociale,amministrativo"]),
            "modalita_mediazione": rng.pick(&["presenza", "presenza", "telefono"]),
            "traduzione_documenti": rng.percent(30),
            "incontri_previsti": rng.between(1, 4),
        }),
        "istruzione" => json!({
            "percorso": rng.pick(&["italiano", "licenza_media", "obbligo", "professionale"]),
            "per_chi": rng.pick(&["utente", "figlio"]),
            "titolo_posseduto": rng.pick(&["nessuno", "elementare", "media", "diploma"]),
            "sostegno_studio": rng.percent(40),
        }),
        _ => return None,
    };
    Some(v.to_string())
}

/// Attaches a document to each of the three latest schede of the first ente, as its responsabile,
/// from files written in `tmp`. Returns how many.
pub(super) fn documenti_schede(
    svc: &mut Service<'_>,
    archivio: &Archivio,
    tmp: &Path,
) -> StoreResult<usize> {
    let Some(resp) = svc.store().operatore_by_username("responsabile")? else {
        return Ok(0);
    };
    let resp = Actor::operatore(&resp, None, None);
    let schede = svc.store().list_schede(&resp.enti, &Filtro::default(), 3)?;
    let io = |e: std::io::Error| StoreError::Output(format!("documenti dimostrativi: {e}"));
    let tipi = [
        ("Documento d'identità", "documento_identita"),
        ("Contratto di locazione", "altro"),
        ("Certificato di residenza", "certificato"),
    ];
    for (s, (titolo, tipo)) in schede.iter().zip(tipi) {
        let file = tmp.join(format!("scheda-{}.txt", s.id));
        let text = format!(
            "{titolo}\nScheda di accesso n. {}\nDocumento dimostrativo generato da sportello demo.\n",
            s.numero
        );
        std::fs::write(&file, text).map_err(io)?;
        let nuovo = NuovoDocumento {
            caso_id: 0,
            titolo: titolo.into(),
            tipo: tipo.into(),
            data: s.data_accesso.clone(),
            privato: false,
        };
        svc.add_documento_scheda(&resp, archivio, s.id, &nuovo, &file)?;
    }
    Ok(schede.len().min(tipi.len()))
}
