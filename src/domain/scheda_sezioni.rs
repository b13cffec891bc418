//! The scheda's sections about the person's situation (SISO-DOMAIN.md §1.2 B.3, §3.11): the rules of
//! the residence (required unless senza fissa dimora; outside the ambito, why the person came
//! here), the checks of the stranieri fields, the permesso di soggiorno about to expire, and the
//! familiari e conviventi kept in `dati` as a list of [`Familiare`] records (the cartella's model,
//! so that a presa in carico copies them as they are).

use serde_json::{Map, Value};

use super::caso::Familiare;
use super::date;
use super::fold::fold;

/// The field of the scheda holding its familiari e conviventi (a JSON array of [`Familiare`]).
pub const FAMILIARI: &str = "familiari";

/// Days before its expiry from which a permesso di soggiorno is flagged on the person card.
pub const PERMESSO_AVVISO_GIORNI: i64 = 60;

/// The field with the expiry date (ISO) of the permesso di soggiorno.
pub const SCADENZA_PERMESSO: &str = "str_scadenza_permesso";

/// The code of `str_presenza_regione` for a person who came to the regione (the year is asked).
pub const IMMIGRATO_IN_REGIONE: &str = "immigrato";

/// Longest permesso number kept (the format varies: letters, digits, spaces, dashes, slashes).
const NUMERO_PERMESSO_MAX: usize = 20;

fn text<'a>(dati: &'a Map<String, Value>, campo: &str) -> &'a str {
    dati.get(campo).and_then(Value::as_str).unwrap_or("").trim()
}

fn codes(dati: &Map<String, Value>, campo: &str) -> bool {
    match dati.get(campo) {
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::String(s)) => !s.trim().is_empty(),
        _ => false,
    }
}

/// The residence rules, for completion: (field, Italian message). `comuni_ambito` are the Belfiore
/// codes of the comuni of the ente and its ambito (empty: the ente has none, nothing is asked).
pub fn residenza_problems(
    dati: &Map<String, Value>,
    comuni_ambito: &[String],
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let sfd = dati.get("senza_fissa_dimora").and_then(Value::as_bool) == Some(true);
    let comune = text(dati, "res_comune");
    if comune.is_empty() {
        if !sfd {
            out.push((
                "res_comune",
                "Indicare il comune di residenza, oppure segnare «Senza fissa dimora»".to_string(),
            ));
        }
    } else if fuori_ambito(comune, comuni_ambito)
        && !codes(dati, "motivi_fuori_ambito")
        && text(dati, "motivi_fuori_ambito_altro").is_empty()
    {
        out.push((
            "motivi_fuori_ambito",
            "Residenza fuori dall'ambito: indicare perché si rivolge a questo sportello"
                .to_string(),
        ));
    }
    out
}

/// Whether a residence in `comune` is outside the ambito (never when the ambito is unknown).
pub fn fuori_ambito(comune: &str, comuni_ambito: &[String]) -> bool {
    !comune.is_empty() && !comuni_ambito.is_empty() && !comuni_ambito.iter().any(|c| c == comune)
}

/// Belfiore codes of the 26 states of the European Union other than Italy (an empty cittadinanza
/// is Italian). `screens/scheda.toml` shows the stranieri section outside them.
pub const STATI_UE: [&str; 26] = [
    "Z102", "Z103", "Z104", "Z107", "Z109", "Z110", "Z112", "Z115", "Z116", "Z120", "Z121", "Z126",
    "Z127", "Z128", "Z129", "Z131", "Z132", "Z134", "Z144", "Z145", "Z146", "Z149", "Z150", "Z155",
    "Z156", "Z211",
];

/// Whether the person of the scheda is a citizen of a state outside the European Union.
pub fn extra_ue(dati: &Map<String, Value>) -> bool {
    let c = text(dati, "cittadinanza");
    !c.is_empty() && !STATI_UE.contains(&c)
}

/// The office requires the stranieri section (REQ_STRANIERI): for a citizen outside the European
/// Union, at least the country of origin and the situation of the permesso.
pub fn stranieri_richiesti(dati: &Map<String, Value>) -> Vec<(&'static str, String)> {
    if !extra_ue(dati) {
        return Vec::new();
    }
    [
        ("str_paese_origine", "il paese di origine"),
        ("str_status_permesso", "la situazione del permesso"),
    ]
    .into_iter()
    .filter(|(campo, _)| text(dati, campo).is_empty())
    .map(|(campo, what)| {
        (
            campo,
            format!("L'ufficio richiede la sezione Stranieri: indicare {what}"),
        )
    })
    .collect()
}

