//! Converts the TOML data files (lexicon, rule packs, report wording) to JSON at build time, so
//! the library embeds JSON and reads it with serde_json, which it needs anyway: the Android
//! library then ships no TOML parser (see docs/JNI.md, "Size of the library"). The TOML files
//! stay the source; run-time TOML loading is the `toml-files` feature.
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
        let json = serde_json::to_string(&value).expect("TOML values serialize to JSON");
        std::fs::write(Path::new(&out).join(name), json).expect("write to OUT_DIR");
    }
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
