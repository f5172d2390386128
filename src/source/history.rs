//! Git history as a source: the commits reachable from the refs (or a range of them), the blobs
//! each commit introduces (a tree diff against its parents), each distinct blob listed once with
//! every (commit, path) that introduced it, oldest first. Also the questions asked afterwards about
//! a secret that is not at the tip of HEAD: HEAD's ancestry, the blobs a commit drops from its
//! parent's tree, the refs that reach a commit. Read with gix only, never a `git` process.
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

/// Delta-base cache of each thread-local repository handle (4 to 128 MiB measured the same).
const PACK_CACHE: usize = 32 << 20;

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

/// One introduction of a blob: indices into [`History::commits`] and [`History::paths`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Intro {
    pub commit: u32,
    pub path: u32,
}

/// A distinct blob and where it appeared.
#[derive(Clone, Debug)]
pub struct BlobEntry {
    pub id: ObjectId,
    /// The path of its first (oldest) introduction.
    pub path: String,
    /// Index into [`History::commits`] of that commit.
    pub commit: usize,
    /// Every introduction, oldest commit first (ties by path): the first is `commit` and `path`.
    pub intros: Vec<Intro>,
}

/// The listed history.
#[derive(Debug)]
pub struct History {
    pub repo: gix::ThreadSafeRepository,
    /// Commits that introduced a blob, oldest first (committer date, author date, walk order).
    pub commits: Vec<CommitMeta>,
    /// Paths of introductions, interned.
    pub paths: Vec<String>,
    /// Distinct blobs, sorted by (path, id).
    pub blobs: Vec<BlobEntry>,
    /// Commits read, including those that introduced nothing.
    pub commits_walked: u64,
    /// HEAD's commit, if HEAD points at one.
    pub head: Option<ObjectId>,
    /// The parents of every commit read (parents past a shallow boundary included).
    pub graph: HashMap<ObjectId, Vec<ObjectId>>,
    /// For each commit read whose first parent could be read: the blobs of the first parent's
    /// tree it does not have at the same path (excluded paths left out).
    pub dropped: HashMap<ObjectId, Vec<ObjectId>>,
    /// The walk's starting points and the names they stand for (`refs/heads/x`, a `--branch`).
    pub tips: Vec<(ObjectId, String)>,
    /// Commits whose ancestry was left out (`--since-commit`, the `A` of `A..B`).
    pub hidden: Vec<ObjectId>,
    pub notifications: Vec<Notification>,
}

