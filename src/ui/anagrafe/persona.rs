//! The person card: personal data, provenance, consents, history of changes and the person's schede.

use crate::domain::belfiore::name_or_code;
use crate::domain::date::italian;
use crate::domain::persona::{Consenso, Modifica, Privacy, Soggetto};
use crate::ui::widgets::table::Table;

/// The person card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonaState {
    pub soggetto: Soggetto,
    pub storia: Vec<Modifica>,
    /// Consents by ente.
    pub privacy: Vec<Consenso>,
    /// The person's schede di accesso: Up/Down and Enter open one.
    pub schede: Table,
    /// Something changed from here (a save): read the card again.
    pub stale: bool,
    /// Expiry (ISO) of the permesso di soggiorno of the newest scheda recording one.
    pub permesso: Option<String>,
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
            stale: false,
            permesso: c.permesso,
        }
    }
}

impl PersonaState {
    /// The warning about a permesso di soggiorno expired or expiring within 60 days of `oggi`.
    pub fn avviso_permesso(&self, oggi: time::Date) -> Option<String> {
        use crate::domain::scheda_sezioni::{avviso_permesso, permesso_in_scadenza};
        let (scadenza, giorni) =
            permesso_in_scadenza(self.permesso.as_deref()?, &crate::domain::date::iso(oggi))?;
        Some(avviso_permesso(&scadenza, giorni))
    }

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
