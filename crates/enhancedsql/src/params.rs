//! Typed parameters and their binding. Values come from the config only (never from the database),
//! are checked against their type at load, and are written into the statement as SQL literals in
//! place of `$1`, `$2`, ... (the same spelling for both drivers). Placeholders inside string
//! literals, quoted identifiers, comments and PostgreSQL dollar-quoted strings are left alone.

use std::time::Duration;

use dbintel_core::duration::parse_duration;

use crate::config::ParameterConfig;

/// Placeholders per statement, at most.
pub const MAX_PLACEHOLDER: usize = 32;

/// A parameter's declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Int,
    Float,
    String,
    Duration,
}

/// A checked parameter, with its SQL literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    pub kind: ParamType,
    pub literal: String,
}

/// The built-in queries' thresholds: the prototype's defaults.
pub const DEFAULT_MIN_DURATION_MS: u64 = 50;
pub const DEFAULT_LIMIT: i64 = 20;

impl Parameter {
    pub fn from_config(c: &ParameterConfig) -> Result<Parameter, String> {
        if c.name.trim().is_empty() {
            return Err("`name` is required".into());
        }
        let kind = match c.kind.trim().to_ascii_lowercase().as_str() {
            "int" | "integer" => ParamType::Int,
            "float" | "double" => ParamType::Float,
            "string" | "text" => ParamType::String,
            "duration" => ParamType::Duration,
            "" => return Err("`type` is required: int, float, string or duration".into()),
            other => return Err(format!("`type: {other}`: use int, float, string or duration")),
        };
        let Some(value) = &c.default else {
            return Err("`default` is required: it is the value bound".into());
        };
        let literal = match kind {
            ParamType::Int => match value {
                serde_json::Value::Number(n) if n.as_i64().is_some() => n.to_string(),
                serde_json::Value::String(s) if s.trim().parse::<i64>().is_ok() => s.trim().to_string(),
                _ => return Err(format!("`default` must be an integer for type int, got {value}")),
            },
            ParamType::Float => {
                let f = match value {
                    serde_json::Value::Number(n) => n.as_f64(),
                    serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
                    _ => None,
                };
                match f {
                    Some(f) if f.is_finite() => format!("{f:?}"),
                    _ => {
                        return Err(format!("`default` must be a finite number for type float, got {value}"));
                    }
                }
            }
            ParamType::String => {
                let s = match value {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => return Err("`default` must be a string for type string".into()),
                };
                if s.contains('\\') || s.contains('\0') {
                    // Backslashes mean different things to the two servers; refuse rather than guess.
                    return Err("`default` must not contain a backslash or NUL".into());
                }
                format!("'{}'", s.replace('\'', "''"))
            }
            ParamType::Duration => {
                let d = match value {
                    serde_json::Value::String(s) => {
                        parse_duration(s.trim()).map_err(|e| format!("`default` is not a duration: {e}"))?
                    }
                    serde_json::Value::Number(n) if n.as_u64().is_some() => {
                        Duration::from_millis(n.as_u64().unwrap_or(0))
                    }
                    _ => return Err("`default` must be a duration such as `50ms` for type duration".into()),
                };
                let unit = c.unit.as_deref().unwrap_or("ms").trim().to_ascii_lowercase();
                let secs = d.as_secs_f64();
                let n = match unit.as_str() {
                    "ms" => secs * 1000.0,
                    "s" => secs,
                    "m" => secs / 60.0,
                    other => return Err(format!("`unit: {other}`: use ms, s or m")),
                };
                format!("{n:?}")
            }
        };
        Ok(Parameter { name: c.name.trim().to_string(), kind, literal })
    }
}

/// `$1` = `min_duration` in ms, `$2` = `limit`: the defaults, replaced by configured parameters of
/// the same name.
pub fn builtin_parameters(configured: &[Parameter]) -> Vec<Parameter> {
    let pick = |name: &str, kind: ParamType, literal: String| {
        configured.iter().find(|p| p.name == name).cloned().unwrap_or(Parameter {
            name: name.to_string(),
            kind,
            literal,
        })
    };
    vec![
        pick("min_duration", ParamType::Duration, format!("{:?}", DEFAULT_MIN_DURATION_MS as f64)),
        pick("limit", ParamType::Int, DEFAULT_LIMIT.to_string()),
    ]
}

