-- PostgreSQL 15 version of migrations/0029_scheda_sezioni.sql (same tables, columns, constraints and index names;
-- integers BIGINT, ids identity columns; SQLite functions from 0000_compat.sql).
-- The scheda's stranieri, familiari e conviventi and abitazione sections, and coded formazione/lavoro
-- (SISO-DOMAIN.md §1.2 B.3, §2.1 SS_SCHEDA_SEGNALATO, §3.11).

-- Formazione e lavoro. The codes are those the cartella's dati sociali already stored (they were fixed
-- in the program until now; both forms read these rows from here on).
-- titolo_studio: the six levels of shared/domain/codes/sinba/TitoloStudio.csv.
-- condizione_lavorativa: shared/domain/codes/sinba/Occupazione.csv (8 conditions).
-- settore_impiego: no list in SISO's repository (CS_TB_SETT_IMPIEGO is a database table) nor in
--   DEFAULT-CODES.md: written for sportello from the sections of the ISTAT ATECO 2007
--   classification, grouped as the ISTAT labour force survey publishes them.
INSERT INTO codice (lista, codice, etichetta, gruppo, pic, richiede, ordine) VALUES
    ('titolo_studio', 'nessuno', 'Nessun titolo', NULL, 0, NULL, 1),
    ('titolo_studio', 'elementare', 'Licenza elementare', NULL, 0, NULL, 2),
    ('titolo_studio', 'media', 'Licenza media', NULL, 0, NULL, 3),
    ('titolo_studio', 'qualifica', 'Qualifica professionale', NULL, 0, NULL, 4),
    ('titolo_studio', 'diploma', 'Diploma di scuola superiore', NULL, 0, NULL, 5),
    ('titolo_studio', 'laurea', 'Laurea', NULL, 0, NULL, 6),
    ('condizione_lavorativa', 'occupato', 'Occupato/a', NULL, 0, NULL, 1),
    ('condizione_lavorativa', 'disoccupato', 'Disoccupato/a', NULL, 0, NULL, 2),
    ('condizione_lavorativa', 'in_cerca', 'In cerca di prima occupazione', NULL, 0, NULL, 3),
    ('condizione_lavorativa', 'studente', 'Studente', NULL, 0, NULL, 4),
    ('condizione_lavorativa', 'casalinga', 'Casalinga/o', NULL, 0, NULL, 5),
    ('condizione_lavorativa', 'pensionato', 'Pensionato/a', NULL, 0, NULL, 6),
    ('condizione_lavorativa', 'inabile', 'Inabile al lavoro', NULL, 0, NULL, 7),
    ('condizione_lavorativa', 'altro', 'In altra condizione', NULL, 0, NULL, 8),
    ('settore_impiego', 'agricoltura', 'Agricoltura, silvicoltura e pesca', NULL, 0, NULL, 1),
    ('settore_impiego', 'industria', 'Industria', NULL, 0, NULL, 2),
    ('settore_impiego', 'costruzioni', 'Costruzioni', NULL, 0, NULL, 3),
    ('settore_impiego', 'commercio', 'Commercio', NULL, 0, NULL, 4),
    ('settore_impiego', 'alberghi', 'Alberghi e ristorazione', NULL, 0, NULL, 5),
    ('settore_impiego', 'trasporti', 'Trasporti e logistica', NULL, 0, NULL, 6),
    ('settore_impiego', 'servizi_imprese', 'Servizi alle imprese, informazione e finanza', NULL, 0, NULL, 7),
    ('settore_impiego', 'pubblica_amministrazione', 'Pubblica amministrazione', NULL, 0, NULL, 8),
    ('settore_impiego', 'istruzione_sanita', 'Istruzione, sanità e assistenza sociale', NULL, 0, NULL, 9),
    ('settore_impiego', 'lavoro_domestico', 'Lavoro domestico e di cura presso famiglie', NULL, 0, NULL, 10),
    ('settore_impiego', 'altri_servizi', 'Altri servizi', NULL, 0, NULL, 11);

