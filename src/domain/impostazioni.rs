//! The settings of an office (SISO SS_UFFICIO): which rules a complete scheda of that office must
//! pass (REQ_BISOGNI, REQ_SERVIZI, REQ_STRANIERI), whether the scheda shows the interventi already
//! delivered to the person (VIS_INTERVENTI), and the template of the message that goes with a
//! scheda sent to another office or organisation. The office e-mail is the ufficio's own
//! (`Ufficio::contatto.email`).
//!
//! The template holds placeholders only — [`SEGNAPOSTI`] — none of which is personal data: a
//! message built from it can travel by e-mail.

/// The settings of one office. An office never configured has everything off.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImpostazioniUfficio {
    pub ufficio_id: i64,
    /// The version read (0: never saved).
    pub version: i64,
    pub req_bisogni: bool,
    pub req_servizi: bool,
    pub req_stranieri: bool,
    pub vis_interventi: bool,
    pub template_invio: Option<String>,
}

impl ImpostazioniUfficio {
    /// The rules a complete scheda of this office must pass.
    pub fn requisiti(&self) -> Requisiti {
        Requisiti {
            bisogni: self.req_bisogni,
            servizi: self.req_servizi,
            stranieri: self.req_stranieri,
        }
    }
}

/// What an office requires of a complete scheda, as the completion check reads it
/// ([`crate::domain::scheda::Contesto::requisiti`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Requisiti {
    /// At least one bisogno (or the «Altro» text).
    pub bisogni: bool,
    /// At least one richiesta.
    pub servizi: bool,
    /// The stranieri section for a person without Italian or EU citizenship (the rule belongs to
    /// that section of the scheda).
    pub stranieri: bool,
}

/// The placeholders of the message template and what they become: never a person's data.
pub const SEGNAPOSTI: [(&str, &str); 6] = [
    ("{ufficio}", "nome dell'ufficio che invia"),
    ("{ente}", "nome dell'ente che invia"),
    ("{data}", "data dell'invio"),
    ("{numero}", "numero della scheda"),
    ("{telefono}", "telefono dell'ufficio"),
    ("{email}", "e-mail dell'ufficio"),
];

/// Longest template, in characters.
pub const MAX_TEMPLATE: usize = 2000;

/// Checks a template: known placeholders only, not too long. The Italian message otherwise.
pub fn check_template(t: &str) -> Result<(), String> {
    if t.chars().count() > MAX_TEMPLATE {
        return Err(format!(
            "il testo del messaggio supera {MAX_TEMPLATE} caratteri"
        ));
    }
    let mut rest = t;
    while let Some(start) = rest.find('{') {
        let after = &rest[start..];
        let end = after.find('}').ok_or_else(|| {
            "segnaposto non chiuso: manca «}» nel testo del messaggio".to_string()
        })?;
        let name = &after[..=end];
        if !SEGNAPOSTI.iter().any(|(p, _)| *p == name) {
            let known: Vec<&str> = SEGNAPOSTI.iter().map(|(p, _)| *p).collect();
            return Err(format!(
                "segnaposto «{}» sconosciuto: usare {}",
                crate::sanitize::sanitize(name),
                known.join(", ")
            ));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_take_known_placeholders_only() {
        let t = "L'ufficio {ufficio} di {ente} ha inviato la scheda n. {numero} il {data}.";
        assert_eq!(check_template(t), Ok(()));
        let e = check_template("Gentile {cognome}").unwrap_err();
        assert!(e.contains("«{cognome}» sconosciuto"), "{e}");
        assert!(
            check_template("aperta {ufficio")
                .unwrap_err()
                .contains("non chiuso")
        );
        assert!(check_template(&"x".repeat(MAX_TEMPLATE + 1)).is_err());
    }
}
