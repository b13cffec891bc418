//! Demo richieste with their consuntivo on the schede of the last four months of the history (so
//! that the monthly report of last month is full), and the settings of the demo offices: the
//! Segretariato of the first comune shows the interventi of the person and has a message
//! template; its PUA asks for bisogni and richieste; the second comune's office asks for bisogni
//! and the stranieri section. The richieste of a special service have their sub-form filled
//! ([`super::sottoschede`]). Deterministic (`DemoRng`, own seed).

use time::{Date, Duration};

use super::DemoRng;
use crate::domain::Actor;
use crate::domain::date::{iso, parse_iso};
use crate::domain::impostazioni::ImpostazioniUfficio;
use crate::domain::rapporto::Mese;
use crate::domain::richieste::{Consuntivo, Richiesta};
use crate::domain::scheda::Filtro;
use crate::store::{Store, StoreResult};

const SEED: u64 = 0x71c4_e57e;

/// Months of history (this one included) whose schede get richieste.
const MESI: u8 = 4;

/// Servizi asked when the scheda ticked none.
const SERVIZI: [&str; 8] = [
    "info",
    "consulenza",
    "abitativa",
    "lavoro",
    "contributo",
    "domiciliare",
    "pasti",
    "mediazione",
];

const SETTORI: [&str; 5] = [
    "servizi_sociali",
    "impiego",
    "terzo_settore",
    "patronato",
    "sanita",
];

const DESCRIZIONI: [&str; 6] = [
    "Colloquio informativo",
    "Compilazione della domanda",
    "Telefonata al servizio",
    "Verifica dei documenti",
    "Aggiornamento con la persona",
    "Contatto con l'ente erogatore",
];

/// Tipo attività by weight (informazioni and lavorazione are most of the desk's work).
const ATTIVITA: [(&str, u64); 8] = [
    ("0", 30),
    ("1", 20),
    ("2", 20),
    ("3", 10),
    ("4", 8),
    ("5", 5),
    ("6", 4),
    ("7", 3),
];

const MINUTI: [i64; 7] = [15, 20, 30, 45, 60, 90, 120];

/// The settings of the demo offices `uffici` (Segretariato, PUA, the second comune's office).
fn impostazioni(store: &mut dyn Store, actor: &Actor, uffici: &[i64]) -> StoreResult<()> {
    let template = "La scheda n. {numero} è stata inviata dall'ufficio {ufficio} ({ente}) il {data}. \
                    Per informazioni: {telefono}, {email}.";
    let settings = [
        ImpostazioniUfficio {
            vis_interventi: true,
            template_invio: Some(template.into()),
            ..Default::default()
        },
        ImpostazioniUfficio {
            req_bisogni: true,
            req_servizi: true,
            vis_interventi: true,
            ..Default::default()
        },
        ImpostazioniUfficio {
            req_bisogni: true,
            req_stranieri: true,
            ..Default::default()
        },
    ];
    for (ufficio, s) in uffici.iter().zip(settings) {
        store.save_impostazioni_ufficio(
            actor,
            &ImpostazioniUfficio {
                ufficio_id: *ufficio,
                ..s
            },
        )?;
    }
    Ok(())
}

fn tipo_attivita(rng: &mut DemoRng) -> &'static str {
    let total: u64 = ATTIVITA.iter().map(|(_, w)| w).sum();
    let mut x = rng.below(total);
    for (code, w) in ATTIVITA {
        if x < w {
            return code;
        }
        x -= w;
    }
    "0"
}

/// Office settings and the richieste of the recent schede of `enti`' offices `uffici`, up to
/// `today`. Returns how many richieste.
pub fn add(
    store: &mut dyn Store,
    actor: &Actor,
    (enti, uffici): (&[i64], &[i64]),
    today: Date,
) -> StoreResult<usize> {
    impostazioni(store, actor, uffici)?;
    let mut rng = DemoRng::new(SEED);
    let mut sotto = super::sottoschede::rng();
    let mut first = Mese::of(today);
    for _ in 1..MESI {
        first = first.precedente();
    }
    let filtro = Filtro {
        dal: Some(first.dal()),
        al: Some(iso(today)),
        ..Default::default()
    };
    let schede = store.list_schede(enti, &filtro, 1_000_000)?;
    let mut rows = Vec::new();
    // Oldest first, so that the richieste are numbered in the order they were made.
    for s in schede.iter().rev() {
        if !rng.percent(70) {
            continue;
        }
        let Some(accesso) = parse_iso(&s.data_accesso) else {
            continue;
        };
        let n = if rng.percent(25) { 2 } else { 1 };
        for k in 0..n {
            let servizio = match s.servizi.get(k) {
                Some(code) if code != "altro" && !code.starts_with("invio") => code.as_str(),
                _ => rng.pick(&SERVIZI),
            };
            let servizio = super::sottoschede::servizio(servizio, &mut sotto).to_string();
            let mut consuntivo = Vec::new();
            let mut day = accesso;
            for _ in 0..rng.between(1, 3) {
                if day > today {
                    break;
                }
                consuntivo.push(Consuntivo {
                    data: iso(day),
                    descrizione: Some(rng.pick(&DESCRIZIONI).to_string()),
                    operatori: if rng.percent(80) { 1 } else { 2 },
                    minuti: *rng.pick(&MINUTI),
                    tipo_attivita: tipo_attivita(&mut rng).into(),
                    created_by: s.operatore.clone(),
                    ..Default::default()
                });
                day += Duration::days(rng.between(1, 12));
            }
            rows.push(Richiesta {
                scheda_id: s.id,
                data_richiesta: s.data_accesso.clone(),
                dettagli: super::sottoschede::dettagli(&servizio, &mut sotto),
                servizio: Some(servizio),
                settore: rng.percent(60).then(|| rng.pick(&SETTORI).to_string()),
                erogabile_accoglienza: rng.percent(40),
                consuntivo,
                created_by: s.operatore.clone(),
                ..Default::default()
            });
        }
    }
    store.insert_richieste_storiche(actor, &rows)
}
