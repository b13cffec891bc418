//! A person as read for the person card: every stored field, and the history of changes.

/// A stored person (soggetto). Dates ISO `aaaa-mm-gg`; places as Belfiore codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Soggetto {
    pub id: i64,
    pub version: i64,
    pub codice_fiscale: Option<String>,
    pub cf_provvisorio: bool,
    pub cognome: String,
    pub nome: String,
    pub sesso: Option<String>,
    pub data_nascita: Option<String>,
    pub luogo_nascita: Option<String>,
    pub cittadinanza: Option<String>,
    pub cittadinanza2: Option<String>,
    pub stato_civile: Option<String>,
    pub res_indirizzo: Option<String>,
    pub res_civico: Option<String>,
    pub res_cap: Option<String>,
    pub res_comune: Option<String>,
    pub senza_fissa_dimora: bool,
    pub struttura_accoglienza: Option<String>,
    pub dom_indirizzo: Option<String>,
    pub dom_civico: Option<String>,
    pub dom_cap: Option<String>,
    pub dom_comune: Option<String>,
    pub telefono: Option<String>,
    pub cellulare: Option<String>,
    pub email: Option<String>,
    pub data_decesso: Option<String>,
    pub alias: Option<String>,
    pub anonimo: bool,
    /// `anagrafe` (municipal registry), `sportello` (entered at the desk) or `demo`.
    pub fonte: String,
    pub fonte_id: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    /// The ente's extra attributes (JSON object), `{}` when none.
    pub extra: String,
}

/// One change of one field of a person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Modifica {
    pub at: String,
    pub by: String,
    pub campo: String,
    pub prima: Option<String>,
    pub dopo: Option<String>,
}

/// The columns of `soggetto` an operator edits at the desk, in form order. They are also the field ids
/// of `screens/persona.toml` and the `campo` of the history rows. SQL names come from this list only.
pub const CAMPI: [&str; 25] = [
    "codice_fiscale",
    "cognome",
    "nome",
    "sesso",
    "data_nascita",
    "luogo_nascita",
    "cittadinanza",
    "cittadinanza2",
    "stato_civile",
    "senza_fissa_dimora",
    "struttura_accoglienza",
    "res_indirizzo",
    "res_civico",
    "res_cap",
    "res_comune",
    "dom_indirizzo",
    "dom_civico",
    "dom_cap",
    "dom_comune",
    "telefono",
    "cellulare",
    "email",
    "data_decesso",
    "alias",
    "extra",
];

/// Fields holding a flag (`1`/`0` in the database, `true`/`false` in forms).
pub fn is_flag(campo: &str) -> bool {
    campo == "senza_fissa_dimora"
}

/// A person as entered or edited at the desk: each of [`CAMPI`] with its value (`None` = empty).
/// Dates ISO `aaaa-mm-gg`, places Belfiore codes, flags `1`/`0`, `extra` the ente's JSON attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonaEdit {
    /// `None` for a new person.
    pub id: Option<i64>,
    /// The version read, for optimistic locking (ignored for a new person).
    pub version: i64,
    pub values: std::collections::BTreeMap<String, Option<String>>,
    /// Save a new person even if someone with the same name and birth date exists.
    pub allow_homonym: bool,
}

impl PersonaEdit {
    pub fn get(&self, campo: &str) -> Option<&str> {
        self.values.get(campo).and_then(|v| v.as_deref())
    }

    pub fn set(&mut self, campo: &str, v: Option<&str>) {
        let v = v
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        self.values.insert(campo.to_string(), v);
    }

