//! The keymap: loading and merging the TOML files (yazi format), the per-layer key tries (helix),
//! chord resolution with an explicit pending state, and the reverse map for hints and help.
//!
//! # Files
//! Embedded default ([`DEFAULT_KEYMAP`]) < site (`/etc/sportello/keymap.toml`) < user
//! (`~/.config/sportello/keymap.toml`). Each file has one table per [`Layer`]; in a table,
//! `keymap` replaces the layer, `prepend_keymap` adds bindings that win, `append_keymap` adds
//! bindings that lose. When two bindings of a layer use the same keys (or one is a prefix of the
//! other) the first one wins; the others are kept in [`Keymap::shadowed`].
//!
//! # Resolution
//! The caller passes its layer stack, top first: popup → text_field → screen layer → global.
//! The first layer that knows the key sequence decides.
//! **Printable keys (characters without Ctrl/Alt, Space included) in a focused text field are text,
//! not commands**: when the stack contains [`Layer::TextField`], a sequence starting with a printable
//! key is looked up in the text_field layer only, and otherwise yields [`Resolution::NotFound`] so
//! the runtime types it into the field. A modal popup should not pass the screen layers under it.
//!
//! A key that starts a sequence gives [`Resolution::Pending`]; Esc then cancels
//! ([`Resolution::Cancelled`]); a key that does not continue the sequence abandons it and is
//! resolved on its own.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod file;

use super::action::Action;
use super::keys::{Key, KeyInput, keys_label};
use crate::forms::diag::FileProblem;

/// The embedded default keymap (`keymaps/default.toml`).
pub const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");
/// How the embedded default is named in error messages.
pub const DEFAULT_KEYMAP_NAME: &str = "keymaps/default.toml";

/// A keymap problem: file, line and an Italian message (`file, riga N: ...`).
pub type KeymapError = FileProblem;

/// A layer of bindings; the runtime stacks them (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Global,
    Login,
    Home,
    Search,
    Form,
    List,
    TextField,
    Popup,
    /// The replay viewer (Assistenza, `sportello replay --step`).
    Replay,
}

impl Layer {
    pub const ALL: &'static [Layer] = &[
        Layer::Global,
        Layer::Login,
        Layer::Home,
        Layer::Search,
        Layer::Form,
        Layer::List,
        Layer::TextField,
        Layer::Popup,
        Layer::Replay,
    ];

    /// The table name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Global => "global",
            Layer::Login => "login",
            Layer::Home => "home",
            Layer::Search => "search",
            Layer::Form => "form",
            Layer::List => "list",
            Layer::TextField => "text_field",
            Layer::Popup => "popup",
            Layer::Replay => "replay",
        }
    }

    pub fn from_name(name: &str) -> Option<Layer> {
        Layer::ALL.iter().copied().find(|l| l.name() == name)
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One binding after loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<KeyInput>,
    pub action: Action,
    /// Italian description (the action's label unless the file gives `desc`).
    pub desc: String,
    /// Where it was written: file and line.
    pub file: String,
    pub line: usize,
}

/// One line of the status bar or help overlay: all keys of an action, its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// Italian key labels, alternatives separated by ` / `, e.g. `Ctrl+S / F2`.
    pub keys: String,
    pub action: Action,
    pub desc: String,
}

impl Hint {
    /// The first of its keys, e.g. `Ctrl+S`.
    pub fn first_key(&self) -> &str {
        self.keys.split(" / ").next().unwrap_or_default()
    }
}

/// The first key label that runs `action` among `hints`.
pub fn key_in(hints: &[Hint], action: Action) -> Option<&str> {
    hints
        .iter()
        .find(|h| h.action == action)
        .map(Hint::first_key)
}

/// The outcome of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The key (or the sequence it completes) runs this action.
    Matched(Action),
    /// The key starts or continues a sequence; see [`Keymap::pending`].
    Pending,
    /// No binding: the runtime gives the key to the focused widget (text, or ignored).
    NotFound,
    /// Esc cancelled a pending sequence.
    Cancelled,
}

