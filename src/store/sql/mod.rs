//! SQL written once for both engines: the handle the store's modules run their statements through.
//!
//! [`Sql`] is a connection (or the connection inside a write transaction) of either engine: the
//! embedded SQLite file or a PostgreSQL server. Statements are written in the SQLite dialect with
//! `?N` parameters; on PostgreSQL they are translated once ([`translate`]) and prepared once per
//! session. Parameters are [`Value`]s (the [`params!`](crate::sql_params) macro builds them) and rows
//! come back as [`Row`]s whose cells are read with [`Row::get`] into anything [`FromValue`].
//!
//! The engines' typing differs (SQLite is dynamic, PostgreSQL strict): the PostgreSQL schema keeps
//! every integer BIGINT and every date TEXT, and values are converted at the edge to the type the
//! server expects for each parameter (see [`pg`]), so the store's Rust code sees SQLite's model.

pub mod connect;
pub mod pg;
pub mod translate;

use std::rc::Rc;

use crate::store::{StoreError, StoreResult};

/// One SQL value, as SQLite has them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Anything that can be a statement parameter.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

/// Anything a cell can be read into.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self, String>;
}

macro_rules! int_values {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Integer(*self as i64)
            }
        }
        impl FromValue for $t {
            fn from_value(v: &Value) -> Result<Self, String> {
                match v {
                    Value::Integer(i) => <$t>::try_from(*i).map_err(|_| format!("{i} fuori intervallo")),
                    // PostgreSQL's json_each gives text where SQLite's gives the JSON number.
                    Value::Text(s) => s
                        .parse::<$t>()
                        .map_err(|_| "atteso un intero, trovato un testo".to_string()),
                    other => Err(format!("atteso un intero, trovato {}", other.kind())),
                }
            }
        }
    )*};
}
int_values!(i64, i32, u32, u16, u8, usize);

impl ToValue for u64 {
    fn to_value(&self) -> Value {
        Value::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl FromValue for u64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        i64::from_value(v).and_then(|i| u64::try_from(i).map_err(|_| format!("{i} negativo")))
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, String> {
        i64::from_value(v).map(|i| i != 0)
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Real(f) => Ok(*f),
            Value::Integer(i) => Ok(*i as f64),
            other => Err(format!("atteso un numero, trovato {}", other.kind())),
        }
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            other => Err(format!("atteso un testo, trovato {}", other.kind())),
        }
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            other => Err(format!("attesi byte, trovato {}", other.kind())),
        }
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_value)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl FromValue for Value {
    fn from_value(v: &Value) -> Result<Self, String> {
        Ok(v.clone())
    }
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Integer(_) => "un intero",
            Value::Real(_) => "un numero decimale",
            Value::Text(_) => "un testo",
            Value::Blob(_) => "dei byte",
        }
    }
}

/// The parameters of one statement: `sql_params![a, b, c]`.
#[macro_export]
macro_rules! sql_params {
    () => { &[] as &[$crate::store::sql::Value] };
    ($($x:expr),+ $(,)?) => {
        &[$($crate::store::sql::ToValue::to_value(&$x)),+] as &[$crate::store::sql::Value]
    };
}
pub use crate::sql_params as params;

/// The parameters of a statement: `params![a, b]`, an array of one type (`[id]`), or `()`.
pub trait Params {
    fn values(self) -> Vec<Value>;
}

impl Params for &[Value] {
    fn values(self) -> Vec<Value> {
        self.to_vec()
    }
}

impl<const N: usize> Params for &[Value; N] {
    fn values(self) -> Vec<Value> {
        self.to_vec()
    }
}

impl Params for &[&dyn ToValue] {
    fn values(self) -> Vec<Value> {
        self.iter().map(|v| v.to_value()).collect()
    }
}

impl Params for Vec<Value> {
    fn values(self) -> Vec<Value> {
        self
    }
}

impl<T: ToValue, const N: usize> Params for [T; N] {
    fn values(self) -> Vec<Value> {
        self.iter().map(ToValue::to_value).collect()
    }
}

impl Params for () {
    fn values(self) -> Vec<Value> {
        Vec::new()
    }
}

/// The parameters of a statement built at run time.
pub fn params_from_iter<I>(iter: I) -> Vec<Value>
where
    I: IntoIterator,
    I::Item: ToValue,
{
    iter.into_iter().map(|v| v.to_value()).collect()
}

