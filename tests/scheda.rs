//! Schede di accesso through the service layer on a demo database: in sospeso and complete, the
//! proposal of presa in carico and its withdrawal, conflicts, who may edit, private notes, delete
//! and restore, duplicate, filters, counters, audited reads, printing and exports.

mod common;

#[path = "common/pdf.rs"]
mod pdf;

use serde_json::Value;
use sportello::domain::persona::Privacy;
use sportello::domain::scheda::{Filtro, NOTA_RISERVATA, SchedaEdit, Stato};
use sportello::domain::{Actor, Permission};
use sportello::export::Format;
use sportello::forms::Screens;
use sportello::service::{self, scheda as schede};
use sportello::store::StoreError;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::new_utc(today(), time::Time::from_hms(10, 42, 0).unwrap())
}

fn setup() -> SqliteStore {
    common::fixture::demo_in_memory(40)
}

fn actor(s: &SqliteStore, user: &str) -> Actor {
    Actor::operatore(&s.operatore_by_username(user).unwrap().unwrap(), None, None)
}

/// The adult demo persons.
fn adults(s: &SqliteStore) -> Vec<i64> {
    (1..40)
        .filter(|id| {
            s.soggetto(*id)
                .unwrap()
                .is_some_and(|p| p.data_nascita.as_deref().is_some_and(|d| d < "1990"))
        })
        .collect()
}

fn adult(s: &SqliteStore) -> i64 {
    adults(s)[0]
}

fn complete(soggetto_id: i64, operatore: &str) -> SchedaEdit {
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
        ("telefono", "075 5550000"),
        ("nota_pubblica", "Colloquio informativo"),
    ] {
        e.dati.insert(k.into(), Value::from(v));
    }
    // No residence to give: senza fissa dimora (the residence rules are tested on their own).
    e.dati
        .insert("senza_fissa_dimora".into(), Value::Bool(true));
    e
}

fn bisogno_code(s: &SqliteStore) -> String {
    s.codes("bisogni").unwrap()[3].codice.clone()
}

#[test]
fn incomplete_then_complete_then_pic_proposal_then_withdrawn() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let p = adult(&s);
    let mut e = complete(p, "sportello");
    e.esito = None;
    e.dati.remove("modalita_accesso");
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    assert!(!out.completa);
    let fields: Vec<&str> = out.problemi.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["modalita_accesso", "esito"]);
    let id = out.saved.id;
    assert_eq!(s.scheda(id).unwrap().unwrap().stato, Stato::InSospeso);

    // Completed as a proposal of presa in carico: a category is required first.
    let mut e = complete(p, "sportello");
    e.id = Some(id);
    e.version = out.saved.version;
    e.esito = Some("pic".into());
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    assert!(!out.completa);
    assert_eq!(out.problemi[0].0, "categorie_sociali");
    e.version = out.saved.version;
    e.categorie_sociali = vec![s.codes("categoria_sociale").unwrap()[0].codice.clone()];
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    assert!(out.completa, "{:?}", out.problemi);
    assert_eq!(out.proposta_ente, a.enti.first().copied());
    let sc = s.scheda(id).unwrap().unwrap();
    assert_eq!(
        (sc.stato, sc.proposta.as_deref()),
        (Stato::Inviata, Some("inviata"))
    );

    // Sent to the capofila when asked (the demo capofila is the first comune).
    e.version = out.saved.version;
    e.dati.insert("invia_capofila".into(), Value::Bool(true));
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    assert_eq!(
        s.scheda(id).unwrap().unwrap().proposta.as_deref(),
        Some("modificata")
    );
    assert!(out.proposta_ente.is_some());

    // The esito changes: the unhandled proposal is withdrawn.
    e.version = out.saved.version;
    e.esito = Some("info".into());
    sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    let sc = s.scheda(id).unwrap().unwrap();
    assert_eq!(
        (sc.stato, sc.proposta.as_deref()),
        (Stato::Completa, Some("ritirata"))
    );
}

