//! Presa in carico and the cartella sociale through the service: the proposals inbox and its
//! faults (a proposal taken by a colleague a moment earlier, a refusal without a note, no managed
//! categoria), the iter (a transition not allowed to the role), visibility (§4.2) and the other
//! ente, sensitive sections and riservato diary entries, concurrent PAI edits, the audit of every
//! read, the business-change counter and the home counters.

use serde_json::Value;
use sportello::domain::caso::{self, CambioStato, Diario, FiltroCasi, Isee, Pai, Sezione};
use sportello::domain::persona::PersonaEdit;
use sportello::domain::scheda::SchedaEdit;
use sportello::domain::{Actor, NewEnte, NewOperatore, Outcome, Role, RoleSet};
use sportello::service::{Error, Service};
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
}

struct Fixture {
    front: Actor,
    as1: Actor,
    as2: Actor,
    resp: Actor,
    altro: Actor,
    ufficio: i64,
    persona: i64,
}

fn operator(svc: &mut Service<'_>, username: &str, role: Role, ente: i64, ufficio: i64) -> Actor {
    let sys = Actor::system(None, None);
    let new = NewOperatore {
        username: username.into(),
        nome: "Nome".into(),
        cognome: username.to_uppercase(),
        roles: RoleSet::from_roles(&[role]),
        enti: vec![ente],
        ufficio_id: Some(ufficio),
        ..Default::default()
    };
    svc.add_user(&sys, &new, None).unwrap();
    let op = svc
        .store()
        .operatore_by_username(username)
        .unwrap()
        .unwrap();
    Actor::operatore(&op, None, None)
}

