//! Verification of the evidence chains: recompute every row's hash from its content and the
//! previous row's hash, and report the first row where the stored chain disagrees.

use super::annotations::{annotation_canon, attachment_canon, read_annotations, read_attachments};
use super::codec::{hex, Canon, GENESIS};
use super::membership::MembershipDiff;
use super::row::{EventRow, COLUMNS};
use super::{chain_head, Store};
use crate::error::Result;
use rusqlite::Connection;
use serde::Serialize;

/// The first row found broken, with the chain (table) it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenRow {
    pub chain: String,
    /// Id of the first row that fails (for a deleted row: the id that is missing).
    pub row: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainSummary {
    pub chain: String,
    pub rows: i64,
    /// Hex hash of the newest row (all zeros for an empty chain).
    pub head: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub chains: Vec<ChainSummary>,
    pub broken: Option<BrokenRow>,
    /// Cases and tags in the tables that the chained membership changes do not give, or the
    /// reverse: changed with plain SQL.
    pub membership: Vec<MembershipDiff>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.broken.is_none() && self.membership.is_empty()
    }
}

/// Walks one chain. `rows` yields (id, prev_hash, hash, canonical encoding).
fn walk(
    c: &Connection,
    chain: &str,
    rows: impl Iterator<Item = Result<(i64, Vec<u8>, Vec<u8>, Canon)>>,
) -> Result<(ChainSummary, Option<BrokenRow>)> {
    let broken = |row: i64, reason: String| BrokenRow {
        chain: chain.to_string(),
        row,
        reason,
    };
    let mut prev = GENESIS.to_vec();
    let mut count = 0;
    for (expect_id, r) in (1..).zip(rows) {
        let (id, stored_prev, stored_hash, canon) = r?;
        let summary = |count| ChainSummary {
            chain: chain.to_string(),
            rows: count,
            head: hex(&prev),
        };
        if id != expect_id {
            let reason = if id > expect_id {
                format!("row {expect_id} is missing (deleted); next row is {id}")
            } else {
                format!("row id {id} out of order")
            };
            return Ok((summary(count), Some(broken(expect_id, reason))));
        }
        if stored_prev != prev {
            let reason = "its link to the previous row does not match (a row before it was \
                          changed, removed or moved)"
                .to_string();
            return Ok((summary(count), Some(broken(id, reason))));
        }
        let h = canon.chain_hash(&prev);
        if h[..] != stored_hash[..] {
            let reason = "its content does not match its hash (the row was changed)".to_string();
            return Ok((summary(count), Some(broken(id, reason))));
        }
        prev = stored_hash;
        count += 1;
    }
    let summary = ChainSummary {
        chain: chain.to_string(),
        rows: count,
        head: hex(&prev),
    };
    let (head_id, head_hash) = chain_head(c, chain)?;
    if head_id != count || head_hash != prev {
        let reason = if head_id > count {
            format!(
                "the chain ends at row {count} but row {head_id} was written (rows deleted at \
                 the end)"
            )
        } else {
            "the recorded chain head does not match the last row".to_string()
        };
        return Ok((summary, Some(broken(count + 1, reason))));
    }
    Ok((summary, None))
}

/// Walks every chain (events, annotations, attachments): each chain's summary and its first
/// broken row. A seal check needs the per-chain answer; `verify` reports the first broken row.
pub(super) fn walk_all(c: &Connection) -> Result<Vec<(ChainSummary, Option<BrokenRow>)>> {
    let mut out = Vec::with_capacity(3);
    let sql = format!("SELECT {COLUMNS} FROM events ORDER BY id");
    let mut st = c.prepare(&sql)?;
    let rows = st.query_map([], EventRow::from_sql)?.map(|r| {
        let r = r?;
        let canon = r.canon();
        Ok((r.id, r.prev_hash, r.hash, canon))
    });
    out.push(walk(c, "events", rows)?);

    let ann = read_annotations(c)?;
    let rows = ann.into_iter().map(|(a, prev, hash)| {
        Ok((
            a.id,
            prev,
            hash,
            annotation_canon(a.id, &a.data, a.recorded_ms),
        ))
    });
    out.push(walk(c, "annotations", rows)?);

    let att = read_attachments(c)?;
    let rows = att.into_iter().map(|((a, sha), prev, hash)| {
        Ok((
            a.id,
            prev,
            hash,
            attachment_canon(a.id, &a.data, &sha, a.recorded_ms),
        ))
    });
    out.push(walk(c, "attachments", rows)?);
    Ok(out)
}

impl Store {
    /// Checks all chains (events, annotations, attachments) and names the first broken row, then
    /// re-derives case membership from the chain and compares it with the case tables.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.read(|c| {
            let mut chains = Vec::new();
            let mut first_broken = None;
            for (s, b) in walk_all(c)? {
                chains.push(s);
                first_broken = first_broken.or(b);
            }
            let membership = super::membership::check(c)?;
            // The report and the app show `broken`: membership changed outside dunwatch is
            // named there when every chain is whole.
            if first_broken.is_none() {
                let last: i64 = c.query_row(
                    "SELECT coalesce(max(id), 0) FROM annotations WHERE kind = 'membership'",
                    [],
                    |r| r.get(0),
                )?;
                first_broken = membership.first().map(|d| BrokenRow {
                    chain: "membership".to_string(),
                    row: last,
                    reason: format!(
                        "the case tables are not what the chained membership changes up to this \
                         annotation give: changed outside dunwatch ({} difference(s); first: {d})",
                        membership.len()
                    ),
                });
            }
            Ok(VerifyReport {
                chains,
                broken: first_broken,
                membership,
            })
        })
    }
}