/// The stranieri fields that cannot be stored as typed: (field, Italian message). `oggi` is ISO.
pub fn stranieri_problems(dati: &Map<String, Value>, oggi: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let anno_oggi = date::parse_iso(oggi).map_or(9999, |d| d.year());
    let anno = |campo: &'static str, label: &str, out: &mut Vec<(&'static str, String)>| {
        let v = dati.get(campo).filter(|v| !v.is_null())?;
        match v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()) {
            Some(a) if (1900..=i64::from(anno_oggi)).contains(&a) => Some(a),
            Some(a) if a > i64::from(anno_oggi) => {
                out.push((
                    campo,
                    format!("{label}: l'anno non può essere successivo a quest'anno"),
                ));
                None
            }
            _ => {
                out.push((
                    campo,
                    format!("{label}: un anno di quattro cifre, dal 1900 a oggi"),
                ));
                None
            }
        }
    };
    let arrivo = anno("str_anno_arrivo", "Anno del primo arrivo", &mut out);
    let permesso = anno("str_anno_permesso", "Anno del primo permesso", &mut out);
    if let (Some(a), Some(p)) = (arrivo, permesso)
        && p < a
    {
        out.push((
            "str_anno_permesso",
            "Il primo permesso non può precedere il primo arrivo".to_string(),
        ));
    }
    if text(dati, "str_presenza_regione") == IMMIGRATO_IN_REGIONE
        && let Some(a) = anno(
            "str_anno_arrivo_regione",
            "Anno di arrivo in regione",
            &mut out,
        )
    {
        let nascita = date::parse_iso(text(dati, "data_nascita")).map(|d| i64::from(d.year()));
        if let Some(n) = nascita.filter(|n| a < *n) {
            out.push((
                "str_anno_arrivo_regione",
                format!("L'arrivo in regione non può precedere la nascita ({n})"),
            ));
        }
    }
    let numero = text(dati, "str_numero_permesso");
    let ammessi = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.');
    if numero.chars().count() > NUMERO_PERMESSO_MAX {
        out.push((
            "str_numero_permesso",
            format!("Numero del permesso: al massimo {NUMERO_PERMESSO_MAX} caratteri"),
        ));
    } else if !numero.chars().all(ammessi) {
        out.push((
            "str_numero_permesso",
            "Numero del permesso: solo lettere, cifre, spazi e - / .".to_string(),
        ));
    }
    let scadenza = text(dati, SCADENZA_PERMESSO);
    if !scadenza.is_empty() && date::parse_iso(scadenza).is_none() {
        out.push((
            SCADENZA_PERMESSO,
            "Scadenza del permesso: una data valida (gg/mm/aaaa)".to_string(),
        ));
    }
    out
}

/// A permesso di soggiorno expired or expiring within [`PERMESSO_AVVISO_GIORNI`] days of `oggi`:
/// its expiry (ISO) and the days left (negative once expired).
pub fn permesso_in_scadenza(scadenza: &str, oggi: &str) -> Option<(String, i64)> {
    let s = date::parse_iso(scadenza)?;
    let o = date::parse_iso(oggi)?;
    let giorni = (s - o).whole_days();
    (giorni <= PERMESSO_AVVISO_GIORNI).then(|| (date::iso(s), giorni))
}

/// What the person card shows beside «Permesso soggiorno» for a permesso about to expire.
pub fn avviso_permesso(scadenza: &str, giorni: i64) -> String {
    let data = date::italian(scadenza);
    match giorni {
        g if g < 0 => format!("SCADUTO il {data}"),
        0 => format!("scade OGGI ({data})"),
        1 => format!("scade domani ({data})"),
        g => format!("scade il {data}, tra {g} giorni"),
    }
}

