//! Converts the TOML data files (lexicon, rule packs, report wording) to JSON at build time, so
//! the library embeds JSON and reads it with serde_json, which it needs anyway: the Android
//! library then ships no TOML parser (see docs/JNI.md, "Size of the library"). The TOML files
//! stay the source; run-time TOML loading is the `toml-files` feature.
//!
//! It writes the time zone table (`zones.rs`, `zones.bin`, read by `src/zone.rs`): each zone's
//! UTC offsets over time, taken from chrono-tz, which is only a build-dependency. As chrono-tz
//! itself, it keeps only the zones `CHRONO_TZ_TIMEZONE_FILTER` selects when that is set (the
//! Android build); without it every zone.
//!
//! It also writes the Unicode classes the extraction patterns use (`\p{Han}`, `\w`, `\s`, `\d`)
//! as explicit ranges, taken from regex-syntax's tables: the patterns then mean the same to the
//! `regex` crate (feature `fast-regex`) and to `regex-lite`, which has no Unicode tables.

use std::path::Path;

/// (source file relative to this crate, generated file name in OUT_DIR)
const FILES: &[(&str, &str)] = &[
    ("data/lexicon/collection.toml", "lexicon.json"),
    ("data/packs/cn.toml", "pack-cn.json"),
    ("data/packs/us.toml", "pack-us.json"),
    ("data/packs/in.toml", "pack-in.json"),
    ("data/packs/uk.toml", "pack-uk.json"),
    ("data/packs/ph.toml", "pack-ph.json"),
    ("src/report/text.toml", "report-text.json"),
];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (src, name) in FILES {
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{src}: {e}"));
        if let Some(path) = find_datetime(&value, String::new()) {
            // JSON has no datetime; the readers take times as "HH:MM" strings.
            panic!("{src}: {path} is a TOML datetime; write it as a string");
        }
        let mut value = value;
        if *name == "lexicon.json" {
            join_terms(&mut value);
        }
        let json = serde_json::to_string(&value).expect("TOML values serialize to JSON");
        std::fs::write(Path::new(&out).join(name), json).expect("write to OUT_DIR");
    }
    t2s_pairs(Path::new(&out));
    let mut classes = String::new();
    for (name, doc, re) in [
        ("HAN", "`\\p{Han}`", r"\p{Han}"),
        ("WORD", "`\\w` (Unicode word characters)", r"\w"),
        ("SPACE", "`\\s` (Unicode White_Space)", r"\s"),
        ("DIGIT", "`\\d` (Unicode decimal digits)", r"\d"),
    ] {
        classes.push_str(&format!(
            "/// {doc} as the inside of a character class.\npub(super) const {name}: &str = {:?};\n",
            class_ranges(re)
        ));
    }
    std::fs::write(Path::new(&out).join("unicode_classes.rs"), classes).expect("write to OUT_DIR");
    zones(Path::new(&out));
}

/// The lexicon's term lists as one string each, joined by `|` (the library's reader splits them):
/// about 2 bytes less per term in the Android library, which has a size budget.
fn join_terms(lexicon: &mut toml::Value) {
    for section in ["rule", "concept"] {
        let Some(toml::Value::Array(items)) = lexicon.get_mut(section) else {
            continue;
        };
        for item in items {
            let Some(toml::Value::Array(terms)) = item.get("terms") else {
                continue;
            };
            let terms: Vec<&str> = terms.iter().filter_map(|t| t.as_str()).collect();
            assert!(
                terms.iter().all(|t| !t.contains('|')),
                "lexicon: a term contains '|', the embedded form's separator"
            );
            let joined = terms.join("|");
            item.as_table_mut()
                .expect("a lexicon entry is a table")
                .insert("terms".into(), toml::Value::String(joined));
        }
    }
}

/// `data/lexicon/t2s.txt` (one pair per line, with comments) as the bare pairs, one after the
/// other, in UTF-16LE (`t2s.pairs`: 4 bytes a pair where UTF-8 lines took 7), for the same
/// reason.
fn t2s_pairs(out: &Path) {
    let src = "data/lexicon/t2s.txt";
    println!("cargo:rerun-if-changed={src}");
    let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let mut pairs = String::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        assert_eq!(
            line.chars().count(),
            2,
            "{src}:{}: expected two chars",
            n + 1
        );
        pairs.push_str(line);
    }
    let utf16: Vec<u8> = pairs.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(out.join("t2s.pairs"), utf16).expect("write to OUT_DIR");
}

/// Where the offset scan starts and ends (1843 and 2103): chrono-tz's transitions lie within.
const SCAN: (i64, i64) = (-4_000_000_000, 4_200_000_000);
/// The scan's step. A period shorter than this between two offset changes could go unseen; the
/// tz database's shortest is 7 days, and `zones` fails the build below two steps.
const STEP: i64 = 86_400;

