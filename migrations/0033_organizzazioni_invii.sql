-- The organisations of the territory and their settori (SISO CS_O_ORGANIZZAZIONE / CS_O_SETTORE,
-- SISO-DOMAIN §2.4 and §4.1), the punti di contatto of each ufficio (SS_PUNTO_CONTATTO) and the
-- schede sent to another office (AR_BUFFER_SS_INVIO).
--
-- One registry per installation: ASL services, schools, courts, the third sector, the employment
-- centre … A settore is what a scheda names: who sent the person ("Inviato da"), whom an
-- interlocutore works for ("Ente/Servizio"), who provides a richiesta. Its `codice` is the value a
-- scheda stores. The ten generic entries of the `settore` code list (migration 0009) become one
-- organisation each with one settore keeping the old code, so old schede read as before.

CREATE TABLE organizzazione (
    id             INTEGER PRIMARY KEY,
    version        INTEGER NOT NULL DEFAULT 1,
    nome           TEXT NOT NULL UNIQUE,
    -- Code of the `tipo_organizzazione` list.
    tipo           TEXT NOT NULL,
    -- The zona sociale it belongs to when not ours (NULL: della zona).
    zona           TEXT,
    codice_fiscale TEXT,
    indirizzo      TEXT,
    telefono       TEXT,
    email          TEXT,
    pec            TEXT,
    attivo         INTEGER NOT NULL DEFAULT 1 CHECK (attivo IN (0, 1)),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL
);

CREATE TABLE settore (
    id                INTEGER PRIMARY KEY,
    version           INTEGER NOT NULL DEFAULT 1,
    organizzazione_id INTEGER NOT NULL REFERENCES organizzazione(id),
    codice            TEXT NOT NULL UNIQUE,
    nome              TEXT NOT NULL,
    telefono          TEXT,
    email             TEXT,
    orari             TEXT,
    -- Role flags (SISO FLAG_INVIANTE, FLAG_ENTE_INTERLOCUTORE, FLAG_INT_EROGA).
    inviante          INTEGER NOT NULL DEFAULT 1 CHECK (inviante IN (0, 1)),
    interlocutore     INTEGER NOT NULL DEFAULT 1 CHECK (interlocutore IN (0, 1)),
    erogatore         INTEGER NOT NULL DEFAULT 1 CHECK (erogatore IN (0, 1)),
    attivo            INTEGER NOT NULL DEFAULT 1 CHECK (attivo IN (0, 1)),
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL,
    UNIQUE (organizzazione_id, nome)
);
CREATE INDEX settore_organizzazione ON settore(organizzazione_id);

INSERT INTO codice (lista, codice, etichetta, gruppo, pic, richiede, ordine) VALUES
    ('tipo_organizzazione', 'comune', 'Comune / servizi sociali', NULL, 0, NULL, 1),
    ('tipo_organizzazione', 'sanita', 'Azienda sanitaria (ASL)', NULL, 0, NULL, 2),
    ('tipo_organizzazione', 'scuola', 'Scuola / istituto comprensivo', NULL, 0, NULL, 3),
    ('tipo_organizzazione', 'giudiziaria', 'Autorità giudiziaria', NULL, 0, NULL, 4),
    ('tipo_organizzazione', 'forze_ordine', 'Forze dell''ordine', NULL, 0, NULL, 5),
    ('tipo_organizzazione', 'impiego', 'Centro per l''impiego', NULL, 0, NULL, 6),
    ('tipo_organizzazione', 'terzo_settore', 'Terzo settore / volontariato', NULL, 0, NULL, 7),
    ('tipo_organizzazione', 'patronato', 'Patronato / CAF', NULL, 0, NULL, 8),
    ('tipo_organizzazione', 'altro', 'Altro', NULL, 0, NULL, 9);

INSERT INTO organizzazione (nome, tipo, created_at, created_by, updated_at, updated_by)
SELECT etichetta,
       CASE codice WHEN 'servizi_sociali' THEN 'comune' WHEN 'consultorio' THEN 'sanita'
                   WHEN 'sanita' THEN 'sanita' WHEN 'scuola' THEN 'scuola'
                   WHEN 'forze_ordine' THEN 'forze_ordine' WHEN 'giudiziaria' THEN 'giudiziaria'
                   WHEN 'impiego' THEN 'impiego' WHEN 'terzo_settore' THEN 'terzo_settore'
                   WHEN 'patronato' THEN 'patronato' ELSE 'altro' END,
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migrazione', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migrazione'
  FROM codice WHERE lista = 'settore' ORDER BY ordine;
INSERT INTO settore (organizzazione_id, codice, nome, attivo, created_at, created_by, updated_at, updated_by)
SELECT o.id, c.codice, c.etichetta, c.attivo, o.created_at, 'migrazione', o.created_at, 'migrazione'
  FROM codice c JOIN organizzazione o ON o.nome = c.etichetta
 WHERE c.lista = 'settore';
-- The old list stays (codes are never deleted), disabled: the screens now read the registry.
UPDATE codice SET attivo = 0 WHERE lista = 'settore';

-- Where the public meets an ufficio (an ufficio may receive in several places: a branch office, a
-- day a week at the health district). A scheda names its punto di contatto in `dati.luogo`.
CREATE TABLE punto_contatto (
    id         INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL DEFAULT 1,
    ufficio_id INTEGER NOT NULL REFERENCES ufficio(id),
    nome       TEXT NOT NULL,
    indirizzo  TEXT,
    telefono   TEXT,
    orari      TEXT,
    attivo     INTEGER NOT NULL DEFAULT 1 CHECK (attivo IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (ufficio_id, nome)
);

-- A scheda sent to another office: one row per sending, with the scheda as it was sent (the
-- "scheda originale" the receiver sees read-only; the private note is never in it). Live while
-- `annullata_at` is NULL; `letta_at` when the receiving office first opened it (from then on the
-- sender can no longer cancel). `email_*`: the notice to the receiving office (no personal data).
CREATE TABLE invio_scheda (
    id            INTEGER PRIMARY KEY,
    scheda_id     INTEGER NOT NULL REFERENCES scheda(id),
    da_ente_id    INTEGER NOT NULL REFERENCES ente(id),
    da_ufficio_id INTEGER REFERENCES ufficio(id),
    a_ufficio_id  INTEGER NOT NULL REFERENCES ufficio(id),
    inviata_at    TEXT NOT NULL,
    inviata_da    TEXT NOT NULL,
    originale     TEXT NOT NULL,
    letta_at      TEXT,
    letta_da      TEXT,
    annullata_at  TEXT,
    annullata_da  TEXT,
    email_esito   TEXT,
    email_at      TEXT
);
CREATE INDEX scheda_invio_per_scheda ON invio_scheda(scheda_id);
CREATE INDEX scheda_invio_per_ufficio ON invio_scheda(a_ufficio_id) WHERE annullata_at IS NULL;

-- Schede sent before this migration: their sending, without the original (empty: not kept then).
INSERT INTO invio_scheda (scheda_id, da_ente_id, da_ufficio_id, a_ufficio_id, inviata_at, inviata_da,
                          originale, letta_at, letta_da)
SELECT id, ente_id, ufficio_id, invio_ufficio_id, updated_at, updated_by, '', ricevuta_at,
       CASE WHEN ricevuta_at IS NULL THEN NULL ELSE 'migrazione' END
  FROM scheda WHERE invio_ufficio_id IS NOT NULL AND completa = 1;
