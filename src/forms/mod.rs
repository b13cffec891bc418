//! Screens as data: the form definitions (`screens/*.toml`) embedded in the program, the override
//! files an ente puts in `/etc/sportello/screens/`, and their validation with Italian messages
//! naming file and line.
//!
//! Format:
//! ```toml
//! [form]
//! id = "persona"            # must match the file name
//! title = "Persona"
//! theme = "accoglienza"     # accoglienza | cartella | erogazioni
//!
//! [[section]]
//! id = "anagrafica"
//! title = "Dati anagrafici"
//!
//! [[section.field]]
//! id = "cognome"            # unique in the form; lower case, digits, _
//! label = "Cognome"
//! kind = "text"             # text | multiline | date | codice_fiscale | code_list
//!                           # | multi_code_list | money | integer | bool
//! required = true           # default false
//! max_len = 80              # characters, > 0
//! help = "..."
//! code_list = "sesso"       # required for code_list / multi_code_list, refused otherwise
//! sensitive = false         # special-category or secret data: masked in recordings
//! core = true               # bound to the typed domain model; false = extra attribute (JSON)
//! width = 20                # optional width hint, in columns
//! show_when = { field = "cittadinanza", not_in = ["Z110"] }  # shown only then (see [`condition`])
//! form = "familiare"        # for `records` only: the form of one row (a list of records)
//! ```
//! A section may carry `show_when` too (its fields are shown only when it holds), and `form =
//! "..."` instead of fields: it then holds the fields of that other form, a sub-form (e.g. the
//! richiesta's section `abitativa`, shown when the servizio is intermediazione abitativa, holds
//! the fields of `richiesta_abitativa.toml`; an override of the richiesta changes which servizi
//! open it, an override of the sub-form its fields). A `records`
//! field holds a list of rows, each filled with the form it names (e.g. the familiari of a scheda,
//! each a `familiare.toml`); it is stored as a JSON array of objects keyed by that form's field ids.
//! An override replaces the embedded file of the same name. It may relabel, re-help, re-order and
//! move core fields, and add or drop extra (`core = false`) fields, but must keep every core field
//! with its kind and code list, and cannot declare new core fields.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

pub mod condition;
pub mod diag;
pub mod fields;
mod parse;
pub mod riepilogo;

pub use parse::{check_override, parse_form};

use diag::FileProblem;

/// One problem in a screen file (`file, riga N: problema`).
pub type ScreenError = FileProblem;

/// Files of the screens folder named so are assessment grids (valutazione multidimensionale): a
/// new one is a new form, not the replacement of an embedded one.
pub const VALUTAZIONE_PREFIX: &str = "valutazione_";

