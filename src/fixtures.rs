//! The fixture harness behind `nhilint rules test` and the corpus test: files carry their
//! expectations inline (`expect: rule-id[, rule-id]` on the line where the finding starts) or in a
//! sidecar `<file>.expect` (`LINE rule-id` per line, `#` comments) for formats without comments.
//! The exact set of (file, line, rule) is compared, so missed and unexpected findings both fail.

use std::collections::BTreeSet;

use regex::Regex;

use crate::rules::Confidence;
use crate::scan::{ScanOptions, Scanner};
use crate::source::walk::{self, WalkOptions};

/// One expected or reported finding.
pub type Key = (String, u32, String);

/// What a fixture run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub missed: Vec<Key>,
    pub unexpected: Vec<Key>,
    /// Rules of the pack that no fixture expects.
    pub uncovered: Vec<String>,
    /// Problems with the fixtures themselves (unknown rule ids, bad sidecars, scan errors).
    pub errors: Vec<String>,
    pub expected: usize,
    pub files: usize,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.missed.is_empty() && self.unexpected.is_empty() && self.errors.is_empty()
    }
}

/// Sidecar file suffix.
pub const SIDECAR: &str = ".expect";

/// Runs the fixtures under `root` (every confidence level counts) and compares.
pub fn run(scanner: &Scanner, root: &std::path::Path) -> Outcome {
    let marker = Regex::new(r"\bexpect: ?([a-z0-9][a-z0-9-]*(?:, ?[a-z0-9][a-z0-9-]*)*)")
        .expect("valid regex");
    let opts = ScanOptions {
        walk: WalkOptions {
            roots: vec![root.to_path_buf()],
            threads: 0,
            ..WalkOptions::default()
        },
        max_file_size: 0,
        show_secrets: false,
        min_confidence: Confidence::Low,
    };
    let mut out = Outcome::default();
    let mut expected: BTreeSet<Key> = BTreeSet::new();
    let listed = walk::walk(&opts.walk);
    for entry in &listed.entries {
        let Ok(bytes) = std::fs::read(&entry.path) else {
            out.errors.push(format!("{}: cannot read", entry.display));
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        if let Some(target) = entry.display.strip_suffix(SIDECAR) {
            for (i, line) in text.lines().enumerate() {
                let line = line.split('#').next().unwrap_or_default().trim();
                if line.is_empty() {
                    continue;
                }
                match line
                    .split_once(char::is_whitespace)
                    .and_then(|(n, id)| Some((n.parse::<u32>().ok()?, id.trim())))
                {
                    Some((n, id)) => {
                        expected.insert((target.to_owned(), n, id.to_owned()));
                    }
                    None => out.errors.push(format!(
                        "{}:{}: expected `LINE rule-id`",
                        entry.display,
                        i + 1
                    )),
                }
            }
            continue;
        }
        out.files += 1;
        for (i, line) in text.lines().enumerate() {
            if let Some(c) = marker.captures(line) {
                for id in c[1].split(',').map(str::trim) {
                    expected.insert((
                        entry.display.clone(),
                        u32::try_from(i + 1).unwrap_or(0),
                        id.to_owned(),
                    ));
                }
            }
        }
    }
    for (path, line, id) in &expected {
        if scanner.pack().get(id).is_none() {
            out.errors
                .push(format!("{path}:{line}: expects unknown rule `{id}`"));
        }
    }
    let report = scanner.scan(&opts, None);
    for n in report
        .notifications
        .iter()
        .filter(|n| n.level == crate::finding::Level::Error)
    {
        out.errors.push(n.message.clone());
    }
    let found: BTreeSet<Key> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| (f.path.clone(), f.line, f.rule_id.clone()))
        .collect();
    out.missed = expected.difference(&found).cloned().collect();
    out.unexpected = found.difference(&expected).cloned().collect();
    let covered: BTreeSet<&str> = expected.iter().map(|(_, _, id)| id.as_str()).collect();
    out.uncovered = scanner
        .pack()
        .rules
        .iter()
        .filter(|r| !covered.contains(r.id.as_str()))
        .map(|r| r.id.clone())
        .collect();
    out.expected = expected.len();
    out
}
