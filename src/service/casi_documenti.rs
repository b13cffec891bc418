//! The documenti individuali of a case behind permissions: importing a file from a path on the
//! server into the documents folder of the data directory (`<db dir>/documenti/<caso>/<sha256>`,
//! never a name the operator chose) and exporting it back out. The source must be a regular file
//! named without `..`, not a symlink, FIFO, device or folder, and within the configured size; a
//! private document needs "dati riservati" to be added or read. Every read is audited.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::Service;
use super::rules::Op;
use crate::domain::Actor;
use crate::domain::caso::{self, Documento};
use crate::sanitize::sanitize;
use crate::store::{StoreError, StoreResult};

/// Default largest document, in MB (`documenti_max_mb` in the configuration).
pub const MAX_MB_DEFAULT: u64 = 50;

/// Where the files of the documents are kept, and how large one may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archivio {
    pub dir: PathBuf,
    pub max_bytes: u64,
}

impl Archivio {
    /// The `documenti` folder beside the database file (for PostgreSQL, in the data directory),
    /// documents up to `max_mb` MB.
    pub fn of_database(db: &Path, max_mb: u64) -> Archivio {
        Archivio {
            dir: crate::store::location::DbLocation::files_dir_of(db).join("documenti"),
            max_bytes: max_mb.saturating_mul(1024 * 1024),
        }
    }
}

/// A new document: its metadata (file fields are filled by the import).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NuovoDocumento {
    pub caso_id: i64,
    pub titolo: String,
    pub tipo: String,
    pub data: String,
    pub privato: bool,
}

fn shown(path: &Path) -> String {
    sanitize(&path.display().to_string())
}

fn mb(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10).div_ceil(1024 * 1024);
    format!("{},{}", tenths / 10, tenths % 10)
}

/// Refuses what is not a plain regular file within `max` bytes; the Italian reason names it.
fn check_source(path: &Path, max: u64) -> StoreResult<std::fs::Metadata> {
    if path.as_os_str().is_empty() {
        return Err(StoreError::Invalid("indicare il file da importare".into()));
    }
    if path.components().any(|c| c == Component::ParentDir) {
        return Err(StoreError::Invalid(format!(
            "il percorso «{}» contiene «..»: indicare il percorso diretto del file",
            shown(path)
        )));
    }
    let meta = std::fs::symlink_metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => {
            StoreError::Invalid(format!("il file «{}» non esiste", shown(path)))
        }
        _ => StoreError::Invalid(format!("impossibile leggere «{}»: {e}", shown(path))),
    })?;
    let t = meta.file_type();
    let what = if t.is_file() {
        None
    } else if t.is_symlink() {
        Some("un collegamento simbolico: indicare il file vero e proprio")
    } else if t.is_dir() {
        Some("una cartella: indicare un file")
    } else if t.is_fifo() {
        Some("una pipe (FIFO), non un file")
    } else if t.is_block_device() || t.is_char_device() {
        Some("un dispositivo, non un file")
    } else {
        Some("un file speciale, non un documento")
    };
    if let Some(what) = what {
        return Err(StoreError::Invalid(format!("«{}» è {what}", shown(path))));
    }
    if meta.len() > max {
        return Err(StoreError::Invalid(format!(
            "il file «{}» è di {} MB: il limite per un documento è {} MB",
            shown(path),
            mb(meta.len()),
            mb(max)
        )));
    }
    Ok(meta)
}

/// Opens the checked source with the operator's own identity, without following a symlink or
/// blocking on a FIFO planted meanwhile, and makes sure it is still the file that was checked.
fn open_source(path: &Path, checked: &std::fs::Metadata) -> StoreResult<File> {
    let f = crate::files::as_operator(path, || {
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)
    })
    .map_err(|e| StoreError::Invalid(format!("impossibile leggere «{}»: {e}", shown(path))))?;
    let now = f
        .metadata()
        .map_err(|e| StoreError::Invalid(format!("impossibile leggere «{}»: {e}", shown(path))))?;
    if !now.is_file() || now.ino() != checked.ino() || now.dev() != checked.dev() {
        return Err(StoreError::Invalid(format!(
            "il file «{}» è cambiato durante l'importazione: riprovare",
            shown(path)
        )));
    }
    Ok(f)
}

