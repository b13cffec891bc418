//! The erogazione's form: the header, the operation rows (the section «operazione» of
//! `screens/erogazione.toml` repeated, each titled with its spesa computed), the SINA block, and
//! the record read back with the Italian error on the field that is wrong.

use super::{Errore, code, date, err, field_of, money, opt, quantita, tipo, upper_first};
use crate::domain::date::{gg_mm_aaaa, parse_iso};
use crate::domain::erogazioni::{
    Erogazione, MAX_QUANTITA_CENT, MAX_TARIFFA_CENTS, Riga, Sina, Totali, format_quantita,
    parse_quantita, problemi_erogazione,
};
use crate::domain::money::{format_cents, format_euro, parse_money};
use crate::domain::siuss::check_sina;
use crate::ui::widgets::form::{FieldSpec, Form};

/// The id of field `id` of operation row `n` (1-based).
pub fn riga_id(id: &str, n: usize) -> String {
    format!("{id}_{n}")
}

/// How many operation rows the form has.
pub fn righe_count(form: &Form) -> usize {
    (1..)
        .take_while(|n| form.field(&riga_id("data", *n)).is_some())
        .count()
}

/// The amounts of a row: a row is there once one of them is typed (its date alone is not a row:
/// a new form proposes today's).
const IMPORTI: [&str; 6] = [
    "quantita",
    "tariffa",
    "comp_utente",
    "comp_ssn",
    "comp_altre",
    "quota_ente",
];

fn riga_vuota(form: &Form, n: usize) -> bool {
    IMPORTI
        .iter()
        .all(|f| form.value(&riga_id(f, n)).trim().is_empty())
}

/// Adds operation row `n` (state «erogata») from the template.
fn add_riga(form: &mut Form, template: &[FieldSpec], n: usize) {
    for s in template {
        let spec = FieldSpec {
            id: riga_id(&s.id, n),
            section: format!("{} {n}", s.section),
            ..s.clone()
        };
        form.fields.push(crate::ui::widgets::form::Field::new(spec));
    }
    form.set(&riga_id("stato", n), "erogata");
}

/// Adds the operation rows a draft has and the form has not yet (so that restoring it loses none).
pub fn make_room(form: &mut Form, template: &[FieldSpec], draft: &str) {
    let Some(first) = template.first() else {
        return;
    };
    let Ok(serde_json::Value::Object(d)) = serde_json::from_str::<serde_json::Value>(draft) else {
        return;
    };
    let prefix = format!("{}_", first.id);
    let rows = d
        .get("values")
        .and_then(|v| v.as_object())
        .into_iter()
        .flat_map(|v| v.keys())
        .filter_map(|k| k.strip_prefix(&prefix)?.parse::<usize>().ok())
        .max()
        .unwrap_or(0);
    for n in righe_count(form) + 1..=rows {
        add_riga(form, template, n);
    }
}

/// Keeps one empty operation row at the end and titles every row with its spesa (tariffa ×
/// quantità) as typed so far.
pub fn sync_righe(form: &mut Form, template: &[FieldSpec], quota_ente_bp: Option<i64>) {
    let n = righe_count(form);
    if n == 0 || !riga_vuota(form, n) {
        add_riga(form, template, n + 1);
    }
    let section = template
        .first()
        .map_or("Operazione", |s| s.section.as_str());
    for k in 1..=righe_count(form) {
        let title = match riga_parziale(form, k) {
            Some(r) => {
                let ente = r.quota_ente_cents(quota_ente_bp);
                format!(
                    "{section} {k} · spesa {} · ente {}",
                    format_euro(r.spesa_cents()),
                    format_euro(ente)
                )
            }
            None => format!("{section} {k}"),
        };
        let suffix = format!("_{k}");
        for f in form.fields.iter_mut().filter(|f| {
            f.spec.id.ends_with(&suffix) && template.iter().any(|t| riga_id(&t.id, k) == f.spec.id)
        }) {
            f.spec.section = title.clone();
        }
    }
}

