//! Ready-made documents: the paper fallback of any declared form ([`blank_form`]) and the privacy
//! notice and consent form ([`privacy_form`]).

use super::{Document, Item, Section};
use crate::forms::{FieldDef, FieldKind, FormDef};

/// A code list with more options than this prints as a blank line (e.g. the comuni).
pub const MAX_CHOICES: usize = 40;

/// Ruled lines for a multiline field.
const MULTILINE_LINES: u8 = 6;

/// A paper copy of `def` to fill in by hand: text-like fields become ruled lines, yes/no and code
/// lists become check boxes (`options` gives the labels of a code list by its id), required
/// fields are marked with `*`.
pub fn blank_form(
    def: &FormDef,
    header: &[String],
    options: &dyn Fn(&str) -> Vec<String>,
) -> Document {
    let mut sections = vec![Section {
        title: String::new(),
        items: vec![Item::Paragraph(
            "Modulo da compilare a mano. I campi contrassegnati con * sono obbligatori.".into(),
        )],
    }];
    for s in &def.sections {
        sections.push(Section {
            title: s.title.clone(),
            items: s.fields.iter().map(|f| blank_item(f, options)).collect(),
        });
    }
    sections.push(Section {
        title: String::new(),
        items: vec![
            Item::Signature {
                label: "Data".into(),
            },
            Item::Signature {
                label: "Firma dell'operatore".into(),
            },
        ],
    });
    Document {
        title: def.title.clone(),
        header: header.to_vec(),
        sections,
        footer: format!("{} — modulo cartaceo — * campo obbligatorio", def.title),
    }
}

fn blank_item(f: &FieldDef, options: &dyn Fn(&str) -> Vec<String>) -> Item {
    let star = if f.required { " *" } else { "" };
    let blank = |hint: &str, lines: u8| Item::Blank {
        label: format!("{}{hint}{star}", f.label),
        lines,
    };
    match f.kind {
        FieldKind::Text | FieldKind::CodiceFiscale | FieldKind::Integer => blank("", 1),
        FieldKind::Date => blank(" (gg/mm/aaaa)", 1),
        FieldKind::Money => blank(" (euro)", 1),
        FieldKind::Multiline | FieldKind::Records => blank("", MULTILINE_LINES),
        FieldKind::Bool => choice(format!("{}{star}", f.label), vec!["Sì".into(), "No".into()]),
        FieldKind::CodeList | FieldKind::MultiCodeList => {
            let opts = f.code_list.as_deref().map(options).unwrap_or_default();
            let hint = if f.kind == FieldKind::MultiCodeList {
                " (anche più di una)"
            } else {
                ""
            };
            if opts.is_empty() || opts.len() > MAX_CHOICES {
                blank(hint, 1)
            } else {
                choice(format!("{}{hint}{star}", f.label), opts)
            }
        }
    }
}

fn choice(label: String, options: Vec<String>) -> Item {
    let selected = vec![false; options.len()];
    Item::Choice {
        label,
        options,
        selected,
    }
}

/// The person a privacy form is for; values as they are to be printed (dates `gg/mm/aaaa`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivacyPerson {
    pub cognome: String,
    pub nome: String,
    pub codice_fiscale: String,
    pub data_nascita: String,
    pub luogo_nascita: String,
}

/// The optional consents asked at the end of the privacy form.
pub const PRIVACY_CONSENTS: &[&str] = &[
    "Contattarmi per telefono, SMS o posta elettronica per appuntamenti e comunicazioni sul servizio",
    "Comunicare i miei dati ai Centri per l'impiego per percorsi di orientamento e inserimento lavorativo",
    "Informare i familiari o le persone di riferimento da me indicate sull'andamento degli interventi",
];