-- Stranieri (SISO's JSON form "Stranieri", SISO-DOMAIN.md §3.11).
-- status_permesso: shared/domain/codes/stranieri_status_permesso.csv (SISO stores the label).
-- livello_lingua: shared/domain/codes/stranieri_livello_lingua.csv (certificate level).
-- lingua_autovalutazione: the self-assessment levels 1–5 of §3.11.
-- protezione_internazionale: §3.11 «richiedente o titolare di protezione internazionale».
-- tipo_permesso: a database list in SISO, not in its repository: written for sportello from the
--   kinds of permesso di soggiorno of the Testo unico sull'immigrazione (D.Lgs. 286/1998) and the
--   protection statuses of D.Lgs. 251/2007.
INSERT INTO codice (lista, codice, etichetta, gruppo, pic, richiede, ordine) VALUES
    ('status_permesso', 'attesa_permesso', 'In attesa di permesso', NULL, 0, NULL, 1),
    ('status_permesso', 'attesa_rinnovo', 'In attesa di rinnovo', NULL, 0, NULL, 2),
    ('status_permesso', 'possesso', 'In possesso di permesso', NULL, 0, NULL, 3),
    ('status_permesso', 'attesa_sanatoria', 'In attesa di regolarizzazione per sanatoria', NULL, 0, NULL, 4),
    ('status_permesso', 'nessun_titolo', 'Nessun titolo di soggiorno', NULL, 0, NULL, 5),
    ('livello_lingua', 'A1', 'A1', NULL, 0, NULL, 1),
    ('livello_lingua', 'A2', 'A2', NULL, 0, NULL, 2),
    ('livello_lingua', 'A2+', 'A2+', NULL, 0, NULL, 3),
    ('livello_lingua', 'B1', 'B1', NULL, 0, NULL, 4),
    ('livello_lingua', 'B2', 'B2', NULL, 0, NULL, 5),
    ('livello_lingua', 'B2+', 'B2+', NULL, 0, NULL, 6),
    ('livello_lingua', 'C1', 'C1', NULL, 0, NULL, 7),
    ('livello_lingua', 'C2', 'C2', NULL, 0, NULL, 8),
    ('livello_lingua', 'Altro', 'Altro', NULL, 0, NULL, 9),
    ('lingua_autovalutazione', '1', 'Nessuna', NULL, 0, NULL, 1),
    ('lingua_autovalutazione', '2', 'Scarsa', NULL, 0, NULL, 2),
    ('lingua_autovalutazione', '3', 'Sufficiente', NULL, 0, NULL, 3),
    ('lingua_autovalutazione', '4', 'Buona', NULL, 0, NULL, 4),
    ('lingua_autovalutazione', '5', 'Ottima', NULL, 0, NULL, 5),
    ('protezione_internazionale', 'richiedente', 'Richiedente protezione internazionale', NULL, 0, NULL, 1),
    ('protezione_internazionale', 'titolare', 'Titolare di protezione internazionale', NULL, 0, NULL, 2),
    ('tipo_permesso', 'lavoro_subordinato', 'Lavoro subordinato', NULL, 0, NULL, 1),
    ('tipo_permesso', 'lavoro_autonomo', 'Lavoro autonomo', NULL, 0, NULL, 2),
    ('tipo_permesso', 'attesa_occupazione', 'Attesa occupazione', NULL, 0, NULL, 3),
    ('tipo_permesso', 'famiglia', 'Motivi familiari', NULL, 0, NULL, 4),
    ('tipo_permesso', 'studio', 'Studio', NULL, 0, NULL, 5),
    ('tipo_permesso', 'asilo', 'Asilo (status di rifugiato)', NULL, 0, NULL, 6),
    ('tipo_permesso', 'protezione_sussidiaria', 'Protezione sussidiaria', NULL, 0, NULL, 7),
    ('tipo_permesso', 'protezione_speciale', 'Protezione speciale', NULL, 0, NULL, 8),
    ('tipo_permesso', 'richiesta_asilo', 'Richiesta asilo', NULL, 0, NULL, 9),
    ('tipo_permesso', 'minore_eta', 'Minore età', NULL, 0, NULL, 10),
    ('tipo_permesso', 'cure_mediche', 'Cure mediche', NULL, 0, NULL, 11),
    ('tipo_permesso', 'lungo_periodo', 'Soggiornante UE di lungo periodo', NULL, 0, NULL, 12),
    ('tipo_permesso', 'altro', 'Altro motivo', NULL, 0, NULL, 13);

-- Abitazione (SISO's JSON form "Abitazione": its lists are not in SISO's repository nor in
-- DEFAULT-CODES.md): written for sportello after the housing questions of the ISTAT census (tipo di
-- alloggio, titolo di godimento) and the housing-need conditions of the regional ERP laws
-- (sovraffollamento, alloggio antigienico, barriere architettoniche).
INSERT INTO codice (lista, codice, etichetta, gruppo, pic, richiede, ordine) VALUES
    ('tipo_abitazione', 'appartamento', 'Appartamento', NULL, 0, NULL, 1),
    ('tipo_abitazione', 'casa_indipendente', 'Casa indipendente', NULL, 0, NULL, 2),
    ('tipo_abitazione', 'erp', 'Alloggio di edilizia residenziale pubblica', NULL, 0, NULL, 3),
    ('tipo_abitazione', 'stanza', 'Stanza o posto letto', NULL, 0, NULL, 4),
    ('tipo_abitazione', 'struttura', 'Struttura di accoglienza', NULL, 0, NULL, 5),
    ('tipo_abitazione', 'precaria', 'Sistemazione precaria (roulotte, baracca, auto)', NULL, 0, NULL, 6),
    ('tipo_abitazione', 'nessuna', 'Senza abitazione', NULL, 0, NULL, 7),
    ('tipo_abitazione', 'altro', 'Altro', NULL, 0, NULL, 8),
    ('titolo_godimento', 'proprieta', 'Proprietà', NULL, 0, NULL, 1),
    ('titolo_godimento', 'affitto', 'Affitto da privato', NULL, 0, NULL, 2),
    ('titolo_godimento', 'affitto_pubblico', 'Affitto da ente pubblico (canone sociale)', NULL, 0, NULL, 3),
    ('titolo_godimento', 'comodato', 'Comodato d''uso gratuito', NULL, 0, NULL, 4),
    ('titolo_godimento', 'usufrutto', 'Usufrutto', NULL, 0, NULL, 5),
    ('titolo_godimento', 'ospite', 'Ospite di parenti o amici', NULL, 0, NULL, 6),
    ('titolo_godimento', 'senza_titolo', 'Occupazione senza titolo', NULL, 0, NULL, 7),
    ('titolo_godimento', 'altro', 'Altro', NULL, 0, NULL, 8),
    ('condizioni_abitazione', 'barriere', 'Barriere architettoniche', NULL, 0, NULL, 1),
    ('condizioni_abitazione', 'sovraffollamento', 'Sovraffollamento', NULL, 0, NULL, 2),
    ('condizioni_abitazione', 'antigienica', 'Antigienica o insalubre', NULL, 0, NULL, 3),
    ('condizioni_abitazione', 'senza_servizi', 'Priva di servizi igienici', NULL, 0, NULL, 4),
    ('condizioni_abitazione', 'senza_riscaldamento', 'Priva di riscaldamento', NULL, 0, NULL, 5),
    ('condizioni_abitazione', 'inagibile', 'Inagibile o in degrado strutturale', NULL, 0, NULL, 6),
    ('condizioni_abitazione', 'morosita', 'Morosità (affitto, utenze)', NULL, 0, NULL, 7);

-- A member of the family: the same record in the cartella (caso_familiare) and in the scheda's list
-- of familiari e conviventi (screens/familiare.toml).
ALTER TABLE caso_familiare ADD COLUMN data_nascita TEXT;
ALTER TABLE caso_familiare ADD COLUMN sesso TEXT;
ALTER TABLE caso_familiare ADD COLUMN condizione_lavorativa TEXT;
ALTER TABLE caso_familiare ADD COLUMN note TEXT;

-- Old schede typed formazione/lavoro as free text: a text equal to a label (case and spaces aside)
-- becomes its code; any other text stays and is shown as it was.
UPDATE scheda SET dati = json_set(dati, '$.titolo_studio', c.codice)
FROM codice c
WHERE c.lista = 'titolo_studio' AND json_valid(scheda.dati)
  AND lower(trim(json_extract(scheda.dati, '$.titolo_studio'))) = lower(c.etichetta);
UPDATE scheda SET dati = json_set(dati, '$.condizione_lavoro', c.codice)
FROM codice c
WHERE c.lista = 'condizione_lavorativa' AND json_valid(scheda.dati)
  AND lower(trim(json_extract(scheda.dati, '$.condizione_lavoro'))) = lower(c.etichetta);
