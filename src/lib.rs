//! sportello — terminal front desk for Italian municipal social services.
//!
//! Module map (each module's doc says what it owns):
//! - [`anagrafe`]: import from the municipal registry (CSV parsing and mapping; no SQL).
//! - [`domain`]: pure domain types and rules (roles, permissions, codice fiscale). No IO.
//! - [`store`]: the only module that speaks SQL; the `Store` trait and its SQLite implementation.
//! - [`service`]: permission checks and auditing in front of the store; what the CLI and UI call.
//! - [`auth`]: password hashing, password policy, login and lockout.
//! - [`config`]: layered configuration (system file, user file, environment, flags).
//! - [`cli`]: the command line (clap) and its commands, one file per command group.
//! - [`demo`]: synthetic demo data.
//! - [`export`]: tabular exports (CSV, XLSX, PDF) from plain data; no database.
//! - [`files`]: files created private (0600 whatever the umask), safe atomic writes, operator-named paths.
//! - [`forms`]: screens as data: form definitions from `screens/*.toml`, typed field values (dates,
//!   money, codice fiscale) and their Italian diagnostics; used by the UI, prints, exports and services.
//! - [`logging`]: `tracing` to a file, never to the terminal.
//! - [`print`]: A4 PDF documents and forms from plain data (embedded fonts; no database); the
//!   office printer and the output folder's file names.
//! - [`progress`]: progress counters and cancellation of long work (imports, exports).
//! - [`sanitize`]: the one function that makes foreign strings safe to show.
//! - [`setgid`]: the setgid deployment (data group, real-group file access, admin check).
//! - [`ui`]: the terminal app: keys, keymaps, actions, the router and one module per screen. No SQL.

pub mod anagrafe;
pub mod auth;
pub mod cli;
pub mod config;
pub mod crash;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod files;
pub mod forms;
pub mod logging;
pub mod mail;
pub mod print;
pub mod progress;
pub mod record;
pub mod sanitize;
pub mod service;
pub mod setgid;
pub mod store;
pub mod ui;
