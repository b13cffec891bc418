//! Sending a scheda to another ente's office through the service: the receiving office sees it and
//! its original (without the private note and the health data), the sender cancels it while unread
//! and no longer once opened, the e-mail notice goes through a sendmail program and through an SMTP
//! relay without personal data, a failed notice is retried. And the organisations' registry: the
//! lists a scheda takes from it (zona first), its checks, settori disabled and never lost.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use common::fixture::{lived_in_db, lived_in_today};
use sportello::domain::Actor;
use sportello::domain::organizzazione::{Organizzazione, PuntoContatto, Settore};
use sportello::domain::scheda::{Filtro, SchedaEdit};
use sportello::mail::{Mailer, Trasporto};
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn actor(store: &SqliteStore, username: &str) -> Actor {
    let op = store.operatore_by_username(username).unwrap().unwrap();
    Actor::operatore(&op, None, None)
}

/// The sender's most recent complete scheda they received themselves and never sent, ready to be
/// sent.
fn scheda_da_inviare(svc: &mut Service<'_>, sender: &Actor) -> SchedaEdit {
    let f = Filtro {
        operatore: Some(sender.username.clone()),
        stato: Some(sportello::domain::scheda::Stato::Completa),
        ..Default::default()
    };
    let row = svc
        .list_schede(sender, &f, 50)
        .unwrap()
        .into_iter()
        .find(|r| svc.store().invii(r.id).unwrap().is_empty())
        .unwrap();
    svc.read_scheda(sender, row.id, "test").unwrap().edit
}

fn invia(edit: &mut SchedaEdit, ufficio: i64) {
    edit.invio_ufficio_id = Some(ufficio);
    if !edit.servizi.iter().any(|s| s == "invio_ufficio") {
        edit.servizi.push("invio_ufficio".into());
    }
}

/// A sendmail that appends what it reads to `out`.
fn fake_sendmail(dir: &std::path::Path) -> (Mailer, std::path::PathBuf) {
    let out = dir.join("posta.txt");
    let script = dir.join("sendmail");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n[ \"$1\" = -t ] || exit 9\ncat >> '{}'\n",
            out.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mailer = Mailer {
        trasporto: Trasporto::Sendmail(script.display().to_string()),
        mittente: "sportello@comune.perugia.example.it".into(),
    };
    (mailer, out)
}

#[test]
fn a_scheda_sent_to_another_ente_is_read_there_cancelled_only_while_unread_and_notified() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&lived_in_db(dir.path(), 300)).unwrap();
    let sender = actor(&store, "sportello");
    let receiver = actor(&store, "sportello.corciano");
    let corciano = receiver.ufficio_id.unwrap();
    let today = lived_in_today();
    let mut svc = Service::new(&mut store);
    // The receiving office's e-mail, for the notice.
    let sys = Actor::system(None, None);
    let mut u = svc.store().ufficio(corciano).unwrap().unwrap();
    u.contatto.email = Some("servizi.sociali@comune.corciano.example.it".into());
    svc.edit_ufficio(&sys, &u).unwrap();

    let mut edit = scheda_da_inviare(&mut svc, &sender);
    let id = edit.id.unwrap();
    edit.nota_privata = Some("Nota riservata dell'operatore".into());
    edit.dati
        .insert("tessera_sanitaria".into(), "80380001200012345678".into());
    invia(&mut edit, corciano);
    let out = svc.save_scheda(&sender, &edit, false, today).unwrap();
    assert!(out.completa, "{:?}", out.problemi);
    assert!(out.saved.invio.is_some());

    // Not opened yet: the sender calls it back; the receiving office no longer lists it.
    let received = |svc: &mut Service<'_>| {
        svc.list_schede(&receiver, &Filtro::default(), 5000)
            .unwrap()
            .iter()
            .any(|r| r.id == id)
    };
    assert!(received(&mut svc));
    svc.annulla_invio(&sender, id, out.saved.version).unwrap();
    assert!(!received(&mut svc));
    let s = svc.read_scheda(&sender, id, "test").unwrap();
    assert_eq!(s.edit.invio_ufficio_id, None);
    assert!(!s.edit.servizi.iter().any(|c| c == "invio_ufficio"));

    // Sent again; the receiving office opens it: the original is there, read-only, without the
    // private note and the health data (the receiver holds no riservati for the sender's ente).
    let mut edit = s.edit.clone();
    invia(&mut edit, corciano);
    let out = svc.save_scheda(&sender, &edit, false, today).unwrap();
    assert!(received(&mut svc));
    let form = svc
        .scheda_form(&receiver, Some(id), 0, &["esito_scheda".into()])
        .unwrap();
    assert!(!form.can_edit);
    assert_eq!(form.invii.len(), 2, "the cancelled sending and the new one");
    let invio = &form.invii[0];
    assert!(invio.attivo() && invio.letta_at.is_some());
    assert_eq!(invio.da_ente, "Comune di Perugia");
    let originale = invio.originale.as_ref().unwrap();
    assert_eq!(originale.nota_privata, None);
    assert!(!originale.dati.contains_key("tessera_sanitaria"));
    assert_eq!(originale.soggetto_id, edit.soggetto_id);

    // Opened: the sender can no longer cancel it nor change the destination.
    let e = svc
        .annulla_invio(&sender, id, out.saved.version)
        .unwrap_err()
        .to_string();
    assert!(e.contains("ha già aperto la scheda"), "{e}");
    let mut altrove = edit.clone();
    altrove.version = out.saved.version;
    altrove.invio_ufficio_id = sender.ufficio_id;
    let e = svc
        .save_scheda(&sender, &altrove, false, today)
        .unwrap_err()
        .to_string();
    assert!(e.contains("non si può più cambiare"), "{e}");

    // The notice: through sendmail, to the receiving office, with no personal data.
    let (mailer, posta) = fake_sendmail(dir.path());
    let esiti = svc.consegna_avvisi(&sender, &mailer, false).unwrap();
    assert_eq!(
        esiti.len(),
        1,
        "the cancelled sending gets no notice: {esiti:?}"
    );
    assert!(
        esiti[0].1.starts_with("inviato a servizi.sociali@"),
        "{esiti:?}"
    );
    let mail = std::fs::read_to_string(&posta).unwrap();
    assert!(
        mail.contains("To: servizi.sociali@comune.corciano.example.it"),
        "{mail}"
    );
    let numero = svc.read_scheda(&sender, id, "test").unwrap().numero;
    // The sending office's own template (set by the demo) with its number and contacts.
    assert!(mail.contains(&format!("scheda n. {numero}")), "{mail}");
    assert!(mail.contains("Segretariato sociale - Centro"), "{mail}");
    let p = svc.store().soggetto(edit.soggetto_id).unwrap().unwrap();
    for personal in [&p.cognome, &p.nome]
        .into_iter()
        .chain(p.codice_fiscale.as_ref())
    {
        assert!(
            !mail.contains(personal.as_str()),
            "{personal} in the mail: {mail}"
        );
    }
    // Sent once: a second round has nothing to do.
    assert!(
        svc.consegna_avvisi(&sender, &mailer, false)
            .unwrap()
            .is_empty()
    );
}

