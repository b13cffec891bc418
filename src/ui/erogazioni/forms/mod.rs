//! The forms of interventi and erogazioni (`screens/intervento.toml`, `erogazione.toml`,
//! `foglio.toml`): their code lists (the nomenclatore as the picker shows it, the progetti, the
//! SIUSS table, the program's fixed lists), the operation rows of an erogazione (the section
//! «operazione» repeated, each row titled with its spesa computed), and the records read back,
//! with the Italian error on the field that is wrong. The erogazione's form (its operation rows
//! and its SINA block) is [`erogazione`].

mod erogazione;

pub use erogazione::{fill_erogazione, make_room, quota_bp, read_erogazione, sync_righe, totali};

use crate::domain::date::{gg_mm_aaaa, parse_iso};
use crate::domain::erogazioni::{
    Foglio, Intervento, MAX_QUANTITA_CENT, MAX_TARIFFA_CENTS, format_quantita, parse_quantita,
    problemi_intervento,
};
use crate::domain::money::{format_cents, format_euro, parse_money};
use crate::service::codes::Lists;
use crate::service::erogazioni::Nomenclatore;
use crate::ui::widgets::form::Form;

/// The id of the section of `erogazione.toml` that is one operation row.
pub const RIGA: &str = "operazione";

/// A field's error: (field id, Italian message).
pub type Errore = (String, String);

/// The code list of the erogazione form's link to an intervento: the beneficiary's interventi.
pub const INTERVENTI: &str = "interventi_persona";

/// The prefix of the picker's keys that are SIUSS prestazioni rather than tipi of the ente: the
/// third family of the nomenclatore (the ente's node for the prestazione is made on save).
pub const SIUSS_KEY: &str = "siuss:";

const FIXED: &[(&str, &[(&str, &str)])] = &[
    (
        "tipo_beneficiario",
        &[
            ("individuale", "Individuale"),
            ("nucleo", "Nucleo familiare"),
            ("gruppo", "Gruppo"),
        ],
    ),
    (
        "origine_intervento",
        &[("programmato", "Programmato"), ("richiesto", "Richiesto")],
    ),
    (
        "frequenza_intervento",
        &[
            ("U", "Una tantum"),
            ("O", "Periodico irregolare"),
            ("P", "Periodico regolare"),
        ],
    ),
    (
        "cadenza_fruizione",
        &[
            ("G", "giorno"),
            ("S", "settimana"),
            ("M", "mese"),
            ("2M", "bimestre"),
            ("3M", "trimestre"),
            ("6M", "semestre"),
            ("A", "anno"),
        ],
    ),
    (
        "prova_mezzi",
        &[
            ("1", "ISEE"),
            ("2", "Altra prova dei mezzi"),
            ("3", "ISEE non richiesto (esenzione)"),
            ("4", "Nessuna prova dei mezzi"),
        ],
    ),
    (
        "carattere_erogazione",
        &[("1", "Periodico"), ("2", "Occasionale")],
    ),
    ("in_carico", &[("1", "Sì"), ("0", "No"), ("2", "Non so")]),
    (
        "stato_riga",
        &[
            ("erogata", "Erogata"),
            ("prevista", "Prevista (da confermare)"),
        ],
    ),
    (
        "tipo_foglio",
        &[
            ("V", "Valutazione"),
            ("G", "Graduatoria"),
            ("A", "Attivazione"),
            ("S", "Sospensione"),
            ("C", "Chiusura"),
        ],
    ),
    (
        "fascia_graduatoria",
        &[
            ("I", "I fascia"),
            ("II", "II fascia"),
            ("III", "III fascia"),
        ],
    ),
    ("esportata_siuss", &[("si", "Sì"), ("no", "No")]),
    // The SINA lists of the INPS schema (SIUSS-EXPORT.md §5, `codes/sina_*.csv`).
    (
        "sina_mobilita",
        &[
            ("1", "Si sposta da solo"),
            ("2", "Si sposta assistito"),
            ("3", "Non si sposta"),
        ],
    ),
    (
        "sina_attivita_vita_quotidiana",
        &[
            ("1", "Autonomo"),
            ("2", "Parzialmente dipendente"),
            ("3", "Totalmente dipendente"),
        ],
    ),
    (
        "sina_disturbi_area_cognitiva",
        &[("1", "Lievi"), ("2", "Moderati"), ("3", "Gravi")],
    ),
    (
        "sina_disturbi_comportamentali",
        &[("1", "Assenti"), ("2", "Presenti")],
    ),
    (
        "sina_necessita_cure_sanitarie",
        &[("1", "Bassa"), ("2", "Media"), ("3", "Alta")],
    ),
    (
        "sina_area_reddituale",
        &[
            ("1", "Autonomo e in equilibrio finanziario"),
            ("2", "Riceve aiuto da parenti e/o da altre persone"),
            ("3", "In condizione di bisogno economico e senza aiuti"),
        ],
    ),
    (
        "sina_area_supporto",
        &[
            ("1", "Presenza della rete familiare o informale"),
            ("2", "Presenza parziale e/o temporanea della rete"),
            ("3", "Assenza della rete familiare o informale"),
        ],
    ),
    (
        "sina_fonte_derivazione_valutazione",
        &[
            ("1", "UVM (unità di valutazione multidimensionale)"),
            ("2", "Cartella sociale"),
            ("3", "Altra documentazione"),
            ("4", "Raccolta diretta"),
        ],
    ),
    (
        "sina_strumento_valutazione",
        &[
            ("1", "SVAMA"),
            ("2", "AGED"),
            ("3", "RUG"),
            ("4", "SOSIA"),
            ("5", "Schema polare"),
            ("6", "VALGRAF"),
            ("7", "Altro sistema di codifica"),
        ],
    ),
    (
        "sina_fonte_derivazione_invalidita",
        &[
            ("1", "Certificazione verificata on line o cartacea"),
            ("2", "Dichiarazione della persona"),
        ],
    ),
    (
        "sina_invalidita_civile",
        &[
            ("1", "Invalidità civile parziale non inferiore al 75%"),
            (
                "2",
                "Invalidità civile totale con indennità di accompagnamento",
            ),
            (
                "3",
                "Invalidità civile totale senza indennità di accompagnamento",
            ),
            ("4", "Certificazione NPI (neuropsichiatria infantile)"),
            ("5", "L.104 art. 3 comma 1"),
            ("6", "L.104 art. 3 comma 3"),
            ("7", "L.104 art. 12"),
            ("8", "L.104 art. 13"),
        ],
    ),
];

