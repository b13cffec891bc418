//! The RBAC matrix: every operation of the service door (`service::rules::RULES`) × every role ×
//! a target in the actor's own ente and in another ente. Each combination runs on a fresh database
//! through the service API; the expected outcome comes from the same table the service reads: the
//! role must hold the permission, and an operation on a record of an ente must stay inside the
//! actor's enti. Each forbidden combination is refused with an Italian message and audited as
//! denied; each allowed one succeeds.

use serde_json::Value;
use sportello::domain::caso::{CambioStato, Diario, FiltroCasi, Isee, Pai, Sezione, Valutazione};
use sportello::domain::codici::NewCodice;
use sportello::domain::erogazioni::{
    Erogazione, Foglio, Intervento, NuovoTipo, PrestazioneSiuss, Progetto, Riga,
};
use sportello::domain::impostazioni::ImpostazioniUfficio;
use sportello::domain::persona::{PersonaEdit, Privacy};
use sportello::domain::rapporto::Mese;
use sportello::domain::retention::Retention;
use sportello::domain::richieste::{Consuntivo, Richiesta};
use sportello::domain::scheda::{Filtro, SchedaEdit};
use sportello::domain::{Actor, NewEnte, NewOperatore, Outcome, Role, RoleSet};
use sportello::export::Format;
use sportello::forms::Screens;
use sportello::progress::Progress;
use sportello::service::casi_documenti::{Archivio, NuovoDocumento};
use sportello::service::codes::CodeChange;
use sportello::service::organisation::{OperatoreEdit, UfficioUscita};
use sportello::service::retention::{Held, PurgeFiles};
use sportello::service::rules::{Op, RULES, Scope};
use sportello::service::siuss::RichiestaSiuss;
use sportello::service::{Error, Service};
use sportello::store::SchedaSave;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::new_utc(today(), time::Time::from_hms(10, 0, 0).unwrap())
}

/// Where the target of an operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Own,
    Other,
}

/// The records of one ente that operations aim at.
struct Ente {
    id: i64,
    belfiore: &'static str,
    /// An active scheda (created by that ente's front desk).
    scheda: (i64, i64),
    /// A deleted scheda: (id, version).
    deleted: (i64, i64),
    /// A sportello operator of the ente (target of account operations).
    collega: &'static str,
    ufficio: i64,
    /// A pending proposal of presa in carico for the ente.
    proposta: i64,
    /// A case of the ente, signalled to its office (visible to its social workers): (id, version).
    caso: (i64, i64),
    /// A PAI of that case.
    pai: i64,
    /// An intervento and an erogazione of the person in the ente: (id, version).
    intervento: (i64, i64),
    erogazione: (i64, i64),
}

struct World {
    store: SqliteStore,
    a: Ente,
    b: Ente,
    persona: i64,
    dir: tempfile::TempDir,
}

fn operator(
    svc: &mut Service<'_>,
    sys: &Actor,
    username: &str,
    roles: &[Role],
    ente: i64,
    ufficio: i64,
) -> Actor {
    let new = NewOperatore {
        username: username.into(),
        nome: "Nome".into(),
        cognome: "Cognome".into(),
        roles: RoleSet::from_roles(roles),
        enti: vec![ente],
        ufficio_id: Some(ufficio),
        ..Default::default()
    };
    svc.add_user(sys, &new, None).unwrap();
    let op = svc
        .store()
        .operatore_by_username(username)
        .unwrap()
        .unwrap();
    Actor::operatore(&op, None, None)
}

fn scheda_edit(soggetto_id: i64, operatore: &str) -> SchedaEdit {
    let mut e = SchedaEdit {
        soggetto_id,
        data_accesso: "2026-11-29".into(),
        operatore: operatore.into(),
        esito: Some("info".into()),
        bisogni: vec!["b102".into()],
        servizi: vec!["info".into()],
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "persona"),
        // A POR block, for its print (the ente does not enable POR: nothing more is asked).
        ("por_progetto", "Inclusione attiva"),
    ] {
        e.dati.insert(k.into(), Value::from(v));
    }
    // No residence to give: senza fissa dimora (the residence rules are tested on their own).
    e.dati
        .insert("senza_fissa_dimora".into(), Value::Bool(true));
    e
}

