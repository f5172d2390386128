//! nhilint: a policy-as-code linter for non-human identities.
//!
//! Data flows one way: [`source`] (what to scan) -> [`document`] (bytes, spans, suppressions) ->
//! [`engine`] (rules applied) -> [`finding`] -> [`report`]; [`rules`] is the compiled pack that the
//! engine runs, and [`scan`] ties the pieces together for one scan. Only `main.rs` talks to the
//! user.

pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod document;
pub mod engine;
pub mod exceptions;
pub mod finding;
pub mod fixtures;
pub mod git_scan;
pub mod identity;
pub mod init;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