fn ente(svc: &mut Service<'_>, nome: &str, belfiore: &str) -> (i64, i64) {
    let sys = Actor::system(None, None);
    let id = svc
        .create_ente(
            &sys,
            &NewEnte {
                nome: nome.into(),
                belfiore: Some(belfiore.into()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let ufficio = svc.create_ufficio(&sys, id, "Servizio sociale").unwrap();
    (id, ufficio)
}

fn fixture(store: &mut SqliteStore) -> Fixture {
    let sys = Actor::system(None, None);
    let mut svc = Service::new(store);
    let (a, ufficio) = ente(&mut svc, "Comune di Perugia", "G478");
    let (b, ufficio_b) = ente(&mut svc, "Comune di Corciano", "C990");
    let mut edit = PersonaEdit::default();
    for (k, v) in [
        ("cognome", "Bianchi"),
        ("nome", "Luisa"),
        ("sesso", "F"),
        ("data_nascita", "1940-05-01"),
        ("luogo_nascita", "G478"),
    ] {
        edit.set(k, Some(v));
    }
    let persona = svc.store_mut().save_persona(&sys, &edit, None).unwrap().id;
    svc.set_categorie_ufficio(&sys, ufficio, &["anziani".to_string()])
        .unwrap();
    Fixture {
        front: operator(&mut svc, "sportello1", Role::Sportello, a, ufficio),
        as1: operator(&mut svc, "as1", Role::AssistenteSociale, a, ufficio),
        as2: operator(&mut svc, "as2", Role::AssistenteSociale, a, ufficio),
        resp: operator(&mut svc, "resp", Role::Responsabile, a, ufficio),
        altro: operator(&mut svc, "altro", Role::Responsabile, b, ufficio_b),
        ufficio,
        persona,
    }
}

/// A complete scheda proposing the person for presa in carico; returns the proposal id.
fn propose(svc: &mut Service<'_>, fx: &Fixture, categoria: &str) -> i64 {
    propose_with(svc, fx, categoria, Value::Array(Vec::new()))
}

/// [`propose`] with the scheda's familiari e conviventi (`dati["familiari"]`).
fn propose_with(svc: &mut Service<'_>, fx: &Fixture, categoria: &str, familiari: Value) -> i64 {
    let mut e = SchedaEdit {
        soggetto_id: fx.persona,
        data_accesso: "2026-11-29".into(),
        operatore: fx.front.username.clone(),
        esito: Some("pic".into()),
        bisogni: vec!["b102".into()],
        servizi: vec!["info".into()],
        categorie_sociali: vec![categoria.into()],
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
    e.dati
        .insert("senza_fissa_dimora".into(), Value::Bool(true));
    e.dati.insert("familiari".into(), familiari);
    let out = svc.save_scheda(&fx.front, &e, false, today()).unwrap();
    assert!(out.proposta_ente.is_some(), "{:?}", out.problemi);
    svc.proposte(&fx.as1, false).unwrap().last().unwrap().id
}

fn last_audit(svc: &Service<'_>) -> sportello::domain::AuditRow {
    svc.store().audit_tail(1).unwrap().remove(0)
}

fn cambio(caso: i64, version: i64, a: &str) -> CambioStato {
    CambioStato {
        caso_id: caso,
        version,
        a: a.into(),
        data: "2026-11-29".into(),
        ..Default::default()
    }
}

#[test]
fn a_proposal_taken_a_moment_earlier_is_reported_taken_to_the_colleague() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let (fx, proposta) = {
        let mut store = SqliteStore::create(&path).unwrap();
        let fx = fixture(&mut store);
        let mut svc = Service::new(&mut store);
        let p = propose(&mut svc, &fx, "anziani");
        (fx, p)
    };
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let handles: Vec<_> = [fx.as1.clone(), fx.as2.clone()]
        .into_iter()
        .map(|actor| {
            let (path, barrier) = (path.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut store = SqliteStore::open(&path).unwrap();
                let mut svc = Service::new(&mut store);
                barrier.wait();
                svc.prendi_in_carico(&actor, proposta, today())
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let wins: Vec<_> = results.iter().filter(|r| r.is_ok()).collect();
    assert_eq!(wins.len(), 1, "{results:?}");
    let lost = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert!(
        lost.contains("già stata presa in carico da as"),
        "the colleague is told who took it: {lost}"
    );
    let mut store = SqliteStore::open(&path).unwrap();
    let casi = store
        .casi(
            &sportello::domain::caso::Visibilita {
                operatore: "x".into(),
                enti: fx.resp.enti.clone(),
                ufficio_id: None,
                tutti: true,
            },
            &FiltroCasi::default(),
            10,
        )
        .unwrap();
    assert_eq!(casi.len(), 1, "one case only");
    assert_eq!(casi[0].stato, "preso_in_carico");
    let svc = Service::new(&mut store);
    let steps = svc.store().steps(casi[0].id).unwrap();
    let stati: Vec<&str> = steps.iter().map(|s| s.stato.as_str()).collect();
    assert_eq!(stati, ["aperto", "preso_in_carico"]);
}

#[test]
fn a_refusal_needs_a_note_and_the_proposer_sees_it_on_the_home_screen() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "anziani");
    let err = svc.respingi_proposta(&fx.as1, p, "   ").unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    assert!(err.to_string().contains("nota"));
    assert!(svc.store().proposta(p).unwrap().unwrap().pending());
    svc.respingi_proposta(&fx.as1, p, "Non di competenza: inviare al CPI")
        .unwrap();
    assert_eq!(svc.store().proposta(p).unwrap().unwrap().stato, "respinta");
    let home = svc.home(&fx.front, today()).unwrap();
    let respinte = home.casi.unwrap().respinte;
    assert_eq!(respinte.len(), 1);
    assert!(respinte[0].0.contains("Bianchi"));
    assert_eq!(respinte[0].2, "Non di competenza: inviare al CPI");
    let err = svc.prendi_in_carico(&fx.as2, p, today()).unwrap_err();
    assert!(
        err.to_string().contains("già stata respinta da as1"),
        "{err}"
    );
}

#[test]
fn taking_in_charge_needs_a_categoria_managed_by_the_office() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "disabili");
    let err = svc.prendi_in_carico(&fx.as1, p, today()).unwrap_err();
    assert!(
        err.to_string().contains("nessuna categoria sociale"),
        "{err}"
    );
    assert!(svc.store().proposta(p).unwrap().unwrap().pending());
    assert_eq!(
        svc.store().caso_di(fx.persona, fx.as1.enti[0]).unwrap(),
        None
    );
    svc.set_categorie_ufficio(
        &Actor::system(None, None),
        fx.ufficio,
        &["anziani".to_string(), "disabili".to_string()],
    )
    .unwrap();
    assert!(svc.prendi_in_carico(&fx.as1, p, today()).is_ok());
}

#[test]
fn vista_links_the_existing_case_and_a_transition_not_allowed_is_refused_and_audited() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p1 = propose(&mut svc, &fx, "anziani");
    let err = svc.proposta_vista(&fx.as1, p1, today()).unwrap_err();
    assert!(err.to_string().contains("non ha ancora un caso"), "{err}");
    let caso = svc.prendi_in_carico(&fx.as1, p1, today()).unwrap();
    let p2 = propose(&mut svc, &fx, "anziani");
    assert_eq!(svc.proposta_vista(&fx.as1, p2, today()).unwrap(), caso);
    let v = svc.store().caso(caso).unwrap().unwrap().version;
    let mut close = cambio(caso, v, "chiuso");
    let err = svc.cambia_stato(&fx.as1, &close).unwrap_err();
    assert!(err.to_string().contains("motivo chiusura"), "{err}");
    close
        .attributi
        .insert("motivo_chiusura".into(), "autonomia".into());
    let v = svc.cambia_stato(&fx.as1, &close).unwrap();
    let c = svc.store().caso(caso).unwrap().unwrap();
    assert_eq!(
        (c.stato.as_str(), c.motivo_chiusura.as_deref()),
        ("chiuso", Some("autonomia"))
    );
    // Reopening is the responsabile's.
    let err = svc
        .cambia_stato(&fx.as1, &cambio(caso, v, "riaperto"))
        .unwrap_err();
    assert!(matches!(err, Error::Denied(_)), "{err}");
    let a = last_audit(&svc);
    assert_eq!(
        (
            a.event.action.as_str(),
            a.event.outcome,
            a.username.as_str()
        ),
        ("cambia_stato_caso", Outcome::Denied, "as1")
    );
    // A stale version is a conflict.
    let err = svc
        .cambia_stato(&fx.resp, &cambio(caso, v - 1, "riaperto"))
        .unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    svc.cambia_stato(&fx.resp, &cambio(caso, v, "riaperto"))
        .unwrap();
}

#[test]
fn another_ente_cannot_open_the_case_and_learns_nothing() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "anziani");
    let caso = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
    for sezione in [Sezione::Anagrafica, Sezione::Diario] {
        let err = svc
            .read_cartella(&fx.altro, caso, sezione, true)
            .unwrap_err();
        assert_eq!(err.to_string(), format!("non trovato: caso {caso}"));
        let a = last_audit(&svc);
        assert_eq!(
            (a.event.action.as_str(), a.event.outcome),
            ("leggi_cartella", Outcome::Denied)
        );
    }
    assert!(
        svc.list_casi(&fx.altro, &FiltroCasi::default(), true)
            .unwrap()
            .is_empty()
    );
    let err = svc.read_proposta(&fx.altro, p).unwrap_err();
    assert_eq!(err.to_string(), format!("non trovato: proposta {p}"));
    // A colleague of the same ente who is not assigned does not see it either, until it is
    // signalled to them.
    assert!(
        svc.list_casi(&fx.as2, &FiltroCasi::default(), true)
            .unwrap()
            .is_empty()
    );
    assert!(
        svc.read_cartella(&fx.as2, caso, Sezione::Anagrafica, true)
            .is_err()
    );
    let v = svc.store().caso(caso).unwrap().unwrap().version;
    let mut s = cambio(caso, v, "segnalato_operatore");
    assert!(
        svc.cambia_stato(&fx.as1, &s)
            .unwrap_err()
            .to_string()
            .contains("operatore")
    );
    s.target_operatore = Some("as2".into());
    svc.cambia_stato(&fx.as1, &s).unwrap();
    assert_eq!(
        svc.list_casi(&fx.as2, &FiltroCasi::default(), true)
            .unwrap()
            .len(),
        1
    );
    assert!(
        svc.read_cartella(&fx.as2, caso, Sezione::Anagrafica, true)
            .is_ok()
    );
    // The responsabile sees every case of the ente.
    assert_eq!(
        svc.list_casi(&fx.resp, &FiltroCasi::default(), true)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn sensitive_sections_and_riservato_diary_need_dati_riservati() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "anziani");
    let caso = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
    for sezione in [Sezione::Invalidita, Sezione::Disabilita, Sezione::Tribunale] {
        let err = svc.read_cartella(&fx.as1, caso, sezione, true).unwrap_err();
        assert!(err.to_string().contains("dati riservati"), "{err}");
        let a = last_audit(&svc);
        assert_eq!(
            (a.event.outcome, a.event.section.as_deref()),
            (Outcome::Denied, Some(sezione.code()))
        );
    }
    let mut dati = serde_json::Map::new();
    dati.insert("percentuale".into(), Value::from("100"));
    assert!(
        svc.save_cartella(&fx.as1, caso, Sezione::Invalidita, &dati, "2026-11-29")
            .is_err()
    );
    let sys = Actor::system(None, None);
    svc.set_riservati(&sys, "as1", fx.as1.enti[0], true)
        .unwrap();
    svc.save_cartella(&fx.as1, caso, Sezione::Invalidita, &dati, "2026-11-29")
        .unwrap();
    let c = svc
        .read_cartella(&fx.as1, caso, Sezione::Invalidita, true)
        .unwrap();
    assert!(matches!(&c.contenuto, sportello::service::casi::Contenuto::Dati(r) if r.len() == 1));
    // A riservato entry: its author reads it; a colleague without the permission does not.
    let d = Diario {
        caso_id: caso,
        tipo: "colloquio".into(),
        data: "2026-11-29".into(),
        testo: "Riferisce maltrattamenti".into(),
        riservato: true,
        ..Default::default()
    };
    svc.save_diario(&fx.as1, &d).unwrap();
    let v = svc.store().caso(caso).unwrap().unwrap().version;
    let mut s = cambio(caso, v, "segnalato_operatore");
    s.target_operatore = Some("as2".into());
    svc.cambia_stato(&fx.as1, &s).unwrap();
    let text = |svc: &mut Service<'_>, a: &Actor| match svc
        .read_cartella(a, caso, Sezione::Diario, true)
        .unwrap()
        .contenuto
    {
        sportello::service::casi::Contenuto::Diario(d) => d[0].testo.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(text(&mut svc, &fx.as1), "Riferisce maltrattamenti");
    let hidden = text(&mut svc, &fx.as2);
    assert!(hidden.contains("RISERVATO") && !hidden.contains("maltrattamenti"));
}

