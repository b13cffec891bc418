//! Interventi and erogazioni through the service door: bad input refused in Italian, two
//! operators editing the same erogazione (Conflict), totals computed from the rows, the link to
//! the person's case, the fogli amministrativi, the list exported with formula-looking text inert.

mod common;
#[path = "common/pdf.rs"]
mod pdf;

use sportello::domain::Actor;
use sportello::domain::erogazioni::{Erogazione, FiltroErogazioni, Foglio, Intervento, Riga};
use sportello::export::Format;
use sportello::service::{Error, Service};
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn setup() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    (dir, SqliteStore::open(&path).unwrap())
}

fn actor(store: &SqliteStore, user: &str) -> Actor {
    Actor::operatore(
        &store.operatore_by_username(user).unwrap().unwrap(),
        None,
        None,
    )
}

fn tipo(store: &SqliteStore, codice: &str) -> i64 {
    store
        .tipi_intervento(None)
        .unwrap()
        .into_iter()
        .find(|t| t.codice == codice)
        .unwrap()
        .id
}

fn riga(data: &str, fine: Option<&str>, q: i64, t: i64) -> Riga {
    Riga {
        stato: "erogata".into(),
        data: data.into(),
        data_fine: fine.map(str::to_string),
        quantita_cent: q,
        tariffa_cents: t,
        ..Default::default()
    }
}

fn domiciliare(store: &SqliteStore, righe: Vec<Riga>) -> Erogazione {
    Erogazione {
        soggetto_id: 1,
        tipo_id: tipo(store, "IS03"),
        categoria_sociale: "anziani".into(),
        erogatore: Some("Cooperativa Sociale Aurora".into()),
        protocollo_domanda: Some("2026/15".into()),
        prova_mezzi: 4,
        carattere: 1,
        in_carico: 1,
        righe,
        ..Default::default()
    }
}

