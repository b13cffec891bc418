//! One PostgreSQL session: the client, its prepared statements, and the conversion of values at
//! the edge (each parameter to the type the server inferred for it, each cell back to a [`Value`]).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::error::Error;
use std::rc::Rc;

use bytes::{BufMut, BytesMut};
use fallible_iterator::FallibleIterator;
use postgres::error::SqlState;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use super::{Row, Value, translate};
use crate::store::{StoreError, StoreResult};

/// Writes run again after a serialization failure or a deadlock, since the process started
/// (benchmarks report it).
static RETRIES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The number of PostgreSQL writes retried so far in this process.
pub fn retries() -> u64 {
    RETRIES.load(std::sync::atomic::Ordering::Relaxed)
}

/// Counts one retried write.
pub(crate) fn count_retry() {
    RETRIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// What the operator reads when the server went away mid-session.
pub const CONNECTION_LOST: &str = "connessione al database persa, riprovo…";

/// A connected PostgreSQL session.
pub struct PgSession {
    url: String,
    client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<(String, bool), postgres::Statement>>,
    /// Set when the last statement failed with a serialization failure or a deadlock: the write
    /// that ran it is retried from the start.
    retry: Cell<bool>,
    /// Inside a write transaction (a failed statement there aborts it).
    in_tx: Cell<bool>,
    /// Notifications of committed business changes received so far ([`PgSession::data_version`]).
    notified: Cell<i64>,
}

impl PgSession {
    /// A session on `client`, connected to `url` (kept, without password, to reconnect).
    pub fn new(client: postgres::Client, url: &str) -> PgSession {
        PgSession {
            url: url.to_string(),
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            retry: Cell::new(false),
            in_tx: Cell::new(false),
            notified: Cell::new(0),
        }
    }

    fn prepare(&self, sql: &str, returning_id: bool) -> StoreResult<postgres::Statement> {
        let key = (sql.to_string(), returning_id);
        if let Some(s) = self.statements.borrow().get(&key) {
            return Ok(s.clone());
        }
        let mut text = translate::to_postgres(sql, returning_id);
        let mut casts = 0;
        let stmt = loop {
            // A statement that fails to prepare inside a transaction would abort it: the
            // attempts that may fail (typing parameters) run under a savepoint.
            let guarded = self.in_tx.get();
            if guarded {
                self.batch("SAVEPOINT sportello_prepare")?;
            }
            let attempt = self.client.borrow_mut().prepare(&text);
            if guarded {
                let end = if attempt.is_ok() {
                    "RELEASE SAVEPOINT sportello_prepare"
                } else {
                    "ROLLBACK TO SAVEPOINT sportello_prepare"
                };
                self.batch(end)?;
            }
            match attempt {
                Ok(stmt) => break stmt,
                Err(e) if casts < 20 && typed(&mut text, &e) => casts += 1,
                Err(e) => return Err(self.error_in(&text, e)),
            }
        };
        self.statements.borrow_mut().insert(key, stmt.clone());
        Ok(stmt)
    }

    pub fn execute(&self, sql: &str, params: &[Value]) -> StoreResult<usize> {
        let stmt = self.prepare(sql, false)?;
        let n = self
            .client
            .borrow_mut()
            .execute(&stmt, &bind(params))
            .map_err(|e| self.error_in(sql, e))?;
        Ok(n as usize)
    }

    pub fn insert(&self, sql: &str, params: &[Value]) -> StoreResult<i64> {
        let stmt = self.prepare(sql, true)?;
        let row = self
            .client
            .borrow_mut()
            .query_one(&stmt, &bind(params))
            .map_err(|e| self.error_in(sql, e))?;
        Ok(row.get::<_, i64>(0))
    }

    /// Every row of a statement. Outside a write transaction, a connection found lost is opened
    /// again and the read repeated once: the session recovers by itself when the server returns.
    pub fn query(&self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
        match self.query_once(sql, params) {
            Err(StoreError::Unavailable(m)) if m == CONNECTION_LOST && !self.in_tx.get() => {
                self.reconnect()?;
                self.query_once(sql, params)
            }
            other => other,
        }
    }

    /// Opens the connection again when it was lost (outside a transaction); the cached
    /// statements go, the notifications are listened to again and `data_version` moves, so that
    /// open screens reload what they show.
    pub fn reconnect(&self) -> StoreResult<()> {
        if self.in_tx.get() || !self.client.borrow().is_closed() {
            return Ok(());
        }
        let client = super::connect::connect_client(&self.url)
            .map_err(|_| StoreError::Unavailable(CONNECTION_LOST.into()))?;
        *self.client.borrow_mut() = client;
        self.statements.borrow_mut().clear();
        self.listen()?;
        self.notified.set(self.notified.get() + 1);
        tracing::warn!("connessione al database PostgreSQL ristabilita");
        Ok(())
    }

    fn query_once(&self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
        let stmt = self.prepare(sql, false)?;
        let names: Rc<[String]> = stmt
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        let rows = self
            .client
            .borrow_mut()
            .query(&stmt, &bind(params))
            .map_err(|e| self.error_in(sql, e))?;
        rows.iter()
            .map(|r| {
                let values = (0..names.len())
                    .map(|i| {
                        r.try_get::<_, Cell_>(i)
                            .map(|c| c.0)
                            .map_err(|e| StoreError::Db(format!("colonna {}: {e}", names[i])))
                    })
                    .collect::<StoreResult<Vec<Value>>>()?;
                Ok(Row::new(names.clone(), values))
            })
            .collect()
    }

    /// Statements without parameters, run as they are (schema, transaction control).
    pub fn batch(&self, sql: &str) -> StoreResult<()> {
        self.client
            .borrow_mut()
            .batch_execute(sql)
            .map_err(|e| self.error(e))
    }

    /// Listens for the notifications of committed business changes (the trigger behind the
    /// `modifiche` counter sends them).
    pub fn listen(&self) -> StoreResult<()> {
        self.batch("LISTEN sportello_modifiche")
    }

    /// A number that moves when a transaction that changed business data was committed (by any
    /// session, this one included) since the last call: the notifications that arrived, read
    /// without waiting. PostgreSQL's counterpart of SQLite's `PRAGMA data_version`.
    pub fn data_version(&self) -> StoreResult<i64> {
        self.reconnect()?;
        let mut client = self.client.borrow_mut();
        let mut notifications = client.notifications();
        let mut arrived = 0;
        // A short wait lets the driver read what the socket holds (a non-blocking look alone
        // sees only notifications some earlier query happened to read); 1 ms per tick.
        let mut iter = notifications.timeout_iter(std::time::Duration::from_millis(1));
        loop {
            match iter.next() {
                Ok(Some(_)) => arrived += 1,
                Ok(None) => break,
                Err(e) => return Err(store_error(&e)),
            }
        }
        self.notified.set(self.notified.get() + arrived);
        Ok(self.notified.get())
    }

    /// Starts a write transaction (SERIALIZABLE).
    pub fn begin(&self) -> StoreResult<()> {
        const BEGIN: &str = "BEGIN ISOLATION LEVEL SERIALIZABLE";
        self.reconnect()?;
        if let Err(e) = self.batch(BEGIN) {
            // Lost before anything of the write was sent: open again and start.
            if !self.client.borrow().is_closed() {
                return Err(e);
            }
            self.reconnect()?;
            self.batch(BEGIN)?;
        }
        self.in_tx.set(true);
        Ok(())
    }

    /// Ends the write transaction: COMMIT, or ROLLBACK when `commit` is false.
    pub fn end(&self, commit: bool) -> StoreResult<()> {
        let r = self.batch(if commit { "COMMIT" } else { "ROLLBACK" });
        self.in_tx.set(false);
        r
    }

    /// Takes (and clears) the "retry this write" flag.
    pub fn take_retry(&self) -> bool {
        self.retry.replace(false)
    }

    pub fn is_closed(&self) -> bool {
        self.client.borrow().is_closed()
    }

    /// As [`PgSession::error`], logging the statement (its text only: parameters may be
    /// personal data) unless the failure is a retried serialization failure.
    fn error_in(&self, sql: &str, e: postgres::Error) -> StoreError {
        let err = self.error(e);
        if !self.retry.get() {
            tracing::warn!(sql = %sql, error = %err, "istruzione SQL fallita su PostgreSQL");
        }
        err
    }

    /// The store error for a driver error, noting serialization failures for the retry loop.
    pub fn error(&self, e: postgres::Error) -> StoreError {
        if let Some(code) = e.code()
            && (*code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED)
        {
            self.retry.set(true);
        }
        store_error(&e)
    }
}

/// Gives a type to the parameter PostgreSQL could not type (SQLite needs none): `?2 IS NULL OR
/// col = ?2` leaves `$2` undetermined at its first use. The first use becomes `CAST($2 AS TEXT)`;
/// if no operator then takes a text there (`bigint >= text`), `CAST($2 AS BIGINT)`. False when the
/// error is another one.
fn typed(text: &mut String, e: &postgres::Error) -> bool {
    let Some(db) = e.as_db_error() else {
        return false;
    };
    let code = db.code();
    let param = |msg: &str| -> Option<String> {
        let at = msg.find('$')?;
        let digits: String = msg[at + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then(|| format!("${digits}"))
    };
    if *code == SqlState::INDETERMINATE_DATATYPE || *code == SqlState::AMBIGUOUS_PARAMETER {
        let Some(p) = param(db.message()) else {
            return false;
        };
        return replace_param(text, &p, &format!("CAST({p} AS TEXT)"));
    }
    if *code == SqlState::UNDEFINED_FUNCTION && text.contains(" AS TEXT)") {
        // Undo the last TEXT cast whose parameter now meets a non-text operand.
        if let Some(at) = text.rfind("CAST($") {
            let end = text[at..].find(" AS TEXT)").map(|i| at + i);
            if let Some(end) = end {
                let p = text[at + 5..end].to_string();
                text.replace_range(at..end + " AS TEXT)".len(), &format!("CAST({p} AS BIGINT)"));
                return true;
            }
        }
    }
    false
}

/// Replaces the first whole occurrence of parameter `p` (`$2`, not `$20`) with `with`.
fn replace_param(text: &mut String, p: &str, with: &str) -> bool {
    let mut from = 0;
    while let Some(i) = text[from..].find(p) {
        let at = from + i;
        let next = text.as_bytes().get(at + p.len());
        if next.is_none_or(|b| !b.is_ascii_digit()) {
            text.replace_range(at..at + p.len(), with);
            return true;
        }
        from = at + p.len();
    }
    false
}

/// The store error for a driver error, in the operator's words (never the connection string).
pub fn store_error(e: &postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        let msg = db.message().to_string();
        return if *code == SqlState::UNIQUE_VIOLATION {
            StoreError::Duplicate(msg)
        } else if code.code().starts_with("23") || *code == SqlState::RAISE_EXCEPTION {
            StoreError::Invalid(msg)
        } else if *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
        {
            StoreError::Db("troppe modifiche contemporanee, riprovare".into())
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            StoreError::Denied(msg)
        } else if code.code().starts_with("08") || code.code().starts_with("57P") {
            StoreError::Unavailable(CONNECTION_LOST.into())
        } else {
            StoreError::Db(msg)
        };
    }
    if e.is_closed() || e.source().is_some_and(|s| s.is::<std::io::Error>()) {
        return StoreError::Unavailable(CONNECTION_LOST.into());
    }
    StoreError::Db(e.to_string())
}

fn bind(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

type BoxError = Box<dyn Error + Sync + Send>;

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => integer_to_sql(*i, ty, out),
            Value::Real(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::FLOAT8 => f.to_sql(ty, out),
                _ if is_text(ty) => f.to_string().as_str().to_sql(ty, out),
                _ => Err(format!("un numero decimale non può essere {ty}").into()),
            },
            Value::Text(s) => text_to_sql(s, ty, out),
            Value::Blob(b) => match *ty {
                Type::BYTEA => b.as_slice().to_sql(ty, out),
                _ => Err(format!("dei byte non possono essere {ty}").into()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn integer_to_sql(i: i64, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    match *ty {
        Type::INT8 => i.to_sql(ty, out),
        Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
        Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
        Type::BOOL => (i != 0).to_sql(ty, out),
        Type::FLOAT8 => (i as f64).to_sql(ty, out),
        Type::FLOAT4 => (i as f32).to_sql(ty, out),
        Type::OID => u32::try_from(i)?.to_sql(ty, out),
        _ if is_text(ty) => i.to_string().as_str().to_sql(ty, out),
        _ => Err(format!("un intero non può essere {ty}").into()),
    }
}

fn text_to_sql(s: &str, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    // PostgreSQL text cannot hold NUL (SQLite's can): it becomes U+FFFD, which the terminal
    // shows as the replacement mark SQLite's NUL would have been sanitised into anyway.
    let owned;
    let s = if s.contains('\0') {
        owned = s.replace('\0', "\u{FFFD}");
        owned.as_str()
    } else {
        s
    };
    match *ty {
        Type::JSONB => {
            out.put_u8(1);
            out.put_slice(s.as_bytes());
            Ok(IsNull::No)
        }
        Type::JSON => {
            out.put_slice(s.as_bytes());
            Ok(IsNull::No)
        }
        Type::INT8 | Type::INT4 | Type::INT2 => {
            let i: i64 = s
                .trim()
                .parse()
                .map_err(|_| format!("«{s}» non è un intero"))?;
            integer_to_sql(i, ty, out)
        }
        Type::BYTEA => s.as_bytes().to_sql(ty, out),
        _ => {
            // Text types and anything the server reads from text (the value is sent as text).
            out.put_slice(s.as_bytes());
            Ok(IsNull::No)
        }
    }
}

fn is_text(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    )
}

/// A cell of any type read as a [`Value`].
struct Cell_(Value);

impl<'a> FromSql<'a> for Cell_ {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let v = match *ty {
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::OID => Value::Integer(u32::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Integer(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => {
                Value::Text(std::str::from_utf8(raw.get(1..).unwrap_or_default())?.into())
            }
            _ => Value::Text(std::str::from_utf8(raw)?.to_string()),
        };
        Ok(Cell_(v))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Cell_(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A NUMERIC in binary form (what `sum` of a BIGINT returns): an integer when it has no
/// decimals and fits, else a real.
fn numeric(raw: &[u8]) -> Result<Value, BoxError> {
    let word = |i: usize| -> Result<i16, BoxError> {
        raw.get(i * 2..i * 2 + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "NUMERIC troncato".into())
    };
    let ndigits = word(0)? as usize;
    let weight = i32::from(word(1)?);
    let sign = word(2)? as u16;
    let dscale = word(3)?;
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let mut int: i128 = 0;
    let mut real = 0f64;
    let mut exact = true;
    for k in 0..ndigits {
        let d = i128::from(word(4 + k)?);
        let power = weight - k as i32;
        real += d as f64 * 10000f64.powi(power);
        if power >= 0 {
            int = int.saturating_add(d.saturating_mul(10000i128.saturating_pow(power as u32)));
        } else if d != 0 {
            exact = false;
        }
    }
    let negative = sign == 0x4000;
    if dscale == 0 && exact {
        let v = if negative { -int } else { int };
        if let Ok(i) = i64::try_from(v) {
            return Ok(Value::Integer(i));
        }
    }
    Ok(Value::Real(if negative { -real } else { real }))
}
