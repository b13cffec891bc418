//! Synthetic demo data: an ambito with three comuni of Umbria, their front desks, one account per role
//! and N persons with valid codici fiscali. Deterministic (fixed seed): the same N gives the same data.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::domain::cf::{self, Sesso};
use crate::domain::soggetto::NewSoggetto;
use crate::domain::{Actor, NewEnte, NewOperatore, Role, RoleSet};
use crate::store::{Store, StoreResult};

/// The password of every demo account (also in the README).
pub const DEMO_PASSWORD: &str = "sportello-demo";

const NOMI: &str = include_str!("../data/nomi-propri.csv");
const COGNOMI: &str = include_str!("../data/cognomi.txt");
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
}

/// The demo accounts: one per role, named after the role.
pub fn accounts() -> Vec<(String, Role)> {
    Role::ALL
        .iter()
        .map(|r| (r.code().to_string(), *r))
        .collect()
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
    crate::service::Service::new(store).create_ufficio(
        actor,
        enti[0],
        "PUA - Punto unico di accesso",
    )?;
    crate::service::Service::new(store).create_ufficio(actor, enti[1], "Segretariato sociale")?;
    crate::service::Service::new(store).create_ufficio(actor, enti[2], "Segretariato sociale")?;

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
                enti: enti.clone(),
                ufficio_id: Some(segretariato),
                os_user: None,
                extra: String::new(),
            },
            Some(DEMO_PASSWORD),
        )?;
    }
    let inserted = insert_persons(store, actor, persons, &enti)?;
    store.set_setting("demo", "1")?;
    Ok(DemoSummary {
        persons: inserted,
        accounts,
    })
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

/// The synthetic person number `i` (deterministic given the RNG state).
fn person(rng: &mut StdRng, p: &Pools, enti: &[i64]) -> NewSoggetto {
    let sesso = if rng.gen_bool(0.52) {
        Sesso::F
    } else {
        Sesso::M
    };
    let nome = *if sesso == Sesso::F {
        &p.nomi_f
    } else {
        &p.nomi_m
    }
    .choose(rng)
    .unwrap_or(&"Maria");
    let cognome = *p.cognomi.choose(rng).unwrap_or(&"Rossi");
    // From 1930: a two-digit CF year never reads as a future date.
    let year = rng.gen_range(1930..=2024);
    let month = rng.gen_range(1..=12u8);
    let day = rng.gen_range(1..=28u8);
    let roll: f64 = rng.r#gen();
    let (mut luogo, cittadinanza) = if roll < 0.70 {
        (*p.umbria.choose(rng).unwrap_or(&"G478"), None)
    } else if roll < 0.90 {
        (*p.italia.choose(rng).unwrap_or(&"H501"), None)
    } else {
        let z = *p.stati.choose(rng).unwrap_or(&"Z129");
        (z, Some(z.to_string()))
    };
    // A comune that did not exist on the birth date (merged, renamed) gives way to the capoluogo.
    if belfiore::lookup(luogo, Some((year, month, day))).is_none() {
        luogo = "G478";
    }
    let comune = rng.gen_range(0..DEMO_COMUNI.len());
    let deceased = year < 1940 && rng.gen_bool(0.2);
    NewSoggetto {
        codice_fiscale: Some(cf::compute(cognome, nome, sesso, year, month, day, luogo)),
        cognome: cognome.to_string(),
        nome: nome.to_string(),
        sesso: Some(if sesso == Sesso::F { 'F' } else { 'M' }),
        data_nascita: Some(format!("{year:04}-{month:02}-{day:02}")),
        luogo_nascita: Some(luogo.to_string()),
        cittadinanza,
        res_indirizzo: Some(VIE.choose(rng).unwrap_or(&"Via Roma").to_string()),
        res_civico: Some(rng.gen_range(1..200).to_string()),
        res_cap: Some(DEMO_COMUNI[comune].2.to_string()),
        res_comune: Some(DEMO_COMUNI[comune].1.to_string()),
        telefono: rng
            .gen_bool(0.6)
            .then(|| format!("3{:09}", rng.gen_range(100_000_000..999_999_999u32))),
        data_decesso: deceased.then(|| {
            format!(
                "{}-0{}-1{}",
                year + 80,
                rng.gen_range(1..9),
                rng.gen_range(0..9)
            )
        }),
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
    let mut rng = StdRng::seed_from_u64(0x5107_7e11);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::prelude::*;
    use crate::store::sqlite::SqliteStore;

    #[test]
    fn demo_creates_accounts_and_persons_deterministically() {
        let mut s = SqliteStore::in_memory().unwrap();
        let actor = Actor::system(Some("test".into()), None);
        let summary = create(&mut s, &actor, 500).unwrap();
        assert_eq!(summary.persons, 500);
        let c = s.counts().unwrap();
        assert_eq!((c.enti, c.uffici, c.operatori, c.soggetti), (4, 4, 6, 500));
        assert!(s.is_demo().unwrap());
        for (user, role) in accounts() {
            let op = s.operatore_by_username(&user).unwrap().unwrap();
            assert!(op.roles.contains(role));
        }
        // Same seed, same people.
        let mut t = SqliteStore::in_memory().unwrap();
        create(&mut t, &actor, 500).unwrap();
        assert_eq!(
            s.audit_tail(1).unwrap()[0].event.detail,
            t.audit_tail(1).unwrap()[0].event.detail
        );
    }

    #[test]
    fn every_demo_codice_fiscale_is_valid_and_matches_the_person() {
        let pools = pools();
        let mut rng = StdRng::seed_from_u64(7);
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
