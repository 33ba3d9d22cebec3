//! PII detectors that do not cry wolf: hand-written scanners behind a one-pass prefilter, each match
//! validated (Luhn and issuer prefix for cards, SSA area/group/serial for SSNs, recognised phone
//! shapes, the IBAN mod-97 checksum and country length, parsed IP addresses). The prototype's regexes
//! flagged order numbers, timestamps and UUIDs; these scanners take token boundaries into account.

use std::net::{Ipv4Addr, Ipv6Addr};

use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;

/// What replaces a detected value (or the value of an attribute whose name suggests PII).
pub const REDACTED: &str = "[REDACTED]";

/// A kind of PII; `as_str` is the name used in attributes, counters and feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    Email,
    CreditCard,
    Ssn,
    Phone,
    Iban,
    Ipv4,
    Ipv6,
    Secret,
    Custom,
    /// An attribute whose name suggests PII (`email`, `password`, ...), whatever its value.
    SensitiveName,
}

impl PiiKind {
    pub const ALL: [PiiKind; 10] = [
        PiiKind::Email,
        PiiKind::CreditCard,
        PiiKind::Ssn,
        PiiKind::Phone,
        PiiKind::Iban,
        PiiKind::Ipv4,
        PiiKind::Ipv6,
        PiiKind::Secret,
        PiiKind::Custom,
        PiiKind::SensitiveName,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::CreditCard => "credit_card",
            PiiKind::Ssn => "ssn",
            PiiKind::Phone => "phone",
            PiiKind::Iban => "iban",
            PiiKind::Ipv4 => "ipv4",
            PiiKind::Ipv6 => "ipv6",
            PiiKind::Secret => "secret",
            PiiKind::Custom => "custom",
            PiiKind::SensitiveName => "sensitive_name",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Which detector set runs (the prototype's `sensitivity_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    /// Secrets, card numbers, SSNs and IBANs: the values that must never leave.
    Low,
    /// `low` plus e-mail addresses and phone numbers.
    #[default]
    Medium,
    /// `medium` plus IPv4 and IPv6 addresses.
    High,
}

/// One match: `kind` at the byte range `start..end` of the scanned string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    pub kind: PiiKind,
    pub start: usize,
    pub end: usize,
}

/// The detector set for one sensitivity level plus the custom patterns.
#[derive(Debug, Clone)]
pub struct Detectors {
    email: bool,
    phone: bool,
    ip: bool,
    custom: Vec<Regex>,
}

// Byte classes of the prefilter: one table lookup per byte decides which detectors run.
const C_DIGIT: u8 = 1;
const C_AT: u8 = 2;
const C_SEP: u8 = 4; // '=' or ':'
const C_UPPER: u8 = 8;
const C_B: u8 = 16; // 'b' / 'B' (bearer)
const C_COLON: u8 = 32;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut c = 0;
        if b.is_ascii_digit() {
            c |= C_DIGIT;
        }
        if b == b'@' {
            c |= C_AT;
        }
        if b == b'=' {
            c |= C_SEP;
        }
        if b == b':' {
            c |= C_SEP | C_COLON;
        }
        if b.is_ascii_uppercase() {
            c |= C_UPPER;
        }
        if b == b'b' || b == b'B' {
            c |= C_B;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// Separators inside a numeric token (`4111 1111`, `555-234-5678`, `(555) 234.5678`, `+1`).
const NUM_SEP: [bool; 256] = {
    let mut t = [false; 256];
    t[b' ' as usize] = true;
    t[b'-' as usize] = true;
    t[b'.' as usize] = true;
    t[b'(' as usize] = true;
    t[b')' as usize] = true;
    t[b'+' as usize] = true;
    t
};

/// Whether an 8-byte chunk may hold a byte the detectors start from: a digit, `@`, `=`, `:` or `A`
/// (SWAR; false positives only cost a walk of the chunk).
pub(crate) fn interesting(x: u64) -> bool {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(L) & !v & H;
    let low = x & !H;
    // Bytes strictly between 0x2F and 0x3A: the digits (ASCII only; non-ASCII bytes never start a match).
    let digits = (L.wrapping_mul(127 + 0x3A).wrapping_sub(low))
        & !x
        & (low.wrapping_add(L.wrapping_mul(127 - 0x2F)))
        & H;
    digits
        | has_zero(x ^ L.wrapping_mul(u64::from(b'@')))
        | has_zero(x ^ L.wrapping_mul(u64::from(b'=')))
        | has_zero(x ^ L.wrapping_mul(u64::from(b':')))
        | has_zero(x ^ L.wrapping_mul(u64::from(b'A')))
        != 0
}

/// `=`/`:` positions remembered by the first pass; beyond, the secret scan walks the whole value.
const MAX_SEPS: usize = 16;

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Detectors {
    pub fn new(level: Sensitivity, custom: Vec<Regex>) -> Self {
        Self {
            email: level != Sensitivity::Low,
            phone: level != Sensitivity::Low,
            ip: level == Sensitivity::High,
            custom,
        }
    }

    /// Appends the findings in `s` to `out`, sorted by start, overlaps removed (the earlier,
    /// then longer, match wins).
    pub fn scan(&self, s: &str, out: &mut Vec<Finding>) {
        let first = out.len();
        let b = s.as_bytes();
        // The one pass over the bytes, 8 at a time: a chunk without digits, `@`, `=`, `:` or `A` is
        // skipped whole. The others are walked byte by byte for: which classes occur, the longest run
        // of digits in a numeric token (digits with separators), an IBAN-like start (two capitals, two
        // digits), an AWS key prefix, and where `=`/`:` are.
        let mut flags = 0u8;
        let (mut num_run, mut num_max) = (0u32, 0u32);
        let mut hist = 0u32;
        let (mut iban_like, mut aws_like) = (false, false);
        let mut seps = [0u32; MAX_SEPS];
        let mut nseps = 0usize;
        let n = b.len();
        let mut i = 0;
        let mut done = 0; // bytes before this were walked
        while i < n {
            let (from, to) = if i + 8 <= n {
                let mut chunk = [0u8; 8];
                chunk.copy_from_slice(&b[i..i + 8]);
                if !interesting(u64::from_le_bytes(chunk)) {
                    // No token of ours spans 8 uninteresting bytes: runs restart.
                    num_run = 0;
                    hist = 0;
                    i += 8;
                    continue;
                }
                // Back up over what a skipped chunk may have hidden (the capitals of an IBAN).
                (i.saturating_sub(3).max(done), i + 8)
            } else {
                (i.max(done), n)
            };
            for (j, &x) in b.iter().enumerate().take(to).skip(from) {
                let c = CLASS[x as usize];
                flags |= c;
                let digit = c & C_DIGIT != 0;
                if digit {
                    num_run += 1;
                    num_max = num_max.max(num_run);
                } else if !NUM_SEP[x as usize] {
                    num_run = 0;
                }
                hist = (hist << 2) | (u32::from(c & C_UPPER != 0) << 1) | u32::from(digit);
                iban_like |= hist & 0xFF == 0b1010_0101;
                if x == b'A' && j + 20 <= n {
                    aws_like |= matches!(&b[j + 1..j + 4], b"KIA" | b"SIA" | b"GPA" | b"IDA" | b"ROA");
                }
                if c & C_SEP != 0 {
                    if nseps < MAX_SEPS {
                        seps[nseps] = u32::try_from(j).unwrap_or(u32::MAX);
                    }
                    nseps += 1;
                }
            }
            done = to;
            i = to;
        }
        if flags & C_AT != 0 && self.email {
            scan_email(b, out);
        }
        let min_digits = if self.ip {
            4
        } else if self.phone {
            8
        } else {
            9
        };
        if num_max >= min_digits {
            self.scan_numbers(b, out);
        }
        if iban_like {
            scan_iban(b, out);
        }
        if aws_like {
            scan_aws_key(b, out);
        }
        if nseps > MAX_SEPS {
            scan_key_value_secrets(b, (0..b.len()).filter(|&p| matches!(b[p], b'=' | b':')), out);
        } else if nseps > 0 {
            scan_key_value_secrets(b, seps[..nseps].iter().map(|&p| p as usize), out);
        }
        // `Bearer`/`bearer` + space + 16 characters; one substring search (all-caps BEARER is not matched).
        if n >= 23 && s.contains("earer ") {
            scan_bearer(b, out);
        }
        if self.ip && flags & C_COLON != 0 {
            // An address has a colon between hex digits (or colons); JSON's `": "` has not.
            let hexish = |q: usize| b.get(q).is_some_and(|c| c.is_ascii_hexdigit() || *c == b':');
            let colon_in_hex = |p: usize| b[p] == b':' && p > 0 && hexish(p - 1) && hexish(p + 1);
            let maybe = if nseps > MAX_SEPS {
                (0..n).any(colon_in_hex)
            } else {
                seps[..nseps].iter().any(|&p| colon_in_hex(p as usize))
            };
            if maybe {
                scan_ipv6(s, out);
            }
        }
        for re in &self.custom {
            for m in re.find_iter(s) {
                if m.start() < m.end() {
                    out.push(Finding { kind: PiiKind::Custom, start: m.start(), end: m.end() });
                }
            }
        }
        let found = &mut out[first..];
        if found.len() > 1 {
            found.sort_by_key(|f| (f.start, usize::MAX - f.end));
            let mut keep_end = 0usize;
            let mut w = first;
            for r in first..out.len() {
                let f = out[r];
                if r > first && f.start < keep_end {
                    // Overlapping: extend the kept one if this reaches further.
                    if f.end > keep_end {
                        out[w - 1].end = f.end;
                        keep_end = f.end;
                    }
                    continue;
                }
                out[w] = f;
                w += 1;
                keep_end = f.end;
            }
            out.truncate(w);
        }
    }

    /// Card numbers, SSNs, phone numbers, IPv4: runs of digits with separators, classified by shape.
    fn scan_numbers(&self, b: &[u8], out: &mut Vec<Finding>) {
        let mut i = 0;
        while i < b.len() {
            let x = b[i];
            let starts = x.is_ascii_digit()
                || ((x == b'+' || x == b'(') && b.get(i + 1).is_some_and(u8::is_ascii_digit));
            // A number glued to a word, a path or a decimal (ORD-123..., v1.2, x_42) is no candidate.
            let glued = i > 0 && (is_word(b[i - 1]) || matches!(b[i - 1], b'-' | b'.' | b'/' | b'+' | b'#'));
            if !starts || glued {
                i += 1;
                continue;
            }
            let start = i;
            let mut j = i + 1;
            while j < b.len() {
                let c = b[j];
                let sep = matches!(c, b'-' | b'.' | b' ' | b'(' | b')')
                    && b.get(j + 1).is_some_and(|n| n.is_ascii_digit() || (c == b')' && *n == b' '));
                if c.is_ascii_digit() || sep {
                    j += 1;
                } else if c == b')' {
                    j += 1;
                    break;
                } else {
                    break;
                }
            }
            let mut end = j;
            while end > start && !b[end - 1].is_ascii_digit() && b[end - 1] != b')' {
                end -= 1;
            }
            // Followed by a word character or another decimal part: part of something longer.
            let followed = b.get(end).is_some_and(|&n| is_word(n) || n == b'@');
            if !followed
                && end > start
                && let Some(kind) = self.classify(&b[start..end])
            {
                out.push(Finding { kind, start, end });
            }
            i = j.max(i + 1);
            // Skip the rest of a glued run so its tail does not start a new candidate.
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
        }
    }

    fn classify(&self, t: &[u8]) -> Option<PiiKind> {
        let mut shape = [0u8; 32];
        let mut digits = [0u8; 24];
        let (mut n, mut nd) = (0usize, 0usize);
        for &c in t {
            if n == shape.len() {
                return None;
            }
            if c.is_ascii_digit() {
                if nd == digits.len() {
                    return None;
                }
                digits[nd] = c - b'0';
                nd += 1;
                shape[n] = b'd';
            } else {
                shape[n] = c;
            }
            n += 1;
        }
        let shape = &shape[..n];
        let digits = &digits[..nd];
        if is_card(shape, digits) {
            return Some(PiiKind::CreditCard);
        }
        if shape == b"ddd-dd-dddd" && valid_ssn(digits) {
            return Some(PiiKind::Ssn);
        }
        if self.phone && is_phone(shape, digits) {
            return Some(PiiKind::Phone);
        }
        if self.ip
            && shape.iter().filter(|&&c| c == b'.').count() == 3
            && shape.iter().all(|&c| c == b'd' || c == b'.')
        {
            let s = std::str::from_utf8(t).ok()?;
            if s.parse::<Ipv4Addr>().is_ok() {
                return Some(PiiKind::Ipv4);
            }
        }
        None
    }
}

/// 13 to 19 digits, unseparated or in the printed groupings, with an issuer prefix and a valid Luhn sum.
fn is_card(shape: &[u8], d: &[u8]) -> bool {
    if !(13..=19).contains(&d.len()) {
        return false;
    }
    let groups: Vec<usize> = shape.split(|c| *c != b'd').map(<[u8]>::len).collect();
    let seps: Vec<u8> = shape.iter().copied().filter(|c| *c != b'd').collect();
    let grouped = match groups.as_slice() {
        [_] => true,
        [4, 4, 4, 4] | [4, 4, 4, 4, 3] | [4, 6, 5] | [4, 6, 4] => {
            seps.windows(2).all(|w| w[0] == w[1]) && (seps[0] == b' ' || seps[0] == b'-')
        }
        _ => false,
    };
    grouped && issuer_prefix(d) && luhn(d)
}

fn issuer_prefix(d: &[u8]) -> bool {
    let two = d[0] * 10 + d[1];
    let four = u16::from(two) * 100 + u16::from(d[2] * 10 + d[3]);
    match d[0] {
        4 => true,                                                                         // Visa
        5 => (51..=55).contains(&two),                                                     // Mastercard
        2 => (2221..=2720).contains(&four), // Mastercard 2-series
        3 => matches!(two, 34 | 37 | 36 | 38 | 30 | 35), // Amex, Diners, JCB
        6 => two == 65 || four == 6011 || (644..=649).contains(&(four / 10)) || two == 62, // Discover, UnionPay
        _ => false,
    }
}

pub fn luhn(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &x) in d.iter().rev().enumerate() {
        let mut v = u32::from(x);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000.
fn valid_ssn(d: &[u8]) -> bool {
    let area = u16::from(d[0]) * 100 + u16::from(d[1]) * 10 + u16::from(d[2]);
    let group = d[3] * 10 + d[4];
    let serial = d[5..9].iter().fold(0u16, |a, &x| a * 10 + u16::from(x));
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// NANP shapes (`555-234-5678`, `555.234.5678`, `(555) 234-5678`, `+1 555 234 5678`) with area and
/// exchange codes starting 2-9, or `+<country> ...` international numbers of 8 to 15 digits.
fn is_phone(shape: &[u8], d: &[u8]) -> bool {
    const NANP: [&[u8]; 6] = [
        b"ddd-ddd-dddd",
        b"ddd.ddd.dddd",
        b"(ddd) ddd-dddd",
        b"(ddd)ddd-dddd",
        b"+d ddd ddd dddd",
        b"+d-ddd-ddd-dddd",
    ];
    if NANP.contains(&shape) {
        let local = if d.len() == 11 { &d[1..] } else { d };
        return (d.len() == 10 || d[0] == 1) && local[0] >= 2 && local[3] >= 2;
    }
    if shape.first() == Some(&b'+') && (8..=15).contains(&d.len()) && d[0] != 0 {
        let rest = &shape[1..];
        // Groups separated by single spaces or dashes, at least two groups: "+44 20 7946 0958".
        let groups = rest.split(|c| *c == b' ' || *c == b'-').count();
        return groups >= 2 && rest.iter().all(|c| matches!(c, b'd' | b' ' | b'-'));
    }
    false
}

fn scan_email(b: &[u8], out: &mut Vec<Finding>) {
    let local_ch = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let domain_ch = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
    let mut from = 0;
    for at in memchr_all(b, b'@') {
        if at < from {
            continue;
        }
        let mut s = at;
        while s > from && local_ch(b[s - 1]) {
            s -= 1;
        }
        while s < at && matches!(b[s], b'.' | b'-') {
            s += 1;
        }
        let mut e = at + 1;
        while e < b.len() && domain_ch(b[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if s == at || e <= at + 1 {
            continue;
        }
        let domain = &b[at + 1..e];
        let Some(dot) = domain.iter().rposition(|c| *c == b'.') else { continue };
        let tld = &domain[dot + 1..];
        let labels_ok = domain.split(|c| *c == b'.').all(|l| !l.is_empty());
        if tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic) && labels_ok {
            out.push(Finding { kind: PiiKind::Email, start: s, end: e });
            from = e;
        }
    }
}

fn memchr_all(b: &[u8], needle: u8) -> impl Iterator<Item = usize> + '_ {
    b.iter().enumerate().filter(move |(_, c)| **c == needle).map(|(i, _)| i)
}

/// IBAN lengths by country (the SWIFT registry, the common ones).
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AT", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"CH", 21),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"EE", 20),
    (b"ES", 24),
    (b"FI", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GR", 27),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IS", 26),
    (b"IT", 27),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MT", 31),
    (b"NL", 18),
    (b"NO", 15),
    (b"PL", 28),
    (b"PT", 25),
    (b"RO", 24),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"TR", 26),
    (b"AE", 23),
    (b"SA", 24),
    (b"IL", 23),
    (b"BR", 29),
];

fn scan_iban(b: &[u8], out: &mut Vec<Finding>) {
    let mut i = 0;
    while i + 4 <= b.len() {
        let cand = b[i].is_ascii_uppercase()
            && b[i + 1].is_ascii_uppercase()
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
            && (i == 0 || !is_word(b[i - 1]));
        if !cand {
            i += 1;
            continue;
        }
        let Some(&(_, len)) = IBAN_LENGTHS.iter().find(|(cc, _)| **cc == [b[i], b[i + 1]]) else {
            i += 1;
            continue;
        };
        // Compact (DE89370400440532013000) or printed in groups of four with single spaces.
        let mut compact = [0u8; 34];
        let mut n = 0;
        let mut j = i;
        while j < b.len() && n < len {
            let c = b[j];
            if c.is_ascii_digit() || c.is_ascii_uppercase() {
                compact[n] = c;
                n += 1;
                j += 1;
            } else if c == b' ' && n % 4 == 0 && b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
                j += 1;
            } else {
                break;
            }
        }
        let boundary = b.get(j).is_none_or(|c| !is_word(*c));
        if n == len && boundary && iban_checksum(&compact[..n]) {
            out.push(Finding { kind: PiiKind::Iban, start: i, end: j });
            i = j;
        } else {
            i += 1;
        }
    }
}

fn iban_checksum(s: &[u8]) -> bool {
    let mut rem = 0u32;
    for &c in s[4..].iter().chain(&s[..4]) {
        let v = if c.is_ascii_digit() { u32::from(c - b'0') } else { u32::from(c - b'A') + 10 };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

/// AWS access key ids: AKIA/ASIA/AGPA/AIDA/AROA + 16 upper-case letters or digits, on word bounds.
fn scan_aws_key(b: &[u8], out: &mut Vec<Finding>) {
    const PREFIXES: [&[u8; 4]; 5] = [b"AKIA", b"ASIA", b"AGPA", b"AIDA", b"AROA"];
    let mut i = 0;
    while i + 20 <= b.len() {
        if b[i] == b'A' && (i == 0 || !is_word(b[i - 1])) && PREFIXES.iter().any(|p| &b[i..i + 4] == *p) {
            let body = &b[i + 4..i + 20];
            let bound = b.get(i + 20).is_none_or(|c| !is_word(*c));
            if bound && body.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
                out.push(Finding { kind: PiiKind::Secret, start: i, end: i + 20 });
                i += 20;
                continue;
            }
        }
        i += 1;
    }
}

const SECRET_KEYS: [&[u8]; 14] = [
    b"password",
    b"passwd",
    b"pwd",
    b"secret",
    b"api_key",
    b"apikey",
    b"api-key",
    b"access_token",
    b"auth_token",
    b"token",
    b"private_key",
    b"client_secret",
    b"secret_key",
    b"secret_access_key",
];

/// A value that stands for no secret: an obfuscated literal, a bind parameter, an earlier redaction.
fn is_placeholder(v: &[u8]) -> bool {
    v.is_empty()
        || v == b"?"
        || v.starts_with(REDACTED.as_bytes())
        || (v[0] == b'$' && v[1..].iter().all(u8::is_ascii_digit))
        || (v[0] == b':' && v[1..].iter().all(|c| is_word(*c)))
        || v == b"%s"
        || v.eq_ignore_ascii_case(b"null")
}

/// `password=...`, `"api_key": "..."`, `token: ...`: the value after a secret-naming key.
fn scan_key_value_secrets(b: &[u8], at: impl Iterator<Item = usize>, out: &mut Vec<Finding>) {
    for p in at {
        if p >= b.len() || !matches!(b[p], b'=' | b':') {
            continue;
        }
        // Not `==`, `=>`, `::` (a PostgreSQL cast), `:=` or `<=`.
        let next = b.get(p + 1).copied();
        let prev = if p > 0 { Some(b[p - 1]) } else { None };
        if matches!(next, Some(b'=' | b'>' | b':')) || matches!(prev, Some(b':' | b'<' | b'>' | b'!' | b'='))
        {
            continue;
        }
        // The key: skip spaces and a closing quote, then the identifier.
        let mut k = p;
        while k > 0 && b[k - 1] == b' ' {
            k -= 1;
        }
        if k > 0 && matches!(b[k - 1], b'"' | b'\'') {
            k -= 1;
        }
        let key_end = k;
        while k > 0 && (is_word(b[k - 1]) || b[k - 1] == b'-') {
            k -= 1;
        }
        let key = &b[k..key_end];
        if key.is_empty() || !SECRET_KEYS.iter().any(|s| ends_with_ci(key, s)) {
            continue;
        }
        // The value: quoted, or up to whitespace or a delimiter.
        let mut v = p + 1;
        while v < b.len() && b[v] == b' ' {
            v += 1;
        }
        let (vs, ve) = match b.get(v) {
            Some(&q @ (b'"' | b'\'')) => {
                let s = v + 1;
                let e = b[s..].iter().position(|c| *c == q).map_or(b.len(), |x| s + x);
                (s, e)
            }
            _ => {
                let e = b[v..]
                    .iter()
                    .position(|c| {
                        c.is_ascii_whitespace()
                            || matches!(c, b',' | b';' | b'&' | b')' | b'}' | b'"' | b'\'')
                    })
                    .map_or(b.len(), |x| v + x);
                (v, e)
            }
        };
        if vs < ve && !is_placeholder(&b[vs..ve]) {
            out.push(Finding { kind: PiiKind::Secret, start: vs, end: ve });
        }
    }
}

fn ends_with_ci(s: &[u8], suffix: &[u8]) -> bool {
    s.len() >= suffix.len() && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// `Bearer <token>` with a token of at least 16 characters.
fn scan_bearer(b: &[u8], out: &mut Vec<Finding>) {
    let tok =
        |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=');
    let mut i = 0;
    while i + 7 < b.len() {
        if matches!(b[i], b'b' | b'B')
            && b[i..i + 6].eq_ignore_ascii_case(b"bearer")
            && (i == 0 || !is_word(b[i - 1]))
        {
            let mut s = i + 6;
            if b.get(s) != Some(&b' ') {
                i += 1;
                continue;
            }
            while s < b.len() && b[s] == b' ' {
                s += 1;
            }
            let mut e = s;
            while e < b.len() && tok(b[e]) {
                e += 1;
            }
            if e - s >= 16 && !is_placeholder(&b[s..e]) {
                out.push(Finding { kind: PiiKind::Secret, start: s, end: e });
                i = e;
                continue;
            }
        }
        i += 1;
    }
}

/// IPv6 addresses: tokens of hex digits, colons (and a dotted IPv4 tail) that parse as an address.
fn scan_ipv6(s: &str, out: &mut Vec<Finding>) {
    let b = s.as_bytes();
    let ch = |c: u8| c.is_ascii_hexdigit() || c == b':' || c == b'.';
    let mut i = 0;
    while i < b.len() {
        if !ch(b[i]) || (i > 0 && (is_word(b[i - 1]) || b[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let mut e = i;
        while e < b.len() && ch(b[e]) {
            e += 1;
        }
        let mut end = e;
        while end > i && b[end - 1] == b'.' {
            end -= 1;
        }
        let t = &s[i..end];
        let colons = t.bytes().filter(|c| *c == b':').count();
        let bound = b.get(e).is_none_or(|c| !is_word(*c));
        // `a::b` parses but is more likely an identifier: ask for a 3+ digit group or 3 groups.
        let groups = t.split(':').filter(|g| !g.is_empty()).count();
        let long_group = t.split(':').any(|g| g.len() >= 3);
        if bound
            && colons >= 2
            && (t.contains("::") || colons == 7)
            && (long_group || groups >= 3)
            && t.parse::<Ipv6Addr>().is_ok_and(|a| !a.is_unspecified())
        {
            out.push(Finding { kind: PiiKind::Ipv6, start: i, end });
        }
        i = e.max(i + 1);
    }
}

/// Attribute names that suggest PII: whole segments (split at `.`, `_`, `-`) for single words, so
/// `session` is not `ssn` and `tokens_used` is not `token`.
pub fn sensitive_name(name: &str) -> bool {
    // Allocation-free: names repeat on every record, so this runs ~15 times per record.
    let (mut prev_credit, mut prev_card) = (false, false);
    for seg in name.as_bytes().split(|c| matches!(c, b'.' | b'_' | b'-')) {
        let is = |w: &[u8]| seg.eq_ignore_ascii_case(w);
        let hit = match seg.len() {
            3 => is(b"ssn") || is(b"pwd"),
            4 => is(b"iban") || is(b"mail") || (prev_credit && is(b"card")),
            5 => is(b"email") || is(b"phone") || is(b"token"),
            6 => is(b"passwd") || is(b"secret") || (prev_card && is(b"number")),
            8 => is(b"password"),
            10 => is(b"creditcard"),
            _ => false,
        };
        if hit {
            return true;
        }
        prev_credit = is(b"credit");
        prev_card = is(b"card");
    }
    false
}

/// Replaces every finding (sorted, non-overlapping, as `Detectors::scan` leaves them) with [`REDACTED`].
pub fn redact(s: &str, found: &[Finding]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for f in found {
        if f.start < at || f.end > s.len() || !s.is_char_boundary(f.start) || !s.is_char_boundary(f.end) {
            continue;
        }
        out.push_str(&s[at..f.start]);
        out.push_str(REDACTED);
        at = f.end;
    }
    out.push_str(&s[at..]);
    out
}