fn ente(
    svc: &mut Service<'_>,
    sys: &Actor,
    nome: &str,
    belfiore: &'static str,
    tag: &'static str,
    persona: i64,
) -> Ente {
    let id = svc
        .create_ente(
            sys,
            &NewEnte {
                nome: nome.into(),
                belfiore: Some(belfiore.into()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let ufficio = svc.create_ufficio(sys, id, "Segretariato sociale").unwrap();
    let collega: &'static str = if tag == "a" { "collega_a" } else { "collega_b" };
    let front = operator(svc, sys, collega, &[Role::Sportello], id, ufficio);
    let resp = operator(
        svc,
        sys,
        &format!("resp_{tag}"),
        &[Role::Responsabile],
        id,
        ufficio,
    );
    let scheda = svc
        .save_scheda(&front, &scheda_edit(persona, collega), false, today())
        .unwrap()
        .saved;
    let gone = svc
        .save_scheda(&front, &scheda_edit(persona, collega), false, today())
        .unwrap()
        .saved;
    svc.delete_scheda(&resp, gone.id, gone.version, "prova")
        .unwrap();
    let deleted = svc.store().scheda(gone.id).unwrap().unwrap();
    let (proposta, caso, pai) = casi_fixture(svc, sys, &front, &resp, id, ufficio, persona);
    let (intervento, erogazione) = erogazioni_fixture(svc, &resp, persona);
    Ente {
        id,
        belfiore,
        scheda: (scheda.id, scheda.version),
        deleted: (gone.id, deleted.edit.version),
        collega,
        ufficio,
        proposta,
        caso,
        pai,
        intervento,
        erogazione,
    }
}

/// An intervento of home care and one erogazione of it, saved by the ente's responsabile.
fn erogazioni_fixture(
    svc: &mut Service<'_>,
    resp: &Actor,
    persona: i64,
) -> ((i64, i64), (i64, i64)) {
    let tipo = svc
        .store()
        .tipi_intervento(None)
        .unwrap()
        .into_iter()
        .find(|t| t.codice == "IS03")
        .unwrap()
        .id;
    let intervento = svc
        .save_intervento(
            resp,
            &Intervento {
                soggetto_id: persona,
                tipo_beneficiario: "individuale".into(),
                n_beneficiari: 1,
                tipo_id: tipo,
                categoria_sociale: "anziani".into(),
                origine: "programmato".into(),
                dal: "2026-01-01".into(),
                al: Some("2026-12-31".into()),
                frequenza: "P".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let erogazione = svc
        .save_erogazione(
            resp,
            &Erogazione {
                intervento_id: Some(intervento.0),
                soggetto_id: persona,
                tipo_id: tipo,
                categoria_sociale: "anziani".into(),
                protocollo_domanda: Some("2026/1".into()),
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
    (intervento, erogazione)
}

/// Presa in carico fixtures of an ente: its office manages "anziani"; the front desk proposes the
/// person twice; the responsabile takes the first proposal in charge and signals the case to the
/// office, with a PAI. Returns the pending proposal, the case (id, version) and the PAI.
fn casi_fixture(
    svc: &mut Service<'_>,
    sys: &Actor,
    front: &Actor,
    resp: &Actor,
    ente: i64,
    ufficio: i64,
    persona: i64,
) -> (i64, (i64, i64), i64) {
    svc.set_categorie_ufficio(sys, ufficio, &["anziani".to_string()])
        .unwrap();
    let mut proposals = Vec::new();
    for _ in 0..2 {
        let mut e = scheda_edit(persona, &front.username);
        e.esito = Some("pic".into());
        e.categorie_sociali = vec!["anziani".into()];
        e.dati.insert("telefono".into(), Value::from("075 1234567"));
        let out = svc.save_scheda(front, &e, false, today()).unwrap();
        assert_eq!(out.proposta_ente, Some(ente), "{:?}", out.problemi);
        proposals.push(
            svc.store()
                .proposte(&[ente], true)
                .unwrap()
                .last()
                .unwrap()
                .id,
        );
    }
    let caso = svc.prendi_in_carico(resp, proposals[0], today()).unwrap();
    let version = svc.store().caso(caso).unwrap().unwrap().version;
    let version = svc
        .cambia_stato(
            resp,
            &CambioStato {
                caso_id: caso,
                version,
                a: "segnalato_ufficio".into(),
                data: "2026-11-29".into(),
                target_ufficio_id: Some(ufficio),
                ..Default::default()
            },
        )
        .unwrap();
    let pai = Pai {
        caso_id: caso,
        tipo: "pai".into(),
        motivazioni: "Sostegno".into(),
        verifica_mesi: 3,
        data_inizio: "2026-11-29".into(),
        prossima_verifica: "2027-02-28".into(),
        ..Default::default()
    };
    let (pai, _) = svc.save_pai(resp, &pai).unwrap();
    (proposals[1], (caso, version), pai)
}

/// A fresh database: two comuni, each with an office, a front-desk colleague, a responsabile, an
/// active and a deleted scheda of one person; one operator per role in the first comune.
fn world() -> (World, Vec<(Role, Actor)>) {
    let mut store = SqliteStore::in_memory().unwrap();
    let sys = Actor::system(None, None);
    let mut svc = Service::new(&mut store);
    let mut edit = PersonaEdit::default();
    for (k, v) in [
        ("cognome", "Rossi"),
        ("nome", "Anna"),
        ("sesso", "F"),
        ("data_nascita", "1970-03-01"),
        ("luogo_nascita", "G478"),
    ] {
        edit.set(k, Some(v));
    }
    let persona = svc.store_mut().save_persona(&sys, &edit, None).unwrap().id;
    let a = ente(&mut svc, &sys, "Comune di Perugia", "G478", "a", persona);
    let b = ente(&mut svc, &sys, "Comune di Corciano", "C990", "b", persona);
    let ufficio_a = svc.store().list_uffici(a.id).unwrap()[0].id;
    let actors = Role::ALL
        .iter()
        .map(|r| {
            let actor = operator(
                &mut svc,
                &sys,
                &format!("ruolo_{}", r.code()),
                &[*r],
                a.id,
                ufficio_a,
            );
            (*r, actor)
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    (
        World {
            store,
            a,
            b,
            persona,
            dir,
        },
        actors,
    )
}

/// 2026-11-29 10:00 UTC, in milliseconds.
const NOW_MS: i64 = 1_795_946_400_000;

/// A session recording of an operator of `ente` in `dir`: its file name.
fn recording_of(dir: &std::path::Path, ente: i64) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let mut header = sportello::record::Header::new(
        &sportello::ui::app::AppConfig::headless(false),
        18,
        (80, 24),
        NOW_MS,
    );
    header.ente = Some(ente);
    header.operatore = "collega".into();
    let name = format!("sessione-{ente}.jsonl");
    std::fs::write(
        dir.join(&name),
        serde_json::to_string(&header).unwrap() + "\n",
    )
    .unwrap();
    name
}

/// A crash report of a session of `ente` in `dir`: its id.
fn crash_of(dir: &std::path::Path, ente: i64) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let id = format!("1795946400-{ente}");
    std::fs::write(
        dir.join(format!("crash-{id}.txt")),
        format!("segnalazione: {id}\nversione: 0.1.0\nente: {ente}\nerrore: src/x.rs:1: boom\n"),
    )
    .unwrap();
    id
}

/// A scheda of the ente `(ente, ufficio)` created by `actor` (straight into the store: whether the
/// actor may create it is another operation's question), so that they may change its richieste.
fn own_scheda(
    svc: &mut Service<'_>,
    actor: &Actor,
    (ente, ufficio): (i64, i64),
    persona: i64,
) -> i64 {
    let save = SchedaSave {
        ente_id: ente,
        ufficio_id: Some(ufficio),
        completa: false,
        proposta_ente: None,
    };
    let edit = scheda_edit(persona, &actor.username);
    svc.store_mut().save_scheda(actor, &edit, save).unwrap().id
}

fn richiesta(scheda_id: i64) -> Richiesta {
    Richiesta {
        scheda_id,
        data_richiesta: "2026-11-29".into(),
        servizio: Some("info".into()),
        ..Default::default()
    }
}

fn consuntivo(richiesta_id: i64) -> Consuntivo {
    Consuntivo {
        richiesta_id,
        data: "2026-11-29".into(),
        operatori: 1,
        minuti: 30,
        tipo_attivita: "0".into(),
        ..Default::default()
    }
}

fn scheda_def() -> sportello::forms::FormDef {
    Screens::embedded().unwrap().get("scheda").unwrap().clone()
}

fn ok<T>(r: Result<T, Error>) -> Option<Result<(), Error>> {
    Some(r.map(|_| ()))
}

/// Runs `op` as `actor` on the target of `side`. `None`: the operation has no target record (its
/// outcome does not depend on the side).
fn invoke(w: &mut World, actor: &Actor, op: Op, side: Side) -> Option<Result<(), Error>> {
    let t = match side {
        Side::Own => &w.a,
        Side::Other => &w.b,
    };
    let (ente, belfiore, scheda, deleted, collega) =
        (t.id, t.belfiore, t.scheda, t.deleted, t.collega);
    let (ufficio, proposta, caso, pai) = (t.ufficio, t.proposta, t.caso, t.pai);
    let (intervento, erogazione) = (t.intervento, t.erogazione);
    let altro_ufficio = match side {
        Side::Own => w.b.ufficio,
        Side::Other => w.a.ufficio,
    };
    let persona = w.persona;
    let out = w.dir.path().join(format!("{op:?}.pdf"));
    let mut svc = Service::new(&mut w.store);
    match op {
        Op::Home => ok(svc.home(actor, today())),
        Op::Logout => ok(svc.logout(actor)),
        Op::SessionHeartbeat => ok(svc.segnale_sessione(
            actor,
            None,
            &sportello::domain::sessione::NuovaSessione::default(),
            NOW_MS,
        )),
        Op::ListSessions => ok(svc.sessioni_attive(actor, NOW_MS)),
        Op::EndSession => {
            // The actor's own session, opened first (any operator may open one).
            let nuova = sportello::domain::sessione::NuovaSessione::default();
            match svc.segnale_sessione(actor, None, &nuova, NOW_MS) {
                Ok(s) => ok(svc.termina_sessione(actor, s.id, NOW_MS)),
                Err(e) => Some(Err(e)),
            }
        }
        Op::Broadcast => ok(svc.invia_avviso(actor, "aggiornamento alle 13:00", 30, NOW_MS)),
        // Any operator may move to one of their enti, and to no other.
        Op::CambiaEnte => return Some(svc.cambia_ente(actor, ente).map(|_| ())),
        Op::SaveDraft => ok(svc.save_draft(actor, "scheda", "", "{}")),
        Op::LoadDraft => ok(svc.load_draft(actor, "scheda", "")),
        Op::DeleteDraft => ok(svc.delete_draft(actor, "scheda", "")),
        Op::CreateEnte => ok(svc.create_ente(
            actor,
            &NewEnte {
                nome: "Comune nuovo".into(),
                tipo: "comune".into(),
                ..Default::default()
            },
        )),
        Op::CreateUfficio => return Some(svc.create_ufficio(actor, ente, "Nuovo").map(|_| ())),
        Op::EditEnte => {
            let mut e = svc.store().ente(ente).unwrap().unwrap();
            e.istat = Some("054039".into());
            return Some(svc.edit_ente(actor, &e).map(|_| ()));
        }
        Op::EditUfficio => {
            let mut u = svc.store().ufficio(ufficio).unwrap().unwrap();
            u.contatto.telefono = Some("075 5771".into());
            return Some(svc.edit_ufficio(actor, &u).map(|_| ()));
        }
        Op::ListOperatori => ok(svc.list_users(actor)),
        Op::AddOperatore => {
            return Some(
                svc.add_user(
                    actor,
                    &NewOperatore {
                        username: "nuovo".into(),
                        nome: "N".into(),
                        cognome: "C".into(),
                        roles: RoleSet::from_roles(&[Role::Sportello]),
                        enti: vec![ente],
                        ..Default::default()
                    },
                    None,
                )
                .map(|_| ()),
            );
        }
        Op::EditOperatore => {
            let op = svc.store().operatore_by_username(collega).unwrap().unwrap();
            let edit = OperatoreEdit {
                new: NewOperatore {
                    username: op.username.clone(),
                    nome: "Nuovo nome".into(),
                    cognome: op.cognome.clone(),
                    roles: op.roles,
                    enti: op.enti.clone(),
                    ufficio_id: op.ufficio_id,
                    os_user: None,
                    extra: String::new(),
                },
                existing: Some(op),
                attivo: true,
                password: None,
                extra: String::new(),
            };
            return Some(svc.save_operatore(actor, edit).map(|_| ()));
        }
        Op::SetPassword => {
            return Some(svc.set_password(actor, collega, "una-password-lunga-1"));
        }
        Op::DisableOperatore => return Some(svc.disable_user(actor, collega)),
        Op::SetRuoli => {
            let roles = RoleSet::from_roles(&[Role::Responsabile]);
            return Some(svc.set_ruoli(actor, collega, ente, roles).map(|_| ()));
        }
        Op::ConfigurePor => return Some(svc.set_por(actor, belfiore, true)),
        Op::ConfigureUfficio => {
            let uscita = UfficioUscita {
                stampante: Some("SEGRETARIATO".into()),
                cartella: Some(w.dir.path().join("uscita")),
            };
            return Some(
                svc.configure_ufficio(actor, belfiore, "Segretariato sociale", &uscita)
                    .map(|_| ()),
            );
        }
        Op::UfficioUscita => ok(svc.ufficio_uscita(actor)),
        Op::ListEnti => ok(svc.enti(actor)),
        Op::Migrate => ok(svc.migrate(actor)),
        Op::Check => ok(svc.check(actor)),
        Op::Backup => ok(svc.backup(actor, &w.dir.path().join("copia.db"), false)),
        Op::Purge => ok(svc.purge(
            actor,
            &Retention::default(),
            &PurgeFiles {
                recording_dir: w.dir.path().join("reg"),
                recording_days: 30,
                crash_dir: w.dir.path().join("crash"),
            },
            now(),
            false,
        )),
        Op::ScanAnomalies => ok(svc.scan_anomalies(actor, 100, now())),
        Op::LegalHold => ok(svc.set_legal_hold(actor, Held::Soggetto(persona), Some("esposto 12/2026"))),
        Op::Restore => {
            let copy = w.dir.path().join("da-ripristinare.db");
            svc.backup(&Actor::system(None, None), &copy, false).unwrap();
            ok(svc.restore(actor, &copy, &w.dir.path().join("sostituito.db")))
        }
        Op::ListCodes => ok(svc.code_lists(actor)),
        Op::ImportCodes => ok(svc.import_codes(
            actor,
            "motivo_accesso",
            &[NewCodice {
                codice: "nuovo".into(),
                etichetta: "Nuovo motivo".into(),
                gruppo: None,
                attivo: true,
                ordine: 99,
            }],
        )),
        Op::EditCode => {
            let code = svc.store().codes("motivo_accesso").unwrap()[0].clone();
            ok(svc.update_code(actor, &code, "Rinominato", true))
        }
        Op::EditCodeEnte => {
            let change = CodeChange::Label(Some("Rinominato qui".into()));
            let r = svc.set_code_ente(actor, ente, "motivo_accesso", "spontaneo", change);
            return Some(r.map(|_| ()));
        }
        Op::FormLists => ok(svc.form_lists(actor, ["esito_scheda", "operatore"], false)),
        Op::Search => ok(svc.search(actor, "rossi anna", None, 50, today())),
        Op::ReadPersona => ok(svc.read_soggetto(actor, persona)),
        Op::PersonaForm => ok(svc.persona_form(actor, Some(persona), &["sesso".to_string()])),
        Op::SavePersona => {
            let stored = svc.store().soggetto(persona).unwrap().unwrap();
            let mut edit = PersonaEdit::from_soggetto(&stored, None);
            edit.set("telefono", Some("075 1234567"));
            ok(svc.save_persona(actor, &edit, today()))
        }
        Op::RegisterAnonymous => ok(svc.register_anonymous(actor, None)),
        Op::SetPrivacy => ok(svc.set_privacy(
            actor,
            persona,
            Privacy::Firmato,
            Some("2026-11-01"),
            None,
            today(),
        )),
        Op::ImportAnagrafe => {
            let csv = w.dir.path().join("anagrafe.csv");
            std::fs::write(
                &csv,
                "CODICE_FISCALE;COGNOME;NOME;SESSO;DATA_NASCITA\nRSSMRA70A01G478Z;ROSSI;MARIO;M;01/01/1970\n",
            )
            .unwrap();
            let opts = sportello::anagrafe::Options {
                dry_run: true,
                ..sportello::anagrafe::Options::new(true)
            };
            let mut file = sportello::anagrafe::open(&csv, &opts).unwrap();
            let r = svc.import_anagrafe(actor, &mut file, &opts, &mut |_| Ok(()));
            // The import's own error type: a refusal comes back as its Italian text.
            return Some(r.map(|_| ()).map_err(|e| Error::Denied(e.to_string())));
        }
        Op::ListSchede => ok(svc.list_schede(actor, &Filtro::default(), 100)),
        Op::ReadScheda => return Some(svc.read_scheda(actor, scheda.0, "test").map(|_| ())),
        Op::NewScheda => ok(svc.scheda_form(actor, None, persona, &[])),
        Op::SaveScheda => {
            // Own ente: a new scheda (it goes to the actor's ente). Other ente: an edit of theirs.
            return Some(match side {
                Side::Own => svc
                    .save_scheda(actor, &scheda_edit(persona, &actor.username), false, today())
                    .map(|_| ()),
                Side::Other => {
                    let mut e = scheda_edit(persona, collega);
                    e.id = Some(scheda.0);
                    e.version = scheda.1;
                    svc.save_scheda(actor, &e, false, today()).map(|_| ())
                }
            });
        }
        Op::DeleteScheda => {
            return Some(svc.delete_scheda(actor, scheda.0, scheda.1, "motivo"));
        }
        Op::RestoreScheda => return Some(svc.restore_scheda(actor, deleted.0, deleted.1)),
        Op::DuplicateScheda => {
            return Some(svc.duplicate_scheda(actor, scheda.0, today()).map(|_| ()));
        }
        Op::Contatori => ok(svc.contatori(actor, today())),
        Op::PrintScheda => {
            return Some(svc.print_scheda(actor, scheda.0, &scheda_def(), &out, now()));
        }
        Op::PrintPrivacy => ok(svc.print_privacy(actor, persona, &out, now())),
        Op::PrintBlank => ok(svc.print_blank(actor, &scheda_def(), &out)),
        Op::ListRecordings => ok(svc.recordings(actor, &w.dir.path().join("reg"))),
        Op::OpenRecording => {
            let dir = w.dir.path().join("reg");
            let name = recording_of(&dir, ente);
            return Some(svc.open_recording(actor, &dir, &name).map(|_| ()));
        }
        Op::ListCrashReports => ok(svc.crash_reports(actor, &w.dir.path().join("crash"))),
        Op::ReadCrashReport => {
            let dir = w.dir.path().join("crash");
            let id = crash_of(&dir, ente);
            return Some(svc.read_crash_report(actor, &dir, &id).map(|_| ()));
        }
        Op::RequestRecording => {
            return Some(
                svc.request_recording(actor, collega, "42/2026", false, 7, NOW_MS)
                    .map(|_| ()),
            );
        }
        Op::ListRecordingRequests => ok(svc.recording_requests(actor)),
        Op::CancelRecordingRequest => {
            let sys = Actor::system(None, None);
            let id = svc
                .request_recording(&sys, collega, "42/2026", false, 7, NOW_MS)
                .unwrap();
            return Some(svc.cancel_recording_request(actor, id));
        }
        Op::StartRequestedRecording => ok(svc.start_requested_recording(actor, NOW_MS)),
        Op::Anonymize => ok(svc.anonymize(actor, &w.dir.path().join("pseudo.db"))),
        Op::ExportSchede => ok(svc.export_schede(
            actor,
            &Filtro::default(),
            &scheda_def(),
            Format::Csv,
            &w.dir.path().join("schede.csv"),
        )),
        Op::ListProposte => ok(svc.proposte(actor, true)),
        Op::ReadProposta => return Some(svc.read_proposta(actor, proposta).map(|_| ())),
        Op::AcceptProposta => {
            return Some(svc.prendi_in_carico(actor, proposta, today()).map(|_| ()));
        }
        Op::SeenProposta => return Some(svc.proposta_vista(actor, proposta, today()).map(|_| ())),
        Op::RefuseProposta => {
            return Some(svc.respingi_proposta(actor, proposta, "non di competenza"));
        }
        Op::ListCasi => ok(svc.list_casi(actor, &FiltroCasi::default(), true)),
        Op::ReadCaso => {
            return Some(svc.read_cartella(actor, caso.0, Sezione::Cronologia, true).map(|_| ()));
        }
        Op::ChangeStato => {
            let c = CambioStato {
                caso_id: caso.0,
                version: caso.1,
                a: "preso_in_carico".into(),
                data: "2026-11-29".into(),
                ..Default::default()
            };
            return Some(svc.cambia_stato(actor, &c).map(|_| ()));
        }
        Op::SaveDiario => {
            let d = Diario {
                caso_id: caso.0,
                tipo: "colloquio".into(),
                data: "2026-11-29".into(),
                testo: "Colloquio in sede".into(),
                ..Default::default()
            };
            return Some(svc.save_diario(actor, &d).map(|_| ()));
        }
        Op::SavePai => {
            let p = Pai {
                caso_id: caso.0,
                tipo: "pai".into(),
                motivazioni: "Sostegno".into(),
                verifica_mesi: 3,
                data_inizio: "2026-11-29".into(),
                prossima_verifica: "2027-02-28".into(),
                ..Default::default()
            };
            return Some(svc.save_pai(actor, &p).map(|_| ()));
        }
        Op::SaveIsee => {
            let i = Isee {
                caso_id: caso.0,
                tipo: "ordinario".into(),
                data_dsu: "2026-01-15".into(),
                scadenza: "2026-12-31".into(),
                ise_cents: 1_200_000,
                scala_cents: 157,
                isee_cents: 764_331,
                ..Default::default()
            };
            return Some(svc.save_isee(actor, &i).map(|_| ()));
        }
        Op::SaveCartella => {
            let mut dati = serde_json::Map::new();
            dati.insert("autosufficienza".into(), Value::from("AUTO"));
            return Some(
                svc.save_cartella(actor, caso.0, Sezione::DatiSociali, &dati, "2026-11-29")
                    .map(|_| ()),
            );
        }
        Op::SaveValutazione => {
            // Assessments need "dati riservati": granted in the actor's own ente.
            let sys = Actor::system(None, None);
            svc.set_riservati(&sys, &actor.username, w.a.id, true).unwrap();
            let v = Valutazione {
                caso_id: caso.0,
                modulo: "valutazione_multidimensionale".into(),
                modulo_versione: 1,
                data: "2026-11-29".into(),
                dati: r#"{"adl":"2"}"#.into(),
                ..Default::default()
            };
            return Some(svc.save_valutazione(actor, &v).map(|_| ()));
        }
        Op::AddDocumento => {
            let src = w.dir.path().join("relazione.txt");
            std::fs::write(&src, "Relazione del servizio").unwrap();
            let nuovo = NuovoDocumento {
                caso_id: caso.0,
                titolo: "Relazione".into(),
                tipo: "relazione".into(),
                data: "2026-11-29".into(),
                privato: false,
            };
            let archivio = Archivio::of_database(&w.dir.path().join("d.db"), 50);
            return Some(svc.add_documento(actor, &archivio, &nuovo, &src).map(|_| ()));
        }
        Op::ExportDocumento => {
            let src = w.dir.path().join("certificato.txt");
            std::fs::write(&src, "Certificato").unwrap();
            let nuovo = NuovoDocumento {
                caso_id: caso.0,
                titolo: "Certificato".into(),
                tipo: "certificato".into(),
                data: "2026-11-29".into(),
                privato: false,
            };
            let archivio = Archivio::of_database(&w.dir.path().join("d.db"), 50);
            let resp = if side == Side::Own { "resp_a" } else { "resp_b" };
            let resp = svc.store().operatore_by_username(resp).unwrap().unwrap();
            let resp = Actor::operatore(&resp, None, None);
            let id = svc.add_documento(&resp, &archivio, &nuovo, &src).unwrap();
            let out = w.dir.path().join("esportato.txt");
            return Some(svc.export_documento(actor, &archivio, id, &out).map(|_| ()));
        }
        Op::ConfigureCategorie => {
            return Some(svc.set_categorie_ufficio(actor, ufficio, &["anziani".to_string()]));
        }
        Op::GrantRiservati => return Some(svc.set_riservati(actor, collega, ente, true)),
        Op::Changes => ok(svc.modifiche(actor)),
        Op::AuditAccessi => ok(svc.audit_accessi(actor, "RSSNNA70C41G478X", None, None)),
        Op::ExportCasi => ok(svc.export_casi(
            actor,
            &FiltroCasi::default(),
            Format::Csv,
            &w.dir.path().join("casi.csv"),
        )),
        Op::PrintCartella => return Some(svc.print_cartella(actor, caso.0, &out, now())),
        Op::PrintPai => return Some(svc.print_pai(actor, caso.0, pai, &out, now())),
        Op::OpenCaso => {
            let sys = Actor::system(None, None);
            let mut edit = PersonaEdit::default();
            for (k, v) in [
                ("cognome", "Verdi"),
                ("nome", "Giovanni"),
                ("sesso", "M"),
                ("data_nascita", "1945-03-12"),
                ("luogo_nascita", "G478"),
                ("codice_fiscale", "VRDGNN45C12G478J"),
            ] {
                edit.set(k, Some(v));
            }
            svc.store_mut().save_persona(&sys, &edit, None).unwrap();
            ok(svc.apri_caso(actor, "VRDGNN45C12G478J", "anziani", today()))
        }
        Op::AssignOperatore => {
            let resp = if side == Side::Own { "resp_a" } else { "resp_b" };
            return Some(svc.set_operatore_caso(actor, caso.0, resp, Some(true), today()));
        }
        Op::ShareCaso => {
            return Some(svc.condividi_caso(
                actor,
                caso.0,
                sportello::domain::caso::Unita::Ufficio(ufficio),
                true,
                today(),
            ));
        }
        Op::ListNomenclatore => ok(svc.nomenclatore(actor, Some("anziani"))),
        Op::ImportPrestazioniSiuss => ok(svc.import_prestazioni_siuss(
            actor,
            &[PrestazioneSiuss {
                codice: "A2.07".into(),
                denominazione: Some("Assistenza domiciliare socio-assistenziale".into()),
                attivo: true,
                ..Default::default()
            }],
        )),
        Op::AddTipoIntervento => {
            let t = NuovoTipo {
                ente_id: ente,
                codice: "SAD1".into(),
                etichetta: "Assistenza domiciliare anziani".into(),
                siuss_codice: Some("A2.07".into()),
                ..Default::default()
            };
            return Some(svc.add_tipo_intervento(actor, &t).map(|_| ()));
        }
        Op::AddProgetto => {
            let p = Progetto {
                ente_id: ente,
                codice: "FNA".into(),
                titolo: "Fondo non autosufficienza".into(),
                ..Default::default()
            };
            return Some(svc.add_progetto(actor, &p).map(|_| ()));
        }
        Op::SaveIntervento => {
            let i = svc.store().intervento(intervento.0).unwrap().unwrap();
            return Some(svc.save_intervento(actor, &i).map(|_| ()));
        }
        Op::ReadIntervento => return Some(svc.read_intervento(actor, intervento.0).map(|_| ())),
        Op::ListInterventi => ok(svc.interventi(actor, persona)),
        Op::AddFoglio => {
            let f = Foglio {
                intervento_id: intervento.0,
                tipo: "A".into(),
                data: "2026-11-29".into(),
                ..Default::default()
            };
            return Some(svc.add_foglio(actor, &f, intervento.1).map(|_| ()));
        }
        Op::SaveErogazione => {
            let e = svc.store().erogazione(erogazione.0).unwrap().unwrap();
            return Some(svc.save_erogazione(actor, &e).map(|_| ()));
        }
        Op::ReadErogazione => return Some(svc.read_erogazione(actor, erogazione.0).map(|_| ())),
        Op::SearchErogazioni => ok(svc.search_erogazioni(actor, &Default::default())),
        Op::ExportErogazioni => ok(svc.export_erogazioni(
            actor,
            &Default::default(),
            Format::Csv,
            &out.with_extension("csv"),
        )),
        Op::ExportSiuss => ok(svc.export_siuss(
            actor,
            &RichiestaSiuss {
                ente_id: None,
                dal: "2026-01-01".into(),
                al: "2026-11-29".into(),
                cf_operatore: Some("VRDLGU75M10G478H".into()),
                out: Some(w.dir.path().join("siuss.xml")),
                archivio: None,
                giorno: today(),
            },
            &Progress::default(),
        )),
        Op::ListSiuss => ok(svc.siuss_flussi(actor, 10)),
        Op::PrintPor => return Some(svc.print_por(actor, erogazione.0, &out, now())),
        Op::PrintPorScheda => {
            return Some(svc.print_por_scheda(actor, scheda.0, &scheda_def(), &out, now()));
        }
        Op::ListRichieste => return Some(svc.richieste_scheda(actor, scheda.0, &[]).map(|_| ())),
        Op::SaveRichiesta => {
            let s = own_scheda(&mut svc, actor, (ente, ufficio), persona);
            return Some(svc.save_richiesta(actor, &richiesta(s), today()).map(|_| ()));
        }
        Op::DeleteRichiesta => {
            let s = own_scheda(&mut svc, actor, (ente, ufficio), persona);
            let (r, v) = svc.store_mut().save_richiesta(actor, &richiesta(s)).unwrap();
            return Some(svc.delete_richiesta(actor, r, v));
        }
        Op::SaveConsuntivo => {
            let s = own_scheda(&mut svc, actor, (ente, ufficio), persona);
            let (r, _) = svc.store_mut().save_richiesta(actor, &richiesta(s)).unwrap();
            return Some(svc.save_consuntivo(actor, &consuntivo(r), today()).map(|_| ()));
        }
        Op::DeleteConsuntivo => {
            let s = own_scheda(&mut svc, actor, (ente, ufficio), persona);
            let (r, _) = svc.store_mut().save_richiesta(actor, &richiesta(s)).unwrap();
            let (c, v) = svc.store_mut().save_consuntivo(actor, &consuntivo(r)).unwrap();
            return Some(svc.delete_consuntivo(actor, r, c, v));
        }
        Op::InterventiScheda => {
            return Some(svc.interventi_scheda(actor, scheda.0, today()).map(|_| ()));
        }
        Op::AddDocumentoScheda => {
            let s = own_scheda(&mut svc, actor, (ente, ufficio), persona);
            let src = w.dir.path().join("isee.txt");
            std::fs::write(&src, "Attestazione ISEE").unwrap();
            let archivio = Archivio::of_database(&w.dir.path().join("d.db"), 50);
            let nuovo = NuovoDocumento {
                titolo: "Attestazione ISEE".into(),
                tipo: "certificato".into(),
                data: "2026-11-29".into(),
                ..Default::default()
            };
            return Some(
                svc.add_documento_scheda(actor, &archivio, s, &nuovo, &src)
                    .map(|_| ()),
            );
        }
        Op::ListDocumentiScheda => {
            return Some(svc.documenti_scheda(actor, scheda.0).map(|_| ()));
        }
        Op::ExportDocumentoScheda => {
            let src = w.dir.path().join("contratto.txt");
            std::fs::write(&src, "Contratto di locazione").unwrap();
            let archivio = Archivio::of_database(&w.dir.path().join("d.db"), 50);
            let nuovo = NuovoDocumento {
                titolo: "Contratto".into(),
                tipo: "contratto".into(),
                data: "2026-11-29".into(),
                ..Default::default()
            };
            let resp = if side == Side::Own { "resp_a" } else { "resp_b" };
            let resp = svc.store().operatore_by_username(resp).unwrap().unwrap();
            let resp = Actor::operatore(&resp, None, None);
            let id = svc
                .add_documento_scheda(&resp, &archivio, scheda.0, &nuovo, &src)
                .unwrap();
            let out = w.dir.path().join("esportato.txt");
            return Some(
                svc.export_documento_scheda(actor, &archivio, id, &out)
                    .map(|_| ()),
            );
        }
        Op::ImpostazioniUfficio => {
            return Some(svc.impostazioni_ufficio(actor, ufficio).map(|_| ()));
        }
        Op::ConfigureSportello => {
            let s = ImpostazioniUfficio {
                ufficio_id: ufficio,
                req_servizi: true,
                vis_interventi: true,
                ..Default::default()
            };
            return Some(svc.save_impostazioni_ufficio(actor, &s).map(|_| ()));
        }
        Op::ListOrganizzazioni => ok(svc.organizzazioni(actor)),
        Op::SaveOrganizzazione => ok(svc.save_organizzazione(
            actor,
            &sportello::domain::organizzazione::Organizzazione {
                nome: "Caritas diocesana".into(),
                tipo: "terzo_settore".into(),
                attivo: true,
                settori: vec![sportello::domain::organizzazione::Settore {
                    nome: "Centro di ascolto".into(),
                    inviante: true,
                    attivo: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        )),
        Op::SavePuntoContatto => {
            let p = sportello::domain::organizzazione::PuntoContatto {
                ufficio_id: ufficio,
                nome: "Sede distaccata".into(),
                attivo: true,
                ..Default::default()
            };
            return Some(svc.save_punto_contatto(actor, &p).map(|_| ()));
        }
        Op::AnnullaInvio => {
            // The ente's scheda sent to the other ente's office, not opened yet.
            let sys = Actor::system(None, None);
            let mut s = svc.store().scheda(scheda.0).unwrap().unwrap();
            s.edit.invio_ufficio_id = Some(altro_ufficio);
            let save = SchedaSave {
                ente_id: ente,
                ufficio_id: Some(ufficio),
                completa: true,
                proposta_ente: None,
            };
            let saved = svc.store_mut().save_scheda(&sys, &s.edit, save).unwrap();
            return Some(svc.annulla_invio(actor, scheda.0, saved.version));
        }
        Op::ConsegnaAvvisi => {
            let mailer = sportello::mail::Mailer {
                trasporto: sportello::mail::Trasporto::Sendmail("/bin/true".into()),
                mittente: "sportello@comune.example.it".into(),
            };
            ok(svc.consegna_avvisi(actor, &mailer, false))
        }
        Op::RapportoSportello => {
            let mese = Mese::parse("2026-11").unwrap();
            return Some(svc.rapporto_sportello(actor, ufficio, mese).map(|_| ()));
        }
    }
    .filter(|_| side == Side::Own)
}

/// What the table says: the role holds the permission, and an operation on a record of an ente
/// stays in the actor's enti.
fn expected(op: Op, role: Role, side: Side) -> bool {
    let rule = op.rule();
    let actor_roles = RoleSet::from_roles(&[role]);
    let probe = Actor {
        operatore_id: Some(1),
        username: "probe".into(),
        roles: actor_roles,
        enti: vec![1],
        ufficio_id: None,
        os_user: None,
        ssh_client: None,
        ruoli: vec![(1, actor_roles)],
    };
    rule.need.allows(&probe) && (side == Side::Own || rule.scope == Scope::Installation)
}

#[test]
fn every_operation_by_every_role_in_own_and_other_ente() {
    let mut combos = 0;
    let mut failures = Vec::new();
    for rule in RULES {
        for role in Role::ALL {
            for side in [Side::Own, Side::Other] {
                let (mut w, actors) = world();
                let actor = actors.iter().find(|(r, _)| *r == role).unwrap().1.clone();
                let before = w.store.audit_tail(1).unwrap()[0].id;
                let Some(result) = invoke(&mut w, &actor, rule.op, side) else {
                    continue;
                };
                combos += 1;
                let want = expected(rule.op, role, side);
                let label = format!("{:?} by {} on {:?} ente", rule.op, role.code(), side);
                match (&result, want) {
                    (Ok(()), true) => {}
                    (Err(e), false) => {
                        let msg = e.to_string();
                        if !(msg.starts_with("operazione non consentita")
                            || msg.starts_with("non trovato"))
                        {
                            failures
                                .push(format!("{label}: refused with an unexpected error: {msg}"));
                        }
                        let denied = w
                            .store
                            .audit_tail(20)
                            .unwrap()
                            .into_iter()
                            .take_while(|r| r.id > before)
                            .any(|r| {
                                r.event.outcome == Outcome::Denied && r.username == actor.username
                            });
                        if !denied {
                            failures.push(format!("{label}: refused but not audited ({msg})"));
                        }
                    }
                    (Ok(()), false) => {
                        failures.push(format!("{label}: allowed, the table forbids it"))
                    }
                    (Err(e), true) => {
                        failures.push(format!("{label}: refused, the table allows it: {e}"))
                    }
                }
            }
        }
    }
    println!(
        "RBAC matrix: {combos} combinations ({} operations × {} roles × own/other ente where the operation has a target)",
        RULES.len(),
        Role::ALL.len()
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Roles are held per ente and the session is narrowed to one: an operator responsabile in A and
/// sportello in B may delete a scheda only while working in A, and sees B's schede only after
/// switching to B.
#[test]
fn roles_follow_the_ente_of_the_session() {
    let (mut w, _) = world();
    let (a, b) = ((w.a.id, w.a.scheda), (w.b.id, w.b.scheda));
    let sys = Actor::system(None, None);
    let mut svc = Service::new(&mut w.store);
    let in_a = operator(
        &mut svc,
        &sys,
        "doppio",
        &[Role::Responsabile],
        a.0,
        w.a.ufficio,
    );
    let sportello = RoleSet::from_roles(&[Role::Sportello]);
    let ruoli = svc.set_ruoli(&sys, "doppio", b.0, sportello).unwrap();
    assert_eq!(
        ruoli,
        vec![
            (a.0, RoleSet::from_roles(&[Role::Responsabile])),
            (b.0, sportello)
        ]
    );
    // In A: B's scheda is out of scope (like a missing one) although the operator works for B.
    let err = svc.read_scheda(&in_a, b.1.0, "test").unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err}");
    // In B: a sportello; deleting is a responsabile's, refused and audited.
    let in_b = svc.cambia_ente(&in_a, b.0).unwrap().actor;
    assert_eq!((in_b.enti.clone(), in_b.roles), (vec![b.0], sportello));
    svc.read_scheda(&in_b, b.1.0, "test").unwrap();
    let err = svc
        .delete_scheda(&in_b, b.1.0, b.1.1, "motivo")
        .unwrap_err();
    assert!(
        err.to_string().starts_with("operazione non consentita"),
        "{err}"
    );
    let last = &svc.store().audit_tail(1).unwrap()[0];
    assert_eq!(
        (
            last.event.action.as_str(),
            last.event.outcome,
            last.username.as_str()
        ),
        ("elimina_scheda", Outcome::Denied, "doppio")
    );
    // Back in A: allowed.
    let in_a = svc.cambia_ente(&in_b, a.0).unwrap().actor;
    svc.delete_scheda(&in_a, a.1.0, a.1.1, "motivo").unwrap();
    let switches = svc
        .store()
        .audit_tail(20)
        .unwrap()
        .into_iter()
        .filter(|r| r.event.action == "cambia_ente" && r.event.outcome == Outcome::Ok)
        .count();
    assert_eq!(switches, 2);
    // Taking B from the operator ends a session working in B.
    let mut op = svc
        .store()
        .operatore_by_username("doppio")
        .unwrap()
        .unwrap();
    op.enti = vec![a.0];
    svc.store_mut().update_operatore(&sys, &op).unwrap();
    let err = svc.home(&in_b, today()).unwrap_err();
    assert!(
        err.to_string().contains(sportello::service::ENTE_REVOKED),
        "{err}"
    );
    svc.home(&in_a, today()).unwrap();
}
