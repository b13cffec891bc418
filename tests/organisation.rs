//! The organisation on the command line: an ambito with its comuni and capofila, uffici with their
//! punto di contatto, printer and folder, edits with the rules of the organisation; every change
//! audited.

mod common;

use common::{Env, code, text};

fn ok(env: &Env, args: &[&str]) -> String {
    let out = env.run(args, "");
    assert_eq!(code(&out), 0, "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

fn refused(env: &Env, args: &[&str]) -> String {
    let out = env.run(args, "");
    assert_eq!(code(&out), 1, "{args:?}: {}", text(&out.stdout));
    text(&out.stderr)
}

fn actions(env: &Env) -> Vec<String> {
    let c = rusqlite::Connection::open(env.db()).unwrap();
    let mut stmt = c
        .prepare("SELECT action || ' ' || coalesce(entity, '') FROM audit_log ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn an_ambito_with_two_comuni_and_their_uffici() {
    let env = Env::new();
    env.init();
    let before = actions(&env).len();
    ok(
        &env,
        &[
            "ente",
            "add",
            "--nome",
            "Zona sociale 2",
            "--tipo",
            "ambito",
        ],
    );
    ok(
        &env,
        &[
            "ente",
            "edit",
            "Comune di Perugia",
            "--ambito",
            "Zona sociale 2",
            "--capofila",
            "si",
        ],
    );
    ok(
        &env,
        &[
            "ente",
            "add",
            "--nome",
            "Comune di Corciano",
            "--tipo",
            "comune",
            "--belfiore",
            "c990",
            "--ambito",
            "zona sociale 2",
        ],
    );
    // The capofila moves: one per ambito.
    ok(&env, &["ente", "edit", "C990", "--capofila", "si"]);
    let list = ok(&env, &["ente", "list"]);
    let row = |name: &str| {
        list.lines()
            .find(|l| l.split('\t').nth(2) == Some(name))
            .unwrap_or_else(|| panic!("{name}: {list}"))
            .split('\t')
            .skip(1)
            .collect::<Vec<_>>()
            .join("|")
    };
    assert_eq!(row("Zona sociale 2"), "ambito|Zona sociale 2|-|-|-|attivo");
    assert_eq!(
        row("Comune di Corciano"),
        "comune|Comune di Corciano|C990|Zona sociale 2|capofila|attivo"
    );
    assert_eq!(
        row("Comune di Perugia"),
        "comune|Comune di Perugia|G478|Zona sociale 2|-|attivo"
    );

    ok(
        &env,
        &[
            "ufficio",
            "add",
            "C990",
            "Segretariato sociale",
            "--indirizzo",
            "Via Roma 1",
            "--telefono",
            "075 1234",
            "--email",
            "sociale@comune.corciano.pg.it",
            "--orari",
            "lun-ven 9-12",
            "--stampante",
            "CORCIANO",
        ],
    );
    ok(&env, &["ufficio", "add", "Zona sociale 2", "PUA"]);
    ok(
        &env,
        &[
            "ufficio",
            "edit",
            "C990",
            "segretariato sociale",
            "--rinomina",
            "Sportello sociale",
            "--orari",
            "",
        ],
    );
    let uffici = ok(&env, &["ufficio", "list", "C990"]);
    let fields: Vec<&str> = uffici.trim().split('\t').skip(1).collect();
    assert_eq!(
        fields,
        [
            "Comune di Corciano",
            "Sportello sociale",
            "Via Roma 1",
            "075 1234",
            "sociale@comune.corciano.pg.it",
            "-",
            "CORCIANO",
            "-",
            "attivo"
        ],
        "{uffici}"
    );
    assert!(ok(&env, &["ufficio", "list"]).contains("\tZona sociale 2\tPUA\t"));

    // The rules of the organisation.
    for (args, why) in [
        (
            &[
                "ente",
                "add",
                "--nome",
                "ASL 1",
                "--tipo",
                "esterno",
                "--ambito",
                "Zona sociale 2",
            ][..],
            "solo un comune appartiene a un ambito",
        ),
        (
            &["ente", "edit", "Zona sociale 2", "--ambito", "G478"][..],
            "solo un comune",
        ),
        (
            &["ente", "edit", "G478", "--ambito", "-", "--capofila", "si"][..],
            "capofila",
        ),
        (
            &["ente", "edit", "X999", "--nome", "Altro"][..],
            "ente «X999» non trovato",
        ),
        (
            &[
                "ufficio",
                "edit",
                "C990",
                "Sportello sociale",
                "--email",
                "non una mail",
            ][..],
            "e-mail",
        ),
    ] {
        let err = refused(&env, args);
        assert!(err.contains(why), "{args:?}: {err}");
    }
    // Every change is in the audit log, with the record it changed.
    let done: Vec<String> = actions(&env).split_off(before);
    assert_eq!(
        done,
        [
            "crea_ente ente",
            "modifica_ente ente",
            "crea_ente ente",
            "modifica_ente ente",
            "crea_ufficio ufficio",
            "modifica_ufficio ufficio",
            "configura_ufficio ufficio",
            "crea_ufficio ufficio",
            "modifica_ufficio ufficio",
            "modifica_ufficio ufficio",
        ]
    );
    // An operator of two comuni of the ambito: their enti, the default first.
    ok(
        &env,
        &[
            "user",
            "add",
            "mrossi",
            "--nome",
            "Mario",
            "--cognome",
            "Rossi",
            "--role",
            "sportello",
            "--ente",
            "C990,G478",
        ],
    );
    let enti = ok(&env, &["user", "enti", "mrossi"]);
    let lines: Vec<Vec<&str>> = enti
        .lines()
        .map(|l| l.split('\t').skip(1).collect())
        .collect();
    assert_eq!(
        lines,
        [
            vec![
                "comune",
                "Comune di Corciano",
                "C990",
                "sportello",
                "predefinito"
            ],
            vec!["comune", "Comune di Perugia", "G478", "sportello"],
        ],
        "{enti}"
    );
    assert!(refused(&env, &["user", "enti", "nessuno"]).contains("non trovato"));
    // Roles per ente: responsabile and amministrativo in Perugia only; Todi is added to the user.
    let role = |ente, roles: &[&str]| {
        let mut args = vec!["user", "role", "mrossi", "--ente", ente];
        for r in roles {
            args.extend(["--role", r]);
        }
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let set = role("Comune di Perugia", &["responsabile", "amministrativo"]);
    let said = ok(&env, &set.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(said.contains("amministrativo,responsabile"), "{said}");
    ok(
        &env,
        &[
            "ente",
            "add",
            "--nome",
            "Comune di Todi",
            "--tipo",
            "comune",
            "--belfiore",
            "L188",
        ],
    );
    let set = role("L188", &["assistente_sociale"]);
    ok(&env, &set.iter().map(String::as_str).collect::<Vec<_>>());
    let roles: Vec<String> = ok(&env, &["user", "enti", "mrossi"])
        .lines()
        .map(|l| l.split('\t').skip(3).take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        roles,
        [
            "C990 sportello",
            "G478 amministrativo,responsabile",
            "L188 assistente_sociale"
        ]
    );
    let wrong = role("G478", &["direttore"]);
    let err = refused(&env, &wrong.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(err.contains("ruolo sconosciuto «direttore»"), "{err}");
    let nowhere = role("Comune di Nessuno", &["sportello"]);
    let err = refused(
        &env,
        &nowhere.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(err.contains("non trovato"), "{err}");
    assert_eq!(
        actions(&env)
            .iter()
            .filter(|a| *a == "ruoli_operatore operatore")
            .count(),
        2
    );
    assert_eq!(text(&env.run(&["check"], "").stdout).trim(), "ok");
}
