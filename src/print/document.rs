//! Layout of a [`Document`] on A4 portrait pages: title, section headings, label/value rows,
//! paragraphs, blank lines, check boxes and signature lines, flowing across pages.

use super::canvas::{Canvas, Face, MM, PageSize};
use super::{Document, Item, PrintError};

const TITLE_SIZE: f32 = 15.0;
const SECTION_SIZE: f32 = 11.5;
const LABEL_SIZE: f32 = 8.5;
const VALUE_SIZE: f32 = 10.0;
/// Line height of values and paragraphs.
const LINE: f32 = VALUE_SIZE * 1.35;
/// Line height of labels when they wrap.
const LABEL_LINE: f32 = LABEL_SIZE * 1.3;
/// Height of one line to write on by hand.
const BLANK_LINE: f32 = 8.0 * MM;
/// Space after each item.
const ITEM_GAP: f32 = 1.6 * MM;
/// Gap between the label column and the value column, and between check boxes.
const GAP: f32 = 4.0 * MM;
/// Share of the width taken by the label column.
const LABEL_SHARE: f32 = 0.34;
/// A longer label is cut (labels are kept on one page).
const MAX_LABEL_LINES: usize = 12;

pub(super) fn render(doc: &Document) -> Result<Vec<u8>, PrintError> {
    let mut c = Canvas::new(PageSize::A4Portrait, &doc.title, &doc.header, &doc.footer)?;
    let title = c.m.clean(&doc.title);
    for line in c.m.wrap(Face::Bold, TITLE_SIZE, &title, c.content_width()) {
        c.ensure(TITLE_SIZE * 1.3)?;
        let w = c.m.width(Face::Bold, TITLE_SIZE, &line);
        let x = c.left() + (c.content_width() - w) / 2.0;
        c.text(x, c.y - TITLE_SIZE, Face::Bold, TITLE_SIZE, &line);
        c.y -= TITLE_SIZE * 1.3;
    }
    c.y -= 3.0 * MM;
    for section in &doc.sections {
        if !section.title.trim().is_empty() {
            heading(&mut c, &section.title)?;
        }
        for item in &section.items {
            match item {
                Item::Field { label, value } => field(&mut c, label, value)?,
                Item::Paragraph(text) => paragraph(&mut c, text)?,
                Item::Blank { label, lines } => blank(&mut c, label, *lines)?,
                Item::Choice {
                    label,
                    options,
                    selected,
                } => choice(&mut c, label, options, selected)?,
                Item::Signature { label } => signature(&mut c, label)?,
            }
        }
    }
    c.finish()
}

fn label_width(c: &Canvas) -> f32 {
    c.content_width() * LABEL_SHARE
}

fn value_x(c: &Canvas) -> f32 {
    c.left() + label_width(c) + GAP
}

/// A bold heading with a rule under it, kept with the first lines that follow.
fn heading(c: &mut Canvas, title: &str) -> Result<(), PrintError> {
    c.y -= 3.0 * MM;
    let lines = c.m.wrap(
        Face::Bold,
        SECTION_SIZE,
        &c.m.clean(title),
        c.content_width(),
    );
    c.ensure(lines.len() as f32 * SECTION_SIZE * 1.3 + 3.0 * LINE)?;
    for line in lines {
        c.text(
            c.left(),
            c.y - SECTION_SIZE,
            Face::Bold,
            SECTION_SIZE,
            &line,
        );
        c.y -= SECTION_SIZE * 1.3;
    }
    c.y -= 1.0 * MM;
    c.rule(c.left(), c.right(), c.y, 0.5, 0.55);
    c.y -= 2.0 * MM;
    Ok(())
}

/// A label wrapped to the label column (at most [`MAX_LABEL_LINES`] lines).
fn label_lines(c: &Canvas, label: &str) -> Vec<String> {
    c.m.wrap_max(
        Face::Regular,
        LABEL_SIZE,
        &c.m.clean(label),
        label_width(c),
        MAX_LABEL_LINES,
    )
}

/// Label column and wrapped value, line by line so that long values flow across pages.
fn field(c: &mut Canvas, label: &str, value: &str) -> Result<(), PrintError> {
    let labels = label_lines(c, label);
    let vx = value_x(c);
    let values = c.m.wrap(
        Face::Regular,
        VALUE_SIZE,
        &c.m.clean_multiline(value),
        c.right() - vx,
    );
    rows(c, &labels, &values, LINE)
}

