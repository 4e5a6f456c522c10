//! Stop requests, opt-outs, notes and attachments: what the user adds to the evidence. They are
//! chained like events (their own chains), because a stop request's date decides US.CEASE.

use super::codec::{from_hex, hex, Canon};
use super::{chain_head, set_chain_head, Store};
use crate::error::{invalid, Result};
use crate::model::EventId;
use crate::time::{now_ms, Instant};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    /// The user asked the collector to stop contacting them (US.CEASE, CN.TP refusals).
    StopRequest,
    /// The user replied STOP / opted out of a channel (US.OPTOUT).
    OptOut,
    /// A free-text note.
    Note,
    /// A loan record (JSON of `loan::LoanRecord`), written only by `Store::add_loan`, which
    /// checks it; the newest of a case supersedes the earlier ones.
    Loan,
    /// A change of case membership (JSON of `membership::Change`), written only by the store
    /// when a case is created or a number tagged or untagged; `verify` re-derives membership
    /// from these.
    Membership,
}

impl AnnotationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationKind::StopRequest => "stop_request",
            AnnotationKind::OptOut => "opt_out",
            AnnotationKind::Note => "note",
            AnnotationKind::Loan => "loan",
            AnnotationKind::Membership => "membership",
        }
    }
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "stop_request" => AnnotationKind::StopRequest,
            "opt_out" => AnnotationKind::OptOut,
            "note" => AnnotationKind::Note,
            "loan" => AnnotationKind::Loan,
            "membership" => AnnotationKind::Membership,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAnnotation {
    pub kind: AnnotationKind,
    pub case_name: Option<String>,
    pub event_id: Option<EventId>,
    pub at: Instant,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: i64,
    #[serde(flatten)]
    pub data: NewAnnotation,
    pub recorded_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAttachment {
    pub case_name: Option<String>,
    pub event_id: Option<EventId>,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub name: String,
    pub size: u64,
    pub at: Instant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    #[serde(flatten)]
    pub data: NewAttachment,
    pub recorded_ms: i64,
}

const MAX_TEXT: usize = 64 * 1024;

pub(crate) fn annotation_canon(id: i64, a: &NewAnnotation, recorded_ms: i64) -> Canon {
    let mut c = Canon::new("dunwatch.annotation.v1");
    c.i64(id)
        .str(a.kind.as_str())
        .opt_str(a.case_name.as_deref())
        .opt_i64(a.event_id)
        .i64(a.at.utc_ms)
        .i64(a.at.offset_secs.into())
        .str(&a.text)
        .i64(recorded_ms);
    c
}

pub(crate) fn attachment_canon(id: i64, a: &NewAttachment, sha: &[u8], recorded_ms: i64) -> Canon {
    let mut c = Canon::new("dunwatch.attachment.v1");
    c.i64(id)
        .opt_str(a.case_name.as_deref())
        .opt_i64(a.event_id)
        .bytes(sha)
        .str(&a.name)
        .i64(i64::try_from(a.size).unwrap_or(i64::MAX))
        .i64(a.at.utc_ms)
        .i64(a.at.offset_secs.into())
        .i64(recorded_ms);
    c
}

/// A chained row with its stored previous hash and hash.
pub(crate) type Chained<T> = (T, Vec<u8>, Vec<u8>);

pub(crate) fn read_annotations(c: &Connection) -> Result<Vec<Chained<Annotation>>> {
    let mut st = c.prepare_cached(
        "SELECT id, kind, case_name, event_id, utc_ms, offset_s, text, recorded_ms, prev_hash, \
         hash FROM annotations ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, i64>(7)?,
            r.get::<_, Vec<u8>>(8)?,
            r.get::<_, Vec<u8>>(9)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, case_name, event_id, ms, off, text, rec, prev, hash) = row?;
        let kind = AnnotationKind::from_name(&kind).unwrap_or(AnnotationKind::Note);
        let at = Instant::new(ms, i32::try_from(off).unwrap_or(0))?;
        out.push((
            Annotation {
                id,
                data: NewAnnotation {
                    kind,
                    case_name,
                    event_id,
                    at,
                    text,
                },
                recorded_ms: rec,
            },
            prev,
            hash,
        ));
    }
    Ok(out)
}

/// The annotations of one kind, oldest first.
pub(crate) fn read_annotations_of(c: &Connection, kind: AnnotationKind) -> Result<Vec<Annotation>> {
    Ok(read_annotations(c)?
        .into_iter()
        .map(|t| t.0)
        .filter(|a| a.data.kind == kind)
        .collect())
}

/// An attachment with its raw digest bytes.
pub(crate) type AttachmentRow = (Attachment, Vec<u8>);

