//! Layered configuration: `/etc/sportello/config.toml`, then the user's config dir, then `SPORTELLO_*`
//! environment variables, then command-line flags. Later layers override earlier ones, key by key.
//!
//! Keys (all optional):
//! ```toml
//! database = "/var/lib/sportello/sportello.db"  # the shared SQLite file
//! auth = "password"                              # or "system": OS account → operator (SSH ForceCommand)
//! idle_lock_minutes = 5                          # blank the screen and ask the password again
//! log_dir = "/var/log/sportello"
//! recording_dir = "/var/lib/sportello/recordings"
//! recording_days = 30                            # session recordings are deleted after this
//! recording_redact = true                        # every recording redacted (system file only)
//! output_dir = "~/sportello"                     # PDFs and exports, when the ufficio has no folder
//! tick_ms = 500                                  # period of the TUI clock (autosave, idle lock)
//! documenti_max_mb = 50                          # largest documento individuale of a case
//! print_command = "lp -d {stampante} {file}"     # how a PDF reaches a print queue (CUPS default)
//! admin_group = "sportello-admin"                # root and this group: full-rights CLI (system file only)
//! [operator_printers]                            # an operator's own queue instead of the ufficio's
//! mrossi = "SEGRETARIATO-COLORI"
//! anomaly_reads_per_hour = 100                   # more persons/schede/cases read in an hour: anomaly
//! [retention]                                    # what `sportello purge` removes (defaults shown)
//! login_days = 180                               # login attempts
//! draft_days = 30                                # drafts not taken up again
//! draft_warning_days = 7                         # the home screen warns this many days before
//! crash_days = 90                                # crash reports
//! audit_months = 24                              # audit rows (24 at least: access logs, Garante)
//! [mail]                                         # notices of schede sent to another office
//! sendmail = "/usr/sbin/sendmail"                # or: smtp = "localhost:25" (a relay, no login)
//! from = "sportello@comune.example.it"
//! ```
//! The print queue and the output folder of each ufficio are stored in the database
//! (`sportello ente ufficio`). `recording_redact = true` forces `--redact` on every session
//! recording, the ones the helpdesk requests included; it is read from the system file alone (a
//! user file or the environment cannot turn it off). Running setgid (see [`crate::setgid`]) only
//! `/etc/sportello/config.toml` is read.
//! `SPORTELLO_ETC` moves the system directory (tests, packaging); `XDG_CONFIG_HOME`/`XDG_DATA_HOME`
//! move the user directories as usual.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::retention::Retention;
use crate::error::AppError;
use crate::print::office::PrintConfig;

/// How operators authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    #[default]
    Password,
    System,
}

/// One layer as read from a file: every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Layer {
    database: Option<PathBuf>,
    auth: Option<AuthMode>,
    idle_lock_minutes: Option<u32>,
    log_dir: Option<PathBuf>,
    recording_dir: Option<PathBuf>,
    recording_days: Option<u32>,
    /// Read from the system file only.
    recording_redact: Option<bool>,
    output_dir: Option<PathBuf>,
    tick_ms: Option<u64>,
    documenti_max_mb: Option<u64>,
    print_command: Option<String>,
    operator_printers: Option<BTreeMap<String, String>>,
    /// Read from the system file only.
    admin_group: Option<String>,
    retention: Option<RetentionLayer>,
    anomaly_reads_per_hour: Option<u32>,
    mail: Option<MailLayer>,
}

/// The `[mail]` table of one layer: one transport and the sender.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MailLayer {
    sendmail: Option<String>,
    smtp: Option<String>,
    from: Option<String>,
}

impl MailLayer {
    fn mailer(self) -> Result<Option<crate::mail::Mailer>, AppError> {
        use crate::mail::{Mailer, Trasporto};
        let trasporto = match (self.sendmail, self.smtp) {
            (None, None) => return Ok(None),
            (Some(_), Some(_)) => {
                return Err(AppError::Env(
                    "[mail]: indicare «sendmail» oppure «smtp», non entrambi".into(),
                ));
            }
            (Some(p), None) => Trasporto::Sendmail(p),
            (None, Some(a)) => Trasporto::Smtp(a),
        };
        let mittente = self
            .from
            .filter(|f| crate::domain::is_email(f))
            .ok_or_else(|| {
                AppError::Env("[mail]: «from» deve essere un indirizzo e-mail valido".into())
            })?;
        Ok(Some(Mailer {
            trasporto,
            mittente,
        }))
    }
}

