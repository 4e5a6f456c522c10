//! The domain model: contact events and the settings that decide how they are read.

use crate::error::{invalid, Error, Result};
use crate::number::{PhoneNumber, Region};
use crate::time::Instant;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Stable lower-case names for enums stored in SQLite columns (never change a released name),
/// and their SQLite conversions: a stored name outside the set is an error, never a default.
macro_rules! names {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// Name as stored and shown.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            /// Inverse of `as_str`.
            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)* _ => None }
            }
        }

        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $t {
            fn column_result(
                v: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::from_name(s).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(
                        format!("stored {} {s:?} is not one dunwatch writes", stringify!($t))
                            .into(),
                    )
                })
            }
        }
    };
}

names!(Party { Collector => "collector", Creditor => "creditor", Unknown => "unknown" });
names!(EventKind { Sms => "sms", Call => "call", CallUpdate => "call_update" });
names!(SmsDirection { Incoming => "incoming", Outgoing => "outgoing" });
names!(CallDirection {
    Incoming => "incoming", Outgoing => "outgoing", Missed => "missed",
    Rejected => "rejected", Blocked => "blocked",
});
names!(EventSource { Live => "live", CallLog => "call_log", Import => "import", Manual => "manual" });
names!(crate::number::NumberKind {
    E164 => "e164", National => "national", ShortCode => "short_code", SmsGateway => "sms_gateway",
    ServiceNumber => "service_number", Alphanumeric => "alphanumeric", Hidden => "hidden",
    Unusual => "unusual",
});

/// Largest SMS body stored. Real SMS (even concatenated or MMS text) are far below this; anything
/// bigger is refused with an error instead of bloating the evidence file.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Row id of an event in the store; stable forever because events are append-only.
pub type EventId = i64;

/// Who a case's collector is: some rules bind only third-party collectors (Regulation F), so a
/// pack may exempt the original creditor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// A third-party debt collector.
    Collector,
    /// The original creditor collecting its own debt.
    Creditor,
    #[default]
    Unknown,
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Party {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Party::from_name(s.trim()).ok_or_else(|| {
            Error::InvalidInput(format!("party {s:?}: use collector, creditor or unknown"))
        })
    }
}

impl PartialEq<&str> for Party {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What an event row holds (the `kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Sms,
    Call,
    CallUpdate,
}

/// Direction of an SMS relative to the device owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsDirection {
    Incoming,
    Outgoing,
}

/// What happened to a call, as the phone's call log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    Incoming,
    Outgoing,
    Missed,
    Rejected,
    Blocked,
}

/// An SMS as received or sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sms {
    pub number: PhoneNumber,
    pub body: String,
    /// When the sender's network says it was sent, if known.
    pub sent: Option<Instant>,
    /// When the device received (or sent) it.
    pub received: Instant,
    pub sim_slot: Option<u8>,
    pub direction: SmsDirection,
}

/// A phone call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub number: PhoneNumber,
    pub direction: CallDirection,
    pub start: Instant,
    /// How long it rang before being answered or given up, if known.
    pub ring_ms: Option<u64>,
    /// Talk time; a call is "connected" when this is above zero.
    pub talk_ms: u64,
    pub sim_slot: Option<u8>,
}

impl Call {
    /// Connected calls are what GB/T 45251's daily cap counts.
    pub fn connected(&self) -> bool {
        self.talk_ms > 0
    }
}

/// Later facts about a call already recorded (the call log gives the duration after the call
/// screening service logged the ring). Appended, never written over the original.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallUpdate {
    pub call: EventId,
    pub direction: CallDirection,
    pub ring_ms: Option<u64>,
    pub talk_ms: u64,
}

/// The content of one evidence record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventPayload {
    Sms(Sms),
    Call(Call),
    CallUpdate(CallUpdate),
}

/// Where an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventSource {
    /// Recorded on the phone as it happened (SMS receiver, call screening).
    Live,
    /// Read back from the Android call log or SMS provider.
    CallLog,
    /// Imported from a backup file.
    Import,
    /// Typed in by the user.
    Manual,
}

/// An event to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    pub source: EventSource,
    #[serde(flatten)]
    pub payload: EventPayload,
}

/// An event as stored, with its place in the evidence chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub id: EventId,
    /// When the store wrote it (UTC ms of the machine that wrote it).
    pub recorded_ms: i64,
    pub source: EventSource,
    #[serde(flatten)]
    pub payload: EventPayload,
    /// Hex SHA-256 of this row in the chain.
    pub hash: String,
}

impl EventPayload {
    /// Short name of the kind, as stored in the `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            EventPayload::Sms(_) => "sms",
            EventPayload::Call(_) => "call",
            EventPayload::CallUpdate(_) => "call_update",
        }
    }

    /// The other party's number, if the event has one of its own.
    pub fn number(&self) -> Option<&PhoneNumber> {
        match self {
            EventPayload::Sms(s) => Some(&s.number),
            EventPayload::Call(c) => Some(&c.number),
            EventPayload::CallUpdate(_) => None,
        }
    }

    /// The moment the contact happened (received for SMS, start for calls).
    pub fn instant(&self) -> Option<Instant> {
        match self {
            EventPayload::Sms(s) => Some(s.received),
            EventPayload::Call(c) => Some(c.start),
            EventPayload::CallUpdate(_) => None,
        }
    }

    /// Checks limits that the type system cannot: body size, durations.
    pub fn validate(&self) -> Result<()> {
        match self {
            EventPayload::Sms(s) => {
                if s.body.len() > MAX_BODY_BYTES {
                    return invalid(format!(
                        "SMS body of {} bytes exceeds the {} byte limit",
                        s.body.len(),
                        MAX_BODY_BYTES
                    ));
                }
                Ok(())
            }
            EventPayload::Call(c) => check_durations(c.ring_ms, c.talk_ms),
            EventPayload::CallUpdate(u) => check_durations(u.ring_ms, u.talk_ms),
        }
    }
}

