//! Building the typed values of a flow from the database's rows: the beneficiary from the person
//! (codes of birth place, citizenship and residence), the records from an erogazione (periodic ones
//! split per calendar year with monthly amounts).

use std::collections::BTreeMap;

use time::{Date, Month};

use super::check::{cf_pattern, check_beneficiario, check_prestazione, digits};
use super::{Beneficiario, Candidato, Contesto, Periodo, Persona, Prestazione};
use crate::domain::date::{iso, parse_iso};
use crate::domain::erogazioni::Erogazione;

/// ISO 3166 numeric code of a foreign state by Belfiore `Z` code (`data/siuss/stati-iso3166.csv`).
fn iso3166(belfiore: &str) -> Option<&'static str> {
    static TABLE: std::sync::OnceLock<BTreeMap<&'static str, &'static str>> =
        std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            include_str!("../../../data/siuss/stati-iso3166.csv")
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(','))
                .collect()
        })
        .get(belfiore)
        .copied()
}

/// The region code (Agenzia delle Entrate numbering, Bolzano 03, Trento 18) of a province.
fn regione(provincia: &str) -> Option<&'static str> {
    const REGIONI: &[(&str, &[&str])] = &[
        ("01", &["AQ", "CH", "PE", "TE"]),
        ("02", &["MT", "PZ"]),
        ("03", &["BZ"]),
        ("04", &["CS", "CZ", "KR", "RC", "VV"]),
        ("05", &["AV", "BN", "CE", "NA", "SA"]),
        (
            "06",
            &["BO", "FC", "FE", "MO", "PC", "PR", "RA", "RE", "RN"],
        ),
        ("07", &["GO", "PN", "TS", "UD"]),
        ("08", &["FR", "LT", "RI", "RM", "VT"]),
        ("09", &["GE", "IM", "SP", "SV"]),
        (
            "10",
            &[
                "BG", "BS", "CO", "CR", "LC", "LO", "MB", "MI", "MN", "PV", "SO", "VA",
            ],
        ),
        ("11", &["AN", "AP", "FM", "MC", "PU"]),
        ("12", &["CB", "IS"]),
        ("13", &["AL", "AT", "BI", "CN", "NO", "TO", "VB", "VC"]),
        ("14", &["BA", "BR", "BT", "FG", "LE", "TA"]),
        ("15", &["CA", "NU", "OR", "SS", "SU"]),
        (
            "16",
            &["AG", "CL", "CT", "EN", "ME", "PA", "RG", "SR", "TP"],
        ),
        (
            "17",
            &["AR", "FI", "GR", "LI", "LU", "MS", "PI", "PO", "PT", "SI"],
        ),
        ("18", &["TN"]),
        ("19", &["PG", "TR"]),
        ("20", &["AO"]),
        ("21", &["BL", "PD", "RO", "TV", "VE", "VI", "VR"]),
    ];
    REGIONI
        .iter()
        .find(|(_, ps)| ps.contains(&provincia))
        .map(|(r, _)| *r)
}

/// Belfiore code of the birth place from the codice fiscale (omocodia letters undone).
pub(super) fn luogo_da_cf(cf: &str) -> Option<String> {
    let b = cf.as_bytes();
    if b.len() != 16 {
        return None;
    }
    let mut out = String::with_capacity(4);
    out.push(b[11] as char);
    for c in &b[12..15] {
        let d = match c {
            b'0'..=b'9' => *c as char,
            _ => {
                let i = b"LMNPQRSTUV".iter().position(|l| l == c)?;
                (b'0' + i as u8) as char
            }
        };
        out.push(d);
    }
    Some(out.to_ascii_uppercase())
}

