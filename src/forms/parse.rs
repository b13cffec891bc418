//! The screen file format: deserialisation with spans (`deny_unknown_fields`), validation of one
//! form with Italian messages naming file and line, and the rules an override must respect.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::diag::{FileProblem, line_of};
use super::{FieldDef, FieldKind, FormDef, ScreenError, ScreenErrors, SectionDef, Theme};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    form: Spanned<RawHeader>,
    #[serde(default)]
    section: Vec<Spanned<RawSection>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    title: String,
    theme: Spanned<String>,
    /// The form's version (assessment grids: stored with each record filled with it).
    #[serde(default)]
    version: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    field: Vec<Spanned<RawField>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    id: Spanned<String>,
    label: String,
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    max_len: Option<Spanned<u32>>,
    help: Option<String>,
    code_list: Option<Spanned<String>>,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    core: bool,
    width: Option<Spanned<u16>>,
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    problems: Vec<ScreenError>,
}

impl Ctx<'_> {
    fn problem(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.problems
            .push(FileProblem::new(self.file, self.text, Some(span), message));
    }

    fn check_id(&mut self, what: &str, id: &Spanned<String>) {
        let s = id.get_ref();
        let ok = s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            self.problem(
                id.span(),
                format!("id {what} non valido «{s}»: usare lettere minuscole, cifre e _ (es. data_nascita)"),
            );
        }
    }
}

fn valid_names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter().map(|t| name(*t)).collect::<Vec<_>>().join(", ")
}

/// Parses and validates one form file. `file` names it in messages.
pub fn parse_form(file: &str, text: &str) -> Result<FormDef, ScreenErrors> {
    let raw: RawForm = toml::from_str(text)
        .map_err(|e| ScreenErrors(vec![FileProblem::from_toml(file, text, &e)]))?;
    let mut cx = Ctx {
        file,
        text,
        problems: Vec::new(),
    };

    let header = raw.form.get_ref();
    cx.check_id("del modulo", &header.id);
    let theme = Theme::ALL
        .iter()
        .copied()
        .find(|t| t.name() == header.theme.get_ref());
    if theme.is_none() {
        cx.problem(
            header.theme.span(),
            format!(
                "tema sconosciuto «{}» (validi: {})",
                header.theme.get_ref(),
                valid_names(Theme::ALL, Theme::name)
            ),
        );
    }
    if raw.section.is_empty() {
        cx.problem(
            raw.form.span(),
            "il modulo non ha sezioni: aggiungere almeno un [[section]]",
        );
    }

    let mut section_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut field_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut sections = Vec::new();
    for rs in &raw.section {
        let s = rs.get_ref();
        cx.check_id("della sezione", &s.id);
        let line = line_of(text, s.id.span().start);
        if let Some(first) = section_ids.insert(s.id.get_ref().clone(), line) {
            cx.problem(
                s.id.span(),
                format!(
                    "sezione «{}» ripetuta (già definita alla riga {first})",
                    s.id.get_ref()
                ),
            );
        }
        if s.field.is_empty() {
            cx.problem(
                s.id.span(),
                format!("la sezione «{}» non ha campi", s.id.get_ref()),
            );
        }
        let mut fields = Vec::new();
        for rf in &s.field {
            if let Some(f) = parse_field(&mut cx, rf.get_ref(), &mut field_ids) {
                fields.push(f);
            }
        }
        sections.push(SectionDef {
            id: s.id.get_ref().clone(),
            title: s.title.clone(),
            fields,
        });
    }

    match theme {
        Some(theme) if cx.problems.is_empty() => Ok(FormDef {
            id: header.id.get_ref().clone(),
            title: header.title.clone(),
            theme,
            version: header.version.unwrap_or(1).max(1),
            sections,
            source: file.to_string(),
        }),
        _ => Err(ScreenErrors(cx.problems)),
    }
}

