//! Drawing: a pure function of the [`App`] state onto a ratatui frame. Every string that came from the
//! database or the environment goes through [`sanitize`] here.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::action::Action;
use super::app::{App, Popup, Screen};
use super::home::Module;
use super::keymap::Hint;
use super::theme::{Area, Theme};
use crate::sanitize::sanitize;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
pub const TOO_SMALL: &str = "Finestra troppo piccola (minimo 80×24)";

pub fn draw(app: &App, f: &mut Frame) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, area);
        return;
    }
    let theme = app.config.theme;
    let [header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(app, f, header);
    let mut cursor = None;
    if let Some(lock) = &app.lock {
        // The idle lock hides every piece of data: only who is locked out and the password field.
        cursor = draw_lock(app, lock, f, body);
    } else {
        match &app.screen {
            Screen::Login(l) => cursor = draw_login(app, l, f, body),
            Screen::Home(h) => draw_home(app, h, f, body),
            Screen::Module(m) => draw_module(&theme, *m, f, body),
            Screen::Operatori(o) => draw_operatori(app, o, f, body),
            Screen::Liste(l) => draw_table(
                app,
                "Liste di codici",
                l.loaded,
                &l.error,
                &l.table,
                f,
                body,
            ),
            Screen::Codici(c) => draw_table(
                app,
                &format!("Lista «{}»", c.lista),
                c.codes.is_some(),
                &c.error,
                &c.table,
                f,
                body,
            ),
            Screen::Form(form) => cursor = draw_form(app, &form.form, f, body),
            Screen::Ricerca(r) => cursor = draw_ricerca(app, r, f, body),
            Screen::Persona(p) => draw_persona(app, p, f, body),
            Screen::Schede(l) => cursor = draw_schede(app, l, f, body),
        }
    }
    // The keys of this screen, once per frame: the status bar and the popups read them.
    let hints = app.config.keymap.effective_hints(&app.layers());
    draw_status(app, &hints, f, status);
    if let Some(p) = &app.popup {
        draw_popup(app, p, &hints, f, body);
        cursor = None;
    }
    if let Some(c) = cursor {
        f.set_cursor_position(c);
    }
}

fn too_small(f: &mut Frame, area: Rect) {
    f.render_widget(Paragraph::new(TOO_SMALL).wrap(Wrap { trim: true }), area);
}

fn draw_header(app: &App, f: &mut Frame, area: Rect) {
    let theme = app.config.theme;
    let mut left = format!(" sportello · {}", title(app));
    if app.config.demo {
        left.push_str(" · DEMO");
    }
    let right = match (&app.session, &app.lock) {
        (Some(s), None) => sanitize(&format!("{} {} · {} ", s.nome, s.cognome, s.ente)),
        _ => String::new(),
    };
    let line = fit_two(&left, &right, area.width);
    f.render_widget(Paragraph::new(line).style(theme.bar(app.area())), area);
}

fn title(app: &App) -> &'static str {
    if app.lock.is_some() {
        return "Sessione bloccata";
    }
    match &app.screen {
        Screen::Login(_) => "Accesso",
        Screen::Home(_) => "Pagina iniziale",
        Screen::Module(m) => m.label(),
        Screen::Operatori(_) => "Operatori e ruoli",
        Screen::Liste(_) | Screen::Codici(_) => "Liste di codici",
        Screen::Ricerca(_) => "Ricerca anagrafe",
        Screen::Persona(_) => "Scheda persona",
        Screen::Schede(_) => "Schede di accesso",
        Screen::Form(form) => match form.target {
            super::form_screen::Target::Operatore(_) => "Operatore",
            super::form_screen::Target::Codice(_) => "Voce di una lista di codici",
            super::form_screen::Target::Persona(_) => "Anagrafe: persona",
            super::form_screen::Target::Privacy { .. } => "Consenso privacy",
            super::form_screen::Target::Scheda(_) => "Scheda di accesso",
            super::form_screen::Target::FiltroSchede => "Filtri delle schede",
        },
    }
}

/// `left` and `right` on one line of `width`, the right part cut first.
fn fit_two(left: &str, right: &str, width: u16) -> String {
    let w = width as usize;
    let l: String = left.chars().take(w).collect();
    let room = w.saturating_sub(l.chars().count());
    let r: String = right.chars().take(room.saturating_sub(1)).collect();
    format!(
        "{l}{}{r}",
        " ".repeat(room.saturating_sub(r.chars().count()))
    )
}

