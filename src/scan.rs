//! One scan of a working tree: walk, read, match, suppress, and collect a [`Report`].
//!
//! Files are listed first, then scanned in parallel with rayon; results are sorted at the end so
//! identical input gives identical output whatever the thread count.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::document::span::LineIndex;
use crate::document::suppress::{self, Suppression};
use crate::engine::policy::{EvalError, PolicyMatch, StructuralEngine};
use crate::engine::validate::ValidateOptions;
use crate::engine::{Match, SecretEngine};
use crate::finding::{self, Finding, Level, Notification, Suppressed, SuppressionKind};
use crate::rules::{Confidence, Pack, Severity};
use crate::source::walk::{self, Entry, WalkOptions};

/// Bytes looked at to decide whether a file is binary (as git does: a NUL byte in the head).
const BINARY_SNIFF: usize = 8192;
/// Longest snippet kept for a finding, in bytes around the secret.
const SNIPPET_MAX: usize = 240;
/// The OWASP NHI risk of long-lived secrets: rules carrying it find credentials that do not
/// expire unless revoked.
const LONG_LIVED_TAG: &str = "NHI7:2025";

/// Everything a scan needs besides the pack.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub walk: WalkOptions,
    /// 0 = no limit.
    pub max_file_size: u64,
    pub show_secrets: bool,
    pub min_confidence: Confidence,
}

/// Live counters, read by a progress display while the scan runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
    pub findings: AtomicU64,
}

/// Counts for the summary.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Stats {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    pub skipped_symlinks: u64,
    pub unreadable: u64,
    #[serde(skip)]
    pub elapsed: Duration,
}

/// The result of a scan.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub notifications: Vec<Notification>,
    pub stats: Stats,
    /// With `--baseline`: the baseline's entries that match no finding.
    pub stale_baseline: Option<Vec<crate::baseline::Entry>>,
    /// The identities of the tree, when identity rules ran or an inventory was asked for.
    pub identities: Option<crate::identity::Analysis>,
}

impl Report {
    /// Unsuppressed findings at or above `severity`.
    pub fn failing(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity >= severity)
            .count()
    }

    /// Suppressed findings: (in source, external: config exceptions and baselines).
    pub fn suppressed_counts(&self) -> (usize, usize) {
        self.findings
            .iter()
            .filter_map(|f| f.suppressed.as_ref())
            .fold((0, 0), |(inline, external), s| match s.kind {
                SuppressionKind::InSource => (inline + 1, external),
                SuppressionKind::External => (inline, external + 1),
            })
    }

    pub fn has_errors(&self) -> bool {
        self.notifications.iter().any(|n| n.level == Level::Error)
    }
}

/// A pack ready to scan with.
#[derive(Debug)]
pub struct Scanner {
    pack: Pack,
    secrets: SecretEngine,
    structural: StructuralEngine,
    /// Rule ids a suppression may name without a warning: the pack's, plus rules left out by
    /// config or `--only` (empty: the pack's only).
    known_ids: std::collections::HashSet<String>,
    /// The pack's identity rules (index, check): run once the whole tree is read.
    analyses: Vec<(usize, crate::identity::analyze::Check)>,
    /// Collect identity facts even without identity rules (`nhilint inventory`).
    inventory: bool,
    ownership: crate::identity::OwnershipConfig,
}

/// What one scanned item (a file or a blob) adds to the stats.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub scanned: bool,
    pub bytes: u64,
    pub binary: bool,
    pub too_large: bool,
    pub unreadable: bool,
}

impl Counts {
    pub(crate) fn add_to(&self, s: &mut Stats) {
        s.files_scanned += u64::from(self.scanned);
        s.bytes_scanned += self.bytes;
        s.skipped_binary += u64::from(self.binary);
        s.skipped_too_large += u64::from(self.too_large);
        s.unreadable += u64::from(self.unreadable);
    }
}

/// Stack of each scanning thread: CEL conditions are evaluated recursively, and a deeply nested
/// one (a rule's evidence table, a user's pack) must not abort the process with a stack
/// overflow on the 2 MiB default; the main thread has 8 MiB.
const WORKER_STACK: usize = 8 << 20;

