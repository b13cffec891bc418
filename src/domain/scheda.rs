//! The scheda di accesso: one visit of a citizen to the front desk (SISO-DOMAIN.md §1.2 B, §2.1).
//!
//! A scheda holds typed columns for what lists, filters and rules use (date, person, operator, esito,
//! bisogni, servizi, categorie) and the other fields of `screens/scheda.toml` as a JSON object
//! ([`SchedaEdit::dati`]: dates ISO, money in cents, flags as booleans). It is saved as it is filled:
//! a scheda that does not pass [`completion_problems`] is "in sospeso"; a complete one whose esito
//! carries the PIC flag is a proposal of presa in carico.

use super::date;
use serde_json::{Map, Value};

/// The multi-valued fields stored as codes (`scheda_codice.campo`).
pub const MULTI: [&str; 3] = ["bisogni", "servizi", "categorie_sociali"];

/// The form fields kept as columns (or child rows), not in `dati`.
pub const COLUMNS: [&str; 8] = [
    "data_accesso",
    "operatore",
    "esito",
    "invio_ufficio",
    "nota_privata",
    "bisogni",
    "servizi",
    "categorie_sociali",
];

/// Text shown instead of a private note to those who may not read it.
pub const NOTA_RISERVATA: &str =
    "[nota riservata: visibile solo all'autore, al responsabile e a chi ha creato la scheda]";

/// The state of a scheda, as lists and filters show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Stato {
    InSospeso,
    Completa,
    /// Complete and sent on: a proposal of presa in carico, or sent to another office.
    Inviata,
    Eliminata,
}

impl Stato {
    pub const ALL: [Stato; 4] = [
        Stato::InSospeso,
        Stato::Completa,
        Stato::Inviata,
        Stato::Eliminata,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Stato::InSospeso => "in_sospeso",
            Stato::Completa => "completa",
            Stato::Inviata => "inviata",
            Stato::Eliminata => "eliminata",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stato::InSospeso => "In sospeso",
            Stato::Completa => "Completa",
            Stato::Inviata => "Inviata",
            Stato::Eliminata => "Eliminata",
        }
    }

    pub fn parse(s: &str) -> Option<Stato> {
        Stato::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// A scheda as entered or edited (the form's content).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SchedaEdit {
    /// `None` for a new scheda.
    pub id: Option<i64>,
    /// The version read (optimistic locking).
    pub version: i64,
    pub soggetto_id: i64,
    /// ISO date.
    pub data_accesso: String,
    /// Username of the operator who received the person.
    pub operatore: String,
    pub esito: Option<String>,
    pub bisogni: Vec<String>,
    pub servizi: Vec<String>,
    pub categorie_sociali: Vec<String>,
    /// Destination office of "Invio ad altro ufficio".
    pub invio_ufficio_id: Option<i64>,
    /// Sent as `None` by an editor who may not read it (the stored note stays); `Some("")` clears
    /// it. Read back as [`NOTA_RISERVATA`] for those who may not read it.
    pub nota_privata: Option<String>,
    /// Every other field of the form, typed JSON.
    pub dati: Map<String, Value>,
}

impl SchedaEdit {
    /// A text field of `dati` (`""` when absent or null).
    pub fn text(&self, campo: &str) -> &str {
        self.dati.get(campo).and_then(Value::as_str).unwrap_or("")
    }

    /// A flag of `dati`.
    pub fn flag(&self, campo: &str) -> bool {
        self.dati
            .get(campo)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

/// A stored scheda.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scheda {
    pub edit: SchedaEdit,
    pub numero: i64,
    pub ente_id: i64,
    pub ufficio_id: Option<i64>,
    pub stato: Stato,
    /// Whether the reader may see the private note (otherwise `edit.nota_privata` is `None`).
    pub nota_leggibile: bool,
    pub nota_privata_autore: Option<String>,
    /// State of its proposal of presa in carico, if any.
    pub proposta: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    pub deleted_reason: Option<String>,
}

/// A scheda of the past loaded in bulk (the demo's history; later, schede brought over from SISO):
/// the visit as it was saved, where and when, and what became of its proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedaStorica {
    pub edit: SchedaEdit,
    pub ente_id: i64,
    pub ufficio_id: Option<i64>,
    pub completa: bool,
    /// When it was saved (a `*_at` timestamp).
    pub at: String,
    pub proposta: Option<PropostaStorica>,
    /// Date (ISO) of the privacy consent signed on this visit, for the scheda's ente.
    pub consenso: Option<String>,
}

