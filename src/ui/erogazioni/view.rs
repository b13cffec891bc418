//! Drawing the erogazioni list (with its totals) and the SIUSS export screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Lista, SiussScreen};
use crate::domain::date::{italian, stored_local};
use crate::domain::money::format_euro;
use crate::sanitize::sanitize;
use crate::ui::app::App;
use crate::ui::theme::Area;
use crate::ui::view::{draw_table, framed};

pub fn lista(app: &App, l: &Lista, f: &mut Frame, area: Rect) -> Option<Position> {
    let [table, totals] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let n = l.data.as_ref().map_or(0, Vec::len);
    draw_table(
        app,
        &format!("Erogazioni ({n})"),
        l.data.is_some(),
        &l.error,
        &l.table,
        f,
        table,
    );
    if l.data.is_some() {
        let t = l.totali();
        f.render_widget(
            Paragraph::new(format!(
                " Totali: spesa {} · utenti {} · SSN {} · ente {}",
                format_euro(t.spesa),
                format_euro(t.utente),
                format_euro(t.ssn),
                format_euro(t.ente)
            ))
            .style(app.config.theme.accent(Area::Erogazioni)),
            totals,
        );
    }
    None
}

pub fn siuss(app: &App, s: &SiussScreen, f: &mut Frame, area: Rect) -> Option<Position> {
    let theme = app.config.theme;
    let style = theme.accent(Area::Erogazioni);
    let mut lines = vec![
        Line::styled(
            format!(
                " Periodo: dal {} al {} (i record già inviati non si ripetono)",
                italian(&s.dal),
                italian(&s.al)
            ),
            style,
        ),
        Line::styled(
            " Invio: genera il flusso PS-PSA-SINA nella cartella dell'ufficio · Esc annulla",
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
    if let Some((e, path)) = &s.esito {
        lines.push(Line::raw(""));
        match (&e.nome, path) {
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
            lines.push(Line::styled(
                format!(" Record esclusi ({}):", e.esclusi.len()),
                theme.warning(),
            ));
            for x in &e.esclusi {
                lines.push(Line::raw(format!(
                    "  erogazione {} · {}: {}",
                    x.erogazione_id,
                    sanitize(&x.beneficiario),
                    sanitize(&x.motivi.join("; "))
                )));
            }
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(framed(&theme, "Flusso SIUSS PS-PSA-SINA", style)),
        area,
    );
    None
}
