//! The files sportello creates and the files operators name: private modes whatever the umask,
//! safe atomic replacement, and (when the binary runs setgid to the data group) opening the files
//! an operator names with their own identity only, never inside the data directory.
//!
//! - [`create_private`]: a new file, `O_EXCL` and `O_NOFOLLOW`, mode 0600 (never widened by the umask).
//! - [`write_atomically`]: bytes written to an unpredictable temporary name created exclusively
//!   beside the target, synced, then renamed over it; a target that is not a regular file (device,
//!   FIFO, directory, symlink) is refused.
//! - [`operator_path`] / [`as_operator`]: the setgid guards (see [`crate::setgid`]).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::{OsRng, RngCore};

/// Mode of every file sportello creates for its owner only.
pub const PRIVATE: u32 = 0o600;

/// Opens a new file `path` for writing with `mode` exactly (the umask can narrow the creation mode,
/// never widen it; the final `fchmod` makes it exact). Fails when anything exists at `path`,
/// symlinks included.
pub fn create_with_mode(path: &Path, mode: u32) -> io::Result<File> {
    let f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .mode(mode)
        .open(path)?;
    f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    Ok(f)
}

/// [`create_with_mode`] with 0600.
pub fn create_private(path: &Path) -> io::Result<File> {
    create_with_mode(path, PRIVATE)
}

/// Why a target cannot be replaced: it exists and is not a regular file.
fn not_regular(path: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "«{}» è {what}, non un file normale: non viene sostituito",
            crate::sanitize::sanitize(&path.display().to_string())
        ),
    )
}

/// Fails when `path` exists and is not a regular file (symlinks are not followed).
pub fn refuse_non_regular(path: &Path) -> io::Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let t = meta.file_type();
    use std::os::unix::fs::FileTypeExt;
    let what = if t.is_file() {
        return Ok(());
    } else if t.is_symlink() {
        "un collegamento simbolico"
    } else if t.is_dir() {
        "una cartella"
    } else if t.is_fifo() {
        "una pipe (FIFO)"
    } else if t.is_block_device() || t.is_char_device() {
        "un dispositivo"
    } else {
        "un file speciale"
    };
    Err(not_regular(path, what))
}

/// An unpredictable temporary name beside `out`: `.<name>.<16 hex digits>.tmp`.
pub fn temp_beside(out: &Path) -> io::Result<PathBuf> {
    let name = out
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "manca il nome del file"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{:016x}.tmp", OsRng.next_u64()));
    Ok(out.with_file_name(tmp_name))
}

/// Writes `bytes` to `out` atomically with mode 0600: a temporary file created exclusively
/// (`O_EXCL`, `O_NOFOLLOW`, random name) in the same folder, synced, then renamed over `out`. A
/// failure leaves neither half a file nor the temporary one. `out` must be a regular file or
/// missing; its folder must exist.
pub fn write_atomically(out: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_mode(out, bytes, PRIVATE)
}

/// [`write_atomically`] with `mode` (0600, or 0660 for the data files of the setgid deployment).
pub fn write_atomically_mode(out: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    refuse_non_regular(out)?;
    let mut attempt = 0;
    let (tmp, mut f) = loop {
        let tmp = temp_beside(out)?;
        match create_with_mode(&tmp, mode) {
            Ok(f) => break (tmp, f),
            // Somebody planted that name: draw another one (a few times, then give up).
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let result = f
        .write_all(bytes)
        .and_then(|()| f.sync_all())
        .and_then(|()| refuse_non_regular(out))
        .and_then(|()| std::fs::rename(&tmp, out));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Checks a file an operator named (an export, a print, an import file, a report): refused when
/// the binary runs setgid and the path is inside the data directory.
pub fn operator_path(path: &Path) -> io::Result<()> {
    match crate::setgid::data_dir() {
        Some(data) if inside(path, data) => Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "«{}» è nella cartella dei dati di sportello: scegliere un'altra cartella",
                crate::sanitize::sanitize(&path.display().to_string())
            ),
        )),
        _ => Ok(()),
    }
}

