//! The demo's history: eighteen months of front-desk activity ending on the creation date, in the
//! first two comuni of the ambito (Perugia, the capofila, with two offices; Corciano with one), by
//! several operators: schede with the shipped code lists in plausible proportions, privacy consents
//! signed on first visits, proposals of presa in carico pending, accepted (opening a case, some
//! closed since) or refused, a few recent schede left in sospeso, and persons whose registry record
//! changed. Returning clients come back to the same ente, the recent ones more often. Deterministic:
//! the same persons and the same `today` give the same history.

use serde_json::{Map, Value};
use time::{Date, Duration, Month, PrimitiveDateTime, Time, Weekday};

use super::{DEMO_PASSWORD, DemoRng, VIE};
use crate::domain::persona::{Modifica, Soggetto};
use crate::domain::scheda::{self, Contesto, PropostaStorica, SchedaEdit, SchedaStorica};
use crate::domain::{Actor, NewOperatore, Role, RoleSet, date};
use crate::store::{Store, StoreError, StoreResult};

/// Months of history before the creation date.
pub const MONTHS: u8 = 18;

/// Schede per 1,000 persons in the anagrafe (3,000 for the default 5,000 persons).
const SCHEDE_PER_MILLE: usize = 600;

/// The seed of the history (the persons have their own).
const SEED: u64 = 0x5c4e_da7a;

/// The operators of the history besides the role accounts, with their office (index into the
/// demo's uffici) and ente (index into its comuni).
pub(super) const OPERATORI: [(&str, Role, &str, &str, usize, usize); 4] = [
    (
        "sportello.pua",
        Role::Sportello,
        "Chiara",
        "Pellegrini",
        1,
        0,
    ),
    ("as.pua", Role::AssistenteSociale, "Davide", "Conti", 1, 0),
    ("sportello.corciano", Role::Sportello, "Anna", "Ferri", 2, 1),
    (
        "as.corciano",
        Role::AssistenteSociale,
        "Paolo",
        "Marini",
        2,
        1,
    ),
];

/// Who works at each office (index into the demo's uffici), with their share of the visits.
const TURNI: [(usize, &[(&str, u64)]); 3] = [
    (0, &[("sportello", 70), ("assistente_sociale", 30)]),
    (1, &[("sportello.pua", 60), ("as.pua", 40)]),
    (2, &[("sportello.corciano", 70), ("as.corciano", 30)]),
];

const MODALITA: [(&str, u64); 6] = [
    ("persona", 70),
    ("telefono", 15),
    ("email", 5),
    ("domicilio", 4),
    ("scritta", 3),
    ("distanza", 3),
];
const MOTIVI: [(&str, u64); 4] = [
    ("spontaneo", 64),
    ("inviato", 22),
    ("convocato", 10),
    ("decreto", 4),
];
const SETTORI: [(&str, u64); 6] = [
    ("sanita", 35),
    ("scuola", 15),
    ("impiego", 15),
    ("patronato", 15),
    ("terzo_settore", 12),
    ("forze_ordine", 8),
];
const INTERLOCUTORI: [(&str, u64); 4] = [
    ("utente", 72),
    ("parente", 18),
    ("organizzazione", 7),
    ("altro", 3),
];
const RELAZIONI: [(&str, u64); 5] = [
    ("figlio", 40),
    ("coniuge", 25),
    ("genitore", 20),
    ("fratello", 10),
    ("nipote", 5),
];
const BISOGNI: [(&str, u64); 24] = [
    ("b101", 8),
    ("b102", 9),
    ("b103", 7),
    ("b104", 3),
    ("b105", 18),
    ("b201", 8),
    ("b202", 6),
    ("b203", 5),
    ("b204", 2),
    ("b205", 3),
    ("b206", 2),
    ("b301", 5),
    ("b302", 5),
    ("b303", 6),
    ("b304", 3),
    ("b305", 2),
    ("b306", 2),
    ("b401", 2),
    ("b402", 6),
    ("b403", 4),
    ("b404", 2),
    ("b501", 1),
    ("b502", 1),
    ("b503", 1),
];
const SERVIZI: [(&str, u64); 12] = [
    ("info", 30),
    ("consulenza", 18),
    ("contributo", 16),
    ("abitativa", 7),
    ("lavoro", 7),
    ("domiciliare", 6),
    ("pasti", 5),
    ("trasporto", 3),
    ("mediazione", 2),
    ("istruzione", 2),
    ("diurno", 2),
    ("residenziale", 2),
];
const ESITI: [(&str, u64); 6] = [
    ("info", 34),
    ("consulenza", 24),
    ("invio", 12),
    ("accoglienza", 11),
    ("pic", 11),
    ("nessuno", 8),
];
const STATI_CIVILI: [(&str, u64); 5] = [
    ("coniugato", 45),
    ("celibe", 30),
    ("separato", 8),
    ("divorziato", 7),
    ("vedovo", 10),
];
const CHIUSURE: [(&str, u64); 5] = [
    ("breve", 40),
    ("autonomia", 25),
    ("trasferito", 10),
    ("non_collaborazione", 10),
    ("servizio_esterno", 15),
];

