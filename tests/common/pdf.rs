//! `pdftotext` (poppler-utils) for the print and export tests. A missing tool fails the test with
//! a clear message: it is never skipped silently.
#![allow(dead_code)]

use std::process::Command;

/// The text of a PDF, pages separated by form feeds.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    pdf_file_text(&path)
}

/// The text of a PDF file, pages separated by form feeds.
pub fn pdf_file_text(path: &std::path::Path) -> String {
    let out = match Command::new("pdftotext").arg(path).arg("-").output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "pdftotext not found: install poppler-utils (apt-get install poppler-utils) to run the \
             PDF tests"
        ),
        Err(e) => panic!("cannot run pdftotext: {e}"),
    };
    assert!(
        out.status.success(),
        "pdftotext failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext prints UTF-8")
}

/// Number of pages (pdftotext ends every page with a form feed).
pub fn pages(text: &str) -> usize {
    text.matches('\u{c}').count()
}

/// All runs of whitespace as one space, so that wrapped labels compare as one line.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
