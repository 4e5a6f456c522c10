//! Builders shared by the store tests.
#![allow(dead_code)]

use dunwatch_core::*;

pub fn sms(number: &str, body: &str, utc_ms: i64) -> NewEvent {
    NewEvent {
        source: EventSource::Live,
        payload: EventPayload::Sms(Sms {
            number: PhoneNumber::parse(number, Region::Cn).unwrap(),
            body: body.to_string(),
            sent: None,
            received: Instant::new(utc_ms, 8 * 3600).unwrap(),
            sim_slot: Some(0),
            direction: SmsDirection::Incoming,
        }),
    }
}

pub fn call(number: &str, utc_ms: i64, talk_ms: u64) -> NewEvent {
    NewEvent {
        source: EventSource::CallLog,
        payload: EventPayload::Call(Call {
            number: PhoneNumber::parse(number, Region::Cn).unwrap(),
            direction: if talk_ms > 0 {
                CallDirection::Incoming
            } else {
                CallDirection::Missed
            },
            start: Instant::new(utc_ms, 8 * 3600).unwrap(),
            ring_ms: Some(5000),
            talk_ms,
            sim_slot: None,
        }),
    }
}

/// 2025-03-01T00:00:00Z
pub const T0: i64 = 1_740_787_200_000;
