//! Interventi and erogazioni (SISO-DOMAIN §1.2 G, §2.3): the nomenclatore (SIUSS prestazioni, ISTAT
//! classes, the ente's own tree), the intervento with its tariffa and fogli amministrativi, the
//! erogazione header with its SIUSS data and its operation rows. Money is integer cents, quantities
//! are hundredths of the unit; the spesa of a row is tariffa × quantità, computed here and nowhere
//! else, and every total is a sum of rows. [`problemi_erogazione`] is the check of what an operator
//! typed, in Italian.

use crate::domain::date::parse_iso;
use crate::domain::money::format_euro;

/// Highest quantity of a row, in hundredths (1,000,000 units).
pub const MAX_QUANTITA_CENT: i64 = 100_000_000;
/// Highest unit tariffa, in cents (1,000,000 €).
pub const MAX_TARIFFA_CENTS: i64 = 100_000_000;

/// One code of the INPS table of SIUSS prestazioni.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrestazioneSiuss {
    pub codice: String,
    pub version: i64,
    /// `None` until the official table is imported: such a code cannot be sent.
    pub denominazione: Option<String>,
    pub richiede_sina: bool,
    pub solo_in_carico: bool,
    pub non_esportare: bool,
    pub attivo: bool,
}

/// A tipo di intervento: an ISTAT class (`famiglia = "istat"`, installation-wide) or a node of an
/// ente's own tree (`"custom"`, 1–5 levels) mapped to an ISTAT class and a SIUSS code.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TipoIntervento {
    pub id: i64,
    pub version: i64,
    pub famiglia: String,
    pub ente_id: Option<i64>,
    pub codice: String,
    pub etichetta: String,
    pub parent_id: Option<i64>,
    pub livello: i64,
    pub istat_id: Option<i64>,
    pub siuss_codice: Option<String>,
    /// A code of the `unita_misura` list.
    pub unita_misura: Option<String>,
    pub attivo: bool,
}

/// A new custom tipo of an ente.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NuovoTipo {
    pub ente_id: i64,
    pub codice: String,
    pub etichetta: String,
    pub parent_id: Option<i64>,
    pub istat_id: Option<i64>,
    pub siuss_codice: Option<String>,
    pub unita_misura: Option<String>,
}

/// A progetto with its financing.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progetto {
    pub id: i64,
    pub ente_id: i64,
    pub codice: String,
    pub titolo: String,
    /// Fonte di finanziamento.
    pub fonte: Option<String>,
}

/// An intervento programmato or richiesto.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Intervento {
    pub id: Option<i64>,
    pub version: i64,
    pub ente_id: i64,
    /// The beneficiary (the reference person of a nucleo or group).
    pub soggetto_id: i64,
    /// `individuale`, `nucleo` or `gruppo`.
    pub tipo_beneficiario: String,
    pub n_beneficiari: i64,
    /// The person's case in the ente, when there is one (filled by the service).
    pub caso_id: Option<i64>,
    pub tipo_id: i64,
    pub categoria_sociale: String,
    /// `programmato` or `richiesto`.
    pub origine: String,
    pub dal: String,
    pub al: Option<String>,
    /// `U` una tantum, `O` irregolare, `P` regolare (periodico).
    pub frequenza: String,
    pub progetto_id: Option<i64>,
    pub attivita: Option<String>,
    pub titolare: Option<String>,
    pub unita_misura: Option<String>,
    pub tariffa_cents: Option<i64>,
    /// Quantity per `fruizione`, in hundredths of the unit.
    pub quantita_cent: Option<i64>,
    /// `A`, `6M`, `3M`, `2M`, `M`, `S`, `G` (erog_cadenza_fruizione).
    pub fruizione: Option<String>,
    pub comp_utente_cents: Option<i64>,
    pub comp_cadenza: Option<String>,
    /// The last foglio amministrativo: V, G, A, S, C.
    pub stato: String,
    pub note: Option<String>,
}

/// A foglio amministrativo of an intervento.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Foglio {
    pub id: Option<i64>,
    pub intervento_id: i64,
    /// V valutazione, G graduatoria, A attivazione, S sospensione, C chiusura.
    pub tipo: String,
    pub data: String,
    pub dal: Option<String>,
    pub al: Option<String>,
    /// Tipo di attivazione or sospensione, motivo di chiusura.
    pub dettaglio: Option<String>,
    pub punteggio: Option<i64>,
    pub fascia: Option<String>,
    pub respinto: bool,
    pub motivazione: Option<String>,
}

