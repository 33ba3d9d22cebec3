//! Every problem of a component section, not only the first.
//!
//! A factory's `validate` parses the section with serde, which stops at the first bad field, and
//! only then runs its semantic checks. [`all_problems`] wraps any `validate`: after each round it
//! sets the keys it was told about aside (a key of a map is removed, so its default applies; an
//! element of a list is replaced by `null`) and validates again, until a round brings nothing new.
//! Each problem keeps the factory's own message and key path; a problem under a key already set
//! aside, or a "missing field" for such a key, is a consequence of setting it aside and is dropped.
//!
//! Setting aside is not always enough: a list element becomes `null`, which a list of strings
//! refuses, and a removed key without a default is then missing; either stops the typed parse again,
//! so the semantic checks, which need it to succeed, would never run. [`all_problems_with`] takes a
//! `stand_in` (from the section's schema: [`crate::typed::placeholder`]) that gives a value of the
//! right type for such a path; the value's own problems fall under the key set aside and are dropped.

use serde_json::Value;

use crate::component::ConfigProblem;

/// Rounds before giving up; each round sets at least one key aside, so a section has to be large
/// and wrong everywhere to reach it.
const MAX_ROUNDS: usize = 64;

/// Runs `validate` on `config` until every problem it can find is found. The first round's problems
/// come first, in the factory's order.
pub fn all_problems(
    config: &Value,
    validate: impl Fn(&Value) -> Result<(), Vec<ConfigProblem>>,
) -> Vec<ConfigProblem> {
    all_problems_with(config, validate, |_| None)
}

/// [`all_problems`], with `stand_in(path)` giving a value the section's type accepts at `path` (a
/// list element, a key without a default) to use where a value set aside cannot simply be left out.
pub fn all_problems_with(
    config: &Value,
    validate: impl Fn(&Value) -> Result<(), Vec<ConfigProblem>>,
    stand_in: impl Fn(&str) -> Option<Value>,
) -> Vec<ConfigProblem> {
    let first = match validate(config) {
        Ok(()) => return Vec::new(),
        Err(problems) => problems,
    };
    let mut value = if config.is_null() { Value::Object(serde_json::Map::new()) } else { config.clone() };
    let mut found: Vec<ConfigProblem> = Vec::new();
    let mut aside: Vec<String> = Vec::new();
    // Paths that already got a stand-in, so each gets one at most.
    let mut stood_in: Vec<String> = Vec::new();
    let mut round = Some(first);
    for _ in 0..MAX_ROUNDS {
        let Some(problems) = round.take() else { break };
        let mut progressed = false;
        for p in problems {
            if let Some(missing) = missing_aside(&p, &aside) {
                progressed |= put_stand_in(&mut value, &missing, &stand_in, &mut stood_in);
                continue;
            }
            if let Some(a) = aside.iter().find(|a| covers(a, &p.path)) {
                // The value left where `a` was set aside (`null` in a list) is refused too.
                let a = a.clone();
                progressed |= put_stand_in(&mut value, &a, &stand_in, &mut stood_in);
                continue;
            }
            if found.contains(&p) {
                continue;
            }
            if set_aside(&mut value, &p.path) {
                aside.push(p.path.clone());
                progressed = true;
            }
            found.push(p);
        }
        if !progressed {
            break;
        }
        round = validate(&value).err();
    }
    found
}

/// Puts `stand_in(path)` at `path` once; `true` when it did.
fn put_stand_in(
    value: &mut Value,
    path: &str,
    stand_in: &impl Fn(&str) -> Option<Value>,
    stood_in: &mut Vec<String>,
) -> bool {
    if stood_in.iter().any(|s| s == path) {
        return false;
    }
    let Some(v) = stand_in(path) else { return false };
    stood_in.push(path.to_string());
    put(value, path, v)
}

/// `path` is `prefix` or lies under it (`a.b` covers `a.b`, `a.b.c` and `a.b[0]`, not `a.bc`).
fn covers(prefix: &str, path: &str) -> bool {
    match path.strip_prefix(prefix) {
        Some(rest) => prefix.is_empty() || rest.is_empty() || rest.starts_with('.') || rest.starts_with('['),
        None => false,
    }
}