/// Writes `zones.bin` (each distinct zone's offsets, encoded as `src/zone.rs` reads them) and
/// `zones.rs` (the names, sorted, with their byte ranges in `zones.bin`).
fn zones(out: &Path) {
    use chrono::{DateTime, Offset, TimeZone};
    println!("cargo:rerun-if-env-changed=CHRONO_TZ_TIMEZONE_FILTER");
    let mut names: Vec<(&str, chrono_tz::Tz)> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| (z.name(), *z))
        .collect();
    names.sort_by_key(|n| n.0);
    let mut bin: Vec<u8> = Vec::new();
    let mut seen: std::collections::HashMap<Vec<u8>, (usize, usize)> = Default::default();
    let mut index = String::from(
        "/// Zone names, sorted, with the byte range of their offsets in [`ZONE_DATA`].\n\
         static ZONES: &[(&str, u32, u32)] = &[\n",
    );
    for (name, tz) in names {
        let at = |t: i64| {
            let utc = DateTime::from_timestamp(t, 0)
                .expect("in range")
                .naive_utc();
            tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()
        };
        let first = at(SCAN.0);
        let mut changes: Vec<(i64, i32)> = Vec::new();
        let (mut t, mut off) = (SCAN.0, first);
        while t < SCAN.1 {
            let next = t + STEP;
            let o = at(next);
            if o != off {
                // The first second of the new offset, in (t, next].
                let (mut lo, mut hi) = (t, next);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if at(mid) == off {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                if let Some(&(prev, _)) = changes.last() {
                    assert!(
                        hi - prev >= 2 * STEP,
                        "{name}: offset changes {} s apart; lower STEP in core/build.rs",
                        hi - prev
                    );
                }
                changes.push((hi, o));
                off = o;
            }
            t = next;
        }
        let data = encode_zone(first, &changes);
        let (start, end) = *seen.entry(data.clone()).or_insert_with(|| {
            bin.extend_from_slice(&data);
            (bin.len() - data.len(), bin.len())
        });
        index.push_str(&format!("    ({name:?}, {start}, {end}),\n"));
    }
    index.push_str("];\n");
    std::fs::write(out.join("zones.bin"), bin).expect("write to OUT_DIR");
    std::fs::write(out.join("zones.rs"), index).expect("write to OUT_DIR");
}

/// One zone: the distinct offsets (count, then each as a zigzag varint), the index of the first
/// offset, then each change as the seconds since the previous one (the first: since 1970, zigzag)
/// and the index of its offset (one byte).
fn encode_zone(first: i32, changes: &[(i64, i32)]) -> Vec<u8> {
    let mut offsets: Vec<i32> = vec![first];
    for &(_, o) in changes {
        if !offsets.contains(&o) {
            offsets.push(o);
        }
    }
    assert!(offsets.len() <= 256, "more than 256 offsets in one zone");
    let idx = |o: i32| offsets.iter().position(|&x| x == o).expect("listed") as u8;
    let mut out = Vec::new();
    varint(&mut out, offsets.len() as u64);
    for &o in &offsets {
        varint(&mut out, zigzag(i64::from(o)));
    }
    out.push(idx(first));
    let mut prev = None;
    for &(t, o) in changes {
        match prev {
            None => varint(&mut out, zigzag(t)),
            Some(p) => varint(&mut out, (t - p) as u64),
        }
        out.push(idx(o));
        prev = Some(t);
    }
    out
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// LEB128: seven bits a byte, low first, high bit set on all but the last.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The ranges of a one-class pattern, written so that `[` + ranges + `]` is a class in both regex
/// dialects: ASCII other than letters and digits as `\x{..}` escapes (no `-`, `&`, `~`, `[`
/// operators), everything else literally.
fn class_ranges(pattern: &str) -> String {
    use regex_syntax::hir::{Class, HirKind};
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .expect("valid class");
    let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
        panic!("{pattern} is not a Unicode class");
    };
    let lit = |c: char| {
        if c.is_ascii_alphanumeric() || !c.is_ascii() {
            c.to_string()
        } else {
            format!("\\x{{{:X}}}", c as u32)
        }
    };
    let mut s = String::new();
    for r in class.ranges() {
        s.push_str(&lit(r.start()));
        if r.end() != r.start() {
            s.push('-');
            s.push_str(&lit(r.end()));
        }
    }
    s
}

/// The path of the first datetime value, which would not survive the conversion as itself.
fn find_datetime(v: &toml::Value, path: String) -> Option<String> {
    match v {
        toml::Value::Datetime(_) => Some(path),
        toml::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| find_datetime(x, format!("{path}[{i}]"))),
        toml::Value::Table(t) => t
            .iter()
            .find_map(|(k, x)| find_datetime(x, format!("{path}.{k}"))),
        _ => None,
    }
}