fn check_durations(ring: Option<u64>, talk: u64) -> Result<()> {
    // i64 storage, and a call longer than a week is a broken record.
    const WEEK_MS: u64 = 7 * 24 * 3600 * 1000;
    if talk > WEEK_MS || ring.is_some_and(|r| r > WEEK_MS) {
        return invalid(format!(
            "call duration out of range (ring {ring:?} ms, talk {talk} ms)"
        ));
    }
    Ok(())
}

/// Jurisdiction whose rule pack applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Jurisdiction {
    Cn,
    Us,
    In,
    Uk,
    Ph,
}

impl Jurisdiction {
    /// Default region for reading national phone numbers.
    pub fn region(self) -> Region {
        match self {
            Jurisdiction::Cn => Region::Cn,
            Jurisdiction::Us => Region::Us,
            Jurisdiction::In => Region::In,
            Jurisdiction::Uk => Region::Uk,
            Jurisdiction::Ph => Region::Ph,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::Cn => "cn",
            Jurisdiction::Us => "us",
            Jurisdiction::In => "in",
            Jurisdiction::Uk => "uk",
            Jurisdiction::Ph => "ph",
        }
    }
    /// The time zone of a jurisdiction that has only one; `None` for the United States, where
    /// the user must say which.
    pub fn single_zone(self) -> Option<&'static str> {
        match self {
            Jurisdiction::Cn => Some("Asia/Shanghai"),
            Jurisdiction::In => Some("Asia/Kolkata"),
            Jurisdiction::Uk => Some("Europe/London"),
            Jurisdiction::Ph => Some("Asia/Manila"),
            Jurisdiction::Us => None,
        }
    }
    /// Every jurisdiction with a rule pack.
    pub const ALL: [Jurisdiction; 5] = [
        Jurisdiction::Cn,
        Jurisdiction::Us,
        Jurisdiction::In,
        Jurisdiction::Uk,
        Jurisdiction::Ph,
    ];
}

impl FromStr for Jurisdiction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cn" => Ok(Jurisdiction::Cn),
            "us" => Ok(Jurisdiction::Us),
            "in" => Ok(Jurisdiction::In),
            // "gb" is the ISO country code a SIM or locale gives.
            "uk" | "gb" => Ok(Jurisdiction::Uk),
            "ph" => Ok(Jurisdiction::Ph),
            other => Err(Error::InvalidSetting(format!(
                "unknown jurisdiction {other:?}: use cn, us, in, uk or ph"
            ))),
        }
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who owns the phone, which decides whether every collector contact is already a third-party
/// contact (CN.TP / US.TP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Borrower,
    Family,
    Friend,
    Colleague,
    EmergencyContact,
}

impl Role {
    pub fn is_third_party(self) -> bool {
        self != Role::Borrower
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Borrower => "borrower",
            Role::Family => "family",
            Role::Friend => "friend",
            Role::Colleague => "colleague",
            Role::EmergencyContact => "emergency_contact",
        }
    }
}

impl FromStr for Role {
    type Err = Error;
    /// Accepts `third-party` as the generic third party (stored as family, the commonest case).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "borrower" | "debtor" => Ok(Role::Borrower),
            "third_party" | "family" => Ok(Role::Family),
            "friend" => Ok(Role::Friend),
            "colleague" => Ok(Role::Colleague),
            "emergency_contact" => Ok(Role::EmergencyContact),
            other => Err(Error::InvalidSetting(format!(
                "unknown role {other:?}: use borrower, third-party, family, friend, colleague or \
                 emergency-contact"
            ))),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Settings of a store: they change how evidence is read, never the evidence itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub jurisdiction: Jurisdiction,
    pub role: Role,
    /// IANA zone of the device owner's home, used when an import carries no offset.
    pub home_tz: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            jurisdiction: Jurisdiction::Cn,
            role: Role::Borrower,
            home_tz: "Asia/Shanghai".to_string(),
        }
    }
}

impl Settings {
    /// Checks the zone name; the enums are valid by construction.
    pub fn validate(&self) -> Result<()> {
        crate::time::parse_zone(&self.home_tz).map(|_| ())
    }
    pub fn zone(&self) -> Result<crate::time::Zone> {
        crate::time::parse_zone(&self.home_tz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse() {
        assert_eq!("third-party".parse::<Role>().unwrap(), Role::Family);
        assert!("third-party".parse::<Role>().unwrap().is_third_party());
        assert!("x".parse::<Role>().is_err());
        assert_eq!("US".parse::<Jurisdiction>().unwrap(), Jurisdiction::Us);
        let s = Settings {
            home_tz: "Nowhere/City".into(),
            ..Settings::default()
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn huge_body_refused() {
        let sms = Sms {
            number: PhoneNumber::parse("10086", Region::Cn).unwrap(),
            body: "x".repeat(MAX_BODY_BYTES + 1),
            sent: None,
            received: Instant::new(0, 0).unwrap(),
            sim_slot: None,
            direction: SmsDirection::Incoming,
        };
        assert!(EventPayload::Sms(sms).validate().is_err());
    }
}
