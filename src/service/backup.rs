//! Backups and restores: the verified online copy, the rotated copies of the nightly timer (the
//! newest of each of the last N days and M months), and the restore that verifies a copy before it
//! replaces anything and keeps the replaced database aside.

use std::path::{Path, PathBuf};

use super::Service;
use super::rules::Op;
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::sanitize::sanitize;
use crate::store::{StoreError, StoreResult};

/// How many rotated copies stay: the newest of each of the last `daily` days and `monthly` months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    pub daily: usize,
    pub monthly: usize,
}

/// What a rotated backup did: the new copy and the old copies removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub file: PathBuf,
    pub removed: Vec<PathBuf>,
}

const PREFIX: &str = "sportello-";
const SUFFIX: &str = ".db";

/// The name of a rotated copy made at `stamp` (`aaaammgg-hhmmss`, [`crate::domain::date::file_stamp`]).
pub fn copy_name(stamp: &str) -> String {
    format!("{PREFIX}{stamp}{SUFFIX}")
}

/// The stamp of a rotated copy's name; `None` for any other file.
fn stamp_of(name: &str) -> Option<&str> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let b = stamp.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (b.len() == 15 && b[8] == b'-' && digits(0..8) && digits(9..15)).then_some(stamp)
}

/// The rotated copies among `names` that `keep` no longer keeps (other names are never touched).
pub fn expired(names: &[String], keep: Keep) -> Vec<String> {
    let mut copies: Vec<(&str, &String)> = names
        .iter()
        .filter_map(|n| stamp_of(n).map(|s| (s, n)))
        .collect();
    copies.sort_by(|a, b| b.0.cmp(a.0));
    let (mut days, mut months) = (Vec::new(), Vec::new());
    let mut gone = Vec::new();
    for (stamp, name) in copies {
        let mut kept = false;
        for (seen, key, n) in [
            (&mut days, &stamp[..8], keep.daily),
            (&mut months, &stamp[..6], keep.monthly),
        ] {
            if !seen.contains(&key) {
                seen.push(key);
                kept |= seen.len() <= n;
            }
        }
        if !kept {
            gone.push(name.clone());
        }
    }
    gone
}

fn shown(p: &Path) -> String {
    sanitize(&p.display().to_string())
}

