//! Tests of the scheda's rules (`domain::scheda`).

use super::*;

#[test]
fn sensitive_fields_leave_dati_and_come_back_as_the_form_has_them() {
    let mut dati = Map::new();
    for (k, v) in [
        ("tessera_sanitaria", Value::from(" 80380000001234567890 ")),
        ("stp", Value::Bool(false)),
        ("invalidita", Value::from(75)),
        ("int_codice_fiscale", Value::from("rssmra70a01g478z")),
        ("telefono", Value::from("075 1")),
    ] {
        dati.insert(k.into(), v);
    }
    let s = Sensibili::take(&mut dati);
    assert_eq!(dati.keys().collect::<Vec<_>>(), ["telefono"]);
    assert_eq!(s.tessera_sanitaria.as_deref(), Some("80380000001234567890"));
    assert_eq!(s.invalidita, Some(75));
    assert_eq!(
        s.terzi,
        [("interlocutore".to_string(), "RSSMRA70A01G478Z".to_string())]
    );
    s.put(&mut dati);
    assert_eq!(dati["invalidita"], Value::from(75));
    assert_eq!(dati["stp"], Value::Bool(false));
    assert_eq!(dati["int_codice_fiscale"], Value::from("RSSMRA70A01G478Z"));
    // Out of range or empty: nothing kept.
    let mut bad = Map::new();
    bad.insert("invalidita".into(), Value::from(150));
    bad.insert("tessera_sanitaria".into(), Value::Null);
    let s = Sensibili::take(&mut bad);
    assert!(!s.sanitari() && s.terzi.is_empty());
}

#[test]
fn an_editor_without_the_grant_cannot_clear_stored_values() {
    let mut stored = Map::new();
    stored.insert("tessera_sanitaria".into(), Value::from("123"));
    stored.insert("stp".into(), Value::Bool(true));
    let mut edit = Map::new();
    edit.insert("tessera_sanitaria".into(), Value::Null);
    edit.insert("stp".into(), Value::Bool(false));
    edit.insert("invalidita".into(), Value::from(40));
    Sensibili::keep_stored(&mut edit, &stored);
    assert_eq!(edit["tessera_sanitaria"], Value::from("123"));
    assert_eq!(edit["stp"], Value::Bool(true));
    assert_eq!(edit["invalidita"], Value::from(40));
}

fn ctx() -> Contesto {
    Contesto {
        oggi: "2026-11-29".into(),
        data_nascita: Some("1980-03-12".into()),
        anonimo: false,
        esiti_pic: vec!["pic".into()],
        comuni_ambito: vec!["G478".into()],
        ..Default::default()
    }
}

fn complete() -> SchedaEdit {
    let mut e = SchedaEdit {
        soggetto_id: 1,
        data_accesso: "2026-11-29".into(),
        operatore: "mrossi".into(),
        esito: Some("info".into()),
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "persona"),
        ("telefono", "075 1"),
        ("res_comune", "G478"),
    ] {
        e.dati.insert(k.into(), Value::from(v));
    }
    e
}

