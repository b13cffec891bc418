//! The drafts policy of the router: what the operator typed in a form is saved as a draft (bozza)
//! at most 2 s after the last change, when leaving the form, when the screen locks and when the
//! connection drops; opening a form offers its draft back (restore, not now, delete).

use super::app::{App, Effect, Request};
use super::popup::Popup;
use crate::domain::Actor;
use crate::service::Draft;
use crate::service::Service;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Save {
        actor: Actor,
        form: String,
        record: String,
        content: String,
    },
    Load {
        actor: Actor,
        form: String,
        record: String,
    },
    Delete {
        actor: Actor,
        form: String,
        record: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Saved(Result<(), String>),
    Loaded(Result<Option<Draft>, String>),
    Deleted(Result<(), String>),
}

impl Req {
    /// A newer save of the same form and record makes an older one useless.
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::Save { .. })
    }

    pub fn same_kind(&self, other: &Req) -> bool {
        match (self, other) {
            (
                Req::Save {
                    form: f1,
                    record: r1,
                    ..
                },
                Req::Save {
                    form: f2,
                    record: r2,
                    ..
                },
            ) => f1 == f2 && r1 == r2,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::Save {
            actor,
            form,
            record,
            content,
        } => Rep::Saved(
            svc.save_draft(&actor, &form, &record, &content)
                .map_err(err),
        ),
        Req::Load {
            actor,
            form,
            record,
        } => Rep::Loaded(svc.load_draft(&actor, &form, &record).map_err(err)),
        Req::Delete {
            actor,
            form,
            record,
        } => Rep::Deleted(svc.delete_draft(&actor, &form, &record).map_err(err)),
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::Loaded(Ok(Some(d))) if current && app.form().is_some() => {
            app.popup = Some(Popup::RestoreDraft {
                content: d.content,
                saved_at: d.saved_at,
            });
        }
        Rep::Saved(Err(e)) => app.status = Some(format!("Bozza non salvata: {e}")),
        _ => {}
    }
    Vec::new()
}

/// The draft typed over the form on screen.
pub fn restore(app: &mut App, content: &str) {
    let state = app.screen.state_mut();
    state.restore_draft(content);
    if let Some(f) = state.form_mut() {
        f.form.changed_at = None;
    }
    app.status = Some("Bozza ripristinata".into());
}

/// Deletes the draft of the form on screen.
pub fn discard(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let Some(f) = app.form_screen() else {
        return Vec::new();
    };
    let (form, record) = (f.form.id.clone(), f.record_key.clone());
    app.status = Some("Bozza eliminata".into());
    vec![delete(app, actor, form, record)]
}

/// The request that deletes a draft (after a save, or on the operator's word).
pub fn delete(app: &mut App, actor: Actor, form: String, record: String) -> Effect {
    app.io.request(Request::Drafts(Req::Delete {
        actor,
        form,
        record,
    }))
}
