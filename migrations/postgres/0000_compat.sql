-- PostgreSQL only, applied before 0001 (not a numbered migration): the runner's bookkeeping table and
-- the SQLite functions, collation and operators the store's SQL (written for SQLite, `?N` → `$N`)
-- uses, under the same names, so that the same text runs on both engines. Also used by the
-- PostgreSQL migrations themselves (defaults, data moves, CHECKs).
--
-- Every object is created with CREATE OR REPLACE / IF NOT EXISTS: the file may run again.

-- The store compares and range-scans text as SQLite's BINARY collation does (search keys and
-- codici fiscali by prefix ranges `k >= ?1 AND k < ?2`, lists ORDER BY name): that is PostgreSQL's
-- "C" collation. A database with a linguistic default collation would return other rows in
-- another order, so it is refused here.
DO $$
BEGIN
    IF (SELECT datlocprovider <> 'c' OR datcollate NOT IN ('C', 'POSIX')
          FROM pg_database WHERE datname = current_database()) THEN
        RAISE EXCEPTION 'il database PostgreSQL deve usare la collazione C: crearlo con CREATE DATABASE … LOCALE ''C'' TEMPLATE template0';
    END IF;
END
$$;

-- The runner's record of applied migrations (SqliteStore::migrate creates the same table).
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

-- `COLLATE NOCASE` (the app orders organisations, settori and punti di contatto by name with it).
-- SQLite's NOCASE folds ASCII letters only; this one folds case for every letter and keeps accents
-- (ICU strength 2). PostgreSQL 15 cannot LIKE on a nondeterministic collation: no column is declared
-- with it, the app uses it only in ORDER BY.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'nocase') THEN
        CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    END IF;
END
$$;

