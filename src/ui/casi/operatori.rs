//! The Operatori section's keys: Ctrl+N assigns a colleague (with or without "gestione
//! fascicolo") or shares the case with an ufficio or another ente (with or without «nascondi
//! informazioni»); Enter on an assignment or a sharing changes or ends it. Each choice is a popup.

use super::{Req, State, Then};
use crate::domain::caso::Unita;
use crate::service::casi::{Cartella, Contenuto};
use crate::ui::app::{App, Effect, Request, Screen, Then as AppThen};
use crate::ui::popup::Popup;

/// What is being added to who follows a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nuovo {
    Operatore,
    Ufficio,
    Ente,
}

/// An assignment or a sharing chosen on the section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Voce {
    Operatore(String, bool),
    Condivisione(i64, Unita, bool),
}

fn cartella(app: &App) -> Option<&Cartella> {
    match &app.screen {
        Screen::Casi(State::Caso(c)) => c.data.as_ref(),
        _ => None,
    }
}

fn choice(app: &mut App, title: &str, options: Vec<String>, then: Then) {
    app.popup = Some(Popup::Choice {
        title: title.into(),
        options: options
            .iter()
            .map(|o| crate::sanitize::sanitize(o))
            .collect(),
        selected: 0,
        then: AppThen::Casi(then),
    });
}

/// Refuses, with the reason, when the actor does not manage this case's fascicolo.
fn manages(app: &mut App) -> bool {
    let ok = cartella(app).is_some_and(|c| c.accesso.gestione);
    if !ok {
        app.status = Some(
            "Assegnazioni e condivisioni spettano a chi gestisce il fascicolo del caso".into(),
        );
    }
    ok
}

/// Ctrl+N on the section: what to add.
pub fn nuovo(app: &mut App, caso_id: i64) {
    if !manages(app) {
        return;
    }
    choice(
        app,
        "Chi segue il caso",
        vec![
            "Assegna un operatore".into(),
            "Condividi con un ufficio dell'ente".into(),
            "Condividi con un altro ente".into(),
        ],
        Then::NuovoSeguito(caso_id),
    );
}

/// The kind chosen: whom.
pub fn chi(app: &mut App, caso_id: i64, i: usize) {
    let Some(c) = cartella(app) else {
        return;
    };
    let d = &c.destinatari;
    let (kind, ids, names): (Nuovo, Vec<String>, Vec<String>) = match i {
        0 => (
            Nuovo::Operatore,
            d.operatori.iter().map(|(u, _)| u.clone()).collect(),
            d.operatori
                .iter()
                .map(|(u, n)| format!("{n} ({u})"))
                .collect(),
        ),
        1 => (
            Nuovo::Ufficio,
            d.uffici.iter().map(|(id, _)| id.to_string()).collect(),
            d.uffici.iter().map(|(_, n)| n.clone()).collect(),
        ),
        _ => (
            Nuovo::Ente,
            d.enti.iter().map(|(id, _)| id.to_string()).collect(),
            d.enti.iter().map(|(_, n)| n.clone()).collect(),
        ),
    };
    if ids.is_empty() {
        app.error_popup("nessun destinatario disponibile".into());
        return;
    }
    choice(app, "A chi", names, Then::ChiSeguito(caso_id, kind, ids));
}

/// Whom was chosen: with which flag.
pub fn flag(app: &mut App, caso_id: i64, kind: Nuovo, id: String) {
    let (title, options) = match kind {
        Nuovo::Operatore => (
            "Gestisce il fascicolo?",
            vec![
                "Sì: scrive diario, PAI, ISEE, documenti".to_string(),
                "No, solo consultazione".into(),
            ],
        ),
        Nuovo::Ufficio | Nuovo::Ente => (
            "Informazioni del fascicolo?",
            vec![
                "Nascondi informazioni (solo anagrafica, operatori, cronologia)".to_string(),
                "Mostra tutta la cartella".into(),
            ],
        ),
    };
    choice(app, title, options, Then::FlagSeguito(caso_id, kind, id));
}

