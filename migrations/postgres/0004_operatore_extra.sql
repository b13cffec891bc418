-- PostgreSQL 15 version of migrations/0004_operatore_extra.sql (same tables, columns, constraints and index names;
-- integers BIGINT, ids identity columns; SQLite functions from 0000_compat.sql).
-- Attributes an ente adds to the operator form in its screens/operatore.toml, as a JSON object.
ALTER TABLE operatore ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
