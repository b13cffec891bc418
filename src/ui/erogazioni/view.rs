//! Drawing the erogazioni list (its filters and totals), the forms (an erogazione with the totals
//! of its rows) and the SIUSS export screen.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Lista, Modulo, Scheda, SiussScreen, forms};
use crate::domain::date::stored_local;
use crate::domain::erogazioni::Totali;
use crate::domain::money::format_euro;
use crate::sanitize::sanitize;
use crate::ui::app::App;
use crate::ui::theme::Area;
use crate::ui::view::{draw_form, draw_table, framed};

fn totals_line(t: &Totali) -> String {
    format!(
        " Totali: spesa {} · utenti {} · SSN {} · altre {} · ente {}",
        format_euro(t.spesa),
        format_euro(t.utente),
        format_euro(t.ssn),
        format_euro(t.altre),
        format_euro(t.ente)
    )
}

pub fn lista(app: &App, l: &Lista, f: &mut Frame, area: Rect) -> Option<Position> {
    let [table, totals] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let n = l.data.as_ref().map_or(0, Vec::len);
    draw_table(
        app,
        &sanitize(&format!(
            "Erogazioni ({n}) — {} — Invio: apri · Ctrl+N nuovo · Ctrl+K filtri · Ctrl+X esporta",
            l.sommario
        )),
        l.data.is_some(),
        &l.error,
        &l.table,
        f,
        table,
    );
    if l.data.is_some() {
        f.render_widget(
            Paragraph::new(totals_line(&l.totali()))
                .style(app.config.theme.accent(Area::Erogazioni)),
            totals,
        );
    }
    None
}

/// A form; an erogazione's with the totals of its rows under it (computed, never typed).
pub fn modulo(app: &App, m: &Modulo, f: &mut Frame, area: Rect) -> Option<Position> {
    if !matches!(m.scheda, Scheda::Erogazione(_)) {
        return draw_form(app, &m.screen.form, f, area);
    }
    let [body, totals] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let cursor = draw_form(app, &m.screen.form, f, body);
    f.render_widget(
        Paragraph::new(totals_line(&forms::totali(&m.screen.form)))
            .style(app.config.theme.accent(Area::Erogazioni)),
        totals,
    );
    cursor
}

pub fn siuss(app: &App, s: &SiussScreen, f: &mut Frame, area: Rect) -> Option<Position> {
    let theme = app.config.theme;
    let style = theme.accent(Area::Erogazioni);
    let [top, bottom] = Layout::vertical([Constraint::Length(7), Constraint::Min(3)]).areas(area);
    let cursor = draw_form(app, &s.form.form, f, top);
    let mut lines = vec![
        Line::styled(
            " Ctrl+S: genera il flusso PS-PSA-SINA nella cartella dell'ufficio (o solo la verifica) · Esc annulla",
            theme.dim(),
        ),
        Line::raw(""),
    ];
    match &s.flussi {
        None => lines.push(Line::styled(" Caricamento…", theme.dim())),
        Some(f) if f.is_empty() => lines.push(Line::raw(" Nessun flusso inviato")),
        Some(flussi) => {
            lines.push(Line::styled(" Ultimi invii", theme.dim()));
            for fl in flussi {
                lines.push(Line::raw(format!(
                    "  {}  {}  {} beneficiari · {} record · {} cancellazioni · {} esclusi",
                    sanitize(&fl.nome),
                    stored_local(&fl.created_at),
                    fl.scritto.beneficiari,
                    fl.scritto.record,
                    fl.scritto.cancellazioni,
                    fl.scritto.esclusi
                )));
            }
        }
    }
    if let Some(e) = &s.error {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!(" {}", sanitize(e)), theme.error()));
    }
    if let Some((e, path, check)) = &s.esito {
        lines.push(Line::raw(""));
        match (&e.nome, path) {
            _ if *check => lines.push(Line::styled(
                format!(
                    " Verifica: {} beneficiari e {} record da inviare, {} cancellazioni (nessun file scritto)",
                    e.beneficiari, e.record, e.cancellazioni
                ),
                style,
            )),
            (Some(nome), Some(p)) => {
                lines.push(Line::styled(
                    format!(
                        " Inviato {}: {} beneficiari, {} record, {} cancellazioni",
                        sanitize(nome),
                        e.beneficiari,
                        e.record,
                        e.cancellazioni
                    ),
                    style,
                ));
                lines.push(Line::raw(format!(
                    " File: {}",
                    sanitize(&p.display().to_string())
                )));
            }
            _ => lines.push(Line::styled(" Nessuna erogazione da inviare", style)),
        }
        if !e.esclusi.is_empty() {
            // Per beneficiary: their erogazioni left out and every distinct reason.
            let mut per: BTreeMap<&str, (Vec<i64>, Vec<&str>)> = BTreeMap::new();
            for x in &e.esclusi {
                let (ids, motivi) = per.entry(x.beneficiario.as_str()).or_default();
                ids.push(x.erogazione_id);
                for m in &x.motivi {
                    if !motivi.contains(&m.as_str()) {
                        motivi.push(m);
                    }
                }
            }
            lines.push(Line::styled(
                format!(
                    " Record esclusi ({}) di {} beneficiari:",
                    e.esclusi.len(),
                    per.len()
                ),
                theme.warning(),
            ));
            for (chi, (ids, motivi)) in per {
                let ids = ids
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                lines.push(Line::raw(format!(
                    "  {} (erogazioni {ids}): {}",
                    sanitize(chi),
                    sanitize(&motivi.join("; "))
                )));
            }
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(framed(&theme, "Flusso SIUSS PS-PSA-SINA", style)),
        bottom,
    );
    cursor
}