fn invalid(r: Result<(i64, i64), Error>) -> String {
    match r {
        Err(Error::Invalid(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn negative_absurd_and_open_ended_input_is_refused_in_italian() {
    let (_dir, mut store) = setup();
    let amm = actor(&store, "amministrativo");
    let cases = [
        (
            riga("2026-03-01", Some("2026-03-31"), -200, 2_000),
            "maggiore di zero",
        ),
        (
            riga("2026-03-01", Some("2026-03-31"), 2_000, -1),
            "negativa",
        ),
        (
            riga("2026-03-01", Some("2026-03-31"), 2_000_000_000, 2_000),
            "quantità fuori misura",
        ),
        (
            riga("2026-03-01", Some("2026-03-31"), 100, 999_999_999_999),
            "tariffa fuori misura",
        ),
        (riga("2026-03-01", None, 2_000, 2_000), "senza data di fine"),
        (riga("2026-03-31", Some("2026-03-01"), 100, 100), "precede"),
    ];
    for (r, needle) in cases {
        let e = domiciliare(&store, vec![r]);
        let msg = invalid(Service::new(&mut store).save_erogazione(&amm, &e));
        assert!(msg.contains(needle), "{needle}: {msg}");
    }
    let mut dsu = domiciliare(
        &store,
        vec![riga("2026-03-01", Some("2026-03-31"), 100, 100)],
    );
    dsu.prova_mezzi = 1;
    dsu.dsu_anno = Some(2026);
    let msg = invalid(Service::new(&mut store).save_erogazione(&amm, &dsu));
    assert!(msg.contains("tutti o nessuno"), "{msg}");
    let open = Intervento {
        soggetto_id: 1,
        tipo_beneficiario: "individuale".into(),
        n_beneficiari: 1,
        tipo_id: tipo(&store, "IS03"),
        categoria_sociale: "anziani".into(),
        origine: "programmato".into(),
        dal: "2026-01-01".into(),
        frequenza: "P".into(),
        ..Default::default()
    };
    let msg = invalid(Service::new(&mut store).save_intervento(&amm, &open));
    assert!(msg.contains("senza data di fine"), "{msg}");
    let none = Service::new(&mut store)
        .search_erogazioni(&amm, &FiltroErogazioni::default())
        .unwrap();
    assert!(none.is_empty(), "nothing was saved: {none:?}");
}

#[test]
fn two_operators_editing_the_same_erogazione_conflict() {
    let (_dir, mut store) = setup();
    let amm = actor(&store, "amministrativo");
    let resp = actor(&store, "responsabile");
    let e = domiciliare(
        &store,
        vec![riga("2026-03-01", Some("2026-03-31"), 2_000, 2_100)],
    );
    let (id, _) = Service::new(&mut store).save_erogazione(&amm, &e).unwrap();
    let mut first = Service::new(&mut store).read_erogazione(&amm, id).unwrap();
    let mut second = Service::new(&mut store).read_erogazione(&resp, id).unwrap();
    first.righe[0].quantita_cent = 2_200;
    Service::new(&mut store)
        .save_erogazione(&amm, &first)
        .unwrap();
    second.righe[0].tariffa_cents = 2_500;
    let err = Service::new(&mut store)
        .save_erogazione(&resp, &second)
        .unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    assert!(err.to_string().contains("modificato da un altro operatore"));
    let now = store.erogazione(id).unwrap().unwrap();
    assert_eq!(
        (now.righe[0].quantita_cent, now.righe[0].tariffa_cents),
        (2_200, 2_100)
    );
}

#[test]
fn totals_come_from_the_rows_and_the_list_exports_inert_text() {
    let (dir, mut store) = setup();
    let amm = actor(&store, "amministrativo");
    let mut e = domiciliare(
        &store,
        vec![
            riga("2026-03-01", Some("2026-03-31"), 2_000, 2_100),
            riga("2026-04-01", Some("2026-04-30"), 1_550, 2_100),
        ],
    );
    e.righe[0].comp_utente_cents = 4_000;
    e.righe[1].comp_ssn_cents = 1_000;
    e.erogatore = Some("=HYPERLINK(\"http://x\",\"y\")".into());
    let mut svc = Service::new(&mut store);
    let (iid, iver) = svc
        .save_intervento(
            &amm,
            &Intervento {
                soggetto_id: 1,
                tipo_beneficiario: "individuale".into(),
                n_beneficiari: 1,
                tipo_id: e.tipo_id,
                categoria_sociale: "anziani".into(),
                origine: "programmato".into(),
                dal: "2026-03-01".into(),
                al: Some("2026-12-31".into()),
                frequenza: "P".into(),
                tariffa_cents: Some(2_100),
                ..Default::default()
            },
        )
        .unwrap();
    let chiusura = Foglio {
        intervento_id: iid,
        tipo: "C".into(),
        data: "2026-05-01".into(),
        ..Default::default()
    };
    let err = svc.add_foglio(&amm, &chiusura, iver).unwrap_err();
    assert!(err.to_string().contains("motivo"), "{err}");
    let chiusura = Foglio {
        dettaglio: Some("Obiettivi raggiunti".into()),
        ..chiusura
    };
    svc.add_foglio(&amm, &chiusura, iver).unwrap();
    let (i, fogli) = svc.read_intervento(&amm, iid).unwrap();
    assert_eq!((i.stato.as_str(), fogli.len()), ("C", 1));
    e.intervento_id = Some(iid);
    svc.save_erogazione(&amm, &e).unwrap();
    let rows = svc
        .search_erogazioni(&amm, &FiltroErogazioni::default())
        .unwrap();
    assert_eq!(rows.len(), 1);
    let t = rows[0].totali;
    // 20 h + 15,5 h at 21 €: 420 + 325,50; the ente pays what the user and the SSN do not.
    assert_eq!(
        (t.spesa, t.utente, t.ssn, t.ente),
        (74_550, 4_000, 1_000, 69_550)
    );
    assert!(!rows[0].esportata);
    let out = dir.path().join("erogazioni.csv");
    let filtro = FiltroErogazioni {
        dal: Some("2026-01-01".into()),
        al: Some("2026-12-31".into()),
        ..Default::default()
    };
    assert_eq!(
        svc.export_erogazioni(&amm, &filtro, Format::Csv, &out)
            .unwrap(),
        1
    );
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains("745,50"), "{csv}");
    let xlsx = dir.path().join("erogazioni.xlsx");
    svc.export_erogazioni(&amm, &filtro, Format::Xlsx, &xlsx)
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(!sheet.contains("<f>"), "no formula in the sheet");
    // The POR / FSE form of the erogazione names the participant and the intervento.
    let por = dir.path().join("por.pdf");
    svc.print_por(&amm, rows[0].id, &por, time::OffsetDateTime::now_utc())
        .unwrap();
    let text = pdf::flat(&pdf::pdf_file_text(&por));
    let p = store_person(&mut svc, 1);
    for needle in [
        "Domanda di iscrizione all'intervento",
        p.as_str(),
        "Assistenza domiciliare socio-assistenziale",
    ] {
        assert!(text.contains(needle), "{needle} missing in {text}");
    }
}

fn store_person(svc: &mut Service<'_>, id: i64) -> String {
    let p = svc.store().soggetto(id).unwrap().unwrap();
    format!("{} {}", p.cognome, p.nome)
}
