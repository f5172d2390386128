//! Git history as a source: the commits reachable from the refs (or a range of them), the blobs
//! each commit introduces (a tree diff against its parents), each distinct blob listed once with
//! the oldest commit and path that introduced it. Read with gix only, never a `git` process.
//!
//! This module lists and reads objects; it does not scan them (`crate::git_scan` does).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use gix::ObjectId;
use gix::bstr::{BStr, ByteSlice};
use gix::objs::tree::EntryKind;
use rayon::prelude::*;

use crate::finding::{Level, Notification};

/// Object cache of each thread-local repository handle: trees are read once per child commit.
const OBJECT_CACHE: usize = 32 << 20;

/// Why the history cannot be listed at all.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path}: not a git repository ({reason})")]
    NotARepository { path: String, reason: String },
    #[error("cannot resolve `{spec}`: {reason}")]
    BadRevision { spec: String, reason: String },
    #[error("cannot list the refs of {path}: {reason}")]
    Refs { path: String, reason: String },
    #[error("cannot walk the commits: {0}")]
    Walk(String),
}

/// Which commits to read.
#[derive(Clone, Debug, Default)]
pub struct HistoryOptions {
    /// Only this ref (or revision) and its ancestors; all refs when `None`.
    pub branch: Option<String>,
    /// Only commits not reachable from this revision.
    pub since_commit: Option<String>,
    /// `A..B`: commits reachable from B and not from A (`A..` means `A..HEAD`).
    pub range: Option<String>,
    /// gitignore-style globs of paths to leave out, relative to the repository root.
    pub exclude: Vec<String>,
}

/// A commit that introduced at least one blob.
#[derive(Clone, Debug)]
pub struct CommitMeta {
    pub id: ObjectId,
    pub author: String,
    pub email: String,
    /// Author date: seconds since the epoch and offset east of UTC in seconds.
    pub seconds: i64,
    pub offset: i32,
    /// Committer date in seconds, the order of "first".
    pub committed: i64,
}

/// A distinct blob and where it appeared.
#[derive(Clone, Debug)]
pub struct BlobEntry {
    pub id: ObjectId,
    /// The path of its first (oldest) introduction.
    pub path: String,
    /// Index into [`History::commits`] of that commit.
    pub commit: usize,
    /// Commits that introduced it, at any path.
    pub commits: u64,
    /// Distinct paths it was introduced at.
    pub paths: u64,
}

/// The listed history.
#[derive(Debug)]
pub struct History {
    pub repo: gix::ThreadSafeRepository,
    pub commits: Vec<CommitMeta>,
    /// Distinct blobs, sorted by (path, id).
    pub blobs: Vec<BlobEntry>,
    /// Commits read, including those that introduced nothing.
    pub commits_walked: u64,
    /// HEAD's commit, if HEAD points at one.
    pub head: Option<ObjectId>,
    pub notifications: Vec<Notification>,
}

/// What one commit introduces.
#[derive(Default)]
struct Introduced {
    /// (path, blob) pairs, blobs only (no symlinks, no submodules).
    blobs: Vec<(String, ObjectId)>,
    gitlinks: Vec<String>,
    errors: Vec<Notification>,
}

/// A matcher for `--exclude` globs on repository paths.
pub struct Exclude(Option<ignore::gitignore::Gitignore>);

impl Exclude {
    pub fn new(globs: &[String]) -> Self {
        if globs.is_empty() {
            return Exclude(None);
        }
        let mut b = ignore::gitignore::GitignoreBuilder::new("");
        for g in globs {
            // Invalid globs are reported by the working-tree walk's option parsing; skip here.
            let _ = b.add_line(None, g);
        }
        Exclude(b.build().ok())
    }

    pub fn excludes(&self, path: &str) -> bool {
        self.0
            .as_ref()
            .is_some_and(|m| m.matched_path_or_any_parents(path, false).is_ignore())
    }
}

/// Opens the repository at (or above) `path`.
pub fn open(path: &Path) -> Result<gix::Repository, HistoryError> {
    let mut repo = gix::discover(path).map_err(|e| HistoryError::NotARepository {
        path: crate::source::walk::display_path(path),
        reason: e.to_string(),
    })?;
    repo.object_cache_size_if_unset(OBJECT_CACHE);
    Ok(repo)
}

fn resolve(repo: &gix::Repository, spec: &str) -> Result<ObjectId, HistoryError> {
    let bad = |reason: String| HistoryError::BadRevision {
        spec: spec.to_owned(),
        reason,
    };
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| bad(e.to_string()))?;
    let commit = id
        .object()
        .map_err(|e| bad(e.to_string()))?
        .peel_to_commit()
        .map_err(|e| bad(e.to_string()))?;
    Ok(commit.id)
}

