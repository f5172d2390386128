//! Integration tests: one binary, topic modules. CLI tests run the built `nhilint` binary with a
//! scrubbed environment; library tests call the crate directly.

mod action;
mod adoption;
mod cli;
mod corpus;
mod git;
mod hostile;
mod output;
mod policy;
mod precommit;
mod privilege;
mod projects;
mod support;
