//! The XML of a SIUSS PS-PSA-SINA flow (root `Flusso`, namespace `http://inps.it/Casellario`, the
//! INPS 201812 schema), written as a stream: the header, then one `Beneficiario` at a time, so that
//! memory stays flat whatever the number of records. Only values checked by
//! [`crate::domain::siuss`] reach it; attribute values are escaped and control characters dropped,
//! empty optional attributes are omitted, amounts are euros with a dot and two decimals.

use std::io::{self, Write};

use crate::domain::siuss::{Beneficiario, EnteFlusso, Periodo, Prestazione};

/// Escapes an attribute value; control characters (which XML 1.0 cannot carry: C0, DEL and the
/// C1 controls U+0080–U+009F) are dropped. One pass: the runs between special bytes are copied
/// whole.
fn escape(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        let (rep, len): (&[u8], usize) = match b[i] {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'"' => (b"&quot;", 1),
            b'\'' => (b"&apos;", 1),
            0x00..=0x1f | 0x7f => (b"", 1),
            0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => (b"", 2),
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(rep);
        i += len;
        start = i;
    }
    out.extend_from_slice(&b[start..]);
}

/// Writes the decimal digits of `n`.
fn push_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Writes euros with a dot and two decimals (`420.50`).
fn push_importo(out: &mut Vec<u8>, cents: i64) {
    if cents < 0 {
        out.push(b'-');
    }
    let abs = cents.unsigned_abs();
    push_uint(out, abs / 100);
    out.push(b'.');
    out.push(b'0' + (abs % 100 / 10) as u8);
    out.push(b'0' + (abs % 10) as u8);
}

/// Writes a flow to `W`, one beneficiary at a time.
pub struct FlussoWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    beneficiari: u64,
    record: u64,
}

impl<W: Write> FlussoWriter<W> {
    /// Writes the XML declaration, the root and `IdentificazioneFlusso`.
    pub fn start(out: W, nome: &str, ente: &EnteFlusso) -> io::Result<FlussoWriter<W>> {
        let mut w = FlussoWriter {
            out,
            buf: Vec::with_capacity(8 * 1024),
            beneficiari: 0,
            record: 0,
        };
        w.buf.extend_from_slice(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Flusso xmlns=\"http://inps.it/Casellario\">\n",
        );
        w.open("  <IdentificazioneFlusso");
        w.attr("Nome", Some(nome));
        w.buf.extend_from_slice(b">\n");
        w.open("    <Ente");
        w.attr("Codice", Some(&ente.codice));
        w.attr("Denominazione", ente.denominazione.as_deref());
        w.attr("Indirizzo", Some(&ente.indirizzo));
        w.attr("CFOperatore", Some(&ente.cf_operatore));
        w.buf.extend_from_slice(b"/>\n  </IdentificazioneFlusso>\n");
        w.flush_buf()?;
        Ok(w)
    }

    fn open(&mut self, tag: &str) {
        self.buf.extend_from_slice(tag.as_bytes());
    }

    fn attr(&mut self, name: &str, value: Option<&str>) {
        let Some(v) = value.filter(|v| !v.is_empty()) else {
            return;
        };
        self.buf.push(b' ');
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(b"=\"");
        escape(&mut self.buf, v);
        self.buf.push(b'"');
    }

    /// A number attribute (`Some`), written without an intermediate string; `money` as euros.
    fn num(&mut self, name: &str, value: Option<i64>, money: bool) {
        let Some(v) = value else {
            return;
        };
        self.buf.push(b' ');
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(b"=\"");
        if money {
            push_importo(&mut self.buf, v);
        } else {
            push_uint(&mut self.buf, v.unsigned_abs());
        }
        self.buf.push(b'"');
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// One `Beneficiario` with its records (at least one).
    pub fn beneficiario(&mut self, b: &Beneficiario, records: &[&Prestazione]) -> io::Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        self.open("  <Beneficiario");
        self.attr("CodiceFiscale", Some(&b.codice_fiscale));
        self.buf.extend_from_slice(b">\n");
        self.open("    <Anagrafica");
        self.attr("Cognome", Some(&b.cognome));
        self.attr("Nome", Some(&b.nome));
        self.attr("AnnoNascita", Some(&b.anno_nascita));
        self.attr("LuogoNascita", Some(&b.luogo_nascita));
        self.attr("Genere", Some(&b.genere));
        self.attr("CodiceCittadinanza", Some(&b.cittadinanza));
        self.attr(
            "CodiceSecondaCittadinanza",
            b.seconda_cittadinanza.as_deref(),
        );
        self.buf.extend_from_slice(b"/>\n");
        self.open("    <Indirizzo");
        self.attr("CodiceRegione", b.regione.as_deref());
        self.attr("CodiceComune", b.comune.as_deref());
        self.attr("CodiceNazione", Some(&b.nazione));
        self.buf.extend_from_slice(b"/>\n");
        for p in records {
            self.prestazione(p);
        }
        self.buf.extend_from_slice(b"  </Beneficiario>\n");
        self.beneficiari += 1;
        self.record += records.len() as u64;
        self.flush_buf()
    }