/// The beneficiary of a person, or the problems that keep them out of the flow.
pub fn beneficiario(p: &Persona, ctx: &Contesto) -> Result<Beneficiario, Vec<String>> {
    let mut problemi = Vec::new();
    let cf = p
        .codice_fiscale
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_uppercase();
    if cf.is_empty() {
        problemi.push("codice fiscale mancante".to_string());
    } else if p.cf_provvisorio || crate::domain::cf::is_temporary(&cf) {
        problemi.push(
            "codice fiscale provvisorio: SIUSS accetta solo il codice fiscale definitivo".into(),
        );
    } else if !cf_pattern(&cf) {
        problemi.push(format!(
            "codice fiscale «{}» non valido",
            crate::sanitize::sanitize(&cf)
        ));
    }
    for (v, what) in [(&p.cognome, "cognome"), (&p.nome, "nome")] {
        let n = v.trim().chars().count();
        if n == 0 {
            problemi.push(format!("{what} mancante"));
        } else if n > 36 {
            problemi.push(format!("{what} più lungo di 36 caratteri"));
        }
    }
    let anno = p
        .data_nascita
        .as_deref()
        .and_then(|d| d.get(..4))
        .unwrap_or_default()
        .to_string();
    if !digits(&anno, 4) {
        problemi.push("anno di nascita mancante".into());
    }
    let luogo = p
        .luogo_nascita
        .clone()
        .filter(|l| l.len() == 4)
        .or_else(|| luogo_da_cf(&cf))
        .unwrap_or_default()
        .to_uppercase();
    if luogo.chars().count() != 4 {
        problemi.push("luogo di nascita mancante".into());
    }
    let genere = match p.sesso.as_deref() {
        Some("M") => "1",
        Some("F") => "2",
        _ => {
            problemi.push("sesso mancante".into());
            ""
        }
    };
    // Citizenship: the state's ISO code; none recorded and born in Italy: Italian; else 990.
    let cittadinanza = |c: Option<&str>| -> String {
        match c {
            Some(z) => iso3166(z).unwrap_or("990").to_string(),
            None if !luogo.starts_with('Z') && !luogo.is_empty() => "380".into(),
            None => "990".into(),
        }
    };
    let prima = cittadinanza(p.cittadinanza.as_deref());
    let seconda = p
        .cittadinanza2
        .as_deref()
        .map(|c| cittadinanza(Some(c)))
        .filter(|c| *c != prima);
    let (mut regione_res, mut comune, mut nazione) = (None, None, "990".to_string());
    match p.res_comune.as_deref().map(str::trim) {
        Some(z) if z.starts_with('Z') => nazione = iso3166(z).unwrap_or("990").into(),
        Some(b) if !b.is_empty() => {
            nazione = "380".into();
            let provincia = crate::domain::belfiore::lookup(b, None).and_then(|pl| pl.provincia);
            regione_res = provincia.as_deref().and_then(regione).map(str::to_string);
            comune = ctx.istat.get(b).cloned();
            if comune.is_none() || regione_res.is_none() {
                problemi.push(format!(
                    "codice ISTAT o regione del comune di residenza «{}» non disponibili",
                    crate::sanitize::sanitize(b)
                ));
            }
        }
        _ => {}
    }
    if !problemi.is_empty() {
        return Err(problemi);
    }
    let b = Beneficiario {
        codice_fiscale: cf,
        cognome: p.cognome.trim().to_string(),
        nome: p.nome.trim().to_string(),
        anno_nascita: anno,
        luogo_nascita: luogo,
        genere: genere.into(),
        cittadinanza: prima,
        seconda_cittadinanza: seconda,
        regione: regione_res,
        comune,
        nazione,
    };
    let problemi = check_beneficiario(&b);
    if problemi.is_empty() {
        Ok(b)
    } else {
        Err(problemi)
    }
}

/// Months touched by a period, inclusive: (end year − start year) × 12 + (end month − start month)
/// + 1 (SIUSS-EXPORT §5.5: days are ignored).
pub fn mesi(inizio: Date, fine: Date) -> i64 {
    (i64::from(fine.year()) - i64::from(inizio.year())) * 12
        + (i64::from(u8::from(fine.month())) - i64::from(u8::from(inizio.month())))
        + 1
}