#[test]
fn an_anonymous_user_cannot_be_proposed() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let anon = sportello::service::Service::new(&mut s)
        .register_anonymous(&a, None)
        .unwrap();
    let mut e = complete(anon, "sportello");
    e.esito = Some("pic".into());
    e.categorie_sociali = vec!["famiglia_minori".into()];
    e.dati.remove("telefono");
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    assert!(!out.completa);
    assert!(
        out.problemi
            .iter()
            .any(|(f, m)| f == "esito" && m.contains("anonimo"))
    );
    assert_eq!(s.scheda(out.saved.id).unwrap().unwrap().proposta, None);
}

#[test]
fn bad_input_is_refused_or_kept_in_sospeso_with_the_reason() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let p = adult(&s);
    let mut e = complete(p, "sportello");
    e.data_accesso = "2026-11-30".into();
    let err = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap_err();
    assert!(err.to_string().contains("successiva a oggi"), "{err}");
    let cases = [
        ("motivo_accesso", "convocato", "motivo_desc", "Convocato"),
        ("motivo_accesso", "inviato", "inviato_da", "inviante"),
        (
            "interlocutore",
            "organizzazione",
            "int_ente_servizio",
            "Organizzazione",
        ),
    ];
    for (k, v, field, words) in cases {
        let mut e = complete(p, "sportello");
        e.dati.insert(k.into(), v.into());
        let out = sportello::service::Service::new(&mut s)
            .save_scheda(&a, &e, false, today())
            .unwrap();
        assert!(!out.completa);
        let (f, m) = &out.problemi[0];
        assert_eq!(f, field);
        assert!(m.contains(words), "{m}");
    }
    // A form with a required field left empty keeps the scheda in sospeso.
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &complete(p, "sportello"), true, today())
        .unwrap();
    assert!(!out.completa);
    // A 20,000-character note is kept whole.
    let mut e = complete(p, "sportello");
    let long = "Nota lunga. ".repeat(1700);
    e.dati.insert("nota_pubblica".into(), long.clone().into());
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    let back = s.scheda(out.saved.id).unwrap().unwrap();
    assert_eq!(back.edit.text("nota_pubblica"), long);
}

#[test]
fn two_operators_editing_the_same_scheda_conflict() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let r = actor(&s, "responsabile");
    let p = adult(&s);
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &complete(p, "sportello"), false, today())
        .unwrap();
    let first = sportello::service::Service::new(&mut s)
        .read_scheda(&a, out.saved.id, "test")
        .unwrap();
    let second = sportello::service::Service::new(&mut s)
        .read_scheda(&r, out.saved.id, "test")
        .unwrap();
    let mut e1 = first.edit.clone();
    e1.dati.insert("descrizione".into(), "prima".into());
    sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e1, false, today())
        .unwrap();
    let mut e2 = second.edit.clone();
    e2.dati.insert("descrizione".into(), "seconda".into());
    let err = sportello::service::Service::new(&mut s)
        .save_scheda(&r, &e2, false, today())
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
}

#[test]
fn others_read_only_and_private_notes_hidden_from_them() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let other = actor(&s, "assistente_sociale");
    let resp = actor(&s, "responsabile");
    let p = adult(&s);
    let mut e = complete(p, "sportello");
    e.nota_privata = Some("Riferisce violenza domestica".into());
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    let id = out.saved.id;

    let seen = sportello::service::Service::new(&mut s)
        .read_scheda(&other, id, "test")
        .unwrap();
    assert_eq!(seen.edit.nota_privata.as_deref(), Some(NOTA_RISERVATA));
    assert!(!schede::can_edit(&other, &seen));
    let err = sportello::service::Service::new(&mut s)
        .save_scheda(&other, &seen.edit, false, today())
        .unwrap_err();
    assert!(matches!(err, StoreError::Denied(_)), "{err}");

    let by_resp = sportello::service::Service::new(&mut s)
        .read_scheda(&resp, id, "test")
        .unwrap();
    assert_eq!(
        by_resp.edit.nota_privata.as_deref(),
        Some("Riferisce violenza domestica")
    );
    assert!(schede::can_edit(&resp, &by_resp));
    // Every read is in the audit log.
    let reads = s
        .audit_tail(20)
        .unwrap()
        .into_iter()
        .filter(|r| r.event.action == "leggi_scheda" && r.event.entity_id == Some(id))
        .count();
    assert_eq!(reads, 2);
}

