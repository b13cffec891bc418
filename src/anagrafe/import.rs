//! Reading a registry export: encoding and delimiter detection, header mapping, and the validation and
//! mapping of each record into an [`ImportRow`] or a rejection with its Italian reason.
//!
//! Streaming: records are read one at a time (the `csv` crate, RFC 4180 quoting with doubled quotes
//! and embedded newlines) and handed out in batches. The only state that grows with the file is the
//! set of codici fiscali already seen (16 bytes + the line number each, about 40 MB for a million
//! rows with the hash table's slack), needed to reject a code repeated inside the file.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use super::places::{Kind, Places};
use crate::domain::belfiore::Date;
use crate::domain::cf::{self, Sesso};
use crate::domain::date;
use crate::domain::soggetto::{Campo, ImportRow, Valore};
use crate::error::{AppError, AppResult};
use crate::sanitize::sanitize;

/// Longest text accepted in a field, in characters.
pub const MAX_FIELD_CHARS: usize = 200;

/// Character encoding of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// What a column feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    CodiceFiscale,
    Campo(Campo),
}

/// Accepted column names (after [`normalize_header`]).
const ALIASES: &[(&str, Target)] = &[
    ("CODICE_FISCALE", Target::CodiceFiscale),
    ("CF", Target::CodiceFiscale),
    ("CODICEFISCALE", Target::CodiceFiscale),
    ("COD_FISCALE", Target::CodiceFiscale),
    ("COD_FISC", Target::CodiceFiscale),
    ("CODFISC", Target::CodiceFiscale),
    ("COGNOME", Target::Campo(Campo::Cognome)),
    ("NOME", Target::Campo(Campo::Nome)),
    ("SESSO", Target::Campo(Campo::Sesso)),
    ("DATA_NASCITA", Target::Campo(Campo::DataNascita)),
    ("DATA_DI_NASCITA", Target::Campo(Campo::DataNascita)),
    ("DT_NASCITA", Target::Campo(Campo::DataNascita)),
    ("DATANASCITA", Target::Campo(Campo::DataNascita)),
    ("LUOGO_NASCITA", Target::Campo(Campo::LuogoNascita)),
    ("LUOGO_DI_NASCITA", Target::Campo(Campo::LuogoNascita)),
    ("COMUNE_NASCITA", Target::Campo(Campo::LuogoNascita)),
    ("COMUNE_DI_NASCITA", Target::Campo(Campo::LuogoNascita)),
    ("STATO_NASCITA", Target::Campo(Campo::LuogoNascita)),
    ("STATO_DI_NASCITA", Target::Campo(Campo::LuogoNascita)),
    ("BELFIORE_NASCITA", Target::Campo(Campo::LuogoNascita)),
    ("INDIRIZZO", Target::Campo(Campo::ResIndirizzo)),
    ("INDIRIZZO_RESIDENZA", Target::Campo(Campo::ResIndirizzo)),
    ("VIA", Target::Campo(Campo::ResIndirizzo)),
    ("CIVICO", Target::Campo(Campo::ResCivico)),
    ("NUMERO_CIVICO", Target::Campo(Campo::ResCivico)),
    ("NUM_CIVICO", Target::Campo(Campo::ResCivico)),
    ("CAP", Target::Campo(Campo::ResCap)),
    ("CAP_RESIDENZA", Target::Campo(Campo::ResCap)),
    ("COMUNE_RESIDENZA", Target::Campo(Campo::ResComune)),
    ("COMUNE_DI_RESIDENZA", Target::Campo(Campo::ResComune)),
    ("COMUNE", Target::Campo(Campo::ResComune)),
    ("CITTADINANZA", Target::Campo(Campo::Cittadinanza)),
    ("STATO_CIVILE", Target::Campo(Campo::StatoCivile)),
    ("TELEFONO", Target::Campo(Campo::Telefono)),
    ("DATA_DECESSO", Target::Campo(Campo::DataDecesso)),
    ("DATA_DI_DECESSO", Target::Campo(Campo::DataDecesso)),
    ("DATA_MORTE", Target::Campo(Campo::DataDecesso)),
    ("DATA_DI_MORTE", Target::Campo(Campo::DataDecesso)),
    ("ID", Target::Campo(Campo::FonteId)),
    ("ID_ANAGRAFE", Target::Campo(Campo::FonteId)),
    ("ID_SOGGETTO", Target::Campo(Campo::FonteId)),
    ("ID_PERSONA", Target::Campo(Campo::FonteId)),
    ("IDENTIFICATIVO", Target::Campo(Campo::FonteId)),
];

