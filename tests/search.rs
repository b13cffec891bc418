//! Person search: the library on a demo database with a few known persons added, and the
//! `sportello search` command on the real binary.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::{Env, code, text};
use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::cf::{self, Sesso};
use sportello::domain::search::SearchHit;
use sportello::domain::search_query::SearchQuery;
use sportello::domain::soggetto::NewSoggetto;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

const TODAY: (i32, u8, u8) = (2026, 6, 15);

fn person(
    cognome: &str,
    nome: &str,
    sesso: Sesso,
    nascita: (i32, u8, u8),
    comune: &str,
) -> NewSoggetto {
    let (y, m, d) = nascita;
    NewSoggetto {
        codice_fiscale: Some(cf::compute(cognome, nome, sesso, y, m, d, "G478")),
        cognome: cognome.into(),
        nome: nome.into(),
        sesso: Some(sesso.as_char()),
        data_nascita: Some(format!("{y:04}-{m:02}-{d:02}")),
        luogo_nascita: Some("G478".into()),
        res_comune: Some(comune.into()),
        fonte: "demo",
        ..Default::default()
    }
}

/// The known persons added to the demo data.
fn known() -> Vec<NewSoggetto> {
    let mut v = vec![
        person("Zanetti", "NICCOLO'", Sesso::M, (1961, 3, 14), "G478"),
        person("Zanardi", "Nicolò", Sesso::M, (1962, 4, 15), "G478"),
        person("D'Angelo", "Maria", Sesso::F, (1950, 1, 2), "G478"),
        person("De Luchis", "Maria Grazia", Sesso::F, (1955, 7, 20), "C990"),
        person("Quagliarella", "Fabio", Sesso::M, (1983, 1, 31), "L188"),
        person("Tiberi", "Annunziata", Sesso::F, (1970, 9, 9), "C990"),
        person("Tiberi", "Annunziata", Sesso::F, (1970, 9, 9), "G478"),
        person("Cancellato", "Piero", Sesso::M, (1944, 2, 2), "G478"),
    ];
    let mut dead = person("Bellavista", "Gino", Sesso::M, (1931, 5, 5), "G478");
    dead.data_decesso = Some("2010-01-01".into());
    v.push(dead);
    // The second Tiberi was born on the same day in the same place: omocodia.
    let base = v[5].codice_fiscale.clone().unwrap();
    v[6].codice_fiscale = Some(cf::omocode(&base, 1));
    v
}

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

/// One demo database (3,000 persons + the known ones, one of them soft-deleted) shared by the tests.
fn db() -> &'static Db {
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("search.db");
        let mut store = SqliteStore::create(&path).unwrap();
        let actor = Actor::system(Some("test".into()), None);
        demo::create(&mut store, &actor, 3000).unwrap();
        assert_eq!(store.insert_soggetti(&actor, &known()).unwrap(), known().len());
        drop(store);
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "UPDATE soggetto SET deleted_at = '2026-01-01T00:00:00.000Z', deleted_by = 'test' WHERE cognome = 'Cancellato'",
            [],
        )
        .unwrap();
        Db { _dir: dir, path }
    })
}

fn search_with(query: &str, ente: Option<&str>, limit: usize) -> Vec<SearchHit> {
    let store = SqliteStore::open(&db().path).unwrap();
    store
        .search_soggetti(&SearchQuery::parse(query, TODAY), ente, limit)
        .unwrap()
}

fn search(query: &str) -> Vec<SearchHit> {
    search_with(query, None, 20)
}

fn names(hits: &[SearchHit]) -> Vec<String> {
    hits.iter()
        .map(|h| format!("{} {}", h.cognome, h.nome))
        .collect()
}

fn ids(hits: &[SearchHit]) -> Vec<i64> {
    hits.iter().map(|h| h.id).collect()
}

fn first(query: &str) -> String {
    names(&search(query)).into_iter().next().unwrap_or_default()
}

