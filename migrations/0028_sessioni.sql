-- Live sessions of the desk (who is logged in, where, on which screen) and the administrators'
-- notices shown in every session's status bar. A session is open while `chiusa_ms` is NULL and it
-- sent a heartbeat recently (a crashed terminal stops sending and drops out by itself).
-- Timestamps are unix milliseconds. No `modifiche` triggers: heartbeats must not refresh lists.
CREATE TABLE sessione (
    id              INTEGER PRIMARY KEY,
    operatore_id    INTEGER NOT NULL REFERENCES operatore(id),
    ente_id         INTEGER REFERENCES ente(id),
    inizio_ms       INTEGER NOT NULL,
    segnale_ms      INTEGER NOT NULL,
    schermata       TEXT NOT NULL DEFAULT '',
    os_user         TEXT,
    ssh_client      TEXT,
    host            TEXT,
    pid             INTEGER,
    chiusa_ms       INTEGER,
    -- Asked to end by an administrator: the session saves its drafts and logs out.
    termina_ms      INTEGER,
    termina_da      TEXT
);
CREATE INDEX sessione_aperta ON sessione(segnale_ms) WHERE chiusa_ms IS NULL;

CREATE TABLE avviso (
    id          INTEGER PRIMARY KEY,
    testo       TEXT NOT NULL CHECK (length(testo) BETWEEN 1 AND 200),
    dal_ms      INTEGER NOT NULL,
    al_ms       INTEGER NOT NULL,
    revocato_ms INTEGER,
    created_by  TEXT NOT NULL
);
