//! The "Ricerca anagrafe" screen (results update as the operator types) and the person card.

use super::table::Table;
use super::text_input::TextInput;
use crate::domain::belfiore::name_or_code;
use crate::domain::date::italian;
use crate::domain::persona::{Consenso, Modifica, Privacy, Soggetto};
use crate::domain::search::SearchHit;

/// The search box and its results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RicercaState {
    pub input: TextInput,
    pub table: Table,
    /// The text of the last search sent (a new one goes out when the box differs).
    pub sent: String,
    pub error: Option<String>,
}

impl Default for RicercaState {
    fn default() -> Self {
        RicercaState {
            input: TextInput::new(200),
            table: Table::new(vec![
                ("Codice fiscale", 16),
                ("Cognome", 16),
                ("Nome", 13),
                ("Nato/a il", 10),
                ("Residenza", 13),
                ("C/P", 3),
            ]),
            sent: String::new(),
            error: None,
        }
    }
}

impl RicercaState {
    pub fn set_hits(&mut self, hits: Vec<SearchHit>) {
        let rows = hits
            .iter()
            .map(|h| {
                let cognome = if h.deceased {
                    format!("{} †", h.cognome)
                } else {
                    h.cognome.clone()
                };
                (
                    h.id.to_string(),
                    vec![
                        h.codice_fiscale.clone().unwrap_or_default(),
                        cognome,
                        h.nome.clone(),
                        h.data_nascita.as_deref().map(italian).unwrap_or_default(),
                        h.res_comune
                            .as_deref()
                            .map(name_or_code)
                            .unwrap_or_default(),
                        format!(
                            "{}{}",
                            if h.marcatori.caso_aperto { "C" } else { "" },
                            if h.marcatori.privacy_firmata { "P" } else { "" }
                        ),
                    ],
                )
            })
            .collect();
        // Best first: the search order, not a column sort.
        self.table.rows = rows;
        self.table.sorted = false;
        self.table.selected = 0;
        self.error = None;
    }

    pub fn selected_id(&self) -> Option<i64> {
        self.table.selected_key()?.parse().ok()
    }
}

/// The person card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonaState {
    pub soggetto: Soggetto,
    pub storia: Vec<Modifica>,
    /// Consents by ente.
    pub privacy: Vec<Consenso>,
    /// The person's schede di accesso: Up/Down and Enter open one.
    pub schede: Table,
}

impl From<crate::service::PersonaCard> for PersonaState {
    fn from(c: crate::service::PersonaCard) -> Self {
        let mut schede = Table::new(vec![
            ("N.", 5),
            ("Data", 10),
            ("Operatore", 14),
            ("Ufficio", 22),
            ("Stato", 10),
        ]);
        schede.page = 5;
        schede.rows = c
            .schede
            .iter()
            .map(|r| {
                (
                    r.id.to_string(),
                    vec![
                        r.numero.to_string(),
                        italian(&r.data_accesso),
                        r.operatore.clone(),
                        r.ufficio.clone().unwrap_or_default(),
                        r.stato.label().to_string(),
                    ],
                )
            })
            .collect();
        PersonaState {
            soggetto: c.soggetto,
            storia: c.storia,
            privacy: c.privacy,
            schede,
        }
    }
}

impl PersonaState {
    /// (label, value) lines of the card, empty values left out.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let s = &self.soggetto;
        let place = |c: &Option<String>| c.as_deref().map(name_or_code).unwrap_or_default();
        let date = |d: &Option<String>| d.as_deref().map(italian).unwrap_or_default();
        let join = |parts: &[&Option<String>]| {
            parts
                .iter()
                .filter_map(|p| p.as_deref())
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut out = vec![
            (
                "Codice fiscale",
                s.codice_fiscale
                    .clone()
                    .unwrap_or_else(|| "(non disponibile)".into()),
            ),
            ("Cognome e nome", format!("{} {}", s.cognome, s.nome)),
            ("Sesso", s.sesso.clone().unwrap_or_default()),
            ("Nato/a il", date(&s.data_nascita)),
            ("Luogo di nascita", place(&s.luogo_nascita)),
            ("Cittadinanza", place(&s.cittadinanza)),
            ("Seconda cittadinanza", place(&s.cittadinanza2)),
            ("Stato civile", s.stato_civile.clone().unwrap_or_default()),
            (
                "Residenza",
                format!(
                    "{} {}",
                    join(&[&s.res_indirizzo, &s.res_civico]),
                    join(&[&s.res_cap, &s.res_comune.as_deref().map(name_or_code)])
                ),
            ),
            (
                "Domicilio",
                join(&[
                    &s.dom_indirizzo,
                    &s.dom_civico,
                    &s.dom_cap,
                    &s.dom_comune.as_deref().map(name_or_code),
                ]),
            ),
            ("Telefono", join(&[&s.telefono, &s.cellulare])),
            ("E-mail", s.email.clone().unwrap_or_default()),
            ("Deceduto/a il", date(&s.data_decesso)),
            ("Alias", s.alias.clone().unwrap_or_default()),
            (
                "Struttura",
                s.struttura_accoglienza.clone().unwrap_or_default(),
            ),
        ];
        if s.anonimo {
            out.insert(
                0,
                (
                    "Utente anonimo",
                    "dati personali dopo la firma del consenso privacy".into(),
                ),
            );
        }
        if s.cf_provvisorio {
            out.push((
                "Codice fiscale",
                "provvisorio: sostituirlo appena disponibile (Modifica)".into(),
            ));
        }
        for c in &self.privacy {
            out.push((
                "Privacy",
                match (c.stato, &c.data_firma) {
                    (Privacy::Firmato, Some(d)) => {
                        format!("{}: firmato il {}", c.ente, italian(d))
                    }
                    (stato, _) => format!("{}: {}", c.ente, stato.label().to_lowercase()),
                },
            ));
        }
        if self.privacy.is_empty() {
            out.push(("Privacy", "consenso non registrato".into()));
        }
        if s.senza_fissa_dimora {
            out.push(("Senza fissa dimora", "sì".into()));
        }
        out.push((
            "Provenienza",
            match s.fonte.as_str() {
                "anagrafe" => format!(
                    "anagrafe comunale{}",
                    s.fonte_id
                        .as_deref()
                        .map(|i| format!(" (id {i})"))
                        .unwrap_or_default()
                ),
                "demo" => "dati dimostrativi".into(),
                _ => "inserita allo sportello".into(),
            },
        ));
        out.retain(|(_, v)| !v.trim().is_empty());
        out
    }
}