/// Makes `dir` (one level) with `mode` exactly, or checks that it is a real folder.
fn ensure_dir(dir: &Path, mode: u32) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("«{}» non è una cartella", shown(dir)),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::DirBuilder::new().mode(mode).create(dir)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
        }
        Err(e) => Err(e),
    }
}

/// Copies `src` into `<archivio>/<folder>/<sha256>` (at most `max` bytes): the relative name, size
/// and digest.
fn store_file(
    archivio: &Archivio,
    folder: &str,
    mut src: File,
) -> io::Result<(String, u64, String)> {
    let data_dir = archivio.dir.parent().unwrap_or(Path::new("."));
    let mode = crate::setgid::private_mode(data_dir);
    let dir_mode = if mode == 0o660 { 0o2770 } else { 0o700 };
    ensure_dir(&archivio.dir, dir_mode)?;
    let dir = archivio.dir.join(folder);
    ensure_dir(&dir, dir_mode)?;
    let tmp = crate::files::temp_beside(&dir.join("nuovo"))?;
    let mut out = crate::files::create_with_mode(&tmp, mode)?;
    let copied = (|| {
        let mut hash = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = src.read(&mut buf)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > archivio.max_bytes {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "il file è cresciuto oltre il limite di {} MB",
                        mb(archivio.max_bytes)
                    ),
                ));
            }
            hash.update(&buf[..n]);
            out.write_all(&buf[..n])?;
        }
        out.sync_all()?;
        let sha = hex::encode(hash.finalize());
        let target = dir.join(&sha);
        if std::fs::symlink_metadata(&target).is_ok() {
            // The same content is already kept for this case (or scheda).
            std::fs::remove_file(&tmp)?;
        } else {
            std::fs::rename(&tmp, &target)?;
        }
        Ok((format!("{folder}/{sha}"), size, sha))
    })();
    if copied.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    copied
}

/// Whether a stored name is one this module made: `<folder>/<the file's 64 hex digits>`, the
/// folder of the case (`<caso>`; a case merged into another keeps its documents' folder) or of the
/// scheda (`scheda-<id>`) it was imported into.
fn stored_name_ok(file: &str, sha256: &str) -> bool {
    file.split_once('/').is_some_and(|(folder, h)| {
        let id = folder.strip_prefix("scheda-").unwrap_or(folder);
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && h.len() == 64
            && h.bytes().all(|b| b.is_ascii_hexdigit())
            && h == sha256
    })
}

/// A file imported into the documents folder.
pub(super) struct Importato {
    /// The source's own name (display only), at most 200 characters.
    pub nome_file: String,
    /// The stored name, relative to the documents folder.
    pub file: String,
    pub size: i64,
    pub sha256: String,
}

/// Imports the file at `src` (checked: a plain regular file within the size limit) into
/// `<archivio>/<folder>/`.
pub(super) fn importa(archivio: &Archivio, folder: &str, src: &Path) -> StoreResult<Importato> {
    let checked = check_source(src, archivio.max_bytes)?;
    let file = open_source(src, &checked)?;
    let (rel, size, sha) = store_file(archivio, folder, file).map_err(|e| {
        StoreError::Output(format!(
            "documento non archiviato in «{}»: {e}",
            shown(&archivio.dir)
        ))
    })?;
    Ok(Importato {
        nome_file: src
            .file_name()
            .map(|n| n.to_string_lossy().chars().take(200).collect())
            .unwrap_or_default(),
        file: rel,
        size: size as i64,
        sha256: sha,
    })
}

