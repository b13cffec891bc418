//! The page writer under every printed document: the embedded fonts, text measuring and wrapping,
//! page breaks, the ente header on top of every page and the footer with `Pagina N di M`.
//! Units are PDF points (1/72 in), `y` grows upwards from the bottom edge.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};

use super::PrintError;
use crate::sanitize::{sanitize, sanitize_multiline};

const REGULAR_TTF: &[u8] = include_bytes!("../../data/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../data/fonts/DejaVuSans-Bold.ttf");

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;
/// Page margins.
pub const MARGIN: f32 = 18.0 * MM;
/// Tolerance of width comparisons: a word measured to fit exactly must not break.
const EPS: f32 = 0.05;
/// A longer document is refused (a runaway input, not a real print).
pub const MAX_PAGES: usize = 5_000;

const HEADER_SIZE: f32 = 8.5;
const FOOTER_SIZE: f32 = 7.5;
/// Height of the footer band above the bottom margin.
const FOOTER_BAND: f32 = 7.0 * MM;

/// Which face of the embedded family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

fn fonts() -> Result<&'static Fonts, PrintError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let regular = ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new())?;
            let bold = ParsedFont::from_bytes(BOLD_TTF, 0, &mut Vec::new())?;
            Some(Fonts { regular, bold })
        })
        .as_ref()
        .ok_or(PrintError::Font)
}

/// Text measuring with the embedded fonts (no kerning: printpdf writes no kerning either).
#[derive(Clone, Copy)]
pub struct Metrics {
    fonts: &'static Fonts,
}

impl Metrics {
    pub fn new() -> Result<Metrics, PrintError> {
        Ok(Metrics { fonts: fonts()? })
    }