/// The `[retention]` table of one layer.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RetentionLayer {
    login_days: Option<u32>,
    draft_days: Option<u32>,
    draft_warning_days: Option<u32>,
    crash_days: Option<u32>,
    audit_months: Option<u32>,
}

impl RetentionLayer {
    fn over(self, top: RetentionLayer) -> RetentionLayer {
        RetentionLayer {
            login_days: top.login_days.or(self.login_days),
            draft_days: top.draft_days.or(self.draft_days),
            draft_warning_days: top.draft_warning_days.or(self.draft_warning_days),
            crash_days: top.crash_days.or(self.crash_days),
            audit_months: top.audit_months.or(self.audit_months),
        }
    }

    fn policy(self) -> Retention {
        let d = Retention::default();
        Retention {
            login_days: self.login_days.unwrap_or(d.login_days),
            draft_days: self.draft_days.unwrap_or(d.draft_days),
            draft_warning_days: self.draft_warning_days.unwrap_or(d.draft_warning_days),
            crash_days: self.crash_days.unwrap_or(d.crash_days),
            audit_months: self.audit_months.unwrap_or(d.audit_months),
        }
        .checked()
    }
}

/// The effective configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub database: PathBuf,
    pub auth: AuthMode,
    pub idle_lock_minutes: u32,
    pub log_dir: PathBuf,
    pub recording_dir: PathBuf,
    /// Days a session recording is kept.
    pub recording_days: u32,
    /// Every session recording is redacted (`--redact` forced); from the system file only.
    pub recording_redact: bool,
    pub output_dir: PathBuf,
    /// Period of the TUI's clock message in milliseconds (draft autosave, idle lock). Keys never
    /// wait for it; tests set it long to prove that.
    pub tick_ms: u64,
    /// Largest documento individuale a case may hold, in MB.
    pub documenti_max_mb: u64,
    /// How documents reach a printer: the command, operators' own queues.
    pub print: PrintConfig,
    /// The OS group whose members (with root) may run CLI commands with full rights and act on
    /// behalf of an operator (`--operatore`); from the system file only.
    pub admin_group: Option<String>,
    /// How long each class of data is kept (`sportello purge`, the drafts' warning).
    pub retention: Retention,
    /// Distinct persons, schede or cases an operator may read in an hour before `sportello
    /// anomalies` records an anomaly.
    pub anomaly_reads_per_hour: u32,
    /// How notices of schede sent to another office leave the server (`None`: not sent).
    pub mail: Option<crate::mail::Mailer>,
    /// The files that were read, in order.
    pub sources: Vec<PathBuf>,
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("it", "sportello", "sportello")
}

/// The system config directory (`/etc/sportello`, or `$SPORTELLO_ETC` when not running setgid).
pub fn system_dir() -> PathBuf {
    if crate::setgid::active() {
        return PathBuf::from("/etc/sportello");
    }
    std::env::var_os("SPORTELLO_ETC")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/etc/sportello"))
}

/// The user's config directory (`~/.config/sportello`).
pub fn user_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().to_path_buf())
}

/// The user's data directory (`~/.local/share/sportello`): default database, logs, outputs.
pub fn data_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".sportello"))
}

fn read_layer(path: &Path) -> Result<Option<Layer>, AppError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(AppError::Env(format!(
                "impossibile leggere {}: {e}",
                path.display()
            )));
        }
    };
    toml::from_str::<Layer>(&text).map(Some).map_err(|e| {
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        AppError::Env(format!(
            "configurazione {}{}: {}",
            path.display(),
            line.map(|l| format!(", riga {l}")).unwrap_or_default(),
            e.message()
        ))
    })
}