/// What the history made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistorySummary {
    pub schede: usize,
    pub modifiche: usize,
}

impl DemoRng {
    /// One of `items`, with probability proportional to its weight.
    fn weighted<'a>(&mut self, items: &[(&'a str, u64)]) -> &'a str {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total);
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }

    /// `n` distinct items of `items` (weighted), in list order.
    fn several(&mut self, items: &[(&str, u64)], n: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for _ in 0..n * 4 {
            if out.len() == n {
                break;
            }
            let x = self.weighted(items);
            if !out.iter().any(|o| o == x) {
                out.push(x.to_string());
            }
        }
        let order = |c: &String| items.iter().position(|(i, _)| i == c);
        out.sort_by_key(order);
        out
    }
}

/// The date `months` months before `d` (the last day of that month when the day does not exist).
pub fn months_before(d: Date, months: u8) -> Date {
    let total = d.year() * 12 + i32::from(u8::from(d.month())) - 1 - i32::from(months);
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let day = d.day().min(date::days_in_month(year, month));
    Date::from_calendar_date(year, Month::try_from(month).unwrap_or(Month::January), day)
        .unwrap_or(d)
}

/// A `*_at` timestamp for `d` at `minutes` past midnight, desk time.
fn stamp(d: Date, minutes: i64) -> String {
    let t = Time::from_hms((minutes / 60).clamp(0, 23) as u8, (minutes % 60) as u8, 0)
        .unwrap_or(Time::MIDNIGHT);
    let naive = PrimitiveDateTime::new(d, t);
    let offset = date::local(naive.assume_utc()).offset();
    date::timestamp(naive.assume_offset(offset))
}

/// The demo's enti and offices that have a history.
pub struct Where<'a> {
    /// The comuni: Perugia (capofila), Corciano.
    pub enti: &'a [i64],
    /// Their Belfiore codes (residents of the comune visit its ente).
    pub belfiore: &'a [&'a str],
    /// Perugia's Segretariato and PUA, Corciano's Segretariato.
    pub uffici: &'a [i64],
}

/// Adds the history to a demo database made by [`super::create`], ending on `today`.
pub fn add(
    store: &mut dyn Store,
    actor: &Actor,
    at: &Where<'_>,
    today: Date,
) -> StoreResult<HistorySummary> {
    for (username, role, nome, cognome, ufficio, ente) in OPERATORI {
        crate::service::Service::new(store).add_user(
            actor,
            &NewOperatore {
                username: username.into(),
                nome: nome.into(),
                cognome: cognome.into(),
                roles: RoleSet::from_roles(&[role]),
                enti: vec![at.enti[ente]],
                ufficio_id: Some(at.uffici[ufficio]),
                os_user: None,
                extra: String::new(),
            },
            Some(DEMO_PASSWORD),
        )?;
    }
    let persons = store.counts()?.soggetti.max(0) as usize;
    let n = persons * SCHEDE_PER_MILLE / 1000;
    let mut rng = DemoRng::new(SEED);
    let mut g = Generator {
        store: &*store,
        rng: &mut rng,
        persons,
        today,
        at,
        seen: vec![Vec::new(); at.enti.len()],
        first: std::collections::HashSet::new(),
        modifiche: Vec::new(),
    };
    let mut schede = Vec::with_capacity(n);
    for day in g.days(n) {
        if let Some(s) = g.scheda(day)? {
            schede.push(s);
        }
    }
    let modifiche = std::mem::take(&mut g.modifiche);
    let mut done = 0;
    for chunk in schede.chunks(50_000) {
        done += store.insert_schede_storiche(actor, chunk)?;
    }
    store.insert_storia(actor, &modifiche)?;
    Ok(HistorySummary {
        schede: done,
        modifiche: modifiche.len(),
    })
}