/// Runs `f` in a rayon pool of `threads` threads (0 = one per core).
pub(crate) fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK)
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// The warning for an item skipped by `--max-file-size`; `what` names it (`blob 1a2b…`).
pub(crate) fn too_large(display: &str, what: &str, size: u64, limit: u64) -> Notification {
    Notification::new(
        Level::Warning,
        "file-too-large",
        format!("{display}: {what}skipped, {size} bytes is over the {limit} byte limit (--max-file-size)"),
    )
    .at(display, None, None)
}

/// The outcome of scanning one file.
#[derive(Default)]
struct FileResult {
    findings: Vec<Finding>,
    notifications: Vec<Notification>,
    counts: Counts,
    facts: crate::identity::Facts,
}

impl Scanner {
    pub fn new(pack: Pack) -> Self {
        Self::with_options(pack, ValidateOptions::default())
    }

    pub fn with_options(pack: Pack, options: ValidateOptions) -> Self {
        let secrets = SecretEngine::with_options(&pack, options);
        let structural = StructuralEngine::new(&pack);
        let analyses = pack
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r.matcher {
                crate::rules::Matcher::Analysis(c) => Some((i, c)),
                _ => None,
            })
            .collect();
        Scanner {
            pack,
            secrets,
            structural,
            known_ids: std::collections::HashSet::new(),
            analyses,
            inventory: false,
            ownership: crate::identity::OwnershipConfig::default(),
        }
    }

    /// Collect the identity inventory even when no identity rule runs.
    #[must_use]
    pub fn with_inventory(mut self) -> Self {
        self.inventory = true;
        self
    }

    /// Where owners are looked for (`.nhilint.yaml` `ownership:`).
    #[must_use]
    pub fn with_ownership(mut self, ownership: crate::identity::OwnershipConfig) -> Self {
        self.ownership = ownership;
        self
    }

    /// Whether the identity phase runs.
    fn identity_phase(&self) -> bool {
        self.inventory || !self.analyses.is_empty()
    }

    /// Also accept these rule ids in suppressions (rules the scan left out on purpose).
    #[must_use]
    pub fn with_known_ids(mut self, ids: Vec<String>) -> Self {
        self.known_ids.extend(ids);
        self
    }

    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    pub fn engine(&self) -> &SecretEngine {
        &self.secrets
    }

    /// Scans the working tree described by `opts`.
    pub fn scan(&self, opts: &ScanOptions, progress: Option<&Progress>) -> Report {
        let start = Instant::now();
        let listed = walk::walk(&opts.walk);
        let mut report = Report {
            notifications: listed.notifications,
            ..Report::default()
        };
        report.stats.skipped_symlinks = listed.skipped_symlinks;
        let results = in_pool(opts.walk.threads, || {
            listed
                .entries
                .par_iter()
                .map(|e| self.scan_file(e, opts, progress))
                .collect::<Vec<_>>()
        });
        let mut facts = Vec::new();
        let mut files: std::collections::HashMap<String, PathBuf> =
            std::collections::HashMap::new();
        for (r, entry) in results.into_iter().zip(&listed.entries) {
            r.counts.add_to(&mut report.stats);
            report.findings.extend(r.findings);
            report.notifications.extend(r.notifications);
            if !r.facts.is_empty() {
                files.insert(entry.display.clone(), entry.path.clone());
                facts.push(r.facts);
            }
        }
        if self.identity_phase() {
            let analysis = crate::identity::analyze::analyze(facts, &self.ownership);
            let weak = analysis.matches.iter().filter(|m| m.weak).count();
            if weak > 0 && opts.min_confidence > Confidence::Low {
                report.notifications.push(Notification::new(
                    Level::Note,
                    "ownership-not-recorded",
                    format!(
                        "{weak} machine identit{} without an owner {} not reported: nothing in this tree records owners (no owner label or tag, Backstage catalog or CODEOWNERS), so they are low-confidence findings; `--min-confidence low` shows them, `nhilint inventory` lists every identity",
                        if weak == 1 { "y" } else { "ies" },
                        if weak == 1 { "is" } else { "are" }
                    ),
                ));
            }
            report
                .findings
                .extend(self.identity_findings(&analysis, &files, opts));
            report.identities = Some(analysis);
        }
        finish(&mut report);
        report.stats.elapsed = start.elapsed();
        report
    }

    fn scan_file(
        &self,
        entry: &Entry,
        opts: &ScanOptions,
        progress: Option<&Progress>,
    ) -> FileResult {
        let mut out = FileResult::default();
        if opts.max_file_size > 0 && entry.size > opts.max_file_size {
            out.counts.too_large = true;
            out.notifications.push(too_large(
                &entry.display,
                "",
                entry.size,
                opts.max_file_size,
            ));
            return out;
        }
        let bytes = match std::fs::read(&entry.path) {
            Ok(b) => b,
            Err(e) => {
                out.counts.unreadable = true;
                out.notifications.push(
                    Notification::new(
                        Level::Error,
                        "file-unreadable",
                        format!("{}: cannot read: {e}", entry.display),
                    )
                    .at(&entry.display, None, None),
                );
                return out;
            }
        };
        if looks_binary(&bytes) {
            out.counts.binary = true;
            return out;
        }
        out.counts.scanned = true;
        out.counts.bytes = bytes.len() as u64;
        let (findings, notifications) = self.scan_bytes(&entry.display, &bytes, opts);
        if let Some(p) = progress {
            p.files.fetch_add(1, Ordering::Relaxed);
            p.bytes.fetch_add(out.counts.bytes, Ordering::Relaxed);
            p.findings
                .fetch_add(findings.len() as u64, Ordering::Relaxed);
        }
        out.findings = findings;
        out.notifications = notifications;
        if self.identity_phase() {
            out.facts = crate::identity::extract(&entry.display, &bytes, &self.ownership.keys);
        }
        out
    }

    /// Findings of the identity rules: each check's matches, at their place in the file that
    /// declares them, with the file's inline suppressions applied.
    fn identity_findings(
        &self,
        analysis: &crate::identity::Analysis,
        files: &std::collections::HashMap<String, PathBuf>,
        opts: &ScanOptions,
    ) -> Vec<Finding> {
        let mut by_file: std::collections::BTreeMap<&str, Vec<PolicyMatch>> =
            std::collections::BTreeMap::new();
        let mut weak = std::collections::HashSet::new();
        for m in &analysis.matches {
            for &(rule, _) in self.analyses.iter().filter(|(_, c)| *c == m.check) {
                if m.weak {
                    weak.insert((m.loc.path.clone(), m.identity.clone()));
                }
                by_file
                    .entry(m.loc.path.as_str())
                    .or_default()
                    .push(PolicyMatch {
                        rule,
                        span: m.loc.start as usize..m.loc.end as usize,
                        node_path: m.identity.clone(),
                        message: m.message.clone(),
                    });
            }
        }
        let mut out = Vec::new();
        for (path, matches) in by_file {
            let Some(bytes) = files.get(path).and_then(|p| std::fs::read(p).ok()) else {
                continue;
            };
            let index = LineIndex::new(&bytes);
            let suppressions = if memchr::memmem::find(&bytes, suppress::MARKER).is_some() {
                find_suppressions(&bytes, &index)
            } else {
                Vec::new()
            };
            for m in matches {
                let mut finding = self.policy_finding(path, &bytes, &[], &index, &m);
                if weak.contains(&(path.to_owned(), m.node_path.clone())) {
                    finding.confidence = Confidence::Low;
                    finding.note = Some(
                        "nothing in this tree records owners (no owner label or tag, catalog or CODEOWNERS): ownership may be kept elsewhere".to_owned(),
                    );
                }
                self.suppress_inline(&mut finding, m.rule, &suppressions);
                if finding.confidence >= opts.min_confidence {
                    out.push(finding);
                }
            }
        }
        out
    }

    /// Findings in one text shown as `path`, with inline suppressions applied, and notifications
    /// about those suppressions.
    pub fn scan_bytes(
        &self,
        path: &str,
        bytes: &[u8],
        opts: &ScanOptions,
    ) -> (Vec<Finding>, Vec<Notification>) {
        let matches = self.secrets.scan(bytes);
        let has_marker = memchr::memmem::find(bytes, suppress::MARKER).is_some();
        let structural = self.structural.scan(path, bytes);
        if matches.is_empty()
            && structural.matches.is_empty()
            && structural.parse_error.is_none()
            && structural.eval_errors.is_empty()
            && !has_marker
        {
            return (Vec::new(), Vec::new());
        }
        let index = LineIndex::new(bytes);
        let mut notes = Vec::new();
        if let Some((offset, message)) = &structural.parse_error {
            let at = index.position(bytes, *offset);
            notes.push(
                Notification::new(
                    Level::Error,
                    "document-unparsable",
                    format!(
                        "{path}:{}:{}: cannot parse: {message}; only secret rules ran on this file",
                        at.line, at.column
                    ),
                )
                .at(path, Some(at.line), Some(at.column)),
            );
        }
        notes.extend(self.condition_warnings(path, bytes, &index, &structural.eval_errors));
        let mut suppressions = if has_marker {
            find_suppressions(bytes, &index)
        } else {
            Vec::new()
        };
        let mut used = vec![false; suppressions.len()];
        let spans: Vec<std::ops::Range<usize>> = matches.iter().map(|m| m.secret.clone()).collect();
        let mut candidates: Vec<(usize, Finding)> = matches
            .iter()
            .map(|m| {
                (
                    m.rule,
                    self.to_finding(path, bytes, &spans, &index, m, opts.show_secrets),
                )
            })
            .collect();
        for m in &structural.matches {
            let rule = &self.pack.rules[m.rule];
            // A literal credential in a document is the secret rules' finding: report it once,
            // at the secret, with the secret rule's precision.
            if rule.category == crate::rules::Category::Secret
                && spans
                    .iter()
                    .any(|s| s.start < m.span.end && m.span.start < s.end)
            {
                continue;
            }
            candidates.push((m.rule, self.policy_finding(path, bytes, &spans, &index, m)));
        }
        let mut findings = Vec::new();
        for (rule_index, mut finding) in candidates {
            if let Some(i) = self.suppress_inline(&mut finding, rule_index, &suppressions) {
                used[i] = true;
            }
            if finding.confidence >= opts.min_confidence {
                findings.push(finding);
            }
        }
        for (s, used) in suppressions.drain(..).zip(used) {
            let at = |level, code, msg: String| {
                Notification::new(
                    level,
                    code,
                    format!("{path}:{}:{}: {msg}", s.line, s.column),
                )
                .at(path, Some(s.line), Some(s.column))
            };
            if let Some(why) = s.malformed {
                notes.push(at(
                    Level::Warning,
                    "suppression-malformed",
                    format!("suppression {why}"),
                ));
                continue;
            }
            for id in &s.rule_ids {
                if self.pack.get(id).is_none() && !self.known_ids.contains(id.as_str()) {
                    notes.push(at(
                        Level::Warning,
                        "suppression-unknown-rule",
                        format!("suppression names unknown rule `{id}`"),
                    ));
                }
            }
            if s.reason.is_empty() {
                notes.push(at(
                    Level::Warning,
                    "suppression-without-reason",
                    format!("suppression of `{}` gives no reason: write `nhilint:ignore[{}] why it is safe`", s.rule_ids.join(", "), s.rule_ids.join(", ")),
                ));
            }
            // A suppression of rules this scan did not run cannot be judged unused.
            // Identity rules report after the whole tree is read: their suppressions are
            // judged then.
            let ran = s.rule_ids.is_empty()
                || s.rule_ids.iter().any(|id| {
                    self.pack
                        .get(id)
                        .is_some_and(|r| !matches!(r.matcher, crate::rules::Matcher::Analysis(_)))
                        || (self.pack.get(id).is_none() && !self.known_ids.contains(id.as_str()))
                });
            if !used && ran {
                notes.push(at(
                    Level::Warning,
                    "suppression-unused",
                    format!(
                        "suppression of `{}` matches no finding",
                        s.rule_ids.join(", ")
                    ),
                ));
            }
        }
        (findings, notes)
    }

    /// Marks `finding` (of the rule at `rule_index`) suppressed by the first inline suppression
    /// covering it; returns that suppression's index.
    fn suppress_inline(
        &self,
        finding: &mut Finding,
        rule_index: usize,
        suppressions: &[Suppression],
    ) -> Option<usize> {
        let rule = &self.pack.rules[rule_index];
        let ids: Vec<&str> = std::iter::once(rule.id.as_str())
            .chain(rule.aliases.iter().map(String::as_str))
            .collect();
        let i = suppressions
            .iter()
            .position(|s| s.covers(finding.line, &ids))?;
        let s = &suppressions[i];
        finding.suppressed = Some(Suppressed {
            kind: SuppressionKind::InSource,
            justification: if s.reason.is_empty() {
                "no reason given".to_owned()
            } else {
                s.reason.clone()
            },
        });
        Some(i)
    }

    /// One warning per rule whose condition failed to evaluate on nodes of this file, at the
    /// first such node, with how many there were. A warning and not an error: the fault is the
    /// rule's, not the scanned file's (`rules check` reports it as an error), so the exit code
    /// stays that of the findings; the nodes count as not matching, and the warning says so,
    /// because a rule that silently matches nothing would look like a clean file.
    fn condition_warnings(
        &self,
        path: &str,
        bytes: &[u8],
        index: &LineIndex,
        errors: &[EvalError],
    ) -> Vec<Notification> {
        let mut by_rule: std::collections::BTreeMap<usize, (&EvalError, usize)> =
            std::collections::BTreeMap::new();
        for e in errors {
            let entry = by_rule.entry(e.rule).or_insert((e, 0));
            entry.1 += 1;
            if e.offset < entry.0.offset {
                entry.0 = e;
            }
        }
        by_rule
            .into_values()
            .map(|(first, count)| {
                let at = index.position(bytes, first.offset);
                let nodes = match count {
                    1 => "on this node; it counts".to_owned(),
                    n => format!("on this node and {} more; they count", n - 1),
                };
                Notification::new(
                    Level::Warning,
                    "rule-condition-failed",
                    format!(
                        "{path}:{}:{}: rule `{}`: {}, {nodes} as not matching (the rule needs fixing: see `nhilint rules check`)",
                        at.line, at.column, self.pack.rules[first.rule].id, first.message
                    ),
                )
                .at(path, Some(at.line), Some(at.column))
            })
            .collect()
    }

    /// A finding of a structural rule, at the node it points to.
    fn policy_finding(
        &self,
        path: &str,
        bytes: &[u8],
        secrets: &[std::ops::Range<usize>],
        index: &LineIndex,
        m: &PolicyMatch,
    ) -> Finding {
        let test_path = is_test_path(path);
        let rule = &self.pack.rules[m.rule];
        let start = index.position(bytes, m.span.start);
        let end = index.position(bytes, m.span.end);
        let line = index.line_range(bytes, start.line);
        let (snippet, snippet_column) = snippet(bytes, index, line, m.span.start, secrets);
        Finding {
            rule_id: rule.id.clone(),
            rule_name: rule.name.clone(),
            category: rule.category,
            severity: rule.severity,
            confidence: if test_path {
                rule.confidence.lower()
            } else {
                rule.confidence
            },
            message: m.message.clone(),
            path: path.to_owned(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            snippet,
            snippet_column,
            secret: None,
            fingerprint: finding::fingerprint(&rule.id, path, m.node_path.as_bytes()),
            secret_hash: None,
            node_path: Some(m.node_path.clone()),
            tags: rule.tags.clone(),
            long_lived: rule.tags.iter().any(|t| t == LONG_LIVED_TAG),
            note: test_path.then(|| TEST_PATH_NOTE.to_owned()),
            suppressed: None,
            provenance: None,
        }
    }

    fn to_finding(
        &self,
        path: &str,
        bytes: &[u8],
        all: &[std::ops::Range<usize>],
        index: &LineIndex,
        m: &Match,
        show: bool,
    ) -> Finding {
        let test_path = is_test_path(path);
        let rule = &self.pack.rules[m.rule];
        let secret = &bytes[m.secret.clone()];
        let start = index.position(bytes, m.secret.start);
        let end = index.position(bytes, m.secret.end);
        let line = index.line_range(bytes, start.line);
        let (snippet, snippet_column) = snippet(bytes, index, line, m.secret.start, all);
        let view = finding::redact(secret, show);
        Finding {
            rule_id: rule.id.clone(),
            rule_name: rule.name.clone(),
            category: rule.category,
            severity: rule.severity,
            confidence: if test_path {
                m.confidence.lower()
            } else {
                m.confidence
            },
            message: format!(
                "{} `{}` ({} characters)",
                rule.message, view.redacted, view.length
            ),
            path: path.to_owned(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            snippet,
            snippet_column,
            secret: Some(view),
            fingerprint: finding::fingerprint(&rule.id, path, secret),
            secret_hash: Some(finding::secret_hash(secret)),
            node_path: None,
            tags: rule.tags.clone(),
            long_lived: m
                .long_lived
                .unwrap_or_else(|| rule.tags.iter().any(|t| t == LONG_LIVED_TAG)),
            note: match (&m.note, test_path) {
                (Some(n), true) => Some(format!("{n}; {TEST_PATH_NOTE}")),
                (None, true) => Some(TEST_PATH_NOTE.to_owned()),
                (n, false) => n.clone(),
            },
            suppressed: None,
            provenance: None,
        }
    }
}

/// The line holding the secret's start, masked, cut to a window around the secret; with the
/// column at which the window starts.
fn snippet(
    bytes: &[u8],
    index: &LineIndex,
    line: std::ops::Range<usize>,
    secret_start: usize,
    all: &[std::ops::Range<usize>],
) -> (String, u32) {
    let mut from = line.start;
    let to = line.end.min(secret_start.max(from) + SNIPPET_MAX);
    if secret_start > from + SNIPPET_MAX / 2 {
        from = secret_start - SNIPPET_MAX / 2;
        while from > line.start && (bytes[from] & 0xC0) == 0x80 {
            from -= 1;
        }
    }
    let to = to.max(from);
    let text = &bytes[from..to];
    // Every secret reaching into the window is masked, including ones that start before it.
    let rel: Vec<std::ops::Range<usize>> = all
        .iter()
        .filter(|r| r.start < to && r.end > from)
        .map(|r| r.start.saturating_sub(from)..(r.end - from).min(text.len()))
        .collect();
    (
        finding::mask_line(text, &rel),
        index.position(bytes, from).column,
    )
}

fn find_suppressions(bytes: &[u8], index: &LineIndex) -> Vec<Suppression> {
    memchr::memmem::find_iter(bytes, suppress::MARKER)
        // A marker right after a backtick is documentation quoting the syntax, not a suppression.
        .filter(|&at| at == 0 || bytes[at - 1] != b'`')
        .filter_map(|at| {
            let pos = index.position(bytes, at);
            let range = index.line_range(bytes, pos.line);
            let line = &bytes[range.clone()];
            suppress::parse_line(&line[at - range.start..], pos.line, pos.column)
        })
        .collect()
}

/// What a finding in test code says about its confidence.
const TEST_PATH_NOTE: &str = "in test or example code: confidence lowered one level";

/// Directories whose files are test data, fixtures, mocks or examples: credentials there are
/// more often fakes, so findings are reported one confidence level lower (still reported).
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "testdata",
    "test_data",
    "test-data",
    "__tests__",
    "fixture",
    "fixtures",
    "__fixtures__",
    "spec",
    "specs",
    "__mocks__",
    "mock",
    "mocks",
    "example",
    "examples",
];