    /// The values of a stored person, ready to be edited.
    pub fn from_soggetto(s: &Soggetto, extra: Option<&str>) -> PersonaEdit {
        let mut e = PersonaEdit {
            id: Some(s.id),
            version: s.version,
            ..Default::default()
        };
        let flag = |b: bool| Some(if b { "1" } else { "0" });
        for campo in CAMPI {
            let v = match campo {
                "codice_fiscale" => s.codice_fiscale.as_deref(),
                "cognome" => Some(s.cognome.as_str()),
                "nome" => Some(s.nome.as_str()),
                "sesso" => s.sesso.as_deref(),
                "data_nascita" => s.data_nascita.as_deref(),
                "luogo_nascita" => s.luogo_nascita.as_deref(),
                "cittadinanza" => s.cittadinanza.as_deref(),
                "cittadinanza2" => s.cittadinanza2.as_deref(),
                "stato_civile" => s.stato_civile.as_deref(),
                "senza_fissa_dimora" => flag(s.senza_fissa_dimora),
                "struttura_accoglienza" => s.struttura_accoglienza.as_deref(),
                "res_indirizzo" => s.res_indirizzo.as_deref(),
                "res_civico" => s.res_civico.as_deref(),
                "res_cap" => s.res_cap.as_deref(),
                "res_comune" => s.res_comune.as_deref(),
                "dom_indirizzo" => s.dom_indirizzo.as_deref(),
                "dom_civico" => s.dom_civico.as_deref(),
                "dom_cap" => s.dom_cap.as_deref(),
                "dom_comune" => s.dom_comune.as_deref(),
                "telefono" => s.telefono.as_deref(),
                "cellulare" => s.cellulare.as_deref(),
                "email" => s.email.as_deref(),
                "data_decesso" => s.data_decesso.as_deref(),
                "alias" => s.alias.as_deref(),
                "extra" => extra,
                _ => None,
            };
            e.set(campo, v);
        }
        e
    }
}

/// A codice fiscale as typed at the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodiceTipo {
    /// A valid codice fiscale (omocodia allowed), normalised.
    Reale(String),
    /// A placeholder: SISO/sportello `[…]` form or the Agenzia's 11-digit provisional number.
    Provvisorio(String),
}

/// A placeholder code: the `[…]` form or the Agenzia's 11-digit provisional number.
pub fn is_provisional_cf(code: &str) -> bool {
    super::cf::is_temporary(code) || (code.len() == 11 && code.bytes().all(|b| b.is_ascii_digit()))
}

/// Classifies a typed code; the error is the Italian reason it is neither a valid nor a provisional
/// code.
pub fn classify_cf(code: &str, today: time::Date) -> Result<CodiceTipo, String> {
    let c = super::cf::normalize(code);
    if is_provisional_cf(&c) {
        return Ok(CodiceTipo::Provvisorio(c));
    }
    super::cf::decode(&c, super::date::ymd(today))
        .map(|_| CodiceTipo::Reale(c))
        .map_err(|e| format!("codice fiscale non valido: {e}"))
}

/// Checks a person before saving: required fields, dates, codes, e-mail, CAP. Returns (field, Italian
/// message) for each problem, in form order. Consistency between the CF and the personal data is a
/// warning ([`cf_warnings`]), not an error.
pub fn validate(e: &PersonaEdit, today: time::Date) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for campo in ["cognome", "nome", "sesso", "data_nascita", "luogo_nascita"] {
        if e.get(campo).is_none() {
            out.push((campo, "Campo obbligatorio".to_string()));
        }
    }
    if let Some(cf) = e.get("codice_fiscale")
        && let Err(m) = classify_cf(cf, today)
    {
        out.push(("codice_fiscale", m));
    }
    if let Some(s) = e.get("sesso")
        && s != "M"
        && s != "F"
    {
        out.push(("sesso", "Sesso non valido (M o F)".into()));
    }
    let today_iso = super::date::iso(today);
    for campo in ["data_nascita", "data_decesso"] {
        if let Some(d) = e.get(campo) {
            if super::date::parse_iso(d).is_none() {
                out.push((campo, "Data non valida".into()));
            } else if d > today_iso.as_str() {
                out.push((campo, "La data non può essere successiva a oggi".into()));
            }
        }
    }
    if let (Some(n), Some(m)) = (e.get("data_nascita"), e.get("data_decesso"))
        && m < n
    {
        out.push((
            "data_decesso",
            "Il decesso non può precedere la nascita".into(),
        ));
    }
    for campo in [
        "luogo_nascita",
        "res_comune",
        "dom_comune",
        "cittadinanza",
        "cittadinanza2",
    ] {
        if let Some(code) = e.get(campo)
            && !super::belfiore::is_known(code)
        {
            out.push((campo, format!("Codice catastale sconosciuto ({code})")));
        }
    }
    for campo in ["res_cap", "dom_cap"] {
        if let Some(cap) = e.get(campo)
            && !(cap.len() == 5 && cap.bytes().all(|b| b.is_ascii_digit()))
        {
            out.push((campo, "Il CAP ha 5 cifre".into()));
        }
    }
    if let Some(m) = e.get("email")
        && !super::is_email(m)
    {
        out.push(("email", "Indirizzo e-mail non valido".into()));
    }
    out
}