fn parse_field(
    cx: &mut Ctx<'_>,
    f: &RawField,
    ids: &mut BTreeMap<String, usize>,
) -> Option<FieldDef> {
    let before = cx.problems.len();
    cx.check_id("del campo", &f.id);
    let line = line_of(cx.text, f.id.span().start);
    if let Some(first) = ids.insert(f.id.get_ref().clone(), line) {
        cx.problem(
            f.id.span(),
            format!(
                "campo «{}» ripetuto (già definito alla riga {first})",
                f.id.get_ref()
            ),
        );
    }
    let kind = FieldKind::ALL
        .iter()
        .copied()
        .find(|k| k.name() == f.kind.get_ref());
    match kind {
        None => cx.problem(
            f.kind.span(),
            format!(
                "tipo di campo sconosciuto «{}» (validi: {})",
                f.kind.get_ref(),
                valid_names(FieldKind::ALL, FieldKind::name)
            ),
        ),
        Some(k) if k.uses_code_list() && f.code_list.is_none() => cx.problem(
            f.kind.span(),
            format!(
                "il campo «{}» di tipo {} richiede code_list (l'elenco dei codici)",
                f.id.get_ref(),
                k.name()
            ),
        ),
        Some(k) if !k.uses_code_list() && f.code_list.is_some() => {
            let span = f
                .code_list
                .as_ref()
                .map(Spanned::span)
                .unwrap_or_else(|| f.kind.span());
            cx.problem(
                span,
                format!(
                    "code_list ammesso solo per i campi code_list e multi_code_list (il campo «{}» è {})",
                    f.id.get_ref(),
                    k.name()
                ),
            );
        }
        Some(_) => {}
    }
    if let Some(cl) = &f.code_list
        && cl.get_ref().trim().is_empty()
    {
        cx.problem(cl.span(), "code_list vuoto");
    }
    if let Some(m) = &f.max_len
        && *m.get_ref() == 0
    {
        cx.problem(
            m.span(),
            format!(
                "max_len del campo «{}» deve essere maggiore di 0",
                f.id.get_ref()
            ),
        );
    }
    if let Some(w) = &f.width
        && !(1..=76).contains(w.get_ref())
    {
        cx.problem(w.span(), "width deve essere tra 1 e 76 colonne");
    }
    if f.label.trim().is_empty() {
        cx.problem(
            f.id.span(),
            format!("il campo «{}» non ha label", f.id.get_ref()),
        );
    }
    let kind = kind?;
    (cx.problems.len() == before).then(|| FieldDef {
        id: f.id.get_ref().clone(),
        label: f.label.clone(),
        kind,
        required: f.required,
        max_len: f.max_len.as_ref().map(|m| *m.get_ref()),
        help: f.help.clone().filter(|h| !h.trim().is_empty()),
        code_list: f.code_list.as_ref().map(|c| c.get_ref().clone()),
        sensitive: f.sensitive,
        core: f.core,
        width: f.width.as_ref().map(|w| *w.get_ref()),
        line,
    })
}

/// Checks an override against the embedded definition it replaces: same form id, every core field
/// kept with the same kind and code list, no new core fields.
pub fn check_override(default: &FormDef, over: &FormDef, file: &str) -> Vec<ScreenError> {
    let mut out = Vec::new();
    let at = |line: usize, msg: String| FileProblem {
        file: file.to_string(),
        line: Some(line),
        message: msg,
    };
    if over.id != default.id {
        out.push(FileProblem::whole_file(
            file,
            format!(
                "l'id del modulo deve essere «{}» come il file che sostituisce (trovato «{}»)",
                default.id, over.id
            ),
        ));
    }
    for core in default.fields().filter(|f| f.core) {
        match over.field(&core.id) {
            None => out.push(FileProblem::whole_file(
                file,
                format!(
                    "manca il campo «{}» ({}): i campi core si possono rinominare o spostare, non togliere",
                    core.id, core.label
                ),
            )),
            Some(f) if !f.core => out.push(at(
                f.line,
                format!("il campo «{}» è core nella definizione predefinita: non si può dichiarare core = false", f.id),
            )),
            Some(f) if f.kind != core.kind => out.push(at(
                f.line,
                format!(
                    "il campo core «{}» è di tipo {} e non si può cambiare in {}",
                    f.id,
                    core.kind.name(),
                    f.kind.name()
                ),
            )),
            Some(f) if f.code_list != core.code_list => out.push(at(
                f.line,
                format!(
                    "il campo core «{}» usa l'elenco «{}» e non si può cambiare in «{}»",
                    f.id,
                    core.code_list.as_deref().unwrap_or("-"),
                    f.code_list.as_deref().unwrap_or("-")
                ),
            )),
            Some(_) => {}
        }
    }
    for f in over.fields().filter(|f| f.core) {
        if default.field(&f.id).is_none_or(|d| !d.core) {
            out.push(at(
                f.line,
                format!(
                    "il campo «{}» non è un campo core della definizione predefinita: i campi aggiunti dall'ente hanno core = false",
                    f.id
                ),
            ));
        }
    }
    out
}
