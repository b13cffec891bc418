-- The sub-forms of the special services on a richiesta, and the documents attached to a scheda
-- (issue 13 point 9; SISO-DOMAIN.md §1.2 B point 6, §3.4 d).
--
-- `dettagli`: the values of the richiesta's sub-form (screens/richiesta_abitativa.toml, _lavoro,
-- _mediazione, _istruzione: which one a servizio opens is the richiesta form's show_when) as a JSON
-- object keyed by field id: codes, ISO dates, cents, numbers, booleans, text. NULL = no sub-form.
ALTER TABLE scheda_richiesta ADD COLUMN dettagli TEXT CHECK (dettagli IS NULL OR json_valid(dettagli));

-- A document attached to a scheda: the same storage and rules as the documenti of a cartella
-- (table `documento`, migration 0020): the file is kept in the documents folder of the data
-- directory under `scheda-<id>/<sha256>`, never under a name the operator chose.
CREATE TABLE scheda_documento (
    id         INTEGER PRIMARY KEY,
    scheda_id  INTEGER NOT NULL REFERENCES scheda(id),
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
CREATE INDEX scheda_documento_scheda ON scheda_documento(scheda_id, data);
CREATE TRIGGER modifiche_scheda_documento_insert AFTER INSERT ON scheda_documento BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_scheda_documento_delete AFTER DELETE ON scheda_documento BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;

-- The code lists of the sub-forms.
-- abitativa_*: SISO's intermediazione abitativa form (SISO-DOMAIN.md §3.4 d, the J constants).
-- lavoro_*, lingue, mediazione_*, istruzione_*: SISO's repository gives no values for these forms
-- (they are JSON forms whose lists live in its database); written for sportello from the services
-- an Umbrian front desk sends people to (Centri per l'impiego and the regional tirocini di
-- inclusione, CPIA courses, the languages most asked of cultural mediators for the largest foreign
-- communities in ISTAT's resident population by citizenship).
INSERT INTO codice (lista, codice, etichetta, gruppo, pic, richiede, ordine) VALUES
    ('abitativa_ricerca', 'abitazione', 'Ricerca abitazione', NULL, 0, NULL, 1),
    ('abitativa_ricerca', 'locazione', 'Ricerca locazione', NULL, 0, NULL, 2),
    ('abitativa_ricerca', 'acquisto', 'Acquisto abitazione', NULL, 0, NULL, 3),
    ('abitativa_ricerca', 'temporaneo', 'Alloggio temporaneo (in accoglienza)', NULL, 0, NULL, 4),
    ('abitativa_ricerca', 'altro', 'Altro', NULL, 0, 'ricerca_altro', 5),
    ('abitativa_problemi', 'senza_alloggio', 'Non ha un alloggio', NULL, 0, NULL, 1),
    ('abitativa_problemi', 'canone', 'Canone elevato', NULL, 0, NULL, 2),
    ('abitativa_problemi', 'piccolo', 'Alloggio piccolo', NULL, 0, NULL, 3),
    ('abitativa_problemi', 'degradato', 'Alloggio degradato', NULL, 0, NULL, 4),
    ('abitativa_problemi', 'conviventi', 'Problemi con i conviventi', NULL, 0, NULL, 5),
    ('abitativa_problemi', 'vicini', 'Problemi con i vicini', NULL, 0, NULL, 6),
    ('abitativa_problemi', 'distante', 'Distante dal lavoro', NULL, 0, NULL, 7),
    ('abitativa_problemi', 'altro', 'Altro', NULL, 0, NULL, 8),
    ('abitativa_arredo', 'ammobiliata', 'Ammobiliata', NULL, 0, NULL, 1),
    ('abitativa_arredo', 'non_ammobiliata', 'Non ammobiliata', NULL, 0, NULL, 2),
    ('abitativa_questioni', 'controversia', 'Controversia', NULL, 0, NULL, 1),
    ('abitativa_questioni', 'amministrative', 'Questioni amministrative/contrattuali', NULL, 0, NULL, 2),
    ('lavoro_orario', 'pieno', 'Tempo pieno', NULL, 0, NULL, 1),
    ('lavoro_orario', 'parziale', 'Tempo parziale', NULL, 0, NULL, 2),
    ('lavoro_orario', 'turni', 'Anche su turni o festivi', NULL, 0, NULL, 3),
    ('lavoro_orario', 'indifferente', 'Indifferente', NULL, 0, NULL, 4),
    ('lavoro_invio', 'cpi', 'Centro per l''impiego', NULL, 0, NULL, 1),
    ('lavoro_invio', 'agenzia', 'Agenzia per il lavoro', NULL, 0, NULL, 2),
    ('lavoro_invio', 'tirocinio', 'Tirocinio di inclusione', NULL, 0, NULL, 3),
    ('lavoro_invio', 'formazione', 'Corso di formazione professionale', NULL, 0, NULL, 4),
    ('lavoro_invio', 'sil', 'Servizio di inserimento lavorativo (SIL)', NULL, 0, NULL, 5),
    ('lavoro_invio', 'terzo_settore', 'Cooperativa o associazione', NULL, 0, NULL, 6),
    ('lingue', 'ar', 'Arabo', NULL, 0, NULL, 1),
    ('lingue', 'sq', 'Albanese', NULL, 0, NULL, 2),
    ('lingue', 'ro', 'Romeno', NULL, 0, NULL, 3),
    ('lingue', 'uk', 'Ucraino', NULL, 0, NULL, 4),
    ('lingue', 'ru', 'Russo', NULL, 0, NULL, 5),
    ('lingue', 'zh', 'Cinese', NULL, 0, NULL, 6),
    ('lingue', 'en', 'Inglese', NULL, 0, NULL, 7),
    ('lingue', 'fr', 'Francese', NULL, 0, NULL, 8),
    ('lingue', 'es', 'Spagnolo', NULL, 0, NULL, 9),
    ('lingue', 'pt', 'Portoghese', NULL, 0, NULL, 10),
    ('lingue', 'ur', 'Urdu', NULL, 0, NULL, 11),
    ('lingue', 'bn', 'Bengalese', NULL, 0, NULL, 12),
    ('lingue', 'pa', 'Punjabi', NULL, 0, NULL, 13),
    ('lingue', 'hi', 'Hindi', NULL, 0, NULL, 14),
    ('lingue', 'tl', 'Tagalog', NULL, 0, NULL, 15),
    ('lingue', 'wo', 'Wolof', NULL, 0, NULL, 16),
    ('lingue', 'ti', 'Tigrino', NULL, 0, NULL, 17),
    ('lingue', 'so', 'Somalo', NULL, 0, NULL, 18),
    ('lingue', 'fa', 'Persiano (farsi/dari)', NULL, 0, NULL, 19),
    ('lingue', 'ps', 'Pashto', NULL, 0, NULL, 20),
    ('lingue', 'altra', 'Altra lingua', NULL, 0, NULL, 21),
    ('mediazione_ambito', 'sanitario', 'Servizi sanitari', NULL, 0, NULL, 1),
    ('mediazione_ambito', 'scolastico', 'Scuola', NULL, 0, NULL, 2),
    ('mediazione_ambito', 'sociale', 'Servizi sociali', NULL, 0, NULL, 3),
    ('mediazione_ambito', 'amministrativo', 'Uffici pubblici e pratiche amministrative', NULL, 0, NULL, 4),
    ('mediazione_ambito', 'legale', 'Questioni legali', NULL, 0, NULL, 5),
    ('mediazione_ambito', 'abitativo', 'Casa e vicinato', NULL, 0, NULL, 6),
    ('mediazione_ambito', 'lavoro', 'Lavoro', NULL, 0, NULL, 7),
    ('mediazione_modalita', 'presenza', 'In presenza', NULL, 0, NULL, 1),
    ('mediazione_modalita', 'telefono', 'Al telefono', NULL, 0, NULL, 2),
    ('mediazione_modalita', 'video', 'In videochiamata', NULL, 0, NULL, 3),
    ('istruzione_percorso', 'obbligo', 'Iscrizione a scuola (obbligo scolastico)', NULL, 0, NULL, 1),
    ('istruzione_percorso', 'italiano', 'Corso di lingua italiana (CPIA)', NULL, 0, NULL, 2),
    ('istruzione_percorso', 'licenza_media', 'Licenza media per adulti (CPIA)', NULL, 0, NULL, 3),
    ('istruzione_percorso', 'superiore', 'Scuola superiore o serale', NULL, 0, NULL, 4),
    ('istruzione_percorso', 'professionale', 'Formazione professionale', NULL, 0, NULL, 5),
    ('istruzione_percorso', 'universita', 'Università', NULL, 0, NULL, 6),
    ('istruzione_percorso', 'titolo_estero', 'Riconoscimento di un titolo estero', NULL, 0, NULL, 7),
    ('istruzione_per', 'utente', 'La persona stessa', NULL, 0, NULL, 1),
    ('istruzione_per', 'figlio', 'Un figlio o una figlia', NULL, 0, NULL, 2),
    ('istruzione_per', 'altro_familiare', 'Un altro familiare', NULL, 0, NULL, 3);