/// The familiari e conviventi of a scheda's `dati` (rows that do not read are left out).
pub fn familiari(dati: &Map<String, Value>) -> Vec<Familiare> {
    match dati.get(FAMILIARI) {
        Some(Value::Array(rows)) => rows
            .iter()
            .filter_map(|r| serde_json::from_value::<Familiare>(r.clone()).ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether two familiari are the same person: the same codice fiscale when both have one,
/// otherwise the same cognome and nome (folded) born the same day (or either without a date).
pub fn stesso_familiare(a: &Familiare, b: &Familiare) -> bool {
    let cf = |f: &Familiare| {
        f.codice_fiscale
            .as_deref()
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
    };
    if let (Some(x), Some(y)) = (cf(a), cf(b)) {
        return x == y;
    }
    let nome = |f: &Familiare| (fold(&f.cognome), fold(&f.nome));
    let nascita = |f: &Familiare| f.data_nascita.clone().filter(|d| !d.is_empty());
    nome(a) == nome(b)
        && match (nascita(a), nascita(b)) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
}

/// The familiari of a scheda that a presa in carico adds to the cartella: those with a kind the
/// cartella knows (convivente, familiare, amicale) and a name, not already among `cartella`'s
/// (see [`stesso_familiare`]), each once.
pub fn familiari_da_copiare(scheda: Vec<Familiare>, cartella: &[Familiare]) -> Vec<Familiare> {
    let mut out: Vec<Familiare> = Vec::new();
    for f in scheda {
        let known = matches!(f.tipo.as_str(), "convivente" | "familiare" | "amicale");
        let named = !f.cognome.trim().is_empty() && !f.nome.trim().is_empty();
        let copied = cartella.iter().chain(&out).any(|c| stesso_familiare(c, &f));
        if known && named && !copied {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dati(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn fields(p: Vec<(&'static str, String)>) -> Vec<&'static str> {
        p.into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn residence_is_required_unless_senza_fissa_dimora() {
        let ambito = vec!["G478".to_string(), "D279".to_string()];
        let p = residenza_problems(&dati(&[]), &ambito);
        assert_eq!(fields(p.clone()), ["res_comune"]);
        assert!(p[0].1.contains("Senza fissa dimora"), "{}", p[0].1);
        let sfd = dati(&[("senza_fissa_dimora", Value::Bool(true))]);
        assert!(residenza_problems(&sfd, &ambito).is_empty());
        let dentro = dati(&[("res_comune", "D279".into())]);
        assert!(residenza_problems(&dentro, &ambito).is_empty());
        let fuori = dati(&[("res_comune", "H501".into())]);
        assert_eq!(
            fields(residenza_problems(&fuori, &ambito)),
            ["motivi_fuori_ambito"]
        );
        assert!(
            residenza_problems(&fuori, &[]).is_empty(),
            "ambito unknown: nothing asked"
        );
        let mut motivato = fuori.clone();
        motivato.insert("motivi_fuori_ambito".into(), serde_json::json!(["lavoro"]));
        assert!(residenza_problems(&motivato, &ambito).is_empty());
        let mut altro = fuori;
        altro.insert("motivi_fuori_ambito_altro".into(), "Vicino ai figli".into());
        assert!(residenza_problems(&altro, &ambito).is_empty());
    }

    #[test]
    fn stranieri_fields_are_checked() {
        let oggi = "2026-11-30";
        let ok = dati(&[
            ("str_anno_arrivo", Value::from(2015)),
            ("str_anno_permesso", Value::from(2016)),
            ("str_numero_permesso", "I0123456 AB-7".into()),
            (SCADENZA_PERMESSO, "2027-01-15".into()),
        ]);
        assert!(stranieri_problems(&ok, oggi).is_empty());
        let bad = dati(&[
            ("str_anno_arrivo", Value::from(2027)),
            ("str_anno_permesso", Value::from(15)),
            ("str_numero_permesso", "12345678901234567890X".into()),
            (SCADENZA_PERMESSO, "2027-02-30".into()),
        ]);
        let p = stranieri_problems(&bad, oggi);
        assert_eq!(
            fields(p.clone()),
            [
                "str_anno_arrivo",
                "str_anno_permesso",
                "str_numero_permesso",
                SCADENZA_PERMESSO
            ]
        );
        assert!(p[0].1.contains("non può essere successivo"), "{}", p[0].1);
        let before = dati(&[
            ("str_anno_arrivo", Value::from(2018)),
            ("str_anno_permesso", Value::from(2016)),
            ("str_numero_permesso", "AB<script>".into()),
        ]);
        assert_eq!(
            fields(stranieri_problems(&before, oggi)),
            ["str_anno_permesso", "str_numero_permesso"]
        );
    }

    #[test]
    fn presenza_in_regione_year_is_checked_against_today_and_birth() {
        let oggi = "2026-11-30";
        let arrivo = |anno: i64| {
            dati(&[
                ("data_nascita", "1985-03-02".into()),
                ("str_presenza_regione", IMMIGRATO_IN_REGIONE.into()),
                ("str_anno_arrivo_regione", Value::from(anno)),
            ])
        };
        assert!(stranieri_problems(&arrivo(2012), oggi).is_empty());
        assert!(stranieri_problems(&arrivo(1985), oggi).is_empty());
        let prima = stranieri_problems(&arrivo(1980), oggi);
        assert_eq!(fields(prima.clone()), ["str_anno_arrivo_regione"]);
        assert!(
            prima[0].1.contains("precedere la nascita (1985)"),
            "{}",
            prima[0].1
        );
        let dopo = stranieri_problems(&arrivo(2027), oggi);
        assert!(
            dopo[0].1.contains("successivo a quest'anno"),
            "{}",
            dopo[0].1
        );
        assert_eq!(
            fields(stranieri_problems(&arrivo(85), oggi)),
            ["str_anno_arrivo_regione"]
        );
        let mut nato = arrivo(1980);
        nato.insert("str_presenza_regione".into(), "nato".into());
        assert!(
            stranieri_problems(&nato, oggi).is_empty(),
            "born in the regione: the year is not asked"
        );
    }

    #[test]
    fn permesso_flagged_within_sixty_days_or_expired() {
        let oggi = "2026-11-30";
        assert_eq!(
            permesso_in_scadenza("2027-01-29", oggi),
            Some(("2027-01-29".to_string(), 60))
        );
        assert_eq!(permesso_in_scadenza("2027-01-30", oggi), None, "61 days");
        assert_eq!(
            permesso_in_scadenza("2026-11-01", oggi),
            Some(("2026-11-01".to_string(), -29))
        );
        assert_eq!(permesso_in_scadenza("", oggi), None);
        assert_eq!(
            avviso_permesso("2026-12-20", 20),
            "scade il 20/12/2026, tra 20 giorni"
        );
        assert!(avviso_permesso("2026-11-01", -29).contains("SCADUTO il 01/11/2026"));
    }

    #[test]
    fn familiari_read_as_the_cartella_model() {
        let d = dati(&[(
            FAMILIARI,
            serde_json::json!([
                {"tipo": "convivente", "cognome": "Haddad", "nome": "Amina", "relazione": "coniuge",
                 "data_nascita": "1988-02-03", "sesso": "F", "condizione_lavorativa": "casalinga"},
                "not a row"
            ]),
        )]);
        let f = familiari(&d);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].cognome, "Haddad");
        assert_eq!(f[0].relazione.as_deref(), Some("coniuge"));
        assert_eq!(f[0].data_nascita.as_deref(), Some("1988-02-03"));
        assert_eq!(f[0].id, 0, "not yet a row of a cartella");
    }

    fn familiare(cognome: &str, nome: &str, cf: Option<&str>, nascita: Option<&str>) -> Familiare {
        Familiare {
            tipo: "convivente".into(),
            cognome: cognome.into(),
            nome: nome.into(),
            codice_fiscale: cf.map(str::to_string),
            data_nascita: nascita.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn a_presa_in_carico_copies_only_familiari_the_cartella_lacks() {
        let cartella = vec![
            familiare("Haddad", "Amina", None, Some("1988-02-03")),
            familiare("Rossi", "Luca", Some("RSSLCU80A01G478X"), None),
        ];
        let scheda = vec![
            familiare("HADDAD", "amina", None, Some("1988-02-03")),
            familiare("Rossi", "Luca Maria", Some("rsslcu80a01g478x"), None),
            familiare("Haddad", "Youssef", None, Some("2015-06-01")),
            familiare("Haddad", "Youssef", None, None),
            familiare("Haddad", "Sara", None, Some("2017-01-01")),
            Familiare {
                tipo: "sconosciuto".into(),
                ..familiare("Bianchi", "Anna", None, None)
            },
        ];
        let nuovi = familiari_da_copiare(scheda, &cartella);
        let nomi: Vec<&str> = nuovi.iter().map(|f| f.nome.as_str()).collect();
        assert_eq!(
            nomi,
            ["Youssef", "Sara"],
            "same name and birth, or same CF, is already there; a repeated row is copied once; an unknown kind is left out"
        );
        assert!(!stesso_familiare(
            &familiare("Haddad", "Sara", None, Some("2017-01-01")),
            &familiare("Haddad", "Sara", None, Some("2018-01-01"))
        ));
    }
}
