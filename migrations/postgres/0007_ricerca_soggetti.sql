-- PostgreSQL 15 version of migrations/0007_ricerca_soggetti.sql (same tables, columns, constraints and index names;
-- integers BIGINT, ids identity columns; SQLite functions from 0000_compat.sql).
-- Person search (src/store/sqlite_search.rs).
--
-- Covering, partial indexes on the folded keys: a candidate scan reads the keys, birth date and
-- comune of residence from the index alone and never sees soft-deleted rows (`deleted_at`, always
-- NULL here, is a column only so that SQLite sees the index as covering). They replace the plain key
-- indexes of 0005.
DROP INDEX soggetto_cognome_key;
DROP INDEX soggetto_nome_key;
CREATE INDEX soggetto_cerca_cognome ON soggetto(cognome_key, nome_key, data_nascita, res_comune, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX soggetto_cerca_nome ON soggetto(nome_key, cognome_key, data_nascita, res_comune, deleted_at)
    WHERE deleted_at IS NULL;

-- (SQLite: both tables WITHOUT ROWID; here plain tables, read through their primary keys.)
-- Dictionary of the words of the distinct keys (campo 0 = cognome, 1 = nome): each word, and for a
-- key of several words the whole key without spaces, pointing to the key. Prefix scans on `parola`
-- turn a typed word into the keys to look up, including words that are not the first of the key.
CREATE TABLE soggetto_parola (
    campo  BIGINT NOT NULL CHECK (campo IN (0, 1)),
    parola TEXT NOT NULL,
    chiave TEXT NOT NULL,
    PRIMARY KEY (campo, parola, chiave)
);

-- Deletion neighbourhood (SymSpell) of the dictionary words of 3 letters or more: the word itself and
-- every string made by deleting one of its letters. A typed word and its own deletions looked up here
-- give every word within one substitution, insertion or deletion (verified afterwards).
CREATE TABLE soggetto_parola_variante (
    variante TEXT NOT NULL,
    parola   TEXT NOT NULL,
    PRIMARY KEY (variante, parola)
);
-- Filled from the existing rows by the store right after this migration (SqliteStore::migrate).
-- PostgreSQL: the runner must do the same (search::backfill over soggetto) after applying this
-- file, in the same transaction; on a new database soggetto is empty and there is nothing to do.