/// The embedded screen files, by file name. Keep in sync with `screens/`.
pub const EMBEDDED_SCREENS: &[(&str, &str)] = &[
    (
        "categoria_caso.toml",
        include_str!("../../screens/categoria_caso.toml"),
    ),
    ("codice.toml", include_str!("../../screens/codice.toml")),
    (
        "consuntivo.toml",
        include_str!("../../screens/consuntivo.toml"),
    ),
    (
        "dati_sociali.toml",
        include_str!("../../screens/dati_sociali.toml"),
    ),
    ("diario.toml", include_str!("../../screens/diario.toml")),
    (
        "disabilita.toml",
        include_str!("../../screens/disabilita.toml"),
    ),
    (
        "documento.toml",
        include_str!("../../screens/documento.toml"),
    ),
    ("ente.toml", include_str!("../../screens/ente.toml")),
    (
        "erogazione.toml",
        include_str!("../../screens/erogazione.toml"),
    ),
    (
        "familiare.toml",
        include_str!("../../screens/familiare.toml"),
    ),
    (
        "filtro_casi.toml",
        include_str!("../../screens/filtro_casi.toml"),
    ),
    (
        "filtro_erogazioni.toml",
        include_str!("../../screens/filtro_erogazioni.toml"),
    ),
    (
        "filtro_schede.toml",
        include_str!("../../screens/filtro_schede.toml"),
    ),
    ("foglio.toml", include_str!("../../screens/foglio.toml")),
    (
        "intervento.toml",
        include_str!("../../screens/intervento.toml"),
    ),
    (
        "invalidita.toml",
        include_str!("../../screens/invalidita.toml"),
    ),
    ("isee.toml", include_str!("../../screens/isee.toml")),
    ("login.toml", include_str!("../../screens/login.toml")),
    ("note.toml", include_str!("../../screens/note.toml")),
    (
        "nuovo_caso.toml",
        include_str!("../../screens/nuovo_caso.toml"),
    ),
    (
        "operatore.toml",
        include_str!("../../screens/operatore.toml"),
    ),
    (
        "organizzazione.toml",
        include_str!("../../screens/organizzazione.toml"),
    ),
    ("pai.toml", include_str!("../../screens/pai.toml")),
    ("persona.toml", include_str!("../../screens/persona.toml")),
    ("privacy.toml", include_str!("../../screens/privacy.toml")),
    (
        "punto_contatto.toml",
        include_str!("../../screens/punto_contatto.toml"),
    ),
    (
        "rapporto_sportello.toml",
        include_str!("../../screens/rapporto_sportello.toml"),
    ),
    (
        "richiesta.toml",
        include_str!("../../screens/richiesta.toml"),
    ),
    (
        "richiesta_abitativa.toml",
        include_str!("../../screens/richiesta_abitativa.toml"),
    ),
    (
        "richiesta_istruzione.toml",
        include_str!("../../screens/richiesta_istruzione.toml"),
    ),
    (
        "richiesta_lavoro.toml",
        include_str!("../../screens/richiesta_lavoro.toml"),
    ),
    (
        "richiesta_mediazione.toml",
        include_str!("../../screens/richiesta_mediazione.toml"),
    ),
    ("scheda.toml", include_str!("../../screens/scheda.toml")),
    ("servizi.toml", include_str!("../../screens/servizi.toml")),
    ("settore.toml", include_str!("../../screens/settore.toml")),
    ("siuss.toml", include_str!("../../screens/siuss.toml")),
    (
        "tribunale.toml",
        include_str!("../../screens/tribunale.toml"),
    ),
    ("ufficio.toml", include_str!("../../screens/ufficio.toml")),
    (
        "valutazione_multidimensionale.toml",
        include_str!("../../screens/valutazione_multidimensionale.toml"),
    ),
    (
        "valutazione_sinba.toml",
        include_str!("../../screens/valutazione_sinba.toml"),
    ),
];

/// Colour theme of a form (the runtime maps it to a 16-colour palette).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Theme {
    Accoglienza,
    Cartella,
    Erogazioni,
}

impl Theme {
    pub const ALL: &'static [Theme] = &[Theme::Accoglienza, Theme::Cartella, Theme::Erogazioni];

    pub fn name(self) -> &'static str {
        match self {
            Theme::Accoglienza => "accoglienza",
            Theme::Cartella => "cartella",
            Theme::Erogazioni => "erogazioni",
        }
    }
}

/// What a field holds; decides its editor and its parser (see [`fields`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    Text,
    Multiline,
    Date,
    CodiceFiscale,
    CodeList,
    MultiCodeList,
    Money,
    Integer,
    Bool,
    /// A list of rows, each filled with another form (`form = "..."`).
    Records,
}

impl FieldKind {
    pub const ALL: &'static [FieldKind] = &[
        FieldKind::Text,
        FieldKind::Multiline,
        FieldKind::Date,
        FieldKind::CodiceFiscale,
        FieldKind::CodeList,
        FieldKind::MultiCodeList,
        FieldKind::Money,
        FieldKind::Integer,
        FieldKind::Bool,
        FieldKind::Records,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Multiline => "multiline",
            FieldKind::Date => "date",
            FieldKind::CodiceFiscale => "codice_fiscale",
            FieldKind::CodeList => "code_list",
            FieldKind::MultiCodeList => "multi_code_list",
            FieldKind::Money => "money",
            FieldKind::Integer => "integer",
            FieldKind::Bool => "bool",
            FieldKind::Records => "records",
        }
    }

    /// True for the kinds that pick their values from a code list.
    pub fn uses_code_list(self) -> bool {
        matches!(self, FieldKind::CodeList | FieldKind::MultiCodeList)
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    pub id: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Maximum length in characters.
    pub max_len: Option<u32>,
    pub help: Option<String>,
    /// Code-list id, for `code_list` and `multi_code_list` fields.
    pub code_list: Option<String>,
    /// Special-category or secret data: masked in recordings and redacted exports.
    pub sensitive: bool,
    /// Bound to the typed domain model; `false` = ente-defined extra attribute stored as JSON.
    pub core: bool,
    /// Width hint in columns.
    pub width: Option<u16>,
    /// Shown only when this holds (besides its section's condition).
    pub show_when: Option<condition::Condition>,
    /// For `records`: the id of the form of one row.
    pub form: Option<String>,
    /// Line of the field in its file.
    pub line: usize,
}

