//! The HTML evidence report: one self-contained file. No scripts, no network: a
//! Content-Security-Policy that allows only the page's own stylesheet (by hash) and inline SVG.

use super::data::{CaseView, Contact, ReportData};
use super::escape::{html, push_html};
use super::letter::{self, Line};
use super::svg;
use super::text::{daily_reference, fill, window, Text};
use super::Lang;
use crate::classify::{Flag, FlagHit};
use crate::error::Result;
use crate::model::{CallDirection, EventPayload, SmsDirection};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::io;

const CSS: &str = include_str!("report.css");

pub(crate) fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The policy: nothing may load from anywhere; only our stylesheet (by hash) applies.
fn csp() -> String {
    let hash = base64(&Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; font-src 'none'; \
         connect-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; \
         form-action 'none'; frame-src 'none'"
    )
}

/// The message with the classifier's matched stretches (char offsets) wrapped in `<mark>`;
/// every piece of the text is escaped.
pub fn highlight(body: &str, hits: &[FlagHit]) -> String {
    let mut spans: Vec<(usize, usize, Flag)> = hits
        .iter()
        .flat_map(|h| h.spans.iter().map(move |s| (s.start, s.end, h.flag)))
        .filter(|(s, e, _)| s < e)
        .collect();
    crate::sort::sort_by_key(&mut spans, |&(s, e, _)| (s, std::cmp::Reverse(e)));
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len() * 2);
    let mut pos = 0;
    for (s, e, flag) in spans {
        let (s, e) = (s.max(pos).min(chars.len()), e.min(chars.len()));
        if s >= e {
            continue; // overlaps a span already marked, or out of range
        }
        push_html(&mut out, &chars[pos..s].iter().collect::<String>());
        let _ = write!(
            out,
            "<mark class=\"f-{c}\" title=\"{c}\">",
            c = Flag::name(flag)
        );
        push_html(&mut out, &chars[s..e].iter().collect::<String>());
        out.push_str("</mark>");
        pos = e;
    }
    push_html(
        &mut out,
        &chars[pos.min(chars.len())..].iter().collect::<String>(),
    );
    out
}

fn kind_label(c: &Contact, tx: Text) -> String {
    match &c.event.payload {
        EventPayload::Sms(s) => match s.direction {
            SmsDirection::Incoming => tx.t("sms_in").to_string(),
            SmsDirection::Outgoing => tx.t("sms_out").to_string(),
        },
        EventPayload::Call(k) => {
            let base = match k.direction {
                CallDirection::Incoming => tx.t("call_incoming"),
                CallDirection::Outgoing => tx.t("call_outgoing"),
                CallDirection::Missed => tx.t("call_missed"),
                CallDirection::Rejected => tx.t("call_rejected"),
                CallDirection::Blocked => tx.t("call_blocked"),
            };
            if k.talk_ms > 0 {
                format!("{base} {}{}", k.talk_ms.div_ceil(1000), tx.t("seconds"))
            } else {
                base.to_string()
            }
        }
        EventPayload::CallUpdate(_) => String::new(),
    }
}

fn time_cell(i: crate::time::Instant) -> String {
    let f = i.to_fixed();
    format!(
        "{}<span class=\"off\">{}</span>",
        f.format("%Y-%m-%d %H:%M:%S"),
        f.format("%:z")
    )
}

fn party_label(p: crate::model::Party, tx: Text) -> &'static str {
    match p {
        crate::model::Party::Collector => tx.t("party_collector"),
        crate::model::Party::Creditor => tx.t("party_creditor"),
        crate::model::Party::Unknown => tx.t("party_unknown"),
    }
}

fn case_title(c: &CaseView, tx: Text) -> String {
    if c.unassigned {
        tx.t("unassigned").to_string()
    } else {
        c.name.clone()
    }
}

fn numbers_list(c: &CaseView) -> String {
    c.numbers
        .iter()
        .map(|n| format!("<bdi class=\"num\">{}</bdi>", html(n)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn max_day(c: &CaseView) -> String {
    c.days()
        .iter()
        .max_by_key(|(d, n)| (n.total(), std::cmp::Reverse(**d)))
        .map(|(d, n)| format!("{} ({d})", n.total()))
        .unwrap_or_default()
}

fn period(c: &CaseView) -> String {
    match (c.first(), c.last()) {
        (Some(a), Some(b)) => format!("{} – {}", a.local_date(), b.local_date()),
        _ => String::new(),
    }
}

/// The page's destination: an `io::Write` behind `fmt::Write`, so the page streams to its file
/// (a report of a large store is never built whole in memory) while the many small `write!`s
/// stay terse. The first I/O error is kept, later writes are dropped, and [`write_html`]
/// returns the error.
struct Out<'a> {
    w: &'a mut dyn io::Write,
    err: Option<io::Error>,
}

impl Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.err.is_none() {
            if let Err(e) = self.w.write_all(s.as_bytes()) {
                self.err = Some(e);
            }
        }
        Ok(())
    }
}

