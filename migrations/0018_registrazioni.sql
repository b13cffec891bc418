-- Session recordings requested by the helpdesk (issue 16): the operator's next login to the TUI
-- shows the notice and starts a recording for the incident. One request is consumed by one session
-- ('avviata'), may be cancelled before ('annullata'), and is not used after `scade_at`.

CREATE TABLE registrazione_richiesta (
    id            INTEGER PRIMARY KEY,
    version       INTEGER NOT NULL DEFAULT 1,
    -- The operator to record, and their ente when the request was made (the helpdesk's scope).
    operatore_id  INTEGER NOT NULL REFERENCES operatore(id),
    ente_id       INTEGER NOT NULL REFERENCES ente(id),
    segnalazione  TEXT NOT NULL CHECK (length(segnalazione) BETWEEN 1 AND 40),
    oscurata      INTEGER NOT NULL DEFAULT 0 CHECK (oscurata IN (0, 1)),
    scade_at      TEXT NOT NULL,
    stato         TEXT NOT NULL DEFAULT 'attesa' CHECK (stato IN ('attesa', 'avviata', 'annullata')),
    chiusa_at     TEXT,
    chiusa_by     TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX registrazione_richiesta_operatore ON registrazione_richiesta(operatore_id, stato);
