//! PDF printing: documents, the blank paper form of the scheda, the privacy form and the table
//! grid, checked through `pdftotext`.

#[path = "common/pdf.rs"]
mod pdf;

use pdf::{flat, pages, pdf_text};
use sportello::forms::Screens;
use sportello::print::{
    Document, Grid, Item, PRIVACY_CONSENTS, PrivacyPerson, Section, blank_form, privacy_form,
    render_grid, render_pdf,
};

const INJECTION: &str = "\x1b]0;pwn\x07=cmd|' /C calc'!A0\u{202e}";

fn header() -> Vec<String> {
    vec![
        "Comune di Roccabianca".to_string(),
        "Servizi sociali — Sportello di accoglienza".to_string(),
    ]
}

/// 20,000 characters of words, ending with a marker.
fn long_note() -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.chars().count() < 19_990 {
        s.push_str(&format!("parola{i} "));
        i += 1;
        if i % 150 == 0 {
            s.push('\n');
        }
    }
    s.push_str("FINE-NOTA");
    s
}

fn field(label: &str, value: &str) -> Item {
    Item::Field {
        label: label.into(),
        value: value.into(),
    }
}

fn no_controls(text: &str) {
    for bad in ['\x1b', '\x07', '\u{202e}', '\u{9b}', '\u{9d}'] {
        assert!(!text.contains(bad), "{bad:?} reached the PDF text");
    }
}

#[test]
fn document_with_names_long_note_and_injection() {
    let note = long_note();
    assert!(note.chars().count() >= 20_000);
    let doc = Document {
        title: "Scheda di accesso".into(),
        header: header(),
        sections: vec![
            Section {
                title: "Utente".into(),
                items: vec![
                    field("Cognome e nome", "Niccolò Bianchi"),
                    field("Coniuge", "Ștefan Țăran"),
                    field("Figlio", "Łukasz Nowak"),
                    field("Contributo", "€ 1.234,56"),
                    field("Nota iniettata", INJECTION),
                    Item::Choice {
                        label: "Accompagnato".into(),
                        options: vec!["Sì".into(), "No".into()],
                        selected: vec![true, false],
                    },
                    Item::Blank {
                        label: "Telefono".into(),
                        lines: 1,
                    },
                ],
            },
            Section {
                title: "Note".into(),
                items: vec![
                    Item::Paragraph("Paragrafo introduttivo.".into()),
                    field("Nota di diario", &note),
                    Item::Signature {
                        label: "Firma".into(),
                    },
                ],
            },
        ],
        footer: "Operatore: Rossi Anna — stampato il 29/11/2026 10:42".into(),
    };
    let bytes = render_pdf(&doc).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        bytes.len() < 200_000,
        "fonts not subsetted? {} bytes",
        bytes.len()
    );
    let text = pdf_text(&bytes);
    let n = pages(&text);
    assert!(n > 1, "a 20,000-character note needs more than one page");
    for s in [
        "Niccolò",
        "Ștefan Țăran",
        "Łukasz",
        "€ 1.234,56",
        "FINE-NOTA",
        "parola0",
        "Comune di Roccabianca",
        "Operatore: Rossi Anna",
        "☒ Sì",
        "☐ No",
        "=cmd",
    ] {
        assert!(text.contains(s), "{s:?} missing from:\n{text}");
    }
    for p in 1..=n {
        assert!(
            text.contains(&format!("Pagina {p} di {n}")),
            "page {p} of {n}"
        );
    }
    assert_eq!(
        text.matches("Comune di Roccabianca").count(),
        n,
        "the ente header is on every page"
    );
    no_controls(&text);
    // The words of the note all arrive, in order.
    let numbers: Vec<usize> = flat(&text)
        .split(' ')
        .filter_map(|w| w.strip_prefix("parola"))
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1));
    assert!(note.contains(&format!("parola{} ", numbers.last().unwrap())));
}

#[test]
fn empty_and_hostile_documents_render() {
    let bytes = render_pdf(&Document::default()).unwrap();
    let text = pdf_text(&bytes);
    assert_eq!(pages(&text), 1);
    assert!(text.contains("Pagina 1 di 1"));

    // Controls everywhere, one 5,000-character word, characters DejaVu lacks.
    let word = "x".repeat(5_000);
    let doc = Document {
        title: INJECTION.into(),
        header: vec![INJECTION.into()],
        sections: vec![Section {
            title: INJECTION.into(),
            items: vec![
                field(INJECTION, &word),
                Item::Choice {
                    label: INJECTION.into(),
                    options: vec![INJECTION.into(), word.clone()],
                    selected: vec![true],
                },
                Item::Blank {
                    label: INJECTION.into(),
                    lines: 255,
                },
                Item::Signature {
                    label: INJECTION.into(),
                },
                Item::Paragraph("中文 \u{1F600}".into()),
            ],
        }],
        footer: INJECTION.into(),
    };
    let text = pdf_text(&render_pdf(&doc).unwrap());
    no_controls(&text);
    assert!(pages(&text) > 1);
    assert!(text.contains("^[]0;pwn^G=cmd"), "{text}");
}

