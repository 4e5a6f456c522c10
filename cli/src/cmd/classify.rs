//! `dunwatch classify`: classify messages given as JSON Lines, one result line per input line.
//!
//! Streams: lines are read in chunks, each chunk is classified on one of `--threads` worker
//! threads and the results are written in input order; a fixed number of chunks is in flight,
//! so memory stays flat however long the input is. A line longer than [`MAX_LINE`] is dropped
//! as it streams and reported. A malformed line gives an error object with its line number and
//! the run goes on.
//!
//! Each line may carry its reading context: `"sender_known_collector": true` (optionally with
//! `"reason": "sender is in case 速借花"`) and `"role": "third_party"`.

use anyhow::Context as _;
use dunwatch_core::classify::{Classification, Classifier, Context, Model, Role, Span};
use dunwatch_core::limits::{read_line_capped, MAX_LINE};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// JSON Lines input, each {"id": ..., "text": ..., "sender": ...} (sender optional; context
    /// optional: "sender_known_collector": true, "reason": "...", "role": "third_party").
    /// Default: standard input.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Use this lexicon file (TOML) instead of the builtin one.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Use this model weights file instead of the builtin one (see docs/ACCURACY.md).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Read with the lexicon alone (no model).
    #[arg(long, conflicts_with = "model")]
    pub no_model: bool,
    /// Worker threads (default: the number of CPUs, at most 8). Output order is input order
    /// whatever the number.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
}

#[derive(Deserialize)]
struct InputLine<'a> {
    #[serde(borrow)]
    id: Option<IdRef<'a>>,
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    sender: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    sender_known_collector: bool,
    /// Why the sender is a known collector (shown in the explanation).
    #[serde(borrow, default)]
    reason: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    role: Role,
}

/// Ids may be strings or numbers; they are echoed as given.
#[derive(Deserialize, Serialize)]
#[serde(untagged)]
enum IdRef<'a> {
    Str(#[serde(borrow)] std::borrow::Cow<'a, str>),
    Num(serde_json::Number),
}

#[derive(Serialize)]
struct Explanation<'a> {
    rule: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    flag: Option<&'static str>,
    weight: f32,
    words: &'a [String],
    spans: &'a [Span],
}

#[derive(Serialize)]
struct OutputLine<'a> {
    id: &'a Option<IdRef<'a>>,
    collection: bool,
    flags: Vec<&'static str>,
    score: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    creditor: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    callback_numbers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a str>,
    explanations: Vec<Explanation<'a>>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    line: u64,
    error: &'a str,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let owned;
    let classifier: &Classifier = if a.lexicon.is_none() && a.model.is_none() && !a.no_model {
        Classifier::builtin()
    } else {
        let c = match &a.lexicon {
            Some(p) => Classifier::from_file(p)?,
            None => Classifier::builtin_lexicon_only().with_model(Classifier::builtin_model()),
        };
        let model = match (&a.model, a.no_model) {
            (Some(p), _) => Some(std::sync::Arc::new(
                Model::from_file(p).map_err(anyhow::Error::msg)?,
            )),
            (None, true) => None,
            (None, false) => Classifier::builtin_model(),
        };
        owned = c.with_model(model);
        &owned
    };
    let input: Box<dyn BufRead> = match &a.input {
        Some(p) => Box::new(BufReader::with_capacity(
            1 << 16,
            File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
        )),
        None => Box::new(BufReader::with_capacity(1 << 16, io::stdin().lock())),
    };
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    let threads = a
        .threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)));
    let errors = classify_stream(classifier, input, &mut out, threads)?;
    out.flush()?;
    // On stderr, so stdout stays pure JSON Lines.
    eprintln!(
        "dunwatch classify: lexicon {}; {errors} malformed line(s){}",
        classifier.describe(),
        if errors > 0 { ", reported inline" } else { "" }
    );
    Ok(ExitCode::SUCCESS)
}

/// Lines per chunk handed to a worker, and the bytes after which a chunk is closed early.
const CHUNK_LINES: usize = 2048;
const CHUNK_BYTES: usize = 1 << 18;

