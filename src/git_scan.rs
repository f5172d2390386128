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
    self, CommitInfo, Finding, Introduction, Level, MAX_PROVENANCES, Notification, Presence,
    Provenance, ProvenanceKind, VersionControl,
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
    if history::is_lfs_pointer(&bytes) {
        out.notifications.push(
            Notification::new(
                Level::Note,
                "git-lfs-pointer",
                format!(
                    "{path}: Git LFS pointer, not scanned: the content is in LFS storage, not in git (scan a checkout with the LFS objects)"
                ),
            )
            .at(path, None, None),
        );
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

/// The secret keys of each blob read, and a way to read more on demand.
struct BlobKeys<'a> {
    scanner: &'a Scanner,
    repo: &'a gix::Repository,
    full: &'a ScanOptions,
    known: HashMap<gix::ObjectId, Vec<String>>,
}

impl BlobKeys<'_> {
    /// The keys of the secrets in blob `id` (shown as `path` if it has to be read now).
    fn get(&mut self, id: gix::ObjectId, path: &str) -> &[String] {
        let (scanner, repo, full) = (self.scanner, self.repo, self.full);
        self.known
            .entry(id)
            .or_insert_with(|| blob_keys(scan_blob(scanner, repo, id, path, full).findings.iter()))
    }
}

