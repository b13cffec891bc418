//! Synthetic demo data: an ambito with three comuni of Umbria, their front desks, one account per role
//! and N persons with valid codici fiscali; [`create_lived_in`] adds eighteen months of activity
//! ([`history`]). Deterministic: the same N (and creation date) gives the same data, on every
//! platform and whatever version of `rand` the other crates use (see `DemoRng`).

pub mod erogazioni;
pub mod history;
pub mod organizzazioni;
pub mod richieste;
pub mod seguiti;
mod sezioni;
mod sottoschede;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use crate::domain::cf::{self, Sesso};
use crate::domain::date;
use crate::domain::soggetto::NewSoggetto;
use crate::domain::{Actor, NewEnte, NewOperatore, Role, RoleSet};
use crate::store::{Store, StoreError, StoreResult};

/// The password of every demo account (also in the README).
pub const DEMO_PASSWORD: &str = "sportello-demo";

const NOMI: &str = include_str!("../../data/nomi-propri.csv");
const COGNOMI: &str = include_str!("../../data/cognomi.txt");
use crate::domain::belfiore::{self, COMUNI_CSV as COMUNI, STATI_CSV as STATI};

/// The comuni of the demo ambito: (name, Belfiore, CAP, ISTAT).
const DEMO_COMUNI: [(&str, &str, &str, &str); 3] = [
    ("Comune di Perugia", "G478", "06121", "054039"),
    ("Comune di Corciano", "C990", "06073", "054015"),
    ("Comune di Todi", "L188", "06059", "054052"),
];

const VIE: [&str; 16] = [
    "Via Roma",
    "Corso Vannucci",
    "Via XX Settembre",
    "Via Garibaldi",
    "Via Mazzini",
    "Piazza Matteotti",
    "Via dei Priori",
    "Via Cavour",
    "Via Settevalli",
    "Via Pievaiola",
    "Strada Tiberina",
    "Via Sicilia",
    "Via della Pace",
    "Via Fonti Coperte",
    "Via Marconi",
    "Via Gramsci",
];

/// What `create` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub persons: usize,
    pub accounts: Vec<(String, Role)>,
    /// Schede of the history (0 without one).
    pub schede: usize,
    /// The comuni, in the order of `DEMO_COMUNI`, and the offices, in creation order.
    pub enti: Vec<i64>,
    pub uffici: Vec<i64>,
}

/// [`create`], then [`history::add`]: the demo `sportello demo` makes, its history ending on `today`.
pub fn create_lived_in(
    store: &mut dyn Store,
    actor: &Actor,
    persons: usize,
    today: time::Date,
) -> StoreResult<DemoSummary> {
    let mut summary = create(store, actor, persons)?;
    history::check_numbering(store, summary.persons)?;
    let at = history::Where {
        enti: &summary.enti[..2],
        belfiore: &[DEMO_COMUNI[0].1, DEMO_COMUNI[1].1],
        uffici: &[summary.uffici[0], summary.uffici[1], summary.uffici[2]],
    };
    let h = history::add(store, actor, &at, today)?;
    summary.schede = h.schede;
    summary.accounts = accounts_lived_in();
    Ok(summary)
}

/// The demo accounts: one per role, named after the role.
pub fn accounts() -> Vec<(String, Role)> {
    Role::ALL
        .iter()
        .map(|r| (r.code().to_string(), *r))
        .collect()
}

/// The accounts of the demo with its history: the role accounts and the operators of the history.
pub fn accounts_lived_in() -> Vec<(String, Role)> {
    let mut a = accounts();
    a.extend(
        history::OPERATORI
            .iter()
            .map(|(user, role, ..)| (user.to_string(), *role)),
    );
    a
}