/// A run of input lines: the text of each (empty when it was too long) and where it starts.
#[derive(Default)]
struct Chunk {
    first_line: u64,
    data: Vec<u8>,
    /// Per line: end offset in `data`, and whether the line was over the cap.
    lines: Vec<(usize, bool)>,
}

/// Reads the next chunk; `None` at the end of the input.
fn read_chunk(
    input: &mut impl BufRead,
    first_line: u64,
    mut c: Chunk,
) -> io::Result<Option<Chunk>> {
    c.first_line = first_line;
    c.data.clear();
    c.lines.clear();
    let mut line: Vec<u8> = Vec::new();
    while c.lines.len() < CHUNK_LINES && c.data.len() < CHUNK_BYTES {
        line.clear();
        let too_long = read_line_capped(input, &mut line, MAX_LINE)?;
        if line.is_empty() && !too_long {
            break;
        }
        c.data.extend_from_slice(trim_line_end(&line));
        c.lines.push((c.data.len(), too_long));
    }
    Ok((!c.lines.is_empty()).then_some(c))
}

/// Classifies a chunk into `out` (one line each, with its newline); returns the malformed count.
fn classify_chunk(classifier: &Classifier, c: &Chunk, out: &mut Vec<u8>) -> io::Result<u64> {
    let mut errors = 0;
    let mut start = 0;
    for (i, &(end, too_long)) in c.lines.iter().enumerate() {
        let line = &c.data[start..end];
        start = end;
        let mark = out.len();
        let result = if too_long {
            Err(format!("line longer than {MAX_LINE} bytes (not read)"))
        } else {
            classify_line(classifier, line, out)
        };
        if let Err(msg) = result {
            errors += 1;
            out.truncate(mark);
            serde_json::to_writer(
                &mut *out,
                &ErrorLine {
                    line: c.first_line + i as u64,
                    error: &msg,
                },
            )?;
        }
        out.push(b'\n');
    }
    Ok(errors)
}

/// Classifies every line of `input` into `out` on `threads` workers; returns how many lines
/// were malformed. This thread reads chunks and writes the results in input order, the
/// workers classify. At most `2 × threads` chunks are read ahead of the
/// output, so memory is bounded; an error writing stops the reading.
pub fn classify_stream(
    classifier: &Classifier,
    mut input: impl BufRead,
    out: &mut impl Write,
    threads: usize,
) -> io::Result<u64> {
    if threads <= 1 {
        let mut errors = 0;
        let mut line_no = 1;
        let mut chunk = Chunk::default();
        let mut buf = Vec::with_capacity(1 << 16);
        while let Some(c) = read_chunk(&mut input, line_no, chunk)? {
            buf.clear();
            errors += classify_chunk(classifier, &c, &mut buf)?;
            out.write_all(&buf)?;
            line_no += c.lines.len() as u64;
            chunk = c;
        }
        return Ok(errors);
    }
    use std::sync::mpsc::{channel, Receiver};
    use std::sync::Mutex;
    type Done = (u64, Chunk, io::Result<(Vec<u8>, u64)>);
    let (work_tx, work_rx) = channel::<(u64, Chunk)>();
    let work_rx: Mutex<Receiver<(u64, Chunk)>> = Mutex::new(work_rx);
    let (done_tx, done_rx) = channel::<Done>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || loop {
                let next = work_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((seq, c))) = next else { break };
                let mut buf = Vec::with_capacity(1 << 16);
                let r = classify_chunk(classifier, &c, &mut buf).map(|e| (buf, e));
                if done_tx.send((seq, c, r)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        // Chunks not in flight, to be filled; when none is left, wait for output.
        let mut free: Vec<Chunk> = (0..2 * threads).map(|_| Chunk::default()).collect();
        let mut pending = std::collections::BTreeMap::new();
        let (mut line_no, mut sent, mut written, mut errors) = (1u64, 0u64, 0u64, 0u64);
        let (mut at_end, mut read_err) = (false, None);
        let result = loop {
            while !at_end {
                let Some(chunk) = free.pop() else { break };
                match read_chunk(&mut input, line_no, chunk) {
                    Ok(Some(c)) => {
                        line_no += c.lines.len() as u64;
                        work_tx.send((sent, c)).expect("workers outlive the sender");
                        sent += 1;
                    }
                    Ok(None) => at_end = true,
                    // What was read before is still written, then the error is returned.
                    Err(e) => (at_end, read_err) = (true, Some(e)),
                }
            }
            if written == sent {
                break read_err.map_or(Ok(errors), Err);
            }
            let (seq, c, r) = done_rx.recv().expect("a chunk in flight comes back");
            pending.insert(seq, (c, r));
            let mut failed = None;
            while let Some((c, r)) = pending.remove(&written) {
                match r.and_then(|(buf, e)| out.write_all(&buf).map(|()| e)) {
                    Ok(e) => errors += e,
                    Err(e) => failed = Some(e),
                }
                written += 1;
                free.push(c);
                if failed.is_some() {
                    break;
                }
            }
            if let Some(e) = failed {
                break Err(e);
            }
        };
        // Workers stop when the queue is closed (after finishing what is queued).
        drop(work_tx);
        result
    })
}

