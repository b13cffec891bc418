//! Sending a scheda to another office, on the scheda form: what the title says of it ("ricevuta
//! da …" for the receiving office, "inviata, non letta" for the sender), the key
//! that offers the scheda as it was sent (read-only: the "scheda originale") and, to the sending
//! office while the receiver has not opened it, "Annulla invio"; and the e-mail notice asked after a
//! save that made a sending (through the configured mail, never with personal data).

use super::{FORM_ID, Req, State, Then, new_form};
use crate::domain::Actor;
use crate::domain::invio::Invio;
use crate::service::scheda::SchedaFormData;
use crate::ui::app::{App, Effect, Request, Screen, Then as AppThen};
use crate::ui::popup::{Answer, Popup};
use crate::ui::widgets::form_screen::FormScreen;

/// The standing sending the actor's side is concerned with (the newest).
fn corrente(d: &SchedaFormData) -> Option<&Invio> {
    d.invii.iter().find(|i| i.attivo()).or(d.invii.first())
}

/// Whether the actor's office is the one the sending went to.
fn ricevente(actor: &Actor, i: &Invio) -> bool {
    actor.ufficio_id == Some(i.a_ufficio_id)
}

/// What the form's title adds about the scheda's sending, if any.
pub fn title_suffix(actor: &Actor, d: &SchedaFormData) -> Option<String> {
    let i = corrente(d)?;
    Some(if ricevente(actor, i) {
        format!("ricevuta da {}", i.da_ente)
    } else {
        i.breve()
    })
}

/// The key on the scheda form: the choices about its sending.
pub fn action(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let Screen::Schede(State::Form(_, d)) = &app.screen else {
        return Vec::new();
    };
    let Some(i) = corrente(d) else {
        app.status = Some("La scheda non è stata inviata ad altro ufficio".into());
        return Vec::new();
    };
    let mut options = vec![format!(
        "Scheda originale (come inviata il {})",
        day(&i.inviata_at)
    )];
    if !ricevente(&actor, i) && i.annullabile() {
        options.push(format!("Annulla l'invio a {}", i.a_ufficio));
    }
    app.popup = Some(Popup::Choice {
        title: crate::sanitize::sanitize(&i.stato()),
        options,
        selected: 0,
        then: AppThen::Schede(Then::Invio),
    });
    Vec::new()
}

fn day(at: &str) -> String {
    crate::domain::date::stored_local(at)
        .chars()
        .take(10)
        .collect()
}

/// The answer to the choices (or to the confirmation of a cancellation).
pub fn then(app: &mut App, then: Then, answer: Answer) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    match (then, answer) {
        (Then::Invio, Answer::Choice(0)) => originale(app),
        (Then::Invio, Answer::Choice(1)) => {
            let Screen::Schede(State::Form(f, d)) = &app.screen else {
                return Vec::new();
            };
            if f.form.changed_at.is_some() {
                app.status = Some("Salvare prima le modifiche della scheda".into());
                return Vec::new();
            }
            let (Some(s), Some(i)) = (&d.scheda, corrente(d)) else {
                return Vec::new();
            };
            let (id, version) = (s.edit.id.unwrap_or_default(), s.edit.version);
            app.popup = Some(Popup::confirm(
                format!(
                    "Annullare l'invio della scheda a {}? L'ufficio non la vedrà più.",
                    i.a_ufficio
                ),
                AppThen::Schede(Then::AnnullaInvio { id, version }),
            ));
            Vec::new()
        }
        (Then::AnnullaInvio { id, version }, Answer::Yes) => {
            vec![
                app.io
                    .request(Request::Schede(Req::AnnullaInvio { actor, id, version })),
            ]
        }
        _ => Vec::new(),
    }
}

/// Opens the scheda as it was sent, read-only, over the form.
fn originale(app: &mut App) -> Vec<Effect> {
    let today = app.today();
    let Screen::Schede(State::Form(f, d)) = &app.screen else {
        return Vec::new();
    };
    let Some(i) = corrente(d) else {
        return Vec::new();
    };
    let Some(originale) = i.originale.clone() else {
        app.status =
            Some("Scheda originale non conservata: l'invio è precedente a questa versione".into());
        return Vec::new();
    };
    let mut data = (**d).clone();
    data.lists = f.form.code_lists.clone();
    if let Some(s) = &mut data.scheda {
        s.edit = originale;
    }
    let (title, specs) = app.config.form_def(FORM_ID);
    let title = format!(
        "{title} originale n. {} · {} · inviata il {}",
        i.numero,
        i.da_ente,
        day(&i.inviata_at)
    );
    let form = new_form(&title, specs, &mut data, "", today);
    let mut screen = FormScreen::new(form, format!("originale-{}", i.id));
    screen.readonly = true;
    app.push(Screen::Schede(State::Originale(Box::new(screen))));
    app.status = Some("Scheda originale, come inviata: sola lettura".into());
    Vec::new()
}

/// After a save that sent the scheda: the e-mail notice, when the mail is configured. The status
/// line says which.
pub fn notify(app: &mut App, actor: Actor) -> Vec<Effect> {
    let note = match app.config.mail.clone() {
        Some(mailer) => {
            let effect = app
                .io
                .request(Request::Schede(Req::Avvisi { actor, mailer }));
            append_status(app, "inviata all'ufficio di destinazione");
            return vec![effect];
        }
        None => "inviata all'ufficio di destinazione (avviso e-mail non configurato)",
    };
    append_status(app, note);
    Vec::new()
}

fn append_status(app: &mut App, note: &str) {
    app.status = Some(match app.status.take() {
        Some(s) => format!("{s}; {note}"),
        None => note.to_string(),
    });
}

/// The outcome of the notices, or of a cancellation.
pub fn avvisi_done(app: &mut App, result: Result<Vec<(i64, String)>, String>) {
    match result {
        Ok(esiti) => {
            if let Some((_, e)) = esiti.last() {
                append_status(
                    app,
                    &format!("avviso e-mail: {}", crate::sanitize::sanitize(e)),
                );
            }
        }
        Err(e) => append_status(app, &format!("avviso e-mail non inviato: {e}")),
    }
}
