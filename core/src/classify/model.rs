//! The learned part of the classifier: a multi-label linear model over hashed features of the
//! normalised text, on top of the lexicon.
//!
//! Features ([`features_into`]): CJK char 2- and 3-grams (after the lexicon's
//! normalisation, so Traditional text reads as Simplified), Latin words and word pairs
//! (lower-cased, digits folded to `0`), and the lexicon rules that fired (by rule id). Each is
//! hashed into `2^bits` buckets; a bucket holds one quantised weight per output (`collection`
//! and the six flags). Training (`core/examples/train.rs`) uses exactly this code, so training
//! and inference cannot disagree.
//!
//! The weights file (`core/data/model/collection.dwm`) is little-endian binary:
//! `DWMODEL1`, u32 header length, a JSON [`Header`], u32 entry count, then per entry a u32
//! bucket (strictly increasing) and 8 i8 weights (outputs in [`OUTPUTS`] order, one spare).
//! [`Model::from_bytes`] checks all of it and never panics.

use super::normalize::{utf8_len, Normalized};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Bump when the feature code changes meaning: a weights file trained with another feature
/// version is refused instead of silently scoring garbage.
pub const FEATURE_VERSION: u32 = 4;
/// The outputs, in lane order.
pub const OUTPUTS: [&str; 7] = [
    "collection",
    "threat",
    "abuse",
    "exposure",
    "false_authority",
    "third_party",
    "pressure_borrow",
];
/// Lanes per bucket (7 outputs and one spare, so a bucket is one 8-byte load).
pub const LANES: usize = 8;
/// Bytes of an entry record in the file: its bucket (u32, little-endian), then its lanes.
const RECORD: usize = 4 + LANES;
const MAGIC: &[u8; 8] = b"DWMODEL1";
/// Largest weights file accepted (the shipped one is far smaller).
pub const MAX_FILE_BYTES: usize = 8 << 20;
const MIN_BITS: u32 = 10;
const MAX_BITS: u32 = 22;

/// Feature kinds (mixed into the hash so that equal values of different kinds differ).
const K_CJK2: u64 = 0x2a4c_6e80_b3d5_f792;
const K_CJK3: u64 = 0x3b5d_7f91_c4e6_08a3;
const K_W1: u64 = 0x4c6e_80a2_d5f7_19b4;
const K_W2: u64 = 0x5d7f_91b3_e608_2ac5;
const K_RULE: u64 = 0x6e80_a2c4_f719_3bd6;
const K_LEX: u64 = 0x7f91_b3d5_082a_4ce7;
const K_SKEL: u64 = 0xa2c4_e608_3b5d_7f1a;
const K_CONCEPT: u64 = 0x80a2_c4e6_193b_5df8;
const K_PAIR: u64 = 0x91b3_d5f7_2a4c_6e09;

#[inline(always)]
fn mix(mut h: u64) -> u64 {
    h ^= h >> 31;
    h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 32)
}

