//! The organisations of the territory (SISO CS_O_ORGANIZZAZIONE) with their settori (CS_O_SETTORE),
//! and the punti di contatto of an ufficio (SS_PUNTO_CONTATTO). A settore is what a scheda names:
//! who sent the person ("Inviato da"), whom an interlocutore works for ("Ente/Servizio"), who provides
//! a richiesta; a scheda stores its `codice`. Checks here; storage in `store::sqlite::organizzazioni`.

use crate::sanitize::sanitize;

/// An organisation and its settori.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Organizzazione {
    /// 0 for a new one.
    pub id: i64,
    pub version: i64,
    pub nome: String,
    /// Code of the `tipo_organizzazione` list.
    pub tipo: String,
    /// Its zona sociale when not ours (`None`: della zona).
    pub zona: Option<String>,
    pub codice_fiscale: Option<String>,
    pub indirizzo: Option<String>,
    pub telefono: Option<String>,
    pub email: Option<String>,
    pub pec: Option<String>,
    pub attivo: bool,
    pub settori: Vec<Settore>,
}

/// A service or unit of an organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settore {
    /// 0 for a new one.
    pub id: i64,
    pub version: i64,
    /// Empty for a new one: the store gives `s<id>`.
    pub codice: String,
    pub nome: String,
    pub telefono: Option<String>,
    pub email: Option<String>,
    pub orari: Option<String>,
    pub inviante: bool,
    pub interlocutore: bool,
    pub erogatore: bool,
    pub attivo: bool,
}

/// What a settore is named for on a scheda.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ruolo {
    /// "Inviato da".
    Inviante,
    /// The interlocutore's "Ente/Servizio".
    Interlocutore,
    /// Who provides a richiesta.
    Erogatore,
}

impl Settore {
    pub fn has(&self, ruolo: Ruolo) -> bool {
        match ruolo {
            Ruolo::Inviante => self.inviante,
            Ruolo::Interlocutore => self.interlocutore,
            Ruolo::Erogatore => self.erogatore,
        }
    }
}

/// A place where an ufficio receives the public.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PuntoContatto {
    /// 0 for a new one.
    pub id: i64,
    pub version: i64,
    pub ufficio_id: i64,
    pub nome: String,
    pub indirizzo: Option<String>,
    pub telefono: Option<String>,
    pub orari: Option<String>,
    pub attivo: bool,
}

/// Longest name of an organisation, settore or punto di contatto.
pub const MAX_NOME: usize = 120;

/// A trimmed text, `None` when empty.
pub fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn check_nome(nome: &str, what: &str) -> Result<(), String> {
    let n = nome.trim();
    if n.is_empty() {
        return Err(format!("il nome {what} è obbligatorio"));
    }
    if n.chars().count() > MAX_NOME {
        return Err(format!("il nome {what} supera {MAX_NOME} caratteri"));
    }
    if n.chars().any(char::is_control) {
        return Err(format!("il nome {what} contiene caratteri non ammessi"));
    }
    Ok(())
}

fn check_email(m: &Option<String>, what: &str) -> Result<(), String> {
    match m {
        Some(m) if !super::is_email(m) => Err(format!("{what} «{}» non valido", sanitize(m))),
        _ => Ok(()),
    }
}