/// A one-message SMTP relay on a free port: returns its address and what it received.
fn fake_relay() -> (String, std::thread::JoinHandle<String>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let h = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut w = s.try_clone().unwrap();
        let mut r = BufReader::new(s);
        let mut seen = String::new();
        w.write_all(b"220 relay ESMTP\r\n").unwrap();
        let mut data = false;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap() == 0 {
                break;
            }
            seen.push_str(&line);
            if data {
                if line == ".\r\n" {
                    data = false;
                    w.write_all(b"250 accettato\r\n").unwrap();
                }
                continue;
            }
            let reply: &[u8] = match &line[..4.min(line.len())] {
                "DATA" => {
                    data = true;
                    b"354 avanti\r\n"
                }
                "QUIT" => break,
                _ => b"250 ok\r\n",
            };
            w.write_all(reply).unwrap();
        }
        seen
    });
    (addr, h)
}

#[test]
fn a_notice_that_failed_is_retried_through_the_smtp_relay() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&lived_in_db(dir.path(), 300)).unwrap();
    let sender = actor(&store, "sportello");
    let receiver = actor(&store, "sportello.corciano");
    let corciano = receiver.ufficio_id.unwrap();
    let mut svc = Service::new(&mut store);
    let sys = Actor::system(None, None);
    let mut u = svc.store().ufficio(corciano).unwrap().unwrap();
    u.contatto.email = Some("servizi.sociali@comune.corciano.example.it".into());
    svc.edit_ufficio(&sys, &u).unwrap();
    let mut edit = scheda_da_inviare(&mut svc, &sender);
    invia(&mut edit, corciano);
    svc.save_scheda(&sender, &edit, false, lived_in_today())
        .unwrap();

    // The relay is down: the failure is recorded, not lost.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let down = closed.local_addr().unwrap().to_string();
    drop(closed);
    let smtp = |addr: &str| Mailer {
        trasporto: Trasporto::Smtp(addr.into()),
        mittente: "sportello@comune.perugia.example.it".into(),
    };
    let esiti = svc.consegna_avvisi(&sender, &smtp(&down), false).unwrap();
    assert!(esiti[0].1.starts_with("errore: server SMTP"), "{esiti:?}");
    assert!(
        svc.consegna_avvisi(&sender, &smtp(&down), false)
            .unwrap()
            .is_empty()
    );

    let (addr, relay) = fake_relay();
    let esiti = svc.consegna_avvisi(&sender, &smtp(&addr), true).unwrap();
    assert_eq!(esiti.len(), 1);
    assert!(esiti[0].1.starts_with("inviato a"), "{esiti:?}");
    let seen = relay.join().unwrap();
    assert!(
        seen.contains("RCPT TO:<servizi.sociali@comune.corciano.example.it>"),
        "{seen}"
    );
    assert!(
        seen.contains("Subject: sportello: scheda di accesso inviata da Comune di Perugia"),
        "{seen}"
    );
}

