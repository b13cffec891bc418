//! The store's SQL (SQLite dialect) as PostgreSQL reads it.
//!
//! Only what differs in syntax is rewritten here; SQLite functions the store uses are provided on
//! PostgreSQL by `migrations/postgres/0000_compat.sql` under the same names.
//! - `?N` → `$N`, a bare `?` → the next number;
//! - `INSERT OR IGNORE INTO …` → `INSERT INTO … ON CONFLICT DO NOTHING`;
//! - `LIKE` → `ILIKE` (SQLite's LIKE ignores case), `INDEXED BY name` dropped (a planner hint);
//! - for [`Sql::insert`](super::Sql::insert), ` RETURNING id` at the end.
//!
//! Quoted strings, quoted identifiers and comments are copied untouched.

/// `sql` for PostgreSQL; `returning_id` appends ` RETURNING id`.
pub fn to_postgres(sql: &str, returning_id: bool) -> String {
    let mut out = String::with_capacity(sql.len() + 32);
    let mut chars = sql.char_indices().peekable();
    let mut next_bare = 1u32;
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if sql[i..].starts_with("--") => {
                for (_, d) in chars.by_ref() {
                    if d == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
                    digits.push(d);
                    chars.next();
                }
                if digits.is_empty() {
                    out.push_str(&format!("${next_bare}"));
                    next_bare += 1;
                } else {
                    next_bare = next_bare.max(digits.parse::<u32>().unwrap_or(0) + 1);
                    out.push('$');
                    out.push_str(&digits);
                }
            }
            _ => out.push(c),
        }
    }
    let mut sql = out;
    // An SQLite planner hint: PostgreSQL plans by itself.
    while let Some((start, end)) = find_keywords(&sql, &["INDEXED", "BY"]) {
        let rest = &sql[end..];
        let name_len = rest.len() - rest.trim_start().len()
            + rest
                .trim_start()
                .bytes()
                .take_while(|b| is_word(*b))
                .count();
        sql.replace_range(start..end + name_len, "");
    }
    // SQLite's LIKE ignores case: PostgreSQL's ILIKE does.
    let mut from = 0;
    while let Some((start, end)) = find_keywords(&sql[from..], &["LIKE"]) {
        sql.replace_range(from + start..from + end, "ILIKE");
        from += end + 1;
    }
    let or_ignore = find_keywords(&sql, &["INSERT", "OR", "IGNORE"]);
    if let Some((start, end)) = or_ignore {
        sql.replace_range(start..end, "INSERT");
    }
    let trimmed = sql.trim_end().trim_end_matches(';').trim_end().len();
    sql.truncate(trimmed);
    if or_ignore.is_some() {
        sql.push_str(" ON CONFLICT DO NOTHING");
    }
    if returning_id {
        sql.push_str(" RETURNING id");
    }
    sql
}

/// The byte range of the words `words` in sequence (any case, any whitespace between).
fn find_keywords(sql: &str, words: &[&str]) -> Option<(usize, usize)> {
    let upper = sql.to_ascii_uppercase();
    let mut from = 0;
    while let Some(pos) = upper[from..].find(words[0]) {
        let start = from + pos;
        let mut end = start + words[0].len();
        let mut ok = start == 0 || !is_word(upper.as_bytes()[start - 1]);
        for w in &words[1..] {
            if !ok {
                break;
            }
            let rest = &upper[end..];
            let skipped = rest.len() - rest.trim_start().len();
            ok = skipped > 0 && rest[skipped..].starts_with(w);
            end += skipped + w.len();
        }
        if ok && upper.as_bytes().get(end).is_none_or(|b| !is_word(*b)) {
            return Some((start, end));
        }
        from = start + 1;
    }
    None
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_and_bare_parameters_become_dollars() {
        assert_eq!(
            to_postgres("SELECT a FROM t WHERE b = ?2 AND c = ?1 OR d = ?2", false),
            "SELECT a FROM t WHERE b = $2 AND c = $1 OR d = $2"
        );
        assert_eq!(
            to_postgres("UPDATE t SET a = ?, b = ? WHERE id = ?", false),
            "UPDATE t SET a = $1, b = $2 WHERE id = $3"
        );
    }

    #[test]
    fn quotes_and_comments_are_untouched() {
        assert_eq!(
            to_postgres("SELECT '?1', \"a?\" FROM t -- why ?3\nWHERE x = ?1", false),
            "SELECT '?1', \"a?\" FROM t \nWHERE x = $1"
        );
        assert_eq!(
            to_postgres("SELECT 'l''?1' FROM t WHERE x = ?1", false),
            "SELECT 'l''?1' FROM t WHERE x = $1"
        );
    }

    #[test]
    fn like_ignores_case_and_planner_hints_go() {
        assert_eq!(
            to_postgres(
                "SELECT id FROM soggetto INDEXED BY soggetto_cf WHERE cf LIKE ?1 AND x NOT LIKE 'a'",
                false
            ),
            "SELECT id FROM soggetto  WHERE cf ILIKE $1 AND x NOT ILIKE 'a'"
        );
        assert_eq!(
            to_postgres("SELECT unlikely FROM t", false),
            "SELECT unlikely FROM t"
        );
    }

    #[test]
    fn insert_or_ignore_and_returning() {
        assert_eq!(
            to_postgres("insert or  ignore into t (a) VALUES (?1);\n", false),
            "INSERT into t (a) VALUES ($1) ON CONFLICT DO NOTHING"
        );
        assert_eq!(
            to_postgres("INSERT INTO t (a) VALUES (?1)", true),
            "INSERT INTO t (a) VALUES ($1) RETURNING id"
        );
        assert_eq!(
            to_postgres("SELECT ignore_or FROM t_insert_or_ignore", false),
            "SELECT ignore_or FROM t_insert_or_ignore"
        );
    }
}