/// Fills an empty, migrated database with the demo organisation, accounts and `persons` persons.
pub fn create(store: &mut dyn Store, actor: &Actor, persons: usize) -> StoreResult<DemoSummary> {
    let ambito = crate::service::Service::new(store).create_ente(
        actor,
        &NewEnte {
            nome: "Zona Sociale n. 2 (demo)".into(),
            tipo: "ambito".into(),
            capofila: false,
            ..Default::default()
        },
    )?;
    let mut enti = Vec::new();
    for (i, (nome, belfiore, _, istat)) in DEMO_COMUNI.iter().enumerate() {
        let id = crate::service::Service::new(store).create_ente(
            actor,
            &NewEnte {
                nome: (*nome).into(),
                belfiore: Some((*belfiore).into()),
                istat: Some((*istat).into()),
                tipo: "comune".into(),
                capofila: i == 0,
                ambito_id: Some(ambito),
            },
        )?;
        enti.push(id);
    }
    let segretariato = crate::service::Service::new(store).create_ufficio(
        actor,
        enti[0],
        "Segretariato sociale - Centro",
    )?;
    let pua = crate::service::Service::new(store).create_ufficio(
        actor,
        enti[0],
        "PUA - Punto unico di accesso",
    )?;
    let corciano = crate::service::Service::new(store).create_ufficio(
        actor,
        enti[1],
        "Segretariato sociale",
    )?;
    let todi = crate::service::Service::new(store).create_ufficio(
        actor,
        enti[2],
        "Segretariato sociale",
    )?;

    let demo_names = [
        ("Giulia", "Sportelli"),
        ("Marco", "Assistenti"),
        ("Paola", "Amministrativi"),
        ("Stefano", "Responsabili"),
        ("Elena", "Helpdesk"),
        ("Luca", "Amministratori"),
    ];
    let accounts = accounts();
    for ((username, role), (nome, cognome)) in accounts.iter().zip(demo_names) {
        crate::service::Service::new(store).add_user(
            actor,
            &NewOperatore {
                username: username.clone(),
                nome: nome.into(),
                cognome: cognome.into(),
                roles: RoleSet::from_roles(&[*role]),
                enti: vec![enti[0]],
                ufficio_id: Some(segretariato),
                os_user: None,
                extra: String::new(),
            },
            Some(DEMO_PASSWORD),
        )?;
    }
    two_enti(store, actor, &enti, segretariato)?;
    let inserted = insert_persons(store, actor, persons, &enti)?;
    store.set_setting("demo", "1")?;
    Ok(DemoSummary {
        persons: inserted,
        accounts,
        schede: 0,
        enti,
        uffici: vec![segretariato, pua, corciano, todi],
    })
}

/// The demo operator of the zona sociale working for two comuni with different roles: responsabile
/// in the first, front desk in the second (the login asks which). Named to sort after the role
/// accounts in the accounts table.
pub const DEMO_TWO_ENTI: &str = "zona";

/// What [`DEMO_TWO_ENTI`] does where (printed by `sportello demo`).
pub fn two_enti_roles() -> String {
    format!(
        "Responsabile nel {}, operatore di sportello nel {} (sceglie l'ente all'accesso)",
        DEMO_COMUNI[0].0, DEMO_COMUNI[1].0
    )
}

fn two_enti(store: &mut dyn Store, actor: &Actor, enti: &[i64], ufficio: i64) -> StoreResult<()> {
    let mut svc = crate::service::Service::new(store);
    let new = NewOperatore {
        username: DEMO_TWO_ENTI.into(),
        nome: "Chiara".into(),
        cognome: "Zonali".into(),
        roles: RoleSet::from_roles(&[Role::Responsabile]),
        enti: vec![enti[0]],
        ufficio_id: Some(ufficio),
        ..Default::default()
    };
    svc.add_user(actor, &new, Some(DEMO_PASSWORD))?;
    let front = RoleSet::from_roles(&[Role::Sportello]);
    svc.set_ruoli(actor, DEMO_TWO_ENTI, enti[1], front)?;
    Ok(())
}

struct Pools {
    nomi_m: Vec<&'static str>,
    nomi_f: Vec<&'static str>,
    cognomi: Vec<&'static str>,
    /// Current comuni of Umbria (PG, TR) and of the rest of Italy.
    umbria: Vec<&'static str>,
    italia: Vec<&'static str>,
    stati: Vec<&'static str>,
}

fn pools() -> Pools {
    let mut p = Pools {
        nomi_m: Vec::new(),
        nomi_f: Vec::new(),
        cognomi: COGNOMI
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect(),
        umbria: Vec::new(),
        italia: Vec::new(),
        stati: Vec::new(),
    };
    for line in NOMI.lines().skip(1) {
        match line.split_once(',') {
            Some((n, "M")) => p.nomi_m.push(n),
            Some((n, "F")) => p.nomi_f.push(n),
            _ => {}
        }
    }
    for line in COMUNI.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        // Only codes valid today (no end date) and born before 1900 so any birth date fits.
        if f.len() == 5 && f[4].is_empty() && f[3] < "1930-01-01" {
            if f[2] == "PG" || f[2] == "TR" {
                p.umbria.push(f[0]);
            } else {
                p.italia.push(f[0]);
            }
        }
    }
    for line in STATI.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() == 4 && f[3].is_empty() && f[2] <= "1900-01-01" {
            p.stati.push(f[0]);
        }
    }
    p.umbria.dedup();
    p.italia.dedup();
    p
}

