//! Authentication: argon2id password hashing, password policy, login with lockout, system (OS) login.
//!
//! Lockout: 5 failed attempts within 15 minutes lock the *username typed* (known or not) for 15 minutes
//! from the fifth failure. Unknown user, wrong password, locked and disabled account get the same
//! message ([`MSG_INVALID`]; the audit row says which) and take the same time; each attempt is
//! counted before its password is verified.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

use crate::domain::{Operatore, Role, RoleSet};
use crate::store::{LoginAttempt, LoginResult, Store, StoreError};

pub const MIN_LEN: usize = 12;
pub const MIN_LEN_ADMIN: usize = 14;
/// Longer input is refused without hashing (a 10,000-character password is an attack, not a password).
pub const MAX_LEN: usize = 1024;
pub const LOCK_FAILURES: usize = 5;
pub const LOCK_WINDOW_SECS: i64 = 15 * 60;
pub const LOCK_SECS: i64 = 15 * 60;

/// The one message for unknown user, wrong password, locked or disabled account, empty or oversized
/// password: a failed login tells an attacker nothing about the account.
pub const MSG_INVALID: &str = "Nome utente o password non validi";

/// Why a login failed (the audit row says it too); `Display` is the Italian message for the
/// operator, the same for every failure but a broken database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("{MSG_INVALID}")]
    Invalid,
    #[error("{MSG_INVALID}")]
    Locked,
    #[error("{MSG_INVALID}")]
    Disabled,
    #[error("{0}")]
    Store(String),
}

impl From<StoreError> for LoginError {
    fn from(e: StoreError) -> Self {
        LoginError::Store(e.to_string())
    }
}

/// Hashes a password as an argon2id PHC string (RustCrypto defaults: m=19 MiB, t=2, p=1).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .expect("argon2 with default parameters cannot fail on a bounded password")
}

/// Checks a password against a PHC string; malformed hashes never verify.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A valid hash of a random password, verified against when the user does not exist (same timing).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("sportello-utente-inesistente"))
}

/// Password policy: length only (no composition rules), admin accounts need more.
pub fn check_policy(password: &str, roles: RoleSet) -> Result<(), String> {
    let min = if roles.contains(Role::Admin) {
        MIN_LEN_ADMIN
    } else {
        MIN_LEN
    };
    let len = password.chars().count();
    if len < min {
        return Err(format!(
            "la password deve avere almeno {min} caratteri (ne ha {len})"
        ));
    }
    if password.len() > MAX_LEN {
        return Err(format!("la password non può superare {MAX_LEN} byte"));
    }
    if password.trim() != password {
        return Err("la password non può iniziare o finire con spazi".into());
    }
    Ok(())
}

/// When the lock triggered by `failures` (ascending unix seconds) ends, if it is still in force at `now`.
pub fn locked_until(failures: &[i64], now: i64) -> Option<i64> {
    let mut until = None;
    for w in failures.windows(LOCK_FAILURES) {
        if w[LOCK_FAILURES - 1] - w[0] <= LOCK_WINDOW_SECS {
            until = Some(w[LOCK_FAILURES - 1] + LOCK_SECS);
        }
    }
    until.filter(|u| now < *u)
}

/// Where a login comes from, for the audit trail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub os_user: Option<String>,
    pub ssh_client: Option<String>,
}

/// Password login. Every attempt is recorded and audited. `now` is unix seconds.
///
/// The attempt is reserved (counted as a failure) in the transaction that reads the count, before
/// the password is verified: however many sessions try at once, at most [`LOCK_FAILURES`] passwords
/// are verified per window. Unknown user, wrong password and disabled account get the same message
/// and the same work (a disabled account is verified against the dummy hash); the audit row says
/// which.
pub fn login(
    store: &mut dyn Store,
    username: &str,
    password: &str,
    origin: &Origin,
    now: i64,
) -> Result<Operatore, LoginError> {
    let username = username.trim();
    let mut attempt = LoginAttempt {
        at: now,
        username: username.chars().take(64).collect(),
        result: LoginResult::Failed,
        os_user: origin.os_user.clone(),
        ssh_client: origin.ssh_client.clone(),
    };
    let since = now - LOCK_WINDOW_SECS - LOCK_SECS;
    let Some(id) = store.reserve_login(&attempt, since, &|f| locked_until(f, now).is_some())?
    else {
        return Err(LoginError::Locked);
    };
    if username.is_empty() || password.is_empty() || password.len() > MAX_LEN {
        store.finish_login(
            id,
            &attempt,
            None,
            "nome utente o password vuoti o troppo lunghi",
        )?;
        return Err(LoginError::Invalid);
    }
    let op = store.operatore_by_username(username)?;
    let hash = match &op {
        Some(o) if o.attivo => store.password_hash(o.id)?,
        _ => None,
    };
    let ok = verify_password(password, hash.as_deref().unwrap_or_else(|| dummy_hash()))
        && hash.is_some();
    let why = match &op {
        Some(_) if ok => {
            attempt.result = LoginResult::Ok;
            ""
        }
        Some(o) if !o.attivo => "account disabilitato",
        Some(_) => "password errata",
        None => "utente sconosciuto",
    };
    store.finish_login(id, &attempt, op.as_ref().map(|o| o.id), why)?;
    match op {
        Some(op) if ok => Ok(op),
        _ => Err(LoginError::Invalid),
    }
}