#[test]
fn delete_needs_permission_and_a_reason_and_admin_restores() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let resp = actor(&s, "responsabile");
    let admin = actor(&s, "admin");
    let p = adult(&s);
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &complete(p, "sportello"), false, today())
        .unwrap();
    let id = out.saved.id;
    let v = out.saved.version;
    assert!(matches!(
        sportello::service::Service::new(&mut s)
            .delete_scheda(&a, id, v, "errore")
            .unwrap_err(),
        StoreError::Denied(_)
    ));
    assert!(
        sportello::service::Service::new(&mut s)
            .delete_scheda(&resp, id, v, " ")
            .is_err()
    );
    sportello::service::Service::new(&mut s)
        .delete_scheda(&resp, id, v, "Inserita due volte")
        .unwrap();
    let listed = sportello::service::Service::new(&mut s)
        .list_schede(&a, &Filtro::default(), 100)
        .unwrap();
    assert!(listed.iter().all(|r| r.id != id));
    let deleted = sportello::service::Service::new(&mut s)
        .list_schede(
            &resp,
            &Filtro {
                stato: Some(Stato::Eliminata),
                ..Default::default()
            },
            100,
        )
        .unwrap();
    assert_eq!(deleted.len(), 1);
    assert!(
        sportello::service::Service::new(&mut s)
            .read_scheda(&a, id, "test")
            .is_err()
    );
    let v = s.scheda(id).unwrap().unwrap().edit.version;
    assert!(
        sportello::service::Service::new(&mut s)
            .restore_scheda(&resp, id, v)
            .is_err()
    );
    sportello::service::Service::new(&mut s)
        .restore_scheda(&admin, id, v)
        .unwrap();
    assert_eq!(s.scheda(id).unwrap().unwrap().stato, Stato::Completa);
}

#[test]
fn duplicate_makes_a_new_visit_dated_today() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let p = adult(&s);
    let mut e = complete(p, "sportello");
    e.data_accesso = "2026-10-01".into();
    e.dati.insert("int_cognome".into(), "Bianchi".into());
    e.nota_privata = Some("riservato".into());
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    let copy = sportello::service::Service::new(&mut s)
        .duplicate_scheda(&a, out.saved.id, today())
        .unwrap();
    assert_ne!(copy.id, out.saved.id);
    assert_eq!(copy.numero, out.saved.numero + 1);
    let c = s.scheda(copy.id).unwrap().unwrap();
    assert_eq!(c.edit.data_accesso, "2026-11-29");
    assert_eq!(c.edit.soggetto_id, p);
    assert_eq!(c.edit.bisogni, ["b102"]);
    assert_eq!(c.edit.text("int_cognome"), "Bianchi");
    assert_eq!(c.edit.nota_privata, None);
    assert_eq!(c.edit.text("nota_pubblica"), "");
    assert_eq!(c.stato, Stato::InSospeso);
}