/// Warnings where a real codice fiscale does not match the personal data (empty when it matches, is
/// provisional, or the data needed to compare are missing).
pub fn cf_warnings(e: &PersonaEdit) -> Vec<String> {
    let (Some(cf), Some(sesso), Some(data)) = (
        e.get("codice_fiscale"),
        e.get("sesso"),
        e.get("data_nascita"),
    ) else {
        return Vec::new();
    };
    let sesso = match sesso {
        "M" => super::cf::Sesso::M,
        "F" => super::cf::Sesso::F,
        _ => return Vec::new(),
    };
    let Some(data) = super::date::parse_iso(data) else {
        return Vec::new();
    };
    if super::cf::is_temporary(cf) || cf.len() != 16 {
        return Vec::new();
    }
    super::cf::consistency(
        cf,
        e.get("cognome").unwrap_or_default(),
        e.get("nome").unwrap_or_default(),
        sesso,
        super::date::ymd(data),
        e.get("luogo_nascita").unwrap_or_default(),
    )
}

/// What a decoded codice fiscale says, for filling a form: sex (`M`/`F`), ISO birth date, Belfiore
/// code of the birthplace. `None` when the code is not a valid real codice fiscale.
pub fn from_cf(code: &str, today: time::Date) -> Option<(String, String, String)> {
    let d = super::cf::decode(&super::cf::normalize(code), super::date::ymd(today)).ok()?;
    Some((
        d.sesso.as_char().to_string(),
        super::date::iso(super::date::from_ymd(d.birth_date)?),
        d.place.code.clone(),
    ))
}

/// The registration of an anonymous user: shown under [`anonymous_alias`] until the privacy consent is
/// signed and real data are entered.
pub const ANONIMO: &str = "ANONIMO";

/// The unique alias of anonymous person `id`.
pub fn anonymous_alias(id: i64) -> String {
    format!("ANON-{id:06}")
}

/// Privacy consent of a person towards an ente.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Privacy {
    Firmato,
    NonFirmato,
    Anonimo,
}

impl Privacy {
    pub fn code(self) -> &'static str {
        match self {
            Privacy::Firmato => "firmato",
            Privacy::NonFirmato => "non_firmato",
            Privacy::Anonimo => "anonimo",
        }
    }

    pub fn parse(s: &str) -> Option<Privacy> {
        match s {
            "firmato" => Some(Privacy::Firmato),
            "non_firmato" => Some(Privacy::NonFirmato),
            "anonimo" => Some(Privacy::Anonimo),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Privacy::Firmato => "Firmato",
            Privacy::NonFirmato => "Non firmato",
            Privacy::Anonimo => "Anonimo",
        }
    }
}

/// The consent of a person towards one ente.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Consenso {
    pub ente_id: i64,
    pub ente: String,
    pub stato: Privacy,
    /// ISO date of the signature.
    pub data_firma: Option<String>,
    pub version: i64,
}

/// Markers of a person in search results, for the operator's ente.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Marcatori {
    /// A presa in carico is open (in any ente).
    pub caso_aperto: bool,
    /// The privacy consent towards the operator's ente is signed.
    pub privacy_firmata: bool,
}
