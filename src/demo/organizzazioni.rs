//! The demo's territory: the organisations a front desk of the Perugino names (the local health
//! services, a school, the juvenile court, the employment centre, the third sector, a patronato, the
//! police's immigration office, a comune of another zona), the punti di contatto and e-mail of the
//! demo offices, and schede sent between the two comuni — one read, one still unread, one called
//! back, one received by the first comune's Segretariato — so that the receiving side has something
//! to open. Deterministic: the schede chosen are the most recent complete ones.

use crate::domain::organizzazione::{Organizzazione, PuntoContatto, Settore};
use crate::domain::scheda::{Filtro, Stato};
use crate::domain::{Actor, Contatto};
use crate::store::{SchedaSave, Store, StoreResult};

/// (nome, tipo, zona, e-mail, settori: (codice, nome, inviante, interlocutore, erogatore)).
type Voce = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static [(&'static str, &'static str, bool, bool, bool)],
);

const REGISTRO: [Voce; 9] = [
    (
        "USL Umbria 1",
        "sanita",
        None,
        "protocollo@pec.uslumbria1.it",
        &[
            (
                "usl_csm_pg",
                "Centro di salute mentale Perugia Centro",
                true,
                true,
                true,
            ),
            ("usl_serd_pg", "SerD Perugia", true, true, true),
            (
                "usl_consultorio",
                "Consultorio familiare di Ponte San Giovanni",
                true,
                true,
                true,
            ),
            (
                "usl_adi",
                "Assistenza domiciliare integrata - Distretto del Perugino",
                true,
                true,
                true,
            ),
        ],
    ),
    (
        "Istituto comprensivo Perugia 3",
        "scuola",
        None,
        "pgic83000x@istruzione.it",
        &[("ic_pg3", "Segreteria didattica", true, true, false)],
    ),
    (
        "Tribunale per i minorenni di Perugia",
        "giudiziaria",
        None,
        "tribmin.perugia@giustizia.it",
        &[("tm_pg", "Cancelleria civile", true, true, false)],
    ),
    (
        "Centro per l'impiego di Perugia",
        "impiego",
        None,
        "cpi.perugia@arpalumbria.it",
        &[("cpi_pg", "Servizi per il lavoro", true, true, true)],
    ),
    (
        "Caritas diocesana Perugia - Città della Pieve",
        "terzo_settore",
        None,
        "segreteria@caritasperugia.it",
        &[
            ("caritas_ascolto", "Centro di ascolto", true, true, true),
            (
                "caritas_emporio",
                "Emporio della solidarietà",
                false,
                false,
                true,
            ),
        ],
    ),
    (
        "Patronato INCA CGIL Perugia",
        "patronato",
        None,
        "perugia@inca.it",
        &[("inca_pg", "Sede di Perugia", true, true, true)],
    ),
    (
        "Questura di Perugia",
        "forze_ordine",
        None,
        "immigrazione.quest.pg@pecps.poliziadistato.it",
        &[("questura_imm", "Ufficio immigrazione", true, true, false)],
    ),
    (
        "Cooperativa sociale Borgorete",
        "terzo_settore",
        None,
        "info@borgorete.it",
        &[
            (
                "borgorete_mediazione",
                "Mediazione linguistico-culturale",
                false,
                true,
                true,
            ),
            ("borgorete_sai", "Progetto SAI Perugia", true, true, true),
        ],
    ),
    (
        "Comune di Assisi",
        "comune",
        Some("Zona sociale n. 3"),
        "servizisociali@comune.assisi.pg.it",
        &[("assisi_ss", "Servizi sociali", true, true, true)],
    ),
];

/// The offices' e-mail and the punti di contatto of the first comune's Segretariato and of the
/// second comune's office (indexes into the demo's uffici).
const PUNTI: [(usize, &str, &str, &str); 3] = [
    (
        0,
        "Sede centrale",
        "Via Cortonese 8, Perugia",
        "lun-ven 9-12, mar e gio 15-17",
    ),
    (
        0,
        "Sportello di Ponte San Giovanni",
        "Via Manzoni 12, Perugia",
        "martedì 9-13",
    ),
    (
        2,
        "Municipio",
        "Corso Cardinale Rotelli 21, Corciano",
        "lun, mer, ven 9-12:30",
    ),
];
const EMAIL_UFFICI: [(usize, &str); 3] = [
    (0, "segretariato.sociale@comune.perugia.example.it"),
    (1, "pua@comune.perugia.example.it"),
    (2, "servizi.sociali@comune.corciano.example.it"),
];

