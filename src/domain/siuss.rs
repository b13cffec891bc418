//! The SIUSS PS-PSA-SINA flow to INPS (shared/domain/siuss/SIUSS-EXPORT.md), as typed values: the
//! ente, the beneficiary and the benefit records of the 201812 schema, built from erogazioni and
//! checked here, in Rust, against the schema's restrictions (lengths, enumerations, patterns,
//! required attributes) and the INPS rules. A record with any problem is not written; its problems
//! are listed in Italian for the operator. The XML itself is written by `crate::export::siuss`.
//!
//! Choices (README, "SIUSS"): periodic records are split per calendar year and carry **monthly**
//! quotas that add up to `ImportoMensile` (the INPS reading of §5.5); a record already sent is
//! matched on the beneficiary's codice fiscale, the ente's code, `CodicePrestazione` and
//! `DataInizioPrestazione` (or `DataErogazionePrestazione`) — to confirm with INPS — and when its
//! content changes it goes out again as `TipoOperazione="C"` followed by the new record.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use time::{Date, Month};

use crate::domain::date::{iso, parse_iso};
use crate::domain::erogazioni::{Erogazione, PrestazioneSiuss, Sina};

/// The sending ente (`IdentificazioneFlusso/Ente`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnteFlusso {
    /// The ente's code at INPS (its Belfiore code).
    pub codice: String,
    pub denominazione: Option<String>,
    /// Belfiore code of the ente's seat (not a street address).
    pub indirizzo: String,
    pub cf_operatore: String,
}

/// `Beneficiario`: codice fiscale, `Anagrafica` and one `Indirizzo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Beneficiario {
    pub codice_fiscale: String,
    pub cognome: String,
    pub nome: String,
    pub anno_nascita: String,
    pub luogo_nascita: String,
    /// `1` male, `2` female.
    pub genere: String,
    pub cittadinanza: String,
    pub seconda_cittadinanza: Option<String>,
    pub regione: Option<String>,
    pub comune: Option<String>,
    pub nazione: String,
}

/// The period of a benefit record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Periodo {
    /// `CaratterePrestazione="1"`: start and end in the same year, months 1–12, monthly amount.
    Periodico {
        inizio: String,
        fine: String,
        mesi: u8,
        mensile_cents: i64,
        /// Whole hours a month, for services measured in hours.
        ore_mensili: Option<i64>,
    },
    /// `CaratterePrestazione="2"`: one payment.
    Occasionale { data: String, importo_cents: i64 },
}

/// One `PrestazioniSociali` record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Prestazione {
    /// `Some("C")`: the cancellation of a record sent before.
    pub tipo_operazione: Option<String>,
    pub prova_mezzi: u8,
    /// Protocol, year and date of the DSU (only with `PresenzaProvaMezzi=1`).
    pub dsu: Option<(String, String, String)>,
    pub codice: String,
    pub denominazione: String,
    pub protocollo_domanda: String,
    pub data_evento: Option<String>,
    pub periodo: Periodo,
    /// Quotas in cents: monthly for periodic records, of the amount for occasional ones.
    pub quota_ente: Option<i64>,
    pub quota_utente: Option<i64>,
    pub quota_ssn: Option<i64>,
    /// 1 in charge, 2 not.
    pub presa_carico: u8,
    pub area_utenza: Option<u8>,
    pub sina: Option<Sina>,
}

/// A record as kept after sending: enough to send its cancellation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inviato {
    pub beneficiario: Beneficiario,
    pub prestazione: Prestazione,
}

/// A record sent before and not cancelled, as the store keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordInviato {
    pub id: i64,
    pub chiave: String,
    pub impronta: String,
    /// JSON of [`Inviato`].
    pub contenuto: String,
}

/// The person of an erogazione as the anagrafe knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Persona {
    pub codice_fiscale: Option<String>,
    pub cf_provvisorio: bool,
    pub cognome: String,
    pub nome: String,
    pub sesso: Option<String>,
    pub data_nascita: Option<String>,
    pub luogo_nascita: Option<String>,
    pub cittadinanza: Option<String>,
    pub cittadinanza2: Option<String>,
    /// Belfiore code of the comune (or `Z` code of the state) of residence.
    pub res_comune: Option<String>,
}

