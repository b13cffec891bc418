//! The scheda form's round trip: checking and sending it, opening it (and rebuilding it after a
//! conflict), and what a save's answer does to the screen (complete, in sospeso, conflict, a sending
//! cancelled).

use super::*;

/// Checks the scheda form and sends it (with required fields empty it is saved in sospeso).
pub(super) fn save(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    let Screen::Schede(State::Form(f, data)) = &mut app.screen else {
        return Vec::new();
    };
    if f.saving {
        return Vec::new();
    }
    if f.readonly {
        app.status = Some("Sola lettura: la scheda è di un altro operatore".into());
        return Vec::new();
    }
    match to_edit(&f.form, data, today) {
        Err(errors) => {
            f.refuse(&errors, &mut app.status);
            Vec::new()
        }
        Ok((edit, form_incompleta)) => {
            f.saving = true;
            // A write: its answer counts even when the operator has gone back meanwhile.
            let draft = f.record_key.clone();
            vec![app.io.request(Request::Schede(Req::Save {
                actor,
                edit,
                form_incompleta,
                draft,
            }))]
        }
    }
}

/// Scheda `id` is at `version` in the database: if the form on show holds it at another version
/// (another operator saved it), a form without unsaved changes is reloaded in place; one with
/// unsaved changes keeps them, with a notice (the save will report the conflict).
pub(super) fn moved(app: &mut App, id: i64, version: i64) -> Vec<Effect> {
    let Screen::Schede(State::Form(f, d)) = &mut app.screen else {
        return Vec::new();
    };
    let Some(stored) = d.scheda.as_ref().filter(|s| s.edit.id == Some(id)) else {
        return Vec::new();
    };
    if stored.edit.version == version || f.saving || f.reloading || f.refreshing {
        return Vec::new();
    }
    if f.form.unsaved() {
        f.notice = Some(crate::ui::refresh::NOTICE.into());
        return Vec::new();
    }
    f.refreshing = true;
    let soggetto_id = d.soggetto.id;
    ask_form(app, Some(id), soggetto_id)
}

/// Opens the scheda form; after a conflict, rebuilds it on the stored version with the operator's
/// changes re-applied and tells what the other operator changed.
pub(super) fn open_form(app: &mut App, mut data: SchedaFormData) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    let now = app.now_ms;
    let (title, specs) = app.config.form_def(FORM_ID);
    let title = match &data.scheda {
        Some(s) => format!(
            "{title} n. {} · {} {}{}",
            s.numero,
            data.soggetto.cognome,
            data.soggetto.nome,
            invio::title_suffix(&actor, &data)
                .map(|t| format!(" · {t}"))
                .unwrap_or_default()
        ),
        None => format!(
            "{title}: nuova · {} {}",
            data.soggetto.cognome, data.soggetto.nome
        ),
    };
    let mut form = new_form(&title, specs, &mut data, &actor.username, today);
    if let Screen::Schede(State::Form(f, d)) = &mut app.screen
        && f.refreshing
        && !f.reloading
        && d.scheda.as_ref().and_then(|s| s.edit.id) == data.scheda.as_ref().and_then(|s| s.edit.id)
    {
        // Reloaded after another operator's save, with nothing unsaved here: the stored version
        // replaces it where the operator is.
        f.refreshing = false;
        if f.form.unsaved() {
            // Typed meanwhile: kept (the save reports the conflict).
            f.notice = Some(crate::ui::refresh::NOTICE.into());
            return Vec::new();
        }
        form.set_base();
        form.focus = f.form.focus.min(form.fields.len().saturating_sub(1));
        f.form = form;
        f.readonly = !data.can_edit;
        f.notice = None;
        **d = data;
        app.status = Some("Scheda aggiornata: modificata da un altro operatore".into());
        return Vec::new();
    }
    if let Screen::Schede(State::Form(f, d)) = &mut app.screen
        && f.reloading
    {
        f.notice = None;
        // The stored version becomes the base; the operator's changes (draft vs. their base) are
        // applied over it.
        form.set_base();
        let report = conflict_report(&f.form, &form);
        let stored_base = form.base.clone();
        form.restore_json(&f.form.draft_json());
        form.base = stored_base;
        form.changed_at = Some(now);
        f.form = form;
        f.reloading = false;
        f.saving = false;
        f.readonly = !data.can_edit;
        **d = data;
        app.popup = Some(Popup::Message {
            text: format!(
                "Un altro operatore ha salvato questa scheda mentre la modificava: le sue modifiche sono state riapplicate sulla versione salvata. Ricontrollare e salvare di nuovo.{}",
                if report.is_empty() {
                    String::new()
                } else {
                    format!(" Cambiato dall'altro operatore: {}", report.join("; "))
                }
            ),
            error: true,
        });
        return Vec::new();
    }
    let readonly = !data.can_edit;
    let ricevuta = data
        .invii
        .iter()
        .any(|i| i.attivo() && Some(i.a_ufficio_id) == actor.ufficio_id);
    let mut screen = FormScreen::new(form, record_key(&data));
    screen.readonly = readonly;
    let effects = app.push_form(Screen::Schede(State::Form(
        Box::new(screen),
        Box::new(data),
    )));
    if readonly {
        app.status = Some(if ricevuta {
            "Sola lettura: scheda ricevuta da un altro ufficio · Ctrl+W la scheda originale".into()
        } else {
            "Sola lettura: la scheda è di un altro operatore".into()
        });
    }
    effects
}

/// The draft key of a scheda: its id, or `nuova-<person>` for a new one.
fn record_key(d: &SchedaFormData) -> String {
    match d.scheda.as_ref().and_then(|s| s.edit.id) {
        Some(id) => id.to_string(),
        None => format!("nuova-{}", d.soggetto.id),
    }
}

