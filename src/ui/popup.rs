//! Popups above the screen: help, confirmations, messages, a line of text to type, a choice among a
//! few options, and the offer to restore a draft. A popup that asks something carries what its
//! answer continues with ([`Then`]); the router hands the answer to the module that asked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::action::Action;
use super::app::{App, Effect, Then};
use super::keymap::Hint;
use super::keys::KeyInput;
use super::view::{centered, framed};
use super::widgets::text_input::TextInput;
use crate::sanitize::sanitize;

/// Overlays above the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Help,
    Confirm {
        text: String,
        then: Then,
    },
    Message {
        text: String,
        error: bool,
    },
    /// A saved draft exists for the form just opened.
    RestoreDraft {
        content: String,
        saved_at: String,
    },
    /// A line of text to type (the reason of a deletion).
    Prompt {
        text: String,
        input: TextInput,
        then: Then,
    },
    /// One of a few choices (Up/Down or its number, Enter).
    Choice {
        title: String,
        options: Vec<String>,
        selected: usize,
        then: Then,
    },
}

/// The operator's answer to a popup that asked something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Yes,
    Text(String),
    Choice(usize),
}

impl Popup {
    pub fn confirm(text: impl Into<String>, then: Then) -> Popup {
        Popup::Confirm {
            text: text.into(),
            then,
        }
    }

    /// A digit typed on a choice selects that option; true when it did.
    pub fn choose_digit(&mut self, k: &KeyInput) -> bool {
        let Popup::Choice {
            options, selected, ..
        } = self
        else {
            return false;
        };
        match super::app::printable(k).and_then(|c| c.to_digit(10)) {
            Some(d) if (1..=options.len()).contains(&(d as usize)) => {
                *selected = d as usize - 1;
                true
            }
            _ => false,
        }
    }
}

/// What an action on a popup led to.
pub enum Outcome {
    /// The operator answered: the module that asked continues.
    Answered(Then, Answer),
    /// Handled here (the popup closed, stayed or changed).
    Done(Vec<Effect>),
}

/// An action while popup `p` (taken off the app) is shown: the popup goes, stays or changes; an
/// answer comes back for the module that asked.
pub fn action(app: &mut App, p: Popup, a: Action) -> Outcome {
    let answered = |then, answer| Outcome::Answered(then, answer);
    match (p, a) {
        (Popup::Confirm { then, .. }, Action::Confirm) => answered(then, Answer::Yes),
        (Popup::RestoreDraft { content, .. }, Action::Confirm | Action::RestoreDraft) => {
            super::drafts::restore(app, &content);
            Outcome::Done(Vec::new())
        }
        (Popup::RestoreDraft { .. }, Action::DiscardDraft) => {
            Outcome::Done(super::drafts::discard(app))
        }
        (Popup::Prompt { text, input, then }, Action::Confirm | Action::Save) => {
            let typed = input.value().trim().to_string();
            if typed.is_empty() {
                app.status = Some("Scrivere il motivo, oppure Esc per annullare".into());
                app.popup = Some(Popup::Prompt { text, input, then });
                return Outcome::Done(Vec::new());
            }
            answered(then, Answer::Text(typed))
        }
        (
            Popup::Choice {
                title,
                options,
                selected,
                then,
            },
            a @ (Action::FieldDown | Action::NextField | Action::FieldUp | Action::PrevField),
        ) => {
            let n = options.len().max(1);
            let selected = if matches!(a, Action::FieldDown | Action::NextField) {
                (selected + 1) % n
            } else {
                (selected + n - 1) % n
            };
            app.popup = Some(Popup::Choice {
                title,
                options,
                selected,
                then,
            });
            Outcome::Done(Vec::new())
        }
        (Popup::Choice { selected, then, .. }, Action::Confirm) => {
            answered(then, Answer::Choice(selected))
        }
        (_, Action::Cancel | Action::Back | Action::Confirm) => Outcome::Done(Vec::new()),
        (p, _) => {
            app.popup = Some(p);
            Outcome::Done(Vec::new())
        }
    }
}

/// The notice shown before anything else when the session is recorded for an incident (the
/// operator is told before the first key is logged; the status bar keeps saying it).
pub fn recording_notice(incident: Option<&str>) -> Option<Popup> {
    incident.map(|n| Popup::Message {
        text: format!(
            "Questa sessione viene registrata per la segnalazione {}",
            crate::sanitize::sanitize(n)
        ),
        error: false,
    })
}

/// A print or an export finished: where the file is, or why it is not.
pub fn document_done(
    app: &mut App,
    result: Result<crate::print::office::Delivered, String>,
) -> Vec<Effect> {
    app.status = None;
    app.popup = Some(match result {
        Ok(d) => Popup::Message {
            text: match &d.sent {
                Some(sent) => format!(
                    "Inviato alla stampante {} ({}). Copia in {}",
                    sent.stampante,
                    match &sent.job {
                        Some(job) => format!("lavoro {job}"),
                        None => "lavoro accettato".into(),
                    },
                    d.path.display()
                ),
                None => format!(
                    "Documento salvato{}: {}",
                    if d.note.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", d.note)
                    },
                    d.path.display()
                ),
            },
            error: false,
        },
        Err(e) if e == crate::service::Error::Cancelled.to_string() => Popup::Message {
            text: "Operazione annullata: nessun file scritto".into(),
            error: false,
        },
        Err(e) => Popup::Message {
            text: e,
            error: true,
        },
    });
    Vec::new()
}