    fn font(&self, face: Face) -> &'static ParsedFont {
        match face {
            Face::Regular => &self.fonts.regular,
            Face::Bold => &self.fonts.bold,
        }
    }

    /// True when the face has a glyph for `c`.
    pub fn has_glyph(&self, face: Face, c: char) -> bool {
        self.font(face).lookup_glyph_index(c as u32).is_some()
    }

    /// Width of `s` at `size` points.
    pub fn width(&self, face: Face, size: f32, s: &str) -> f32 {
        let font = self.font(face);
        let units: u32 = s
            .chars()
            .map(|c| {
                let gid = font.lookup_glyph_index(c as u32).unwrap_or(0);
                u32::from(font.get_horizontal_advance(gid))
            })
            .sum();
        units as f32 * size / f32::from(font.font_metrics.units_per_em.max(1))
    }

    /// A single-line string ready to draw: sanitised (no controls, escapes or bidi overrides),
    /// characters the font lacks shown as `?`.
    pub fn clean(&self, s: &str) -> String {
        self.glyphs_only(&sanitize(s))
    }

    /// Like [`Metrics::clean`] but keeps line breaks (`\r\n` and `\r` count as one).
    pub fn clean_multiline(&self, s: &str) -> String {
        let s = s.replace("\r\n", "\n").replace('\r', "\n");
        self.glyphs_only(&sanitize_multiline(&s))
    }

    fn glyphs_only(&self, s: &str) -> String {
        s.chars()
            .map(|c| {
                if c == '\n' || self.has_glyph(Face::Regular, c) && self.has_glyph(Face::Bold, c) {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// Breaks cleaned text into lines no wider than `width`: at spaces when possible, inside a
    /// word when the word alone is too wide; `\n` always breaks. Never returns an empty vector.
    pub fn wrap(&self, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in para.split(' ').filter(|w| !w.is_empty()) {
                let word_w = self.width(face, size, word);
                let space_w = if line.is_empty() {
                    0.0
                } else {
                    self.width(face, size, " ")
                };
                if line_w + space_w + word_w <= width + EPS {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w += space_w + word_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                if word_w <= width + EPS {
                    line.push_str(word);
                    line_w = word_w;
                    continue;
                }
                // A word wider than the line: cut it character by character.
                for c in word.chars() {
                    let cw = self.width(face, size, c.encode_utf8(&mut [0; 4]));
                    if line_w + cw > width + EPS && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
            lines.push(line);
        }
        lines
    }

    /// At most `max_lines` wrapped lines; when text is left over the last line ends with `…`.
    pub fn wrap_max(
        &self,
        face: Face,
        size: f32,
        text: &str,
        width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let mut lines = self.wrap(face, size, text, width);
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                *last = self.ellipsis(face, size, &format!("{last} "), width);
            }
        }
        lines
    }

    /// `s` cut so that `s…` fits in `width`.
    fn ellipsis(&self, face: Face, size: f32, s: &str, width: f32) -> String {
        let budget = width - self.width(face, size, "…");
        let mut out = String::new();
        let mut w = 0.0;
        for c in s.trim_end().chars() {
            let cw = self.width(face, size, c.encode_utf8(&mut [0; 4]));
            if w + cw > budget + EPS {
                break;
            }
            out.push(c);
            w += cw;
        }
        out.push('…');
        out
    }
}

/// Page size in points.
#[derive(Debug, Clone, Copy)]
pub enum PageSize {
    A4Portrait,
    A4Landscape,
}

impl PageSize {
    fn mm(self) -> (f32, f32) {
        match self {
            PageSize::A4Portrait => (210.0, 297.0),
            PageSize::A4Landscape => (297.0, 210.0),
        }
    }
}

/// A document being written, page by page.
pub struct Canvas {
    pub m: Metrics,
    doc: PdfDocument,
    regular: FontId,
    bold: FontId,
    size_mm: (f32, f32),
    header: Vec<String>,
    footer: String,
    pages: Vec<Vec<Op>>,
    /// Top of the next thing to draw.
    pub y: f32,
}

impl Canvas {
    /// Starts the first page. `header` lines go on top of every page (the first one bold),
    /// `footer` and the page number at the bottom. `title` is the PDF metadata title.
    pub fn new(
        size: PageSize,
        title: &str,
        header: &[String],
        footer: &str,
    ) -> Result<Canvas, PrintError> {
        let m = Metrics::new()?;
        let mut doc = PdfDocument::new(&m.clean(title));
        let regular = doc.add_font(&m.fonts.regular);
        let bold = doc.add_font(&m.fonts.bold);
        let mut c = Canvas {
            m,
            doc,
            regular,
            bold,
            size_mm: size.mm(),
            header: header.iter().map(|h| m.clean(h)).collect(),
            footer: m.clean(footer),
            pages: Vec::new(),
            y: 0.0,
        };
        c.new_page()?;
        Ok(c)
    }

    pub fn width(&self) -> f32 {
        self.size_mm.0 * MM
    }

    fn height(&self) -> f32 {
        self.size_mm.1 * MM
    }

    pub fn left(&self) -> f32 {
        MARGIN
    }

    pub fn right(&self) -> f32 {
        self.width() - MARGIN
    }

    pub fn content_width(&self) -> f32 {
        self.right() - self.left()
    }

    /// Lowest point the body may reach.
    fn bottom(&self) -> f32 {
        MARGIN + FOOTER_BAND
    }

    /// Starts a page break when less than `h` points are left; true when it did.
    pub fn ensure(&mut self, h: f32) -> Result<bool, PrintError> {
        if self.y - h < self.bottom() && !self.at_page_top() {
            self.new_page()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// True when nothing but the page header is on the current page.
    fn at_page_top(&self) -> bool {
        self.y >= self.body_top() - 0.01
    }

    fn body_top(&self) -> f32 {
        let lines = self.header.len() as f32;
        let h = if lines > 0.0 {
            lines * HEADER_SIZE * 1.3 + 3.0 * MM
        } else {
            0.0
        };
        self.height() - MARGIN - h
    }

    /// Opens a new page with the header on top.
    pub fn new_page(&mut self) -> Result<(), PrintError> {
        if self.pages.len() >= MAX_PAGES {
            return Err(PrintError::TooLong(MAX_PAGES));
        }
        self.pages.push(Vec::new());
        let mut y = self.height() - MARGIN;
        let header = std::mem::take(&mut self.header);
        for (i, line) in header.iter().enumerate() {
            y -= HEADER_SIZE * 1.3;
            let face = if i == 0 { Face::Bold } else { Face::Regular };
            let line = self
                .m
                .wrap_max(face, HEADER_SIZE, line, self.content_width(), 1);
            self.text(self.left(), y + 2.0, face, HEADER_SIZE, &line[0]);
        }
        if !header.is_empty() {
            y -= 1.5 * MM;
            self.rule(self.left(), self.right(), y, 0.6, 0.4);
        }
        self.header = header;
        self.y = self.body_top();
        Ok(())
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page is always open")
    }

    /// Draws already-cleaned text with its baseline at `y`.
    pub fn text(&mut self, x: f32, y: f32, face: Face, size: f32, s: &str) {
        if s.is_empty() {
            return;
        }
        let font = match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
        };
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text whose right edge is at `x`.
    pub fn text_right(&mut self, x: f32, y: f32, face: Face, size: f32, s: &str) {
        let w = self.m.width(face, size, s);
        self.text(x - w, y, face, size, s);
    }

    /// A horizontal line; `grey` 0 = black, 1 = white.
    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, grey: f32) {
        let point = |x: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.ops().extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor {
                col: grey_col(grey),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1), point(x2)],
                    is_closed: false,
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    /// A filled rectangle (`y` is its bottom edge).
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, grey: f32) {
        let mut rectangle = Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h));
        rectangle.mode = Some(PaintMode::Fill);
        self.ops().extend([
            Op::SaveGraphicsState,
            Op::SetFillColor {
                col: grey_col(grey),
            },
            Op::DrawRectangle { rectangle },
            Op::RestoreGraphicsState,
        ]);
    }

    /// Adds footer and page numbers to every page and serialises the PDF.
    pub fn finish(mut self) -> Result<Vec<u8>, PrintError> {
        let total = self.pages.len();
        let (w_mm, h_mm) = self.size_mm;
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, ops) in pages.into_iter().enumerate() {
            self.pages.push(ops);
            let line_y = MARGIN + FOOTER_BAND - 2.5 * MM;
            let base = MARGIN + 1.0 * MM;
            self.rule(self.left(), self.right(), line_y, 0.4, 0.5);
            let number = format!("Pagina {} di {}", i + 1, total);
            let number_w = self.m.width(Face::Regular, FOOTER_SIZE, &number);
            let footer = self.m.wrap_max(
                Face::Regular,
                FOOTER_SIZE,
                &self.footer.clone(),
                self.content_width() - number_w - 6.0 * MM,
                1,
            );
            self.text(self.left(), base, Face::Regular, FOOTER_SIZE, &footer[0]);
            self.text_right(self.right(), base, Face::Regular, FOOTER_SIZE, &number);
            let ops = self.pages.pop().expect("pushed above");
            out.push(PdfPage::new(Mm(w_mm), Mm(h_mm), ops));
        }
        let mut warnings = Vec::new();
        let bytes = self
            .doc
            .with_pages(out)
            .save(&PdfSaveOptions::default(), &mut warnings);
        if let Some(w) = warnings
            .iter()
            .find(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
        {
            return Err(PrintError::Pdf(w.msg.clone()));
        }
        Ok(bytes)
    }
}

fn grey_col(grey: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: grey,
        icc_profile: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_have_the_glyphs_we_print() {
        let m = Metrics::new().unwrap();
        for c in "☐☒€àèéìòùÀÈÉÌÒÙșțăâîȘȚĂÂÎłŁńśźżщЖ—«»…’–".chars()
        {
            assert!(m.has_glyph(Face::Regular, c), "{c}");
            assert!(m.has_glyph(Face::Bold, c), "{c}");
        }
    }

    #[test]
    fn wrap_respects_the_width_and_keeps_every_character() {
        let m = Metrics::new().unwrap();
        let text = format!("Niccolò   Ștefan Țăran\nŁukasz {} fine", "x".repeat(300));
        let lines = m.wrap(Face::Regular, 10.0, &text, 100.0);
        assert!(lines.len() > 4);
        assert_eq!(lines[0], "Niccolò Ștefan");
        assert_eq!(lines[1], "Țăran");
        assert_eq!(lines[2], "Łukasz");
        for l in &lines {
            assert!(m.width(Face::Regular, 10.0, l) <= 100.0, "{l}");
        }
        let joined: String = lines.concat();
        assert_eq!(joined.matches('x').count(), 300);
        assert!(joined.ends_with("fine"));
        assert_eq!(m.wrap(Face::Regular, 10.0, "", 100.0), vec![String::new()]);
    }

    #[test]
    fn wrap_max_cuts_with_an_ellipsis() {
        let m = Metrics::new().unwrap();
        let lines = m.wrap_max(Face::Regular, 8.0, &"parola ".repeat(100), 80.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(m.width(Face::Regular, 8.0, &lines[1]) <= 80.0);
        assert_eq!(
            m.wrap_max(Face::Regular, 8.0, "breve", 80.0, 2),
            vec!["breve"]
        );
    }

    #[test]
    fn clean_removes_controls_and_unknown_glyphs() {
        let m = Metrics::new().unwrap();
        let s = m.clean("\x1b]0;pwn\x07a\u{202e}b中\n");
        assert_eq!(s, "^[]0;pwn^Ga<U+202E>b?^J");
        assert_eq!(m.clean_multiline("a\r\nb\rc\u{1b}"), "a\nb\nc^[");
    }
}
