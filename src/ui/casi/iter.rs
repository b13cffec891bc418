//! The open case: its keys (sections, new diary entry, PAI or ISEE, Enter to verify a PAI or copy
//! a document out, print, change of state) and the change of state asked step by step
//! (transition, whom it names, closure reason, note).

use super::{Apertura, CasoView, FormKind, Req, State, Then, forms};
use crate::domain::caso::{self, CambioStato, Sezione, Target};
use crate::domain::date::italian;
use crate::sanitize::sanitize;
use crate::service::casi::Contenuto;
use crate::ui::action::Action;
use crate::ui::app::{App, Effect, Request, Screen, Then as AppThen};
use crate::ui::popup::Popup;
use crate::ui::widgets::form_screen::FormScreen;

pub(super) fn open_caso(app: &mut App, caso_id: i64, sezione: Sezione) {
    app.push(Screen::Casi(State::Caso(Box::new(CasoView {
        caso_id,
        sezione,
        first: true,
        data: None,
        error: None,
        stale: true,
        scroll: 0,
    }))));
}

pub(super) fn caso_action(
    app: &mut App,
    a: Action,
    today: time::Date,
    caso_id: i64,
) -> Vec<Effect> {
    let eroga = app
        .actor()
        .is_some_and(|a| a.can(crate::domain::Permission::WriteErogazioni));
    let Screen::Casi(State::Caso(c)) = &mut app.screen else {
        return Vec::new();
    };
    let step = |s: Sezione, d: isize| {
        let i = Sezione::ALL.iter().position(|x| *x == s).unwrap_or(0) as isize;
        let n = Sezione::ALL.len() as isize;
        Sezione::ALL[((i + d).rem_euclid(n)) as usize]
    };
    match a {
        Action::NextPage | Action::PrevPage => {
            c.sezione = step(c.sezione, if a == Action::NextPage { 1 } else { -1 });
            c.stale = true;
            c.first = true;
            c.scroll = 0;
            c.data = None;
            c.error = None;
        }
        Action::FieldDown => c.scroll = c.scroll.saturating_add(1),
        Action::FieldUp => c.scroll = c.scroll.saturating_sub(1),
        Action::NewRecord => {
            if c.sezione == Sezione::Servizi
                && eroga
                && c.error.is_none()
                && let Some(d) = &c.data
            {
                // Services received elsewhere, or an intervento / erogazione of the ente.
                let (cf, categoria) = (
                    d.caso.codice_fiscale.clone(),
                    d.caso.categorie.first().cloned(),
                );
                app.popup = Some(Popup::Choice {
                    title: "Nuovo".into(),
                    options: vec![
                        "Servizio o contributo ricevuto".into(),
                        "Intervento dell'ente".into(),
                        "Erogazione dell'ente".into(),
                    ],
                    selected: 0,
                    then: AppThen::Casi(Then::Servizi(caso_id, cf, categoria)),
                });
                return Vec::new();
            }
            let kind = match c.sezione {
                Sezione::Diario => FormKind::Diario,
                Sezione::Pai => FormKind::Pai,
                Sezione::Isee => FormKind::Isee,
                Sezione::Documenti => FormKind::Documento,
                Sezione::Risorse => FormKind::Familiare,
                Sezione::Valutazioni => FormKind::Valutazione(0),
                Sezione::Operatori => {
                    super::operatori::nuovo(app, caso_id);
                    return Vec::new();
                }
                Sezione::Anagrafica => FormKind::Categoria,
                s if s.generica() => FormKind::Sezione(s),
                _ => {
                    app.status = Some(
                        "Ctrl+N aggiunge una voce nelle sezioni che si compilano (non in questa)"
                            .into(),
                    );
                    return Vec::new();
                }
            };
            if let Some(e) = &c.error {
                // The section was refused (e.g. dati riservati): so is a new entry.
                app.status = Some(e.clone());
                return Vec::new();
            }
            if let FormKind::Valutazione(_) = kind {
                // Which grid: the multidimensional ones of `screens/` and the SINBA one.
                app.popup = Some(Popup::Choice {
                    title: "Nuova valutazione".into(),
                    options: forms::griglie(&app.config)
                        .into_iter()
                        .map(|(_, title)| title)
                        .collect(),
                    selected: 0,
                    then: AppThen::Casi(Then::Griglia(caso_id)),
                });
                return Vec::new();
            }
            let id = forms::form_id(kind);
            if matches!(
                kind,
                FormKind::Sezione(_) | FormKind::Familiare | FormKind::Categoria
            ) {
                // Forms with database code lists open when the lists arrive.
                let Some(actor) = app.actor() else {
                    return Vec::new();
                };
                let lists = app.config.list_ids(id);
                let apertura = Apertura::Form(kind, caso_id);
                return vec![app.io.query(Request::Casi(Req::Liste {
                    actor,
                    lists,
                    apertura,
                }))];
            }
            let (title, specs) = app.config.form_def(id);
            let form = forms::new_form(id, &title, specs, Default::default(), kind, today);
            let screen = FormScreen::new(form, format!("caso-{caso_id}"));
            return app.push_form(Screen::Casi(State::Form(Box::new(screen), kind, caso_id)));
        }
        Action::Print => {
            // On the PAI section: the newest PAI; elsewhere the summary of the cartella.
            let pai = match c.data.as_ref().map(|d| &d.contenuto) {
                Some(Contenuto::Pai(p)) => p.first().and_then(|p| p.id),
                _ => None,
            };
            let Some(actor) = app.actor() else {
                return Vec::new();
            };
            let outputs = app.config.outputs();
            app.status = Some("Stampa in corso…".into());
            return vec![app.io.request(Request::Casi(Req::Print {
                actor,
                caso_id,
                pai,
                outputs,
            }))];
        }
        Action::Open | Action::Confirm => return choose_record(app, caso_id),
        Action::Edit => {
            let Some(data) = &c.data else {
                return Vec::new();
            };
            if data.transizioni.is_empty() {
                app.status = Some("Nessun cambio di stato consentito al proprio ruolo".into());
                return Vec::new();
            }
            let cambio = CambioStato {
                caso_id,
                version: data.caso.version,
                data: crate::domain::date::iso(today),
                ..Default::default()
            };
            app.popup = Some(Popup::Choice {
                title: format!("Cambio stato (ora: {})", data.caso.stato_label),
                options: data
                    .transizioni
                    .iter()
                    .map(|t| t.etichetta.clone())
                    .collect(),
                selected: 0,
                then: AppThen::Casi(Then::Transizione(
                    cambio,
                    data.transizioni
                        .iter()
                        .map(|t| (t.a.clone(), t.target))
                        .collect(),
                )),
            });
        }
        _ => {}
    }
    Vec::new()
}

