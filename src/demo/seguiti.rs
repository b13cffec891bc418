//! The demo's cases that the proposals do not make: cases opened directly by the social workers
//! (two left Aperto), a minor's case with its valutazione SINBA, the PUA's social worker's own
//! cases, a colleague assigned for consultation, and cases shared with another office (without the
//! fascicolo's information) and with the other comune — so that every state and the Operatori
//! section show data. Deterministic: persons are taken in id order.

use crate::domain::Actor;
use crate::domain::caso::{CambioStato, Diario, Unita, Valutazione};
use crate::domain::date;
use crate::service::Service;
use crate::store::{Store, StoreResult};

/// Adds them; returns how many cases were opened. Does nothing without the demo's accounts.
pub fn add(store: &mut dyn Store, actor: &Actor, today: time::Date) -> StoreResult<usize> {
    let find = |store: &dyn Store, u: &str| -> StoreResult<Option<Actor>> {
        Ok(store
            .operatore_by_username(u)?
            .map(|o| Actor::operatore(&o, None, None)))
    };
    let (Some(social), Some(resp)) = (
        find(store, "assistente_sociale")?,
        find(store, "responsabile")?,
    ) else {
        return Ok(0);
    };
    let pua = find(store, "as.pua")?;
    let Some(ente) = social.ente() else {
        return Ok(0);
    };
    let mut svc = Service::new(store);
    if let Some(pua) = &pua
        && let Some(ufficio) = pua.ufficio_id
    {
        let tutte: Vec<String> = svc
            .store()
            .codes("categoria_sociale")?
            .into_iter()
            .map(|c| c.codice)
            .collect();
        svc.set_categorie_ufficio(actor, ufficio, &tutte)?;
        svc.set_riservati(actor, &pua.username, ente, true)?;
    }
    // Living persons with a codice fiscale and no case in the ente: adults and minors.
    let eta = |nascita: &str| {
        date::parse_iso(nascita).map(|n| {
            today.year()
                - n.year()
                - i32::from((today.month() as u8, today.day()) < (n.month() as u8, n.day()))
        })
    };
    let mut adulti = Vec::new();
    let mut minori = Vec::new();
    for id in 1..=2000 {
        let Some(p) = svc.store().soggetto(id)? else {
            break;
        };
        let (Some(cf), Some(anni)) = (
            p.codice_fiscale.clone(),
            p.data_nascita.as_deref().and_then(eta),
        ) else {
            continue;
        };
        if p.data_decesso.is_some() || svc.store().caso_di(id, ente)?.is_some() {
            continue;
        }
        if (6..18).contains(&anni) {
            minori.push(cf);
        } else if anni >= 30 {
            adulti.push(cf);
        }
        if adulti.len() >= 4 && !minori.is_empty() {
            break;
        }
    }
    let oggi = |n: i64| date::iso(today - time::Duration::days(n));
    let prendi = |svc: &mut Service<'_>, who: &Actor, caso: i64| -> StoreResult<()> {
        let version = svc.store().caso(caso)?.map_or(0, |c| c.version);
        svc.cambia_stato(
            who,
            &CambioStato {
                caso_id: caso,
                version,
                a: "preso_in_carico".into(),
                data: date::iso(today),
                nota: Some("Presa in carico dopo il primo colloquio".into()),
                ..Default::default()
            },
        )
        .map(|_| ())
    };
    let colloquio = |svc: &mut Service<'_>, who: &Actor, caso: i64, testo: &str| {
        svc.save_diario(
            who,
            &Diario {
                caso_id: caso,
                tipo: "colloquio".into(),
                data: oggi(3),
                testo: testo.into(),
                ..Default::default()
            },
        )
        .map(|_| ())
    };
    let mut made = 0;
    let mut adulti = adulti.into_iter();

    // Two cases just opened, waiting to be taken in charge.
    for categoria in ["anziani", "disabili"] {
        if let Some(cf) = adulti.next() {
            svc.apri_caso(&social, &cf, categoria, today)?;
            made += 1;
        }
    }
    // A minor: taken in charge, a SINBA assessment, shared with the PUA without the information.
    if let Some(cf) = minori.first() {
        let caso = svc.apri_caso(&social, cf, "famiglia_minori", today)?;
        made += 1;
        prendi(&mut svc, &social, caso)?;
        colloquio(
            &mut svc,
            &social,
            caso,
            "Colloquio con la madre: segnalazione della scuola per assenze ripetute.",
        )?;
        svc.save_valutazione(
            &social,
            &Valutazione {
                caso_id: caso,
                modulo: "valutazione_sinba".into(),
                modulo_versione: 1,
                data: oggi(2),
                dati: serde_json::json!({
                    "fonte_segnalazione": "2",
                    "luogo_vita": "1",
                    "valutazione_minore": "2",
                    "valutazione_famiglia": "2",
                    "scuola": "1",
                    "note": "Frequenza irregolare; rete familiare presente ma fragile.",
                })
                .to_string(),
                ..Default::default()
            },
        )?;
        if let Some(ufficio) = pua.as_ref().and_then(|p| p.ufficio_id) {
            svc.condividi_caso(&social, caso, Unita::Ufficio(ufficio), true, today)?;
        }
    }
    // The PUA's social worker: one case taken in charge, one just opened.
    if let Some(pua) = &pua {
        if let Some(cf) = adulti.next() {
            let caso = svc.apri_caso(pua, &cf, "disabili", today)?;
            made += 1;
            prendi(&mut svc, pua, caso)?;
            colloquio(
                &mut svc,
                pua,
                caso,
                "Valutazione al PUA con l'infermiere di comunità: richiesta di assistenza domiciliare.",
            )?;
        }
        if let Some(cf) = adulti.next() {
            svc.apri_caso(pua, &cf, "anziani", today)?;
            made += 1;
        }
    }
    // On the social worker's first case in charge: the responsabile follows it for consultation,
    // and it is shared with the other comune with its information.
    let primo = svc
        .list_casi(&social, &Default::default(), false)?
        .into_iter()
        .filter(|c| {
            c.stato == "preso_in_carico" && c.responsabile.as_deref() == Some(&social.username)
        })
        .map(|c| c.id)
        .min();
    if let Some(caso) = primo {
        svc.set_operatore_caso(&social, caso, &resp.username, Some(false), today)?;
        if let Some(altro) = svc
            .store()
            .list_enti()?
            .into_iter()
            .find(|e| e.id != ente && e.tipo == "comune")
        {
            svc.condividi_caso(&social, caso, Unita::Ente(altro.id), false, today)?;
        }
    }
    Ok(made)
}
