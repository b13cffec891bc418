-- Erogazioni (issue 15): the nomenclatore (SIUSS prestazioni, ISTAT/CISIS classes, the ente's own
-- tree), progetti, interventi with tariffe and fogli amministrativi, erogazioni (header + operation
-- rows, money in integer cents, quantities in hundredths of the unit) and the SIUSS flows sent.

-- The INPS table of SIUSS prestazioni (CodicePrestazione). Seeded with the codes known from SISO
-- (shared/domain/codes/codici_prestazione.csv) and the labels that are known; the official table is
-- loaded with `sportello codes import prestazioni_siuss FILE.csv`. A code without denominazione
-- cannot be sent (DenominazionePrestazione is required, 10-200 characters).
CREATE TABLE prestazione_siuss (
    codice         TEXT PRIMARY KEY CHECK (length(codice) BETWEEN 5 AND 10),
    version        INTEGER NOT NULL DEFAULT 1,
    denominazione  TEXT CHECK (denominazione IS NULL OR length(denominazione) BETWEEN 1 AND 200),
    -- The SINA assessment is required when the beneficiary is in charge (SISO-DOMAIN §3.9).
    richiede_sina  INTEGER NOT NULL DEFAULT 0 CHECK (richiede_sina IN (0, 1)),
    -- Sent only when the beneficiary is taken in charge (A2.16-A2.29, FLAG_ESPORTA_SE_PIC).
    solo_in_carico INTEGER NOT NULL DEFAULT 0 CHECK (solo_in_carico IN (0, 1)),
    -- Never sent (FLAG_NON_ESPORTARE).
    non_esportare  INTEGER NOT NULL DEFAULT 0 CHECK (non_esportare IN (0, 1)),
    attivo         INTEGER NOT NULL DEFAULT 1 CHECK (attivo IN (0, 1)),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_by     TEXT NOT NULL DEFAULT 'installazione'
);

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 29)
INSERT INTO prestazione_siuss (codice)
SELECT 'A1.' || printf('%02d', i) FROM n WHERE i <= 23
UNION ALL SELECT 'A2.' || printf('%02d', i) FROM n
UNION ALL SELECT 'A3.' || printf('%02d', i) FROM n WHERE i <= 4
UNION ALL SELECT 'A1.05.01';
UPDATE prestazione_siuss SET denominazione = 'Contributi economici a integrazione del reddito familiare' WHERE codice = 'A1.04';
UPDATE prestazione_siuss SET denominazione = 'Contributi economici per l''affitto erogati dai Comuni' WHERE codice = 'A1.05.01';
UPDATE prestazione_siuss SET denominazione = 'Edilizia residenziale pubblica' WHERE codice = 'A3.04';
UPDATE prestazione_siuss SET richiede_sina = 1
 WHERE codice IN ('A1.04', 'A1.10', 'A1.11', 'A1.12', 'A1.13', 'A1.14', 'A1.15', 'A1.16', 'A1.23',
                  'A2.07', 'A2.08', 'A2.14', 'A2.20', 'A2.21', 'A3.02');
UPDATE prestazione_siuss SET solo_in_carico = 1 WHERE codice BETWEEN 'A2.16' AND 'A2.29';

-- Tipi di intervento: the ISTAT/CISIS classes (`istat`, installation-wide) and each ente's own tree
-- (`custom`, 1-5 levels), a custom tipo mapped to an ISTAT class and a SIUSS code. `unita_misura`:
-- a code of the `unita_misura` list.
CREATE TABLE tipo_intervento (
    id           INTEGER PRIMARY KEY,
    version      INTEGER NOT NULL DEFAULT 1,
    famiglia     TEXT NOT NULL CHECK (famiglia IN ('istat', 'custom')),
    ente_id      INTEGER REFERENCES ente(id),
    codice       TEXT NOT NULL CHECK (length(codice) BETWEEN 1 AND 40),
    etichetta    TEXT NOT NULL CHECK (length(etichetta) BETWEEN 1 AND 200),
    parent_id    INTEGER REFERENCES tipo_intervento(id),
    livello      INTEGER NOT NULL DEFAULT 1 CHECK (livello BETWEEN 1 AND 5),
    istat_id     INTEGER REFERENCES tipo_intervento(id),
    siuss_codice TEXT REFERENCES prestazione_siuss(codice),
    unita_misura TEXT,
    attivo       INTEGER NOT NULL DEFAULT 1 CHECK (attivo IN (0, 1)),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    created_by   TEXT NOT NULL DEFAULT 'installazione',
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_by   TEXT NOT NULL DEFAULT 'installazione',
    CHECK ((famiglia = 'istat') = (ente_id IS NULL))
);
CREATE UNIQUE INDEX tipo_intervento_codice ON tipo_intervento(famiglia, coalesce(ente_id, 0), codice);

