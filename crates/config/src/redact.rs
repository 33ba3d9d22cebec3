//! Keeping values that came from `${env:...}` and `${file:...}` placeholders out of every message.
//!
//! Two layers:
//!
//! 1. **By key path.** A problem reported at a key whose value came from a placeholder (or at a key
//!    above it: a factory may complain about a whole section) gets a message built without the
//!    value: the quoted parts of the original message are hidden, what was expected is kept, and the
//!    placeholder (`${env:NAME}`, `${file:/path}`) and what to fix are named.
//! 2. **Everywhere.** Every message (config errors, component-creation errors, run-time log lines
//!    through the binary's log writer) is scrubbed of every value in every shape we know a message can
//!    give it: as is, trimmed, line by line, with whitespace collapsed, JSON- or Debug-escaped,
//!    re-rendered as a number (`1e20`, `1e+20`, `1000.0`), and any run of 8 or more characters that
//!    also occurs in a value (a fragment).
//!
//! Values from a `:-default` are written in the config itself and are not treated as secrets.

use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What replaces a hidden value in messages.
pub const HIDDEN: &str = "<hidden>";

/// Shapes shorter than this (in chars) are hidden only in messages about their own key, and only as
/// whole words: hiding every `1` or `on` everywhere would garble every message.
const MIN_SHAPE_CHARS: usize = 4;
/// Shapes this long (in chars) are hidden wherever they occur; shorter ones only where they are not
/// part of a longer word, so a user name `postgres` from `${env:PGUSER}` is hidden in `user=postgres`
/// but does not turn the component type `postgresql` into `<hidden>ql` in every message.
const ANYWHERE_CHARS: usize = 12;
/// Keys whose values are never secrets, matched against the last segment of a key path. Their values
/// are still hidden in messages about the key itself. User names are not listed: the Collector does
/// not treat them as secrets, but a role name is half of a login, and hiding it errs on the safe side.
const PUBLIC_KEYS: &[&str] = &[
    "level",
    "encoding",
    "development",
    "replicas",
    "ordinal",
    "collection_interval",
    "initial_delay",
    "timeout",
    "transport",
    "driver",
];

/// Whether the rendered key path ends in a key of [`PUBLIC_KEYS`] (`a.b.level`, `a.users[0]` no).
fn is_public_key(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    PUBLIC_KEYS.contains(&last)
}

/// Characters that split a value into pieces hidden on their own (see `shapes_of`).
const QUOTES: [char; 4] = ['"', '\'', '`', '\\'];
/// Length of the fragments (in chars) looked for in messages.
const FRAGMENT_CHARS: usize = 8;
/// Bytes of values indexed for fragments, at most (bounds the index at a few MB).
const MAX_INDEXED_BYTES: usize = 256 << 10;

/// The placeholders of one scalar and the values they brought in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Substitution {
    /// Each placeholder as written, e.g. `${env:PG_PASSWORD}` (never a value).
    pub placeholders: Vec<String>,
    /// What to fix for each placeholder that read the environment or a file.
    pub fixes: Vec<String>,
    /// The values read from the environment or files (secrets).
    pub secrets: Vec<String>,
}

/// Hides placeholder values in messages. Cheap to clone; its `Debug` shows no value.
#[derive(Clone, Default)]
pub struct Redactor {
    inner: Arc<Inner>,
}

#[derive(Default, PartialEq)]
struct Inner {
    /// Rendered key path -> what was substituted there.
    paths: BTreeMap<String, Substitution>,
    /// Shapes of every secret, `MIN_SHAPE_CHARS` or longer, longest first.
    shapes: Vec<String>,
    /// For each shape of `FRAGMENT_CHARS` or more chars, the hash of its first window: a shape can
    /// only occur in a text that has that window (a cheap prefilter for long secrets).
    first_windows: Vec<Option<u64>>,
    /// Hashes of every `FRAGMENT_CHARS`-char window of every secret line, sorted.
    fragments: Vec<u64>,
}