/// One erogazione to consider for a flow: its header and delivered rows up to the end of the
/// period, the SIUSS code's row, the person and the records already sent for it.
#[derive(Debug, Clone, Default)]
pub struct Candidato {
    pub erogazione: Erogazione,
    pub prestazione: Option<PrestazioneSiuss>,
    pub persona: Persona,
    pub inviati: Vec<RecordInviato>,
}

/// What the flow needs to know beyond an erogazione: the ente's Belfiore code, ISTAT codes of
/// comuni by Belfiore code, the SIUSS area of each categoria sociale.
#[derive(Debug, Clone, Default)]
pub struct Contesto {
    pub ente_belfiore: String,
    pub istat: BTreeMap<String, String>,
    pub aree: BTreeMap<String, u8>,
}

/// An erogazione left out of the flow and why (Italian).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Escluso {
    pub erogazione_id: i64,
    /// "COGNOME NOME (CF)".
    pub beneficiario: String,
    pub motivi: Vec<String>,
}

/// A new record of the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nuovo {
    /// The match key of a record sent before ([`chiave`]).
    pub chiave: String,
    pub prestazione: Prestazione,
}

impl Nuovo {
    /// What the store keeps of the record once sent: its content (JSON of [`Inviato`], enough to
    /// send its cancellation later) and the content's fingerprint ([`impronta`]). Computed only
    /// when recording, not while checking.
    pub fn registrazione(&self, beneficiario: &Beneficiario) -> (String, String) {
        let c = contenuto(beneficiario, &self.prestazione);
        let i = impronta(&c);
        (c, i)
    }
}

/// What one erogazione gives to the flow.
#[derive(Debug, Clone, Default)]
pub struct Esito {
    /// The beneficiary of the new records.
    pub beneficiario: Option<Beneficiario>,
    /// New records.
    pub nuovi: Vec<Nuovo>,
    /// Records sent before to cancel (ids in the store) with their content.
    pub annullati: Vec<(i64, Inviato)>,
    pub escluso: Option<Escluso>,
}

/// ISO 3166 numeric code of a foreign state by Belfiore `Z` code (`data/siuss/stati-iso3166.csv`).
fn iso3166(belfiore: &str) -> Option<&'static str> {
    static TABLE: std::sync::OnceLock<BTreeMap<&'static str, &'static str>> =
        std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            include_str!("../../data/siuss/stati-iso3166.csv")
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

