//! Integration tests: one binary, topic modules. CLI tests run the built `nhilint` binary with a
//! scrubbed environment; library tests call the crate directly.

mod cli;
mod corpus;
mod git;
mod hostile;
mod output;
mod precommit;
mod support;