#[test]
fn filters_and_counters() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let other = actor(&s, "assistente_sociale");
    let resp = actor(&s, "responsabile");
    let ad = adults(&s);
    let p = ad[0];
    let b = bisogno_code(&s);
    let mut e1 = complete(p, "sportello");
    e1.data_accesso = "2026-11-02".into();
    sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e1, false, today())
        .unwrap();
    let mut e2 = complete(ad[1], "assistente_sociale");
    e2.bisogni = vec![b.clone()];
    e2.esito = None;
    sportello::service::Service::new(&mut s)
        .save_scheda(&other, &e2, false, today())
        .unwrap();
    let mut e3 = complete(ad[2], "sportello");
    e3.esito = Some("pic".into());
    e3.categorie_sociali = vec!["famiglia_minori".into()];
    sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e3, false, today())
        .unwrap();

    let count = |s: &mut SqliteStore, f: Filtro| {
        sportello::service::Service::new(s)
            .list_schede(&a, &f, 100)
            .unwrap()
            .len()
    };
    assert_eq!(count(&mut s, Filtro::default()), 3);
    assert_eq!(
        count(
            &mut s,
            Filtro {
                dal: Some("2026-11-10".into()),
                ..Default::default()
            }
        ),
        2
    );
    assert_eq!(
        count(
            &mut s,
            Filtro {
                operatore: Some("assistente_sociale".into()),
                ..Default::default()
            }
        ),
        1
    );
    assert_eq!(
        count(
            &mut s,
            Filtro {
                stato: Some(Stato::InSospeso),
                ..Default::default()
            }
        ),
        1
    );
    assert_eq!(
        count(
            &mut s,
            Filtro {
                stato: Some(Stato::Inviata),
                ..Default::default()
            }
        ),
        1
    );
    assert_eq!(
        count(
            &mut s,
            Filtro {
                esito: Some("pic".into()),
                ..Default::default()
            }
        ),
        1
    );
    assert_eq!(
        count(
            &mut s,
            Filtro {
                bisogno: Some(b),
                ..Default::default()
            }
        ),
        1
    );
    assert_eq!(
        count(
            &mut s,
            Filtro {
                soggetti: Some(vec![p]),
                ..Default::default()
            }
        ),
        1
    );
    let c = sportello::service::Service::new(&mut s)
        .contatori(&resp, today())
        .unwrap();
    assert_eq!((c.oggi, c.in_sospeso, c.proposte), (2, 1, 1));
    assert!(
        matches!(
            sportello::service::Service::new(&mut s).contatori(&a, today()),
            Err(StoreError::Denied(_))
        ),
        "only the responsabile"
    );
    assert!(resp.can(Permission::Reports));
}

#[test]
fn the_privacy_consent_ticked_in_the_scheda_is_recorded_for_the_person() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let p = adult(&s);
    let mut e = complete(p, "sportello");
    e.dati.insert("privacy_consenso".into(), Value::Bool(true));
    e.dati.insert("privacy_data".into(), "2026-11-28".into());
    sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    let c = &s.privacy(p).unwrap()[0];
    assert_eq!(
        (c.stato, c.data_firma.as_deref()),
        (Privacy::Firmato, Some("2026-11-28"))
    );
}

#[test]
fn printed_scheda_privacy_form_and_blank_scheda_hold_any_script() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let mut new = sportello::domain::persona::PersonaEdit::default();
    for (k, v) in [
        ("cognome", "Țăran"),
        ("nome", "Ștefan"),
        ("sesso", "M"),
        ("data_nascita", "1975-05-05"),
        ("luogo_nascita", "Z129"),
    ] {
        new.set(k, Some(v));
    }
    let p = match sportello::service::Service::new(&mut s)
        .save_persona(&a, &new, today())
        .unwrap()
    {
        service::PersonaSaved::Saved(x) => x.id,
        other => panic!("{other:?}"),
    };
    let mut e = complete(p, "sportello");
    e.dati.insert("int_cognome".into(), "Łukasz".into());
    e.dati.insert("int_nome".into(), "Niccolò".into());
    e.dati.insert("interlocutore".into(), "parente".into());
    e.dati.insert(
        "nota_pubblica".into(),
        "Contributo richiesto: 150,00 € \u{1b}]0;pwn\u{7}=HYPERLINK(\"x\")\u{202e}".into(),
    );
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    let screens = Screens::embedded().unwrap();
    let def = screens.get("scheda").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("scheda.pdf");
    sportello::service::Service::new(&mut s)
        .print_scheda(&a, out.saved.id, def, &pdf, now())
        .unwrap();
    let text = pdf::pdf_file_text(&pdf);
    for needle in [
        "Niccolò",
        "Ștefan",
        "Țăran",
        "Łukasz",
        "€",
        "Scheda di accesso n.",
        "Pagina 1 di",
        "Di persona",
    ] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'));
    assert_eq!(
        s.audit_tail(1).unwrap()[0].event.action,
        "leggi_scheda",
        "printing is an audited read"
    );

    let privacy = dir.path().join("privacy.pdf");
    sportello::service::Service::new(&mut s)
        .print_privacy(&a, p, &privacy, now())
        .unwrap();
    let text = pdf::pdf_file_text(&privacy);
    assert!(
        text.contains("Ștefan") && text.contains("Regolamento UE 2016/679"),
        "{text}"
    );

    let blank = dir.path().join("vuota.pdf");
    sportello::service::Service::new(&mut s)
        .print_blank(&a, def, &blank)
        .unwrap();
    let text = pdf::pdf_file_text(&blank);
    assert!(
        text.contains("Modalità di accesso") && text.contains("Bisogni espressi"),
        "{text}"
    );
}

