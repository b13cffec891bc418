-- Privacy consent per person and ente, and the cases (prese in carico) the search markers read.
--
-- privacy_consenso: one row per (person, ente); 'firmato' with its date, 'non_firmato', or 'anonimo'
-- (the person is registered under an alias until the consent is signed).
CREATE TABLE privacy_consenso (
    id          INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL DEFAULT 1,
    soggetto_id INTEGER NOT NULL REFERENCES soggetto(id),
    ente_id     INTEGER NOT NULL REFERENCES ente(id),
    stato       TEXT NOT NULL CHECK (stato IN ('firmato', 'non_firmato', 'anonimo')),
    data_firma  TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    UNIQUE (soggetto_id, ente_id),
    CHECK ((stato = 'firmato') = (data_firma IS NOT NULL))
);

-- A case: a person taken in charge by an ente's social service. Opened from an accepted proposal of
-- presa in carico, closed with a reason; the "caso aperto" marker of the anagrafe search reads it.
CREATE TABLE presa_in_carico (
    id              INTEGER PRIMARY KEY,
    version         INTEGER NOT NULL DEFAULT 1,
    soggetto_id     INTEGER NOT NULL REFERENCES soggetto(id),
    ente_id         INTEGER NOT NULL REFERENCES ente(id),
    stato           TEXT NOT NULL DEFAULT 'aperta' CHECK (stato IN ('aperta', 'chiusa')),
    data_apertura   TEXT NOT NULL,
    data_chiusura   TEXT,
    motivo_chiusura TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX presa_in_carico_soggetto ON presa_in_carico(soggetto_id, stato);
