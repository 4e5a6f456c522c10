//! Seals: a short, shareable statement of what the store held at a moment.
//!
//! A hash chain without a key can be recomputed by whoever holds the file, so the chain alone
//! cannot show that the newest rows were not removed and the chain re-made. A seal fixes each
//! chain's length and head hash at a moment; given early to someone else (a trusted person, a
//! lawyer, a complaint channel), it lets anyone check later that the store still holds,
//! unchanged, every row the seal covered. The short code is a digest of the seal itself, so the
//! code alone, written down or read over the phone, pins the seal's full text.

use super::codec::{from_hex, hex, Canon, GENESIS};
use super::verify::walk_all;
use super::Store;
use crate::error::{Error, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

/// Domain string of the seal code's encoding; a new format gets a new string, never an edit.
const DOMAIN: &str = "dunwatch-seal-v1";
/// First line of a seal's text.
const MAGIC: &str = "dunwatch seal 1";
/// A seal's text is a few hundred bytes; anything longer is not a seal.
const MAX_TEXT: usize = 4096;
/// The chains a seal covers, in order, with the table that holds each.
const CHAINS: [(&str, &str); 3] = [
    ("events", "events"),
    ("annotations", "annotations"),
    ("attachments", "attachments"),
];
/// Crockford's base32 alphabet: no I, L, O or U, so a code survives being read aloud.
const BASE32: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedChain {
    pub chain: String,
    pub rows: i64,
    /// Hex hash of row `rows` (all zeros for an empty chain).
    pub head: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Seal {
    pub created_ms: i64,
    pub chains: Vec<SealedChain>,
    /// 16 characters of Crockford base32 in groups of four, over the fields above.
    pub code: String,
}

impl Seal {
    fn new(created_ms: i64, chains: Vec<SealedChain>) -> Result<Seal> {
        let code = code_of(created_ms, &chains)?;
        Ok(Seal {
            created_ms,
            chains,
            code,
        })
    }

    /// The seal of a verification made at `now_ms`; none when a chain is broken (a seal would
    /// certify broken evidence).
    pub fn of_report(now_ms: i64, report: &super::VerifyReport) -> Result<Option<Seal>> {
        if report.broken.is_some() {
            return Ok(None);
        }
        let chains = report
            .chains
            .iter()
            .map(|c| SealedChain {
                chain: c.chain.clone(),
                rows: c.rows,
                head: c.head.clone(),
            })
            .collect();
        Seal::new(now_ms, chains).map(Some)
    }

    /// The seal as plain text: what is shared, printed in reports and read back by `parse`.
    pub fn text(&self) -> String {
        let mut s = format!("{MAGIC}\ncreated {}\n", rfc3339_ms(self.created_ms));
        for c in &self.chains {
            s.push_str(&format!("chain {} {} {}\n", c.chain, c.rows, c.head));
        }
        s.push_str(&format!("code {}\n", self.code));
        s
    }

    /// Reads a seal's text; refuses anything malformed, and a code that does not match the rest
    /// (a mistyped or edited seal).
    pub fn parse(text: &str) -> Result<Seal> {
        if text.len() > MAX_TEXT {
            return Err(bad(format!(
                "a seal is at most {MAX_TEXT} bytes; this text has {}",
                text.len()
            )));
        }
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        if lines.next() != Some(MAGIC) {
            return Err(bad(format!("a seal starts with the line \"{MAGIC}\"")));
        }
        let created = lines
            .next()
            .and_then(|l| l.strip_prefix("created "))
            .ok_or_else(|| bad("the seal's second line must be \"created <time>\""))?;
        let created_ms = DateTime::parse_from_rfc3339(created.trim())
            .map_err(|e| bad(format!("the seal's time {created:?} is not valid: {e}")))?
            .timestamp_millis();
        let mut chains = Vec::new();
        let mut code = None;
        for line in lines {
            if let Some(rest) = line.strip_prefix("chain ") {
                chains.push(parse_chain(rest)?);
            } else if let Some(rest) = line.strip_prefix("code ") {
                code = Some(rest.trim().to_string());
            } else {
                return Err(bad(format!("unexpected line in seal: {line:?}")));
            }
        }
        let expect: Vec<&str> = CHAINS.iter().map(|c| c.0).collect();
        let got: Vec<&str> = chains.iter().map(|c| c.chain.as_str()).collect();
        if got != expect {
            return Err(bad(format!(
                "a seal lists the chains {} in that order; this one lists {}",
                expect.join(", "),
                got.join(", ")
            )));
        }
        let code = code.ok_or_else(|| bad("the seal has no code line"))?;
        let seal = Seal::new(created_ms, chains)?;
        if normalise_code(&code) != normalise_code(&seal.code) {
            return Err(bad(format!(
                "the seal's code {code} does not match its contents (expected {}): the seal was \
                 mistyped or edited",
                seal.code
            )));
        }
        Ok(seal)
    }

    /// The seal as a QR code drawn in inline SVG (no scripts, no external resources).
    pub fn qr_svg(&self) -> Result<String> {
        use qrcodegen::{QrCode, QrCodeEcc};
        let qr = QrCode::encode_text(&self.text(), QrCodeEcc::Medium)
            .map_err(|e| bad(format!("the seal does not fit a QR code: {e:?}")))?;
        let border = 4;
        let size = qr.size();
        let dim = size + 2 * border;
        let mut path = String::new();
        for y in 0..size {
            for x in 0..size {
                if qr.get_module(x, y) {
                    path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
                }
            }
        }
        Ok(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {dim} {dim}\" \
             shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code of the seal {}\">\
             <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
             <path d=\"{path}\" fill=\"#000\"/></svg>",
            self.code
        ))
    }
}

fn parse_chain(rest: &str) -> Result<SealedChain> {
    let parts: Vec<&str> = rest.split_whitespace().collect();
    let [name, rows, head] = parts[..] else {
        return Err(bad(format!(
            "a chain line is \"chain <name> <rows> <head>\", not {rest:?}"
        )));
    };
    let rows: i64 = rows
        .parse()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| bad(format!("chain {name}: {rows:?} is not a row count")))?;
    match from_hex(head) {
        Some(h) if h.len() == 32 => {}
        _ => return Err(bad(format!("chain {name}: the head must be 64 hex digits"))),
    }
    Ok(SealedChain {
        chain: name.to_string(),
        rows,
        head: head.to_ascii_lowercase(),
    })
}