#[test]
fn export_needs_permission_joins_codes_neutralises_formulas_and_is_audited() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let resp = actor(&s, "responsabile");
    let p = adult(&s);
    let mut e = complete(p, "sportello");
    e.bisogni = vec!["b102".into(), bisogno_code(&s)];
    e.dati
        .insert("descrizione".into(), "=cmd|' /C calc'!A0".into());
    sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    let screens = Screens::embedded().unwrap();
    let def = screens.get("scheda").unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Into a folder that does not exist yet (the output folder of a fresh install).
    let csv = dir.path().join("stampe").join("schede.csv");
    let f = Filtro {
        dal: Some("2026-11-01".into()),
        al: Some("2026-11-30".into()),
        ..Default::default()
    };
    let err = sportello::service::Service::new(&mut s)
        .export_schede(&a, &f, def, Format::Csv, &csv)
        .unwrap_err();
    assert!(matches!(err, StoreError::Denied(_)), "{err}");
    let n = sportello::service::Service::new(&mut s)
        .export_schede(&resp, &f, def, Format::Csv, &csv)
        .unwrap();
    assert_eq!(n, 1);
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("Numero;Data accesso;Cognome"), "{text}");
    assert!(text.contains("Alloggio; "), "bisogni joined: {text}");
    assert!(text.contains("29/11/2026"), "{text}");
    let last = &s.audit_tail(1).unwrap()[0];
    assert_eq!(last.event.action, "esporta_schede");
    let detail = last.event.detail.clone().unwrap_or_default();
    assert!(detail.contains("1 schede in csv"), "{detail}");
    let xlsx = dir.path().join("schede.xlsx");
    sportello::service::Service::new(&mut s)
        .export_schede(&resp, &f, def, Format::Xlsx, &xlsx)
        .unwrap();
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 1000);
    let pdf = dir.path().join("schede.pdf");
    sportello::service::Service::new(&mut s)
        .export_schede(&resp, &f, def, Format::Pdf, &pdf)
        .unwrap();
    assert!(pdf::pdf_file_text(&pdf).contains("Schede di accesso"));
}

