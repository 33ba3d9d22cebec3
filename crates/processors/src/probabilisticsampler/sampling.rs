//! OpenTelemetry consistent-probability sampling arithmetic (OTEP 235, W3C Trace Context level 2)
//! and the Collector's FNV hash-seed randomness, as contrib's `pkg/sampling` and
//! `probabilisticsamplerprocessor` compute them, so decisions and the `sampling.threshold` /
//! `sampling.randomness` values written match the Collector's.

/// 2^56: one more than the largest randomness value.
pub const MAX_ADJUSTED_COUNT: u64 = 1 << 56;
/// Hex digits of a 56-bit value.
pub const NUM_HEX_DIGITS: usize = 14;
/// The smallest probability a threshold expresses (2^-56).
pub const MIN_SAMPLING_PROBABILITY: f64 = 1.0 / MAX_ADJUSTED_COUNT as f64;

/// Hash-seed mode: 14 bits of hash decide.
pub const NUM_HASH_BUCKETS: u32 = 0x4000;
const NUM_HASH_BUCKETS_LG2: u32 = 14;

/// A rejection threshold in [0, 2^56]: an item is sampled when its randomness is at least this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Threshold(pub u64);

/// 56 bits of randomness in [0, 2^56).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Randomness(pub u64);

impl Threshold {
    pub const ALWAYS: Threshold = Threshold(0);
    pub const NEVER: Threshold = Threshold(MAX_ADJUSTED_COUNT);

    /// Parses a `th` / `sampling.threshold` value: 1-14 hex digits, trailing zeros omitted.
    pub fn from_tvalue(s: &str) -> Option<Threshold> {
        if s.is_empty() || s.len() > NUM_HEX_DIGITS || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let v = u64::from_str_radix(s, 16).ok()?;
        Some(Threshold(v << (4 * (NUM_HEX_DIGITS - s.len()))))
    }

    /// The `th` encoding: 14 hex digits without trailing zeros; `0` for always.
    pub fn tvalue(self) -> String {
        if self == Threshold::ALWAYS {
            return "0".into();
        }
        if self.0 >= MAX_ADJUSTED_COUNT {
            return String::new();
        }
        let s = format!("{:014x}", self.0);
        s.trim_end_matches('0').to_string()
    }

    pub fn should_sample(self, r: Randomness) -> bool {
        r.0 >= self.0
    }

    /// The sampling probability this threshold stands for.
    pub fn probability(self) -> f64 {
        (MAX_ADJUSTED_COUNT - self.0.min(MAX_ADJUSTED_COUNT)) as f64 / MAX_ADJUSTED_COUNT as f64
    }

    /// `ProbabilityToThresholdWithPrecision`: `prec` significant hex digits (0 = full), or `None`
    /// when `prob` is outside [2^-56, 1] or the precision underflows.
    pub fn from_probability(prob: f64, prec: u8) -> Option<Threshold> {
        if !(MIN_SAMPLING_PROBABILITY..=1.0).contains(&prob) {
            return None;
        }
        let scaled = (prob * MAX_ADJUSTED_COUNT as f64).round() as u64;
        if prec == 0 {
            return Some(Threshold(MAX_ADJUSTED_COUNT - scaled.min(MAX_ADJUSTED_COUNT)));
        }
        if prob == 1.0 {
            return Some(Threshold::ALWAYS);
        }
        let mut prec = u32::from(prec);
        let mut reject = 1.0 - prob;
        while reject * 16.0 < 1.0 {
            reject *= 16.0;
            prec += 1;
        }
        if prec > NUM_HEX_DIGITS as u32 {
            return None;
        }
        let mut rscaled = MAX_ADJUSTED_COUNT - scaled.min(MAX_ADJUSTED_COUNT);
        let shift = 4 * (NUM_HEX_DIGITS as u32 - prec);
        if shift > 0 {
            let half = 1u64 << (shift - 1);
            rscaled = ((rscaled + half) >> shift) << shift;
        }
        Some(Threshold(rscaled))
    }
}

impl Randomness {
    /// Sampled at every probability (used when randomness is missing, so that only the threshold
    /// decides).
    pub const ALL: Randomness = Randomness(MAX_ADJUSTED_COUNT - 1);

    /// The least-significant 56 bits of a trace id (W3C level 2 randomness).
    pub fn from_trace_id(id: &[u8; 16]) -> Randomness {
        let mut half = [0u8; 8];
        half.copy_from_slice(&id[8..]);
        Randomness(u64::from_be_bytes(half) & (MAX_ADJUSTED_COUNT - 1))
    }

    /// Parses an `rv` / `sampling.randomness` value: exactly 14 hex digits.
    pub fn from_rvalue(s: &str) -> Option<Randomness> {
        if s.len() != NUM_HEX_DIGITS || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(s, 16).ok().map(Randomness)
    }

    /// The `rv` encoding: 14 hex digits.
    pub fn rvalue(self) -> String {
        format!("{:014x}", self.0 & (MAX_ADJUSTED_COUNT - 1))
    }

    /// The Collector's hash-seed randomness: FNV-1a (32 bit) of the seed's 4 little-endian bytes
    /// then `bytes`; the 14 low bits decide (sampled when below the scaled rate), laid out as a
    /// 56-bit value so that OTel thresholds give the same decision.
    pub fn from_hash(bytes: &[u8], seed: u32) -> Randomness {
        let hashed32 = fnv1a32(seed, bytes);
        let hashed = u64::from(hashed32 & (NUM_HASH_BUCKETS - 1));
        let rprime14 = u64::from(NUM_HASH_BUCKETS) - 1 - hashed;
        let unused18 = u64::from(hashed32 >> (32 - NUM_HASH_BUCKETS_LG2));
        let mixed28 = unused18 ^ (unused18 << 10);
        Randomness(((rprime14 << 42) | (mixed28 << 14) | hashed) & (MAX_ADJUSTED_COUNT - 1))
    }
}

/// FNV-1a, 32 bit, over the seed (4 bytes, little-endian) and `bytes`: contrib's `computeHash`.
pub fn fnv1a32(seed: u32, bytes: &[u8]) -> u32 {
    const OFFSET: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;
    let mut h = OFFSET;
    for b in seed.to_le_bytes().iter().chain(bytes) {
        h ^= u32::from(*b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

/// Hash-seed mode's threshold for `pct` (already clamped to 100), computed as the Collector does
/// (`uint32(pct * 163.84)` in 32-bit float, rounded toward zero); `None` when it rounds to 0.
pub fn hash_seed_threshold(pct: f32) -> Option<Threshold> {
    let scale: f32 = NUM_HASH_BUCKETS as f32 / 100.0;
    let scaled = (pct * scale) as u32;
    if scaled == 0 {
        return None;
    }
    let reject = NUM_HASH_BUCKETS.saturating_sub(scaled.min(NUM_HASH_BUCKETS));
    Some(Threshold(u64::from(reject) << 42))
}