/// Commits every ref points at (peeled; refs to trees or blobs are left out).
fn all_ref_tips(repo: &gix::Repository, path: &Path) -> Result<Vec<ObjectId>, HistoryError> {
    let refs_err = |e: &dyn std::fmt::Display| HistoryError::Refs {
        path: crate::source::walk::display_path(path),
        reason: e.to_string(),
    };
    let platform = repo.references().map_err(|e| refs_err(&e))?;
    let mut tips = BTreeSet::new();
    for r in platform.all().map_err(|e| refs_err(&e))? {
        let Ok(mut r) = r else { continue };
        if let Ok(c) = r.peel_to_commit() {
            tips.insert(c.id);
        }
    }
    if let Ok(id) = repo.head_id() {
        tips.insert(id.detach());
    }
    Ok(tips.into_iter().collect())
}

/// Lists the commits selected by `opts` and the distinct blobs they introduce.
pub fn list(path: &Path, opts: &HistoryOptions) -> Result<History, HistoryError> {
    let repo = open(path)?;
    let head = repo.head_id().ok().map(gix::Id::detach);
    let mut hidden = Vec::new();
    let tips = if let Some(range) = &opts.range {
        let (from, to) = range
            .split_once("..")
            .filter(|(_, to)| !to.starts_with('.'))
            .ok_or_else(|| HistoryError::BadRevision {
                spec: range.clone(),
                reason: "a range is written `A..B`".to_owned(),
            })?;
        let to = if to.is_empty() { "HEAD" } else { to };
        let from = if from.is_empty() { "HEAD" } else { from };
        hidden.push(resolve(&repo, from)?);
        vec![resolve(&repo, to)?]
    } else if let Some(branch) = &opts.branch {
        vec![resolve(&repo, branch)?]
    } else {
        all_ref_tips(&repo, path)?
    };
    if let Some(since) = &opts.since_commit {
        hidden.push(resolve(&repo, since)?);
    }
    let mut ids = Vec::new();
    if !tips.is_empty() {
        let walk = repo
            .rev_walk(tips)
            .with_hidden(hidden)
            .all()
            .map_err(|e| HistoryError::Walk(e.to_string()))?;
        for info in walk {
            match info {
                Ok(info) => ids.push(info.id),
                Err(e) => return Err(HistoryError::Walk(e.to_string())),
            }
        }
    }
    let shallow = repo.is_shallow().unwrap_or(false);
    let sync = repo.into_sync();
    let per_commit: Vec<(Option<CommitMeta>, Introduced)> = ids
        .par_iter()
        .map_init(
            || thread_repo(&sync),
            |repo, id| introduced_by(repo, *id, shallow),
        )
        .collect();
    let commits_walked = ids.len() as u64;
    let exclude = Exclude::new(&opts.exclude);
    let per_commit = per_commit
        .into_iter()
        .map(|(meta, mut intro)| {
            intro.blobs.retain(|(p, _)| !exclude.excludes(p));
            intro.gitlinks.retain(|p| !exclude.excludes(p));
            (meta, intro)
        })
        .collect();
    Ok(collect(sync, per_commit, commits_walked, head))
}

fn thread_repo(sync: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = sync.to_thread_local();
    repo.object_cache_size_if_unset(OBJECT_CACHE);
    repo
}

/// Aggregates per-commit results: one entry per blob, attributed to the oldest commit.
fn collect(
    repo: gix::ThreadSafeRepository,
    per_commit: Vec<(Option<CommitMeta>, Introduced)>,
    commits_walked: u64,
    head: Option<ObjectId>,
) -> History {
    struct Agg {
        first: (i64, i64, usize),
        path: String,
        commit: usize,
        commits: u64,
        paths: HashSet<String>,
    }
    let mut commits = Vec::new();
    let mut notifications = Vec::new();
    let mut gitlinks = BTreeSet::new();
    let mut blobs: HashMap<ObjectId, Agg> = HashMap::new();
    // The walk lists children before parents; a later position breaks ties in time as older.
    let total = per_commit.len();
    for (walk_pos, (meta, intro)) in per_commit.into_iter().enumerate() {
        notifications.extend(intro.errors);
        gitlinks.extend(intro.gitlinks);
        let Some(meta) = meta else { continue };
        if intro.blobs.is_empty() {
            continue;
        }
        let index = commits.len();
        let key = (meta.committed, meta.seconds, total - walk_pos);
        commits.push(meta);
        let mut seen_here = HashSet::new();
        for (path, id) in intro.blobs {
            let agg = blobs.entry(id).or_insert_with(|| Agg {
                first: key,
                path: path.clone(),
                commit: index,
                commits: 0,
                paths: HashSet::new(),
            });
            if key < agg.first || (key == agg.first && path < agg.path) {
                agg.first = key;
                agg.path.clone_from(&path);
                agg.commit = index;
            }
            if seen_here.insert(id) {
                agg.commits += 1;
            }
            agg.paths.insert(path);
        }
    }
    for path in gitlinks {
        notifications.push(
            Notification::new(
                Level::Note,
                "git-submodule",
                format!("{path}: submodule, not entered (scan its repository separately)"),
            )
            .at(path, None, None),
        );
    }
    let mut blobs: Vec<BlobEntry> = blobs
        .into_iter()
        .map(|(id, a)| BlobEntry {
            id,
            path: a.path,
            commit: a.commit,
            commits: a.commits,
            paths: a.paths.len() as u64,
        })
        .collect();
    blobs.sort_by(|a, b| (&a.path, a.id).cmp(&(&b.path, b.id)));
    History {
        repo,
        commits,
        blobs,
        commits_walked,
        head,
        notifications,
    }
}