/// The nomenclatore as a picker list: the ente's tipi and the ISTAT classes, each with its code,
/// unit, SIUSS code and family, the ones most used for the categoria first.
pub fn nomenclatore_list(n: &Nomenclatore) -> Vec<(String, String)> {
    let label = |t: &crate::domain::erogazioni::TipoIntervento, frequente: bool| {
        let mut s = format!("{} {}", t.codice, t.etichetta);
        if let Some(u) = &t.unita_misura {
            s.push_str(&format!(" · {u}"));
        }
        if let Some(c) = &t.siuss_codice {
            s.push_str(&format!(" · SIUSS {c}"));
        }
        s.push_str(if t.famiglia == "istat" {
            " · ISTAT"
        } else {
            " · ente"
        });
        if frequente {
            s.push_str(" · frequente");
        }
        (t.id.to_string(), s)
    };
    let attivi = || n.tipi.iter().filter(|t| t.attivo);
    let mut out: Vec<(String, String)> = n
        .frequenti
        .iter()
        .filter_map(|id| attivi().find(|t| t.id == *id))
        .map(|t| label(t, true))
        .collect();
    out.extend(
        attivi()
            .filter(|t| !n.frequenti.contains(&t.id))
            .map(|t| label(t, false)),
    );
    // SIUSS prestazioni not already a node of the ente (under their own code).
    out.extend(
        n.prestazioni
            .iter()
            .filter(|p| p.attivo && !attivi().any(|t| t.codice == p.codice && t.ente_id.is_some()))
            .map(|p| {
                let d = p
                    .denominazione
                    .as_deref()
                    .unwrap_or("(denominazione INPS non caricata)");
                (
                    format!("{SIUSS_KEY}{}", p.codice),
                    format!("{} {d} · prestazione SIUSS", p.codice),
                )
            }),
    );
    out
}

/// The tipo chosen: its id, or (id 0) the code of the SIUSS prestazione chosen as tipo.
fn tipo(form: &Form) -> Result<(i64, Option<String>), Errore> {
    match form.value("tipo").strip_prefix(SIUSS_KEY) {
        Some(c) => Ok((0, Some(c.to_string()))),
        None => code(form, "tipo").map(|id| (id, None)),
    }
}

