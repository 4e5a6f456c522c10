//! Trains the classifier's model and writes `core/data/model/collection.dwm`.
//!
//! ```text
//! cargo run --release -p dunwatch-core --example train -- --version 2026.12.05-4
//! ```
//!
//! Inputs (all read in sorted order, so the same inputs give the same bytes):
//! - `tests/fixtures/train/*.jsonl`: the labelled training corpus, one file per writer. Each
//!   file is also held out in turn (leave-one-writer-out) to measure how the model does on a
//!   writer it has not seen; those figures are printed.
//! - `tests/fixtures/labelled/*.jsonl` (not `holdout/`, which stays for evaluation).
//! - `../shared/corpora` (or `DUNWATCH_CORPORA`): the public SMS corpora as negatives; messages
//!   the lexicon alone already reads as collection (real overdue notices) are left out. The
//!   collection threshold is set on out-of-fold scores (five folds by a hash of the text, each
//!   scored by a model trained without it), within a false-positive budget per set. Without
//!   the corpora the command says so and trains on the labelled files alone.
//!
//! The model: logistic regression per output (`collection` and each flag) over the hashed
//! features of `Classifier::features` (the very code classification runs), trained with
//! AdaGrad, fixed seed; weights magnitude-pruned and quantised to i8 per output.
//!
//! Options: `--version V` (written into the file), `--out FILE`, `--no-cv` (skip the
//! leave-one-writer-out runs), `--cv-within` (also hold out a fifth of every writer file at
//! once), `--cv-only` (the evaluation runs only, no model written), `--bits N` (log2 buckets,
//! default 19).

use dunwatch_core::classify::model::{Header, FEATURE_VERSION, LANES, OUTPUTS};
use dunwatch_core::classify::{Classifier, Context, Flag, Model};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SEED: u64 = 14;

/// A training setting: its default, overridable by an environment variable for experiments
/// (the shipped model is trained with the defaults).
fn setting(name: &str, default: f32) -> f32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
/// Entries kept after pruning (buckets with any non-zero weight); bounds the file size, which
/// must stay under the app's asset budget compressed ([`ASSET_BUDGET`], with room to spare).
const MAX_ENTRIES: usize = 142_000;
/// The weights file ships as an app asset of at most 1 MiB compressed (issue 14).
const ASSET_BUDGET: usize = 1 << 20;
/// How far above the highest-scoring corpus message it must pass (per set, after its budget
/// below) the collection threshold sits: just above it (a message at the threshold passes), as
/// the budget is counted on out-of-fold scores, already the honest estimate for unseen messages.
const CORPUS_MARGIN: f32 = 0.01;
/// Share of each corpus set the model alone may read as collection, counted on out-of-fold
/// scores: issue 14's ceiling of 0.05% of each benign set (a lower share or a wider margin
/// costs more leave-one-writer-out recall than it gains in precision: HISTORY.md).
const FP_BUDGET: f32 = 0.0005;
/// The same for the spam and advertising sets taken together (per script), where issue 14
/// asks for no worse than when it was filed, at most 0.09% of any spam or loan-ad set: a loan
/// ad read as collection is a visible, harmless mistake next to a friend's message read as one,
/// and at 0.05% the threshold followed a dozen loan ads' scores from one training to the next.
const SPAM_BUDGET: f32 = 0.0009;
/// The sets of people's own messages (the rest are spam and advertising).
const BENIGN_SETS: [&str; 4] = ["nus_zh", "nus_en", "uci_ham", "mudou_0"];
/// Folds of the corpora: each corpus message is scored by a model trained without its fold,
/// and the collection threshold is set on those out-of-fold scores.
const FOLDS: u64 = 5;
/// The collection threshold is never below this logit.
const MIN_COLLECTION_LOGIT: f32 = 1.0;
/// The model overrules the lexicon's collection reading only below this logit (p < 0.12):
/// when it is confident the text is a look-alike. A veto near 0 overrules plain overdue notices
/// that share their words with anti-fraud warnings ("你已逾期，爆通讯录！").
const VETO_LOGIT: f32 = -2.0;
/// Flag thresholds (logits); a flag is only raised on collector contact.
const FLAG_LOGIT: f32 = 0.0;