-- The ISTAT/CISIS classes shipped: the areas of the ISTAT survey of municipal social services
-- (interventi e servizi, trasferimenti in denaro, strutture), each with the SIUSS code that usually
-- applies and its unit. The full nomenclatore can be added as custom tipi mapped to these.
INSERT INTO tipo_intervento (famiglia, codice, etichetta, siuss_codice, unita_misura) VALUES
    ('istat', 'IS01', 'Servizio sociale professionale', NULL, 'accessi'),
    ('istat', 'IS02', 'Segretariato sociale, informazione e consulenza', NULL, 'accessi'),
    ('istat', 'IS03', 'Assistenza domiciliare socio-assistenziale', 'A2.07', 'ore'),
    ('istat', 'IS04', 'Servizi di prossimità e telesoccorso', NULL, 'mesi'),
    ('istat', 'IS05', 'Distribuzione pasti e beni di prima necessità', NULL, 'pasti'),
    ('istat', 'IS06', 'Trasporto sociale', NULL, 'km'),
    ('istat', 'TD01', 'Contributi economici a integrazione del reddito', 'A1.04', 'euro'),
    ('istat', 'TD02', 'Contributi economici per l''alloggio', 'A1.05.01', 'euro'),
    ('istat', 'TD03', 'Contributi e integrazioni a rette per strutture', NULL, 'mesi'),
    ('istat', 'TD04', 'Buoni spesa o buoni pasto', NULL, 'euro'),
    ('istat', 'ST01', 'Centri diurni', NULL, 'giorni'),
    ('istat', 'ST02', 'Strutture residenziali', NULL, 'giorni'),
    ('istat', 'ST03', 'Asili nido e servizi per la prima infanzia', NULL, 'mesi'),
    ('istat', 'ST04', 'Edilizia residenziale pubblica', 'A3.04', 'mesi');

