//! Demo interventi and erogazioni for the first comune: progetti, a small tree of the ente's own
//! tipi mapped to ISTAT classes and SIUSS codes, and eighteen months of erogazioni up to `today`
//! — one-off income support (A1.04), monthly rent contributions (A1.05.01), public housing
//! (A3.04), some with ISEE and DSU, compartecipazioni and SINA; rows of this month still to
//! confirm. One SIUSS flow was already sent three months ago (its compressed copy kept in the data
//! folder's `siuss/` as a real export keeps it, when the demo has a data folder: `sportello demo`
//! does, the tests' in-memory copies do not), and a few erogazioni were corrected afterwards, so that
//! `sportello export siuss` sends new records, corrections (`TipoOperazione="C"`) and lists a few
//! records left out with their reasons: home care under a SIUSS code whose INPS denominazione is
//! not loaded, a person with a provisional codice fiscale, "in carico: non so", a missing DSU.
//! Deterministic (`DemoRng`, own seed).

use time::Date;

use super::DemoRng;
use crate::domain::Actor;
use crate::domain::date::{from_ymd, iso, ymd};
use crate::domain::erogazioni::{Erogazione, Foglio, Intervento, NuovoTipo, Progetto, Riga, Sina};
use crate::domain::persona::PersonaEdit;
use crate::service::Service;
use crate::service::siuss::RichiestaSiuss;
use crate::store::{Store, StoreResult};

const SEED: u64 = 0xe60_9a21;

/// The codice fiscale the demo's SIUSS flows are sent with (`siuss.cf_operatore`).
pub const CF_OPERATORE: &str = "VRDLGU75M10G478H";

/// The first day of the month `n` months before `d`'s month.
fn month_start(d: Date, n: i32) -> Date {
    let (y, m, _) = ymd(d);
    let k = y * 12 + i32::from(m) - 1 - n;
    from_ymd((k.div_euclid(12), (k.rem_euclid(12) + 1) as u8, 1)).unwrap_or(d)
}

/// The last day of `d`'s month.
fn month_end(d: Date) -> Date {
    let (y, m, _) = ymd(d);
    from_ymd((y, m, crate::domain::date::days_in_month(y, m))).unwrap_or(d)
}

/// What the demo made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fatto {
    pub erogazioni: usize,
    pub beneficiari: usize,
}

fn sina(rng: &mut DemoRng) -> Sina {
    let v = |rng: &mut DemoRng, n: i64| rng.between(1, n).to_string();
    Sina {
        mobilita: v(rng, 3),
        attivita_vita_quotidiana: v(rng, 3),
        disturbi_area_cognitiva: Some(v(rng, 3)),
        disturbi_comportamentali: v(rng, 2),
        necessita_cure_sanitarie: Some(v(rng, 3)),
        area_reddituale: v(rng, 3),
        area_supporto: v(rng, 3),
        fonte_derivazione_valutazione: v(rng, 4),
        strumento_valutazione: v(rng, 7),
        fonte_derivazione_invalidita: Some("1".into()),
        necessita_interventi: vec!["A1.04".into(), "A2.07".into()],
        invalidita_civile: vec![v(rng, 8)],
    }
}

fn riga(data: Date, fine: Option<Date>, q: i64, t: i64) -> Riga {
    Riga {
        stato: "erogata".into(),
        data: iso(data),
        data_fine: fine.map(iso),
        quantita_cent: q,
        tariffa_cents: t,
        ..Default::default()
    }
}

