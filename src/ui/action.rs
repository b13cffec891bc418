//! Actions: what a key means once the keymap has resolved it. The serde names (snake_case) are
//! the `run = "..."` values of the keymap files; each action has an Italian label for hints and
//! the help overlay. The runtime decides what an action does on the current screen.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($( $(#[$meta:meta])* $variant:ident = $name:literal, $label:literal; )*) => {
        /// A command the operator can give. See [`Action::label`] for the Italian text.
        #[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $( $(#[$meta])* #[serde(rename = $name)] $variant, )*
        }

        impl Action {
            /// Every action, in declaration order.
            pub const ALL: &'static [Action] = &[ $( Action::$variant, )* ];

            /// The snake_case name used in keymap files (`run = "save"`).
            pub fn name(self) -> &'static str {
                match self { $( Action::$variant => $name, )* }
            }

            /// The Italian description shown in hints and in the help overlay.
            pub fn label(self) -> &'static str {
                match self { $( Action::$variant => $label, )* }
            }
        }
    };
}

actions! {
    /// Leave the program; the runtime asks for confirmation.
    Quit = "quit", "Esci";
    /// Esc: close the current screen or popup, go back one step.
    Back = "back", "Indietro";
    Help = "help", "Aiuto";
    NextField = "next_field", "Campo successivo";
    PrevField = "prev_field", "Campo precedente";
    /// Move the selection one row or field up (lists, menus, pickers).
    FieldUp = "field_up", "Su";
    /// Move the selection one row or field down (lists, menus, pickers).
    FieldDown = "field_down", "Giù";
    Save = "save", "Salva";
    Confirm = "confirm", "Conferma";
    Cancel = "cancel", "Annulla";
    /// Enter on a row: open the selected record or menu entry.
    Open = "open", "Apri";
    NewRecord = "new_record", "Nuovo";
    /// Register an anonymous user (alias until the privacy consent is signed).
    NewAnonymous = "new_anonymous", "Nuovo utente anonimo";
    /// The privacy consent of the person on screen.
    Privacy = "privacy", "Consenso privacy";
    /// The filters of a list.
    Filter = "filter", "Filtri";
    /// Restore a deleted record (admin).
    Restore = "restore", "Ripristina";
    Edit = "edit", "Modifica";
    Delete = "delete", "Elimina";
    Duplicate = "duplicate", "Duplica";
    /// The richieste (servizi richiesti) of the scheda on screen, with their consuntivo.
    Richieste = "richieste", "Richieste e consuntivo";
    /// The sending of the scheda on screen to another office: the original as sent, cancel.
    Invio = "invio", "Invio ad altro ufficio";
    /// The punti di contatto of the ufficio selected in the uffici of an ente (administration).
    PuntiContatto = "punti_contatto", "Punti di contatto";
    /// The documents attached to the scheda on screen.
    DocumentiScheda = "documenti_scheda", "Documenti della scheda";
    Print = "print", "Stampa";
    Export = "export", "Esporta";
    SearchFocus = "search_focus", "Cerca";
    NextPage = "next_page", "Pagina successiva";
    PrevPage = "prev_page", "Pagina precedente";
    SortNextColumn = "sort_next_column", "Ordina per colonna successiva";
    SortReverse = "sort_reverse", "Inverti ordinamento";
    NextSection = "next_section", "Sezione successiva";
    /// The next field with an error or required and still empty.
    NextToFill = "next_to_fill", "Campo successivo da compilare";
    PrevSection = "prev_section", "Sezione precedente";
    GotoSection1 = "goto_section_1", "Vai alla sezione 1";
    GotoSection2 = "goto_section_2", "Vai alla sezione 2";
    GotoSection3 = "goto_section_3", "Vai alla sezione 3";
    GotoSection4 = "goto_section_4", "Vai alla sezione 4";
    GotoSection5 = "goto_section_5", "Vai alla sezione 5";
    GotoSection6 = "goto_section_6", "Vai alla sezione 6";
    GotoSection7 = "goto_section_7", "Vai alla sezione 7";
    GotoSection8 = "goto_section_8", "Vai alla sezione 8";
    GotoSection9 = "goto_section_9", "Vai alla sezione 9";
    GotoSection10 = "goto_section_10", "Vai alla sezione 10";
    GotoSection11 = "goto_section_11", "Vai alla sezione 11";
    GotoSection12 = "goto_section_12", "Vai alla sezione 12";
    GotoSection13 = "goto_section_13", "Vai alla sezione 13";
    /// Open the code-list picker of the focused field.
    Pick = "pick", "Scegli da elenco";
    /// Toggle a bool field or the highlighted entry of a multi-select.
    Toggle = "toggle", "Seleziona/deseleziona";
    LockScreen = "lock_screen", "Blocca schermo";
    Menu1 = "menu_1", "Voce di menu 1";
    Menu2 = "menu_2", "Voce di menu 2";
    Menu3 = "menu_3", "Voce di menu 3";
    Menu4 = "menu_4", "Voce di menu 4";
    Menu5 = "menu_5", "Voce di menu 5";
    Menu6 = "menu_6", "Voce di menu 6";
    Menu7 = "menu_7", "Voce di menu 7";
    Menu8 = "menu_8", "Voce di menu 8";
    Menu9 = "menu_9", "Voce di menu 9";
    /// Reopen one of the persons followed last (home screen).
    Recent1 = "recent_1", "Persona recente 1";
    Recent2 = "recent_2", "Persona recente 2";
    Recent3 = "recent_3", "Persona recente 3";
    Recent4 = "recent_4", "Persona recente 4";
    Recent5 = "recent_5", "Persona recente 5";
    Logout = "logout", "Cambia operatore";
    /// Move the session to another of the operator's enti (home screen).
    SwitchEnte = "switch_ente", "Cambia ente";
    RestoreDraft = "restore_draft", "Ripristina bozza";
    DiscardDraft = "discard_draft", "Scarta bozza";
    ReplayNext = "replay_next", "Messaggio successivo";
    ReplayPrev = "replay_prev", "Messaggio precedente";
    ReplayFirst = "replay_first", "Primo messaggio";
    ReplayLast = "replay_last", "Ultimo messaggio";
    /// Type the number of a message, then Enter.
    ReplayGoto = "replay_goto", "Vai al messaggio";
    ReplayPlay = "replay_play", "Riproduci/pausa";
    ReplayFaster = "replay_faster", "Più veloce";
    ReplaySlower = "replay_slower", "Più lento";
}

