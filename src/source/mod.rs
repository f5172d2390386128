//! Sources: what to scan. `walk` lists the files of a working tree, `history` the distinct blobs
//! of git history (or a commit range) with the commit that introduced each, `staged` the index
//! entries that differ from HEAD. Sources list and read; they do not scan.

pub mod history;
pub mod staged;
pub mod walk;
