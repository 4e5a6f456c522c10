//! Case membership as chained annotations. Every case created and every number the user (or the
//! imported collector list) puts into a case or takes out of one is also appended to the
//! annotation chain (kind `membership`, a small JSON text), so the `cases` table and the user's
//! and list's rows of `numbers` can be re-derived from the chain; `verify` compares the two and
//! names every case or number changed with plain SQL. Joins the engine makes on its own (a
//! creditor named in an SMS, a call-back number) are derived from the events, cleared and made
//! again by every rebuild, and are not chained, like flags.
//!
//! Stores from before schema v7 get, once during the migration, one annotation per case and per
//! user or list membership they hold, marked `at_migration` ("membership as found at
//! migration": what the chain cannot vouch for before that moment).

use super::annotations::{append_annotation, read_annotations_of, AnnotationKind, NewAnnotation};
use crate::error::Result;
use crate::time::{now_ms, Instant};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What one membership annotation says; the case is the annotation's `case_name`. Its JSON is
/// an object with `op` (the variant in snake_case) and the variant's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", try_from = "RawChange")]
pub(crate) enum Change {
    /// The case was created.
    Case {
        #[serde(default, skip_serializing_if = "is_false")]
        at_migration: bool,
    },
    /// `number` is in the case, by `how` (`user` or `list`).
    Join {
        number: String,
        how: String,
        #[serde(default, skip_serializing_if = "is_false")]
        at_migration: bool,
    },
    /// The case was merged into case `into` (its numbers' joins are chained before this).
    Merge { into: String },
    /// The user took `number` out of every case (it joins none automatically afterwards).
    Leave {
        number: String,
        #[serde(default, skip_serializing_if = "is_false")]
        at_migration: bool,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A change as stored, read flat, as [`crate::rules::pack`] reads its checks (serde's internally
/// tagged enums buffer each value first). Fields a change does not have are ignored, as before.
#[derive(Deserialize)]
struct RawChange {
    op: String,
    number: Option<String>,
    how: Option<String>,
    into: Option<String>,
    #[serde(default)]
    at_migration: bool,
}

impl TryFrom<RawChange> for Change {
    type Error = String;

    fn try_from(r: RawChange) -> std::result::Result<Change, String> {
        let number = || r.number.clone().ok_or("missing field `number`");
        Ok(match r.op.as_str() {
            "case" => Change::Case {
                at_migration: r.at_migration,
            },
            "join" => Change::Join {
                number: number()?,
                how: r.how.clone().ok_or("missing field `how`")?,
                at_migration: r.at_migration,
            },
            "merge" => Change::Merge {
                into: r.into.clone().ok_or("missing field `into`")?,
            },
            "leave" => Change::Leave {
                number: number()?,
                at_migration: r.at_migration,
            },
            op => return Err(format!("unknown op `{op}`")),
        })
    }
}

/// Whether a tag made `how` is chained (the engine's own joins are derived, not chained).
pub(crate) fn chained_how(how: &str) -> bool {
    matches!(how, "user" | "list")
}

/// Appends one membership change to the annotation chain inside the caller's transaction.
pub(crate) fn record(tx: &Connection, case: Option<&str>, change: &Change) -> Result<()> {
    append_annotation(
        tx,
        &NewAnnotation {
            kind: AnnotationKind::Membership,
            case_name: case.map(str::to_string),
            event_id: None,
            at: Instant::new(now_ms(), 0)?,
            text: serde_json::to_string(change)?,
        },
    )?;
    Ok(())
}

/// Schema v7: records the membership the store holds as found, once.
pub(crate) fn record_found_at_migration(tx: &Connection) -> Result<()> {
    let cases: Vec<String> = tx
        .prepare("SELECT name FROM cases ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in &cases {
        record(tx, Some(name), &Change::Case { at_migration: true })?;
    }
    let rows: Vec<(String, Option<String>, String)> = tx
        .prepare(
            "SELECT n.number, c.name, n.how FROM numbers n LEFT JOIN cases c ON c.id = n.case_id \
             WHERE n.how IN ('user', 'list') ORDER BY n.number",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (number, case, how) in rows {
        let change = match &case {
            Some(_) => Change::Join {
                number,
                how,
                at_migration: true,
            },
            None => Change::Leave {
                number,
                at_migration: true,
            },
        };
        record(tx, case.as_deref(), &change)?;
    }
    Ok(())
}

/// One difference between the membership the chain gives and the stored case tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MembershipDiff {
    /// The case's name, or the number.
    pub subject: String,
    /// What the chain says (`None`: nothing).
    pub chained: Option<String>,
    /// What the tables say (`None`: nothing).
    pub stored: Option<String>,
}

impl std::fmt::Display for MembershipDiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |o: &Option<String>| o.clone().unwrap_or_else(|| "nothing".into());
        write!(
            f,
            "{}: the chain gives {}, the tables hold {}",
            self.subject,
            s(&self.chained),
            s(&self.stored)
        )
    }
}

fn describe(case: &Option<String>, how: &str) -> String {
    match case {
        Some(c) => format!("in case {c:?} ({how})"),
        None => "in no case (user)".to_string(),
    }
}

/// Re-derives membership from the chain and compares it with `cases` and `numbers`.
pub(crate) fn check(c: &Connection) -> Result<Vec<MembershipDiff>> {
    let mut cases: BTreeSet<String> = BTreeSet::new();
    let mut numbers: BTreeMap<String, String> = BTreeMap::new();
    for a in read_annotations_of(c, AnnotationKind::Membership)? {
        let case = a.data.case_name.clone();
        match serde_json::from_str::<Change>(&a.data.text) {
            Ok(Change::Case { .. }) => {
                if let Some(n) = case {
                    cases.insert(n);
                }
            }
            Ok(Change::Join { number, how, .. }) => {
                numbers.insert(number, describe(&case, &how));
            }
            Ok(Change::Merge { .. }) => {
                if let Some(n) = case {
                    cases.remove(&n);
                }
            }
            Ok(Change::Leave { number, .. }) => {
                numbers.insert(number, describe(&None, "user"));
            }
            // A chained row that does not parse was written so (the chain verifies its bytes).
            Err(_) => {}
        }
    }
    // Filled row by row: collect() would sort (see crate::sort::set_of).
    let mut stored_cases: BTreeSet<String> = BTreeSet::new();
    for name in c
        .prepare("SELECT name FROM cases WHERE merged_into IS NULL")?
        .query_map([], |r| r.get(0))?
    {
        stored_cases.insert(name?);
    }
    let mut stored_numbers: BTreeMap<String, String> = BTreeMap::new();
    for row in c
        .prepare(
            "SELECT n.number, c.name, n.how, n.case_id FROM numbers n \
             LEFT JOIN cases c ON c.id = n.case_id WHERE n.how IN ('user', 'list')",
        )?
        .query_map([], |r| {
            let (number, name, how, id): (String, Option<String>, String, Option<i64>) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let text = match (id, name) {
                (Some(id), None) => format!("in case #{id}, which does not exist ({how})"),
                (_, name) => describe(&name, &how),
            };
            Ok((number, text))
        })?
    {
        let (number, text) = row?;
        stored_numbers.insert(number, text);
    }
    let mut out = Vec::new();
    for name in cases.symmetric_difference(&stored_cases) {
        let here = |s: &BTreeSet<String>| s.contains(name).then(|| "the case".to_string());
        out.push(MembershipDiff {
            subject: format!("case {name:?}"),
            chained: here(&cases),
            stored: here(&stored_cases),
        });
    }
    let keys = crate::sort::set_of(numbers.keys().chain(stored_numbers.keys()));
    for number in keys {
        let (a, b) = (numbers.get(number), stored_numbers.get(number));
        if a != b {
            out.push(MembershipDiff {
                subject: format!("number {number}"),
                chained: a.cloned(),
                stored: b.cloned(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON is chained evidence: it must stay what it was, and read back.
    #[test]
    fn changes_keep_their_json() {
        for (c, json) in [
            (
                Change::Case {
                    at_migration: false,
                },
                r#"{"op":"case"}"#,
            ),
            (
                Change::Join {
                    number: "+8613800000000".into(),
                    how: "user".into(),
                    at_migration: true,
                },
                r#"{"op":"join","number":"+8613800000000","how":"user","at_migration":true}"#,
            ),
            (
                Change::Leave {
                    number: "+8613800000000".into(),
                    at_migration: false,
                },
                r#"{"op":"leave","number":"+8613800000000"}"#,
            ),
            (
                Change::Merge {
                    into: "速借花".into(),
                },
                r#"{"op":"merge","into":"速借花"}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&c).unwrap(), json);
            assert_eq!(serde_json::from_str::<Change>(json).unwrap(), c);
        }
        let reordered = r#"{"number":"1","how":"list","op":"join","extra":1}"#;
        assert!(matches!(
            serde_json::from_str(reordered),
            Ok(Change::Join { .. })
        ));
        for bad in [
            r#"{"op":"join","number":"1"}"#,
            r#"{"op":"move"}"#,
            r#"{"op":"merge"}"#,
            r#"{}"#,
        ] {
            assert!(serde_json::from_str::<Change>(bad).is_err(), "{bad}");
        }
    }
}
