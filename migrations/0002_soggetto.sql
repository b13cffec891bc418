-- Persons (soggetti) of the anagrafe and the history of their changes.

CREATE TABLE soggetto (
    id                    INTEGER PRIMARY KEY,
    version               INTEGER NOT NULL DEFAULT 1,
    codice_fiscale        TEXT UNIQUE,
    cf_provvisorio        INTEGER NOT NULL DEFAULT 0 CHECK (cf_provvisorio IN (0, 1)),
    cognome               TEXT NOT NULL,
    nome                  TEXT NOT NULL,
    sesso                 TEXT CHECK (sesso IN ('M', 'F')),
    data_nascita          TEXT,
    luogo_nascita         TEXT,
    cittadinanza          TEXT,
    cittadinanza2         TEXT,
    stato_civile          TEXT,
    res_indirizzo         TEXT,
    res_civico            TEXT,
    res_cap               TEXT,
    res_comune            TEXT,
    senza_fissa_dimora    INTEGER NOT NULL DEFAULT 0 CHECK (senza_fissa_dimora IN (0, 1)),
    struttura_accoglienza TEXT,
    dom_indirizzo         TEXT,
    dom_civico            TEXT,
    dom_cap               TEXT,
    dom_comune            TEXT,
    telefono              TEXT,
    cellulare             TEXT,
    email                 TEXT,
    data_decesso          TEXT,
    alias                 TEXT UNIQUE,
    anonimo               INTEGER NOT NULL DEFAULT 0 CHECK (anonimo IN (0, 1)),
    fonte                 TEXT NOT NULL DEFAULT 'sportello' CHECK (fonte IN ('anagrafe', 'sportello', 'demo')),
    fonte_id              TEXT,
    ente_id               INTEGER REFERENCES ente(id),
    extra                 TEXT,
    created_at            TEXT NOT NULL,
    created_by            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    updated_by            TEXT NOT NULL,
    deleted_at            TEXT,
    deleted_by            TEXT,
    deleted_reason        TEXT
);
CREATE INDEX soggetto_nascita ON soggetto(data_nascita);
CREATE INDEX soggetto_nome ON soggetto(cognome, nome);

CREATE TABLE soggetto_storia (
    id          INTEGER PRIMARY KEY,
    soggetto_id INTEGER NOT NULL REFERENCES soggetto(id),
    at          TEXT NOT NULL,
    by          TEXT NOT NULL,
    campo       TEXT NOT NULL,
    prima       TEXT,
    dopo        TEXT
);
CREATE INDEX soggetto_storia_soggetto ON soggetto_storia(soggetto_id);