/// The proposal of presa in carico of a [`SchedaStorica`] and its fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropostaStorica {
    /// The destination ente.
    pub ente_id: i64,
    /// `inviata` (pending), `accolta` or `respinta`.
    pub stato: &'static str,
    /// When it was handled (a `*_at` timestamp; the scheda's own when pending) and by whom.
    pub at: String,
    pub by: String,
    /// An accepted proposal opens a case on this date (ISO); closed on the second date, when given,
    /// with a reason of `motivi_chiusura`.
    pub caso: Option<(String, Option<(String, &'static str)>)>,
}

/// One row of the list of schede.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchedaRiga {
    pub id: i64,
    pub version: i64,
    pub numero: i64,
    pub data_accesso: String,
    pub soggetto_id: i64,
    pub cognome: String,
    pub nome: String,
    pub codice_fiscale: Option<String>,
    pub operatore: String,
    pub ufficio: Option<String>,
    pub esito: Option<String>,
    pub stato: Stato,
    pub bisogni: Vec<String>,
    pub servizi: Vec<String>,
    pub categorie_sociali: Vec<String>,
    /// The other fields (JSON object), for exports of the ente's extra fields.
    pub dati: String,
    /// A scheda of another ente sent to the reader's office: whether that office opened it
    /// (`None`: one of the reader's enti).
    #[serde(default)]
    pub ricevuta: Option<bool>,
}

/// The filters of the list of schede (all optional; dates ISO, both ends included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filtro {
    pub dal: Option<String>,
    pub al: Option<String>,
    pub ufficio_id: Option<i64>,
    pub operatore: Option<String>,
    pub stato: Option<Stato>,
    pub esito: Option<String>,
    pub bisogno: Option<String>,
    /// Persons (from the anagrafe search box).
    pub soggetti: Option<Vec<i64>>,
    /// Also list deleted schede (for those who may restore them).
    pub eliminate: bool,
    /// Also the schede other enti sent to this office (set by the service: the reader's office).
    pub ricevute_da: Option<i64>,
}

/// What completion and the rules need to know besides the scheda.
#[derive(Debug, Clone, Default)]
pub struct Contesto {
    /// ISO date of today.
    pub oggi: String,
    /// Birth date (ISO) of the person, to tell minors.
    pub data_nascita: Option<String>,
    pub anonimo: bool,
    /// Esito codes with the PIC flag.
    pub esiti_pic: Vec<String>,
    /// What the office of the scheda requires of a complete one (its REQ_* switches).
    pub requisiti: super::impostazioni::Requisiti,
    /// How many richieste the scheda has.
    pub richieste: usize,
    /// Belfiore codes of the comuni of the ente and its ambito (a residence elsewhere asks why).
    pub comuni_ambito: Vec<String>,
    /// The ente enabled the POR / FSE block (its fields are checked, a started one completed).
    pub por: bool,
}

impl Contesto {
    fn minore(&self, data_accesso: &str) -> bool {
        let nascita = self.data_nascita.as_deref().and_then(date::parse_iso);
        match (nascita, date::parse_iso(data_accesso)) {
            (Some(nascita), Some(accesso)) => date::age(nascita, accesso) < 18,
            _ => false,
        }
    }
}