#[test]
fn two_operators_editing_the_same_pai_conflict() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "anziani");
    let caso = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
    let mut pai = Pai {
        caso_id: caso,
        tipo: "pai".into(),
        motivazioni: "Sostegno alla domiciliarità".into(),
        verifica_mesi: 3,
        data_inizio: "2026-08-01".into(),
        prossima_verifica: "2026-11-01".into(),
        ..Default::default()
    };
    let (id, version) = svc.save_pai(&fx.as1, &pai).unwrap();
    pai.id = Some(id);
    pai.version = version;
    let mut mine = pai.clone();
    mine.raggiunto_breve = 2;
    let mut theirs = pai.clone();
    theirs.raggiunto_breve = 3;
    svc.save_pai(&fx.as1, &mine).unwrap();
    let err = svc.save_pai(&fx.resp, &theirs).unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    assert_eq!(svc.store().pai(caso).unwrap()[0].raggiunto_breve, 2);
    // The verification is due: the home counter shows it; an expired ISEE too.
    svc.save_isee(
        &fx.as1,
        &Isee {
            caso_id: caso,
            tipo: "ordinario".into(),
            data_dsu: "2025-02-01".into(),
            scadenza: "2025-12-31".into(),
            ise_cents: 1_000_000,
            scala_cents: 100,
            isee_cents: 1_000_000,
            ..Default::default()
        },
    )
    .unwrap();
    let c = svc.home(&fx.as1, today()).unwrap().casi.unwrap();
    assert_eq!((c.pai_da_verificare, c.isee_in_scadenza), (1, 1));
    assert_eq!(c.per_stato, vec![("Preso in carico".to_string(), 1)]);
}

