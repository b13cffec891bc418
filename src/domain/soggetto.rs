//! The person (soggetto) of the anagrafe, as far as the foundation needs it (bulk creation by the demo
//! and by imports) and the rows of an import from the municipal registry. Dates are ISO `AAAA-MM-GG`
//! text.

/// A person to insert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSoggetto {
    pub codice_fiscale: Option<String>,
    pub cognome: String,
    pub nome: String,
    pub sesso: Option<char>,
    pub data_nascita: Option<String>,
    /// Belfiore code of the comune or foreign state of birth.
    pub luogo_nascita: Option<String>,
    /// Belfiore (Z) code of the state of citizenship; `None` for Italian.
    pub cittadinanza: Option<String>,
    pub res_indirizzo: Option<String>,
    pub res_civico: Option<String>,
    pub res_cap: Option<String>,
    /// Belfiore code of the comune of residence.
    pub res_comune: Option<String>,
    pub telefono: Option<String>,
    pub data_decesso: Option<String>,
    /// `anagrafe`, `sportello` or `demo`.
    pub fonte: &'static str,
    pub ente_id: Option<i64>,
}

/// The fields of a person that an import from the municipal registry may set, in a fixed order.
/// The names are the field ids of the persona screen and the `campo` of `soggetto_storia`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Campo {
    Cognome,
    Nome,
    Sesso,
    DataNascita,
    LuogoNascita,
    Cittadinanza,
    StatoCivile,
    ResIndirizzo,
    ResCivico,
    ResCap,
    ResComune,
    Telefono,
    DataDecesso,
    FonteId,
}

impl Campo {
    /// How many fields there are (the length of [`ImportRow::values`]).
    pub const COUNT: usize = 14;
    pub const ALL: [Campo; Campo::COUNT] = [
        Campo::Cognome,
        Campo::Nome,
        Campo::Sesso,
        Campo::DataNascita,
        Campo::LuogoNascita,
        Campo::Cittadinanza,
        Campo::StatoCivile,
        Campo::ResIndirizzo,
        Campo::ResCivico,
        Campo::ResCap,
        Campo::ResComune,
        Campo::Telefono,
        Campo::DataDecesso,
        Campo::FonteId,
    ];

    /// The field id (`cognome`, `data_nascita`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Campo::Cognome => "cognome",
            Campo::Nome => "nome",
            Campo::Sesso => "sesso",
            Campo::DataNascita => "data_nascita",
            Campo::LuogoNascita => "luogo_nascita",
            Campo::Cittadinanza => "cittadinanza",
            Campo::StatoCivile => "stato_civile",
            Campo::ResIndirizzo => "res_indirizzo",
            Campo::ResCivico => "res_civico",
            Campo::ResCap => "res_cap",
            Campo::ResComune => "res_comune",
            Campo::Telefono => "telefono",
            Campo::DataDecesso => "data_decesso",
            Campo::FonteId => "fonte_id",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What an imported row says about one field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Valore {
    /// Empty cell or no such column: no information, the stored value is kept.
    #[default]
    Absent,
    /// The value to store.
    Set(String),
    /// An explicit "no value" (Italian citizenship is stored as none): the stored value is cleared.
    Clear,
}

impl Valore {
    pub fn as_set(&self) -> Option<&str> {
        match self {
            Valore::Set(s) => Some(s),
            _ => None,
        }
    }
}

/// A person read from the municipal registry, validated and mapped (codes resolved, dates ISO), ready
/// for [`crate::store::Store::upsert_soggetti`]. Cognome and nome are always [`Valore::Set`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportRow {
    /// Line of the file where the record starts (for messages).
    pub line: u64,
    /// Normalised and valid.
    pub codice_fiscale: String,
    /// Indexed by [`Campo::index`].
    pub values: [Valore; Campo::COUNT],
    /// The ente whose registry the row comes from; `None` keeps the stored one.
    pub ente_id: Option<i64>,
}

impl ImportRow {
    pub fn get(&self, campo: Campo) -> &Valore {
        &self.values[campo.index()]
    }

    pub fn set(&mut self, campo: Campo, v: Valore) {
        self.values[campo.index()] = v;
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// History rows written (one per changed field of an updated person).
    pub history: u64,
}

impl UpsertCounts {
    pub fn add(&mut self, other: UpsertCounts) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.history += other.history;
    }
}