/// A scheda was saved: complete → back to the list or card below; in sospeso → the form stays with
/// what is missing marked; refused because someone else saved first → reloaded and merged. The
/// lists and the person card below ask again, also when the operator left the form before the
/// answer came (then its draft `draft` goes too).
pub(super) fn saved(
    app: &mut App,
    draft: &str,
    result: Result<SchedaOutcome, String>,
) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let on_screen =
        matches!(&app.screen, Screen::Schede(State::Form(f, _)) if f.record_key == draft);
    if !on_screen {
        return match result {
            Ok(o) => {
                app.mark_lists_stale();
                app.status = Some(format!("Scheda n. {} salvata", o.saved.numero));
                let mut effects = vec![crate::ui::drafts::delete(
                    app,
                    actor.clone(),
                    FORM_ID.into(),
                    draft.into(),
                )];
                if o.saved.invio.is_some() {
                    effects.extend(invio::notify(app, actor));
                }
                effects
            }
            Err(e) => {
                app.error_popup(format!(
                    "Scheda non salvata: {e}. Quanto scritto è nella bozza: riaprire la scheda."
                ));
                Vec::new()
            }
        };
    }
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            let conflict = e.starts_with(CONFLICT);
            let mut effects = app.form_saved(Err(e), "");
            if conflict
                && let Screen::Schede(State::Form(f, d)) = &mut app.screen
                && let Some(id) = d.scheda.as_ref().and_then(|s| s.edit.id)
            {
                f.reloading = true;
                let soggetto_id = d.soggetto.id;
                effects.extend(ask_form(app, Some(id), soggetto_id));
            }
            return effects;
        }
    };
    let today = app.today();
    let Screen::Schede(State::Form(f, d)) = &mut app.screen else {
        return Vec::new();
    };
    f.saving = false;
    let old_key = f.record_key.clone();
    let form_id = f.form.id.clone();
    let stato = if outcome.completa {
        Stato::Completa
    } else {
        Stato::InSospeso
    };
    let s = outcome.saved;
    match &mut d.scheda {
        Some(stored) => {
            stored.edit.version = s.version;
            stored.stato = stato;
        }
        None => {
            f.form.title = f
                .form
                .title
                .replacen(": nuova", &format!(" n. {}", s.numero), 1);
            d.scheda = Some(new_scheda(&actor, d.soggetto.id, &s, stato));
        }
    }
    f.record_key = record_key(d);
    f.form.changed_at = None;
    f.form.set_base();
    f.notice = None;
    if !outcome.completa {
        let shown: Vec<bool> = (0..f.form.fields.len())
            .map(|i| f.form.visible(i))
            .collect();
        let mut errors: Vec<(String, String)> = f
            .form
            .fields
            .iter()
            .zip(shown)
            .filter(|(_, s)| *s)
            .filter_map(|(x, _)| {
                crate::ui::widgets::form::validate_field(x, today)
                    .err()
                    .map(|e| (x.spec.id.clone(), e))
            })
            .collect();
        errors.extend(outcome.problemi.iter().cloned());
        errors.sort_by_key(|(id, _)| f.form.fields.iter().position(|x| &x.spec.id == id));
        f.form.mark_errors(&errors);
    }
    let mut effects = vec![crate::ui::drafts::delete(
        app,
        actor.clone(),
        form_id,
        old_key,
    )];
    app.mark_lists_stale();
    if outcome.completa {
        let proposta = if outcome.proposta_ente.is_some() {
            ": proposta di presa in carico inviata"
        } else {
            ""
        };
        app.pop();
        app.status = Some(format!("Scheda n. {} completa{proposta}", s.numero));
    } else {
        app.status = Some(format!(
            "Scheda n. {} salvata in sospeso: {} da completare",
            s.numero,
            match outcome.problemi.len() {
                0 => "campi obbligatori".to_string(),
                1 => "1 campo".to_string(),
                n => format!("{n} campi"),
            }
        ));
    }
    if s.invio.is_some() {
        effects.extend(invio::notify(app, actor));
    }
    if let Some(text) = outcome.avviso {
        app.error_popup(text);
    }
    effects
}

/// The sending of scheda `id` was cancelled (or refused): the form on screen is read again.
pub(super) fn annullato(app: &mut App, id: i64, result: Result<(), String>) -> Vec<Effect> {
    if let Err(e) = result {
        app.error_popup(format!("Invio non annullato: {e}"));
        return Vec::new();
    }
    app.mark_lists_stale();
    app.status = Some("Invio annullato: l'ufficio di destinazione non vede più la scheda".into());
    let Screen::Schede(State::Form(_, d)) = &app.screen else {
        return Vec::new();
    };
    if d.scheda.as_ref().and_then(|s| s.edit.id) != Some(id) {
        return Vec::new();
    }
    let soggetto = d.soggetto.id;
    app.pop();
    ask_form(app, Some(id), soggetto)
}

/// The scheda just saved for the first time, as the form keeps it.
fn new_scheda(actor: &Actor, soggetto_id: i64, s: &SchedaSaved, stato: Stato) -> Scheda {
    let edit = SchedaEdit {
        id: Some(s.id),
        version: s.version,
        soggetto_id,
        operatore: actor.username.clone(),
        ..Default::default()
    };
    Scheda {
        edit,
        numero: s.numero,
        ente_id: actor.ente().unwrap_or_default(),
        ufficio_id: actor.ufficio_id,
        stato,
        nota_leggibile: true,
        nota_privata_autore: None,
        proposta: None,
        created_at: String::new(),
        created_by: actor.username.clone(),
        updated_at: String::new(),
        updated_by: actor.username.clone(),
        deleted_reason: None,
    }
}