    fn prestazione(&mut self, p: &Prestazione) {
        self.open("    <PrestazioniSociali");
        self.attr("TipoOperazione", p.tipo_operazione.as_deref());
        self.num("PresenzaProvaMezzi", Some(i64::from(p.prova_mezzi)), false);
        let carattere = match p.periodo {
            Periodo::Periodico { .. } => "1",
            Periodo::Occasionale { .. } => "2",
        };
        self.attr("CaratterePrestazione", Some(carattere));
        if let Some((prot, anno, data)) = &p.dsu {
            self.attr("NumeroProtocolloDSU", Some(prot));
            self.attr("AnnoProtocolloDSU", Some(anno));
            self.attr("DataDSU", Some(data));
        }
        self.attr("CodicePrestazione", Some(&p.codice));
        self.attr("DenominazionePrestazione", Some(&p.denominazione));
        self.attr("ProtocolloDomanda", Some(&p.protocollo_domanda));
        self.attr("DataEvento", p.data_evento.as_deref());
        match &p.periodo {
            Periodo::Periodico {
                inizio,
                fine,
                mesi,
                mensile_cents,
                ore_mensili,
            } => {
                self.attr("DataInizioPrestazione", Some(inizio));
                self.attr("DataFinePrestazione", Some(fine));
                self.num("PeriodoErogazione", Some(i64::from(*mesi)), false);
                self.num("ImportoMensile", Some(*mensile_cents), true);
                self.num("OreServizioMensile", *ore_mensili, false);
            }
            Periodo::Occasionale {
                data,
                importo_cents,
            } => {
                self.attr("DataErogazionePrestazione", Some(data));
                self.num("ImportoPrestazione", Some(*importo_cents), true);
            }
        }
        self.num("ImportoQuotaEnte", p.quota_ente, true);
        self.num("ImportoQuotaUtente", p.quota_utente, true);
        self.num("ImportoQuotaSSN", p.quota_ssn, true);
        self.num("PresaCarico", Some(i64::from(p.presa_carico)), false);
        self.num("AreaUtenza", p.area_utenza.map(i64::from), false);
        let Some(s) = &p.sina else {
            self.buf.extend_from_slice(b"/>\n");
            return;
        };
        self.buf.extend_from_slice(b">\n");
        self.open("      <SINA");
        self.attr("Mobilita", Some(&s.mobilita));
        self.attr("AttivitaVitaQuotidiana", Some(&s.attivita_vita_quotidiana));
        self.attr(
            "DisturbiAreaCognitiva",
            s.disturbi_area_cognitiva.as_deref(),
        );
        self.attr("DisturbiComportamentali", Some(&s.disturbi_comportamentali));
        self.attr(
            "NecessitaCureSanitarie",
            s.necessita_cure_sanitarie.as_deref(),
        );
        self.attr("AreaReddituale", Some(&s.area_reddituale));
        self.attr("AreaSupporto", Some(&s.area_supporto));
        self.attr(
            "FonteDerivazioneValutazione",
            Some(&s.fonte_derivazione_valutazione),
        );
        self.attr("StrumentoValutazione", Some(&s.strumento_valutazione));
        self.attr(
            "FonteDerivazioneInvalidita",
            s.fonte_derivazione_invalidita.as_deref(),
        );
        self.buf.extend_from_slice(b">\n");
        for (list, item, values) in [
            (
                "NecessitaInterventiSociali",
                "CodicePrestazione",
                &s.necessita_interventi,
            ),
            ("InvaliditaCivile", "InvCiv", &s.invalidita_civile),
        ] {
            // An empty container fails the schema: omitted.
            if values.is_empty() {
                continue;
            }
            self.buf
                .extend_from_slice(format!("        <{list}>\n").as_bytes());
            for v in values {
                self.buf
                    .extend_from_slice(format!("          <{item}>").as_bytes());
                escape(&mut self.buf, v);
                self.buf
                    .extend_from_slice(format!("</{item}>\n").as_bytes());
            }
            self.buf
                .extend_from_slice(format!("        </{list}>\n").as_bytes());
        }
        self.buf
            .extend_from_slice(b"      </SINA>\n    </PrestazioniSociali>\n");
    }