pub(crate) fn read_attachments(c: &Connection) -> Result<Vec<Chained<AttachmentRow>>> {
    let mut st = c.prepare_cached(
        "SELECT id, case_name, event_id, sha256, name, size, utc_ms, offset_s, recorded_ms, \
         prev_hash, hash FROM attachments ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Vec<u8>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, i64>(7)?,
            r.get::<_, i64>(8)?,
            r.get::<_, Vec<u8>>(9)?,
            r.get::<_, Vec<u8>>(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, case_name, event_id, sha, name, size, ms, off, rec, prev, hash) = row?;
        let at = Instant::new(ms, i32::try_from(off).unwrap_or(0))?;
        out.push((
            (
                Attachment {
                    id,
                    data: NewAttachment {
                        case_name,
                        event_id,
                        sha256: hex(&sha),
                        name,
                        size: u64::try_from(size).unwrap_or(0),
                        at,
                    },
                    recorded_ms: rec,
                },
                sha,
            ),
            prev,
            hash,
        ));
    }
    Ok(out)
}

/// Appends an annotation to its chain inside the caller's transaction; returns its id.
pub(crate) fn append_annotation(tx: &Connection, a: &NewAnnotation) -> Result<i64> {
    if a.text.len() > MAX_TEXT {
        return invalid(format!("note longer than {MAX_TEXT} bytes"));
    }
    // A user's note names its case into being; membership is recorded by code that made the
    // case already (and may run inside an older schema's migration).
    if let Some(name) = a
        .case_name
        .as_ref()
        .filter(|_| a.kind != AnnotationKind::Membership)
    {
        super::cases::ensure_case_in(tx, name, None)?;
    }
    let (last, prev) = chain_head(tx, "annotations")?;
    let id = last + 1;
    let rec = now_ms();
    let hash = annotation_canon(id, a, rec).chain_hash(&prev);
    tx.execute(
        "INSERT INTO annotations(id, kind, case_name, event_id, utc_ms, offset_s, text, \
         recorded_ms, prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            a.kind.as_str(),
            a.case_name,
            a.event_id,
            a.at.utc_ms,
            a.at.offset_secs,
            a.text,
            rec,
            prev,
            &hash[..]
        ],
    )?;
    set_chain_head(tx, "annotations", id, &hash)?;
    Ok(id)
}

impl Store {
    /// Records a stop request, opt-out or note; returns its id.
    pub fn add_annotation(&self, a: &NewAnnotation) -> Result<i64> {
        if a.kind == AnnotationKind::Loan {
            return invalid("a loan record is added with add_loan, which checks it");
        }
        if a.kind == AnnotationKind::Membership {
            return invalid("case membership is recorded by tagging, untagging and creating cases");
        }
        self.write(|tx| append_annotation(tx, a))
    }

    /// Stop requests, opt-outs, notes and loan records (membership changes are the store's own
    /// bookkeeping: [`Store::membership_log`]).
    pub fn annotations(&self) -> Result<Vec<Annotation>> {
        self.read(|c| {
            Ok(read_annotations(c)?
                .into_iter()
                .map(|t| t.0)
                .filter(|a| a.data.kind != AnnotationKind::Membership)
                .collect())
        })
    }

    /// The chained changes of case membership, oldest first.
    pub fn membership_log(&self) -> Result<Vec<Annotation>> {
        self.read(|c| read_annotations_of(c, AnnotationKind::Membership))
    }

    /// Pins a file (recording, photo of a letter) by its SHA-256; the file itself stays outside.
    pub fn add_attachment(&self, a: &NewAttachment) -> Result<i64> {
        let sha = from_hex(&a.sha256)
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                crate::Error::InvalidInput(format!("{:?} is not a SHA-256 hex digest", a.sha256))
            })?;
        if a.name.trim().is_empty() || a.name.len() > 1024 || a.name.chars().any(char::is_control) {
            return invalid("attachment name must be 1 to 1024 printable characters");
        }
        self.write(|tx| {
            let (last, prev) = chain_head(tx, "attachments")?;
            let id = last + 1;
            let rec = now_ms();
            let hash = attachment_canon(id, a, &sha, rec).chain_hash(&prev);
            tx.execute(
                "INSERT INTO attachments(id, case_name, event_id, sha256, name, size, utc_ms, \
                 offset_s, recorded_ms, prev_hash, hash) \
                 VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    id,
                    a.case_name,
                    a.event_id,
                    sha,
                    a.name,
                    i64::try_from(a.size).unwrap_or(i64::MAX),
                    a.at.utc_ms,
                    a.at.offset_secs,
                    rec,
                    prev,
                    &hash[..]
                ],
            )?;
            set_chain_head(tx, "attachments", id, &hash)?;
            Ok(id)
        })
    }

    pub fn attachments(&self) -> Result<Vec<Attachment>> {
        self.read(|c| Ok(read_attachments(c)?.into_iter().map(|t| t.0 .0).collect()))
    }
}