fn framed(theme: &Theme, title: &str, style: Style) -> Block<'static> {
    let title = title.to_string();
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .border_style(style)
        .title(format!(" {title} "))
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_field(
    theme: &Theme,
    buf: &mut Buffer,
    area: Rect,
    label: &str,
    input: &super::text_input::TextInput,
    focused: bool,
) -> Option<Position> {
    let label_w = 14.min(area.width);
    buf.set_stringn(area.x, area.y, label, label_w as usize, Style::new());
    let field = Rect::new(
        area.x + label_w,
        area.y,
        area.width.saturating_sub(label_w),
        1,
    );
    let style = if focused {
        theme.focus()
    } else {
        theme.field()
    };
    input.render(field, buf, style, focused)
}

fn draw_login(
    app: &App,
    l: &super::login::LoginState,
    f: &mut Frame,
    body: Rect,
) -> Option<Position> {
    let theme = app.config.theme;
    let area = centered(body, 56, 11);
    let block = framed(&theme, "Accesso a sportello", theme.accent(app.area()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 8]).split(inner);
    let buf = f.buffer_mut();
    if app.config.demo {
        buf.set_stringn(
            rows[0].x,
            rows[0].y,
            "DATABASE DIMOSTRATIVO: password «sportello-demo»",
            inner.width as usize,
            theme.warning(),
        );
    }
    let c1 = draw_field(&theme, buf, rows[2], "Utente", &l.username, l.focus == 0);
    let c2 = draw_field(&theme, buf, rows[4], "Password", &l.password, l.focus == 1);
    let cursor = c1.or(c2);
    if let Some(e) = &l.error {
        buf.set_stringn(
            rows[6].x,
            rows[6].y,
            sanitize(e),
            inner.width as usize,
            theme.error(),
        );
    } else if l.waiting {
        buf.set_stringn(
            rows[6].x,
            rows[6].y,
            "Verifica in corso…",
            inner.width as usize,
            theme.dim(),
        );
    }
    cursor
}

fn draw_lock(
    app: &App,
    lock: &super::app::LockState,
    f: &mut Frame,
    body: Rect,
) -> Option<Position> {
    let theme = app.config.theme;
    let area = centered(body, 60, 9);
    let block = framed(
        &theme,
        "Sessione bloccata per inattività",
        theme.accent(app.area()),
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 6]).split(inner);
    let user = app
        .session
        .as_ref()
        .map(|s| sanitize(&s.actor.username))
        .unwrap_or_default();
    let buf = f.buffer_mut();
    buf.set_stringn(
        rows[0].x,
        rows[0].y,
        format!("Utente: {user}. Reinserire la password."),
        inner.width as usize,
        Style::new(),
    );
    let c = draw_field(&theme, buf, rows[2], "Password", &lock.password, true);
    if lock.waiting {
        buf.set_stringn(
            rows[4].x,
            rows[4].y,
            "Verifica in corso…",
            inner.width as usize,
            theme.dim(),
        );
    } else if let Some(e) = &lock.error {
        buf.set_stringn(
            rows[4].x,
            rows[4].y,
            sanitize(e),
            inner.width as usize,
            theme.error(),
        );
    }
    c
}

fn draw_home(app: &App, h: &super::home::HomeState, f: &mut Frame, body: Rect) {
    let theme = app.config.theme;
    let Some(s) = &app.session else { return };
    let [info, menu] = Layout::vertical([Constraint::Length(6), Constraint::Min(1)]).areas(body);
    let roles: Vec<&str> = s.actor.roles.iter().map(|r| r.label()).collect();
    let lines = vec![
        Line::from(vec![
            Span::styled("Operatore: ", theme.dim()),
            Span::raw(sanitize(&format!(
                "{} {} ({})",
                s.nome, s.cognome, s.actor.username
            ))),
        ]),
        Line::from(vec![
            Span::styled("Ente:      ", theme.dim()),
            Span::raw(sanitize(&s.ente)),
        ]),
        Line::from(vec![
            Span::styled("Ufficio:   ", theme.dim()),
            Span::raw(sanitize(if s.ufficio.is_empty() {
                "—"
            } else {
                &s.ufficio
            })),
        ]),
        Line::from(vec![
            Span::styled("Ruolo:     ", theme.dim()),
            Span::raw(roles.join(", ")),
        ]),
    ];
    let block = framed(&theme, "Sessione", theme.accent(app.area()));
    f.render_widget(Paragraph::new(lines).block(block), info);
    let modules = Module::visible(s.actor.roles);
    let data = h.data.as_ref();
    let mut lines = Vec::new();
    for (i, m) in modules.iter().enumerate() {
        let pending = match (m, data) {
            (Module::Anagrafe, Some(d)) => format!("{} persone", d.soggetti),
            _ => String::new(),
        };
        let text = format!(" {}  {:<44}{:>20} ", i + 1, m.label(), pending);
        let style = if i == h.selected {
            theme.focus()
        } else {
            theme.accent(m.area())
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    if let Some(c) = data.and_then(|d| d.contatori) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                " Schede: {} oggi · {} in sospeso · {} proposte PIC da accogliere · {} ricevute",
                c.oggi, c.in_sospeso, c.proposte, c.ricevute
            ),
            theme.accent(Area::Accoglienza),
        ));
    }
    if let Some(d) = data
        && !d.drafts.is_empty()
    {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(" Bozze non salvate: {}", d.drafts.len()),
            theme.warning(),
        ));
    }
    if let Some(e) = &h.error {
        lines.push(Line::styled(sanitize(e), theme.error()));
    }
    f.render_widget(
        Paragraph::new(lines).block(framed(&theme, "Moduli", theme.accent(app.area()))),
        menu,
    );
}