/// Row `n` as typed, when its quantity and tariffa read (what the titles and totals show).
fn riga_parziale(form: &Form, n: usize) -> Option<Riga> {
    let v = |id: &str| form.value(&riga_id(id, n));
    let money = |id: &str| {
        let t = v(id);
        if t.trim().is_empty() {
            Some(0)
        } else {
            parse_money(&t).ok()
        }
    };
    let quantita_cent = parse_quantita(&v("quantita")).ok()?;
    let tariffa_cents = parse_money(&v("tariffa")).ok()?;
    if !(0..=MAX_QUANTITA_CENT).contains(&quantita_cent)
        || !(0..=MAX_TARIFFA_CENTS).contains(&tariffa_cents)
    {
        return None;
    }
    Some(Riga {
        stato: v("stato"),
        quantita_cent,
        tariffa_cents,
        comp_utente_cents: money("comp_utente")?,
        comp_ssn_cents: money("comp_ssn")?,
        comp_altre_cents: money("comp_altre")?,
        quota_ente_cents: match v("quota_ente").trim() {
            "" => None,
            t => Some(parse_money(t).ok()?),
        },
        ..Default::default()
    })
}

/// The header's percentage of the ente as basis points, when it reads.
pub fn quota_bp(form: &Form) -> Option<i64> {
    form.value("quota_ente_pct")
        .trim()
        .parse::<i64>()
        .ok()
        .map(|p| p * 100)
}

/// The totals of the rows typed so far (rows whose amounts do not read yet are left out).
pub fn totali(form: &Form) -> Totali {
    let e = Erogazione {
        quota_ente_bp: quota_bp(form),
        righe: (1..=righe_count(form))
            .filter_map(|n| riga_parziale(form, n))
            .collect(),
        ..Default::default()
    };
    e.totali(None)
}

/// The erogazione's form filled from the record (a new one: with what is known and today's row).
pub fn fill_erogazione(
    form: &mut Form,
    e: &Erogazione,
    cf: Option<&str>,
    template: &[FieldSpec],
    today: time::Date,
) {
    let date = |d: &Option<String>| {
        d.as_deref()
            .and_then(parse_iso)
            .map(gg_mm_aaaa)
            .unwrap_or_default()
    };
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    form.set("beneficiario", cf.unwrap_or(""));
    form.set("categoria", &e.categoria_sociale);
    if e.tipo_id > 0 {
        form.set("tipo", &e.tipo_id.to_string());
    }
    form.set("siuss_codice", &s(&e.siuss_codice));
    form.set("carattere", &e.carattere.to_string());
    form.set("in_carico", &e.in_carico.to_string());
    form.set("erogatore", &s(&e.erogatore));
    form.set(
        "quota_ente_pct",
        &e.quota_ente_bp
            .map(|b| (b / 100).to_string())
            .unwrap_or_default(),
    );
    form.set("descrizione", &s(&e.descrizione));
    form.set("protocollo_domanda", &s(&e.protocollo_domanda));
    form.set("data_domanda", &date(&e.data_domanda));
    form.set("prova_mezzi", &e.prova_mezzi.to_string());
    form.set("dsu_protocollo", &s(&e.dsu_protocollo));
    form.set(
        "dsu_anno",
        &e.dsu_anno.map(|a| a.to_string()).unwrap_or_default(),
    );
    form.set("dsu_data", &date(&e.dsu_data));
    form.set(
        "intervento",
        &e.intervento_id.map(|i| i.to_string()).unwrap_or_default(),
    );
    if let Some(sina) = &e.sina {
        fill_sina(form, sina);
    }
    for (k, r) in e.righe.iter().enumerate() {
        let n = k + 1;
        add_riga(form, template, n);
        let set = |form: &mut Form, id: &str, v: &str| form.set(&riga_id(id, n), v);
        set(form, "stato", &r.stato);
        set(form, "data", &date(&Some(r.data.clone())));
        set(form, "data_fine", &date(&r.data_fine));
        set(form, "quantita", &format_quantita(r.quantita_cent));
        set(form, "tariffa", &format_cents(r.tariffa_cents));
        for (id, c) in [
            ("comp_utente", r.comp_utente_cents),
            ("comp_ssn", r.comp_ssn_cents),
            ("comp_altre", r.comp_altre_cents),
        ] {
            set(
                form,
                id,
                &if c == 0 {
                    String::new()
                } else {
                    format_cents(c)
                },
            );
        }
        set(
            form,
            "quota_ente",
            &r.quota_ente_cents.map(format_cents).unwrap_or_default(),
        );
    }
    if e.righe.is_empty() {
        add_riga(form, template, 1);
        form.set(&riga_id("data", 1), &gg_mm_aaaa(today));
    }
    sync_righe(form, template, e.quota_ente_bp);
}