#[test]
fn every_read_is_audited_once_and_audit_rows_do_not_move_the_change_counter() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "anziani");
    let caso = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
    let n = svc.modifiche(&fx.as1).unwrap();
    let before = last_audit(&svc).id;
    for s in [
        Sezione::Anagrafica,
        Sezione::Risorse,
        Sezione::Cronologia,
        Sezione::Pai,
    ] {
        svc.read_cartella(&fx.as1, caso, s, true).unwrap();
        let a = last_audit(&svc);
        assert_eq!(
            (
                a.event.action.as_str(),
                a.event.entity_id,
                a.event.section.as_deref()
            ),
            ("leggi_cartella", Some(caso), Some(s.code()))
        );
    }
    svc.list_casi(&fx.as1, &FiltroCasi::default(), true)
        .unwrap();
    let after_reads = last_audit(&svc).id;
    assert_eq!(after_reads - before, 5);
    svc.list_casi(&fx.as1, &FiltroCasi::default(), false)
        .unwrap();
    svc.proposte(&fx.as1, false).unwrap();
    svc.read_cartella(&fx.as1, caso, Sezione::Pai, false)
        .unwrap();
    assert_eq!(
        last_audit(&svc).id,
        after_reads,
        "a refresh is not a new read"
    );
    assert_eq!(
        svc.modifiche(&fx.as1).unwrap(),
        n,
        "audit rows do not move it"
    );
    svc.save_diario(
        &fx.as1,
        &Diario {
            caso_id: caso,
            tipo: "visita".into(),
            data: "2026-11-29".into(),
            testo: "Visita domiciliare".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        svc.modifiche(&fx.as1).unwrap() > n,
        "business writes move it"
    );
    // GDPR art. 15: who accessed the person's data.
    let cf = svc
        .store()
        .soggetto(fx.persona)
        .unwrap()
        .unwrap()
        .codice_fiscale
        .unwrap();
    let rows = svc
        .audit_accessi(&Actor::system(None, None), &cf, Some("2000-01-01"), None)
        .unwrap();
    let reads: Vec<_> = rows
        .iter()
        .filter(|r| r.event.action == "leggi_cartella")
        .map(|r| r.event.section.clone().unwrap_or_default())
        .collect();
    assert_eq!(reads, ["anagrafica", "risorse", "cronologia", "pai"]);
    assert!(rows.iter().any(|r| r.event.action == "prendi_in_carico"));
    assert!(rows.iter().any(|r| r.event.action == "salva_diario"));
}

