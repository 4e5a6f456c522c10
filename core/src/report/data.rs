//! Gathering what a report shows: collector contacts grouped by case, with the classifier's
//! matched words and the flags resting on each contact.
//!
//! A contact belongs to a collector when its number is in a case, when a flag rests on it, or
//! when the classifier reads the SMS as debt collection. Other traffic (family, bank, delivery)
//! is only counted, never listed.

use crate::classify::{Classifier, FlagHit};
use crate::error::Result;
use crate::model::{CallDirection, EventId, EventPayload, Settings, SmsDirection, StoredEvent};
use crate::store::{FlagQuery, FlagRecord, Seal, Store, VerifyReport};
use crate::time::Instant;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One collector contact.
#[derive(Debug, Clone)]
pub struct Contact {
    pub event: StoredEvent,
    /// What the classifier matched (SMS only), for highlighting.
    pub hits: Vec<FlagHit>,
    /// Rules of the flags resting on this contact.
    pub rules: Vec<String>,
}

impl Contact {
    pub fn instant(&self) -> Instant {
        self.event.payload.instant().unwrap_or(Instant {
            utc_ms: 0,
            offset_secs: 0,
        })
    }
    pub fn is_call(&self) -> bool {
        matches!(self.event.payload, EventPayload::Call(_))
    }
    pub fn number(&self) -> &str {
        self.event
            .payload
            .number()
            .map_or("", |n| n.normalized.as_str())
    }
    /// A contact made by the other party (not the phone owner's own SMS or call): what the
    /// counts, charts and letter are about. The owner's replies stay in the timeline.
    pub fn inbound(&self) -> bool {
        match &self.event.payload {
            EventPayload::Sms(s) => s.direction == SmsDirection::Incoming,
            EventPayload::Call(c) => c.direction != CallDirection::Outgoing,
            EventPayload::CallUpdate(_) => false,
        }
    }
    /// True when a time-window rule flagged this contact.
    pub fn time_violation(&self) -> bool {
        self.rules.iter().any(|r| r.contains(".TIME"))
    }
}

/// A case (one debt / creditor) with its contacts and flags.
#[derive(Debug, Clone, Default)]
pub struct CaseView {
    pub name: String,
    pub creditor: Option<String>,
    pub party: crate::model::Party,
    /// Numbers in the case and numbers seen in its contacts.
    pub numbers: BTreeSet<String>,
    pub contacts: Vec<Contact>,
    /// Flags of the case by rule id (the flags themselves are not held: a store can have
    /// hundreds of thousands).
    pub rules: BTreeMap<String, RuleSummary>,
    /// The group of collector contacts not tagged to any case.
    pub unassigned: bool,
    /// The case's loan record (its newest) and its cost against the legal lines.
    pub loan: Option<LoanView>,
}

/// A stored loan record and what it costs; `Err` holds why a stored record no longer computes.
#[derive(Debug, Clone)]
pub struct LoanView {
    pub stored: crate::loan::StoredLoan,
    pub assessment: std::result::Result<crate::loan::Assessment, String>,
}

/// The flags of one rule in a case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSummary {
    pub count: usize,
    /// The description of the first flag (oldest), as an example.
    pub description: String,
    pub source: String,
}

/// Per-day counts of one case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCount {
    pub calls: u32,
    pub sms: u32,
}

impl DayCount {
    pub fn total(&self) -> u32 {
        self.calls + self.sms
    }
}