struct Generator<'a, 'w> {
    store: &'a dyn Store,
    rng: &'a mut DemoRng,
    persons: usize,
    today: Date,
    at: &'a Where<'w>,
    /// Per ente, the persons seen, in order of first visit.
    seen: Vec<Vec<i64>>,
    /// (person, ente) pairs seen.
    first: std::collections::HashSet<(i64, usize)>,
    modifiche: Vec<(i64, Modifica)>,
}

impl Generator<'_, '_> {
    /// `n` working days (Monday to Friday) of the period, with repetitions, in order.
    fn days(&mut self, n: usize) -> Vec<Date> {
        let start = months_before(self.today, MONTHS);
        let span = (self.today - start).whole_days();
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let d = start + Duration::days(self.rng.between(0, span));
            if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
                out.push(d);
            }
        }
        out.sort();
        out
    }

    /// A living person resident in comune `ente` (by random draws; `None` when none is found).
    fn resident(&mut self, ente: usize) -> StoreResult<Option<Soggetto>> {
        for _ in 0..64 {
            let id = self.rng.between(1, self.persons as i64);
            if let Some(s) = self.store.soggetto(id)?
                && s.data_decesso.is_none()
                && s.res_comune.as_deref() == Some(self.at.belfiore[ente])
            {
                return Ok(Some(s));
            }
        }
        Ok(None)
    }

    /// Who comes: four times in ten someone seen before at this ente (the recent ones likelier).
    fn visitor(&mut self, ente: usize) -> StoreResult<Option<Soggetto>> {
        let seen = &self.seen[ente];
        if !seen.is_empty() && self.rng.percent(40) {
            let back = self.rng.below(seen.len().min(400) as u64) as usize;
            let id = seen[seen.len() - 1 - back];
            return self.store.soggetto(id);
        }
        self.resident(ente)
    }

    fn scheda(&mut self, day: Date) -> StoreResult<Option<SchedaStorica>> {
        let ente = usize::from(self.rng.percent(30));
        let ufficio = if ente == 1 {
            2
        } else {
            usize::from(self.rng.percent(35))
        };
        let Some(p) = self.visitor(ente)? else {
            return Ok(None);
        };
        let new_here = self.first.insert((p.id, ente));
        if new_here {
            self.seen[ente].push(p.id);
        }
        let rng = &mut *self.rng;
        let operatore = rng.weighted(TURNI[ufficio].1).to_string();
        let age_days = (self.today - day).whole_days();
        let nascita = p.data_nascita.as_deref().and_then(date::parse_iso);
        let eta = nascita.map_or(40, |n| date::age(n, day));
        let minore = eta < 18;

        let mut dati = Map::new();
        let mut put = |k: &str, v: Value| {
            dati.insert(k.to_string(), v);
        };
        for (k, v) in [
            ("codice_fiscale", &p.codice_fiscale),
            ("sesso", &p.sesso),
            ("data_nascita", &p.data_nascita),
            ("luogo_nascita", &p.luogo_nascita),
            ("cittadinanza", &p.cittadinanza),
            ("res_comune", &p.res_comune),
        ] {
            if let Some(v) = v {
                put(k, Value::from(v.as_str()));
            }
        }
        put("cognome", Value::from(p.cognome.as_str()));
        put("nome", Value::from(p.nome.as_str()));
        let indirizzo = [p.res_indirizzo.as_deref(), p.res_civico.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        put("res_indirizzo", Value::from(indirizzo));
        let stato_civile = if eta < 25 {
            "celibe"
        } else {
            rng.weighted(&STATI_CIVILI)
        };
        put("stato_civile", Value::from(stato_civile));
        put("modalita_accesso", Value::from(rng.weighted(&MODALITA)));
        let motivo = rng.weighted(&MOTIVI);
        put("motivo_accesso", Value::from(motivo));
        match motivo {
            "inviato" => put("inviato_da", Value::from(rng.weighted(&SETTORI))),
            "convocato" => put(
                "motivo_desc",
                Value::from("Convocazione per aggiornamento della situazione"),
            ),
            _ => {}
        }
        let interlocutore = if minore {
            "parente"
        } else {
            rng.weighted(&INTERLOCUTORI)
        };
        put("interlocutore", Value::from(interlocutore));
        match interlocutore {
            "parente" | "altro" => {
                put("int_cognome", Value::from(p.cognome.as_str()));
                put(
                    "int_nome",
                    Value::from(*rng.pick(&["Maria", "Giuseppe", "Anna", "Luca"])),
                );
                let relazione = if minore {
                    "genitore"
                } else {
                    rng.weighted(&RELAZIONI)
                };
                put("int_relazione", Value::from(relazione));
                put("utente_presente_informato", Value::from(rng.percent(70)));
            }
            "organizzazione" => put("int_ente_servizio", Value::from(rng.weighted(&SETTORI))),
            _ => {}
        }
        // Old schede were completed long ago; a few recent ones still wait in sospeso.
        let sospesa = age_days <= 60 && rng.percent(8);
        match &p.telefono {
            Some(t) => put("telefono", Value::from(t.as_str())),
            None if !sospesa || rng.percent(50) => put(
                "cellulare",
                Value::from(format!("3{:09}", rng.between(100_000_000, 999_999_998))),
            ),
            None => {}
        }
        let quanti = 1 + rng.below(3) as usize;
        let bisogni = rng.several(&BISOGNI, quanti);
        if minore {
            put(
                "bisogni_altro",
                Value::from("Sostegno scolastico e familiare"),
            );
        }
        let quanti = 1 + rng.below(2) as usize;
        let servizi = rng.several(&SERVIZI, quanti);
        let mut esito = (!sospesa || rng.percent(30)).then(|| rng.weighted(&ESITI).to_string());
        if esito.as_deref() == Some("pic") && age_days < 2 {
            esito = Some("consulenza".into());
        }
        let pic = esito.as_deref() == Some("pic");
        let categorie_sociali = if pic {
            vec![
                match eta {
                    _ if minore => "famiglia_minori",
                    65.. => "anziani",
                    _ if p.cittadinanza.is_some() => "immigrati",
                    _ => *rng.pick(&[
                        "poverta",
                        "poverta",
                        "disabili",
                        "dipendenze",
                        "multiutenza",
                    ]),
                }
                .to_string(),
            ]
        } else {
            Vec::new()
        };
        let capofila = pic && ente == 1 && rng.percent(40);
        if capofila {
            put("invia_capofila", Value::from(true));
        }
        let consenso = (new_here && rng.percent(85)).then(|| date::iso(day));
        if let Some(d) = &consenso {
            put("privacy_consenso", Value::from(true));
            put("privacy_data", Value::from(d.as_str()));
        }
        let nota_privata = rng.percent(5).then(|| {
            "Situazione familiare delicata: parlarne solo con il responsabile".to_string()
        });
        let minutes = rng.between(8 * 60 + 30, 13 * 60 + 30);
        super::sezioni::fill(
            &mut dati,
            p.id,
            &p.cognome,
            p.cittadinanza.as_deref(),
            eta,
            self.today,
        );
        let edit = SchedaEdit {
            id: None,
            version: 0,
            soggetto_id: p.id,
            data_accesso: date::iso(day),
            operatore: operatore.clone(),
            esito,
            bisogni,
            servizi,
            categorie_sociali,
            invio_ufficio_id: None,
            nota_privata,
            dati,
        };
        let ctx = Contesto {
            oggi: date::iso(self.today),
            data_nascita: p.data_nascita.clone(),
            anonimo: false,
            esiti_pic: vec!["pic".into()],
            // The demo's persons live in the ambito's comuni.
            comuni_ambito: Vec::new(),
            ..Default::default()
        };
        let completa = scheda::completion_problems(&edit, &ctx).is_empty();
        let proposta = (completa && pic).then(|| {
            let destinazione = self.at.enti[if capofila { 0 } else { ente }];
            let decided = age_days > 10 && !rng.percent(15);
            let wait = rng.between(2, age_days.clamp(2, 30));
            let when = day + Duration::days(wait);
            let accolta = decided && rng.percent(70);
            let chi = if destinazione == self.at.enti[1] {
                "as.corciano"
            } else {
                "responsabile"
            };
            let caso = accolta.then(|| {
                let left = (self.today - when).whole_days();
                let chiusa = (left > 90 && rng.percent(30)).then(|| {
                    let close = when + Duration::days(rng.between(60, left));
                    (date::iso(close), rng.weighted(&CHIUSURE))
                });
                (date::iso(when), chiusa)
            });
            PropostaStorica {
                ente_id: destinazione,
                stato: match (decided, accolta) {
                    (false, _) => "inviata",
                    (true, true) => "accolta",
                    (true, false) => "respinta",
                },
                at: if decided {
                    stamp(when, minutes + 120)
                } else {
                    stamp(day, minutes)
                },
                by: if decided { chi } else { operatore.as_str() }.to_string(),
                caso,
            }
        });
        // Some persons moved house within the comune before coming (a registry change).
        if new_here && rng.percent(8) {
            let moved = day - Duration::days(rng.between(20, 300));
            self.modifiche.push((
                p.id,
                Modifica {
                    at: stamp(moved, 7 * 60),
                    by: "anagrafe".into(),
                    campo: "res_indirizzo".into(),
                    prima: Some(rng.pick(&VIE).to_string()),
                    dopo: p.res_indirizzo.clone(),
                },
            ));
        }
        Ok(Some(SchedaStorica {
            at: stamp(day, minutes),
            ente_id: self.at.enti[ente],
            ufficio_id: Some(self.at.uffici[ufficio]),
            completa,
            proposta,
            consenso,
            edit,
        }))
    }
}

