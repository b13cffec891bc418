//! The demo's scheda sections about the person's situation, decided by the person's id (no draws
//! from the generator, so the rest of the demo stays as it was): coded formazione/lavoro for
//! adults, abitazione on one scheda in three, familiari e conviventi on one in four, and for the
//! citizens of a state outside the EU the stranieri section, with a permesso di soggiorno that
//! expires around `today` (some expired, some within 60 days, most later) and the year they came
//! to the regione; the POR / FSE block of the schede of an ente that enables it.

use serde_json::{Map, Value, json};
use time::{Date, Duration};

use crate::domain::date;

const TITOLI: [&str; 6] = [
    "nessuno",
    "elementare",
    "media",
    "qualifica",
    "diploma",
    "laurea",
];
const CONDIZIONI: [&str; 6] = [
    "occupato",
    "disoccupato",
    "in_cerca",
    "casalinga",
    "pensionato",
    "occupato",
];
const SETTORI: [&str; 5] = [
    "commercio",
    "costruzioni",
    "lavoro_domestico",
    "alberghi",
    "agricoltura",
];
const ABITAZIONI: [(&str, &str); 4] = [
    ("appartamento", "affitto"),
    ("erp", "affitto_pubblico"),
    ("appartamento", "proprieta"),
    ("stanza", "ospite"),
];
const NOMI: [(&str, &str); 4] = [("Maria", "F"), ("Luca", "M"), ("Sara", "F"), ("Omar", "M")];

/// Whether the stranieri section of the embedded scheda applies to `cittadinanza`.
fn straniero(cittadinanza: Option<&str>) -> bool {
    static SCREENS: std::sync::OnceLock<Option<crate::forms::Screens>> = std::sync::OnceLock::new();
    let screens = SCREENS.get_or_init(|| crate::forms::Screens::embedded().ok());
    let Some(def) = screens.as_ref().and_then(|s| s.get("scheda")) else {
        return false;
    };
    let lists = crate::forms::condition::Lists::new();
    def.conditions("str_scadenza_permesso")
        .iter()
        .all(|c| c.holds(cittadinanza.unwrap_or(""), &lists))
}

/// The residence and cittadinanza of person `p` and the sections [`fill`] gives them, on a scheda
/// of `today`.
pub fn of_person(dati: &mut Map<String, Value>, p: &crate::domain::persona::Soggetto, today: Date) {
    for (k, v) in [
        ("res_comune", &p.res_comune),
        ("cittadinanza", &p.cittadinanza),
    ] {
        if let Some(v) = v {
            dati.insert(k.into(), json!(v));
        }
    }
    let eta = p
        .data_nascita
        .as_deref()
        .and_then(date::parse_iso)
        .map_or(40, |n| date::age(n, today));
    fill(
        dati,
        p.id,
        &p.cognome,
        p.cittadinanza.as_deref(),
        eta,
        today,
    );
}

/// Fills the sections of a scheda of person `id` (aged `eta` on the visit), surname `cognome`.
pub fn fill(
    dati: &mut Map<String, Value>,
    id: i64,
    cognome: &str,
    cittadinanza: Option<&str>,
    eta: i32,
    today: Date,
) {
    let k = id.unsigned_abs() as usize;
    let mut put = |key: &str, v: Value| {
        dati.insert(key.to_string(), v);
    };
    if eta >= 16 {
        put("titolo_studio", json!(TITOLI[k % TITOLI.len()]));
        let condizione = if eta >= 67 {
            "pensionato"
        } else {
            CONDIZIONI[k % CONDIZIONI.len()]
        };
        put("condizione_lavoro", json!(condizione));
        if condizione == "occupato" {
            put("settore_impiego", json!(SETTORI[k % SETTORI.len()]));
        }
    }
    if k.is_multiple_of(3) {
        let (tipo, titolo) = ABITAZIONI[k % ABITAZIONI.len()];
        put("abit_tipo", json!(tipo));
        put("abit_titolo", json!(titolo));
        put("abit_vani", json!(1 + k % 4));
        put("abit_persone", json!(1 + k % 6));
        if k.is_multiple_of(2) {
            put("abit_condizioni", json!(["sovraffollamento"]));
        }
        put("abit_sfratto", json!(k.is_multiple_of(9)));
    }
    if k.is_multiple_of(4) && eta >= 18 {
        let (nome, sesso) = NOMI[k % NOMI.len()];
        let nascita = today - Duration::days(365 * (10 + (k % 30) as i64));
        put(
            crate::domain::scheda_sezioni::FAMILIARI,
            json!([{
                "tipo": "convivente",
                "cognome": cognome,
                "nome": nome,
                "relazione": if k.is_multiple_of(8) { "coniuge" } else { "figlio" },
                "sesso": sesso,
                "data_nascita": date::iso(nascita),
                "condizione_lavorativa": if k.is_multiple_of(8) { "occupato" } else { "studente" },
            }]),
        );
    }
    if let Some(paese) = cittadinanza.filter(|_| straniero(cittadinanza)) {
        // Expiry from 30 days ago to a year on: about one in six within the next 60 days.
        let scadenza = today + Duration::days((k * 37 % 400) as i64 - 30);
        put("str_paese_origine", json!(paese));
        put("str_status_permesso", json!("possesso"));
        put(
            "str_tipo_permesso",
            json!(["lavoro_subordinato", "famiglia", "protezione_sussidiaria"][k % 3]),
        );
        put(
            "str_numero_permesso",
            json!(format!("I{:07}", k * 7919 % 10_000_000)),
        );
        put(
            crate::domain::scheda_sezioni::SCADENZA_PERMESSO,
            json!(date::iso(scadenza)),
        );
        put("str_presente_3_mesi", json!(true));
        let arrivo = today.year() - 1 - (k % 15) as i32;
        put("str_anno_arrivo", json!(arrivo));
        put("str_anno_permesso", json!(arrivo + (k % 2) as i32));
        put("str_lingua_parlato", json!(["2", "3", "4"][k % 3]));
        // Presenza in regione: most came to the regione some years after Italy, none before birth.
        let nascita = today.year() - eta;
        put("str_presenza_regione", json!("immigrato"));
        put(
            "str_anno_arrivo_regione",
            json!((arrivo + (k % 3) as i32).clamp(nascita, today.year())),
        );
    }
}

