//! Live sessions of the desk and the administrators' notices: who is logged in, from where and on
//! which screen, the request to end a session, the message every session shows in its status bar.

/// How often a session tells the database it is alive (and hears about notices and its end).
pub const SEGNALE_MS: i64 = 10_000;

/// A session that sent no heartbeat for this long is gone (a terminal closed without logging out).
pub const SCADENZA_MS: i64 = 6 * SEGNALE_MS;

/// The longest notice (it must fit the status bar of an 80-column terminal).
pub const AVVISO_MAX: usize = 200;

/// Where a session runs, as it registers itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NuovaSessione {
    pub ente_id: Option<i64>,
    pub schermata: String,
    pub host: Option<String>,
    pub pid: Option<i64>,
}

/// A session as the administrator sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessioneAttiva {
    pub id: i64,
    pub username: String,
    pub cognome: String,
    pub nome: String,
    pub ente: String,
    pub inizio_ms: i64,
    pub segnale_ms: i64,
    pub schermata: String,
    pub ssh_client: Option<String>,
    pub host: Option<String>,
    /// Asked to end, not yet gone.
    pub in_chiusura: bool,
}

/// What a heartbeat tells the session.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Segnale {
    /// The session's id (assigned at its first heartbeat).
    pub id: i64,
    /// Who asked the session to end, if someone did.
    pub termina_da: Option<String>,
    /// The notice in force, if any.
    pub avviso: Option<String>,
}

/// A notice to every session, in force until `al_ms` unless withdrawn.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Avviso {
    pub id: i64,
    pub testo: String,
    pub dal_ms: i64,
    pub al_ms: i64,
    pub created_by: String,
}

/// The text of a notice as it will be stored: one line, trimmed; an Italian error when empty or
/// too long.
pub fn testo_avviso(testo: &str) -> Result<String, String> {
    let t = testo.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return Err("scrivere il testo dell'avviso".into());
    }
    if t.chars().count() > AVVISO_MAX {
        return Err(format!(
            "l'avviso è troppo lungo (al massimo {AVVISO_MAX} caratteri)"
        ));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_one_trimmed_line_of_bounded_length() {
        assert_eq!(
            testo_avviso("  aggiornamento\nalle 13:00 ").unwrap(),
            "aggiornamento alle 13:00"
        );
        assert!(testo_avviso(" \n ").is_err());
        assert!(testo_avviso(&"x".repeat(AVVISO_MAX)).is_ok());
        assert!(testo_avviso(&"x".repeat(AVVISO_MAX + 1)).is_err());
    }
}
