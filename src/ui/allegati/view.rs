//! How the documents of a scheda look: a table (date, kind, title, file, size, private) under a
//! line saying what the keys do.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::widgets::Paragraph;

use super::Lista;
use crate::domain::caso::DocumentoScheda;
use crate::domain::date::italian;
use crate::sanitize::sanitize;
use crate::ui::app::App;
use crate::ui::view::framed;

pub const COLUMNS: [(&str, u16); 6] = [
    ("Data", 10),
    ("Tipo", 14),
    ("Titolo", 26),
    ("File", 18),
    ("KB", 6),
    ("Privato", 7),
];

/// The answer of the service as rows (or its error).
pub fn set_rows(l: &mut Lista, result: &Result<Vec<DocumentoScheda>, String>) {
    match result {
        Ok(rows) => {
            l.table.set_rows(
                rows.iter()
                    .map(|d| {
                        let x = &d.documento;
                        (
                            x.id.unwrap_or_default().to_string(),
                            vec![
                                italian(&x.data),
                                x.tipo.clone(),
                                x.titolo.clone(),
                                x.nome_file.clone(),
                                ((x.size + 1023) / 1024).to_string(),
                                if x.privato { "sì" } else { "no" }.into(),
                            ],
                        )
                    })
                    .collect(),
            );
            l.rows = Some(rows.clone());
            l.error = None;
        }
        Err(e) => l.error = Some(e.clone()),
    }
}

pub fn lista(app: &App, l: &Lista, f: &mut Frame, area: Rect) -> Option<Position> {
    let theme = app.config.theme;
    let title = format!("Documenti della scheda {}", l.scheda_id);
    let block = framed(&theme, &title, theme.accent(app.area()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Some(e) = &l.error {
        f.render_widget(Paragraph::new(sanitize(e)).style(theme.error()), inner);
        return None;
    }
    let Some(rows) = &l.rows else {
        f.render_widget(Paragraph::new("Caricamento…").style(theme.dim()), inner);
        return None;
    };
    let hint = if rows.is_empty() {
        "Nessun documento: Ctrl+N per aggiungerne uno (un file sul server)"
    } else {
        "Invio copia il file nella cartella dell'ufficio · Ctrl+N aggiunge un documento"
    };
    let [top, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    f.render_widget(Paragraph::new(hint).style(theme.dim()), top);
    l.table.render(table, f.buffer_mut(), &theme);
    None
}