impl Layer {
    fn over(self, top: Layer) -> Layer {
        Layer {
            database: top.database.or(self.database),
            auth: top.auth.or(self.auth),
            idle_lock_minutes: top.idle_lock_minutes.or(self.idle_lock_minutes),
            log_dir: top.log_dir.or(self.log_dir),
            recording_dir: top.recording_dir.or(self.recording_dir),
            recording_days: top.recording_days.or(self.recording_days),
            recording_redact: top.recording_redact.or(self.recording_redact),
            output_dir: top.output_dir.or(self.output_dir),
            tick_ms: top.tick_ms.or(self.tick_ms),
            documenti_max_mb: top.documenti_max_mb.or(self.documenti_max_mb),
            print_command: top.print_command.or(self.print_command),
            // Operator by operator: a user file adds to the system's table.
            operator_printers: match (self.operator_printers, top.operator_printers) {
                (Some(mut under), Some(over)) => {
                    under.extend(over);
                    Some(under)
                }
                (under, over) => over.or(under),
            },
            admin_group: top.admin_group.or(self.admin_group),
            anomaly_reads_per_hour: top.anomaly_reads_per_hour.or(self.anomaly_reads_per_hour),
            retention: match (self.retention, top.retention) {
                (Some(under), Some(over)) => Some(under.over(over)),
                (under, over) => over.or(under),
            },
            mail: top.mail.or(self.mail),
        }
    }

    fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Layer, AppError> {
        let auth = match env("SPORTELLO_AUTH").as_deref() {
            None | Some("") => None,
            Some("password") => Some(AuthMode::Password),
            Some("system") => Some(AuthMode::System),
            Some(other) => {
                return Err(AppError::Env(format!(
                    "SPORTELLO_AUTH={}: valori ammessi «password» o «system»",
                    crate::sanitize::sanitize(other)
                )));
            }
        };
        let idle = match env("SPORTELLO_IDLE_LOCK_MINUTES").filter(|s| !s.is_empty()) {
            None => None,
            Some(v) => Some(v.trim().parse::<u32>().map_err(|_| {
                AppError::Env(format!(
                    "SPORTELLO_IDLE_LOCK_MINUTES={}: serve un numero di minuti",
                    crate::sanitize::sanitize(&v)
                ))
            })?),
        };
        let tick = match env("SPORTELLO_TICK_MS").filter(|s| !s.is_empty()) {
            None => None,
            Some(v) => Some(v.trim().parse::<u64>().map_err(|_| {
                AppError::Env(format!(
                    "SPORTELLO_TICK_MS={}: serve un numero di millisecondi",
                    crate::sanitize::sanitize(&v)
                ))
            })?),
        };
        let path = |k: &str| env(k).filter(|s| !s.is_empty()).map(PathBuf::from);
        Ok(Layer {
            database: path("SPORTELLO_DB"),
            auth,
            idle_lock_minutes: idle,
            log_dir: path("SPORTELLO_LOG_DIR"),
            recording_dir: path("SPORTELLO_RECORDING_DIR"),
            recording_days: None,
            recording_redact: None,
            output_dir: path("SPORTELLO_OUTPUT_DIR"),
            tick_ms: tick,
            documenti_max_mb: None,
            print_command: env("SPORTELLO_PRINT_COMMAND").filter(|s| !s.trim().is_empty()),
            operator_printers: None,
            admin_group: None,
            retention: None,
            anomaly_reads_per_hour: None,
            mail: None,
        })
    }
}

/// Overrides from the command line.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub database: Option<PathBuf>,
}

impl Config {
    /// Loads system file, user file, environment and flags. Running setgid (the deployment where
    /// operators reach the data only through sportello) it reads `/etc/sportello/config.toml`
    /// alone: environment, user config and `--db` could redirect the data paths.
    pub fn load(flags: &Flags) -> Result<Config, AppError> {
        if crate::setgid::active() {
            return Config::load_from(
                &system_dir().join("config.toml"),
                None,
                &|_| None,
                &Flags::default(),
            );
        }
        Config::load_from(
            &system_dir().join("config.toml"),
            user_dir().map(|d| d.join("config.toml")).as_deref(),
            &|k| std::env::var(k).ok(),
            flags,
        )
    }