/// Checks that the persons are numbered 1..=N (the demo inserts them in an empty database).
pub(super) fn check_numbering(store: &dyn Store, persons: usize) -> StoreResult<()> {
    match persons {
        0 => Ok(()),
        n if store.soggetto(n as i64)?.is_some() && store.soggetto(n as i64 + 1)?.is_none() => {
            Ok(())
        }
        _ => Err(StoreError::Invalid(
            "la cronologia dimostrativa richiede un database nuovo".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_back_clamp_the_day() {
        assert_eq!(
            months_before(date!(2026 - 12 - 01), 18),
            date!(2025 - 06 - 01)
        );
        assert_eq!(
            months_before(date!(2026 - 08 - 31), 18),
            date!(2025 - 02 - 28)
        );
        assert_eq!(
            months_before(date!(2026 - 01 - 15), 1),
            date!(2025 - 12 - 15)
        );
    }

    #[test]
    fn stamps_are_desk_time() {
        assert_eq!(
            stamp(date!(2026 - 01 - 15), 9 * 60),
            "2026-01-15T08:00:00.000Z"
        );
        assert_eq!(
            stamp(date!(2026 - 07 - 15), 9 * 60),
            "2026-07-15T07:00:00.000Z"
        );
    }

    #[test]
    fn weighted_draws_follow_the_weights() {
        let mut rng = DemoRng::new(3);
        let n = (0..10_000)
            .filter(|_| rng.weighted(&[("a", 9), ("b", 1)]) == "b")
            .count();
        assert!((800..1200).contains(&n), "{n}");
        let v = rng.several(&BISOGNI, 3);
        assert_eq!(v.len(), 3);
    }
}
