//! Baselines: the findings a repository already had when a team turned nhilint on, recorded by
//! content so that later scans report only what is new. An entry is a rule id and the finding's
//! [baseline key](crate::finding::Finding::baseline_key) (for a secret: a keyed hash of the secret,
//! so a move, a rename or an edit elsewhere keeps it), plus the path it was last seen at, for
//! people. No line numbers and no secrets: the file changes only when findings do.
//!
//! The file is versioned JSON, entries sorted, one per line, so that it diffs and merges well:
//!
//! ```json
//! {
//!   "version": 1,
//!   "entries": [
//!     {"rule":"aws-access-key-id","key":"9f2c…","path":"deploy/.env"}
//!   ]
//! }
//! ```
//!
//! Not here: running the scan, and reading or writing the file (`main.rs`).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Suppressed, SuppressionKind};
use crate::source::walk::display_path;

/// The file `nhilint baseline write` writes by default, at the scan root.
pub const FILE_NAME: &str = ".nhilint-baseline.json";
/// Version of the file's shape.
pub const VERSION: u64 = 1;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    pub key: String,
    /// Where the finding was when the baseline was written (informational, not matched).
    #[serde(default)]
    pub path: String,
}

/// A set of accepted findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// Sorted by path, rule and key; one entry per (rule, key).
    pub entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct File {
    version: u64,
    #[serde(default)]
    entries: Vec<Entry>,
}

/// Why a baseline file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{line}:{column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "baseline version {0} is not supported (this nhilint reads version {VERSION}): rewrite it with `nhilint baseline write`"
    )]
    Version(u64),
}

impl Baseline {
    /// A baseline of the open (unsuppressed) findings; `rel` gives a finding's path relative to
    /// the scan root.
    pub fn from_findings(findings: &[Finding], rel: impl Fn(&str) -> String) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| {
                let path = rel(&f.path);
                Entry {
                    rule: f.rule_id.clone(),
                    key: f.baseline_key_at(&path),
                    path,
                }
            })
            .collect();
        Baseline::normalize(&mut entries);
        Baseline { entries }
    }

    /// Sorts entries and keeps one per (rule, key): the one at the smallest path.
    fn normalize(entries: &mut Vec<Entry>) {
        entries.sort_by(|a, b| (&a.path, &a.rule, &a.key).cmp(&(&b.path, &b.rule, &b.key)));
        let mut seen = BTreeSet::new();
        entries.retain(|e| seen.insert((e.rule.clone(), e.key.clone())));
    }

    /// Parses a baseline file.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let file: File = serde_json::from_str(text).map_err(|e| BaselineError::Json {
            line: e.line(),
            column: e.column(),
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_owned(),
        })?;
        if file.version != VERSION {
            return Err(BaselineError::Version(file.version));
        }
        let mut entries = file.entries;
        Baseline::normalize(&mut entries);
        Ok(Baseline { entries })
    }

    /// The file's text: versioned JSON, one entry per line, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut out = format!("{{\n  \"version\": {VERSION},\n  \"entries\": [");
        for (i, e) in self.entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(e).unwrap_or_default());
        }
        out.push_str(if self.entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }

    /// Marks the open findings the baseline holds as suppressed (`external`, "in baseline
    /// `label`") and returns the entries that match no finding at all (stale). A finding
    /// already suppressed otherwise still keeps its entry from being stale.
    pub fn apply(
        &self,
        findings: &mut [Finding],
        label: &str,
        rel: impl Fn(&str) -> String,
    ) -> Vec<Entry> {
        let index: HashMap<(&str, &str), usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.rule.as_str(), e.key.as_str()), i))
            .collect();
        let mut used = vec![false; self.entries.len()];
        for f in findings.iter_mut() {
            let key = f.baseline_key_at(&rel(&f.path));
            let Some(&i) = index.get(&(f.rule_id.as_str(), key.as_str())) else {
                continue;
            };
            used[i] = true;
            if f.suppressed.is_none() {
                f.suppressed = Some(Suppressed {
                    kind: SuppressionKind::External,
                    justification: format!("in baseline {label}"),
                });
            }
        }
        self.entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(e, _)| e.clone())
            .collect()
    }
}

/// The prefixes that make a finding's path relative to the scan root: each root directory (a
/// file root's directory) as findings show it, with a trailing `/`; none for `.`.
pub fn root_prefixes(roots: &[PathBuf]) -> Vec<String> {
    roots
        .iter()
        .filter_map(|r| {
            let dir = if r.is_dir() {
                r.as_path()
            } else {
                r.parent().unwrap_or(Path::new(""))
            };
            let shown = display_path(dir);
            (shown != "." && !shown.is_empty()).then(|| format!("{}/", shown.trim_end_matches('/')))
        })
        .collect()
}

/// `path` relative to the scan root: without the first of `prefixes` it starts with.
pub fn root_relative(path: &str, prefixes: &[String]) -> String {
    prefixes
        .iter()
        .find_map(|p| path.strip_prefix(p.as_str()))
        .unwrap_or(path)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rule: &str, key: &str, path: &str) -> Entry {
        Entry {
            rule: rule.to_owned(),
            key: key.to_owned(),
            path: path.to_owned(),
        }
    }

    #[test]
    fn file_round_trips_sorted_one_entry_per_line() {
        let b = Baseline {
            entries: vec![entry("r", "k2", "b.env"), entry("r", "k1", "a.env")],
        };
        let mut sorted = b.clone();
        Baseline::normalize(&mut sorted.entries);
        let text = sorted.to_json();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"entries\": [\n    {\"rule\":\"r\",\"key\":\"k1\",\"path\":\"a.env\"},\n    {\"rule\":\"r\",\"key\":\"k2\",\"path\":\"b.env\"}\n  ]\n}\n"
        );
        assert_eq!(Baseline::parse(&text).expect("parses"), sorted);
        assert_eq!(
            Baseline::default().to_json(),
            "{\n  \"version\": 1,\n  \"entries\": []\n}\n"
        );
        assert!(Baseline::parse(&Baseline::default().to_json()).is_ok());
    }

    #[test]
    fn duplicates_keep_the_first_path() {
        let mut entries = vec![entry("r", "k", "z.env"), entry("r", "k", "a.env")];
        Baseline::normalize(&mut entries);
        assert_eq!(entries, [entry("r", "k", "a.env")]);
    }

    #[test]
    fn bad_files_say_where_and_why() {
        match Baseline::parse("{\n  \"version\": 1,\n  \"entries\": [x]\n}") {
            Err(BaselineError::Json { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Baseline::parse("{\"version\": 2, \"entries\": []}"),
            Err(BaselineError::Version(2))
        ));
    }

    #[test]
    fn paths_become_root_relative() {
        let prefixes = vec!["sub/".to_owned()];
        assert_eq!(root_relative("sub/a/b.env", &prefixes), "a/b.env");
        assert_eq!(root_relative("other/b.env", &prefixes), "other/b.env");
        assert!(root_prefixes(&[PathBuf::from(".")]).is_empty());
    }
}