/// The erogazione typed over `base` (the record as read, or a new one): the beneficiary's codice
/// fiscale, the record, and the SIUSS prestazione when one was chosen as tipo. Rows keep the ids
/// of the rows they replace.
pub fn read_erogazione(
    form: &Form,
    base: &Erogazione,
    today: time::Date,
) -> Result<(String, Erogazione, Option<String>), Errore> {
    let (tipo_id, tipo_siuss) = tipo(form)?;
    let pct = match opt(form, "quota_ente_pct") {
        None => None,
        Some(t) => match t.parse::<i64>() {
            Ok(p) if (0..=100).contains(&p) => Some(p * 100),
            _ => return Err(err("quota_ente_pct", "Una percentuale da 0 a 100")),
        },
    };
    let mut e = Erogazione {
        tipo_id,
        intervento_id: opt(form, "intervento").and_then(|i| i.parse().ok()),
        categoria_sociale: form.value("categoria"),
        siuss_codice: opt(form, "siuss_codice").or_else(|| tipo_siuss.clone()),
        carattere: code(form, "carattere")?,
        in_carico: code(form, "in_carico")?,
        erogatore: opt(form, "erogatore"),
        quota_ente_bp: pct,
        descrizione: opt(form, "descrizione"),
        protocollo_domanda: opt(form, "protocollo_domanda"),
        data_domanda: date(form, "data_domanda", today)?,
        prova_mezzi: code(form, "prova_mezzi")?,
        dsu_protocollo: opt(form, "dsu_protocollo"),
        dsu_anno: match opt(form, "dsu_anno") {
            None => None,
            Some(t) => match t.parse::<i32>() {
                Ok(a) if (1990..=2100).contains(&a) => Some(a),
                _ => return Err(err("dsu_anno", "Un anno come 2026")),
            },
        },
        dsu_data: date(form, "dsu_data", today)?,
        sina: read_sina(form)?,
        righe: Vec::new(),
        ..base.clone()
    };
    // Rows keep the ids (and what the form does not show) of the rows they stand for, in order.
    let mut old = base.righe.iter();
    for n in 1..=righe_count(form) {
        let id = |f: &str| riga_id(f, n);
        if riga_vuota(form, n) {
            continue;
        }
        let data = date(form, &id("data"), today)?
            .ok_or_else(|| err(&id("data"), "Indicare la data dell'operazione"))?;
        let q = quantita(form, &id("quantita"), true)?
            .ok_or_else(|| err(&id("quantita"), "Indicare la quantità"))?;
        let t = money(form, &id("tariffa"), MAX_TARIFFA_CENTS, "Tariffa")?
            .ok_or_else(|| err(&id("tariffa"), "Indicare la tariffa (0 se gratuita)"))?;
        let m = |f: &str, what: &str| money(form, &id(f), MAX_TARIFFA_CENTS, what);
        let r = Riga {
            stato: match form.value(&id("stato")).as_str() {
                "" => "erogata".into(),
                s => s.into(),
            },
            data,
            data_fine: date(form, &id("data_fine"), today)?,
            quantita_cent: q,
            tariffa_cents: t,
            comp_utente_cents: m("comp_utente", "Compartecipazione dell'utente")?.unwrap_or(0),
            comp_ssn_cents: m("comp_ssn", "Compartecipazione SSN")?.unwrap_or(0),
            comp_altre_cents: m("comp_altre", "Altre compartecipazioni")?.unwrap_or(0),
            quota_ente_cents: m("quota_ente", "Quota dell'ente")?,
            ..old
                .next()
                .cloned()
                .map(|o| Riga {
                    siuss_flusso_id: None,
                    ..o
                })
                .unwrap_or_default()
        };
        let quote = r.comp_utente_cents
            + r.comp_ssn_cents
            + r.comp_altre_cents
            + r.quota_ente_cents.unwrap_or(0);
        if quote > r.spesa_cents() {
            return Err(err(
                &id("comp_utente"),
                format!(
                    "Le quote ({}) superano la spesa ({})",
                    format_euro(quote),
                    format_euro(r.spesa_cents())
                ),
            ));
        }
        e.righe.push(r);
    }
    if let Some(p) = problemi_erogazione(&e).into_iter().next() {
        let row_field = p
            .strip_prefix("riga ")
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| {
                riga_id(
                    if p.contains("fine") {
                        "data_fine"
                    } else {
                        "data"
                    },
                    n,
                )
            });
        let map = [
            ("DSU", "dsu_protocollo"),
            ("prova dei mezzi", "prova_mezzi"),
            ("carattere", "carattere"),
            ("in carico", "in_carico"),
            ("protocollo della domanda", "protocollo_domanda"),
            ("percentuale", "quota_ente_pct"),
        ];
        let field = row_field.unwrap_or_else(|| field_of(&p, &map, &riga_id("data", 1)));
        let msg = p.split_once(": ").map_or(p.as_str(), |(_, m)| m);
        return Err((field, upper_first(msg)));
    }
    Ok((
        form.value("beneficiario").trim().to_uppercase(),
        e,
        tipo_siuss,
    ))
}

