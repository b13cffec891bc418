-- Organisation, operators, login attempts, audit log, settings.
-- Business tables carry id, version (optimistic locking) and created/updated by/at.

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE ente (
    id         INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL DEFAULT 1,
    nome       TEXT NOT NULL,
    belfiore   TEXT UNIQUE,
    istat      TEXT,
    tipo       TEXT NOT NULL CHECK (tipo IN ('comune', 'ambito', 'esterno')),
    capofila   INTEGER NOT NULL DEFAULT 0 CHECK (capofila IN (0, 1)),
    ambito_id  INTEGER REFERENCES ente(id),
    attivo     INTEGER NOT NULL DEFAULT 1 CHECK (attivo IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE ufficio (
    id         INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL DEFAULT 1,
    ente_id    INTEGER NOT NULL REFERENCES ente(id),
    nome       TEXT NOT NULL,
    attivo     INTEGER NOT NULL DEFAULT 1 CHECK (attivo IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (ente_id, nome)
);

CREATE TABLE operatore (
    id            INTEGER PRIMARY KEY,
    version       INTEGER NOT NULL DEFAULT 1,
    username      TEXT NOT NULL UNIQUE,
    nome          TEXT NOT NULL,
    cognome       TEXT NOT NULL,
    roles         INTEGER NOT NULL CHECK (roles > 0),
    ufficio_id    INTEGER REFERENCES ufficio(id),
    attivo        INTEGER NOT NULL DEFAULT 1 CHECK (attivo IN (0, 1)),
    os_user       TEXT UNIQUE,
    password_hash TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);

CREATE TABLE operatore_ente (
    operatore_id INTEGER NOT NULL REFERENCES operatore(id),
    ente_id      INTEGER NOT NULL REFERENCES ente(id),
    ordine       INTEGER NOT NULL,
    PRIMARY KEY (operatore_id, ente_id)
);

CREATE TABLE login_attempt (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    username   TEXT NOT NULL,
    result     TEXT NOT NULL CHECK (result IN ('ok', 'fallito', 'bloccato')),
    os_user    TEXT,
    ssh_client TEXT
);
CREATE INDEX login_attempt_user_at ON login_attempt(username, at);

-- Append-only and hash-chained: hash = sha256(prev_hash | fields), checked by `sportello check`.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    operatore_id INTEGER,
    username     TEXT NOT NULL,
    os_user      TEXT,
    ssh_client   TEXT,
    action       TEXT NOT NULL,
    entity       TEXT,
    entity_id    INTEGER,
    section      TEXT,
    outcome      TEXT NOT NULL,
    detail       TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_operatore ON audit_log(operatore_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
