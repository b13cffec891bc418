//! Tests of the screen files: the embedded ones, the format's errors, the overrides.
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
            "consuntivo",
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
            "organizzazione",
            "pai",
            "persona",
            "privacy",
            "punto_contatto",
            "rapporto_sportello",
            "richiesta",
            "richiesta_abitativa",
            "richiesta_istruzione",
            "richiesta_lavoro",
            "richiesta_mediazione",
            "scheda",
            "servizi",
            "settore",
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
            "Privacy",
            "Dati POR / FSE"
        ]
    );
    assert!(
        f.sections.len() <= 13,
        "goto_section_1..13 reach every section"
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
    assert!(
        text.contains(
            "riga 20: il campo core «sesso» usa l'elenco «sesso» e non si può cambiare in «genere»"
        ),
        "{text}"
    );
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
    assert!(errs.to_string().contains("il file non sostituisce nessun modulo (si possono sostituire: categoria_caso.toml, codice.toml, consuntivo.toml, dati_sociali.toml, diario.toml, disabilita.toml, documento.toml, ente.toml, erogazione.toml, familiare.toml, filtro_casi.toml, filtro_erogazioni.toml, filtro_schede.toml, foglio.toml, intervento.toml, invalidita.toml, isee.toml, login.toml, note.toml, nuovo_caso.toml, operatore.toml, organizzazione.toml, pai.toml, persona.toml, privacy.toml, punto_contatto.toml, rapporto_sportello.toml, richiesta.toml, richiesta_abitativa.toml, richiesta_istruzione.toml, richiesta_lavoro.toml, richiesta_mediazione.toml, scheda.toml, servizi.toml, settore.toml, siuss.toml, tribunale.toml, ufficio.toml, valutazione_multidimensionale.toml, valutazione_sinba.toml)"), "{errs}");
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

#[test]
fn a_section_takes_the_fields_of_its_sub_form() {
    let s = Screens::embedded().unwrap();
    let r = s.get("richiesta").unwrap();
    let abitativa = r.sections.iter().find(|x| x.id == "abitativa").unwrap();
    assert_eq!(abitativa.form.as_deref(), Some("richiesta_abitativa"));
    let ids: Vec<_> = abitativa.fields.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        &ids[..3],
        ["tipo_ricerca", "ricerca_altro", "problemi_alloggio"]
    );
    // Shown under the section's condition and then its own.
    let conds = r.conditions("ricerca_altro");
    assert_eq!(
        conds.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
        ["servizio", "tipo_ricerca"]
    );
    assert!(r.code_lists().contains("abitativa_problemi"));
    assert!(r.code_lists().contains("lingue"), "every sub-form's lists");
}

#[test]
fn a_sub_form_section_is_checked() {
    let own_fields = parse_form(
        "r.toml",
        "[form]\nid = \"r\"\ntitle = \"R\"\ntheme = \"accoglienza\"\n[[section]]\nid = \"a\"\ntitle = \"A\"\nform = \"richiesta_lavoro\"\n[[section.field]]\nid = \"x\"\nlabel = \"X\"\nkind = \"text\"\n",
    );
    let e = one_error(own_fields);
    assert!(
        e.message
            .contains("prende i campi del modulo «richiesta_lavoro»: non può averne di propri"),
        "{e}"
    );
    let over = |text: &str| {
        Screens::load_with(&[(
            PathBuf::from("/etc/sportello/screens/richiesta.toml"),
            text.to_string(),
        )])
        .expect_err("should fail")
        .to_string()
    };
    let base = include_str!("../../screens/richiesta.toml");
    let missing = over(&base.replace("form = \"richiesta_lavoro\"", "form = \"richiesta_cucina\""));
    assert!(
        missing
            .contains("la sezione «lavoro» include il modulo «richiesta_cucina», che non esiste"),
        "{missing}"
    );
    let twice = over(&base.replace(
        "form = \"richiesta_lavoro\"",
        "form = \"richiesta_abitativa\"",
    ));
    assert!(
        twice.contains("il campo «tipo_ricerca» del modulo «richiesta_abitativa» ha lo stesso id"),
        "{twice}"
    );
    // An installation opens the housing sub-form for a code of its own too.
    let own = base.replace(
        "in = [\"abitativa\"]",
        "in = [\"abitativa\", \"casa_popolare\"]",
    );
    let s = Screens::load_with(&[(PathBuf::from("/x/richiesta.toml"), own)]).unwrap();
    let c = s.get("richiesta").unwrap().conditions("zona");
    assert!(c[0].holds("casa_popolare", &Default::default()));
}