/// The lists a form of this module uses: the nomenclatore's, the fixed ones, and the database's.
pub fn code_lists(form: &mut Form, n: &Nomenclatore, lists: Lists) {
    form.code_lists = lists;
    for (name, items) in FIXED {
        form.code_lists.insert(
            name.to_string(),
            items
                .iter()
                .map(|(c, l)| (c.to_string(), l.to_string()))
                .collect(),
        );
    }
    set_nomenclatore(form, n);
    form.code_lists.insert(
        "progetto".into(),
        n.progetti
            .iter()
            .map(|p| {
                let fonte = p
                    .fonte
                    .as_deref()
                    .map(|f| format!(" ({f})"))
                    .unwrap_or_default();
                (
                    p.id.to_string(),
                    format!("{} {}{fonte}", p.codice, p.titolo),
                )
            })
            .collect(),
    );
    form.code_lists.insert(
        "prestazione_siuss".into(),
        n.prestazioni
            .iter()
            .filter(|p| p.attivo)
            .map(|p| {
                let d = p
                    .denominazione
                    .clone()
                    .unwrap_or_else(|| "(denominazione INPS non caricata)".into());
                (p.codice.clone(), format!("{} {d}", p.codice))
            })
            .collect(),
    );
}

/// Replaces the nomenclatore of the form (another categoria: other frequent tipi).
pub fn set_nomenclatore(form: &mut Form, n: &Nomenclatore) {
    form.code_lists
        .insert("nomenclatore".into(), nomenclatore_list(n));
}

fn opt(form: &Form, id: &str) -> Option<String> {
    form.text(id)
}

fn err(id: &str, msg: impl Into<String>) -> Errore {
    (id.to_string(), msg.into())
}

fn date(form: &Form, id: &str, today: time::Date) -> Result<Option<String>, Errore> {
    form.date_iso(id, today)
}

/// A money field in cents: empty is `None`; negative or beyond `max` is refused.
fn money(form: &Form, id: &str, max: i64, what: &str) -> Result<Option<i64>, Errore> {
    let Some(t) = opt(form, id) else {
        return Ok(None);
    };
    let c = parse_money(&t).map_err(|e| err(id, e))?;
    if c < 0 {
        return Err(err(
            id,
            format!("{what}: l'importo non può essere negativo"),
        ));
    }
    if c > max {
        return Err(err(
            id,
            format!("{what} fuori misura: al massimo {}", format_euro(max)),
        ));
    }
    Ok(Some(c))
}

fn quantita(form: &Form, id: &str, positive: bool) -> Result<Option<i64>, Errore> {
    let Some(t) = opt(form, id) else {
        return Ok(None);
    };
    let q = parse_quantita(&t).map_err(|e| err(id, e))?;
    if q < 0 || (positive && q == 0) {
        return Err(err(id, "La quantità deve essere maggiore di zero"));
    }
    if q > MAX_QUANTITA_CENT {
        return Err(err(
            id,
            format!(
                "Quantità fuori misura: al massimo {}",
                format_quantita(MAX_QUANTITA_CENT)
            ),
        ));
    }
    Ok(Some(q))
}

fn code<T: std::str::FromStr>(form: &Form, id: &str) -> Result<T, Errore> {
    form.value(id)
        .trim()
        .parse()
        .map_err(|_| err(id, crate::forms::fields::MSG_REQUIRED))
}

/// The field a problem of the domain checks speaks of (by its words), else `fallback`.
fn field_of(problem: &str, map: &[(&str, &str)], fallback: &str) -> String {
    map.iter()
        .find(|(needle, _)| problem.contains(needle))
        .map_or(fallback, |(_, id)| id)
        .to_string()
}

/// A new intervento's form filled with what is known.
pub fn fill_intervento(
    form: &mut Form,
    cf: Option<&str>,
    categoria: Option<&str>,
    today: time::Date,
) {
    form.set("beneficiario", cf.unwrap_or(""));
    form.set("categoria", categoria.unwrap_or(""));
    form.set("tipo_beneficiario", "individuale");
    form.set("n_beneficiari", "1");
    form.set("origine", "programmato");
    form.set("frequenza", "U");
    form.set("dal", &gg_mm_aaaa(today));
}

/// The form of a saved intervento, filled from the record.
pub fn fill_intervento_da(form: &mut Form, i: &Intervento, cf: Option<&str>) {
    let date = |d: &str| parse_iso(d).map(gg_mm_aaaa).unwrap_or_default();
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let cents = |c: Option<i64>| c.map(format_cents).unwrap_or_default();
    form.set("beneficiario", cf.unwrap_or(""));
    form.set("tipo_beneficiario", &i.tipo_beneficiario);
    form.set("n_beneficiari", &i.n_beneficiari.to_string());
    form.set("categoria", &i.categoria_sociale);
    form.set("tipo", &i.tipo_id.to_string());
    form.set("origine", &i.origine);
    form.set("frequenza", &i.frequenza);
    form.set("dal", &date(&i.dal));
    form.set("al", &i.al.as_deref().map(date).unwrap_or_default());
    form.set(
        "progetto",
        &i.progetto_id.map(|p| p.to_string()).unwrap_or_default(),
    );
    form.set("attivita", &s(&i.attivita));
    form.set("titolare", &s(&i.titolare));
    form.set("unita_misura", &s(&i.unita_misura));
    form.set("tariffa", &cents(i.tariffa_cents));
    form.set(
        "quantita",
        &i.quantita_cent.map(format_quantita).unwrap_or_default(),
    );
    form.set("fruizione", &s(&i.fruizione));
    form.set("comp_utente", &cents(i.comp_utente_cents));
    form.set("comp_cadenza", &s(&i.comp_cadenza));
    form.set("note", &s(&i.note));
}