    /// Loads from explicit places (tests).
    pub fn load_from(
        system_file: &Path,
        user_file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        flags: &Flags,
    ) -> Result<Config, AppError> {
        let mut sources = Vec::new();
        let mut layer = Layer::default();
        for (i, file) in std::iter::once(system_file).chain(user_file).enumerate() {
            if let Some(mut l) = read_layer(file)? {
                if i > 0 {
                    // Who is an administrator, and whether recordings are redacted, is decided
                    // by the system file alone.
                    l.admin_group = None;
                    l.recording_redact = None;
                }
                sources.push(file.to_path_buf());
                layer = layer.over(l);
            }
        }
        layer = layer.over(Layer::from_env(env)?);
        layer = layer.over(Layer {
            database: flags.database.clone(),
            ..Layer::default()
        });
        let data = data_dir();
        let idle = layer.idle_lock_minutes.unwrap_or(5);
        if idle == 0 {
            return Err(AppError::Env(
                "idle_lock_minutes deve essere almeno 1".into(),
            ));
        }
        let tick_ms = layer.tick_ms.unwrap_or(500);
        if !(10..=60_000).contains(&tick_ms) {
            return Err(AppError::Env(
                "tick_ms deve essere tra 10 e 60000 millisecondi".into(),
            ));
        }
        Ok(Config {
            database: layer.database.unwrap_or_else(|| data.join("sportello.db")),
            auth: layer.auth.unwrap_or_default(),
            idle_lock_minutes: idle,
            log_dir: layer.log_dir.unwrap_or_else(|| data.join("log")),
            recording_dir: layer
                .recording_dir
                .unwrap_or_else(|| data.join("registrazioni")),
            recording_days: layer
                .recording_days
                .unwrap_or(crate::record::files::DEFAULT_RETENTION_DAYS),
            recording_redact: layer.recording_redact.unwrap_or(false),
            output_dir: layer.output_dir.unwrap_or_else(|| data.join("stampe")),
            tick_ms,
            documenti_max_mb: layer
                .documenti_max_mb
                .unwrap_or(crate::service::casi_documenti::MAX_MB_DEFAULT),
            print: PrintConfig {
                command: layer
                    .print_command
                    .unwrap_or_else(|| crate::print::office::DEFAULT_COMMAND.into()),
                operator_printers: layer.operator_printers.unwrap_or_default(),
            },
            admin_group: layer.admin_group,
            retention: layer.retention.unwrap_or_default().policy(),
            anomaly_reads_per_hour: layer
                .anomaly_reads_per_hour
                .unwrap_or(crate::service::anomalie::DEFAULT_THRESHOLD),
            mail: layer.mail.map(MailLayer::mailer).transpose()?.flatten(),
            sources,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn layers_override_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let sys = write(
            dir.path(),
            "sys.toml",
            "database = \"/a.db\"\nidle_lock_minutes = 7\nauth = \"system\"\n",
        );
        let user = write(dir.path(), "user.toml", "database = \"/b.db\"\n");
        let env = |k: &str| (k == "SPORTELLO_IDLE_LOCK_MINUTES").then(|| "9".to_string());
        let c = Config::load_from(&sys, Some(&user), &env, &Flags::default()).unwrap();
        assert_eq!(c.database, PathBuf::from("/b.db"));
        assert_eq!(c.idle_lock_minutes, 9);
        assert_eq!(c.auth, AuthMode::System);
        assert_eq!(c.sources, vec![sys.clone(), user.clone()]);
        let flags = Flags {
            database: Some("/c.db".into()),
        };
        let c = Config::load_from(&sys, Some(&user), &env, &flags).unwrap();
        assert_eq!(c.database, PathBuf::from("/c.db"));
    }

    #[test]
    fn tick_from_file_then_environment_within_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let none = dir.path().join("none");
        let c = Config::load_from(&none, None, &|_| None, &Flags::default()).unwrap();
        assert_eq!(c.tick_ms, 500);
        let sys = write(dir.path(), "sys.toml", "tick_ms = 250\n");
        let c = Config::load_from(&sys, None, &|_| None, &Flags::default()).unwrap();
        assert_eq!(c.tick_ms, 250);
        let env = |k: &str| (k == "SPORTELLO_TICK_MS").then(|| "10000".to_string());
        let c = Config::load_from(&sys, None, &env, &Flags::default()).unwrap();
        assert_eq!(c.tick_ms, 10_000);
        for bad in ["0", "60001", "dieci"] {
            let env = |k: &str| (k == "SPORTELLO_TICK_MS").then(|| bad.to_string());
            let err = Config::load_from(&none, None, &env, &Flags::default()).unwrap_err();
            assert!(
                err.to_string().contains("tick_ms") || err.to_string().contains("TICK_MS"),
                "{err}"
            );
            assert_eq!(err.exit_code(), 2);
        }
    }

    #[test]
    fn print_command_and_operators_printers_from_files_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let none = dir.path().join("none");
        let c = Config::load_from(&none, None, &|_| None, &Flags::default()).unwrap();
        assert_eq!(c.print.command, "lp -d {stampante} {file}");
        assert!(c.print.operator_printers.is_empty());
        let sys = write(
            dir.path(),
            "sys.toml",
            "print_command = \"lpr -P {stampante}\"\n[operator_printers]\nmrossi = \"PIANO-2\"\n",
        );
        let user = write(
            dir.path(),
            "user.toml",
            "[operator_printers]\nabianchi = \"COLORI\"\n",
        );
        let c = Config::load_from(&sys, Some(&user), &|_| None, &Flags::default()).unwrap();
        assert_eq!(c.print.command, "lpr -P {stampante}");
        // Operator by operator: the user's table adds to the system's.
        assert_eq!(
            c.print.operator_printers.into_iter().collect::<Vec<_>>(),
            [
                ("abianchi".to_string(), "COLORI".to_string()),
                ("mrossi".to_string(), "PIANO-2".to_string())
            ]
        );
        let env = |k: &str| (k == "SPORTELLO_PRINT_COMMAND").then(|| "stampa {file}".to_string());
        let c = Config::load_from(&sys, None, &env, &Flags::default()).unwrap();
        assert_eq!(c.print.command, "stampa {file}");
    }

