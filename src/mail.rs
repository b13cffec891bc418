//! E-mail through the server's own mail system: the `sendmail` program (`sendmail -t -oi`, the
//! interface every MTA provides — Postfix, Exim, msmtp) or a plain SMTP relay on the local network
//! (`host:port`, no authentication: the relay of the office's mail server). Configured in
//! `config.toml`:
//!
//! ```toml
//! [mail]
//! sendmail = "/usr/sbin/sendmail"       # or: smtp = "localhost:25"
//! from = "sportello@comune.example.it"
//! ```
//!
//! Only short notices travel this way (a scheda was sent to an office): never personal data. Header
//! values with line breaks are refused (no header injection); the subject is RFC 2047 encoded.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// How mail leaves the server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Trasporto {
    /// A sendmail-compatible program.
    Sendmail(String),
    /// An SMTP relay, `host:port`.
    Smtp(String),
}

/// The configured mail: transport and sender address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mailer {
    pub trasporto: Trasporto,
    pub mittente: String,
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Messaggio {
    pub a: String,
    pub oggetto: String,
    pub testo: String,
}

/// How long an SMTP relay may take to answer.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

fn header_ok(v: &str) -> Result<(), String> {
    if v.chars().any(|c| c == '\r' || c == '\n') {
        Err("intestazione del messaggio con un a capo: non inviato".into())
    } else {
        Ok(())
    }
}

fn encoded_subject(s: &str) -> String {
    use base64::Engine;
    if s.is_ascii() {
        s.to_string()
    } else {
        format!(
            "=?UTF-8?B?{}?=",
            base64::engine::general_purpose::STANDARD.encode(s)
        )
    }
}

impl Mailer {
    /// The message as it goes on the wire (CRLF line ends).
    pub fn formatta(&self, m: &Messaggio) -> Result<String, String> {
        for v in [&self.mittente, &m.a, &m.oggetto] {
            header_ok(v)?;
        }
        let body = m.testo.replace("\r\n", "\n").replace('\n', "\r\n");
        Ok(format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nMIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\
             Auto-Submitted: auto-generated\r\n\r\n{body}\r\n",
            self.mittente,
            m.a,
            encoded_subject(&m.oggetto)
        ))
    }

    /// Sends `m`: `Err` with an Italian reason when the transport refused it.
    pub fn invia(&self, m: &Messaggio) -> Result<(), String> {
        let wire = self.formatta(m)?;
        match &self.trasporto {
            Trasporto::Sendmail(cmd) => sendmail(cmd, &wire),
            Trasporto::Smtp(addr) => smtp(addr, &self.mittente, &m.a, &wire)
                .map_err(|e| format!("server SMTP {addr}: {e}")),
        }
    }
}

fn sendmail(cmd: &str, wire: &str) -> Result<(), String> {
    let mut child = Command::new(cmd)
        .args(["-t", "-oi"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("programma di posta «{cmd}» non avviato: {e}"))?;
    // A program that fails early closes its input: its exit status says more than the pipe.
    let written = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(wire.replace("\r\n", "\n").as_bytes()),
        None => Ok(()),
    };
    let out = child
        .wait_with_output()
        .map_err(|e| format!("programma di posta «{cmd}»: {e}"))?;
    if out.status.success() {
        written.map_err(|e| format!("programma di posta «{cmd}»: {e}"))
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "programma di posta «{cmd}» uscito con {}: {}",
            out.status,
            crate::sanitize::sanitize(err.trim())
        ))
    }
}

/// One SMTP exchange: the reply must start with `want` (multi-line replies read to their end).
fn reply(r: &mut impl BufRead, want: &str) -> Result<(), String> {
    loop {
        let mut line = String::new();
        let n = r.read_line(&mut line).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connessione chiusa dal server".into());
        }
        if !line.starts_with(want) {
            return Err(format!(
                "risposta inattesa «{}»",
                crate::sanitize::sanitize(line.trim())
            ));
        }
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok(());
        }
    }
}

fn smtp(addr: &str, from: &str, to: &str, wire: &str) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let target = addr
        .to_socket_addrs()
        .map_err(|e| format!("indirizzo non valido: {e}"))?
        .next()
        .ok_or("indirizzo non valido")?;
    let stream = TcpStream::connect_timeout(&target, SMTP_TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(SMTP_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut w = stream.try_clone().map_err(|e| e.to_string())?;
    let mut r = BufReader::new(stream);
    let mut say = |line: &str| w.write_all(line.as_bytes()).map_err(|e| e.to_string());
    reply(&mut r, "220")?;
    say("HELO sportello\r\n")?;
    reply(&mut r, "250")?;
    say(&format!("MAIL FROM:<{from}>\r\n"))?;
    reply(&mut r, "250")?;
    say(&format!("RCPT TO:<{to}>\r\n"))?;
    reply(&mut r, "25")?;
    say("DATA\r\n")?;
    reply(&mut r, "354")?;
    // Dot-stuffing: a line starting with '.' gets another.
    let mut data = String::with_capacity(wire.len() + 8);
    for line in wire.split_inclusive("\r\n") {
        if line.starts_with('.') {
            data.push('.');
        }
        data.push_str(line);
    }
    say(&data)?;
    say(".\r\n")?;
    reply(&mut r, "250")?;
    say("QUIT\r\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> Mailer {
        Mailer {
            trasporto: Trasporto::Sendmail("/bin/false".into()),
            mittente: "sportello@comune.example.it".into(),
        }
    }

    #[test]
    fn headers_with_line_breaks_are_refused_and_the_subject_is_encoded() {
        let m = Messaggio {
            a: "ufficio@comune.example.it\r\nBcc: altri@example.com".into(),
            oggetto: "x".into(),
            testo: "y".into(),
        };
        assert!(mailer().formatta(&m).unwrap_err().contains("a capo"));
        let m = Messaggio {
            a: "ufficio@comune.example.it".into(),
            oggetto: "Scheda inviata da Città di Castello".into(),
            testo: "riga 1\nriga 2".into(),
        };
        let w = mailer().formatta(&m).unwrap();
        assert!(w.contains("Subject: =?UTF-8?B?"), "{w}");
        assert!(w.ends_with("riga 1\r\nriga 2\r\n"), "{w}");
    }

    #[test]
    fn a_failing_sendmail_is_reported() {
        let m = Messaggio {
            a: "ufficio@comune.example.it".into(),
            oggetto: "x".into(),
            testo: "y".into(),
        };
        let e = mailer().invia(&m).unwrap_err();
        assert!(e.contains("uscito con"), "{e}");
    }
}