    /// Beneficiaries and records written so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.beneficiari, self.record)
    }

    /// Closes the root and returns the writer (flushed).
    pub fn finish(mut self) -> io::Result<W> {
        self.buf.extend_from_slice(b"</Flusso>\n");
        self.flush_buf()?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Where a flow's bytes go: a second thread writes them to the file and to its gzip copy and
/// hashes them, so that building the records and writing them use two cores. Memory stays flat:
/// at most [`Uscita::DEPTH`] chunks of [`Uscita::CHUNK`] bytes wait for the thread.
pub struct Uscita {
    buf: Vec<u8>,
    tx: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    thread: Option<std::thread::JoinHandle<io::Result<(String, u64)>>>,
}

impl Uscita {
    const CHUNK: usize = 256 * 1024;
    const DEPTH: usize = 8;

    /// Starts the writing thread on `file` and, when given, the gzip `copia`.
    pub fn start(file: std::fs::File, copia: Option<std::fs::File>) -> Uscita {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(Self::DEPTH);
        let thread = std::thread::spawn(move || -> io::Result<(String, u64)> {
            use sha2::{Digest, Sha256};
            let mut file = file;
            let mut gz = copia.map(|f| {
                flate2::write::GzEncoder::new(
                    io::BufWriter::with_capacity(Self::CHUNK, f),
                    flate2::Compression::fast(),
                )
            });
            let (mut sha, mut size) = (Sha256::new(), 0u64);
            for chunk in rx {
                file.write_all(&chunk)?;
                if let Some(gz) = &mut gz {
                    gz.write_all(&chunk)?;
                }
                sha.update(&chunk);
                size += chunk.len() as u64;
            }
            file.sync_all()?;
            if let Some(gz) = gz {
                gz.finish()?
                    .into_inner()
                    .map_err(|e| e.into_error())?
                    .sync_all()?;
            }
            Ok((hex::encode(sha.finalize()), size))
        });
        Uscita {
            buf: Vec::with_capacity(Self::CHUNK + 16 * 1024),
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(Self::CHUNK + 16 * 1024));
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(chunk).is_ok());
        if sent {
            Ok(())
        } else {
            // The thread stopped: its error says why.
            Err(self
                .join()
                .err()
                .unwrap_or_else(|| io::Error::other("scrittura interrotta")))
        }
    }

    fn join(&mut self) -> io::Result<(String, u64)> {
        self.tx = None;
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("scrittura del flusso interrotta")),
            None => Err(io::Error::other("scrittura del flusso già chiusa")),
        }
    }

    /// Writes what is left, waits for the thread (files synced) and returns the SHA-256 of the
    /// bytes (hex) and their number.
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        if !self.buf.is_empty() {
            self.send()?;
        }
        self.join()
    }
}

impl Write for Uscita {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= Self::CHUNK {
            self.send()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Uscita {
    fn drop(&mut self) {
        // An abandoned export: let the thread end (its files are temporaries removed by the caller).
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_a_dot_and_two_decimals() {
        for (cents, text) in [
            (42_050, "420.50"),
            (5, "0.05"),
            (-120, "-1.20"),
            (100_000, "1000.00"),
        ] {
            let mut out = Vec::new();
            push_importo(&mut out, cents);
            assert_eq!(String::from_utf8(out).unwrap(), text);
        }
    }

    #[test]
    fn attribute_values_are_escaped_and_controls_dropped() {
        let mut out = Vec::new();
        escape(&mut out, "a\"<b>&'c\u{7}\n\u{85}è€\u{9f}z");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a&quot;&lt;b&gt;&amp;&apos;cè€z"
        );
    }

    #[test]
    fn the_writing_thread_writes_hashes_and_compresses_every_byte_in_order() {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("f.xml"), dir.path().join("f.xml.gz"));
        let mut u = Uscita::start(
            std::fs::File::create(&a).unwrap(),
            Some(std::fs::File::create(&b).unwrap()),
        );
        // Several chunks, written in uneven pieces.
        let data: Vec<u8> = (0..3 * Uscita::CHUNK + 777)
            .map(|i| (i % 251) as u8)
            .collect();
        for piece in data.chunks(4093) {
            u.write_all(piece).unwrap();
        }
        let (sha, size) = u.finish().unwrap();
        assert_eq!(size, data.len() as u64);
        assert_eq!(sha, hex::encode(Sha256::digest(&data)));
        assert_eq!(std::fs::read(&a).unwrap(), data);
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&b).unwrap())
            .read_to_end(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, data);
    }
}
