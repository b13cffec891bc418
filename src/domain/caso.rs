//! Presa in carico and the cartella sociale: proposals to handle, the case and its iter (states
//! and transitions come from the database), the cartella sections and the fascicolo records (diario,
//! PAI, ISEE), and the checks on them that need no database.

use std::collections::BTreeMap;

/// A proposal of presa in carico as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Proposta {
    pub id: i64,
    pub version: i64,
    pub scheda_id: i64,
    pub scheda_numero: i64,
    pub soggetto_id: i64,
    /// The destination ente.
    pub ente_id: i64,
    /// 'inviata', 'modificata', 'ritirata', 'accolta', 'respinta'.
    pub stato: String,
    pub data_accesso: String,
    /// The operator of the scheda (who proposed).
    pub operatore: String,
    pub ufficio: Option<String>,
    pub cognome: String,
    pub nome: String,
    pub codice_fiscale: Option<String>,
    pub esito: Option<String>,
    pub categorie: Vec<String>,
    /// Where it comes from (the front desk, for now).
    pub provenienza: String,
    pub nota_stato: Option<String>,
    /// The case of the person in the destination ente, if one exists.
    pub caso_id: Option<i64>,
    pub gestita_da: Option<String>,
    pub gestita_at: Option<String>,
}

impl Proposta {
    /// Not handled yet.
    pub fn pending(&self) -> bool {
        matches!(self.stato.as_str(), "inviata" | "modificata")
    }
}

/// How a proposal is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Gestione {
    /// Prendi in carico: the case is created (or linked) and moves to "Preso in carico".
    PresaInCarico,
    /// Vista: the person already has a case; the proposal is linked to it and marked seen.
    Vista,
}

/// The iter states the program itself relies on (the rest is configuration).
pub const APERTO: &str = "aperto";
pub const PRESO_IN_CARICO: &str = "preso_in_carico";
pub const CHIUSO: &str = "chiuso";
pub const RIAPERTO: &str = "riaperto";

/// Closure reasons of a case (SISO-DOMAIN §3.6).
pub const MOTIVI_CHIUSURA: &[(&str, &str)] = &[
    ("deceduto", "Deceduto/a"),
    ("trasferito", "Trasferito/a"),
    ("autonomia", "Percorso in autonomia"),
    ("non_collaborazione", "Non collaborazione"),
    ("altro_servizio", "Passaggio ad altro servizio"),
    ("altro_ufficio", "Passaggio ad altro ufficio"),
    ("maggiore_eta", "Maggiore età"),
    ("intervento_breve", "Intervento breve concluso"),
];

/// The label of a closure reason.
pub fn motivo_chiusura_label(code: &str) -> &str {
    MOTIVI_CHIUSURA
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

/// Why a PAI or progetto individuale ends.
pub const MOTIVI_CHIUSURA_PAI: &[(&str, &str)] = &[
    ("obiettivi_raggiunti", "Obiettivi raggiunti"),
    ("nuovo_progetto", "Sostituito da un nuovo progetto"),
    ("rinuncia", "Rinuncia della persona"),
    ("non_collaborazione", "Non collaborazione"),
    ("trasferito", "Trasferito/a"),
    ("deceduto", "Deceduto/a"),
    ("chiusura_caso", "Chiusura del caso"),
];

/// The label of a PAI closure reason.
pub fn motivo_chiusura_pai_label(code: &str) -> &str {
    MOTIVI_CHIUSURA_PAI
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

/// A case as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Caso {
    pub id: i64,
    pub version: i64,
    pub numero: i64,
    pub soggetto_id: i64,
    pub ente_id: i64,
    pub ufficio_id: Option<i64>,
    /// The iter state (code).
    pub stato: String,
    pub stato_label: String,
    pub responsabile: Option<String>,
    pub data_apertura: String,
    pub data_chiusura: Option<String>,
    pub motivo_chiusura: Option<String>,
    pub cognome: String,
    pub nome: String,
    pub codice_fiscale: Option<String>,
    pub data_nascita: Option<String>,
    /// Active categorie sociali, the prevalent first.
    pub categorie: Vec<String>,
    pub created_by: String,
}

/// Who is asking for cases: what §4.2 visibility needs to know.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Visibilita {
    pub operatore: String,
    pub enti: Vec<i64>,
    pub ufficio_id: Option<i64>,
    /// May see every case of their enti.
    pub tutti: bool,
}