/// The intervento typed over `base` (the record as read, or a new one): the beneficiary's codice
/// fiscale, the record, and the SIUSS prestazione when one was chosen as tipo.
pub fn read_intervento(
    form: &Form,
    base: &Intervento,
    today: time::Date,
) -> Result<(String, Intervento, Option<String>), Errore> {
    let (tipo_id, tipo_siuss) = tipo(form)?;
    let i = Intervento {
        tipo_beneficiario: form.value("tipo_beneficiario"),
        n_beneficiari: match opt(form, "n_beneficiari") {
            None => 1,
            Some(t) => {
                crate::forms::fields::parse_integer(&t).map_err(|e| err("n_beneficiari", e))?
            }
        },
        tipo_id,
        categoria_sociale: form.value("categoria"),
        origine: form.value("origine"),
        dal: date(form, "dal", today)?.unwrap_or_default(),
        al: date(form, "al", today)?,
        frequenza: form.value("frequenza"),
        progetto_id: opt(form, "progetto").and_then(|p| p.parse().ok()),
        attivita: opt(form, "attivita"),
        titolare: opt(form, "titolare"),
        unita_misura: opt(form, "unita_misura"),
        tariffa_cents: money(form, "tariffa", MAX_TARIFFA_CENTS, "Tariffa")?,
        quantita_cent: quantita(form, "quantita", false)?,
        fruizione: opt(form, "fruizione"),
        comp_utente_cents: money(form, "comp_utente", MAX_TARIFFA_CENTS, "Compartecipazione")?,
        comp_cadenza: opt(form, "comp_cadenza"),
        note: opt(form, "note"),
        ..base.clone()
    };
    if let Some(p) = problemi_intervento(&i).into_iter().next() {
        let map = [
            ("inizio", "dal"),
            ("fine", "al"),
            ("frequenza", "frequenza"),
            ("numero di beneficiari", "n_beneficiari"),
            ("individuale", "n_beneficiari"),
            ("tipo di beneficiario", "tipo_beneficiario"),
            ("categoria", "categoria"),
        ];
        return Err((field_of(&p, &map, "tipo"), upper_first(&p)));
    }
    Ok((
        form.value("beneficiario").trim().to_uppercase(),
        i,
        tipo_siuss,
    ))
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The foglio typed, for intervento `intervento_id`.
pub fn read_foglio(form: &Form, intervento_id: i64, today: time::Date) -> Result<Foglio, Errore> {
    let f = Foglio {
        intervento_id,
        tipo: form.value("tipo"),
        data: date(form, "data", today)?.unwrap_or_default(),
        dal: date(form, "dal", today)?,
        al: date(form, "al", today)?,
        dettaglio: opt(form, "dettaglio"),
        punteggio: match opt(form, "punteggio") {
            None => None,
            Some(t) => {
                Some(crate::forms::fields::parse_integer(&t).map_err(|e| err("punteggio", e))?)
            }
        },
        fascia: opt(form, "fascia"),
        respinto: form.value("respinto") == "true",
        motivazione: opt(form, "motivazione"),
        ..Default::default()
    };
    if f.tipo == "C" && f.dettaglio.is_none() {
        return Err(err("dettaglio", "La chiusura richiede il motivo"));
    }
    Ok(f)
}

/// One line describing an intervento (the choice of the one a foglio goes to).
pub fn intervento_line(i: &Intervento, tipo: &str) -> String {
    let stato = match i.stato.as_str() {
        "V" => "in valutazione",
        "G" => "in graduatoria",
        "A" => "attivo",
        "S" => "sospeso",
        "C" => "chiuso",
        _ => "",
    };
    let periodo = match &i.al {
        Some(al) => format!(
            "dal {} al {}",
            crate::domain::date::italian(&i.dal),
            crate::domain::date::italian(al)
        ),
        None => format!("dal {}", crate::domain::date::italian(&i.dal)),
    };
    format!("{tipo} · {periodo} · {stato}")
}