/// One result row, read whole (both engines give the same shape).
#[derive(Debug, Clone)]
pub struct Row {
    names: Rc<[String]>,
    values: Vec<Value>,
}

/// A column of a [`Row`], by position or by name.
pub trait RowIndex {
    fn index(&self, names: &[String]) -> Option<usize>;
}

impl RowIndex for usize {
    fn index(&self, names: &[String]) -> Option<usize> {
        (*self < names.len()).then_some(*self)
    }
}

impl RowIndex for &str {
    fn index(&self, names: &[String]) -> Option<usize> {
        names.iter().position(|n| n.eq_ignore_ascii_case(self))
    }
}

impl Row {
    pub(crate) fn new(names: Rc<[String]>, values: Vec<Value>) -> Row {
        Row { names, values }
    }

    /// The cell `idx` as a `T` (`r.get::<_, String>(0)`, `r.get("nome")`); a wrong type is a store
    /// error naming the column.
    pub fn get<I: RowIndex, T: FromValue>(&self, idx: I) -> StoreResult<T> {
        let i = idx
            .index(&self.names)
            .ok_or_else(|| StoreError::Db("colonna inesistente nella riga".into()))?;
        T::from_value(&self.values[i])
            .map_err(|e| StoreError::Db(format!("colonna {}: {e}", self.names[i])))
    }
}

/// The rows of a query, walked with `while let Some(r) = rows.next()? { … }`. On SQLite each row
/// is read when asked for, so a walk that stops early reads no further.
pub struct Rows<'s> {
    source: RowSource<'s>,
    current: Option<Row>,
}

enum RowSource<'s> {
    Sqlite(rusqlite::Rows<'s>, Rc<[String]>),
    Read(std::vec::IntoIter<Row>),
}

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> StoreResult<Option<&Row>> {
        self.current = self.next_owned()?;
        Ok(self.current.as_ref())
    }

    /// The next row, owned.
    fn next_owned(&mut self) -> StoreResult<Option<Row>> {
        Ok(match &mut self.source {
            RowSource::Sqlite(rows, names) => match rows.next()? {
                Some(r) => Some(Row::new(
                    names.clone(),
                    (0..names.len())
                        .map(|i| r.get_ref(i).map(from_lite))
                        .collect::<Result<_, _>>()?,
                )),
                None => None,
            },
            RowSource::Read(rows) => rows.next(),
        })
    }
}

/// The message of a [`StoreError::NotFound`] for a query that found no row ([`OptionalExtension`]).
const NO_ROWS: &str = "nessuna riga";

/// `.optional()`: a `query_row` that found no row is `None`.
pub trait OptionalExtension<T> {
    fn optional(self) -> StoreResult<Option<T>>;
}

impl<T> OptionalExtension<T> for StoreResult<T> {
    fn optional(self) -> StoreResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NotFound(m)) if m == NO_ROWS => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Which engine a [`Sql`] speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection of either engine, inside or outside a write transaction.
#[derive(Clone, Copy)]
pub enum Sql<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(&'a pg::PgSession),
}

impl<'a> Sql<'a> {
    pub fn engine(&self) -> Engine {
        match self {
            Sql::Sqlite(_) => Engine::Sqlite,
            Sql::Postgres(_) => Engine::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, backups).
    pub fn lite(&self) -> Option<&'a rusqlite::Connection> {
        match self {
            Sql::Sqlite(c) => Some(c),
            Sql::Postgres(_) => None,
        }
    }