/// Values meaning Italian citizenship (stored as no citizenship code).
const ITALIANA: &[&str] = &["ITALIANA", "ITALIANO", "ITALIA", "ITA", "IT", "100"];

/// A rejected row or a warning, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Line of the file where the record starts (the header's line for a header warning).
    pub line: u64,
    /// The code as found in the file (may be empty or invalid).
    pub codice_fiscale: String,
    /// Italian reason, not sanitised (the writer sanitises).
    pub reason: String,
    /// A warning does not reject the row.
    pub warning: bool,
}

/// One batch of records.
#[derive(Debug, Default)]
pub struct Batch {
    pub rows: Vec<ImportRow>,
    /// Rejections and warnings, in line order.
    pub issues: Vec<Issue>,
    pub rejected: u64,
}

/// An open registry file, positioned after the header.
pub struct AnagrafeFile {
    path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    encoding: Encoding,
    delimiter: u8,
    /// Header names as in the file (decoded, trimmed).
    names: Vec<String>,
    targets: Vec<Option<Target>>,
    header_issues: Vec<Issue>,
    seen: HashMap<[u8; 16], u32>,
    places: Places,
    record: ByteRecord,
    ente_id: Option<i64>,
    today: Date,
}

impl AnagrafeFile {
    /// Opens `path`, detects encoding and delimiter and maps the header. A missing file is an
    /// environment error (exit 2); an empty file, a bad header or missing required columns are
    /// invalid input (exit 1).
    pub fn open(path: &Path, ente_id: Option<i64>, today: Date) -> AppResult<AnagrafeFile> {
        let io_err = |e: std::io::Error| {
            AppError::Env(format!("impossibile leggere {}: {e}", path.display()))
        };
        // Opened with the operator's own identity, without blocking on a FIFO; anything but a
        // regular file (a FIFO, /dev/zero, a folder) is refused before a byte is read.
        let mut file = crate::files::as_operator(path, || {
            std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path)
        })
        .map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if meta.is_dir() {
            return Err(AppError::Env(format!("{} è una cartella", path.display())));
        }
        if !meta.is_file() {
            return Err(AppError::Env(format!(
                "{} non è un file normale (pipe o dispositivo): non viene letto",
                sanitize(&path.display().to_string())
            )));
        }
        let mut head = Vec::with_capacity(64 * 1024);
        (&mut file)
            .take(64 * 1024)
            .read_to_end(&mut head)
            .map_err(io_err)?;
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(AppError::Invalid(
                "il file è in UTF-16: salvarlo come CSV UTF-8 (o Windows-1252) e riprovare".into(),
            ));
        }
        let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
        let start = if bom { 3 } else { 0 };
        file.seek(SeekFrom::Start(start)).map_err(io_err)?;
        let encoding = if looks_utf8(&mut file).map_err(io_err)? {
            Encoding::Utf8
        } else {
            Encoding::Windows1252
        };
        let delimiter = detect_delimiter(&head[start as usize..]);
        file.seek(SeekFrom::Start(start)).map_err(io_err)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            // `\n` only: with CRLF as terminator the crate reports a record as starting on the line
            // where the previous one ended. The `\r` left at the end of a line is trimmed away.
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(256 * 1024)
            .from_reader(BufReader::with_capacity(256 * 1024, file));
        let mut header = ByteRecord::new();
        let mut got = false;
        while reader
            .read_byte_record(&mut header)
            .map_err(|e| AppError::Env(format!("impossibile leggere {}: {e}", path.display())))?
        {
            if header.iter().any(|f| !f.trim_ascii().is_empty()) {
                got = true;
                break;
            }
        }
        if !got {
            return Err(AppError::Invalid(
                "file vuoto: manca la riga di intestazione (CODICE_FISCALE;COGNOME;NOME;...)"
                    .into(),
            ));
        }
        let header_line = header.position().map(|p| p.line()).unwrap_or(1);
        let names: Vec<String> = header
            .iter()
            .map(|f| decode(encoding, f).trim().to_string())
            .collect();
        let mut targets = Vec::with_capacity(names.len());
        let mut header_issues = Vec::new();
        for name in &names {
            let key = normalize_header(name);
            let target = ALIASES.iter().find(|(a, _)| *a == key).map(|(_, t)| *t);
            if target.is_none() && !key.is_empty() {
                header_issues.push(Issue {
                    line: header_line,
                    codice_fiscale: String::new(),
                    reason: format!("colonna «{name}» sconosciuta: ignorata"),
                    warning: true,
                });
            }
            targets.push(target);
        }
        let required = [
            ("CODICE_FISCALE", Target::CodiceFiscale),
            ("COGNOME", Target::Campo(Campo::Cognome)),
            ("NOME", Target::Campo(Campo::Nome)),
        ];
        let missing: Vec<&str> = required
            .iter()
            .filter(|(_, t)| !targets.contains(&Some(*t)))
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            let found: String = names.join(&*(delimiter as char).to_string());
            let found: String = found.chars().take(200).collect();
            return Err(AppError::Invalid(format!(
                "colonne obbligatorie mancanti: {} (intestazione letta: «{}»); nessuna riga importata",
                missing.join(", "),
                sanitize(&found)
            )));
        }
        Ok(AnagrafeFile {
            path: path.to_path_buf(),
            reader,
            encoding,
            delimiter,
            names,
            targets,
            header_issues,
            seen: HashMap::new(),
            places: Places::new(),
            record: ByteRecord::new(),
            ente_id,
            today,
        })
    }

    /// The ente written on every row (`--ente`, known only once the database is open).
    pub fn set_ente_id(&mut self, ente_id: Option<i64>) {
        self.ente_id = ente_id;
    }

    /// Bytes of the file read so far (up to the last record read).
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub fn delimiter(&self) -> char {
        self.delimiter as char
    }

    /// Warnings about the header (unknown columns), with the header's line.
    pub fn header_issues(&self) -> &[Issue] {
        &self.header_issues
    }

    /// Reads up to `max` records; `None` at the end of the file.
    pub fn next_batch(&mut self, max: usize) -> AppResult<Option<Batch>> {
        let mut batch = Batch::default();
        let mut read = 0;
        while read < max {
            let mut record = std::mem::take(&mut self.record);
            let got = self
                .reader
                .read_byte_record(&mut record)
                .map_err(|e| AppError::Env(format!("errore di lettura del file: {e}")))?;
            if !got {
                self.record = record;
                break;
            }
            // Blank lines and lines of empty cells (`;;;`) carry nothing: skipped, not counted.
            if record.iter().all(|f| f.trim_ascii().is_empty()) {
                self.record = record;
                continue;
            }
            read += 1;
            let line = record.position().map(|p| p.line()).unwrap_or_default();
            self.map_record(&record, line, &mut batch);
            self.record = record;
        }
        Ok((read > 0).then_some(batch))
    }

    fn map_record(&mut self, record: &ByteRecord, line: u64, batch: &mut Batch) {
        let mut cells: [Option<Cow<'_, str>>; Campo::COUNT] = Default::default();
        let mut cf_raw: Option<Cow<'_, str>> = None;
        // The code as found, for the report (even when too long to be used).
        let mut cf_shown: Option<String> = None;
        let mut reasons: Vec<String> = Vec::new();
        // Fields present but unusable (too long, bad encoding): not reported as missing too.
        let mut too_long = [false; Campo::COUNT];
        // Fields whose control characters (C0, C1, bidi overrides) were removed; warnings.
        let mut cleaned: Vec<String> = Vec::new();
        let mut warnings: Vec<String> = Vec::new();
        let width = self.targets.len();
        if record.len() < width || record.iter().skip(width).any(|f| !f.is_empty()) {
            reasons.push(format!(
                "numero di campi errato ({} invece di {width})",
                record.len()
            ));
        }
        // Every column goes through the length check; the first non-empty column of a field wins.
        for (i, bytes) in record.iter().enumerate().take(width) {
            let Some(target) = self.targets[i] else {
                continue;
            };
            let Some(text) = decode_strict(self.encoding, bytes) else {
                reasons.push(format!(
                    "campo {} non valido in {}: riga scartata (correggere la codifica del file)",
                    self.names[i],
                    self.encoding.label()
                ));
                if let Target::Campo(c) = target {
                    too_long[c.index()] = true;
                }
                continue;
            };
            // The code as found (sanitised when shown) tells the operator what the file holds.
            if target == Target::CodiceFiscale && cf_shown.is_none() && !text.trim().is_empty() {
                cf_shown = Some(text.trim().to_string());
            }
            // Line breaks of a quoted multi-line field stay (CR LF); other controls go.
            let unsafe_char = |c: char| c != '\r' && crate::sanitize::is_unsafe(c);
            let text = if text.chars().any(unsafe_char) {
                cleaned.push(self.names[i].clone());
                Cow::Owned(text.chars().filter(|c| !unsafe_char(*c)).collect())
            } else {
                text
            };
            let trimmed = text.trim();
            if trimmed.is_empty() {
                continue;
            }
            if target == Target::CodiceFiscale && cf_shown.is_none() {
                cf_shown = Some(trimmed.to_string());
            }
            let chars = trimmed.chars().count();
            if chars > MAX_FIELD_CHARS {
                reasons.push(format!(
                    "campo {} troppo lungo ({chars} caratteri, massimo {MAX_FIELD_CHARS})",
                    self.names[i]
                ));
                if let Target::Campo(c) = target {
                    too_long[c.index()] = true;
                }
                continue;
            }
            let value = match text {
                Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
                Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
            };
            let slot = match target {
                Target::CodiceFiscale => &mut cf_raw,
                Target::Campo(c) => &mut cells[c.index()],
            };
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        let cf_shown = cf_shown.unwrap_or_default();
        let mut row = ImportRow {
            line,
            ente_id: self.ente_id,
            ..Default::default()
        };
        // Codice fiscale: valid and not already seen in this file.
        match cf_raw.as_deref() {
            None if cf_shown.is_empty() => reasons.push("codice fiscale mancante".into()),
            None => {}
            Some(raw) => {
                let code = cf::normalize(raw);
                match cf::validate(&code) {
                    Err(e) => reasons.push(format!("codice fiscale non valido: {e}")),
                    Ok(()) => match <[u8; 16]>::try_from(code.as_bytes()) {
                        Ok(key) => {
                            // The first record with a code owns it, even when rejected for
                            // another reason: a later one may be another person's data.
                            match self.seen.entry(key) {
                                Entry::Occupied(first) => reasons.push(format!(
                                    "codice fiscale ripetuto nel file (già alla riga {}): riga ignorata",
                                    first.get()
                                )),
                                Entry::Vacant(v) => {
                                    v.insert(u32::try_from(line).unwrap_or(u32::MAX));
                                }
                            }
                            row.codice_fiscale = code;
                        }
                        Err(_) => reasons.push("codice fiscale non valido".into()),
                    },
                }
            }
        }
        for (campo, missing) in [
            (Campo::Cognome, "cognome mancante"),
            (Campo::Nome, "nome mancante"),
        ] {
            if cells[campo.index()].is_none() && !too_long[campo.index()] {
                reasons.push(missing.into());
            }
        }
        let date = |campo: Campo, what: &str, reasons: &mut Vec<String>| -> Option<Date> {
            let raw = cells[campo.index()].as_deref()?;
            match parse_date(raw) {
                Some(d) if d > self.today => {
                    reasons.push(format!("{what} nel futuro («{raw}»)"));
                    None
                }
                Some(d) => Some(d),
                None => {
                    reasons.push(format!(
                        "{what} non valida («{raw}»): usare gg/mm/aaaa o aaaa-mm-gg"
                    ));
                    None
                }
            }
        };
        let nascita = date(Campo::DataNascita, "data di nascita", &mut reasons);
        let decesso = date(Campo::DataDecesso, "data di decesso", &mut reasons);
        if let (Some(n), Some(d)) = (nascita, decesso)
            && d < n
        {
            reasons.push("data di decesso precedente alla data di nascita".into());
        }
        let sesso = cells[Campo::Sesso.index()].as_deref().and_then(|raw| {
            let s = parse_sesso(raw);
            if s.is_none() {
                reasons.push(format!("sesso non valido («{raw}»): M o F"));
            }
            s
        });
        let luogo = cells[Campo::LuogoNascita.index()]
            .as_deref()
            .and_then(|raw| match self.places.resolve(raw, Kind::Nascita, nascita) {
                Ok(code) => Some(code),
                // A foreign state the tables do not know by that name: the code carries it.
                Err(e) => match cf_foreign_state(&row.codice_fiscale) {
                    Some(z) => {
                        warnings.push(format!(
                            "luogo di nascita «{raw}» non riconosciuto ({e}): usato {z} dal codice fiscale"
                        ));
                        Some(z)
                    }
                    None => {
                        reasons.push(format!("luogo di nascita «{raw}»: {e}"));
                        None
                    }
                },
            });
        let comune = cells[Campo::ResComune.index()].as_deref().and_then(|raw| {
            self.places
                .resolve(raw, Kind::Residenza, None)
                .map_err(|e| reasons.push(format!("comune di residenza «{raw}»: {e}")))
                .ok()
        });
        let cittadinanza = cells[Campo::Cittadinanza.index()].as_deref().and_then(|raw| {
            let upper = raw.to_uppercase();
            if ITALIANA.contains(&upper.as_str()) {
                return Some(Valore::Clear);
            }
            match self.places.resolve(raw, Kind::Cittadinanza, None) {
                Ok(code) => Some(Valore::Set(code)),
                Err(e) => {
                    reasons.push(format!(
                        "cittadinanza «{raw}» non riconosciuta ({e}): indicare lo Stato (es. Romania) o il suo codice Z"
                    ));
                    None
                }
            }
        });
        if !reasons.is_empty() {
            batch.rejected += 1;
            batch.issues.push(Issue {
                line,
                codice_fiscale: cf_shown,
                reason: reasons.join("; "),
                warning: false,
            });
            return;
        }
        if !cleaned.is_empty() {
            warnings.push(format!(
                "caratteri di controllo rimossi da: {}",
                cleaned.join(", ")
            ));
        }
        if !warnings.is_empty() {
            batch.issues.push(Issue {
                line,
                codice_fiscale: row.codice_fiscale.clone(),
                reason: warnings.join("; "),
                warning: true,
            });
        }
        let iso = |d: Date| date::from_ymd(d).map(date::iso).unwrap_or_default();
        for campo in Campo::ALL {
            let v = match campo {
                Campo::Sesso => sesso.map(|s| Valore::Set(s.as_char().to_string())),
                Campo::DataNascita => nascita.map(|d| Valore::Set(iso(d))),
                Campo::DataDecesso => decesso.map(|d| Valore::Set(iso(d))),
                Campo::LuogoNascita => luogo.clone().map(Valore::Set),
                Campo::ResComune => comune.clone().map(Valore::Set),
                Campo::Cittadinanza => cittadinanza.clone(),
                _ => cells[campo.index()]
                    .as_deref()
                    .map(|s| Valore::Set(s.to_string())),
            };
            row.set(campo, v.unwrap_or_default());
        }
        // The code should match the personal data; a mismatch is reported, not rejected (the
        // registry is the authority on both).
        if let (Some(s), Some(d)) = (sesso, nascita) {
            let text = |c: Campo| row.get(c).as_set().unwrap_or_default();
            let warnings = cf::consistency(
                &row.codice_fiscale,
                text(Campo::Cognome),
                text(Campo::Nome),
                s,
                d,
                luogo.as_deref().unwrap_or_default(),
            );
            if !warnings.is_empty() {
                batch.issues.push(Issue {
                    line,
                    codice_fiscale: row.codice_fiscale.clone(),
                    reason: warnings.join("; "),
                    warning: true,
                });
            }
        }
        batch.rows.push(row);
    }
}

/// Upper case; every run of characters other than letters and digits becomes one `_`.
fn normalize_header(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_uppercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

fn decode(encoding: Encoding, bytes: &[u8]) -> Cow<'_, str> {
    match encoding {
        // Header only: rows go through `decode_strict`.
        Encoding::Utf8 => String::from_utf8_lossy(bytes),
        Encoding::Windows1252 => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// The encoding of the rest of the stream, decided for the file: UTF-8 when it holds one valid
/// multi-byte UTF-8 sequence (a stray invalid byte then rejects its row, see [`decode_strict`]) or
/// no invalid byte at all; Windows-1252 otherwise. Read in chunks, constant memory.
fn looks_utf8(r: &mut impl Read) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut carry = 0;
    let mut invalid = false;
    loop {
        let n = match r.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(carry == 0 && !invalid);
        }
        let len = carry + n;
        let mut pos = 0;
        while pos < len {
            match std::str::from_utf8(&buf[pos..len]) {
                Ok(s) => {
                    if !s.is_ascii() {
                        return Ok(true);
                    }
                    pos = len;
                }
                Err(e) => {
                    if !buf[pos..pos + e.valid_up_to()].is_ascii() {
                        return Ok(true);
                    }
                    match e.error_len() {
                        Some(bad) => {
                            invalid = true;
                            pos += e.valid_up_to() + bad;
                        }
                        // A sequence cut by the chunk boundary: kept for the next round.
                        None => {
                            pos += e.valid_up_to();
                            break;
                        }
                    }
                }
            }
        }
        buf.copy_within(pos..len, 0);
        carry = len - pos;
    }
}

/// A field decoded in the file's encoding; `None` when its bytes are not valid UTF-8 in a UTF-8
/// file (never stored as mojibake).
fn decode_strict(encoding: Encoding, bytes: &[u8]) -> Option<Cow<'_, str>> {
    match encoding {
        Encoding::Utf8 => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
        Encoding::Windows1252 => Some(decode(encoding, bytes)),
    }
}