/// Whether `path` (`/`-separated) is test or example code: under a [`TEST_DIRS`] directory, or a
/// test file by the usual naming (`test_x.py`, `x_test.go`, `x.test.ts`, `x.spec.js`).
pub fn is_test_path(path: &str) -> bool {
    let mut parts = path.split('/').rev();
    let file = parts.next().unwrap_or_default().to_ascii_lowercase();
    let stem = file.split('.').next().unwrap_or_default();
    parts.any(|d| TEST_DIRS.contains(&d.to_ascii_lowercase().as_str()))
        || stem.starts_with("test_")
        || stem.ends_with("_test")
        || file.contains(".test.")
        || file.contains(".spec.")
}

/// Whether a file is binary, as git decides: a NUL byte in its first 8 KiB.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some()
}

/// Sorts findings and notifications and drops exact duplicates, for byte-identical output.
pub fn finish(report: &mut Report) {
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
        .findings
        .dedup_by(|a, b| a.sort_key() == b.sort_key());
    report.notifications.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.path, b.line, b.column, b.code, &b.message))
    });
    report.notifications.dedup();
}

/// Default roots: the current directory.
pub fn default_roots() -> Vec<PathBuf> {
    vec![PathBuf::from(".")]
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn test_paths() {
        for p in [
            "tests/it/main.rs",
            "src/__tests__/a.js",
            "pkg/testdata/x.env",
            "Lib/test/certdata/k.pem",
            "a/b_test.go",
            "test_app.py",
            "ui/x.spec.ts",
            "web/y.test.js",
            "docs/examples/s.rst",
            "Fixtures/k",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "src/main.rs",
            "contest/a.py",
            "latest/config.yaml",
            "deploy/.env",
            "attestation.json",
            "tests.rs",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
