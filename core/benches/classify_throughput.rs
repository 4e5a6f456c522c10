//! Throughput of the builtin classifier, single thread, in process, over the NUS SMS corpora
//! (`../shared/corpora/nus_en.tsv` + `nus_zh.tsv`, about 87k real messages).
//!
//! `cargo bench -p dunwatch-core --bench classify_throughput` prints messages per second, then
//! the same for the collection messages of the labelled set (tests/fixtures/labelled), the only
//! ones that run the extraction patterns: compare with `--no-default-features` (regex-lite, as
//! in the Android library) to see what the regex engine costs.
//! With `--write-inputs DIR` it also writes the same messages as `DIR/nus.jsonl` (input of
//! `dunwatch classify`) and `DIR/nus.txt` (one text per line, for ripgrep), which
//! `scripts/bench-classify.sh` uses to compare the three in one run. Skips when the corpora
//! are absent (a user's clone has no ../shared).

use dunwatch_core::classify::Classifier;
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn load(dir: &Path) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for f in ["nus_en.tsv", "nus_zh.tsv"] {
        let src = std::fs::read_to_string(dir.join(f)).ok()?;
        out.extend(
            src.lines()
                .filter_map(|l| l.split_once('\t'))
                // One message per line for ripgrep: flatten any stray line breaks.
                .map(|(_, t)| t.replace(['\n', '\r'], " ")),
        );
    }
    Some(out)
}

fn write_inputs(dir: &Path, texts: &[String]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut jsonl = std::io::BufWriter::new(std::fs::File::create(dir.join("nus.jsonl"))?);
    let mut txt = std::io::BufWriter::new(std::fs::File::create(dir.join("nus.txt"))?);
    for (i, t) in texts.iter().enumerate() {
        let line = serde_json::json!({"id": i.to_string(), "text": t});
        writeln!(jsonl, "{line}")?;
        writeln!(txt, "{t}")?;
    }
    jsonl.flush()?;
    txt.flush()
}

/// This thread's CPU time in ns (Linux `/proc/thread-self/schedstat`), if available: on a
/// loaded machine wall time also counts the time other processes held the CPU.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Texts of the labelled set (JSON Lines with a "text" field).
fn labelled_texts() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/labelled");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "jsonl"));
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).expect("labelled set is readable");
        for line in src.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("labelled set is JSON");
            if let Some(t) = v["text"].as_str() {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// Messages per second of thread CPU time (wall clock where unavailable), median of 7 rounds of
/// `reps` passes over `texts`.
fn rate(c: &Classifier, texts: &[String], reps: usize) -> f64 {
    let mut rates: Vec<f64> = (0..7)
        .map(|_| {
            let cpu0 = thread_cpu_ns();
            let start = Instant::now();
            for _ in 0..reps {
                for t in texts {
                    black_box(c.classify(black_box(t), None));
                }
            }
            let secs = match (cpu0, thread_cpu_ns()) {
                (Some(a), Some(b)) => (b - a) as f64 / 1e9,
                _ => start.elapsed().as_secs_f64(),
            };
            (texts.len() * reps) as f64 / secs
        })
        .collect();
    rates.sort_by(|a, b| a.total_cmp(b));
    rates[rates.len() / 2]
}

fn collection_subset() {
    let c = Classifier::builtin();
    let mut texts = labelled_texts();
    texts.retain(|t| c.classify(t, None).collection);
    if texts.is_empty() {
        return;
    }
    let engine = if cfg!(feature = "fast-regex") {
        "regex"
    } else {
        "regex-lite"
    };
    println!(
        "collection messages of the labelled set ({} messages, extraction with {engine}): median {:.0} msgs/s of thread CPU time",
        texts.len(),
        rate(c, &texts, 50)
    );
}

fn main() {
    collection_subset();
    let args: Vec<String> = std::env::args().collect();
    let dir = std::env::var_os("DUNWATCH_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora"));
    let Some(texts) = load(&dir) else {
        println!("SKIP: no NUS corpora at {}", dir.display());
        return;
    };
    if let Some(i) = args.iter().position(|a| a == "--write-inputs") {
        let out = PathBuf::from(args.get(i + 1).expect("--write-inputs DIR"));
        write_inputs(&out, &texts).expect("write bench inputs");
        println!("wrote {} messages to {}", texts.len(), out.display());
    }
    let c = Classifier::builtin();
    let bytes: usize = texts.iter().map(String::len).sum();
    // Warm up (compiles the lexicon, fills caches).
    let mut hits = 0usize;
    let mut collection = 0usize;
    for t in &texts {
        let r = c.classify(t, None);
        hits += usize::from(!r.signals.is_empty());
        collection += usize::from(r.collection);
    }
    let rounds = 7;
    // Passes over the corpus per round: the thread CPU clock can advance in steps of a few
    // milliseconds, which would quantise a single ~90 ms pass to a few percent.
    let passes = 5;
    let mut rates = Vec::with_capacity(rounds);
    let mut cpu_rates = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let cpu0 = thread_cpu_ns();
        let start = Instant::now();
        for _ in 0..passes {
            for t in &texts {
                black_box(c.classify(black_box(t), None));
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let n = (texts.len() * passes) as f64;
        rates.push(n / secs);
        if let (Some(a), Some(b)) = (cpu0, thread_cpu_ns()) {
            cpu_rates.push(n / ((b - a) as f64 / 1e9));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let wall = median(&mut rates);
    println!(
        "in-process: {} messages ({:.1} MB), {} with any lexicon hit, {} collection",
        texts.len(),
        bytes as f64 / 1e6,
        hits,
        collection
    );
    println!(
        "in-process: median {:.0} msgs/s wall clock ({:.1} MB/s), best {:.0}, worst {:.0} over {rounds} rounds of {passes} passes",
        wall,
        wall * bytes as f64 / texts.len() as f64 / 1e6,
        rates[rounds - 1],
        rates[0]
    );
    if cpu_rates.len() == rounds {
        let cpu = median(&mut cpu_rates);
        println!(
            "in-process: median {:.0} msgs/s of thread CPU time ({:.1} MB/s)",
            cpu,
            cpu * bytes as f64 / texts.len() as f64 / 1e6
        );
    }
    // The same messages read by the lexicon alone (what the model costs).
    let lex = Classifier::builtin_lexicon_only();
    println!(
        "in-process, lexicon alone (no model): median {:.0} msgs/s of thread CPU time",
        rate(&lex, &texts, 5)
    );
    println!(
        "in-process: model {}",
        c.model()
            .map_or("none (feature builtin-model off)".to_string(), |m| format!(
                "{}, {} non-zero buckets of 2^{}",
                m.version(),
                m.entries(),
                m.header().bits
            ))
    );
}
