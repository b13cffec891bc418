-- The fascicolo beyond diario, PAI and ISEE (issue 14 point 4): the documenti individuali of a
-- case. The file itself lives in the data directory (`<db dir>/documenti/<caso>/<sha256>`, never a
-- name an operator chose); this row holds its metadata.

CREATE TABLE documento (
    id         INTEGER PRIMARY KEY,
    caso_id    INTEGER NOT NULL REFERENCES presa_in_carico(id),
    titolo     TEXT NOT NULL CHECK (length(titolo) BETWEEN 1 AND 200),
    tipo       TEXT NOT NULL,
    data       TEXT NOT NULL,
    -- Private documents are read only with the "dati riservati" permission.
    privato    INTEGER NOT NULL DEFAULT 0 CHECK (privato IN (0, 1)),
    -- The name of the imported file (shown, never used as a path).
    nome_file  TEXT NOT NULL,
    -- The stored file, relative to the documents folder.
    file       TEXT NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX documento_caso ON documento(caso_id, data);
CREATE TRIGGER modifiche_documento_insert AFTER INSERT ON documento BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_documento_delete AFTER DELETE ON documento BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
