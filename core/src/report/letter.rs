//! The complaint letter draft for one case, filled in with the facts of the evidence. Returns
//! plain text lines; the HTML renderer escapes them.

use super::data::{CaseView, Contact, ReportData};
use super::escape::plain;
use super::text::{fill, window, Text};
use crate::classify::Flag;
use crate::model::{EventPayload, SmsDirection};
use chrono::Timelike;

/// Longest quoted message in the letter (characters); the report's timeline has the full text.
const QUOTE_CHARS: usize = 160;
const MAX_QUOTES: usize = 6;
const MAX_EXAMPLES: usize = 3;

pub enum Line {
    Heading(String),
    Para(String),
    Quote(String),
}

pub struct Letter {
    pub to: Vec<String>,
    pub subject: String,
    pub lines: Vec<Line>,
}

fn when(c: &Contact) -> String {
    c.instant().local().format("%Y-%m-%d %H:%M").to_string()
}

pub(crate) fn outside(c: &Contact, w: (u32, u32)) -> bool {
    let h = c.instant().local().hour();
    h < w.0 || h >= w.1
}

/// Threats, fake authority or a rule that calls for the police.
fn needs_police(case: &CaseView) -> bool {
    let words = case
        .contacts
        .iter()
        .flat_map(|c| &c.hits)
        .any(|h| matches!(h.flag, Flag::Threat | Flag::FalseAuthority));
    let rules = case.rules.keys().any(|rule| {
        ["ABUSE", "IMPERSONATE", "CRIME", "FALSE"]
            .iter()
            .any(|k| rule.contains(k))
    });
    words || rules
}

pub fn draft(data: &ReportData, case: &CaseView, tx: Text) -> Letter {
    let j = data.settings.jurisdiction;
    let w = window(j);
    let who = if case.unassigned {
        tx.t("unassigned").to_string()
    } else {
        match &case.creditor {
            Some(c) if c != &case.name => format!("{}（{c}）", case.name),
            _ => case.name.clone(),
        }
    };
    let who = plain(&who);
    let numbers = case
        .numbers
        .iter()
        .map(|n| plain(n))
        .collect::<Vec<_>>()
        .join(tx.letter("list_sep"));
    let police = needs_police(case);
    let mut to: Vec<String> = tx.channels(j).into_iter().map(str::to_string).collect();
    if police {
        to.extend(tx.police(j).map(str::to_string));
    }
    let mut lines = vec![
        Line::Para(tx.letter("complainant").to_string()),
        Line::Para(fill(
            tx.letter("respondent"),
            &[("who", who.clone()), ("numbers", numbers)],
        )),
        Line::Heading(tx.letter("facts_head").to_string()),
    ];
    let days = case.days();
    let (max_day, max) = days
        .iter()
        .max_by_key(|(d, c)| (c.total(), std::cmp::Reverse(**d)))
        .map(|(d, c)| (d.to_string(), c.total()))
        .unwrap_or_default();
    let date =
        |i: Option<crate::time::Instant>| i.map(|i| i.local_date().to_string()).unwrap_or_default();
    lines.push(Line::Para(fill(
        tx.letter("facts"),
        &[
            ("from", date(case.first())),
            ("to", date(case.last())),
            ("total", case.inbound_count().to_string()),
            ("calls", case.calls().to_string()),
            ("connected", case.connected().to_string()),
            ("sms", case.sms().to_string()),
            ("max", max.to_string()),
            ("max_day", max_day),
        ],
    )));
    let (loan_lines, loan_above) = case
        .loan
        .as_ref()
        .map(|l| super::loan::letter_lines(l, tx))
        .unwrap_or_default();
    lines.extend(loan_lines.into_iter().map(|t| Line::Para(plain(&t))));
    let late: Vec<&Contact> = case.inbound().filter(|c| outside(c, w)).collect();
    if !late.is_empty() {
        let examples = late
            .iter()
            .take(MAX_EXAMPLES)
            .map(|c| {
                fill(
                    tx.letter("example"),
                    &[("time", when(c)), ("number", plain(c.number()))],
                )
            })
            .collect::<Vec<_>>()
            .join(tx.letter("list_sep"));
        lines.push(Line::Para(fill(
            tx.letter("night"),
            &[
                ("n", late.len().to_string()),
                ("window", format!("{:02}:00–{:02}:00", w.0, w.1)),
                ("examples", examples),
            ],
        )));
    }
    let incoming = |c: &&Contact| matches!(&c.event.payload, EventPayload::Sms(s) if s.direction == SmsDirection::Incoming);
    let mut quoted: Vec<&Contact> = case
        .contacts
        .iter()
        .filter(incoming)
        .filter(|c| !c.hits.is_empty() || !c.rules.is_empty())
        .collect();
    if quoted.is_empty() {
        quoted = case.contacts.iter().filter(incoming).collect();
    }
    if !quoted.is_empty() {
        lines.push(Line::Para(tx.letter("quotes_head").to_string()));
        for c in quoted.into_iter().take(MAX_QUOTES) {
            let EventPayload::Sms(s) = &c.event.payload else {
                continue;
            };
            let mut text: String = plain(&s.body).chars().take(QUOTE_CHARS).collect();
            if s.body.chars().count() > QUOTE_CHARS {
                text.push('…');
            }
            lines.push(Line::Quote(fill(
                tx.letter("quote"),
                &[
                    ("time", when(c)),
                    ("number", plain(&s.number.raw)),
                    ("text", text),
                ],
            )));
        }
    }
    lines.push(Line::Heading(tx.letter("rules_head").to_string()));
    let by_rule = case.flags_by_rule_in(j, tx.lang);
    if by_rule.is_empty() {
        lines.push(Line::Para(tx.letter("no_rules").to_string()));
    }
    for (rule, n, description, source) in by_rule {
        lines.push(Line::Para(fill(
            tx.letter("rule_line"),
            &[
                ("rule", plain(&rule)),
                ("n", n.to_string()),
                ("description", plain(&description)),
                ("source", plain(&source)),
            ],
        )));
    }
    lines.push(Line::Heading(tx.letter("requests_head").to_string()));
    lines.push(Line::Para(tx.letter("requests").to_string()));
    if loan_above {
        lines.push(Line::Para(tx.letter("loan_request").to_string()));
    }
    if police {
        lines.push(Line::Para(tx.letter("police").to_string()));
    }
    lines.push(Line::Heading(tx.letter("evidence_head").to_string()));
    let verify = match &data.verify.broken {
        None => tx.t("verify_ok").to_string(),
        Some(b) => fill(
            tx.t("verify_broken"),
            &[
                ("chain", b.chain.clone()),
                ("row", b.row.to_string()),
                ("reason", b.reason.clone()),
            ],
        ),
    };
    lines.push(Line::Para(fill(
        tx.letter("evidence"),
        &[
            ("verify", verify),
            ("head", data.head.1.clone()),
            ("rows", data.head.0.to_string()),
        ],
    )));
    lines.push(Line::Para(fill(
        tx.letter("closing"),
        &[("date", data.generated.local_date().to_string())],
    )));
    Letter {
        to,
        subject: fill(tx.letter("subject"), &[("who", who)]),
        lines,
    }
}