impl Out<'_> {
    fn push_str(&mut self, s: &str) {
        let _ = self.write_str(s);
    }
}

/// Renders the whole report into a string (for tests and small stores; files use
/// [`write_html`]).
pub fn render_html(data: &ReportData, lang: Lang) -> String {
    let mut buf = Vec::with_capacity(64 * 1024);
    write_html(data, lang, &mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("the page is built from str")
}

/// Writes the whole report to `w`.
pub fn write_html(data: &ReportData, lang: Lang, w: &mut dyn io::Write) -> Result<()> {
    let tx = Text::new(lang);
    let j = data.settings.jurisdiction;
    let mut out = Out { w, err: None };
    let o = &mut out;
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body>",
        match lang {
            Lang::Zh => "zh-CN",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
        },
        csp(),
        html(tx.t("title"))
    );
    // Header.
    let _ = write!(
        o,
        "<header><p class=\"kicker\">dunwatch</p><h1>{}</h1><p class=\"sub\">{}</p>\
         <table class=\"meta\"><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td class=\"hash\">{}</td></tr></table></header>",
        html(tx.t("title")),
        html(tx.t("subtitle")),
        html(tx.t("generated")),
        time_cell(data.generated),
        html(tx.t("jurisdiction")),
        html(&j.as_str().to_uppercase()),
        html(tx.t("role")),
        html(tx.t(&format!("role_{}", data.settings.role.as_str()))),
        html(tx.t("tz")),
        html(&data.settings.home_tz),
        html(tx.t("head")),
        html(&data.head.1),
    );
    overview(o, data, tx);
    for case in &data.cases {
        case_section(o, data, case, tx);
    }
    evidence(o, data, tx);
    letters(o, data, tx);
    let _ = writeln!(o, "<footer>{}</footer></body></html>", html(tx.t("footer")));
    match o.err.take() {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

fn overview(o: &mut Out<'_>, data: &ReportData, tx: Text) {
    let _ = write!(
        o,
        "<section class=\"overview\"><h2>{}</h2>",
        html(tx.t("overview"))
    );
    let span = match (data.first, data.last) {
        (Some(a), Some(b)) => format!("{} – {}", a.local_date(), b.local_date()),
        _ => "—".into(),
    };
    let _ = write!(
        o,
        "<p class=\"totals\">{}: <b>{}</b> {} · <b>{}</b> {} · {}: {}</p>",
        html(tx.t("all_events")),
        data.total_calls,
        html(tx.t("calls_unit")),
        data.total_sms,
        html(tx.t("sms_unit")),
        html(tx.t("period")),
        html(&span)
    );
    if data.cases.is_empty() {
        let _ = write!(
            o,
            "<p class=\"empty\">{}</p></section>",
            html(tx.t("no_collectors"))
        );
        return;
    }
    let _ = write!(
        o,
        "<table class=\"grid\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th>\
         <th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th>\
         </tr></thead><tbody>",
        html(tx.t("case")),
        html(tx.t("numbers")),
        html(tx.t("period")),
        html(tx.t("contacts")),
        html(tx.t("calls")),
        html(tx.t("sms")),
        html(tx.t("max_day")),
        html(tx.t("flags")),
    );
    for c in &data.cases {
        let _ = write!(
            o,
            "<tr><td class=\"nowrap\"><b>{}</b></td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{} <span class=\"muted\">({} {})</span></td><td class=\"n\">{}</td>\
             <td class=\"n nowrap\">{}</td><td class=\"n\">{}</td></tr>",
            html(&case_title(c, tx)),
            numbers_list(c),
            html(&period(c)),
            c.inbound_count(),
            c.calls(),
            c.connected(),
            html(tx.t("connected")),
            c.sms(),
            html(&max_day(c)),
            c.flag_count()
        );
    }
    o.push_str("</tbody></table></section>");
}

fn case_section(o: &mut Out<'_>, data: &ReportData, c: &CaseView, tx: Text) {
    let j = data.settings.jurisdiction;
    let _ = write!(
        o,
        "<section class=\"case\"><h2>{}: {}</h2><table class=\"meta\">",
        html(tx.t("case")),
        html(&case_title(c, tx))
    );
    let row = |o: &mut Out<'_>, k: &str, v: String| {
        let _ = write!(o, "<tr><th>{}</th><td>{v}</td></tr>", html(k));
    };
    if let Some(cr) = &c.creditor {
        row(o, tx.t("creditor"), html(cr));
    }
    if !c.unassigned {
        row(o, tx.t("party"), html(party_label(c.party, tx)));
    }
    row(o, tx.t("numbers"), numbers_list(c));
    row(o, tx.t("period"), html(&period(c)));
    row(
        o,
        tx.t("contacts"),
        format!(
            "{} ({} {} / {} {}, {} {})",
            c.inbound_count(),
            c.calls(),
            html(tx.t("calls_unit")),
            c.connected(),
            html(tx.t("connected")),
            c.sms(),
            html(tx.t("sms_unit"))
        ),
    );
    row(o, tx.t("max_day"), html(&max_day(c)));
    o.push_str("</table>");

    // Flags per rule.
    let _ = write!(o, "<h3>{}</h3>", html(tx.t("flags_per_rule")));
    let by_rule = c.flags_by_rule_in(j, tx.lang);
    if by_rule.is_empty() {
        let _ = write!(o, "<p class=\"empty\">{}</p>", html(tx.t("no_flags")));
    } else {
        let _ = write!(
            o,
            "<table class=\"grid\"><thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th>\
             <th>{}</th></tr></thead><tbody>",
            html(tx.t("rule")),
            html(tx.t("count")),
            html(tx.t("description")),
            html(tx.t("legal_source"))
        );
        for (rule, n, d, s) in by_rule {
            let _ = write!(
                o,
                "<tr><td class=\"rule\">{}</td><td class=\"n\">{n}</td><td>{}</td><td>{}</td></tr>",
                html(&rule),
                html(&d),
                html(&s)
            );
        }
        o.push_str("</tbody></table>");
    }
    if let Some(l) = &c.loan {
        o.push_str(&super::loan::section(l, data.settings.jurisdiction, tx));
    }

    // Charts.
    let reference = daily_reference(j);
    let ref_label = reference
        .map(|n| fill(tx.t("reference"), &[("n", n.to_string())]))
        .unwrap_or_default();
    let _ = write!(o, "<h3>{}</h3>", html(tx.t("contacts_per_day")));
    if c.days().len() > svg::MAX_DAYS {
        let _ = write!(
            o,
            "<p class=\"muted\">{}</p>",
            html(&fill(
                tx.t("truncated"),
                &[("n", svg::MAX_DAYS.to_string())]
            ))
        );
    }
    o.push_str(&svg::contacts_per_day(
        c,
        reference,
        [
            tx.t("contacts_per_day"),
            tx.t("calls"),
            tx.t("sms"),
            &ref_label,
        ],
    ));
    let _ = write!(o, "<h3>{}</h3>", html(tx.t("heatmap")));
    o.push_str(&svg::heatmap(
        c,
        window(j),
        [tx.t("heatmap"), tx.t("permitted"), tx.t("violation")],
    ));

    // Timeline.
    let win = window(j);
    let _ = write!(
        o,
        "<h3>{}</h3><table class=\"grid timeline\"><thead><tr><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th></tr></thead><tbody>",
        html(tx.t("timeline")),
        html(tx.t("time")),
        html(tx.t("number")),
        html(tx.t("type")),
        html(tx.t("content")),
        html(tx.t("flags"))
    );
    for k in &c.contacts {
        let body = match &k.event.payload {
            EventPayload::Sms(s) => format!("<bdi>{}</bdi>", highlight(&s.body, &k.hits)),
            _ => String::new(),
        };
        let raw = k.event.payload.number().map_or("", |n| n.raw.as_str());
        let mut tags: Vec<String> = k
            .hits
            .iter()
            .map(|h| {
                format!(
                    "<span class=\"tag f-{c}\">{c}</span>",
                    c = Flag::name(h.flag)
                )
            })
            .collect();
        tags.dedup();
        tags.extend(
            k.rules
                .iter()
                .map(|r| format!("<span class=\"tag rule\">{}</span>", html(r))),
        );
        let late = k.inbound() && letter::outside(k, win);
        let _ = write!(
            o,
            "<tr{}><td class=\"nowrap{}\">{}</td><td><bdi class=\"num\">{}</bdi></td>\
             <td class=\"nowrap\">{}</td><td class=\"body\">{body}</td><td>{}</td></tr>",
            if k.rules.is_empty() {
                ""
            } else {
                " class=\"flagged\""
            },
            if late { " late" } else { "" },
            time_cell(k.instant()),
            html(raw),
            html(&kind_label(k, tx)),
            tags.join(" ")
        );
    }
    o.push_str("</tbody></table></section>");
}

fn evidence(o: &mut Out<'_>, data: &ReportData, tx: Text) {
    let (class, verdict) = match &data.verify.broken {
        None => ("ok", tx.t("verify_ok").to_string()),
        Some(b) => (
            "broken",
            fill(
                tx.t("verify_broken"),
                &[
                    ("chain", b.chain.clone()),
                    ("row", b.row.to_string()),
                    ("reason", b.reason.clone()),
                ],
            ),
        ),
    };
    let _ = write!(
        o,
        "<section class=\"evidence\"><h2>{}</h2><p class=\"verdict {class}\">{}</p>\
         <table class=\"grid\"><thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr>\
         </thead><tbody>",
        html(tx.t("evidence")),
        html(&verdict),
        html(tx.t("chain")),
        html(tx.t("rows")),
        html(tx.t("head"))
    );
    for c in &data.verify.chains {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"hash\">{}</td></tr>",
            html(&c.chain),
            c.rows,
            html(&c.head)
        );
    }
    let _ = write!(
        o,
        "</tbody></table><p class=\"muted\">{}</p>",
        html(tx.t("head_note"))
    );
    if let Some(seal) = &data.seal {
        // The QR code is drawn from the seal's own text; a failure to draw leaves the text.
        let qr = seal.qr_svg().unwrap_or_default();
        let _ = write!(
            o,
            "<div class=\"seal\"><h3>{}</h3><div class=\"seal-body\"><div class=\"qr\">{qr}</div>\
             <pre>{}</pre></div><p class=\"muted\">{}</p></div>",
            html(tx.t("seal")),
            html(&seal.text()),
            html(tx.t("seal_note"))
        );
    }
    o.push_str("</section>");
}

