-- Presa in carico and the cartella sociale (SISO-DOMAIN §1.2 D–F, §2.2): the handling of proposals,
-- the case and its iter (states and transitions are data), the operators of a case, its categorie
-- sociali, the cartella sections, the fascicolo (diario, PAI, ISEE), the categorie each ufficio
-- manages, the "dati riservati" grants, and the business-change counter that lets sessions refresh.

-- The handling of a proposal: which case it created or linked, who handled it and how.
ALTER TABLE proposta_pic ADD COLUMN caso_id INTEGER REFERENCES presa_in_carico(id);
ALTER TABLE proposta_pic ADD COLUMN esito_gestione TEXT CHECK (esito_gestione IN ('creata', 'collegata', 'vista'));
ALTER TABLE proposta_pic ADD COLUMN gestita_da TEXT;
ALTER TABLE proposta_pic ADD COLUMN gestita_at TEXT;

-- The case (one per person and ente): `stato` ('aperta'/'chiusa') stays the search marker; the iter
-- state is the last step, copied here for lists and counters.
ALTER TABLE presa_in_carico ADD COLUMN numero INTEGER;
ALTER TABLE presa_in_carico ADD COLUMN ufficio_id INTEGER REFERENCES ufficio(id);
ALTER TABLE presa_in_carico ADD COLUMN iter_stato TEXT NOT NULL DEFAULT 'aperto';
ALTER TABLE presa_in_carico ADD COLUMN responsabile TEXT;
ALTER TABLE presa_in_carico ADD COLUMN segnalato_ente_id INTEGER REFERENCES ente(id);
ALTER TABLE presa_in_carico ADD COLUMN segnalato_ufficio_id INTEGER REFERENCES ufficio(id);
ALTER TABLE presa_in_carico ADD COLUMN segnalato_operatore TEXT;
CREATE UNIQUE INDEX presa_in_carico_persona_ente ON presa_in_carico(soggetto_id, ente_id);
CREATE UNIQUE INDEX presa_in_carico_numero ON presa_in_carico(ente_id, numero);

-- Iter states. `attributi`: what a change to this state must record (comma separated).
CREATE TABLE caso_stato (
    codice    TEXT PRIMARY KEY,
    etichetta TEXT NOT NULL,
    ordine    INTEGER NOT NULL,
    attributi TEXT NOT NULL DEFAULT ''
);
INSERT INTO caso_stato (codice, etichetta, ordine, attributi) VALUES
    ('aperto', 'Aperto', 1, ''),
    ('preso_in_carico', 'Preso in carico', 2, ''),
    ('segnalato_ufficio', 'Segnalato a ufficio', 3, ''),
    ('segnalato_ente', 'Segnalato a ente', 4, ''),
    ('segnalato_operatore', 'Segnalato a operatore', 5, ''),
    ('sospeso', 'Sospeso', 6, ''),
    ('chiuso', 'Chiuso', 7, 'motivo_chiusura'),
    ('riaperto', 'Riaperto', 8, '');

-- Allowed transitions: the roles that may make them (comma-separated role codes) and the target
-- the change must name ('nessuno', 'ufficio', 'ente', 'operatore').
CREATE TABLE caso_transizione (
    id        INTEGER PRIMARY KEY,
    da        TEXT NOT NULL REFERENCES caso_stato(codice),
    a         TEXT NOT NULL REFERENCES caso_stato(codice),
    etichetta TEXT NOT NULL,
    ruoli     TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT 'nessuno' CHECK (target IN ('nessuno', 'ufficio', 'ente', 'operatore')),
    UNIQUE (da, a)
);
INSERT INTO caso_transizione (da, a, etichetta, ruoli, target)
SELECT d.codice, t.a, t.etichetta, t.ruoli, t.target
FROM caso_stato d
JOIN (SELECT 'preso_in_carico' AS a, 'Prendi in carico' AS etichetta, 'assistente_sociale,responsabile' AS ruoli, 'nessuno' AS target
      UNION ALL SELECT 'segnalato_ufficio', 'Segnala a un ufficio', 'assistente_sociale,responsabile', 'ufficio'
      UNION ALL SELECT 'segnalato_ente', 'Segnala a un ente', 'responsabile', 'ente'
      UNION ALL SELECT 'segnalato_operatore', 'Segnala a un operatore', 'assistente_sociale,responsabile', 'operatore'
      UNION ALL SELECT 'sospeso', 'Sospendi', 'assistente_sociale,responsabile', 'nessuno'
      UNION ALL SELECT 'chiuso', 'Chiudi il caso', 'assistente_sociale,responsabile', 'nessuno') t
  ON t.a <> d.codice
WHERE d.codice IN ('aperto', 'preso_in_carico', 'segnalato_ufficio', 'segnalato_ente', 'segnalato_operatore', 'sospeso', 'riaperto')
  AND NOT (d.codice = 'aperto' AND t.a = 'sospeso');