/// The SINA fields of the form: (field id, required when the block is filled).
const SINA: [(&str, bool); 12] = [
    ("sina_mobilita", true),
    ("sina_attivita_vita_quotidiana", true),
    ("sina_disturbi_area_cognitiva", false),
    ("sina_disturbi_comportamentali", true),
    ("sina_necessita_cure_sanitarie", true),
    ("sina_area_reddituale", true),
    ("sina_area_supporto", true),
    ("sina_fonte_derivazione_valutazione", true),
    ("sina_strumento_valutazione", true),
    ("sina_fonte_derivazione_invalidita", false),
    ("sina_necessita_interventi", true),
    ("sina_invalidita_civile", true),
];

fn fill_sina(form: &mut Form, s: &Sina) {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    for (id, v) in [
        ("sina_mobilita", s.mobilita.clone()),
        (
            "sina_attivita_vita_quotidiana",
            s.attivita_vita_quotidiana.clone(),
        ),
        (
            "sina_disturbi_area_cognitiva",
            o(&s.disturbi_area_cognitiva),
        ),
        (
            "sina_disturbi_comportamentali",
            s.disturbi_comportamentali.clone(),
        ),
        (
            "sina_necessita_cure_sanitarie",
            o(&s.necessita_cure_sanitarie),
        ),
        ("sina_area_reddituale", s.area_reddituale.clone()),
        ("sina_area_supporto", s.area_supporto.clone()),
        (
            "sina_fonte_derivazione_valutazione",
            s.fonte_derivazione_valutazione.clone(),
        ),
        (
            "sina_strumento_valutazione",
            s.strumento_valutazione.clone(),
        ),
        (
            "sina_fonte_derivazione_invalidita",
            o(&s.fonte_derivazione_invalidita),
        ),
        (
            "sina_necessita_interventi",
            s.necessita_interventi.join(","),
        ),
        ("sina_invalidita_civile", s.invalidita_civile.join(",")),
    ] {
        form.set(id, &v);
    }
}