/// After the transition: its target, then the closure reason, then the note.
pub(super) fn next_step(app: &mut App, cambio: CambioStato, target: Target) -> Vec<Effect> {
    if target != Target::Nessuno {
        let Screen::Casi(State::Caso(c)) = &app.screen else {
            return Vec::new();
        };
        let Some(d) = &c.data else {
            return Vec::new();
        };
        let options: Vec<(String, String)> = match target {
            Target::Ufficio => d
                .destinatari
                .uffici
                .iter()
                .map(|(i, n)| (i.to_string(), n.clone()))
                .collect(),
            Target::Ente => d
                .destinatari
                .enti
                .iter()
                .map(|(i, n)| (i.to_string(), n.clone()))
                .collect(),
            Target::Operatore => d
                .destinatari
                .operatori
                .iter()
                .map(|(u, n)| (u.clone(), n.clone()))
                .collect(),
            Target::Nessuno => Vec::new(),
        };
        if options.is_empty() {
            app.error_popup("nessun destinatario disponibile per la segnalazione".into());
            return Vec::new();
        }
        app.popup = Some(Popup::Choice {
            title: "Segnalare a".into(),
            options: options
                .iter()
                .map(|(_, n)| crate::sanitize::sanitize(n))
                .collect(),
            selected: 0,
            then: AppThen::Casi(Then::Destinatario(
                cambio,
                target,
                options.into_iter().map(|(k, _)| k).collect(),
            )),
        });
        return Vec::new();
    }
    if cambio.a == caso::CHIUSO && !cambio.attributi.contains_key("motivo_chiusura") {
        app.popup = Some(Popup::Choice {
            title: "Motivo della chiusura".into(),
            options: caso::MOTIVI_CHIUSURA
                .iter()
                .map(|(_, l)| l.to_string())
                .collect(),
            selected: 0,
            then: AppThen::Casi(Then::Motivo(cambio)),
        });
        return Vec::new();
    }
    ask_note(app, cambio);
    Vec::new()
}

