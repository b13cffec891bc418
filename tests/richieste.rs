//! The richieste of a scheda and their consuntivo through the service: versions, conflicts and the
//! audit; who may change them; the office switches (REQ_BISOGNI, REQ_SERVIZI) in the scheda's
//! completion; the interventi panel (VIS_INTERVENTI); the monthly report's numbers on a month
//! built by hand, and its files.

use serde_json::Value;
use sportello::domain::erogazioni::{Erogazione, Intervento, Riga};
use sportello::domain::impostazioni::ImpostazioniUfficio;
use sportello::domain::persona::PersonaEdit;
use sportello::domain::rapporto::Mese;
use sportello::domain::richieste::{Consuntivo, Richiesta};
use sportello::domain::scheda::SchedaEdit;
use sportello::domain::{Actor, NewEnte, NewOperatore, Outcome, Role, RoleSet};
use sportello::export::{Cell, Format};
use sportello::service::{Error, Service};
use sportello::store::sqlite::SqliteStore;

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
}

struct World {
    store: SqliteStore,
    ente: i64,
    ufficio: i64,
    /// Another office of the same ente.
    altro_ufficio: i64,
    persone: Vec<i64>,
}

fn operator(svc: &mut Service<'_>, username: &str, role: Role, ente: i64, ufficio: i64) -> Actor {
    let new = NewOperatore {
        username: username.into(),
        nome: "Anna".into(),
        cognome: format!("Op{username}"),
        roles: RoleSet::from_roles(&[role]),
        enti: vec![ente],
        ufficio_id: Some(ufficio),
        ..Default::default()
    };
    let sys = Actor::system(None, None);
    svc.add_user(&sys, &new, None).unwrap();
    let op = svc
        .store()
        .operatore_by_username(username)
        .unwrap()
        .unwrap();
    Actor::operatore(&op, None, None)
}