/// Adds the demo erogazioni (see the module doc); nothing when the demo accounts are missing.
/// `archivio`: where the earlier flow's compressed copy goes (`<data dir>/siuss`), when the demo
/// has a data folder.
pub fn add(
    store: &mut dyn Store,
    persons: usize,
    today: Date,
    archivio: Option<std::path::PathBuf>,
) -> StoreResult<Fatto> {
    let Some(op) = store.operatore_by_username("amministrativo")? else {
        return Ok(Fatto::default());
    };
    let amm = Actor::operatore(&op, None, None);
    let Some(ente) = amm.ente() else {
        return Ok(Fatto::default());
    };
    store.set_setting("siuss.cf_operatore", CF_OPERATORE)?;
    let mut rng = DemoRng::new(SEED);
    let mut svc = Service::new(store);
    let mut progetti = Vec::new();
    for (codice, titolo, fonte) in [
        (
            "FNA",
            "Fondo nazionale per le non autosufficienze",
            "Stato - FNA",
        ),
        ("PN-INC", "Programma nazionale Inclusione", "FSE+"),
        ("BIL", "Interventi a bilancio comunale", "Bilancio comunale"),
    ] {
        progetti.push(svc.add_progetto(
            &amm,
            &Progetto {
                ente_id: ente,
                codice: codice.into(),
                titolo: titolo.into(),
                fonte: Some(fonte.into()),
                ..Default::default()
            },
        )?);
    }
    let istat = |svc: &Service<'_>, code: &str| -> StoreResult<Option<i64>> {
        Ok(svc
            .store()
            .tipi_intervento(None)?
            .into_iter()
            .find(|t| t.codice == code)
            .map(|t| t.id))
    };
    let tipo = |svc: &mut Service<'_>,
                codice: &str,
                etichetta: &str,
                parent: Option<i64>,
                classe: &str,
                siuss: &str,
                unita: &str|
     -> StoreResult<i64> {
        let istat_id = istat(svc, classe)?;
        svc.add_tipo_intervento(
            &amm,
            &NuovoTipo {
                ente_id: ente,
                codice: codice.into(),
                etichetta: etichetta.into(),
                parent_id: parent,
                istat_id,
                siuss_codice: Some(siuss.into()),
                unita_misura: Some(unita.into()),
            },
        )
    };
    let contributi = tipo(
        &mut svc,
        "CE",
        "Contributi economici",
        None,
        "TD01",
        "A1.04",
        "euro",
    )?;
    let reddito = tipo(
        &mut svc,
        "CE.01",
        "Contributo straordinario al reddito",
        Some(contributi),
        "TD01",
        "A1.04",
        "euro",
    )?;
    let affitto = tipo(
        &mut svc,
        "CE.02",
        "Contributo per l'affitto",
        Some(contributi),
        "TD02",
        "A1.05.01",
        "euro",
    )?;
    let erp = tipo(
        &mut svc,
        "ERP",
        "Alloggi di edilizia residenziale pubblica",
        None,
        "ST04",
        "A3.04",
        "mesi",
    )?;
    let sad = tipo(
        &mut svc,
        "SAD",
        "Assistenza domiciliare anziani",
        None,
        "IS03",
        "A2.07",
        "ore",
    )?;

    let start = month_start(today, 17);
    let first_flow_end = month_end(month_start(today, 3));
    let mut made = Vec::new();
    let mut beneficiari = 0;
    let target = (persons * 3 / 4).min(600);
    for id in 1..=persons as i64 {
        if beneficiari >= target {
            break;
        }
        let Some(p) = svc.store().soggetto(id)? else {
            continue;
        };
        if p.data_decesso.is_some()
            || p.cf_provvisorio
            || p.data_nascita.as_deref().is_none_or(|d| d > "2006")
            || p.codice_fiscale.is_none()
        {
            continue;
        }
        beneficiari += 1;
        let roll = rng.below(100);
        let anziano = p.data_nascita.as_deref().is_some_and(|d| d < "1955");
        let prot = format!("{}/{:06}", today.year() - 1, 1000 + beneficiari);
        let dsu = |rng: &mut DemoRng, y: i32| {
            (
                Some(format!(
                    "INPS-ISEE-{y}-{:08}A-00",
                    rng.between(1, 99_999_999)
                )),
                Some(y),
                Some(format!("{y}-01-{:02}", rng.between(10, 28))),
            )
        };
        let mut e = Erogazione {
            soggetto_id: id,
            categoria_sociale: "poverta".into(),
            protocollo_domanda: Some(prot),
            erogatore: Some("Servizi sociali - Comune di Perugia".into()),
            prova_mezzi: 1,
            carattere: 1,
            in_carico: 0,
            ..Default::default()
        };
        let mut intervento: Option<Intervento> = None;
        let (y, ..) = ymd(start);
        (e.dsu_protocollo, e.dsu_anno, e.dsu_data) = dsu(&mut rng, y);
        match roll {
            // Home care for the elderly: A2.07, whose INPS denominazione is not loaded (a few).
            0..=2 if anziano => {
                e.tipo_id = sad;
                e.categoria_sociale = "anziani".into();
                e.prova_mezzi = 3;
                e.in_carico = 1;
                e.sina = Some(sina(&mut rng));
                e.quota_ente_bp = None;
                let from = month_start(today, rng.between(3, 10) as i32);
                let mut m = from;
                while m <= today {
                    let mut r = riga(m, Some(month_end(m).min(today)), 2_000, 2_100);
                    r.comp_utente_cents = 4_000;
                    e.righe.push(r);
                    m = month_start(m, -1);
                }
            }
            // Monthly rent contributions for 6-12 months, each paid on its date (data evento).
            3..=32 => {
                e.tipo_id = affitto;
                let from = month_start(today, rng.between(2, 16) as i32);
                let months = rng.between(6, 12) as i32;
                let amount = rng.between(20, 35) * 1_000;
                let mut m = from;
                for _ in 0..months {
                    if m > today {
                        break;
                    }
                    let mut r = riga(m, Some(month_end(m)), 100, amount);
                    r.data_evento = Some(iso(m.replace_day(5).unwrap_or(m)));
                    r.stato = if month_start(today, 0) == m {
                        "prevista".into()
                    } else {
                        "erogata".into()
                    };
                    e.righe.push(r);
                    m = month_start(m, -1);
                }
                intervento = Some(Intervento {
                    soggetto_id: id,
                    tipo_beneficiario: "nucleo".into(),
                    n_beneficiari: rng.between(2, 5),
                    tipo_id: affitto,
                    categoria_sociale: "poverta".into(),
                    origine: "richiesto".into(),
                    dal: iso(from),
                    al: Some(iso(month_end(month_start(from, -(months - 1))))),
                    frequenza: "P".into(),
                    progetto_id: Some(progetti[1]),
                    attivita: Some("Sostegno all'abitare".into()),
                    titolare: Some("Comune di Perugia".into()),
                    unita_misura: Some("euro".into()),
                    tariffa_cents: Some(amount),
                    quantita_cent: Some(100),
                    fruizione: Some("M".into()),
                    ..Default::default()
                });
            }
            // Public housing: a yearly rent share, billed each quarter.
            33..=45 => {
                e.tipo_id = erp;
                e.unita_misura = Some("mesi".into());
                let from = month_start(today, rng.between(6, 17) as i32);
                let monthly = rng.between(40, 140) * 100;
                let mut q = from;
                while q <= today {
                    let end = month_end(month_start(q, -2)).min(month_end(today));
                    let mut r = riga(q, Some(end), 300, monthly);
                    r.comp_utente_cents = 300 * monthly / 100 / 5;
                    e.righe.push(r);
                    q = month_start(q, -3);
                }
            }
            // One-off income support: one to three payments of 150-600 €.
            _ => {
                e.tipo_id = reddito;
                e.carattere = 2;
                if rng.percent(30) {
                    e.prova_mezzi = 4;
                    (e.dsu_protocollo, e.dsu_anno, e.dsu_data) = (None, None, None);
                }
                if rng.percent(15) {
                    e.in_carico = 1;
                    e.sina = Some(sina(&mut rng));
                }
                let day = month_start(today, rng.between(0, 17) as i32)
                    .replace_day(rng.between(1, 28) as u8)
                    .unwrap_or(start);
                let day = day.min(today);
                e.righe
                    .push(riga(day, None, 100, rng.between(15, 60) * 1_000));
            }
        }
        if e.righe.is_empty() {
            continue;
        }
        if let Some(mut i) = intervento {
            let (iid, version) = svc.save_intervento(&amm, &i)?;
            i.id = Some(iid);
            svc.add_foglio(
                &amm,
                &Foglio {
                    intervento_id: iid,
                    tipo: "A".into(),
                    data: i.dal.clone(),
                    dettaglio: Some("Attivazione".into()),
                    ..Default::default()
                },
                version,
            )?;
            e.intervento_id = Some(iid);
        }
        made.push(svc.save_erogazione(&amm, &e)?);
    }
    // Left out on purpose: "in carico: non so" and a missing DSU on two of them.
    for (n, (id, _)) in made.iter().enumerate().skip(7).step_by(97).take(2) {
        let mut e = svc.store().erogazione(*id)?.unwrap_or_default();
        if n % 2 == 0 {
            e.in_carico = 2;
        } else {
            e.prova_mezzi = 1;
            (e.dsu_protocollo, e.dsu_anno, e.dsu_data) = (None, None, None);
        }
        svc.save_erogazione(&amm, &e)?;
    }
    // A person registered at the desk without a codice fiscale (a provisional one is given).
    let mut edit = PersonaEdit::default();
    for (k, v) in [
        ("cognome", "Ionescu"),
        ("nome", "Mihai"),
        ("sesso", "M"),
        ("data_nascita", "1984-06-02"),
        ("res_comune", "G478"),
    ] {
        edit.set(k, Some(v));
    }
    let senza_cf = svc.store_mut().save_persona(&amm, &edit, Some(ente))?.id;
    made.push(svc.save_erogazione(
        &amm,
        &Erogazione {
            soggetto_id: senza_cf,
            tipo_id: reddito,
            categoria_sociale: "immigrati".into(),
            protocollo_domanda: Some(format!("{}/009999", today.year())),
            prova_mezzi: 4,
            carattere: 2,
            in_carico: 0,
            righe: vec![riga(month_start(today, 1), None, 100, 25_000)],
            ..Default::default()
        },
    )?);
    // The flow sent three months ago, then a few corrections of what it carried.
    let out = std::env::temp_dir().join(format!(
        "sportello-demo-siuss-{}-{}.xml",
        std::process::id(),
        crate::domain::date::now_ms()
    ));
    let sent = svc.export_siuss(
        &amm,
        &RichiestaSiuss {
            ente_id: Some(ente),
            dal: iso(start),
            al: iso(first_flow_end),
            cf_operatore: None,
            out: Some(out.clone()),
            archivio,
            giorno: month_start(today, 2),
        },
        &crate::progress::Progress::default(),
    );
    let _ = std::fs::remove_file(&out);
    sent?;
    let mut corrected = 0;
    for (id, _) in &made {
        if corrected >= 3 {
            break;
        }
        let mut e = svc.store().erogazione(*id)?.unwrap_or_default();
        let sent_row = e.righe.iter().position(|r| r.siuss_flusso_id.is_some());
        if let (2, Some(i)) = (e.carattere, sent_row) {
            e.righe[i].tariffa_cents += 5_000;
            svc.save_erogazione(&amm, &e)?;
            corrected += 1;
        }
    }
    Ok(Fatto {
        erogazioni: made.len(),
        beneficiari,
    })
}
