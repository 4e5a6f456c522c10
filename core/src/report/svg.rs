//! Inline SVG charts: contacts per day, and an hour-of-day by day heat map with the permitted
//! window shaded and flagged contacts outlined. Plain SVG elements and presentation attributes
//! only (no scripts, no style attributes, so the page's strict CSP holds).

use super::data::{CaseView, DayCount};
use super::escape::html;
use chrono::{Datelike, Duration, NaiveDate, Timelike};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Most days a chart shows (the latest ones); beyond that bars and rows get unreadable.
pub const MAX_DAYS: usize = 92;
const MAX_HEAT_DAYS: usize = 62;

const CALL: &str = "#1f3a5f";
const SMS: &str = "#8fa9c8";
const RED: &str = "#b3261e";

/// Every day from the first to the last contact (the last `cap` of them), with counts.
fn day_range(days: &BTreeMap<NaiveDate, DayCount>, cap: usize) -> Vec<(NaiveDate, DayCount)> {
    let (Some(first), Some(last)) = (days.keys().next(), days.keys().next_back()) else {
        return Vec::new();
    };
    let span = (*last - *first).num_days() as usize + 1;
    let start = if span > cap {
        *last - Duration::days(cap as i64 - 1)
    } else {
        *first
    };
    let mut out = Vec::new();
    let mut d = start;
    while d <= *last {
        out.push((d, days.get(&d).copied().unwrap_or_default()));
        d += Duration::days(1);
    }
    out
}

/// A round axis maximum at or above `v`.
fn nice_max(v: u32) -> u32 {
    match v {
        0..=4 => 4,
        5..=10 => 10,
        11..=20 => 20,
        _ => v.div_ceil(10) * 10,
    }
}

/// Stacked bars of calls and SMS per day, with an optional daily reference line.
pub fn contacts_per_day(
    case: &CaseView,
    reference: Option<u32>,
    labels: [&str; 4], // title, calls, sms, reference
) -> String {
    let days = day_range(&case.days(), MAX_DAYS);
    if days.is_empty() {
        return String::new();
    }
    let (w, h, left, right, top, bottom) = (760.0, 230.0, 40.0, 12.0, 30.0, 42.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let peak = days.iter().map(|(_, c)| c.total()).max().unwrap_or(0);
    let ymax = nice_max(peak.max(reference.map_or(0, |r| r + 1))) as f64;
    let bw = pw / days.len() as f64;
    let y = |v: f64| top + ph - v / ymax * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"inherit\"><title>{t}</title>",
        t = html(labels[0])
    );
    for i in 0..=4 {
        let v = ymax * f64::from(i) / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#d9d9d9\" \
             stroke-width=\"0.6\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"9\" \
             text-anchor=\"end\" fill=\"#444\">{}</text>",
            w - right,
            left - 4.0,
            y(v) + 3.0,
            v.round(),
            yy = y(v)
        );
    }
    let step = days.len().div_ceil(16).max(1);
    for (i, (d, c)) in days.iter().enumerate() {
        let x = left + i as f64 * bw;
        let gap = (bw * 0.18).min(3.0);
        let calls_h = f64::from(c.calls) / ymax * ph;
        let sms_h = f64::from(c.sms) / ymax * ph;
        let tip = format!("{d}: {} / {}", c.calls, c.sms);
        if c.calls > 0 {
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{calls_h:.1}\" \
                 fill=\"{CALL}\"><title>{tip}</title></rect>",
                x + gap / 2.0,
                top + ph - calls_h,
                bw - gap
            );
        }
        if c.sms > 0 {
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{sms_h:.1}\" \
                 fill=\"{SMS}\"><title>{tip}</title></rect>",
                x + gap / 2.0,
                top + ph - calls_h - sms_h,
                bw - gap
            );
        }
        if c.total() > 0 && bw >= 14.0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"middle\" \
                 fill=\"#222\">{}</text>",
                x + bw / 2.0,
                top + ph - calls_h - sms_h - 2.0,
                c.total()
            );
        }
        if i % step == 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\" \
                 fill=\"#444\">{:02}-{:02}</text>",
                x + bw / 2.0,
                top + ph + 13.0,
                d.month(),
                d.day()
            );
        }
    }
    let _ = write!(
        s,
        "<line x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\" \
         stroke-width=\"0.8\"/>",
        w - right,
        top + ph,
        top + ph
    );
    if let Some(r) = reference {
        let yy = y(f64::from(r));
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"{RED}\" \
             stroke-width=\"1\" stroke-dasharray=\"4 3\"/>",
            w - right
        );
    }
    // Legend.
    let mut lx = left;
    let ly = 12.0;
    let mut legend = |color: &str, text: &str, dashed: bool| {
        if dashed {
            let _ = write!(
                s,
                "<line x1=\"{lx}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{color}\" \
                 stroke-dasharray=\"4 3\"/>",
                lx + 16.0,
                ly,
                ly
            );
        } else {
            let _ = write!(
                s,
                "<rect x=\"{lx}\" y=\"{}\" width=\"12\" height=\"9\" fill=\"{color}\"/>",
                ly - 5.0
            );
        }
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#222\">{}</text>",
            lx + 20.0,
            ly + 3.5,
            html(text)
        );
        lx += 34.0 + text.chars().count() as f64 * 7.0;
    };
    legend(CALL, labels[1], false);
    legend(SMS, labels[2], false);
    if reference.is_some() {
        legend(RED, labels[3], true);
    }
    s.push_str("</svg>");
    s
}