/// The SINA assessment of a non-self-sufficient beneficiary (codes of the INPS lists).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sina {
    pub mobilita: String,
    pub attivita_vita_quotidiana: String,
    #[serde(default)]
    pub disturbi_area_cognitiva: Option<String>,
    pub disturbi_comportamentali: String,
    #[serde(default)]
    pub necessita_cure_sanitarie: Option<String>,
    pub area_reddituale: String,
    pub area_supporto: String,
    pub fonte_derivazione_valutazione: String,
    pub strumento_valutazione: String,
    #[serde(default)]
    pub fonte_derivazione_invalidita: Option<String>,
    #[serde(default)]
    pub necessita_interventi: Vec<String>,
    #[serde(default)]
    pub invalidita_civile: Vec<String>,
}

/// An erogazione: the header and its operation rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Erogazione {
    pub id: Option<i64>,
    pub version: i64,
    pub ente_id: i64,
    pub intervento_id: Option<i64>,
    pub soggetto_id: i64,
    /// Filled by the service from the person's case in the ente.
    pub caso_id: Option<i64>,
    pub tipo_id: i64,
    pub categoria_sociale: String,
    pub erogatore: Option<String>,
    pub protocollo_domanda: Option<String>,
    pub data_domanda: Option<String>,
    /// 1 ISEE, 2 other means test, 3 ISEE waived, 4 none.
    pub prova_mezzi: u8,
    pub dsu_protocollo: Option<String>,
    pub dsu_anno: Option<i32>,
    pub dsu_data: Option<String>,
    pub siuss_codice: Option<String>,
    /// 1 periodico, 2 occasionale.
    pub carattere: u8,
    /// 1 sì, 0 no, 2 non so.
    pub in_carico: u8,
    pub unita_misura: Option<String>,
    /// The ente's share in basis points of the spesa (10000 = all), when rows do not give it.
    pub quota_ente_bp: Option<i64>,
    pub descrizione: Option<String>,
    pub sina: Option<Sina>,
    pub righe: Vec<Riga>,
}

/// One operation of an erogazione.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Riga {
    pub id: Option<i64>,
    /// `prevista` (to confirm) or `erogata`.
    pub stato: String,
    pub data: String,
    pub data_fine: Option<String>,
    pub data_evento: Option<String>,
    /// Hundredths of the unit.
    pub quantita_cent: i64,
    pub tariffa_cents: i64,
    pub comp_utente_cents: i64,
    pub comp_ssn_cents: i64,
    pub comp_altre_cents: i64,
    /// The ente's share in euro; `None`: the header's percentage, or what the others do not pay.
    pub quota_ente_cents: Option<i64>,
    pub operatore: Option<String>,
    pub note: Option<String>,
    /// The SIUSS flow that sent it (read only).
    #[serde(default)]
    pub siuss_flusso_id: Option<i64>,
}

/// spesa = tariffa × quantità (quantity in hundredths), rounded half up to the cent.
pub fn spesa_cents(quantita_cent: i64, tariffa_cents: i64) -> i64 {
    (quantita_cent * tariffa_cents + 50) / 100
}

impl Riga {
    pub fn spesa_cents(&self) -> i64 {
        spesa_cents(self.quantita_cent, self.tariffa_cents)
    }

    /// The ente's share: typed in euro, else the header's percentage of the spesa, else what the
    /// user, the health service and the others do not pay.
    pub fn quota_ente_cents(&self, quota_ente_bp: Option<i64>) -> i64 {
        let spesa = self.spesa_cents();
        match (self.quota_ente_cents, quota_ente_bp) {
            (Some(c), _) => c,
            (None, Some(bp)) => (spesa * bp + 5_000) / 10_000,
            (None, None) => {
                (spesa - self.comp_utente_cents - self.comp_ssn_cents - self.comp_altre_cents)
                    .max(0)
            }
        }
    }
}

/// Totals of rows (all in cents).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Totali {
    pub quantita_cent: i64,
    pub spesa: i64,
    pub utente: i64,
    pub ssn: i64,
    pub altre: i64,
    pub ente: i64,
}

