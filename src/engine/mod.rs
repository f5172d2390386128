//! The engine applies a compiled [`Pack`](crate::rules::Pack) to bytes. It knows rules and
//! bytes, not files or reports: callers turn its [`Match`]es into findings.

mod decode;
pub mod filter;
mod keywords;
pub mod policy;
mod secret;
pub mod sites;
pub mod validate;
pub mod words;

pub use secret::{Match, SecretEngine};