fn draw_module(theme: &Theme, m: Module, f: &mut Frame, body: Rect) {
    let text = vec![
        Line::raw(""),
        Line::raw(format!(
            " Il modulo «{}» non è ancora installato in questa versione.",
            m.label()
        )),
        Line::raw(" Esc per tornare alla pagina iniziale."),
    ];
    f.render_widget(
        Paragraph::new(text).block(framed(theme, m.label(), theme.accent(m.area()))),
        body,
    );
}

fn draw_ricerca(
    app: &App,
    r: &super::anagrafe::RicercaState,
    f: &mut Frame,
    body: Rect,
) -> Option<Position> {
    let theme = app.config.theme;
    let hint = if let Some(e) = &r.error {
        (sanitize(e), theme.error())
    } else if r.sent.trim().is_empty() {
        (
            "cognome e nome, data gg/mm/aaaa o anno, codice fiscale (anche l'inizio)".to_string(),
            theme.dim(),
        )
    } else {
        (
            format!(
                "{} trovati{}   C/P: C = caso aperto, P = privacy firmata",
                r.table.rows.len(),
                if r.table.rows.len() >= super::requests::SEARCH_LIMIT {
                    " (i primi)"
                } else {
                    ""
                }
            ),
            theme.dim(),
        )
    };
    draw_search_list(
        app,
        ("Ricerca anagrafe", "Cerca: "),
        &r.input,
        hint,
        &r.table,
        f,
        body,
    )
}

/// A framed screen with a search box on top, one line of hints under it and a table: the anagrafe
/// search and the list of schede.
fn draw_search_list(
    app: &App,
    (title, label): (&str, &str),
    input: &super::text_input::TextInput,
    hint: (String, Style),
    table: &super::table::Table,
    f: &mut Frame,
    body: Rect,
) -> Option<Position> {
    let theme = app.config.theme;
    let block = framed(&theme, title, theme.accent(app.area()));
    let inner = block.inner(body);
    f.render_widget(block, body);
    let [line, hint_area, results] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    let buf = f.buffer_mut();
    let w = label.chars().count() as u16;
    buf.set_stringn(line.x, line.y, label, w as usize, theme.dim());
    let cursor = input.render(
        Rect::new(line.x + w, line.y, line.width.saturating_sub(w), 1),
        buf,
        theme.focus(),
        true,
    );
    buf.set_stringn(
        hint_area.x,
        hint_area.y,
        hint.0,
        hint_area.width as usize,
        hint.1,
    );
    table.render(results, buf, &theme);
    cursor
}

fn draw_persona(app: &App, p: &super::anagrafe::PersonaState, f: &mut Frame, body: Rect) {
    let theme = app.config.theme;
    let title = sanitize(&format!("{} {}", p.soggetto.cognome, p.soggetto.nome));
    let block = framed(&theme, &title, theme.accent(app.area()));
    let inner = block.inner(body);
    f.render_widget(block, body);
    let mut lines: Vec<Line> = p
        .lines()
        .into_iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(format!("{k:<20}"), theme.dim()),
                Span::raw(sanitize(&v)),
            ])
        })
        .collect();
    if !p.storia.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Modifiche", theme.accent(app.area())));
        for m in &p.storia {
            lines.push(Line::raw(sanitize(&format!(
                "{} {} {}: {} → {}",
                m.at.get(..10).unwrap_or(&m.at),
                m.by,
                m.campo,
                m.prima.as_deref().unwrap_or("—"),
                m.dopo.as_deref().unwrap_or("—")
            ))));
        }
    }
    let rows = p.schede.rows.len() as u16;
    let table_h = if rows == 0 { 2 } else { rows.min(5) + 3 };
    let [card, schede] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(table_h)]).areas(inner);
    f.render_widget(Paragraph::new(lines), card);
    let buf = f.buffer_mut();
    let title = if rows == 0 {
        "Schede di accesso: nessuna (Ctrl+N per una nuova)".to_string()
    } else {
        format!("Schede di accesso: {rows} (Invio apre, Ctrl+N nuova)")
    };
    buf.set_stringn(
        schede.x,
        schede.y,
        title,
        schede.width as usize,
        theme.accent(app.area()),
    );
    if rows > 0 {
        p.schede.render(
            Rect::new(
                schede.x,
                schede.y + 1,
                schede.width,
                schede.height.saturating_sub(1),
            ),
            buf,
            &theme,
        );
    }
}