#[derive(Debug, Clone)]
enum Trie {
    /// Index into the layer's bindings.
    Leaf(usize),
    Node(BTreeMap<KeyInput, Trie>),
}

#[derive(Debug, Clone, Default)]
struct LayerMap {
    /// Effective bindings, in priority order.
    bindings: Vec<Binding>,
    root: BTreeMap<KeyInput, Trie>,
}

impl LayerMap {
    fn get(&self, seq: &[KeyInput]) -> Option<&Trie> {
        let (first, rest) = seq.split_first()?;
        let mut node = self.root.get(first)?;
        for k in rest {
            match node {
                Trie::Node(children) => node = children.get(k)?,
                Trie::Leaf(_) => return None,
            }
        }
        Some(node)
    }

    /// Inserts unless the keys collide with an earlier binding; returns false when shadowed.
    fn insert(&mut self, binding: Binding) -> bool {
        let idx = self.bindings.len();
        let mut map = &mut self.root;
        let last = binding.keys.len() - 1;
        for (i, k) in binding.keys.iter().enumerate() {
            if i == last {
                if map.contains_key(k) {
                    return false;
                }
                map.insert(*k, Trie::Leaf(idx));
            } else {
                let entry = map.entry(*k).or_insert_with(|| Trie::Node(BTreeMap::new()));
                match entry {
                    Trie::Node(children) => map = children,
                    Trie::Leaf(_) => return false,
                }
            }
        }
        self.bindings.push(binding);
        true
    }
}

/// The merged keymap plus the pending-chord state of one session.
#[derive(Debug, Clone)]
pub struct Keymap {
    layers: BTreeMap<Layer, LayerMap>,
    shadowed: Vec<Binding>,
    sources: Vec<String>,
    pending: Vec<KeyInput>,
}

// ---------------------------------------------------------------------------------------------
// Loading

impl Keymap {
    /// Merges the default text with the override files, in order (site, then user).
    /// `overrides` holds each file's path (for messages) and text.
    pub fn load(
        default_text: &str,
        overrides: &[(PathBuf, String)],
    ) -> Result<Keymap, KeymapError> {
        let mut lists: BTreeMap<Layer, Vec<Binding>> = BTreeMap::new();
        let mut sources = vec![DEFAULT_KEYMAP_NAME.to_string()];
        file::apply_file(DEFAULT_KEYMAP_NAME, default_text, &mut lists)?;
        for (path, text) in overrides {
            let name = path.display().to_string();
            file::apply_file(&name, text, &mut lists)?;
            sources.push(name);
        }
        let mut layers = BTreeMap::new();
        let mut shadowed = Vec::new();
        for layer in Layer::ALL {
            let mut map = LayerMap::default();
            for b in lists.remove(layer).unwrap_or_default() {
                if !map.insert(b.clone()) {
                    shadowed.push(b);
                }
            }
            layers.insert(*layer, map);
        }
        Ok(Keymap {
            layers,
            shadowed,
            sources,
            pending: Vec::new(),
        })
    }

    /// The embedded default keymap alone.
    pub fn embedded() -> Result<Keymap, KeymapError> {
        Keymap::load(DEFAULT_KEYMAP, &[])
    }

