//! How the richieste screens look: the panel of what the person receives (cartella, interventi)
//! above the table of the scheda's richieste; the consuntivo rows of one richiesta with their
//! total and its sub-form's values.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Dati, Lista};
use crate::domain::date::italian;
use crate::domain::richieste::{Richiesta, format_minuti};
use crate::sanitize::sanitize;
use crate::ui::app::App;
use crate::ui::view::framed;

pub const RICHIESTE: [(&str, u16); 5] = [
    ("Data", 10),
    ("Servizio / intervento", 34),
    ("Erogatore", 18),
    ("In accogl.", 10),
    ("Consuntivo", 16),
];

pub const RIGHE: [(&str, u16); 5] = [
    ("Data", 10),
    ("Tipo di attività", 42),
    ("Durata", 12),
    ("Operatori", 9),
    ("Descrizione", 24),
];

/// The label of `code` in list `lista` of the data (the code itself when unknown).
fn label(d: &Dati, lista: &str, code: &str) -> String {
    d.0.lists
        .get(lista)
        .and_then(|l| l.iter().find(|(c, _)| c == code))
        .map_or_else(|| code.to_string(), |(_, l)| l.clone())
}

/// What a richiesta asks for: its servizio, its tipo di intervento, or both.
pub fn oggetto(d: &Dati, r: &Richiesta) -> String {
    let servizio = r
        .servizio
        .as_deref()
        .map(|s| label(d, "servizi_richiesti", s));
    let tipo = r
        .tipo_intervento_id
        .map(|t| label(d, "nomenclatore", &t.to_string()));
    match (servizio, tipo) {
        (Some(s), Some(t)) => format!("{s} · {t}"),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => String::new(),
    }
}

/// The richiesta's sub-form (read only): «Etichetta: valore» pairs, a few to a line.
pub fn dettagli(app: &App, d: &Dati, r: &Richiesta) -> Vec<String> {
    let (Some(json), Some(def)) = (&r.dettagli, app.config.defs.get(super::forms::RICHIESTA))
    else {
        return Vec::new();
    };
    let mut lines: Vec<String> = Vec::new();
    for (label, value) in crate::forms::riepilogo::riepilogo(def, json, &d.0.lists) {
        let pair = format!("{label}: {value}");
        match lines.last_mut() {
            Some(last) if last.chars().count() + pair.chars().count() < 90 => {
                last.push_str(" · ");
                last.push_str(&pair);
            }
            _ => lines.push(pair),
        }
    }
    lines
}

/// The answer of the service, kept (or its error).
pub fn set_data(l: &mut Lista, result: &Result<Box<Dati>, String>) {
    match result {
        Ok(d) => {
            l.data = Some((**d).clone());
            l.error = None;
        }
        Err(e) => l.error = Some(e.clone()),
    }
}

/// The rows of the scheda's richieste.
pub fn set_richieste(l: &mut Lista) {
    let Some(d) = &l.data else {
        return;
    };
    let rows =
        d.0.richieste
            .iter()
            .map(|r| {
                let erogatore = match (&r.erogatore, &r.settore) {
                    (Some(e), _) => e.clone(),
                    (None, Some(s)) => label(d, "settore", s),
                    (None, None) => String::new(),
                };
                let consuntivo = match r.consuntivo.len() {
                    0 => "—".to_string(),
                    n => format!("{n} · {}", format_minuti(r.minuti())),
                };
                (
                    r.id.unwrap_or_default().to_string(),
                    vec![
                        italian(&r.data_richiesta),
                        oggetto(d, r),
                        erogatore,
                        if r.erogabile_accoglienza { "sì" } else { "no" }.into(),
                        consuntivo,
                    ],
                )
            })
            .collect();
    l.table.set_rows(rows);
}

/// The rows of richiesta `id`'s consuntivo.
pub fn set_righe(l: &mut Lista, id: i64) {
    let Some(d) = &l.data else {
        return;
    };
    let rows =
        d.0.richieste
            .iter()
            .find(|r| r.id == Some(id))
            .map(|r| {
                r.consuntivo
                    .iter()
                    .map(|c| {
                        (
                            c.id.unwrap_or_default().to_string(),
                            vec![
                                italian(&c.data),
                                format!(
                                    "{} {}",
                                    c.tipo_attivita,
                                    label(d, "tipo_attivita", &c.tipo_attivita)
                                ),
                                format_minuti(c.minuti),
                                c.operatori.to_string(),
                                c.descrizione.clone().unwrap_or_default(),
                            ],
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
    l.table.set_rows(rows);
}

/// A framed table with `lines` of text above it.
fn table_with(
    app: &App,
    l: &Lista,
    title: &str,
    lines: Vec<String>,
    f: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let theme = app.config.theme;
    let block = framed(&theme, &sanitize(title), theme.accent(app.area()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Some(e) = &l.error {
        f.render_widget(Paragraph::new(sanitize(e)).style(theme.error()), inner);
        return None;
    }
    if l.data.is_none() {
        f.render_widget(Paragraph::new("Caricamento…").style(theme.dim()), inner);
        return None;
    }
    let n = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let [top, table] = Layout::vertical([Constraint::Length(n), Constraint::Min(1)]).areas(inner);
    let text: Vec<Line> = lines.iter().map(|t| Line::from(sanitize(t))).collect();
    f.render_widget(Paragraph::new(text).style(theme.dim()), top);
    l.table.render(table, f.buffer_mut(), &theme);
    None
}

pub fn lista(app: &App, l: &Lista, f: &mut Frame, area: Rect) -> Option<Position> {
    let mut lines = Vec::new();
    let mut title = "Richieste".to_string();
    if let Some((d, p)) = &l.data {
        title = format!("Richieste · scheda n. {} · {}", d.numero, d.persona);
        if p.visibile {
            lines.push(format!(
                "Cartella sociale: {}",
                p.cartella
                    .clone()
                    .unwrap_or_else(|| "non presente per la persona".into())
            ));
            match &p.interventi {
                Some(v) if v.is_empty() => lines.push("Interventi eseguiti: nessuno".into()),
                Some(v) => {
                    lines.push("Interventi eseguiti:".into());
                    lines.extend(v.iter().take(4).map(|x| format!("  {x}")));
                    if v.len() > 4 {
                        lines.push(format!("  … e altri {}", v.len() - 4));
                    }
                }
                None => {}
            }
        }
        if d.richieste.is_empty() {
            lines.push("Nessuna richiesta: Ctrl+N per aggiungerne una".into());
        }
        if !d.can_edit {
            lines.push(super::READ_ONLY.into());
        }
    }
    table_with(app, l, &title, lines, f, area)
}

pub fn righe(app: &App, l: &Lista, id: i64, f: &mut Frame, area: Rect) -> Option<Position> {
    let mut lines = Vec::new();
    let mut title = "Consuntivo".to_string();
    if let Some(d) = &l.data
        && let Some(r) = d.0.richieste.iter().find(|r| r.id == Some(id))
    {
        title = format!("Consuntivo · {}", oggetto(d, r));
        lines.push(format!(
            "Richiesta del {} · {} righe · totale {}",
            italian(&r.data_richiesta),
            r.consuntivo.len(),
            format_minuti(r.minuti())
        ));
        lines.extend(dettagli(app, d, r));
        if r.consuntivo.is_empty() {
            lines.push("Nessuna attività: Ctrl+N per aggiungerne una".into());
        }
    }
    table_with(app, l, &title, lines, f, area)
}