/// Filters of the list of cases (all optional; dates ISO, both ends included, on the opening date).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FiltroCasi {
    pub stato: Option<String>,
    pub responsabile: Option<String>,
    pub categoria: Option<String>,
    pub dal: Option<String>,
    pub al: Option<String>,
    /// Part of the surname, name or codice fiscale.
    pub persona: Option<String>,
}

/// Whom a transition must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Target {
    Nessuno,
    Ufficio,
    Ente,
    Operatore,
}

impl Target {
    pub fn parse(s: &str) -> Target {
        match s {
            "ufficio" => Target::Ufficio,
            "ente" => Target::Ente,
            "operatore" => Target::Operatore,
            _ => Target::Nessuno,
        }
    }
}

/// One allowed change of state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Transizione {
    pub da: String,
    pub a: String,
    pub etichetta: String,
    /// Role codes that may make it.
    pub ruoli: Vec<String>,
    pub target: Target,
    /// Attributes the target state requires (e.g. `motivo_chiusura`).
    pub attributi: Vec<String>,
}

/// A change of state asked by an operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CambioStato {
    pub caso_id: i64,
    pub version: i64,
    pub a: String,
    /// ISO date of the change.
    pub data: String,
    pub nota: Option<String>,
    pub target_ente_id: Option<i64>,
    pub target_ufficio_id: Option<i64>,
    pub target_operatore: Option<String>,
    pub attributi: BTreeMap<String, String>,
}

/// What is wrong with a change of state against its transition (the role was checked before).
pub fn cambio_problem(t: &Transizione, c: &CambioStato) -> Option<String> {
    let missing = match t.target {
        Target::Nessuno => None,
        Target::Ufficio => c.target_ufficio_id.is_none().then_some("l'ufficio"),
        Target::Ente => c.target_ente_id.is_none().then_some("l'ente"),
        Target::Operatore => c
            .target_operatore
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
            .then_some("l'operatore"),
    };
    if let Some(m) = missing {
        return Some(format!("«{}»: indicare {m} a cui segnalare", t.etichetta));
    }
    for a in &t.attributi {
        if c.attributi.get(a).is_none_or(|v| v.trim().is_empty()) {
            return Some(format!(
                "«{}»: indicare {}",
                t.etichetta,
                a.replace('_', " ")
            ));
        }
    }
    if let Some(m) = c.attributi.get("motivo_chiusura")
        && !MOTIVI_CHIUSURA.iter().any(|(code, _)| code == m)
    {
        return Some(format!("motivo di chiusura sconosciuto: {m}"));
    }
    None
}

/// One step of the iter (the Cronologia).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    pub id: i64,
    pub stato: String,
    pub stato_label: String,
    pub da_stato: Option<String>,
    pub data: String,
    pub operatore: String,
    pub ufficio: Option<String>,
    pub ente: String,
    /// "Segnalato a": ente, ufficio or operator, as text.
    pub target: Option<String>,
    pub nota: Option<String>,
    /// Attributes as a JSON object.
    pub attributi: String,
}

/// The sections of the cartella and of the fascicolo a read names (audited by name).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Sezione {
    Anagrafica,
    Risorse,
    DatiSociali,
    Invalidita,
    Disabilita,
    Tribunale,
    Servizi,
    Operatori,
    Note,
    Schede,
    Cronologia,
    Diario,
    Pai,
    Isee,
    Valutazioni,
    Documenti,
}

