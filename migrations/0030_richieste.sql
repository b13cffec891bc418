-- Richieste of a scheda di accesso with their consuntivo, and the settings of each office
-- (SISO-DOMAIN.md §1.2 B point 6, §2.1 "Servizi richiesti (current)", SS_UFFICIO switches).
--
-- A richiesta is one servizio richiesto: a code of the `servizi_richiesti` list and/or a tipo of the
-- nomenclatore (`tipo_intervento`: an ISTAT class is the macro level, an ente's own node the micro
-- level), with the settore or ente that provides it. Its consuntivo rows are the desk's own work on
-- it (minutes, operators, tipo attività 0–7 of the `tipo_attivita` list): they feed the monthly
-- report "attività dello sportello". Attached documents are not kept here yet.

CREATE TABLE scheda_richiesta (
    id                    INTEGER PRIMARY KEY,
    version               INTEGER NOT NULL DEFAULT 1,
    scheda_id             INTEGER NOT NULL REFERENCES scheda(id),
    data_richiesta        TEXT NOT NULL,
    servizio              TEXT,
    tipo_intervento_id    INTEGER REFERENCES tipo_intervento(id),
    -- Code of the `settore` list, and/or the name of the ente or service that provides it.
    settore               TEXT,
    erogatore             TEXT,
    erogabile_accoglienza INTEGER NOT NULL DEFAULT 0 CHECK (erogabile_accoglienza IN (0, 1)),
    note                  TEXT,
    created_at            TEXT NOT NULL,
    created_by            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    updated_by            TEXT NOT NULL,
    CHECK (servizio IS NOT NULL OR tipo_intervento_id IS NOT NULL)
);
CREATE INDEX scheda_richiesta_scheda ON scheda_richiesta(scheda_id);
CREATE INDEX scheda_richiesta_data ON scheda_richiesta(data_richiesta);

CREATE TABLE richiesta_consuntivo (
    id            INTEGER PRIMARY KEY,
    version       INTEGER NOT NULL DEFAULT 1,
    richiesta_id  INTEGER NOT NULL REFERENCES scheda_richiesta(id),
    data          TEXT NOT NULL,
    descrizione   TEXT,
    operatori     INTEGER NOT NULL DEFAULT 1 CHECK (operatori BETWEEN 1 AND 20),
    minuti        INTEGER NOT NULL CHECK (minuti BETWEEN 1 AND 5940),
    tipo_attivita TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);
CREATE INDEX richiesta_consuntivo_richiesta ON richiesta_consuntivo(richiesta_id);
CREATE INDEX richiesta_consuntivo_data ON richiesta_consuntivo(data);

-- SS_UFFICIO's switches. No row = everything off. The office e-mail is `ufficio.email`; the
-- template of the sending message holds placeholders only ({ufficio}, {ente}, {data}, ...), never
-- personal data.
CREATE TABLE ufficio_impostazioni (
    ufficio_id     INTEGER PRIMARY KEY REFERENCES ufficio(id),
    version        INTEGER NOT NULL DEFAULT 1,
    req_bisogni    INTEGER NOT NULL DEFAULT 0 CHECK (req_bisogni IN (0, 1)),
    req_servizi    INTEGER NOT NULL DEFAULT 0 CHECK (req_servizi IN (0, 1)),
    req_stranieri  INTEGER NOT NULL DEFAULT 0 CHECK (req_stranieri IN (0, 1)),
    vis_interventi INTEGER NOT NULL DEFAULT 0 CHECK (vis_interventi IN (0, 1)),
    template_invio TEXT,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL
);

CREATE TRIGGER modifiche_scheda_richiesta_insert AFTER INSERT ON scheda_richiesta BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_scheda_richiesta_update AFTER UPDATE ON scheda_richiesta BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_scheda_richiesta_delete AFTER DELETE ON scheda_richiesta BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_richiesta_consuntivo_insert AFTER INSERT ON richiesta_consuntivo BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_richiesta_consuntivo_update AFTER UPDATE ON richiesta_consuntivo BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_richiesta_consuntivo_delete AFTER DELETE ON richiesta_consuntivo BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;

-- Tipo attività of a consuntivo row (SISO codes/ss_tipo_attivita_consuntivo.csv).
INSERT INTO codice (lista, codice, etichetta, gruppo, pic, richiede, ordine) VALUES
    ('tipo_attivita', '0', 'Richiesta informazioni', NULL, 0, NULL, 1),
    ('tipo_attivita', '1', 'Compilazione e/o accettazione richiesta', NULL, 0, NULL, 2),
    ('tipo_attivita', '2', 'Gestione e lavorazione richiesta', NULL, 0, NULL, 3),
    ('tipo_attivita', '3', 'Verifica iter', NULL, 0, NULL, 4),
    ('tipo_attivita', '4', 'Servizio concluso', NULL, 0, NULL, 5),
    ('tipo_attivita', '5', 'Avvio iter esterno a sportello', NULL, 0, NULL, 6),
    ('tipo_attivita', '6', 'Verifica iter esterno a sportello', NULL, 0, NULL, 7),
    ('tipo_attivita', '7', 'Servizio erogato esternamente a sportello', NULL, 0, NULL, 8);
