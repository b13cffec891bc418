//! The search screen and the person card.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{PersonaState, RicercaState};
use crate::sanitize::sanitize;
use crate::service::SEARCH_LIMIT;
use crate::ui::app::App;
use crate::ui::view::{draw_search_list, framed};

pub fn draw_ricerca(app: &App, r: &RicercaState, f: &mut Frame, body: Rect) -> Option<Position> {
    let theme = app.config.theme;
    let hint = if let Some(e) = &r.error {
        (sanitize(e), theme.error())
    } else if r.sent.as_deref().unwrap_or("").trim().is_empty() && !r.table.rows.is_empty() {
        (
            "persone seguite di recente da te e dal tuo ufficio: Invio per riaprire".to_string(),
            theme.dim(),
        )
    } else if r.sent.as_deref().unwrap_or("").trim().is_empty() {
        (
            "cognome e nome, data gg/mm/aaaa o anno, codice fiscale (anche l'inizio)".to_string(),
            theme.dim(),
        )
    } else {
        (
            format!(
                "{} trovati{}   C/P: C = caso aperto, P = privacy firmata",
                r.table.rows.len(),
                if r.table.rows.len() >= SEARCH_LIMIT {
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

pub fn draw_persona(app: &App, p: &PersonaState, f: &mut Frame, body: Rect) {
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
    if let Some(avviso) = p.avviso_permesso(app.today()) {
        lines.insert(
            0,
            Line::from(vec![
                Span::styled(format!("{:<20}", "Permesso soggiorno"), theme.error()),
                Span::styled(avviso, theme.error()),
            ]),
        );
    }
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