impl Sezione {
    pub const ALL: [Sezione; 16] = [
        Sezione::Anagrafica,
        Sezione::Risorse,
        Sezione::DatiSociali,
        Sezione::Invalidita,
        Sezione::Disabilita,
        Sezione::Tribunale,
        Sezione::Servizi,
        Sezione::Operatori,
        Sezione::Note,
        Sezione::Schede,
        Sezione::Cronologia,
        Sezione::Diario,
        Sezione::Pai,
        Sezione::Isee,
        Sezione::Valutazioni,
        Sezione::Documenti,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Sezione::Anagrafica => "anagrafica",
            Sezione::Risorse => "risorse",
            Sezione::DatiSociali => "dati_sociali",
            Sezione::Invalidita => "invalidita",
            Sezione::Disabilita => "disabilita",
            Sezione::Tribunale => "tribunale",
            Sezione::Servizi => "servizi",
            Sezione::Operatori => "operatori",
            Sezione::Note => "note",
            Sezione::Schede => "schede",
            Sezione::Cronologia => "cronologia",
            Sezione::Diario => "diario",
            Sezione::Pai => "pai",
            Sezione::Isee => "isee",
            Sezione::Valutazioni => "valutazioni",
            Sezione::Documenti => "documenti",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sezione::Anagrafica => "Anagrafica",
            Sezione::Risorse => "Risorse",
            Sezione::DatiSociali => "Dati sociali",
            Sezione::Invalidita => "Invalidità",
            Sezione::Disabilita => "Disabilità",
            Sezione::Tribunale => "Tribunale",
            Sezione::Servizi => "Servizi",
            Sezione::Operatori => "Operatori",
            Sezione::Note => "Note",
            Sezione::Schede => "Schede",
            Sezione::Cronologia => "Cronologia",
            Sezione::Diario => "Diario",
            Sezione::Pai => "PAI",
            Sezione::Isee => "ISEE",
            Sezione::Valutazioni => "Valutazioni",
            Sezione::Documenti => "Documenti",
        }
    }

    /// Health, disability, court data and assessments: only with the "dati riservati" permission.
    pub fn riservata(self) -> bool {
        matches!(
            self,
            Sezione::Invalidita | Sezione::Disabilita | Sezione::Tribunale | Sezione::Valutazioni
        )
    }

    /// The sections kept as validity-dated JSON rows (`cartella_dato`).
    pub fn generica(self) -> bool {
        matches!(
            self,
            Sezione::DatiSociali
                | Sezione::Invalidita
                | Sezione::Disabilita
                | Sezione::Tribunale
                | Sezione::Servizi
                | Sezione::Note
        )
    }
}

/// A categoria sociale of a case, validity-dated; one active categoria is the prevalent one.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CategoriaCaso {
    pub codice: String,
    pub prevalente: bool,
    pub dal: String,
    pub al: Option<String>,
}

/// A validity-dated row of a generic cartella section.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CartellaDato {
    pub id: i64,
    pub version: i64,
    pub sezione: String,
    /// The fields, as a JSON object.
    pub dati: String,
    pub dal: String,
    pub al: Option<String>,
    pub updated_by: String,
}

/// The kinds of member of the person's network (`tipo_familiare`, fixed by the program).
pub const TIPI_FAMILIARE: &[(&str, &str)] = &[
    ("convivente", "Convivente"),
    ("familiare", "Altro familiare"),
    ("amicale", "Rete amicale"),
];

/// A member of the person's network (nucleo, other relatives, friends): a row of the cartella's
/// Risorse and of a scheda's familiari e conviventi (`screens/familiare.toml`; in the scheda, a
/// JSON object with these names).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Familiare {
    pub id: i64,
    /// 'convivente', 'familiare', 'amicale'.
    pub tipo: String,
    pub soggetto_id: Option<i64>,
    pub cognome: String,
    pub nome: String,
    pub relazione: Option<String>,
    /// On input: the codice fiscale of a relative who is in the anagrafe (links `soggetto_id`).
    pub codice_fiscale: Option<String>,
    /// ISO date.
    pub data_nascita: Option<String>,
    pub sesso: Option<String>,
    /// A code of `condizione_lavorativa`.
    pub condizione_lavorativa: Option<String>,
    pub note: Option<String>,
}

