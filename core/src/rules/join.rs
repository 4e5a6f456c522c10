//! Case joining from collection SMS: the sender and the call-back numbers it quotes join the
//! sender's case, or the case of the creditor the message names. Automatic joins never override
//! the user (a number the user tagged or untagged stays as the user left it).

use super::history::Contact;
use crate::classify::Classification;
use crate::error::Result;
use crate::number::{NumberKind, PhoneNumber, Region};
use crate::store::rules_state as rs;
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