/// serde's "missing field `k`" at `path` for a key `path.k` that was set aside: the full path.
fn missing_aside(p: &ConfigProblem, aside: &[String]) -> Option<String> {
    let rest = p.message.strip_prefix("missing field `")?;
    let field = rest.split('`').next()?;
    let full = if p.path.is_empty() { field.to_string() } else { format!("{}.{field}", p.path) };
    aside.iter().any(|a| covers(a, &full)).then_some(full)
}

/// Removes the value at `path` (`a.b[2].c`) from `value`; `false` when there is none to remove.
/// Map keys may contain dots, so at each map the longest key that fits the path is taken. A list
/// element is replaced by `null` instead: removing it would shift the indices of later elements
/// (and their messages).
fn set_aside(value: &mut Value, path: &str) -> bool {
    edit(value, path, None)
}

/// Sets the value at `path` to `new` (a missing last map key is added); `false` when `path` does
/// not lead there or the value is already `new`.
fn put(value: &mut Value, path: &str, new: Value) -> bool {
    edit(value, path, Some(new))
}

fn edit(value: &mut Value, path: &str, new: Option<Value>) -> bool {
    if path.is_empty() {
        return false;
    }
    let mut cur = value;
    let mut rest = path;
    loop {
        match cur {
            Value::Object(map) => {
                let key = map
                    .keys()
                    .filter(|k| {
                        rest.strip_prefix(k.as_str())
                            .is_some_and(|r| r.is_empty() || r.starts_with('.') || r.starts_with('['))
                    })
                    .max_by_key(|k| k.len())
                    .cloned();
                let key = match (key, &new) {
                    (Some(k), _) => k,
                    // A stand-in for a missing key: the rest of the path is that key.
                    (None, Some(_)) if !rest.contains(['.', '[']) => rest.to_string(),
                    (None, _) => return false,
                };
                let after = &rest[key.len()..];
                if after.is_empty() {
                    return match new {
                        None => map.remove(&key).is_some(),
                        Some(v) => map.insert(key, v.clone()).is_none_or(|old| old != v),
                    };
                }
                rest = after.strip_prefix('.').unwrap_or(after);
                let Some(next) = map.get_mut(&key) else { return false };
                cur = next;
            }
            Value::Array(items) => {
                let Some(open) = rest.strip_prefix('[') else { return false };
                let Some((index, after)) = open.split_once(']') else { return false };
                let Ok(i) = index.parse::<usize>() else { return false };
                let Some(item) = items.get_mut(i) else { return false };
                if after.is_empty() {
                    let v = new.unwrap_or(Value::Null);
                    if *item == v {
                        return false;
                    }
                    *item = v;
                    return true;
                }
                rest = after.strip_prefix('.').unwrap_or(after);
                cur = item;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::parse_component_config;

    #[allow(dead_code)] // only parsed
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Section {
        #[serde(default)]
        compression: Compression,
        #[serde(default)]
        queue: Queue,
        #[serde(default = "one")]
        timeout: u64,
        #[serde(default)]
        items: Vec<Item>,
        name: String,
    }

    fn one() -> u64 {
        1
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(rename_all = "lowercase")]
    enum Compression {
        #[default]
        Gzip,
        None,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct Queue {
        #[serde(default)]
        size: u32,
    }

    #[allow(dead_code)] // only parsed
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        sql: String,
        #[serde(default)]
        limit: u8,
    }

    fn validate(v: &Value) -> Result<(), Vec<ConfigProblem>> {
        let s: Section = parse_component_config(v).map_err(|p| vec![p])?;
        let mut p = Vec::new();
        if s.timeout > 10 {
            p.push(ConfigProblem::new("timeout", "must be at most 10"));
        }
        if s.queue.size > 100 {
            p.push(ConfigProblem::new("queue.size", "must be at most 100"));
        }
        if p.is_empty() { Ok(()) } else { Err(p) }
    }

    fn paths(v: Value) -> Vec<String> {
        all_problems(&v, validate).into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn reports_type_and_semantic_problems_together() {
        let v =
            json!({"name": "x", "compression": "zstd", "queue": {"size": 1000, "sise": 1}, "timeout": 99});
        let problems = all_problems(&v, validate);
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(text.len(), 4, "{text:?}");
        assert!(text[0].starts_with("compression: unknown variant `zstd`"), "{text:?}");
        assert!(text.contains(&"queue.sise: unknown field `sise`, expected `size`".to_string()), "{text:?}");
        assert!(text.contains(&"timeout: must be at most 10".to_string()), "{text:?}");
        assert!(text.contains(&"queue.size: must be at most 100".to_string()), "{text:?}");
    }

    #[test]
    fn a_good_section_has_none_and_one_problem_stays_one() {
        assert!(paths(json!({"name": "x"})).is_empty());
        assert_eq!(paths(json!({"name": "x", "timeout": "soon"})), ["timeout"]);
        // A required key set aside does not add "missing field" for it.
        assert_eq!(paths(json!({"name": {"a": 1}, "timeout": 50})), ["name"]);
        assert_eq!(paths(json!({"timeout": 50})), [""]);
        assert_eq!(paths(Value::Null), [""]);
    }

    #[test]
    fn a_stand_in_lets_later_and_semantic_problems_through() {
        #[allow(dead_code)] // only parsed
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Strict {
            name: String,
            #[serde(default)]
            tags: Vec<String>,
            #[serde(default)]
            timeout: u64,
            #[serde(default)]
            after: Compression,
        }
        let validate = |v: &Value| -> Result<(), Vec<ConfigProblem>> {
            let s: Strict = parse_component_config(v).map_err(|p| vec![p])?;
            if s.timeout > 10 {
                Err(vec![ConfigProblem::new("timeout", "must be at most 10")])
            } else {
                Ok(())
            }
        };
        let stand_in = |path: &str| match path {
            "name" => Some(json!("")),
            p if p.starts_with("tags[") => Some(json!("")),
            _ => None,
        };
        let run = |v: Value, with: bool| -> Vec<String> {
            let got =
                if with { all_problems_with(&v, validate, stand_in) } else { all_problems(&v, validate) };
            got.into_iter().map(|p| p.path).collect()
        };
        // Without stand-ins the gap: the `null` left in the list, or the missing required key,
        // stops the parse, and the later and the semantic problems stay hidden.
        let list = json!({"name": "x", "tags": ["a", {"b": 1}, "c"], "timeout": 50, "after": "zstd"});
        assert_eq!(run(list.clone(), false), ["after", "tags[1]"]);
        assert_eq!(run(list, true), ["after", "tags[1]", "timeout"]);
        let required = json!({"name": {"a": 1}, "timeout": 50});
        assert_eq!(run(required.clone(), false), ["name"]);
        assert_eq!(run(required, true), ["name", "timeout"]);
        // A stand-in that is itself refused does not loop.
        let bad = |_: &str| Some(json!({"no": "fit"}));
        let v = json!({"name": "x", "tags": [{"b": 1}], "timeout": 50});
        assert_eq!(all_problems_with(&v, validate, bad).len(), 1);
    }

    #[test]
    fn list_elements_keep_their_indices() {
        let v = json!({"name": "x", "items": [
            {"sql": "a", "limit": 300}, {"sql": "b"}, {"sql": "c", "limt": 1}, 7]});
        assert_eq!(paths(v), ["items[0].limit", "items[2].limt", "items[3]"]);
    }

    #[test]
    fn keys_with_dots_are_found() {
        let mut v = json!({"a": {"db.name": {"x": 1}, "db": 2}});
        assert!(set_aside(&mut v, "a.db.name.x"));
        assert_eq!(v, json!({"a": {"db.name": {}, "db": 2}}));
        assert!(!set_aside(&mut v, "a.nope"));
        assert!(!set_aside(&mut v, ""));
        assert!(covers("a.b", "a.b[0]") && covers("a.b", "a.b.c") && !covers("a.b", "a.bc"));
    }

    #[test]
    fn ignored_keys_present_lists_the_set_ones() {
        let v = json!({"a": 1, "b": null, "pool": {"max_idle": 2}});
        let keys = [("a", "x"), ("b", "y"), ("c", "z"), ("pool.max_idle", "w"), ("pool.other", "v")];
        let got = crate::ignored_keys_present(&v, &keys);
        assert_eq!(got, [ConfigProblem::new("a", "x"), ConfigProblem::new("pool.max_idle", "w")]);
        assert!(crate::ignored_keys_present(&Value::Null, &keys).is_empty());
    }
}
