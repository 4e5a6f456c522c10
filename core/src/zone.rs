//! Time zones by IANA name, as the UTC offsets each has had over time. That is all dunwatch reads
//! of a zone; `build.rs` takes the offsets from chrono-tz's tz database and writes them in a few
//! bytes per change (chrono-tz's own tables, 32 bytes per transition, were most of the Android
//! library's zone data). The Android build keeps only the zones of the supported jurisdictions.

use chrono::NaiveDateTime;
use std::fmt;

include!(concat!(env!("OUT_DIR"), "/zones.rs"));

/// Each zone's offsets, encoded by `build.rs` (`encode_zone`).
static ZONE_DATA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/zones.bin"));

/// A time zone: its name and its offsets (seconds east of UTC) over time.
#[derive(Clone, PartialEq, Eq)]
pub struct Zone {
    name: &'static str,
    /// The offset before the first change.
    first: i32,
    /// (first UTC second of the offset, offset), ascending.
    changes: Vec<(i64, i32)>,
}

impl Zone {
    /// The zone of an IANA name such as `Asia/Shanghai` (exact spelling), if this build has it.
    pub fn parse(name: &str) -> Option<Zone> {
        let i = ZONES.binary_search_by(|z| z.0.cmp(name)).ok()?;
        let (name, start, end) = ZONES[i];
        let (first, changes) = decode(&ZONE_DATA[start as usize..end as usize])?;
        Some(Zone {
            name,
            first,
            changes,
        })
    }

    /// UTC, which every build has.
    pub fn utc() -> Zone {
        Zone {
            name: "UTC",
            first: 0,
            changes: Vec::new(),
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The offset in force at a UTC second.
    pub fn offset_at(&self, utc_secs: i64) -> i32 {
        match self.changes.partition_point(|&(t, _)| t <= utc_secs) {
            0 => self.first,
            i => self.changes[i - 1].1,
        }
    }

    /// The UTC milliseconds of a local wall-clock time: the earlier one when a change repeats
    /// it (DST ending), `None` when a change skips it (DST starting).
    pub fn earliest_utc_ms(&self, local: &NaiveDateTime) -> Option<i64> {
        let l = local.and_utc().timestamp();
        // The offsets in force within a day of `l` are the only ones that can map to it.
        let lo = self.changes.partition_point(|&(t, _)| t <= l - 86_400);
        let hi = self.changes.partition_point(|&(t, _)| t <= l + 86_400);
        let mut candidates = vec![match lo {
            0 => self.first,
            i => self.changes[i - 1].1,
        }];
        candidates.extend(self.changes[lo..hi].iter().map(|c| c.1));
        candidates
            .into_iter()
            .filter(|&o| self.offset_at(l - i64::from(o)) == o)
            .map(|o| local.and_utc().timestamp_millis() - i64::from(o) * 1000)
            .min()
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

/// Reads one zone's bytes (see `encode_zone` in build.rs); `None` only if they are damaged.
fn decode(mut b: &[u8]) -> Option<(i32, Vec<(i64, i32)>)> {
    let n = usize::try_from(varint(&mut b)?).ok()?;
    let mut offsets = Vec::with_capacity(n);
    for _ in 0..n {
        offsets.push(i32::try_from(unzigzag(varint(&mut b)?)).ok()?);
    }
    let (&i, rest) = b.split_first()?;
    b = rest;
    let first = *offsets.get(usize::from(i))?;
    let mut changes = Vec::new();
    let mut t: Option<i64> = None;
    while !b.is_empty() {
        let v = varint(&mut b)?;
        let at = match t {
            None => unzigzag(v),
            Some(p) => p.checked_add(i64::try_from(v).ok()?)?,
        };
        let (&i, rest) = b.split_first()?;
        b = rest;
        changes.push((at, *offsets.get(usize::from(i))?));
        t = Some(at);
    }
    Some((first, changes))
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// LEB128, as build.rs writes it.
fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Offset, TimeZone};

    /// Every zone of chrono-tz is in the table, with the same offset at each change (and the
    /// second before it) and on every 5th day from 1850 to 2100; local times around each change
    /// resolve as chrono-tz resolves them.
    #[test]
    fn matches_chrono_tz() {
        for tz in chrono_tz::TZ_VARIANTS {
            let z = Zone::parse(tz.name()).unwrap_or_else(|| panic!("{} missing", tz.name()));
            assert_eq!(z.name(), tz.name());
            let chrono_at = |t: i64| {
                let utc = DateTime::from_timestamp(t, 0).unwrap().naive_utc();
                tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()
            };
            let mut points: Vec<i64> = (-3_786_825_600i64..4_102_444_800)
                .step_by(5 * 86_400)
                .collect();
            for &(t, _) in &z.changes {
                points.extend([t - 1, t]);
            }
            for t in points {
                assert_eq!(z.offset_at(t), chrono_at(t), "{} at {t}", tz.name());
            }
            for &(t, o) in &z.changes {
                for d in [-7200, -3601, -3600, -1, 0, 1, 1800, 3599, 3600, 7200] {
                    let local = DateTime::from_timestamp(t + i64::from(o) + d, 0)
                        .unwrap()
                        .naive_utc();
                    let want = tz
                        .from_local_datetime(&local)
                        .earliest()
                        .map(|x| x.timestamp_millis());
                    assert_eq!(z.earliest_utc_ms(&local), want, "{} at {local}", tz.name());
                }
            }
        }
    }

    #[test]
    fn unknown_names_and_utc() {
        assert!(Zone::parse("Mars/Olympus").is_none());
        assert!(Zone::parse("asia/shanghai").is_none());
        assert_eq!(Zone::utc().offset_at(0), 0);
        assert_eq!(Zone::parse("UTC").unwrap().offset_at(1_700_000_000), 0);
    }
}