/// What one commit introduces.
#[derive(Default)]
struct Introduced {
    /// (path, blob) pairs, blobs only (no symlinks, no submodules).
    blobs: Vec<(String, ObjectId)>,
    /// Blobs of the first parent's tree that this commit's tree does not have at the same path;
    /// `None` when the first parent could not be read.
    dropped: Option<Vec<(String, ObjectId)>>,
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
    set_pack_cache(&mut repo);
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

/// The commits a walk starts from, and the names of those a ref points at.
type Tips = (Vec<ObjectId>, Vec<(ObjectId, String)>);

/// Commits every ref points at (peeled; refs to trees or blobs are left out), with the ref's full
/// name; HEAD is a tip without a name.
fn all_ref_tips(repo: &gix::Repository, path: &Path) -> Result<Tips, HistoryError> {
    let refs_err = |e: &dyn std::fmt::Display| HistoryError::Refs {
        path: crate::source::walk::display_path(path),
        reason: e.to_string(),
    };
    let platform = repo.references().map_err(|e| refs_err(&e))?;
    let mut tips = BTreeSet::new();
    let mut named = Vec::new();
    for r in platform.all().map_err(|e| refs_err(&e))? {
        let Ok(mut r) = r else { continue };
        let name = r.name().as_bstr().to_str_lossy().into_owned();
        if let Ok(c) = r.peel_to_commit() {
            tips.insert(c.id);
            named.push((c.id, name));
        }
    }
    if let Ok(id) = repo.head_id() {
        tips.insert(id.detach());
    }
    Ok((tips.into_iter().collect(), named))
}

/// Lists the commits selected by `opts` and the distinct blobs they introduce.
pub fn list(path: &Path, opts: &HistoryOptions) -> Result<History, HistoryError> {
    let repo = open(path)?;
    let head = repo.head_id().ok().map(gix::Id::detach);
    let mut hidden = Vec::new();
    let mut named = Vec::new();
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
        let tip = resolve(&repo, to)?;
        named.push((tip, to.to_owned()));
        vec![tip]
    } else if let Some(branch) = &opts.branch {
        let tip = resolve(&repo, branch)?;
        named.push((tip, branch.clone()));
        vec![tip]
    } else {
        let (tips, names) = all_ref_tips(&repo, path)?;
        named = names;
        tips
    };
    if let Some(since) = &opts.since_commit {
        hidden.push(resolve(&repo, since)?);
    }
    let mut ids = Vec::new();
    if !tips.is_empty() {
        let walk = repo
            .rev_walk(tips)
            .with_hidden(hidden.iter().copied())
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
    let mut notifications = Vec::new();
    if shallow {
        let boundary = repo.shallow_commits().ok().flatten().map_or(0, |c| c.len());
        notifications.push(Notification::new(
            Level::Warning,
            "git-shallow",
            format!(
                "history is truncated: a shallow clone ({boundary} boundary commit{}); what older commits introduced is not scanned (fetch with --unshallow for the whole history)",
                if boundary == 1 { "" } else { "s" }
            ),
        ));
    }
    let sync = repo.into_sync();
    let per_commit: Vec<(Option<CommitMeta>, Vec<ObjectId>, Introduced)> = ids
        .par_iter()
        .map_init(
            || thread_repo(&sync),
            |repo, id| introduced_by(repo, *id, shallow),
        )
        .collect();
    let commits_walked = ids.len() as u64;
    let exclude = Exclude::new(&opts.exclude);
    let mut graph = HashMap::with_capacity(per_commit.len());
    let mut dropped = HashMap::with_capacity(per_commit.len());
    let per_commit = per_commit
        .into_iter()
        .map(|(meta, parents, mut intro)| {
            intro.blobs.retain(|(p, _)| !exclude.excludes(p));
            intro.gitlinks.retain(|p| !exclude.excludes(p));
            if let Some(m) = &meta {
                graph.insert(m.id, parents);
                if let Some(d) = intro.dropped.take() {
                    let ids = d
                        .into_iter()
                        .filter(|(p, _)| !exclude.excludes(p))
                        .map(|(_, id)| id);
                    dropped.insert(m.id, ids.collect());
                }
            }
            (meta, intro)
        })
        .collect();
    let mut history = collect(sync, per_commit, commits_walked, head);
    history.graph = graph;
    history.dropped = dropped;
    history.tips = named;
    history.hidden = hidden;
    notifications.append(&mut history.notifications);
    history.notifications = notifications;
    Ok(history)
}

fn thread_repo(sync: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = sync.to_thread_local();
    repo.object_cache_size_if_unset(OBJECT_CACHE);
    set_pack_cache(&mut repo);
    repo
}

/// Delta bases decoded from packs, kept per thread in a hash map capped by size. gix's default
/// keeps 64 in a list searched linearly: a tenth of a history listing went to those lookups, and
/// a 20,000-commit listing took 15% longer with it.
fn set_pack_cache(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            PACK_CACHE,
        ))
    });
}