impl Totali {
    pub fn add(&mut self, o: &Totali) {
        self.quantita_cent += o.quantita_cent;
        self.spesa += o.spesa;
        self.utente += o.utente;
        self.ssn += o.ssn;
        self.altre += o.altre;
        self.ente += o.ente;
    }
}

impl Erogazione {
    /// The totals of the rows in state `erogata` (`None`: every row).
    pub fn totali(&self, stato: Option<&str>) -> Totali {
        let mut t = Totali::default();
        for r in self
            .righe
            .iter()
            .filter(|r| stato.is_none_or(|s| r.stato == s))
        {
            t.add(&Totali {
                quantita_cent: r.quantita_cent,
                spesa: r.spesa_cents(),
                utente: r.comp_utente_cents,
                ssn: r.comp_ssn_cents,
                altre: r.comp_altre_cents,
                ente: r.quota_ente_cents(self.quota_ente_bp),
            });
        }
        t
    }
}

/// Quantity in hundredths as the operator reads it: `12`, `1,5`, `0,25`.
pub fn format_quantita(cent: i64) -> String {
    let s = crate::domain::money::format_cents(cent);
    s.strip_suffix(",00").map(str::to_string).unwrap_or(s)
}

/// Parses a quantity typed by the operator (`1,5`, `12`) into hundredths.
pub fn parse_quantita(s: &str) -> Result<i64, String> {
    crate::domain::money::parse_money(s).map_err(|_| "Quantità non valida: es. 1,5".to_string())
}

fn date_ok(s: &str) -> bool {
    parse_iso(s).is_some()
}

/// What is wrong with an intervento, in Italian (empty: it can be saved).
pub fn problemi_intervento(i: &Intervento) -> Vec<String> {
    let mut p = Vec::new();
    if !date_ok(&i.dal) {
        p.push("data di inizio dell'intervento non valida".to_string());
    }
    match i.al.as_deref() {
        Some(al) if !date_ok(al) => p.push("data di fine dell'intervento non valida".into()),
        Some(al) if al < i.dal.as_str() => {
            p.push("la fine dell'intervento precede l'inizio".into())
        }
        None if i.frequenza == "P" => p.push(
            "intervento periodico senza data di fine: indicare fino a quando è previsto".into(),
        ),
        _ => {}
    }
    if !["U", "O", "P"].contains(&i.frequenza.as_str()) {
        p.push("frequenza non valida (una tantum, irregolare o regolare)".into());
    }
    if !["individuale", "nucleo", "gruppo"].contains(&i.tipo_beneficiario.as_str()) {
        p.push("tipo di beneficiario non valido".into());
    }
    if !(1..=10_000).contains(&i.n_beneficiari) {
        p.push("numero di beneficiari non valido (da 1 a 10000)".into());
    }
    if i.tipo_beneficiario == "individuale" && i.n_beneficiari != 1 {
        p.push("un intervento individuale ha un solo beneficiario".into());
    }
    if let Some(t) = i.tariffa_cents
        && !(0..=MAX_TARIFFA_CENTS).contains(&t)
    {
        p.push(format!("tariffa non valida: {}", format_euro(t)));
    }
    if let Some(q) = i.quantita_cent
        && !(0..=MAX_QUANTITA_CENT).contains(&q)
    {
        p.push(format!("quantità non valida: {}", format_quantita(q)));
    }
    if i.comp_utente_cents.is_some_and(|c| c < 0) {
        p.push("compartecipazione dell'utente negativa".into());
    }
    if i.categoria_sociale.is_empty() {
        p.push("categoria sociale mancante".into());
    }
    p
}

