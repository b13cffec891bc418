//! `sportello cf check` and `sportello cf decode`, run as the real binary, without any database.

use std::path::Path;
use std::process::Command;

use sportello::domain::cf::{self, Sesso};

/// Runs `sportello cf ARGS...` in an isolated environment; returns stdout lines and the exit code.
fn run(dir: &Path, args: &[&str]) -> (Vec<String>, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_sportello"))
        .arg("cf")
        .args(args)
        .env("SPORTELLO_ETC", dir.join("etc"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("SPORTELLO_DB", dir.join("never.db"))
        .output()
        .expect("run sportello");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    (
        stdout.lines().map(str::to_string).collect(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn check_valid_codes_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let (lines, code) = run(
        dir.path(),
        &["check", "RSSMRA80A01H501U", " rssmra80a01h501u "],
    );
    assert_eq!(
        lines,
        ["RSSMRA80A01H501U\tvalido", "RSSMRA80A01H501U\tvalido"]
    );
    assert_eq!(code, 0);
    assert!(
        !dir.path().join("never.db").exists(),
        "cf must not open the database"
    );
}

#[test]
fn check_reports_each_invalid_code_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let (lines, code) = run(
        dir.path(),
        &[
            "check",
            "RSSMRA80A01H501U",
            "RSSMRA80A01H501X",
            "RSSMRA80A01H501",
            "RSSMRA80A01Z999Y",
        ],
    );
    assert_eq!(
        lines,
        [
            "RSSMRA80A01H501U\tvalido",
            "RSSMRA80A01H501X\tcarattere di controllo errato (atteso U)",
            "RSSMRA80A01H501\tlunghezza errata (15 caratteri invece di 16)",
            "RSSMRA80A01Z999Y\tcodice catastale sconosciuto (Z999)",
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn decode_prints_sex_date_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = cf::compute("Smith", "Jane", Sesso::F, 1970, 5, 10, "Z404");
    let omocode = cf::omocode("RSSMRA80A01H501U", 3);
    let (lines, code) = run(
        dir.path(),
        &["decode", "RSSMRA80A01H501U", &foreign, &omocode],
    );
    assert_eq!(
        lines,
        [
            "RSSMRA80A01H501U\tvalido\tM\t01/01/1980\tRoma (RM)".to_string(),
            format!("{foreign}\tvalido\tF\t10/05/1970\tStati Uniti D'America"),
            format!("{omocode}\tvalido\tM\t01/01/1980\tRoma (RM)"),
        ]
    );
    assert_eq!(code, 0);
}

#[test]
fn decode_invalid_code_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let (lines, code) = run(
        dir.path(),
        &["decode", "RSSMRA80A01H501U", "RSSMRA80A32H501X"],
    );
    assert_eq!(
        lines,
        [
            "RSSMRA80A01H501U\tvalido\tM\t01/01/1980\tRoma (RM)",
            "RSSMRA80A32H501X\tgiorno non valido (32)"
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn no_codes_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (lines, code) = run(dir.path(), &["check"]);
    assert!(lines.is_empty());
    assert_eq!(code, 2);
}