/// Adds the registry, the offices' contacts and the sendings. `enti`/`uffici` as the demo made
/// them (segretariato, pua, the second comune's office). Returns how many schede were sent.
pub fn add(
    store: &mut dyn Store,
    actor: &Actor,
    enti: &[i64],
    uffici: &[i64],
) -> StoreResult<usize> {
    for (nome, tipo, zona, email, settori) in REGISTRO {
        let o = Organizzazione {
            nome: nome.into(),
            tipo: tipo.into(),
            zona: zona.map(str::to_string),
            pec: Some(email.into()),
            attivo: true,
            settori: settori
                .iter()
                .map(
                    |(codice, nome, inviante, interlocutore, erogatore)| Settore {
                        codice: codice.to_string(),
                        nome: nome.to_string(),
                        inviante: *inviante,
                        interlocutore: *interlocutore,
                        erogatore: *erogatore,
                        attivo: true,
                        ..Default::default()
                    },
                )
                .collect(),
            ..Default::default()
        };
        store.save_organizzazione(actor, &o)?;
    }
    for (i, nome, indirizzo, orari) in PUNTI {
        let p = PuntoContatto {
            ufficio_id: uffici[i],
            nome: nome.into(),
            indirizzo: Some(indirizzo.into()),
            orari: Some(orari.into()),
            attivo: true,
            ..Default::default()
        };
        store.save_punto_contatto(actor, &p)?;
    }
    for (i, email) in EMAIL_UFFICI {
        if let Some(mut u) = store.ufficio(uffici[i])? {
            u.contatto = Contatto {
                email: Some(email.into()),
                telefono: Some(if i == 2 { "075 5188260" } else { "075 5774200" }.into()),
                ..u.contatto
            };
            store.update_ufficio(actor, &u)?;
        }
    }
    invii(store, enti, uffici)
}

/// The most recent complete schede of ufficio `ufficio` of ente `ente`, at most `n`.
fn recenti(store: &dyn Store, ente: i64, ufficio: i64, n: usize) -> StoreResult<Vec<i64>> {
    let f = Filtro {
        ufficio_id: Some(ufficio),
        stato: Some(Stato::Completa),
        ..Default::default()
    };
    Ok(store
        .list_schede(&[ente], &f, n)?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// Sends one scheda to `a` as its operator would, with the "invio ad altro ufficio" servizio.
fn invia(store: &mut dyn Store, id: i64, ente: i64, ufficio: i64, a: i64) -> StoreResult<()> {
    let Some(s) = store.scheda(id)? else {
        return Ok(());
    };
    let mut edit = s.edit.clone();
    edit.invio_ufficio_id = Some(a);
    if !edit.servizi.iter().any(|c| c == "invio_ufficio") {
        edit.servizi.push("invio_ufficio".into());
    }
    let sender = operatore(store, &s.edit.operatore, ente, ufficio);
    let save = SchedaSave {
        ente_id: ente,
        ufficio_id: Some(ufficio),
        completa: true,
        proposta_ente: None,
    };
    store.save_scheda(&sender, &edit, save)?;
    Ok(())
}

/// The actor of demo operator `username` at (ente, ufficio).
fn operatore(store: &dyn Store, username: &str, ente: i64, ufficio: i64) -> Actor {
    match store.operatore_by_username(username).ok().flatten() {
        Some(op) => {
            let mut a = Actor::operatore(&op, None, None);
            a.enti = vec![ente];
            a.ufficio_id = Some(ufficio);
            a
        }
        None => Actor::system(None, None),
    }
}

fn invii(store: &mut dyn Store, enti: &[i64], uffici: &[i64]) -> StoreResult<usize> {
    let (perugia, corciano) = (enti[0], enti[1]);
    let (segretariato, ufficio_corciano) = (uffici[0], uffici[2]);
    let da_perugia = recenti(store, perugia, segretariato, 3)?;
    for id in &da_perugia {
        invia(store, *id, perugia, segretariato, ufficio_corciano)?;
    }
    let ricevente = operatore(store, "sportello.corciano", corciano, ufficio_corciano);
    // The oldest of the three was read at Corciano, the middle one called back, the newest waits.
    if let Some(id) = da_perugia.get(2) {
        store.mark_ricevuta(&ricevente, *id)?;
    }
    if let Some(id) = da_perugia.get(1)
        && let Some(s) = store.scheda(*id)?
    {
        let sender = operatore(store, &s.edit.operatore, perugia, segretariato);
        store.annulla_invio(&sender, *id, s.edit.version)?;
    }
    let da_corciano = recenti(store, corciano, ufficio_corciano, 1)?;
    for id in &da_corciano {
        invia(store, *id, corciano, ufficio_corciano, segretariato)?;
    }
    // No mail leaves a demo: its notices are recorded as not sent.
    for id in da_perugia.iter().chain(&da_corciano) {
        for i in store.invii(*id)? {
            if i.email_esito.is_none() {
                store.esito_avviso(i.id, "dati dimostrativi: nessun avviso e-mail")?;
            }
        }
    }
    Ok(da_perugia.len() + da_corciano.len())
}
