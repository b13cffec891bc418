-- The fascicolo beyond diario, PAI and ISEE (issue 14 point 4): the documenti individuali of a
-- case and its valutazioni. The file itself lives in the data directory (`<db dir>/documenti/<caso>/<sha256>`, never a
-- name an operator chose); this row holds its metadata.

CREATE TABLE documento (
    id         INTEGER PRIMARY KEY,
    caso_id    INTEGER NOT NULL REFERENCES presa_in_carico(id),
    titolo     TEXT NOT NULL CHECK (length(titolo) BETWEEN 1 AND 200),
    tipo       TEXT NOT NULL,
    data       TEXT NOT NULL,
    -- Private documents are read only with the "dati riservati" permission.
    privato    INTEGER NOT NULL DEFAULT 0 CHECK (privato IN (0, 1)),
    -- The name of the imported file (shown, never used as a path).
    nome_file  TEXT NOT NULL,
    -- The stored file, relative to the documents folder.
    file       TEXT NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX documento_caso ON documento(caso_id, data);
CREATE TRIGGER modifiche_documento_insert AFTER INSERT ON documento BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_documento_delete AFTER DELETE ON documento BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;

-- The valutazioni of a case: the multidimensional assessment (its grid is a form of `screens/`,
-- `valutazione_*.toml`; a Regione's own grid is a new file in the screens folder, no rebuild) and
-- the SINBA assessment of minors. Each row keeps the form and the form version it was filled with.
CREATE TABLE valutazione (
    id               INTEGER PRIMARY KEY,
    caso_id          INTEGER NOT NULL REFERENCES presa_in_carico(id),
    tipo             TEXT NOT NULL CHECK (tipo IN ('multidimensionale', 'sinba')),
    modulo           TEXT NOT NULL,
    modulo_versione  INTEGER NOT NULL CHECK (modulo_versione > 0),
    data             TEXT NOT NULL,
    dati             TEXT NOT NULL DEFAULT '{}',
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX valutazione_caso ON valutazione(caso_id, data);
CREATE TRIGGER modifiche_valutazione_insert AFTER INSERT ON valutazione BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_valutazione_delete AFTER DELETE ON valutazione BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;

-- The SINBA code lists the valutazione of minors uses (INPS SINBA flow, from
-- shared/domain/codes/sinba/: the code is SINBA's own).
INSERT INTO codice (lista, codice, etichetta, gruppo, pic, richiede, ordine) VALUES
    ('sinba_fonte_segnalazione', '1', 'Servizio sociale minori della giustizia minorile', NULL, 0, NULL, 1),
    ('sinba_fonte_segnalazione', '2', 'Altro servizio sociale (consultori, centri famiglia, di altro ambito/distretto, ..)', NULL, 0, NULL, 2),
    ('sinba_fonte_segnalazione', '3', 'Servizi sanitari/medico di base/pediatra', NULL, 0, NULL, 3),
    ('sinba_fonte_segnalazione', '4', 'Privato sociale/volontariato', NULL, 0, NULL, 4),
    ('sinba_fonte_segnalazione', '5', 'Forze dell''ordine', NULL, 0, NULL, 5),
    ('sinba_fonte_segnalazione', '6', 'Beneficiario stesso', NULL, 0, NULL, 6),
    ('sinba_fonte_segnalazione', '7', 'Genitori affidatari/tutore', NULL, 0, NULL, 7),
    ('sinba_fonte_segnalazione', '8', 'Genitori/fratelli/altri familiari conviventi', NULL, 0, NULL, 8),
    ('sinba_fonte_segnalazione', '9', 'Parenti non conviventi', NULL, 0, NULL, 9),
    ('sinba_fonte_segnalazione', '10', 'Tribunale ordinario', NULL, 0, NULL, 10),
    ('sinba_fonte_segnalazione', '11', 'Autorità giudiziarie minorili', NULL, 0, NULL, 11),
    ('sinba_fonte_segnalazione', '12', 'Professionista privato', NULL, 0, NULL, 12),
    ('sinba_fonte_segnalazione', '13', 'Scuola', NULL, 0, NULL, 13),
    ('sinba_fonte_segnalazione', '14', 'Vicinato o conoscenti', NULL, 0, NULL, 14),
    ('sinba_luogo_vita', '1', 'Nella sua famiglia', NULL, 0, NULL, 1),
    ('sinba_luogo_vita', '2', 'Presso parenti', NULL, 0, NULL, 2),
    ('sinba_luogo_vita', '3', 'In famiglia affidataria', NULL, 0, NULL, 3),
    ('sinba_luogo_vita', '4', 'In struttura residenziale sociale', NULL, 0, NULL, 4),
    ('sinba_luogo_vita', '5', 'In struttura residenziale sanitaria', NULL, 0, NULL, 5),
    ('sinba_luogo_vita', '6', 'In istituto penale minorile', NULL, 0, NULL, 6),
    ('sinba_luogo_vita', '7', 'Con amici e conoscenti', NULL, 0, NULL, 7),
    ('sinba_luogo_vita', '8', 'Senza dimora', NULL, 0, NULL, 8),
    ('sinba_condizione_minore', '1', 'Non orfano', NULL, 0, NULL, 1),
    ('sinba_condizione_minore', '2', 'Orfano di entrambi', NULL, 0, NULL, 2),
    ('sinba_condizione_minore', '3', 'Orfano di padre', NULL, 0, NULL, 3),
    ('sinba_condizione_minore', '4', 'Orfano di madre', NULL, 0, NULL, 4),
    ('sinba_condizione_minore', '5', 'Genitori ignoti', NULL, 0, NULL, 5),
    ('sinba_valutazione_minore', '1', 'Nessuna specifica problematica', NULL, 0, NULL, 1),
    ('sinba_valutazione_minore', '2', 'Problemi relazionali e comportamentali', NULL, 0, NULL, 2),
    ('sinba_valutazione_minore', '3', 'Dipendenze', NULL, 0, NULL, 3),
    ('sinba_valutazione_minore', '4', 'Presunto stato di abbandono', NULL, 0, NULL, 4),
    ('sinba_valutazione_minore', '5', 'Problemi sanitari', NULL, 0, NULL, 5),
    ('sinba_valutazione_minore', '6', 'Violenza sessuale subita, prostituzione, tratta, pedopornografia', NULL, 0, NULL, 6),
    ('sinba_valutazione_minore', '7', 'Altre forme di violenza e maltrattamento subite', NULL, 0, NULL, 7),
    ('sinba_valutazione_minore', '8', 'Comportamenti di grave devianza', NULL, 0, NULL, 8),
    ('sinba_valutazione_minore', '9', 'Problemi di autonomia, disabilità', NULL, 0, NULL, 9),
    ('sinba_valutazione_minore', '10', 'Coinvolto in procedure penali', NULL, 0, NULL, 10),
    ('sinba_valutazione_minore', '11', 'Gestante/madre minorenne', NULL, 0, NULL, 11),
    ('sinba_valutazione_minore', '12', 'Minore straniero non accompagnato', NULL, 0, NULL, 12),
    ('sinba_valutazione_minore', '13', 'Abbandono scolastico', NULL, 0, NULL, 13),
    ('sinba_valutazione_famiglia', '1', 'Nessuna specifica', NULL, 0, NULL, 1),
    ('sinba_valutazione_famiglia', '2', 'Problematica fragilità/inadeguatezza genitoriale, problematiche socio-educative e relazionali', NULL, 0, NULL, 2),
    ('sinba_valutazione_famiglia', '3', 'Dipendenza', NULL, 0, NULL, 3),
    ('sinba_valutazione_famiglia', '4', 'Problematiche psichiatriche', NULL, 0, NULL, 4),
    ('sinba_valutazione_famiglia', '5', 'Altre problematiche sanitarie', NULL, 0, NULL, 5),
    ('sinba_valutazione_famiglia', '6', 'Grave conflittualità familiare', NULL, 0, NULL, 6),
    ('sinba_valutazione_famiglia', '7', 'Famiglia maltrattante', NULL, 0, NULL, 7),
    ('sinba_valutazione_famiglia', '8', 'Famiglia abusante', NULL, 0, NULL, 8),
    ('sinba_valutazione_famiglia', '9', 'Problemi giudiziari', NULL, 0, NULL, 9),
    ('sinba_valutazione_famiglia', '10', 'Fallimento affido preadottivo nel I anno', NULL, 0, NULL, 10),
    ('sinba_valutazione_famiglia', '11', 'Inadempienza obblighi sanitari', NULL, 0, NULL, 11),
    ('sinba_valutazione_famiglia', '12', 'Difficoltà economiche', NULL, 0, NULL, 12),
    ('sinba_valutazione_famiglia', '13', 'Difficoltà abitative', NULL, 0, NULL, 13),
    ('sinba_scuola', '1', 'Nessuna scuola', NULL, 0, NULL, 1),
    ('sinba_scuola', '2', 'Struttura', NULL, 0, NULL, 2),
    ('sinba_scuola', '3', 'Asilo nido', NULL, 0, NULL, 3),
    ('sinba_scuola', '4', 'Scuola dell''infanzia', NULL, 0, NULL, 4),
    ('sinba_scuola', '5', 'Scuola primaria', NULL, 0, NULL, 5),
    ('sinba_scuola', '6', 'Scuola secondaria I grado', NULL, 0, NULL, 6),
    ('sinba_scuola', '7', 'Scuola secondaria II grado', NULL, 0, NULL, 7),
    ('sinba_scuola', '8', 'Corso formazione professionale', NULL, 0, NULL, 8),
    ('sinba_potesta_tutela', '1', 'Sospensione potestà genitoriale', NULL, 0, NULL, 1),
    ('sinba_potesta_tutela', '2', 'Decadenza potestà genitoriale', NULL, 0, NULL, 2),
    ('sinba_potesta_tutela', '3', 'Prescrizioni ai genitori', NULL, 0, NULL, 3),
    ('sinba_potesta_tutela', '4', 'Tutela a parenti o altri soggetti', NULL, 0, NULL, 4),
    ('sinba_potesta_tutela', '5', 'Curatela', NULL, 0, NULL, 5);