fn object_error(id: &gix::oid, what: &str, e: &dyn std::fmt::Display) -> Notification {
    Notification::new(
        Level::Error,
        "git-object-unreadable",
        format!("cannot read {what} {id}: {e}"),
    )
}

/// The commit's metadata and the blobs it introduces: blobs that differ from every parent at
/// their path (all blobs of a root commit).
fn introduced_by(
    repo: &gix::Repository,
    id: ObjectId,
    shallow: bool,
) -> (Option<CommitMeta>, Introduced) {
    let mut out = Introduced::default();
    let (meta, tree, parents) = match read_commit(repo, id) {
        Ok(c) => c,
        Err(e) => {
            out.errors.push(object_error(&id, "commit", &e));
            return (None, out);
        }
    };
    let mut parent_trees = Vec::new();
    for p in parents {
        match read_commit(repo, p) {
            Ok((_, t, _)) => parent_trees.push(t),
            // Past a shallow boundary the parent is absent: the commit counts as a root.
            Err(_) if shallow && !repo.has_object(p) => {}
            Err(e) => out.errors.push(object_error(&p, "commit", &e)),
        }
    }
    let mut candidates = Vec::new();
    let mut prefix = Vec::new();
    diff_trees(
        repo,
        parent_trees.first().copied(),
        tree,
        &mut prefix,
        &mut candidates,
        &mut out,
    );
    // A merge introduces what differs from every parent, not what one side brought in.
    for other in parent_trees.iter().skip(1) {
        let mut against = Vec::new();
        let mut scratch = Introduced::default();
        diff_trees(
            repo,
            Some(*other),
            tree,
            &mut Vec::new(),
            &mut against,
            &mut scratch,
        );
        let against: HashSet<(String, ObjectId)> = against.into_iter().collect();
        candidates.retain(|c| against.contains(c));
        out.gitlinks.retain(|g| scratch.gitlinks.contains(g));
    }
    out.blobs = candidates;
    (Some(meta), out)
}

fn read_commit(
    repo: &gix::Repository,
    id: ObjectId,
) -> Result<(CommitMeta, ObjectId, Vec<ObjectId>), String> {
    let object = repo.find_object(id).map_err(|e| e.to_string())?;
    let commit =
        gix::objs::CommitRef::from_bytes(&object.data, id.kind()).map_err(|e| e.to_string())?;
    let author = commit.author().map_err(|e| e.to_string())?;
    let committer = commit.committer().map_err(|e| e.to_string())?;
    let time = author.time().unwrap_or_default();
    let meta = CommitMeta {
        id,
        author: author.name.to_str_lossy().into_owned(),
        email: author.email.to_str_lossy().into_owned(),
        seconds: time.seconds,
        offset: time.offset,
        committed: committer.seconds(),
    };
    Ok((meta, commit.tree(), commit.parents().collect()))
}

/// Tree entries as (name, kind, id).
fn tree_entries(
    repo: &gix::Repository,
    id: ObjectId,
) -> Result<Vec<(Vec<u8>, EntryKind, ObjectId)>, String> {
    let object = repo.find_object(id).map_err(|e| e.to_string())?;
    let tree =
        gix::objs::TreeRef::from_bytes(&object.data, id.kind()).map_err(|e| e.to_string())?;
    Ok(tree
        .entries
        .iter()
        .map(|e| (e.filename.to_vec(), e.mode.kind(), e.oid.to_owned()))
        .collect())
}

