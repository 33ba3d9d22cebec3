//! Recorded result sets standing in for a server: the golden tests of the MySQL versions that
//! cannot run here (8.0, 8.4) replay what each version's documented catalog returns, through the
//! same collectors the live server feeds. A statement without a recording is an error naming the
//! SQL, so a golden test fails when the receiver starts sending something new.

use std::collections::BTreeMap;

use async_trait::async_trait;
use dbintel_dbclient::DbError;

use crate::conn::{ServerInfo, Source, TextRow};

/// A server made of recordings: exact SQL text (without the `/* dbintel */` prefix) to rows, or
/// to a server error.
#[derive(Debug, Clone)]
pub struct Replay {
    pub info: ServerInfo,
    results: BTreeMap<String, Result<Vec<TextRow>, (u16, String)>>,
    /// Column names of the statements recorded with [`Replay::record_named`].
    columns: BTreeMap<String, Vec<String>>,
    /// Every statement asked for, in order (recorded or not).
    pub asked: Vec<String>,
}

impl Replay {
    pub fn new(version: &str) -> Self {
        Self {
            info: ServerInfo::from_version(version),
            results: BTreeMap::new(),
            columns: BTreeMap::new(),
            asked: Vec::new(),
        }
    }

    /// Records the rows one statement returns.
    pub fn record(&mut self, sql: &str, rows: Vec<TextRow>) -> &mut Self {
        self.results.insert(normalize(sql), Ok(rows));
        self
    }

    /// Records the column names and rows of one statement (`SHOW REPLICA STATUS`).
    pub fn record_named(&mut self, sql: &str, columns: &[&str], rows: Vec<TextRow>) -> &mut Self {
        self.columns.insert(normalize(sql), columns.iter().map(|c| c.to_string()).collect());
        self.record(sql, rows)
    }

    /// Whether `sql` has a recording (rows or an error).
    pub fn is_recorded(&self, sql: &str) -> bool {
        self.results.contains_key(&normalize(sql))
    }

    /// Records a server error (code and message) for one statement.
    pub fn record_error(&mut self, sql: &str, code: u16, message: &str) -> &mut Self {
        self.results.insert(normalize(sql), Err((code, message.to_string())));
        self
    }

    /// Rows from JSON: an array of arrays of strings or nulls (numbers are turned into text, as
    /// the text protocol sends them).
    pub fn rows_from_json(v: &serde_json::Value) -> Vec<TextRow> {
        let cell = |c: &serde_json::Value| match c {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        };
        v.as_array()
            .map(|rows| {
                rows.iter().filter_map(|r| r.as_array()).map(|r| r.iter().map(cell).collect()).collect()
            })
            .unwrap_or_default()
    }
}

fn normalize(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[async_trait]
impl Source for Replay {
    fn info(&self) -> &ServerInfo {
        &self.info
    }

    async fn named_rows(&mut self, sql: &str) -> Result<(Vec<String>, Vec<TextRow>), DbError> {
        let rows = self.rows(sql).await?;
        Ok((self.columns.get(&normalize(sql)).cloned().unwrap_or_default(), rows))
    }

    fn sent_statements(&self) -> Vec<String> {
        let mut v: Vec<String> = self.asked.iter().filter(|s| !s.contains("dbintel_")).cloned().collect();
        v.sort();
        v.dedup();
        v
    }

    async fn rows(&mut self, sql: &str) -> Result<Vec<TextRow>, DbError> {
        let key = normalize(sql);
        self.asked.push(key.clone());
        match self.results.get(&key) {
            Some(Ok(rows)) => Ok(rows.clone()),
            Some(Err((code, message))) => Err(DbError::Query {
                message: message.clone(),
                code: Some(code.to_string()),
                hint: dbintel_dbclient::mysql_code_hint(*code).unwrap_or("a recorded server error"),
            }),
            None => Err(DbError::Query {
                message: format!("no recording for `{key}` on {}", self.info.version),
                code: None,
                hint: "record the rows this version returns for the statement in the golden fixture",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn replays_rows_errors_and_refuses_the_unrecorded() {
        let mut r = Replay::new("8.0.36");
        r.record(
            "SHOW GLOBAL STATUS",
            Replay::rows_from_json(&serde_json::json!([["Uptime", 5], ["X", null]])),
        );
        r.record_error("SHOW REPLICA STATUS", 1227, "Access denied; you need REPLICATION CLIENT");
        let rows = r.rows("SHOW   GLOBAL\n STATUS").await.unwrap();
        assert_eq!(rows, vec![vec![Some("Uptime".into()), Some("5".into())], vec![Some("X".into()), None]]);
        let nv = r.name_values("SHOW GLOBAL STATUS").await.unwrap();
        assert_eq!(nv.get("Uptime"), Some(&Some("5".to_string())));
        let e = r.rows("SHOW REPLICA STATUS").await.unwrap_err();
        assert!(matches!(e, DbError::Query { code: Some(ref c), .. } if c == "1227"), "{e:?}");
        let e = r.rows("SELECT 1").await.unwrap_err();
        assert!(e.to_string().contains("no recording for `SELECT 1`"), "{e}");
        assert_eq!(r.asked.len(), 4);
        assert!(!r.info().mariadb);
    }
}
