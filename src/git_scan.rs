//! Scans of git content: history (every distinct blob once, in parallel, each finding tied to
//! the oldest commit that introduced it and marked still present in HEAD or removed) and staged
//! changes (what a commit would add). Sources come from [`crate::source::history`] and
//! [`crate::source::staged`]; matching is [`Scanner::scan_bytes`], exactly as for files.
//!
//! Not here: the working-tree scan (`scan.rs`) and printing (`report`).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use rayon::prelude::*;

use crate::finding::{
    self, Finding, Level, Notification, Presence, Provenance, ProvenanceKind, VersionControl,
};
use crate::scan::{self, Counts, Progress, Report, ScanOptions, Scanner, in_pool};
use crate::source::history::{self, HistoryError, HistoryOptions};
use crate::source::staged;

/// A report of git content and what it was taken from.
#[derive(Debug)]
pub struct GitReport {
    pub report: Report,
    /// The repository and HEAD revision, for SARIF.
    pub version_control: Option<VersionControl>,
    /// Commits read (history scans).
    pub commits: u64,
}

/// One blob's findings, each with the path-independent key of its secret.
#[derive(Default)]
struct BlobResult {
    blob: usize,
    findings: Vec<(Finding, String)>,
    notifications: Vec<Notification>,
    counts: Counts,
}

/// Rule id and secret, without the path: the same secret anywhere in a tree.
fn secret_key(f: &Finding) -> String {
    let secret = f
        .secret
        .as_ref()
        .and_then(|s| s.value.as_deref())
        .unwrap_or(&f.fingerprint);
    finding::fingerprint(&f.rule_id, "", secret.as_bytes())
}

/// The scan's options with secrets kept in full: findings are keyed by their secret until
/// [`hide_secrets`] runs at the end. Built once per scan, not per blob.
fn keep_secrets(opts: &ScanOptions) -> ScanOptions {
    ScanOptions {
        show_secrets: true,
        ..opts.clone()
    }
}

/// Reads and scans one blob shown as `path`; `full` comes from [`keep_secrets`].
fn scan_blob(
    scanner: &Scanner,
    repo: &gix::Repository,
    id: gix::ObjectId,
    path: &str,
    full: &ScanOptions,
) -> BlobResult {
    let mut out = BlobResult::default();
    let unreadable = |e: String| {
        Notification::new(
            Level::Error,
            "git-object-unreadable",
            format!("{path}: cannot read blob {id}: {e}"),
        )
        .at(path, None, None)
    };
    let size = match history::blob_size(repo, id) {
        Ok(s) => s,
        Err(e) => {
            out.counts.unreadable = true;
            out.notifications.push(unreadable(e));
            return out;
        }
    };
    if full.max_file_size > 0 && size > full.max_file_size {
        out.counts.too_large = true;
        out.notifications.push(scan::too_large(
            path,
            &format!("blob {id} "),
            size,
            full.max_file_size,
        ));
        return out;
    }
    let bytes = match history::read_blob(repo, id) {
        Ok(b) => b,
        Err(e) => {
            out.counts.unreadable = true;
            out.notifications.push(unreadable(e));
            return out;
        }
    };
    if scan::looks_binary(&bytes) {
        out.counts.binary = true;
        return out;
    }
    out.counts.scanned = true;
    out.counts.bytes = bytes.len() as u64;
    let (findings, notes) = scanner.scan_bytes(path, &bytes, full);
    out.findings = findings
        .into_iter()
        .map(|f| {
            let key = secret_key(&f);
            (f, key)
        })
        .collect();
    out.notifications = notes;
    out
}

fn hide_secrets(report: &mut Report, show: bool) {
    if !show {
        for f in &mut report.findings {
            if let Some(s) = &mut f.secret {
                s.value = None;
            }
        }
    }
}

fn version_control(repo: &gix::Repository, head: Option<gix::ObjectId>) -> VersionControl {
    let repository_uri = history::remote_uri(repo).unwrap_or_else(|| {
        let dir = repo.workdir().unwrap_or_else(|| repo.git_dir());
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let path = dir.to_string_lossy().replace('\\', "/");
        format!("file://{}/", path.trim_end_matches('/'))
    });
    VersionControl {
        repository_uri,
        revision_id: head.map(|h| h.to_string()),
    }
}