fn fields(p: Vec<(&'static str, String)>) -> Vec<&'static str> {
    p.into_iter().map(|(f, _)| f).collect()
}

#[test]
fn a_complete_scheda_has_no_problems() {
    assert!(completion_problems(&complete(), &ctx()).is_empty());
}

#[test]
fn conditional_rules() {
    let mut e = complete();
    e.dati.insert("motivo_accesso".into(), "convocato".into());
    assert_eq!(fields(completion_problems(&e, &ctx())), ["motivo_desc"]);
    e.dati.insert("motivo_accesso".into(), "inviato".into());
    assert_eq!(fields(completion_problems(&e, &ctx())), ["inviato_da"]);
    let mut e = complete();
    e.dati
        .insert("interlocutore".into(), "organizzazione".into());
    assert_eq!(
        fields(completion_problems(&e, &ctx())),
        ["int_ente_servizio"]
    );
    e.dati.insert("interlocutore".into(), "parente".into());
    assert_eq!(fields(completion_problems(&e, &ctx())), ["int_cognome"]);
    e.dati.insert("int_cognome".into(), "Bianchi".into());
    e.dati.insert("int_nome".into(), "Rosa".into());
    assert!(completion_problems(&e, &ctx()).is_empty());
    let mut e = complete();
    e.data_accesso = "2026-11-30".into();
    assert_eq!(fields(save_problems(&e, &ctx())), ["data_accesso"]);
}

#[test]
fn pic_needs_a_category_and_a_named_person() {
    let mut e = complete();
    e.esito = Some("pic".into());
    assert_eq!(
        fields(completion_problems(&e, &ctx())),
        ["categorie_sociali"]
    );
    e.categorie_sociali = vec!["minori".into()];
    assert!(completion_problems(&e, &ctx()).is_empty());
    assert!(is_pic(&e, &ctx()));
    let anon = Contesto {
        anonimo: true,
        ..ctx()
    };
    assert_eq!(fields(completion_problems(&e, &anon)), ["esito"]);
}

#[test]
fn minors_need_bisogni_and_the_other_text() {
    let minor = Contesto {
        data_nascita: Some("2010-12-01".into()),
        ..ctx()
    };
    let e = complete();
    assert_eq!(
        fields(completion_problems(&e, &minor)),
        ["bisogni", "bisogni_altro"]
    );
    let adult_today = Contesto {
        data_nascita: Some("2008-11-29".into()),
        ..ctx()
    };
    assert!(completion_problems(&e, &adult_today).is_empty());
}

#[test]
fn the_office_may_require_the_stranieri_section_of_citizens_outside_the_eu() {
    use crate::domain::impostazioni::Requisiti;
    let strict = Contesto {
        requisiti: Requisiti {
            stranieri: true,
            ..Default::default()
        },
        ..ctx()
    };
    let with = |cittadinanza: &str| {
        let mut e = complete();
        e.dati.insert("cittadinanza".into(), cittadinanza.into());
        e
    };
    // Italian (empty) or EU (Z110 France): nothing asked, switch on or off.
    for c in ["", "Z110"] {
        assert!(completion_problems(&with(c), &strict).is_empty(), "{c}");
    }
    // Outside the EU (Z330 Morocco): asked only when the office requires it.
    let extra = with("Z330");
    assert!(completion_problems(&extra, &ctx()).is_empty());
    assert_eq!(
        fields(completion_problems(&extra, &strict)),
        ["str_paese_origine", "str_status_permesso"]
    );
    let mut filled = extra.clone();
    filled
        .dati
        .insert("str_paese_origine".into(), "Z330".into());
    filled.dati.insert("str_status_permesso".into(), "1".into());
    assert!(completion_problems(&filled, &strict).is_empty());
}

#[test]
fn office_switches_ask_for_bisogni_and_richieste() {
    use crate::domain::impostazioni::Requisiti;
    let e = complete();
    let strict = Contesto {
        requisiti: Requisiti {
            bisogni: true,
            servizi: true,
            stranieri: false,
        },
        ..ctx()
    };
    // Off: the complete scheda stays complete; on: bisogni and a richiesta are missing.
    assert!(completion_problems(&e, &ctx()).is_empty());
    assert_eq!(
        fields(completion_problems(&e, &strict)),
        ["bisogni", "servizi"]
    );
    let mut with = e.clone();
    with.bisogni = vec!["b102".into()];
    let one = Contesto {
        richieste: 1,
        ..strict.clone()
    };
    assert!(completion_problems(&with, &one).is_empty());
    // The «Altro» text counts as a bisogno expressed; ticked servizi are not richieste.
    let mut altro = e.clone();
    altro.dati.insert("bisogni_altro".into(), "Sfratto".into());
    altro.servizi = vec!["info".into()];
    assert_eq!(fields(completion_problems(&altro, &strict)), ["servizi"]);
    // A minor's bisogni are asked once, by the minors' rule.
    let minor = Contesto {
        data_nascita: Some("2015-01-01".into()),
        ..one
    };
    assert_eq!(
        fields(completion_problems(&e, &minor)),
        ["bisogni", "bisogni_altro"]
    );
}

#[test]
fn duplicate_keeps_person_interlocutore_and_bisogni_not_notes() {
    let mut e = complete();
    e.id = Some(9);
    e.bisogni = vec!["alloggio".into()];
    e.servizi = vec!["info".into()];
    e.nota_privata = Some("segreto".into());
    e.dati.insert("nota_pubblica".into(), "nota".into());
    e.dati.insert("int_cognome".into(), "Bianchi".into());
    e.dati.insert("rif_cognome".into(), "Verdi".into());
    e.dati
        .insert("str_scadenza_permesso".into(), "2027-01-15".into());
    e.dati.insert("abit_tipo".into(), "erp".into());
    let d = duplicate(&e, "2026-12-01", "altro");
    assert_eq!(d.text("str_scadenza_permesso"), "2027-01-15");
    assert_eq!(d.text("abit_tipo"), "erp");
    assert_eq!(d.id, None);
    assert_eq!(d.data_accesso, "2026-12-01");
    assert_eq!(d.bisogni, ["alloggio"]);
    assert!(d.servizi.is_empty() && d.esito.is_none() && d.nota_privata.is_none());
    assert_eq!(d.text("int_cognome"), "Bianchi");
    assert_eq!(d.text("rif_cognome"), "Verdi");
    assert_eq!(d.text("nota_pubblica"), "");
    assert_eq!(d.text("telefono"), "075 1");
}

#[test]
fn a_half_filled_por_block_keeps_the_scheda_in_sospeso_only_when_the_ente_enables_it() {
    let mut e = complete();
    e.dati
        .insert("por_progetto".into(), "Inclusione attiva".into());
    e.dati
        .insert("por_iban".into(), "IT61X0542811101000000123456".into());
    let por = Contesto { por: true, ..ctx() };
    // Off: the stored POR values are neither checked nor asked for.
    assert!(save_problems(&e, &ctx()).is_empty());
    assert!(completion_problems(&e, &ctx()).is_empty());
    assert_eq!(fields(save_problems(&e, &por)), ["por_iban"]);
    e.dati
        .insert("por_iban".into(), "IT60X0542811101000000123456".into());
    assert_eq!(
        fields(completion_problems(&e, &por)),
        [
            "por_titolo_studio",
            "por_condizione_lavoro",
            "por_data_sottoscrizione",
            "por_soggetto_attuatore"
        ]
    );
}
