//! Keys: our own serde-friendly key type ([`KeyInput`]), its text notation (`a`, `<C-s>`,
//! `<S-Tab>`, `<F2>`, `<lt>` …) with parser and printer, and the Italian labels used in hints
//! (`Ctrl+S`, `Maiusc+Tab`, `PagGiù`). crossterm appears only in the `From<KeyEvent>` conversion.
//!
//! Normalisation (so that keymap entries and terminal events compare equal):
//! - characters carry their case, never the Shift flag: `<S-a>` is `A`, `<S-1>` is `1`;
//! - with Ctrl, ASCII letters are lower case: `<C-S>` is `<C-s>` (legacy terminals send the same
//!   byte for both);
//! - `<S-Tab>` is `<BackTab>`;
//! - ` ` is `<Space>`, `<` is `<lt>`.
//!
//! Terminal limits worth knowing: Tab and `<C-i>`, Enter and `<C-m>` cannot be told apart, and a
//! terminal whose Backspace sends `^H` delivers it as `<C-h>`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A key without modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Char(char),
    /// Function key `F1`..`F24`.
    F(u8),
    Esc,
    Enter,
    Tab,
    /// Shift+Tab.
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    /// Anything the terminal reports that we do not bind (Caps Lock, media keys…).
    Null,
}

/// Modifier flags. Shift is kept only for non-character keys (`<S-Up>`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Mods {
    #[serde(default, skip_serializing_if = "is_false")]
    pub ctrl: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub alt: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub shift: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Mods {
    pub const NONE: Mods = Mods {
        ctrl: false,
        alt: false,
        shift: false,
    };
    pub const CTRL: Mods = Mods {
        ctrl: true,
        alt: false,
        shift: false,
    };
    pub const ALT: Mods = Mods {
        ctrl: false,
        alt: true,
        shift: false,
    };
    pub const SHIFT: Mods = Mods {
        ctrl: false,
        alt: false,
        shift: true,
    };
}

/// One key press: a key plus modifiers, always normalised (see the module doc).
///
/// Serialises as its notation string (`"<C-s>"`), which keeps replay logs readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyInput {
    pub code: Key,
    pub mods: Mods,
}

impl KeyInput {
    /// A normalised key.
    pub fn new(code: Key, mods: Mods) -> Self {
        let mut k = KeyInput { code, mods };
        k.normalize();
        k
    }

    /// A plain key without modifiers.
    pub fn plain(code: Key) -> Self {
        Self::new(code, Mods::NONE)
    }

    /// A character key without modifiers.
    pub fn char(c: char) -> Self {
        Self::new(Key::Char(c), Mods::NONE)
    }

    /// Ctrl + a character.
    pub fn ctrl(c: char) -> Self {
        Self::new(Key::Char(c), Mods::CTRL)
    }

    fn normalize(&mut self) {
        match self.code {
            Key::Char(c) => {
                if self.mods.shift && c.is_lowercase() {
                    let mut up = c.to_uppercase();
                    if let (Some(u), None) = (up.next(), up.next()) {
                        self.code = Key::Char(u);
                    }
                }
                self.mods.shift = false;
                if self.mods.ctrl && c.is_ascii_alphabetic() {
                    self.code = Key::Char(c.to_ascii_lowercase());
                }
            }
            Key::Tab if self.mods.shift => {
                self.code = Key::BackTab;
                self.mods.shift = false;
            }
            Key::BackTab => self.mods.shift = false,
            _ => {}
        }
    }

    /// True for a key that types text: a character without Ctrl or Alt (Space included).
    /// In a focused text field these keys are text, never commands.
    pub fn is_printable(&self) -> bool {
        matches!(self.code, Key::Char(_)) && !self.mods.ctrl && !self.mods.alt
    }

    /// True for a function key (`F1`..`F24`), with or without modifiers.
    pub fn is_function_key(&self) -> bool {
        matches!(self.code, Key::F(_))
    }