fn trim_line_end(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// Writes the result for one line (without the newline), or says why the line is malformed.
fn classify_line(classifier: &Classifier, line: &[u8], out: &mut impl Write) -> Result<(), String> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Err("empty line".into());
    }
    // serde_json checks the UTF-8 of what it reads (bytes outside strings are JSON syntax).
    let msg: InputLine =
        serde_json::from_slice(line).map_err(|e| match std::str::from_utf8(line) {
            Err(u) => format!("not UTF-8: {u}"),
            Ok(_) => format!("bad JSON: {e}"),
        })?;
    let r: Classification = if msg.sender_known_collector || msg.role != Role::Borrower {
        let ctx = Context {
            known_collector: msg.sender_known_collector.then(|| {
                msg.reason
                    .as_deref()
                    .unwrap_or("sender is a known collector (given on input)")
                    .to_string()
            }),
            role: msg.role,
        };
        classifier.classify_with(&msg.text, msg.sender.as_deref(), &ctx)
    } else {
        classifier.classify(&msg.text, msg.sender.as_deref())
    };
    let mut explanations: Vec<Explanation> = r
        .signals
        .iter()
        .map(|s| Explanation {
            rule: &s.rule,
            flag: s.flag.filter(|_| r.collection).map(|f| f.name()),
            weight: s.weight,
            words: &s.words,
            spans: &s.spans,
        })
        .collect();
    // Flags the context raised (on a third party's phone) have no signal of their own.
    for h in r.flags.iter().filter(|h| h.rule.starts_with("context.")) {
        explanations.push(Explanation {
            rule: &h.rule,
            flag: Some(h.flag.name()),
            weight: 0.0,
            words: &h.words,
            spans: &h.spans,
        });
    }
    let line = OutputLine {
        id: &msg.id,
        collection: r.collection,
        flags: r.flag_set().into_iter().map(|f| f.name()).collect(),
        score: (r.score * 100.0).round() / 100.0,
        creditor: r.creditor.as_deref(),
        callback_numbers: &r.callback_numbers,
        context: r.context.as_deref(),
        explanations,
    };
    serde_json::to_writer(&mut *out, &line).map_err(|e| format!("cannot write: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(input: &str) -> (Vec<serde_json::Value>, u64) {
        let mut out = Vec::new();
        let errors = classify_stream(Classifier::builtin(), input.as_bytes(), &mut out, 1).unwrap();
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, errors)
    }

    #[test]
    fn one_output_line_per_input_line_in_order() {
        let input = concat!(
            "{\"id\":\"a\",\"text\":\"您的借款已逾期3天，请尽快还款，否则爆通讯录\"}\n",
            "not json\n",
            "{\"id\":7,\"text\":\"see you at lunch\",\"sender\":\"+6591234567\"}\r\n",
            "\n",
            "{\"text\":\"no id here\"}"
        );
        let (lines, errors) = run_on(input);
        assert_eq!(lines.len(), 5);
        assert_eq!(errors, 2);
        assert_eq!(lines[0]["id"], "a");
        assert_eq!(lines[0]["collection"], true);
        assert_eq!(lines[0]["flags"], serde_json::json!(["exposure"]));
        assert!(lines[0]["explanations"].as_array().unwrap().len() >= 2);
        assert_eq!(lines[1]["line"], 2);
        assert!(lines[1]["error"].as_str().unwrap().contains("bad JSON"));
        assert_eq!(lines[2]["id"], 7);
        assert_eq!(lines[2]["collection"], false);
        assert_eq!(lines[3]["line"], 4);
        assert_eq!(lines[4]["id"], serde_json::Value::Null);
    }

    /// A line that is not UTF-8 (inside a string or outside one) is reported as such, with its
    /// number, and the lines after it are read.
    #[test]
    fn a_line_that_is_not_utf8_is_reported_and_the_rest_read() {
        let input: &[u8] =
            b"{\"id\":1,\"text\":\"\xff\xfe\"}\n\xff{}\n{\"id\":3,\"text\":\"ok\"}\n";
        let mut out = Vec::new();
        let errors = classify_stream(Classifier::builtin(), input, &mut out, 1).unwrap();
        let lines: Vec<serde_json::Value> = (String::from_utf8(out).unwrap().lines())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(errors, 2);
        for (i, l) in lines[..2].iter().enumerate() {
            assert_eq!(l["line"], i as u64 + 1);
            assert!(l["error"].as_str().unwrap().starts_with("not UTF-8"), "{l}");
        }
        assert_eq!(lines[2]["id"], 3);
    }

    /// Chunks go to several workers and come back in any order: the output is the same bytes
    /// as on one thread, line numbers of errors included, over many chunks.
    #[test]
    fn any_number_of_threads_gives_the_same_output_in_input_order() {
        let n = 3 * CHUNK_LINES + 17;
        let mut input = String::new();
        for i in 0..n {
            match i % 7 {
                0 => input.push_str("not json\n"),
                1 => input.push_str(&format!(
                    "{{\"id\":{i},\"text\":\"您的借款已逾期{i}天，请尽快还款，否则爆通讯录\"}}\n"
                )),
                2 => input.push('\n'),
                3 => input.push_str(&format!(
                    "{{\"id\":{i},\"text\":\"你这种人渣\",\"sender_known_collector\":true}}\n"
                )),
                _ => input.push_str(&format!(
                    "{{\"id\":\"m{i}\",\"text\":\"see you at {i}\"}}\n"
                )),
            }
        }
        let run = |threads| {
            let mut out = Vec::new();
            let e = classify_stream(Classifier::builtin(), input.as_bytes(), &mut out, threads);
            (out, e.unwrap())
        };
        let (one, errors) = run(1);
        assert_eq!(
            errors as usize,
            (0..n).filter(|i| i % 7 == 0 || i % 7 == 2).count()
        );
        assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), n);
        // The last "not json" line is reported with its own line number.
        let i = (0..n).rev().find(|i| i % 7 == 0).unwrap();
        let text = String::from_utf8(one.clone()).unwrap();
        let v: serde_json::Value = serde_json::from_str(text.lines().nth(i).unwrap()).unwrap();
        assert_eq!(v["line"], i + 1);
        for threads in [2, 3, 8] {
            assert!(run(threads) == (one.clone(), errors), "{threads} threads");
        }
    }

    /// A write error (a closed pipe) stops the run with that error, whatever the threads.
    #[test]
    fn a_write_error_stops_the_run() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let input = "{\"text\":\"hi\"}\n".repeat(5 * CHUNK_LINES);
        for threads in [1, 4] {
            let e = classify_stream(
                Classifier::builtin(),
                input.as_bytes(),
                &mut Broken,
                threads,
            );
            assert_eq!(e.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        }
    }

    #[test]
    fn bad_lexicon_or_input_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let lex = dir.path().join("lex.toml");
        std::fs::write(&lex, "[meta]\nversion = \"x\"\n").unwrap();
        let e = run(Args {
            input: None,
            lexicon: Some(lex),
            model: None,
            no_model: false,
            threads: None,
        })
        .unwrap_err();
        let e = format!("{e:#}");
        assert!(
            e.contains("lex.toml") && e.contains("collection_threshold"),
            "{e}"
        );
        let e = run(Args {
            input: Some(dir.path().join("missing.jsonl")),
            lexicon: None,
            model: None,
            no_model: false,
            threads: None,
        })
        .unwrap_err();
        let e = format!("{e:#}");
        assert!(
            e.contains("cannot open") && e.contains("missing.jsonl"),
            "{e}"
        );
    }

    /// Finding 6 of issue 17: input with no newline grew until the allocator aborted. A line
    /// over the cap is dropped as it streams and reported; the next line is read.
    #[test]
    fn a_line_over_the_cap_is_an_error_line_and_the_next_is_read() {
        let mut input = vec![b'a'; MAX_LINE + 10];
        input.extend_from_slice(b"\n{\"id\":2,\"text\":\"hi\"}\n");
        let mut out = Vec::new();
        let errors = classify_stream(Classifier::builtin(), &input[..], &mut out, 3).unwrap();
        assert_eq!(errors, 1);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(lines[0]["error"].as_str().unwrap().contains("longer than"));
        assert_eq!(lines[1]["id"], 2);
    }

    #[test]
    fn an_endless_lexicon_is_refused() {
        let e = run(Args {
            input: None,
            lexicon: Some("/dev/zero".into()),
            model: None,
            no_model: false,
            threads: None,
        })
        .unwrap_err();
        let e = format!("{e:#}");
        assert!(e.contains("/dev/zero") && e.contains("larger than"), "{e}");
    }

    #[test]
    fn bad_model_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("bad.dwm");
        std::fs::write(&m, b"DWMODEL1\xff\xff\xff\xff").unwrap();
        let e = run(Args {
            input: None,
            lexicon: None,
            model: Some(m),
            no_model: false,
            threads: None,
        })
        .unwrap_err();
        let e = format!("{e:#}");
        assert!(e.contains("bad.dwm") && e.contains("model"), "{e}");
    }

    #[test]
    fn context_per_line() {
        let input = concat!(
            "{\"id\":1,\"text\":\"你这种人渣连狗都不如。\"}\n",
            "{\"id\":2,\"text\":\"你这种人渣连狗都不如。\",\"sender_known_collector\":true,",
            "\"reason\":\"sender is in case 速借花\"}\n",
            "{\"id\":3,\"text\":\"你朋友张伟的借款已逾期三个月了\",\"sender_known_collector\":true,",
            "\"role\":\"third_party\"}\n",
        );
        let (lines, errors) = run_on(input);
        assert_eq!(errors, 0);
        assert_eq!(lines[0]["collection"], false);
        assert_eq!(lines[1]["collection"], true);
        let flags1 = lines[1]["flags"].as_array().unwrap();
        assert!(flags1.contains(&serde_json::json!("abuse")), "{flags1:?}");
        assert!(lines[1]["context"]
            .as_str()
            .unwrap()
            .contains("sender is in case 速借花"));
        let flags = lines[2]["flags"].as_array().unwrap();
        assert!(
            flags.contains(&serde_json::json!("third_party")),
            "{flags:?}"
        );
        assert!(flags.contains(&serde_json::json!("exposure")), "{flags:?}");
    }

    #[test]
    fn invalid_utf8_is_an_error_line() {
        let mut out = Vec::new();
        let input: &[u8] = b"{\"id\":\"x\",\"text\":\"\xff\xfe\"}\n";
        let errors = classify_stream(Classifier::builtin(), input, &mut out, 2).unwrap();
        assert_eq!(errors, 1);
        let v: serde_json::Value =
            serde_json::from_str(String::from_utf8(out).unwrap().trim()).unwrap();
        assert_eq!(v["line"], 1);
        assert!(v["error"].as_str().unwrap().contains("UTF-8"));
    }
}
