//! Staged changes as a source: index entries whose blob differs from HEAD's at the same path,
//! each with the blob HEAD had there (if any), so a scan can tell what the commit would add.
//!
//! This module lists and reads objects; it does not scan them (`crate::git_scan` does).

use std::path::Path;

use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::index::entry::Mode;

use super::history::{self, HistoryError};
use crate::finding::{Level, Notification};

/// A staged file that differs from HEAD.
#[derive(Clone, Debug)]
pub struct StagedEntry {
    pub path: String,
    /// The staged blob.
    pub id: ObjectId,
    /// The blob HEAD has at this path; `None` for a new file.
    pub head: Option<ObjectId>,
}

/// The staged changes.
#[derive(Debug)]
pub struct Staged {
    pub repo: gix::Repository,
    /// Sorted by path.
    pub entries: Vec<StagedEntry>,
    pub notifications: Vec<Notification>,
}

/// Lists the index entries that differ from HEAD (all of them when there is no commit yet),
/// leaving out paths matching the gitignore-style `exclude` globs.
pub fn list(path: &Path, exclude: &[String]) -> Result<Staged, HistoryError> {
    let exclude = history::Exclude::new(exclude);
    let repo = history::open(path)?;
    let index = repo.open_index().map_err(|e| HistoryError::Refs {
        path: crate::source::walk::display_path(path),
        reason: format!("cannot read the index: {e}"),
    })?;
    let mut notifications = Vec::new();
    let head_blobs = match repo.head_id() {
        Ok(id) => match history::tree_blobs(&repo, id.detach()) {
            Ok(b) => b,
            Err(e) => {
                notifications.push(Notification::new(
                    Level::Error,
                    "git-object-unreadable",
                    format!("cannot read HEAD's tree: {e}"),
                ));
                std::collections::HashMap::new()
            }
        },
        // An unborn branch: everything staged is new.
        Err(_) => std::collections::HashMap::new(),
    };
    let mut entries = Vec::new();
    for entry in index.entries() {
        if entry.stage_raw() != 0 {
            continue;
        }
        let p = entry.path(&index).to_str_lossy().into_owned();
        // Submodules are not entered; symbolic links hold a path, not content.
        if entry.mode == Mode::COMMIT || entry.mode == Mode::SYMLINK {
            continue;
        }
        if exclude.excludes(&p) {
            continue;
        }
        let head = head_blobs.get(&p).copied();
        if head == Some(entry.id) {
            continue;
        }
        entries.push(StagedEntry {
            path: p,
            id: entry.id,
            head,
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries.dedup_by(|a, b| a.path == b.path);
    Ok(Staged {
        repo,
        entries,
        notifications,
    })
}