    /// The key in keymap notation, e.g. `<C-s>`, `a`, `<lt>`, `<S-Tab>`.
    pub fn notation(&self) -> String {
        let name = match self.code {
            Key::Char(' ') => "Space".to_string(),
            Key::Char('<') => "lt".to_string(),
            Key::Char('>') if self.mods != Mods::NONE => "gt".to_string(),
            Key::Char(c) => c.to_string(),
            Key::F(n) => format!("F{n}"),
            Key::Esc => "Esc".into(),
            Key::Enter => "Enter".into(),
            Key::Tab => "Tab".into(),
            Key::BackTab => "S-Tab".into(),
            Key::Backspace => "Backspace".into(),
            Key::Delete => "Del".into(),
            Key::Insert => "Ins".into(),
            Key::Up => "Up".into(),
            Key::Down => "Down".into(),
            Key::Left => "Left".into(),
            Key::Right => "Right".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::PageUp => "PageUp".into(),
            Key::PageDown => "PageDown".into(),
            Key::Null => "Null".into(),
        };
        let bare_char = matches!(self.code, Key::Char(c) if c != ' ' && c != '<');
        if bare_char && self.mods == Mods::NONE {
            return name;
        }
        let mut out = String::from("<");
        if self.mods.ctrl {
            out.push_str("C-");
        }
        if self.mods.alt {
            out.push_str("A-");
        }
        if self.mods.shift {
            out.push_str("S-");
        }
        out.push_str(&name);
        out.push('>');
        out
    }
}

impl fmt::Display for KeyInput {
    /// The Italian label for hints: `Ctrl+S`, `Alt+X`, `F2`, `Invio`, `Maiusc+Tab`, `PagGiù`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        if self.mods.ctrl {
            out.push_str("Ctrl+");
        }
        if self.mods.alt {
            out.push_str("Alt+");
        }
        if self.mods.shift {
            out.push_str("Maiusc+");
        }
        match self.code {
            Key::Char(' ') => out.push_str("Spazio"),
            Key::Char(c) if self.mods.ctrl || self.mods.alt => {
                if c.is_uppercase() {
                    out.push_str("Maiusc+");
                }
                out.extend(c.to_uppercase());
            }
            Key::Char(c) => out.push(c),
            Key::F(n) => out.push_str(&format!("F{n}")),
            Key::Esc => out.push_str("Esc"),
            Key::Enter => out.push_str("Invio"),
            Key::Tab => out.push_str("Tab"),
            Key::BackTab => out.push_str("Maiusc+Tab"),
            Key::Backspace => out.push_str("Backspace"),
            Key::Delete => out.push_str("Canc"),
            Key::Insert => out.push_str("Ins"),
            Key::Up => out.push_str("Su"),
            Key::Down => out.push_str("Giù"),
            Key::Left => out.push_str("Sinistra"),
            Key::Right => out.push_str("Destra"),
            Key::Home => out.push_str("Inizio"),
            Key::End => out.push_str("Fine"),
            Key::PageUp => out.push_str("PagSu"),
            Key::PageDown => out.push_str("PagGiù"),
            Key::Null => out.push_str("(tasto sconosciuto)"),
        }
        f.write_str(&out)
    }
}

/// A sequence of keys in notation: `["g","g"]` prints as `gg`.
pub fn keys_notation(keys: &[KeyInput]) -> String {
    keys.iter().map(KeyInput::notation).collect()
}

