-- Retention (`sportello purge`): legal holds, and the audit rows removed once past their period.

-- A person or a case under legal hold: nothing about it is ever purged.
CREATE TABLE blocco_legale (
    entity     TEXT NOT NULL CHECK (entity IN ('soggetto', 'caso')),
    entity_id  INTEGER NOT NULL,
    motivo     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);

-- Each run of audit rows removed by a purge (ids `dal`..`al`, both included) and the hash of its last
-- row: the row after the run still links to it, so `check` verifies the chain across the gap.
CREATE TABLE audit_purga (
    id          INTEGER PRIMARY KEY,
    dal         INTEGER NOT NULL,
    al          INTEGER NOT NULL,
    ultimo_hash TEXT NOT NULL,
    at          TEXT NOT NULL,
    CHECK (dal <= al)
);
CREATE INDEX audit_purga_dal ON audit_purga(dal);

-- Audit rows stay append-only: only a row inside a recorded purge run may be deleted.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM audit_purga WHERE OLD.id BETWEEN dal AND al)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