fn join(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = prefix.to_vec();
    if !p.is_empty() {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

/// Blobs (and gitlinks) of `new` that are not at the same path in `old`; unchanged subtrees are
/// skipped by id.
fn diff_trees(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: ObjectId,
    prefix: &mut Vec<u8>,
    blobs: &mut Vec<(String, ObjectId)>,
    out: &mut Introduced,
) {
    if old == Some(new) {
        return;
    }
    let new_entries = match tree_entries(repo, new) {
        Ok(e) => e,
        Err(e) => {
            out.errors
                .push(object_error(&new, "tree", &e).at(path_string(prefix), None, None));
            return;
        }
    };
    let old_entries: HashMap<Vec<u8>, (EntryKind, ObjectId)> = match old {
        Some(old) => match tree_entries(repo, old) {
            Ok(e) => e.into_iter().map(|(n, k, i)| (n, (k, i))).collect(),
            Err(e) => {
                out.errors
                    .push(object_error(&old, "tree", &e).at(path_string(prefix), None, None));
                HashMap::new()
            }
        },
        None => HashMap::new(),
    };
    for (name, kind, id) in new_entries {
        let before = old_entries.get(&name);
        if before.is_some_and(|(k, i)| *i == id && same_kind(*k, kind)) {
            continue;
        }
        match kind {
            EntryKind::Tree => {
                let old_sub = before
                    .filter(|(k, _)| *k == EntryKind::Tree)
                    .map(|(_, i)| *i);
                let saved = prefix.len();
                *prefix = join(prefix, &name);
                diff_trees(repo, old_sub, id, prefix, blobs, out);
                prefix.truncate(saved);
            }
            EntryKind::Blob | EntryKind::BlobExecutable => {
                blobs.push((path_string(&join(prefix, &name)), id));
            }
            EntryKind::Commit => out.gitlinks.push(path_string(&join(prefix, &name))),
            EntryKind::Link => {}
        }
    }
}

/// A mode change between plain and executable blob keeps the content: not a new blob.
fn same_kind(a: EntryKind, b: EntryKind) -> bool {
    let blob = |k| matches!(k, EntryKind::Blob | EntryKind::BlobExecutable);
    a == b || (blob(a) && blob(b))
}

fn path_string(p: &[u8]) -> String {
    BStr::new(p).to_str_lossy().into_owned()
}

/// Every blob of a commit's tree as path -> blob id (symlinks and submodules left out).
pub fn tree_blobs(
    repo: &gix::Repository,
    commit: ObjectId,
) -> Result<HashMap<String, ObjectId>, String> {
    let (_, tree, _) = read_commit(repo, commit)?;
    let mut out = Introduced::default();
    let mut blobs = Vec::new();
    diff_trees(repo, None, tree, &mut Vec::new(), &mut blobs, &mut out);
    if let Some(e) = out.errors.first() {
        return Err(e.message.clone());
    }
    Ok(blobs.into_iter().collect())
}

/// A blob's size without inflating it.
pub fn blob_size(repo: &gix::Repository, id: ObjectId) -> Result<u64, String> {
    repo.find_header(id)
        .map(|h| h.size())
        .map_err(|e| e.to_string())
}

/// A blob's bytes.
pub fn read_blob(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, String> {
    repo.find_object(id)
        .map(|mut o| std::mem::take(&mut o.data))
        .map_err(|e| e.to_string())
}

/// A per-thread handle on the repository, with an object cache.
pub fn thread_local(sync: &gix::ThreadSafeRepository) -> gix::Repository {
    thread_repo(sync)
}

/// The fetch URL of the default remote as a URI without credentials, if there is one.
pub fn remote_uri(repo: &gix::Repository) -> Option<String> {
    let remote = repo
        .find_default_remote(gix::remote::Direction::Fetch)?
        .ok()?;
    let url = remote.url(gix::remote::Direction::Fetch)?;
    let path = url.path.to_str_lossy();
    let path = path.trim_start_matches('/');
    match url.host() {
        Some(host) => {
            let port = url.port.map(|p| format!(":{p}")).unwrap_or_default();
            Some(format!("{}://{host}{port}/{path}", url.scheme.as_str()))
        }
        None => Some(format!("file:///{path}")),
    }
}

/// Author date as RFC 3339 in the author's own offset.
pub fn rfc3339(seconds: i64, offset: i32) -> String {
    let local = seconds + i64::from(offset);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.unsigned_abs();
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        off / 3600,
        off % 3600 / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn dates_are_rfc3339_in_the_authors_offset() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(1_700_000_000, 3600), "2023-11-14T23:13:20+01:00");
        assert_eq!(
            rfc3339(951_782_400, -5 * 3600 - 1800),
            "2000-02-28T18:30:00-05:30"
        );
    }
}