#[test]
fn the_cartella_and_the_pai_print_as_pdf_sensitive_data_only_with_the_permission() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "anziani");
    let caso = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
    let sys = Actor::system(None, None);
    svc.set_riservati(&sys, "as1", fx.as1.enti[0], true)
        .unwrap();
    let mut inv = serde_json::Map::new();
    inv.insert("percentuale".into(), Value::from("100"));
    svc.save_cartella(&fx.as1, caso, Sezione::Invalidita, &inv, "2026-11-01")
        .unwrap();
    let (pai, _) = svc
        .save_pai(
            &fx.as1,
            &Pai {
                caso_id: caso,
                tipo: "pai".into(),
                motivazioni: "Sostegno alla domiciliarità".into(),
                verifica_mesi: 3,
                data_inizio: "2026-11-01".into(),
                prossima_verifica: "2027-02-01".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    let with = dir.path().join("con.pdf");
    svc.print_cartella(&fx.as1, caso, &with, now).unwrap();
    let a = last_audit(&svc);
    assert_eq!(
        (a.event.action.as_str(), a.event.entity_id),
        ("stampa_cartella", Some(caso))
    );
    let v = svc.store().caso(caso).unwrap().unwrap().version;
    let mut s = cambio(caso, v, "segnalato_operatore");
    s.target_operatore = Some("as2".into());
    svc.cambia_stato(&fx.as1, &s).unwrap();
    let without = dir.path().join("senza.pdf");
    svc.print_cartella(&fx.as2, caso, &without, now).unwrap();
    let pai_pdf = dir.path().join("pai.pdf");
    svc.print_pai(&fx.as1, caso, pai, &pai_pdf, now).unwrap();
    for f in [&with, &without, &pai_pdf] {
        assert!(std::fs::read(f).unwrap().starts_with(b"%PDF"));
    }
    assert!(
        std::fs::metadata(&with).unwrap().len() > std::fs::metadata(&without).unwrap().len(),
        "the invalidità section is left out without dati riservati"
    );
    let err = svc
        .print_cartella(&fx.altro, caso, &dir.path().join("x.pdf"), now)
        .unwrap_err();
    assert_eq!(err.to_string(), format!("non trovato: caso {caso}"));
}

#[test]
fn export_casi_and_audit_accessi_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let cf = {
        let mut store = SqliteStore::create(&db).unwrap();
        let fx = fixture(&mut store);
        let mut svc = Service::new(&mut store);
        let p = propose(&mut svc, &fx, "anziani");
        let caso = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
        svc.read_cartella(&fx.as1, caso, Sezione::Anagrafica, true)
            .unwrap();
        svc.store()
            .soggetto(fx.persona)
            .unwrap()
            .unwrap()
            .codice_fiscale
            .unwrap()
    };
    let bin = env!("CARGO_BIN_EXE_sportello");
    let out = dir.path().join("casi.csv");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    let r = run(&[
        "export",
        "casi",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "--stato",
        "preso_in_carico",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains("BIANCHI") || csv.contains("Bianchi"), "{csv}");
    assert!(csv.contains("Preso in carico"));
    let r = run(&["audit", "accessi", "--cf", &cf, "--format", "csv"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(
        text.contains("leggi_cartella") && text.contains("anagrafica") && text.contains("as1"),
        "{text}"
    );
    let r = run(&["audit", "accessi", "--cf", &cf, "--from", "01/01/2026"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("AAAA-MM-GG"));
}

#[test]
fn gestione_fascicolo_decides_who_writes_and_a_shared_unit_sees_only_what_is_shared() {
    use sportello::domain::caso::Unita;
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "anziani");
    let caso = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
    let diario = |testo: &str| Diario {
        caso_id: caso,
        tipo: "colloquio".into(),
        data: "2026-11-29".into(),
        testo: testo.into(),
        ..Default::default()
    };
    svc.save_diario(&fx.as1, &diario("Primo colloquio"))
        .unwrap();

    // A colleague of the same office does not follow the case: it is not there for them.
    let err = svc
        .read_cartella(&fx.as2, caso, Sezione::Diario, true)
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err}");

    // Assigned without "gestione fascicolo": reads everything, writes nothing (audited).
    svc.set_operatore_caso(&fx.as1, caso, "as2", Some(false), today())
        .unwrap();
    let c = svc
        .read_cartella(&fx.as2, caso, Sezione::Diario, true)
        .unwrap();
    assert!(!c.accesso.gestione && c.accesso.completo);
    let err = svc.save_diario(&fx.as2, &diario("Nota")).unwrap_err();
    assert!(
        matches!(err, Error::Denied(_)) && err.to_string().contains("gestione del fascicolo"),
        "{err}"
    );
    let a = last_audit(&svc);
    assert_eq!(
        (
            a.event.action.as_str(),
            a.event.outcome,
            a.username.as_str()
        ),
        ("salva_diario", Outcome::Denied, "as2")
    );
    // Nor may they hand the case to others.
    let err = svc
        .condividi_caso(&fx.as2, caso, Unita::Ufficio(fx.ufficio), true, today())
        .unwrap_err();
    assert!(matches!(err, Error::Denied(_)), "{err}");

    // With the flag they write; the Operatori section shows it.
    svc.set_operatore_caso(&fx.as1, caso, "as2", Some(true), today())
        .unwrap();
    svc.save_diario(&fx.as2, &diario("Visita domiciliare"))
        .unwrap();
    let c = svc
        .read_cartella(&fx.as1, caso, Sezione::Operatori, true)
        .unwrap();
    let sportello::service::casi::Contenuto::Operatori(ops) = &c.contenuto else {
        panic!("{:?}", c.contenuto)
    };
    assert!(
        ops.iter()
            .any(|o| o.operatore == "as2" && o.gestione_fascicolo && o.al.is_none())
    );
    // The responsabile is not removed this way; the assignment ends.
    let err = svc
        .set_operatore_caso(&fx.as1, caso, "as1", None, today())
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    let err = svc
        .set_operatore_caso(&fx.as1, caso, "sportello1", Some(true), today())
        .unwrap_err();
    assert!(
        err.to_string().contains("accesso alla cartella sociale"),
        "{err}"
    );
    svc.set_operatore_caso(&fx.as1, caso, "as2", None, today())
        .unwrap();
    assert!(
        svc.read_cartella(&fx.as2, caso, Sezione::Anagrafica, true)
            .is_err()
    );

    // Shared with the other comune, «nascondi informazioni»: who, who follows, the iter — no more.
    let ente_b = fx.altro.enti[0];
    svc.condividi_caso(&fx.as1, caso, Unita::Ente(ente_b), true, today())
        .unwrap();
    let listed = svc
        .list_casi(&fx.altro, &FiltroCasi::default(), true)
        .unwrap();
    assert!(listed.iter().any(|c| c.id == caso));
    for s in caso::SEZIONI_NASCOSTE_VISIBILI {
        svc.read_cartella(&fx.altro, caso, s, true).unwrap();
    }
    let before = last_audit(&svc).id;
    let err = svc
        .read_cartella(&fx.altro, caso, Sezione::Diario, true)
        .unwrap_err();
    assert!(
        matches!(err, Error::Denied(_)) && err.to_string().contains("senza le informazioni"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("colloquio"),
        "nothing leaks: {err}"
    );
    let a = last_audit(&svc);
    assert!(a.id > before);
    assert_eq!(
        (
            a.event.action.as_str(),
            a.event.outcome,
            a.event.section.as_deref()
        ),
        ("leggi_cartella", Outcome::Denied, Some("diario"))
    );
    let out = tempfile::tempdir().unwrap();
    let now = time::OffsetDateTime::now_utc();
    assert!(
        svc.print_cartella(&fx.altro, caso, &out.path().join("c.pdf"), now)
            .is_err()
    );
    assert!(svc.save_diario(&fx.altro, &diario("Da Corciano")).is_err());

    // Shared with the information: the diary reads; writing stays with who manages the fascicolo.
    svc.condividi_caso(&fx.as1, caso, Unita::Ente(ente_b), false, today())
        .unwrap();
    let c = svc
        .read_cartella(&fx.altro, caso, Sezione::Diario, true)
        .unwrap();
    assert!(c.accesso.completo && !c.accesso.gestione);
    assert!(svc.save_diario(&fx.altro, &diario("Da Corciano")).is_err());
    let condivisioni = svc.store().condivisioni(caso).unwrap();
    assert_eq!(
        condivisioni.len(),
        1,
        "one sharing per unit: {condivisioni:?}"
    );
    assert_eq!(condivisioni[0].nome, "Comune di Corciano");

    // Revoked: gone again, reported like a case that does not exist.
    svc.revoca_condivisione(&fx.as1, caso, condivisioni[0].id, today())
        .unwrap();
    let err = svc
        .read_cartella(&fx.altro, caso, Sezione::Anagrafica, true)
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err}");
    assert!(
        !svc.list_casi(&fx.altro, &FiltroCasi::default(), false)
            .unwrap()
            .iter()
            .any(|c| c.id == caso)
    );
}

#[test]
fn merging_two_persons_with_a_case_each_in_one_ente_keeps_one_case_with_both_fascicoli() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let sys = Actor::system(None, None);
    let mut svc = Service::new(&mut store);
    let diario = |caso: i64, testo: &str| Diario {
        caso_id: caso,
        tipo: "colloquio".into(),
        data: "2026-11-29".into(),
        testo: testo.into(),
        ..Default::default()
    };
    // The desk's person (provisional code) is taken in charge, with a diary entry.
    let p = propose(&mut svc, &fx, "anziani");
    let desk_case = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
    svc.save_diario(&fx.as1, &diario(desk_case, "Colloquio allo sportello"))
        .unwrap();
    // The registry brings the same person with the real code; a colleague opened a case for her.
    let cf = "BNCLSU40E41G478U";
    svc.store_mut()
        .insert_soggetti(
            &sys,
            &[sportello::domain::soggetto::NewSoggetto {
                codice_fiscale: Some(cf.into()),
                cognome: "BIANCHI".into(),
                nome: "LUISA".into(),
                sesso: Some('F'),
                data_nascita: Some("1940-05-01".into()),
                luogo_nascita: Some("G478".into()),
                fonte: "anagrafe",
                ..Default::default()
            }],
        )
        .unwrap();
    let registry_case = svc.apri_caso(&fx.as2, cf, "anziani", today()).unwrap();
    let v = svc.store().caso(registry_case).unwrap().unwrap().version;
    svc.cambia_stato(&fx.as2, &cambio(registry_case, v, "preso_in_carico"))
        .unwrap();
    svc.save_diario(&fx.as2, &diario(registry_case, "Visita domiciliare"))
        .unwrap();
    let registry_person = svc
        .store()
        .caso(registry_case)
        .unwrap()
        .unwrap()
        .soggetto_id;

    // The desk replaces the provisional code with the real one: the two persons are merged.
    let p = svc.store().soggetto(fx.persona).unwrap().unwrap();
    let mut e = PersonaEdit::from_soggetto(&p, None);
    e.set("codice_fiscale", Some(cf));
    let saved = svc.save_persona(&fx.front, &e, today()).unwrap();
    assert!(
        format!("{saved:?}").contains(&format!("id: {registry_person}")),
        "{saved:?}"
    );

    let s = svc.store();
    assert!(
        s.caso(desk_case).unwrap().is_none(),
        "one case per person and ente"
    );
    let testi: Vec<String> = s
        .diario(registry_case)
        .unwrap()
        .into_iter()
        .map(|d| d.testo)
        .collect();
    assert!(
        testi.contains(&"Colloquio allo sportello".to_string())
            && testi.contains(&"Visita domiciliare".to_string()),
        "{testi:?}"
    );
    let steps = s.steps(registry_case).unwrap();
    assert!(
        steps.iter().any(|x| x
            .nota
            .as_deref()
            .is_some_and(|n| n.contains("unito il caso n."))),
        "{steps:?}"
    );
    let responsabili: Vec<_> = s
        .operatori_caso(registry_case)
        .unwrap()
        .into_iter()
        .filter(|o| o.responsabile && o.al.is_none())
        .collect();
    assert_eq!(responsabili.len(), 1, "{responsabili:?}");
    assert_eq!(responsabili[0].operatore, "as2");
    // Both social workers still follow it; nothing points at the deleted case.
    assert!(
        s.operatori_caso(registry_case)
            .unwrap()
            .iter()
            .any(|o| o.operatore == "as1" && o.al.is_none())
    );
    assert!(s.diario(desk_case).unwrap().is_empty());
    assert!(s.steps(desk_case).unwrap().is_empty());
    assert!(s.operatori_caso(desk_case).unwrap().is_empty());
}

#[test]
fn every_table_pointing_at_a_case_is_moved_by_a_merge() {
    let s = SqliteStore::in_memory().unwrap();
    let mut tables = s.tables_with_column("caso_id").unwrap();
    tables.sort();
    let mut expected: Vec<String> = sportello::store::CASE_REFERENCES
        .iter()
        .map(|t| t.to_string())
        .collect();
    expected.sort();
    assert_eq!(tables, expected);
}

#[test]
fn the_cartella_shows_the_scheda_por_of_the_case_vulnerability_only_with_dati_riservati() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let sys = Actor::system(None, None);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "anziani");
    let caso = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
    let c = svc
        .read_cartella(&fx.as1, caso, Sezione::Schede, true)
        .unwrap();
    assert_eq!(c.por, None, "no POR data yet");
    // A later scheda of the person with the POR block.
    let scheda_id = svc
        .store()
        .schede_persona(fx.persona, &fx.front.enti)
        .unwrap()[0]
        .0;
    let mut e = svc.store().scheda(scheda_id).unwrap().unwrap().edit;
    e.id = None;
    e.version = 0;
    e.esito = None;
    for (k, v) in [
        ("por_titolo_studio", "Diploma di ragioneria"),
        ("por_vulnerabilita", "Disoccupata di lunga durata"),
        ("por_data_sottoscrizione", "2026-11-20"),
    ] {
        e.dati.insert(k.into(), Value::from(v));
    }
    svc.save_scheda(&fx.front, &e, false, today()).unwrap();
    let c = svc
        .read_cartella(&fx.as1, caso, Sezione::Schede, true)
        .unwrap();
    let por = c.por.expect("the scheda POR");
    assert_eq!(
        por.campi,
        [
            (
                "por_titolo_studio".to_string(),
                "Diploma di ragioneria".to_string()
            ),
            ("por_data_sottoscrizione".into(), "2026-11-20".into())
        ],
        "vulnerabilità needs dati riservati"
    );
    svc.set_riservati(&sys, "as1", fx.as1.enti[0], true)
        .unwrap();
    let c = svc
        .read_cartella(&fx.as1, caso, Sezione::Schede, true)
        .unwrap();
    assert!(c.por.unwrap().campi.contains(&(
        "por_vulnerabilita".into(),
        "Disoccupata di lunga durata".into()
    )));
}

