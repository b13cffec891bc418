//! The embedded schema migrations (`migrations/NNNN_name.sql` for SQLite, the same name under
//! `migrations/postgres/` for PostgreSQL), in order.
//!
//! Add a file and a line here; the test below checks that the two lists agree.

/// One schema migration, applied in its own transaction.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    /// The SQLite text (`migrations/NAME.sql`).
    pub sql: &'static str,
    /// The PostgreSQL text (`migrations/postgres/NAME.sql`).
    pub pg: &'static str,
}

/// Applied on PostgreSQL before every run of the migrations: the runner's table and the SQLite
/// functions the store's SQL uses (idempotent).
pub const PG_COMPAT: &str = include_str!("../../migrations/postgres/0000_compat.sql");

macro_rules! migration {
    ($v:expr, $name:expr) => {
        Migration {
            version: $v,
            name: $name,
            sql: include_str!(concat!("../../migrations/", $name, ".sql")),
            pg: include_str!(concat!("../../migrations/postgres/", $name, ".sql")),
        }
    };
}

pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_soggetto"),
    migration!(3, "0003_bozza"),
    migration!(4, "0004_operatore_extra"),
    migration!(5, "0005_soggetto_chiavi"),
    migration!(6, "0006_codici"),
    migration!(7, "0007_ricerca_soggetti"),
    migration!(8, "0008_privacy_caso"),
    migration!(9, "0009_scheda"),
    migration!(17, "0017_casi"),
    migration!(18, "0018_registrazioni"),
    migration!(19, "0019_scheda_sensibili"),
    migration!(20, "0020_fascicolo"),
    migration!(21, "0021_erogazioni"),
    migration!(23, "0023_conservazione"),
    migration!(24, "0024_punti_contatto"),
    migration!(25, "0025_caso_condivisione"),
    migration!(26, "0026_ruoli_ente"),
    migration!(28, "0028_sessioni"),
    migration!(29, "0029_scheda_sezioni"),
    migration!(30, "0030_richieste"),
    migration!(31, "0031_por"),
    migration!(32, "0032_sottoschede"),
    migration!(33, "0033_organizzazioni_invii"),
];

/// The migration that creates the search dictionary, filled from Rust when it is applied.
pub const SEARCH_INDEX: &str = "0007_ricerca_soggetti";

/// Highest schema version this binary knows.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_migrations_is_registered_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let registered: Vec<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{}.sql", m.name))
            .collect();
        assert_eq!(files, registered);
        // Numbers are assigned per branch before merging: strictly increasing, gaps allowed.
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert!(i == 0 || m.version > MIGRATIONS[i - 1].version);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }
}
