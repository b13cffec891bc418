//! `sportello anonymize --out COPY.db`: a pseudonymised copy of the database for helpdesk and
//! training (the rules per column are in the store; the service guards and audits).

use std::path::Path;

use super::open_current;
use crate::domain::Actor;
use crate::error::AppResult;

pub(super) fn anonymize(db_path: &Path, actor: &Actor, out: &Path) -> AppResult<i32> {
    let mut db = open_current(db_path)?;
    let counts = db.service().anonymize(actor, out)?;
    for (table, n) in counts {
        println!("{table}\t{n}");
    }
    eprintln!("Copia pseudonimizzata scritta in {}", out.display());
    Ok(0)
}