/// A section (tab) of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionDef {
    pub id: String,
    pub title: String,
    /// Shown only when this holds.
    pub show_when: Option<condition::Condition>,
    /// `form = "..."`: the section holds the fields of that form (a sub-form), filled in when the
    /// screens are loaded.
    pub form: Option<String>,
    pub fields: Vec<FieldDef>,
}

/// A whole form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormDef {
    pub id: String,
    pub title: String,
    pub theme: Theme,
    /// `version` in the file (1 when absent): assessment grids store it with each record.
    pub version: u32,
    pub sections: Vec<SectionDef>,
    /// The file it came from (`screens/persona.toml` or the override path).
    pub source: String,
}

impl FormDef {
    /// All fields, section by section.
    pub fn fields(&self) -> impl Iterator<Item = &FieldDef> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    pub fn field(&self, id: &str) -> Option<&FieldDef> {
        self.fields().find(|f| f.id == id)
    }

    /// The section index and field of a field id.
    pub fn locate(&self, id: &str) -> Option<(usize, &FieldDef)> {
        self.sections
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.fields.iter().find(|f| f.id == id).map(|f| (i, f)))
    }

    /// The code-list ids the form needs (the runtime checks they exist at start-up), those its
    /// conditions read included.
    pub fn code_lists(&self) -> BTreeSet<&str> {
        let conditions = self
            .sections
            .iter()
            .filter_map(|s| s.show_when.as_ref())
            .chain(self.fields().filter_map(|f| f.show_when.as_ref()))
            .filter_map(|c| c.code_list());
        self.fields()
            .filter_map(|f| f.code_list.as_deref())
            .chain(conditions)
            .collect()
    }

    /// The conditions field `id` is shown under: its section's, then its own.
    pub fn conditions(&self, id: &str) -> Vec<&condition::Condition> {
        self.sections
            .iter()
            .find_map(|s| {
                let f = s.fields.iter().find(|f| f.id == id)?;
                Some(
                    s.show_when
                        .iter()
                        .chain(f.show_when.iter())
                        .collect::<Vec<_>>(),
                )
            })
            .unwrap_or_default()
    }
}

/// Several problems, one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenErrors(pub Vec<ScreenError>);

impl fmt::Display for ScreenErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScreenErrors {}

/// The loaded forms, by id.
#[derive(Debug, Clone)]
pub struct Screens {
    forms: BTreeMap<String, FormDef>,
}

impl Screens {
    /// The default override directory: `/etc/sportello/screens` (or `$SPORTELLO_ETC/screens`).
    pub fn default_override_dir() -> PathBuf {
        crate::config::system_dir().join("screens")
    }

    /// The embedded forms only.
    pub fn embedded() -> Result<Screens, ScreenErrors> {
        Screens::load_with(&[])
    }

    /// Embedded forms, replaced by the `*.toml` files of `dir` with the same name. A missing
    /// directory is fine; a `.toml` file that replaces nothing is an error.
    pub fn load(dir: &Path) -> Result<Screens, ScreenErrors> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Screens::embedded(),
            Err(e) => {
                return Err(ScreenErrors(vec![FileProblem::whole_file(
                    &dir.display().to_string(),
                    format!("impossibile leggere la cartella: {e}"),
                )]));
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut overrides = Vec::new();
        let mut problems = Vec::new();
        for path in files {
            match std::fs::read_to_string(&path) {
                Ok(text) => overrides.push((path, text)),
                Err(e) => problems.push(FileProblem::whole_file(
                    &path.display().to_string(),
                    format!("impossibile leggere il file: {e}"),
                )),
            }
        }
        if !problems.is_empty() {
            return Err(ScreenErrors(problems));
        }
        Screens::load_with(&overrides)
    }

