-- PostgreSQL 15 version of migrations/0005_soggetto_chiavi.sql (same tables, columns, constraints and index names;
-- integers BIGINT, ids identity columns; SQLite functions from 0000_compat.sql).
-- Folded name keys for search (see src/domain/fold.rs), filled by the store on every write.
ALTER TABLE soggetto ADD COLUMN cognome_key TEXT NOT NULL DEFAULT '';
ALTER TABLE soggetto ADD COLUMN nome_key TEXT NOT NULL DEFAULT '';
CREATE INDEX soggetto_cognome_key ON soggetto(cognome_key, nome_key);
CREATE INDEX soggetto_nome_key ON soggetto(nome_key);
