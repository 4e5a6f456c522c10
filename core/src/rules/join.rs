//! Case joining from collection SMS: the sender and the call-back numbers it quotes join the
//! sender's case, or the case of the creditor the message names. Automatic joins never override
//! the user (a number the user tagged or untagged stays as the user left it).

use super::history::Contact;
use super::repo as rs;
use crate::classify::Classification;
use crate::error::Result;
use crate::number::{NumberKind, PhoneNumber, Region};
use crate::store::TagSource;
use rusqlite::Connection;

/// Applies what one received SMS says about cases. Returns the numbers whose standing changed
/// (newly known collectors or newly joined), whose earlier contacts must be re-read.
pub(crate) fn from_sms(
    c: &Connection,
    sms: &Contact,
    class: &Classification,
    region: Region,
) -> Result<Vec<String>> {
    let mut changed = Vec::new();
    if !class.collection || !sms.incoming {
        return Ok(changed);
    }
    if rs::add_collector_number(c, &sms.number, "collection_sms", sms.primary())? {
        changed.push(sms.number.clone());
    }
    let sender = PhoneNumber {
        raw: sms.number_raw.clone(),
        normalized: sms.number.clone(),
        kind: NumberKind::E164,
    };
    let mut case = rs::number_case(c, &sms.number)?.map(|x| x.0);
    if case.is_none() {
        if let Some(cr) = class.creditor.as_deref().filter(|s| !s.trim().is_empty()) {
            case = rs::creditor_case(c, cr)?;
            if let Some(id) = case {
                if rs::auto_join(c, &sender, id, TagSource::Creditor)? {
                    changed.push(sms.number.clone());
                }
            }
        }
    }
    for raw in &class.callback_numbers {
        let Ok(n) = PhoneNumber::parse(raw, region) else {
            continue;
        };
        if n.normalized == sms.number || n.kind == NumberKind::Hidden {
            continue;
        }
        if rs::add_collector_number(c, &n.normalized, "callback", sms.primary())? {
            changed.push(n.normalized.clone());
        }
        if let Some(id) = case {
            if rs::auto_join(c, &n, id, TagSource::Callback)? {
                changed.push(n.normalized.clone());
            }
        }
    }
    Ok(changed)
}

/// Whether [`from_sms`] would change nothing for this SMS, read without writing: its sender and
/// the call-back numbers it quotes are known collectors already, and none of them would join a
/// case (the sender has its case, or the SMS names no creditor; each call-back number is in a
/// case or was decided by the user). Errs towards `false`.
pub(crate) fn unchanged(
    c: &Connection,
    sms: &Contact,
    class: &Classification,
    region: Region,
) -> Result<bool> {
    if !class.collection || !sms.incoming {
        return Ok(true);
    }
    if !rs::is_derived_collector(c, &sms.number)? {
        return Ok(false);
    }
    let case = rs::number_case(c, &sms.number)?.map(|x| x.0);
    if case.is_none()
        && class
            .creditor
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty())
    {
        return Ok(false);
    }
    for raw in &class.callback_numbers {
        let Ok(n) = PhoneNumber::parse(raw, region) else {
            continue;
        };
        if n.normalized == sms.number || n.kind == NumberKind::Hidden {
            continue;
        }
        if !rs::is_derived_collector(c, &n.normalized)? {
            return Ok(false);
        }
        if case.is_some() && rs::may_auto_join(c, &n.normalized)? {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pack::Channel;
    use crate::store::{Store, TagSource};
    use crate::time::Instant;

    /// Everything a join may change, to tell whether it changed anything.
    fn joins_state(store: &Store) -> Vec<String> {
        store
            .read(|c| {
                let mut st = c.prepare(
                    "SELECT 'n' || number || '/' || coalesce(case_id, '-') || '/' || how \
                     FROM numbers UNION ALL SELECT 'c' || number FROM collector_numbers \
                     UNION ALL SELECT 'k' || name FROM cases ORDER BY 1",
                )?;
                let rows = st.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .unwrap()
    }

    fn sms(id: i64, number: &str) -> Contact {
        Contact {
            ids: vec![id],
            number: PhoneNumber::parse(number, Region::Cn).unwrap().normalized,
            number_raw: number.into(),
            at: Instant::new(1_741_527_000_000, 8 * 3600).unwrap(),
            channel: Channel::Sms,
            incoming: true,
            talk_ms: 0,
            sim: None,
            body: Some("…".into()),
        }
    }

    /// `unchanged` may say "changes" when nothing would (the engine then just takes the writer),
    /// never the reverse; and in a settled store it sees that nothing changes.
    #[test]
    fn unchanged_means_from_sms_changes_nothing() {
        let store = Store::open_in_memory().unwrap();
        // Collector numbers cite the event that made them.
        let ev = crate::model::NewEvent {
            source: crate::model::EventSource::Import,
            payload: crate::model::EventPayload::Sms(crate::model::Sms {
                number: PhoneNumber::parse("13800138000", Region::Cn).unwrap(),
                body: "…".into(),
                sent: None,
                received: Instant::new(1_741_527_000_000, 8 * 3600).unwrap(),
                sim_slot: None,
                direction: crate::model::SmsDirection::Incoming,
            }),
        };
        let id = store.insert(&ev).unwrap().id;
        let plain = Classification {
            collection: true,
            callback_numbers: vec!["400-888-1234".into()],
            ..Default::default()
        };
        let named = Classification {
            creditor: Some("速借金融".into()),
            ..plain.clone()
        };
        let other = Classification {
            callback_numbers: vec!["400-777-0000".into()],
            ..plain.clone()
        };
        let third = Classification {
            callback_numbers: vec!["400-555-0000".into()],
            ..plain.clone()
        };
        // Senders and call-back numbers becoming collectors, joining a case by the creditor's
        // name, a user-tagged number, settled states; then a call-back number known as a
        // collector outside any case, quoted by a cased sender; a new one quoted by a cased sender.
        let steps: Vec<(&str, &Classification)> = vec![
            ("13800138000", &plain),
            ("13800138000", &plain),
            ("13900139000", &named),
            ("13800138000", &named),
            ("13900139000", &named),
            ("13700137000", &named),
            ("13700137000", &named),
            ("13600136000", &other),
            ("13600136000", &other),
            ("13800138000", &other),
            ("13900139000", &other),
            ("13900139000", &third),
        ];
        let mut settled = 0;
        for (i, (n, k)) in steps.into_iter().enumerate() {
            if i == 5 {
                store
                    .tag_number("13700137000", "其他", TagSource::User)
                    .unwrap();
            }
            let c = sms(id, n);
            let said = store
                .read(|conn| unchanged(conn, &c, k, Region::Cn))
                .unwrap();
            let before = joins_state(&store);
            store.write(|tx| from_sms(tx, &c, k, Region::Cn)).unwrap();
            let changed = joins_state(&store) != before;
            assert!(
                !(said && changed),
                "step {i}: said unchanged, but the join changed"
            );
            if said {
                settled += 1;
            }
        }
        assert!(settled >= 3, "settled states should be seen ({settled})");
    }
}