/// Whether `path` (existing or not) lies inside `dir`, symlinks of its folders resolved.
fn inside(path: &Path, dir: &Path) -> bool {
    let Ok(dir) = dir.canonicalize() else {
        return false;
    };
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    if let Ok(c) = abs.canonicalize() {
        return c.starts_with(&dir);
    }
    // A `..` in a path that does not exist yet could go anywhere once folders are created: refused.
    if abs
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return true;
    }
    // Resolve the longest existing ancestor, then append the rest.
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut full = c;
            for part in rest.iter().rev() {
                full.push(part);
            }
            return full.starts_with(&dir);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(n)) => {
                rest.push(n.to_os_string());
                existing = p;
            }
            _ => return false,
        }
    }
}

/// Runs `f` (which opens or creates a file an operator named) after checking the path with
/// [`operator_path`] and with the operator's own group: under setgid the data group is dropped
/// from the effective ids for the duration of `f`.
pub fn as_operator<T>(path: &Path, f: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    operator_path(path)?;
    crate::setgid::with_real_group(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().mode() & 0o7777
    }

    #[test]
    fn atomic_write_is_private_under_any_umask() {
        let dir = tempfile::tempdir().unwrap();
        for umask in [0o000, 0o022] {
            // SAFETY: umask only changes this process's creation mask (the test restores it).
            let old = unsafe { libc::umask(umask) };
            let out = dir.path().join(format!("e{umask}.csv"));
            write_atomically(&out, b"x").unwrap();
            let created = dir.path().join(format!("n{umask}"));
            drop(create_private(&created).unwrap());
            unsafe { libc::umask(old) };
            assert_eq!(mode(&out), 0o600, "umask {umask:o}");
            assert_eq!(mode(&created), 0o600, "umask {umask:o}");
        }
    }

    #[test]
    fn a_replaced_file_becomes_private_and_nothing_is_left_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("e.pdf");
        std::fs::write(&out, "vecchio").unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o666)).unwrap();
        write_atomically(&out, b"nuovo").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"nuovo");
        assert_eq!(mode(&out), 0o600);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn symlinks_fifos_devices_and_folders_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("vittima");
        std::fs::write(&victim, "intatto").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let fifo = dir.path().join("fifo.csv");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo on a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let sub = dir.path().join("cartella");
        std::fs::create_dir(&sub).unwrap();
        for (target, what) in [
            (link.as_path(), "un collegamento simbolico"),
            (fifo.as_path(), "una pipe (FIFO)"),
            (Path::new("/dev/null"), "un dispositivo"),
            (sub.as_path(), "una cartella"),
        ] {
            let e = write_atomically(target, b"dati").unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{target:?}");
            assert!(e.to_string().contains(what), "{e}");
        }
        assert_eq!(std::fs::read(&victim).unwrap(), b"intatto");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(std::fs::metadata("/dev/null").unwrap().mode() & libc::S_IFMT == libc::S_IFCHR);
    }

    #[test]
    fn the_temporary_name_is_unpredictable_and_planted_symlinks_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("e.csv");
        let victim = dir.path().join("vittima");
        std::fs::write(&victim, "intatto").unwrap();
        // The old predictable names (pid based), all pointing at the victim.
        for pid in [std::process::id()].into_iter().chain(1..200) {
            let planted = dir.path().join(format!(".e.csv.{pid}.tmp"));
            let _ = std::os::unix::fs::symlink(&victim, planted);
        }
        write_atomically(&out, b"export").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"intatto");
        assert_eq!(std::fs::read(&out).unwrap(), b"export");
        let a = temp_beside(&out).unwrap();
        let b = temp_beside(&out).unwrap();
        assert_ne!(a, b);
        // create_private refuses an existing symlink instead of writing through it.
        let link = dir.path().join(".e.csv.1.tmp");
        assert!(create_private(&link).is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"intatto");
    }

    #[test]
    fn inside_resolves_symlinks_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("dati");
        std::fs::create_dir(&data).unwrap();
        let alias = dir.path().join("alias");
        std::os::unix::fs::symlink(&data, &alias).unwrap();
        assert!(inside(&data.join("nuovo.csv"), &data));
        assert!(inside(&alias.join("x/y.csv"), &data));
        assert!(inside(&dir.path().join("dati/../dati/z"), &data));
        assert!(inside(&dir.path().join("nuova/../dati/z"), &data));
        assert!(!inside(&dir.path().join("altro.csv"), &data));
    }
}
