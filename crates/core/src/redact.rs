//! Keeping credentials out of messages: one redaction every component uses before it prints a URL or
//! an error text that may quote one (HTTP client errors often do).

use std::borrow::Cow;

/// What replaces a hidden credential.
pub const MASK: &str = "***";

/// Hides the user info of every `scheme://user:password@host` URL found anywhere in `text`: the
/// password becomes `***` (`https://user:***@host`); user info without a password may itself be a
/// token (`https://apikey@host`), so it is hidden whole (`https://***@host`). Text without such a URL is
/// returned borrowed.
pub fn redact_url_userinfo(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("://") {
        let authority_start = search + found + 3;
        let rest = &text[authority_start..];
        let mut authority_len = rest.find(ends_authority).unwrap_or(rest.len());
        // A password with a raw `/`, `?` or `#` (`http://u:pa/ss@host`) ends the RFC authority early;
        // text after a `:` that is not a port, with an `@` later in the same word, is user info too.
        if !rest[..authority_len].contains('@') && after_last_colon_is_not_a_port(&rest[..authority_len]) {
            let word_len = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
            if let Some(at) = rest[..word_len].rfind('@') {
                authority_len =
                    rest[at..].find(ends_authority).map_or(word_len, |end| (at + end).min(word_len));
            }
        }
        let authority = &rest[..authority_len];
        // Resume right after `://`: an authority cannot hold `/`, but its last `:` may start another `://`.
        search = authority_start;
        let Some(at) = authority.rfind('@') else { continue };
        let userinfo = &authority[..at];
        if userinfo.is_empty() {
            continue;
        }
        let masked = match userinfo.split_once(':') {
            Some((user, _)) if !user.is_empty() => format!("{user}:{MASK}"),
            _ => MASK.to_string(),
        };
        let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
        buf.push_str(&text[copied..authority_start]);
        buf.push_str(&masked);
        copied = authority_start + at;
    }
    match out {
        Some(mut buf) => {
            buf.push_str(&text[copied..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(text),
    }
}

/// `u:pa` (a password cut short), as opposed to `host:4318`, `[::1]:80` or `host`.
fn after_last_colon_is_not_a_port(authority: &str) -> bool {
    authority.rsplit_once(':').is_some_and(|(_, after)| {
        !after.is_empty() && !after.bytes().all(|b| b.is_ascii_digit()) && !after.ends_with(']')
    })
}

/// Characters that end a URL's authority (RFC 3986), or the URL itself inside running text.
fn ends_authority(c: char) -> bool {
    matches!(c, '/' | '?' | '#' | '"' | '\'' | '`' | '<' | '>' | ',' | ';' | ')' | ']' | '}')
        || c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_passwords_and_token_user_info() {
        assert_eq!(redact_url_userinfo("http://user:pass@host:4318/v1"), "http://user:***@host:4318/v1");
        assert_eq!(redact_url_userinfo("https://apikey@host"), "https://***@host");
        assert_eq!(
            redact_url_userinfo("postgres://u:p@ss@db:5432/x?sslmode=1"),
            "postgres://u:***@db:5432/x?sslmode=1"
        );
        assert_eq!(redact_url_userinfo("https://:secret@host"), "https://***@host");
        assert_eq!(redact_url_userinfo("http://u:pa/ss@h:1/x y"), "http://u:***@h:1/x y");
        assert_eq!(redact_url_userinfo("see http://u:p?w#d@h/v1 now"), "see http://u:***@h/v1 now");
    }

    #[test]
    fn finds_every_url_in_running_text() {
        let msg = "error sending request for url (http://a:b@h1/x): peer http://c:d@h2 said no";
        assert_eq!(
            redact_url_userinfo(msg),
            "error sending request for url (http://a:***@h1/x): peer http://c:***@h2 said no"
        );
    }

    #[test]
    fn leaves_text_without_user_info_alone() {
        for s in [
            "",
            "no url",
            "http://host:4318/v1/metrics?x=a@b",
            "http://[::1]:4318/a@b",
            "http://h/x?a@b",
            "mailto:x@y",
            "://",
            "x://@h",
        ] {
            assert!(matches!(redact_url_userinfo(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        for s in ["://@", "a://:@", "é://ü:ö@ä", "http://u:p@", "http://u:p@h://v:w@"] {
            let out = redact_url_userinfo(s);
            assert!(!out.contains(":p@") && !out.contains(":ö@") && !out.contains(":w@"), "{s} -> {out}");
        }
    }
}
