//! Cases (one debt or creditor each) and the numbers that belong to them. The user may re-tag at
//! any time, and flags are rebuilt from the new grouping; every case created and every user or
//! list tag is also chained (`membership`), so `verify` sees membership changed with SQL.

use super::membership::{self, Change};
use super::Store;
use crate::error::{invalid, Error, Result};
use crate::number::PhoneNumber;
use crate::time::now_ms;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

pub type CaseId = i64;

/// How a number came to belong to a case. A user's own tag is never overridden by an automatic one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagSource {
    /// The user said so.
    User,
    /// The creditor's name in an SMS from this number.
    Creditor,
    /// Quoted as a call-back number in a collector SMS.
    Callback,
    /// From an imported list of known collector numbers.
    List,
}

impl TagSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TagSource::User => "user",
            TagSource::Creditor => "creditor",
            TagSource::Callback => "callback",
            TagSource::List => "list",
        }
    }
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "user" => TagSource::User,
            "creditor" => TagSource::Creditor,
            "callback" => TagSource::Callback,
            "list" => TagSource::List,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub name: String,
    pub creditor: Option<String>,
    /// `collector` (third-party debt collector), `creditor` (original creditor) or `unknown`.
    pub party: crate::model::Party,
    pub created_ms: i64,
    /// Normalised numbers in the case.
    pub numbers: Vec<String>,
    /// Names of the cases merged into this one (annotations, attachments and loans that name
    /// them belong to this case now).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
}

impl Case {
    /// Whether `name` (as an annotation, attachment or loan names its case) means this case.
    pub fn answers_to(&self, name: &str) -> bool {
        let name = name.trim();
        self.name == name || self.merged.iter().any(|m| m == name)
    }
}

/// What merging two cases did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged {
    /// The case that remains, with its numbers after the merge.
    pub case: Case,
    /// The merged case's name (it answers to it from now on).
    pub from: String,
    /// Numbers that moved.
    pub moved: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberInfo {
    pub number: String,
    pub raw: String,
    pub case_id: Option<CaseId>,
    pub case_name: Option<String>,
    pub how: TagSource,
}

fn check_name(name: &str) -> Result<&str> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 200 || n.chars().any(char::is_control) {
        return invalid(format!(
            "case name {name:?} must be 1 to 200 printable characters"
        ));
    }
    Ok(n)
}

