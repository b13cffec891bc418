//! Sending a scheda to another office behind permissions: the sendings a reader of the scheda may
//! see (the sender's office sees them all, a receiving office its own, with the scheda as sent — the
//! "scheda originale" — stripped of the health data the reader may not see), the cancellation while
//! unread (the sending ente's front desk), and the e-mail notices to the receiving offices, sent after the
//! save's transaction through the configured [`Mailer`], never with personal data.

use super::Service;
use super::rules::{Op, in_ente};
use crate::domain::invio::{self, Invio, Mittente};
use crate::domain::scheda::{Scheda, Sensibili};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::mail::{Mailer, Messaggio};
use crate::store::{ESITO_ERRORE, StoreResult};

impl Service<'_> {
    /// The sendings of scheda `s` the (guarded) actor may see, newest first.
    pub(super) fn invii_visibili(&self, actor: &Actor, s: &Scheda) -> StoreResult<Vec<Invio>> {
        let own = in_ente(actor, s.ente_id);
        let riservati = self.holds_riservati(actor, s.ente_id)?;
        let mut out = Vec::new();
        for mut i in self.store.invii(s.edit.id.unwrap_or_default())? {
            if !own && Some(i.a_ufficio_id) != actor.ufficio_id {
                continue;
            }
            if let Some(o) = &mut i.originale
                && !riservati
            {
                Sensibili::take(&mut o.dati);
            }
            out.push(i);
        }
        Ok(out)
    }

    /// Cancels the sending of scheda `id` (version `version` as read) while the receiving office
    /// has not opened it: any operator who writes schede in the sending ente (the office sent it,
    /// a colleague may call it back).
    pub fn annulla_invio(&mut self, actor: &Actor, id: i64, version: i64) -> StoreResult<()> {
        let actor = self.guard(actor, Op::AnnullaInvio, None, "scheda")?;
        let s = self.scheda_in_scope(&actor, id, Op::AnnullaInvio)?;
        if !in_ente(&actor, s.ente_id) {
            return Err(self.out_of_scope(&actor, Op::AnnullaInvio, &format!("scheda {id}")));
        }
        self.store.annulla_invio(&actor, id, version)
    }

    /// Sends the e-mail notices still to go for the schede of the actor's enti (all enti for the
    /// system account), retrying failed ones when `riprova`. Returns (sending id, outcome) each.
    /// An office without an e-mail address gets no notice (recorded so).
    pub fn consegna_avvisi(
        &mut self,
        actor: &Actor,
        mailer: &Mailer,
        riprova: bool,
    ) -> StoreResult<Vec<(i64, String)>> {
        let actor = self.guard(actor, Op::ConsegnaAvvisi, None, "avvisi")?;
        let enti = actor.operatore_id.map(|_| actor.enti.clone());
        let mut out = Vec::new();
        for i in self.store.avvisi_da_inviare(enti.as_deref(), riprova)? {
            let esito = match self.avviso_di(&i)? {
                None => "nessun indirizzo e-mail per l'ufficio destinatario".to_string(),
                Some(m) => match mailer.invia(&m) {
                    Ok(()) => format!("inviato a {}", m.a),
                    Err(e) => format!("{ESITO_ERRORE}{e}"),
                },
            };
            self.store.esito_avviso(i.id, &esito)?;
            self.store.audit(
                &actor,
                &AuditEvent::new(Op::ConsegnaAvvisi.rule().action, Outcome::Ok)
                    .on("scheda", Some(i.scheda_id))
                    .detail(format!("invio {}: {esito}", i.id)),
            )?;
            out.push((i.id, esito));
        }
        Ok(out)
    }

    /// The notice of sending `i` (`None` when the receiving office has no e-mail): the sending
    /// office's template filled with that office's data.
    fn avviso_di(&self, i: &Invio) -> StoreResult<Option<Messaggio>> {
        let Some(a) = self
            .store
            .ufficio(i.a_ufficio_id)?
            .and_then(|u| u.contatto.email)
        else {
            return Ok(None);
        };
        let (mittente, template) = match i.da_ufficio_id {
            Some(u) => (
                self.store.ufficio(u)?,
                self.store.impostazioni_ufficio(u)?.template_invio,
            ),
            None => (None, None),
        };
        let contatto = mittente.map(|u| u.contatto).unwrap_or_default();
        let m = Mittente {
            ufficio: i.da_ufficio.clone(),
            ente: i.da_ente.clone(),
            data: crate::domain::date::stored_local(&i.inviata_at)
                .chars()
                .take(10)
                .collect(),
            numero: i.numero,
            telefono: contatto.telefono.unwrap_or_default(),
            email: contatto.email.unwrap_or_default(),
        };
        let avviso = invio::avviso(template.as_deref(), &m);
        Ok(Some(Messaggio {
            a,
            oggetto: avviso.oggetto,
            testo: avviso.testo,
        }))
    }
}
