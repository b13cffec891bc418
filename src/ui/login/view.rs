//! The login form, the choice of the ente and the idle-lock form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;

use super::{Scelta, State};
use crate::sanitize::sanitize;
use crate::ui::app::{App, LockState};
use crate::ui::view::{centered, draw_field, framed};

pub fn draw_login(app: &App, l: &State, f: &mut Frame, body: Rect) -> Option<Position> {
    if let Some(c) = &l.scelta {
        draw_scelta(app, l, c, f, body);
        return None;
    }
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

/// The enti of the operator, the selected one marked; with the operator's name on top.
fn draw_scelta(app: &App, l: &State, c: &Scelta, f: &mut Frame, body: Rect) {
    let theme = app.config.theme;
    let n = c.info.enti.len() as u16;
    let area = centered(body, 56, n + 8);
    let block = framed(&theme, "Scelta dell'ente", theme.accent(app.area()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = inner.width as usize;
    let buf = f.buffer_mut();
    let mut line = |row: u16, text: String, style: Style| {
        if row < inner.height {
            buf.set_stringn(inner.x, inner.y + row, text, width, style);
        }
    };
    let who = format!("{} {}", c.info.nome, c.info.cognome);
    line(0, format!("Operatore: {}", sanitize(&who)), Style::new());
    line(
        1,
        "Per quale ente si lavora in questa sessione?".into(),
        Style::new(),
    );
    for (i, (_, nome)) in c.info.enti.iter().enumerate() {
        let (mark, style) = match i == c.selected {
            true => ("> ", theme.focus()),
            false => ("  ", Style::new()),
        };
        line(3 + i as u16, format!("{mark}{}", sanitize(nome)), style);
    }
    let last = 4 + n;
    if let Some(e) = &l.error {
        line(last, sanitize(e), theme.error());
    } else if l.waiting {
        line(last, "Verifica in corso…".into(), theme.dim());
    } else {
        line(
            last,
            "Su/Giù per scegliere, Invio per confermare".into(),
            theme.dim(),
        );
    }
}

pub fn draw_lock(app: &App, lock: &LockState, f: &mut Frame, body: Rect) -> Option<Position> {
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