#[test]
fn blank_scheda_has_every_label() {
    let screens = Screens::embedded().unwrap();
    let scheda = screens.get("scheda").unwrap();
    let options = |list: &str| -> Vec<String> {
        match list {
            "sesso" => vec!["Maschio".into(), "Femmina".into()],
            // Thousands of comuni: printed as a blank line.
            "belfiore" => (0..8_000).map(|i| format!("Comune {i}")).collect(),
            "esito_scheda" => vec![
                "Chiusa".into(),
                "Proposta di presa in carico".into(),
                "Inviata ad altro servizio".into(),
            ],
            _ => Vec::new(),
        }
    };
    let doc = blank_form(scheda, &header(), &options);
    let text = pdf_text(&render_pdf(&doc).unwrap());
    let flat = flat(&text);
    for f in scheda.fields() {
        assert!(flat.contains(&f.label), "label {:?} missing", f.label);
    }
    for s in [
        "Cognome *",
        "Data di accesso (gg/mm/aaaa) *",
        "☐ Maschio",
        "☐ Femmina",
        "☐ Proposta di presa in carico",
        "☐ Sì",
        "Firma dell'operatore",
        "Scheda di accesso",
    ] {
        assert!(flat.contains(s), "{s:?} missing");
    }
    assert!(!flat.contains("Comune 7999"));
    let n = pages(&text);
    assert!(n > 1);
    assert!(text.contains(&format!("Pagina {n} di {n}")));
}

#[test]
fn privacy_form_has_notice_person_and_consents() {
    let person = PrivacyPerson {
        cognome: "Țăran".into(),
        nome: "Ștefan".into(),
        codice_fiscale: "TRNSFN80A01Z129X".into(),
        data_nascita: "01/01/1980".into(),
        luogo_nascita: "Bucarest (Romania)".into(),
    };
    let doc = privacy_form(&person, "Comune di Roccabianca", &header());
    let text = pdf_text(&render_pdf(&doc).unwrap());
    let flat = flat(&text);
    for s in [
        "Modulo di consenso al trattamento dei dati personali",
        "Regolamento UE 2016/679",
        "Titolare del trattamento",
        "Il titolare del trattamento è Comune di Roccabianca",
        "SIUSS",
        "art. 6, par. 1, lett. c",
        "art. 9, par. 2, lett. g",
        "artt. 15–22",
        "Garante per la protezione dei dati personali",
        "Ștefan",
        "Țăran",
        "TRNSFN80A01Z129X",
        "01/01/1980",
        "☐ Acconsento",
        "☐ Non acconsento",
        "Luogo e data",
        "Firma dell'interessato/a",
    ] {
        assert!(flat.contains(s), "{s:?} missing from:\n{text}");
    }
    for c in PRIVACY_CONSENTS {
        assert!(flat.contains(c), "{c:?} missing");
    }
    assert_eq!(flat.matches("☐ Acconsento").count(), PRIVACY_CONSENTS.len());
}

#[test]
fn grid_repeats_column_headers_on_every_page() {
    let rows: Vec<Vec<String>> = (0..400)
        .map(|i| {
            vec![
                format!("{i}"),
                if i % 2 == 0 {
                    "Țăran Ștefan".into()
                } else {
                    "Иванова Мария".into()
                },
                "Nota lunga ".repeat(40),
                format!("{},00", i * 10),
            ]
        })
        .collect();
    let grid = Grid {
        title: "Elenco accessi".into(),
        header: vec!["Comune di Roccabianca".into()],
        columns: vec![
            "N.".into(),
            "Nominativo".into(),
            "Note".into(),
            "Importo (€)".into(),
        ],
        right_aligned: vec![true, false, false, true],
        rows,
        footer: "400 righe".into(),
    };
    let text = pdf_text(&render_grid(&grid).unwrap());
    let n = pages(&text);
    assert!(n > 3, "{n} pages");
    assert_eq!(text.matches("Nominativo").count(), n);
    assert_eq!(text.matches("Elenco accessi").count(), n);
    assert!(text.contains("Иванова Мария"));
    assert!(text.contains("Țăran Ștefan"));
    assert!(text.contains("3990,00"));
    assert!(text.contains(&format!("Pagina {n} di {n}")));
    // Long notes are cut after two lines.
    assert!(text.contains('…'));
}