#[test]
fn prefixes_and_words_in_any_order() {
    assert_eq!(first("quagliarella fabio"), "Quagliarella Fabio");
    assert_eq!(first("fabio quagliarella"), "Quagliarella Fabio");
    assert_eq!(first("quagl fab"), "Quagliarella Fabio");
    assert_eq!(first("fa qua"), "Quagliarella Fabio");
    assert_eq!(first("grazia de luchis"), "De Luchis Maria Grazia");
    assert_eq!(
        first("luchis maria"),
        "De Luchis Maria Grazia",
        "a later word of the surname"
    );
    assert_eq!(
        first("deluchis"),
        "De Luchis Maria Grazia",
        "surname typed without its space"
    );
    let all = search("quagliarella");
    assert!(all.iter().all(|h| h.cognome == "Quagliarella"));
}

#[test]
fn accents_and_apostrophes_fold_both_ways() {
    assert_eq!(first("Niccolò Zanetti"), "Zanetti NICCOLO'");
    assert_eq!(first("NICOLO' zanardi"), "Zanardi Nicolò");
    assert_eq!(first("zanardi nicolo"), "Zanardi Nicolò");
    // Nicolò (one C) still finds the registry's NICCOLO' (one letter missing).
    assert_eq!(first("Nicolò Zanetti"), "Zanetti NICCOLO'");
    assert_eq!(first("d'angelo maria"), "D'Angelo Maria");
    assert_eq!(first("DANGELO MARIA"), "D'Angelo Maria");
    assert_eq!(first("d’Angelo maria"), "D'Angelo Maria");
}

#[test]
fn one_typo_in_the_surname_still_finds_the_person() {
    for q in [
        "quagliarelle fabio",  // substituted
        "quagliarela fabio",   // missing
        "quagliarrella fabio", // extra
        "quaglairella fabio",  // swapped
        "fabio quagliarela",
        "quagliarela",
        "qagliarella 31/01/1983",
    ] {
        assert_eq!(first(q), "Quagliarella Fabio", "{q}");
    }
    assert!(
        search("qagliarela fabio")
            .iter()
            .all(|h| h.cognome != "Quagliarella"),
        "two typos"
    );
}

#[test]
fn date_forms_and_year() {
    for q in [
        "31/01/1983",
        "31/1/1983",
        "31/01/83",
        "31-01-1983",
        "1983-01-31",
        "31011983",
        "quagliarella 31/1/1983",
        "31/01/1983 quag",
    ] {
        let hits = search(q);
        assert!(
            names(&hits).contains(&"Quagliarella Fabio".to_string()),
            "{q}"
        );
        assert!(
            hits.iter()
                .all(|h| h.data_nascita.as_deref() == Some("1983-01-31")),
            "{q}"
        );
    }
    let hits = search("quagliarella 1983");
    assert_eq!(names(&hits), vec!["Quagliarella Fabio"]);
    assert!(search("quagliarella 1984").is_empty());
    assert!(search("quagliarella 30/01/1983").is_empty());
    let year = search_with("1983", None, 500);
    assert!(!year.is_empty());
    assert!(
        year.iter()
            .all(|h| h.data_nascita.as_deref().unwrap().starts_with("1983-"))
    );
}

#[test]
fn codice_fiscale_prefix_and_exact_code_first() {
    let code = cf::compute("Quagliarella", "Fabio", Sesso::M, 1983, 1, 31, "G478");
    for n in 9..=16 {
        let hits = search(&code[..n].to_lowercase());
        assert_eq!(
            hits.first().map(|h| h.cognome.as_str()),
            Some("Quagliarella"),
            "{n}"
        );
    }
    let exact = search(&code);
    assert_eq!(exact[0].codice_fiscale.as_deref(), Some(code.as_str()));
    // Omocodia: the code of the first Tiberi finds her first, then her omocodic namesake, and the
    // other way round.
    let base = cf::compute("Tiberi", "Annunziata", Sesso::F, 1970, 9, 9, "G478");
    let omo = cf::omocode(&base, 1);
    let hits = search(&base);
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(hits[0].codice_fiscale.as_deref(), Some(base.as_str()));
    assert_eq!(hits[1].codice_fiscale.as_deref(), Some(omo.as_str()));
    let hits = search(&omo);
    assert_eq!(hits[0].codice_fiscale.as_deref(), Some(omo.as_str()));
    assert_eq!(hits.len(), 2);
    // A wrong check character: searched by the first 15 characters.
    let wrong = format!(
        "{}{}",
        &code[..15],
        if code.ends_with('A') { 'B' } else { 'A' }
    );
    assert_eq!(
        search(&wrong)[0].codice_fiscale.as_deref(),
        Some(code.as_str())
    );
}

