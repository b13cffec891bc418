//! The setgid deployment: the binary is installed setgid to the data group, the data directory is
//! `root:<data group>` 2770 and no person is in the data group, so operators reach the data only
//! through sportello. This module owns the process's view of that:
//!
//! - [`init`] records, once at start-up, the real and effective group (setgid when they differ);
//! - [`active`]: whether this process runs setgid (then [`crate::config`] reads only the system
//!   file next to the installation and ignores environment, user config and `--db`);
//! - [`set_data_dir`] / [`data_dir`]: the data directory, inside which operator-named paths are
//!   refused ([`crate::files::operator_path`]);
//! - [`with_real_group`]: runs a closure with the data group dropped from the effective group, so
//!   files an operator names are opened and created with their own identity only;
//! - [`private_mode`]: the mode of data files (database, `-wal`, `-shm`, audit anchor): 0660 in a
//!   setgid data directory (the group is the data group), 0600 elsewhere.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Clone, Copy)]
struct Groups {
    real: libc::gid_t,
    effective: libc::gid_t,
}

static GROUPS: OnceLock<Groups> = OnceLock::new();
static DATA_DIR: OnceLock<PathBuf> = OnceLock::new();
/// Serialises the effective-group switches of [`with_real_group`].
static SWITCH: Mutex<()> = Mutex::new(());

fn groups() -> Groups {
    // SAFETY: getgid/getegid cannot fail.
    *GROUPS.get_or_init(|| unsafe {
        Groups {
            real: libc::getgid(),
            effective: libc::getegid(),
        }
    })
}

/// Records the process's groups; call first thing at start-up, before any switch.
pub fn init() {
    groups();
}

/// Whether the process runs setgid (effective group different from the real one).
pub fn active() -> bool {
    let g = groups();
    g.real != g.effective
}

/// Sets the data directory guarded against operator-named paths (only when [`active`]).
pub fn set_data_dir(dir: &Path) {
    if active() {
        let _ = DATA_DIR.set(dir.to_path_buf());
    }
}

/// The guarded data directory, when running setgid.
pub fn data_dir() -> Option<&'static Path> {
    DATA_DIR.get().map(PathBuf::as_path)
}

/// Runs `f` with the effective group set to the real one (a no-op when not setgid).
pub fn with_real_group<T>(f: impl FnOnce() -> std::io::Result<T>) -> std::io::Result<T> {
    if !active() {
        return f();
    }
    let g = groups();
    let _lock = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: setegid to the real or the saved set-group-id is always allowed.
    if unsafe { libc::setegid(g.real) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let out = f();
    // SAFETY: as above; the saved set-group-id is the data group.
    if unsafe { libc::setegid(g.effective) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    out
}

/// The mode of a data file created in `dir`: 0660 when the folder is a setgid group folder (the
/// deployment's data directory: new files take its group), 0600 otherwise.
pub fn private_mode(dir: &Path) -> u32 {
    let shared = std::fs::metadata(dir)
        .map(|m| m.permissions().mode() & 0o2070 == 0o2070)
        .unwrap_or(false);
    if shared { 0o660 } else { 0o600 }
}

/// Whether the process's real user may act as the CLI's full-rights account: root, or a member of
/// `admin_group` (from the system configuration).
pub fn is_admin(admin_group: Option<&str>) -> bool {
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } == 0 {
        return true;
    }
    let Some(name) = admin_group.filter(|n| !n.is_empty()) else {
        return false;
    };
    let Some(gid) = group_id(name) else {
        return false;
    };
    if groups().real == gid {
        return true;
    }
    // SAFETY: first call asks the size, second fills a buffer of that size.
    unsafe {
        let n = libc::getgroups(0, std::ptr::null_mut());
        if n <= 0 {
            return false;
        }
        let mut list = vec![0 as libc::gid_t; n as usize];
        let n = libc::getgroups(n, list.as_mut_ptr());
        n > 0 && list[..n as usize].contains(&gid)
    }
}

fn group_id(name: &str) -> Option<libc::gid_t> {
    let c = std::ffi::CString::new(name).ok()?;
    // SAFETY: getgrnam_r writes into our buffer; we read the gid only on success.
    unsafe {
        let mut grp: libc::group = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 16 * 1024];
        let mut result: *mut libc::group = std::ptr::null_mut();
        let rc = libc::getgrnam_r(
            c.as_ptr(),
            &mut grp,
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        );
        (rc == 0 && !result.is_null()).then_some(grp.gr_gid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_are_group_shared_only_in_a_setgid_group_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(private_mode(dir.path()), 0o600);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o2770)).unwrap();
        assert_eq!(private_mode(dir.path()), 0o660);
    }

    #[test]
    fn not_setgid_under_test() {
        assert!(!active());
        assert!(data_dir().is_none());
        assert_eq!(with_real_group(|| Ok(7)).unwrap(), 7);
    }
}
