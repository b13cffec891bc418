//! Code lists (liste di codici): modalità, motivi, interlocutori, bisogni, servizi, esiti, categorie
//! sociali, relazioni… Codes are stable identifiers, labels are what operators see; a code is disabled,
//! never deleted, because records refer to it.

/// One code of a list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Codice {
    pub id: i64,
    pub version: i64,
    pub lista: String,
    pub codice: String,
    pub etichetta: String,
    /// Class of a bisogno, SIUSS area of a categoria sociale, parenti/conoscenti of a relazione.
    pub gruppo: Option<String>,
    /// An esito that turns the scheda into a presa-in-carico proposal.
    pub pic: bool,
    /// The field this code makes required (e.g. `servizio_inviante` for "Inviato da").
    pub richiede: Option<String>,
    pub ordine: i64,
    pub attivo: bool,
}

/// A code as imported from a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCodice {
    pub codice: String,
    pub etichetta: String,
    pub gruppo: Option<String>,
    pub attivo: bool,
    pub ordine: i64,
}

/// How one ente shows a shared code: its own label (`None` = the shared one) and whether it is
/// hidden from new input (records that have it still show it).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CodiceEnte {
    pub lista: String,
    pub codice: String,
    pub ente_id: i64,
    pub etichetta: Option<String>,
    pub nascosto: bool,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Code and list ids: lower-case letters, digits and `_`, 1–40 characters.
pub fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Reads a code list CSV: header with `codice` and `etichetta` (and optionally `gruppo`, `attivo`,
/// `ordine`), `;` or `,` separated, UTF-8 with or without BOM. Errors name the line and the problem.
pub fn parse_csv(text: &str) -> Result<Vec<NewCodice>, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => return Err(vec![format!("intestazione illeggibile: {e}")]),
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(ci), Some(ei)) = (col("codice"), col("etichetta")) else {
        return Err(vec![
            "l'intestazione deve avere le colonne «codice» ed «etichetta»".into(),
        ]);
    };
    let (gi, ai, oi) = (col("gruppo"), col("attivo"), col("ordine"));
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(n + 2, |p| p.line() as usize);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("riga {line}: {e}"));
                continue;
            }
        };
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        let codice = get(Some(ci)).to_string();
        let etichetta = get(Some(ei)).to_string();
        if !valid_id(&codice) {
            errors.push(format!(
                "riga {line}: codice «{}» non valido (minuscole, cifre e _, al massimo 40)",
                crate::sanitize::sanitize(&codice)
            ));
            continue;
        }
        if etichetta.is_empty() || etichetta.chars().count() > 200 {
            errors.push(format!(
                "riga {line}: etichetta vuota o più lunga di 200 caratteri"
            ));
            continue;
        }
        let attivo = match get(ai).to_lowercase().as_str() {
            "" | "1" | "si" | "sì" | "true" | "attivo" => true,
            "0" | "no" | "false" | "disattivo" | "disabilitato" => false,
            other => {
                errors.push(format!(
                    "riga {line}: attivo «{}» non valido (sì/no)",
                    crate::sanitize::sanitize(other)
                ));
                continue;
            }
        };
        let ordine = match get(oi) {
            "" => rows.len() as i64 + 1,
            o => match o.parse() {
                Ok(v) => v,
                Err(_) => {
                    errors.push(format!(
                        "riga {line}: ordine «{}» non è un numero",
                        crate::sanitize::sanitize(o)
                    ));
                    continue;
                }
            },
        };
        let gruppo = Some(get(gi).to_string()).filter(|g| !g.is_empty());
        rows.push(NewCodice {
            codice,
            etichetta,
            gruppo,
            attivo,
            ordine,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_semicolon_csv_with_bom_and_optional_columns() {
        let rows = parse_csv(
            "\u{feff}codice;etichetta;attivo\nfoo;Foo è;sì\nbar;\"Bar; con punto e virgola\";no\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].etichetta, "Bar; con punto e virgola");
        assert!(rows[0].attivo && !rows[1].attivo);
        assert_eq!(rows[1].ordine, 2);
    }

    #[test]
    fn reports_each_bad_line() {
        let errs = parse_csv("codice,etichetta\nBad Code,x\nok,\n").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(
            errs[0].starts_with("riga 2:") && errs[1].starts_with("riga 3:"),
            "{errs:?}"
        );
        assert!(parse_csv("nome;descrizione\n").is_err());
    }
}
