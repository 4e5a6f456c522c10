//! Amounts of money in minor units (fen, cents, paise), and the day dates of cash flows. Both
//! read and write as text ("7000.50", "2025-03-01") so that the stored record, a loan file and
//! the app's JSON are one format; an amount may also be given as a number.

use crate::error::{Error, Result};
use chrono::NaiveDate;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Largest amount of one entry or of a loan's totals: 1,000,000,000.00. Anything above is a
/// typing error (an extra zero or two), not a consumer loan.
pub const MAX_AMOUNT: i64 = 100_000_000_000;

/// A positive amount in minor units (1/100 of the currency unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    /// Parses "7000", "7000.5", "7,000.50" (commas and underscores group digits). At most two
    /// decimals; no sign, no exponent.
    pub fn parse(s: &str) -> Result<Money> {
        let bad = |why: &str| Err(Error::InvalidInput(format!("amount {s:?}: {why}")));
        let t: String = s
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '_')
            .collect();
        if t.starts_with('-') {
            return bad("must be more than zero");
        }
        let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
        if int.is_empty() && frac.is_empty() {
            return bad("not a number");
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return bad("not a number (write it like 7000 or 7000.50)");
        }
        if frac.len() > 2 {
            return bad("more than two decimals");
        }
        if int.trim_start_matches('0').len() > 12 {
            return bad("absurdly large (more than 1,000,000,000)");
        }
        let units: i64 = if int.is_empty() {
            0
        } else {
            int.parse().unwrap_or(i64::MAX)
        };
        let cents: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
        let v = units.saturating_mul(100).saturating_add(cents);
        Money::checked(v).map_err(|e| Error::InvalidInput(format!("amount {s:?}: {e}")))
    }

    /// `v` minor units if it is a sensible amount of one entry.
    pub fn checked(v: i64) -> std::result::Result<Money, String> {
        if v <= 0 {
            Err("must be more than zero".into())
        } else if v > MAX_AMOUNT {
            Err("absurdly large (more than 1,000,000,000)".into())
        } else {
            Ok(Money(v))
        }
    }

    /// In currency units, for the rate calculation.
    pub fn units(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// A signed sum of minor units (net cost can be negative), shown like [`Money`].
pub fn show_cents(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Money, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount such as 7000 or \"7000.50\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Money, E> {
                Money::parse(v).map_err(|e| E::custom(e.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Money, E> {
                Money::checked(v.saturating_mul(100))
                    .map_err(|e| E::custom(format!("amount {v}: {e}")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Money, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Money, E> {
                // Through the shortest decimal text of the float, so 0.1 + 0.2 style noise in a
                // file's 7000.1 does not become 7000.09.
                if !v.is_finite() {
                    return Err(E::custom(format!("amount {v}: not a number")));
                }
                Money::parse(&v.to_string()).map_err(|e| E::custom(e.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Serde for `NaiveDate` as "YYYY-MM-DD" (chrono is built without its serde feature).
pub mod date {
    use super::*;

    /// Parses `YYYY-MM-DD` by hand: chrono's format parser is a sizeable part of the Android
    /// library for one fixed format.
    pub fn parse(s: &str) -> Result<NaiveDate> {
        let bad = || Error::InvalidInput(format!("date {s:?}: write it as YYYY-MM-DD"));
        let t = s.trim().as_bytes();
        if t.len() != 10 || t[4] != b'-' || t[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &t[r];
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0')))
        };
        let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(bad());
        };
        let date = NaiveDate::from_ymd_opt(i32::try_from(y).unwrap_or(0), m, d).ok_or_else(bad)?;
        if !(1990..=2100).contains(&y) {
            return Err(Error::InvalidInput(format!(
                "date {s:?}: outside 1990–2100"
            )));
        }
        Ok(date)
    }

    /// `YYYY-MM-DD`.
    pub fn text(d: NaiveDate) -> String {
        use chrono::Datelike;
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&text(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(de::Error::custom)
    }

    /// The same for `Option<NaiveDate>`.
    pub mod opt {
        use super::*;
        pub fn serialize<S: Serializer>(
            d: &Option<NaiveDate>,
            s: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> std::result::Result<Option<NaiveDate>, D::Error> {
            match Option::<String>::deserialize(d)? {
                Some(s) => parse(&s).map(Some).map_err(de::Error::custom),
                None => Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_and_print() {
        assert_eq!(Money::parse("7000").unwrap(), Money(700_000));
        assert_eq!(Money::parse("7,000.5").unwrap(), Money(700_050));
        assert_eq!(Money::parse(".25").unwrap(), Money(25));
        assert_eq!(Money(700_050).to_string(), "7000.50");
        assert_eq!(show_cents(-1234), "-12.34");
        for bad in [
            "",
            "-5",
            "0",
            "0.00",
            "1.234",
            "1e5",
            "abc",
            "12.3.4",
            "99999999999999",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad:?} accepted");
        }
        let m: Money = serde_json::from_str("1000.1").unwrap();
        assert_eq!(m, Money(100_010));
        let m: Money = serde_json::from_str("1000").unwrap();
        assert_eq!(m, Money(100_000));
        assert!(serde_json::from_str::<Money>("-3").is_err());
        assert_eq!(
            date::parse(" 2024-02-29 ").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        for bad in [
            "2025-02-29",
            "2025-2-01",
            "25-02-01",
            "2025/02/01",
            "1989-12-31",
            "2025-13-01",
            "२०२५-01-01",
        ] {
            assert!(date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            date::text(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
            "2025-03-01"
        );
    }
}
