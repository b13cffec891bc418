-- PostgreSQL 15 version of migrations/0031_por.sql (same tables, columns, constraints and index names;
-- integers BIGINT, ids identity columns; SQLite functions from 0000_compat.sql).
-- The complete POR / FSE block of the scheda (SISO-DOMAIN.md §1.3) and the stranieri section's
-- presenza in regione (§3.11): the code lists their fields use. The values stay in the scheda's
-- JSON `dati` (fields `por_*`, `str_presenza_regione`, `str_anno_arrivo_regione`): no new column.
--
-- mercato_lavoro: CS_TB_ING_MERCATO 1–5, shared/domain/codes/cs_ing_mercato.csv (§3.10).
-- durata_ricerca: CS_TB_DURATA_RIC_LAVORO is a database table in SISO (no CSV, no labels in its
--   repository): written for sportello after the durations of the FSE monitoring (up to 6 months,
--   6–12 months, long-term unemployment from 12 months).
-- vulnerabilita: CS_TB_G_VULNERABILE (§3.7; a database table, string codes, DATO_SENSIBILE): only
--   the codes whose meaning the repository states (00, 05, 07, 13); `gruppo` is the print group of
--   §3.7 (altro, violenza, migrante). An installation adds its other codes through `codes`.
-- tipo_lavoro, orario_lavoro, dimensione_impresa: the choices of §1.3 (Alle dipendenze/Autonomo,
--   Full time/Part time, Micro/Piccola/Media/Grande).
-- forma_giuridica: no list in SISO's repository: written for sportello from the groups of the
--   ISTAT classification of legal forms.
-- presenza_regione: §3.11 «presenza in regione (nato in regione / immigrato, + anno)».
-- A code an installation already added to one of these lists stays as it is.
INSERT INTO codice (lista, codice, etichetta, gruppo, pic, richiede, ordine) VALUES
    ('mercato_lavoro', '1', 'Cerca prima occupazione', NULL, 0, NULL, 1),
    ('mercato_lavoro', '2', 'Occupato', NULL, 0, NULL, 2),
    ('mercato_lavoro', '3', 'Disoccupato', NULL, 0, NULL, 3),
    ('mercato_lavoro', '4', 'Studente', NULL, 0, NULL, 4),
    ('mercato_lavoro', '5', 'Inattivo', NULL, 0, NULL, 5),
    ('durata_ricerca', '1', 'Fino a 6 mesi', NULL, 0, NULL, 1),
    ('durata_ricerca', '2', 'Da 6 a 12 mesi', NULL, 0, NULL, 2),
    ('durata_ricerca', '3', 'Oltre 12 mesi', NULL, 0, NULL, 3),
    ('vulnerabilita', '00', 'Non intende comunicarla', NULL, 0, NULL, 1),
    ('vulnerabilita', '05', 'Migrante', 'migrante', 0, NULL, 2),
    ('vulnerabilita', '13', 'Vittima di violenza', 'violenza', 0, NULL, 3),
    ('vulnerabilita', '07', 'Altro tipo di vulnerabilità', 'altro', 0, NULL, 4),
    ('tipo_lavoro', 'dipendente', 'Alle dipendenze', NULL, 0, NULL, 1),
    ('tipo_lavoro', 'autonomo', 'Autonomo', NULL, 0, NULL, 2),
    ('orario_lavoro', 'full', 'Full time', NULL, 0, NULL, 1),
    ('orario_lavoro', 'part', 'Part time', NULL, 0, NULL, 2),
    ('dimensione_impresa', 'micro', 'Micro (meno di 10 addetti)', NULL, 0, NULL, 1),
    ('dimensione_impresa', 'piccola', 'Piccola (10–49 addetti)', NULL, 0, NULL, 2),
    ('dimensione_impresa', 'media', 'Media (50–249 addetti)', NULL, 0, NULL, 3),
    ('dimensione_impresa', 'grande', 'Grande (250 addetti e oltre)', NULL, 0, NULL, 4),
    ('forma_giuridica', 'individuale', 'Impresa individuale', NULL, 0, NULL, 1),
    ('forma_giuridica', 'persone', 'Società di persone', NULL, 0, NULL, 2),
    ('forma_giuridica', 'capitali', 'Società di capitali', NULL, 0, NULL, 3),
    ('forma_giuridica', 'cooperativa', 'Società cooperativa', NULL, 0, NULL, 4),
    ('forma_giuridica', 'consorzio', 'Consorzio', NULL, 0, NULL, 5),
    ('forma_giuridica', 'pubblica', 'Amministrazione o ente pubblico', NULL, 0, NULL, 6),
    ('forma_giuridica', 'non_profit', 'Associazione, fondazione o altro ente non profit', NULL, 0, NULL, 7),
    ('forma_giuridica', 'altro', 'Altra forma', NULL, 0, NULL, 8),
    ('presenza_regione', 'nato', 'Nato/a in regione', NULL, 0, NULL, 1),
    ('presenza_regione', 'immigrato', 'Immigrato/a in regione', NULL, 0, NULL, 2)
ON CONFLICT DO NOTHING;

-- Old schede typed the POR fields as free text: a text equal to a label (case and spaces aside)
-- becomes its code; any other text stays and is shown as it was.
UPDATE scheda SET dati = json_set(dati, '$.por_titolo_studio', c.codice)
FROM codice c
WHERE c.lista = 'titolo_studio' AND json_valid(scheda.dati)
  AND lower(trim(json_extract(scheda.dati, '$.por_titolo_studio'))) = lower(c.etichetta);
UPDATE scheda SET dati = json_set(dati, '$.por_condizione_lavoro', c.codice)
FROM codice c
WHERE c.lista = 'mercato_lavoro' AND json_valid(scheda.dati)
  AND lower(trim(json_extract(scheda.dati, '$.por_condizione_lavoro'))) = lower(c.etichetta);
UPDATE scheda SET dati = json_set(dati, '$.por_durata_ricerca', c.codice)
FROM codice c
WHERE c.lista = 'durata_ricerca' AND json_valid(scheda.dati)
  AND lower(trim(json_extract(scheda.dati, '$.por_durata_ricerca'))) = lower(c.etichetta);
UPDATE scheda SET dati = json_set(dati, '$.por_vulnerabilita', c.codice)
FROM codice c
WHERE c.lista = 'vulnerabilita' AND json_valid(scheda.dati)
  AND lower(trim(json_extract(scheda.dati, '$.por_vulnerabilita'))) = lower(c.etichetta);