/// What is wrong with an erogazione an operator typed, in Italian (empty: it can be saved). The
/// SIUSS rules that only matter when sending are checked by the export, which lists them.
pub fn problemi_erogazione(e: &Erogazione) -> Vec<String> {
    let mut p = Vec::new();
    if !(1..=4).contains(&e.prova_mezzi) {
        p.push("prova dei mezzi non valida (da 1 a 4)".to_string());
    }
    if ![1, 2].contains(&e.carattere) {
        p.push("carattere non valido (periodico o occasionale)".into());
    }
    if ![0, 1, 2].contains(&e.in_carico) {
        p.push("«in carico al servizio sociale» non valido".into());
    }
    if e.protocollo_domanda
        .as_deref()
        .is_some_and(|s| s.chars().count() > 32)
    {
        p.push("protocollo della domanda più lungo di 32 caratteri".into());
    }
    let dsu = [
        e.dsu_protocollo.is_some(),
        e.dsu_anno.is_some(),
        e.dsu_data.is_some(),
    ];
    if matches!(e.prova_mezzi, 1 | 3) && dsu.iter().any(|b| *b) && !dsu.iter().all(|b| *b) {
        p.push("anno, data e protocollo DSU vanno indicati tutti o nessuno".into());
    }
    if e.dsu_protocollo
        .as_deref()
        .is_some_and(|s| s.chars().count() > 30)
    {
        p.push("protocollo DSU più lungo di 30 caratteri".into());
    }
    if e.dsu_data.as_deref().is_some_and(|d| !date_ok(d)) {
        p.push("data DSU non valida".into());
    }
    if e.quota_ente_bp
        .is_some_and(|bp| !(0..=10_000).contains(&bp))
    {
        p.push("quota a carico dell'ente: percentuale fuori da 0–100".into());
    }
    if e.righe.is_empty() {
        p.push("nessuna operazione: indicare almeno una data e una quantità".into());
    }
    for (n, r) in e.righe.iter().enumerate() {
        let at = format!("riga {}", n + 1);
        if !date_ok(&r.data) {
            p.push(format!("{at}: data non valida"));
        }
        match r.data_fine.as_deref() {
            Some(f) if !date_ok(f) => p.push(format!("{at}: data di fine non valida")),
            Some(f) if f < r.data.as_str() => {
                p.push(format!("{at}: la data di fine precede l'inizio"))
            }
            None if e.carattere == 1 && r.stato == "erogata" && e.righe.len() == 1 => p.push(
                format!("{at}: erogazione periodica senza data di fine: indicare il periodo"),
            ),
            _ => {}
        }
        if !["prevista", "erogata"].contains(&r.stato.as_str()) {
            p.push(format!("{at}: stato non valido"));
        }
        if r.quantita_cent <= 0 {
            p.push(format!("{at}: la quantità deve essere maggiore di zero"));
        } else if r.quantita_cent > MAX_QUANTITA_CENT {
            p.push(format!(
                "{at}: quantità fuori misura ({})",
                format_quantita(r.quantita_cent)
            ));
        }
        if r.tariffa_cents < 0 {
            p.push(format!("{at}: la tariffa non può essere negativa"));
        } else if r.tariffa_cents > MAX_TARIFFA_CENTS {
            p.push(format!(
                "{at}: tariffa fuori misura ({})",
                format_euro(r.tariffa_cents)
            ));
        }
        for (v, what) in [
            (r.comp_utente_cents, "compartecipazione dell'utente"),
            (r.comp_ssn_cents, "compartecipazione SSN"),
            (r.comp_altre_cents, "altre compartecipazioni"),
            (r.quota_ente_cents.unwrap_or(0), "quota dell'ente"),
        ] {
            if v < 0 {
                p.push(format!("{at}: {what} negativa"));
            }
        }
        let ok_amounts = r.quantita_cent > 0
            && (0..=MAX_TARIFFA_CENTS).contains(&r.tariffa_cents)
            && r.quantita_cent <= MAX_QUANTITA_CENT;
        if ok_amounts {
            let spesa = r.spesa_cents();
            let quote = r.comp_utente_cents
                + r.comp_ssn_cents
                + r.comp_altre_cents
                + r.quota_ente_cents.unwrap_or(0);
            if quote > spesa {
                p.push(format!(
                    "{at}: le quote ({}) superano la spesa ({})",
                    format_euro(quote),
                    format_euro(spesa)
                ));
            }
        }
    }
    p
}