#[test]
fn a_relative_in_the_anagrafe_is_linked_by_codice_fiscale_an_unknown_code_is_refused() {
    use sportello::domain::caso::Familiare;
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let p = propose(&mut svc, &fx, "anziani");
    let caso = svc.prendi_in_carico(&fx.as1, p, today()).unwrap();
    let figlia = svc.store().soggetto(fx.persona).unwrap().unwrap();
    let cf = figlia.codice_fiscale.clone().unwrap();
    let member = |cf: Option<&str>| Familiare {
        tipo: "familiare".into(),
        cognome: "Bianchi".into(),
        nome: "Luisa".into(),
        relazione: Some("figlio".into()),
        codice_fiscale: cf.map(String::from),
        ..Default::default()
    };
    svc.add_familiare(&fx.as1, caso, &member(Some(&cf)))
        .unwrap();
    let err = svc
        .add_familiare(&fx.as1, caso, &member(Some("RSSMRA80C12G478Q")))
        .unwrap_err();
    assert!(
        matches!(err, Error::Invalid(_)) && err.to_string().contains("nessuna persona in anagrafe"),
        "{err}"
    );
    svc.add_familiare(&fx.as1, caso, &member(None)).unwrap();
    let rete = svc.store().familiari(caso).unwrap();
    assert_eq!(rete.len(), 2);
    assert_eq!(
        rete.iter()
            .filter(|f| f.soggetto_id == Some(fx.persona)
                && f.codice_fiscale.as_deref() == Some(cf.as_str()))
            .count(),
        1
    );
    assert_eq!(rete.iter().filter(|f| f.soggetto_id.is_none()).count(), 1);
}