impl Service<'_> {
    /// An online, verified copy to `dest` while sessions write. An existing `dest` is refused,
    /// unless `replace`: then it is replaced (a regular file only) once the new copy is verified.
    pub fn backup(&mut self, actor: &Actor, dest: &Path, replace: bool) -> StoreResult<()> {
        let actor = self.guard(actor, Op::Backup, None, "database")?;
        if replace && dest.symlink_metadata().is_ok() {
            let output = |e: std::io::Error| StoreError::Output(e.to_string());
            crate::files::refuse_non_regular(dest).map_err(output)?;
            let fresh = crate::files::temp_beside(dest).map_err(output)?;
            let made = self.copy(&fresh).and_then(|()| {
                std::fs::rename(&fresh, dest).map_err(|e| {
                    StoreError::Output(format!("impossibile sostituire «{}»: {e}", shown(dest)))
                })
            });
            if made.is_err() {
                let _ = std::fs::remove_file(&fresh);
            }
            made?;
        } else {
            self.copy(dest)?;
        }
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::Backup.rule().action, Outcome::Ok)
                .detail(dest.display().to_string()),
        )
    }

    /// A verified copy to `dest`; a full disk or an unwritable folder named in the message.
    fn copy(&mut self, dest: &Path) -> StoreResult<()> {
        self.store.backup_to(dest).map_err(|e| match e {
            StoreError::Unavailable(m) | StoreError::Db(m) => StoreError::Output(format!(
                "impossibile scrivere la copia «{}»: {m}",
                shown(dest)
            )),
            other => other,
        })
    }

    /// A verified copy named after `stamp` in `dir` (created if missing), then the rotation: the
    /// copies of `dir` that `keep` no longer keeps are removed. One audit row names both.
    pub fn backup_rotated(
        &mut self,
        actor: &Actor,
        dir: &Path,
        keep: Keep,
        stamp: &str,
    ) -> StoreResult<Rotation> {
        let actor = self.guard(actor, Op::Backup, None, "database")?;
        if keep.daily == 0 {
            return Err(StoreError::Invalid(
                "tenere almeno una copia giornaliera (--keep-daily 1 o più)".into(),
            ));
        }
        let io = |e: std::io::Error| StoreError::Output(format!("cartella «{}»: {e}", shown(dir)));
        std::fs::create_dir_all(dir).map_err(io)?;
        let file = dir.join(copy_name(stamp));
        self.copy(&file)?;
        let names: Vec<String> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        let mut removed = Vec::new();
        for name in expired(&names, keep) {
            let path = dir.join(&name);
            std::fs::remove_file(&path).map_err(io)?;
            removed.push(path);
        }
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::Backup.rule().action, Outcome::Ok).detail(format!(
                "{}; copie scadute rimosse: {}",
                file.display(),
                removed.len()
            )),
        )?;
        Ok(Rotation { file, removed })
    }

    /// Copies this (SQLite) database into the empty PostgreSQL database at `url` (`migrate-to`):
    /// every table, checked there. Audited here before the copy, so the copy's chain ends with it.
    pub fn migrate_to(&mut self, actor: &Actor, url: &str) -> StoreResult<Vec<(String, i64)>> {
        let actor = self.guard(actor, Op::Backup, None, "database")?;
        let url = match crate::store::location::DbLocation::of(std::path::Path::new(url))? {
            crate::store::location::DbLocation::Postgres(url) => url,
            crate::store::location::DbLocation::File(_) => {
                return Err(StoreError::Invalid(
                    "migrate-to vuole un indirizzo postgres://utente@server/database".into(),
                ));
            }
        };
        // Recorded first, so that the copy carries the record of its own making.
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::Backup.rule().action, Outcome::Ok).detail(format!(
                "copia in PostgreSQL {}",
                crate::sanitize::sanitize(&url)
            )),
        )?;
        self.store.copy_to_postgres(&url)
    }

    /// Replaces the database with the copy `src` once the copy passes `check` (integrity, foreign
    /// keys, schema version, audit chain); the database as it was is kept in the new file `aside`
    /// (with its audit anchor). Sessions see the restored data at their next read. Audited in the
    /// restored database.
    pub fn restore(&mut self, actor: &Actor, src: &Path, aside: &Path) -> StoreResult<()> {
        let actor = self.guard(actor, Op::Restore, None, "database")?;
        self.store.restore_from(src, aside)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::Restore.rule().action, Outcome::Ok).detail(format!(
                "da {}; database sostituito conservato in {}",
                src.display(),
                aside.display()
            )),
        )?;
        // The whole database went through the WAL: fold it back (best effort, readers may hold it).
        let _ = self.store.checkpoint();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(stamps: &[&str]) -> Vec<String> {
        stamps.iter().map(|s| copy_name(s)).collect()
    }

    #[test]
    fn rotation_keeps_the_newest_copy_of_the_last_days_and_months() {
        let all = names(&[
            "20261201-020000",
            "20261130-020000",
            "20261130-140000",
            "20261129-020000",
            "20261128-020000",
            "20261031-020000",
            "20261015-020000",
            "20260930-020000",
            "20250101-020000",
        ]);
        let mut with_others = all.clone();
        with_others.push("note.txt".into());
        with_others.push("sportello-2026.db".into());
        let gone = expired(
            &with_others,
            Keep {
                daily: 3,
                monthly: 3,
            },
        );
        // Days kept: 01/12, 30/11 (the later copy), 29/11. Months kept: 12, 11 (30/11 14:00), 10 (31/10).
        assert_eq!(
            gone,
            names(&[
                "20261130-020000",
                "20261128-020000",
                "20261015-020000",
                "20260930-020000",
                "20250101-020000",
            ])
        );
        // Keeping one of each keeps only the newest copy.
        let gone = expired(
            &all,
            Keep {
                daily: 1,
                monthly: 1,
            },
        );
        assert_eq!(gone.len(), all.len() - 1);
        assert!(!gone.contains(&all[0]));
    }
}