/// A complete POR / FSE block on the scheda of person `id`, born in `nascita` (year), signed on
/// `firmata` (ISO): an occupied person with the employer's data when `occupato`, else a person
/// looking for work, some telling a condition of vulnerability.
pub fn por(
    dati: &mut Map<String, Value>,
    id: i64,
    nascita: Option<i32>,
    firmata: &str,
    occupato: bool,
) {
    let k = id.unsigned_abs() as usize;
    let mut put = |key: &str, v: Value| {
        dati.insert(key.to_string(), v);
    };
    put(
        "por_titolo_studio",
        json!(["media", "qualifica", "diploma"][k % 3]),
    );
    if let Some(n) = nascita {
        put("por_anno_titolo", json!(n + 14 + (k % 3) as i32 * 3));
    }
    put(
        "por_soggetto_attuatore",
        json!("Cooperativa sociale Il Ponte"),
    );
    put(
        "por_progetto",
        json!("POR FSE+ 2021-2027 — Inclusione attiva"),
    );
    put(
        "por_sottocorso",
        json!(["Orientamento al lavoro", "Tirocinio di inclusione"][k % 2]),
    );
    put("por_data_sottoscrizione", json!(firmata));
    put(
        "por_cellulare",
        json!(format!("333 {:07}", k * 7919 % 10_000_000)),
    );
    put("por_iban", json!("IT60X0542811101000000123456"));
    if occupato {
        put("por_condizione_lavoro", json!(crate::domain::por::OCCUPATO));
        for (campo, v) in [
            ("por_tipo_lavoro", "dipendente"),
            ("por_orario", "part"),
            ("por_ragione_sociale", "Market del Corso S.r.l."),
            ("por_piva_datore", "00743110157"),
            ("por_cf_datore", "00743110157"),
            ("por_via_datore", "Corso Vannucci 12"),
            ("por_comune_datore", "G478"),
            ("por_ateco", "47.11.10"),
            ("por_forma_giuridica", "capitali"),
            ("por_dimensione", "piccola"),
        ] {
            put(campo, json!(v));
        }
    } else {
        put("por_condizione_lavoro", json!("3"));
        put("por_durata_ricerca", json!(["1", "2", "3"][k % 3]));
        if k.is_multiple_of(2) {
            put("por_comunica_vulnerabilita", json!(true));
            put("por_vulnerabilita", json!(["05", "07"][k / 2 % 2]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_by_person() {
        let today = date::from_ymd((2026, 11, 30)).unwrap();
        let mut d = Map::new();
        fill(&mut d, 12, "Haddad", Some("Z330"), 40, today);
        assert_eq!(d["abit_tipo"], json!("appartamento"), "12 % 3 == 0");
        assert_eq!(crate::domain::scheda_sezioni::familiari(&d).len(), 1);
        assert!(
            d.contains_key("str_scadenza_permesso"),
            "Morocco is outside the EU"
        );
        assert!(d.contains_key("titolo_studio"));
        let mut eu = Map::new();
        fill(&mut eu, 12, "Dupont", Some("Z110"), 40, today);
        assert!(
            !eu.contains_key("str_scadenza_permesso"),
            "France is in the EU"
        );
        let mut it = Map::new();
        fill(&mut it, 12, "Rossi", None, 40, today);
        assert!(!it.contains_key("str_scadenza_permesso"));
        assert!(!it.contains_key("str_presenza_regione"));
        assert_eq!(d["str_presenza_regione"], json!("immigrato"));
        let giovane = |id| {
            let mut g = Map::new();
            fill(&mut g, id, "Haddad", Some("Z330"), 3, today);
            g
        };
        for id in 0..30 {
            let g = giovane(id);
            assert!(
                crate::domain::scheda_sezioni::stranieri_problems(&g, "2026-11-30").is_empty(),
                "{id}: {g:?}"
            );
            assert!(g["str_anno_arrivo_regione"].as_i64() >= Some(2023), "{id}");
        }
    }

    #[test]
    fn por_blocks_are_complete_and_valid() {
        for (id, occupato) in [(4, true), (7, false), (10, false)] {
            let mut d = Map::new();
            por(&mut d, id, Some(1980), "2026-11-20", occupato);
            assert!(crate::domain::por::mancanti(&d).is_empty(), "{d:?}");
            assert!(
                crate::domain::por::problemi(&d, "2026-11-30").is_empty(),
                "{d:?}"
            );
            assert_eq!(d.contains_key("por_ragione_sociale"), occupato);
        }
    }
}
