//! The schema's restrictions (lengths, enumerations, patterns, required attributes) and the INPS
//! rules on the typed values of a flow, in Italian: what fails here is never written.

use super::{Beneficiario, EnteFlusso, Periodo, Prestazione};
use crate::domain::date::parse_iso;
use crate::domain::erogazioni::Sina;

/// The XSD pattern of a codice fiscale: 16 characters (omocodia allowed) or 11 digits and up to 5
/// spaces.
pub fn cf_pattern(cf: &str) -> bool {
    let b = cf.as_bytes();
    let alpha = |c: u8| c.is_ascii_alphabetic();
    let digit = |c: u8| c.is_ascii_digit();
    let personal = b.len() == 16
        && b[..6].iter().all(|c| alpha(*c))
        && b[6..8].iter().all(|c| digit(*c))
        && alpha(b[8])
        && b[9..11].iter().all(|c| digit(*c))
        && alpha(b[11])
        && b[12..15].iter().all(|c| c.is_ascii_alphanumeric())
        && alpha(b[15]);
    let numeric = (11..=16).contains(&b.len())
        && b[..11].iter().all(|c| digit(*c))
        && b[11..].iter().all(|c| *c == b' ');
    personal || numeric
}

pub(super) fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// The schema's restrictions on a beneficiary (what [`beneficiario`] builds always passes).
pub fn check_beneficiario(b: &Beneficiario) -> Vec<String> {
    let mut p = Vec::new();
    if !cf_pattern(&b.codice_fiscale) {
        p.push("CodiceFiscale: formato non valido".to_string());
    }
    for (v, what) in [(&b.cognome, "Cognome"), (&b.nome, "Nome")] {
        if !(1..=36).contains(&v.chars().count()) {
            p.push(format!("{what}: da 1 a 36 caratteri"));
        }
    }
    if !digits(&b.anno_nascita, 4) {
        p.push("AnnoNascita: 4 cifre".into());
    }
    if b.luogo_nascita.chars().count() != 4 {
        p.push("LuogoNascita: 4 caratteri".into());
    }
    if !["1", "2"].contains(&b.genere.as_str()) {
        p.push("Genere: 1 o 2".into());
    }
    if !digits(&b.cittadinanza, 3)
        || b.seconda_cittadinanza
            .as_deref()
            .is_some_and(|c| !digits(c, 3))
    {
        p.push("CodiceCittadinanza: 3 cifre".into());
    }
    if !digits(&b.nazione, 3) {
        p.push("CodiceNazione: 3 cifre".into());
    }
    if b.regione.as_deref().is_some_and(|r| !digits(r, 2))
        || b.comune.as_deref().is_some_and(|c| !digits(c, 6))
    {
        p.push("CodiceRegione (2 cifre) o CodiceComune (6 cifre) non validi".into());
    }
    if b.nazione == "380" && (b.regione.is_none() || b.comune.is_none()) {
        p.push("residenza in Italia senza regione e comune".into());
    }
    p
}

/// The schema's restrictions on the ente.
pub fn check_ente(e: &EnteFlusso) -> Vec<String> {
    let mut p = Vec::new();
    if !(1..=32).contains(&e.codice.chars().count()) {
        p.push("codice dell'ente mancante o più lungo di 32 caratteri".to_string());
    }
    if e.denominazione
        .as_deref()
        .is_some_and(|d| !(1..=100).contains(&d.chars().count()))
    {
        p.push("denominazione dell'ente più lunga di 100 caratteri".into());
    }
    if e.indirizzo.chars().count() != 4 {
        p.push("codice catastale della sede dell'ente mancante".into());
    }
    if !cf_pattern(&e.cf_operatore) {
        p.push(format!(
            "codice fiscale dell'operatore «{}» non valido",
            crate::sanitize::sanitize(&e.cf_operatore)
        ));
    }
    p
}

/// `YYYY-MM-DD`: the `xs:date` of the schema, without time or zone.
fn xs_date(s: &str) -> bool {
    s.len() == 10 && parse_iso(s).is_some()
}