/// Checks an organisation and its settori as typed (texts already trimmed with [`clean`]): the
/// Italian message of the first problem.
pub fn check(o: &Organizzazione) -> Result<(), String> {
    check_nome(&o.nome, "dell'organizzazione")?;
    if o.tipo.trim().is_empty() {
        return Err("indicare il tipo di organizzazione".into());
    }
    if let Some(cf) = &o.codice_fiscale {
        let ok = (cf.len() == 11 && cf.bytes().all(|b| b.is_ascii_digit()))
            || (cf.len() == 16 && cf.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !ok {
            return Err(format!(
                "codice fiscale «{}» non valido: 11 cifre o 16 caratteri",
                sanitize(cf)
            ));
        }
    }
    check_email(&o.email, "indirizzo e-mail")?;
    check_email(&o.pec, "indirizzo PEC")?;
    let mut nomi = std::collections::BTreeSet::new();
    for s in &o.settori {
        check_nome(&s.nome, "del settore")?;
        check_email(&s.email, "indirizzo e-mail del settore")?;
        if !nomi.insert(crate::domain::fold::fold(s.nome.trim())) {
            return Err(format!(
                "il settore «{}» è ripetuto",
                sanitize(s.nome.trim())
            ));
        }
        if !s.codice.is_empty()
            && (s.codice.len() > 40
                || !s
                    .codice
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
        {
            return Err(format!(
                "codice di settore «{}» non valido: lettere minuscole, cifre e _",
                sanitize(&s.codice)
            ));
        }
    }
    if o.settori.is_empty() {
        return Err("indicare almeno un settore dell'organizzazione".into());
    }
    Ok(())
}

/// Checks a punto di contatto as typed.
pub fn check_punto(p: &PuntoContatto) -> Result<(), String> {
    check_nome(&p.nome, "del punto di contatto")
}

/// The label of a settore in a list: "Organizzazione · Settore" (just the organisation when the
/// settore has its name).
pub fn etichetta(o: &Organizzazione, s: &Settore) -> String {
    if crate::domain::fold::fold(&s.nome) == crate::domain::fold::fold(&o.nome) {
        o.nome.clone()
    } else {
        format!("{} · {}", o.nome, s.nome)
    }
}

/// Reads a registry from CSV (`;` or `,`): one row per settore with the columns `organizzazione`,
/// `tipo`, `settore` and optionally `zona`, `codice`, `email`, `telefono`, `pec` (of the
/// organisation), `inviante`, `interlocutore`, `erogatore` (`si`/`no`, default `si`). Rows of the
/// same organisation are grouped. `Err`: the Italian problems, by row.
pub fn from_csv(text: &str) -> Result<Vec<Organizzazione>, Vec<String>> {
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => return Err(vec![format!("intestazione illeggibile: {e}")]),
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(c_org), Some(c_tipo), Some(c_settore)) =
        (col("organizzazione"), col("tipo"), col("settore"))
    else {
        return Err(vec![
            "servono le colonne «organizzazione», «tipo» e «settore»".into(),
        ]);
    };
    let mut out: Vec<Organizzazione> = Vec::new();
    let mut problems = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let n = i + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("riga {n}: {e}"));
                continue;
            }
        };
        let get = |c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let flag = |name: &str| match get(col(name)).as_deref().map(str::to_lowercase).as_deref() {
            None | Some("si" | "sì" | "s" | "1") => Ok(true),
            Some("no" | "n" | "0") => Ok(false),
            Some(v) => Err(format!(
                "riga {n}: «{}» in «{name}»: usare si o no",
                sanitize(v)
            )),
        };
        let (Some(nome), Some(tipo), Some(settore)) =
            (get(Some(c_org)), get(Some(c_tipo)), get(Some(c_settore)))
        else {
            problems.push(format!(
                "riga {n}: organizzazione, tipo e settore obbligatori"
            ));
            continue;
        };
        let flags = (flag("inviante"), flag("interlocutore"), flag("erogatore"));
        let (Ok(inviante), Ok(interlocutore), Ok(erogatore)) = flags else {
            let (a, b, c) = flags;
            problems.extend([a.err(), b.err(), c.err()].into_iter().flatten());
            continue;
        };
        let s = Settore {
            codice: get(col("codice")).unwrap_or_default(),
            nome: settore,
            telefono: get(col("telefono")),
            email: get(col("email")),
            inviante,
            interlocutore,
            erogatore,
            attivo: true,
            ..Default::default()
        };
        match out.iter_mut().find(|o| o.nome == nome) {
            Some(o) => o.settori.push(s),
            None => out.push(Organizzazione {
                nome,
                tipo,
                zona: get(col("zona")),
                pec: get(col("pec")),
                attivo: true,
                settori: vec![s],
                ..Default::default()
            }),
        }
    }
    for o in &out {
        if let Err(e) = check(o) {
            problems.push(format!("«{}»: {e}", sanitize(&o.nome)));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> Organizzazione {
        Organizzazione {
            nome: "ASL Roma 1".into(),
            tipo: "sanita".into(),
            attivo: true,
            settori: vec![Settore {
                nome: "Centro di salute mentale".into(),
                inviante: true,
                attivo: true,
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn an_organisation_needs_a_name_a_tipo_a_settore_and_valid_addresses() {
        assert_eq!(check(&org()), Ok(()));
        let mut o = org();
        o.nome = "  ".into();
        assert!(check(&o).unwrap_err().contains("nome dell'organizzazione"));
        let mut o = org();
        o.settori.clear();
        assert!(check(&o).unwrap_err().contains("almeno un settore"));
        let mut o = org();
        o.pec = Some("asl roma1@pec".into());
        assert!(check(&o).unwrap_err().contains("PEC"));
        let mut o = org();
        o.codice_fiscale = Some("1234".into());
        assert!(check(&o).unwrap_err().contains("11 cifre"));
        let mut o = org();
        o.settori.push(o.settori[0].clone());
        assert!(check(&o).unwrap_err().contains("ripetuto"));
        let mut o = org();
        o.settori[0].codice = "CSM; DROP".into();
        assert!(check(&o).unwrap_err().contains("codice di settore"));
    }

    #[test]
    fn a_registry_reads_from_csv_grouped_by_organisation() {
        let csv = "organizzazione;tipo;zona;settore;codice;inviante\n\
                   USL Umbria 1;sanita;;CSM Perugia;csm_pg;si\n\
                   USL Umbria 1;sanita;;ADI;;no\n\
                   Comune di Assisi;comune;Zona 3;Servizi sociali;;\n";
        let r = from_csv(csv).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].settori.len(), 2);
        assert_eq!(r[0].settori[0].codice, "csm_pg");
        assert!(!r[0].settori[1].inviante && r[0].settori[1].erogatore);
        assert_eq!(r[1].zona.as_deref(), Some("Zona 3"));
        let bad = "organizzazione,tipo,settore,inviante\nX,altro,,si\nY,altro,Z,forse\n";
        let e = from_csv(bad).unwrap_err();
        assert!(e[0].starts_with("riga 2"), "{e:?}");
        assert!(e[1].contains("usare si o no"), "{e:?}");
        assert!(from_csv("nome;tipo\n").unwrap_err()[0].contains("servono le colonne"));
    }

    #[test]
    fn email_syntax() {
        assert!(crate::domain::is_email("servizi.sociali@comune.roma.it"));
        for bad in [
            "", "a@b", "@x.it", "a b@x.it", "a@x.it>", "a@@x.it", "a@.it",
        ] {
            assert!(!crate::domain::is_email(bad), "{bad}");
        }
    }

    #[test]
    fn a_settore_named_as_its_organisation_shows_once() {
        let o = org();
        assert_eq!(
            etichetta(&o, &o.settori[0]),
            "ASL Roma 1 · Centro di salute mentale"
        );
        let mut s = o.settori[0].clone();
        s.nome = "asl roma 1".into();
        assert_eq!(etichetta(&o, &s), "ASL Roma 1");
    }
}