#[test]
fn deceased_are_marked() {
    let hits = search("bellavista gino");
    assert_eq!(hits.len(), 1);
    assert!(hits[0].deceased);
    assert!(!search("quagliarella fabio")[0].deceased);
}

#[test]
fn residents_of_the_operators_ente_win_ties() {
    let hits = search_with("tiberi annunziata", Some("G478"), 5);
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].res_comune.as_deref(), Some("G478"));
    let hits = search_with("tiberi annunziata", Some("c990"), 5);
    assert_eq!(hits[0].res_comune.as_deref(), Some("C990"));
    assert_eq!(hits[0].score, hits[1].score, "a tie, broken by the ente");
}

#[test]
fn soft_deleted_persons_never_appear() {
    assert!(search("cancellato piero").is_empty());
    assert!(search("cancellato").is_empty());
    assert!(
        search("02/02/1944")
            .iter()
            .all(|h| h.cognome != "Cancellato")
    );
    let code = cf::compute("Cancellato", "Piero", Sesso::M, 1944, 2, 2, "G478");
    assert!(search(&code).is_empty());
    assert!(search(&code[..11]).is_empty());
}

#[test]
fn empty_garbage_long_and_hostile_queries_are_harmless() {
    for q in [
        "",
        "   ",
        "%",
        "_",
        "*",
        "'; DROP TABLE soggetto; --",
        "\" OR 1=1 --",
        "rossi' OR '1'='1",
        "ro%ssi",
        "\u{1b}[2J\u{0}\u{7}",
        "31/02/1980",
        "12/13/1980",
        "A1B2",
        "[ABCDEF]",
        "ИВАН",
        "李",
    ] {
        // Quotes, wildcards and control characters are no syntax: a query finds at most what its
        // plain words find.
        let plain: String = q
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '/' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let (hostile, words) = (
            ids(&search_with(q, None, 500)),
            ids(&search_with(&plain, None, 500)),
        );
        assert!(
            hostile.iter().all(|id| words.contains(id)),
            "{q:?} found more than {plain:?}"
        );
    }
    for q in [
        "",
        "   ",
        "%",
        "_",
        "*",
        "\u{1b}[2J\u{0}\u{7}",
        "31/02/1980",
        "李",
    ] {
        assert!(search(q).is_empty(), "{q:?}");
    }
    // The limit binds: a common prefix has more than 20 persons.
    assert_eq!(search("ro").len(), 20);
    assert_eq!(search_with("ro", None, 7).len(), 7);
    assert!(search("'; DROP TABLE soggetto; --").is_empty());
    assert!(search("").is_empty());
    let long = "quagliarella ".repeat(400) + &"x".repeat(5000);
    let _ = search(&long);
    let long: String = "ab".repeat(2500);
    assert!(search(&long).is_empty());
    // Still there.
    assert_eq!(first("quagliarella"), "Quagliarella Fabio");
}

#[test]
fn limits_are_respected() {
    assert!(search_with("maria", None, 0).is_empty());
    assert_eq!(search_with("m", None, 7).len(), 7);
    let hits = search_with("ma", None, 500);
    assert!(hits.len() <= 500);
    let mut sorted = hits.clone();
    sorted.sort_by_key(|h| std::cmp::Reverse(h.score));
    assert_eq!(
        hits.iter().map(|h| h.score).collect::<Vec<_>>(),
        sorted.iter().map(|h| h.score).collect::<Vec<_>>()
    );
}