/// Writes `params` into `sql` in place of `$1`, `$2`, ...; an index beyond them is an error.
pub fn render(sql: &str, params: &[Parameter]) -> Result<String, String> {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 16);
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if i + 1 < b.len() && b[i + 1] == q {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'$' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let start = i;
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let n: usize = sql[start + 1..i].parse().unwrap_or(usize::MAX);
                let Some(p) = n.checked_sub(1).and_then(|k| params.get(k)) else {
                    return Err(format!(
                        "placeholder ${} has no parameter (the statement has {} parameter(s){})",
                        &sql[start + 1..i],
                        params.len(),
                        if n > MAX_PLACEHOLDER { "; too many placeholders" } else { "" }
                    ));
                };
                out.push_str(&sql[copied..start]);
                out.push_str(&p.literal);
                copied = i;
            }
            // PostgreSQL dollar quoting: $tag$ ... $tag$ (tag empty or an identifier).
            b'$' => {
                let start = i;
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                if j < b.len() && b[j] == b'$' {
                    let tag = &sql[start..=j];
                    match sql[j + 1..].find(tag) {
                        Some(end) => i = j + 1 + end + tag.len(),
                        None => i = b.len(),
                    }
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[copied.min(sql.len())..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(
        name: &str,
        kind: &str,
        value: serde_json::Value,
        unit: Option<&str>,
    ) -> Result<Parameter, String> {
        Parameter::from_config(&ParameterConfig {
            name: name.into(),
            kind: kind.into(),
            default: Some(value),
            unit: unit.map(str::to_string),
        })
    }

    #[test]
    fn parameters_are_checked_against_their_type_and_rendered_as_literals() {
        let ok = |r: Result<Parameter, String>| r.unwrap_or_else(|e| panic!("{e}")).literal;
        assert_eq!(ok(param("n", "int", serde_json::json!(20), None)), "20");
        assert_eq!(ok(param("x", "float", serde_json::json!(0.5), None)), "0.5");
        assert_eq!(ok(param("s", "string", serde_json::json!("it's"), None)), "'it''s'");
        assert_eq!(ok(param("d", "duration", serde_json::json!("1.5s"), None)), "1500.0");
        assert_eq!(ok(param("d", "duration", serde_json::json!("90s"), Some("m"))), "1.5");
        assert!(param("n", "int", serde_json::json!("20; DROP TABLE x"), None).is_err());
        assert!(param("n", "int", serde_json::json!(1.5), None).is_err());
        assert!(param("s", "string", serde_json::json!("a\\'b"), None).is_err());
        assert!(param("d", "duration", serde_json::json!("soon"), None).is_err());
        assert!(param("d", "duration", serde_json::json!("1s"), Some("h")).is_err());
        assert!(param("q", "blob", serde_json::json!(1), None).is_err());
    }

    #[test]
    fn placeholders_outside_literals_comments_and_dollar_quotes_are_replaced() {
        let params = builtin_parameters(&[]);
        let sql = "SELECT '$1', \"$2\", $$ $1 $$, $f$x$1$f$ /* $1 */ FROM t -- $2\nWHERE a > $1 LIMIT $2";
        assert_eq!(
            render(sql, &params).unwrap_or_else(|e| panic!("{e}")),
            "SELECT '$1', \"$2\", $$ $1 $$, $f$x$1$f$ /* $1 */ FROM t -- $2\nWHERE a > 50.0 LIMIT 20"
        );
        assert!(render("SELECT $3", &params).is_err());
        assert!(render("SELECT $0", &params).is_err());
        assert_eq!(render("SELECT 'it''s $1'", &params).as_deref(), Ok("SELECT 'it''s $1'"));
        // Unterminated quotes and comments end the scan without panicking.
        for s in ["SELECT '", "SELECT /*", "SELECT $a", "SELECT $", "$1$"] {
            let _ = render(s, &params);
        }
    }

    #[test]
    fn configured_parameters_replace_the_builtin_ones_by_name() {
        let limit = param("limit", "int", serde_json::json!(5), None).unwrap_or_else(|e| panic!("{e}"));
        let p = builtin_parameters(&[limit]);
        assert_eq!(p[0].literal, "50.0");
        assert_eq!(p[1].literal, "5");
    }
}

#[cfg(test)]
mod prototype_tests {
    use dbintel_core::Factory;
    use serde_json::json;

    use crate::EnhancedSqlFactory;

    /// The prototype's collector-enhanced.yaml / collector-plan-intelligence.yaml: typed defaults
    /// load as `default` (and are still checked against `type`); the plan-collection keys are
    /// accepted and each one named by `validate`'s warnings.
    #[test]
    fn the_prototypes_parameter_defaults_and_plan_keys_load() {
        let section = json!({
            "driver": "postgres",
            "datasource": "postgres://u:p@localhost:5432/db",
            "enable_plan_collection": true,
            "plan_cache_size": 1000,
            "auto_explain": {"enabled": true, "log_min_duration": "100ms"},
            "queries": [{"name": "slow_queries", "category": "slow_queries",
                         "parameters": [
                             {"name": "min_duration", "type": "duration", "default_duration": "50ms", "unit": "ms"},
                             {"name": "limit", "type": "int", "default_int": 20}]}]
        });
        assert_eq!(EnhancedSqlFactory.validate(&section), Ok(()));
        let warned: Vec<String> =
            EnhancedSqlFactory.ignored_keys(&section).into_iter().map(|p| p.path).collect();
        assert_eq!(warned, ["enable_plan_collection", "plan_cache_size", "auto_explain"]);

        let mut bad = section.clone();
        bad["queries"][0]["parameters"][1] = json!({"name": "limit", "type": "int", "default_int": "lots"});
        let problems = EnhancedSqlFactory.validate(&bad).expect_err("not an int");
        assert!(problems.iter().any(|p| p.path.contains("parameters[1]")), "{problems:?}");
    }
}
