//! Config errors: one line each, `<file>: <key.path>: <message>`.

use std::fmt;

/// What went wrong, for callers and tests that branch on the class of a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read (missing, unreadable, too large, not UTF-8).
    Io,
    /// The YAML does not parse, or breaks a budget (depth, size, aliases); carries a line.
    Syntax,
    /// An env placeholder is unset, malformed or uses an unknown provider.
    Substitution,
    /// A key that is not allowed where it is (top level, service section, pipeline).
    UnknownKey,
    /// A value has the wrong shape (a list where a map belongs, ...).
    InvalidValue,
    /// A component ID or pipeline ID does not parse.
    InvalidId,
    /// A component type no factory provides.
    UnknownType,
    /// A component's own section failed its factory's validation.
    Component,
    /// A pipeline or `service.extensions` names a component that is not defined.
    UndefinedReference,
    /// A pipeline breaks a structural rule (empty receivers, duplicates, unsupported signal).
    Pipeline,
}

/// One problem in a config, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub kind: ErrorKind,
    /// The display name of the source (a file path as given, or an embedded config's name); empty
    /// when the problem is not tied to one source.
    pub source_name: String,
    /// The key path, e.g. `receivers.sqlquery.queries[0].sql`; empty for whole-file problems.
    pub path: String,
    /// 1-based line and column, for YAML syntax errors.
    pub location: Option<(u64, u64)>,
    /// What is wrong, on one line.
    pub message: String,
}

impl ConfigError {
    pub fn new(
        kind: ErrorKind,
        source_name: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            source_name: source_name.into(),
            path: path.into(),
            location: None,
            message: one_line(&message.into()),
        }
    }
}

/// Collapses a message onto one line so each problem stays one line in logs.
pub(crate) fn one_line(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return s.to_string();
    }
    s.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.source_name.is_empty() {
            write!(f, "{}: ", self.source_name)?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let Some((line, column)) = self.location {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

/// Every problem found, in the order found (loading) or by config section (validation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors {
    pub errors: Vec<ConfigError>,
}

impl ConfigErrors {
    pub fn new(errors: Vec<ConfigError>) -> Self {
        Self { errors }
    }
    pub fn len(&self) -> usize {
        self.errors.len()
    }
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.errors.iter()
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        Self { errors: vec![e] }
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}
