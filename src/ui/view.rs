//! Drawing the frame: a pure function of the [`App`] state. The header and the status bar are drawn
//! here, the body by the screen module on show ([`super::app::ScreenState::draw`]), popups by
//! [`super::popup`]. Also the drawing helpers the modules share (frames, tables, search lists,
//! forms). Every string that came from the database or the environment goes through [`sanitize`].

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::action::Action;
use super::app::App;
use super::keymap::Hint;
use super::theme::Theme;
use super::widgets::form::Form;
use super::widgets::table::Table;
use super::widgets::text_input::TextInput;
use crate::sanitize::sanitize;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
pub const TOO_SMALL: &str = "Finestra troppo piccola (minimo 80×24)";

pub fn draw(app: &App, f: &mut Frame) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        f.render_widget(Paragraph::new(TOO_SMALL).wrap(Wrap { trim: true }), area);
        return;
    }
    let [header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(app, f, header);
    let mut cursor = match &app.lock {
        // The idle lock hides every piece of data: only who is locked out and the password field.
        Some(lock) => super::login::draw_lock(app, lock, f, body),
        None => app.screen.state().draw(app, f, body),
    };
    // The keys of this screen, once per frame: the status bar and the popups read them.
    let hints = hints(app);
    draw_status(app, &hints, f, status);
    if let Some(p) = &app.popup {
        super::popup::draw(app, p, &hints, f, body);
        cursor = None;
    }
    if let Some(c) = cursor {
        f.set_cursor_position(c);
    }
}

/// The keys on show: a popup's own, or (in the status bar and the help overlay) those of the screen
/// for the actions it acts on.
pub fn hints(app: &App) -> Vec<Hint> {
    let help = matches!(app.popup, Some(super::popup::Popup::Help));
    if app.popup.is_some() && !help {
        return app.config.keymap.effective_hints(&app.layers());
    }
    let keymap = &app.config.keymap;
    let mut hints = keymap.effective_hints(&app.screen_layers());
    if app.lock.is_none() {
        let global = keymap.effective_hints(&[super::keymap::Layer::Global]);
        let screen = app.screen.state();
        hints.retain(|h| {
            global.iter().any(|g| g.action == h.action)
                || (screen.offers(h.action)
                    && (!h.action.screen_specific() || screen.claims(h.action)))
        });
    }
    hints
}

fn draw_header(app: &App, f: &mut Frame, area: Rect) {
    let theme = app.config.theme;
    let title = if app.lock.is_some() {
        "Sessione bloccata"
    } else {
        app.screen.state().title()
    };
    let mut left = format!(" sportello · {title}");
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

fn draw_status(app: &App, hints: &[Hint], f: &mut Frame, area: Rect) {
    let theme = app.config.theme;
    let mut spans = Vec::new();
    let mut used = 0usize;
    if let Some(j) = &app.job {
        let on_its_screen = j.screen == app.screen_name();
        let g = super::jobs::gauge(j, on_its_screen, theme.ascii, area.width as usize);
        used += g.chars().count();
        spans.push(Span::styled(g, theme.key()));
    }
    if let Some(incident) = &app.config.recording {
        let rec = format!(" ● REG {} ", sanitize(incident));
        used += rec.chars().count();
        spans.push(Span::styled(rec, theme.warning()));
    }
    if let Some(avviso) = &app.presenza.avviso {
        // The administrators' notice stays while in force; long ones are cut to leave room.
        let max = (area.width as usize).saturating_sub(used + 12).max(20);
        let text: String = sanitize(avviso).chars().take(max).collect();
        let a = format!(" AVVISO: {text} ");
        used += a.chars().count();
        spans.push(Span::styled(a, theme.warning()));
    }
    // A message of the moment, else the notice of the form on show.
    let notice = app.form_screen().and_then(|f| f.notice.as_ref());
    if let Some(msg) = app.status.as_ref().or(notice) {
        let msg = format!(" {} ", sanitize(msg));
        used += msg.chars().count();
        spans.push(Span::styled(msg, theme.warning()));
    }
    // Menu numbers, section jumps and the home's persons are visible on the screen itself, and
    // arrows and pages need no telling: the bar keeps the rest (all of them are in the help
    // overlay).
    for hint in hints {
        if hint.action.menu_number().is_some()
            || hint.action.section_number().is_some()
            || hint.action.recent_number().is_some()
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

/// A bordered block titled ` title `.
pub fn framed(theme: &Theme, title: &str, style: Style) -> Block<'static> {
    let title = title.to_string();
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .border_style(style)
        .title(format!(" {title} "))
}

/// A `w`×`h` rectangle in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A label and a one-line text input on one row (login, lock screen).
pub fn draw_field(
    theme: &Theme,
    buf: &mut Buffer,
    area: Rect,
    label: &str,
    input: &TextInput,
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

/// A framed screen with a search box on top, one line of hints under it and a table: the anagrafe
/// search and the list of schede.
pub fn draw_search_list(
    app: &App,
    (title, label): (&str, &str),
    input: &TextInput,
    hint: (String, Style),
    table: &Table,
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

/// A framed table, or its loading message, or its error.
pub fn draw_table(
    app: &App,
    title: &str,
    loaded: bool,
    error: &Option<String>,
    table: &Table,
    f: &mut Frame,
    body: Rect,
) -> Option<Position> {
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
    None
}

/// A framed form with the help line of the focused field under it.
pub fn draw_form(app: &App, form: &Form, f: &mut Frame, body: Rect) -> Option<Position> {
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
