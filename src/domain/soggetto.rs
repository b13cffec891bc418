//! The person (soggetto) of the anagrafe, as far as the foundation needs it (bulk creation by the demo
//! and by imports). Dates are ISO `AAAA-MM-GG` text.

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