    #[test]
    fn bad_file_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let sys = write(
            dir.path(),
            "sys.toml",
            "database = \"/a.db\"\n\nidle_lock_minuti = 3\n",
        );
        let err = Config::load_from(&sys, None, &|_| None, &Flags::default()).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("sys.toml") && msg.contains("riga 3") && msg.contains("idle_lock_minuti"),
            "{msg}"
        );
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn recording_redaction_comes_from_the_system_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let none = dir.path().join("none");
        let c = Config::load_from(&none, None, &|_| None, &Flags::default()).unwrap();
        assert!(!c.recording_redact, "never on by default");
        let sys = write(dir.path(), "sys.toml", "recording_redact = true\n");
        let user = write(dir.path(), "user.toml", "recording_redact = false\n");
        let c = Config::load_from(&sys, Some(&user), &|_| None, &Flags::default()).unwrap();
        assert!(c.recording_redact, "a user file cannot turn it off");
        let c = Config::load_from(&none, Some(&user), &|_| None, &Flags::default()).unwrap();
        assert!(!c.recording_redact);
        let on = write(dir.path(), "user_on.toml", "recording_redact = true\n");
        let c = Config::load_from(&none, Some(&on), &|_| None, &Flags::default()).unwrap();
        assert!(!c.recording_redact, "nor turn it on: the system decides");
    }

    #[test]
    fn bad_env_value_is_an_environment_error() {
        let dir = tempfile::tempdir().unwrap();
        let env = |k: &str| (k == "SPORTELLO_AUTH").then(|| "ldap".to_string());
        let err =
            Config::load_from(&dir.path().join("none"), None, &env, &Flags::default()).unwrap_err();
        assert!(err.to_string().contains("SPORTELLO_AUTH"));
    }
}