/// Problems that stop any save (the scheda cannot even be kept in sospeso): (field, message).
pub fn save_problems(e: &SchedaEdit, ctx: &Contesto) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if e.data_accesso.is_empty() {
        out.push(("data_accesso", "Campo obbligatorio".into()));
    } else if e.data_accesso.as_str() > ctx.oggi.as_str() {
        out.push((
            "data_accesso",
            "La data di accesso non può essere successiva a oggi".into(),
        ));
    }
    if e.soggetto_id <= 0 {
        out.push(("cognome", "Scegliere la persona dall'anagrafe".into()));
    }
    out.extend(super::scheda_sezioni::stranieri_problems(
        &e.dati, &ctx.oggi,
    ));
    if ctx.por {
        out.extend(super::por::problemi(&e.dati, &ctx.oggi));
    }
    out
}

/// What is still missing for the scheda to be complete: (field, Italian message), in form order.
/// Required fields of the form are checked by the form itself; these are the rules between fields.
pub fn completion_problems(e: &SchedaEdit, ctx: &Contesto) -> Vec<(&'static str, String)> {
    let mut out = save_problems(e, ctx);
    let req = |out: &mut Vec<(&'static str, String)>, campo: &'static str, msg: &str| {
        out.push((campo, msg.to_string()));
    };
    for (campo, label) in [
        ("interlocutore", "l'interlocutore"),
        ("motivo_accesso", "il motivo di accesso"),
        ("modalita_accesso", "la modalità di accesso"),
    ] {
        if e.text(campo).is_empty() {
            req(&mut out, campo, &format!("Indicare {label}"));
        }
    }
    match e.text("motivo_accesso") {
        "inviato" if e.text("inviato_da").is_empty() => req(
            &mut out,
            "inviato_da",
            "Motivo «Inviato da»: indicare il servizio inviante",
        ),
        "convocato" if e.text("motivo_desc").trim().is_empty() => req(
            &mut out,
            "motivo_desc",
            "Motivo «Convocato»: specificare il motivo della convocazione",
        ),
        _ => {}
    }
    match e.text("interlocutore") {
        "" | "utente" => {}
        "organizzazione" if e.text("int_ente_servizio").is_empty() => req(
            &mut out,
            "int_ente_servizio",
            "Interlocutore «Organizzazione»: indicare l'ente o servizio",
        ),
        "organizzazione" => {}
        _ if e.text("int_ente_servizio").is_empty()
            && (e.text("int_cognome").trim().is_empty()
                || e.text("int_nome").trim().is_empty()) =>
        {
            req(
                &mut out,
                "int_cognome",
                "Indicare cognome e nome dell'interlocutore, oppure il suo ente o servizio",
            )
        }
        _ => {}
    }
    if e.text("int_relazione") == "affidatario" && !e.flag("int_affidatario") {
        req(
            &mut out,
            "int_affidatario",
            "«Affidatario non parente»: segnare l'interlocutore come affidatario",
        );
    }
    out.extend(super::scheda_sezioni::residenza_problems(
        &e.dati,
        &ctx.comuni_ambito,
    ));
    if !ctx.anonimo && e.text("telefono").trim().is_empty() && e.text("cellulare").trim().is_empty()
    {
        req(
            &mut out,
            "telefono",
            "Indicare almeno un numero di telefono o cellulare",
        );
    }
    if ctx.minore(&e.data_accesso) {
        if e.bisogni.is_empty() {
            req(
                &mut out,
                "bisogni",
                "Utente minorenne: indicare i bisogni espressi",
            );
        }
        if e.text("bisogni_altro").trim().is_empty() {
            req(
                &mut out,
                "bisogni_altro",
                "Utente minorenne: descrivere il bisogno in «Altro»",
            );
        }
    }
    if ctx.requisiti.bisogni
        && !ctx.minore(&e.data_accesso)
        && e.bisogni.is_empty()
        && e.text("bisogni_altro").trim().is_empty()
    {
        req(
            &mut out,
            "bisogni",
            "L'ufficio richiede i bisogni espressi: indicarne almeno uno",
        );
    }
    if ctx.requisiti.stranieri {
        out.extend(super::scheda_sezioni::stranieri_richiesti(&e.dati));
    }
    if ctx.por {
        out.extend(super::por::mancanti(&e.dati));
    }
    if ctx.requisiti.servizi && ctx.richieste == 0 {
        req(
            &mut out,
            "servizi",
            "L'ufficio richiede almeno un servizio richiesto: aggiungerlo in «Richieste» (Ctrl+O)",
        );
    }
    if e.servizi.iter().any(|s| s == "invio_ufficio") && e.invio_ufficio_id.is_none() {
        req(
            &mut out,
            "invio_ufficio",
            "«Invio ad altro ufficio»: indicare l'ufficio di destinazione",
        );
    }
    if e.servizi.iter().any(|s| s == "invio_esterno") && e.text("invio_email").trim().is_empty() {
        req(
            &mut out,
            "invio_email",
            "«Invio a organizzazione esterna»: indicare l'e-mail di destinazione",
        );
    }
    if e.servizi.iter().any(|s| s == "altro") && e.text("servizi_altro").trim().is_empty() {
        req(
            &mut out,
            "servizi_altro",
            "Servizio «Altro»: specificare quale",
        );
    }
    match &e.esito {
        None => req(&mut out, "esito", "Indicare l'esito della scheda"),
        Some(esito) if ctx.esiti_pic.contains(esito) => {
            if ctx.anonimo {
                req(
                    &mut out,
                    "esito",
                    "Un utente anonimo non può essere proposto per la presa in carico",
                );
            }
            if e.categorie_sociali.is_empty() {
                req(
                    &mut out,
                    "categorie_sociali",
                    "Proposta di presa in carico: indicare la categoria sociale",
                );
            }
        }
        _ => {}
    }
    out
}

/// Whether a complete scheda with this esito is a proposal of presa in carico.
pub fn is_pic(e: &SchedaEdit, ctx: &Contesto) -> bool {
    e.esito.as_ref().is_some_and(|x| ctx.esiti_pic.contains(x))
}

/// A copy of a scheda for a new visit dated `oggi`: the person, interlocutore, riferimenti,
/// bisogni, formazione/lavoro, stranieri, familiari and abitazione stay; notes, services, esito,
/// categories and privacy do not.
pub fn duplicate(s: &SchedaEdit, oggi: &str, operatore: &str) -> SchedaEdit {
    let keep_prefix = [
        "int_",
        "rif",
        "bisogni",
        "str_",
        "abit_",
        "familiari",
        "titolo_studio",
        "condizione_lavoro",
        "professione",
        "settore_impiego",
    ];
    let keep = [
        "interlocutore",
        "utente_accompagnato",
        "accompagnatore",
        "utente_presente_informato",
    ];
    let utente = UTENTE_FIELDS;
    let dati: Map<String, Value> = s
        .dati
        .iter()
        .filter(|(k, _)| {
            keep.contains(&k.as_str())
                || keep_prefix.iter().any(|p| k.starts_with(p))
                || utente.contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    SchedaEdit {
        id: None,
        version: 0,
        soggetto_id: s.soggetto_id,
        data_accesso: oggi.to_string(),
        operatore: operatore.to_string(),
        esito: None,
        bisogni: s.bisogni.clone(),
        servizi: Vec::new(),
        categorie_sociali: Vec::new(),
        invio_ufficio_id: None,
        nota_privata: None,
        dati,
    }
}

/// The health fields of a scheda: kept in typed columns (`scheda_sanitaria`), not in `dati`, and
/// read only with the "dati riservati" permission.
pub const CAMPI_SANITARI: [&str; 3] = ["tessera_sanitaria", "stp", "invalidita"];

/// The codici fiscali of third parties, by role: kept as rows (`scheda_terzo`), not in `dati`, and
/// read only with "dati riservati". (role, field of the form)
pub const CF_TERZI: [(&str, &str); 2] = [
    ("interlocutore", "int_codice_fiscale"),
    ("riferimento", "rif_codice_fiscale"),
];

/// The sensitive fields of a scheda, apart from its `dati`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sensibili {
    pub tessera_sanitaria: Option<String>,
    pub stp: bool,
    /// Percentage, 0–100.
    pub invalidita: Option<i64>,
    /// (role, codice fiscale) of third parties.
    pub terzi: Vec<(String, String)>,
}

impl Sensibili {
    /// Takes the sensitive fields out of `dati`.
    pub fn take(dati: &mut Map<String, Value>) -> Sensibili {
        let text = |v: Option<Value>| {
            v.and_then(|v| v.as_str().map(|s| s.trim().to_string()))
                .filter(|s| !s.is_empty())
        };
        let tessera_sanitaria = text(dati.remove("tessera_sanitaria"));
        let stp = dati
            .remove("stp")
            .is_some_and(|v| v.as_bool() == Some(true));
        let invalidita = dati
            .remove("invalidita")
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()))
            .filter(|p| (0..=100).contains(p));
        let terzi = CF_TERZI
            .iter()
            .filter_map(|(ruolo, campo)| {
                text(dati.remove(*campo)).map(|cf| (ruolo.to_string(), cf.to_uppercase()))
            })
            .collect();
        Sensibili {
            tessera_sanitaria,
            stp,
            invalidita,
            terzi,
        }
    }

    /// Whether the health part holds anything (a `scheda_sanitaria` row is kept only then).
    pub fn sanitari(&self) -> bool {
        self.tessera_sanitaria.is_some() || self.stp || self.invalidita.is_some()
    }

    /// Puts the fields back into `dati`, as the scheda form has them.
    pub fn put(&self, dati: &mut Map<String, Value>) {
        if self.sanitari() {
            dati.insert(
                "tessera_sanitaria".into(),
                self.tessera_sanitaria
                    .clone()
                    .map_or(Value::Null, Value::from),
            );
            dati.insert("stp".into(), Value::Bool(self.stp));
            dati.insert(
                "invalidita".into(),
                self.invalidita.map_or(Value::Null, Value::from),
            );
        }
        for (ruolo, cf) in &self.terzi {
            if let Some((_, campo)) = CF_TERZI.iter().find(|(r, _)| r == ruolo) {
                dati.insert(campo.to_string(), Value::from(cf.clone()));
            }
        }
    }

    /// For an editor who may not read them: the stored values stay unless the edit sets a new one
    /// (such an editor can enter a value, never read or clear one).
    pub fn keep_stored(edit: &mut Map<String, Value>, stored: &Map<String, Value>) {
        let set = |v: Option<&Value>| match v {
            None | Some(Value::Null) | Some(Value::Bool(false)) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
        };
        let campi = CAMPI_SANITARI
            .iter()
            .copied()
            .chain(CF_TERZI.iter().map(|(_, c)| *c));
        for campo in campi {
            if !set(edit.get(campo))
                && let Some(v) = stored.get(campo)
            {
                edit.insert(campo.to_string(), v.clone());
            }
        }
    }
}

/// The fields of the Utente section: this visit's snapshot of the person.
pub const UTENTE_FIELDS: [&str; 31] = [
    "codice_fiscale",
    "cf_temporaneo",
    "cognome",
    "nome",
    "alias",
    "anonimo",
    "sesso",
    "data_nascita",
    "luogo_nascita",
    "stato_civile",
    "cittadinanza",
    "cittadinanza2",
    "data_decesso",
    "tessera_sanitaria",
    "medico",
    "stp",
    "invalidita",
    "senza_fissa_dimora",
    "struttura_accoglienza",
    "res_indirizzo",
    "res_comune",
    "domicilio_come_residenza",
    "dom_indirizzo",
    "dom_comune",
    "note_domicilio",
    "telefono",
    "tit_telefono",
    "cellulare",
    "tit_cellulare",
    "email",
    "tit_email",
];

#[cfg(test)]
#[path = "scheda_tests.rs"]
mod tests;
