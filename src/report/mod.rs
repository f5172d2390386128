//! Reporters: pure functions from a [`Report`](crate::scan::Report) and the pack that produced it
//! to a writer. They never look inside the engine, and redact secrets unless the findings carry
//! them (`--show-secrets`).

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use std::collections::BTreeMap;

use crate::finding::Finding;
use crate::rules::{Pack, Rule, Severity};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// GitLab's secret-detection report (`artifacts:reports:secret_detection`): secret findings.
    Gitlab,
    /// GitLab's SAST report (`artifacts:reports:sast`): structural findings (privilege, ownership).
    GitlabSast,
}

/// The rules referenced by `findings`, sorted by id, each with its index in that list.
pub(crate) fn referenced_rules<'p>(pack: &'p Pack, findings: &[Finding]) -> Vec<&'p Rule> {
    let mut ids: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.iter().filter_map(|id| pack.get(id)).collect()
}

/// Unsuppressed findings counted by severity, highest first, all severities present.
pub(crate) fn by_severity(findings: &[Finding]) -> BTreeMap<std::cmp::Reverse<Severity>, usize> {
    let mut counts: BTreeMap<std::cmp::Reverse<Severity>, usize> = Severity::ALL
        .iter()
        .map(|s| (std::cmp::Reverse(*s), 0))
        .collect();
    for f in findings.iter().filter(|f| f.suppressed.is_none()) {
        *counts.entry(std::cmp::Reverse(f.severity)).or_default() += 1;
    }
    counts
}
