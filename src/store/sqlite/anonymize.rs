//! Pseudonymised copies (`sportello anonymize`): a verified online copy, then every column treated
//! by the rule [`COLUMNS`] gives it — the one place where each column of each table is classified.
//! A column nobody classified (a later migration) makes the copy refuse, and a test fail.
//!
//! Persons keep their row and links (ids, counts, foreign keys) and get a pseudonym drawn from the
//! shipped name tables, keyed by HMAC-SHA256 over their original codice fiscale (or id) with a key
//! that lives only in memory: the same person maps to the same pseudonym within one copy, and no
//! copy can be linked back. The codice fiscale is recomputed from the new name and the shifted birth
//! date (so it stays valid), addresses and phone numbers are replaced, free text becomes
//! placeholder text of the same length, JSON data keeps its codes and loses its text, password
//! hashes and drafts are removed. The search keys and dictionary are rebuilt.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use super::SqliteStore;
use crate::domain::cf::{self, Sesso};
use crate::store::{MaintenanceStore, StoreError, StoreResult};

/// How a column is treated in a pseudonymised copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// No personal data (ids, codes, flags, timestamps, public bodies): kept.
    Safe,
    /// Identifying: a surname, replaced from the name table.
    Surname,
    /// Identifying: a given name, replaced from the name table (by sex where known).
    GivenName,
    /// Identifying: the codice fiscale, recomputed from the pseudonym (soggetto only).
    CodiceFiscale,
    /// Quasi-identifying: a birth date, shifted by 1–7 days.
    BirthDate,
    /// Identifying: a street address, replaced.
    Street,
    /// Identifying: a phone number, replaced by digits of the same length.
    Phone,
    /// Identifying: an e-mail address, replaced.
    Email,
    /// Free text: placeholder text of the same length.
    FreeText,
    /// JSON: codes (values of the code lists), numbers, booleans and dates kept, any other string
    /// replaced by placeholder text of the same length.
    Json,
    /// Secrets and drafts: emptied (NULL, or `{}` where NULL is not allowed).
    Clear,
    /// Derived from other columns, rebuilt after the copy (search keys and dictionary).
    Derived,
}

use Rule::*;