#[test]
fn search_command_prints_tab_separated_lines() {
    let env = Env::new();
    let path = &db().path;
    let out = env.run_on(path, &["search", "Quagliarella", "fabio"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let code_ = cf::compute("Quagliarella", "Fabio", Sesso::M, 1983, 1, 31, "G478");
    assert_eq!(
        stdout.lines().next().unwrap(),
        format!("{code_}\tQuagliarella\tFabio\t31/01/1983\tTodi")
    );
    let out = env.run_on(path, &["search", "--limit", "3", "m"], "");
    assert_eq!(code(&out), 0);
    assert_eq!(text(&out.stdout).lines().count(), 3);
    assert!(
        text(&out.stdout)
            .lines()
            .all(|l| l.split('\t').count() == 5)
    );
    let out = env.run_on(
        path,
        &["search", "--ente", "C990", "tiberi", "annunziata"],
        "",
    );
    assert!(
        text(&out.stdout)
            .lines()
            .next()
            .unwrap()
            .ends_with("\tCorciano")
    );
    // No results, garbage, injection, a 5,000-character query: exit 0, nothing printed.
    let long = "x".repeat(5000);
    for q in [
        "nessunonessuno",
        "",
        "'; DROP TABLE soggetto; --",
        long.as_str(),
        "%_*",
    ] {
        let out = env.run_on(path, &["search", q], "");
        assert_eq!(code(&out), 0, "{q}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "", "{q}");
    }
    // Environment errors: exit 2.
    let missing = env.dir.path().join("missing.db");
    let out = env.run_on(&missing, &["search", "rossi"], "");
    assert_eq!(code(&out), 2);
    let out = env.run_on(path, &["search"], "");
    assert_eq!(code(&out), 2, "the query is required");
}

#[test]
fn migrate_backfills_an_older_database() {
    let env = Env::new();
    let out = env.run(&["demo", "--no-tui", "--persons", "300"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    {
        let c = rusqlite::Connection::open(env.db()).unwrap();
        // A database from before 0007, some rows even from before the keys of 0005.
        c.execute_batch(
            "DELETE FROM schema_migrations WHERE version = 7;
             DROP TABLE soggetto_parola; DROP TABLE soggetto_parola_variante;
             DROP INDEX soggetto_cerca_cognome; DROP INDEX soggetto_cerca_nome;
             CREATE INDEX soggetto_cognome_key ON soggetto(cognome_key, nome_key);
             CREATE INDEX soggetto_nome_key ON soggetto(nome_key);
             UPDATE soggetto SET cognome_key = '', nome_key = '' WHERE id % 2 = 0;",
        )
        .unwrap();
    }
    let (cognome, nome): (String, String) = rusqlite::Connection::open(env.db())
        .unwrap()
        .query_row(
            "SELECT cognome, nome FROM soggetto WHERE id % 2 = 0 ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        code(&env.run(&["search", &cognome], "")),
        2,
        "schema not current"
    );
    let out = env.run(&["migrate"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("applicati: 7"));
    let out = env.run(&["search", "--limit", "500", &nome, &cognome], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .lines()
            .any(|l| l.contains(&format!("\t{cognome}\t{nome}\t"))),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(code(&env.run(&["check"], "")), 0);
}

#[test]
fn persons_imported_from_the_registry_are_found_with_a_typo() {
    let env = Env::new();
    env.init();
    let csv = env.dir.path().join("anagrafe.csv");
    let cf = cf::compute("Quintavalle", "Ermenegilda", Sesso::F, 1950, 4, 2, "G478");
    std::fs::write(
        &csv,
        format!("CF;COGNOME;NOME;SESSO;DATA_NASCITA\n{cf};QUINTAVALLE;ERMENEGILDA;F;02/04/1950\n"),
    )
    .unwrap();
    let out = env.run(&["import", "anagrafe", csv.to_str().unwrap()], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = env.run(&["search", "quintavale", "erme"], "");
    assert!(text(&out.stdout).starts_with(&cf), "{}", text(&out.stdout));
}
