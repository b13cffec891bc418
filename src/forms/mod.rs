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
//! A section may carry `show_when` too (its fields are shown only when it holds). A `records`
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
    ("pai.toml", include_str!("../../screens/pai.toml")),
    ("persona.toml", include_str!("../../screens/persona.toml")),
    ("privacy.toml", include_str!("../../screens/privacy.toml")),
    ("scheda.toml", include_str!("../../screens/scheda.toml")),
    ("servizi.toml", include_str!("../../screens/servizi.toml")),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/screens")
            .join(rel)
    }

    fn parse_fixture(rel: &str) -> Result<FormDef, ScreenErrors> {
        let path = fixture(rel);
        let text = std::fs::read_to_string(&path).expect("fixture");
        parse_form(rel, &text)
    }

    fn one_error(r: Result<FormDef, ScreenErrors>) -> ScreenError {
        let errs = r.expect_err("should fail").0;
        assert_eq!(errs.len(), 1, "{errs:?}");
        errs.into_iter().next().unwrap()
    }

    #[test]
    fn embedded_screens_load() {
        let s = Screens::embedded().unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<_> = s.forms().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "categoria_caso",
                "codice",
                "dati_sociali",
                "diario",
                "disabilita",
                "documento",
                "ente",
                "erogazione",
                "familiare",
                "filtro_casi",
                "filtro_erogazioni",
                "filtro_schede",
                "foglio",
                "intervento",
                "invalidita",
                "isee",
                "login",
                "note",
                "nuovo_caso",
                "operatore",
                "pai",
                "persona",
                "privacy",
                "scheda",
                "servizi",
                "siuss",
                "tribunale",
                "ufficio",
                "valutazione_multidimensionale",
                "valutazione_sinba",
            ]
        );
        let login = s.get("login").unwrap();
        assert!(login.field("password").unwrap().sensitive);
        assert!(login.field("username").unwrap().required);
    }

    #[test]
    fn persona_has_the_person_fields() {
        let s = Screens::embedded().unwrap();
        let p = s.get("persona").unwrap();
        for id in [
            "codice_fiscale",
            "cognome",
            "nome",
            "sesso",
            "data_nascita",
            "luogo_nascita",
            "cittadinanza",
            "stato_civile",
            "res_indirizzo",
            "res_civico",
            "res_cap",
            "res_comune",
            "senza_fissa_dimora",
            "dom_indirizzo",
            "telefono",
            "cellulare",
            "email",
            "data_decesso",
            "note",
        ] {
            assert!(p.field(id).is_some(), "persona.{id}");
        }
        assert_eq!(
            p.field("sesso").unwrap().code_list.as_deref(),
            Some("sesso")
        );
        assert_eq!(
            p.field("luogo_nascita").unwrap().code_list.as_deref(),
            Some("belfiore")
        );
        assert_eq!(p.field("senza_fissa_dimora").unwrap().kind, FieldKind::Bool);
        assert_eq!(
            p.field("codice_fiscale").unwrap().kind,
            FieldKind::CodiceFiscale
        );
        assert!(!p.field("note").unwrap().core, "note is an extra attribute");
        assert!(p.field("cognome").unwrap().core);
    }

    #[test]
    fn scheda_has_its_sections() {
        let s = Screens::embedded().unwrap();
        let f = s.get("scheda").unwrap();
        let titles: Vec<_> = f.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Accesso",
                "Interlocutore",
                "Utente",
                "Stranieri",
                "Familiari e conviventi",
                "Abitazione",
                "Riferimenti",
                "Bisogni espressi",
                "Servizi richiesti",
                "Esito",
                "Note",
                "Privacy e POR"
            ]
        );
        assert!(
            f.sections.len() <= 12,
            "goto_section_1..12 reach every section"
        );
        // Stranieri only for citizens outside the EU (an empty cittadinanza is Italian).
        let stranieri = f.sections.iter().find(|s| s.id == "stranieri").unwrap();
        let c = stranieri.show_when.as_ref().unwrap();
        let lists = condition::Lists::new();
        assert_eq!(c.field, "cittadinanza");
        assert!(c.holds("Z330", &lists), "Marocco");
        assert!(
            !c.holds("Z110", &lists) && !c.holds("Z211", &lists),
            "Francia, Cipro"
        );
        assert!(!c.holds("", &lists));
        assert_eq!(
            f.conditions("motivi_fuori_ambito")[0].code_list(),
            Some("comuni_ambito")
        );
        assert_eq!(
            f.field("familiari").unwrap().form.as_deref(),
            Some("familiare")
        );
        let lists = f.code_lists();
        for id in [
            "modalita_accesso",
            "motivo_accesso",
            "interlocutore",
            "bisogni",
            "servizi_richiesti",
            "esito_scheda",
            "categoria_sociale",
            "relazione",
            "sesso",
            "belfiore",
            "titolo_studio",
            "condizione_lavorativa",
            "settore_impiego",
            "status_permesso",
            "tipo_abitazione",
            "comuni_ambito",
        ] {
            assert!(lists.contains(id), "code list {id}");
        }
        assert_eq!(f.field("bisogni").unwrap().kind, FieldKind::MultiCodeList);
        assert_eq!(f.field("motivo_desc").unwrap().max_len, Some(50));
        assert!(f.field("esito").unwrap().required);
        assert_eq!(f.locate("esito").map(|(i, _)| i), Some(9));
    }

    #[test]
    fn valid_fixture_parses() {
        let f = parse_fixture("valid_form.toml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.id, "valid_form");
        assert_eq!(f.theme, Theme::Erogazioni);
        let importo = f.field("importo").unwrap();
        assert_eq!(importo.kind, FieldKind::Money);
        assert_eq!(importo.line, 11);
        assert!(!importo.required);
        assert!(!importo.core);
        assert_eq!(f.field("note").unwrap().width, Some(40));
    }

    #[test]
    fn unknown_kind_is_reported_with_file_and_line() {
        let e = one_error(parse_fixture("unknown_kind.toml"));
        assert_eq!(
            e.to_string(),
            "unknown_kind.toml, riga 13: tipo di campo sconosciuto «numero» (validi: text, multiline, date, \
             codice_fiscale, code_list, multi_code_list, money, integer, bool, records)"
        );
    }

    #[test]
    fn duplicate_field_id_is_reported() {
        let e = one_error(parse_fixture("duplicate_field.toml"));
        assert_eq!(
            e.to_string(),
            "duplicate_field.toml, riga 20: campo «cognome» ripetuto (già definito alla riga 11)"
        );
    }

    #[test]
    fn code_list_kind_without_code_list_is_reported() {
        let e = one_error(parse_fixture("code_list_missing.toml"));
        assert_eq!(
            e.to_string(),
            "code_list_missing.toml, riga 13: il campo «sesso» di tipo code_list richiede code_list (l'elenco dei codici)"
        );
    }

    #[test]
    fn max_len_zero_is_reported() {
        let e = one_error(parse_fixture("max_len_zero.toml"));
        assert_eq!(
            e.to_string(),
            "max_len_zero.toml, riga 13: max_len del campo «cognome» deve essere maggiore di 0"
        );
    }

    #[test]
    fn unknown_key_is_reported() {
        let e = one_error(parse_fixture("unknown_key.toml"));
        assert_eq!(e.line, Some(14), "{e}");
        assert!(
            e.message
                .starts_with("chiave sconosciuta «obbligatorio» (valide: id, label, kind,"),
            "{e}"
        );
    }

    #[test]
    fn unknown_theme_and_bad_ids_are_reported_together() {
        let errs = parse_fixture("several_problems.toml").unwrap_err();
        let text = errs.to_string();
        assert!(text.contains("several_problems.toml, riga 4: tema sconosciuto «blu» (validi: accoglienza, cartella, erogazioni)"), "{text}");
        assert!(
            text.contains("several_problems.toml, riga 11: id del campo non valido «Data Nascita»"),
            "{text}"
        );
        assert!(
            text.contains(
                "several_problems.toml, riga 18: code_list ammesso solo per i campi code_list"
            ),
            "{text}"
        );
        assert!(
            text.contains("several_problems.toml, riga 21: la sezione «vuota» non ha campi"),
            "{text}"
        );
        assert_eq!(errs.0.len(), 4, "{text}");
    }

    #[test]
    fn override_may_relabel_and_reorder() {
        let s = Screens::load(&fixture("override_ok")).unwrap_or_else(|e| panic!("{e}"));
        let p = s.get("persona").unwrap();
        assert_eq!(
            p.field("cognome").unwrap().label,
            "Cognome (come da documento)"
        );
        assert_eq!(p.sections[0].fields[0].id, "cognome", "re-ordered");
        assert!(p.field("note").is_none(), "extra fields may be dropped");
        let extra = p.field("codice_tessera_mensa").unwrap();
        assert!(!extra.core);
        assert!(p.source.ends_with("override_ok/persona.toml"));
        assert_eq!(
            s.get("scheda").unwrap().source,
            "screens/scheda.toml",
            "the others stay embedded"
        );
    }

    #[test]
    fn override_cannot_remove_a_core_field() {
        let errs = Screens::load(&fixture("override_core_removed")).unwrap_err();
        assert_eq!(errs.0.len(), 1, "{errs}");
        let e = &errs.0[0];
        assert!(
            e.file.ends_with("override_core_removed/persona.toml"),
            "{e}"
        );
        assert!(
            e.message
                .contains("manca il campo «email» (Email): i campi core si possono rinominare"),
            "{e}"
        );
    }

    #[test]
    fn override_cannot_retype_a_core_field() {
        let errs = Screens::load(&fixture("override_core_retyped")).unwrap_err();
        let text = errs.to_string();
        assert_eq!(errs.0.len(), 3, "{text}");
        assert!(text.contains("persona.toml, riga 14: il campo core «data_nascita» è di tipo date e non si può cambiare in text"), "{text}");
        assert!(text.contains("riga 20: il campo core «sesso» usa l'elenco «sesso» e non si può cambiare in «genere»"), "{text}");
        assert!(
            text.contains(
                "riga 26: il campo «tessera» non è un campo core della definizione predefinita"
            ),
            "{text}"
        );
    }

    #[test]
    fn override_dir_rejects_unknown_files_and_tolerates_a_missing_dir() {
        let errs = Screens::load(&fixture("override_unknown_file")).unwrap_err();
        assert!(errs.to_string().contains("il file non sostituisce nessun modulo (si possono sostituire: categoria_caso.toml, codice.toml, dati_sociali.toml, diario.toml, disabilita.toml, documento.toml, ente.toml, erogazione.toml, familiare.toml, filtro_casi.toml, filtro_erogazioni.toml, filtro_schede.toml, foglio.toml, intervento.toml, invalidita.toml, isee.toml, login.toml, note.toml, nuovo_caso.toml, operatore.toml, pai.toml, persona.toml, privacy.toml, scheda.toml, servizi.toml, siuss.toml, tribunale.toml, ufficio.toml, valutazione_multidimensionale.toml, valutazione_sinba.toml)"), "{errs}");
        let s = Screens::load(&fixture("no_such_dir")).unwrap();
        assert_eq!(s.forms().count(), EMBEDDED_SCREENS.len());
    }

    #[test]
    fn override_with_a_wrong_form_id_is_reported() {
        let default = Screens::embedded().unwrap().get("login").unwrap().clone();
        let mut over = default.clone();
        over.id = "accesso".into();
        let p = check_override(&default, &over, "login.toml");
        assert_eq!(p.len(), 1);
        assert!(
            p[0].to_string()
                .contains("l'id del modulo deve essere «login»"),
            "{}",
            p[0]
        );
    }
}