/// A scheda di accesso of the person of a case: (id, numero, data, esito).
pub type SchedaPersona = (i64, i64, String, Option<String>);

/// An operator assigned to a case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OperatoreCaso {
    pub operatore: String,
    pub responsabile: bool,
    pub gestione_fascicolo: bool,
    pub dal: String,
    pub al: Option<String>,
}

/// What an operator may do with a case they see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccessoCaso {
    /// May write the fascicolo and manage who follows the case: every case of their enti, the
    /// responsabile, an operator assigned with "gestione fascicolo", a case signalled to them.
    pub gestione: bool,
    /// Sees every section; false when the case is only shared with their unit with «nascondi
    /// informazioni» (then only anagrafica, operatori and cronologia).
    pub completo: bool,
}

/// The sections a unit sees of a case shared with «nascondi informazioni».
pub const SEZIONI_NASCOSTE_VISIBILI: [Sezione; 3] =
    [Sezione::Anagrafica, Sezione::Operatori, Sezione::Cronologia];

/// A case shared with an ufficio or an ente.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Condivisione {
    pub id: i64,
    pub caso_id: i64,
    pub ufficio_id: Option<i64>,
    pub ente_id: Option<i64>,
    /// The ufficio's or ente's name.
    pub nome: String,
    pub nascondi_informazioni: bool,
    pub dal: String,
    pub al: Option<String>,
}

/// Whom a case is shared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Unita {
    Ufficio(i64),
    Ente(i64),
}

/// A diary entry (colloquio, visita domiciliare, relazione, scuola, tribunale).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diario {
    pub id: Option<i64>,
    pub version: i64,
    pub caso_id: i64,
    pub tipo: String,
    /// ISO date.
    pub data: String,
    pub testo: String,
    pub riservato: bool,
    pub autore: String,
}

/// The diary types.
pub const TIPI_DIARIO: &[(&str, &str)] = &[
    ("colloquio", "Colloquio"),
    ("visita", "Visita domiciliare"),
    ("relazione", "Relazione"),
    ("scuola", "Scuola"),
    ("tribunale", "Tribunale per i minorenni"),
];

/// What is wrong with a diary entry.
pub fn diario_problem(d: &Diario) -> Option<String> {
    if !TIPI_DIARIO.iter().any(|(c, _)| *c == d.tipo) {
        return Some(format!("tipo di diario sconosciuto: {}", d.tipo));
    }
    if super::date::parse_iso(&d.data).is_none() {
        return Some("indicare la data".into());
    }
    if d.testo.trim().is_empty() {
        return Some("scrivere il testo del diario".into());
    }
    None
}

/// A PAI or a progetto individuale. `raggiunto_*`: 0 not assessed, 1 no, 2 partially, 3 yes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pai {
    pub id: Option<i64>,
    pub version: i64,
    pub caso_id: i64,
    /// 'pai' or 'progetto_individuale'.
    pub tipo: String,
    pub motivazioni: String,
    pub obiettivo_breve: Option<String>,
    pub raggiunto_breve: u8,
    pub obiettivo_medio: Option<String>,
    pub raggiunto_medio: u8,
    pub obiettivo_lungo: Option<String>,
    pub raggiunto_lungo: u8,
    /// Verification period, in months.
    pub verifica_mesi: i64,
    pub data_inizio: String,
    pub prossima_verifica: String,
    pub beneficiari: Option<String>,
    pub data_chiusura: Option<String>,
    pub motivo_chiusura: Option<String>,
}