fn registro() -> Organizzazione {
    let settore = |nome: &str, inviante: bool| Settore {
        nome: nome.into(),
        inviante,
        interlocutore: true,
        erogatore: true,
        attivo: true,
        ..Default::default()
    };
    Organizzazione {
        nome: "Azienda ospedaliera di Perugia".into(),
        tipo: "sanita".into(),
        pec: Some("aosp.perugia@postacert.umbria.it".into()),
        attivo: true,
        settori: vec![
            settore("Centro di salute mentale", true),
            settore("Assistenza domiciliare integrata", false),
        ],
        ..Default::default()
    }
}

#[test]
fn the_registry_feeds_the_scheda_lists_zona_first_and_keeps_what_schede_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&lived_in_db(dir.path(), 50)).unwrap();
    let sender = actor(&store, "sportello");
    let admin = actor(&store, "admin");
    let mut svc = Service::new(&mut store);
    let id = svc.save_organizzazione(&admin, &registro()).unwrap();
    let mut altra = registro();
    altra.nome = "Comune di Bastia Umbra".into();
    altra.tipo = "comune".into();
    altra.zona = Some("Zona sociale n. 3".into());
    altra.settori.truncate(1);
    altra.settori[0].nome = "Servizi sociali".into();
    svc.save_organizzazione(&admin, &altra).unwrap();

    // Checks, in Italian.
    let e = svc
        .save_organizzazione(&admin, &registro())
        .unwrap_err()
        .to_string();
    assert!(e.contains("esiste già"), "{e}");
    let mut bad = registro();
    bad.nome = "Altro".into();
    bad.tipo = "ospedale".into();
    let e = svc
        .save_organizzazione(&admin, &bad)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("tipo di organizzazione «ospedale» sconosciuto"),
        "{e}"
    );
    let e = svc
        .save_organizzazione(&sender, &registro())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("operazione non consentita"), "{e}");

    let lists = svc
        .form_lists(
            &sender,
            [
                "settori_invianti",
                "settori_erogatori",
                "uffici_invio",
                "punti_contatto",
            ],
            false,
        )
        .unwrap();
    let invianti: Vec<&str> = lists["settori_invianti"]
        .iter()
        .map(|(_, l)| l.as_str())
        .collect();
    let csm = invianti
        .iter()
        .position(|l| *l == "Azienda ospedaliera di Perugia · Centro di salute mentale")
        .unwrap();
    let assisi = invianti
        .iter()
        .position(|l| *l == "Comune di Bastia Umbra · Servizi sociali (Zona sociale n. 3)")
        .unwrap();
    assert!(csm < assisi, "the zona first: {invianti:?}");
    let adi = "Azienda ospedaliera di Perugia · Assistenza domiciliare integrata";
    assert!(!invianti.contains(&adi), "not a sender: {invianti:?}");
    assert!(lists["settori_erogatori"].iter().any(|(_, l)| l == adi));
    // The offices a scheda goes to: the others of the zona, not the sender's own.
    let uffici = &lists["uffici_invio"];
    assert!(
        uffici
            .iter()
            .any(|(_, l)| l == "Comune di Corciano · Segretariato sociale")
    );
    assert!(
        !uffici
            .iter()
            .any(|(k, _)| Some(k.parse::<i64>().unwrap()) == sender.ufficio_id)
    );

    // A settore left out is disabled, not deleted: an old scheda still shows it.
    let mut o = svc.store().organizzazione(id).unwrap().unwrap();
    let csm = o
        .settori
        .iter()
        .position(|s| s.nome == "Centro di salute mentale")
        .unwrap();
    let codice = o.settori.remove(csm).codice;
    assert!(codice.starts_with('s'), "{codice}");
    svc.save_organizzazione(&admin, &o).unwrap();
    let now = svc
        .form_lists(&sender, ["settori_invianti"], false)
        .unwrap();
    assert!(!now["settori_invianti"].iter().any(|(k, _)| *k == codice));
    let old = svc.form_lists(&sender, ["settori_invianti"], true).unwrap();
    assert!(old["settori_invianti"].iter().any(|(k, _)| *k == codice));

    // Punti di contatto: the admin of the ente adds them, the office's scheda offers them.
    let p = PuntoContatto {
        ufficio_id: sender.ufficio_id.unwrap(),
        nome: "Sportello al Centro per l'impiego".into(),
        indirizzo: Some("Via Palermo 86/a".into()),
        attivo: true,
        ..Default::default()
    };
    svc.save_punto_contatto(&admin, &p).unwrap();
    let punti = svc.form_lists(&sender, ["punti_contatto"], false).unwrap();
    assert!(
        punti["punti_contatto"]
            .iter()
            .any(|(_, l)| l == "Sportello al Centro per l'impiego · Via Palermo 86/a"),
        "{punti:?}"
    );
    // The legacy generic entries (migration 0033) still read.
    assert!(old["settori_invianti"].iter().any(|(k, _)| k == "sanita"));
}