/// The help overlay's rows: (keys, description), a numbered family (menu entries 1…9, sections,
/// the home's persons a…e) on one row.
fn help_rows(hints: &[Hint]) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < hints.len() {
        let h = &hints[i];
        let family = h.action.family();
        let run = hints[i..]
            .iter()
            .take_while(|x| family.is_some() && x.action.family() == family)
            .count();
        match family {
            Some(name) if run > 1 => {
                let last = &hints[i + run - 1];
                rows.push((format!("{} … {}", h.keys, last.keys), name.to_string()));
                i += run;
            }
            _ => {
                rows.push((h.keys.clone(), h.desc.clone()));
                i += 1;
            }
        }
    }
    rows
}

pub fn draw(app: &App, p: &Popup, hints: &[Hint], f: &mut Frame, body: Rect) {
    let theme = app.config.theme;
    let key = |a: Action| sanitize(super::keymap::key_in(hints, a).unwrap_or_default());
    match p {
        Popup::Help => {
            let rows = help_rows(hints);
            let h = (rows.len() as u16 + 2).min(body.height);
            let area = centered(body, 70, h);
            let lines: Vec<Line> = rows
                .into_iter()
                .map(|(keys, desc)| {
                    Line::from(vec![
                        Span::styled(format!("{:<18}", sanitize(&keys)), theme.key()),
                        Span::raw(format!(" {}", sanitize(&desc))),
                    ])
                })
                .collect();
            f.render_widget(Clear, area);
            f.render_widget(
                Paragraph::new(lines).block(framed(
                    &theme,
                    "Tasti di questa schermata",
                    theme.accent(app.area()),
                )),
                area,
            );
        }
        Popup::Confirm { text, .. } => {
            let text = sanitize(text);
            let width = 60u16.min(body.width);
            let rows = (text.chars().count() as u16 / width.saturating_sub(4).max(1)) + 1;
            let area = centered(body, width, rows + 4);
            f.render_widget(Clear, area);
            let lines = vec![
                Line::raw(text),
                Line::raw(""),
                Line::styled(
                    format!(
                        "{} = sì   {} = no",
                        key(Action::Confirm),
                        key(Action::Cancel)
                    ),
                    theme.dim(),
                ),
            ];
            f.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: true })
                    .block(framed(&theme, "Conferma", theme.warning())),
                area,
            );
        }
        Popup::RestoreDraft { saved_at, .. } => {
            let area = centered(body, 60, 6);
            f.render_widget(Clear, area);
            let lines = vec![
                Line::raw(format!(
                    "C'è una bozza non salvata di questa scheda ({}).",
                    sanitize(&saved_at.replace('T', " ")[..16.min(saved_at.len())])
                )),
                Line::raw(""),
                Line::styled(
                    format!(
                        "{} = ripristina   {} = non ora   {} = elimina bozza",
                        key(Action::Confirm),
                        key(Action::Cancel),
                        key(Action::DiscardDraft)
                    ),
                    theme.dim(),
                ),
            ];
            f.render_widget(
                Paragraph::new(lines).block(framed(&theme, "Bozza", theme.warning())),
                area,
            );
        }
        Popup::Prompt { text, input, .. } => {
            let area = centered(body, 64.min(body.width), 6);
            f.render_widget(Clear, area);
            let block = framed(&theme, "Conferma", theme.warning());
            let inner = block.inner(area);
            f.render_widget(block, area);
            let buf = f.buffer_mut();
            buf.set_stringn(
                inner.x,
                inner.y,
                sanitize(text),
                inner.width as usize,
                Style::new(),
            );
            let cursor = input.render(
                Rect::new(inner.x, inner.y + 1, inner.width, 1),
                buf,
                theme.focus(),
                true,
            );
            if let Some(c) = cursor {
                f.set_cursor_position(c);
            }
            f.buffer_mut().set_stringn(
                inner.x,
                inner.y + 3,
                format!(
                    "{} = conferma   {} = annulla",
                    key(Action::Confirm),
                    key(Action::Cancel)
                ),
                inner.width as usize,
                theme.dim(),
            );
        }
        Popup::Choice {
            title,
            options,
            selected,
            ..
        } => {
            let h = (options.len() as u16 + 4).min(body.height);
            let area = centered(body, 50.min(body.width), h);
            f.render_widget(Clear, area);
            let mut lines: Vec<Line> = options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let style = if i == *selected {
                        theme.focus()
                    } else {
                        Style::new()
                    };
                    Line::styled(format!(" {}  {}", i + 1, sanitize(o)), style)
                })
                .collect();
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!(
                    "numero o {} = scegli   {} = annulla",
                    key(Action::Confirm),
                    key(Action::Cancel)
                ),
                theme.dim(),
            ));
            f.render_widget(
                Paragraph::new(lines).block(framed(&theme, &sanitize(title), theme.warning())),
                area,
            );
        }
        Popup::Message { text, error } => {
            let area = centered(body, 60, 6);
            f.render_widget(Clear, area);
            let style = if *error { theme.error() } else { Style::new() };
            f.render_widget(
                Paragraph::new(sanitize(text))
                    .style(style)
                    .wrap(Wrap { trim: true })
                    .block(framed(&theme, "Avviso", style)),
                area,
            );
        }
    }
}