#[test]
fn a_presa_in_carico_copies_the_scheda_familiari_into_the_cartella_once() {
    let mut store = SqliteStore::in_memory().unwrap();
    let fx = fixture(&mut store);
    let mut svc = Service::new(&mut store);
    let marito = serde_json::json!({"tipo": "convivente", "cognome": "Bianchi", "nome": "Mario",
        "relazione": "coniuge", "data_nascita": "1938-03-04", "sesso": "M"});
    let figlia = serde_json::json!({"tipo": "familiare", "cognome": "Bianchi", "nome": "Carla",
        "data_nascita": "1970-09-12", "condizione_lavorativa": "occupato"});
    let p1 = propose_with(&mut svc, &fx, "anziani", Value::Array(vec![marito.clone()]));
    let caso = svc.prendi_in_carico(&fx.as1, p1, today()).unwrap();
    let names = |svc: &Service<'_>| {
        let mut v: Vec<(String, String, Option<String>)> = svc
            .store()
            .familiari(caso)
            .unwrap()
            .into_iter()
            .map(|f| (f.nome, f.tipo, f.relazione))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&svc),
        [(
            "Mario".to_string(),
            "convivente".to_string(),
            Some("coniuge".to_string())
        )]
    );
    // A later scheda with the same husband (name typed differently) and a daughter, taken in
    // charge on the same case: only the daughter is added.
    let mut marito2 = marito.clone();
    marito2["cognome"] = "BIANCHI".into();
    let p2 = propose_with(
        &mut svc,
        &fx,
        "anziani",
        Value::Array(vec![marito2, figlia]),
    );
    assert_eq!(svc.prendi_in_carico(&fx.as1, p2, today()).unwrap(), caso);
    assert_eq!(
        names(&svc),
        [
            ("Carla".to_string(), "familiare".to_string(), None),
            (
                "Mario".to_string(),
                "convivente".to_string(),
                Some("coniuge".to_string())
            ),
        ]
    );
    let carla = svc
        .store()
        .familiari(caso)
        .unwrap()
        .into_iter()
        .find(|f| f.nome == "Carla")
        .unwrap();
    assert_eq!(
        (
            carla.data_nascita.as_deref(),
            carla.condizione_lavorativa.as_deref()
        ),
        (Some("1970-09-12"), Some("occupato"))
    );
}
