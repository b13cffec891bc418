-- Drafts (bozze): the unsaved state of a form, autosaved while the operator types, so that nothing typed
-- is lost to a disconnect, a crash or a conflict. One draft per operator + form + record.

CREATE TABLE bozza (
    id           INTEGER PRIMARY KEY,
    operatore_id INTEGER NOT NULL REFERENCES operatore(id),
    form         TEXT NOT NULL,
    -- The record the form edits ('' for a new record).
    record_key   TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    UNIQUE (operatore_id, form, record_key)
);
