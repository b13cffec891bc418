//! When a section or a field of a form is shown: a condition on the value of another field,
//! written in the screen file as
//! ```toml
//! [[section]]
//! id = "stranieri"
//! title = "Stranieri"
//! show_when = { field = "cittadinanza", not_in = ["Z102", "Z103"] }   # values written here
//!
//! [[section.field]]
//! id = "motivi_fuori_ambito"
//! show_when = { field = "res_comune", not_in_list = "comuni_ambito" }  # codes of a code list
//! ```
//! One test per condition: `in` / `not_in` (values) or `in_list` / `not_in_list` (the codes of a
//! code list the form has: one of the database's, or one the program makes for the session, such
//! as `comuni_ambito`). The value is the field's text: a code, `true`/`false` for a flag, the
//! codes of a multi-select (any of them counts). **An empty value satisfies no condition**, and a
//! list the form does not have holds no code: what depends on them stays hidden.
//!
//! A hidden section or field is left out of navigation, drawing and validation, and keeps what was
//! typed in it (the condition may hold again); the record does not store it. A field is shown when
//! both its section's condition and its own hold.

use std::collections::BTreeMap;

/// The test of a [`Condition`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    In(Vec<String>),
    NotIn(Vec<String>),
    /// Among the codes of this code list.
    InList(String),
    NotInList(String),
}

/// A condition on the value of field `field`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub field: String,
    pub test: Test,
}

/// Code lists by id: (code, label).
pub type Lists = BTreeMap<String, Vec<(String, String)>>;

impl Condition {
    /// Whether the condition holds when its field's text is `value`.
    pub fn holds(&self, value: &str, lists: &Lists) -> bool {
        let codes: Vec<&str> = value
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if codes.is_empty() {
            return false;
        }
        let in_list = |list: &str, c: &str| {
            lists
                .get(list)
                .is_some_and(|l| l.iter().any(|(code, _)| code == c))
        };
        match &self.test {
            Test::In(v) => codes.iter().any(|c| v.iter().any(|x| x == c)),
            Test::NotIn(v) => !codes.iter().any(|c| v.iter().any(|x| x == c)),
            Test::InList(l) => codes.iter().any(|c| in_list(l, c)),
            Test::NotInList(l) => {
                lists.get(l).is_some_and(|x| !x.is_empty()) && !codes.iter().any(|c| in_list(l, c))
            }
        }
    }

    /// The code list the condition reads, if any (the runtime provides it with the form's lists).
    pub fn code_list(&self) -> Option<&str> {
        match &self.test {
            Test::InList(l) | Test::NotInList(l) => Some(l),
            _ => None,
        }
    }
}

