//! `sportello org`, `sportello ufficio punto` and `sportello avvisi` on the real binary: a registry
//! loaded from CSV and completed by a second file, its bad rows refused in Italian with exit 1, a
//! punto di contatto added and listed, the notices sent through the sendmail of `config.toml` and an
//! unconfigured mail refused.

mod common;

use common::{Env, code, text};
use sportello::domain::Actor;
use sportello::service::Service;
use sportello::store::SchedaSave;
use sportello::store::sqlite::SqliteStore;

#[test]
fn a_registry_from_csv_punti_di_contatto_and_the_notices_for_cron() {
    let env = Env::new();
    env.init();
    let csv = env.dir.path().join("registro.csv");
    std::fs::write(
        &csv,
        "organizzazione;tipo;zona;settore;codice;inviante\n\
         USL Umbria 1;sanita;;Centro di salute mentale;csm_pg;si\n\
         USL Umbria 1;sanita;;Assistenza domiciliare integrata;;no\n\
         Comune di Assisi;comune;Zona sociale n. 3;Servizi sociali;;si\n",
    )
    .unwrap();
    let out = env.run(&["org", "import", csv.to_str().unwrap()], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("organizzazioni aggiunte: 2; completate con nuovi settori: 0")
    );
    // A second file: one more settore of an organisation already there.
    std::fs::write(
        &csv,
        "organizzazione,tipo,settore\nUSL Umbria 1,sanita,SerD Perugia\n",
    )
    .unwrap();
    let out = env.run(&["org", "import", csv.to_str().unwrap()], "");
    assert!(
        text(&out.stdout).contains("aggiunte: 0; completate con nuovi settori: 1"),
        "{}",
        text(&out.stdout)
    );
    let list = text(&env.run(&["org", "list"], "").stdout);
    assert!(
        list.contains("\tcsm_pg\tCentro di salute mentale\tILE\tattivo"),
        "{list}"
    );
    assert!(
        list.contains("Assistenza domiciliare integrata\t-LE"),
        "{list}"
    );
    assert!(list.contains("SerD Perugia"), "{list}");
    assert!(
        list.contains("Comune di Assisi\tZona sociale n. 3"),
        "{list}"
    );
    // Bad rows: one Italian line, exit 1, nothing loaded.
    std::fs::write(
        &csv,
        "organizzazione;tipo;settore;inviante\nCaritas;terzo_settore;Ascolto;forse\n",
    )
    .unwrap();
    let out = env.run(&["org", "import", csv.to_str().unwrap()], "");
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("riga 2: «forse» in «inviante»: usare si o no"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&env.run(&["org", "list"], "").stdout).contains("Caritas"));

    // A punto di contatto of the first office.
    env.run(
        &[
            "ufficio",
            "add",
            "G478",
            "Segretariato sociale",
            "--email",
            "segretariato@comune.perugia.example.it",
        ],
        "",
    );
    let out = env.run(
        &[
            "ufficio",
            "punto",
            "G478",
            "Segretariato sociale",
            "--nome",
            "Sportello di Ponte San Giovanni",
            "--indirizzo",
            "Via Manzoni 12",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Sportello di Ponte San Giovanni\tVia Manzoni 12"),
        "{}",
        text(&out.stdout)
    );

    // Notices: without [mail] refused; with a sendmail, the pending one goes and is not sent twice.
    let out = env.run(&["avvisi"], "");
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("posta non configurata"),
        "{}",
        text(&out.stderr)
    );
    pending_sending(&env);
    let posta = env.dir.path().join("posta.txt");
    let script = env.dir.path().join("sendmail");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncat >> '{}'\n", posta.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(env.dir.path().join("etc")).unwrap();
    std::fs::write(
        env.dir.path().join("etc/config.toml"),
        format!(
            "[mail]\nsendmail = \"{}\"\nfrom = \"sportello@comune.perugia.example.it\"\n",
            script.display()
        ),
    )
    .unwrap();
    let out = env.run(&["avvisi"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("avvisi: 1 trattati, 0 non inviati"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        std::fs::read_to_string(&posta)
            .unwrap()
            .contains("To: corciano@comune.corciano.example.it")
    );
    let out = env.run(&["avvisi"], "");
    assert!(
        text(&out.stdout).contains("avvisi: 0 trattati"),
        "{}",
        text(&out.stdout)
    );
}

/// A second comune with an office, and a scheda of the first sent there (its notice pending).
fn pending_sending(env: &Env) {
    let mut s = SqliteStore::open(&env.db()).unwrap();
    let sys = Actor::system(None, None);
    let mut svc = Service::new(&mut s);
    let corciano = svc
        .create_ente(
            &sys,
            &sportello::domain::NewEnte {
                nome: "Comune di Corciano".into(),
                belfiore: Some("C990".into()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let ufficio = svc.create_ufficio(&sys, corciano, "Segretariato").unwrap();
    let mut u = svc.store().ufficio(ufficio).unwrap().unwrap();
    u.contatto.email = Some("corciano@comune.corciano.example.it".into());
    svc.edit_ufficio(&sys, &u).unwrap();
    let perugia = svc.store().ente_by_code("G478").unwrap().unwrap().id;
    let da = svc.store().list_uffici(perugia).unwrap()[0].id;
    let mut p = sportello::domain::persona::PersonaEdit::default();
    for (k, v) in [
        ("cognome", "Rossi"),
        ("nome", "Anna"),
        ("sesso", "F"),
        ("data_nascita", "1970-03-01"),
        ("luogo_nascita", "G478"),
        ("codice_fiscale", "RSSNNA70C41G478I"),
    ] {
        p.set(k, Some(v));
    }
    let persona = svc.store_mut().save_persona(&sys, &p, None).unwrap().id;
    let edit = sportello::domain::scheda::SchedaEdit {
        soggetto_id: persona,
        data_accesso: "2026-11-02".into(),
        operatore: "admin".into(),
        invio_ufficio_id: Some(ufficio),
        ..Default::default()
    };
    let save = SchedaSave {
        ente_id: perugia,
        ufficio_id: Some(da),
        completa: true,
        proposta_ente: None,
    };
    svc.store_mut().save_scheda(&sys, &edit, save).unwrap();
}
