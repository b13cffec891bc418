-- PostgreSQL 15 version of migrations/0026_ruoli_ente.sql (same tables, columns, constraints and index names;
-- integers BIGINT, ids identity columns; SQLite functions from 0000_compat.sql).
-- Roles per (operator, ente) and code lists per ente (issue 11, point 2).
--
-- `operatore_ente.roles`: the roles the operator holds in that ente (bit set, as operatore.roles).
-- Backfilled from operatore.roles, so that every operator keeps the roles they had in each of their
-- enti. `operatore.roles` stays as the union of the roles held in the enti (kept in step by the
-- store), and as the roles of an operator of no ente.
ALTER TABLE operatore_ente ADD COLUMN roles BIGINT NOT NULL DEFAULT 0;
UPDATE operatore_ente
   SET roles = (SELECT o.roles FROM operatore o WHERE o.id = operatore_ente.operatore_id);

-- An ente relabels or hides an entry of a shared code list without changing the other enti.
-- `etichetta` NULL keeps the shared label; a hidden code is not offered for new input, and records
-- that have it still show it.
CREATE TABLE codice_ente (
    lista      TEXT NOT NULL,
    codice     TEXT NOT NULL,
    ente_id    BIGINT NOT NULL REFERENCES ente(id),
    etichetta  TEXT,
    nascosto   BIGINT NOT NULL DEFAULT 0 CHECK (nascosto IN (0, 1)),
    version    BIGINT NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (ente_id, lista, codice),
    FOREIGN KEY (lista, codice) REFERENCES codice(lista, codice)
);