/// Draws the label lines (a block, kept on one page) beside the value lines (each line on its
/// own, so that long values flow across pages); `line` is the height of a value line.
fn rows(c: &mut Canvas, labels: &[String], values: &[String], line: f32) -> Result<(), PrintError> {
    let label_h = (labels.len() as f32 - 1.0).max(0.0) * LABEL_LINE + LABEL_SIZE;
    c.ensure(label_h.max(line * values.len().min(2) as f32))?;
    let top = c.y;
    for (i, l) in labels.iter().enumerate() {
        let base = top - VALUE_SIZE - i as f32 * LABEL_LINE;
        c.text(c.left(), base, Face::Regular, LABEL_SIZE, l);
    }
    let mut bottom = top - label_h - (line - LABEL_SIZE);
    let vx = value_x(c);
    for v in values {
        if c.ensure(line)? {
            bottom = c.y;
        }
        c.text(vx, c.y - VALUE_SIZE, Face::Regular, VALUE_SIZE, v);
        c.y -= line;
    }
    c.y = c.y.min(bottom) - ITEM_GAP;
    Ok(())
}

fn paragraph(c: &mut Canvas, text: &str) -> Result<(), PrintError> {
    let lines = c.m.wrap(
        Face::Regular,
        VALUE_SIZE,
        &c.m.clean_multiline(text),
        c.content_width(),
    );
    for line in lines {
        c.ensure(LINE)?;
        c.text(c.left(), c.y - VALUE_SIZE, Face::Regular, VALUE_SIZE, &line);
        c.y -= LINE;
    }
    c.y -= ITEM_GAP;
    Ok(())
}

/// The label, then `lines` ruled lines in the value column; the first rule is on the label's
/// baseline.
fn blank(c: &mut Canvas, label: &str, lines: u8) -> Result<(), PrintError> {
    let labels = label_lines(c, label);
    let below_first = (labels.len() as f32 - 1.0) * LABEL_LINE;
    c.ensure(BLANK_LINE + below_first + 3.0)?;
    let vx = value_x(c);
    let mut bottom = c.y - BLANK_LINE - below_first;
    for k in 0..lines.max(1) {
        let new_page = k > 0 && c.ensure(BLANK_LINE)?;
        let rule_y = c.y - BLANK_LINE + 2.0;
        if k == 0 {
            for (i, l) in labels.iter().enumerate() {
                let base = rule_y + 1.5 - i as f32 * LABEL_LINE;
                c.text(c.left(), base, Face::Regular, LABEL_SIZE, l);
            }
        }
        if new_page {
            bottom = c.y;
        }
        c.rule(vx, c.right(), rule_y, 0.4, 0.45);
        c.y -= BLANK_LINE;
    }
    c.y = c.y.min(bottom) - ITEM_GAP;
    Ok(())
}

/// Check boxes laid out like words in the value column.
fn choice(
    c: &mut Canvas,
    label: &str,
    options: &[String],
    selected: &[bool],
) -> Result<(), PrintError> {
    let labels = label_lines(c, label);
    let vw = c.right() - value_x(c);
    let space = c.m.width(Face::Regular, VALUE_SIZE, " ");
    let pad = ((GAP / space).round() as usize).max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (i, option) in options.iter().enumerate() {
        let mark = if selected.get(i).copied().unwrap_or(false) {
            '☒'
        } else {
            '☐'
        };
        let token = format!("{mark} {}", c.m.clean(option));
        let candidate = if line.is_empty() {
            token.clone()
        } else {
            format!("{line}{}{token}", " ".repeat(pad))
        };
        if c.m.width(Face::Regular, VALUE_SIZE, &candidate) <= vw {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut pieces = c.m.wrap(Face::Regular, VALUE_SIZE, &token, vw);
        line = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    rows(c, &labels, &lines, LINE * 1.15)
}

/// Room to sign, then the label and a line.
fn signature(c: &mut Canvas, label: &str) -> Result<(), PrintError> {
    let labels = c.m.wrap_max(
        Face::Regular,
        LABEL_SIZE,
        &c.m.clean(label),
        c.content_width() * 0.45,
        MAX_LABEL_LINES,
    );
    let label_w = labels
        .iter()
        .map(|l| c.m.width(Face::Regular, LABEL_SIZE, l))
        .fold(0.0, f32::max);
    c.ensure(12.0 * MM + labels.len() as f32 * LABEL_LINE)?;
    let base = c.y - 12.0 * MM;
    for (i, l) in labels.iter().enumerate() {
        c.text(
            c.left(),
            base - i as f32 * LABEL_LINE,
            Face::Regular,
            LABEL_SIZE,
            l,
        );
    }
    let x1 = c.left() + label_w + 3.0 * MM;
    let x2 = (c.left() + c.content_width() * 0.9).max(x1 + 40.0 * MM);
    c.rule(x1, x2.min(c.right()), base - 1.0, 0.6, 0.2);
    c.y = base - (labels.len() as f32 - 1.0) * LABEL_LINE - 4.0 * MM;
    Ok(())
}