/// `a / b` rounded half up (b > 0, a ≥ 0).
fn div_round(a: i64, b: i64) -> i64 {
    (2 * a + b) / (2 * b)
}

/// One calendar year of a periodic erogazione: the period it covers and the amounts (cents).
#[derive(Debug, Clone, Default)]
struct Anno {
    inizio: Option<Date>,
    fine: Option<Date>,
    spesa: i64,
    utente: i64,
    ssn: i64,
    ente: i64,
    ore_cent: i64,
    evento: Option<String>,
}

/// The erogazione's rows spread over calendar years: each row's amounts are shared among the years
/// its period touches in proportion to the months, the last year taking the rounding rest.
fn per_anno(e: &Erogazione) -> BTreeMap<i32, Anno> {
    let ore = matches!(e.unita_misura.as_deref(), Some("ore" | "ore_minuti"));
    let mut anni: BTreeMap<i32, Anno> = BTreeMap::new();
    for r in &e.righe {
        let Some(start) = parse_iso(&r.data) else {
            continue;
        };
        let end = r
            .data_fine
            .as_deref()
            .and_then(parse_iso)
            .unwrap_or(start)
            .max(start);
        let totale = mesi(start, end);
        let amounts = [
            r.spesa_cents(),
            r.comp_utente_cents,
            r.comp_ssn_cents,
            r.quota_ente_cents(e.quota_ente_bp),
            if ore { r.quantita_cent } else { 0 },
        ];
        let mut given = [0i64; 5];
        for y in start.year()..=end.year() {
            let s = start.max(Date::from_calendar_date(y, Month::January, 1).unwrap_or(start));
            let f = end.min(Date::from_calendar_date(y, Month::December, 31).unwrap_or(end));
            let m = mesi(s, f);
            let last = y == end.year();
            let a = anni.entry(y).or_default();
            a.inizio = Some(a.inizio.map_or(s, |x| x.min(s)));
            a.fine = Some(a.fine.map_or(f, |x| x.max(f)));
            if a.evento.is_none() {
                a.evento = r.data_evento.clone();
            }
            let mut share = [0i64; 5];
            for i in 0..5 {
                share[i] = if last {
                    amounts[i] - given[i]
                } else {
                    amounts[i] * m / totale
                };
                given[i] += share[i];
            }
            a.spesa += share[0];
            a.utente += share[1];
            a.ssn += share[2];
            a.ente += share[3];
            a.ore_cent += share[4];
        }
    }
    anni
}

fn positive(c: i64) -> Option<i64> {
    (c > 0).then_some(c)
}