/// What is wrong with a PAI.
pub fn pai_problem(p: &Pai) -> Option<String> {
    if !matches!(p.tipo.as_str(), "pai" | "progetto_individuale") {
        return Some(format!("tipo di progetto sconosciuto: {}", p.tipo));
    }
    if p.motivazioni.trim().is_empty() {
        return Some("indicare le motivazioni del progetto".into());
    }
    if p.verifica_mesi <= 0 {
        return Some("indicare ogni quanti mesi si verifica il progetto".into());
    }
    let start = super::date::parse_iso(&p.data_inizio);
    let next = super::date::parse_iso(&p.prossima_verifica);
    match (start, next) {
        (None, _) => return Some("indicare la data di inizio".into()),
        (_, None) => return Some("indicare la data della prossima verifica".into()),
        (Some(s), Some(n)) if n < s => {
            return Some("la verifica non può precedere l'inizio del progetto".into());
        }
        _ => {}
    }
    if [p.raggiunto_breve, p.raggiunto_medio, p.raggiunto_lungo]
        .iter()
        .any(|r| *r > 3)
    {
        return Some("obiettivo raggiunto: no, parzialmente o sì".into());
    }
    if p.data_chiusura.is_some() != p.motivo_chiusura.is_some() {
        return Some("la chiusura del progetto richiede data e motivo".into());
    }
    None
}

/// The date of the first verification: `months` after `start` (the last day of a shorter month).
pub fn prima_verifica(start: time::Date, months: i64) -> time::Date {
    let total = i64::from(start.year()) * 12 + i64::from(u8::from(start.month())) - 1 + months;
    let year = (total / 12) as i32;
    let month = (total % 12 + 1) as u8;
    let day = start.day().min(super::date::days_in_month(year, month));
    super::date::from_ymd((year, month, day)).unwrap_or(start)
}

/// An ISEE declaration (money in cents, scala di equivalenza × 100).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Isee {
    pub id: Option<i64>,
    pub caso_id: i64,
    pub tipo: String,
    pub data_dsu: String,
    pub scadenza: String,
    pub ise_cents: i64,
    pub scala_cents: i64,
    pub isee_cents: i64,
    pub note: Option<String>,
}

impl Isee {
    /// Expired on `today` (ISO).
    pub fn scaduto(&self, today: &str) -> bool {
        self.scadenza.as_str() < today
    }
}

/// A valutazione of a case: the multidimensional assessment or the SINBA one of a minor, with the
/// form (`screens/valutazione_*.toml`) and form version it was filled with.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Valutazione {
    pub id: Option<i64>,
    pub caso_id: i64,
    /// 'multidimensionale' or 'sinba'.
    pub tipo: String,
    pub modulo: String,
    pub modulo_versione: u32,
    pub data: String,
    /// The form's fields, as a JSON object.
    pub dati: String,
    pub autore: String,
}

/// The form of the SINBA assessment; every other `valutazione_*` form is a multidimensional grid.
pub const MODULO_SINBA: &str = "valutazione_sinba";

impl Valutazione {
    /// The kind of assessment a form records.
    pub fn tipo_di(modulo: &str) -> &'static str {
        if modulo == MODULO_SINBA {
            "sinba"
        } else {
            "multidimensionale"
        }
    }
}

/// A documento individuale of a case: metadata of a file kept in the data directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Documento {
    pub id: Option<i64>,
    pub caso_id: i64,
    pub titolo: String,
    /// A free code ('relazione', 'certificato', 'decreto', ...).
    pub tipo: String,
    pub data: String,
    /// Readable only with the "dati riservati" permission.
    pub privato: bool,
    /// The imported file's own name (display only).
    pub nome_file: String,
    /// The stored file, relative to the documents folder.
    pub file: String,
    pub size: i64,
    pub sha256: String,
}

/// A document attached to a scheda di accesso: the metadata of a case's [`Documento`], its file
/// kept the same way (under `scheda-<id>/`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DocumentoScheda {
    pub scheda_id: i64,
    /// `caso_id` unused (0).
    #[serde(flatten)]
    pub documento: Documento,
    /// Who added it and when (UTC RFC 3339).
    pub created_by: String,
    pub created_at: String,
}