    /// Reads the site file and the user file (each may be missing) and merges them over the
    /// embedded default.
    pub fn load_files(site: &Path, user: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut overrides = Vec::new();
        for path in std::iter::once(site).chain(user) {
            match std::fs::read_to_string(path) {
                Ok(text) => overrides.push((path.to_path_buf(), text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(FileProblem::whole_file(
                        &path.display().to_string(),
                        format!("impossibile leggere il file: {e}"),
                    ));
                }
            }
        }
        Keymap::load(DEFAULT_KEYMAP, &overrides)
    }

    /// The standard locations: `/etc/sportello/keymap.toml` (or `$SPORTELLO_ETC`) and
    /// `~/.config/sportello/keymap.toml`.
    pub fn default_paths() -> (PathBuf, Option<PathBuf>) {
        (
            crate::config::system_dir().join("keymap.toml"),
            crate::config::user_dir().map(|d| d.join("keymap.toml")),
        )
    }

    /// The files merged, in order (for the help overlay and recordings).
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Bindings that lost against an earlier one on the same (or a prefix) key sequence.
    pub fn shadowed(&self) -> &[Binding] {
        &self.shadowed
    }

    /// The effective bindings of a layer, in priority order.
    pub fn bindings(&self, layer: Layer) -> &[Binding] {
        self.layers
            .get(&layer)
            .map(|m| m.bindings.as_slice())
            .unwrap_or(&[])
    }

    // -----------------------------------------------------------------------------------------
    // Resolution

    fn lookup(&self, layers: &[Layer], seq: &[KeyInput]) -> Option<(Layer, &Trie)> {
        let text_only =
            layers.contains(&Layer::TextField) && seq.first().is_some_and(KeyInput::is_printable);
        for layer in layers {
            if text_only && *layer != Layer::TextField {
                continue;
            }
            if let Some(node) = self.layers.get(layer).and_then(|m| m.get(seq)) {
                return Some((*layer, node));
            }
        }
        None
    }

    fn action_at(&self, layer: Layer, idx: usize) -> Option<Action> {
        self.layers
            .get(&layer)
            .and_then(|m| m.bindings.get(idx))
            .map(|b| b.action)
    }

    /// Resolves one key against the caller's layer stack (top first). Updates the pending state.
    pub fn resolve(&mut self, layers: &[Layer], key: KeyInput) -> Resolution {
        if !self.pending.is_empty() {
            if key == KeyInput::plain(Key::Esc) {
                self.pending.clear();
                return Resolution::Cancelled;
            }
            let mut seq = std::mem::take(&mut self.pending);
            seq.push(key);
            match self.lookup(layers, &seq) {
                Some((layer, Trie::Leaf(idx))) => {
                    if let Some(a) = self.action_at(layer, *idx) {
                        return Resolution::Matched(a);
                    }
                }
                Some((_, Trie::Node(_))) => {
                    self.pending = seq;
                    return Resolution::Pending;
                }
                None => {}
            }
        }
        match self.lookup(layers, &[key]) {
            Some((layer, Trie::Leaf(idx))) => self
                .action_at(layer, *idx)
                .map(Resolution::Matched)
                .unwrap_or(Resolution::NotFound),
            Some((_, Trie::Node(_))) => {
                self.pending = vec![key];
                Resolution::Pending
            }
            None => Resolution::NotFound,
        }
    }

    /// Resolves a whole key sequence (test harness, replays); returns each key's resolution.
    pub fn resolve_all(&mut self, layers: &[Layer], keys: &[KeyInput]) -> Vec<Resolution> {
        keys.iter().map(|k| self.resolve(layers, *k)).collect()
    }

    /// The keys of the sequence in progress (empty when none).
    pub fn pending(&self) -> &[KeyInput] {
        &self.pending
    }

    /// Forgets the sequence in progress (screen change, popup, timeout decided by the runtime).
    pub fn clear_pending(&mut self) {
        self.pending.clear();
    }

    /// What can follow the pending sequence ("which-key" popup): remaining keys and action.
    pub fn continuations(&self, layers: &[Layer]) -> Vec<Hint> {
        let Some((layer, Trie::Node(children))) = self.lookup(layers, &self.pending) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut stack: Vec<(Vec<KeyInput>, &Trie)> =
            children.iter().rev().map(|(k, t)| (vec![*k], t)).collect();
        while let Some((keys, node)) = stack.pop() {
            match node {
                Trie::Leaf(idx) => {
                    if let Some(b) = self.layers.get(&layer).and_then(|m| m.bindings.get(*idx)) {
                        out.push(Hint {
                            keys: keys_label(&keys),
                            action: b.action,
                            desc: b.desc.clone(),
                        });
                    }
                }
                Trie::Node(ch) => {
                    for (k, t) in ch.iter().rev() {
                        let mut next = keys.clone();
                        next.push(*k);
                        stack.push((next, t));
                    }
                }
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // Reverse map

    /// The actions of one layer with all their keys, in the order of the file.
    pub fn hints(&self, layer: Layer) -> Vec<Hint> {
        let mut out: Vec<Hint> = Vec::new();
        for b in self.bindings(layer) {
            push_hint(&mut out, b);
        }
        out
    }

    /// The actions reachable from a layer stack (top first), with only the keys that really
    /// reach them: keys taken by a higher layer, and printable keys when a text field is focused,
    /// are left out. For the status bar and the help overlay.
    pub fn effective_hints(&self, layers: &[Layer]) -> Vec<Hint> {
        let mut out: Vec<Hint> = Vec::new();
        let text_field = layers.contains(&Layer::TextField);
        for (i, layer) in layers.iter().enumerate() {
            for b in self.bindings(*layer) {
                if text_field && *layer != Layer::TextField && b.keys[0].is_printable() {
                    continue;
                }
                let taken = layers[..i].iter().any(|upper| {
                    self.layers.get(upper).is_some_and(|m| {
                        (1..=b.keys.len())
                            .any(|n| matches!(m.get(&b.keys[..n]), Some(Trie::Leaf(_))))
                            || m.get(&b.keys).is_some()
                    })
                });
                if !taken {
                    push_hint(&mut out, b);
                }
            }
        }
        out
    }

    /// The first key label that runs `action` from this stack, e.g. `Ctrl+S`.
    pub fn key_for(&self, layers: &[Layer], action: Action) -> Option<String> {
        key_in(&self.effective_hints(layers), action).map(str::to_string)
    }
}

fn push_hint(out: &mut Vec<Hint>, b: &Binding) {
    let label = keys_label(&b.keys);
    match out.iter_mut().find(|h| h.action == b.action) {
        Some(h) => {
            h.keys.push_str(" / ");
            h.keys.push_str(&label);
        }
        None => out.push(Hint {
            keys: label,
            action: b.action,
            desc: b.desc.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::keys::{parse_key, parse_key_string};

    fn k(s: &str) -> KeyInput {
        parse_key(s).expect(s)
    }

    fn default_map() -> Keymap {
        Keymap::embedded().expect("the default keymap loads")
    }

    fn load_err(user: &str) -> KeymapError {
        Keymap::load(
            DEFAULT_KEYMAP,
            &[(PathBuf::from("utente.toml"), user.to_string())],
        )
        .unwrap_err()
    }

    const SCREENS: &[Layer] = &[
        Layer::Login,
        Layer::Home,
        Layer::Search,
        Layer::Form,
        Layer::List,
    ];

    #[test]
    fn default_loads_without_shadowed_bindings() {
        let km = default_map();
        assert!(km.shadowed().is_empty(), "shadowed: {:?}", km.shadowed());
        assert_eq!(km.sources(), &[DEFAULT_KEYMAP_NAME.to_string()]);
    }

    #[test]
    fn default_binds_every_action_without_f_keys_or_alt() {
        let km = default_map();
        let mut bound = std::collections::BTreeSet::new();
        for layer in Layer::ALL {
            for b in km.bindings(*layer) {
                bound.insert(b.action);
            }
        }
        for action in &bound {
            let ok = Layer::ALL.iter().flat_map(|l| km.bindings(*l)).any(|b| {
                b.action == *action
                    && b.keys
                        .iter()
                        .all(|key| !key.is_function_key() && !key.mods.alt)
            });
            assert!(ok, "{action} needs a binding without F-keys and Alt");
        }
        let unbound: Vec<_> = Action::ALL.iter().filter(|a| !bound.contains(a)).collect();
        assert!(
            unbound.is_empty(),
            "actions without a default key: {unbound:?}"
        );
    }

    #[test]
    fn default_has_nothing_destructive_on_a_plain_printable_key() {
        let km = default_map();
        for layer in Layer::ALL {
            for b in km.bindings(*layer) {
                if b.action.is_destructive() {
                    assert!(
                        !(b.keys.len() == 1 && b.keys[0].is_printable()),
                        "{layer}: {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn esc_goes_back_everywhere_and_cancels_popups() {
        let mut km = default_map();
        for screen in SCREENS {
            assert_eq!(
                km.resolve(&[*screen, Layer::Global], k("<Esc>")),
                Resolution::Matched(Action::Back)
            );
            assert_eq!(
                km.resolve(&[Layer::TextField, *screen, Layer::Global], k("<Esc>")),
                Resolution::Matched(Action::Back)
            );
            assert_eq!(
                km.resolve(&[Layer::Popup, *screen, Layer::Global], k("<Esc>")),
                Resolution::Matched(Action::Cancel)
            );
        }
    }

    #[test]
    fn required_default_bindings() {
        let mut km = default_map();
        let form = [Layer::Form, Layer::Global];
        let field = [Layer::TextField, Layer::Form, Layer::Global];
        for (key, action) in [
            ("<F1>", Action::Help),
            ("<C-h>", Action::Help),
            ("<C-s>", Action::Save),
            ("<F2>", Action::Save),
            ("<Tab>", Action::NextField),
            ("<Down>", Action::NextField),
            ("<S-Tab>", Action::PrevField),
            ("<Up>", Action::PrevField),
            ("<PageDown>", Action::NextSection),
            ("<C-l>", Action::LockScreen),
            ("<C-q>", Action::Quit),
        ] {
            assert_eq!(
                km.resolve(&form, k(key)),
                Resolution::Matched(action),
                "{key} in form"
            );
            assert_eq!(
                km.resolve(&field, k(key)),
                Resolution::Matched(action),
                "{key} in text field"
            );
        }
        assert_eq!(km.resolve(&form, k("?")), Resolution::Matched(Action::Help));
        assert_eq!(
            km.resolve(&field, k("?")),
            Resolution::NotFound,
            "? is text in a field"
        );
        let quit = km
            .bindings(Layer::Global)
            .iter()
            .find(|b| b.action == Action::Quit)
            .unwrap();
        assert!(quit.desc.contains("conferma"), "{}", quit.desc);
    }

    #[test]
    fn printable_keys_are_text_in_a_text_field() {
        let mut km = default_map();
        let field = [Layer::TextField, Layer::Form, Layer::Global];
        for key in ["a", "?", "/", "1", "<Space>", "Z"] {
            assert_eq!(km.resolve(&field, k(key)), Resolution::NotFound, "{key}");
        }
        assert_eq!(
            km.resolve(&[Layer::Form, Layer::Global], k("<Space>")),
            Resolution::Matched(Action::Toggle)
        );
        assert_eq!(
            km.resolve(&[Layer::Home, Layer::Global], k("3")),
            Resolution::Matched(Action::Menu3)
        );
        let search_box = [Layer::TextField, Layer::Search, Layer::Global];
        let r = km.resolve_all(&search_box, &parse_key_string("ross<Down><Enter>").unwrap());
        assert_eq!(
            r,
            vec![
                Resolution::NotFound,
                Resolution::NotFound,
                Resolution::NotFound,
                Resolution::NotFound,
                Resolution::Matched(Action::FieldDown),
                Resolution::Matched(Action::Open),
            ]
        );
    }

    #[test]
    fn chords_pending_matched_cancelled() {
        let mut km = default_map();
        let form = [Layer::Form, Layer::Global];
        assert_eq!(km.resolve(&form, k("<C-g>")), Resolution::Pending);
        assert_eq!(km.pending(), &[k("<C-g>")]);
        let next = km.continuations(&form);
        assert_eq!(next.len(), 13, "sections 1–9, then a, b, c, d");
        assert_eq!(next[0].keys, "1");
        assert_eq!(next[0].action, Action::GotoSection1);
        assert_eq!(next[9].keys, "a");
        assert_eq!(next[9].action, Action::GotoSection10);
        assert_eq!(next[12].keys, "d");
        assert_eq!(next[12].action, Action::GotoSection13);
        assert_eq!(
            km.resolve(&form, k("3")),
            Resolution::Matched(Action::GotoSection3)
        );
        assert!(km.pending().is_empty());

        assert_eq!(km.resolve(&form, k("<C-g>")), Resolution::Pending);
        assert_eq!(km.resolve(&form, k("<Esc>")), Resolution::Cancelled);
        assert!(km.pending().is_empty());
        assert_eq!(
            km.resolve(&form, k("<Esc>")),
            Resolution::Matched(Action::Back),
            "Esc again goes back"
        );

        // A key that does not continue the chord abandons it and counts on its own.
        assert_eq!(km.resolve(&form, k("<C-g>")), Resolution::Pending);
        assert_eq!(
            km.resolve(&form, k("<C-s>")),
            Resolution::Matched(Action::Save)
        );
        assert!(km.pending().is_empty());
        assert_eq!(km.resolve(&form, k("<C-g>")), Resolution::Pending);
        assert_eq!(km.resolve(&form, k("x")), Resolution::NotFound);
        assert!(km.pending().is_empty());

        // The chord prefix is not printable, so it works from inside a text field too.
        let field = [Layer::TextField, Layer::Form, Layer::Global];
        assert_eq!(
            km.resolve_all(&field, &parse_key_string("<C-g>2").unwrap()),
            vec![
                Resolution::Pending,
                Resolution::Matched(Action::GotoSection2)
            ]
        );
        km.resolve(&form, k("<C-g>"));
        km.clear_pending();
        assert!(km.pending().is_empty());
    }

    #[test]
    fn multi_key_printable_chords_from_a_user_file() {
        let user = r#"
[list]
prepend_keymap = [ { on = ["g", "g"], run = "field_up", desc = "Inizio elenco" } ]
"#;
        let mut km =
            Keymap::load(DEFAULT_KEYMAP, &[(PathBuf::from("u.toml"), user.into())]).unwrap();
        let list = [Layer::List, Layer::Global];
        assert_eq!(km.resolve(&list, k("g")), Resolution::Pending);
        assert_eq!(
            km.resolve(&list, k("g")),
            Resolution::Matched(Action::FieldUp)
        );
        let hints = km.hints(Layer::List);
        let up = hints.iter().find(|h| h.action == Action::FieldUp).unwrap();
        assert_eq!(up.keys, "g g / Su");
        assert_eq!(up.desc, "Inizio elenco");
    }

    #[test]
    fn merge_prepend_append_replace_in_order() {
        let site = r#"
[form]
prepend_keymap = [ { on = "<C-s>", run = "confirm", desc = "Registra" } ]
append_keymap = [ { on = "<C-s>", run = "print" }, { on = "<C-y>", run = "duplicate" } ]
"#;
        let user = r#"
[home]
keymap = [ { on = "<Enter>", run = "open" } ]
"#;
        let mut km = Keymap::load(
            DEFAULT_KEYMAP,
            &[
                (PathBuf::from("/etc/sportello/keymap.toml"), site.into()),
                (PathBuf::from("utente.toml"), user.into()),
            ],
        )
        .unwrap();
        let form = [Layer::Form, Layer::Global];
        assert_eq!(
            km.resolve(&form, k("<C-s>")),
            Resolution::Matched(Action::Confirm),
            "prepend wins"
        );
        assert_eq!(
            km.resolve(&form, k("<F2>")),
            Resolution::Matched(Action::Save),
            "the rest stays"
        );
        assert_eq!(
            km.resolve(&form, k("<C-y>")),
            Resolution::Matched(Action::Duplicate),
            "append adds"
        );
        assert_eq!(
            km.shadowed().len(),
            2,
            "default <C-s> save and appended <C-s> print lose"
        );
        assert_eq!(km.shadowed()[0].file, DEFAULT_KEYMAP_NAME);
        assert_eq!(km.shadowed()[1].file, "/etc/sportello/keymap.toml");
        assert_eq!(km.shadowed()[1].line, 4);
        let home = [Layer::Home, Layer::Global];
        assert_eq!(
            km.resolve(&home, k("1")),
            Resolution::NotFound,
            "keymap replaces the layer"
        );
        assert_eq!(
            km.resolve(&home, k("<Enter>")),
            Resolution::Matched(Action::Open)
        );
        assert_eq!(km.sources().len(), 3);
    }

    #[test]
    fn hints_come_from_the_merged_keymap() {
        let km = default_map();
        let form = km.hints(Layer::Form);
        let save = form.iter().find(|h| h.action == Action::Save).unwrap();
        assert_eq!(save.keys, "Ctrl+S / F2");
        assert_eq!(save.desc, "Salva");
        let goto1 = form
            .iter()
            .find(|h| h.action == Action::GotoSection1)
            .unwrap();
        assert_eq!(goto1.keys, "Ctrl+G 1 / Alt+1");
        let next = form.iter().find(|h| h.action == Action::NextField).unwrap();
        assert_eq!(next.keys, "Tab / Giù");

        let eff = km.effective_hints(&[Layer::Popup, Layer::Form, Layer::Global]);
        let cancel = eff.iter().find(|h| h.action == Action::Cancel).unwrap();
        assert_eq!(cancel.keys, "Esc");
        assert!(
            !eff.iter().any(|h| h.action == Action::Back),
            "Esc is taken by the popup"
        );
        let help = eff.iter().find(|h| h.action == Action::Help).unwrap();
        assert_eq!(help.keys, "F1 / Ctrl+H / ?");

        let eff = km.effective_hints(&[Layer::TextField, Layer::Form, Layer::Global]);
        let help = eff.iter().find(|h| h.action == Action::Help).unwrap();
        assert_eq!(help.keys, "F1 / Ctrl+H", "? is text in a field");
        assert!(
            !eff.iter().any(|h| h.action == Action::Toggle),
            "Space is text in a field"
        );
        assert_eq!(
            km.key_for(&[Layer::Form, Layer::Global], Action::Save)
                .as_deref(),
            Some("Ctrl+S")
        );
        assert_eq!(
            km.key_for(&[Layer::Login, Layer::Global], Action::Save),
            None
        );
    }

    #[test]
    fn errors_name_file_line_and_problem() {
        let e = load_err("[form]\nprepend_keymap = [\n  { on = \"<C-s>\", run = \"salva\" },\n]\n");
        assert_eq!(e.file, "utente.toml");
        assert_eq!(e.line, Some(3));
        assert!(
            e.message
                .starts_with("azione sconosciuta «salva»; azioni valide: quit, back,"),
            "{e}"
        );
        assert!(
            e.to_string()
                .starts_with("utente.toml, riga 3: azione sconosciuta"),
            "{e}"
        );

        let e = load_err("[form]\nkeymap = [ { on = \"<Ctrl-s>\", run = \"save\" } ]\n");
        assert_eq!(e.line, Some(2));
        assert!(
            e.message
                .contains("notazione del tasto non valida «<Ctrl-s>»"),
            "{e}"
        );

        let e = load_err("\n[forms]\nkeymap = []\n");
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("sezione sconosciuta «forms»"), "{e}");

        let e = load_err("[form]\nkeymap = [ { on = \"x\", run = \"save\", colour = \"red\" } ]\n");
        assert_eq!(e.line, Some(2));
        assert!(
            e.message
                .contains("chiave sconosciuta «colour» (valide: on, run, desc)"),
            "{e}"
        );

        let e = load_err("[list]\nkeymap = [\n{ on = \"d\", run = \"delete\" } ]\n");
        assert_eq!(e.line, Some(3));
        assert!(
            e.message
                .contains("l'azione «delete» (Elimina) non può stare su un tasto semplice"),
            "{e}"
        );

        let e = load_err("[list]\nkeymap = [ { on = [], run = \"open\" } ]\n");
        assert!(e.message.contains("«on» è vuoto"), "{e}");

        let e = load_err("[list]\nkeymap = [ { on = [\"<C-g>\", \"<Esc>\"], run = \"open\" } ]\n");
        assert!(
            e.message.contains("Esc non può far parte di una sequenza"),
            "{e}"
        );

        let e = load_err("[list]\nkeymap = [ { on = \"gg\", run = \"open\" } ]\n");
        assert!(e.message.contains("più di un tasto"), "{e}");

        let e = load_err("[list]\nkeymap = [ { run = \"open\" } ]\n");
        assert!(
            e.message.contains("manca la chiave obbligatoria «on»"),
            "{e}"
        );

        let e = load_err("[list]\nkeymap = [ { on = 3, run = \"open\" } ]\n");
        assert!(e.message.contains("tipo di valore errato"), "{e}");

        let e = load_err("[list\n");
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("errore di sintassi TOML"), "{e}");
    }

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/keymaps")
            .join(name)
    }

    fn fixture_err(name: &str) -> String {
        let path = fixture(name);
        let e = Keymap::load_files(Path::new("/nonexistent/keymap.toml"), Some(&path)).unwrap_err();
        assert_eq!(e.file, path.display().to_string());
        // Relative to the fixture directory, so the expectations do not depend on the checkout path.
        e.to_string()
            .replacen(&format!("{}", fixture("").display()), "", 1)
    }

    #[test]
    fn fixture_site_keymap_is_valid() {
        let mut km = Keymap::load_files(&fixture("site_valid.toml"), None).unwrap();
        let form = [Layer::Form, Layer::Global];
        assert_eq!(
            km.resolve(&form, k("<C-r>")),
            Resolution::Matched(Action::RestoreDraft)
        );
        assert_eq!(km.resolve(&form, k("<C-g>")), Resolution::Pending);
        assert_eq!(
            km.resolve(&form, k("g")),
            Resolution::Matched(Action::GotoSection1)
        );
        assert_eq!(
            km.resolve(&[Layer::List], k("<Ins>")),
            Resolution::Matched(Action::NewRecord)
        );
        assert!(km.shadowed().is_empty());
    }

    #[test]
    fn fixture_errors_name_file_and_line() {
        assert!(
            fixture_err("unknown_action.toml")
                .starts_with("unknown_action.toml, riga 5: azione sconosciuta «salva»; azioni valide: quit, back, help,"),
            "{}",
            fixture_err("unknown_action.toml")
        );
        assert_eq!(
            fixture_err("bad_key.toml"),
            "bad_key.toml, riga 5: notazione del tasto non valida «<Ctrl-p>»: tasto sconosciuto «Ctrl-p» (validi: \
             un carattere, Esc, Enter, Tab, BackTab, Backspace, Del, Ins, Up, Down, Left, Right, Home, End, PageUp, \
             PageDown, Space, lt, F1..F12)"
        );
        assert_eq!(
            fixture_err("unknown_layer.toml"),
            "unknown_layer.toml, riga 5: sezione sconosciuta «schede» (valide: global, login, home, search, form, \
             list, text_field, popup, replay)"
        );
        assert_eq!(
            fixture_err("destructive_plain_key.toml"),
            "destructive_plain_key.toml, riga 5: l'azione «delete» (Elimina) non può stare su un tasto semplice come \
             «d»: usare Ctrl, un tasto speciale o una sequenza"
        );
        assert_eq!(
            fixture_err("unknown_key.toml"),
            "unknown_key.toml, riga 4: chiave sconosciuta «when» (valide: on, run, desc)"
        );
        assert_eq!(
            fixture_err("esc_in_chord.toml"),
            "esc_in_chord.toml, riga 3: Esc non può far parte di una sequenza: annulla le sequenze in corso"
        );
    }

    #[test]
    fn load_files_tolerates_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("manca.toml");
        let km = Keymap::load_files(&site, None).unwrap();
        assert_eq!(km.sources().len(), 1);
        let user = dir.path().join("user.toml");
        std::fs::write(
            &user,
            "[global]\nappend_keymap = [ { on = \"<C-w>\", run = \"logout\" } ]\n",
        )
        .unwrap();
        let mut km = Keymap::load_files(&site, Some(&user)).unwrap();
        assert_eq!(km.sources().len(), 2);
        assert_eq!(
            km.resolve(&[Layer::Global], k("<C-w>")),
            Resolution::Matched(Action::Logout)
        );
        let bad = dir.path().join("bad.toml");
        std::fs::write(
            &bad,
            "[global]\nkeymap = [ { on = \"<F99>\", run = \"help\" } ]\n",
        )
        .unwrap();
        let e = Keymap::load_files(&site, Some(&bad)).unwrap_err();
        assert_eq!(e.file, bad.display().to_string());
        assert_eq!(e.line, Some(2));
    }
}