/// Every column of every table. Keep in step with the migrations: a test compares it with the
/// schema, and [`anonymize_to`] refuses a database with a column missing here.
#[rustfmt::skip]
pub static COLUMNS: &[(&str, &[(&str, Rule)])] = &[
    ("schema_migrations", &[("version", Safe), ("name", Safe), ("applied_at", Safe)]),
    ("setting", &[("key", Safe), ("value", Safe)]),
    ("ente", &[("id", Safe), ("version", Safe), ("nome", Safe), ("belfiore", Safe), ("istat", Safe),
        ("tipo", Safe), ("capofila", Safe), ("ambito_id", Safe), ("attivo", Safe), ("created_at", Safe),
        ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe)]),
    // An office's punto di contatto is the office's, not a person's.
    ("organizzazione", &[("id", Safe), ("version", Safe), ("nome", Safe), ("tipo", Safe), ("zona", Safe),
        ("codice_fiscale", Safe), ("indirizzo", Safe), ("telefono", Safe), ("email", Safe), ("pec", Safe),
        ("attivo", Safe), ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe)]),
    ("settore", &[("id", Safe), ("version", Safe), ("organizzazione_id", Safe), ("codice", Safe), ("nome", Safe),
        ("telefono", Safe), ("email", Safe), ("orari", Safe), ("inviante", Safe), ("interlocutore", Safe),
        ("erogatore", Safe), ("attivo", Safe), ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe),
        ("updated_by", Safe)]),
    ("punto_contatto", &[("id", Safe), ("version", Safe), ("ufficio_id", Safe), ("nome", Safe), ("indirizzo", Safe),
        ("telefono", Safe), ("orari", Safe), ("attivo", Safe), ("created_at", Safe), ("created_by", Safe),
        ("updated_at", Safe), ("updated_by", Safe)]),
    ("invio_scheda", &[("id", Safe), ("scheda_id", Safe), ("da_ente_id", Safe), ("da_ufficio_id", Safe),
        ("a_ufficio_id", Safe), ("inviata_at", Safe), ("inviata_da", Safe), ("originale", Json), ("letta_at", Safe),
        ("letta_da", Safe), ("annullata_at", Safe), ("annullata_da", Safe), ("email_esito", FreeText),
        ("email_at", Safe)]),
    ("ufficio", &[("id", Safe), ("version", Safe), ("ente_id", Safe), ("nome", Safe), ("attivo", Safe),
        ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe),
        ("indirizzo", Safe), ("telefono", Safe), ("email", Safe), ("orari", Safe)]),
    // Staff: names replaced; usernames kept so that the copy can be used; password hashes removed
    // (set one with `sportello user passwd` on the copy).
    ("operatore", &[("id", Safe), ("version", Safe), ("username", Safe), ("nome", GivenName),
        ("cognome", Surname), ("roles", Safe), ("ufficio_id", Safe), ("attivo", Safe), ("os_user", Safe),
        ("password_hash", Clear), ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe),
        ("updated_by", Safe), ("extra", Json)]),
    ("operatore_ente", &[("operatore_id", Safe), ("ente_id", Safe), ("ordine", Safe), ("roles", Safe)]),
    ("login_attempt", &[("id", Safe), ("at", Safe), ("username", Safe), ("result", Safe),
        ("os_user", Safe), ("ssh_client", Clear)]),
    // Ids and actions only by design (no names, codici fiscali or notes); its hash chain stays whole.
    ("audit_log", &[("id", Safe), ("at", Safe), ("operatore_id", Safe), ("username", Safe),
        ("os_user", Safe), ("ssh_client", Safe), ("action", Safe), ("entity", Safe), ("entity_id", Safe),
        ("section", Safe), ("outcome", Safe), ("detail", Safe), ("prev_hash", Safe), ("hash", Safe)]),
    ("soggetto", &[("id", Safe), ("version", Safe), ("codice_fiscale", CodiceFiscale),
        ("cf_provvisorio", Safe), ("cognome", Surname), ("nome", GivenName), ("sesso", Safe),
        ("data_nascita", BirthDate), ("luogo_nascita", Safe), ("cittadinanza", Safe), ("cittadinanza2", Safe),
        ("stato_civile", Safe), ("res_indirizzo", Street), ("res_civico", Phone), ("res_cap", Safe),
        ("res_comune", Safe), ("senza_fissa_dimora", Safe), ("struttura_accoglienza", FreeText),
        ("dom_indirizzo", Street), ("dom_civico", Phone), ("dom_cap", Safe), ("dom_comune", Safe),
        ("telefono", Phone), ("cellulare", Phone), ("email", Email), ("data_decesso", BirthDate),
        ("alias", FreeText), ("anonimo", Safe), ("fonte", Safe), ("fonte_id", FreeText),
        ("ente_id", Safe), ("extra", Json), ("created_at", Safe), ("created_by", Safe),
        ("updated_at", Safe), ("updated_by", Safe), ("deleted_at", Safe), ("deleted_by", Safe),
        ("deleted_reason", FreeText), ("cognome_key", Derived), ("nome_key", Derived)]),
    ("soggetto_storia", &[("id", Safe), ("soggetto_id", Safe), ("at", Safe), ("by", Safe),
        ("campo", Safe), ("prima", FreeText), ("dopo", FreeText)]),
    ("registrazione_richiesta", &[("id", Safe), ("version", Safe), ("operatore_id", Safe),
        ("ente_id", Safe), ("segnalazione", Safe), ("oscurata", Safe), ("scade_at", Safe), ("stato", Safe),
        ("chiusa_at", Safe), ("chiusa_by", Safe), ("created_at", Safe), ("created_by", Safe)]),
    ("blocco_legale", &[("entity", Safe), ("entity_id", Safe), ("motivo", FreeText),
        ("created_at", Safe), ("created_by", Safe)]),
    ("audit_purga", &[("id", Safe), ("dal", Safe), ("al", Safe), ("ultimo_hash", Safe), ("at", Safe)]),
    ("bozza", &[("id", Safe), ("operatore_id", Safe), ("form", Safe), ("record_key", Safe),
        ("content", Clear), ("saved_at", Safe)]),
    ("codice", &[("id", Safe), ("version", Safe), ("lista", Safe), ("codice", Safe), ("etichetta", Safe),
        ("gruppo", Safe), ("pic", Safe), ("richiede", Safe), ("ordine", Safe), ("attivo", Safe),
        ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe)]),
    // An ente's own labels of shared codes: code-list texts, no personal data.
    ("codice_ente", &[("lista", Safe), ("codice", Safe), ("ente_id", Safe), ("etichetta", Safe),
        ("nascosto", Safe), ("version", Safe), ("updated_at", Safe), ("updated_by", Safe)]),
    ("soggetto_parola", &[("campo", Derived), ("parola", Derived), ("chiave", Derived)]),
    ("soggetto_parola_variante", &[("variante", Derived), ("parola", Derived)]),
    ("privacy_consenso", &[("id", Safe), ("version", Safe), ("soggetto_id", Safe), ("ente_id", Safe),
        ("stato", Safe), ("data_firma", Safe), ("created_at", Safe), ("created_by", Safe),
        ("updated_at", Safe), ("updated_by", Safe)]),
    ("presa_in_carico", &[("id", Safe), ("version", Safe), ("soggetto_id", Safe), ("ente_id", Safe),
        ("stato", Safe), ("data_apertura", Safe), ("data_chiusura", Safe), ("motivo_chiusura", FreeText),
        ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe),
        ("numero", Safe), ("ufficio_id", Safe), ("iter_stato", Safe), ("responsabile", Safe),
        ("segnalato_ente_id", Safe), ("segnalato_ufficio_id", Safe), ("segnalato_operatore", Safe)]),
    // Presa in carico and cartella sociale: codes, dates and staff usernames kept; every text an
    // operator wrote (notes, diary, PAI, cartella data) and the names of relatives replaced.
    ("caso_stato", &[("codice", Safe), ("etichetta", Safe), ("ordine", Safe), ("attributi", Safe)]),
    ("caso_transizione", &[("id", Safe), ("da", Safe), ("a", Safe), ("etichetta", Safe), ("ruoli", Safe),
        ("target", Safe)]),
    ("caso_step", &[("id", Safe), ("caso_id", Safe), ("stato", Safe), ("da_stato", Safe), ("data", Safe),
        ("operatore", Safe), ("ufficio_id", Safe), ("ente_id", Safe), ("target_ente_id", Safe),
        ("target_ufficio_id", Safe), ("target_operatore", Safe), ("nota", FreeText), ("attributi", Json),
        ("created_at", Safe)]),
    ("caso_operatore", &[("id", Safe), ("caso_id", Safe), ("operatore", Safe), ("responsabile", Safe),
        ("gestione_fascicolo", Safe), ("dal", Safe), ("al", Safe)]),
    ("sessione", &[("id", Safe), ("operatore_id", Safe), ("ente_id", Safe), ("inizio_ms", Safe),
        ("segnale_ms", Safe), ("schermata", Safe), ("os_user", Safe), ("ssh_client", Clear), ("host", Safe),
        ("pid", Safe), ("chiusa_ms", Safe), ("termina_ms", Safe), ("termina_da", Safe)]),
    ("avviso", &[("id", Safe), ("testo", Safe), ("dal_ms", Safe), ("al_ms", Safe), ("revocato_ms", Safe),
        ("created_by", Safe)]),
    ("caso_condivisione", &[("id", Safe), ("caso_id", Safe), ("ufficio_id", Safe), ("ente_id", Safe),
        ("nascondi_informazioni", Safe), ("dal", Safe), ("al", Safe), ("created_at", Safe),
        ("created_by", Safe)]),
    ("caso_categoria", &[("caso_id", Safe), ("codice", Safe), ("prevalente", Safe), ("dal", Safe),
        ("al", Safe)]),
    ("ufficio_categoria", &[("ufficio_id", Safe), ("codice", Safe)]),
    ("operatore_riservati", &[("operatore_id", Safe), ("ente_id", Safe), ("granted_at", Safe),
        ("granted_by", Safe)]),
    ("cartella_dato", &[("id", Safe), ("version", Safe), ("caso_id", Safe), ("sezione", Safe),
        ("dati", Json), ("dal", Safe), ("al", Safe), ("created_at", Safe), ("created_by", Safe),
        ("updated_at", Safe), ("updated_by", Safe)]),
    ("caso_familiare", &[("id", Safe), ("caso_id", Safe), ("tipo", Safe), ("soggetto_id", Safe),
        ("cognome", Surname), ("nome", GivenName), ("relazione", Safe), ("created_at", Safe),
        ("created_by", Safe), ("data_nascita", FreeText), ("sesso", Safe),
        ("condizione_lavorativa", Safe), ("note", FreeText)]),
    ("diario", &[("id", Safe), ("version", Safe), ("caso_id", Safe), ("tipo", Safe), ("data", Safe),
        ("testo", FreeText), ("riservato", Safe), ("autore", Safe), ("ufficio_id", Safe),
        ("created_at", Safe), ("updated_at", Safe), ("updated_by", Safe)]),
    ("pai", &[("id", Safe), ("version", Safe), ("caso_id", Safe), ("tipo", Safe), ("motivazioni", FreeText),
        ("obiettivo_breve", FreeText), ("raggiunto_breve", Safe), ("obiettivo_medio", FreeText),
        ("raggiunto_medio", Safe), ("obiettivo_lungo", FreeText), ("raggiunto_lungo", Safe),
        ("verifica_mesi", Safe), ("data_inizio", Safe), ("prossima_verifica", Safe),
        ("beneficiari", FreeText), ("data_chiusura", Safe), ("motivo_chiusura", FreeText),
        ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe)]),
    ("isee", &[("id", Safe), ("version", Safe), ("caso_id", Safe), ("tipo", Safe), ("data_dsu", Safe),
        ("scadenza", Safe), ("ise_cents", Safe), ("scala_cents", Safe), ("isee_cents", Safe),
        ("note", FreeText), ("created_at", Safe), ("created_by", Safe)]),
    ("documento", &[("id", Safe), ("caso_id", Safe), ("titolo", FreeText), ("tipo", Safe), ("data", Safe),
        ("privato", Safe), ("nome_file", FreeText), ("file", Safe), ("size", Safe), ("sha256", Safe),
        ("created_at", Safe), ("created_by", Safe)]),
    ("valutazione", &[("id", Safe), ("caso_id", Safe), ("tipo", Safe), ("modulo", Safe),
        ("modulo_versione", Safe), ("data", Safe), ("dati", Json), ("created_at", Safe),
        ("created_by", Safe)]),
    // Erogazioni: codes, dates, amounts and staff usernames kept; notes, descriptions and protocol
    // numbers replaced; the copies of SIUSS records sent (names, codici fiscali) emptied.
    ("prestazione_siuss", &[("codice", Safe), ("version", Safe), ("denominazione", Safe),
        ("richiede_sina", Safe), ("solo_in_carico", Safe), ("non_esportare", Safe), ("attivo", Safe),
        ("updated_at", Safe), ("updated_by", Safe)]),
    ("tipo_intervento", &[("id", Safe), ("version", Safe), ("famiglia", Safe), ("ente_id", Safe),
        ("codice", Safe), ("etichetta", Safe), ("parent_id", Safe), ("livello", Safe), ("istat_id", Safe),
        ("siuss_codice", Safe), ("unita_misura", Safe), ("attivo", Safe), ("created_at", Safe),
        ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe)]),
    ("progetto", &[("id", Safe), ("version", Safe), ("ente_id", Safe), ("codice", Safe), ("titolo", Safe),
        ("fonte", Safe), ("attivo", Safe), ("created_at", Safe), ("created_by", Safe)]),
    ("intervento", &[("id", Safe), ("version", Safe), ("ente_id", Safe), ("soggetto_id", Safe),
        ("tipo_beneficiario", Safe), ("n_beneficiari", Safe), ("caso_id", Safe), ("tipo_id", Safe),
        ("categoria_sociale", Safe), ("origine", Safe), ("dal", Safe), ("al", Safe), ("frequenza", Safe),
        ("progetto_id", Safe), ("attivita", FreeText), ("titolare", Safe), ("unita_misura", Safe),
        ("tariffa_cents", Safe), ("quantita_cent", Safe), ("fruizione", Safe), ("comp_utente_cents", Safe),
        ("comp_cadenza", Safe), ("stato", Safe), ("note", FreeText), ("created_at", Safe),
        ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe)]),
    ("intervento_foglio", &[("id", Safe), ("intervento_id", Safe), ("tipo", Safe), ("data", Safe),
        ("dal", Safe), ("al", Safe), ("dettaglio", Safe), ("punteggio", Safe), ("fascia", Safe),
        ("respinto", Safe), ("motivazione", FreeText), ("created_at", Safe), ("created_by", Safe)]),
    ("erogazione", &[("id", Safe), ("version", Safe), ("ente_id", Safe), ("intervento_id", Safe),
        ("soggetto_id", Safe), ("caso_id", Safe), ("tipo_id", Safe), ("categoria_sociale", Safe),
        ("erogatore", Safe), ("protocollo_domanda", FreeText), ("data_domanda", Safe), ("prova_mezzi", Safe),
        ("dsu_protocollo", FreeText), ("dsu_anno", Safe), ("dsu_data", Safe), ("siuss_codice", Safe),
        ("carattere", Safe), ("in_carico", Safe), ("unita_misura", Safe), ("quota_ente_bp", Safe),
        ("descrizione", FreeText), ("sina", Json), ("created_at", Safe), ("created_by", Safe),
        ("updated_at", Safe), ("updated_by", Safe)]),
    ("erogazione_riga", &[("id", Safe), ("erogazione_id", Safe), ("stato", Safe), ("data", Safe),
        ("data_fine", Safe), ("data_evento", Safe), ("quantita_cent", Safe), ("tariffa_cents", Safe),
        ("spesa_cents", Safe), ("comp_utente_cents", Safe), ("comp_ssn_cents", Safe),
        ("comp_altre_cents", Safe), ("quota_ente_cents", Safe), ("operatore", Safe), ("note", FreeText),
        ("siuss_flusso_id", Safe)]),
    ("siuss_flusso", &[("id", Safe), ("ente_id", Safe), ("nome", Safe), ("dal", Safe), ("al", Safe),
        ("operatore", Safe), ("sha256", Safe), ("size", Safe), ("archivio", Safe), ("beneficiari", Safe),
        ("record", Safe), ("cancellazioni", Safe), ("esclusi", Safe), ("created_at", Safe)]),
    ("siuss_record", &[("id", Safe), ("flusso_id", Safe), ("erogazione_id", Safe), ("chiave", FreeText),
        ("impronta", Safe), ("contenuto", Clear), ("annullato_da", Safe)]),
    ("modifiche", &[("id", Safe), ("n", Safe)]),
    ("scheda", &[("id", Safe), ("version", Safe), ("numero", Safe), ("ente_id", Safe), ("ufficio_id", Safe),
        ("soggetto_id", Safe), ("operatore", Safe), ("data_accesso", Safe), ("completa", Safe),
        ("esito", Safe), ("invio_ufficio_id", Safe), ("ricevuta_at", Safe), ("dati", Json),
        ("nota_privata", FreeText), ("nota_privata_autore", Safe), ("duplicata_da", Safe),
        ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe),
        ("deleted_at", Safe), ("deleted_by", Safe), ("deleted_reason", FreeText)]),
    ("scheda_sanitaria", &[("scheda_id", Safe), ("tessera_sanitaria", Phone), ("stp", Safe),
        ("invalidita", Safe)]),
    ("scheda_terzo", &[("scheda_id", Safe), ("ruolo", Safe), ("codice_fiscale", FreeText)]),
    ("scheda_codice", &[("scheda_id", Safe), ("campo", Safe), ("codice", Safe)]),
    // A richiesta and its consuntivo: codes, dates and counts; notes and descriptions are free text.
    ("scheda_richiesta", &[("id", Safe), ("version", Safe), ("scheda_id", Safe), ("data_richiesta", Safe),
        ("servizio", Safe), ("tipo_intervento_id", Safe), ("settore", Safe), ("erogatore", Safe),
        ("erogabile_accoglienza", Safe), ("note", FreeText), ("created_at", Safe), ("created_by", Safe),
        ("updated_at", Safe), ("updated_by", Safe), ("dettagli", Json)]),
    // A document of a scheda: as a cartella's (`documento`).
    ("scheda_documento", &[("id", Safe), ("scheda_id", Safe), ("titolo", FreeText), ("tipo", Safe),
        ("data", Safe), ("privato", Safe), ("nome_file", FreeText), ("file", Safe), ("size", Safe),
        ("sha256", Safe), ("created_at", Safe), ("created_by", Safe)]),
    ("richiesta_consuntivo", &[("id", Safe), ("version", Safe), ("richiesta_id", Safe), ("data", Safe),
        ("descrizione", FreeText), ("operatori", Safe), ("minuti", Safe), ("tipo_attivita", Safe),
        ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe)]),
    // An office's switches and message template (placeholders only, no personal data).
    ("ufficio_impostazioni", &[("ufficio_id", Safe), ("version", Safe), ("req_bisogni", Safe),
        ("req_servizi", Safe), ("req_stranieri", Safe), ("vis_interventi", Safe), ("template_invio", Safe),
        ("updated_at", Safe), ("updated_by", Safe)]),
    ("proposta_pic", &[("id", Safe), ("version", Safe), ("scheda_id", Safe), ("soggetto_id", Safe),
        ("ente_id", Safe), ("stato", Safe), ("categorie", Json), ("nota_stato", FreeText),
        ("created_at", Safe), ("created_by", Safe), ("updated_at", Safe), ("updated_by", Safe),
        ("caso_id", Safe), ("esito_gestione", Safe), ("gestita_da", Safe), ("gestita_at", Safe)]),
];

