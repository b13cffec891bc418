//! The home screen: who is logged in where, the menu with its counters, drafts waiting; and the
//! placeholder of a module not installed yet.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Menu, Module};
use crate::sanitize::sanitize;
use crate::ui::app::App;
use crate::ui::theme::Area;
use crate::ui::view::framed;

pub fn draw_menu(app: &App, h: &Menu, f: &mut Frame, body: Rect) {
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
    if let Some(c) = data.and_then(|d| d.casi.as_ref()) {
        lines.extend(crate::ui::casi::home_lines(&theme, c));
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

pub fn draw_placeholder(app: &App, m: Module, f: &mut Frame, body: Rect) {
    let theme = app.config.theme;
    let text = vec![
        Line::raw(""),
        Line::raw(format!(
            " Il modulo «{}» non è ancora installato in questa versione.",
            m.label()
        )),
        Line::raw(" Esc per tornare alla pagina iniziale."),
    ];
    f.render_widget(
        Paragraph::new(text).block(framed(&theme, m.label(), theme.accent(m.area()))),
        body,
    );
}