    /// A statement to run once or many times (prepared once per session on both engines).
    pub fn prepare(&self, sql: &str) -> StoreResult<Stmt<'a>> {
        Ok(Stmt {
            conn: *self,
            sql: sql.to_string(),
            bound: Vec::new(),
            lite: match self {
                Sql::Sqlite(c) => Some(c.prepare_cached(sql)?),
                Sql::Postgres(_) => None,
            },
        })
    }

    /// As [`Sql::prepare`] (both are cached).
    pub fn prepare_cached(&self, sql: &str) -> StoreResult<Stmt<'a>> {
        self.prepare(sql)
    }

    /// Runs a statement; the number of rows changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> StoreResult<usize> {
        self.prepare(sql)?.execute(params)
    }

    /// Runs an `INSERT` into a table whose key is `id`; the new row's id.
    pub fn insert(&self, sql: &str, params: impl Params) -> StoreResult<i64> {
        self.prepare(sql)?.insert(params)
    }

    /// The id given by this session's last `INSERT` (on PostgreSQL: `lastval()`, the identity
    /// sequence last drawn from).
    pub fn last_insert_rowid(&self) -> StoreResult<i64> {
        match self {
            Sql::Sqlite(c) => Ok(c.last_insert_rowid()),
            Sql::Postgres(p) => p
                .query("SELECT lastval()", &[])?
                .first()
                .map_or(Err(StoreError::Db("nessun inserimento".into())), |r| {
                    r.get(0)
                }),
        }
    }

    /// Every row of a query.
    pub fn rows(&self, sql: &str, params: impl Params) -> StoreResult<Vec<Row>> {
        self.prepare(sql)?.read_all(params)
    }

    /// The first row of a query, mapped by `f`; no row is an error that
    /// [`OptionalExtension::optional`] turns into `None`.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.prepare(sql)?.query_row(params, f)
    }

    /// The first column of the first row (a count, a max).
    pub fn one<T: FromValue>(&self, sql: &str, params: impl Params) -> StoreResult<T> {
        self.query_row(sql, params, |r| r.get(0))
    }

    /// Whether the table `name` exists (in the current schema on PostgreSQL).
    pub fn has_table(&self, name: &str) -> StoreResult<bool> {
        let q = match self.engine() {
            Engine::Sqlite => {
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1"
            }
            Engine::Postgres => {
                "SELECT count(*) FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = ?1"
            }
        };
        Ok(self.one::<i64>(q, [name])? > 0)
    }

    /// The tables that have a column named `column`, by name.
    pub fn tables_with_column(&self, column: &str) -> StoreResult<Vec<String>> {
        let q = match self.engine() {
            Engine::Sqlite => {
                "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND c.name = ?1 ORDER BY m.name"
            }
            Engine::Postgres => {
                "SELECT c.table_name FROM information_schema.columns c
                 JOIN information_schema.tables t
                   ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                 WHERE c.table_schema = current_schema() AND c.column_name = ?1
                   AND t.table_type = 'BASE TABLE'
                 ORDER BY c.table_name COLLATE \"C\""
            }
        };
        self.prepare(q)?
            .query_map([column], |r| r.get(0))?
            .collect()
    }

    /// Several statements without parameters (schema changes).
    pub fn execute_batch(&self, sql: &str) -> StoreResult<()> {
        match self {
            Sql::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Sql::Postgres(p) => p.batch(sql),
        }
    }
}

/// A prepared statement ([`Sql::prepare`]).
pub struct Stmt<'a> {
    conn: Sql<'a>,
    sql: String,
    /// Parameters set one by one ([`Stmt::raw_bind_parameter`]).
    bound: Vec<Value>,
    /// On SQLite, the prepared statement (from the connection's cache).
    lite: Option<rusqlite::CachedStatement<'a>>,
}

