//! A person as read for the person card: every stored field, and the history of changes.

/// A stored person (soggetto). Dates ISO `aaaa-mm-gg`; places as Belfiore codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
}

/// One change of one field of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modifica {
    pub at: String,
    pub by: String,
    pub campo: String,
    pub prima: Option<String>,
    pub dopo: Option<String>,
}
