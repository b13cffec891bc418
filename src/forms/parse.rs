//! The screen file format: deserialisation with spans (`deny_unknown_fields`), validation of one
//! form with Italian messages naming file and line, and the rules an override must respect.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::condition::{Condition, Test};
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
    show_when: Option<Spanned<RawCondition>>,
    /// The fields are those of this other form (see [`super::Screens::load_with`]).
    form: Option<Spanned<String>>,
    #[serde(default)]
    field: Vec<Spanned<RawField>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    field: String,
    #[serde(rename = "in")]
    is_in: Option<Vec<String>>,
    not_in: Option<Vec<String>>,
    in_list: Option<String>,
    not_in_list: Option<String>,
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
    show_when: Option<Spanned<RawCondition>>,
    form: Option<Spanned<String>>,
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
        match (&s.form, s.field.is_empty()) {
            (None, true) => cx.problem(
                s.id.span(),
                format!("la sezione «{}» non ha campi", s.id.get_ref()),
            ),
            (Some(form), false) => cx.problem(
                form.span(),
                format!(
                    "la sezione «{}» prende i campi del modulo «{}»: non può averne di propri",
                    s.id.get_ref(),
                    form.get_ref()
                ),
            ),
            (Some(form), true) => cx.check_id("del modulo incluso", form),
            (None, false) => {}
        }
        let mut fields = Vec::new();
        for rf in &s.field {
            if let Some(f) = parse_field(&mut cx, rf.get_ref(), &mut field_ids) {
                fields.push(f);
            }
        }
        let show_when = s.show_when.as_ref().and_then(|c| condition(&mut cx, c));
        sections.push(SectionDef {
            id: s.id.get_ref().clone(),
            title: s.title.clone(),
            show_when,
            form: s.form.as_ref().map(|f| f.get_ref().clone()),
            fields,
        });
    }
    check_conditions(&mut cx, &raw.section, &sections);

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
    match (kind, &f.form) {
        (Some(FieldKind::Records), None) => cx.problem(
            f.kind.span(),
            format!(
                "il campo «{}» di tipo records richiede form (il modulo di una riga)",
                f.id.get_ref()
            ),
        ),
        (Some(k), Some(form)) if k != FieldKind::Records => cx.problem(
            form.span(),
            format!(
                "form ammesso solo per i campi records (il campo «{}» è {})",
                f.id.get_ref(),
                k.name()
            ),
        ),
        _ => {}
    }
    let show_when = f.show_when.as_ref().and_then(|c| condition(cx, c));
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
        show_when,
        form: f.form.as_ref().map(|x| x.get_ref().clone()),
        line,
    })
}

/// A `show_when` as written: exactly one test.
fn condition(cx: &mut Ctx<'_>, raw: &Spanned<RawCondition>) -> Option<Condition> {
    let c = raw.get_ref();
    let mut tests = Vec::new();
    if let Some(v) = &c.is_in {
        tests.push(Test::In(v.clone()));
    }
    if let Some(v) = &c.not_in {
        tests.push(Test::NotIn(v.clone()));
    }
    if let Some(l) = &c.in_list {
        tests.push(Test::InList(l.clone()));
    }
    if let Some(l) = &c.not_in_list {
        tests.push(Test::NotInList(l.clone()));
    }
    if tests.len() != 1 {
        cx.problem(
            raw.span(),
            "show_when vuole field e una sola prova tra in, not_in, in_list, not_in_list",
        );
        return None;
    }
    Some(Condition {
        field: c.field.clone(),
        test: tests.remove(0),
    })
}

/// Every condition reads a field of the form outside what it hides.
fn check_conditions(cx: &mut Ctx<'_>, raw: &[Spanned<RawSection>], sections: &[SectionDef]) {
    let section_of = |id: &str| {
        sections
            .iter()
            .position(|s| s.fields.iter().any(|f| f.id == id))
    };
    for (i, (rs, s)) in raw.iter().zip(sections).enumerate() {
        let mut check = |span: Range<usize>, c: &Condition, hidden: &str, inside: bool| {
            match section_of(&c.field) {
                None => cx.problem(
                    span,
                    format!(
                        "show_when di «{hidden}» legge il campo «{}», che il modulo non ha",
                        c.field
                    ),
                ),
                Some(j) if inside && j == i => cx.problem(
                    span,
                    format!(
                        "show_when della sezione «{hidden}» legge il campo «{}» della sezione stessa",
                        c.field
                    ),
                ),
                Some(_) if c.field == hidden => cx.problem(
                    span,
                    format!("show_when del campo «{hidden}» non può leggere il campo stesso"),
                ),
                Some(_) => {}
            }
        };
        if let (Some(rc), Some(c)) = (&rs.get_ref().show_when, &s.show_when) {
            check(rc.span(), c, &s.id, true);
        }
        for rf in &rs.get_ref().field {
            let f = rf.get_ref();
            let parsed = s.fields.iter().find(|x| x.id == *f.id.get_ref());
            if let (Some(rc), Some(c)) = (&f.show_when, parsed.and_then(|x| x.show_when.as_ref())) {
                check(rc.span(), c, f.id.get_ref(), false);
            }
        }
    }
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
