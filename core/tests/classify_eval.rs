//! Accuracy of the builtin classifier.
//!
//! - The labelled set in `tests/fixtures/labelled/` (in the repo): collection recall and
//!   precision/recall of every flag, always asserted.
//! - The real public corpora in `../shared/corpora` (beside the project, absent in a user's
//!   clone): the share of each benign, spam and loan-ad set flagged as collection. Skipped with a
//!   note when the folder is missing.
//!
//! Run with `--nocapture` to see the figures; `DUNWATCH_EVAL_SHOW=N` prints up to N false
//! positives per corpus and every labelled-set error; `DUNWATCH_CORPORA=DIR` reads the corpora
//! from DIR instead.

use dunwatch_core::classify::{Classifier, Context, Flag};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn show() -> usize {
    std::env::var("DUNWATCH_EVAL_SHOW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[derive(Deserialize)]
struct Labelled {
    id: String,
    text: String,
    #[serde(default)]
    sender: Option<String>,
    collection: bool,
    #[serde(default)]
    flags: Vec<String>,
    /// The text alone does not show a debt; from a known collector it is collector contact
    /// carrying `context_flags` (the writers' format, tests/fixtures/train).
    #[serde(default)]
    needs_context: bool,
    #[serde(default)]
    context_flags: Vec<String>,
}

/// Every `*.jsonl` file directly inside `tests/fixtures/<sub>`, sorted by name.
fn jsonl_files(sub: &str) -> Vec<PathBuf> {
    let dir = repo_root().join("tests/fixtures").join(sub);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files
}

fn load_labelled(sub: &str) -> Vec<Labelled> {
    jsonl_files(sub).iter().flat_map(|f| load_file(f)).collect()
}

fn load_file(f: &Path) -> Vec<Labelled> {
    let mut out = Vec::new();
    let src = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    for (n, line) in src.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let l: Labelled =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{}:{}: {e}", f.display(), n + 1));
        for name in l.flags.iter().chain(&l.context_flags) {
            assert!(
                Flag::from_name(name).is_some(),
                "{}: unknown flag {name}",
                l.id
            );
        }
        assert!(
            l.collection || l.flags.is_empty(),
            "{}: flags on a non-collection message",
            l.id
        );
        out.push(l);
    }
    out
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

/// Counts one message's flags: wanted and raised, raised only, wanted only.
fn tally(per_flag: &mut [Counts; 6], want: &BTreeSet<Flag>, got: &BTreeSet<Flag>) {
    for (i, f) in Flag::ALL.iter().enumerate() {
        match (want.contains(f), got.contains(f)) {
            (true, true) => per_flag[i].tp += 1,
            (false, true) => per_flag[i].fp += 1,
            (true, false) => per_flag[i].fn_ += 1,
            _ => {}
        }
    }
}

fn print_flags(per_flag: &[Counts; 6]) {
    for (f, k) in Flag::ALL.iter().zip(per_flag) {
        println!(
            "  {:<16} support {:>3}  precision {:.3}  recall {:.3}",
            f.name(),
            k.tp + k.fn_,
            k.precision(),
            k.recall()
        );
    }
}

/// Collection and per-flag counts of the builtin classifier on a labelled set; prints the
/// figures (and, with DUNWATCH_EVAL_SHOW, every error).
fn evaluate(name: &str, set: &[Labelled]) -> (Counts, [Counts; 6]) {
    let c = Classifier::builtin();
    let mut coll = Counts::default();
    let mut per_flag = [Counts::default(); 6];
    let mut ids = BTreeSet::new();
    for l in set {
        assert!(ids.insert(l.id.clone()), "duplicate id {}", l.id);
        let r = c.classify(&l.text, l.sender.as_deref());
        match (l.collection, r.collection) {
            (true, true) => coll.tp += 1,
            (false, true) => coll.fp += 1,
            (true, false) => coll.fn_ += 1,
            _ => {}
        }
        let got: BTreeSet<Flag> = r.flag_set().into_iter().collect();
        let want: BTreeSet<Flag> = l.flags.iter().filter_map(|f| Flag::from_name(f)).collect();
        tally(&mut per_flag, &want, &got);
        if show() > 0 && (l.collection != r.collection || got != want) {
            let sig: Vec<String> = r
                .signals
                .iter()
                .map(|s| format!("{}({})={:?}", s.rule, s.weight, s.words))
                .collect();
            println!(
                "MISS {} want {} {:?} got {} {:?} score {:.2} | {} | {}",
                l.id,
                l.collection,
                want,
                r.collection,
                got,
                r.score,
                l.text,
                sig.join(" ")
            );
        }
    }
    println!(
        "{name}: {} messages ({} collection); collection precision {:.3} recall {:.3}",
        set.len(),
        set.iter().filter(|l| l.collection).count(),
        coll.precision(),
        coll.recall()
    );
    print_flags(&per_flag);
    (coll, per_flag)
}

/// Flag recall of the context reading: every collection or needs-context message of `set` read
/// as coming from a known collector (`Context::known_collector`), against its flags and context
/// flags. Returns (right, missed, wrong) flag counts over the set.
fn evaluate_in_context(name: &str, set: &[Labelled]) -> (usize, usize, usize) {
    let c = Classifier::builtin();
    let ctx = Context::known_collector("sender is a known collector (evaluation)");
    let mut per_flag = [Counts::default(); 6];
    let mut read = 0;
    for l in set.iter().filter(|l| l.collection || l.needs_context) {
        read += 1;
        let r = c.classify_with(&l.text, l.sender.as_deref(), &ctx);
        let got: BTreeSet<Flag> = r.flag_set().into_iter().collect();
        let want: BTreeSet<Flag> = l
            .flags
            .iter()
            .chain(&l.context_flags)
            .filter_map(|f| Flag::from_name(f))
            .collect();
        tally(&mut per_flag, &want, &got);
        if show() > 0 && got != want {
            println!(
                "CONTEXT MISS {} want {want:?} got {got:?} | {}",
                l.id, l.text
            );
        }
    }
    let tp: usize = per_flag.iter().map(|k| k.tp).sum();
    let fp: usize = per_flag.iter().map(|k| k.fp).sum();
    let fn_: usize = per_flag.iter().map(|k| k.fn_).sum();
    println!(
        "{name}, read as from a known collector: {read} messages; flag recall {:.3} ({tp} right, {fn_} missed, {fp} wrong)",
        tp as f64 / (tp + fn_).max(1) as f64
    );
    print_flags(&per_flag);
    (tp, fn_, fp)
}

#[test]
fn labelled_set_meets_the_acceptance_bounds() {
    let set = load_labelled("labelled");
    assert!(
        set.len() >= 300,
        "labelled set has only {} messages",
        set.len()
    );
    let (coll, per_flag) = evaluate("labelled set", &set);
    assert!(
        coll.recall() >= 0.95,
        "collection recall {:.3}",
        coll.recall()
    );
    for (i, f) in Flag::ALL.iter().enumerate() {
        let k = per_flag[i];
        assert!(k.tp + k.fn_ >= 10, "too few {} examples", f.name());
        assert!(
            k.precision() >= 0.90,
            "{} precision {:.3}",
            f.name(),
            k.precision()
        );
        assert!(k.recall() >= 0.90, "{} recall {:.3}", f.name(), k.recall());
    }
}

/// Regression floors of one blind held-out round (a file in `labelled/holdout/`).
struct Floor {
    file: &'static str,
    precision: f64,
    recall: f64,
    /// Recall over all flag labels of the round taken together.
    flag_recall: f64,
    /// Right flags raised per wrong flag raised, at least.
    right_per_wrong: usize,
    /// Flag recall when every collection and needs-context message is read as coming from a
    /// known collector (0 for the rounds written before the context reading).
    context_flag_recall: f64,
}

/// Whether the builtin classifier carries the model (core's default feature `builtin-model`);
/// without it (the Android library's build) the lexicon reads alone and rounds written after the
/// model have floors of their own.
const MODEL: bool = cfg!(feature = "builtin-model");

/// Set a little below each round's figures measured *before* the lexicon was changed with it in
/// view (docs/ACCURACY.md): they only catch a regression; they are not the acceptance bounds.
const HOLDOUT_FLOORS: &[Floor] = &[
    Floor {
        file: "round4.jsonl",
        precision: 0.95,
        recall: 0.65,
        flag_recall: 0.50,
        right_per_wrong: 4,
        context_flag_recall: 0.0,
    },
    Floor {
        file: "round5.jsonl",
        precision: 0.95,
        recall: 0.60,
        flag_recall: 0.45,
        right_per_wrong: 3,
        context_flag_recall: 0.0,
    },
    Floor {
        file: "round6.jsonl",
        precision: 0.95,
        recall: 0.60,
        flag_recall: 0.55,
        right_per_wrong: 4,
        context_flag_recall: 0.0,
    },
    // 3 right flags per wrong one, not 4: the model (2026.12.04) learnt from the writers'
    // corpus, which labels a debt disclosed to a relative or employer `exposure` as well as
    // `third_party` (as issue 14 does); round 7's labels say `third_party` alone.
    Floor {
        file: "round7.jsonl",
        precision: 0.95,
        recall: 0.60,
        flag_recall: 0.45,
        right_per_wrong: 3,
        context_flag_recall: 0.0,
    },
    // Rounds 8 and 9 (2026-12-04): written by two writers who saw neither the lexicon, the
    // model nor the training data, frozen before model 2026.12.04-2 was measured on them, measured
    // once (docs/ACCURACY.md); the floors sit a little below that measurement.
    Floor {
        file: "round8.jsonl",
        precision: if MODEL { 0.85 } else { 0.92 },
        recall: if MODEL { 0.75 } else { 0.45 },
        flag_recall: if MODEL { 0.65 } else { 0.30 },
        right_per_wrong: if MODEL { 3 } else { 4 },
        context_flag_recall: if MODEL { 0.78 } else { 0.44 },
    },
    // Model 2026.12.05-1 (four more writers, mostly terse chat lines) reads round 9 at recall
    // 0.624, down from 0.696 with 2026.12.04-2 (round 8 went up, 0.792 to 0.808).
    Floor {
        file: "round9.jsonl",
        precision: 0.95,
        recall: if MODEL { 0.60 } else { 0.25 },
        flag_recall: if MODEL { 0.58 } else { 0.14 },
        right_per_wrong: if MODEL { 10 } else { 5 },
        context_flag_recall: if MODEL { 0.82 } else { 0.30 },
    },
    // Rounds 22 to 33: written blind, each sealed before the model it was first measured with
    // and measured once (docs/ACCURACY.md; rounds 10 to 21 became training data). The floors
    // sit a little below the current model's figures (and the lexicon's alone without
    // `builtin-model`).
    Floor {
        file: "round22.jsonl",
        precision: if MODEL { 0.96 } else { 0.79 },
        recall: if MODEL { 0.91 } else { 0.25 },
        flag_recall: if MODEL { 0.85 } else { 0.18 },
        right_per_wrong: if MODEL { 3 } else { 1 },
        context_flag_recall: if MODEL { 0.91 } else { 0.41 },
    },
    Floor {
        file: "round23.jsonl",
        precision: if MODEL { 0.98 } else { 0.94 },
        recall: if MODEL { 0.87 } else { 0.2 },
        flag_recall: if MODEL { 0.78 } else { 0.13 },
        right_per_wrong: if MODEL { 15 } else { 10 },
        context_flag_recall: if MODEL { 0.89 } else { 0.34 },
    },
    Floor {
        file: "round24.jsonl",
        precision: if MODEL { 0.96 } else { 0.77 },
        recall: if MODEL { 0.85 } else { 0.25 },
        flag_recall: if MODEL { 0.81 } else { 0.16 },
        right_per_wrong: if MODEL { 6 } else { 2 },
        context_flag_recall: if MODEL { 0.87 } else { 0.38 },
    },
    Floor {
        file: "round25.jsonl",
        precision: if MODEL { 0.98 } else { 0.89 },
        recall: if MODEL { 0.86 } else { 0.15 },
        flag_recall: if MODEL { 0.8 } else { 0.11 },
        right_per_wrong: if MODEL { 10 } else { 15 },
        context_flag_recall: if MODEL { 0.92 } else { 0.41 },
    },
    Floor {
        file: "round26.jsonl",
        precision: if MODEL { 0.96 } else { 0.81 },
        recall: if MODEL { 0.69 } else { 0.12 },
        flag_recall: if MODEL { 0.67 } else { 0.06 },
        right_per_wrong: if MODEL { 4 } else { 1 },
        context_flag_recall: if MODEL { 0.88 } else { 0.42 },
    },
    Floor {
        file: "round27.jsonl",
        precision: if MODEL { 0.97 } else { 0.99 },
        recall: if MODEL { 0.8 } else { 0.13 },
        flag_recall: if MODEL { 0.79 } else { 0.06 },
        right_per_wrong: if MODEL { 15 } else { 10 },
        context_flag_recall: if MODEL { 0.88 } else { 0.28 },
    },
    Floor {
        file: "round28.jsonl",
        precision: if MODEL { 0.96 } else { 0.87 },
        recall: if MODEL { 0.74 } else { 0.13 },
        flag_recall: if MODEL { 0.66 } else { 0.05 },
        right_per_wrong: if MODEL { 5 } else { 3 },
        context_flag_recall: if MODEL { 0.83 } else { 0.33 },
    },
    Floor {
        file: "round29.jsonl",
        precision: if MODEL { 0.97 } else { 0.91 },
        recall: if MODEL { 0.7 } else { 0.1 },
        flag_recall: if MODEL { 0.61 } else { 0.06 },
        right_per_wrong: if MODEL { 12 } else { 10 },
        context_flag_recall: if MODEL { 0.77 } else { 0.22 },
    },
    Floor {
        file: "round30.jsonl",
        precision: if MODEL { 0.96 } else { 0.77 },
        recall: if MODEL { 0.74 } else { 0.09 },
        flag_recall: if MODEL { 0.7 } else { 0.05 },
        right_per_wrong: if MODEL { 4 } else { 1 },
        context_flag_recall: if MODEL { 0.86 } else { 0.38 },
    },
    Floor {
        file: "round31.jsonl",
        precision: 0.99,
        recall: if MODEL { 0.71 } else { 0.09 },
        flag_recall: if MODEL { 0.71 } else { 0.05 },
        right_per_wrong: if MODEL { 15 } else { 10 },
        context_flag_recall: if MODEL { 0.91 } else { 0.24 },
    },
    Floor {
        file: "round32.jsonl",
        precision: if MODEL { 0.98 } else { 0.93 },
        recall: if MODEL { 0.93 } else { 0.45 },
        flag_recall: if MODEL { 0.87 } else { 0.3 },
        right_per_wrong: if MODEL { 4 } else { 2 },
        context_flag_recall: if MODEL { 0.88 } else { 0.52 },
    },
    Floor {
        file: "round33.jsonl",
        precision: if MODEL { 0.98 } else { 0.92 },
        recall: if MODEL { 0.91 } else { 0.26 },
        flag_recall: if MODEL { 0.87 } else { 0.14 },
        right_per_wrong: if MODEL { 8 } else { 5 },
        context_flag_recall: if MODEL { 0.91 } else { 0.36 },
    },
    Floor {
        file: "round34.jsonl",
        precision: if MODEL { 0.96 } else { 0.92 },
        recall: if MODEL { 0.86 } else { 0.38 },
        flag_recall: if MODEL { 0.78 } else { 0.22 },
        right_per_wrong: if MODEL { 5 } else { 1 },
        context_flag_recall: if MODEL { 0.89 } else { 0.43 },
    },
    Floor {
        file: "round35.jsonl",
        precision: if MODEL { 0.97 } else { 0.94 },
        recall: if MODEL { 0.91 } else { 0.2 },
        flag_recall: if MODEL { 0.84 } else { 0.13 },
        right_per_wrong: if MODEL { 15 } else { 10 },
        context_flag_recall: if MODEL { 0.88 } else { 0.31 },
    },
    Floor {
        file: "round36.jsonl",
        precision: if MODEL { 0.95 } else { 0.93 },
        recall: if MODEL { 0.96 } else { 0.52 },
        flag_recall: if MODEL { 0.87 } else { 0.3 },
        right_per_wrong: if MODEL { 4 } else { 3 },
        context_flag_recall: if MODEL { 0.88 } else { 0.46 },
    },
    Floor {
        file: "round37.jsonl",
        precision: if MODEL { 0.99 } else { 0.93 },
        recall: if MODEL { 0.91 } else { 0.3 },
        flag_recall: if MODEL { 0.83 } else { 0.16 },
        right_per_wrong: if MODEL { 11 } else { 4 },
        context_flag_recall: if MODEL { 0.88 } else { 0.26 },
    },
    Floor {
        file: "round38.jsonl",
        precision: if MODEL { 0.98 } else { 0.95 },
        recall: if MODEL { 0.94 } else { 0.51 },
        flag_recall: if MODEL { 0.88 } else { 0.27 },
        right_per_wrong: if MODEL { 6 } else { 3 },
        context_flag_recall: if MODEL { 0.93 } else { 0.48 },
    },
    Floor {
        file: "round39.jsonl",
        precision: if MODEL { 0.98 } else { 0.93 },
        recall: if MODEL { 0.92 } else { 0.29 },
        flag_recall: if MODEL { 0.84 } else { 0.17 },
        right_per_wrong: if MODEL { 15 } else { 10 },
        context_flag_recall: if MODEL { 0.84 } else { 0.33 },
    },
    Floor {
        file: "round44.jsonl",
        precision: if MODEL { 0.95 } else { 0.87 },
        recall: if MODEL { 0.92 } else { 0.49 },
        flag_recall: if MODEL { 0.88 } else { 0.31 },
        right_per_wrong: if MODEL { 3 } else { 1 },
        context_flag_recall: if MODEL { 0.94 } else { 0.51 },
    },
    Floor {
        file: "round45.jsonl",
        precision: if MODEL { 0.98 } else { 0.88 },
        recall: if MODEL { 0.92 } else { 0.3 },
        flag_recall: if MODEL { 0.89 } else { 0.2 },
        right_per_wrong: if MODEL { 15 } else { 6 },
        context_flag_recall: if MODEL { 0.94 } else { 0.36 },
    },
    Floor {
        file: "round46.jsonl",
        precision: if MODEL { 0.98 } else { 0.85 },
        recall: if MODEL { 0.97 } else { 0.48 },
        flag_recall: if MODEL { 0.91 } else { 0.36 },
        right_per_wrong: if MODEL { 5 } else { 2 },
        context_flag_recall: if MODEL { 0.93 } else { 0.54 },
    },
    Floor {
        file: "round47.jsonl",
        precision: if MODEL { 0.98 } else { 0.9 },
        recall: if MODEL { 0.94 } else { 0.27 },
        flag_recall: if MODEL { 0.93 } else { 0.13 },
        right_per_wrong: if MODEL { 15 } else { 2 },
        context_flag_recall: if MODEL { 0.95 } else { 0.31 },
    },
];

/// Each held-out round was written before looking at the classifier's output on it and is
/// measured on its own file, so its figures estimate how the lexicon does on wording it has not
/// seen (see docs/ACCURACY.md).
#[test]
fn held_out_rounds_regression_floors() {
    let files = jsonl_files("labelled/holdout");
    assert!(!files.is_empty(), "no held-out round");
    // A held-out message copied into the labelled set or the model's training files would no
    // longer be unseen wording.
    let labelled: BTreeSet<String> = load_labelled("labelled")
        .into_iter()
        .chain(load_labelled("train"))
        .map(|l| l.text)
        .collect();
    let mut below = Vec::new();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let floor = HOLDOUT_FLOORS
            .iter()
            .find(|k| k.file == name)
            .unwrap_or_else(|| panic!("held-out round {name} has no regression floor"));
        let set = load_file(&f);
        for l in &set {
            assert!(
                !labelled.contains(&l.text),
                "{}: also in the labelled set or the training files",
                l.id
            );
        }
        let (coll, per_flag) = evaluate(&format!("held-out {name}"), &set);
        let tp: usize = per_flag.iter().map(|k| k.tp).sum();
        let fp: usize = per_flag.iter().map(|k| k.fp).sum();
        let fn_: usize = per_flag.iter().map(|k| k.fn_).sum();
        let flag_recall = tp as f64 / (tp + fn_).max(1) as f64;
        println!(
            "  all flags        support {:>3}  recall {flag_recall:.3}  ({fp} wrong flags)",
            tp + fn_
        );
        let (ctp, cfn, _) = evaluate_in_context(&format!("held-out {name}"), &set);
        let context_recall = ctp as f64 / (ctp + cfn).max(1) as f64;
        // Every round is measured and every floor it misses reported, not just the first.
        let mut miss = |ok: bool, what: String| {
            if !ok {
                below.push(format!("{name}: {what}"));
            }
        };
        miss(
            coll.precision() >= floor.precision,
            format!(
                "collection precision {:.3} < {}",
                coll.precision(),
                floor.precision
            ),
        );
        miss(
            coll.recall() >= floor.recall,
            format!("collection recall {:.3} < {}", coll.recall(), floor.recall),
        );
        miss(
            flag_recall >= floor.flag_recall,
            format!("flag recall {flag_recall:.3} < {}", floor.flag_recall),
        );
        miss(
            tp >= floor.right_per_wrong * fp,
            format!(
                "flags {tp} right, {fp} wrong (floor {} per wrong)",
                floor.right_per_wrong
            ),
        );
        miss(
            context_recall >= floor.context_flag_recall,
            format!(
                "flag recall in known-collector context {context_recall:.3} < {}",
                floor.context_flag_recall
            ),
        );
    }
    assert!(below.is_empty(), "below the floors:\n{}", below.join("\n"));
}

/// One evaluation set read from the shared corpora: name, bound, texts.
struct Corpus {
    name: &'static str,
    bound: f64,
    texts: Vec<String>,
}

/// Rows of a `label<TAB>text` file whose label passes `keep`.
fn tsv(path: &Path, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    src.lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(k, _)| keep(k))
        .map(|(_, t)| t.to_string())
        .collect()
}

