//! The contact history as the rules read it: SMS and calls in time order, with the same call
//! recorded twice (live by the screening service, then again from the call log or an import,
//! with start times a little apart) merged into one contact.

use super::pack::Channel;
use super::repo::RawContact;
use crate::model::{CallDirection, EventId};
use crate::time::Instant;
use foldhash::{HashMap, HashMapExt};

/// Calls from one number whose starts are at most this far apart are one call. Live recording
/// and the call log disagree by the ring time the service took to see the call (typically under
/// a second); two real calls from one number are at least a ring apart (tens of seconds).
pub const SAME_CALL_TOLERANCE_MS: i64 = 5_000;

/// One contact: an SMS, or a call with all its records.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Event ids resting on this contact; the first is the earliest record.
    pub ids: Vec<EventId>,
    pub number: String,
    pub number_raw: String,
    pub at: Instant,
    pub channel: Channel,
    /// From the other party (received SMS; incoming, missed, rejected or blocked call).
    pub incoming: bool,
    pub talk_ms: u64,
    pub sim: Option<i64>,
    pub body: Option<String>,
}

impl Contact {
    pub fn connected(&self) -> bool {
        self.channel == Channel::Call && self.talk_ms > 0
    }
    pub fn primary(&self) -> EventId {
        self.ids[0]
    }
}

fn incoming(is_call: bool, direction: CallDirection) -> bool {
    if is_call {
        direction != CallDirection::Outgoing
    } else {
        direction == CallDirection::Incoming
    }
}

/// Turns rows (ordered by instant, then id) into contacts, merging duplicate call records.
pub(crate) fn group(rows: Vec<RawContact>) -> Vec<Contact> {
    let mut out: Vec<Contact> = Vec::with_capacity(rows.len());
    // number and direction → index of that number's latest call in `out`.
    let mut last_call: HashMap<(String, bool), usize> = HashMap::new();
    for r in rows {
        let Ok(at) = Instant::new(r.utc_ms, r.offset_s) else {
            continue;
        };
        let inc = incoming(r.is_call, r.direction);
        if r.is_call {
            let key = (r.number.clone(), inc);
            if let Some(&i) = last_call.get(&key) {
                let c = &mut out[i];
                if r.utc_ms - c.at.utc_ms <= SAME_CALL_TOLERANCE_MS {
                    c.ids.push(r.id);
                    c.talk_ms = c.talk_ms.max(r.talk_ms);
                    c.sim = c.sim.or(r.sim);
                    continue;
                }
            }
            last_call.insert(key, out.len());
        }
        out.push(Contact {
            ids: vec![r.id],
            number: r.number,
            number_raw: r.number_raw,
            at,
            channel: if r.is_call {
                Channel::Call
            } else {
                Channel::Sms
            },
            incoming: inc,
            talk_ms: r.talk_ms,
            sim: r.sim,
            body: r.body,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(id: EventId, ms: i64, talk: u64, dir: &str) -> RawContact {
        RawContact {
            id,
            is_call: true,
            number: "+8613800138000".into(),
            number_raw: "13800138000".into(),
            utc_ms: ms,
            offset_s: 8 * 3600,
            direction: CallDirection::from_name(dir).unwrap(),
            body: None,
            talk_ms: talk,
            sim: None,
        }
    }

    #[test]
    fn duplicate_records_merge_within_tolerance_only() {
        let g = group(vec![
            raw(1, 1_000_000, 0, "incoming"),
            raw(4, 1_000_000 + 2, 0, "outgoing"),
            raw(2, 1_000_000 + SAME_CALL_TOLERANCE_MS, 30_000, "incoming"),
            raw(3, 1_000_000 + SAME_CALL_TOLERANCE_MS + 1, 0, "incoming"),
        ]);
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].ids, vec![1, 2]);
        assert_eq!(g[0].talk_ms, 30_000, "merged call keeps the talk time");
        assert_eq!(g[1].ids, vec![4]);
        assert!(!g[1].incoming);
        assert_eq!(g[2].ids, vec![3]);
    }
}