#[derive(Deserialize)]
struct Line {
    id: String,
    text: String,
    collection: bool,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    needs_context: bool,
    #[serde(default)]
    context_flags: Vec<String>,
}

#[derive(Clone)]
struct Example {
    text: String,
    /// Group: writer file name, "labelled", or "corpus:<set>".
    group: String,
    collection: bool,
    /// Flags from the wording alone (flags, plus context_flags of needs_context messages).
    flags: [bool; 6],
    /// Flags expected without context (empty unless collection).
    strict_flags: [bool; 6],
    needs_context: bool,
    weight: f32,
    feats: Vec<u32>,
    /// Corpus messages: the fold (by a hash of the text) in which they are scored.
    fold: u64,
    /// Whether the text has a debt cue (`Classifier::debt_cue`).
    cue: bool,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn flag_bits(names: &[String], id: &str) -> [bool; 6] {
    let mut out = [false; 6];
    for n in names {
        match Flag::from_name(n) {
            Some(f) => out[Flag::ALL.iter().position(|x| *x == f).unwrap()] = true,
            None => panic!("{id}: unknown flag {n:?}"),
        }
    }
    out
}

fn jsonl(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|x| x == "jsonl"));
    v.sort();
    v
}

fn load_labelled(f: &Path, group: &str) -> Vec<Example> {
    let src = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    src.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            let x: Line = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", f.display(), n + 1));
            let strict = flag_bits(&x.flags, &x.id);
            let mut flags = strict;
            if x.needs_context {
                for (d, s) in flags.iter_mut().zip(flag_bits(&x.context_flags, &x.id)) {
                    *d |= s;
                }
            }
            Example {
                text: x.text,
                group: group.to_string(),
                collection: x.collection,
                flags,
                strict_flags: strict,
                needs_context: x.needs_context,
                weight: 1.0,
                feats: Vec::new(),
                fold: 0,
                cue: false,
            }
        })
        .collect()
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Corpus negatives: (set name, texts), None when the folder is absent.
/// Named sets of texts.
type Sets = Vec<(&'static str, Vec<String>)>;

fn load_corpora() -> Option<(PathBuf, Sets)> {
    let dir = std::env::var_os("DUNWATCH_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpora"));
    if !dir.is_dir() {
        return None;
    }
    let tsv = |f: &str, keep: &dyn Fn(&str) -> bool| -> Vec<String> {
        std::fs::read_to_string(dir.join(f))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter(|(k, _)| keep(k))
            .map(|(_, t)| t.to_string())
            .collect()
    };
    let sets = vec![
        ("nus_zh", tsv("nus_zh.tsv", &|_| true)),
        ("nus_en", tsv("nus_en.tsv", &|_| true)),
        ("uci_ham", tsv("uci_sms_spam.tsv", &|k| k == "ham")),
        ("uci_spam", tsv("uci_sms_spam.tsv", &|k| k == "spam")),
        ("mudou_0", tsv("mudou_sms.tsv", &|k| k == "0")),
        ("mudou_1", tsv("mudou_sms.tsv", &|k| k == "1")),
        ("fbs", tsv("fbs_sms.tsv", &|_| true)),
        (
            "cn_loan_spam",
            std::fs::read_to_string(dir.join("cn_loan_spam.txt"))
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect(),
        ),
    ];
    Some((dir, sets))
}

/// Deterministic xorshift.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A corpus message's out-of-fold score: (collection logit, corpus set, text, written mostly
/// in Latin letters).
type Scored<'a> = (f32, &'a str, &'a str, bool);