/// Writes the stored `file` of document `id` to `out` (a safe, atomic write with the operator's
/// own identity) after checking it is still the file with digest `sha256`.
pub(super) fn esporta(
    archivio: &Archivio,
    id: i64,
    file: &str,
    sha256: &str,
    out: &Path,
) -> StoreResult<()> {
    let damaged = || {
        StoreError::Invalid(format!(
            "il file del documento {id} manca o non corrisponde all'impronta registrata: avvisare l'amministratore"
        ))
    };
    if !stored_name_ok(file, sha256) {
        return Err(damaged());
    }
    let mut bytes = Vec::new();
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(archivio.dir.join(file))
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|_| damaged())?;
    if hex::encode(Sha256::digest(&bytes)) != sha256 {
        return Err(damaged());
    }
    crate::files::as_operator(out, || crate::files::write_atomically(out, &bytes))
        .map_err(|e| StoreError::Output(format!("impossibile scrivere «{}»: {e}", shown(out))))
}

impl Service<'_> {
    /// Imports the file at `src` (a path on the server) as a document of a case. Returns its id.
    pub fn add_documento(
        &mut self,
        actor: &Actor,
        archivio: &Archivio,
        nuovo: &NuovoDocumento,
        src: &Path,
    ) -> StoreResult<i64> {
        let (actor, caso) = self.writable_caso(actor, Op::AddDocumento, nuovo.caso_id)?;
        if nuovo.privato {
            self.need_riservati(&actor, Op::AddDocumento, &caso, "documenti")?;
        }
        let mut d = Documento {
            id: None,
            caso_id: caso.id,
            titolo: nuovo.titolo.trim().to_string(),
            tipo: nuovo.tipo.trim().to_string(),
            data: nuovo.data.clone(),
            privato: nuovo.privato,
            ..Default::default()
        };
        if let Some(msg) = caso::documento_problem(&d) {
            return Err(StoreError::Invalid(msg));
        }
        let f = importa(archivio, &caso.id.to_string(), src)?;
        d.nome_file = f.nome_file;
        d.file = f.file;
        d.size = f.size;
        d.sha256 = f.sha256;
        self.store.add_documento(&actor, &d)
    }

    /// Writes the file of document `id` to `out` (a safe, atomic write with the operator's own
    /// identity). Private documents need "dati riservati"; the read is audited. Returns the
    /// document's metadata.
    pub fn export_documento(
        &mut self,
        actor: &Actor,
        archivio: &Archivio,
        id: i64,
        out: &Path,
    ) -> StoreResult<Documento> {
        let actor = self.guard(actor, Op::ExportDocumento, None, "documento")?;
        let what = format!("documento {id}");
        let d = self
            .store
            .documento(id)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?;
        let caso = match self.caso_in_scope(&actor, d.caso_id, Op::ExportDocumento) {
            Ok(c) => c,
            Err(StoreError::NotFound(_)) => return Err(StoreError::NotFound(what)),
            Err(e) => return Err(e),
        };
        self.need_completo(&actor, Op::ExportDocumento, caso.id, "documenti")?;
        if d.privato {
            self.need_riservati(&actor, Op::ExportDocumento, &caso, "documenti")?;
        }
        esporta(archivio, id, &d.file, &d.sha256, out)?;
        self.read_ok(
            &actor,
            Op::ExportDocumento,
            "caso",
            Some(d.caso_id),
            "documenti",
        )?;
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_said_in_megabytes_with_one_decimal() {
        assert_eq!(mb(50 * 1024 * 1024), "50,0");
        assert_eq!(mb(2 * 1024 * 1024 * 1024), "2048,0");
        assert_eq!(mb(1), "0,1");
    }

    #[test]
    fn only_names_made_here_are_read_back() {
        let sha = "a".repeat(64);
        assert!(stored_name_ok(&format!("7/{sha}"), &sha));
        assert!(!stored_name_ok(&format!("7/../8/{sha}"), &sha));
        assert!(
            stored_name_ok(&format!("8/{sha}"), &sha),
            "a document of a case merged into another"
        );
        assert!(
            stored_name_ok(&format!("scheda-12/{sha}"), &sha),
            "a scheda's"
        );
        for bad in [
            format!("/7/{sha}"),
            format!("x/{sha}"),
            format!("/{sha}"),
            format!("scheda-/{sha}"),
            format!("scheda-x/{sha}"),
            format!("7/{}", "b".repeat(64)),
            format!("7/{sha}/"),
        ] {
            assert!(!stored_name_ok(&bad, &sha), "{bad}");
        }
    }
}