fn rule_of(table: &str, column: &str) -> Option<Rule> {
    COLUMNS
        .iter()
        .find(|(t, _)| *t == table)
        .and_then(|(_, cols)| cols.iter().find(|(c, _)| *c == column))
        .map(|(_, r)| *r)
}

/// `table.column` of every column of `conn`'s schema that [`COLUMNS`] does not classify.
pub fn unclassified(conn: &Connection) -> StoreResult<Vec<String>> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for t in tables {
        let cols: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1)")?
            .query_map([&t], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        out.extend(
            cols.into_iter()
                .filter(|c| rule_of(&t, c).is_none())
                .map(|c| format!("{t}.{c}")),
        );
    }
    Ok(out)
}

/// HMAC-SHA256 (RFC 2104).
fn hmac(key: &[u8; 32], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    k[..32].copy_from_slice(key);
    let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// A number drawn for `what` of `subject`.
fn draw(key: &[u8; 32], subject: &str, what: &str) -> u64 {
    let h = hmac(key, format!("{subject}\u{0}{what}").as_bytes());
    u64::from_le_bytes(h[..8].try_into().unwrap_or_default())
}

/// Placeholder text of the same length (characters), in Italian-looking words.
pub fn placeholder(len: usize) -> String {
    const WORDS: &str = "testo sostituito nella copia pseudonimizzata per assistenza e formazione ";
    WORDS.chars().cycle().take(len).collect::<String>()
}

struct Names {
    cognomi: Vec<&'static str>,
    maschili: Vec<&'static str>,
    femminili: Vec<&'static str>,
}

impl Names {
    fn shipped() -> Names {
        let cognomi = include_str!("../../../data/cognomi.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let (mut maschili, mut femminili) = (Vec::new(), Vec::new());
        for line in include_str!("../../../data/nomi-propri.csv")
            .lines()
            .skip(1)
        {
            match line.split_once(',') {
                Some((n, "M")) => maschili.push(n),
                Some((n, _)) => femminili.push(n),
                None => {}
            }
        }
        Names {
            cognomi,
            maschili,
            femminili,
        }
    }

    fn pick<'a>(list: &[&'a str], n: u64, not: &str) -> &'a str {
        let i = (n % list.len() as u64) as usize;
        if list[i].eq_ignore_ascii_case(not) {
            list[(i + 1) % list.len()]
        } else {
            list[i]
        }
    }
}