INSERT INTO caso_transizione (da, a, etichetta, ruoli, target) VALUES
    ('chiuso', 'riaperto', 'Riapri il caso', 'responsabile', 'nessuno');

-- Every change of state: who (operator, office, ente), from and to, the target, note, attributes.
CREATE TABLE caso_step (
    id                INTEGER PRIMARY KEY,
    caso_id           INTEGER NOT NULL REFERENCES presa_in_carico(id),
    stato             TEXT NOT NULL REFERENCES caso_stato(codice),
    da_stato          TEXT REFERENCES caso_stato(codice),
    data              TEXT NOT NULL,
    operatore         TEXT NOT NULL,
    ufficio_id        INTEGER REFERENCES ufficio(id),
    ente_id           INTEGER NOT NULL REFERENCES ente(id),
    target_ente_id    INTEGER REFERENCES ente(id),
    target_ufficio_id INTEGER REFERENCES ufficio(id),
    target_operatore  TEXT,
    nota              TEXT,
    attributi         TEXT NOT NULL DEFAULT '{}',
    created_at        TEXT NOT NULL
);
CREATE INDEX caso_step_caso ON caso_step(caso_id, id);

-- Operators assigned to a case (the responsabile is set on presa in carico), with dates.
CREATE TABLE caso_operatore (
    id                 INTEGER PRIMARY KEY,
    caso_id            INTEGER NOT NULL REFERENCES presa_in_carico(id),
    operatore          TEXT NOT NULL,
    responsabile       INTEGER NOT NULL DEFAULT 0 CHECK (responsabile IN (0, 1)),
    gestione_fascicolo INTEGER NOT NULL DEFAULT 1 CHECK (gestione_fascicolo IN (0, 1)),
    dal                TEXT NOT NULL,
    al                 TEXT
);
CREATE INDEX caso_operatore_op ON caso_operatore(operatore, al);
CREATE INDEX caso_operatore_caso ON caso_operatore(caso_id);

-- The categorie sociali of a case, validity-dated, one prevalent.
CREATE TABLE caso_categoria (
    caso_id    INTEGER NOT NULL REFERENCES presa_in_carico(id),
    codice     TEXT NOT NULL,
    prevalente INTEGER NOT NULL DEFAULT 0 CHECK (prevalente IN (0, 1)),
    dal        TEXT NOT NULL,
    al         TEXT,
    PRIMARY KEY (caso_id, codice, dal)
);

-- The categorie sociali an ufficio manages (needed to take a case in charge there).
CREATE TABLE ufficio_categoria (
    ufficio_id INTEGER NOT NULL REFERENCES ufficio(id),
    codice     TEXT NOT NULL,
    PRIMARY KEY (ufficio_id, codice)
);

-- The "dati riservati" permission, per operator and ente.
CREATE TABLE operatore_riservati (
    operatore_id INTEGER NOT NULL REFERENCES operatore(id),
    ente_id      INTEGER NOT NULL REFERENCES ente(id),
    granted_at   TEXT NOT NULL,
    granted_by   TEXT NOT NULL,
    PRIMARY KEY (operatore_id, ente_id)
);