impl CaseView {
    /// Contacts by the other party.
    pub fn inbound(&self) -> impl Iterator<Item = &Contact> {
        self.contacts.iter().filter(|c| c.inbound())
    }
    pub fn inbound_count(&self) -> usize {
        self.inbound().count()
    }
    /// Calls by the other party (answered, missed, rejected or blocked).
    pub fn calls(&self) -> usize {
        self.inbound().filter(|c| c.is_call()).count()
    }
    pub fn connected(&self) -> usize {
        self.inbound()
            .filter(|c| matches!(&c.event.payload, EventPayload::Call(k) if k.connected()))
            .count()
    }
    /// SMS received from the other party.
    pub fn sms(&self) -> usize {
        self.inbound_count() - self.calls()
    }
    /// Contacts by the other party per local calendar day.
    pub fn days(&self) -> BTreeMap<NaiveDate, DayCount> {
        let mut m: BTreeMap<NaiveDate, DayCount> = BTreeMap::new();
        for c in self.inbound() {
            let d = m.entry(c.instant().local_date()).or_default();
            if c.is_call() {
                d.calls += 1;
            } else {
                d.sms += 1;
            }
        }
        m
    }
    /// Flags grouped by rule: (rule, count, one description, source).
    pub fn flags_by_rule(&self) -> Vec<(String, usize, String, String)> {
        self.rules
            .iter()
            .map(|(r, s)| (r.clone(), s.count, s.description.clone(), s.source.clone()))
            .collect()
    }
    /// Flags grouped by rule, each with the rule's description and legal source in `lang` from
    /// the pack (the stored text, which holds every language of the pack, for a rule the pack
    /// does not know).
    pub fn flags_by_rule_in(
        &self,
        j: crate::model::Jurisdiction,
        lang: super::Lang,
    ) -> Vec<(String, usize, String, String)> {
        let pack = crate::rules::pack::builtin(j).ok();
        self.flags_by_rule()
            .into_iter()
            .map(
                |(rule, n, d, s)| match pack.and_then(|p| Some((p, p.rule(&rule)?))) {
                    Some((p, r)) => {
                        let (d, s) = p.text_in(r, lang.as_str());
                        (rule, n, d.to_string(), s.to_string())
                    }
                    None => (rule, n, d, s),
                },
            )
            .collect()
    }
    /// Number of flags in the case.
    pub fn flag_count(&self) -> usize {
        self.rules.values().map(|s| s.count).sum()
    }
    fn add_flag(&mut self, f: &FlagRecord) {
        let e = self
            .rules
            .entry(f.flag.rule.clone())
            .or_insert_with(|| RuleSummary {
                count: 0,
                description: f.flag.description.clone(),
                source: f.flag.source.clone(),
            });
        e.count += 1;
    }
    pub fn first(&self) -> Option<Instant> {
        self.contacts
            .iter()
            .map(Contact::instant)
            .min_by_key(|i| i.utc_ms)
    }
    pub fn last(&self) -> Option<Instant> {
        self.contacts
            .iter()
            .map(Contact::instant)
            .max_by_key(|i| i.utc_ms)
    }
}

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub settings: Settings,
    pub generated: Instant,
    pub store_path: Option<String>,
    pub verify: VerifyReport,
    /// The seal of this report's verification (none when a chain is broken).
    pub seal: Option<Seal>,
    /// Rows in the event chain and its head hash.
    pub head: (i64, String),
    pub total_sms: usize,
    pub total_calls: usize,
    pub first: Option<Instant>,
    pub last: Option<Instant>,
    /// Cases with at least one contact or flag, then the unassigned group if any.
    pub cases: Vec<CaseView>,
}

