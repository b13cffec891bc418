//! The terminal app: everything it needs before the first frame, then the runtime.

use super::open_current;
use crate::auth;
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::service::Database;

/// Everything the TUI needs before the first frame: the database, keymap, screens and the app
/// (recorded when `record` asks, or else ready to be recorded at the login when the helpdesk
/// requested it), its recording and the log's path.
#[allow(clippy::type_complexity)]
pub fn prepare_tui(
    config: &Config,
    record: Option<&crate::record::Request>,
) -> AppResult<(
    crate::ui::app::App,
    Vec<crate::ui::app::Effect>,
    Database,
    crate::record::Session,
    Option<std::path::PathBuf>,
)> {
    let mut db = open_current(&config.database)?;
    // Keymaps and screens are the operator's or the site's files: read without the data group.
    let (site_keys, user_keys) = crate::ui::keymap::Keymap::default_paths();
    let (keymap, screens) = crate::setgid::with_real_group(|| {
        Ok((
            crate::ui::keymap::Keymap::load_files(&site_keys, user_keys.as_deref()),
            crate::ui::load_screens(Some(&crate::forms::Screens::default_override_dir())),
        ))
    })
    .map_err(|e| AppError::Env(e.to_string()))?;
    let keymap = keymap.map_err(|e| AppError::Env(e.to_string()))?;
    let (forms, defs) = screens.map_err(AppError::Env)?;
    let app_config = crate::ui::app::AppConfig {
        auth: config.auth,
        idle_lock_minutes: config.idle_lock_minutes,
        demo: db.service().is_demo()?,
        theme: crate::ui::theme::Theme::detect(&|k| std::env::var(k).ok()),
        keymap,
        origin: auth::origin(),
        forms,
        defs,
        output_dir: config.output_dir.clone(),
        print: config.print.clone(),
        recording: None,
        record_on_login: false,
        recording_dir: config.recording_dir.clone(),
        crash_dir: config.log_dir.join("crash"),
        archivio: crate::service::casi_documenti::Archivio::of_database(
            &config.database,
            config.documenti_max_mb,
        ),
        // Said once, in the status bar.
        notice: (!crate::logging::on()).then(|| crate::logging::OFF_NOTICE.into()),
        retention: config.retention,
        mail: config.mail.clone(),
    };
    let schema = db.service().schema_status()?.db_version;
    let size = crossterm::terminal::size().unwrap_or((80, 24));
    let start = crate::domain::date::now_ms();
    let (mut app, initial, recorder, log) =
        crate::record::begin(app_config, record, schema, size, start);
    let session = match recorder {
        Some(r) => crate::record::Session::On(r),
        None if record.is_none() => {
            app.config.record_on_login = true;
            let on = crate::record::OnRequest {
                dir: config.recording_dir.clone(),
                retention_days: config.recording_days,
                force_redact: config.recording_redact,
                schema,
                size,
                start_ms: start,
            };
            crate::record::Session::waiting(&app, on)
        }
        None => crate::record::Session::Off,
    };
    Ok((app, initial, db, session, log))
}

pub(super) fn open_tui(config: &Config, explicit: bool) -> AppResult<i32> {
    open_recorded(config, explicit, None)
}

/// The TUI, recorded when `record` asks.
pub(super) fn open_recorded(
    config: &Config,
    _explicit: bool,
    record: Option<&crate::record::Request>,
) -> AppResult<i32> {
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return Err(AppError::Env(
            "terminale «dumb» non supportato: impostare TERM (es. xterm o linux)".into(),
        ));
    }
    let (app, initial, db, recording, log) = prepare_tui(config, record)?;
    let jobs = open_current(&config.database)?;
    crate::crash::set_recording(log);
    crate::ui::runtime::run(
        app,
        initial,
        db.into_store(),
        jobs.into_store(),
        config,
        recording,
    )
    .map_err(|e| AppError::Env(format!("terminale non utilizzabile: {e}")))?;
    Ok(0)
}