pub(super) fn ask_note(app: &mut App, cambio: CambioStato) {
    app.popup = Some(Popup::Prompt {
        text: "Nota del cambio di stato".into(),
        input: crate::ui::widgets::text_input::TextInput::new(500),
        then: AppThen::Casi(Then::Nota(cambio)),
    });
}

/// Enter on a section with records to open: a PAI to verify or close, a document to copy out.
fn choose_record(app: &mut App, caso_id: i64) -> Vec<Effect> {
    let Screen::Casi(State::Caso(c)) = &app.screen else {
        return Vec::new();
    };
    if c.sezione == Sezione::Operatori {
        super::operatori::scegli(app, caso_id);
        return Vec::new();
    }
    let (title, options, then) = match c.data.as_ref().map(|d| &d.contenuto) {
        Some(Contenuto::Pai(rows)) if !rows.is_empty() => {
            if rows.len() == 1 {
                return open_pai(app, caso_id, 0);
            }
            let options = rows
                .iter()
                .map(|p| {
                    format!(
                        "{} dal {} · prossima verifica {}{}",
                        if p.tipo == "pai" {
                            "PAI"
                        } else {
                            "Progetto individuale"
                        },
                        italian(&p.data_inizio),
                        italian(&p.prossima_verifica),
                        if p.data_chiusura.is_some() {
                            " · chiuso"
                        } else {
                            ""
                        }
                    )
                })
                .collect();
            ("Quale progetto?", options, Then::Pai(caso_id))
        }
        Some(Contenuto::Documenti(rows)) if !rows.is_empty() => {
            let options = rows
                .iter()
                .map(|d| sanitize(&format!("{} · {}", italian(&d.data), d.titolo)))
                .collect();
            (
                "Copia del documento nella cartella dell'ufficio",
                options,
                Then::Documento,
            )
        }
        _ => {
            app.status = Some(
                "Invio apre un PAI (sezione PAI) o copia un documento (sezione Documenti)".into(),
            );
            return Vec::new();
        }
    };
    app.popup = Some(Popup::Choice {
        title: title.into(),
        options,
        selected: 0,
        then: AppThen::Casi(then),
    });
    Vec::new()
}

/// Opens the `i`-th PAI on screen in its form, to record a verification or close it.
pub(super) fn open_pai(app: &mut App, caso_id: i64, i: usize) -> Vec<Effect> {
    let Screen::Casi(State::Caso(c)) = &app.screen else {
        return Vec::new();
    };
    let Some(Contenuto::Pai(rows)) = c.data.as_ref().map(|d| &d.contenuto) else {
        return Vec::new();
    };
    let Some(pai) = rows.get(i).cloned() else {
        return Vec::new();
    };
    let Some(id) = pai.id else {
        return Vec::new();
    };
    let kind = FormKind::PaiVerifica(id, pai.version);
    let form_id = forms::form_id(kind);
    let (title, specs) = app.config.form_def(form_id);
    let mut form = forms::new_form(
        form_id,
        &title,
        specs,
        Default::default(),
        kind,
        app.today(),
    );
    forms::fill_pai(&mut form, &pai);
    let screen = FormScreen::new(form, format!("pai-{id}"));
    app.push_form(Screen::Casi(State::Form(Box::new(screen), kind, caso_id)))
}

/// Asks for a copy of the `i`-th document on screen in the ufficio's output folder.
pub(super) fn copy_document(app: &mut App, i: usize) -> Vec<Effect> {
    let Screen::Casi(State::Caso(c)) = &app.screen else {
        return Vec::new();
    };
    let Some(Contenuto::Documenti(rows)) = c.data.as_ref().map(|d| &d.contenuto) else {
        return Vec::new();
    };
    let Some((Some(id), nome_file)) = rows.get(i).map(|d| (d.id, d.nome_file.clone())) else {
        return Vec::new();
    };
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    // The extension of the imported file, if it is a plain one.
    let ext = std::path::Path::new(&nome_file)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .map_or_else(|| "bin".to_string(), str::to_ascii_lowercase);
    app.status = Some("Copia del documento in corso…".into());
    vec![app.io.request(Request::Casi(Req::CopiaDocumento {
        actor,
        archivio: app.config.archivio.clone(),
        id,
        ext,
        outputs: app.config.outputs(),
    }))]
}