impl Action {
    /// Looks an action up by its keymap name.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// The valid keymap names, comma separated (for error messages).
    pub fn valid_names() -> String {
        Action::ALL
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Actions that lose data or end the session: never bound to a single unmodified printable key.
    pub fn is_destructive(self) -> bool {
        matches!(
            self,
            Action::Delete | Action::DiscardDraft | Action::Quit | Action::Logout
        )
    }

    /// Actions that only the screens claiming them act on ([`crate::ui::screen::ScreenState::claims`]):
    /// they share a keymap layer with screens that know nothing of them.
    pub fn screen_specific(self) -> bool {
        matches!(
            self,
            Action::Richieste | Action::Invio | Action::PuntiContatto | Action::DocumentiScheda
        )
    }

    /// `goto_section_N` → `Some(N)` (1-based).
    pub fn section_number(self) -> Option<u8> {
        self.number_in(Action::GotoSection1, 13)
    }

    /// The numbered families (menu entries, sections, the home's persons): the family's Italian
    /// name, for the help overlay that shows a family on one line.
    pub fn family(self) -> Option<&'static str> {
        if self.menu_number().is_some() {
            Some("Voce di menu")
        } else if self.section_number().is_some() {
            Some("Vai alla sezione")
        } else if self.recent_number().is_some() {
            Some("Persona recente")
        } else {
            None
        }
    }

    /// `recent_N` → `Some(N)` (1-based).
    pub fn recent_number(self) -> Option<u8> {
        self.number_in(Action::Recent1, 5)
    }

    /// `menu_N` → `Some(N)` (1-based).
    pub fn menu_number(self) -> Option<u8> {
        self.number_in(Action::Menu1, 9)
    }

    /// The 1-based place of this action in the run of `len` actions declared from `first`.
    fn number_in(self, first: Action, len: usize) -> Option<u8> {
        let i = Action::ALL.iter().position(|a| *a == self)?;
        let first = Action::ALL.iter().position(|a| *a == first)?;
        (first..first + len)
            .contains(&i)
            .then(|| (i - first + 1) as u8)
    }
}

impl std::str::FromStr for Action {
    type Err = String;

    /// Italian error listing the valid names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::from_name(s).ok_or_else(|| {
            format!(
                "azione sconosciuta «{s}»; azioni valide: {}",
                Action::valid_names()
            )
        })
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_match_name() {
        for a in Action::ALL {
            let json = serde_json::to_string(a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
            let back: Action = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *a);
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
    }

    #[test]
    fn names_are_unique_snake_case_and_labels_italian() {
        let mut names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
        for a in Action::ALL {
            assert!(
                a.name()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
            assert!(!a.label().is_empty());
        }
        assert_eq!(Action::Save.label(), "Salva");
        assert_eq!(Action::Back.label(), "Indietro");
        assert_eq!(Action::GotoSection3.name(), "goto_section_3");
        assert_eq!(Action::Menu9.name(), "menu_9");
    }

    #[test]
    fn covers_the_required_actions() {
        for name in [
            "quit",
            "back",
            "help",
            "next_field",
            "prev_field",
            "field_up",
            "field_down",
            "save",
            "confirm",
            "cancel",
            "open",
            "new_record",
            "edit",
            "delete",
            "duplicate",
            "print",
            "export",
            "search_focus",
            "next_page",
            "prev_page",
            "sort_next_column",
            "sort_reverse",
            "next_section",
            "prev_section",
            "goto_section_1",
            "goto_section_9",
            "pick",
            "toggle",
            "lock_screen",
            "menu_1",
            "menu_9",
            "logout",
            "restore_draft",
            "discard_draft",
        ] {
            assert!(Action::from_name(name).is_some(), "{name}");
        }
    }

    #[test]
    fn unknown_name_lists_valid_ones() {
        let e = "salva".parse::<Action>().unwrap_err();
        assert!(e.starts_with("azione sconosciuta «salva»"), "{e}");
        assert!(e.contains("save, confirm"), "{e}");
        assert!(serde_json::from_str::<Action>("\"salva\"").is_err());
    }

    #[test]
    fn numbered_actions() {
        assert_eq!(Action::GotoSection1.section_number(), Some(1));
        assert_eq!(Action::GotoSection9.section_number(), Some(9));
        assert_eq!(Action::GotoSection12.section_number(), Some(12));
        assert_eq!(Action::GotoSection13.section_number(), Some(13));
        assert_eq!(Action::Save.section_number(), None);
        assert_eq!(Action::Menu4.menu_number(), Some(4));
        assert_eq!(Action::GotoSection4.menu_number(), None);
        assert_eq!(Action::Recent3.recent_number(), Some(3));
        assert_eq!(Action::Menu3.recent_number(), None);
    }
}