/// What is wrong with a document's metadata.
pub fn documento_problem(d: &Documento) -> Option<String> {
    let titolo = d.titolo.trim();
    if titolo.is_empty() {
        return Some("indicare il titolo del documento".into());
    }
    if titolo.chars().count() > 200 {
        return Some("il titolo del documento supera i 200 caratteri".into());
    }
    if d.tipo.trim().is_empty() {
        return Some("indicare il tipo di documento".into());
    }
    if super::date::parse_iso(&d.data).is_none() {
        return Some("indicare la data del documento (AAAA-MM-GG)".into());
    }
    None
}

/// What is wrong with an ISEE declaration.
pub fn isee_problem(i: &Isee) -> Option<String> {
    if i.tipo.trim().is_empty() {
        return Some("indicare il tipo di ISEE".into());
    }
    let (Some(dsu), Some(scad)) = (
        super::date::parse_iso(&i.data_dsu),
        super::date::parse_iso(&i.scadenza),
    ) else {
        return Some("indicare data DSU e scadenza".into());
    };
    if scad < dsu {
        return Some("la scadenza precede la data della DSU".into());
    }
    if i.ise_cents < 0 || i.isee_cents < 0 || i.scala_cents <= 0 {
        return Some("ISE, ISEE e scala di equivalenza devono essere positivi".into());
    }
    None
}

/// The counters of the social worker's home screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContatoriCasi {
    /// Proposals of presa in carico pending for the operator's enti.
    pub proposte: i64,
    /// The operator's cases by iter state: (label, count).
    pub per_stato: Vec<(String, i64)>,
    /// PAI whose verification is due (on or before today) in the operator's cases.
    pub pai_da_verificare: i64,
    /// ISEE expired or expiring within 30 days in the operator's cases.
    pub isee_in_scadenza: i64,
    /// Proposals of this operator refused in the last 30 days: (person, date, note).
    pub respinte: Vec<(String, String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(target: Target, attributi: &[&str]) -> Transizione {
        Transizione {
            da: "aperto".into(),
            a: "chiuso".into(),
            etichetta: "Chiudi".into(),
            ruoli: vec!["assistente_sociale".into()],
            target,
            attributi: attributi.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_change_names_its_target_and_required_attributes() {
        let mut c = CambioStato::default();
        assert!(
            cambio_problem(&t(Target::Ufficio, &[]), &c)
                .unwrap()
                .contains("ufficio")
        );
        c.target_ufficio_id = Some(3);
        assert_eq!(cambio_problem(&t(Target::Ufficio, &[]), &c), None);
        let close = t(Target::Nessuno, &["motivo_chiusura"]);
        assert!(
            cambio_problem(&close, &c)
                .unwrap()
                .contains("motivo chiusura")
        );
        c.attributi.insert("motivo_chiusura".into(), "boh".into());
        assert!(cambio_problem(&close, &c).unwrap().contains("sconosciuto"));
        c.attributi
            .insert("motivo_chiusura".into(), "autonomia".into());
        assert_eq!(cambio_problem(&close, &c), None);
    }

    #[test]
    fn first_verification_keeps_the_day_or_the_month_end() {
        let d = |y, m, g| time::Date::from_calendar_date(y, m, g).unwrap();
        use time::Month::*;
        assert_eq!(
            prima_verifica(d(2026, November, 15), 3),
            d(2027, February, 15)
        );
        assert_eq!(
            prima_verifica(d(2026, August, 31), 6),
            d(2027, February, 28)
        );
    }

    #[test]
    fn sensitive_sections_are_health_disability_court_and_assessments() {
        let sens: Vec<_> = Sezione::ALL.iter().filter(|s| s.riservata()).collect();
        assert_eq!(
            sens,
            [
                &Sezione::Invalidita,
                &Sezione::Disabilita,
                &Sezione::Tribunale,
                &Sezione::Valutazioni
            ]
        );
    }
}