#[test]
fn extra_fields_of_the_ente_are_printed_and_exported_like_the_others() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let resp = actor(&s, "responsabile");
    let mut toml =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/screens/scheda.toml"))
            .unwrap();
    toml.push_str(
        r#"
[[section.field]]
id = "contributo_comunale"
label = "Contributo comunale"
kind = "money"
core = false

[[section.field]]
id = "scadenza_isee"
label = "Scadenza ISEE"
kind = "date"
core = false
"#,
    );
    let screens = Screens::load_with(&[(
        std::path::PathBuf::from("/etc/sportello/screens/scheda.toml"),
        toml,
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    let def = screens.get("scheda").unwrap();
    let mut e = complete(adult(&s), "sportello");
    e.dati
        .insert("contributo_comunale".into(), Value::from(15050));
    e.dati
        .insert("scadenza_isee".into(), Value::from("2027-01-31"));
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("s.pdf");
    sportello::service::Service::new(&mut s)
        .print_scheda(&a, out.saved.id, def, &pdf_path, now())
        .unwrap();
    let text = pdf::pdf_file_text(&pdf_path);
    assert!(
        text.contains("Contributo comunale") && text.contains("150,50 €"),
        "{text}"
    );
    assert!(text.contains("31/01/2027"), "{text}");
    let csv = dir.path().join("s.csv");
    sportello::service::Service::new(&mut s)
        .export_schede(&resp, &Filtro::default(), def, Format::Csv, &csv)
        .unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.ends_with("Contributo comunale;Scadenza ISEE"),
        "{header}"
    );
    assert!(
        text.lines().nth(1).unwrap().ends_with("150,50;31/01/2027"),
        "{text}"
    );
}

#[test]
fn a_scheda_sent_to_another_office_is_listed_and_counted_there_until_opened() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    // An office of another comune, and its responsabile.
    let sys = Actor::system(None, None);
    let other_ente = s.ente_by_code("C990").unwrap().unwrap().id;
    assert_ne!(a.enti, [other_ente]);
    let ufficio = s.list_uffici(other_ente).unwrap()[0].id;
    sportello::service::Service::new(&mut s)
        .add_user(
            &sys,
            &sportello::domain::NewOperatore {
                username: "resp2".into(),
                nome: "Rita".into(),
                cognome: "Altri".into(),
                roles: sportello::domain::RoleSet::from_roles(&[
                    sportello::domain::Role::Responsabile,
                ]),
                enti: vec![other_ente],
                ufficio_id: Some(ufficio),
                ..Default::default()
            },
            Some("password-lunga-123"),
        )
        .unwrap();
    let r2 = actor(&s, "resp2");
    let mut e = complete(adult(&s), "sportello");
    e.servizi = vec!["invio_ufficio".into()];
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    assert_eq!(
        out.problemi[0].0, "invio_ufficio",
        "the destination is required"
    );
    e.id = Some(out.saved.id);
    e.version = out.saved.version;
    e.invio_ufficio_id = Some(ufficio);
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap();
    assert!(out.completa, "{:?}", out.problemi);
    assert_eq!(
        s.scheda(out.saved.id).unwrap().unwrap().stato,
        Stato::Inviata
    );

    let listed = sportello::service::Service::new(&mut s)
        .list_schede(&r2, &Filtro::default(), 10)
        .unwrap();
    assert_eq!(listed.len(), 1, "received from the other office");
    let c = sportello::service::Service::new(&mut s)
        .contatori(&r2, today())
        .unwrap();
    assert_eq!(c.ricevute, 1);
    sportello::service::Service::new(&mut s)
        .read_scheda(&r2, out.saved.id, "test")
        .unwrap();
    let c = sportello::service::Service::new(&mut s)
        .contatori(&r2, today())
        .unwrap();
    assert_eq!(c.ricevute, 0, "opened there");
}

#[test]
fn a_consent_dated_in_the_future_refuses_the_save_before_anything_is_written() {
    let mut s = setup();
    let a = actor(&s, "sportello");
    let p = adult(&s);
    let mut e = complete(p, "sportello");
    e.dati.insert("privacy_consenso".into(), Value::Bool(true));
    e.dati.insert("privacy_data".into(), "2026-12-25".into());
    let err = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap_err();
    assert!(err.to_string().contains("successiva a oggi"), "{err}");
    let listed = sportello::service::Service::new(&mut s)
        .list_schede(&a, &Filtro::default(), 10)
        .unwrap();
    assert!(listed.is_empty(), "no scheda saved behind the error");
    assert!(s.privacy(p).unwrap().is_empty());
}