/// The SINA block typed: none when all its fields are empty; once one is filled, the ones the
/// INPS schemas require are required (both the 201806 and the 201812 schema accept the block).
fn read_sina(form: &Form) -> Result<Option<Sina>, Errore> {
    if SINA.iter().all(|(id, _)| opt(form, id).is_none()) {
        return Ok(None);
    }
    if let Some((id, _)) = SINA
        .iter()
        .find(|(id, required)| *required && opt(form, id).is_none())
    {
        return Err(err(
            id,
            "Dato SINA richiesto: compilare tutto il blocco SINA o lasciarlo vuoto",
        ));
    }
    let v = |id: &str| form.value(id);
    let list = |id: &str| -> Vec<String> {
        v(id)
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    let s = Sina {
        mobilita: v("sina_mobilita"),
        attivita_vita_quotidiana: v("sina_attivita_vita_quotidiana"),
        disturbi_area_cognitiva: opt(form, "sina_disturbi_area_cognitiva"),
        disturbi_comportamentali: v("sina_disturbi_comportamentali"),
        necessita_cure_sanitarie: opt(form, "sina_necessita_cure_sanitarie"),
        area_reddituale: v("sina_area_reddituale"),
        area_supporto: v("sina_area_supporto"),
        fonte_derivazione_valutazione: v("sina_fonte_derivazione_valutazione"),
        strumento_valutazione: v("sina_strumento_valutazione"),
        fonte_derivazione_invalidita: opt(form, "sina_fonte_derivazione_invalidita"),
        necessita_interventi: list("sina_necessita_interventi"),
        invalidita_civile: list("sina_invalidita_civile"),
    };
    if let Some(p) = check_sina(&s).into_iter().next() {
        return Err(err("sina_mobilita", p));
    }
    Ok(Some(s))
}

#[cfg(test)]
mod tests {
    use super::super::RIGA;
    use super::*;
    use crate::forms::Screens;
    use crate::ui::widgets::form::specs;
    use time::macros::date;

    const TODAY: time::Date = date!(2026 - 11 - 30);

    fn erogazione_form() -> (Form, Vec<FieldSpec>) {
        let def = Screens::embedded()
            .unwrap()
            .get("erogazione")
            .unwrap()
            .clone();
        let row: Vec<String> = def
            .sections
            .iter()
            .find(|s| s.id == RIGA)
            .unwrap()
            .fields
            .iter()
            .map(|f| f.id.clone())
            .collect();
        let (template, header): (Vec<FieldSpec>, Vec<FieldSpec>) =
            specs(&def).into_iter().partition(|s| row.contains(&s.id));
        let mut form = Form::new("erogazione", "Erogazione", header);
        let e = Erogazione {
            carattere: 2,
            in_carico: 1,
            prova_mezzi: 4,
            tipo_id: 7,
            categoria_sociale: "anziani".into(),
            ..Default::default()
        };
        fill_erogazione(&mut form, &e, Some("RSSMRA85T10A562S"), &template, TODAY);
        (form, template)
    }

    #[test]
    fn rows_grow_and_are_titled_with_their_spesa() {
        let (mut form, template) = erogazione_form();
        assert_eq!(righe_count(&form), 1, "today's row, empty but for its date");
        form.set("quantita_1", "2,5");
        form.set("tariffa_1", "12,50");
        form.set("comp_utente_1", "5");
        sync_righe(&mut form, &template, None);
        assert_eq!(righe_count(&form), 2, "an empty row follows a filled one");
        let title = &form.field("quantita_1").unwrap().spec.section;
        assert_eq!(title, "Operazione 1 · spesa 31,25 € · ente 26,25 €");
        form.set("data_2", "01/11/2026");
        form.set("quantita_2", "1");
        form.set("tariffa_2", "100");
        sync_righe(&mut form, &template, None);
        let t = totali(&form);
        assert_eq!((t.spesa, t.utente, t.ente), (13_125, 500, 12_625));
        let (cf, e, _) = read_erogazione(&form, &Erogazione::default(), TODAY).unwrap();
        assert_eq!(cf, "RSSMRA85T10A562S");
        assert_eq!(e.righe.len(), 2, "the trailing empty row is not a row");
        assert_eq!(e.righe[0].spesa_cents(), 3_125);
        assert_eq!(e.righe[1].data, "2026-11-01");
    }

    #[test]
    fn a_draft_with_more_rows_than_the_form_restores_them_all() {
        let (mut form, template) = erogazione_form();
        for n in 1..=3 {
            form.set(&riga_id("quantita", n), "1");
            sync_righe(&mut form, &template, None);
        }
        form.set("tariffa_3", "7,00");
        let draft = form.draft_json();
        let (mut fresh, _) = erogazione_form();
        assert_eq!(righe_count(&fresh), 1);
        make_room(&mut fresh, &template, &draft);
        fresh.restore_json(&draft);
        sync_righe(&mut fresh, &template, None);
        assert_eq!(fresh.value("tariffa_3"), "7,00");
        assert_eq!(righe_count(&fresh), 4, "and the empty row after them");
    }

    #[test]
    fn negative_and_absurd_amounts_are_refused_on_their_field() {
        for (field, value, needle) in [
            ("quantita_1", "-3", "maggiore di zero"),
            ("quantita_1", "0", "maggiore di zero"),
            ("quantita_1", "2000000", "Quantità fuori misura"),
            ("tariffa_1", "-12,50", "non può essere negativo"),
            ("tariffa_1", "5000000", "Tariffa fuori misura"),
            ("comp_utente_1", "500", "superano la spesa"),
        ] {
            let (mut form, _) = erogazione_form();
            form.set("quantita_1", "1");
            form.set("tariffa_1", "12,50");
            form.set(field, value);
            let (id, msg) = read_erogazione(&form, &Erogazione::default(), TODAY).unwrap_err();
            let expected = if field == "comp_utente_1" {
                "comp_utente_1"
            } else {
                field
            };
            assert_eq!(id, expected, "{value}: {msg}");
            assert!(msg.contains(needle), "{value}: {msg}");
        }
    }
}