fn corpora(dir: &Path) -> Vec<Corpus> {
    const BENIGN: f64 = 0.002;
    const SPAM: f64 = 0.01;
    vec![
        Corpus {
            name: "NUS zh (benign)",
            bound: BENIGN,
            texts: tsv(&dir.join("nus_zh.tsv"), |_| true),
        },
        Corpus {
            name: "NUS en (benign)",
            bound: BENIGN,
            texts: tsv(&dir.join("nus_en.tsv"), |_| true),
        },
        Corpus {
            name: "UCI ham (benign)",
            bound: BENIGN,
            texts: tsv(&dir.join("uci_sms_spam.tsv"), |k| k == "ham"),
        },
        Corpus {
            name: "mudou label 0 (benign)",
            bound: BENIGN,
            texts: tsv(&dir.join("mudou_sms.tsv"), |k| k == "0"),
        },
        Corpus {
            name: "UCI spam",
            bound: SPAM,
            texts: tsv(&dir.join("uci_sms_spam.tsv"), |k| k == "spam"),
        },
        Corpus {
            name: "mudou label 1 (spam)",
            bound: SPAM,
            texts: tsv(&dir.join("mudou_sms.tsv"), |k| k == "1"),
        },
        Corpus {
            name: "FBS (fake base station spam)",
            bound: SPAM,
            texts: tsv(&dir.join("fbs_sms.tsv"), |_| true),
        },
        Corpus {
            name: "cn_loan_spam (loan ads)",
            bound: SPAM,
            texts: std::fs::read_to_string(dir.join("cn_loan_spam.txt"))
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect(),
        },
    ]
}