/// Trains on the labelled examples and the corpus negatives. The collection threshold is set
/// on out-of-fold scores: each corpus message is scored by a model trained without its fold
/// (so the budget is counted on every corpus message, none of them seen by the model that
/// scored it). Returns the model, its bytes and those scores.
fn train_model<'a>(
    labelled: &[&'a Example],
    corpus: &[&'a Example],
    bits: u32,
    version: &str,
    trained_on: &str,
) -> (Model, Vec<u8>, Vec<Scored<'a>>) {
    let mut oof: Vec<Scored<'a>> = Vec::with_capacity(corpus.len());
    if !corpus.is_empty() {
        for k in 0..FOLDS {
            let train: Vec<&Example> = labelled
                .iter()
                .chain(corpus.iter().filter(|e| e.fold != k))
                .copied()
                .collect();
            let (m, _) = fit(&train, &[], bits, "fold", "");
            let c = Classifier::builtin_lexicon_only().with_model(Some(Arc::new(m)));
            // A message without a debt cue is never collection by the model alone: it counts in
            // its set but cannot pass the threshold, whatever its logit.
            for e in corpus.iter().filter(|e| e.fold == k) {
                if let Some((l, _)) = c.model_logits(&e.text) {
                    let l = if e.cue { l[0] } else { f32::NEG_INFINITY };
                    oof.push((l, &e.group, &e.text, c.latin_script(&e.text)));
                }
            }
        }
    }
    let train: Vec<&Example> = labelled.iter().chain(corpus.iter()).copied().collect();
    let (m, bytes) = fit(&train, &oof, bits, version, trained_on);
    (m, bytes, oof)
}

/// Trains on `train` and returns the quantised, pruned model with its thresholds; the
/// collection threshold is set from `calib`, corpus negatives' out-of-fold logits (at its
/// floor when there are none).
fn fit(
    train: &[&Example],
    calib: &[Scored],
    bits: u32,
    version: &str,
    trained_on: &str,
) -> (Model, Vec<u8>) {
    let epochs = setting("DW_EPOCHS", 4.0) as usize;
    let lr = setting("DW_LR", 0.5);
    let l2 = setting("DW_L2", 1e-4);
    let lab_cap = setting("DW_LABW", 40.0);
    let corpus_x = setting("DW_CORPW", 1.0);
    let n = 1usize << bits;
    let mut w = vec![0f32; n * 7];
    let mut g2 = vec![1e-8f32; n * 7];
    let mut bias = [0f32; 7];
    let mut bg2 = [1e-8f32; 7];
    // Class balance: the labelled examples weigh as much as all corpus negatives together.
    let corpus_w: f32 = train
        .iter()
        .filter(|e| e.group.starts_with("corpus:"))
        .count() as f32;
    let lab_n = train
        .iter()
        .filter(|e| !e.group.starts_with("corpus:"))
        .count() as f32;
    let lab_w = if corpus_w > 0.0 && lab_n > 0.0 {
        (corpus_w / lab_n).clamp(1.0, lab_cap)
    } else {
        1.0
    };
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut rng = Rng(SEED.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    for _epoch in 0..epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &i in &order {
            let e = train[i];
            let ew = e.weight
                * if e.group.starts_with("corpus:") {
                    corpus_x
                } else {
                    lab_w
                };
            let labels = labels(e);
            for k in 0..7 {
                // Flags are only read on collector contact: their outputs learn from collection
                // and needs-context messages alone.
                if k > 0 && !(e.collection || e.needs_context) {
                    continue;
                }
                let mut z = bias[k];
                for &f in &e.feats {
                    z += w[f as usize * 7 + k];
                }
                let p = 1.0 / (1.0 + (-z).exp());
                let g = (p - if labels[k] { 1.0 } else { 0.0 }) * ew;
                if g.abs() < 1e-7 {
                    continue;
                }
                bg2[k] += g * g;
                bias[k] -= lr * g / bg2[k].sqrt();
                for &f in &e.feats {
                    let idx = f as usize * 7 + k;
                    let gi = g + l2 * w[idx];
                    g2[idx] += gi * gi;
                    w[idx] -= lr * gi / g2[idx].sqrt();
                }
            }
        }
    }
    // Prune to the MAX_ENTRIES buckets of largest weight, then quantise per output.
    let mut mag: Vec<(f32, u32)> = (0..n)
        .map(|b| {
            let m = (0..7).map(|k| w[b * 7 + k].abs()).fold(0f32, f32::max);
            (m, b as u32)
        })
        .filter(|(m, _)| *m > 0.0)
        .collect();
    mag.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    mag.truncate(setting("DW_ENTRIES", MAX_ENTRIES as f32) as usize);
    let mut keep: Vec<u32> = mag.iter().map(|x| x.1).collect();
    keep.sort_unstable();
    let mut scale = vec![0f32; 7];
    for k in 0..7 {
        let m = keep
            .iter()
            .map(|&b| w[b as usize * 7 + k].abs())
            .fold(0f32, f32::max);
        scale[k] = if m > 0.0 { m / 127.0 } else { 1.0 };
    }
    let mut entries: Vec<(u32, [i8; LANES])> = Vec::new();
    for &b in &keep {
        let mut q = [0i8; LANES];
        for k in 0..7 {
            q[k] = (w[b as usize * 7 + k] / scale[k])
                .round()
                .clamp(-127.0, 127.0) as i8;
        }
        if q.iter().any(|&x| x != 0) {
            entries.push((b, q));
        }
    }
    let mut header = Header {
        version: version.to_string(),
        feature_version: FEATURE_VERSION,
        bits,
        outputs: OUTPUTS.iter().map(|s| s.to_string()).collect(),
        scale,
        bias: bias.to_vec(),
        threshold: vec![f32::MAX.sqrt(); 7],
        veto_threshold: setting("DW_VETO", VETO_LOGIT),
        latin_threshold: None,
        trained_on: trained_on.to_string(),
    };
    // Thresholds: flags at FLAG_LOGIT; collection above the corpus negatives' out-of-fold
    // logits, each set's budget aside, one threshold per script (Latin, the rest) set on the
    // messages of that script (DW_ONE_THRESHOLD=1: one for both).
    let floor = setting("DW_MIN_T", MIN_COLLECTION_LOGIT);
    let one = setting("DW_ONE_THRESHOLD", 0.0) != 0.0;
    let budget = setting("DW_FP_BUDGET", FP_BUDGET);
    let show = std::env::var_os("DUNWATCH_TRAIN_SHOW").is_some();
    // People's own messages: per set. Spam and advertising: pooled (the smallest spam set, 747
    // messages, would otherwise let its single highest message set the threshold); so are a
    // script's parts of a set too small for the budget to allow one message (NUS zh's few
    // English lines).
    let pool = |g: &str| -> (String, f32) {
        if BENIGN_SETS.iter().any(|b| g == format!("corpus:{b}")) {
            (g.to_string(), budget)
        } else {
            (
                "spam and advertising sets".to_string(),
                setting("DW_SPAM_BUDGET", SPAM_BUDGET),
            )
        }
    };
    let script_threshold = |latin: Option<bool>| -> f32 {
        let mine: Vec<&Scored> = calib
            .iter()
            .filter(|x| latin.is_none_or(|l| x.3 == l))
            .collect();
        let mut parts: Vec<(String, f32, Vec<f32>)> = Vec::new();
        for x in &mine {
            let (g, share) = pool(x.1);
            match parts.iter_mut().find(|p| p.0 == g) {
                Some(p) => p.2.push(x.0),
                None => parts.push((g, share, vec![x.0])),
            }
        }
        let small = |p: &(String, f32, Vec<f32>)| ((p.1 * p.2.len() as f32) as usize) < 1;
        let pooled: Vec<f32> = parts
            .iter()
            .filter(|p| small(p))
            .flat_map(|p| p.2.clone())
            .collect();
        parts.retain(|p| !small(p));
        if !pooled.is_empty() {
            parts.push(("small parts of sets, pooled".to_string(), budget, pooled));
        }
        parts.sort_by(|a, b| a.0.cmp(&b.0));
        let mut t = floor;
        for (g, share, mut v) in parts {
            v.sort_by(|a, b| b.total_cmp(a));
            let allowed = (share * v.len() as f32).floor() as usize;
            if let Some(l) = v.get(allowed) {
                let at_least = l + setting("DW_MARGIN", CORPUS_MARGIN);
                if show {
                    println!(
                        "    {} {g}: {} scored, {allowed} allowed, threshold at least {at_least:.2} (top: {:.2?})",
                        match latin {
                            Some(true) => "latin",
                            Some(false) => "cjk/other",
                            None => "all",
                        },
                        v.len(),
                        &v[..v.len().min(allowed + 4)]
                    );
                }
                t = t.max(at_least);
            }
        }
        t
    };
    let (t0, latin_t) = if one {
        (script_threshold(None), None)
    } else {
        (
            script_threshold(Some(false)),
            Some(script_threshold(Some(true))),
        )
    };
    header.latin_threshold = latin_t.filter(|&t| t != t0);
    if show {
        let mut top: Vec<Scored> = calib.to_vec();
        top.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (l, g, t, latin) in top.iter().take(15) {
            println!(
                "    calib {l:.2} {g} {} {t}",
                if *latin { "latin" } else { "cjk" }
            );
        }
    }
    header.threshold = std::iter::once(t0)
        .chain(std::iter::repeat_n(setting("DW_FLAG_T", FLAG_LOGIT), 6))
        .collect();
    let bytes = Model::to_bytes(&header, &entries);
    (Model::from_bytes(&bytes).expect("valid model"), bytes)
}

fn labels(e: &Example) -> [bool; 7] {
    let mut l = [false; 7];
    l[0] = e.collection;
    l[1..].copy_from_slice(&e.flags);
    l
}

#[derive(Default, Clone, Copy)]
struct Pr {
    tp: u32,
    fp: u32,
    fn_: u32,
}
impl Pr {
    fn add(&mut self, want: bool, got: bool) {
        match (want, got) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            _ => {}
        }
    }
    fn p(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn r(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn cell(&self) -> String {
        format!("{:.3}/{:.3} ({})", self.p(), self.r(), self.tp + self.fn_)
    }
}

/// Prints collection and flag figures of `c` on `set`: the strict reading (unknown sender),
/// and the known-collector reading of collection and needs-context messages.
fn report(name: &str, c: &Classifier, set: &[&Example]) {
    let mut coll = Pr::default();
    // (lexicon says collection, model logit, label) for the precision/recall curve.
    let mut curve: Vec<(bool, f32, bool)> = Vec::new();
    let mut flags = [Pr::default(); 6];
    let mut ctx_flags = [Pr::default(); 6];
    let ctx = Context::known_collector("evaluation: sender is a known collector");
    for e in set {
        let r = c.classify_for_rules(&e.text, None);
        coll.add(e.collection, r.collection);
        if r.collection != e.collection && std::env::var_os("DUNWATCH_TRAIN_SHOW").is_some() {
            println!("    {} want {} | {}", name, e.collection, e.text);
        }
        if let Some((l, t)) = c.model_logits(&e.text) {
            // The logit above the message's script threshold, as the reading uses it (no cue:
            // never collection by the model).
            let veto = c.model().map_or(f32::MIN, |m| m.header().veto_threshold);
            let lex = LEX.with(|x| x.classify_for_rules(&e.text, None).collection);
            let above = if c.debt_cue(&e.text) {
                l[0] - t[0]
            } else {
                f32::NEG_INFINITY
            };
            curve.push((lex && l[0] >= veto, above, e.collection));
        }
        for (k, f) in Flag::ALL.iter().enumerate() {
            flags[k].add(e.strict_flags[k] && e.collection, r.has(*f));
        }
        if e.collection || e.needs_context {
            let r = c.classify_for_rules_with(&e.text, None, &ctx);
            for (k, f) in Flag::ALL.iter().enumerate() {
                ctx_flags[k].add(e.flags[k], r.has(*f));
            }
        }
    }
    let flagline = |v: &[Pr; 6]| {
        Flag::ALL
            .iter()
            .zip(v)
            .map(|(f, p)| format!("{} {}", f.name(), p.cell()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Best recall with precision >= `floor` over collection thresholds moved together (lexicon
    // OR logit >= script threshold + t), and the shift t that reaches it.
    curve.sort_by(|a, b| b.1.total_cmp(&a.1));
    let pos = curve.iter().filter(|x| x.2).count().max(1);
    let best_at = |floor: f64| {
        let (mut best, mut best_t) = (0.0f64, f32::NAN);
        for &(_, t, _) in &curve {
            let (mut tp, mut fp) = (0, 0);
            for &(lx, l, y) in &curve {
                if lx || l >= t {
                    if y {
                        tp += 1
                    } else {
                        fp += 1
                    }
                }
            }
            let p = tp as f64 / (tp + fp).max(1) as f64;
            let r = tp as f64 / pos as f64;
            if p >= floor && r > best {
                best = r;
                best_t = t;
            }
        }
        (best, best_t)
    };
    let (best, best_t) = best_at(0.98);
    let (best95, _) = best_at(0.95);
    if !curve.is_empty() {
        println!("  {name}: best collection recall at precision >= 0.98: {best:.3} (thresholds {best_t:+.2}); at >= 0.95: {best95:.3}");
        if std::env::var_os("DUNWATCH_TRAIN_CURVE").is_some() {
            for t in [-2.0f32, -1.0, 0.0, 1.0, 2.0, 3.0] {
                let mut k = Pr::default();
                for &(lx, l, y) in &curve {
                    k.add(y, lx || l >= t);
                }
                println!("    thresholds {t:+}: P/R {}", k.cell());
            }
        }
    }
    println!(
        "  {name}: {} msgs; collection P/R {}\n    flags P/R (strict): {}\n    flags P/R (known collector): {}",
        set.len(),
        coll.cell(),
        flagline(&flags),
        flagline(&ctx_flags)
    );
}

thread_local! {
    static LEX: Classifier = Classifier::builtin_lexicon_only();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let version = arg("--version").unwrap_or_else(|| "dev".into());
    let out = arg("--out")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("core/data/model/collection.dwm"));
    let bits: u32 = arg("--bits").and_then(|b| b.parse().ok()).unwrap_or(19);
    let cv = !args.iter().any(|a| a == "--no-cv");

    let lex = Classifier::builtin_lexicon_only();
    let mut all: Vec<Example> = Vec::new();
    let writers = jsonl(&repo().join("tests/fixtures/train"));
    let mut writer_names = Vec::new();
    for f in &writers {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        all.extend(load_labelled(f, &name));
        writer_names.push(name);
    }
    for f in jsonl(&repo().join("tests/fixtures/labelled")) {
        all.extend(load_labelled(&f, "labelled"));
    }
    let labelled_n = all.len();
    let mut trained_on = format!(
        "{} labelled messages ({} writer files: {}; tests/fixtures/labelled)",
        labelled_n,
        writers.len(),
        writer_names.join(", ")
    );
    let mut set_names: Vec<String> = Vec::new();
    match load_corpora() {
        None => {
            println!(
                "note: ../shared/corpora not found (set DUNWATCH_CORPORA): training without \
                 corpus negatives, collection threshold at its floor {MIN_COLLECTION_LOGIT}"
            );
            trained_on.push_str("; no corpus negatives");
        }
        Some((dir, sets)) => {
            let mut skipped = 0;
            let mut n = 0;
            for (set, texts) in sets {
                for t in texts {
                    if lex.classify_for_rules(&t, None).collection {
                        skipped += 1;
                        continue;
                    }
                    n += 1;
                    all.push(Example {
                        fold: fnv(&t) % FOLDS,
                        cue: lex.debt_cue(&t),
                        text: t,
                        group: format!("corpus:{set}"),
                        collection: false,
                        flags: [false; 6],
                        strict_flags: [false; 6],
                        needs_context: false,
                        weight: 1.0,
                        feats: Vec::new(),
                    });
                }
                set_names.push(format!("corpus:{set}"));
            }
            println!(
                "corpora from {}: {n} negatives ({FOLDS} folds for the threshold), {skipped} \
                 the lexicon reads as collection left out",
                dir.display()
            );
            trained_on.push_str(&format!("; {n} corpus negatives (../shared/corpora)"));
        }
    }
    for e in all.iter_mut() {
        let mut f: Vec<u32> = lex
            .features(&e.text)
            .into_iter()
            .map(|h| (h >> (64 - bits)) as u32)
            .collect();
        f.sort_unstable();
        f.dedup();
        e.feats = f;
    }
    let corpus: Vec<&Example> = all
        .iter()
        .filter(|e| e.group.starts_with("corpus:"))
        .collect();
    let labelled: Vec<&Example> = all
        .iter()
        .filter(|e| !e.group.starts_with("corpus:"))
        .collect();

    if cv && writer_names.len() > 1 {
        println!("leave-one-writer-out (trained without the file, measured on it):");
        for w in &writer_names {
            let train: Vec<&Example> = labelled.iter().filter(|e| &e.group != w).copied().collect();
            let test: Vec<&Example> = all.iter().filter(|e| &e.group == w).collect();
            let (m, _, _) = train_model(&train, &corpus, bits, "cv", "");
            println!(
                "  {w}: collection threshold {:.2} (Latin script {:.2})",
                m.header().threshold[0],
                m.header()
                    .latin_threshold
                    .unwrap_or(m.header().threshold[0])
            );
            let c = Classifier::builtin_lexicon_only().with_model(Some(Arc::new(m)));
            report(&format!("{w} lexicon + model"), &c, &test);
            report(&format!("{w} lexicon alone"), &lex, &test);
        }
    }

    if args.iter().any(|a| a == "--cv-within") {
        // A fifth of every writer's file (by a hash of the text) held out at once: unseen
        // messages of writers the model has seen, next to the cross-writer figures above.
        let held = |e: &Example| {
            !e.group.starts_with("corpus:") && e.group != "labelled" && (fnv(&e.text) % 5) == 1
        };
        let train: Vec<&Example> = labelled.iter().filter(|e| !held(e)).copied().collect();
        let test: Vec<&Example> = all.iter().filter(|e| held(e)).collect();
        let (m, _, _) = train_model(&train, &corpus, bits, "cv", "");
        let c = Classifier::builtin_lexicon_only().with_model(Some(Arc::new(m)));
        println!("a fifth of every writer file held out (seen writers, unseen messages):");
        report("within-writer lexicon + model", &c, &test);
        report("within-writer lexicon alone", &lex, &test);
    }

    if args.iter().any(|a| a == "--cv-only") {
        return;
    }
    let (m, bytes, oof) = train_model(&labelled, &corpus, bits, &version, &trained_on);
    let c = Classifier::builtin_lexicon_only().with_model(Some(Arc::new(m)));
    let holdout: Vec<Example> = jsonl(&repo().join("tests/fixtures/labelled/holdout"))
        .iter()
        .flat_map(|f| load_labelled(f, "holdout"))
        .collect();
    let h: Vec<&Example> = holdout.iter().collect();
    println!("final model on labelled/holdout (never trained on):");
    report("holdout lexicon + model", &c, &h);
    report("holdout lexicon alone", &lex, &h);
    if !set_names.is_empty() {
        let h = c.model().map(|m| m.header().clone());
        let t = h.as_ref().map_or(f32::MAX, |h| h.threshold[0]);
        let tl = h.as_ref().and_then(|h| h.latin_threshold).unwrap_or(t);
        println!(
            "corpora read as collection by the model alone (out-of-fold logit >= {t:.2}, Latin \
             script {tl:.2}; the lexicon's readings were left out):"
        );
        for set in &set_names {
            let v: Vec<&Scored> = oof.iter().filter(|x| x.1 == set.as_str()).collect();
            let n = v.iter().filter(|x| x.0 >= if x.3 { tl } else { t }).count();
            println!("  {}: {n} of {}", &set["corpus:".len()..], v.len());
        }
    }
    std::fs::write(&out, &bytes).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    // gzip's deflate is what an APK's zip applies to the asset.
    match std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .arg(&out)
        .output()
    {
        Ok(o) if o.status.success() => {
            let n = o.stdout.len();
            println!("compressed (gzip -9): {n} bytes, asset budget {ASSET_BUDGET}");
            if n > ASSET_BUDGET {
                eprintln!(
                    "error: the weights are over the asset budget compressed; lower DW_ENTRIES"
                );
                std::process::exit(1);
            }
        }
        _ => println!("note: gzip not found, the compressed size was not checked"),
    }
    let seen: BTreeSet<&str> = all.iter().map(|e| e.group.as_str()).collect();
    println!(
        "wrote {} ({} bytes, {} entries, version {version}, thresholds {:?}, groups {})",
        out.display(),
        bytes.len(),
        c.model().map_or(0, |m| m.entries()),
        c.model().map(|m| m.header().threshold.clone()),
        seen.len()
    );
}
