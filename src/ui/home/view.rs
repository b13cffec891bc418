//! The home screen: who is logged in where, the menu with its counters, drafts waiting; and the
//! placeholder of a module not installed yet.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Menu, Module};
use crate::domain::date;
use crate::domain::search::SearchHit;
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
    let mut tail = Vec::new();
    if let Some(c) = data.and_then(|d| d.contatori) {
        tail.push(Line::raw(""));
        tail.push(Line::styled(
            format!(
                " Schede: {} oggi · {} in sospeso · {} proposte PIC da accogliere · {} ricevute",
                c.oggi, c.in_sospeso, c.proposte, c.ricevute
            ),
            theme.accent(Area::Accoglienza),
        ));
    }
    if let Some(c) = data.and_then(|d| d.casi.as_ref()) {
        tail.extend(crate::ui::casi::home_lines(&theme, c));
    }
    if let Some(e) = data.and_then(|d| d.erogazioni.as_ref()) {
        tail.push(Line::raw(""));
        tail.push(Line::styled(
            format!(" Erogazioni da confermare questo mese: {}", e.da_confermare),
            theme.accent(app.area()),
        ));
        let ultimo = match &e.ultimo_flusso {
            Some(f) => format!(
                " Ultimo invio SIUSS: {} del {} ({} beneficiari)",
                sanitize(&f.nome),
                crate::domain::date::stored_local(&f.created_at),
                f.scritto.beneficiari
            ),
            None => " Nessun invio SIUSS".to_string(),
        };
        tail.push(Line::styled(ultimo, theme.accent(app.area())));
    }
    if let Some(d) = data
        && !d.drafts.is_empty()
    {
        tail.push(Line::raw(""));
        tail.push(Line::styled(
            format!(" Bozze non salvate: {}", d.drafts.len()),
            theme.warning(),
        ));
        for (form, _, day) in &d.in_scadenza {
            tail.push(Line::styled(
                format!(
                    " Bozza «{}» eliminata il {} se non ripresa",
                    sanitize(form),
                    date::italian(day)
                ),
                theme.warning(),
            ));
        }
    }
    if let Some(d) = data
        && !d.anomalie.is_empty()
    {
        tail.push(Line::raw(""));
        tail.push(Line::styled(
            format!(
                " Anomalie di accesso negli ultimi 7 giorni: {}",
                d.anomalie.len()
            ),
            theme.error(),
        ));
        for a in d.anomalie.iter().take(3) {
            tail.push(Line::styled(format!(" {}", sanitize(a)), theme.error()));
        }
    }
    if let Some(e) = &h.error {
        tail.push(Line::styled(sanitize(e), theme.error()));
    }
    // The returning persons take the rows the rest leaves free (a blank line and a heading).
    let free =
        usize::from(menu.height.saturating_sub(2)).saturating_sub(lines.len() + tail.len() + 2);
    let recenti = data.map_or(&[][..], |d| &d.recenti[..]);
    if !recenti.is_empty() && free > 0 {
        lines.push(Line::raw(""));
        lines.push(Line::styled(" Persone seguite di recente", theme.dim()));
        for (r, p) in recenti.iter().take(free).enumerate() {
            let style = if modules.len() + r == h.selected {
                theme.focus()
            } else {
                theme.accent(Area::Accoglienza)
            };
            lines.push(Line::from(Span::styled(recent_line(r, p), style)));
        }
    }
    lines.extend(tail);
    f.render_widget(
        Paragraph::new(lines).block(framed(&theme, "Moduli", theme.accent(app.area()))),
        menu,
    );
}

/// ` a  ROSSI MARIO            12/03/1970  RSSMRA70C12G478X ` at most 78 columns.
fn recent_line(r: usize, p: &SearchHit) -> String {
    let key = char::from(b'a' + r as u8);
    let name = sanitize(&format!("{} {}", p.cognome, p.nome));
    let born = p
        .data_nascita
        .as_deref()
        .and_then(date::parse_iso)
        .map(date::gg_mm_aaaa)
        .unwrap_or_default();
    let cf = sanitize(p.codice_fiscale.as_deref().unwrap_or(""));
    let name: String = name.chars().take(38).collect();
    format!(" {key}  {name:<38}  {born:<10}  {cf:<16} ")
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