/// The flag chosen: the request.
pub fn conferma(app: &mut App, caso_id: i64, kind: Nuovo, id: &str, si: bool) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let unita = |id: &str| id.parse::<i64>().ok();
    let req = match kind {
        Nuovo::Operatore => Req::Operatore {
            actor,
            caso_id,
            operatore: id.to_string(),
            gestione: Some(si),
        },
        Nuovo::Ufficio | Nuovo::Ente => {
            let Some(n) = unita(id) else {
                return Vec::new();
            };
            Req::Condividi {
                actor,
                caso_id,
                unita: if kind == Nuovo::Ufficio {
                    Unita::Ufficio(n)
                } else {
                    Unita::Ente(n)
                },
                nascondi: si,
            }
        }
    };
    vec![app.io.request(Request::Casi(req))]
}

/// Enter on the section: which active assignment or sharing.
pub fn scegli(app: &mut App, caso_id: i64) {
    if !manages(app) {
        return;
    }
    let Some(c) = cartella(app) else {
        return;
    };
    let Contenuto::Operatori(ops) = &c.contenuto else {
        return;
    };
    let mut voci = Vec::new();
    let mut names = Vec::new();
    for o in ops.iter().filter(|o| o.al.is_none() && !o.responsabile) {
        voci.push(Voce::Operatore(o.operatore.clone(), o.gestione_fascicolo));
        names.push(format!(
            "{}{}",
            o.operatore,
            if o.gestione_fascicolo {
                " · gestione fascicolo"
            } else {
                " · consultazione"
            }
        ));
    }
    for s in c.condivisioni.iter().filter(|s| s.al.is_none()) {
        let unita = match (s.ufficio_id, s.ente_id) {
            (Some(u), _) => Unita::Ufficio(u),
            (_, Some(e)) => Unita::Ente(e),
            _ => continue,
        };
        voci.push(Voce::Condivisione(s.id, unita, s.nascondi_informazioni));
        names.push(format!(
            "Condiviso con {}{}",
            s.nome,
            if s.nascondi_informazioni {
                " · informazioni nascoste"
            } else {
                ""
            }
        ));
    }
    if voci.is_empty() {
        app.status =
            Some("Nessuna assegnazione o condivisione da cambiare (Ctrl+N aggiunge)".into());
        return;
    }
    choice(
        app,
        "Cambia o termina",
        names,
        Then::VoceSeguito(caso_id, voci),
    );
}

/// The assignment or sharing chosen: what to do with it.
pub fn azioni(app: &mut App, caso_id: i64, voce: Voce) {
    let options = match &voce {
        Voce::Operatore(_, true) => vec![
            "Togli la gestione del fascicolo".to_string(),
            "Termina l'assegnazione".into(),
        ],
        Voce::Operatore(_, false) => vec![
            "Dai la gestione del fascicolo".to_string(),
            "Termina l'assegnazione".into(),
        ],
        Voce::Condivisione(_, _, true) => vec![
            "Mostra tutta la cartella".to_string(),
            "Revoca la condivisione".into(),
        ],
        Voce::Condivisione(_, _, false) => vec![
            "Nascondi le informazioni".to_string(),
            "Revoca la condivisione".into(),
        ],
    };
    choice(app, "Che cosa", options, Then::AzioneSeguito(caso_id, voce));
}

/// The action chosen on an assignment or sharing: the request.
pub fn esegui(app: &mut App, caso_id: i64, voce: Voce, i: usize) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let req = match (voce, i) {
        (Voce::Operatore(operatore, g), 0) => Req::Operatore {
            actor,
            caso_id,
            operatore,
            gestione: Some(!g),
        },
        (Voce::Operatore(operatore, _), _) => Req::Operatore {
            actor,
            caso_id,
            operatore,
            gestione: None,
        },
        (Voce::Condivisione(_, unita, nascondi), 0) => Req::Condividi {
            actor,
            caso_id,
            unita,
            nascondi: !nascondi,
        },
        (Voce::Condivisione(id, ..), _) => Req::Revoca { actor, caso_id, id },
    };
    vec![app.io.request(Request::Casi(req))]
}