fn world() -> World {
    let mut store = SqliteStore::in_memory().unwrap();
    let sys = Actor::system(None, None);
    let mut svc = Service::new(&mut store);
    let ente = svc
        .create_ente(
            &sys,
            &NewEnte {
                nome: "Comune di Perugia".into(),
                belfiore: Some("G478".into()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let ufficio = svc.create_ufficio(&sys, ente, "Segretariato").unwrap();
    let altro_ufficio = svc.create_ufficio(&sys, ente, "Sportello Ponte").unwrap();
    let mut persone = Vec::new();
    for (cognome, nome, cf) in [
        ("Rossi", "Anna", "RSSNNA70C41G478I"),
        ("Verdi", "Luca", "VRDLCU65A01G478K"),
    ] {
        let mut e = PersonaEdit::default();
        for (k, v) in [
            ("cognome", cognome),
            ("nome", nome),
            ("sesso", "F"),
            ("data_nascita", "1970-03-01"),
            ("luogo_nascita", "G478"),
            ("codice_fiscale", cf),
        ] {
            e.set(k, Some(v));
        }
        persone.push(svc.store_mut().save_persona(&sys, &e, None).unwrap().id);
    }
    World {
        store,
        ente,
        ufficio,
        altro_ufficio,
        persone,
    }
}

/// A new scheda of `persona` on `data` received by `actor` (its own operator).
fn saved(
    svc: &mut Service<'_>,
    actor: &Actor,
    persona: i64,
    data: &str,
) -> sportello::store::SchedaSaved {
    svc.save_scheda(
        actor,
        &scheda_edit(persona, &actor.username, data),
        false,
        today(),
    )
    .unwrap()
    .saved
}

/// A scheda that passes every rule of its own (no bisogni, no richieste).
fn scheda_edit(soggetto_id: i64, operatore: &str, data: &str) -> SchedaEdit {
    let mut e = SchedaEdit {
        soggetto_id,
        data_accesso: data.into(),
        operatore: operatore.into(),
        esito: Some("info".into()),
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "persona"),
        ("telefono", "075 1234567"),
    ] {
        e.dati.insert(k.into(), Value::from(v));
    }
    // No residence to ask about: the rules of the richieste are the subject here.
    e.dati
        .insert("senza_fissa_dimora".into(), Value::Bool(true));
    e
}

fn richiesta(scheda_id: i64, servizio: Option<&str>) -> Richiesta {
    Richiesta {
        scheda_id,
        data_richiesta: "2026-11-20".into(),
        servizio: servizio.map(str::to_string),
        settore: Some("impiego".into()),
        erogabile_accoglienza: true,
        note: Some("  da richiamare  ".into()),
        ..Default::default()
    }
}

fn riga(richiesta_id: i64, data: &str, minuti: i64, operatori: i64, tipo: &str) -> Consuntivo {
    Consuntivo {
        richiesta_id,
        data: data.into(),
        descrizione: Some("Colloquio".into()),
        operatori,
        minuti,
        tipo_attivita: tipo.into(),
        ..Default::default()
    }
}

fn last_audit(svc: &Service<'_>) -> (String, Outcome, Option<String>, Option<i64>) {
    let r = &svc.store().audit_tail(1).unwrap()[0];
    (
        r.event.action.clone(),
        r.event.outcome,
        r.event.entity.clone(),
        r.event.entity_id,
    )
}

#[test]
fn richieste_and_consuntivo_have_versions_conflicts_and_audit() {
    let mut w = world();
    let mut svc = Service::new(&mut w.store);
    let front = operator(&mut svc, "front", Role::Sportello, w.ente, w.ufficio);
    let scheda = saved(&mut svc, &front, w.persone[0], "2026-11-20").id;
    let (id, v1) = svc
        .save_richiesta(&front, &richiesta(scheda, Some("lavoro")), today())
        .unwrap();
    assert_eq!(v1, 1);
    assert_eq!(
        last_audit(&svc),
        (
            "crea_richiesta".into(),
            Outcome::Ok,
            Some("scheda".into()),
            Some(scheda)
        )
    );
    // The richiesta's servizio is now one of the scheda's, and stays when the scheda is saved
    // again without it.
    let stored = svc.read_scheda(&front, scheda, "test").unwrap();
    assert_eq!(stored.edit.servizi, ["lavoro"]);
    let mut again = stored.edit.clone();
    again.servizi = vec!["info".into()];
    svc.save_scheda(&front, &again, false, today()).unwrap();
    let stored = svc.read_scheda(&front, scheda, "test").unwrap();
    assert_eq!(stored.edit.servizi, ["info", "lavoro"]);

    let mut r = svc.store().richiesta(id).unwrap().unwrap();
    assert_eq!(r.note.as_deref(), Some("da richiamare"), "trimmed");
    r.erogatore = Some("Centro per l'impiego di Perugia".into());
    let (_, v2) = svc.save_richiesta(&front, &r, today()).unwrap();
    assert_eq!(v2, 2);
    assert_eq!(last_audit(&svc).0, "modifica_richiesta");
    // The same edit again, on version 1: someone else saved first.
    let err = svc.save_richiesta(&front, &r, today()).unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    assert!(err.to_string().starts_with("conflitto"), "{err}");

    let (c, cv) = svc
        .save_consuntivo(&front, &riga(id, "2026-11-21", 90, 2, "2"), today())
        .unwrap();
    assert_eq!(
        last_audit(&svc),
        (
            "crea_consuntivo".into(),
            Outcome::Ok,
            Some("scheda".into()),
            Some(scheda)
        )
    );
    let mut row = svc.store().richiesta(id).unwrap().unwrap().consuntivo[0].clone();
    assert_eq!((row.id, row.minuti, row.operatori), (Some(c), 90, 2));
    row.minuti = 60;
    svc.save_consuntivo(&front, &row, today()).unwrap();
    let err = svc.save_consuntivo(&front, &row, today()).unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    let err = svc.delete_consuntivo(&front, id, c, cv).unwrap_err();
    assert!(
        matches!(err, Error::Conflict { .. }),
        "stale version: {err}"
    );
    svc.delete_consuntivo(&front, id, c, cv + 1).unwrap();
    assert_eq!(last_audit(&svc).0, "elimina_consuntivo");

    svc.save_consuntivo(&front, &riga(id, "2026-11-22", 30, 1, "0"), today())
        .unwrap();
    let letto = svc.richieste_scheda(&front, scheda, &[]).unwrap();
    assert!(letto.can_edit);
    assert_eq!(letto.richieste.len(), 1);
    assert_eq!(letto.richieste[0].minuti(), 30);
    assert!(letto.lists.contains_key("nomenclatore"));
    assert_eq!(last_audit(&svc).0, "leggi_richieste", "reads are audited");
    let err = svc.delete_richiesta(&front, id, 1).unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    svc.delete_richiesta(&front, id, v2).unwrap();
    let (action, ..) = last_audit(&svc);
    assert_eq!(action, "elimina_richiesta");
    let detail = svc.store().audit_tail(1).unwrap()[0].event.detail.clone();
    assert_eq!(
        detail.as_deref(),
        Some(format!("richiesta {id} con 1 righe di consuntivo").as_str())
    );
    assert!(svc.store().richieste(scheda).unwrap().is_empty());
}

#[test]
fn a_colleague_reads_the_richieste_but_only_the_responsabile_changes_them() {
    let mut w = world();
    let mut svc = Service::new(&mut w.store);
    let front = operator(&mut svc, "front", Role::Sportello, w.ente, w.ufficio);
    let collega = operator(&mut svc, "collega", Role::Sportello, w.ente, w.ufficio);
    let resp = operator(&mut svc, "resp", Role::Responsabile, w.ente, w.ufficio);
    let amm = operator(&mut svc, "amm", Role::Amministrativo, w.ente, w.ufficio);
    let scheda = saved(&mut svc, &front, w.persone[0], "2026-11-20").id;
    let (id, _) = svc
        .save_richiesta(&front, &richiesta(scheda, Some("info")), today())
        .unwrap();
    let letto = svc.richieste_scheda(&collega, scheda, &[]).unwrap();
    assert!(!letto.can_edit);
    assert_eq!(letto.richieste.len(), 1);
    let err = svc
        .save_consuntivo(&collega, &riga(id, "2026-11-21", 30, 1, "0"), today())
        .unwrap_err();
    assert!(err.to_string().contains("si può solo consultare"), "{err}");
    assert_eq!(
        last_audit(&svc),
        (
            "salva_consuntivo".into(),
            Outcome::Denied,
            Some("scheda".into()),
            Some(scheda)
        )
    );
    // The amministrativo reads schede, never writes them.
    let err = svc
        .save_richiesta(&amm, &richiesta(scheda, Some("info")), today())
        .unwrap_err();
    assert!(
        err.to_string().starts_with("operazione non consentita"),
        "{err}"
    );
    svc.save_consuntivo(&resp, &riga(id, "2026-11-21", 30, 1, "0"), today())
        .unwrap();
}

#[test]
fn what_is_typed_wrong_is_refused_in_italian() {
    let mut w = world();
    let sys = Actor::system(None, None);
    let mut svc = Service::new(&mut w.store);
    let front = operator(&mut svc, "front", Role::Sportello, w.ente, w.ufficio);
    let scheda = saved(&mut svc, &front, w.persone[0], "2026-11-20").id;
    let err = svc
        .save_richiesta(&front, &richiesta(scheda, Some("  ")), today())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "dati non validi: Indicare il servizio richiesto o il tipo di intervento"
    );
    // A tipo of another ente's own tree is not offered to this one.
    let altro = svc
        .create_ente(
            &sys,
            &NewEnte {
                nome: "Comune di Corciano".into(),
                belfiore: Some("C990".into()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let tipo = svc
        .add_tipo_intervento(
            &sys,
            &sportello::domain::erogazioni::NuovoTipo {
                ente_id: altro,
                codice: "X1".into(),
                etichetta: "Solo a Corciano".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let mut r = richiesta(scheda, None);
    r.tipo_intervento_id = Some(tipo);
    let err = svc.save_richiesta(&front, &r, today()).unwrap_err();
    assert!(err.to_string().contains("sconosciuto per l'ente"), "{err}");
    let (id, _) = svc
        .save_richiesta(&front, &richiesta(scheda, Some("info")), today())
        .unwrap();
    for (c, needle) in [
        (riga(id, "2026-11-30", 30, 1, "0"), "successiva a oggi"),
        (
            riga(id, "2026-11-21", 0, 1, "0"),
            "La durata va da 1 minuto",
        ),
        (riga(id, "2026-11-21", 30, 0, "0"), "numero di operatori"),
        (riga(id, "2026-11-21", 30, 1, "9"), "tipo di attività"),
    ] {
        let err = svc.save_consuntivo(&front, &c, today()).unwrap_err();
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
    assert!(
        svc.store()
            .richiesta(id)
            .unwrap()
            .unwrap()
            .consuntivo
            .is_empty()
    );
}

#[test]
fn the_office_switches_decide_when_a_scheda_is_complete() {
    let mut w = world();
    let mut svc = Service::new(&mut w.store);
    let front = operator(&mut svc, "front", Role::Sportello, w.ente, w.ufficio);
    let admin = operator(&mut svc, "admin", Role::Admin, w.ente, w.ufficio);
    let edit = scheda_edit(w.persone[0], "front", "2026-11-20");
    // Off (never configured): complete without bisogni and richieste.
    let out = svc.save_scheda(&front, &edit, false, today()).unwrap();
    assert!(out.completa, "{:?}", out.problemi);
    let mut s = svc.impostazioni_ufficio(&admin, w.ufficio).unwrap();
    assert_eq!((s.version, s.req_bisogni, s.req_servizi), (0, false, false));
    s.req_bisogni = true;
    s.req_servizi = true;
    s.req_stranieri = true;
    s.template_invio = Some("Scheda n. {numero} inviata da {ufficio} il {data}".into());
    let v = svc.save_impostazioni_ufficio(&admin, &s).unwrap();
    assert_eq!(v, 1);
    assert_eq!(last_audit(&svc).0, "configura_impostazioni_ufficio");
    let err = svc.save_impostazioni_ufficio(&admin, &s).unwrap_err();
    assert!(
        matches!(err, Error::Conflict { .. }),
        "stale version: {err}"
    );
    let read = svc.impostazioni_ufficio(&admin, w.ufficio).unwrap();
    assert!(
        read.req_stranieri && read.requisiti().stranieri,
        "stored and exposed"
    );
    let bad = ImpostazioniUfficio {
        version: 1,
        template_invio: Some("Gentile {cognome} {nome}".into()),
        ..read.clone()
    };
    let err = svc.save_impostazioni_ufficio(&admin, &bad).unwrap_err();
    assert!(err.to_string().contains("«{cognome}» sconosciuto"), "{err}");
    // The front desk may not change them.
    let err = svc.save_impostazioni_ufficio(&front, &read).unwrap_err();
    assert!(
        err.to_string().starts_with("operazione non consentita"),
        "{err}"
    );

    // On: the same scheda, saved again, stays in sospeso until it has both.
    let stored = svc.read_scheda(&front, out.saved.id, "test").unwrap();
    let out = svc
        .save_scheda(&front, &stored.edit, false, today())
        .unwrap();
    assert!(!out.completa);
    let fields: Vec<&str> = out.problemi.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["bisogni", "servizi"]);
    let form = svc
        .scheda_form(&front, Some(out.saved.id), w.persone[0], &[])
        .unwrap();
    assert!(form.requisiti.bisogni && form.requisiti.servizi);
    assert_eq!(form.richieste, 0);
    svc.save_richiesta(&front, &richiesta(out.saved.id, Some("info")), today())
        .unwrap();
    let mut edit = svc.read_scheda(&front, out.saved.id, "test").unwrap().edit;
    edit.bisogni = vec!["b102".into()];
    let out = svc.save_scheda(&front, &edit, false, today()).unwrap();
    assert!(out.completa, "{:?}", out.problemi);
    // The other office of the ente has its own switches: still off.
    let other = operator(&mut svc, "ponte", Role::Sportello, w.ente, w.altro_ufficio);
    let out = svc
        .save_scheda(
            &other,
            &scheda_edit(w.persone[1], "ponte", "2026-11-20"),
            false,
            today(),
        )
        .unwrap();
    assert!(out.completa, "{:?}", out.problemi);
}

#[test]
fn the_interventi_panel_follows_the_office_switch_and_the_reader() {
    let mut w = world();
    let mut svc = Service::new(&mut w.store);
    let front = operator(&mut svc, "front", Role::Sportello, w.ente, w.ufficio);
    let resp = operator(&mut svc, "resp", Role::Responsabile, w.ente, w.ufficio);
    let admin = operator(&mut svc, "admin", Role::Admin, w.ente, w.ufficio);
    let persona = w.persone[0];
    let scheda = saved(&mut svc, &front, persona, "2026-11-20").id;
    let off = svc.interventi_scheda(&front, scheda, today()).unwrap();
    assert!(!off.visibile && off.cartella.is_none() && off.interventi.is_none());
    let mut s = svc.impostazioni_ufficio(&admin, w.ufficio).unwrap();
    s.vis_interventi = true;
    svc.save_impostazioni_ufficio(&admin, &s).unwrap();
    // A case and an erogazione of the person in the ente.
    svc.apri_caso(&resp, "RSSNNA70C41G478I", "anziani", today())
        .unwrap();
    let tipo = svc
        .store()
        .tipi_intervento(None)
        .unwrap()
        .into_iter()
        .find(|t| t.codice == "IS03")
        .unwrap();
    let (intervento, _) = svc
        .save_intervento(
            &resp,
            &Intervento {
                soggetto_id: persona,
                tipo_beneficiario: "individuale".into(),
                n_beneficiari: 1,
                tipo_id: tipo.id,
                categoria_sociale: "anziani".into(),
                origine: "programmato".into(),
                dal: "2026-01-01".into(),
                al: Some("2026-12-31".into()),
                frequenza: "P".into(),
                ..Default::default()
            },
        )
        .unwrap();
    svc.save_erogazione(
        &resp,
        &Erogazione {
            intervento_id: Some(intervento),
            soggetto_id: persona,
            tipo_id: tipo.id,
            categoria_sociale: "anziani".into(),
            prova_mezzi: 4,
            carattere: 1,
            in_carico: 1,
            righe: vec![Riga {
                stato: "erogata".into(),
                data: "2026-10-01".into(),
                data_fine: Some("2026-10-31".into()),
                quantita_cent: 2_000,
                tariffa_cents: 2_000,
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .unwrap();
    // The front desk sees the state of the cartella, not the erogazioni (and no error).
    let p = svc.interventi_scheda(&front, scheda, today()).unwrap();
    assert!(p.visibile);
    let cartella = p.cartella.expect("the case of the person");
    assert!(cartella.starts_with("Aperto dal 29/11/2026"), "{cartella}");
    assert_eq!(p.interventi, None);
    assert_eq!(last_audit(&svc).0, "interventi_scheda");
    let p = svc.interventi_scheda(&resp, scheda, today()).unwrap();
    let lines = p.interventi.expect("the responsabile reads erogazioni");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("Intervento in corso: "), "{lines:?}");
    assert!(
        lines[0].contains("dal 01/01/2026 al 31/12/2026"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("1 operazioni · ultima il 31/10/2026"),
        "{lines:?}"
    );
}

/// A month built by hand: what the report must count, and what it must leave out.
#[test]
fn the_monthly_report_counts_a_hand_built_month() {
    let mut w = world();
    let mut svc = Service::new(&mut w.store);
    let front = operator(&mut svc, "front", Role::Sportello, w.ente, w.ufficio);
    let bis = operator(&mut svc, "bis", Role::Sportello, w.ente, w.ufficio);
    let resp = operator(&mut svc, "resp", Role::Responsabile, w.ente, w.ufficio);
    let ponte = operator(&mut svc, "ponte", Role::Sportello, w.ente, w.altro_ufficio);
    let (anna, luca) = (w.persone[0], w.persone[1]);
    let save = |svc: &mut Service<'_>, actor: &Actor, e: SchedaEdit| {
        svc.save_scheda(actor, &e, false, today()).unwrap().saved
    };
    // November: three schede of this office (two persons), two motivi, bisogni, esiti.
    let mut a = scheda_edit(anna, "front", "2026-11-03");
    a.bisogni = vec!["b102".into(), "b201".into()];
    let a = save(&mut svc, &front, a);
    let mut b = scheda_edit(anna, "front", "2026-11-17");
    b.bisogni = vec!["b102".into()];
    b.esito = None;
    let b = save(&mut svc, &front, b);
    let mut c = scheda_edit(luca, "bis", "2026-11-28");
    c.dati
        .insert("motivo_accesso".into(), Value::from("inviato"));
    c.dati.insert("inviato_da".into(), Value::from("sanita"));
    let c = save(&mut svc, &bis, c);
    // Left out: October, a deleted one, another office's.
    let ottobre = save(&mut svc, &front, scheda_edit(luca, "front", "2026-10-31"));
    let gone = save(&mut svc, &front, scheda_edit(luca, "front", "2026-11-10"));
    svc.delete_scheda(&resp, gone.id, gone.version, "doppione")
        .unwrap();
    let altrove = save(&mut svc, &ponte, scheda_edit(luca, "ponte", "2026-11-12"));
    // Richieste, each counted by its own date: two of November on November schede, one of
    // October on a November scheda (left out), one of November on the October scheda (counted),
    // the other office's (left out).
    let (r1, _) = svc
        .save_richiesta(&front, &richiesta(a.id, Some("lavoro")), today())
        .unwrap();
    let mut solo_tipo = richiesta(c.id, None);
    let tipo = svc
        .store()
        .tipi_intervento(None)
        .unwrap()
        .into_iter()
        .find(|t| t.codice == "IS03")
        .unwrap();
    solo_tipo.tipo_intervento_id = Some(tipo.id);
    let (r2, _) = svc.save_richiesta(&bis, &solo_tipo, today()).unwrap();
    let mut vecchia = richiesta(b.id, Some("info"));
    vecchia.data_richiesta = "2026-10-30".into();
    let (r3, _) = svc.save_richiesta(&front, &vecchia, today()).unwrap();
    let (r4, _) = svc
        .save_richiesta(&front, &richiesta(ottobre.id, Some("info")), today())
        .unwrap();
    let (r5, _) = svc
        .save_richiesta(&ponte, &richiesta(altrove.id, Some("info")), today())
        .unwrap();
    // Consuntivo: counted by the row's own date.
    for (actor, c) in [
        (&front, riga(r1, "2026-11-03", 30, 1, "0")),
        (&front, riga(r1, "2026-11-05", 90, 2, "2")),
        (&bis, riga(r2, "2026-11-28", 45, 1, "0")),
        (&front, riga(r3, "2026-11-02", 20, 3, "3")),
        (&front, riga(r3, "2026-10-30", 60, 1, "3")),
        (&front, riga(r4, "2026-11-01", 15, 1, "0")),
        (&ponte, riga(r5, "2026-11-12", 600, 1, "0")),
    ] {
        svc.save_consuntivo(actor, &c, today()).unwrap();
    }
    let mese = Mese::parse("2026-11").unwrap();
    let r = svc.rapporto_sportello(&resp, w.ufficio, mese).unwrap();
    assert_eq!(r.titolo, "Attività dello sportello · novembre 2026");
    assert_eq!(
        r.intestazione,
        ["Comune di Perugia", "Servizi sociali · Segretariato"]
    );
    let t = |title: &str| -> Vec<Vec<String>> {
        r.tabelle
            .iter()
            .find(|t| t.title == title)
            .unwrap_or_else(|| panic!("no table {title}"))
            .rows
            .iter()
            .map(|row| row.iter().map(Cell::text).collect())
            .collect()
    };
    let pairs = |rows: &[(&str, &str)]| -> Vec<Vec<String>> {
        rows.iter()
            .map(|(a, b)| vec![a.to_string(), b.to_string()])
            .collect()
    };
    assert_eq!(
        t("Riepilogo"),
        pairs(&[
            ("Accessi", "3"),
            ("Persone", "2"),
            ("Richieste", "3"),
            // 30 + 90 (r1) + 45 (r2) + 20 (r3's November row) + 15 (r4).
            ("Minuti di attività", "200"),
            ("Operatori coinvolti", "2"),
        ])
    );
    assert_eq!(
        t("Accessi per motivo"),
        pairs(&[("Spontaneo", "2"), ("Inviato da", "1")])
    );
    let bisogni = t("Accessi per bisogno");
    assert_eq!(bisogni.len(), 2, "{bisogni:?}");
    assert_eq!(bisogni[0][1], "2", "b102 on two schede: {bisogni:?}");
    assert_eq!(bisogni[1][1], "1", "{bisogni:?}");
    let esiti = t("Accessi per esito");
    assert_eq!(esiti.len(), 2, "{esiti:?}");
    assert_eq!(esiti[0][1], "2");
    assert_eq!(esiti[1], ["Non indicato", "1"]);
    let servizi = t("Richieste per servizio");
    assert_eq!(servizi.len(), 3, "{servizi:?}");
    assert!(
        servizi
            .iter()
            .any(|r| r[0] == "Orientamento / inserimento lavoro" && r[1] == "1")
    );
    assert!(
        servizi
            .iter()
            .any(|r| r[0] == "Informazione e orientamento" && r[1] == "1")
    );
    assert!(
        servizi
            .iter()
            .any(|r| r[0] == format!("Intervento: {}", tipo.etichetta) && r[1] == "1"),
        "{servizi:?}"
    );
    assert_eq!(
        t("Ore per tipo attività"),
        [
            ["0 Richiesta informazioni", "3", "1 h 30 min", "90", "90"],
            [
                "2 Gestione e lavorazione richiesta",
                "1",
                "1 h 30 min",
                "90",
                "180"
            ],
            ["3 Verifica iter", "1", "20 min", "20", "60"],
        ]
    );
    assert_eq!(
        t("Operatori"),
        [
            ["Opbis Anna (bis)", "1", "1", "45 min", "45"],
            ["Opfront Anna (front)", "2", "2", "2 h 35 min", "155"],
        ]
    );
    // The other office's report has its own month.
    let other = svc
        .rapporto_sportello(&resp, w.altro_ufficio, mese)
        .unwrap();
    assert_eq!(other.tabelle[0].rows[0][1], Cell::Int(1));
    // October: the scheda of the 31st, the richieste and rows dated October.
    let ott = svc
        .rapporto_sportello(&resp, w.ufficio, Mese::parse("2026-10").unwrap())
        .unwrap();
    let riepilogo: Vec<i64> = ott.tabelle[0]
        .rows
        .iter()
        .filter_map(|r| match r[1] {
            Cell::Int(n) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(riepilogo, [1, 1, 1, 60, 1]);
    // The front desk does not export reports: refused and audited.
    let err = svc.rapporto_sportello(&front, w.ufficio, mese).unwrap_err();
    assert!(
        err.to_string().starts_with("operazione non consentita"),
        "{err}"
    );
    assert_eq!(last_audit(&svc).1, Outcome::Denied);
}

#[test]
fn the_report_is_written_as_xlsx_and_pdf() {
    let mut w = world();
    let mut svc = Service::new(&mut w.store);
    let front = operator(&mut svc, "front", Role::Sportello, w.ente, w.ufficio);
    let amm = operator(&mut svc, "amm", Role::Amministrativo, w.ente, w.ufficio);
    let s = saved(&mut svc, &front, w.persone[0], "2026-11-20");
    let (r, _) = svc
        .save_richiesta(&front, &richiesta(s.id, Some("info")), today())
        .unwrap();
    svc.save_consuntivo(&front, &riga(r, "2026-11-20", 30, 1, "0"), today())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let now = time::OffsetDateTime::new_utc(today(), time::Time::MIDNIGHT);
    let mese = Mese::parse("2026-11").unwrap();
    for (format, magic) in [(Format::Xlsx, &b"PK"[..]), (Format::Pdf, &b"%PDF"[..])] {
        let out = dir.path().join(format!("r.{}", format.extension()));
        let titolo = svc
            .export_rapporto_sportello(&amm, (w.ufficio, mese), format, &out, now)
            .unwrap();
        assert_eq!(titolo, "Attività dello sportello · novembre 2026");
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(magic), "{format}");
    }
    // One sheet per table in the workbook.
    let xlsx = std::fs::File::open(dir.path().join("r.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(xlsx).unwrap();
    let sheets = (1..=8)
        .filter(|n| zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).is_ok())
        .count();
    assert_eq!(sheets, 7);
    let err = svc
        .export_rapporto_sportello(
            &amm,
            (w.ufficio, mese),
            Format::Csv,
            &dir.path().join("r.csv"),
            now,
        )
        .unwrap_err();
    assert!(err.to_string().contains("xlsx o pdf"), "{err}");
}
