//! A scheda sent to another office ("Invio ad altro ufficio", SISO AR_BUFFER_SS_INVIO): who sent it,
//! where, the scheda as it was sent (the receiver's read-only "scheda originale"), when the
//! receiving office opened it, a cancellation while unread, and the e-mail notice to the receiving
//! office — built from the sending office's template, which holds placeholders only
//! ([`crate::domain::impostazioni::SEGNAPOSTI`]): the notice never carries personal data.

use super::scheda::SchedaEdit;

/// One sending of a scheda.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Invio {
    pub id: i64,
    pub scheda_id: i64,
    /// The scheda's number in the sending ente.
    pub numero: i64,
    pub da_ente_id: i64,
    pub da_ente: String,
    pub da_ufficio_id: Option<i64>,
    /// "Ufficio" of the sender (empty when the scheda had none).
    pub da_ufficio: String,
    pub a_ufficio_id: i64,
    /// "Ente · Ufficio" of the receiver.
    pub a_ufficio: String,
    /// Stored timestamp (UTC RFC 3339).
    pub inviata_at: String,
    pub inviata_da: String,
    /// The scheda as sent; `None` for a sending older than the record of originals.
    pub originale: Option<SchedaEdit>,
    pub letta_at: Option<String>,
    pub letta_da: Option<String>,
    pub annullata_at: Option<String>,
    pub annullata_da: Option<String>,
    /// What became of the e-mail notice (`None`: not tried yet).
    pub email_esito: Option<String>,
}

impl Invio {
    /// Still standing (not cancelled).
    pub fn attivo(&self) -> bool {
        self.annullata_at.is_none()
    }

    /// The sender may still cancel it: standing and not opened by the receiving office.
    pub fn annullabile(&self) -> bool {
        self.attivo() && self.letta_at.is_none()
    }

    /// A few words for the scheda's title: "inviata, non letta", "inviata, letta il …", "invio
    /// annullato".
    pub fn breve(&self) -> String {
        let day = |at: &str| {
            super::date::stored_local(at)
                .chars()
                .take(10)
                .collect::<String>()
        };
        match (&self.annullata_at, &self.letta_at) {
            (Some(_), _) => "invio annullato".into(),
            (None, Some(l)) => format!("inviata, letta il {}", day(l)),
            (None, None) => "inviata, non letta".into(),
        }
    }

    /// One line for a popup or a list: "inviata il … a …, letta il …" (dates local).
    pub fn stato(&self) -> String {
        let day = |at: &str| {
            super::date::stored_local(at)
                .chars()
                .take(10)
                .collect::<String>()
        };
        let mut s = format!("inviata il {} a {}", day(&self.inviata_at), self.a_ufficio);
        match (&self.annullata_at, &self.letta_at) {
            (Some(a), _) => s.push_str(&format!(", invio annullato il {}", day(a))),
            (None, Some(l)) => s.push_str(&format!(", letta il {}", day(l))),
            (None, None) => s.push_str(", non ancora letta"),
        }
        s
    }
}

/// The e-mail notice of a sending: to the receiving office, about the sending office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Avviso {
    pub oggetto: String,
    pub testo: String,
}

/// The values of the template's placeholders: the sending office's, never the person's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mittente {
    pub ufficio: String,
    pub ente: String,
    /// Date of the sending, dd/mm/yyyy.
    pub data: String,
    pub numero: i64,
    pub telefono: String,
    pub email: String,
}

/// The message when the sending office has no template.
pub const TEMPLATE_PREDEFINITO: &str = "L'ufficio {ufficio} di {ente} ha inviato il {data} la \
scheda di accesso n. {numero} al vostro ufficio.\nLa scheda si legge in sportello, tra le schede \
ricevute.\nPer informazioni: {telefono} {email}";

/// The notice built from `template` (or [`TEMPLATE_PREDEFINITO`]): every placeholder replaced by
/// the sending office's value.
pub fn avviso(template: Option<&str>, m: &Mittente) -> Avviso {
    let t = template.unwrap_or(TEMPLATE_PREDEFINITO);
    let testo = t
        .replace("{ufficio}", &m.ufficio)
        .replace("{ente}", &m.ente)
        .replace("{data}", &m.data)
        .replace("{numero}", &m.numero.to_string())
        .replace("{telefono}", &m.telefono)
        .replace("{email}", &m.email);
    Avviso {
        oggetto: format!("sportello: scheda di accesso inviata da {}", m.ente),
        testo: testo.trim_end().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_names_offices_only() {
        let m = Mittente {
            ufficio: "Segretariato sociale".into(),
            ente: "Comune di Perugia".into(),
            data: "01/12/2026".into(),
            numero: 42,
            telefono: "075 123456".into(),
            email: "segretariato@comune.perugia.it".into(),
        };
        let a = avviso(None, &m);
        assert!(a.testo.contains("scheda di accesso n. 42"), "{}", a.testo);
        assert!(
            a.testo
                .contains("Segretariato sociale di Comune di Perugia")
        );
        assert!(!a.testo.contains('{'), "{}", a.testo);
        assert_eq!(
            a.oggetto,
            "sportello: scheda di accesso inviata da Comune di Perugia"
        );
        let own = avviso(Some("Scheda {numero} da {ufficio} ({data})."), &m);
        assert_eq!(own.testo, "Scheda 42 da Segretariato sociale (01/12/2026).");
        // The default template passes the check every office template passes.
        assert_eq!(
            crate::domain::impostazioni::check_template(TEMPLATE_PREDEFINITO),
            Ok(())
        );
    }

    #[test]
    fn a_sending_can_be_cancelled_until_it_is_read() {
        let mut i = Invio {
            inviata_at: "2026-12-01T09:00:00.000Z".into(),
            a_ufficio: "Comune di Corciano · Sportello".into(),
            ..Default::default()
        };
        assert!(i.annullabile());
        assert!(i.stato().contains("non ancora letta"), "{}", i.stato());
        assert_eq!(i.breve(), "inviata, non letta");
        i.letta_at = Some("2026-12-01T10:00:00.000Z".into());
        assert!(!i.annullabile());
        assert!(i.stato().contains("letta il 01/12/2026"), "{}", i.stato());
        assert!(i.breve().starts_with("inviata, letta il"), "{}", i.breve());
        i.annullata_at = Some("2026-12-01T11:00:00.000Z".into());
        assert!(!i.attivo());
        assert!(i.stato().contains("annullato"));
    }
}
