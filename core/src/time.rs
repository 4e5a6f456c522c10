//! Instants as the device saw them: a UTC moment plus the UTC offset in force there and then.
//!
//! Rules about "21:00 local time" must use the offset the phone had at the moment of contact, not
//! the offset of today or of the computer that reads the evidence: DST and travel change it.

use crate::error::{invalid, Error, Result};
pub use crate::zone::Zone;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use serde::{Deserialize, Serialize};

/// Largest UTC offset any zone uses, with margin (±18 h, as ISO 8601 and java.time allow).
pub const MAX_OFFSET_SECS: i32 = 18 * 3600;

/// A moment in UTC milliseconds and the UTC offset (seconds east of Greenwich) in force on the
/// device at that moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Instant {
    pub utc_ms: i64,
    pub offset_secs: i32,
}

impl Instant {
    /// Builds an instant, refusing offsets no zone has and moments chrono cannot represent.
    pub fn new(utc_ms: i64, offset_secs: i32) -> Result<Self> {
        if offset_secs.abs() > MAX_OFFSET_SECS {
            return invalid(format!("UTC offset {offset_secs} s is outside ±18 h"));
        }
        if DateTime::from_timestamp_millis(utc_ms).is_none() {
            return invalid(format!("timestamp {utc_ms} ms is out of range"));
        }
        Ok(Instant {
            utc_ms,
            offset_secs,
        })
    }

    /// The instant with the offset that `zone` had at that moment (for imports that only carry UTC).
    pub fn in_zone(utc_ms: i64, zone: &Zone) -> Result<Self> {
        if DateTime::from_timestamp_millis(utc_ms).is_none() {
            return invalid(format!("timestamp {utc_ms} ms is out of range"));
        }
        Instant::new(utc_ms, zone.offset_at(utc_ms.div_euclid(1000)))
    }

    /// Local wall-clock date and time at the device.
    pub fn local(&self) -> NaiveDateTime {
        self.to_fixed().naive_local()
    }

    /// The instant as a chrono value with its fixed offset.
    pub fn to_fixed(&self) -> DateTime<FixedOffset> {
        let off = FixedOffset::east_opt(self.offset_secs).expect("offset validated");
        off.timestamp_millis_opt(self.utc_ms)
            .single()
            .expect("timestamp validated")
    }

    /// Local calendar day, which is what "per day" limits count in.
    pub fn local_date(&self) -> NaiveDate {
        self.local().date()
    }

    /// Seconds since local midnight, for time-window rules.
    pub fn local_seconds_of_day(&self) -> u32 {
        self.local().num_seconds_from_midnight()
    }

    /// Day number of the local date (days from 0001-01-01), for day arithmetic in rules.
    pub fn local_day_number(&self) -> i64 {
        i64::from(self.local_date().num_days_from_ce())
    }

    /// RFC 3339 with the device's offset, e.g. `2025-03-09T21:30:00.000+08:00`.
    pub fn to_rfc3339(&self) -> String {
        self.to_fixed()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
    }

    /// Parses RFC 3339 (`2025-03-09T21:30:00+08:00`), keeping the written offset.
    pub fn parse_rfc3339(s: &str) -> Result<Self> {
        let dt = DateTime::parse_from_rfc3339(s.trim())
            .map_err(|e| Error::InvalidInput(format!("bad instant {s:?}: {e} (want RFC 3339)")))?;
        Instant::new(dt.timestamp_millis(), dt.offset().local_minus_utc())
    }

    /// Parses RFC 3339, or a local date-time without offset (`2025-03-09 21:30`, `...T21:30:00`)
    /// read in `zone`. Ambiguous local times (DST fall-back) take the earlier reading.
    pub fn parse_in_zone(s: &str, zone: &Zone) -> Result<Self> {
        if let Ok(i) = Instant::parse_rfc3339(s) {
            return Ok(i);
        }
        let t = s.trim().replace('T', " ");
        let naive = [
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&t, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "bad instant {s:?}: want RFC 3339 or YYYY-MM-DD[ HH:MM[:SS]]"
            ))
        })?;
        let utc_ms = zone.earliest_utc_ms(&naive).ok_or_else(|| {
            Error::InvalidInput(format!("{s:?} does not exist in {zone} (DST gap)"))
        })?;
        Instant::in_zone(utc_ms, zone)
    }
}

/// Parses an IANA zone name such as `Asia/Shanghai`.
pub fn parse_zone(name: &str) -> Result<Zone> {
    Zone::parse(name.trim()).ok_or_else(|| {
        Error::InvalidSetting(format!(
            "unknown time zone {name:?}: use an IANA name such as Asia/Shanghai"
        ))
    })
}

/// Current time in UTC milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_uses_stored_offset() {
        // 2025-03-09 13:30 UTC, +08:00 -> 21:30 local
        let i = Instant::parse_rfc3339("2025-03-09T21:30:00+08:00").unwrap();
        assert_eq!(i.local_seconds_of_day(), 21 * 3600 + 30 * 60);
        assert_eq!(i.offset_secs, 8 * 3600);
        assert_eq!(i.to_rfc3339(), "2025-03-09T21:30:00.000+08:00");
    }

    #[test]
    fn zone_offset_follows_dst() {
        let ny = parse_zone("America/New_York").unwrap();
        let winter = Instant::parse_in_zone("2025-03-08 12:00", &ny).unwrap();
        let summer = Instant::parse_in_zone("2025-03-10 12:00", &ny).unwrap();
        assert_eq!(winter.offset_secs, -5 * 3600);
        assert_eq!(summer.offset_secs, -4 * 3600);
        assert!(
            Instant::parse_in_zone("2025-03-09 02:30", &ny).is_err(),
            "gap"
        );
    }

    #[test]
    fn refuses_bad_offsets_and_zones() {
        assert!(Instant::new(0, 19 * 3600).is_err());
        assert!(Instant::new(i64::MAX, 0).is_err());
        assert!(parse_zone("Mars/Olympus").is_err());
    }
}