/// The XSD pattern of a codice fiscale: 16 characters (omocodia allowed) or 11 digits and up to 5
/// spaces.
pub fn cf_pattern(cf: &str) -> bool {
    let b = cf.as_bytes();
    let alpha = |c: u8| c.is_ascii_alphabetic();
    let digit = |c: u8| c.is_ascii_digit();
    let personal = b.len() == 16
        && b[..6].iter().all(|c| alpha(*c))
        && b[6..8].iter().all(|c| digit(*c))
        && alpha(b[8])
        && b[9..11].iter().all(|c| digit(*c))
        && alpha(b[11])
        && b[12..15].iter().all(|c| c.is_ascii_alphanumeric())
        && alpha(b[15]);
    let numeric = (11..=16).contains(&b.len())
        && b[..11].iter().all(|c| digit(*c))
        && b[11..].iter().all(|c| *c == b' ');
    personal || numeric
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// Belfiore code of the birth place from the codice fiscale (omocodia letters undone).
fn luogo_da_cf(cf: &str) -> Option<String> {
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

/// The schema's restrictions on a beneficiary (what [`beneficiario`] builds always passes).
pub fn check_beneficiario(b: &Beneficiario) -> Vec<String> {
    let mut p = Vec::new();
    if !cf_pattern(&b.codice_fiscale) {
        p.push("CodiceFiscale: formato non valido".to_string());
    }
    for (v, what) in [(&b.cognome, "Cognome"), (&b.nome, "Nome")] {
        if !(1..=36).contains(&v.chars().count()) {
            p.push(format!("{what}: da 1 a 36 caratteri"));
        }
    }
    if !digits(&b.anno_nascita, 4) {
        p.push("AnnoNascita: 4 cifre".into());
    }
    if b.luogo_nascita.chars().count() != 4 {
        p.push("LuogoNascita: 4 caratteri".into());
    }
    if !["1", "2"].contains(&b.genere.as_str()) {
        p.push("Genere: 1 o 2".into());
    }
    if !digits(&b.cittadinanza, 3)
        || b.seconda_cittadinanza
            .as_deref()
            .is_some_and(|c| !digits(c, 3))
    {
        p.push("CodiceCittadinanza: 3 cifre".into());
    }
    if !digits(&b.nazione, 3) {
        p.push("CodiceNazione: 3 cifre".into());
    }
    if b.regione.as_deref().is_some_and(|r| !digits(r, 2))
        || b.comune.as_deref().is_some_and(|c| !digits(c, 6))
    {
        p.push("CodiceRegione (2 cifre) o CodiceComune (6 cifre) non validi".into());
    }
    if b.nazione == "380" && (b.regione.is_none() || b.comune.is_none()) {
        p.push("residenza in Italia senza regione e comune".into());
    }
    p
}

/// The schema's restrictions on the ente.
pub fn check_ente(e: &EnteFlusso) -> Vec<String> {
    let mut p = Vec::new();
    if !(1..=32).contains(&e.codice.chars().count()) {
        p.push("codice dell'ente mancante o più lungo di 32 caratteri".to_string());
    }
    if e.denominazione
        .as_deref()
        .is_some_and(|d| !(1..=100).contains(&d.chars().count()))
    {
        p.push("denominazione dell'ente più lunga di 100 caratteri".into());
    }
    if e.indirizzo.chars().count() != 4 {
        p.push("codice catastale della sede dell'ente mancante".into());
    }
    if !cf_pattern(&e.cf_operatore) {
        p.push(format!(
            "codice fiscale dell'operatore «{}» non valido",
            crate::sanitize::sanitize(&e.cf_operatore)
        ));
    }
    p
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

/// `YYYY-MM-DD`: the `xs:date` of the schema, without time or zone.
fn xs_date(s: &str) -> bool {
    s.len() == 10 && parse_iso(s).is_some()
}

/// The schema's restrictions and the INPS rules on one record (Italian; empty: it can be sent).
pub fn check_prestazione(p: &Prestazione) -> Vec<String> {
    let mut v = Vec::new();
    if p.tipo_operazione
        .as_deref()
        .is_some_and(|t| !["I", "C"].contains(&t))
    {
        v.push("TipoOperazione: I o C".to_string());
    }
    if !(1..=4).contains(&p.prova_mezzi) {
        v.push("PresenzaProvaMezzi: da 1 a 4".into());
    }
    if let Some((prot, anno, data)) = &p.dsu
        && (prot.chars().count() > 30 || !digits(anno, 4) || !xs_date(data))
    {
        v.push(
            "dati DSU non validi (protocollo fino a 30 caratteri, anno di 4 cifre, data)".into(),
        );
    }
    if !(5..=10).contains(&p.codice.chars().count()) {
        v.push("CodicePrestazione: da 5 a 10 caratteri".into());
    }
    if !(10..=200).contains(&p.denominazione.chars().count()) {
        v.push("DenominazionePrestazione: da 10 a 200 caratteri".into());
    }
    if !(1..=32).contains(&p.protocollo_domanda.chars().count()) {
        v.push("protocollo della domanda: da 1 a 32 caratteri".into());
    }
    if p.data_evento.as_deref().is_some_and(|d| !xs_date(d)) {
        v.push("DataEvento non valida".into());
    }
    if p.codice == "A1.05.01" && p.data_evento.is_none() {
        v.push("per i contributi per l'affitto (A1.05.01) serve la data di effettiva erogazione (data evento)".into());
    }
    let importo = match &p.periodo {
        Periodo::Periodico {
            inizio,
            fine,
            mesi,
            mensile_cents,
            ..
        } => {
            if !xs_date(inizio) || !xs_date(fine) {
                v.push("date del periodo non valide".into());
            } else if inizio[..4] != fine[..4] || fine < inizio {
                v.push("il periodo di un record deve stare nello stesso anno".into());
            }
            if !(1..=12).contains(mesi) {
                v.push("PeriodoErogazione: da 1 a 12 mesi".into());
            }
            if *mensile_cents <= 0 {
                v.push("importo mensile non positivo".into());
            }
            *mensile_cents
        }
        Periodo::Occasionale {
            data,
            importo_cents,
        } => {
            if !xs_date(data) {
                v.push("data di erogazione non valida".into());
            }
            if *importo_cents <= 0 {
                v.push("importo della prestazione non positivo".into());
            }
            *importo_cents
        }
    };
    let quote = [p.quota_ente, p.quota_utente, p.quota_ssn];
    if quote.iter().any(|q| q.is_some_and(|q| q <= 0)) {
        v.push("le quote inviate devono essere maggiori di zero".into());
    }
    if quote.iter().any(Option::is_some) {
        let somma: i64 = quote.iter().flatten().sum();
        if somma != importo {
            v.push(format!(
                "le quote ente, utente e SSN ({}) non corrispondono all'importo ({}): altre compartecipazioni non previste dal flusso o quote incoerenti",
                crate::domain::money::format_euro(somma),
                crate::domain::money::format_euro(importo)
            ));
        }
    }
    if ![1, 2].contains(&p.presa_carico) {
        v.push("PresaCarico: 1 o 2".into());
    }
    match (p.presa_carico, p.area_utenza) {
        (1, None) => v.push("AreaUtenza obbligatoria per un beneficiario in carico".into()),
        (_, Some(a)) if !(1..=3).contains(&a) => v.push("AreaUtenza: da 1 a 3".into()),
        _ => {}
    }
    if let Some(s) = &p.sina {
        v.extend(check_sina(s));
    }
    v
}

fn in_range(v: &str, max: u8) -> bool {
    v.len() == 1 && (b'1'..=b'0' + max).contains(&v.as_bytes()[0])
}

/// The enumerations of the SINA block.
pub fn check_sina(s: &Sina) -> Vec<String> {
    let mut v = Vec::new();
    for (val, max, what) in [
        (Some(&s.mobilita), 3, "Mobilita"),
        (
            Some(&s.attivita_vita_quotidiana),
            3,
            "AttivitaVitaQuotidiana",
        ),
        (
            s.disturbi_area_cognitiva.as_ref(),
            3,
            "DisturbiAreaCognitiva",
        ),
        (
            Some(&s.disturbi_comportamentali),
            2,
            "DisturbiComportamentali",
        ),
        (
            s.necessita_cure_sanitarie.as_ref(),
            3,
            "NecessitaCureSanitarie",
        ),
        (Some(&s.area_reddituale), 3, "AreaReddituale"),
        (Some(&s.area_supporto), 3, "AreaSupporto"),
        (
            Some(&s.fonte_derivazione_valutazione),
            4,
            "FonteDerivazioneValutazione",
        ),
        (Some(&s.strumento_valutazione), 7, "StrumentoValutazione"),
        (
            s.fonte_derivazione_invalidita.as_ref(),
            2,
            "FonteDerivazioneInvalidita",
        ),
    ] {
        if let Some(val) = val
            && !in_range(val, max)
        {
            v.push(format!("SINA {what}: valore non valido"));
        }
    }
    if s.necessita_interventi
        .iter()
        .any(|c| !(5..=10).contains(&c.chars().count()))
    {
        v.push("SINA: codici delle necessità da 5 a 10 caratteri".into());
    }
    if s.invalidita_civile.iter().any(|c| !in_range(c, 8)) {
        v.push("SINA InvCiv: da 1 a 8".into());
    }
    v
}

/// The matching key of a record: CF, ente, CodicePrestazione, start or payment date.
pub fn chiave(b: &Beneficiario, ente: &str, p: &Prestazione) -> String {
    let data = match &p.periodo {
        Periodo::Periodico { inizio, .. } => inizio,
        Periodo::Occasionale { data, .. } => data,
    };
    format!("{}|{ente}|{}|{data}", b.codice_fiscale, p.codice)
}

/// [`Inviato`] borrowed: the same JSON, without copying the beneficiary for every record.
#[derive(serde::Serialize)]
struct InviatoRef<'a> {
    beneficiario: &'a Beneficiario,
    prestazione: &'a Prestazione,
}

/// The JSON of [`Inviato`] for a record (what the store keeps of it).
pub fn contenuto(beneficiario: &Beneficiario, prestazione: &Prestazione) -> String {
    serde_json::to_string(&InviatoRef {
        beneficiario,
        prestazione,
    })
    .unwrap_or_default()
}

/// The fingerprint of a record's content: the first 16 bytes of the SHA-256 of [`contenuto`], in hex.
pub fn impronta(contenuto: &str) -> String {
    hex::encode(&Sha256::digest(contenuto.as_bytes())[..16])
}

/// What one erogazione gives to the flow: its new records, the records sent before that they
/// replace or that no longer exist (cancelled with `TipoOperazione="C"`), or its exclusion.
pub fn esito(c: &Candidato, ctx: &Contesto) -> Esito {
    esito_di(c, ctx, beneficiario(&c.persona, ctx))
}

/// Builds the records of candidates that come in codice fiscale order: the beneficiary of a person
/// is built and checked once for all of their erogazioni.
#[derive(Debug, Default)]
pub struct Generatore {
    ultimo: Option<(Persona, Result<Beneficiario, Vec<String>>)>,
}

impl Generatore {
    /// As [`esito`].
    pub fn esito(&mut self, c: &Candidato, ctx: &Contesto) -> Esito {
        let b = match &self.ultimo {
            Some((p, b)) if *p == c.persona => b.clone(),
            _ => {
                let b = beneficiario(&c.persona, ctx);
                self.ultimo = Some((c.persona.clone(), b.clone()));
                b
            }
        };
        esito_di(c, ctx, b)
    }
}

/// [`esito`] with the beneficiary already built from `c.persona`.
fn esito_di(c: &Candidato, ctx: &Contesto, b: Result<Beneficiario, Vec<String>>) -> Esito {
    let id = c.erogazione.id.unwrap_or(0);
    let chi = || {
        format!(
            "{} {} ({})",
            c.persona.cognome,
            c.persona.nome,
            c.persona
                .codice_fiscale
                .as_deref()
                .unwrap_or("senza codice fiscale")
        )
    };
    let built = b.and_then(|b| {
        let recs = prestazioni(c, ctx)?;
        Ok((b, recs))
    });
    let (b, recs) = match built {
        Ok(x) => x,
        Err(motivi) => {
            return Esito {
                escluso: Some(Escluso {
                    erogazione_id: id,
                    beneficiario: chi(),
                    motivi,
                }),
                ..Default::default()
            };
        }
    };
    let mut out = Esito::default();
    let mut nuovi: Vec<Nuovo> = recs
        .into_iter()
        .map(|p| Nuovo {
            chiave: chiave(&b, &ctx.ente_belfiore, &p),
            prestazione: p,
        })
        .collect();
    // Fingerprints only to compare with the records sent before, when there are any.
    let impronte: Vec<String> = if c.inviati.is_empty() {
        Vec::new()
    } else {
        nuovi.iter().map(|n| n.registrazione(&b).1).collect()
    };
    let mut keep = vec![true; nuovi.len()];
    for old in &c.inviati {
        let same = nuovi
            .iter()
            .zip(&impronte)
            .any(|(n, f)| n.chiave == old.chiave && *f == old.impronta);
        if same {
            for (k, n) in keep.iter_mut().zip(&nuovi) {
                *k &= n.chiave != old.chiave;
            }
            continue;
        }
        if let Ok(mut inviato) = serde_json::from_str::<Inviato>(&old.contenuto) {
            inviato.prestazione.tipo_operazione = Some("C".into());
            out.annullati.push((old.id, inviato));
        }
    }
    let mut keep = keep.into_iter();
    nuovi.retain(|_| keep.next().unwrap_or(true));
    out.beneficiario = Some(b);
    out.nuovi = nuovi;
    out
}

/// A flow written, as its writer reports it at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlussoScritto {
    pub sha256: String,
    pub size: i64,
    /// The compressed copy, relative to the data directory.
    pub archivio: Option<String>,
    pub beneficiari: i64,
    pub record: i64,
    pub cancellazioni: i64,
    pub esclusi: i64,
}

/// A SIUSS flow sent (the bookkeeping row).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlussoSiuss {
    pub id: i64,
    pub ente_id: i64,
    pub nome: String,
    pub dal: String,
    pub al: String,
    pub operatore: String,
    pub created_at: String,
    pub scritto: FlussoScritto,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::erogazioni::Riga;

    fn d(s: &str) -> Date {
        parse_iso(s).unwrap()
    }

    #[test]
    fn months_ignore_days() {
        assert_eq!(mesi(d("2023-10-15"), d("2024-03-10")), 6);
        assert_eq!(mesi(d("2024-02-02"), d("2024-02-27")), 1);
        assert_eq!(mesi(d("2024-10-31"), d("2024-11-01")), 2);
    }

    #[test]
    fn cf_pattern_is_the_schema_one() {
        assert!(cf_pattern("RSSMRA80A01H501U"));
        assert!(cf_pattern("RSSMRA80A01H5L1U"));
        assert!(cf_pattern("12345678901"));
        assert!(cf_pattern("12345678901     "));
        assert!(!cf_pattern("[0A1B2C3D4E5F6A]"));
        assert!(!cf_pattern("RSSMRA80A01H501"));
        assert_eq!(luogo_da_cf("RSSMRA80A01H5L1U").as_deref(), Some("H501"));
    }

    /// The worked example of SIUSS-EXPORT §5.5: 2,523.00 over Oct 2023 – Mar 2024, user 240.00:
    /// two yearly records of 3 months at 420.50, monthly quotas 380.50 + 40.00.
    #[test]
    fn periodic_benefits_split_per_year_with_monthly_quotas() {
        let e = Erogazione {
            id: Some(1),
            siuss_codice: Some("A2.07".into()),
            carattere: 1,
            in_carico: 0,
            prova_mezzi: 3,
            protocollo_domanda: Some("2023/004567".into()),
            righe: vec![Riga {
                stato: "erogata".into(),
                data: "2023-10-15".into(),
                data_fine: Some("2024-03-10".into()),
                quantita_cent: 100,
                tariffa_cents: 252_300,
                comp_utente_cents: 24_000,
                ..Default::default()
            }],
            ..Default::default()
        };
        let c = Candidato {
            erogazione: e,
            prestazione: Some(PrestazioneSiuss {
                codice: "A2.07".into(),
                denominazione: Some("Assistenza domiciliare".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let recs = prestazioni(&c, &Contesto::default()).unwrap();
        assert_eq!(recs.len(), 2);
        for (r, (inizio, fine)) in recs
            .iter()
            .zip([("2023-10-15", "2023-12-31"), ("2024-01-01", "2024-03-10")])
        {
            assert_eq!(
                r.periodo,
                Periodo::Periodico {
                    inizio: inizio.into(),
                    fine: fine.into(),
                    mesi: 3,
                    mensile_cents: 42_050,
                    ore_mensili: None
                }
            );
            assert_eq!((r.quota_ente, r.quota_utente), (Some(38_050), Some(4_000)));
        }
    }
}