    /// Embedded forms replaced by the given files (path, text); the file name picks the form.
    pub fn load_with(overrides: &[(PathBuf, String)]) -> Result<Screens, ScreenErrors> {
        let mut problems = Vec::new();
        let mut forms = BTreeMap::new();
        for (name, text) in EMBEDDED_SCREENS {
            let label = format!("screens/{name}");
            let default = match parse_form(&label, text) {
                Ok(f) => f,
                Err(ScreenErrors(mut p)) => {
                    problems.append(&mut p);
                    continue;
                }
            };
            let over = overrides
                .iter()
                .find(|(p, _)| p.file_name().is_some_and(|n| n == *name));
            let form = match over {
                None => default,
                Some((path, text)) => {
                    let file = path.display().to_string();
                    match parse_form(&file, text) {
                        Ok(over) => {
                            let mut p = check_override(&default, &over, &file);
                            if p.is_empty() {
                                over
                            } else {
                                problems.append(&mut p);
                                continue;
                            }
                        }
                        Err(ScreenErrors(mut p)) => {
                            problems.append(&mut p);
                            continue;
                        }
                    }
                }
            };
            forms.insert(form.id.clone(), form);
        }
        for (path, text) in overrides {
            let known = EMBEDDED_SCREENS
                .iter()
                .any(|(n, _)| path.file_name().is_some_and(|f| f == *n));
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if !known && stem.starts_with(VALUTAZIONE_PREFIX) {
                // A new assessment grid (a Regione's own): a form of its own, named as its file.
                let file = path.display().to_string();
                match parse_form(&file, text) {
                    Ok(f) if f.id == stem => {
                        forms.insert(f.id.clone(), f);
                    }
                    Ok(f) => problems.push(FileProblem::whole_file(
                        &file,
                        format!(
                            "il modulo si chiama «{}»: deve chiamarsi come il file, «{stem}»",
                            f.id
                        ),
                    )),
                    Err(ScreenErrors(mut p)) => problems.append(&mut p),
                }
                continue;
            }
            if !known {
                let valid = EMBEDDED_SCREENS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ");
                problems.push(FileProblem::whole_file(
                    &path.display().to_string(),
                    format!(
                        "il file non sostituisce nessun modulo (si possono sostituire: {valid})"
                    ),
                ));
            }
        }
        problems.extend(include_sub_forms(&mut forms));
        if problems.is_empty() {
            Ok(Screens { forms })
        } else {
            Err(ScreenErrors(problems))
        }
    }

    pub fn get(&self, id: &str) -> Option<&FormDef> {
        self.forms.get(id)
    }

    /// All forms, by id.
    pub fn forms(&self) -> impl Iterator<Item = &FormDef> {
        self.forms.values()
    }
}

/// Fills the sections that name a sub-form (`form = "..."`) with its fields; the problems name the
/// including file.
fn include_sub_forms(forms: &mut BTreeMap<String, FormDef>) -> Vec<ScreenError> {
    let mut problems = Vec::new();
    let snapshot = forms.clone();
    for form in forms.values_mut() {
        let mut ids: BTreeSet<String> = form.fields().map(|f| f.id.clone()).collect();
        for section in &mut form.sections {
            let Some(sub) = section.form.as_deref() else {
                continue;
            };
            let problem = |msg: String| FileProblem::whole_file(&form.source, msg);
            let Some(def) = snapshot.get(sub) else {
                problems.push(problem(format!(
                    "la sezione «{}» include il modulo «{sub}», che non esiste",
                    section.id
                )));
                continue;
            };
            if def.sections.iter().any(|s| s.form.is_some()) {
                problems.push(problem(format!(
                    "il modulo «{sub}» incluso dalla sezione «{}» include a sua volta un modulo",
                    section.id
                )));
                continue;
            }
            for f in def.fields() {
                if !ids.insert(f.id.clone()) {
                    problems.push(problem(format!(
                        "il campo «{}» del modulo «{sub}» ha lo stesso id di un campo del modulo «{}»",
                        f.id, form.id
                    )));
                }
            }
            section.fields = def.fields().cloned().collect();
        }
    }
    problems
}

#[cfg(test)]
mod tests;
