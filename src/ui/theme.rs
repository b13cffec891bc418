//! The theme: SISO's coordinated colours per area, in the 16 named colours only, a monochrome variant
//! for `NO_COLOR` (bold / reverse / underline), and ASCII borders when the locale is not UTF-8.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

/// Which part of the system a screen belongs to; decides the accent colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Login, home, administration.
    Sistema,
    /// Accoglienza / segretariato sociale: azure and blue.
    Accoglienza,
    /// Cartella sociale: orange / yellow.
    Cartella,
    /// Erogazioni: green.
    Erogazioni,
}

/// Colours and borders for one terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

/// ASCII border set for terminals without box-drawing characters.
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    /// From the environment: `NO_COLOR` set and non-empty → monochrome; locale not UTF-8 or a
    /// `vt100`-class terminal → ASCII borders.
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Theme {
        let color = env("NO_COLOR").is_none_or(|v| v.is_empty());
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .find_map(|k| env(k).filter(|v| !v.is_empty()))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let utf8 = locale.contains("utf-8") || locale.contains("utf8");
        let term = env("TERM").unwrap_or_default();
        let ascii = !utf8 || term.starts_with("vt1") || term.starts_with("vt2");
        Theme { color, ascii }
    }

    pub fn border(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }

    /// The title bar of a screen of `area`.
    pub fn bar(&self, area: Area) -> Style {
        if !self.color {
            return Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        let (fg, bg) = match area {
            Area::Sistema => (Color::White, Color::Blue),
            Area::Accoglienza => (Color::Black, Color::LightCyan),
            Area::Cartella => (Color::Black, Color::Yellow),
            Area::Erogazioni => (Color::Black, Color::LightGreen),
        };
        Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD)
    }

    /// Accent for titles and borders of a screen of `area`.
    pub fn accent(&self, area: Area) -> Style {
        if !self.color {
            return Style::new().add_modifier(Modifier::BOLD);
        }
        let fg = match area {
            Area::Sistema => Color::Blue,
            Area::Accoglienza => Color::Cyan,
            Area::Cartella => Color::Yellow,
            Area::Erogazioni => Color::Green,
        };
        Style::new().fg(fg)
    }

    /// The focused field or selected row.
    pub fn focus(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// An input field that is not focused.
    pub fn field(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    pub fn error(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn warning(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// Key names in the status bar.
    pub fn key(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Gray)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn required(&self) -> Style {
        if self.color {
            Style::new().fg(Color::LightRed)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn detects_no_color_and_locale() {
        let t = Theme::detect(&env(&[("LANG", "it_IT.UTF-8"), ("TERM", "xterm")]));
        assert_eq!(
            t,
            Theme {
                color: true,
                ascii: false
            }
        );
        let t = Theme::detect(&env(&[("NO_COLOR", "1"), ("LANG", "C"), ("TERM", "linux")]));
        assert_eq!(
            t,
            Theme {
                color: false,
                ascii: true
            }
        );
        // Empty NO_COLOR does not count (no-color.org).
        let t = Theme::detect(&env(&[
            ("NO_COLOR", ""),
            ("LC_ALL", "it_IT.utf8"),
            ("TERM", "vt100"),
        ]));
        assert_eq!(
            t,
            Theme {
                color: true,
                ascii: true
            }
        );
    }

    #[test]
    fn monochrome_uses_no_colours() {
        let t = Theme {
            color: false,
            ascii: true,
        };
        for s in [
            t.bar(Area::Cartella),
            t.focus(),
            t.error(),
            t.key(),
            t.accent(Area::Accoglienza),
        ] {
            assert_eq!((s.fg, s.bg), (None, None));
        }
    }
}