/// Login by OS account (`auth = "system"`, under SSH ForceCommand): the account comes from `getuid()`.
pub fn login_system(
    store: &mut dyn Store,
    origin: &Origin,
    now: i64,
) -> Result<Operatore, LoginError> {
    let os_user = origin.os_user.clone().unwrap_or_default();
    let op = if os_user.is_empty() {
        None
    } else {
        store.operatore_by_os_user(&os_user)?
    };
    let attempt = |result| LoginAttempt {
        at: now,
        username: format!("os:{os_user}"),
        result,
        os_user: origin.os_user.clone(),
        ssh_client: origin.ssh_client.clone(),
    };
    match op {
        Some(op) if op.attivo => {
            store.record_login(&attempt(LoginResult::Ok), Some(op.id))?;
            Ok(op)
        }
        Some(op) => {
            store.record_login(&attempt(LoginResult::Failed), Some(op.id))?;
            Err(LoginError::Disabled)
        }
        None => {
            store.record_login(&attempt(LoginResult::Failed), None)?;
            Err(LoginError::Invalid)
        }
    }
}

/// The OS account of this process, from `getuid()` and the password database (not `$USER`).
pub fn os_user() -> Option<String> {
    // SAFETY: getpwuid_r writes into our buffer; we read the name only on success.
    unsafe {
        let uid = libc::getuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc != 0 || result.is_null() {
            return Some(format!("uid{uid}"));
        }
        Some(
            std::ffi::CStr::from_ptr(pwd.pw_name)
                .to_string_lossy()
                .into_owned(),
        )
    }
}

/// The SSH client address from `SSH_CONNECTION` ("client_ip client_port server_ip server_port").
pub fn ssh_client() -> Option<String> {
    std::env::var("SSH_CONNECTION").ok().and_then(|v| {
        v.split_whitespace()
            .next()
            .map(|s| s.chars().take(64).collect())
    })
}

/// The origin of this process.
pub fn origin() -> Origin {
    Origin {
        os_user: os_user(),
        ssh_client: ssh_client(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_phc_and_verifies() {
        let h = hash_password("una password lunga");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("una password lunga", &h));
        assert!(!verify_password("una password lunghe", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn policy_requires_12_or_14_for_admin() {
        let op = RoleSet::from_roles(&[Role::Sportello]);
        let admin = RoleSet::from_roles(&[Role::Admin]);
        assert!(check_policy("abcdefghijk", op).is_err());
        assert!(check_policy("abcdefghijkl", op).is_ok());
        assert!(check_policy("abcdefghijklm", admin).is_err());
        assert!(check_policy("abcdefghijklmn", admin).is_ok());
        assert!(check_policy(&"x".repeat(10_000), op).is_err());
    }

    #[test]
    fn lock_after_five_failures_in_window_for_fifteen_minutes() {
        // Four failures: not locked.
        assert_eq!(locked_until(&[0, 10, 20, 30], 40), None);
        // Fifth within 15 minutes: locked 15 minutes from the fifth.
        let f = [0, 10, 20, 30, 40];
        assert_eq!(locked_until(&f, 41), Some(40 + LOCK_SECS));
        assert_eq!(locked_until(&f, 40 + LOCK_SECS), None);
        // Spread over more than 15 minutes: no lock.
        assert_eq!(locked_until(&[0, 300, 600, 900, 901], 902), None);
    }
}
