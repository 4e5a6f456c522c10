//! Making hostile text inert: HTML escaping with visible bidi/control characters, and CSV cells
//! that spreadsheets will not run as formulas.

/// Bidirectional formatting characters: an SMS can use them to make `1234-888-004` read as
/// `400-888-4321`, or to reorder a sentence. They are shown as visible escapes instead.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Invisible characters that would hide text or confuse a reader of the evidence.
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Escapes text for HTML element content and attribute values: `& < > " '` become entities;
/// bidi controls and invisible characters are shown as `[U+202E]` in a marked span; newlines
/// become `<br>`. The result contains no markup from the input.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    push_html(&mut out, s);
    out
}

pub(crate) fn push_html(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c if is_bidi_control(c) || is_hidden(c) => {
                out.push_str(&format!("<span class=\"ctl\">[U+{:04X}]</span>", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// Plain-text form of the same neutralisation, for attribute values and the letter: bidi and
/// invisible characters become `[U+XXXX]`; newlines become spaces.
pub fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_bidi_control(c) || is_hidden(c) => {
                out.push_str(&format!("[U+{:04X}]", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// A CSV cell: quoted when needed, and prefixed with `'` when it starts with a character that
/// makes spreadsheet software evaluate it (`= + - @`, tab, carriage return).
pub fn csv_cell(s: &str) -> String {
    let guarded;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{s}");
        &guarded
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_inert() {
        let hostile =
            "<script>alert(1)</script>\"><img src=x onerror=alert(1)> javascript:x '\u{202E}abc";
        let h = html(hostile);
        assert!(!h.contains("<script") && !h.contains("<img"));
        assert!(
            !h.contains('"') || h.matches('"').count() == 2,
            "only our class attr: {h}"
        );
        assert!(h.contains("&lt;script&gt;") && h.contains("&quot;&gt;&lt;img"));
        assert!(h.contains("&#39;"));
        assert!(!h.contains('\u{202E}'));
        assert!(h.contains("[U+202E]"));
        assert_eq!(html("a\nb"), "a<br>b");
        assert_eq!(plain("a\u{2067}b\nc"), "a[U+2067]b c");
    }

    #[test]
    fn csv_formulas_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+8613800138000"), "'+8613800138000");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("plain 文本"), "plain 文本");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
    }
}