#[test]
fn real_corpora_false_positive_rates() {
    // DUNWATCH_CORPORA points elsewhere (e.g. to check the skip path with a missing folder).
    let dir = std::env::var_os("DUNWATCH_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpora"));
    if !dir.join("nus_en.tsv").exists() {
        println!(
            "SKIP: {} not found; the corpus evaluation needs the shared corpora beside the project",
            dir.display()
        );
        return;
    }
    let c = Classifier::builtin();
    let mut failures = Vec::new();
    for corpus in corpora(&dir) {
        assert!(!corpus.texts.is_empty(), "{} is empty", corpus.name);
        let mut flagged = 0usize;
        let mut shown = 0usize;
        for t in &corpus.texts {
            let r = c.classify(t, None);
            if r.collection {
                flagged += 1;
                if shown < show() {
                    shown += 1;
                    let sig: Vec<String> = r
                        .signals
                        .iter()
                        .map(|s| format!("{}={:?}", s.rule, s.words))
                        .collect();
                    println!(
                        "  FP [{}] {:.2} {} | {}",
                        corpus.name,
                        r.score,
                        t,
                        sig.join(" ")
                    );
                }
            }
        }
        let share = flagged as f64 / corpus.texts.len() as f64;
        println!(
            "{:<30} {:>6} messages  flagged as collection {:>4} = {:.3}%  (bound {:.1}%)",
            corpus.name,
            corpus.texts.len(),
            flagged,
            share * 100.0,
            corpus.bound * 100.0
        );
        if share > corpus.bound {
            failures.push(format!("{}: {:.3}%", corpus.name, share * 100.0));
        }
    }
    assert!(failures.is_empty(), "over the bound: {failures:?}");
}
