//! The working-tree walk: `ignore`'s parallel walker with `.gitignore` honoured (also outside a
//! git checkout, as a plain file tree often carries one), hidden files included (secrets live in
//! `.env`, CI lives in `.github/`), `.git/` skipped, symlinks not followed unless asked. A path
//! named on the command line is always scanned, even when ignored or excluded.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};

use crate::finding::{Level, Notification};

/// How to walk.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    pub roots: Vec<PathBuf>,
    /// gitignore-style globs to leave out, relative to each root.
    pub exclude: Vec<String>,
    pub follow_symlinks: bool,
    /// Do not honour `.gitignore`, `.ignore` and `.nhilintignore`.
    pub no_ignore: bool,
    pub threads: usize,
}

/// A file to scan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// `/`-separated path as shown to the user.
    pub display: String,
    pub path: PathBuf,
    /// Size from the walk's metadata.
    pub size: u64,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Walk {
    pub entries: Vec<Entry>,
    pub notifications: Vec<Notification>,
    pub skipped_symlinks: u64,
}

/// The path shown to users: `/`-separated, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    if s.is_empty() {
        ".".to_owned()
    } else {
        s.to_owned()
    }
}

fn io_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => io_message(err),
        ignore::Error::Loop { ancestor, child } => {
            format!(
                "symlink loop: {} points back to {}",
                display_path(child),
                display_path(ancestor)
            )
        }
        ignore::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// Lists the files to scan under `opts.roots`, sorted by display path.
pub fn walk(opts: &WalkOptions) -> Walk {
    let out = Mutex::new(Walk::default());
    for root in &opts.roots {
        let meta = if opts.follow_symlinks {
            std::fs::metadata(root)
        } else {
            std::fs::symlink_metadata(root)
        };
        let meta = match meta {
            Ok(m) => m,
            Err(e) => {
                let mut w = out.lock().expect("walk lock");
                w.notifications.push(
                    Notification::new(
                        Level::Error,
                        "path-unreadable",
                        format!("cannot read {}: {e}", display_path(root)),
                    )
                    .at(display_path(root), None, None),
                );
                continue;
            }
        };
        if !meta.is_dir() {
            // Named explicitly: always scanned (a symlink named on the command line is followed).
            let size = std::fs::metadata(root).map_or(meta.len(), |m| m.len());
            out.lock().expect("walk lock").entries.push(Entry {
                display: display_path(root),
                path: root.clone(),
                size,
            });
            continue;
        }
        walk_dir(root, opts, &out);
    }
    let mut w = out.into_inner().expect("walk lock");
    w.entries.sort();
    w.entries.dedup_by(|a, b| a.path == b.path);
    w.notifications
        .sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
    w
}

fn walk_dir(root: &Path, opts: &WalkOptions, out: &Mutex<Walk>) {
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .parents(true)
        .ignore(!opts.no_ignore)
        .git_ignore(!opts.no_ignore)
        .git_exclude(!opts.no_ignore)
        .git_global(false)
        .require_git(false)
        .follow_links(opts.follow_symlinks)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    if !opts.no_ignore {
        builder.add_custom_ignore_filename(".nhilintignore");
    }
    if !opts.exclude.is_empty() {
        let mut ov = OverrideBuilder::new(root);
        for glob in &opts.exclude {
            if let Err(e) = ov.add(&format!("!{glob}")) {
                out.lock()
                    .expect("walk lock")
                    .notifications
                    .push(Notification::new(
                        Level::Error,
                        "bad-exclude",
                        format!("exclude pattern `{glob}` is invalid: {e}"),
                    ));
            }
        }
        match ov.build() {
            Ok(o) => {
                builder.overrides(o);
            }
            Err(e) => out
                .lock()
                .expect("walk lock")
                .notifications
                .push(Notification::new(
                    Level::Error,
                    "bad-exclude",
                    format!("exclude patterns are invalid: {e}"),
                )),
        }
    }
    builder.build_parallel().run(|| {
        Box::new(|result| {
            match result {
                Ok(entry) => {
                    let Some(ft) = entry.file_type() else {
                        return WalkState::Continue;
                    };
                    if ft.is_symlink() {
                        let mut w = out.lock().expect("walk lock");
                        w.skipped_symlinks += 1;
                        if std::fs::metadata(entry.path()).is_err() {
                            let p = display_path(entry.path());
                            let target = std::fs::read_link(entry.path())
                                .map(|t| display_path(&t))
                                .unwrap_or_default();
                            w.notifications.push(
                                Notification::new(
                                    Level::Note,
                                    "broken-symlink",
                                    format!("{p}: broken symlink to {target}"),
                                )
                                .at(p, None, None),
                            );
                        }
                    } else if ft.is_file() {
                        let size = entry.metadata().map_or(0, |m| m.len());
                        let e = Entry {
                            display: display_path(entry.path()),
                            path: entry.into_path(),
                            size,
                        };
                        out.lock().expect("walk lock").entries.push(e);
                    }
                }
                Err(err) => {
                    let path = error_path(&err).map(|p| display_path(&p));
                    let mut n = Notification::new(Level::Warning, "walk-error", io_message(&err));
                    if let Some(p) = path {
                        n.message = format!("{p}: {}", n.message);
                        n = n.at(p, None, None);
                    }
                    out.lock().expect("walk lock").notifications.push(n);
                }
            }
            WalkState::Continue
        })
    });
}