pub(crate) fn ensure_case_in(c: &Connection, name: &str, creditor: Option<&str>) -> Result<CaseId> {
    let name = check_name(name)?;
    if let Some(id) = c
        .query_row(
            "SELECT coalesce(merged_into, id) FROM cases WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?
    {
        if let Some(cr) = creditor {
            c.execute(
                "UPDATE cases SET creditor = ?2 WHERE id = ?1 AND creditor IS NULL",
                params![id, cr],
            )?;
        }
        return Ok(id);
    }
    c.execute(
        "INSERT INTO cases(name, creditor, created_ms) VALUES(?1, ?2, ?3)",
        params![name, creditor, now_ms()],
    )?;
    let id = c.last_insert_rowid();
    membership::record(
        c,
        Some(name),
        &Change::Case {
            at_migration: false,
        },
    )?;
    Ok(id)
}

/// Puts `number` into `case`. Returns false (and changes nothing) when an automatic source would
/// override the user's own tag.
pub(crate) fn tag_in(
    c: &Connection,
    number: &PhoneNumber,
    case: CaseId,
    how: TagSource,
) -> Result<bool> {
    let existing: Option<(Option<CaseId>, String)> = c
        .query_row(
            "SELECT case_id, how FROM numbers WHERE number = ?1",
            [&number.normalized],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let cased_how = existing
        .as_ref()
        .filter(|(case, _)| case.is_some())
        .map(|(_, how)| how.as_str());
    if how != TagSource::User && cased_how == Some("user") {
        return Ok(false);
    }
    let unchanged = existing.as_ref() == Some(&(Some(case), how.as_str().to_string()));
    if membership::chained_how(how.as_str()) && !unchanged {
        let name: String =
            c.query_row("SELECT name FROM cases WHERE id = ?1", [case], |r| r.get(0))?;
        let change = Change::Join {
            number: number.normalized.clone(),
            how: how.as_str().to_string(),
            at_migration: false,
        };
        membership::record(c, Some(&name), &change)?;
    }
    c.execute(
        "INSERT INTO numbers(number, raw, case_id, how, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT(number) DO UPDATE SET case_id = excluded.case_id, how = excluded.how, \
         updated_ms = excluded.updated_ms",
        params![number.normalized, number.raw, case, how.as_str(), now_ms()],
    )?;
    c.execute(
        "DELETE FROM case_suggestions WHERE number = ?1",
        [&number.normalized],
    )?;
    Ok(true)
}

impl Store {
    /// Reads a number with the store's jurisdiction as default region.
    pub fn parse_number(&self, raw: &str) -> Result<PhoneNumber> {
        PhoneNumber::parse(raw, self.settings()?.jurisdiction.region())
    }

    /// The case called `name`, created if new.
    pub fn ensure_case(&self, name: &str, creditor: Option<&str>) -> Result<CaseId> {
        self.write(|tx| ensure_case_in(tx, name, creditor))
    }

    /// Tags `raw_number` as belonging to case `case_name` (created if new).
    pub fn tag_number(
        &self,
        raw_number: &str,
        case_name: &str,
        how: TagSource,
    ) -> Result<NumberInfo> {
        let number = self.parse_number(raw_number)?;
        self.write(|tx| {
            let id = ensure_case_in(tx, case_name, None)?;
            tag_in(tx, &number, id, how)?;
            Ok(())
        })?;
        self.number_info(&number.normalized)?
            .ok_or_else(|| Error::NotFound(number.normalized.clone()))
    }

    /// Removes a number from whatever case it is in.
    pub fn untag_number(&self, raw_number: &str) -> Result<()> {
        let number = self.parse_number(raw_number)?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE numbers SET case_id = NULL, how = 'user', updated_ms = ?2 \
                 WHERE number = ?1 AND (case_id IS NOT NULL OR how <> 'user')",
                params![number.normalized, now_ms()],
            )?;
            if n > 0 {
                let change = Change::Leave {
                    number: number.normalized.clone(),
                    at_migration: false,
                };
                membership::record(tx, None, &change)?;
            }
            Ok(())
        })
    }

    /// Sets whether a case is a third-party collector or the original creditor (Regulation F).
    pub fn set_case_party(&self, case_name: &str, party: &str) -> Result<()> {
        let party: crate::model::Party = party.parse()?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE cases SET party = ?2 WHERE name = ?1",
                params![case_name.trim(), party],
            )?;
            if n == 0 {
                return Err(Error::NotFound(format!("case {case_name:?}")));
            }
            Ok(())
        })
    }

    pub fn number_info(&self, normalized: &str) -> Result<Option<NumberInfo>> {
        self.read(|c| {
            c.query_row(
                "SELECT n.number, n.raw, n.case_id, c.name, n.how FROM numbers n \
                 LEFT JOIN cases c ON c.id = n.case_id WHERE n.number = ?1",
                [normalized],
                |r| {
                    Ok(NumberInfo {
                        number: r.get(0)?,
                        raw: r.get(1)?,
                        case_id: r.get(2)?,
                        case_name: r.get(3)?,
                        how: TagSource::from_name(&r.get::<_, String>(4)?)
                            .unwrap_or(TagSource::User),
                    })
                },
            )
            .optional()
            .map_err(Into::into)
        })
    }

    /// All cases with their numbers, by id.
    pub fn cases(&self) -> Result<Vec<Case>> {
        self.read(|c| {
            let mut cases: Vec<Case> = c
                .prepare_cached(
                    "SELECT id, name, creditor, party, created_ms FROM cases \
                     WHERE merged_into IS NULL ORDER BY id",
                )?
                .query_map([], |r| {
                    Ok(Case {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        creditor: r.get(2)?,
                        party: r.get(3)?,
                        created_ms: r.get(4)?,
                        numbers: Vec::new(),
                        merged: Vec::new(),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let mut st =
                c.prepare_cached("SELECT number FROM numbers WHERE case_id = ?1 ORDER BY number")?;
            let mut aliases =
                c.prepare_cached("SELECT name FROM cases WHERE merged_into = ?1 ORDER BY id")?;
            for case in &mut cases {
                case.numbers = st
                    .query_map([case.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                case.merged = aliases
                    .query_map([case.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
            }
            Ok(cases)
        })
    }

    /// The case called `name`, or the one a case of that name was merged into.
    pub fn case_by_name(&self, name: &str) -> Result<Option<Case>> {
        Ok(self.cases()?.into_iter().find(|c| c.answers_to(name)))
    }

    /// Merges case `from` into case `into`: every number of `from` joins `into` (each user or
    /// list membership chained as a join, as a tag would be), `into` takes `from`'s creditor and
    /// party where it has none, and `from` leaves the list of cases. Its row stays, pointing at
    /// `into`, so what names `from` (annotations, attachments, loans, a creditor named in later
    /// SMS) means `into` from now on. Chained as `merge` on `from`.
    pub fn merge_cases(&self, from: &str, into: &str) -> Result<Merged> {
        let (from_name, into_name) = (from.trim().to_string(), into.trim().to_string());
        let moved = self.write(|tx| {
            let find = |name: &str| -> Result<(CaseId, Option<CaseId>)> {
                tx.query_row(
                    "SELECT id, merged_into FROM cases WHERE name = ?1",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| Error::NotFound(format!("case {name:?}")))
            };
            let (from_id, from_merged) = find(&from_name)?;
            let (into_id, into_merged) = find(&into_name)?;
            if let Some(to) = from_merged {
                let to: String =
                    tx.query_row("SELECT name FROM cases WHERE id = ?1", [to], |r| r.get(0))?;
                return invalid(format!("case {from_name:?} was already merged into {to:?}"));
            }
            if into_merged.is_some() {
                return invalid(format!(
                    "case {into_name:?} was merged into another case; merge into that one"
                ));
            }
            if from_id == into_id {
                return invalid(format!("cannot merge case {from_name:?} into itself"));
            }
            let rows: Vec<(String, String)> = tx
                .prepare("SELECT number, how FROM numbers WHERE case_id = ?1 ORDER BY number")?
                .query_map([from_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (number, how) in &rows {
                if membership::chained_how(how) {
                    let change = Change::Join {
                        number: number.clone(),
                        how: how.clone(),
                        at_migration: false,
                    };
                    membership::record(tx, Some(&into_name), &change)?;
                }
            }
            tx.execute(
                "UPDATE numbers SET case_id = ?2, updated_ms = ?3 WHERE case_id = ?1",
                params![from_id, into_id, now_ms()],
            )?;
            tx.execute(
                "UPDATE cases SET \
                 creditor = coalesce(creditor, (SELECT creditor FROM cases WHERE id = ?1)), \
                 party = CASE WHEN party = 'unknown' \
                   THEN (SELECT party FROM cases WHERE id = ?1) ELSE party END \
                 WHERE id = ?2",
                params![from_id, into_id],
            )?;
            // Cases merged into `from` before now mean `into` too.
            tx.execute(
                "UPDATE cases SET merged_into = ?2 WHERE id = ?1 OR merged_into = ?1",
                params![from_id, into_id],
            )?;
            tx.execute("DELETE FROM case_suggestions WHERE case_id = ?1", [from_id])?;
            let change = Change::Merge {
                into: into_name.clone(),
            };
            membership::record(tx, Some(&from_name), &change)?;
            Ok(rows.into_iter().map(|(n, _)| n).collect())
        })?;
        let case = self
            .case_by_name(&into_name)?
            .ok_or_else(|| Error::NotFound(format!("case {into_name:?}")))?;
        Ok(Merged {
            case,
            from: from_name,
            moved,
        })
    }
}
