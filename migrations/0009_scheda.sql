-- The scheda di accesso (one visit of a citizen to the front desk) and the proposals of presa in
-- carico it creates. Columns hold what lists, filters, counters and rules need; `dati` holds the other
-- fields of screens/scheda.toml as a JSON object (dates ISO, money in cents, flags as booleans).
-- The private note has its own columns: the store hands it only to those allowed to read it.

CREATE TABLE scheda (
    id                  INTEGER PRIMARY KEY,
    version             INTEGER NOT NULL DEFAULT 1,
    -- Human number, per ente (SISO "Identificativo").
    numero              INTEGER NOT NULL,
    ente_id             INTEGER NOT NULL REFERENCES ente(id),
    ufficio_id          INTEGER REFERENCES ufficio(id),
    soggetto_id         INTEGER NOT NULL REFERENCES soggetto(id),
    operatore           TEXT NOT NULL,
    data_accesso        TEXT NOT NULL,
    -- 0 = in sospeso.
    completa            INTEGER NOT NULL DEFAULT 0 CHECK (completa IN (0, 1)),
    esito               TEXT,
    invio_ufficio_id    INTEGER REFERENCES ufficio(id),
    ricevuta_at         TEXT,
    dati                TEXT NOT NULL DEFAULT '{}',
    nota_privata        TEXT,
    nota_privata_autore TEXT,
    duplicata_da        INTEGER REFERENCES scheda(id),
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    deleted_at          TEXT,
    deleted_by          TEXT,
    deleted_reason      TEXT,
    UNIQUE (ente_id, numero)
);
CREATE INDEX scheda_data ON scheda(data_accesso);
CREATE INDEX scheda_soggetto ON scheda(soggetto_id);
CREATE INDEX scheda_ufficio ON scheda(ufficio_id, data_accesso);
CREATE INDEX scheda_invio ON scheda(invio_ufficio_id) WHERE invio_ufficio_id IS NOT NULL;

-- Multi-valued fields, as codes of their lists.
CREATE TABLE scheda_codice (
    scheda_id INTEGER NOT NULL REFERENCES scheda(id),
    campo     TEXT NOT NULL CHECK (campo IN ('bisogni', 'servizi', 'categorie_sociali')),
    codice    TEXT NOT NULL,
    PRIMARY KEY (scheda_id, campo, codice)
);
CREATE INDEX scheda_codice_valore ON scheda_codice(campo, codice);

-- A proposal of presa in carico for the destination ente. 'inviata' until handled; 'modificata' when
-- the scheda changed before anyone handled it; 'ritirata' when the esito stopped being a proposal.
-- The Presa in carico module sets 'accolta' / 'respinta'.
CREATE TABLE proposta_pic (
    id            INTEGER PRIMARY KEY,
    version       INTEGER NOT NULL DEFAULT 1,
    scheda_id     INTEGER NOT NULL UNIQUE REFERENCES scheda(id),
    soggetto_id   INTEGER NOT NULL REFERENCES soggetto(id),
    ente_id       INTEGER NOT NULL REFERENCES ente(id),
    stato         TEXT NOT NULL CHECK (stato IN ('inviata', 'modificata', 'ritirata', 'accolta', 'respinta')),
    categorie     TEXT NOT NULL,
    nota_stato    TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);
CREATE INDEX proposta_pic_ente ON proposta_pic(ente_id, stato);

-- Lists the scheda form needs beyond migration 0006.
INSERT INTO codice (lista, codice, etichetta, gruppo, pic, richiede, ordine) VALUES
    ('settore', 'servizi_sociali', 'Servizi sociali di altro comune', NULL, 0, NULL, 1),
    ('settore', 'sanita', 'Servizio sanitario (ASL, medico, ospedale)', NULL, 0, NULL, 2),
    ('settore', 'consultorio', 'Consultorio familiare', NULL, 0, NULL, 3),
    ('settore', 'scuola', 'Scuola', NULL, 0, NULL, 4),
    ('settore', 'forze_ordine', 'Forze dell''ordine', NULL, 0, NULL, 5),
    ('settore', 'giudiziaria', 'Autorità giudiziaria', NULL, 0, NULL, 6),
    ('settore', 'impiego', 'Centro per l''impiego', NULL, 0, NULL, 7),
    ('settore', 'terzo_settore', 'Terzo settore / volontariato', NULL, 0, NULL, 8),
    ('settore', 'patronato', 'Patronato / CAF', NULL, 0, NULL, 9),
    ('settore', 'altro', 'Altro servizio', NULL, 0, NULL, 10),
    ('motivi_fuori_ambito', 'lavoro', 'Lavoro', NULL, 0, NULL, 1),
    ('motivi_fuori_ambito', 'comodita', 'Comodità', NULL, 0, NULL, 2),
    ('motivi_fuori_ambito', 'orario', 'Orario', NULL, 0, NULL, 3),
    ('motivi_fuori_ambito', 'consigliato', 'Consigliato', NULL, 0, NULL, 4),
    ('motivi_fuori_ambito', 'domicilio', 'Domicilio', NULL, 0, NULL, 5);
