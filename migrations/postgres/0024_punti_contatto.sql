-- PostgreSQL 15 version of migrations/0024_punti_contatto.sql (same tables, columns, constraints and index names;
-- integers BIGINT, ids identity columns; SQLite functions from 0000_compat.sql).
-- Organisation: the punto di contatto of each ufficio (address, phone, e-mail, opening hours).
ALTER TABLE ufficio ADD COLUMN indirizzo TEXT;
ALTER TABLE ufficio ADD COLUMN telefono TEXT;
ALTER TABLE ufficio ADD COLUMN email TEXT;
ALTER TABLE ufficio ADD COLUMN orari TEXT;