/// Whether every condition holds, reading field values with `value`.
pub fn all_hold<'a>(
    conditions: impl IntoIterator<Item = &'a Condition>,
    value: impl Fn(&str) -> String,
    lists: &Lists,
) -> bool {
    conditions
        .into_iter()
        .all(|c| c.holds(&value(&c.field), lists))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(test: Test) -> Condition {
        Condition {
            field: "cittadinanza".into(),
            test,
        }
    }

    fn lists() -> Lists {
        let mut l = Lists::new();
        l.insert(
            "comuni_ambito".into(),
            vec![("G478".into(), "Perugia (PG)".into())],
        );
        l.insert("vuota".into(), Vec::new());
        l
    }

    #[test]
    fn values_written_in_the_file() {
        let eu = cond(Test::NotIn(vec!["Z110".into(), "Z112".into()]));
        assert!(eu.holds("Z330", &lists()), "Marocco is not in the EU");
        assert!(!eu.holds("Z110", &lists()), "Francia is");
        assert!(!eu.holds("", &lists()), "empty (Italian) satisfies nothing");
        assert!(!eu.holds("  ", &lists()));
        let flag = cond(Test::In(vec!["true".into()]));
        assert!(flag.holds("true", &lists()));
        assert!(!flag.holds("false", &lists()));
        let any = cond(Test::In(vec!["b".into()]));
        assert!(any.holds("a,b", &lists()), "any code of a multi-select");
        assert!(!cond(Test::NotIn(vec!["b".into()])).holds("a,b", &lists()));
    }

    #[test]
    fn codes_of_a_code_list() {
        let fuori = cond(Test::NotInList("comuni_ambito".into()));
        assert!(fuori.holds("H501", &lists()), "Roma is outside the ambito");
        assert!(!fuori.holds("G478", &lists()));
        assert!(!fuori.holds("", &lists()), "no residence: no prompt");
        assert_eq!(fuori.code_list(), Some("comuni_ambito"));
        let unknown = cond(Test::NotInList("vuota".into()));
        assert!(
            !unknown.holds("H501", &lists()),
            "an empty list (an ente without comuni) holds nothing"
        );
        assert!(!cond(Test::NotInList("assente".into())).holds("H501", &lists()));
        assert!(cond(Test::InList("comuni_ambito".into())).holds("G478", &lists()));
        assert!(!cond(Test::InList("assente".into())).holds("G478", &lists()));
    }

    const FORM: &str = r#"
[form]
id = "prova"
title = "Prova"
theme = "accoglienza"

[[section]]
id = "utente"
title = "Utente"

[[section.field]]
id = "cittadinanza"
label = "Cittadinanza"
kind = "code_list"
code_list = "cittadinanza"

[[section.field]]
id = "res_comune"
label = "Comune"
kind = "code_list"
code_list = "belfiore"

[[section]]
id = "stranieri"
title = "Stranieri"
show_when = { field = "cittadinanza", not_in = ["Z110"] }

[[section.field]]
id = "scadenza"
label = "Scadenza"
kind = "date"

[[section.field]]
id = "motivo"
label = "Motivo"
kind = "text"
show_when = { field = "res_comune", not_in_list = "comuni_ambito" }

[[section.field]]
id = "familiari"
label = "Familiari"
kind = "records"
form = "familiare"
"#;

    #[test]
    fn conditions_in_a_screen_file() {
        let f = crate::forms::parse_form("prova.toml", FORM).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.conditions("cittadinanza"), Vec::<&Condition>::new());
        let c = f.conditions("motivo");
        assert_eq!(c.len(), 2, "the section's and its own");
        assert_eq!(c[0].test, Test::NotIn(vec!["Z110".into()]));
        assert_eq!(c[1].field, "res_comune");
        assert!(
            f.code_lists().contains("comuni_ambito"),
            "read by a condition"
        );
        assert_eq!(
            f.field("familiari").unwrap().form.as_deref(),
            Some("familiare")
        );
    }

    #[test]
    fn wrong_conditions_are_reported_with_their_line() {
        let bad = |from: &str, to: &str| {
            let text = FORM.replace(from, to);
            crate::forms::parse_form("prova.toml", &text)
                .expect_err(to)
                .to_string()
        };
        let e = bad(
            "field = \"cittadinanza\", not_in",
            "field = \"nazione\", not_in",
        );
        assert!(
            e.contains("prova.toml, riga 26: show_when di «stranieri» legge il campo «nazione», che il modulo non ha"),
            "{e}"
        );
        let e = bad(
            "field = \"cittadinanza\", not_in",
            "field = \"scadenza\", not_in",
        );
        assert!(e.contains("della sezione stessa"), "{e}");
        let e = bad("not_in = [\"Z110\"] }", "not_in = [\"Z110\"], in = [] }");
        assert!(
            e.contains("una sola prova tra in, not_in, in_list, not_in_list"),
            "{e}"
        );
        let e = bad(
            "field = \"res_comune\", not_in_list",
            "field = \"motivo\", not_in_list",
        );
        assert!(e.contains("non può leggere il campo stesso"), "{e}");
        let e = bad("form = \"familiare\"", "");
        assert!(e.contains("di tipo records richiede form"), "{e}");
        let e = bad("kind = \"date\"", "kind = \"date\"\nform = \"x\"");
        assert!(e.contains("form ammesso solo per i campi records"), "{e}");
    }

    #[test]
    fn all_of_them_must_hold() {
        let a = cond(Test::In(vec!["x".into()]));
        let b = Condition {
            field: "altro".into(),
            test: Test::In(vec!["y".into()]),
        };
        let values = |f: &str| if f == "altro" { "y" } else { "x" }.to_string();
        assert!(all_hold([&a, &b], values, &lists()));
        assert!(!all_hold([&a, &b], |_| "x".to_string(), &lists()));
        assert!(
            all_hold([], |_| String::new(), &lists()),
            "no condition: shown"
        );
    }
}
