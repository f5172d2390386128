//! Inline suppressions: `nhilint:ignore[rule-id, other-id] reason` anywhere on a line, in any file
//! type. A suppression covers findings that start on its own line or on the line below it.

/// The marker every suppression starts with.
// Spelled in two parts so that this source file does not carry a marker itself.
pub const MARKER: &[u8] = concat!("nhilint", ":ignore").as_bytes();

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line of the comment.
    pub line: u32,
    /// 1-based column of the marker.
    pub column: u32,
    pub rule_ids: Vec<String>,
    /// Text after the closing bracket, without comment terminators; empty when missing.
    pub reason: String,
    /// Why the comment cannot suppress anything, when it is malformed.
    pub malformed: Option<&'static str>,
}

impl Suppression {
    /// Whether this suppression covers a finding of `rule` (any of its ids) starting on `line`.
    pub fn covers(&self, line: u32, ids: &[&str]) -> bool {
        self.malformed.is_none()
            && (line == self.line || line == self.line + 1)
            && self.rule_ids.iter().any(|r| ids.contains(&r.as_str()))
    }
}

/// Comment terminators a reason may end with.
const CLOSERS: &[&str] = &["*/", "-->", "#}", "%>", "--%>", "*)", "}}"];

/// Parses the suppression on one line, if any; `column` is the marker's 1-based column.
pub fn parse_line(line: &[u8], line_no: u32, column: u32) -> Option<Suppression> {
    let at = memchr::memmem::find(line, MARKER)?;
    let rest = String::from_utf8_lossy(&line[at + MARKER.len()..]).into_owned();
    let mut s = Suppression {
        line: line_no,
        column,
        rule_ids: Vec::new(),
        reason: String::new(),
        malformed: None,
    };
    let Some(inner) = rest.strip_prefix('[') else {
        s.malformed = Some("names no rule: write `nhilint:ignore[rule-id] reason`");
        return Some(s);
    };
    let Some(close) = inner.find(']') else {
        s.malformed = Some("has no closing `]`");
        return Some(s);
    };
    s.rule_ids = inner[..close]
        .split(',')
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .collect();
    if s.rule_ids.is_empty() {
        s.malformed = Some("names no rule: write `nhilint:ignore[rule-id] reason`");
    }
    let mut reason = inner[close + 1..].trim();
    loop {
        let before = reason;
        for c in CLOSERS {
            reason = reason.strip_suffix(c).unwrap_or(reason).trim_end();
        }
        if before == reason {
            break;
        }
    }
    reason
        .trim_start_matches([':', '-', ' '])
        .trim()
        .clone_into(&mut s.reason);
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test line with `@` standing for the marker.
    fn m(line: &str) -> Vec<u8> {
        line.replace('@', concat!("nhilint", ":ignore"))
            .into_bytes()
    }

    #[test]
    fn parses_ids_and_reason() {
        let s = parse_line(
            &m("key = 'x' # @[aws-access-key-id, generic-password] test fixture"),
            3,
            13,
        )
        .expect("parsed");
        assert_eq!(s.rule_ids, ["aws-access-key-id", "generic-password"]);
        assert_eq!(s.reason, "test fixture");
        assert!(s.covers(3, &["generic-password"]));
        assert!(s.covers(4, &["aws-access-key-id"]));
        assert!(!s.covers(5, &["aws-access-key-id"]));
        assert!(!s.covers(3, &["other"]));
    }

    #[test]
    fn strips_comment_closers() {
        let s = parse_line(&m("/* @[x] docs sample */"), 1, 4).expect("parsed");
        assert_eq!(s.reason, "docs sample");
        let s = parse_line(&m("<!-- @[x]: rotated already -->"), 1, 6).expect("parsed");
        assert_eq!(s.reason, "rotated already");
    }

    #[test]
    fn missing_reason_is_empty() {
        let s = parse_line(&m("# @[x]"), 1, 3).expect("parsed");
        assert!(s.reason.is_empty());
        assert!(s.malformed.is_none());
    }

    #[test]
    fn malformed_markers() {
        assert!(
            parse_line(&m("# @"), 1, 3)
                .expect("parsed")
                .malformed
                .is_some()
        );
        assert!(
            parse_line(&m("# @[x"), 1, 3)
                .expect("parsed")
                .malformed
                .is_some()
        );
        assert!(
            parse_line(&m("# @[] why"), 1, 3)
                .expect("parsed")
                .malformed
                .is_some()
        );
        assert!(
            !parse_line(&m("# @[] why"), 1, 3)
                .expect("parsed")
                .covers(1, &[""])
        );
        assert!(parse_line(b"nothing here", 1, 1).is_none());
    }
}