/// Scans the history of the repository at `root` selected by `hopts`.
pub fn scan_history(
    scanner: &Scanner,
    root: &Path,
    hopts: &HistoryOptions,
    opts: &ScanOptions,
    progress: Option<&Progress>,
) -> Result<GitReport, HistoryError> {
    let start = Instant::now();
    let full = keep_secrets(opts);
    let listed = in_pool(opts.walk.threads, || history::list(root, hopts))?;
    let mut report = Report {
        notifications: listed.notifications.clone(),
        ..Report::default()
    };
    let sync = &listed.repo;
    let results: Vec<BlobResult> = in_pool(opts.walk.threads, || {
        listed
            .blobs
            .par_iter()
            .enumerate()
            .map_init(
                || history::thread_local(sync),
                |repo, (i, b)| {
                    let mut r = scan_blob(scanner, repo, b.id, &b.path, &full);
                    r.blob = i;
                    if let Some(p) = progress {
                        p.files
                            .fetch_add(u64::from(r.counts.scanned), Ordering::Relaxed);
                        p.bytes.fetch_add(r.counts.bytes, Ordering::Relaxed);
                        p.findings
                            .fetch_add(r.findings.len() as u64, Ordering::Relaxed);
                    }
                    r
                },
            )
            .collect()
    });
    let repo = history::thread_local(sync);
    let head_blobs: HashMap<String, gix::ObjectId> = match listed.head {
        Some(h) => history::tree_blobs(&repo, h).unwrap_or_else(|e| {
            report.notifications.push(Notification::new(
                Level::Error,
                "git-object-unreadable",
                format!("cannot read HEAD's tree: {e}"),
            ));
            HashMap::new()
        }),
        None => HashMap::new(),
    };
    let head_ids: HashSet<gix::ObjectId> = head_blobs.values().copied().collect();

    // Secrets at the tip of HEAD: from blobs already scanned, and (for a range) the others.
    let mut present: HashSet<String> = HashSet::new();
    let mut scanned_ids = HashSet::new();
    for r in &results {
        let id = listed.blobs[r.blob].id;
        scanned_ids.insert(id);
        if head_ids.contains(&id) {
            present.extend(r.findings.iter().map(|(_, k)| k.clone()));
        }
    }
    let any_findings = results.iter().any(|r| !r.findings.is_empty());
    if any_findings {
        let rest: Vec<(&String, gix::ObjectId)> = head_blobs
            .iter()
            .filter(|(_, id)| !scanned_ids.contains(*id))
            .map(|(p, id)| (p, *id))
            .collect();
        let keys: Vec<String> = in_pool(opts.walk.threads, || {
            rest.par_iter()
                .map_init(
                    || history::thread_local(sync),
                    |repo, (path, id)| {
                        scan_blob(scanner, repo, *id, path, &full)
                            .findings
                            .into_iter()
                            .map(|(_, k)| k)
                            .collect::<Vec<_>>()
                    },
                )
                .flatten()
                .collect()
        });
        present.extend(keys);
    }

    // One finding per fingerprint: the occurrences in the oldest blob that holds it.
    let order = |blob: usize| {
        let c = &listed.commits[listed.blobs[blob].commit];
        (c.committed, c.seconds, c.id)
    };
    let mut best: HashMap<String, (usize, u64, u64)> = HashMap::new();
    for r in &results {
        r.counts.add_to(&mut report.stats);
        let b = &listed.blobs[r.blob];
        let mut seen = HashSet::new();
        for (f, _) in &r.findings {
            if !seen.insert(f.fingerprint.as_str()) {
                continue;
            }
            let e = best.entry(f.fingerprint.clone()).or_insert((r.blob, 0, 0));
            if order(r.blob) < order(e.0) {
                e.0 = r.blob;
            }
            e.1 += b.commits;
            e.2 = e.2.max(b.paths);
        }
    }
    for r in results {
        let b = &listed.blobs[r.blob];
        let in_head = head_ids.contains(&b.id);
        report.notifications.extend(
            r.notifications
                .into_iter()
                // Suppression notes about old versions of a file cannot be acted on.
                .filter(|n| in_head || !n.code.starts_with("suppression-")),
        );
        let c = &listed.commits[b.commit];
        for (mut f, key) in r.findings {
            let Some(&(blob, commits, paths)) = best.get(&f.fingerprint) else {
                continue;
            };
            if blob != r.blob {
                continue;
            }
            let status = if present.contains(&key) {
                Presence::StillPresent
            } else {
                Presence::Removed
            };
            if status == Presence::Removed {
                f.message.push_str(
                    "; removed from HEAD but still in git history: revoke and rotate it, rewriting history is not enough",
                );
            }
            f.provenance = Some(Provenance {
                kind: ProvenanceKind::Commit,
                commit: Some(c.id.to_string()),
                author: Some(c.author.clone()),
                email: Some(c.email.clone()),
                date: Some(history::rfc3339(c.seconds, c.offset)),
                path: b.path.clone(),
                commits,
                paths,
                status: Some(status),
            });
            report.findings.push(f);
        }
    }
    hide_secrets(&mut report, opts.show_secrets);
    scan::finish(&mut report);
    report.stats.elapsed = start.elapsed();
    Ok(GitReport {
        version_control: Some(version_control(&repo, listed.head)),
        commits: listed.commits_walked,
        report,
    })
}

/// Scans the staged changes of the repository at `root`: only findings whose secret HEAD's
/// version of the file does not already hold, or every finding in the staged files with `all`.
pub fn scan_staged(
    scanner: &Scanner,
    root: &Path,
    all: bool,
    opts: &ScanOptions,
) -> Result<GitReport, HistoryError> {
    let start = Instant::now();
    let full = keep_secrets(opts);
    let listed = staged::list(root, &opts.walk.exclude)?;
    let mut report = Report {
        notifications: listed.notifications,
        ..Report::default()
    };
    let repo = &listed.repo;
    for e in &listed.entries {
        let r = scan_blob(scanner, repo, e.id, &e.path, &full);
        r.counts.add_to(&mut report.stats);
        report.notifications.extend(r.notifications);
        if r.findings.is_empty() {
            continue;
        }
        let before: HashSet<String> = match (all, e.head) {
            (false, Some(head)) => scan_blob(scanner, repo, head, &e.path, &full)
                .findings
                .into_iter()
                .map(|(_, k)| k)
                .collect(),
            _ => HashSet::new(),
        };
        for (mut f, key) in r.findings {
            if before.contains(&key) {
                continue;
            }
            f.provenance = Some(Provenance {
                kind: ProvenanceKind::Staged,
                commit: None,
                author: None,
                email: None,
                date: None,
                path: e.path.clone(),
                commits: 0,
                paths: 1,
                status: None,
            });
            report.findings.push(f);
        }
    }
    hide_secrets(&mut report, opts.show_secrets);
    scan::finish(&mut report);
    report.stats.elapsed = start.elapsed();
    Ok(GitReport {
        version_control: None,
        commits: 0,
        report,
    })
}