fn letters(o: &mut Out<'_>, data: &ReportData, tx: Text) {
    for c in &data.cases {
        let l = letter::draft(data, c, tx);
        let _ = write!(
            o,
            "<section class=\"letter\"><h2>{}: {}</h2><p class=\"muted noprint\">{}</p>\
             <div class=\"paper\"><p class=\"to\">{}</p><ul class=\"to\">",
            html(tx.t("letter")),
            html(&case_title(c, tx)),
            html(tx.t("letter_note")),
            html(tx.letter("to"))
        );
        for t in &l.to {
            let _ = write!(o, "<li>{}</li>", html(t));
        }
        let _ = write!(o, "</ul><h3 class=\"subject\">{}</h3>", html(&l.subject));
        for line in &l.lines {
            let _ = match line {
                Line::Heading(t) => write!(o, "<h4>{}</h4>", html(t)),
                Line::Para(t) => write!(o, "<p>{}</p>", html(t)),
                Line::Quote(t) => write!(o, "<blockquote><bdi>{}</bdi></blockquote>", html(t)),
            };
        }
        o.push_str("</div></section>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Span;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn highlight_escapes_and_marks_char_spans() {
        let hit = FlagHit {
            flag: Flag::Abuse,
            rule: "abuse.laolai".into(),
            spans: vec![Span { start: 3, end: 5 }, Span { start: 4, end: 9 }],
            words: vec!["老赖".into()],
        };
        let h = highlight("<b>老赖&x", &[hit]);
        assert_eq!(
            h,
            "&lt;b&gt;<mark class=\"f-abuse\" title=\"abuse\">老赖</mark>\
             <mark class=\"f-abuse\" title=\"abuse\">&amp;x</mark>"
        );
        // Out-of-range spans from a confused classifier do not panic.
        let bad = FlagHit {
            flag: Flag::Threat,
            rule: "t".into(),
            spans: vec![Span { start: 50, end: 60 }],
            words: vec![],
        };
        assert_eq!(highlight("ab", &[bad]), "ab");
    }

    /// A disk that fills up after `room` bytes.
    struct Full {
        room: usize,
        written: Vec<u8>,
    }

    impl io::Write for Full {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.written.len() + b.len() > self.room {
                return Err(io::Error::other("disk full"));
            }
            self.written.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn write_errors_reach_the_caller() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let data = ReportData::gather(&store).unwrap();
        let whole = render_html(&data, Lang::En);
        let mut w = Full {
            room: whole.len() / 2,
            written: Vec::new(),
        };
        let err = write_html(&data, Lang::En, &mut w).unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        let mut w = Full {
            room: usize::MAX,
            written: Vec::new(),
        };
        write_html(&data, Lang::En, &mut w).unwrap();
        // Same page apart from the generation time (a second may have passed).
        assert_eq!(w.written.len(), whole.len());
    }
}
