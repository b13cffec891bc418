//! The keymap file format (yazi style): deserialisation with spans, validation of each entry
//! (key notation, action name, safety rules) with Italian messages, and the merge of one file into
//! the per-layer binding lists (`keymap` replaces, `prepend_keymap` wins, `append_keymap` loses).

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use super::{Binding, KeymapError, Layer};
use crate::forms::diag::{FileProblem, line_of};
use crate::ui::action::Action;
use crate::ui::keys::{Key, KeyInput, Mods, keys_notation, parse_key};

/// `on`: a single key or an array of keys.
#[derive(Debug)]
struct OnSpec(Vec<String>);

impl<'de> Deserialize<'de> for OnSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OnSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OnSpec, E> {
                Ok(OnSpec(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OnSpec, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(OnSpec(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    on: Spanned<OnSpec>,
    run: Spanned<String>,
    desc: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    keymap: Option<Vec<Spanned<RawEntry>>>,
    prepend_keymap: Option<Vec<Spanned<RawEntry>>>,
    append_keymap: Option<Vec<Spanned<RawEntry>>>,
}

type RawFile = BTreeMap<Spanned<String>, RawLayer>;

struct FileCtx<'a> {
    name: &'a str,
    text: &'a str,
}

impl FileCtx<'_> {
    fn problem(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> KeymapError {
        FileProblem::new(self.name, self.text, Some(span), message)
    }

    fn entry(&self, raw: &Spanned<RawEntry>) -> Result<Binding, KeymapError> {
        let e = raw.get_ref();
        let on_span = e.on.span();
        let on = &e.on.get_ref().0;
        if on.is_empty() {
            return Err(self.problem(on_span, "«on» è vuoto: indicare almeno un tasto"));
        }
        let mut keys = Vec::with_capacity(on.len());
        for s in on {
            keys.push(parse_key(s).map_err(|err| self.problem(on_span.clone(), err.to_string()))?);
        }
        let esc = KeyInput::new(Key::Esc, Mods::NONE);
        if keys.len() > 1 && keys.contains(&esc) {
            return Err(self.problem(
                on_span,
                "Esc non può far parte di una sequenza: annulla le sequenze in corso",
            ));
        }
        let action = e
            .run
            .get_ref()
            .parse::<Action>()
            .map_err(|msg| self.problem(e.run.span(), msg))?;
        if action.is_destructive() && keys.len() == 1 && keys[0].is_printable() {
            return Err(self.problem(
                raw.span(),
                format!(
                    "l'azione «{}» ({}) non può stare su un tasto semplice come «{}»: usare Ctrl, un tasto speciale o una sequenza",
                    action.name(),
                    action.label(),
                    keys_notation(&keys)
                ),
            ));
        }
        let desc = match &e.desc {
            Some(d) if !d.trim().is_empty() => d.trim().to_string(),
            _ => action.label().to_string(),
        };
        Ok(Binding {
            keys,
            action,
            desc,
            file: self.name.to_string(),
            line: line_of(self.text, raw.span().start),
        })
    }

    fn entries(
        &self,
        raw: &Option<Vec<Spanned<RawEntry>>>,
    ) -> Result<Option<Vec<Binding>>, KeymapError> {
        match raw {
            None => Ok(None),
            Some(list) => list
                .iter()
                .map(|e| self.entry(e))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
        }
    }
}

/// Applies one file to the per-layer binding lists.
pub(super) fn apply_file(
    name: &str,
    text: &str,
    layers: &mut BTreeMap<Layer, Vec<Binding>>,
) -> Result<(), KeymapError> {
    let ctx = FileCtx { name, text };
    let raw: RawFile = toml::from_str(text).map_err(|e| FileProblem::from_toml(name, text, &e))?;
    for (layer_name, raw_layer) in &raw {
        let Some(layer) = Layer::from_name(layer_name.get_ref()) else {
            let valid = Layer::ALL
                .iter()
                .map(|l| l.name())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(ctx.problem(
                layer_name.span(),
                format!(
                    "sezione sconosciuta «{}» (valide: {valid})",
                    layer_name.get_ref()
                ),
            ));
        };
        let replace = ctx.entries(&raw_layer.keymap)?;
        let prepend = ctx.entries(&raw_layer.prepend_keymap)?;
        let append = ctx.entries(&raw_layer.append_keymap)?;
        let current = layers.entry(layer).or_default();
        if let Some(replace) = replace {
            *current = replace;
        }
        if let Some(mut prepend) = prepend {
            prepend.append(current);
            *current = prepend;
        }
        if let Some(append) = append {
            current.extend(append);
        }
    }
    Ok(())
}