/// The foreign state (`Z...`) a valid codice fiscale carries as place of birth, when known.
fn cf_foreign_state(code: &str) -> Option<String> {
    let base = cf::base_code(code).ok()?;
    let z = base.get(11..15)?;
    (z.starts_with('Z') && crate::domain::belfiore::lookup(z, None).is_some())
        .then(|| z.to_string())
}

/// `;` or `,`, whichever occurs more often outside quotes in the first line (`;` on a tie).
fn detect_delimiter(head: &[u8]) -> u8 {
    let (mut semi, mut comma, mut quoted) = (0, 0, false);
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b';' if !quoted => semi += 1,
            b',' if !quoted => comma += 1,
            _ => {}
        }
    }
    if comma > semi { b',' } else { b';' }
}

/// `gg/mm/aaaa` (one or two digits for day and month) or `aaaa-mm-gg`; a time part after a space or
/// `T` is ignored. The date must exist and be after 1850.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    let num = |p: &str, min: usize, max: usize| -> Option<u32> {
        (p.len() >= min && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = if s.contains('/') {
        let mut it = s.split('/');
        let d = num(it.next()?, 1, 2)?;
        let m = num(it.next()?, 1, 2)?;
        let y = num(it.next()?, 4, 4)?;
        if it.next().is_some() {
            return None;
        }
        (y, m, d)
    } else {
        let mut it = s.split('-');
        let y = num(it.next()?, 4, 4)?;
        let m = num(it.next()?, 1, 2)?;
        let d = num(it.next()?, 1, 2)?;
        if it.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    let date = date::from_ymd((y as i32, m as u8, d as u8))?;
    (date.year() >= 1850).then_some(date::ymd(date))
}

fn parse_sesso(s: &str) -> Option<Sesso> {
    match s.trim().to_uppercase().as_str() {
        "M" | "MASCHIO" | "MASCHILE" | "UOMO" => Some(Sesso::M),
        "F" | "FEMMINA" | "FEMMINILE" | "DONNA" => Some(Sesso::F),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_normalise_to_aliases() {
        assert_eq!(normalize_header(" Codice Fiscale "), "CODICE_FISCALE");
        assert_eq!(normalize_header("data-di-nascita"), "DATA_DI_NASCITA");
        assert_eq!(normalize_header("Comune (nascita)"), "COMUNE_NASCITA");
        assert_eq!(normalize_header("__"), "");
    }

    #[test]
    fn dates_in_both_formats() {
        assert_eq!(parse_date("01/02/1980"), Some((1980, 2, 1)));
        assert_eq!(parse_date("1/2/1980"), Some((1980, 2, 1)));
        assert_eq!(parse_date("1980-02-01"), Some((1980, 2, 1)));
        assert_eq!(parse_date("1980-02-01 00:00:00"), Some((1980, 2, 1)));
        assert_eq!(parse_date("1980-02-01T00:00:00"), Some((1980, 2, 1)));
        assert_eq!(parse_date("29/02/2000"), Some((2000, 2, 29)));
        for bad in [
            "29/02/1900",
            "31/04/1980",
            "1980/02/01",
            "01-02-1980",
            "01/02/80",
            "",
            "ieri",
            "00/01/1980",
            "01/13/1980",
            "01/01/1700",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn delimiter_is_the_commoner_outside_quotes() {
        assert_eq!(detect_delimiter(b"CF;COGNOME;NOME\nA,B,C,D"), b';');
        assert_eq!(detect_delimiter(b"CF,COGNOME,NOME\n"), b',');
        assert_eq!(detect_delimiter(b"\"a;b;c\",COGNOME,NOME"), b',');
        assert_eq!(detect_delimiter(b"CF"), b';');
    }

    #[test]
    fn utf8_decision_survives_chunk_boundaries_and_stray_bytes() {
        let mut text = "a".repeat(64 * 1024 - 1).into_bytes();
        text.extend("ò".as_bytes());
        assert!(looks_utf8(&mut text.as_slice()).unwrap());
        // One stray byte in a UTF-8 file: still UTF-8 (its row is rejected, the rest is kept).
        let mut stray = text.clone();
        stray.push(0xF2);
        assert!(looks_utf8(&mut stray.as_slice()).unwrap());
        let mut ascii_then_bad = "a".repeat(70 * 1024).into_bytes();
        ascii_then_bad.push(0xF2);
        assert!(!looks_utf8(&mut ascii_then_bad.as_slice()).unwrap());
        assert!(!looks_utf8(&mut &b"Niccol\xF2"[..]).unwrap());
        assert!(looks_utf8(&mut &b"solo ascii"[..]).unwrap());
    }

    fn open_bytes(bytes: &[u8]) -> (tempfile::TempDir, AnagrafeFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, bytes).unwrap();
        let f = AnagrafeFile::open(&path, Some(7), (2026, 1, 1)).unwrap();
        (dir, f)
    }

    #[test]
    fn records_keep_the_line_they_start_on() {
        let cf = "RSSMRA80A01H501U";
        let text = format!(
            "cf;cognome;nome\r\n{cf};\"Ros\r\nsi\";Mario\r\n\r\n;;\r\n;Bianchi;Anna\r\nX;\"a\"\"b\";c\n"
        );
        let (_d, mut f) = open_bytes(text.as_bytes());
        assert_eq!((f.encoding(), f.delimiter()), (Encoding::Utf8, ';'));
        let b = f.next_batch(100).unwrap().unwrap();
        assert_eq!(b.rows.len(), 1);
        assert_eq!(b.rows[0].line, 2);
        assert_eq!(b.rows[0].ente_id, Some(7));
        assert_eq!(
            b.rows[0].get(Campo::Cognome),
            &Valore::Set("Ros\r\nsi".into())
        );
        // Lines 4 and 5 are empty (skipped); the record on line 6 has no code, line 7 a bad one.
        let lines: Vec<(u64, &str)> = b
            .issues
            .iter()
            .map(|i| (i.line, i.reason.as_str()))
            .collect();
        assert_eq!(lines[0], (6, "codice fiscale mancante"));
        assert_eq!(lines[1].0, 7);
        assert!(lines[1].1.starts_with("codice fiscale non valido"));
        assert_eq!(b.rejected, 2);
        assert!(f.next_batch(100).unwrap().is_none());
    }

    #[test]
    fn windows_1252_and_batches() {
        let mut bytes = b"\xEF\xBB\xBFCF,COGNOME,NOME,ALTRO\n".to_vec();
        for cf in ["RSSMRA80A01H501U", "BNCNNA75T71G478N"] {
            bytes.extend(format!("{cf},D'Angelo,Niccol").as_bytes());
            bytes.extend(b"\xF2,x\n");
        }
        let (_d, mut f) = open_bytes(&bytes);
        assert_eq!((f.encoding(), f.delimiter()), (Encoding::Windows1252, ','));
        assert_eq!(f.header_issues().len(), 1);
        let b1 = f.next_batch(1).unwrap().unwrap();
        let b2 = f.next_batch(1).unwrap().unwrap();
        assert!(f.next_batch(1).unwrap().is_none());
        assert_eq!(b1.rows[0].get(Campo::Nome), &Valore::Set("Niccolò".into()));
        assert_eq!(b2.rows.len() + b2.rejected as usize, 1);
    }

    #[test]
    fn sesso_words() {
        assert_eq!(parse_sesso("f"), Some(Sesso::F));
        assert_eq!(parse_sesso("Maschio"), Some(Sesso::M));
        assert_eq!(parse_sesso("X"), None);
    }
}