/// A sequence of keys as an Italian hint: `Ctrl+G 1`.
pub fn keys_label(keys: &[KeyInput]) -> String {
    keys.iter()
        .map(|k| k.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A key notation that could not be read. The message is Italian and says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("notazione del tasto non valida «{input}»: {problem}")]
pub struct KeyParseError {
    /// The text that was being parsed.
    pub input: String,
    /// What is wrong, in Italian.
    pub problem: String,
}

fn err(input: &str, problem: impl Into<String>) -> KeyParseError {
    KeyParseError {
        input: input.to_string(),
        problem: problem.into(),
    }
}

fn named_key(name: &str) -> Option<Key> {
    let lower = name.to_ascii_lowercase();
    let key = match lower.as_str() {
        "esc" | "escape" => Key::Esc,
        "enter" | "cr" | "ret" | "return" => Key::Enter,
        "tab" => Key::Tab,
        "backtab" => Key::BackTab,
        "backspace" | "bs" => Key::Backspace,
        "del" | "delete" => Key::Delete,
        "ins" | "insert" => Key::Insert,
        "up" => Key::Up,
        "down" => Key::Down,
        "left" => Key::Left,
        "right" => Key::Right,
        "home" => Key::Home,
        "end" => Key::End,
        "pageup" | "pgup" => Key::PageUp,
        "pagedown" | "pgdn" => Key::PageDown,
        "space" => Key::Char(' '),
        "lt" => Key::Char('<'),
        "gt" => Key::Char('>'),
        "minus" => Key::Char('-'),
        "null" => Key::Null,
        _ => {
            let n = lower.strip_prefix('f')?;
            if n.is_empty() || n.len() > 2 || !n.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u8 = n.parse().ok()?;
            if (1..=24).contains(&n) {
                Key::F(n)
            } else {
                return None;
            }
        }
    };
    Some(key)
}

/// Parses the inside of `<...>`: modifiers `C-`, `A-` (or `M-`), `S-`, then a key name or one character.
fn parse_bracketed(inner: &str, whole: &str) -> Result<KeyInput, KeyParseError> {
    if inner.is_empty() {
        return Err(err(whole, "nessun tasto tra < e >"));
    }
    let mut mods = Mods::NONE;
    let mut rest = inner;
    loop {
        let mut chars = rest.chars();
        let (Some(m), Some('-')) = (chars.next(), chars.next()) else {
            break;
        };
        let after = chars.as_str();
        if after.is_empty() {
            // `<C-->` is Ctrl + '-': the last '-' is the key itself.
            break;
        }
        let seen = match m.to_ascii_uppercase() {
            'C' => std::mem::replace(&mut mods.ctrl, true),
            'A' | 'M' => std::mem::replace(&mut mods.alt, true),
            'S' => std::mem::replace(&mut mods.shift, true),
            _ => {
                return Err(err(
                    whole,
                    format!(
                        "modificatore sconosciuto «{m}-» (usare C- per Ctrl, A- per Alt, S- per Maiusc)"
                    ),
                ));
            }
        };
        if seen {
            return Err(err(whole, format!("modificatore «{m}-» ripetuto")));
        }
        rest = after;
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => {
            if c.is_control() {
                return Err(err(whole, "carattere di controllo non ammesso"));
            }
            Key::Char(c)
        }
        _ => named_key(rest).ok_or_else(|| {
            err(
                whole,
                format!(
                    "tasto sconosciuto «{rest}» (validi: un carattere, Esc, Enter, Tab, BackTab, Backspace, Del, \
                     Ins, Up, Down, Left, Right, Home, End, PageUp, PageDown, Space, lt, F1..F12)"
                ),
            )
        })?,
    };
    Ok(KeyInput::new(code, mods))
}

/// Parses a sequence of keys: `ross<Down><Enter>` is `r o s s Down Enter`. Used by the keymap
/// (one `on` string), by the test harness and by replays. Literal spaces are the Space key;
/// a literal `<` must be written `<lt>`.
pub fn parse_key_string(s: &str) -> Result<Vec<KeyInput>, KeyParseError> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let Some(end) = rest.find('>') else {
                return Err(err(
                    s,
                    "«<» senza «>» di chiusura (per il carattere < usare <lt>)",
                ));
            };
            // `<>>` is not supported; `>` alone is a plain character and `<gt>` exists.
            let inner = &rest[1..end];
            if inner.contains('<') {
                return Err(err(
                    s,
                    "«<» senza «>» di chiusura (per il carattere < usare <lt>)",
                ));
            }
            out.push(parse_bracketed(inner, &rest[..=end])?);
            rest = &rest[end + 1..];
        } else {
            if c.is_control() {
                return Err(err(
                    s,
                    "carattere di controllo non ammesso: usare la notazione <C-x>",
                ));
            }
            out.push(KeyInput::char(c));
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(out)
}

