//! Recorded probe answers, for golden tests of servers that cannot run here (MySQL 8, managed
//! services, extensions that are not packaged).

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::{ProbeSource, Rows};
use crate::DbError;

/// A [`ProbeSource`] answering from recorded rows by exact statement text. An unrecorded statement
/// fails like a missing table (`42P01` / `1146`), so a golden test shows what a server without that
/// object would give; [`Recorded::error`] records any other failure.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    answers: BTreeMap<String, Result<Rows, DbError>>,
    mysql: bool,
    /// Statements asked, in order (the test checks what the probes read).
    pub asked: Vec<String>,
}

impl Recorded {
    /// For a PostgreSQL (`mysql` false) or MySQL/MariaDB server.
    pub fn new(mysql: bool) -> Self {
        Self { mysql, ..Self::default() }
    }

    /// Records the rows `sql` returns (cells as text; `None` is NULL).
    pub fn rows(mut self, sql: &str, rows: &[&[Option<&str>]]) -> Self {
        let rows = rows.iter().map(|r| r.iter().map(|c| c.map(str::to_string)).collect()).collect();
        self.answers.insert(sql.to_string(), Ok(rows));
        self
    }

    /// Records a failure of `sql`.
    pub fn error(mut self, sql: &str, error: DbError) -> Self {
        self.answers.insert(sql.to_string(), Err(error));
        self
    }
}

#[async_trait]
impl ProbeSource for Recorded {
    async fn probe_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
        self.asked.push(sql.to_string());
        match self.answers.get(sql) {
            Some(answer) => answer.clone(),
            None => Err(DbError::Query {
                message: format!("not recorded: {sql}"),
                code: Some(if self.mysql { "1146" } else { "42P01" }.to_string()),
                hint: "",
            }),
        }
    }
}