#[inline(always)]
fn feat(kind: u64, a: u64, b: u64, c: u64) -> u64 {
    mix(kind
        ^ a.wrapping_mul(0xA24B_AED4_963E_E407)
        ^ b.rotate_left(21).wrapping_mul(0x9FB2_1C65_1E98_DF25)
        ^ c.rotate_left(42).wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
}

/// FNV-1a step.
#[inline(always)]
fn fnv(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
}
const FNV0: u64 = 0xcbf2_9ce4_8422_2325;

/// Hash of a lexicon rule id, as a feature.
pub(crate) fn rule_feature(id: &str) -> u64 {
    feat(K_RULE, id.bytes().fold(FNV0, fnv), 0, 0)
}

/// Hash of a lexicon concept id, as a feature.
pub(crate) fn concept_feature(id: &str) -> u64 {
    feat(K_CONCEPT, id.bytes().fold(FNV0, fnv), 0, 0)
}

/// The feature "both of these rule or concept features fired" (order-free).
pub(crate) fn pair_feature(a: u64, b: u64) -> u64 {
    feat(K_PAIR, a.min(b), a.max(b), 0)
}

/// Whether a normalised text is written mostly in Latin letters: more ASCII letters than
/// CJK chars (3-byte UTF-8 sequences of the CJK blocks). Picks the `collection` threshold.
pub fn latin_script(norm: &str) -> bool {
    let (mut latin, mut cjk) = (0usize, 0usize);
    for &b in norm.as_bytes() {
        if b.is_ascii_alphabetic() {
            latin += 1;
        } else if (0xE3..=0xE9).contains(&b) {
            cjk += 1;
        }
    }
    latin > cjk
}

/// The feature "the lexicon alone reads this as collection".
pub(crate) fn lexicon_collection_feature() -> u64 {
    feat(K_LEX, 1, 0, 0)
}

/// Appends `(hash, start, end)` for every text feature of `norm` to `out` (start/end: byte
/// range of the normalised text it covers).
pub(crate) fn features_into(norm: &Normalized, out: &mut Vec<(u64, u32, u32)>) {
    for_each_feature(norm, |h, a, b| out.push((h, a, b)));
}

/// Calls `emit(hash, start, end)` for every text feature of `norm`.
#[inline]
#[allow(unused_assignments)] // the word state after the last word is never read
fn for_each_feature(norm: &Normalized, mut emit: impl FnMut(u64, u32, u32)) {
    let text = norm.text.as_bytes();
    // CJK (any non-ASCII char) context: the last two chars and where they start.
    let (mut c1, mut c2) = (0u64, 0u64);
    let (mut p1, mut p2) = (u32::MAX, u32::MAX);
    // Latin word in progress and the previous word.
    let mut w_start = u32::MAX;
    let mut w_hash = FNV0;
    // The word's skeleton (first letter, then its consonants without repeats: "payment",
    // "pymnt" and "paymnt" are all "pymnt"), so text-speak and typos share a feature; with
    // its length, since words of one or two letters have no skeleton of their own.
    let (mut s_hash, mut s_last, mut w_len) = (FNV0, 0u8, 0u32);
    let (mut prev_w, mut prev_w_start) = (0u64, u32::MAX);
    let mut i = 0usize;
    macro_rules! finish_word {
        ($end:expr) => {
            if w_start != u32::MAX {
                let end = $end as u32;
                emit(feat(K_W1, w_hash, 0, 0), w_start, end);
                if w_len >= 3 {
                    emit(feat(K_SKEL, s_hash, 0, 0), w_start, end);
                }
                if prev_w_start != u32::MAX {
                    emit(feat(K_W2, prev_w, w_hash, 0), prev_w_start, end);
                }
                prev_w = w_hash;
                prev_w_start = w_start;
                w_start = u32::MAX;
            }
        };
    }
    while i < text.len() {
        let b = text[i];
        if b < 0x80 {
            // The normalised text holds only ASCII alphanumerics and non-ASCII chars.
            if w_start != u32::MAX && norm.boundary_at(i) {
                finish_word!(i);
            }
            if w_start == u32::MAX {
                w_start = i as u32;
                w_hash = FNV0;
                s_hash = FNV0;
                s_last = 0;
                w_len = 0;
                p1 = u32::MAX;
                p2 = u32::MAX;
            }
            let b = if b.is_ascii_digit() { b'0' } else { b };
            w_hash = fnv(w_hash, b);
            if w_len == 0 || (!matches!(b, b'a' | b'e' | b'i' | b'o' | b'u') && b != s_last) {
                s_hash = fnv(s_hash, b);
                s_last = b;
            }
            w_len += 1;
            i += 1;
            continue;
        }
        finish_word!(i);
        prev_w_start = u32::MAX;
        let len = utf8_len(b);
        let end = (i + len).min(text.len());
        let mut c = 0u64;
        for &x in &text[i..end] {
            c = (c << 8) | x as u64;
        }
        let start = i as u32;
        let e = end as u32;
        // No CJK unigrams: single chars (你, 天) carry little and would make poor explanations.
        // A run of one char (了了了了, 哈哈哈) emits its n-gram once: a repeated n-gram must
        // not add its weight again and again (training counts each feature once per message).
        if p1 != u32::MAX && !(c1 == c && c2 == c) {
            emit(feat(K_CJK2, c1, c, 0), p1, e);
            if p2 != u32::MAX {
                emit(feat(K_CJK3, c2, c1, c), p2, e);
            }
        }
        c2 = c1;
        p2 = p1;
        c1 = c;
        p1 = start;
        i = end;
    }
    finish_word!(text.len());
}

pub(crate) fn sha256(b: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(b).into()
}

/// SHA-256 of a weights file, part of the rules fingerprint: computed on load, or on first use
/// for a file compiled into the program, where a process that only classifies (`dunwatch
/// classify`) never needs it and hashing 1.7 MB was a fifth of its start-up.
#[derive(Debug)]
enum FileDigest {
    Computed([u8; 32]),
    Deferred(&'static [u8], std::sync::OnceLock<[u8; 32]>),
}

/// The JSON header of a weights file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// The model's version (date and sequence, like the lexicon's).
    pub version: String,
    /// Must equal [`FEATURE_VERSION`].
    pub feature_version: u32,
    /// log2 of the number of buckets.
    pub bits: u32,
    /// Output names, must equal [`OUTPUTS`].
    pub outputs: Vec<String>,
    /// Per output: weight = quantised value * scale.
    pub scale: Vec<f32>,
    /// Per output: the bias (logit of an empty message).
    pub bias: Vec<f32>,
    /// Per output: the logit at or above which the output is raised. For `collection` this is
    /// the threshold for a message the lexicon does not read as collection (an unknown sender).
    pub threshold: Vec<f32>,
    /// The collection logit a message the lexicon reads as collection must reach to stay
    /// collection: the model's veto on the lexicon's look-alikes (news about collectors,
    /// phishing in the form of an overdue notice, debt-relief ads).
    pub veto_threshold: f32,
    /// The `collection` threshold for a message written mostly in Latin letters (English,
    /// Taglish, Indonesian...; see [`latin_script`]), when it differs from `threshold[0]`,
    /// which then holds for the rest (Chinese). Each is set on the corpus messages of its own
    /// script: the model's scores are not on one scale across scripts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latin_threshold: Option<f32>,
    /// What the weights were trained on (files and counts), for the record.
    #[serde(default)]
    pub trained_on: String,
}

/// A loaded, checked model.
#[derive(Debug)]
pub struct Model {
    header: Header,
    mask_shift: u32,
    /// Which buckets hold weights, one bit each, and per word of bits how many are set in
    /// the words before it: bucket `b`'s weights are entry number `rank(b)` of `records`.
    /// (A dense table of every bucket's lanes was 4 MiB of fresh pages at every start.)
    present: Box<[u64]>,
    rank: Box<[u32]>,
    /// The file's entry records (bucket, then its lanes; [`RECORD`] bytes each, in bucket
    /// order): borrowed from a file compiled into the program, else copied.
    records: Cow<'static, [u8]>,
    /// Lane 0 (collection) of every bucket, dense (one byte a bucket), so the lookups of the
    /// collection decision (every message with a debt cue) are one load each and stay in the
    /// CPU's cache; the flags' lanes (`records`) are read only for a message that is collection.
    lane0: Vec<i8>,
    scale: [f32; LANES],
    bias: [f32; LANES],
    threshold: [f32; LANES],
    entries: usize,
    digest: FileDigest,
}

/// The buckets already added for the message being scored, so that a feature counts once per
/// message, as in training ("要看要看要看…" must not add the weight of 要看 a hundred times). A
/// direct-mapped table of the last bucket seen per slot, stamped with the message's number so
/// that nothing is cleared between messages: a bucket is never mistaken for another (the whole
/// bucket is compared), and a repeat is missed only when another bucket took its slot in
/// between, which bounds how often a repeated n-gram adds up instead of forbidding it.
pub(crate) struct Seen {
    /// SEEN_SLOTS slots.
    slots: Box<[(u32, u32)]>,
    message: u32,
}

const SEEN_SLOTS: usize = 512;

impl Default for Seen {
    fn default() -> Seen {
        Seen {
            slots: vec![(0, 0); SEEN_SLOTS].into_boxed_slice(),
            message: 0,
        }
    }
}

impl Seen {
    /// Starts a new message.
    pub(crate) fn reset(&mut self) {
        self.message = self.message.wrapping_add(1);
        if self.message == 0 {
            // Wrapped: stamps of 4 billion messages ago could match again.
            self.slots.fill((0, 0));
            self.message = 1;
        }
    }

    /// True the first time `bucket` is seen in this message (see the type's note).
    #[inline(always)]
    pub(crate) fn first(&mut self, bucket: usize) -> bool {
        let b = bucket as u32;
        let slot = &mut self.slots[bucket % SEEN_SLOTS];
        if *slot == (b, self.message) {
            return false;
        }
        *slot = (b, self.message);
        true
    }
}

/// Raw output sums of one message.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sums(pub [i32; LANES]);

impl Model {
    /// Reads and checks a weights file; every defect is an error, never a panic.
    pub fn from_bytes(b: &[u8]) -> Result<Model, String> {
        Model::parse(b, None, FileDigest::Computed(sha256(b)))
    }

    /// [`Model::from_bytes`] for a file compiled into the program: the digest is computed
    /// from `b` when first asked for.
    pub fn from_static(b: &'static [u8]) -> Result<Model, String> {
        Model::parse(
            b,
            Some(b),
            FileDigest::Deferred(b, std::sync::OnceLock::new()),
        )
    }

    /// `stat`: `b` itself when it is compiled into the program (its records are then read in
    /// place).
    fn parse(b: &[u8], stat: Option<&'static [u8]>, digest: FileDigest) -> Result<Model, String> {
        let err = |m: &str| Err(format!("model: {m}"));
        if b.len() > MAX_FILE_BYTES {
            return err(&format!(
                "file is {} bytes, more than the {MAX_FILE_BYTES} allowed",
                b.len()
            ));
        }
        if b.len() < 12 || &b[..8] != MAGIC {
            return err("not a dunwatch model file (bad magic)");
        }
        let hlen = u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize;
        let Some(hjson) = b.get(12..12 + hlen) else {
            return err("truncated header");
        };
        let header: Header =
            serde_json::from_slice(hjson).map_err(|e| format!("model: bad header: {e}"))?;
        if header.feature_version != FEATURE_VERSION {
            return err(&format!(
                "trained for feature version {}, this build computes version {FEATURE_VERSION}",
                header.feature_version
            ));
        }
        if !header.veto_threshold.is_finite() {
            return err("veto_threshold is not a finite number");
        }
        if header.latin_threshold.is_some_and(|t| !t.is_finite()) {
            return err("latin_threshold is not a finite number");
        }
        if header.version.trim().is_empty() {
            return err("empty version");
        }
        if !(MIN_BITS..=MAX_BITS).contains(&header.bits) {
            return err(&format!(
                "bits {} outside {MIN_BITS}..={MAX_BITS}",
                header.bits
            ));
        }
        if header.outputs.iter().map(String::as_str).ne(OUTPUTS) {
            return err(&format!("outputs must be {OUTPUTS:?}"));
        }
        let mut scale = [0f32; LANES];
        let mut bias = [0f32; LANES];
        let mut threshold = [f32::INFINITY; LANES];
        for (name, v, dst) in [
            ("scale", &header.scale, &mut scale),
            ("bias", &header.bias, &mut bias),
            ("threshold", &header.threshold, &mut threshold),
        ] {
            if v.len() != OUTPUTS.len() || v.iter().any(|x| !x.is_finite()) {
                return err(&format!("{name} needs {} finite numbers", OUTPUTS.len()));
            }
            dst[..OUTPUTS.len()].copy_from_slice(v);
        }
        let mut at = 12 + hlen;
        let Some(n) = b.get(at..at + 4) else {
            return err("truncated entry count");
        };
        let n = u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize;
        at += 4;
        let buckets = 1usize << header.bits;
        if n > buckets {
            return err(&format!("{n} entries for {buckets} buckets"));
        }
        if b.len() != at + n * RECORD {
            return err(&format!(
                "{} bytes of entries, expected {} for {n} entries",
                b.len().saturating_sub(at),
                n * RECORD
            ));
        }
        let mut present = vec![0u64; buckets.div_ceil(64)].into_boxed_slice();
        let mut lane0 = vec![0i8; buckets];
        let mut last: Option<u32> = None;
        for e in b[at..].chunks_exact(RECORD) {
            let k = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
            if k as usize >= buckets || last.is_some_and(|l| k <= l) {
                return err(&format!("bucket {k} out of order or out of range"));
            }
            last = Some(k);
            present[k as usize >> 6] |= 1 << (k & 63);
            lane0[k as usize] = e[4] as i8;
        }
        let mut rank = Vec::with_capacity(present.len());
        let mut before = 0u32;
        for w in present.iter() {
            rank.push(before);
            before += w.count_ones();
        }
        let records = match stat {
            Some(s) => Cow::Borrowed(&s[at..]),
            None => Cow::Owned(b[at..].to_vec()),
        };
        Ok(Model {
            mask_shift: 64 - header.bits,
            header,
            present,
            rank: rank.into_boxed_slice(),
            records,
            lane0,
            scale,
            bias,
            threshold,
            entries: n,
            digest,
        })
    }

    /// Writes a model in the file format (used by the training command).
    pub fn to_bytes(header: &Header, entries: &[(u32, [i8; LANES])]) -> Vec<u8> {
        let h = serde_json::to_vec_pretty(header).expect("header serialises");
        let mut out = Vec::with_capacity(16 + h.len() + entries.len() * RECORD);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(h.len() as u32).to_le_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (k, w) in entries {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend(w.iter().map(|&x| x as u8));
        }
        out
    }

    /// Reads a weights file at run time (bounded size), e.g. `dunwatch classify --model`.
    pub fn from_file(path: &std::path::Path) -> Result<Model, String> {
        use std::io::Read;
        let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut b = Vec::new();
        f.take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut b)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Model::from_bytes(&b).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn version(&self) -> &str {
        &self.header.version
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Non-zero buckets.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// SHA-256 of the weights file.
    pub fn digest(&self) -> &[u8; 32] {
        match &self.digest {
            FileDigest::Computed(d) => d,
            FileDigest::Deferred(b, d) => d.get_or_init(|| sha256(b)),
        }
    }

    /// The bucket of a feature hash.
    #[inline(always)]
    pub(crate) fn bucket(&self, h: u64) -> usize {
        (h >> self.mask_shift) as usize
    }

    #[inline(always)]
    pub(crate) fn weights(&self, h: u64) -> [i8; LANES] {
        self.bucket_weights(self.bucket(h))
    }

    /// The weights of bucket `b` (< 2^bits), zero when it holds none.
    #[inline(always)]
    fn bucket_weights(&self, b: usize) -> [i8; LANES] {
        let (word, bit) = (self.present[b >> 6], 1u64 << (b & 63));
        let mut w = [0i8; LANES];
        if word & bit != 0 {
            let r = self.rank[b >> 6] as usize + (word & (bit - 1)).count_ones() as usize;
            let at = r * RECORD + 4;
            for (d, &s) in w.iter_mut().zip(&self.records[at..at + LANES]) {
                *d = s as i8;
            }
        }
        w
    }

    /// The sums of lane 0 alone (the others are left at zero) of a message's `buckets`.
    #[inline]
    pub(crate) fn lane0_sums(&self, buckets: &[u32]) -> Sums {
        let mut sums = Sums::default();
        sums.0[0] = buckets.iter().map(|&b| self.lane0[b as usize] as i32).sum();
        sums
    }

    /// The sums of every lane of a message's `buckets`.
    pub(crate) fn sums(&self, buckets: &[u32]) -> Sums {
        let mut sums = Sums::default();
        for &b in buckets {
            for (s, w) in sums.0.iter_mut().zip(self.bucket_weights(b as usize)) {
                *s += w as i32;
            }
        }
        sums
    }

    /// The logit of output `lane` from its sum.
    #[inline]
    pub(crate) fn logit(&self, sums: &Sums, lane: usize) -> f32 {
        self.bias[lane] + self.scale[lane] * sums.0[lane] as f32
    }

    /// The contribution of one feature to output `lane`.
    #[inline]
    pub(crate) fn contribution(&self, h: u64, lane: usize) -> f32 {
        self.scale[lane] * self.weights(h)[lane] as f32
    }

    #[inline]
    pub(crate) fn threshold(&self, lane: usize) -> f32 {
        self.threshold[lane]
    }

    #[inline]
    /// The `collection` threshold for a message (normalised text) in the script
    /// [`latin_script`] says.
    pub(crate) fn collection_threshold(&self, latin: bool) -> f32 {
        match self.header.latin_threshold {
            Some(t) if latin => t,
            _ => self.threshold[0],
        }
    }

    pub(crate) fn veto_threshold(&self) -> f32 {
        self.header.veto_threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            version: "t".into(),
            feature_version: FEATURE_VERSION,
            bits: 12,
            outputs: OUTPUTS.iter().map(|s| s.to_string()).collect(),
            scale: vec![0.1; 7],
            bias: vec![-1.0; 7],
            threshold: vec![0.0; 7],
            veto_threshold: -1.0,
            latin_threshold: None,
            trained_on: String::new(),
        }
    }

    /// Every bucket reads the weights written for it, or zero, across words of the presence
    /// bits (ranks), whether the records are read in place or copied.
    #[test]
    fn every_bucket_reads_its_own_weights() {
        let mut entries = Vec::new();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for k in 0..1u32 << 12 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // About one bucket in three, in runs and gaps of every length.
            if (seed >> 60).is_multiple_of(3) {
                let w: [i8; LANES] = std::array::from_fn(|l| (k as i32 * 7 + l as i32) as i8);
                entries.push((k, w));
            }
        }
        let bytes = Model::to_bytes(&header(), &entries);
        let stat: &'static [u8] = Box::leak(bytes.clone().into_boxed_slice());
        for m in [Model::from_bytes(&bytes), Model::from_static(stat)] {
            let m = m.unwrap();
            let mut want = vec![[0i8; LANES]; 1 << 12];
            for &(k, w) in &entries {
                want[k as usize] = w;
            }
            for (b, w) in want.iter().enumerate() {
                assert_eq!(m.bucket_weights(b), *w, "bucket {b}");
                assert_eq!(m.lane0[b], w[0], "bucket {b}");
            }
        }
    }

    #[test]
    fn round_trip_and_every_defect_is_an_error() {
        let ok = Model::to_bytes(&header(), &[(3, [1; LANES]), (7, [-2; LANES])]);
        let m = Model::from_bytes(&ok).unwrap();
        assert_eq!(m.entries(), 2);
        assert_eq!(m.bucket_weights(7)[0], -2);
        assert_eq!(m.bucket_weights(3)[0], 1);
        assert_eq!(m.bucket_weights(4), [0; LANES]);
        assert_eq!(m.bucket_weights((1 << 12) - 1), [0; LANES]);
        // Every truncation fails cleanly.
        for n in 0..ok.len() {
            assert!(Model::from_bytes(&ok[..n]).is_err(), "{n}");
        }
        let unordered = Model::to_bytes(&header(), &[(7, [1; LANES]), (3, [1; LANES])]);
        assert!(Model::from_bytes(&unordered)
            .unwrap_err()
            .contains("out of order"));
        let out_of_range = Model::to_bytes(&header(), &[(1 << 12, [1; LANES])]);
        assert!(Model::from_bytes(&out_of_range).is_err());
        let mut h = header();
        h.feature_version += 1;
        assert!(Model::from_bytes(&Model::to_bytes(&h, &[]))
            .unwrap_err()
            .contains("feature version"));
        let mut h = header();
        h.bits = 40;
        assert!(Model::from_bytes(&Model::to_bytes(&h, &[])).is_err());
        let mut h = header();
        h.threshold[2] = f32::NAN;
        assert!(Model::from_bytes(&Model::to_bytes(&h, &[])).is_err());
        // JSON has no infinity, but a number past f32's range reads as one.
        let mut h = header();
        h.latin_threshold = Some(1.5);
        let json = serde_json::to_string(&h).unwrap().replace("1.5", "1e39");
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&(json.len() as u32).to_le_bytes());
        b.extend_from_slice(json.as_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        assert!(Model::from_bytes(&b)
            .unwrap_err()
            .contains("latin_threshold"));
        assert!(Model::from_bytes(b"garbage!garbage!").is_err());
    }

    /// A message mostly in Latin letters is read with `latin_threshold`, the rest (and every
    /// message of a model without one) with `threshold[0]`.
    #[test]
    fn the_collection_threshold_follows_the_script() {
        assert!(latin_script("pay 500 by friday"));
        assert!(latin_script("okay你好"));
        assert!(!latin_script("你好ok"));
        assert!(!latin_script("今晚8点前还5000"));
        assert!(!latin_script("1234"));
        let mut h = header();
        h.threshold[0] = 3.0;
        let one = Model::from_bytes(&Model::to_bytes(&h, &[])).unwrap();
        assert_eq!(one.collection_threshold(true), 3.0);
        h.latin_threshold = Some(2.0);
        let two = Model::from_bytes(&Model::to_bytes(&h, &[])).unwrap();
        assert_eq!(two.collection_threshold(true), 2.0);
        assert_eq!(two.collection_threshold(false), 3.0);
    }
}