/// The records of an erogazione, or the problems that keep it out (Italian).
pub fn prestazioni(c: &Candidato, ctx: &Contesto) -> Result<Vec<Prestazione>, Vec<String>> {
    let e = &c.erogazione;
    let mut problemi = Vec::new();
    let Some(codice) = e.siuss_codice.clone() else {
        return Err(vec!["codice prestazione SIUSS non indicato".into()]);
    };
    let Some(tab) = &c.prestazione else {
        return Err(vec![format!("codice prestazione «{codice}» sconosciuto")]);
    };
    if tab.non_esportare {
        problemi.push(format!("la prestazione {codice} non si invia a SIUSS"));
    }
    let denominazione = tab.denominazione.clone().unwrap_or_default();
    if denominazione.chars().count() < 10 {
        problemi.push(format!(
            "denominazione della prestazione {codice} non nota: importare la tabella INPS (sportello codes import prestazioni_siuss)"
        ));
    }
    let presa_carico = match e.in_carico {
        1 => 1,
        0 => 2,
        _ => {
            problemi
                .push("specificare se, durante il servizio, il beneficiario è in carico".into());
            2
        }
    };
    if tab.solo_in_carico && presa_carico != 1 {
        problemi.push(format!(
            "la prestazione {codice} si invia solo se il beneficiario è preso in carico"
        ));
    }
    let area_utenza = if presa_carico == 1 {
        let a = ctx.aree.get(&e.categoria_sociale).copied();
        if a.is_none() {
            problemi.push(format!(
                "categoria sociale «{}» senza area di utenza SIUSS",
                crate::sanitize::sanitize(&e.categoria_sociale)
            ));
        }
        a
    } else {
        None
    };
    let sina = if presa_carico == 1 {
        e.sina.clone()
    } else {
        None
    };
    if presa_carico == 1 && tab.richiede_sina && sina.is_none() {
        problemi.push(format!(
            "compilare i dati SINA: richiesti per la prestazione {codice} a un beneficiario in carico"
        ));
    }
    let protocollo = e
        .protocollo_domanda
        .clone()
        .map(|p| p.trim().to_string())
        .unwrap_or_default();
    if protocollo.is_empty() {
        problemi.push("protocollo della domanda di prestazione mancante".into());
    }
    let dsu = if e.prova_mezzi == 1 {
        match (&e.dsu_protocollo, e.dsu_anno, &e.dsu_data) {
            (Some(p), Some(a), Some(d)) => Some((p.clone(), a.to_string(), d.clone())),
            _ => {
                problemi.push(
                    "dati DSU (protocollo, anno e data) mancanti: la prestazione è soggetta a ISEE"
                        .into(),
                );
                None
            }
        }
    } else {
        None
    };
    if e.righe.is_empty() {
        problemi.push("nessuna operazione erogata nel periodo".into());
    }
    if !problemi.is_empty() {
        return Err(problemi);
    }
    let base = |periodo, evento: Option<String>, q: [Option<i64>; 3]| Prestazione {
        tipo_operazione: None,
        prova_mezzi: e.prova_mezzi,
        dsu: dsu.clone(),
        codice: codice.clone(),
        denominazione: denominazione.clone(),
        protocollo_domanda: protocollo.clone(),
        data_evento: evento,
        periodo,
        quota_ente: q[0],
        quota_utente: q[1],
        quota_ssn: q[2],
        presa_carico,
        area_utenza,
        sina: sina.clone(),
    };
    let mut out = Vec::new();
    if e.carattere == 2 {
        let t = e.totali(None);
        let data = e.righe.iter().map(|r| r.data.as_str()).max().unwrap_or("");
        let evento = e.righe.iter().find_map(|r| r.data_evento.clone());
        out.push(base(
            Periodo::Occasionale {
                data: data.to_string(),
                importo_cents: t.spesa,
            },
            evento,
            [positive(t.ente), positive(t.utente), positive(t.ssn)],
        ));
    } else {
        for (_, a) in per_anno(e) {
            let (Some(s), Some(f)) = (a.inizio, a.fine) else {
                continue;
            };
            let m = mesi(s, f);
            let mensile = div_round(a.spesa.max(0), m);
            let utente = div_round(a.utente.max(0), m);
            let ssn = div_round(a.ssn.max(0), m);
            // The ente pays what is left of the month: the quotas add up to ImportoMensile.
            let ente = if a.ente + a.utente + a.ssn == a.spesa {
                mensile - utente - ssn
            } else {
                div_round(a.ente.max(0), m)
            };
            out.push(base(
                Periodo::Periodico {
                    inizio: iso(s),
                    fine: iso(f),
                    mesi: u8::try_from(m).unwrap_or(0),
                    mensile_cents: mensile,
                    ore_mensili: positive(div_round(a.ore_cent, m * 100)),
                },
                a.evento,
                [positive(ente), positive(utente), positive(ssn)],
            ));
        }
    }
    let mut problemi = Vec::new();
    for p in &out {
        for m in check_prestazione(p) {
            if !problemi.contains(&m) {
                problemi.push(m);
            }
        }
    }
    if problemi.is_empty() {
        Ok(out)
    } else {
        Err(problemi)
    }
}
