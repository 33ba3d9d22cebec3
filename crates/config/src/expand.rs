//! Placeholder expansion in string scalars, after YAML parsing (so a value can never inject YAML
//! structure), with the OpenTelemetry Collector's syntax:
//!
//! - `${env:NAME}` and the shorthand `${NAME}`: the variable's value; an unset variable is an error;
//! - `${env:NAME:-default}` and `${NAME:-default}`: `default` when the variable is unset or empty;
//! - `${file:/path}`: the file's content (one trailing newline removed), at most 1 MiB;
//! - `$$`: a literal `$`; a bare `$NAME` is left as it is.
//!
//! A scalar that is exactly one placeholder is typed the way YAML types a plain scalar, but only when
//! that is lossless: `5432` becomes a number, `true` a boolean, `1.50` stays text (a number would print
//! as `1.5`). Error messages name variables and files, never their values.

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::{Number, Value};

use crate::error::{ConfigError, ErrorKind};
use crate::path::KeyPath;
use crate::redact::Substitution;

/// The largest file a `${file:...}` placeholder may read.
pub const MAX_FILE_PLACEHOLDER_BYTES: u64 = 1 << 20;

pub(crate) struct Expander<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub source: &'a str,
}

impl Expander<'_> {
    /// Expands every string scalar under `value` in place, collecting every problem. Each scalar
    /// that held a placeholder is recorded in `substituted` (rendered path -> placeholders and the
    /// values they brought in) so later messages can keep those values out.
    pub fn expand_tree(
        &self,
        value: &mut Value,
        path: &KeyPath,
        errors: &mut Vec<ConfigError>,
        substituted: &mut BTreeMap<String, Substitution>,
    ) {
        match value {
            Value::String(s) => {
                if s.contains('$') {
                    let mut sub = Substitution::default();
                    match self.expand_str(s, path, &mut sub) {
                        Ok((text, single)) => {
                            if !sub.placeholders.is_empty() {
                                substituted.insert(path.to_string(), sub);
                            }
                            *value = if single { type_plain(text) } else { Value::String(text) }
                        }
                        Err(mut e) => errors.append(&mut e),
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.expand_tree(item, &path.index(i), errors, substituted);
                }
            }
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    self.expand_tree(v, &path.key(k), errors, substituted);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Returns the expanded text and whether the scalar was exactly one placeholder; records each
    /// placeholder (as written) and each value it brought in from the environment or a file in `sub`.
    fn expand_str(
        &self,
        s: &str,
        path: &KeyPath,
        sub: &mut Substitution,
    ) -> Result<(String, bool), Vec<ConfigError>> {
        let mut out = String::with_capacity(s.len());
        let mut errors = Vec::new();
        let mut placeholders = 0usize;
        let mut literal = false;
        let mut rest = s;
        while let Some(pos) = rest.find('$') {
            if pos > 0 {
                out.push_str(&rest[..pos]);
                literal = true;
            }
            let after = &rest[pos + 1..];
            if let Some(tail) = after.strip_prefix('$') {
                out.push('$');
                literal = true;
                rest = tail;
            } else if let Some(inner) = after.strip_prefix('{') {
                let Some(end) = inner.find('}') else {
                    errors.push(self.error(
                        path,
                        "unterminated placeholder: `${` without a closing `}` (write `$$` for a literal `$`)",
                    ));
                    rest = "";
                    break;
                };
                let content = &inner[..end];
                match self.resolve(content) {
                    Ok(Resolved { text, from }) => {
                        sub.placeholders.push(format!("${{{content}}}"));
                        match from {
                            Origin::Env(name) => {
                                sub.fixes.push(format!("check the environment variable `{name}`"));
                                sub.secrets.push(text.clone());
                            }
                            Origin::File(file) => {
                                sub.fixes.push(format!("check the content of the file `{file}`"));
                                sub.secrets.push(text.clone());
                            }
                            // A default is written in the config itself: not a secret.
                            Origin::Default => {}
                        }
                        out.push_str(&text);
                    }
                    Err(message) => errors.push(self.error(path, message)),
                }
                placeholders += 1;
                rest = &inner[end + 1..];
            } else {
                out.push('$');
                literal = true;
                rest = after;
            }
        }
        if !rest.is_empty() {
            out.push_str(rest);
            literal = true;
        }
        if errors.is_empty() { Ok((out, placeholders == 1 && !literal)) } else { Err(errors) }
    }

    fn error(&self, path: &KeyPath, message: impl Into<String>) -> ConfigError {
        ConfigError::new(ErrorKind::Substitution, self.source, path.to_string(), message)
    }

    /// Resolves the text between `${` and `}`.
    fn resolve(&self, content: &str) -> Result<Resolved, String> {
        match content.split_once(':') {
            Some(("env", rest)) => {
                let (name, default) = match rest.split_once(":-") {
                    Some((n, d)) => (n, Some(d)),
                    None => (rest, None),
                };
                self.env_var(name, default)
            }
            Some((name, rest)) if valid_env_name(name) && rest.starts_with('-') => {
                self.env_var(name, Some(&rest[1..]))
            }
            Some(("file", path)) => {
                read_file(path).map(|text| Resolved { text, from: Origin::File(path.trim().to_string()) })
            }
            // `${NAME:default}` (shell style without `-`): the Collector refuses it too, since an
            // upper-case name with `_` is no provider scheme. Say how to write the default.
            // The default is not echoed: it may be a secret.
            Some((provider, _)) if valid_env_name(provider) && provider.contains('_') => Err(format!(
                "unknown config provider `{provider}` in a `${{{provider}:...}}` placeholder: dbintel supports `env` and `file`; \
                 for the environment variable with a default write `${{env:{provider}:-...}}`"
            )),
            Some((provider, _)) if valid_provider(provider) => Err(format!(
                "unknown config provider `{provider}` in a `${{{provider}:...}}` placeholder: dbintel supports `env` and `file`"
            )),
            Some(_) => {
                Err("malformed placeholder: use `${env:NAME}`, `${NAME}` or `${env:NAME:-default}`"
                    .to_string())
            }
            None => self.env_var(content, None),
        }
    }

    fn env_var(&self, name: &str, default: Option<&str>) -> Result<Resolved, String> {
        if !valid_env_name(name) {
            return Err(format!(
                "invalid environment variable name `{}` in a placeholder: use letters, digits and `_`",
                name.chars().take(64).collect::<String>()
            ));
        }
        let env = |text: String| Resolved { text, from: Origin::Env(name.to_string()) };
        let default_text = |d: &str| Resolved { text: d.to_string(), from: Origin::Default };
        match ((self.env)(name), default) {
            (Some(v), Some(d)) if v.is_empty() => Ok(default_text(d)),
            (Some(v), _) => Ok(env(v)),
            (None, Some(d)) => Ok(default_text(d)),
            (None, None) => Err(format!(
                "environment variable `{name}` is not set (set it, or give a default with `${{env:{name}:-default}}`)"
            )),
        }
    }
}

/// The text a placeholder resolved to, and where it came from.
struct Resolved {
    text: String,
    from: Origin,
}

enum Origin {
    Env(String),
    File(String),
    Default,
}

fn read_file(path: &str) -> Result<String, String> {
    let path = path.trim();
    if path.is_empty() {
        return Err("`${file:...}` needs a path".to_string());
    }
    let fail =
        |e: std::io::Error| format!("cannot read file `{path}` named in a `${{file:...}}` placeholder: {e}");
    let file = std::fs::File::open(path).map_err(fail)?;
    let mut buf = Vec::new();
    file.take(MAX_FILE_PLACEHOLDER_BYTES + 1).read_to_end(&mut buf).map_err(fail)?;
    if buf.len() as u64 > MAX_FILE_PLACEHOLDER_BYTES {
        return Err(format!("file `{path}` named in a `${{file:...}}` placeholder is larger than 1 MiB"));
    }
    let mut text = String::from_utf8(buf)
        .map_err(|_| format!("file `{path}` named in a `${{file:...}}` placeholder is not UTF-8 text"))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

fn valid_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn valid_provider(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// Types expanded text as YAML would type a plain scalar, when the typed value prints back to the
/// same text (so nothing is lost when a string field renders it again).
pub(crate) fn type_plain(text: String) -> Value {
    match text.as_str() {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(u) = text.parse::<u64>()
        && u.to_string() == text
    {
        return Value::Number(u.into());
    }
    if let Ok(i) = text.parse::<i64>()
        && i.to_string() == text
    {
        return Value::Number(i.into());
    }
    let numeric_chars = text.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if numeric_chars
        && text.contains('.')
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
        && n.to_string() == text
    {
        return Value::Number(n);
    }
    Value::String(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "HOST" => Some("db.internal".into()),
            "PORT" => Some("5432".into()),
            "PASSWORD" => Some("s3cr3t-value".into()),
            "EMPTY" => Some(String::new()),
            "RATIO" => Some("0.25".into()),
            "MONEY" => Some("1.50".into()),
            "FLAG" => Some("true".into()),
            "YAMLISH" => Some("{a: 1}\n- b".into()),
            _ => None,
        }
    }

    fn expand(s: &str) -> Result<Value, Vec<ConfigError>> {
        let x = Expander { env: &env, source: "c.yaml" };
        let mut v = Value::String(s.to_string());
        let mut errors = Vec::new();
        let path = KeyPath::of(&["receivers", "sqlquery", "datasource"]);
        x.expand_tree(&mut v, &path, &mut errors, &mut BTreeMap::new());
        if errors.is_empty() { Ok(v) } else { Err(errors) }
    }

    #[test]
    fn expands_every_form() {
        assert_eq!(expand("${env:HOST}").unwrap(), "db.internal");
        assert_eq!(expand("${HOST}").unwrap(), "db.internal");
        assert_eq!(expand("host=${HOST} port=${env:PORT}").unwrap(), "host=db.internal port=5432");
        assert_eq!(expand("${env:NOPE:-fallback}").unwrap(), "fallback");
        assert_eq!(expand("${NOPE:-}").unwrap(), "");
        assert_eq!(expand("${env:EMPTY:-x}").unwrap(), "x");
        assert_eq!(expand("${env:HOST:-x}").unwrap(), "db.internal");
        assert_eq!(expand("cost $$5 and $$${HOST}").unwrap(), "cost $5 and $db.internal");
        assert_eq!(expand("$HOST stays, so does $").unwrap(), "$HOST stays, so does $");
        assert_eq!(expand("${YAMLISH}").unwrap(), "{a: 1}\n- b");
    }

    #[test]
    fn single_placeholders_are_typed_losslessly() {
        assert_eq!(expand("${PORT}").unwrap(), Value::from(5432));
        assert_eq!(expand("${FLAG}").unwrap(), Value::Bool(true));
        assert_eq!(expand("${RATIO}").unwrap(), Value::from(0.25));
        assert_eq!(expand("${MONEY}").unwrap(), "1.50");
        assert_eq!(expand("${env:NOPE:-007}").unwrap(), "007");
        assert_eq!(expand("${env:NOPE:--3}").unwrap(), Value::from(-3));
        assert_eq!(expand(":${PORT}").unwrap(), ":5432");
        assert_eq!(expand("$$").unwrap(), "$");
    }

    #[test]
    fn unset_variable_names_variable_file_and_path() {
        let e = expand("${env:DB_PASSWORD}").unwrap_err();
        assert_eq!(e.len(), 1);
        let line = e[0].to_string();
        assert!(line.starts_with("c.yaml: receivers.sqlquery.datasource: "), "{line}");
        assert!(line.contains("`DB_PASSWORD` is not set"), "{line}");
        let e = expand("${A_UNSET} and ${B_UNSET}").unwrap_err();
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn unknown_provider_and_malformed_placeholders() {
        let e = expand("${vault:secret/db}").unwrap_err();
        assert!(e[0].message.contains("unknown config provider `vault`"), "{}", e[0]);
        assert!(expand("${HOST").unwrap_err()[0].message.contains("unterminated"));
        assert!(
            expand("${not a name}").unwrap_err()[0].message.contains("invalid environment variable name")
        );
        assert!(expand("${:x}").unwrap_err()[0].message.contains("malformed"));
    }

    #[test]
    fn values_never_appear_in_errors() {
        let e = expand("${PASSWORD}${MISSING}").unwrap_err();
        assert!(!e[0].to_string().contains("s3cr3t"));
    }

    #[test]
    fn file_placeholder_reads_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("secret");
        std::fs::write(&p, "hunter2\n").unwrap();
        assert_eq!(expand(&format!("${{file:{}}}", p.display())).unwrap(), "hunter2");
        let e = expand("${file:/definitely/not/here}").unwrap_err();
        assert!(e[0].message.contains("/definitely/not/here"), "{}", e[0]);
    }
}