impl Stmt<'_> {
    /// Sets parameter `i` (1-based) for [`Stmt::raw_execute`].
    pub fn raw_bind_parameter(&mut self, i: usize, v: impl ToValue) -> StoreResult<()> {
        if self.bound.len() < i {
            self.bound.resize(i, Value::Null);
        }
        self.bound[i - 1] = v.to_value();
        Ok(())
    }

    /// Runs the statement with the parameters set by [`Stmt::raw_bind_parameter`].
    pub fn raw_execute(&mut self) -> StoreResult<usize> {
        let bound = std::mem::take(&mut self.bound);
        let n = self.execute(bound.as_slice());
        self.bound = bound;
        n
    }

    /// Runs the statement; the number of rows changed.
    pub fn execute(&mut self, params: impl Params) -> StoreResult<usize> {
        let values = params.values();
        match (&mut self.lite, self.conn) {
            (Some(stmt), _) => {
                Ok(stmt.execute(rusqlite::params_from_iter(values.iter().map(lite_value)))?)
            }
            (None, Sql::Postgres(p)) => p.execute(&self.sql, &values),
            (None, Sql::Sqlite(_)) => unreachable!("an SQLite statement is prepared"),
        }
    }

    /// Runs an `INSERT` into a table whose key is `id`; the new row's id.
    pub fn insert(&mut self, params: impl Params) -> StoreResult<i64> {
        match self.conn {
            Sql::Sqlite(c) => {
                self.execute(params)?;
                Ok(c.last_insert_rowid())
            }
            Sql::Postgres(p) => p.insert(&self.sql, &params.values()),
        }
    }

    /// Every row.
    pub fn read_all(&mut self, params: impl Params) -> StoreResult<Vec<Row>> {
        let mut rows = self.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next_owned()? {
            out.push(r);
        }
        Ok(out)
    }

    /// Each row mapped by `f`, for `.collect::<StoreResult<Vec<_>>>()`.
    pub fn query_map<T>(
        &mut self,
        params: impl Params,
        mut f: impl FnMut(&Row) -> StoreResult<T>,
    ) -> StoreResult<std::vec::IntoIter<StoreResult<T>>> {
        let rows = self.read_all(params)?;
        Ok(rows.iter().map(&mut f).collect::<Vec<_>>().into_iter())
    }

    /// The first row, mapped by `f`; no row is an error that [`OptionalExtension::optional`]
    /// turns into `None`.
    pub fn query_row<T>(
        &mut self,
        params: impl Params,
        f: impl FnOnce(&Row) -> StoreResult<T>,
    ) -> StoreResult<T> {
        match self.query(params)?.next()? {
            Some(r) => f(r),
            None => Err(StoreError::NotFound(NO_ROWS.into())),
        }
    }

    pub fn query(&mut self, params: impl Params) -> StoreResult<Rows<'_>> {
        let source = match &mut self.lite {
            Some(stmt) => {
                let names: Rc<[String]> = stmt.column_names().map(str::to_string).collect();
                let values = params.values();
                let rows = stmt.query(rusqlite::params_from_iter(values.iter().map(lite_value)))?;
                RowSource::Sqlite(rows, names)
            }
            None => match self.conn {
                Sql::Postgres(p) => {
                    RowSource::Read(p.query(&self.sql, &params.values())?.into_iter())
                }
                Sql::Sqlite(_) => unreachable!("an SQLite statement is prepared"),
            },
        };
        Ok(Rows {
            source,
            current: None,
        })
    }

    pub fn exists(&mut self, params: impl Params) -> StoreResult<bool> {
        Ok(self.query(params)?.next()?.is_some())
    }
}

fn lite_value(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as L;
    match v {
        Value::Null => L::Null,
        Value::Integer(i) => L::Integer(*i),
        Value::Real(f) => L::Real(*f),
        Value::Text(s) => L::Text(s.clone()),
        Value::Blob(b) => L::Blob(b.clone()),
    }
}

/// An SQLite cell as a [`Value`].
pub(crate) fn from_lite(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef as L;
    match v {
        L::Null => Value::Null,
        L::Integer(i) => Value::Integer(i),
        L::Real(f) => Value::Real(f),
        L::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        L::Blob(b) => Value::Blob(b.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_sqlite() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        let sql = Sql::Sqlite(&c);
        sql.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, f REAL, b BLOB)",
        )
        .unwrap();
        let id = sql
            .insert(
                "INSERT INTO t (n, s, f, b) VALUES (?1, ?2, ?3, ?4)",
                params![true, "ciao", 1.5, vec![0u8, 1]],
            )
            .unwrap();
        assert_eq!(id, 1);
        sql.insert(
            "INSERT INTO t (n, s) VALUES (?1, ?2)",
            params![None::<i64>, "x"],
        )
        .unwrap();
        let rows = sql
            .prepare("SELECT n, s, f, b FROM t ORDER BY id")
            .unwrap()
            .query_map(params![], |r| {
                Ok((
                    r.get::<_, Option<bool>>(0)?,
                    r.get::<_, String>("s")?,
                    r.get::<_, Option<f64>>(2)?,
                    r.get::<_, Option<Vec<u8>>>(3)?,
                ))
            })
            .unwrap()
            .collect::<StoreResult<Vec<_>>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (Some(true), "ciao".to_string(), Some(1.5), Some(vec![0, 1])),
                (None, "x".to_string(), None, None),
            ]
        );
        assert_eq!(
            sql.one::<i64>("SELECT count(*) FROM t", params![]).unwrap(),
            2
        );
        let wrong = sql.one::<i64>("SELECT s FROM t WHERE id = 1", params![]);
        assert!(matches!(wrong, Err(StoreError::Db(m)) if m.contains("atteso un intero")));
        let none = sql
            .query_row("SELECT 1 FROM t WHERE id = 9", [0i64; 0], |r| {
                r.get::<_, i64>(0)
            })
            .optional()
            .unwrap();
        assert!(none.is_none());
        assert_eq!(sql.last_insert_rowid().unwrap(), 2);
    }
}