fn draw_schede(
    app: &App,
    l: &super::schede::SchedeState,
    f: &mut Frame,
    body: Rect,
) -> Option<Position> {
    let theme = app.config.theme;
    let hint = match &l.error {
        Some(e) => (sanitize(e), theme.error()),
        None if !l.loaded => ("Caricamento…".to_string(), theme.dim()),
        None => (
            sanitize(&format!("{} schede · {}", l.rows.len(), l.filter_summary())),
            theme.dim(),
        ),
    };
    draw_search_list(
        app,
        ("Schede di accesso", "Persona: "),
        &l.input,
        hint,
        &l.table,
        f,
        body,
    )
}

fn draw_operatori(app: &App, o: &super::operatori::OperatoriState, f: &mut Frame, body: Rect) {
    draw_table(
        app,
        "Operatori",
        o.data.is_some(),
        &o.error,
        &o.table,
        f,
        body,
    );
}

/// A framed table, or its loading message, or its error.
fn draw_table(
    app: &App,
    title: &str,
    loaded: bool,
    error: &Option<String>,
    table: &super::table::Table,
    f: &mut Frame,
    body: Rect,
) {
    let theme = app.config.theme;
    let block = framed(&theme, &sanitize(title), theme.accent(app.area()));
    let inner = block.inner(body);
    f.render_widget(block, body);
    if let Some(e) = error {
        f.render_widget(Paragraph::new(sanitize(e)).style(theme.error()), inner);
    } else if !loaded {
        f.render_widget(Paragraph::new("Caricamento…").style(theme.dim()), inner);
    } else {
        table.render(inner, f.buffer_mut(), &theme);
    }
}

fn draw_form(app: &App, form: &super::form::Form, f: &mut Frame, body: Rect) -> Option<Position> {
    let theme = app.config.theme;
    let block = framed(&theme, &sanitize(&form.title), theme.accent(app.area()));
    let inner = block.inner(body);
    f.render_widget(block, body);
    let [fields, help] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let cursor = form.render(fields, f.buffer_mut(), &theme);
    if let Some(field) = form.focused() {
        let text = if field.spec.help.is_empty() {
            String::new()
        } else {
            format!("ⓘ {}", field.spec.help)
        };
        let text = if theme.ascii {
            text.replace('ⓘ', "i")
        } else {
            text
        };
        f.buffer_mut()
            .set_stringn(help.x, help.y, text, help.width as usize, theme.dim());
    }
    cursor
}

fn draw_status(app: &App, hints: &[Hint], f: &mut Frame, area: Rect) {
    let theme = app.config.theme;
    let mut spans = Vec::new();
    let mut used = 0usize;
    if let Some(msg) = &app.status {
        let msg = format!(" {} ", sanitize(msg));
        used += msg.chars().count();
        spans.push(Span::styled(msg, theme.warning()));
    }
    // Menu numbers and section jumps are visible on the screen itself, and arrows and pages need
    // no telling: the bar keeps the rest (all of them are in the help overlay).
    for hint in hints {
        if hint.action.menu_number().is_some()
            || hint.action.section_number().is_some()
            || matches!(
                hint.action,
                Action::FieldUp
                    | Action::FieldDown
                    | Action::NextPage
                    | Action::PrevPage
                    | Action::PrevField
            )
        {
            continue;
        }
        // Descriptions may come from a site or user keymap file: foreign text.
        let (keys, desc) = (sanitize(&hint.keys), sanitize(&hint.desc));
        let piece = keys.chars().count() + desc.chars().count() + 2;
        if used + piece > area.width as usize {
            break;
        }
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {desc} ")));
        used += piece;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_popup(app: &App, p: &Popup, hints: &[Hint], f: &mut Frame, body: Rect) {
    let theme = app.config.theme;
    let key = |a: Action| sanitize(super::keymap::key_in(hints, a).unwrap_or_default());
    match p {
        Popup::Help => {
            let h = (hints.len() as u16 + 2).min(body.height);
            let area = centered(body, 70, h);
            let lines: Vec<Line> = hints
                .iter()
                .map(|h| {
                    Line::from(vec![
                        Span::styled(format!("{:<18}", sanitize(&h.keys)), theme.key()),
                        Span::raw(format!(" {}", sanitize(&h.desc))),
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