/// The demo generator's random numbers: ChaCha8 from an explicit 32-byte seed, read only through
/// `next_u64` and the small helpers below. The ChaCha stream is fixed by the algorithm, and no `rand`
/// distribution (whose algorithms may change between versions) is involved, so the demo data and the
/// snapshots drawn from it only change when this file does.
struct DemoRng(ChaCha8Rng);

/// The seed of the demo persons. Any seed gives valid data; this one was picked so that the first 200
/// persons (the screen snapshots) searched for `ro` show about a dozen persons, among them a deceased
/// one and a name with accents.
const SEED: u64 = 0x5107_7e16;

impl DemoRng {
    fn new(seed: u64) -> DemoRng {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        DemoRng(ChaCha8Rng::from_seed(bytes))
    }

    /// Uniform in `0..n` (`n` > 0): draws above the largest multiple of `n` are redrawn.
    fn below(&mut self, n: u64) -> u64 {
        let limit = u64::MAX - u64::MAX % n;
        loop {
            let x = self.0.next_u64();
            if x < limit {
                return x % n;
            }
        }
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent` / 100.
    fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One item of a non-empty slice.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The next synthetic person.
fn person(rng: &mut DemoRng, p: &Pools, enti: &[i64]) -> NewSoggetto {
    let sesso = if rng.percent(52) { Sesso::F } else { Sesso::M };
    let nome = *rng.pick(if sesso == Sesso::F {
        &p.nomi_f
    } else {
        &p.nomi_m
    });
    let cognome = *rng.pick(&p.cognomi);
    // From 1930: a two-digit CF year never reads as a future date.
    let year = rng.between(1930, 2024) as i32;
    let month = rng.between(1, 12) as u8;
    let day = rng.between(1, 28) as u8;
    let roll = rng.below(100);
    let (mut luogo, cittadinanza) = if roll < 70 {
        (*rng.pick(&p.umbria), None)
    } else if roll < 90 {
        (*rng.pick(&p.italia), None)
    } else {
        let z = *rng.pick(&p.stati);
        (z, Some(z.to_string()))
    };
    // A comune that did not exist on the birth date (merged, renamed) gives way to the capoluogo.
    if belfiore::lookup(luogo, Some((year, month, day))).is_none() {
        luogo = "G478";
    }
    let comune = rng.below(DEMO_COMUNI.len() as u64) as usize;
    let deceased = year < 1940 && rng.percent(20);
    let iso = |ymd| date::from_ymd(ymd).map(date::iso);
    NewSoggetto {
        codice_fiscale: Some(cf::compute(cognome, nome, sesso, year, month, day, luogo)),
        cognome: cognome.to_string(),
        nome: nome.to_string(),
        sesso: Some(sesso.as_char()),
        data_nascita: iso((year, month, day)),
        luogo_nascita: Some(luogo.to_string()),
        cittadinanza,
        res_indirizzo: Some(rng.pick(&VIE).to_string()),
        res_civico: Some(rng.between(1, 199).to_string()),
        res_cap: Some(DEMO_COMUNI[comune].2.to_string()),
        res_comune: Some(DEMO_COMUNI[comune].1.to_string()),
        telefono: rng
            .percent(60)
            .then(|| format!("3{:09}", rng.between(100_000_000, 999_999_998))),
        data_decesso: if deceased {
            let (m, d) = (rng.between(1, 8) as u8, rng.between(10, 18) as u8);
            iso((year + 80, m, d))
        } else {
            None
        },
        fonte: "demo",
        ente_id: Some(enti[comune]),
    }
}

/// Inserts `n` persons in batches; a CF already taken (homonyms born the same day in the same place)
/// gets its omocodia variant, as the Agenzia delle Entrate does.
fn insert_persons(
    store: &mut dyn Store,
    actor: &Actor,
    n: usize,
    enti: &[i64],
) -> StoreResult<usize> {
    const BATCH: usize = 50_000;
    let pools = pools();
    let mut rng = DemoRng::new(SEED);
    let mut seen = std::collections::HashSet::with_capacity(n);
    let mut inserted = 0;
    let mut batch = Vec::with_capacity(BATCH.min(n));
    for _ in 0..n {
        let mut s = person(&mut rng, &pools, enti);
        let base = s.codice_fiscale.clone().unwrap_or_default();
        let mut level = 0;
        while !seen.insert(s.codice_fiscale.clone().unwrap_or_default()) && level < 7 {
            level += 1;
            s.codice_fiscale = Some(cf::omocode(&base, level));
        }
        batch.push(s);
        if batch.len() == BATCH {
            inserted += store.insert_soggetti(actor, &batch)?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        inserted += store.insert_soggetti(actor, &batch)?;
    }
    Ok(inserted)
}

/// Presa in carico demo data for the first comune (which enables the POR / FSE block: five of its
/// schede carry a complete one, one with an employer): its segretariato manages every categoria sociale,
/// the social worker and the responsabile hold "dati riservati"; the front desk proposes up to 14
/// living persons: three proposals stay pending, one is refused, the others become cases in every
/// state reachable from a presa in carico, with diary entries (some riservati), dati sociali,
/// invalidità, nucleo, PAI (some verifications due) and ISEE (some expired). Returns the cases made.
pub fn casi(store: &mut dyn Store, actor: &Actor, today: time::Date) -> StoreResult<usize> {
    use crate::domain::caso::{CambioStato, Diario, Familiare, Isee, Pai, Sezione};
    use crate::service::Service;
    let day = |n: i64| date::iso(today - time::Duration::days(n));
    let find = |store: &dyn Store, u: &str| -> StoreResult<Option<Actor>> {
        Ok(store
            .operatore_by_username(u)?
            .map(|o| Actor::operatore(&o, None, None)))
    };
    let (Some(front), Some(social), Some(resp)) = (
        find(store, "sportello")?,
        find(store, "assistente_sociale")?,
        find(store, "responsabile")?,
    ) else {
        return Ok(0);
    };
    let (Some(ente), Some(ufficio)) = (front.ente(), front.ufficio_id) else {
        return Ok(0);
    };
    let mut svc = Service::new(store);
    let categorie: Vec<String> = svc
        .store()
        .codes("categoria_sociale")?
        .into_iter()
        .map(|c| c.codice)
        .collect();
    svc.set_categorie_ufficio(actor, ufficio, &categorie)?;
    if let Some(belfiore) = svc.store().ente(ente)?.and_then(|e| e.belfiore) {
        svc.set_por(actor, &belfiore, true)?;
    }
    svc.set_riservati(actor, &social.username, ente, true)?;
    svc.set_riservati(actor, &resp.username, ente, true)?;
    let persons: Vec<i64> = (1..=200)
        .filter_map(|id| svc.store().soggetto(id).ok().flatten())
        .filter(|p| {
            p.data_decesso.is_none() && p.data_nascita.as_deref().is_some_and(|d| d < "2000")
        })
        .map(|p| p.id)
        // Persons the history has not already taken in charge here: these cases are walked
        // through the iter from the start.
        .filter(|id| matches!(svc.store().caso_di(*id, ente), Ok(None)))
        .take(14)
        .collect();
    let mut made = 0;
    for (i, persona) in persons.iter().enumerate() {
        let mut e = crate::domain::scheda::SchedaEdit {
            soggetto_id: *persona,
            data_accesso: day(40 - i as i64),
            operatore: front.username.clone(),
            esito: Some("pic".into()),
            bisogni: vec!["b102".into()],
            servizi: vec!["info".into()],
            categorie_sociali: vec![categorie[i % categorie.len()].clone()],
            ..Default::default()
        };
        for (k, v) in [
            ("interlocutore", "utente"),
            ("motivo_accesso", "spontaneo"),
            ("modalita_accesso", "persona"),
            ("telefono", "075 5770000"),
        ] {
            e.dati.insert(k.into(), serde_json::Value::from(v));
        }
        if let Some(p) = svc.store().soggetto(*persona)? {
            sezioni::of_person(&mut e.dati, &p, today);
        }
        if i % 3 == 1
            && let Some(p) = svc.store().soggetto(*persona)?
        {
            // The POR / FSE block (the ente enables it): the cartella's "scheda POR".
            let nascita = p.data_nascita.as_deref().and_then(date::parse_iso);
            sezioni::por(
                &mut e.dati,
                *persona,
                nascita.map(|d| d.year()),
                &day(38 - i as i64),
                i == 4,
            );
        }
        let scheda = svc.save_scheda(&front, &e, false, today)?;
        let Some(proposta) = svc
            .store()
            .proposte(&[ente], true)?
            .into_iter()
            .find(|p| p.scheda_id == scheda.saved.id)
        else {
            continue;
        };
        match i {
            0..=2 => continue,
            3 => {
                svc.respingi_proposta(
                    &social,
                    proposta.id,
                    "Non di competenza del servizio: indirizzata al Centro per l'impiego",
                )?;
                continue;
            }
            _ => {}
        }
        let caso = svc.prendi_in_carico(&social, proposta.id, today)?;
        made += 1;
        let step = |svc: &mut Service<'_>,
                    who: &Actor,
                    a: &str,
                    f: &dyn Fn(&mut CambioStato)|
         -> StoreResult<()> {
            let version = svc.store().caso(caso)?.map_or(0, |c| c.version);
            let mut c = CambioStato {
                caso_id: caso,
                version,
                a: a.into(),
                data: date::iso(today),
                nota: Some("Cambio di stato dimostrativo".into()),
                ..Default::default()
            };
            f(&mut c);
            svc.cambia_stato(who, &c).map(|_| ())
        };
        let motivo = |m: &'static str| {
            move |c: &mut CambioStato| {
                c.attributi.insert("motivo_chiusura".into(), m.into());
            }
        };
        match i % 7 {
            0 => step(&mut svc, &social, "sospeso", &|_| {})?,
            1 => step(&mut svc, &social, "segnalato_ufficio", &|c| {
                c.target_ufficio_id = Some(ufficio)
            })?,
            2 => step(&mut svc, &social, "segnalato_operatore", &|c| {
                c.target_operatore = Some(resp.username.clone())
            })?,
            3 => step(&mut svc, &social, "chiuso", &motivo("autonomia"))?,
            4 => {
                step(&mut svc, &social, "chiuso", &motivo("trasferito"))?;
                step(&mut svc, &resp, "riaperto", &|_| {})?;
            }
            5 => {
                if let Some(altro) = svc
                    .store()
                    .list_enti()?
                    .into_iter()
                    .find(|x| x.id != ente && x.tipo == "comune")
                {
                    step(&mut svc, &resp, "segnalato_ente", &|c| {
                        c.target_ente_id = Some(altro.id)
                    })?;
                }
            }
            _ => {}
        }
        for (k, (tipo, testo, riservato)) in [
            ("colloquio", "Primo colloquio in sede: la persona descrive la situazione familiare e abitativa.", false),
            ("visita", "Visita domiciliare: abitazione adeguata, riferisce difficoltà economiche e di salute.", i % 3 == 0),
        ]
        .into_iter()
        .enumerate()
        {
            let author = if k == 0 { &social } else { &resp };
            if svc.store().caso(caso)?.is_some_and(|c| c.stato == "chiuso") && k == 1 {
                break;
            }
            svc.save_diario(
                author,
                &Diario {
                    caso_id: caso,
                    tipo: tipo.into(),
                    data: day(20 - k as i64 * 5),
                    testo: testo.into(),
                    riservato,
                    ..Default::default()
                },
            )?;
        }
        let mut sociali = serde_json::Map::new();
        sociali.insert("inviante".into(), "Segretariato sociale".into());
        sociali.insert(
            "autosufficienza".into(),
            (if i % 2 == 0 { "AUTO" } else { "NAP" }).into(),
        );
        sociali.insert(
            "condizione_lavorativa".into(),
            (if i % 3 == 0 {
                "pensionato"
            } else {
                "disoccupato"
            })
            .into(),
        );
        svc.save_cartella(&social, caso, Sezione::DatiSociali, &sociali, &day(30))?;
        if i % 2 == 1 {
            let mut inv = serde_json::Map::new();
            inv.insert("invalidita_civile".into(), "sì".into());
            inv.insert(
                "percentuale".into(),
                serde_json::Value::from(75 + (i as i64 % 3) * 10),
            );
            inv.insert("legge_104".into(), "art. 3 comma 1".into());
            svc.save_cartella(&social, caso, Sezione::Invalidita, &inv, &day(60))?;
        }
        svc.add_familiare(
            &social,
            caso,
            &Familiare {
                tipo: if i % 2 == 0 {
                    "convivente"
                } else {
                    "familiare"
                }
                .into(),
                cognome: "Rossi".into(),
                nome: if i % 2 == 0 { "Maria" } else { "Giovanni" }.into(),
                relazione: Some(if i % 2 == 0 { "coniuge" } else { "figlio" }.into()),
                ..Default::default()
            },
        )?;
        if i % 2 == 0 {
            // Every other project is past its first verification (the home screen's reminder).
            let start = today
                - time::Duration::days(if i % 4 == 0 {
                    130 + i as i64
                } else {
                    40 + i as i64
                });
            svc.save_pai(
                &social,
                &Pai {
                    caso_id: caso,
                    tipo: if i % 4 == 0 {
                        "pai"
                    } else {
                        "progetto_individuale"
                    }
                    .into(),
                    motivazioni: "Sostegno alla domiciliarità e alla rete familiare".into(),
                    obiettivo_breve: Some("Attivare l'assistenza domiciliare".into()),
                    raggiunto_breve: 2,
                    obiettivo_medio: Some("Ridurre l'isolamento sociale".into()),
                    verifica_mesi: 3,
                    data_inizio: date::iso(start),
                    prossima_verifica: date::iso(crate::domain::caso::prima_verifica(start, 3)),
                    ..Default::default()
                },
            )?;
        }
        if i % 2 == 1 {
            let adl = (i % 4).to_string();
            svc.save_valutazione(
                &social,
                &crate::domain::caso::Valutazione {
                    caso_id: caso,
                    modulo: "valutazione_multidimensionale".into(),
                    modulo_versione: 1,
                    data: day(25),
                    dati: serde_json::json!({
                        "valutatori": "Assistente sociale e infermiere di comunità",
                        "adl": adl,
                        "mobilita": "1",
                        "rete": "2",
                        "sintesi": "Necessita di supporto per le attività strumentali",
                    })
                    .to_string(),
                    ..Default::default()
                },
            )?;
        }
        let scadenza = if i % 3 == 0 { day(20) } else { day(-200) };
        svc.save_isee(
            &social,
            &Isee {
                caso_id: caso,
                tipo: "ordinario".into(),
                data_dsu: day(300),
                scadenza,
                ise_cents: 1_250_000 + i as i64 * 10_000,
                scala_cents: 157,
                isee_cents: (1_250_000 + i as i64 * 10_000) * 100 / 157,
                ..Default::default()
            },
        )?;
    }
    Ok(made)
}

/// Documenti individuali for the first cases of the social worker and documents of the latest
/// schede (small text files written to a temporary folder, imported as the operator would, then
/// removed). Returns the documents added.
pub fn documenti(
    store: &mut dyn Store,
    archivio: &crate::service::casi_documenti::Archivio,
) -> StoreResult<usize> {
    use crate::service::Service;
    use crate::service::casi_documenti::NuovoDocumento;
    let Some(social) = store.operatore_by_username("assistente_sociale")? else {
        return Ok(0);
    };
    let social = Actor::operatore(&social, None, None);
    let mut svc = Service::new(store);
    let casi = svc.list_casi(&social, &Default::default(), false)?;
    let tmp = std::env::temp_dir().join(format!(
        "sportello-demo-{}-{}",
        std::process::id(),
        crate::domain::date::now_ms()
    ));
    let io = |e: std::io::Error| StoreError::Output(format!("documenti dimostrativi: {e}"));
    std::fs::create_dir(&tmp).map_err(io)?;
    let mut made = 0;
    let result = (|| {
        for (i, caso) in casi.iter().take(4).enumerate() {
            for (k, (titolo, tipo, privato)) in [
                ("Relazione sociale", "relazione", false),
                ("Certificato medico", "certificato", true),
            ]
            .into_iter()
            .enumerate()
            {
                let file = tmp.join(format!("{tipo}-{}.txt", caso.numero));
                let text = format!(
                    "{titolo}\nCaso n. {} — {} {}\nDocumento dimostrativo generato da sportello demo.\n",
                    caso.numero, caso.cognome, caso.nome
                );
                std::fs::write(&file, text).map_err(io)?;
                svc.add_documento(
                    &social,
                    archivio,
                    &NuovoDocumento {
                        caso_id: caso.id,
                        titolo: titolo.into(),
                        tipo: tipo.into(),
                        data: caso.data_apertura.clone(),
                        privato: privato && (i + k) % 2 == 1,
                    },
                    &file,
                )?;
                made += 1;
            }
        }
        Ok(made + sottoschede::documenti_schede(&mut svc, archivio, &tmp)?)
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::prelude::*;
    use crate::store::sqlite::SqliteStore;

    /// Everything a person row holds that the generator decides (not the insertion time).
    fn persons(s: &SqliteStore) -> Vec<String> {
        let n = s.counts().unwrap().soggetti;
        (1..=n)
            .map(|id| {
                let mut p = s.soggetto(id).unwrap().unwrap();
                (p.created_at, p.updated_at) = (String::new(), String::new());
                format!("{p:?}")
            })
            .collect()
    }

    #[test]
    fn demo_creates_accounts_and_persons_deterministically() {
        let mut s = SqliteStore::in_memory().unwrap();
        let actor = Actor::system(Some("test".into()), None);
        let summary = create(&mut s, &actor, 500).unwrap();
        assert_eq!(summary.persons, 500);
        let c = s.counts().unwrap();
        assert_eq!((c.enti, c.uffici, c.operatori, c.soggetti), (4, 4, 7, 500));
        assert!(s.is_demo().unwrap());
        for (user, role) in accounts() {
            let op = s.operatore_by_username(&user).unwrap().unwrap();
            assert!(op.roles.contains(role));
        }
        // Same seed, same people: every field of every person.
        let mut t = SqliteStore::in_memory().unwrap();
        create(&mut t, &actor, 500).unwrap();
        let (a, b) = (persons(&s), persons(&t));
        assert_eq!(a.len(), 500);
        assert!(a == b, "the demo persons differ between two runs");
    }

    /// All the schede of the demo's comuni, as the list shows them.
    fn schede(s: &SqliteStore, enti: &[i64]) -> Vec<crate::domain::scheda::SchedaRiga> {
        s.list_schede(enti, &crate::domain::scheda::Filtro::default(), 1_000_000)
            .unwrap()
    }

    #[test]
    fn the_history_is_deterministic_and_ends_on_the_creation_date() {
        use time::macros::date;
        let actor = Actor::system(Some("test".into()), None);
        let today = date!(2026 - 11 - 30);
        let mut s = SqliteStore::in_memory().unwrap();
        let summary = create_lived_in(&mut s, &actor, 1000, today).unwrap();
        let rows = schede(&s, &summary.enti);
        assert_eq!(rows.len(), summary.schede);
        assert!((550..=600).contains(&rows.len()), "{}", rows.len());
        let last = rows.iter().map(|r| r.data_accesso.as_str()).max().unwrap();
        let first = rows.iter().map(|r| r.data_accesso.as_str()).min().unwrap();
        assert!(("2026-11-20"..="2026-11-30").contains(&last), "{last}");
        assert!(("2025-05-30"..="2025-06-15").contains(&first), "{first}");
        let mut t = SqliteStore::in_memory().unwrap();
        create_lived_in(&mut t, &actor, 1000, today).unwrap();
        assert!(rows == schede(&t, &summary.enti), "two runs differ");
        let mut u = SqliteStore::in_memory().unwrap();
        create_lived_in(&mut u, &actor, 1000, date!(2026 - 06 - 30)).unwrap();
        let other = schede(&u, &summary.enti);
        assert!(
            other
                .iter()
                .all(|r| r.data_accesso.as_str() <= "2026-06-30")
        );
        assert!(rows != other, "the creation date moves the history");
    }

    #[test]
    fn the_history_looks_like_an_office() {
        use crate::domain::scheda::Stato;
        use std::collections::HashMap;
        use time::macros::date;
        let actor = Actor::system(Some("test".into()), None);
        let mut s = SqliteStore::in_memory().unwrap();
        let summary = create_lived_in(&mut s, &actor, 5000, date!(2026 - 11 - 30)).unwrap();
        let rows = schede(&s, &summary.enti);
        assert!((2900..=3000).contains(&rows.len()), "{}", rows.len());
        let share = |f: &dyn Fn(&crate::domain::scheda::SchedaRiga) -> bool| {
            rows.iter().filter(|r| f(r)).count() * 100 / rows.len()
        };
        // Both comuni, every office, several operators.
        let perugia = share(&|r| r.ufficio.as_deref() != Some("Segretariato sociale"));
        assert!((60..=80).contains(&perugia), "Perugia {perugia}%");
        let mut operatori: HashMap<&str, usize> = HashMap::new();
        for r in &rows {
            *operatori.entry(r.operatore.as_str()).or_default() += 1;
        }
        assert_eq!(operatori.len(), 6, "{operatori:?}");
        // Esiti as shipped, mostly information; a few in sospeso, all recent.
        let info = share(&|r| r.esito.as_deref() == Some("info"));
        assert!((25..=45).contains(&info), "info {info}%");
        let sospese: Vec<_> = rows
            .iter()
            .filter(|r| r.stato == Stato::InSospeso)
            .collect();
        assert!(
            (5..=100).contains(&sospese.len()),
            "{} in sospeso",
            sospese.len()
        );
        assert!(
            sospese
                .iter()
                .all(|r| r.data_accesso.as_str() >= "2026-09-30")
        );
        // Proposals of every fate; accepted ones opened cases.
        let proposte = share(&|r| r.stato == Stato::Inviata);
        assert!((5..=20).contains(&proposte), "proposte {proposte}%");
        let mut fates: Vec<String> = rows
            .iter()
            .filter(|r| r.stato == Stato::Inviata)
            .filter_map(|r| s.scheda(r.id).unwrap().unwrap().proposta)
            .collect();
        fates.sort();
        fates.dedup();
        assert_eq!(fates, ["accolta", "inviata", "respinta"]);
        // Returning clients: fewer persons than schede, some with many visits.
        let mut visite: HashMap<i64, usize> = HashMap::new();
        for r in &rows {
            *visite.entry(r.soggetto_id).or_default() += 1;
        }
        assert!(
            visite.len() * 100 / rows.len() < 80,
            "{} persons",
            visite.len()
        );
        assert!(visite.values().any(|v| *v >= 4));
        let history: usize = (1..=200)
            .map(|id| s.soggetto_storia(id).unwrap().len())
            .sum();
        assert!(history > 0, "some persons have a registry history");

        // The empty search of Corciano's desk: its latest persons, newest first, each once.
        let op = s
            .operatore_by_username("sportello.corciano")
            .unwrap()
            .unwrap();
        let desk = Actor::operatore(&op, None, None);
        let recent = crate::service::Service::new(&mut s)
            .search(&desk, "", None, 50, date!(2026 - 11 - 30))
            .unwrap();
        let mut corciano: Vec<i64> = Vec::new();
        for r in &rows {
            if r.ufficio.as_deref() == Some("Segretariato sociale")
                && !corciano.contains(&r.soggetto_id)
            {
                corciano.push(r.soggetto_id);
            }
        }
        let got: Vec<i64> = recent.iter().map(|h| h.id).collect();
        assert_eq!(got, corciano[..10]);
    }

    /// Pins the generated persons: a change of the generator, of its seed, of the name and place
    /// lists or of the random stream shows here. Update the constants knowingly: the demo databases
    /// and the screen snapshots change with them.
    #[test]
    fn the_demo_persons_are_pinned() {
        use sha2::{Digest, Sha256};
        let pools = pools();
        let mut rng = DemoRng::new(SEED);
        let mut hash = Sha256::new();
        let mut first = Vec::new();
        for i in 0..2000 {
            let p = person(&mut rng, &pools, &[1, 2, 3]);
            // Display, not Debug: Debug output is not promised to stay the same across Rust versions.
            let o = |v: &Option<String>| v.clone().unwrap_or_default();
            let line = [
                o(&p.codice_fiscale),
                p.cognome.clone(),
                p.nome.clone(),
                p.sesso.map(String::from).unwrap_or_default(),
                o(&p.data_nascita),
                o(&p.luogo_nascita),
                o(&p.cittadinanza),
                o(&p.res_indirizzo),
                o(&p.res_civico),
                o(&p.res_cap),
                o(&p.res_comune),
                o(&p.telefono),
                o(&p.data_decesso),
                p.ente_id.unwrap_or_default().to_string(),
            ]
            .join("|")
                + "\n";
            hash.update(line.as_bytes());
            if i < 3 {
                first.push(format!(
                    "{} {} {}",
                    p.cognome,
                    p.nome,
                    p.codice_fiscale.unwrap()
                ));
            }
        }
        assert_eq!(
            first,
            [
                "Bonfanti Baudolino BNFBLN82C22L573L",
                "Palmieri Angiola PLMNGL64L53B294A",
                "D'Amico Baldomero DMCBDM52B02F610I",
            ]
        );
        assert_eq!(
            hex::encode(hash.finalize()),
            "6abd5221cf3f7508bc6927ea4ebf8860a5738851c05000241b15bfa186b548da"
        );
    }

    #[test]
    fn draws_stay_in_range_and_cover_it() {
        let mut rng = DemoRng::new(1);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[rng.below(7) as usize] += 1;
            let x = rng.between(-2, 2);
            assert!((-2..=2).contains(&x), "{x}");
        }
        assert!(seen.iter().all(|n| (850..1150).contains(n)), "{seen:?}");
        assert_eq!(rng.below(1), 0);
        let mut again = DemoRng::new(1);
        assert_eq!(again.below(7), DemoRng::new(1).below(7));
    }

    #[test]
    fn every_demo_codice_fiscale_is_valid_and_matches_the_person() {
        let pools = pools();
        let mut rng = DemoRng::new(7);
        for _ in 0..3000 {
            let p = person(&mut rng, &pools, &[1, 2, 3]);
            let code = p.codice_fiscale.clone().unwrap();
            let d = cf::decode(&code, (2026, 11, 29)).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(Some(d.sesso.as_char()), p.sesso);
            let (y, m, g) = d.birth_date;
            assert_eq!(
                p.data_nascita.as_deref(),
                Some(format!("{y:04}-{m:02}-{g:02}").as_str())
            );
            assert_eq!(p.luogo_nascita.as_deref(), Some(d.place.code.as_str()));
        }
    }
}