fn digits(n: u64, len: usize) -> String {
    let mut s = format!("{n:020}");
    s.truncate(len.min(20));
    s
}

/// Writes a pseudonymised copy of `store` to `dest` (which must not exist); row counts by table.
pub fn anonymize_to(
    store: &SqliteStore,
    dest: &Path,
    key: &[u8; 32],
) -> StoreResult<Vec<(String, i64)>> {
    let missing = unclassified(store.lite()?)?;
    if !missing.is_empty() {
        return Err(StoreError::Invalid(format!(
            "colonne senza regola di pseudonimizzazione: {}",
            missing.join(", ")
        )));
    }
    store.backup_to(dest)?;
    let mut copy = SqliteStore::open(dest)?;
    let codes: BTreeSet<String> = copy
        .lite()?
        .prepare("SELECT DISTINCT codice FROM codice")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let names = Names::shipped();
    // Replaced values must not linger in free pages of the file.
    copy.lite()?
        .query_row("PRAGMA secure_delete = ON", [], |_| Ok(()))?;
    copy.write(|tx| {
        persons(tx, key, &names)?;
        for (table, cols) in COLUMNS {
            for (col, rule) in cols.iter() {
                if table == &"soggetto" && !matches!(rule, FreeText | Json | Clear) {
                    continue;
                }
                generic(tx, key, &names, &codes, table, col, *rule)?;
            }
        }
        tx.execute_batch(
            "DELETE FROM soggetto_parola; DELETE FROM soggetto_parola_variante;
             UPDATE soggetto SET cognome_key = '', nome_key = '';",
        )?;
        super::search::backfill(&crate::store::sql::Sql::Sqlite(tx))?;
        Ok(())
    })?;
    copy.lite()?.execute_batch("VACUUM")?;
    copy.lite()?
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let problems = copy.check()?;
    if !problems.is_empty() {
        return Err(StoreError::Invalid(format!(
            "la copia non supera la verifica: {}",
            problems.join("; ")
        )));
    }
    let mut counts = Vec::new();
    for (table, _) in COLUMNS {
        let n: i64 =
            copy.lite()?
                .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                    r.get(0)
                })?;
        counts.push((table.to_string(), n));
    }
    Ok(counts)
}