-- json_each(?) over a JSON array: SQLite's table-valued function, column `value` only, as text
-- (strings unquoted, numbers as written, JSON null as NULL).
CREATE OR REPLACE FUNCTION json_each(doc text) RETURNS TABLE (value text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT e FROM json_array_elements_text(doc::json) AS e
$$;

-- `id IN (SELECT value FROM json_each(?1))`, `p.soggetto_id = j.value`: SQLite compares an integer
-- column with the text of json_each by affinity; PostgreSQL has no bigint = text. These operators
-- cast the text side to bigint. Their functions are inlinable SQL, so the planner sees
-- `id = value::bigint` and can use the index on `id`.
CREATE OR REPLACE FUNCTION compat_eq_bigint_text(a bigint, b text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT a = b::bigint $$;
CREATE OR REPLACE FUNCTION compat_eq_text_bigint(a text, b bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT a::bigint = b $$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_operator
                   WHERE oprname = '=' AND oprleft = 'bigint'::regtype AND oprright = 'text'::regtype) THEN
        CREATE OPERATOR = (LEFTARG = bigint, RIGHTARG = text, FUNCTION = compat_eq_bigint_text);
        CREATE OPERATOR = (LEFTARG = text, RIGHTARG = bigint, FUNCTION = compat_eq_text_bigint,
                           COMMUTATOR = =);
    END IF;
END
$$;

-- json_valid(x): SQLite returns 0/1 (NULL for NULL); here a boolean, since the app and the CHECKs
-- use it only as a condition. jsonb refuses "\u0000" inside strings, which SQLite accepts.
CREATE OR REPLACE FUNCTION json_valid(doc text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    PERFORM doc::jsonb;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END
$$;

-- A SQLite JSON path ('$', '$.a.b', '$.a[2]', '$."odd key"') as a PostgreSQL text[] path.
CREATE OR REPLACE FUNCTION compat_json_path(path text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    rest text := path;
    out text[] := '{}';
    m text[];
BEGIN
    IF left(rest, 1) <> '$' THEN
        RAISE EXCEPTION 'JSON path error near ''%''', path;
    END IF;
    rest := substr(rest, 2);
    WHILE rest <> '' LOOP
        m := regexp_match(rest, '^\."([^"]*)"(.*)$');
        IF m IS NULL THEN m := regexp_match(rest, '^\.([^.\[]+)(.*)$'); END IF;
        IF m IS NULL THEN m := regexp_match(rest, '^\[([0-9]+)\](.*)$'); END IF;
        IF m IS NULL THEN
            RAISE EXCEPTION 'JSON path error near ''%''', rest;
        END IF;
        out := out || m[1];
        rest := m[2];
    END LOOP;
    RETURN out;
END
$$;

-- json_extract(x, path) for one path: the value as text (strings unquoted, objects and arrays as
-- JSON text, JSON null and a missing path as NULL). SQLite returns integers and reals typed; cast
-- where a number is needed.
CREATE OR REPLACE FUNCTION json_extract(doc text, path text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT doc::jsonb #>> compat_json_path(path)
$$;

-- json_type(x, path): SQLite's names ('null', 'true', 'false', 'integer', 'real', 'text', 'array',
-- 'object'), NULL when the path is missing.
CREATE OR REPLACE FUNCTION json_type(doc text, path text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE jsonb_typeof(v)
               WHEN 'boolean' THEN v::text
               WHEN 'string' THEN 'text'
               WHEN 'number' THEN CASE WHEN v::text ~ '^-?[0-9]+$' THEN 'integer' ELSE 'real' END
               ELSE jsonb_typeof(v)
           END
    FROM (SELECT doc::jsonb #> compat_json_path(path) AS v) t
$$;

-- json_set(x, path, value) with a text value (stored as a JSON string), one path.
CREATE OR REPLACE FUNCTION json_set(doc text, path text, val text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_set(doc::jsonb, compat_json_path(path), to_jsonb(val), true)::text
$$;

-- json_remove(x, path, ...).
CREATE OR REPLACE FUNCTION json_remove(doc text, VARIADIC paths text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    j jsonb := doc::jsonb;
    p text;
BEGIN
    FOREACH p IN ARRAY paths LOOP
        j := j #- compat_json_path(p);
    END LOOP;
    RETURN j::text;
END
$$;

-- date(d) and date(d, modifier): SQLite's date of an ISO date or timestamp text, shifted by a
-- modifier such as '+30 days', '-1 day', '+2 months' (PostgreSQL interval syntax accepts these).
-- The result is 'YYYY-MM-DD' text, like SQLite's; an invalid date gives NULL, like SQLite's.
CREATE OR REPLACE FUNCTION date(d text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    RETURN to_char(left(d, 10)::date, 'YYYY-MM-DD');
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION date(d text, modifier text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    RETURN to_char(left(d, 10)::date + modifier::interval, 'YYYY-MM-DD');
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

-- strftime(format, 'now'): UTC, the conversions %Y %m %d %H %M %S %f (seconds with milliseconds)
-- and %%; other text is copied. Used by the column defaults of the migrations.
CREATE OR REPLACE FUNCTION strftime(fmt text, at text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
DECLARE
    t timestamp;
    out text := '';
    i int := 1;
    c text;
BEGIN
    IF at = 'now' THEN
        t := statement_timestamp() AT TIME ZONE 'UTC';
    ELSE
        t := at::timestamptz AT TIME ZONE 'UTC';
    END IF;
    WHILE i <= length(fmt) LOOP
        c := substr(fmt, i, 1);
        IF c = '%' AND i < length(fmt) THEN
            i := i + 1;
            c := substr(fmt, i, 1);
            out := out || CASE c
                WHEN 'Y' THEN to_char(t, 'YYYY')
                WHEN 'm' THEN to_char(t, 'MM')
                WHEN 'd' THEN to_char(t, 'DD')
                WHEN 'H' THEN to_char(t, 'HH24')
                WHEN 'M' THEN to_char(t, 'MI')
                WHEN 'S' THEN to_char(t, 'SS')
                WHEN 'f' THEN to_char(t, 'SS.MS')
                WHEN '%' THEN '%'
                ELSE '%' || c
            END;
        ELSE
            out := out || c;
        END IF;
        i := i + 1;
    END LOOP;
    RETURN out;
END
$$;

-- group_concat(x) and group_concat(x, sep): string_agg with SQLite's default separator ','.
-- NULL values are skipped; no rows give NULL.
CREATE OR REPLACE FUNCTION compat_group_concat_step(acc text, val text, sep text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN val IS NULL THEN acc WHEN acc IS NULL THEN val ELSE acc || sep || val END
$$;
CREATE OR REPLACE FUNCTION compat_group_concat_step(acc text, val text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT compat_group_concat_step(acc, val, ',')
$$;
CREATE OR REPLACE AGGREGATE group_concat(text, text) (SFUNC = compat_group_concat_step, STYPE = text);
CREATE OR REPLACE AGGREGATE group_concat(text) (SFUNC = compat_group_concat_step, STYPE = text);

-- SQLite's scalar max(a, b) and min(a, b) (two arguments; one argument is the aggregate).
CREATE OR REPLACE FUNCTION max(a bigint, b bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE greatest(a, b) END $$;
CREATE OR REPLACE FUNCTION min(a bigint, b bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE least(a, b) END $$;
CREATE OR REPLACE FUNCTION max(a text, b text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE greatest(a, b) END $$;
CREATE OR REPLACE FUNCTION min(a text, b text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE least(a, b) END $$;

-- The trigger functions of the migrations (SQLite: RAISE(ABORT, msg) and one-statement triggers).

-- `modifiche`: the business-change counter sessions poll (migration 0017), one bump per row
-- written, as SQLite's FOR EACH ROW triggers do. Every session LISTENs on `sportello_modifiche`:
-- the notification (one per committed transaction) is PostgreSQL's `PRAGMA data_version`.
CREATE OR REPLACE FUNCTION compat_modifiche_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE modifiche SET n = n + 1 WHERE id = 1;
    PERFORM pg_notify('sportello_modifiche', '');
    RETURN NULL;
END
$$;

-- RAISE(ABORT, TG_ARGV[0]): refuses the statement with the message given in CREATE TRIGGER
-- (SQLSTATE 23000 integrity_constraint_violation, as SQLite reports SQLITE_CONSTRAINT).
CREATE OR REPLACE FUNCTION compat_raise_abort() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END
$$;

-- An insert with an explicit id (the store numbers anonymous persons itself: MAX(id) + 1) moves
-- the table's identity past it, so that the next generated id does not collide. SQLite's
-- INTEGER PRIMARY KEY has no sequence to keep in step.
CREATE OR REPLACE FUNCTION compat_identity_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    seq text := pg_get_serial_sequence(quote_ident(TG_TABLE_SCHEMA) || '.' || quote_ident(TG_TABLE_NAME), 'id');
    last bigint;
BEGIN
    EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM %s', seq) INTO last;
    IF NEW.id > last THEN
        PERFORM setval(seq, NEW.id);
    END IF;
    RETURN NEW;
END
$$;