/// A filter of the erogazioni search.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FiltroErogazioni {
    pub soggetto_id: Option<i64>,
    pub tipo_id: Option<i64>,
    /// Rows dated from / to (ISO, both included).
    pub dal: Option<String>,
    pub al: Option<String>,
    pub progetto_id: Option<i64>,
    /// Part of the erogatore's name.
    pub erogatore: Option<String>,
    /// Sent to SIUSS (`Some(true)`), not yet (`Some(false)`), either.
    pub esportata: Option<bool>,
    /// The beneficiary as typed at the desk: part of cognome and nome, or the codice fiscale
    /// (matched as in the anagrafe search; the service turns it into persons).
    #[serde(default)]
    pub persona: Option<String>,
}

/// One erogazione in a search result, with the totals of its rows in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErogazioneElenco {
    pub id: i64,
    pub ente_id: i64,
    pub soggetto_id: i64,
    pub cognome: String,
    pub nome: String,
    pub codice_fiscale: Option<String>,
    pub tipo: String,
    pub siuss_codice: Option<String>,
    pub progetto: Option<String>,
    pub erogatore: Option<String>,
    pub carattere: u8,
    pub dal: String,
    pub al: String,
    pub righe: i64,
    pub totali: Totali,
    /// Every delivered row of the period sent to SIUSS.
    pub esportata: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riga(q: i64, t: i64) -> Riga {
        Riga {
            stato: "erogata".into(),
            data: "2026-03-01".into(),
            data_fine: Some("2026-03-31".into()),
            quantita_cent: q,
            tariffa_cents: t,
            ..Default::default()
        }
    }

    fn erogazione(righe: Vec<Riga>) -> Erogazione {
        Erogazione {
            prova_mezzi: 4,
            carattere: 1,
            in_carico: 1,
            righe,
            ..Default::default()
        }
    }

    #[test]
    fn spesa_is_tariffa_times_quantity_rounded_half_up() {
        assert_eq!(spesa_cents(150, 1_999), 2_999); // 1,5 × 19,99 = 29,985
        assert_eq!(spesa_cents(2_000, 2_100), 42_000);
        assert_eq!(riga(25, 1).spesa_cents(), 0);
    }

    #[test]
    fn totals_are_sums_of_rows_and_the_ente_pays_the_rest() {
        let mut a = riga(1_000, 2_000);
        a.comp_utente_cents = 3_000;
        let mut b = riga(100, 5_000);
        b.stato = "prevista".into();
        let e = erogazione(vec![a, b]);
        let t = e.totali(Some("erogata"));
        assert_eq!((t.spesa, t.utente, t.ente), (20_000, 3_000, 17_000));
        assert_eq!(e.totali(None).spesa, 25_000);
        let mut pct = e.clone();
        pct.quota_ente_bp = Some(5_000);
        assert_eq!(pct.totali(Some("erogata")).ente, 10_000);
    }

    #[test]
    fn negative_and_absurd_amounts_are_refused_in_italian() {
        for (q, t, needle) in [
            (-100, 1_000, "maggiore di zero"),
            (0, 1_000, "maggiore di zero"),
            (MAX_QUANTITA_CENT + 1, 1_000, "quantità fuori misura"),
            (100, -1, "negativa"),
            (100, MAX_TARIFFA_CENTS + 1, "tariffa fuori misura"),
        ] {
            let p = problemi_erogazione(&erogazione(vec![riga(q, t)]));
            assert!(p.iter().any(|m| m.contains(needle)), "{q} {t}: {p:?}");
        }
        let mut over = riga(100, 1_000);
        over.comp_utente_cents = 2_000;
        let p = problemi_erogazione(&erogazione(vec![over]));
        assert!(p.iter().any(|m| m.contains("superano la spesa")), "{p:?}");
        assert!(problemi_erogazione(&erogazione(vec![riga(100, 1_000)])).is_empty());
    }

    #[test]
    fn a_periodic_benefit_needs_an_end() {
        let mut open = riga(100, 1_000);
        open.data_fine = None;
        let p = problemi_erogazione(&erogazione(vec![open]));
        assert!(p.iter().any(|m| m.contains("senza data di fine")), "{p:?}");
        let i = Intervento {
            dal: "2026-01-01".into(),
            frequenza: "P".into(),
            tipo_beneficiario: "individuale".into(),
            n_beneficiari: 1,
            categoria_sociale: "anziani".into(),
            ..Default::default()
        };
        let p = problemi_intervento(&i);
        assert!(p.iter().any(|m| m.contains("senza data di fine")), "{p:?}");
    }
}