/// The schema's restrictions and the INPS rules on one record (Italian; empty: it can be sent).
pub fn check_prestazione(p: &Prestazione) -> Vec<String> {
    let mut v = Vec::new();
    if p.tipo_operazione
        .as_deref()
        .is_some_and(|t| !["I", "C"].contains(&t))
    {
        v.push("TipoOperazione: I o C".to_string());
    }
    if !(1..=4).contains(&p.prova_mezzi) {
        v.push("PresenzaProvaMezzi: da 1 a 4".into());
    }
    if let Some((prot, anno, data)) = &p.dsu
        && (prot.chars().count() > 30 || !digits(anno, 4) || !xs_date(data))
    {
        v.push(
            "dati DSU non validi (protocollo fino a 30 caratteri, anno di 4 cifre, data)".into(),
        );
    }
    if !(5..=10).contains(&p.codice.chars().count()) {
        v.push("CodicePrestazione: da 5 a 10 caratteri".into());
    }
    if !(10..=200).contains(&p.denominazione.chars().count()) {
        v.push("DenominazionePrestazione: da 10 a 200 caratteri".into());
    }
    if !(1..=32).contains(&p.protocollo_domanda.chars().count()) {
        v.push("protocollo della domanda: da 1 a 32 caratteri".into());
    }
    if p.data_evento.as_deref().is_some_and(|d| !xs_date(d)) {
        v.push("DataEvento non valida".into());
    }
    if p.codice == "A1.05.01" && p.data_evento.is_none() {
        v.push("per i contributi per l'affitto (A1.05.01) serve la data di effettiva erogazione (data evento)".into());
    }
    let importo = match &p.periodo {
        Periodo::Periodico {
            inizio,
            fine,
            mesi,
            mensile_cents,
            ..
        } => {
            if !xs_date(inizio) || !xs_date(fine) {
                v.push("date del periodo non valide".into());
            } else if inizio[..4] != fine[..4] || fine < inizio {
                v.push("il periodo di un record deve stare nello stesso anno".into());
            }
            if !(1..=12).contains(mesi) {
                v.push("PeriodoErogazione: da 1 a 12 mesi".into());
            }
            if *mensile_cents <= 0 {
                v.push("importo mensile non positivo".into());
            }
            *mensile_cents
        }
        Periodo::Occasionale {
            data,
            importo_cents,
        } => {
            if !xs_date(data) {
                v.push("data di erogazione non valida".into());
            }
            if *importo_cents <= 0 {
                v.push("importo della prestazione non positivo".into());
            }
            *importo_cents
        }
    };
    let quote = [p.quota_ente, p.quota_utente, p.quota_ssn];
    if quote.iter().any(|q| q.is_some_and(|q| q <= 0)) {
        v.push("le quote inviate devono essere maggiori di zero".into());
    }
    if quote.iter().any(Option::is_some) {
        let somma: i64 = quote.iter().flatten().sum();
        if somma != importo {
            v.push(format!(
                "le quote ente, utente e SSN ({}) non corrispondono all'importo ({}): altre compartecipazioni non previste dal flusso o quote incoerenti",
                crate::domain::money::format_euro(somma),
                crate::domain::money::format_euro(importo)
            ));
        }
    }
    if ![1, 2].contains(&p.presa_carico) {
        v.push("PresaCarico: 1 o 2".into());
    }
    match (p.presa_carico, p.area_utenza) {
        (1, None) => v.push("AreaUtenza obbligatoria per un beneficiario in carico".into()),
        (_, Some(a)) if !(1..=3).contains(&a) => v.push("AreaUtenza: da 1 a 3".into()),
        _ => {}
    }
    if let Some(s) = &p.sina {
        v.extend(check_sina(s));
    }
    v
}

fn in_range(v: &str, max: u8) -> bool {
    v.len() == 1 && (b'1'..=b'0' + max).contains(&v.as_bytes()[0])
}

/// The enumerations of the SINA block.
pub fn check_sina(s: &Sina) -> Vec<String> {
    let mut v = Vec::new();
    for (val, max, what) in [
        (Some(&s.mobilita), 3, "Mobilita"),
        (
            Some(&s.attivita_vita_quotidiana),
            3,
            "AttivitaVitaQuotidiana",
        ),
        (
            s.disturbi_area_cognitiva.as_ref(),
            3,
            "DisturbiAreaCognitiva",
        ),
        (
            Some(&s.disturbi_comportamentali),
            2,
            "DisturbiComportamentali",
        ),
        (
            s.necessita_cure_sanitarie.as_ref(),
            3,
            "NecessitaCureSanitarie",
        ),
        (Some(&s.area_reddituale), 3, "AreaReddituale"),
        (Some(&s.area_supporto), 3, "AreaSupporto"),
        (
            Some(&s.fonte_derivazione_valutazione),
            4,
            "FonteDerivazioneValutazione",
        ),
        (Some(&s.strumento_valutazione), 7, "StrumentoValutazione"),
        (
            s.fonte_derivazione_invalidita.as_ref(),
            2,
            "FonteDerivazioneInvalidita",
        ),
    ] {
        if let Some(val) = val
            && !in_range(val, max)
        {
            v.push(format!("SINA {what}: valore non valido"));
        }
    }
    if s.necessita_interventi
        .iter()
        .any(|c| !(5..=10).contains(&c.chars().count()))
    {
        v.push("SINA: codici delle necessità da 5 a 10 caratteri".into());
    }
    if s.invalidita_civile.iter().any(|c| !in_range(c, 8)) {
        v.push("SINA InvCiv: da 1 a 8".into());
    }
    v
}
