//! Turning the fields of one imported record into an event, with the checks every format shares.

use crate::model::{
    Call, CallDirection, EventPayload, EventSource, NewEvent, Sms, SmsDirection, MAX_BODY_BYTES,
};
use crate::number::{PhoneNumber, Region};
use crate::time::{Instant, Zone};
use foldhash::{HashMap, HashMapExt};
use std::cell::RefCell;

/// What a parser needs to read a record: the home zone for times without an offset and the
/// region for national numbers.
pub(crate) struct Context {
    pub zone: Zone,
    pub region: Region,
    /// Numbers already parsed: a phone's history comes from a few hundred numbers at most.
    numbers: RefCell<HashMap<String, PhoneNumber>>,
}

/// Most parsed numbers remembered; past it the memory starts over.
const NUMBER_CACHE: usize = 4096;

/// A record's failure, before its position is attached.
pub(crate) type Fail = String;

impl Context {
    pub fn new(zone: Zone, region: Region) -> Context {
        Context {
            zone,
            region,
            numbers: RefCell::new(HashMap::new()),
        }
    }

    /// UTC milliseconds (as SMS Backup & Restore writes them) in the home zone.
    pub fn utc_ms(&self, ms: i64) -> Result<Instant, Fail> {
        Instant::in_zone(ms, &self.zone).map_err(|e| e.to_string())
    }

    /// A time field: epoch milliseconds, RFC 3339, or local `YYYY-MM-DD HH:MM[:SS]` (home zone).
    pub fn time(&self, s: &str) -> Result<Instant, Fail> {
        let t = s.trim();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            let ms = t
                .parse::<i64>()
                .map_err(|_| format!("time {t:?} out of range"))?;
            return self.utc_ms(ms);
        }
        Instant::parse_in_zone(t, &self.zone).map_err(|e| e.to_string())
    }

    pub fn number(&self, raw: &str) -> Result<PhoneNumber, Fail> {
        let mut seen = self.numbers.borrow_mut();
        if let Some(n) = seen.get(raw) {
            return Ok(n.clone());
        }
        let n = PhoneNumber::parse(raw, self.region).map_err(|e| e.to_string())?;
        if seen.len() >= NUMBER_CACHE {
            seen.clear();
        }
        seen.insert(raw.to_string(), n.clone());
        Ok(n)
    }

    pub fn sms(
        &self,
        number: &str,
        body: String,
        received: Instant,
        sent: Option<Instant>,
        direction: SmsDirection,
    ) -> Result<NewEvent, Fail> {
        if body.len() > MAX_BODY_BYTES {
            return Err(format!(
                "message body of {} bytes exceeds the {MAX_BODY_BYTES} byte limit",
                body.len()
            ));
        }
        Ok(NewEvent {
            source: EventSource::Import,
            payload: EventPayload::Sms(Sms {
                number: self.number(number)?,
                body,
                sent,
                received,
                sim_slot: None,
                direction,
            }),
        })
    }

    pub fn call(
        &self,
        number: &str,
        direction: CallDirection,
        start: Instant,
        talk_ms: u64,
        ring_ms: Option<u64>,
    ) -> Result<NewEvent, Fail> {
        let payload = EventPayload::Call(Call {
            number: self.number(number)?,
            direction,
            start,
            ring_ms,
            talk_ms,
            sim_slot: None,
        });
        payload.validate().map_err(|e| e.to_string())?;
        Ok(NewEvent {
            source: EventSource::Import,
            payload,
        })
    }
}

/// Seconds (possibly fractional, as some exports write) to milliseconds, refusing nonsense.
pub(crate) fn seconds_to_ms(s: &str) -> Result<u64, Fail> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("duration {s:?} is not a number of seconds"))?;
    if !v.is_finite() || !(0.0..=7.0 * 24.0 * 3600.0).contains(&v) {
        return Err(format!("duration {s:?} s is out of range"));
    }
    Ok((v * 1000.0).round() as u64)
}

/// Call direction by name, as the CSV and JSON Lines forms write it.
pub(crate) fn call_direction(s: &str) -> Result<CallDirection, Fail> {
    match s.trim().to_ascii_lowercase().as_str() {
        "incoming" | "in" => Ok(CallDirection::Incoming),
        "outgoing" | "out" => Ok(CallDirection::Outgoing),
        "missed" | "voicemail" => Ok(CallDirection::Missed),
        "rejected" => Ok(CallDirection::Rejected),
        "blocked" => Ok(CallDirection::Blocked),
        other => Err(format!(
            "call direction {other:?}: use incoming, outgoing, missed, voicemail, rejected or \
             blocked"
        )),
    }
}

pub(crate) fn sms_direction(s: &str) -> Result<SmsDirection, Fail> {
    match s.trim().to_ascii_lowercase().as_str() {
        "incoming" | "in" | "received" => Ok(SmsDirection::Incoming),
        "outgoing" | "out" | "sent" => Ok(SmsDirection::Outgoing),
        other => Err(format!("SMS direction {other:?}: use incoming or outgoing")),
    }
}
