-- PostgreSQL 15 version of migrations/0019_scheda_sensibili.sql (same tables, columns, constraints and index names;
-- integers BIGINT, ids identity columns; SQLite functions from 0000_compat.sql).
-- Sensitive data of the scheda in typed, guarded places (issue 14 point 8): the health fields
-- (tessera sanitaria, STP, invalidità) and the codici fiscali of third parties (interlocutore,
-- riferimenti) leave the `scheda.dati` JSON. The service shows them only to operators holding
-- "dati riservati" in the scheda's ente; the cartella shows them in its Invalidità section.

CREATE TABLE scheda_sanitaria (
    scheda_id         BIGINT PRIMARY KEY REFERENCES scheda(id),
    tessera_sanitaria TEXT,
    stp               BIGINT NOT NULL DEFAULT 0 CHECK (stp IN (0, 1)),
    invalidita        BIGINT CHECK (invalidita BETWEEN 0 AND 100)
);

CREATE TABLE scheda_terzo (
    scheda_id      BIGINT NOT NULL REFERENCES scheda(id),
    ruolo          TEXT NOT NULL CHECK (ruolo IN ('interlocutore', 'riferimento')),
    codice_fiscale TEXT NOT NULL,
    PRIMARY KEY (scheda_id, ruolo)
);

-- The existing data moves (empty values and out-of-range percentages are dropped).
-- (PostgreSQL: json_extract gives text, so JSON true and 1 read as 'true' and '1'; SQLite's
-- CAST(text AS INTEGER) reads the leading integer and gives 0 for none, written out here.)
INSERT INTO scheda_sanitaria (scheda_id, tessera_sanitaria, stp, invalidita)
SELECT id, t, s, i FROM (
    SELECT id,
           NULLIF(TRIM(json_extract(dati, '$.tessera_sanitaria')), '') AS t,
           CASE WHEN json_extract(dati, '$.stp') IN ('1', 'true') THEN 1 ELSE 0 END AS s,
           CASE WHEN n BETWEEN 0 AND 100 AND TRIM(v) <> '' THEN n END AS i
    FROM (SELECT id, dati, json_extract(dati, '$.invalidita') AS v,
                 COALESCE(substring(json_extract(dati, '$.invalidita') FROM '^\s*([+-]?[0-9]{1,18})')::bigint, 0) AS n
          FROM scheda WHERE json_valid(dati)) AS j
) AS x WHERE t IS NOT NULL OR s = 1 OR i IS NOT NULL;

INSERT INTO scheda_terzo (scheda_id, ruolo, codice_fiscale)
SELECT id, 'interlocutore', UPPER(TRIM(json_extract(dati, '$.int_codice_fiscale')))
FROM scheda
WHERE json_valid(dati) AND TRIM(COALESCE(json_extract(dati, '$.int_codice_fiscale'), '')) <> '';

INSERT INTO scheda_terzo (scheda_id, ruolo, codice_fiscale)
SELECT id, 'riferimento', UPPER(TRIM(json_extract(dati, '$.rif_codice_fiscale')))
FROM scheda
WHERE json_valid(dati) AND TRIM(COALESCE(json_extract(dati, '$.rif_codice_fiscale'), '')) <> '';

UPDATE scheda
SET dati = json_remove(dati, '$.tessera_sanitaria', '$.stp', '$.invalidita', '$.int_codice_fiscale',
                       '$.rif_codice_fiscale')
WHERE json_valid(dati)
  AND (json_type(dati, '$.tessera_sanitaria') IS NOT NULL OR json_type(dati, '$.stp') IS NOT NULL
       OR json_type(dati, '$.invalidita') IS NOT NULL OR json_type(dati, '$.int_codice_fiscale') IS NOT NULL
       OR json_type(dati, '$.rif_codice_fiscale') IS NOT NULL);