/// The persons: names, sex-consistent given names, shifted dates, recomputed codice fiscale,
/// addresses and phones.
fn persons(tx: &Connection, key: &[u8; 32], names: &Names) -> StoreResult<()> {
    type Row = (
        i64,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    );
    let rows: Vec<Row> = tx
        .prepare(
            "SELECT id, codice_fiscale, cognome, nome, sesso, data_nascita, data_decesso, cf_provvisorio
             FROM soggetto ORDER BY id",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut used: HashSet<String> = HashSet::new();
    let mut update = tx.prepare(
        "UPDATE soggetto SET codice_fiscale = ?2, cognome = ?3, nome = ?4, data_nascita = ?5,
             data_decesso = ?6, res_indirizzo = CASE WHEN res_indirizzo IS NULL THEN NULL ELSE ?7 END,
             dom_indirizzo = CASE WHEN dom_indirizzo IS NULL THEN NULL ELSE ?8 END,
             res_civico = CASE WHEN res_civico IS NULL THEN NULL ELSE ?9 END,
             dom_civico = CASE WHEN dom_civico IS NULL THEN NULL ELSE ?9 END,
             telefono = CASE WHEN telefono IS NULL THEN NULL ELSE ?10 END,
             cellulare = CASE WHEN cellulare IS NULL THEN NULL ELSE ?11 END,
             email = CASE WHEN email IS NULL THEN NULL ELSE ?12 END
         WHERE id = ?1",
    )?;
    for (id, cf_old, cognome, nome, sesso, nascita, decesso, provvisorio) in rows {
        // The same person (same codice fiscale) gets the same pseudonym.
        let subject = cf_old.clone().unwrap_or_else(|| format!("id:{id}"));
        let d = |what: &str| draw(key, &subject, what);
        let shift = |iso: &Option<String>, what: &str| {
            iso.as_deref()
                .and_then(crate::domain::date::parse_iso)
                .map(|date| {
                    let days = (d(what) % 7 + 1) as i64 * if d(what) & 1 == 0 { 1 } else { -1 };
                    crate::domain::date::iso(date + time::Duration::days(days))
                })
        };
        let nascita_new = shift(&nascita, "nascita");
        let decesso_new = shift(&decesso, "decesso");
        let given = match sesso.as_deref() {
            Some("F") => &names.femminili,
            _ => &names.maschili,
        };
        let mut attempt = 0u64;
        let (cognome_new, nome_new, cf_new) = loop {
            let c = Names::pick(&names.cognomi, d("cognome") + attempt, &cognome);
            let n = Names::pick(given, d("nome") + attempt * 7, &nome);
            let code = match (&cf_old, provvisorio) {
                (None, _) => None,
                (Some(_), 1) => Some(digits(d("cf") + attempt, 11)),
                (Some(old), _) => Some(recompute(
                    old,
                    c,
                    n,
                    sesso.as_deref(),
                    nascita_new.as_deref(),
                    d("cf") + attempt,
                )),
            };
            if code
                .as_ref()
                .is_none_or(|x| !used.contains(x) && Some(x) != cf_old.as_ref())
            {
                break (c, n, code);
            }
            attempt += 1;
        };
        if let Some(c) = &cf_new {
            used.insert(c.clone());
        }
        let via = format!("Via {}", Names::pick(&names.cognomi, d("via"), ""));
        let dom = format!("Via {}", Names::pick(&names.cognomi, d("dom"), ""));
        let email = format!("persona{id}@esempio.invalid");
        update.execute(params![
            id,
            cf_new,
            cognome_new,
            nome_new,
            nascita_new,
            decesso_new,
            via,
            dom,
            (d("civico") % 200 + 1).to_string(),
            format!("0{}", digits(d("telefono"), 9)),
            format!("3{}", digits(d("cellulare"), 9)),
            email,
        ])?;
    }
    Ok(())
}

/// A valid codice fiscale for the pseudonym: the original's place of birth (positions 12–15),
/// the new name and the shifted birth date; sex from the row or the original code.
fn recompute(
    old: &str,
    cognome: &str,
    nome: &str,
    sesso: Option<&str>,
    nascita: Option<&str>,
    n: u64,
) -> String {
    let belfiore = old.get(11..15).filter(|b| b.is_ascii()).unwrap_or("H501");
    let sesso = match sesso {
        Some("F") => Sesso::F,
        Some(_) => Sesso::M,
        None if old
            .get(9..11)
            .and_then(|d| d.parse::<u8>().ok())
            .is_some_and(|d| d > 40) =>
        {
            Sesso::F
        }
        None => Sesso::M,
    };
    let date = nascita
        .and_then(crate::domain::date::parse_iso)
        .unwrap_or_else(|| {
            time::Date::from_calendar_date(
                1950 + (n % 50) as i32,
                time::Month::January,
                1 + (n % 28) as u8,
            )
            .unwrap_or(time::Date::MIN)
        });
    cf::compute(
        cognome,
        nome,
        sesso,
        date.year(),
        date.month() as u8,
        date.day(),
        belfiore,
    )
}

/// One column by its rule, row by row.
fn generic(
    tx: &Connection,
    key: &[u8; 32],
    names: &Names,
    codes: &BTreeSet<String>,
    table: &str,
    col: &str,
    rule: Rule,
) -> StoreResult<()> {
    if matches!(rule, Safe | Derived | CodiceFiscale | BirthDate) {
        return Ok(());
    }
    let rows: Vec<(i64, String)> = tx
        .prepare(&format!(
            "SELECT rowid, \"{col}\" FROM \"{table}\" WHERE \"{col}\" IS NOT NULL"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut update = tx.prepare(&format!(
        "UPDATE \"{table}\" SET \"{col}\" = ?2 WHERE rowid = ?1"
    ))?;
    for (rowid, value) in rows {
        let subject = format!("{table}:{rowid}");
        let d = |what: &str| draw(key, &subject, what);
        let new: Option<String> = match rule {
            Surname => Some(Names::pick(&names.cognomi, d(col), &value).to_string()),
            GivenName => Some(Names::pick(&names.maschili, d(col), &value).to_string()),
            Street => Some(format!("Via {}", Names::pick(&names.cognomi, d(col), ""))),
            Phone => Some(digits(d(col), value.chars().count())),
            Email => Some(format!("{table}{rowid}@esempio.invalid")),
            FreeText => Some(placeholder(value.chars().count())),
            Json => Some(match serde_json::from_str::<serde_json::Value>(&value) {
                Ok(v) => json_text(v, codes).to_string(),
                Err(_) => placeholder(value.chars().count()),
            }),
            // NOT NULL columns get an empty JSON object.
            Clear => clear_value(tx, table, col)?,
            Safe | Derived | CodiceFiscale | BirthDate => continue,
        };
        update.execute(params![rowid, new])?;
    }
    Ok(())
}

fn clear_value(tx: &Connection, table: &str, col: &str) -> StoreResult<Option<String>> {
    let notnull: bool = tx.query_row(
        "SELECT \"notnull\" FROM pragma_table_info(?1) WHERE name = ?2",
        params![table, col],
        |r| r.get(0),
    )?;
    Ok(notnull.then(|| "{}".to_string()))
}

/// JSON with its free text replaced: codes, numbers, booleans, ISO dates and object keys stay.
fn json_text(v: serde_json::Value, codes: &BTreeSet<String>) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            let keep = codes.contains(&s)
                || crate::domain::date::parse_iso(&s).is_some()
                || s.parse::<f64>().is_ok()
                || s.is_empty();
            Value::String(if keep {
                s
            } else {
                placeholder(s.chars().count())
            })
        }
        Value::Array(a) => Value::Array(a.into_iter().map(|x| json_text(x, codes)).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| (k, json_text(x, codes)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_the_schema_is_classified_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::create(&dir.path().join("a.db")).unwrap();
        assert_eq!(
            unclassified(s.lite().unwrap()).unwrap(),
            Vec::<String>::new()
        );
        // And no rule names a column that does not exist (a renamed column would go unnoticed).
        for (t, cols) in COLUMNS {
            for (c, _) in cols.iter() {
                let n: i64 = s
                    .lite()
                    .unwrap()
                    .query_row(
                        "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
                        params![t, c],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(n, 1, "{t}.{c} is classified but does not exist");
            }
        }
        // A migration that adds a column nobody classified is caught.
        s.lite()
            .unwrap()
            .execute_batch("ALTER TABLE scheda ADD COLUMN diagnosi TEXT")
            .unwrap();
        assert_eq!(
            unclassified(s.lite().unwrap()).unwrap(),
            vec!["scheda.diagnosi".to_string()]
        );
        let err = anonymize_to(&s, &dir.path().join("b.db"), &[7; 32]).unwrap_err();
        assert!(err.to_string().contains("scheda.diagnosi"), "{err}");
    }

    #[test]
    fn hmac_matches_rfc_4231_shape_and_placeholders_keep_length() {
        // RFC 4231 test case 2 uses a short key; ours is 32 bytes, zero-padded like any HMAC key.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        assert_eq!(
            hex::encode(hmac(&key, b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(placeholder(7).chars().count(), 7);
    }
}