/// Parses exactly one key: `<C-s>`, `a`, `<F2>`.
pub fn parse_key(s: &str) -> Result<KeyInput, KeyParseError> {
    let keys = parse_key_string(s)?;
    match keys.as_slice() {
        [k] => Ok(*k),
        [] => Err(err(s, "nessun tasto")),
        _ => Err(err(
            s,
            "più di un tasto: per una sequenza usare un elenco, es. on = [\"g\", \"g\"]",
        )),
    }
}

impl std::str::FromStr for KeyInput {
    type Err = KeyParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_key(s)
    }
}

impl Serialize for KeyInput {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.notation())
    }
}

impl<'de> Deserialize<'de> for KeyInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        parse_key(&s).map_err(serde::de::Error::custom)
    }
}

impl From<crossterm::event::KeyEvent> for KeyInput {
    /// Converts a terminal event. The caller filters `KeyEventKind::Press`; keys we do not bind
    /// become [`Key::Null`].
    fn from(ev: crossterm::event::KeyEvent) -> Self {
        use crossterm::event::{KeyCode as C, KeyModifiers as M};
        let code = match ev.code {
            C::Char(c) => Key::Char(c),
            C::F(n @ 1..=24) => Key::F(n),
            C::Esc => Key::Esc,
            C::Enter => Key::Enter,
            C::Tab => Key::Tab,
            C::BackTab => Key::BackTab,
            C::Backspace => Key::Backspace,
            C::Delete => Key::Delete,
            C::Insert => Key::Insert,
            C::Up => Key::Up,
            C::Down => Key::Down,
            C::Left => Key::Left,
            C::Right => Key::Right,
            C::Home => Key::Home,
            C::End => Key::End,
            C::PageUp => Key::PageUp,
            C::PageDown => Key::PageDown,
            _ => Key::Null,
        };
        let mods = Mods {
            ctrl: ev.modifiers.contains(M::CONTROL),
            alt: ev.modifiers.contains(M::ALT),
            shift: ev.modifiers.contains(M::SHIFT),
        };
        KeyInput::new(code, mods)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn k(s: &str) -> KeyInput {
        parse_key(s).expect(s)
    }

    #[test]
    fn parses_plain_and_named_keys() {
        assert_eq!(k("a"), KeyInput::char('a'));
        assert_eq!(k("A"), KeyInput::char('A'));
        assert_eq!(k("?"), KeyInput::char('?'));
        assert_eq!(k("<C-s>"), KeyInput::ctrl('s'));
        assert_eq!(k("<A-x>"), KeyInput::new(Key::Char('x'), Mods::ALT));
        assert_eq!(k("<F1>"), KeyInput::plain(Key::F(1)));
        assert_eq!(k("<F12>"), KeyInput::plain(Key::F(12)));
        assert_eq!(k("<Esc>"), KeyInput::plain(Key::Esc));
        assert_eq!(k("<Enter>"), KeyInput::plain(Key::Enter));
        assert_eq!(k("<Tab>"), KeyInput::plain(Key::Tab));
        assert_eq!(k("<Backspace>"), KeyInput::plain(Key::Backspace));
        assert_eq!(k("<Del>"), KeyInput::plain(Key::Delete));
        assert_eq!(k("<Up>"), KeyInput::plain(Key::Up));
        assert_eq!(k("<Down>"), KeyInput::plain(Key::Down));
        assert_eq!(k("<Left>"), KeyInput::plain(Key::Left));
        assert_eq!(k("<Right>"), KeyInput::plain(Key::Right));
        assert_eq!(k("<Home>"), KeyInput::plain(Key::Home));
        assert_eq!(k("<End>"), KeyInput::plain(Key::End));
        assert_eq!(k("<PageUp>"), KeyInput::plain(Key::PageUp));
        assert_eq!(k("<PageDown>"), KeyInput::plain(Key::PageDown));
        assert_eq!(k("<Space>"), KeyInput::char(' '));
        assert_eq!(k("<lt>"), KeyInput::char('<'));
        assert_eq!(
            k("<esc>"),
            KeyInput::plain(Key::Esc),
            "names are case-insensitive"
        );
        assert_eq!(k("<C-->"), KeyInput::ctrl('-'));
    }

    #[test]
    fn normalises_shift_tab_case_and_ctrl() {
        assert_eq!(k("<S-Tab>"), k("<BackTab>"));
        assert_eq!(k("<S-Tab>"), KeyInput::plain(Key::BackTab));
        assert_eq!(k("<S-a>"), k("A"));
        assert_eq!(k("<C-S>"), k("<C-s>"));
        assert_eq!(k("<S-Up>"), KeyInput::new(Key::Up, Mods::SHIFT));
        assert_ne!(k("<A-A>"), k("<A-a>"));
    }

    #[test]
    fn parses_key_strings() {
        let keys = parse_key_string("ross<Down><Enter>").unwrap();
        assert_eq!(
            keys,
            vec![
                KeyInput::char('r'),
                KeyInput::char('o'),
                KeyInput::char('s'),
                KeyInput::char('s'),
                KeyInput::plain(Key::Down),
                KeyInput::plain(Key::Enter),
            ]
        );
        assert_eq!(parse_key_string("a b").unwrap()[1], KeyInput::char(' '));
        assert_eq!(
            parse_key_string("à<lt>>").unwrap(),
            vec![
                KeyInput::char('à'),
                KeyInput::char('<'),
                KeyInput::char('>')
            ]
        );
        assert_eq!(parse_key_string("").unwrap(), vec![]);
    }

    #[test]
    fn bad_notation_gives_clear_italian_errors() {
        let e = parse_key_string("ab<Foo>").unwrap_err();
        assert_eq!(e.input, "<Foo>");
        assert!(e.to_string().contains("tasto sconosciuto «Foo»"), "{e}");
        let e = parse_key_string("a<C-s").unwrap_err();
        assert!(e.to_string().contains("senza «>» di chiusura"), "{e}");
        assert!(e.to_string().contains("<lt>"), "{e}");
        let e = parse_key("<X-a>").unwrap_err();
        assert!(
            e.to_string().contains("modificatore sconosciuto «X-»"),
            "{e}"
        );
        let e = parse_key("<C-C-a>").unwrap_err();
        assert!(e.problem.contains("ripetuto"), "{e}");
        let e = parse_key("<>").unwrap_err();
        assert!(e.problem.contains("nessun tasto"), "{e}");
        let e = parse_key("<F13x>").unwrap_err();
        assert!(e.problem.contains("tasto sconosciuto"), "{e}");
        let e = parse_key("<F0>").unwrap_err();
        assert!(e.problem.contains("tasto sconosciuto"), "{e}");
        let e = parse_key("gg").unwrap_err();
        assert!(e.problem.contains("più di un tasto"), "{e}");
        let e = parse_key("").unwrap_err();
        assert!(e.problem.contains("nessun tasto"), "{e}");
        let e = parse_key_string("a\u{1b}").unwrap_err();
        assert!(e.problem.contains("controllo"), "{e}");
        let e = parse_key_string("<a<b>").unwrap_err();
        assert!(e.problem.contains("senza «>»"), "{e}");
    }

    #[test]
    fn notation_round_trips() {
        for s in [
            "a",
            "A",
            "?",
            "<C-s>",
            "<A-x>",
            "<S-Tab>",
            "<F1>",
            "<F12>",
            "<Esc>",
            "<Enter>",
            "<Tab>",
            "<Backspace>",
            "<Del>",
            "<Ins>",
            "<Up>",
            "<Down>",
            "<Left>",
            "<Right>",
            "<Home>",
            "<End>",
            "<PageUp>",
            "<PageDown>",
            "<Space>",
            "<lt>",
            ">",
            "<C-gt>",
            "<C-Space>",
            "<S-Up>",
            "<C-A-Del>",
            "<C-->",
            "<A-A>",
            "è",
            "<Null>",
        ] {
            let key = k(s);
            assert_eq!(key.notation(), s, "printing {s}");
            assert_eq!(k(&key.notation()), key, "re-parsing {s}");
        }
        assert_eq!(k("<BackTab>").notation(), "<S-Tab>");
        let keys = parse_key_string("ross<Down><Enter>").unwrap();
        assert_eq!(keys_notation(&keys), "ross<Down><Enter>");
    }

    #[test]
    fn italian_labels() {
        assert_eq!(k("<C-s>").to_string(), "Ctrl+S");
        assert_eq!(k("<F2>").to_string(), "F2");
        assert_eq!(k("<Esc>").to_string(), "Esc");
        assert_eq!(k("<Enter>").to_string(), "Invio");
        assert_eq!(k("<Tab>").to_string(), "Tab");
        assert_eq!(k("<S-Tab>").to_string(), "Maiusc+Tab");
        assert_eq!(k("<PageDown>").to_string(), "PagGiù");
        assert_eq!(k("<PageUp>").to_string(), "PagSu");
        assert_eq!(k("<Del>").to_string(), "Canc");
        assert_eq!(k("<Space>").to_string(), "Spazio");
        assert_eq!(k("<A-1>").to_string(), "Alt+1");
        assert_eq!(k("<A-X>").to_string(), "Alt+Maiusc+X");
        assert_eq!(k("?").to_string(), "?");
        assert_eq!(keys_label(&parse_key_string("<C-g>1").unwrap()), "Ctrl+G 1");
    }

    #[test]
    fn converts_crossterm_events() {
        let ev = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(KeyInput::from(ev), k("<C-s>"));
        let ev = KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT);
        assert_eq!(KeyInput::from(ev), k("A"));
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(KeyInput::from(ev), k("<S-Tab>"));
        let ev = KeyEvent::new(KeyCode::Tab, KeyModifiers::SHIFT);
        assert_eq!(KeyInput::from(ev), k("<BackTab>"));
        let ev = KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE);
        assert_eq!(KeyInput::from(ev), k("<F2>"));
        let ev = KeyEvent::new(KeyCode::CapsLock, KeyModifiers::NONE);
        assert_eq!(KeyInput::from(ev).code, Key::Null);
        let ev = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT);
        assert_eq!(KeyInput::from(ev), k("<A-x>"));
    }

    #[test]
    fn serde_uses_notation() {
        let keys = parse_key_string("<C-s>a").unwrap();
        let json = serde_json::to_string(&keys).unwrap();
        assert_eq!(json, r#"["<C-s>","a"]"#);
        let back: Vec<KeyInput> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, keys);
        assert!(serde_json::from_str::<KeyInput>(r#""<Foo>""#).is_err());
    }

    #[test]
    fn printable_keys() {
        assert!(k("a").is_printable());
        assert!(k("<Space>").is_printable());
        assert!(k("?").is_printable());
        assert!(!k("<C-a>").is_printable());
        assert!(!k("<A-a>").is_printable());
        assert!(!k("<Enter>").is_printable());
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        fn any_key() -> impl Strategy<Value = KeyInput> {
            let code = prop_oneof![
                any::<char>()
                    .prop_filter("no control chars", |c| !c.is_control())
                    .prop_map(Key::Char),
                (1u8..=24).prop_map(Key::F),
                Just(Key::Esc),
                Just(Key::Enter),
                Just(Key::Tab),
                Just(Key::BackTab),
                Just(Key::Backspace),
                Just(Key::Delete),
                Just(Key::Insert),
                Just(Key::Up),
                Just(Key::Down),
                Just(Key::Left),
                Just(Key::Right),
                Just(Key::Home),
                Just(Key::End),
                Just(Key::PageUp),
                Just(Key::PageDown),
                Just(Key::Null),
            ];
            (code, any::<bool>(), any::<bool>(), any::<bool>())
                .prop_map(|(code, ctrl, alt, shift)| KeyInput::new(code, Mods { ctrl, alt, shift }))
        }

        proptest! {
            #[test]
            fn parser_never_panics(s in ".*") {
                let _ = parse_key_string(&s);
                let _ = parse_key(&s);
            }

            #[test]
            fn parser_never_panics_on_bracket_soup(s in "[<>CASM\\-a-zA-Z0-9 ]{0,24}") {
                let _ = parse_key_string(&s);
            }

            #[test]
            fn print_then_parse_round_trips(keys in proptest::collection::vec(any_key(), 0..8)) {
                let text = keys_notation(&keys);
                let parsed = parse_key_string(&text);
                prop_assert_eq!(parsed, Ok(keys.clone()), "notation {}", text);
            }
        }
    }
}