-- Cartella sections, validity-dated: the fields as a JSON object.
CREATE TABLE cartella_dato (
    id         INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL DEFAULT 1,
    caso_id    INTEGER NOT NULL REFERENCES presa_in_carico(id),
    sezione    TEXT NOT NULL CHECK (sezione IN ('dati_sociali', 'invalidita', 'disabilita', 'tribunale', 'servizi', 'note')),
    dati       TEXT NOT NULL DEFAULT '{}',
    dal        TEXT NOT NULL,
    al         TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX cartella_dato_caso ON cartella_dato(caso_id, sezione);

-- Risorse: nucleo familiare (conviventi, other relatives) and rete amicale; linked to a person of
-- the anagrafe when known.
CREATE TABLE caso_familiare (
    id          INTEGER PRIMARY KEY,
    caso_id     INTEGER NOT NULL REFERENCES presa_in_carico(id),
    tipo        TEXT NOT NULL CHECK (tipo IN ('convivente', 'familiare', 'amicale')),
    soggetto_id INTEGER REFERENCES soggetto(id),
    cognome     TEXT NOT NULL,
    nome        TEXT NOT NULL,
    relazione   TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX caso_familiare_caso ON caso_familiare(caso_id);

-- The diario of the fascicolo: colloqui, visite domiciliari, relazioni, scuola, tribunale.
CREATE TABLE diario (
    id         INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL DEFAULT 1,
    caso_id    INTEGER NOT NULL REFERENCES presa_in_carico(id),
    tipo       TEXT NOT NULL CHECK (tipo IN ('colloquio', 'visita', 'relazione', 'scuola', 'tribunale')),
    data       TEXT NOT NULL,
    testo      TEXT NOT NULL,
    riservato  INTEGER NOT NULL DEFAULT 0 CHECK (riservato IN (0, 1)),
    autore     TEXT NOT NULL,
    ufficio_id INTEGER REFERENCES ufficio(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX diario_caso ON diario(caso_id, data);

-- PAI (and progetti individuali, L. 328/2000 art. 14). raggiunto_*: 0 not assessed, 1 no,
-- 2 partially, 3 yes.
CREATE TABLE pai (
    id                INTEGER PRIMARY KEY,
    version           INTEGER NOT NULL DEFAULT 1,
    caso_id           INTEGER NOT NULL REFERENCES presa_in_carico(id),
    tipo              TEXT NOT NULL DEFAULT 'pai' CHECK (tipo IN ('pai', 'progetto_individuale')),
    motivazioni       TEXT NOT NULL,
    obiettivo_breve   TEXT,
    raggiunto_breve   INTEGER NOT NULL DEFAULT 0 CHECK (raggiunto_breve BETWEEN 0 AND 3),
    obiettivo_medio   TEXT,
    raggiunto_medio   INTEGER NOT NULL DEFAULT 0 CHECK (raggiunto_medio BETWEEN 0 AND 3),
    obiettivo_lungo   TEXT,
    raggiunto_lungo   INTEGER NOT NULL DEFAULT 0 CHECK (raggiunto_lungo BETWEEN 0 AND 3),
    verifica_mesi     INTEGER NOT NULL CHECK (verifica_mesi > 0),
    data_inizio       TEXT NOT NULL,
    prossima_verifica TEXT NOT NULL,
    beneficiari       TEXT,
    data_chiusura     TEXT,
    motivo_chiusura   TEXT,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL
);
CREATE INDEX pai_caso ON pai(caso_id);
CREATE INDEX pai_verifica ON pai(prossima_verifica) WHERE data_chiusura IS NULL;

-- ISEE declarations (amounts in cents, scala di equivalenza × 100).
CREATE TABLE isee (
    id          INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL DEFAULT 1,
    caso_id     INTEGER NOT NULL REFERENCES presa_in_carico(id),
    tipo        TEXT NOT NULL,
    data_dsu    TEXT NOT NULL,
    scadenza    TEXT NOT NULL,
    ise_cents   INTEGER NOT NULL,
    scala_cents INTEGER NOT NULL,
    isee_cents  INTEGER NOT NULL,
    note        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX isee_caso ON isee(caso_id, scadenza);

-- The business-change counter: bumped by writes to business tables (never by the audit log), read
-- by every session about once a second to refresh its lists and counters.
CREATE TABLE modifiche (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO modifiche (id, n) VALUES (1, 0);
CREATE TRIGGER modifiche_scheda_insert AFTER INSERT ON scheda BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_scheda_update AFTER UPDATE ON scheda BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_scheda_delete AFTER DELETE ON scheda BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_proposta_pic_insert AFTER INSERT ON proposta_pic BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_proposta_pic_update AFTER UPDATE ON proposta_pic BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_proposta_pic_delete AFTER DELETE ON proposta_pic BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_presa_in_carico_insert AFTER INSERT ON presa_in_carico BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_presa_in_carico_update AFTER UPDATE ON presa_in_carico BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_presa_in_carico_delete AFTER DELETE ON presa_in_carico BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_step_insert AFTER INSERT ON caso_step BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_step_update AFTER UPDATE ON caso_step BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_step_delete AFTER DELETE ON caso_step BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_operatore_insert AFTER INSERT ON caso_operatore BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_operatore_update AFTER UPDATE ON caso_operatore BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_operatore_delete AFTER DELETE ON caso_operatore BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_categoria_insert AFTER INSERT ON caso_categoria BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_categoria_update AFTER UPDATE ON caso_categoria BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_categoria_delete AFTER DELETE ON caso_categoria BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_cartella_dato_insert AFTER INSERT ON cartella_dato BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_cartella_dato_update AFTER UPDATE ON cartella_dato BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_cartella_dato_delete AFTER DELETE ON cartella_dato BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_familiare_insert AFTER INSERT ON caso_familiare BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_familiare_update AFTER UPDATE ON caso_familiare BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_familiare_delete AFTER DELETE ON caso_familiare BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_diario_insert AFTER INSERT ON diario BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_diario_update AFTER UPDATE ON diario BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_diario_delete AFTER DELETE ON diario BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_pai_insert AFTER INSERT ON pai BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_pai_update AFTER UPDATE ON pai BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_pai_delete AFTER DELETE ON pai BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_isee_insert AFTER INSERT ON isee BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_isee_update AFTER UPDATE ON isee BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_isee_delete AFTER DELETE ON isee BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
