//! Code lists behind permissions: the admin lists, imports and edits them (a code is disabled, never
//! deleted); an ente relabels or hides codes for itself; every form reads the lists it shows, as the
//! ente of the session shows them.

use std::collections::BTreeMap;

use super::Service;
use super::rules::{Op, in_ente};
use crate::domain::Actor;
use crate::domain::codici::{Codice, CodiceEnte, ImportCounts, NewCodice, valid_id};
use crate::domain::organizzazione::Ruolo;
use crate::sanitize::sanitize;
use crate::store::{StoreError, StoreResult};

/// Code lists by id: (code, label) in display order.
pub type Lists = BTreeMap<String, Vec<(String, String)>>;

/// What an ente changes of how it shows a shared code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeChange {
    /// Its own label; `None` goes back to the shared one.
    Label(Option<String>),
    /// Hidden from new input (true) or offered again (false).
    Hidden(bool),
}

impl Service<'_> {
    /// The code lists with their number of codes (admin).
    pub fn code_lists(&mut self, actor: &Actor) -> StoreResult<Vec<(String, i64)>> {
        self.guard(actor, Op::ListCodes, None, "liste di codici")?;
        self.store.code_lists()
    }

    /// The codes of one list, disabled ones too (admin).
    pub fn codes(&mut self, actor: &Actor, lista: &str) -> StoreResult<Vec<Codice>> {
        self.guard(actor, Op::ListCodes, None, "liste di codici")?;
        self.store.codes(lista)
    }

    /// Imports a CSV into `lista` (admin).
    pub fn import_codes(
        &mut self,
        actor: &Actor,
        lista: &str,
        rows: &[NewCodice],
    ) -> StoreResult<ImportCounts> {
        let actor = self.guard(actor, Op::ImportCodes, None, "liste di codici")?;
        if !valid_id(lista) {
            return Err(StoreError::Invalid(format!(
                "nome di lista «{}» non valido (minuscole, cifre e _)",
                sanitize(lista)
            )));
        }
        self.store.import_codes(&actor, lista, rows)
    }

    /// Relabels, disables or enables one code (admin).
    pub fn update_code(
        &mut self,
        actor: &Actor,
        code: &Codice,
        etichetta: &str,
        attivo: bool,
    ) -> StoreResult<i64> {
        let actor = self.guard(actor, Op::EditCode, None, "liste di codici")?;
        self.store
            .update_code(&actor, code.id, code.version, etichetta, attivo)
    }

    /// Relabels or hides (or shows again) a code of a shared list for one ente only. Returns how the
    /// ente shows the code now.
    pub fn set_code_ente(
        &mut self,
        actor: &Actor,
        ente_id: i64,
        lista: &str,
        codice: &str,
        change: CodeChange,
    ) -> StoreResult<CodiceEnte> {
        let what = format!("ente {ente_id}");
        let actor = self.guard(actor, Op::EditCodeEnte, Some(ente_id), &what)?;
        if self.store.ente(ente_id)?.is_none() {
            return Err(StoreError::NotFound(what));
        }
        if !self.store.codes(lista)?.iter().any(|c| c.codice == codice) {
            return Err(StoreError::NotFound(format!(
                "codice «{}» della lista «{}»",
                sanitize(codice),
                sanitize(lista)
            )));
        }
        let mut row = self
            .store
            .codes_ente(ente_id)?
            .into_iter()
            .find(|c| c.lista == lista && c.codice == codice)
            .unwrap_or_else(|| CodiceEnte {
                lista: lista.to_string(),
                codice: codice.to_string(),
                ente_id,
                ..Default::default()
            });
        match change {
            CodeChange::Label(l) => {
                row.etichetta = l.map(|l| l.trim().to_string()).filter(|l| !l.is_empty())
            }
            CodeChange::Hidden(h) => row.nascosto = h,
        }
        self.store.set_code_ente(&actor, &row)?;
        Ok(row)
    }

    /// The code lists with the given ids (those a form uses): from the database, plus the lists the
    /// program knows (places, operators and offices of the actor's ente), with the labels of the
    /// session's ente. Disabled codes, and those the ente hides, are kept when `with_disabled` (to
    /// show old records), left out for new input otherwise.
    pub fn form_lists<'a>(
        &mut self,
        actor: &Actor,
        ids: impl IntoIterator<Item = &'a str>,
        with_disabled: bool,
    ) -> StoreResult<Lists> {
        let actor = self.guard(actor, Op::FormLists, None, "liste di codici")?;
        let own: BTreeMap<(String, String), CodiceEnte> = match actor.ente() {
            Some(e) => self.store.codes_ente(e)?,
            None => Vec::new(),
        }
        .into_iter()
        .map(|c| ((c.lista.clone(), c.codice.clone()), c))
        .collect();
        // A code as the ente shows it: `None` when not offered.
        let shown = |c: Codice| {
            let o = own.get(&(c.lista.clone(), c.codice.clone()));
            let offered = c.attivo && !o.is_some_and(|o| o.nascosto);
            let label = o.and_then(|o| o.etichetta.clone());
            (offered || with_disabled).then(|| (c.codice, label.unwrap_or(c.etichetta)))
        };
        let mut out = Lists::new();
        for lista in ids {
            let codes = match lista {
                "belfiore" => crate::domain::belfiore::place_lists().0.clone(),
                "cittadinanza" => crate::domain::belfiore::place_lists().1.clone(),
                "operatore" => self
                    .store
                    .list_operatori()?
                    .into_iter()
                    .filter(|o| o.attivo || with_disabled)
                    .filter(|o| o.enti.iter().any(|e| in_ente(&actor, *e)))
                    .map(|o| (o.username, format!("{} {}", o.cognome, o.nome)))
                    .collect(),
                "stato_caso" => self.store.stati_caso()?,
                "comuni_ambito" => self.comuni_ambito(actor.ente())?,
                "settori_invianti" => self.settori_list(Ruolo::Inviante, with_disabled)?,
                "settori_interlocutori" => {
                    self.settori_list(Ruolo::Interlocutore, with_disabled)?
                }
                "settori_erogatori" => self.settori_list(Ruolo::Erogatore, with_disabled)?,
                "punti_contatto" => self.punti_list(actor.ufficio_id, with_disabled)?,
                "uffici_invio" => self.uffici_invio(&actor, with_disabled)?,
                "uffici" => self
                    .all_uffici()?
                    .into_iter()
                    .map(|(id, label)| (id.to_string(), label))
                    .collect(),
                "bisogni" => {
                    let classes: BTreeMap<String, String> = self
                        .store
                        .codes("classe_bisogno")?
                        .into_iter()
                        .map(|c| (c.codice, c.etichetta))
                        .collect();
                    self.store
                        .codes("bisogni")?
                        .into_iter()
                        .filter_map(|c| {
                            let class = c
                                .gruppo
                                .as_ref()
                                .and_then(|g| classes.get(g))
                                .map(|g| format!("{g}: "))
                                .unwrap_or_default();
                            shown(c).map(|(k, l)| (k, format!("{class}{l}")))
                        })
                        .collect()
                }
                other => self
                    .store
                    .codes(other)?
                    .into_iter()
                    .filter_map(shown)
                    .collect(),
            };
            out.insert(lista.to_string(), codes);
        }
        Ok(out)
    }

    /// Every office of every ente ("Ente · Ufficio"): where a scheda can be sent.
    fn all_uffici(&self) -> StoreResult<Vec<(i64, String)>> {
        self.uffici(|_| true)
    }
}
