//! The Assistenza screens' drawing and rows: the menu of its lists, a crash report's text, and
//! the table rows of recordings, reports and requests (every string from a file or the database
//! sanitised).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{LISTS, Report};
use crate::crash::Summary;
use crate::sanitize::sanitize;
use crate::service::helpdesk::RecordingInfo;
use crate::service::helpdesk::RichiestaRegistrazione;
use crate::ui::app::App;
use crate::ui::view::framed;

pub fn draw_menu(app: &App, selected: usize, f: &mut Frame, body: Rect) {
    let theme = app.config.theme;
    let lines: Vec<Line> = LISTS
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let style = if i == selected {
                theme.focus()
            } else {
                theme.accent(app.area())
            };
            Line::styled(format!(" {}  {l:<60}", i + 1), style)
        })
        .collect();
    let block = framed(&theme, "Assistenza", theme.accent(app.area()));
    f.render_widget(Paragraph::new(lines).block(block), body);
}

pub fn draw_report(app: &App, r: &Report, f: &mut Frame, body: Rect) {
    let theme = app.config.theme;
    let block = framed(
        &theme,
        &format!("Segnalazione {}", sanitize(&r.id)),
        theme.accent(app.area()),
    );
    let lines: Vec<Line> = r
        .lines
        .iter()
        .skip(r.top)
        .map(|l| Line::raw(l.as_str()))
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), body);
}

fn when_ms(ms: i64) -> String {
    crate::domain::date::gg_mm_aaaa_hh_mm(crate::domain::date::local_ms(ms))
}

fn size(bytes: u64) -> String {
    if bytes < 10_000 {
        format!("{bytes} B")
    } else {
        format!("{} kB", bytes / 1000)
    }
}

fn yes(b: bool) -> String {
    if b { "sì" } else { "no" }.into()
}

pub fn recording_row(r: &RecordingInfo) -> (String, Vec<String>) {
    let operatore = if r.operatore.is_empty() {
        "—"
    } else {
        &r.operatore
    };
    (
        r.file.clone(),
        vec![
            when_ms(r.start_ms),
            sanitize(&r.segnalazione),
            sanitize(operatore),
            size(r.bytes),
            yes(r.redacted),
            sanitize(&r.file),
        ],
    )
}

pub fn crash_row(s: &Summary) -> (String, Vec<String>) {
    (
        s.id.clone(),
        vec![
            when_ms(s.time * 1000),
            sanitize(&s.version),
            sanitize(s.message.lines().next().unwrap_or_default()),
        ],
    )
}

pub fn request_row(r: &RichiestaRegistrazione) -> (String, Vec<String>) {
    let date = |ts: &str| crate::domain::date::stored_local(ts);
    (
        r.id.to_string(),
        vec![
            format!("{} {}", r.id, date(&r.created_at)),
            sanitize(&r.operatore),
            sanitize(&r.segnalazione),
            sanitize(&r.stato),
            yes(r.oscurata),
            date(&r.scade_at),
        ],
    )
}