fn rfc3339_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_else(|| ms.to_string())
}

fn code_of(created_ms: i64, chains: &[SealedChain]) -> Result<String> {
    let mut c = Canon::new(DOMAIN);
    c.i64(created_ms);
    for ch in chains {
        let head = from_hex(&ch.head)
            .filter(|h| h.len() == 32)
            .ok_or_else(|| bad(format!("chain {}: bad head hash", ch.chain)))?;
        c.str(&ch.chain).i64(ch.rows).bytes(&head);
    }
    let digest = c.digest();
    // 80 bits: 16 base32 characters.
    let mut bits: u128 = 0;
    for b in &digest[..10] {
        bits = (bits << 8) | u128::from(*b);
    }
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let v = ((bits >> (75 - 5 * i)) & 31) as usize;
        out.push(BASE32[v] as char);
    }
    Ok(out)
}

/// Upper case, no separators, and the letters people confuse with digits read as those digits.
fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

fn bad(msg: impl Into<String>) -> Error {
    Error::InvalidInput(msg.into())
}

/// What became of one sealed chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SealStatus {
    /// Every sealed row is present and unchanged (later rows may have been added).
    Intact,
    /// The chain now has fewer rows than the seal covered: sealed evidence was removed.
    Shortened,
    /// A sealed row was changed, or the chain was re-made: the sealed head is not there.
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealChainCheck {
    pub chain: String,
    pub sealed_rows: i64,
    pub rows_now: i64,
    pub status: SealStatus,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealCheck {
    pub code: String,
    pub created_ms: i64,
    pub chains: Vec<SealChainCheck>,
}

impl SealCheck {
    pub fn ok(&self) -> bool {
        self.chains.iter().all(|c| c.status == SealStatus::Intact)
    }
}

impl Store {
    /// Seals the store as it is now. Refuses a store whose chains do not verify: a seal would
    /// certify evidence that is already broken.
    pub fn seal(&self, now_ms: i64) -> Result<Seal> {
        let walked = self.read(walk_all)?;
        let mut chains = Vec::with_capacity(walked.len());
        for (summary, broken) in walked {
            if let Some(b) = broken {
                return Err(bad(format!(
                    "the evidence chain {} is broken at row {} ({}); a seal would certify a \
                     broken store",
                    b.chain, b.row, b.reason
                )));
            }
            chains.push(SealedChain {
                chain: summary.chain,
                rows: summary.rows,
                head: summary.head,
            });
        }
        Seal::new(now_ms, chains)
    }

    /// Checks that the store still holds, unchanged, every row that `seal` covered.
    pub fn check_seal(&self, seal: &Seal) -> Result<SealCheck> {
        self.read(|c| {
            let walked = walk_all(c)?;
            let mut out = Vec::with_capacity(seal.chains.len());
            for sealed in &seal.chains {
                let table = CHAINS
                    .iter()
                    .find(|(name, _)| *name == sealed.chain)
                    .map(|(_, t)| *t)
                    .ok_or_else(|| {
                        Error::InvalidInput(format!("unknown chain {}", sealed.chain))
                    })?;
                let (summary, broken) = walked
                    .iter()
                    .find(|(s, _)| s.chain == sealed.chain)
                    .ok_or_else(|| {
                        Error::InvalidInput(format!("unknown chain {}", sealed.chain))
                    })?;
                let rows_now: i64 =
                    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
                let stored: Option<Vec<u8>> = if sealed.rows == 0 {
                    Some(GENESIS.to_vec())
                } else {
                    c.query_row(
                        &format!("SELECT hash FROM {table} WHERE id = ?1"),
                        [sealed.rows],
                        |r| r.get(0),
                    )
                    .optional()?
                };
                // The walk recomputes every hash up to its first broken row, so a stored hash
                // before that row is the genuine hash of the rows up to it.
                let prefix_verified = broken.as_ref().is_none_or(|b| b.row > sealed.rows);
                let (status, reason) = match stored {
                    None => (
                        SealStatus::Shortened,
                        format!(
                            "the seal covers {} rows; row {} is no longer in the store",
                            sealed.rows, sealed.rows
                        ),
                    ),
                    Some(h) if hex(&h) != sealed.head => (
                        SealStatus::Changed,
                        format!(
                            "row {} no longer has the sealed hash: sealed evidence was changed, \
                             or the chain was re-made",
                            sealed.rows
                        ),
                    ),
                    Some(_) if !prefix_verified => (
                        SealStatus::Changed,
                        match broken {
                            Some(b) => format!("row {} fails: {}", b.row, b.reason),
                            None => String::new(),
                        },
                    ),
                    Some(_) => (
                        SealStatus::Intact,
                        format!(
                            "all {} sealed rows are present and unchanged; {} rows now",
                            sealed.rows, summary.rows
                        ),
                    ),
                };
                out.push(SealChainCheck {
                    chain: sealed.chain.clone(),
                    sealed_rows: sealed.rows,
                    rows_now,
                    status,
                    reason,
                });
            }
            Ok(SealCheck {
                code: seal.code.clone(),
                created_ms: seal.created_ms,
                chains: out,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Seal {
        Seal::new(
            1_733_300_000_123,
            vec![
                SealedChain {
                    chain: "events".into(),
                    rows: 12,
                    head: "ab".repeat(32),
                },
                SealedChain {
                    chain: "annotations".into(),
                    rows: 0,
                    head: "00".repeat(32),
                },
                SealedChain {
                    chain: "attachments".into(),
                    rows: 1,
                    head: "cd".repeat(32),
                },
            ],
        )
        .unwrap()
    }

    #[test]
    fn text_round_trips_and_code_is_checked() {
        let s = sample();
        assert_eq!(Seal::parse(&s.text()).unwrap(), s);
        // The code read aloud: lower case, no dashes, O for 0.
        let loose = s
            .text()
            .replace(&s.code, &s.code.replace('-', "").to_lowercase());
        assert_eq!(Seal::parse(&loose).unwrap(), s);
        // Any edit of the contents breaks the code.
        let edited = s.text().replace("events 12", "events 11");
        let e = Seal::parse(&edited).unwrap_err().to_string();
        assert!(e.contains("does not match"), "{e}");
    }

    #[test]
    fn malformed_seals_are_refused() {
        let s = sample().text();
        for bad in [
            String::new(),
            s.replacen("dunwatch seal 1", "dunwatch seal 2", 1),
            s.replace("chain attachments", "chain other"),
            s.replace(&"ab".repeat(32), "zz"),
            s.replace("events 12", "events -1"),
            format!("{s}{}", "x".repeat(5000)),
            s.lines()
                .filter(|l| !l.starts_with("code"))
                .collect::<Vec<_>>()
                .join("\n"),
        ] {
            assert!(Seal::parse(&bad).is_err(), "accepted: {bad:?}");
        }
    }

    #[test]
    fn code_is_sixteen_crockford_characters() {
        let c = sample().code;
        assert_eq!(c.len(), 19);
        assert!(c
            .chars()
            .all(|ch| ch == '-' || BASE32.contains(&(ch as u8))));
    }

    #[test]
    fn qr_is_inline_svg() {
        let svg = sample().qr_svg().unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(!svg.contains("<script"));
        assert!(svg.contains("<path d=\"M"));
    }
}