/// Day rows by 24 hour columns, shaded over the permitted window, counts in cells, cells holding
/// a time-flagged contact outlined in red.
pub fn heatmap(case: &CaseView, window: (u32, u32), labels: [&str; 3]) -> String {
    let days = day_range(&case.days(), MAX_HEAT_DAYS);
    if days.is_empty() {
        return String::new();
    }
    let first = days[0].0;
    let mut grid = vec![[0u32; 24]; days.len()];
    let mut bad = vec![[false; 24]; days.len()];
    for c in case.inbound() {
        let local = c.instant().local();
        let Ok(row) = usize::try_from((local.date() - first).num_days()) else {
            continue;
        };
        if row >= days.len() {
            continue;
        }
        let hr = local.hour() as usize;
        grid[row][hr] += 1;
        bad[row][hr] |= c.time_violation();
    }
    let (cw, ch) = (24.0, if days.len() > 40 { 10.0 } else { 14.0 });
    let (left, top) = (62.0, 34.0);
    let w = left + 24.0 * cw + 10.0;
    let h = top + days.len() as f64 * ch + 30.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart heat\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"inherit\"><title>{t}</title>",
        t = html(labels[0])
    );
    let (wf, wt) = (window.0.min(24), window.1.min(24));
    let _ = write!(
        s,
        "<rect x=\"{:.1}\" y=\"{top}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#e3f1e6\"/>",
        left + f64::from(wf) * cw,
        f64::from(wt.saturating_sub(wf)) * cw,
        days.len() as f64 * ch
    );
    for hr in 0..24 {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\" \
             fill=\"#444\">{hr:02}</text>",
            left + (hr as f64 + 0.5) * cw,
            top - 5.0
        );
    }
    let label_every = if days.len() > 31 { 7 } else { 1 };
    for (r, (d, _)) in days.iter().enumerate() {
        let yy = top + r as f64 * ch;
        if r % label_every == 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"end\" \
                 fill=\"#444\">{d}</text>",
                left - 4.0,
                yy + ch - 3.0
            );
        }
        for hr in 0..24 {
            let n = grid[r][hr];
            if n == 0 {
                continue;
            }
            let fill = match n {
                1 => "#9ecae1",
                2 => "#4292c6",
                3..=4 => "#2166ac",
                _ => "#08306b",
            };
            let x = left + hr as f64 * cw;
            let stroke = if bad[r][hr] {
                format!(" stroke=\"{RED}\" stroke-width=\"2\"")
            } else {
                String::new()
            };
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" \
                 fill=\"{fill}\"{stroke}><title>{d} {hr:02}:00 – {n}</title></rect>",
                x + 1.0,
                yy + 1.0,
                cw - 2.0,
                ch - 2.0
            );
            if ch >= 12.0 {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"middle\" \
                     fill=\"{}\">{n}</text>",
                    x + cw / 2.0,
                    yy + ch - 4.0,
                    if n == 1 { "#102030" } else { "#fff" }
                );
            }
        }
    }
    // Grid frame.
    let _ = write!(
        s,
        "<rect x=\"{left}\" y=\"{top}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" \
         stroke=\"#999\" stroke-width=\"0.6\"/>",
        24.0 * cw,
        days.len() as f64 * ch
    );
    let ly = top + days.len() as f64 * ch + 18.0;
    let _ = write!(
        s,
        "<rect x=\"{left}\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"#e3f1e6\" \
         stroke=\"#999\" stroke-width=\"0.5\"/><text x=\"{:.1}\" y=\"{ly:.1}\" font-size=\"10\" \
         fill=\"#222\">{} {wf:02}:00–{wt:02}:00</text>\
         <rect x=\"{:.1}\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"#9ecae1\" \
         stroke=\"{RED}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{ly:.1}\" font-size=\"10\" \
         fill=\"#222\">{}</text>",
        ly - 9.0,
        left + 20.0,
        html(labels[1]),
        left + 260.0,
        ly - 9.0,
        left + 280.0,
        html(labels[2])
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Duration::days(n)
    }

    #[test]
    fn days_are_filled_and_capped() {
        let mut m = BTreeMap::new();
        m.insert(day(0), DayCount { calls: 2, sms: 1 });
        m.insert(day(3), DayCount { calls: 0, sms: 4 });
        let r = day_range(&m, MAX_DAYS);
        assert_eq!(r.len(), 4, "gaps become empty days");
        assert_eq!(r[1].1, DayCount::default());
        assert_eq!(r[3].1.total(), 4);
        m.insert(day(400), DayCount { calls: 1, sms: 0 });
        let r = day_range(&m, MAX_DAYS);
        assert_eq!(r.len(), MAX_DAYS, "only the latest days");
        assert_eq!(r.last().unwrap().0, day(400));
        assert!(day_range(&BTreeMap::new(), MAX_DAYS).is_empty());
    }

    #[test]
    fn axis_maximum_is_round_and_covers_the_peak() {
        for v in [0, 3, 4, 5, 9, 10, 11, 20, 21, 57, 130] {
            let m = nice_max(v);
            assert!(m >= v && m >= 4, "{v} -> {m}");
        }
        assert_eq!(nice_max(57), 60);
    }

    #[test]
    fn empty_case_draws_nothing() {
        let c = CaseView::default();
        assert!(contacts_per_day(&c, Some(3), ["t", "c", "s", "r"]).is_empty());
        assert!(heatmap(&c, (8, 21), ["t", "p", "v"]).is_empty());
    }
}