-- Progetti and their financing (SISO's CS_I_INTERVENTO_PR, flattened): per ente.
CREATE TABLE progetto (
    id          INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL DEFAULT 1,
    ente_id     INTEGER NOT NULL REFERENCES ente(id),
    codice      TEXT NOT NULL,
    titolo      TEXT NOT NULL,
    fonte       TEXT,
    attivo      INTEGER NOT NULL DEFAULT 1 CHECK (attivo IN (0, 1)),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    UNIQUE (ente_id, codice)
);

-- The intervento programmato / richiesto for a beneficiary (the reference person of a nucleo or
-- group), linked to the person's case when there is one. `frequenza`: U una tantum, O irregolare,
-- P regolare. The tariffa: unit, unit price in cents, quantity per `fruizione` in hundredths,
-- the user's compartecipazione in cents per `comp_cadenza`.
CREATE TABLE intervento (
    id                INTEGER PRIMARY KEY,
    version           INTEGER NOT NULL DEFAULT 1,
    ente_id           INTEGER NOT NULL REFERENCES ente(id),
    soggetto_id       INTEGER NOT NULL REFERENCES soggetto(id),
    tipo_beneficiario TEXT NOT NULL DEFAULT 'individuale' CHECK (tipo_beneficiario IN ('individuale', 'nucleo', 'gruppo')),
    n_beneficiari     INTEGER NOT NULL DEFAULT 1 CHECK (n_beneficiari BETWEEN 1 AND 10000),
    caso_id           INTEGER REFERENCES presa_in_carico(id),
    tipo_id           INTEGER NOT NULL REFERENCES tipo_intervento(id),
    categoria_sociale TEXT NOT NULL,
    origine           TEXT NOT NULL DEFAULT 'programmato' CHECK (origine IN ('programmato', 'richiesto')),
    dal               TEXT NOT NULL,
    al                TEXT,
    frequenza         TEXT NOT NULL CHECK (frequenza IN ('U', 'O', 'P')),
    progetto_id       INTEGER REFERENCES progetto(id),
    attivita          TEXT,
    titolare          TEXT,
    unita_misura      TEXT,
    tariffa_cents     INTEGER CHECK (tariffa_cents IS NULL OR tariffa_cents BETWEEN 0 AND 100000000),
    quantita_cent     INTEGER CHECK (quantita_cent IS NULL OR quantita_cent BETWEEN 0 AND 100000000),
    fruizione         TEXT,
    comp_utente_cents INTEGER CHECK (comp_utente_cents IS NULL OR comp_utente_cents >= 0),
    comp_cadenza      TEXT,
    stato             TEXT NOT NULL DEFAULT 'V' CHECK (stato IN ('V', 'G', 'A', 'S', 'C')),
    note              TEXT,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL,
    CHECK (al IS NULL OR al >= dal)
);
CREATE INDEX intervento_soggetto ON intervento(soggetto_id);
CREATE INDEX intervento_ente ON intervento(ente_id, dal);

-- Fogli amministrativi of an intervento: valutazione, graduatoria, attivazione, sospensione,
-- chiusura (with motivo). The last one gives the intervento its `stato`.
CREATE TABLE intervento_foglio (
    id             INTEGER PRIMARY KEY,
    intervento_id  INTEGER NOT NULL REFERENCES intervento(id),
    tipo           TEXT NOT NULL CHECK (tipo IN ('V', 'G', 'A', 'S', 'C')),
    data           TEXT NOT NULL,
    dal            TEXT,
    al             TEXT,
    dettaglio      TEXT,
    punteggio      INTEGER,
    fascia         TEXT CHECK (fascia IS NULL OR fascia IN ('I', 'II', 'III')),
    respinto       INTEGER NOT NULL DEFAULT 0 CHECK (respinto IN (0, 1)),
    motivazione    TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX intervento_foglio_intervento ON intervento_foglio(intervento_id, data);

-- The erogazione header: what is delivered to a beneficiary, with its SIUSS data. `carattere`:
-- 1 periodico, 2 occasionale. `in_carico`: 1 sì, 0 no, 2 non so. `prova_mezzi` 1-4 with the DSU
-- when 1 or 3. `quota_ente_bp`: the ente's share in basis points of the spesa (10000 = all) when
-- the rows do not give it in euro. `sina`: the SINA assessment as JSON (attributes and lists).
CREATE TABLE erogazione (
    id                 INTEGER PRIMARY KEY,
    version            INTEGER NOT NULL DEFAULT 1,
    ente_id            INTEGER NOT NULL REFERENCES ente(id),
    intervento_id      INTEGER REFERENCES intervento(id),
    soggetto_id        INTEGER NOT NULL REFERENCES soggetto(id),
    caso_id            INTEGER REFERENCES presa_in_carico(id),
    tipo_id            INTEGER NOT NULL REFERENCES tipo_intervento(id),
    categoria_sociale  TEXT NOT NULL,
    erogatore          TEXT,
    protocollo_domanda TEXT CHECK (protocollo_domanda IS NULL OR length(protocollo_domanda) <= 32),
    data_domanda       TEXT,
    prova_mezzi        INTEGER NOT NULL CHECK (prova_mezzi BETWEEN 1 AND 4),
    dsu_protocollo     TEXT CHECK (dsu_protocollo IS NULL OR length(dsu_protocollo) <= 30),
    dsu_anno           INTEGER,
    dsu_data           TEXT,
    siuss_codice       TEXT REFERENCES prestazione_siuss(codice),
    carattere          INTEGER NOT NULL CHECK (carattere IN (1, 2)),
    in_carico          INTEGER NOT NULL DEFAULT 2 CHECK (in_carico IN (0, 1, 2)),
    unita_misura       TEXT,
    quota_ente_bp      INTEGER CHECK (quota_ente_bp IS NULL OR quota_ente_bp BETWEEN 0 AND 10000),
    descrizione        TEXT,
    sina               TEXT,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL
);
CREATE INDEX erogazione_soggetto ON erogazione(soggetto_id);
CREATE INDEX erogazione_ente ON erogazione(ente_id, siuss_codice);
CREATE INDEX erogazione_intervento ON erogazione(intervento_id);

-- One operation of an erogazione: a date or a period, the quantity in the unit (hundredths), the
-- tariffa and the spesa = tariffa × quantità (computed, checked here), the compartecipazioni and
-- the ente's share in euro when it is not the header's percentage. `stato`: prevista (to confirm)
-- or erogata (delivered: only these go to SIUSS). `siuss_flusso_id`: the flow that sent it.
CREATE TABLE erogazione_riga (
    id                INTEGER PRIMARY KEY,
    erogazione_id     INTEGER NOT NULL REFERENCES erogazione(id),
    stato             TEXT NOT NULL DEFAULT 'erogata' CHECK (stato IN ('prevista', 'erogata')),
    data              TEXT NOT NULL,
    data_fine         TEXT,
    data_evento       TEXT,
    quantita_cent     INTEGER NOT NULL CHECK (quantita_cent BETWEEN 1 AND 100000000),
    tariffa_cents     INTEGER NOT NULL CHECK (tariffa_cents BETWEEN 0 AND 100000000),
    spesa_cents       INTEGER NOT NULL,
    comp_utente_cents INTEGER NOT NULL DEFAULT 0 CHECK (comp_utente_cents >= 0),
    comp_ssn_cents    INTEGER NOT NULL DEFAULT 0 CHECK (comp_ssn_cents >= 0),
    comp_altre_cents  INTEGER NOT NULL DEFAULT 0 CHECK (comp_altre_cents >= 0),
    quota_ente_cents  INTEGER CHECK (quota_ente_cents IS NULL OR quota_ente_cents >= 0),
    operatore         TEXT,
    note              TEXT,
    siuss_flusso_id   INTEGER REFERENCES siuss_flusso(id),
    CHECK (spesa_cents = (quantita_cent * tariffa_cents + 50) / 100),
    CHECK (data_fine IS NULL OR data_fine >= data)
);
CREATE INDEX erogazione_riga_erogazione ON erogazione_riga(erogazione_id, data);
CREATE INDEX erogazione_riga_data ON erogazione_riga(data, stato);

-- A SIUSS flow written: its name (IdentificazioneFlusso/@Nome), period, operator, the SHA-256 of
-- the file and the compressed copy kept in the data directory (`siuss/<nome>.xml.gz`, relative).
CREATE TABLE siuss_flusso (
    id           INTEGER PRIMARY KEY,
    ente_id      INTEGER NOT NULL REFERENCES ente(id),
    nome         TEXT NOT NULL UNIQUE CHECK (length(nome) <= 50),
    dal          TEXT NOT NULL,
    al           TEXT NOT NULL,
    operatore    TEXT NOT NULL,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    size         INTEGER NOT NULL,
    archivio     TEXT,
    beneficiari  INTEGER NOT NULL,
    record       INTEGER NOT NULL,
    cancellazioni INTEGER NOT NULL,
    esclusi      INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX siuss_flusso_ente ON siuss_flusso(ente_id, created_at);

-- Each PrestazioniSociali record sent: its matching key (CF, CodicePrestazione, DataInizio or
-- DataErogazione), a fingerprint of its content and the content itself (JSON, to send it back as
-- TipoOperazione="C" when it changes). `annullato_da`: the flow that cancelled it.
CREATE TABLE siuss_record (
    id            INTEGER PRIMARY KEY,
    flusso_id     INTEGER NOT NULL REFERENCES siuss_flusso(id),
    erogazione_id INTEGER NOT NULL REFERENCES erogazione(id),
    chiave        TEXT NOT NULL,
    impronta      TEXT NOT NULL,
    contenuto     TEXT NOT NULL,
    annullato_da  INTEGER REFERENCES siuss_flusso(id)
);
CREATE INDEX siuss_record_erogazione ON siuss_record(erogazione_id) WHERE annullato_da IS NULL;

CREATE TRIGGER modifiche_intervento_insert AFTER INSERT ON intervento BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_intervento_update AFTER UPDATE ON intervento BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_erogazione_insert AFTER INSERT ON erogazione BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_erogazione_update AFTER UPDATE ON erogazione BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_siuss_flusso_insert AFTER INSERT ON siuss_flusso BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