impl ReportData {
    pub fn gather(store: &Store) -> Result<ReportData> {
        let settings = store.settings()?;
        let zone = settings.zone()?;
        let verify = store.verify()?;
        let generated_ms = crate::time::now_ms();
        let head = store.head()?;
        let mut cases: Vec<CaseView> = Vec::new();
        let mut by_number: HashMap<String, usize> = HashMap::new();
        let mut by_id: HashMap<i64, usize> = HashMap::new();
        // Loans name their case; a merged case's name means the case it went into.
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for c in store.cases()? {
            let i = cases.len();
            for name in std::iter::once(&c.name).chain(&c.merged) {
                by_name.insert(name.clone(), i);
            }
            for n in &c.numbers {
                by_number.insert(n.clone(), i);
            }
            by_id.insert(c.id, i);
            cases.push(CaseView {
                name: c.name,
                creditor: c.creditor,
                party: c.party,
                numbers: crate::sort::set_of(c.numbers),
                ..CaseView::default()
            });
        }
        let pack = crate::rules::builtin_pack(settings.jurisdiction)?;
        for stored in store.loans()? {
            let Some(&i) = by_name.get(stored.record.case_name.trim()) else {
                continue;
            };
            let case = &mut cases[i];
            let assessment = crate::loan::assess(&stored.record, pack).map_err(|e| e.to_string());
            case.loan = Some(LoanView { stored, assessment });
        }
        let unassigned_idx = cases.len();
        let mut unassigned = CaseView {
            unassigned: true,
            party: crate::model::Party::Unknown,
            ..CaseView::default()
        };
        // One pass over the flags: which rules rest on each event, which case each flagged
        // event belongs to, and the per-rule summaries of each case.
        let mut rules_of: HashMap<EventId, Vec<String>> = HashMap::new();
        let mut case_of_event: HashMap<EventId, usize> = HashMap::new();
        store.for_each_flag(&FlagQuery::default(), |f| {
            let by_case = f.flag.case_id.and_then(|id| by_id.get(&id).copied());
            for e in &f.flag.events {
                rules_of.entry(*e).or_default().push(f.flag.rule.clone());
                if let Some(i) = by_case {
                    case_of_event.insert(*e, i);
                }
            }
            let idx = by_case.or_else(|| {
                f.flag
                    .numbers
                    .iter()
                    .find_map(|n| by_number.get(n).copied())
            });
            match idx {
                Some(i) => cases[i].add_flag(&f),
                None => unassigned.add_flag(&f),
            }
            Ok(())
        })?;
        // A contact can complete several flags of one rule (the 4th, 5th... call of a day).
        for rules in rules_of.values_mut() {
            crate::sort::sort(rules);
            rules.dedup();
        }
        let classifier = Classifier::builtin();
        let (mut total_sms, mut total_calls) = (0, 0);
        let (mut first, mut last): (Option<Instant>, Option<Instant>) = (None, None);
        store.for_each_event(|ev| {
            let Some(at) = ev.payload.instant() else {
                return Ok(());
            };
            first = Some(first.map_or(at, |f| if at.utc_ms < f.utc_ms { at } else { f }));
            last = Some(last.map_or(at, |l| if at.utc_ms > l.utc_ms { at } else { l }));
            let number = ev.payload.number().map(|n| n.normalized.clone());
            let (hits, collection) = match &ev.payload {
                EventPayload::Sms(s) => {
                    total_sms += 1;
                    let c = classifier.classify(&s.body, Some(&s.number.raw));
                    (c.flags, c.collection)
                }
                _ => {
                    total_calls += 1;
                    (Vec::new(), false)
                }
            };
            let rules = rules_of.remove(&ev.id).unwrap_or_default();
            let idx = number
                .as_ref()
                .and_then(|n| by_number.get(n).copied())
                .or_else(|| case_of_event.get(&ev.id).copied())
                .or((collection || !rules.is_empty()).then_some(unassigned_idx));
            let Some(idx) = idx else { return Ok(()) };
            let contact = Contact {
                event: ev,
                hits,
                rules,
            };
            let case = if idx == unassigned_idx {
                &mut unassigned
            } else {
                &mut cases[idx]
            };
            if let Some(n) = number {
                case.numbers.insert(n);
            }
            case.contacts.push(contact);
            Ok(())
        })?;
        cases.push(unassigned);
        cases.retain(|c| !c.contacts.is_empty() || !c.rules.is_empty() || c.loan.is_some());
        for c in &mut cases {
            crate::sort::sort_by_key(&mut c.contacts, |k| (k.instant().utc_ms, k.event.id));
        }
        Ok(ReportData {
            seal: Seal::of_report(generated_ms, &verify)?,
            generated: Instant::in_zone(generated_ms, &zone)?,
            store_path: store.path().map(|p| p.display().to_string()),
            settings,
            verify,
            head,
            total_sms,
            total_calls,
            first,
            last,
            cases,
        })
    }
}
