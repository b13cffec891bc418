//! asciicast v2 export of a replay (`asciinema play` shows it): a header with the terminal size and
//! start time, then an `o` event with the terminal bytes of each new frame at its recorded time
//! (`r` when the size changes). Only logs without personal data are exported: redacted ones, or
//! those of a demo database.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};

use super::Header;
use super::replay::{Mode, Report, replay};

/// Writes the asciicast of the log at `log` to `out`; the replay's report.
pub fn export(log: &Path, out: &mut dyn Write) -> Result<Report, String> {
    let open = || {
        std::fs::File::open(log)
            .map(BufReader::new)
            .map_err(|e| format!("impossibile aprire {}: {e}", log.display()))
    };
    let mut first = String::new();
    open()?
        .read_line(&mut first)
        .map_err(|e| format!("lettura della registrazione: {e}"))?;
    let header: Header = serde_json::from_str(first.trim_end())
        .map_err(|e| format!("riga 1: intestazione non valida ({e})"))?;
    if !header.redacted && !header.demo {
        return Err(
            "esportazione consentita solo da registrazioni oscurate (--redact) o di database dimostrativi".into(),
        );
    }
    let cast_header = serde_json::json!({
        "version": 2,
        "width": header.cols,
        "height": header.rows,
        "timestamp": header.start_ms / 1000,
        "env": {"TERM": "xterm-256color"},
        "title": format!("sportello, segnalazione {}", header.incident),
    });
    let mut io_err = None;
    let mut put = |line: String, out: &mut dyn Write| {
        if io_err.is_none()
            && let Err(e) = writeln!(out, "{line}")
        {
            io_err = Some(e);
        }
    };
    put(cast_header.to_string(), out);
    let mut last = String::new();
    let mut size = (header.cols, header.rows);
    let report = replay(open()?, Mode::Exact, None, |entry, buf| {
        let secs = entry.t.max(0) as f64 / 1000.0;
        let now = (buf.area.width, buf.area.height);
        if now != size {
            size = now;
            put(
                serde_json::json!([secs, "r", format!("{}x{}", now.0, now.1)]).to_string(),
                out,
            );
        }
        let bytes = ansi(buf);
        if bytes != last {
            put(serde_json::json!([secs, "o", bytes]).to_string(), out);
            last = bytes;
        }
    })?;
    match io_err {
        Some(e) => Err(format!("scrittura del file asciicast: {e}")),
        None => Ok(report),
    }
}

/// The terminal bytes that paint `buf` on a cleared screen.
pub fn ansi(buf: &Buffer) -> String {
    let mut s = String::from("\x1b[0m\x1b[H\x1b[2J");
    let area = buf.area;
    for y in area.top()..area.bottom() {
        s.push_str(&format!("\x1b[{};1H", y + 1));
        let mut style = Style::default();
        s.push_str("\x1b[0m");
        // Cells covered by the wide character before them are not written.
        let mut covered = 0;
        for x in area.left()..area.right() {
            let cell = &buf[(x, y)];
            if covered > 0 {
                covered -= 1;
                continue;
            }
            covered = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
            let st = cell.style();
            if st != style {
                s.push_str(&sgr(st));
                style = st;
            }
            s.push_str(cell.symbol());
        }
    }
    s.push_str("\x1b[0m");
    s
}

fn sgr(st: Style) -> String {
    let mut codes = vec!["0".to_string()];
    let m = st.add_modifier;
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::REVERSED, "7"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if m.contains(flag) {
            codes.push(code.into());
        }
    }
    if let Some(c) = st.fg.and_then(|c| color(c, false)) {
        codes.push(c);
    }
    if let Some(c) = st.bg.and_then(|c| color(c, true)) {
        codes.push(c);
    }
    format!("\x1b[{}m", codes.join(";"))
}

fn color(c: Color, bg: bool) -> Option<String> {
    let base = |n: u8| Some((n + if bg { 10 } else { 0 }).to_string());
    match c {
        Color::Reset => None,
        Color::Black => base(30),
        Color::Red => base(31),
        Color::Green => base(32),
        Color::Yellow => base(33),
        Color::Blue => base(34),
        Color::Magenta => base(35),
        Color::Cyan => base(36),
        Color::Gray => base(37),
        Color::DarkGray => base(90),
        Color::LightRed => base(91),
        Color::LightGreen => base(92),
        Color::LightYellow => base(93),
        Color::LightBlue => base(94),
        Color::LightMagenta => base(95),
        Color::LightCyan => base(96),
        Color::White => base(97),
        Color::Indexed(i) => Some(format!("{};5;{i}", if bg { 48 } else { 38 })),
        Color::Rgb(r, g, b) => Some(format!("{};2;{r};{g};{b}", if bg { 48 } else { 38 })),
    }
}