impl PartialEq for Redactor {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner == other.inner
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("paths", &self.inner.paths.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Redactor {
    pub(crate) fn new(paths: BTreeMap<String, Substitution>) -> Self {
        let mut shapes = Vec::new();
        let mut fragments = Vec::new();
        let mut indexed = 0usize;
        // A file read by several placeholders is one secret. Values at keys that never hold a secret
        // (a log level, an interval: see `PUBLIC_KEYS`) are hidden only in messages about their own
        // key, not in every message: `${env:LOG_LEVEL}` = `info` would otherwise hide that word in
        // every log line.
        let unique: std::collections::BTreeSet<&str> = paths
            .iter()
            .filter(|(path, _)| !is_public_key(path))
            .flat_map(|(_, s)| s.secrets.iter().map(String::as_str))
            .collect();
        for secret in unique {
            shapes.extend(
                shapes_of(secret)
                    .into_iter()
                    .filter(|s| s.chars().count() >= MIN_SHAPE_CHARS)
                    .map(|s| s.to_ascii_lowercase()),
            );
            for line in secret.lines() {
                if indexed >= MAX_INDEXED_BYTES {
                    break;
                }
                indexed += line.len();
                let chars: Vec<char> = line.trim().to_ascii_lowercase().chars().collect();
                // Fragments catch a part of a longer secret; a line no longer than one is a whole
                // shape, hidden as such.
                if chars.len() <= FRAGMENT_CHARS {
                    continue;
                }
                fragments.extend(chars.windows(FRAGMENT_CHARS).map(hash_chars));
            }
        }
        shapes.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        shapes.dedup();
        fragments.sort_unstable();
        fragments.dedup();
        let first_windows = shapes
            .iter()
            .map(|s| {
                let head: Vec<char> = s.chars().take(FRAGMENT_CHARS).collect();
                (head.len() == FRAGMENT_CHARS).then(|| hash_chars(&head))
            })
            .collect();
        Self { inner: Arc::new(Inner { paths, shapes, first_windows, fragments }) }
    }

    /// Whether no value came from the environment or a file (nothing to hide).
    pub fn is_empty(&self) -> bool {
        self.inner.paths.values().all(|s| s.secrets.iter().all(|v| v.trim().is_empty()))
    }

    /// Whether the scalar at a rendered key path came from a placeholder.
    pub fn is_substituted(&self, path: &str) -> bool {
        self.inner.paths.contains_key(path)
    }

    /// Hides every placeholder value, in every known shape and every fragment of 8 characters or
    /// more, in `text`. For messages about the config (validation, component creation).
    pub fn redact(&self, text: &str) -> String {
        self.redact_with(text, &[])
    }

    /// Hides every placeholder value in every known shape (whole, each line, collapsed, escaped,
    /// re-rendered numbers) but not fragments, for run-time log lines and statuses: a component
    /// that prints the host of a datasource that came from `${env:DSN}` keeps saying which server
    /// it means, while the whole value (and so any password in it) stays hidden.
    pub fn redact_values(&self, text: &str) -> String {
        self.scrub(text, &[], false)
    }

    /// The message to show for a problem at `path` (a rendered key path, e.g.
    /// `receivers.sqlquery.collection_interval`): built without the value when the key (or a key
    /// under it) came from a placeholder, and scrubbed of every placeholder value in any case.
    pub fn message_at(&self, path: &str, message: &str) -> String {
        if let Some(sub) = self.inner.paths.get(path) {
            return self.at_substituted(sub, message);
        }
        // The problem is about a key above substituted ones (a whole section).
        let below: Vec<&Substitution> =
            self.inner.paths.iter().filter(|(p, _)| is_below(p, path)).map(|(_, s)| s).collect();
        if below.is_empty() {
            // Or below one (a scalar cannot have keys below it, but be safe).
            if let Some((_, sub)) = self.inner.paths.iter().find(|(p, _)| is_below(path, p)) {
                return self.at_substituted(sub, message);
            }
            return self.redact(message);
        }
        let short: Vec<&str> = below.iter().flat_map(|s| s.secrets.iter().map(String::as_str)).collect();
        let out = self.redact_with(message, &short);
        if out == message {
            out
        } else {
            format!("{out} (values from placeholders under this key are not shown)")
        }
    }

    fn at_substituted(&self, sub: &Substitution, message: &str) -> String {
        if sub.secrets.is_empty() {
            // Only `:-default`s, written in the config itself.
            return self.redact(message);
        }
        let short: Vec<&str> = sub.secrets.iter().map(String::as_str).collect();
        // serde's messages end with `, expected <what>`, which never holds the value.
        let (head, expected) = match message.rfind(", expected ") {
            Some(i) => (&message[..i], Some(&message[i + ", expected ".len()..])),
            None => (message, None),
        };
        let mut out = self.redact_with(&hide_quoted(head, &short), &short);
        if let Some(expected) = expected {
            out.push_str(", expected ");
            out.push_str(&self.redact_with(expected, &short));
        }
        let placeholders = sub.placeholders.join(", ");
        let fix = if sub.fixes.is_empty() {
            "fix the value".to_string()
        } else {
            let mut fixes = sub.fixes.clone();
            fixes.dedup();
            fixes.join(" and ")
        };
        format!("{out} (the value comes from {placeholders} and is not shown; {fix})")
    }

    /// Hides every long shape and fragment of every secret, plus whole-word occurrences of every
    /// shape of `local` (secrets of the key the message is about), however short.
    fn redact_with(&self, text: &str, local: &[&str]) -> String {
        self.scrub(text, local, true)
    }

    fn scrub(&self, text: &str, local: &[&str], fragments: bool) -> String {
        if self.inner.shapes.is_empty() && self.inner.fragments.is_empty() && local.is_empty() {
            return text.to_string();
        }
        let mut hide = vec![false; text.len()];
        let mut mark = |start: usize, len: usize| hide[start..start + len].iter_mut().for_each(|h| *h = true);
        // Matching ignores ASCII case (a server folds an unquoted identifier to lower case), which
        // keeps byte offsets: `folded` and `text` have the same char boundaries.
        let folded = text.to_ascii_lowercase();
        let chars: Vec<(usize, char)> = folded.char_indices().collect();
        let mut windows: Vec<u64> = chars
            .windows(FRAGMENT_CHARS)
            .map(|w| hash_chars(&w.iter().map(|(_, c)| *c).collect::<Vec<char>>()))
            .collect();
        windows.sort_unstable();
        for (shape, first) in self.inner.shapes.iter().zip(&self.inner.first_windows) {
            if shape.len() > text.len() || first.is_some_and(|h| windows.binary_search(&h).is_err()) {
                continue;
            }
            for (i, m) in folded.match_indices(shape.as_str()) {
                if shape.chars().count() >= ANYWHERE_CHARS || !inside_a_word(text, i, m.len()) {
                    mark(i, m.len());
                }
            }
        }
        for secret in local {
            for shape in short_shapes(secret).into_iter().filter(|s| s.len() <= text.len()) {
                for (i, m) in folded.match_indices(shape.to_ascii_lowercase().as_str()) {
                    let before = text[..i].chars().next_back();
                    let after = text[i + m.len()..].chars().next();
                    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    if !word(before) && !word(after) {
                        mark(i, m.len());
                    }
                }
            }
        }
        if fragments && !self.inner.fragments.is_empty() {
            for (w, window) in chars.windows(FRAGMENT_CHARS).enumerate() {
                let cs: Vec<char> = window.iter().map(|(_, c)| *c).collect();
                if self.inner.fragments.binary_search(&hash_chars(&cs)).is_ok() {
                    let start = chars[w].0;
                    let (last_i, last_c) = window[FRAGMENT_CHARS - 1];
                    mark(start, last_i + last_c.len_utf8() - start);
                }
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut in_hidden = false;
        for (i, c) in text.char_indices() {
            if hide[i] {
                if !in_hidden {
                    out.push_str(HIDDEN);
                    in_hidden = true;
                }
            } else {
                in_hidden = false;
                out.push(c);
            }
        }
        out
    }
}

/// Whether `text[start..start + len]` continues a letter, digit or underscore on either side
/// (`postgres` in `postgresql`, a user name `dbintel` in the metric name `dbintel_receiver_...`), so
/// it is part of a longer word or identifier rather than the value itself.
fn inside_a_word(text: &str, start: usize, len: usize) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let first = text[start..].chars().next();
    let last = text[..start + len].chars().next_back();
    (alnum(first) && alnum(text[..start].chars().next_back()))
        || (alnum(last) && alnum(text[start + len..].chars().next()))
}

/// Whether rendered path `p` is strictly below `parent` (`a.b.c` or `a.b[0]` below `a.b`).
fn is_below(p: &str, parent: &str) -> bool {
    (parent.is_empty() && !p.is_empty())
        || p.strip_prefix(parent).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// Replaces the content of every `...` and "..." in a message that is related to one of `secrets`
/// (shares three characters in a row with it, in any case, or is one of its shapes) by [`HIDDEN`]:
/// messages quote the offending value that way. Unrelated quotes (examples, allowed values) stay.
fn hide_quoted(s: &str, secrets: &[&str]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find(['`', '"']) {
        let q = &rest[start..start + 1];
        out.push_str(&rest[..=start]);
        let after = &rest[start + 1..];
        // serde quotes strings Debug-style: `\"` and `\\` inside do not end the quote.
        let close = if q == "\"" { find_unescaped_quote(after) } else { after.find(q) };
        match close {
            Some(end) => {
                let content = &after[..end];
                out.push_str(if related(content, secrets) { HIDDEN } else { content });
                out.push_str(q);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(HIDDEN);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The byte offset of the first `"` in `s` that is not escaped by a backslash.
fn find_unescaped_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

fn related(content: &str, secrets: &[&str]) -> bool {
    let c = content.to_lowercase();
    let t = c.trim();
    if t.is_empty() {
        return true;
    }
    let chars: Vec<char> = t.chars().collect();
    // The content's own 3-grams (few: messages are short), looked up in each secret.
    let grams: Vec<String> = chars.windows(3).map(|g| g.iter().collect()).collect();
    secrets.iter().any(|secret| {
        let s = secret.to_lowercase();
        let st = s.trim();
        s.contains(t)
            || grams.iter().any(|g| s.contains(g.as_str()))
            || (!st.is_empty() && st.chars().count() < 3 && t.contains(st))
            || same_number(t, st)
    })
}

/// Whether two texts are the same number however printed (`1e20` and `100000000000000000000`).
fn same_number(a: &str, b: &str) -> bool {
    let num = |s: &str| {
        let looks = !s.is_empty()
            && s.chars().any(|c| c.is_ascii_digit())
            && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
        if looks { s.parse::<f64>().ok().filter(|f| f.is_finite()) } else { None }
    };
    matches!((num(a), num(b)), (Some(x), Some(y)) if x == y)
}

fn hash_chars(cs: &[char]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    cs.hash(&mut h);
    h.finish()
}

/// The shapes of `secret` shorter than [`MIN_SHAPE_CHARS`] (the longer ones are always hidden):
/// all of them for a short secret, the short lines of a long one.
fn short_shapes(secret: &str) -> Vec<String> {
    if secret.trim().chars().count() < MIN_SHAPE_CHARS * 4 {
        return shapes_of(secret);
    }
    secret
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().count() < MIN_SHAPE_CHARS)
        .map(str::to_string)
        .collect()
}

/// Every shape a message may give `secret`.
fn shapes_of(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_string(), secret.trim().to_string()];
    out.extend(secret.lines().map(|l| l.trim().to_string()));
    out.push(secret.split_whitespace().collect::<Vec<_>>().join(" "));
    out.push(
        secret.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" "),
    );
    let quoted = |q: String| q.get(1..q.len().saturating_sub(1)).unwrap_or_default().to_string();
    out.push(quoted(serde_json::Value::String(secret.to_string()).to_string()));
    out.push(quoted(format!("{secret:?}")));
    out.push(secret.escape_default().to_string());
    // The pieces between quotes and backslashes: a message that quotes the value (a server error
    // naming a role) may be obfuscated like SQL, every quoted run becoming `?`, which leaves the
    // rest of the value in pieces (`role "a\nb "quoted part" c"` -> `role "?"quoted part"?"`).
    // Only pieces of a fragment's length or more: a 4-letter piece (`word` of `pw"word`) hidden
    // everywhere would garble every message (`pass<hidden>`).
    if secret.contains(QUOTES) {
        out.extend(
            secret
                .lines()
                .flat_map(|l| l.split(QUOTES))
                .map(|p| p.trim().to_string())
                .filter(|p| p.chars().count() >= FRAGMENT_CHARS),
        );
    }
    let t = secret.trim();
    if !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && let Ok(f) = t.parse::<f64>()
        && f.is_finite()
    {
        out.extend(number_shapes(f));
    }
    out.retain(|s| !s.trim().is_empty());
    out.sort();
    out.dedup();
    out
}

/// The ways a number is printed by Rust, serde and Go (`1e20`, `1e+20`, `100000000000000000000`,
/// `1000.0`).
fn number_shapes(f: f64) -> Vec<String> {
    let mut out = vec![format!("{f}"), format!("{f:?}"), format!("{f:e}"), format!("{f:E}")];
    if let Some(n) = serde_json::Number::from_f64(f) {
        out.push(n.to_string());
    }
    for e in [format!("{f:e}"), format!("{f:E}")] {
        if let Some((m, x)) = e.split_once(['e', 'E'])
            && !x.starts_with('-')
        {
            out.push(format!("{m}e+{x}"));
            out.push(format!("{m}E+{x}"));
            out.push(format!("{m}e+{x:0>2}"));
        }
    }
    if f.fract() == 0.0 && f.abs() < 1e300 {
        let int = format!("{f:.0}");
        out.push(format!("{int}.0"));
        out.push(int);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(path: &str, placeholder: &str, secret: &str) -> Redactor {
        let sub = Substitution {
            placeholders: vec![placeholder.to_string()],
            fixes: vec!["check the environment variable `X`".to_string()],
            secrets: vec![secret.to_string()],
        };
        Redactor::new(BTreeMap::from([(path.to_string(), sub)]))
    }

    /// A log level from the environment is not a secret: hiding `INFO` in every log line made the
    /// logs unreadable. Messages about the key itself still leave the value out.
    #[test]
    fn values_of_public_keys_stay_readable_elsewhere() {
        let r = redactor("service.telemetry.logs.level", "${env:LEVEL}", "INFO");
        assert_eq!(r.redact_values("INFO started"), "INFO started");
        assert!(!r.message_at("service.telemetry.logs.level", "bad level `INFO`").contains("`INFO`"));
        // The same word from a secret key is still hidden everywhere.
        let r = redactor("receivers.postgresql.password", "${env:PGPASSWORD}", "dbintel");
        assert_eq!(r.redact_values("starting dbintel"), "starting <hidden>");
        assert!(is_public_key("a.b.level") && !is_public_key("a.b.password") && !is_public_key("a.levels"));
    }

    #[test]
    fn hides_every_shape() {
        let r = redactor("a.b", "${env:X}", "first line\nsecond-line-here\n  third");
        for text in [
            "x `first line second-line-here third` y",
            "x \"first line\\nsecond-line-here\\n  third\" y",
            "x second-line y",
            "x line-her y",
        ] {
            let out = r.redact(text);
            assert!(
                !out.contains("first line") && !out.contains("second") && !out.contains("line-her"),
                "{out}"
            );
        }
        let r = redactor("a.b", "${env:X}", "100000000000000000000");
        for text in ["got 1e20", "got 1e+20", "got 100000000000000000000.0", "got 1E20"] {
            assert!(r.redact(text).ends_with(HIDDEN), "{text}: {}", r.redact(text));
        }
        let r = redactor("a.b", "${env:X}", "postgres://u:pw@db.internal:5432/x");
        assert_eq!(r.redact_values("dsn postgres://u:pw@db.internal:5432/x"), "dsn <hidden>");
        assert_eq!(r.redact_values("cannot reach db.internal:5432"), "cannot reach db.internal:5432");
        assert_eq!(r.redact("cannot reach db.internal:5432"), "cannot reach <hidden>");
        let r = redactor("a.b", "${env:X}", "1000.0");
        assert_eq!(
            r.message_at("a.b", "invalid type: floating point `1000`, expected u32").matches("1000").count(),
            0
        );
    }

    /// A message that quotes the value and is then obfuscated like SQL (each quoted run becomes `?`)
    /// leaves the value in pieces; run-time redaction (no fragment rule) still hides every piece.
    #[test]
    fn hides_the_pieces_an_obfuscated_quote_leaves() {
        let secret = "ZQXline1\nZQXline2 \"quoted part\" \\ back";
        let r = redactor("a.b", "${file:/s}", secret);
        for text in ["role \"?\"quoted part\"?\" does not exist", "role 'it?quoted part?' x", "ZQXline2 ? x"]
        {
            for out in [r.redact_values(text), r.redact(text)] {
                for piece in ["quoted part", "ZQXline2"] {
                    assert!(!out.contains(piece), "{piece:?} in {out:?}");
                }
            }
        }
        let r = redactor("a.b", "${env:X}", "it's a 'secret phrase'");
        assert_eq!(r.redact_values("value ?secret phrase? refused"), "value ?<hidden>? refused");
        // Short pieces are not hidden on their own: they would garble every message.
        let r = redactor("a.b", "${env:X}", "ZQX\"pw\\word");
        assert_eq!(r.redact_values("check the password"), "check the password");
        // Values without quotes are not split: a host named by a component stays readable.
        let r = redactor("a.b", "${env:X}", "postgres://u:pw@db.internal:5432/x");
        assert_eq!(r.redact_values("cannot reach db.internal:5432"), "cannot reach db.internal:5432");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_never_shows_the_value(
            secret in "[a-zA-Z0-9 \n:=-]{0,40}",
            before in "\\PC{0,20}",
            after in "\\PC{0,20}",
        ) {
            let r = redactor("a.b", "${env:X}", &secret);
            // Messages set a value apart from the words around it; glued to a word, only a long
            // value is hidden (a short one may be a part of an ordinary word: `postgres`).
            let apart = format!("{before} {secret}:{after}");
            let glued = format!("{before}{secret}{after}");
            for (text, min_chars) in [(apart, MIN_SHAPE_CHARS), (glued, ANYWHERE_CHARS)] {
                for out in [r.redact(&text), r.redact_values(&text), r.message_at("a.b", &text), r.message_at("a", &text)] {
                    for line in secret.lines().map(str::trim).filter(|l| l.chars().count() >= min_chars && !HIDDEN.contains(l)) {
                        proptest::prop_assert!(!out.contains(line), "{:?} in {:?}", line, out);
                    }
                }
            }
        }
    }

    /// serde prints a string Debug-escaped; the quoted value ends at the unescaped quote, so no
    /// escaped quote or backslash of the value is left over.
    #[test]
    fn escaped_quotes_in_a_quoted_value_are_hidden_with_it() {
        let secret = "ünïcødé-ZQXsecret\"\\";
        let r = redactor("a.b", "${env:X}", secret);
        let m = r.message_at("a.b", &format!("invalid type: string {secret:?}, expected a boolean"));
        assert!(m.starts_with("invalid type: string \"<hidden>\", expected a boolean"), "{m}");
    }

    /// A server folds an unquoted identifier to lower case (`relation "zqxtable" does not exist`
    /// for `FROM ${env:T}` = `ZQXTable`): every shape and fragment is matched ignoring ASCII case.
    #[test]
    fn case_folded_values_are_hidden() {
        let r = redactor("a.b", "${env:X}", "ZQXTableSecret6");
        assert_eq!(
            r.redact_values("ERROR: relation \"zqxtablesecret6\" does not exist"),
            "ERROR: relation \"<hidden>\" does not exist"
        );
        assert_eq!(r.redact_values("ZQXTABLESECRET6"), "<hidden>");
        let r = redactor("a.b", "${env:X}", "select 1 from ZQXTableSecret6 where ünï = 'Ä'");
        let out = r.redact("relation zqxtablesecret6 missing");
        assert!(!out.contains("zqxtable") && !out.contains("secret6"), "{out}");
        let r = redactor("a.b", "${env:X}", "Ab");
        assert_eq!(
            r.message_at("a.b", "unknown value ab here"),
            "unknown value <hidden> here (the value comes from ${env:X} and is not shown; check the environment variable `X`)"
        );
    }

    #[test]
    fn messages_at_the_key_keep_what_was_expected() {
        let r = redactor("a.b", "${env:X}", "on");
        let m = r.message_at("a.b", "unknown variant `on`, expected `gauge` or `sum`");
        assert_eq!(
            m,
            "unknown variant `<hidden>`, expected `gauge` or `sum` (the value comes from ${env:X} and is not \
             shown; check the environment variable `X`)"
        );
        let m = r.message_at("a", "section a: b is on, not off");
        assert!(!m.contains(" on,") && m.contains("not off") && m.contains("not shown"), "{m}");
        assert_eq!(r.message_at("c", "turn it on"), "turn it on");
    }

    #[test]
    fn a_user_name_is_not_hidden_inside_identifiers() {
        let r = redactor("receivers.postgresql.username", "${env:PGUSER}", "dbintel");
        assert_eq!(
            r.redact_values("dbintel_receiver_unsettled_answers_total rose; login dbintel failed"),
            "dbintel_receiver_unsettled_answers_total rose; login <hidden> failed"
        );
        assert_eq!(r.redact_values("user=dbintel,db=x _dbintel"), "user=<hidden>,db=x _dbintel");
    }

    #[test]
    fn a_short_value_is_hidden_as_a_word_not_inside_other_words() {
        let r = redactor("receivers.postgresql.username", "${env:PGUSER}", "postgres");
        assert_eq!(
            r.redact_values("postgresql: connected receiver=postgresql/local user=postgres"),
            "postgresql: connected receiver=postgresql/local user=<hidden>"
        );
        assert_eq!(
            r.redact("receivers.postgresql.collection_interval: too short; role \"postgres\""),
            "receivers.postgresql.collection_interval: too short; role \"<hidden>\""
        );
        let r = redactor("a.b", "${env:X}", "sup3r-s3cret-value");
        assert_eq!(r.redact_values("xsup3r-s3cret-valuex"), "x<hidden>x");
    }
}