/// Aggregates per-commit results: commits sorted oldest first, one entry per blob with every
/// introduction, the oldest first.
fn collect(
    repo: gix::ThreadSafeRepository,
    per_commit: Vec<(Option<CommitMeta>, Introduced)>,
    commits_walked: u64,
    head: Option<ObjectId>,
) -> History {
    let mut notifications = Vec::new();
    let mut gitlinks = BTreeSet::new();
    // The walk lists children before parents; a later position breaks ties in time as older.
    let total = per_commit.len();
    let mut introducing = Vec::new();
    for (walk_pos, (meta, intro)) in per_commit.into_iter().enumerate() {
        notifications.extend(intro.errors);
        gitlinks.extend(intro.gitlinks);
        let Some(meta) = meta else { continue };
        if intro.blobs.is_empty() {
            continue;
        }
        let key = (meta.committed, meta.seconds, total - walk_pos);
        introducing.push((key, meta, intro.blobs));
    }
    introducing.sort_unstable_by_key(|(key, _, _)| *key);
    let mut commits = Vec::with_capacity(introducing.len());
    let mut paths: Vec<String> = Vec::new();
    let mut path_ids: HashMap<String, u32> = HashMap::new();
    let mut blobs: HashMap<ObjectId, Vec<Intro>> = HashMap::new();
    for (index, (_, meta, mut introduced)) in introducing.into_iter().enumerate() {
        commits.push(meta);
        introduced.sort_unstable();
        for (path, id) in introduced {
            let next = paths.len() as u32;
            let path = *path_ids.entry(path).or_insert_with_key(|p| {
                paths.push(p.clone());
                next
            });
            blobs.entry(id).or_default().push(Intro {
                commit: index as u32,
                path,
            });
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
        .map(|(id, intros)| BlobEntry {
            id,
            path: paths[intros[0].path as usize].clone(),
            commit: intros[0].commit as usize,
            intros,
        })
        .collect();
    blobs.sort_by(|a, b| (&a.path, a.id).cmp(&(&b.path, b.id)));
    History {
        repo,
        commits,
        paths,
        blobs,
        commits_walked,
        head,
        graph: HashMap::new(),
        dropped: HashMap::new(),
        tips: Vec::new(),
        hidden: Vec::new(),
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
) -> (Option<CommitMeta>, Vec<ObjectId>, Introduced) {
    let mut out = Introduced::default();
    let (meta, tree, parents) = match read_commit(repo, id) {
        Ok(c) => c,
        Err(e) => {
            out.errors.push(object_error(&id, "commit", &e));
            return (None, Vec::new(), out);
        }
    };
    let mut parent_trees = Vec::new();
    let mut first_parent_read = false;
    for (i, &p) in parents.iter().enumerate() {
        match read_commit(repo, p) {
            Ok((_, t, _)) => {
                parent_trees.push(t);
                first_parent_read |= i == 0;
            }
            // Past a shallow boundary the parent is absent: the commit counts as a root.
            Err(_) if shallow && !repo.has_object(p) => {}
            Err(e) => out.errors.push(object_error(&p, "commit", &e)),
        }
    }
    let mut diff = TreeDiff::new(repo, first_parent_read);
    diff.run(parent_trees.first().copied(), Some(tree));
    let mut candidates = diff.added;
    out.dropped = diff.dropped;
    out.gitlinks = diff.gitlinks;
    out.errors.append(&mut diff.errors);
    // A merge introduces what differs from every parent, not what one side brought in.
    for other in parent_trees.iter().skip(1) {
        let mut against = TreeDiff::new(repo, false);
        against.run(Some(*other), Some(tree));
        let added: HashSet<(String, ObjectId)> = against.added.into_iter().collect();
        candidates.retain(|c| added.contains(c));
        out.gitlinks.retain(|g| against.gitlinks.contains(g));
    }
    out.blobs = candidates;
    (Some(meta), parents, out)
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

/// A tree diff: the blobs (and gitlinks) of `new` that `old` does not have at the same path, and
/// optionally the blobs of `old` that `new` does not have. Unchanged subtrees are skipped by id;
/// entries are merged in git's tree order, borrowed from the objects' bytes.
struct TreeDiff<'r> {
    repo: &'r gix::Repository,
    added: Vec<(String, ObjectId)>,
    /// `None`: not asked for (the old side's own subtrees are then never read).
    dropped: Option<Vec<(String, ObjectId)>>,
    gitlinks: Vec<String>,
    errors: Vec<Notification>,
    prefix: Vec<u8>,
}

impl<'r> TreeDiff<'r> {
    fn new(repo: &'r gix::Repository, dropped: bool) -> Self {
        TreeDiff {
            repo,
            added: Vec::new(),
            dropped: dropped.then(Vec::new),
            gitlinks: Vec::new(),
            errors: Vec::new(),
            prefix: Vec::new(),
        }
    }

    fn read(&mut self, id: ObjectId) -> Option<gix::Object<'r>> {
        match self.repo.find_object(id) {
            Ok(o) => Some(o),
            Err(e) => {
                let at = path_string(&self.prefix);
                self.errors
                    .push(object_error(&id, "tree", &e).at(at, None, None));
                None
            }
        }
    }

    /// Diffs tree `old` (`None`: empty) against tree `new` (`None`: empty).
    fn run(&mut self, old: Option<ObjectId>, new: Option<ObjectId>) {
        if old == new || (new.is_none() && self.dropped.is_none()) {
            return;
        }
        let new_obj = match new {
            Some(id) => match self.read(id) {
                Some(o) => Some(o),
                // Nothing of an unreadable new tree can be listed.
                None => return,
            },
            None => None,
        };
        // An unreadable old tree counts as empty: everything in `new` is listed.
        let old_obj = old.and_then(|id| self.read(id));
        let new_entries = match new_obj.as_ref().map(|o| entries(o)).transpose() {
            Ok(e) => e.unwrap_or_default(),
            Err(e) => {
                let id = new.unwrap_or_else(|| ObjectId::null(gix::hash::Kind::Sha1));
                let at = path_string(&self.prefix);
                self.errors
                    .push(object_error(&id, "tree", &e).at(at, None, None));
                return;
            }
        };
        let old_entries = match old_obj.as_ref().map(|o| entries(o)).transpose() {
            Ok(e) => e.unwrap_or_default(),
            Err(e) => {
                let id = old.unwrap_or_else(|| ObjectId::null(gix::hash::Kind::Sha1));
                let at = path_string(&self.prefix);
                self.errors
                    .push(object_error(&id, "tree", &e).at(at, None, None));
                Vec::new()
            }
        };
        let (mut i, mut j) = (0, 0);
        while i < old_entries.len() || j < new_entries.len() {
            let order = match (old_entries.get(i), new_entries.get(j)) {
                (Some(a), Some(b)) => a.cmp(b),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match order {
                std::cmp::Ordering::Less => {
                    self.only_old(&old_entries[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    self.only_new(&new_entries[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let (a, b) = (&old_entries[i], &new_entries[j]);
                    if a.oid != b.oid || !same_kind(a.mode.kind(), b.mode.kind()) {
                        if a.mode.is_tree() && b.mode.is_tree() {
                            self.descend(
                                a.filename,
                                Some(a.oid.to_owned()),
                                Some(b.oid.to_owned()),
                            );
                        } else {
                            self.only_old(a);
                            self.only_new(b);
                        }
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
    }

    fn descend(&mut self, name: &[u8], old: Option<ObjectId>, new: Option<ObjectId>) {
        let saved = self.prefix.len();
        if saved > 0 {
            self.prefix.push(b'/');
        }
        self.prefix.extend_from_slice(name);
        self.run(old, new);
        self.prefix.truncate(saved);
    }

    fn path(&self, name: &[u8]) -> String {
        let mut p = String::with_capacity(self.prefix.len() + name.len() + 1);
        p.push_str(&BStr::new(&self.prefix).to_str_lossy());
        if !p.is_empty() {
            p.push('/');
        }
        p.push_str(&BStr::new(name).to_str_lossy());
        p
    }

    fn only_new(&mut self, e: &gix::objs::tree::EntryRef<'_>) {
        match e.mode.kind() {
            EntryKind::Tree => self.descend(e.filename, None, Some(e.oid.to_owned())),
            EntryKind::Blob | EntryKind::BlobExecutable => {
                let path = self.path(e.filename);
                self.added.push((path, e.oid.to_owned()));
            }
            EntryKind::Commit => {
                let path = self.path(e.filename);
                self.gitlinks.push(path);
            }
            EntryKind::Link => {}
        }
    }

    fn only_old(&mut self, e: &gix::objs::tree::EntryRef<'_>) {
        if self.dropped.is_none() {
            return;
        }
        match e.mode.kind() {
            EntryKind::Tree => self.descend(e.filename, Some(e.oid.to_owned()), None),
            EntryKind::Blob | EntryKind::BlobExecutable => {
                let path = self.path(e.filename);
                if let Some(d) = &mut self.dropped {
                    d.push((path, e.oid.to_owned()));
                }
            }
            EntryKind::Commit | EntryKind::Link => {}
        }
    }
}

/// A tree object's entries in git's order (sorted here if the object was not).
fn entries<'a>(object: &'a gix::Object<'_>) -> Result<Vec<gix::objs::tree::EntryRef<'a>>, String> {
    let mut entries = gix::objs::TreeRef::from_bytes(&object.data, object.id.kind())
        .map_err(|e| e.to_string())?
        .entries;
    if !entries.is_sorted() {
        entries.sort();
    }
    Ok(entries)
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
    let mut diff = TreeDiff::new(repo, false);
    diff.run(None, Some(tree));
    if let Some(e) = diff.errors.first() {
        return Err(e.message.clone());
    }
    Ok(diff.added.into_iter().collect())
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

/// Whether a blob is a Git LFS pointer file: a small text naming the real content by hash
/// (<https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md>: under 1024 bytes, `version`
/// first, `oid sha256:` and `size` keys).
pub fn is_lfs_pointer(bytes: &[u8]) -> bool {
    bytes.len() < 1024
        && (bytes.starts_with(b"version https://git-lfs.github.com/spec/")
            || bytes.starts_with(b"version https://hawser.github.com/spec/"))
        && bytes.find(b"\noid sha256:").is_some()
        && bytes.find(b"\nsize ").is_some()
}

/// A per-thread handle on the repository, with an object cache.
pub fn thread_local(sync: &gix::ThreadSafeRepository) -> gix::Repository {
    thread_repo(sync)
}

/// A per-thread handle for reading blobs once each: delta bases cached, but no object cache
/// (every blob would pass through it and push out the trees for nothing).
pub fn blob_reader(sync: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = sync.to_thread_local();
    repo.object_cache_size(0);
    set_pack_cache(&mut repo);
    repo
}

/// A commit's author, e-mail and dates.
pub fn commit_meta(repo: &gix::Repository, id: ObjectId) -> Result<CommitMeta, String> {
    read_commit(repo, id).map(|(meta, _, _)| meta)
}

/// Blobs of `parent`'s tree that `child`'s tree does not have at the same path: what the commit
/// deleted or replaced, as (path, blob).
pub fn dropped_blobs(
    repo: &gix::Repository,
    child: ObjectId,
    parent: ObjectId,
) -> Result<Vec<(String, ObjectId)>, String> {
    let (_, child_tree, _) = read_commit(repo, child)?;
    let (_, parent_tree, _) = read_commit(repo, parent)?;
    let mut diff = TreeDiff::new(repo, true);
    diff.run(Some(parent_tree), Some(child_tree));
    match diff.errors.first() {
        Some(e) => Err(e.message.clone()),
        None => Ok(diff.dropped.unwrap_or_default()),
    }
}

/// HEAD and its ancestors within the scan's selection (not behind `--since-commit` or the `A` of
/// a range), breadth first from HEAD.
#[derive(Debug, Default)]
pub struct Ancestry {
    /// Breadth-first order from HEAD: roughly newest first.
    pub order: Vec<ObjectId>,
    /// The parents of each commit in `order`, the first parent first.
    pub parents: HashMap<ObjectId, Vec<ObjectId>>,
}

impl Ancestry {
    pub fn contains(&self, id: &ObjectId) -> bool {
        self.parents.contains_key(id)
    }

    /// HEAD's first-parent line, HEAD first.
    pub fn first_parent_line(&self) -> Vec<ObjectId> {
        let mut line = Vec::new();
        let mut at = self.order.first().copied();
        while let Some(c) = at {
            line.push(c);
            at = self.parents[&c]
                .first()
                .copied()
                .filter(|p| self.contains(p));
        }
        line
    }
}

impl History {
    /// HEAD's ancestry: from the commits already read when HEAD is one of them (every ancestor
    /// outside the hidden ones was read too), else from a walk of HEAD.
    pub fn head_ancestry(&self, repo: &gix::Repository) -> Result<Ancestry, String> {
        let mut out = Ancestry::default();
        let Some(head) = self.head else {
            return Ok(out);
        };
        if self.graph.contains_key(&head) {
            let mut queue = std::collections::VecDeque::from([head]);
            out.parents.insert(head, self.graph[&head].clone());
            while let Some(c) = queue.pop_front() {
                out.order.push(c);
                for p in &self.graph[&c] {
                    if let Some(pp) = self.graph.get(p)
                        && !out.parents.contains_key(p)
                    {
                        out.parents.insert(*p, pp.clone());
                        queue.push_back(*p);
                    }
                }
            }
            return Ok(out);
        }
        let walk = repo
            .rev_walk([head])
            .with_hidden(self.hidden.iter().copied())
            .all()
            .map_err(|e| e.to_string())?;
        for info in walk {
            let info = info.map_err(|e| e.to_string())?;
            out.order.push(info.id);
            out.parents.insert(info.id, info.parent_ids.to_vec());
        }
        Ok(out)
    }

    /// The children of every commit read, for [`History::tips_reaching`].
    pub fn children(&self) -> HashMap<ObjectId, Vec<ObjectId>> {
        let mut children: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
        for (c, parents) in &self.graph {
            for p in parents {
                children.entry(*p).or_default().push(*c);
            }
        }
        children
    }

    /// Names of the walk's tips that reach any of `commits` (the commits themselves included),
    /// sorted; the commits must have been read by the listing.
    pub fn tips_reaching(
        &self,
        children: &HashMap<ObjectId, Vec<ObjectId>>,
        commits: &[ObjectId],
    ) -> Vec<String> {
        let mut seen: HashSet<ObjectId> = commits.iter().copied().collect();
        let mut queue: Vec<ObjectId> = seen.iter().copied().collect();
        while let Some(c) = queue.pop() {
            for child in children.get(&c).into_iter().flatten() {
                if seen.insert(*child) {
                    queue.push(*child);
                }
            }
        }
        let mut names: Vec<String> = self
            .tips
            .iter()
            .filter(|(id, _)| seen.contains(id))
            .map(|(_, name)| name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }
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
    use super::{is_lfs_pointer, rfc3339};

    #[test]
    fn lfs_pointers_are_recognised() {
        let oid = "4d7a".repeat(16);
        let pointer =
            format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 12345\n");
        assert!(is_lfs_pointer(pointer.as_bytes()));
        assert!(!is_lfs_pointer(
            b"version https://git-lfs.github.com/spec/v1\n"
        ));
        assert!(!is_lfs_pointer(format!("# notes\n{pointer}").as_bytes()));
        let big = format!("{pointer}{}", "x".repeat(1024));
        assert!(!is_lfs_pointer(big.as_bytes()));
    }

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
