//! Printing: A4 PDF documents built from plain data, with the DejaVu Sans fonts shipped in
//! `data/fonts/` (embedded and subsetted).
//!
//! - [`Document`] → [`render_pdf`]: a portrait form or record (ente header on every page, title,
//!   sections of fields, paragraphs, blank lines to fill by hand, check boxes, signatures, footer
//!   with `Pagina N di M`).
//! - [`Grid`] → [`render_grid`]: a landscape table with the column headers repeated on every page
//!   (used by [`crate::export`]).
//! - [`blank_form`], [`privacy_form`]: ready-made documents.
//! - [`office`]: the office printer (a print command, CUPS `lp` by default) and collision-free
//!   file names in the office's output folder.
//!
//! Every string is sanitised ([`crate::sanitize`]) before it is drawn. No database access here.

mod canvas;
mod document;
mod forms;
mod grid;
pub mod office;

pub use forms::{MAX_CHOICES, PRIVACY_CONSENTS, PrivacyPerson, blank_form, privacy_form};
pub use grid::{Grid, render_grid};

/// A printable document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    /// The ente header, on top of every page (the first line in bold).
    pub header: Vec<String>,
    pub sections: Vec<Section>,
    /// Bottom of every page, e.g. `Operatore: Rossi Anna — stampato il 29/11/2026 10:42`.
    pub footer: String,
}

/// A titled group of items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// Printed in bold; an empty title prints no heading.
    pub title: String,
    pub items: Vec<Item>,
}

/// One printed element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Label and value side by side; the value wraps (and may span pages).
    Field { label: String, value: String },
    /// Running text over the full width; `\n` starts a new line.
    Paragraph(String),
    /// A label with `lines` empty ruled lines to fill in by hand.
    Blank { label: String, lines: u8 },
    /// Check boxes: `☒` for the selected options, `☐` for the others.
    Choice {
        label: String,
        options: Vec<String>,
        selected: Vec<bool>,
    },
    /// A labelled line to sign on.
    Signature { label: String },
}

/// Why a document could not be printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("carattere tipografico incorporato non leggibile")]
    Font,
    #[error("documento troppo lungo: oltre {0} pagine")]
    TooLong(usize),
    #[error("errore nella generazione del PDF: {0}")]
    Pdf(String),
}

/// Renders the document as an A4 portrait PDF.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, PrintError> {
    document::render(doc)
}