/// «Modulo di consenso al trattamento dei dati personali»: the notice under art. 13 of the
/// Regolamento UE 2016/679 for a municipal social service of `ente`, the person's data, the
/// optional consents and the signature lines.
pub fn privacy_form(person: &PrivacyPerson, ente: &str, header: &[String]) -> Document {
    let para = |s: String| Item::Paragraph(s);
    let part = |title: &str, items: Vec<Item>| Section {
        title: title.into(),
        items,
    };
    let informativa = vec![
        part(
            "Informativa sul trattamento dei dati personali (art. 13 Regolamento UE 2016/679)",
            vec![para(format!(
                "Questa informativa spiega come {ente} tratta i dati personali di chi si rivolge \
                 al servizio sociale. Le regole sono quelle del Regolamento UE 2016/679 \
                 (Regolamento generale sulla protezione dei dati, «GDPR») e del D.Lgs. 196/2003 \
                 (Codice in materia di protezione dei dati personali)."
            ))],
        ),
        part(
            "1. Titolare del trattamento",
            vec![para(format!(
                "Il titolare del trattamento è {ente}, che agisce tramite i propri servizi \
                 sociali. L'ente ha designato un Responsabile della protezione dei dati (RPD), a \
                 cui può rivolgersi per ogni domanda sul trattamento dei Suoi dati: i recapiti \
                 sono pubblicati sul sito istituzionale dell'ente e sono disponibili allo \
                 sportello."
            ))],
        ),
        part(
            "2. Perché trattiamo i Suoi dati (finalità)",
            vec![para(
                "I Suoi dati sono trattati per:\n\
                 a) accoglierLa e registrare il Suo accesso al servizio sociale (segretariato \
                 sociale);\n\
                 b) valutare la Sua situazione e, quando serve, prenderLa in carico;\n\
                 c) progettare ed erogare interventi, prestazioni e servizi sociali e \
                 socio-sanitari, anche economici;\n\
                 d) assolvere ai debiti informativi verso la Regione, l'INPS e gli altri enti \
                 previsti dalla legge, in particolare il Sistema informativo unitario dei servizi \
                 sociali (SIUSS, D.Lgs. 147/2017);\n\
                 e) svolgere controlli, rendicontazione e statistiche, in forma anonima quando \
                 possibile."
                    .into(),
            )],
        ),
        part(
            "3. Su quale base (base giuridica)",
            vec![para(
                "Il trattamento è necessario per adempiere a obblighi di legge (art. 6, par. 1, \
                 lett. c del Regolamento) e per svolgere compiti di interesse pubblico o connessi \
                 all'esercizio di pubblici poteri affidati all'ente (art. 6, par. 1, lett. e). I \
                 dati delle categorie particolari sono trattati per motivi di interesse pubblico \
                 rilevante (art. 9, par. 2, lett. g del Regolamento e art. 2-sexies del D.Lgs. \
                 196/2003) e per finalità di assistenza sanitaria e sociale (art. 9, par. 2, lett. \
                 h). Per queste finalità il Suo consenso non è necessario: il consenso richiesto \
                 in fondo al modulo riguarda soltanto le comunicazioni facoltative indicate."
                    .into(),
            )],
        ),
        part(
            "4. Dati particolari e dati dei minori",
            vec![para(
                "Per svolgere i servizi può essere necessario trattare dati che il Regolamento \
                 protegge in modo speciale: dati relativi alla salute e alla disabilità, \
                 all'origine etnica, a eventuali provvedimenti giudiziari, e dati riguardanti \
                 minori. Sono trattati solo quando indispensabili, da personale autorizzato e \
                 tenuto al segreto professionale e d'ufficio. I dati dei minori sono trattati \
                 nel loro superiore interesse; le dichiarazioni sono rese da chi esercita la \
                 responsabilità genitoriale o la tutela."
                    .into(),
            )],
        ),
        part(
            "5. Come e con chi (modalità e destinatari)",
            vec![para(
                "I dati sono trattati su carta e con strumenti informatici, con misure di \
                 sicurezza adeguate, solo dagli operatori autorizzati. Quando è necessario e \
                 previsto dalla legge possono essere comunicati a: altri uffici dell'ente; \
                 Azienda sanitaria, per l'integrazione socio-sanitaria; Regione e INPS (SIUSS); \
                 autorità giudiziaria; enti e organizzazioni del terzo settore che erogano gli \
                 interventi per conto dell'ente, designati responsabili del trattamento. I dati \
                 non sono diffusi e non sono trasferiti fuori dall'Unione europea."
                    .into(),
            )],
        ),
        part(
            "6. Obbligo di fornire i dati",
            vec![para(
                "Fornire i dati necessari è obbligatorio per accedere ai servizi: senza di essi \
                 non è possibile valutare la richiesta né erogare gli interventi."
                    .into(),
            )],
        ),
        part(
            "7. Per quanto tempo (conservazione)",
            vec![para(
                "I dati sono conservati per il tempo necessario alle finalità indicate e poi \
                 secondo gli obblighi di conservazione dei documenti della pubblica \
                 amministrazione (piano di conservazione dell'ente). Al termine sono cancellati \
                 o resi anonimi."
                    .into(),
            )],
        ),
        part(
            "8. I Suoi diritti",
            vec![para(
                "Lei può chiedere al titolare l'accesso ai Suoi dati, la rettifica, la \
                 cancellazione nei casi previsti, la limitazione del trattamento, e può opporsi \
                 al trattamento (artt. 15–22 del Regolamento); la portabilità riguarda i soli \
                 dati trattati con il Suo consenso. Può revocare in ogni momento i consensi \
                 facoltativi, senza effetti sui trattamenti già svolti. Per esercitare i Suoi \
                 diritti può rivolgersi allo sportello o scrivere al titolare o al Responsabile \
                 della protezione dei dati."
                    .into(),
            )],
        ),
        part(
            "9. Reclamo",
            vec![para(
                "Se ritiene che il trattamento dei Suoi dati violi il Regolamento, può proporre \
                 reclamo al Garante per la protezione dei dati personali \
                 (www.garanteprivacy.it, art. 77 del Regolamento) o ricorrere all'autorità \
                 giudiziaria (art. 79)."
                    .into(),
            )],
        ),
    ];
    let field = |label: &str, value: &str| Item::Field {
        label: label.into(),
        value: value.into(),
    };
    let mut sections = informativa;
    sections.push(part(
        "Dati dell'interessato/a",
        vec![
            field("Cognome", &person.cognome),
            field("Nome", &person.nome),
            field("Codice fiscale", &person.codice_fiscale),
            field("Data di nascita", &person.data_nascita),
            field("Luogo di nascita", &person.luogo_nascita),
            Item::Blank {
                label: "Chi firma, se diverso dall'interessato/a (cognome, nome e qualità: \
                        genitore, tutore, amministratore di sostegno)"
                    .into(),
                lines: 2,
            },
        ],
    ));
    let mut consents = vec![para(
        "La persona sottoscritta dichiara di aver ricevuto e compreso l'informativa. Per le \
         comunicazioni facoltative seguenti dichiara di:"
            .into(),
    )];
    consents.extend(PRIVACY_CONSENTS.iter().map(|c| {
        choice(
            (*c).to_string(),
            vec!["Acconsento".into(), "Non acconsento".into()],
        )
    }));
    consents.extend([
        Item::Signature {
            label: "Luogo e data".into(),
        },
        Item::Signature {
            label: "Firma dell'interessato/a o di chi lo/la rappresenta".into(),
        },
        Item::Signature {
            label: "Firma dell'operatore che riceve il modulo".into(),
        },
    ]);
    sections.push(part("Dichiarazione e consensi facoltativi", consents));
    Document {
        title: "Modulo di consenso al trattamento dei dati personali".into(),
        header: header.to_vec(),
        sections,
        footer: format!(
            "{ente} — consenso privacy di {} {}",
            person.cognome, person.nome
        ),
    }
}