/// The distinct keys of a blob's findings.
fn blob_keys<'a>(findings: impl Iterator<Item = &'a (Finding, String)>) -> Vec<String> {
    let mut keys: Vec<String> = findings.map(|(_, k)| k.clone()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// For each secret key in `pending` (secrets HEAD's tree lacks but its history held), the commit
/// of HEAD's history that took it out. Walking HEAD's first-parent line back from HEAD, the first
/// commit that drops a blob holding the secret from its first parent's tree is the one: every
/// commit after it lacks the secret, or a later one would have dropped it. A secret that never
/// reached that line (added and removed on a merged branch, or dropped by a merge) is looked for
/// in the other parent links, newest first, each candidate checked against its whole tree.
fn find_removals(
    keys: &mut BlobKeys<'_>,
    listed: &history::History,
    ancestry: &history::Ancestry,
    mut pending: HashSet<String>,
) -> HashMap<String, gix::ObjectId> {
    let repo = keys.repo;
    let mut found = HashMap::new();
    let line = ancestry.first_parent_line();
    for pair in line.windows(2) {
        if pending.is_empty() {
            return found;
        }
        // What the listing recorded, if it knows every blob; else the diff again, with paths.
        let recorded = listed
            .dropped
            .get(&pair[0])
            .filter(|ids| ids.iter().all(|id| keys.known.contains_key(id)));
        let dropped: Vec<gix::ObjectId> = match recorded {
            Some(ids) => ids.clone(),
            None => match history::dropped_blobs(repo, pair[0], pair[1]) {
                Ok(d) => d
                    .into_iter()
                    .map(|(path, id)| {
                        keys.get(id, &path);
                        id
                    })
                    .collect(),
                Err(_) => continue,
            },
        };
        for id in dropped {
            for k in keys.known.get(&id).into_iter().flatten() {
                if pending.remove(k) {
                    found.insert(k.clone(), pair[0]);
                }
            }
        }
    }
    let on_line: HashSet<&gix::ObjectId> = line.iter().collect();
    for c in &ancestry.order {
        for (i, p) in ancestry.parents[c].iter().enumerate() {
            if pending.is_empty() {
                return found;
            }
            if (i == 0 && on_line.contains(c)) || !ancestry.contains(p) {
                continue;
            }
            let Ok(dropped) = history::dropped_blobs(repo, *c, *p) else {
                continue;
            };
            let mut candidates: Vec<String> = Vec::new();
            for (path, id) in dropped {
                candidates.extend(
                    keys.get(id, &path)
                        .iter()
                        .filter(|k| pending.contains(*k))
                        .cloned(),
                );
            }
            if candidates.is_empty() {
                continue;
            }
            let Ok(tree) = history::tree_blobs(repo, *c) else {
                continue;
            };
            let held: HashSet<&String> = tree
                .values()
                .filter_map(|id| keys.known.get(id))
                .flatten()
                .collect();
            for k in candidates {
                if !held.contains(&k) && pending.remove(&k) {
                    found.insert(k, *c);
                }
            }
        }
    }
    found
}

fn commit_info(c: &history::CommitMeta) -> CommitInfo {
    CommitInfo {
        commit: c.id.to_string(),
        author: c.author.clone(),
        email: c.email.clone(),
        date: history::rfc3339(c.seconds, c.offset),
    }
}

/// The findings of one fingerprint across history: the blobs that hold it, the oldest first.
struct Group {
    key: String,
    blobs: Vec<usize>,
}

/// Every (commit, path) that introduced any of `blobs`, oldest first, without repeats.
fn introductions(listed: &history::History, blobs: &[usize]) -> Vec<history::Intro> {
    let mut all: Vec<history::Intro> = blobs
        .iter()
        .flat_map(|b| listed.blobs[*b].intros.iter().copied())
        .collect();
    all.sort_unstable_by(|a, b| {
        (a.commit, &listed.paths[a.path as usize]).cmp(&(b.commit, &listed.paths[b.path as usize]))
    });
    all.dedup();
    all
}

/// The provenance of a group: its introductions and whether HEAD still holds the secret.
fn group_provenance(
    listed: &history::History,
    repo: &gix::Repository,
    group: &Group,
    status: Presence,
    removed_in: Option<gix::ObjectId>,
    only_on: Vec<String>,
) -> Provenance {
    let intros = introductions(listed, &group.blobs);
    let first = listed.blobs[group.blobs[0]].commit;
    let commits: HashSet<u32> = intros.iter().map(|i| i.commit).collect();
    let paths: HashSet<u32> = intros.iter().map(|i| i.path).collect();
    let c = &listed.commits[first];
    Provenance {
        kind: ProvenanceKind::Commit,
        commit: Some(c.id.to_string()),
        author: Some(c.author.clone()),
        email: Some(c.email.clone()),
        date: Some(history::rfc3339(c.seconds, c.offset)),
        path: listed.blobs[group.blobs[0]].path.clone(),
        commits: commits.len() as u64,
        paths: paths.len() as u64,
        status: Some(status),
        removed_in: removed_in
            .and_then(|id| history::commit_meta(repo, id).ok())
            .map(|m| commit_info(&m)),
        only_on: only_on.into_iter().take(MAX_PROVENANCES).collect(),
        provenances: intros
            .iter()
            .take(MAX_PROVENANCES)
            .map(|i| Introduction {
                commit: commit_info(&listed.commits[i.commit as usize]),
                path: listed.paths[i.path as usize].clone(),
            })
            .collect(),
        provenances_total: intros.len() as u64,
    }
}

/// What a finding's message adds about its place in history.
fn history_message(p: &Provenance) -> Option<String> {
    const ROTATE: &str = "revoke and rotate it, rewriting history is not enough";
    match p.status? {
        Presence::StillPresent => None,
        Presence::Removed => Some(match &p.removed_in {
            Some(r) => format!(
                "; removed from HEAD in commit {} but still in git history: {ROTATE}",
                &r.commit[..r.commit.len().min(12)]
            ),
            None => format!("; removed from HEAD but still in git history: {ROTATE}"),
        }),
        Presence::NotOnDefaultBranch if p.only_on.is_empty() => Some(format!(
            "; not in HEAD's history but in the repository's: {ROTATE}"
        )),
        Presence::NotOnDefaultBranch => Some(format!(
            "; not in HEAD, only on {}, but in git history: {ROTATE}",
            p.only_on_text()
        )),
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
                || history::blob_reader(sync),
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
    let mut keys = BlobKeys {
        scanner,
        repo: &repo,
        full: &full,
        known: HashMap::with_capacity(results.len()),
    };
    for r in &results {
        keys.known
            .insert(listed.blobs[r.blob].id, blob_keys(r.findings.iter()));
    }
    let any_findings = results.iter().any(|r| !r.findings.is_empty());
    if any_findings {
        let rest: Vec<(&String, gix::ObjectId)> = head_blobs
            .iter()
            .filter(|(_, id)| !keys.known.contains_key(*id))
            .map(|(p, id)| (p, *id))
            .collect();
        let scanned: Vec<(gix::ObjectId, Vec<String>)> = in_pool(opts.walk.threads, || {
            rest.par_iter()
                .map_init(
                    || history::blob_reader(sync),
                    |repo, (path, id)| {
                        let r = scan_blob(scanner, repo, *id, path, &full);
                        (*id, blob_keys(r.findings.iter()))
                    },
                )
                .collect()
        });
        keys.known.extend(scanned);
    }
    let present: HashSet<&String> = head_ids
        .iter()
        .filter_map(|id| keys.known.get(id))
        .flatten()
        .collect();
    let present: HashSet<String> = present.into_iter().cloned().collect();

    // One finding per fingerprint: the occurrences in the oldest blob that holds it.
    let mut groups: HashMap<String, Group> = HashMap::new();
    for r in &results {
        r.counts.add_to(&mut report.stats);
        let mut seen = HashSet::new();
        for (f, key) in &r.findings {
            if !seen.insert(f.fingerprint.as_str()) {
                continue;
            }
            groups
                .entry(f.fingerprint.clone())
                .or_insert_with(|| Group {
                    key: key.clone(),
                    blobs: Vec::new(),
                })
                .blobs
                .push(r.blob);
        }
    }
    for g in groups.values_mut() {
        g.blobs
            .sort_unstable_by_key(|b| (listed.blobs[*b].commit, *b));
    }

    // Not in HEAD's tree: removed from HEAD's history, or never in it.
    let mut ancestry = None;
    let mut children = None;
    let mut status: HashMap<&str, (Presence, Vec<String>)> = HashMap::new();
    let mut pending = HashSet::new();
    for (fp, g) in &groups {
        if present.contains(&g.key) {
            status.insert(fp, (Presence::StillPresent, Vec::new()));
            continue;
        }
        let ancestry = ancestry.get_or_insert_with(|| {
            listed.head_ancestry(&repo).unwrap_or_else(|e| {
                report.notifications.push(Notification::new(
                    Level::Error,
                    "git-object-unreadable",
                    format!("cannot walk HEAD's history: {e}"),
                ));
                history::Ancestry::default()
            })
        });
        let commits: Vec<gix::ObjectId> = g
            .blobs
            .iter()
            .flat_map(|b| listed.blobs[*b].intros.iter())
            .map(|i| listed.commits[i.commit as usize].id)
            .collect();
        if commits.iter().any(|c| ancestry.contains(c)) {
            pending.insert(g.key.clone());
            status.insert(fp, (Presence::Removed, Vec::new()));
        } else {
            let children = children.get_or_insert_with(|| listed.children());
            let refs = listed.tips_reaching(children, &commits);
            status.insert(fp, (Presence::NotOnDefaultBranch, refs));
        }
    }
    let removals = match &ancestry {
        Some(a) if !pending.is_empty() => find_removals(&mut keys, &listed, a, pending),
        _ => HashMap::new(),
    };

    let mut provenance: HashMap<&str, Provenance> = HashMap::new();
    for (fp, g) in &groups {
        let Some((presence, only_on)) = status.remove(fp.as_str()) else {
            continue;
        };
        let removed_in = removals.get(&g.key).copied();
        provenance.insert(
            fp,
            group_provenance(&listed, &repo, g, presence, removed_in, only_on),
        );
    }
    for r in results {
        let in_head = head_ids.contains(&listed.blobs[r.blob].id);
        report.notifications.extend(
            r.notifications
                .into_iter()
                // Suppression notes about old versions of a file cannot be acted on.
                .filter(|n| in_head || !n.code.starts_with("suppression-")),
        );
        for (mut f, _) in r.findings {
            if groups.get(&f.fingerprint).map(|g| g.blobs[0]) != Some(r.blob) {
                continue;
            }
            let Some(p) = provenance.get(f.fingerprint.as_str()) else {
                continue;
            };
            if let Some(m) = history_message(p) {
                f.message.push_str(&m);
            }
            f.provenance = Some(p.clone());
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
                removed_in: None,
                only_on: Vec::new(),
                provenances: Vec::new(),
                provenances_total: 0,
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
