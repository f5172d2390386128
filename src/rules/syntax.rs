//! The serde model of a rule file, exactly as written. Validation beyond types lives in `compile`.

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{Category, Confidence, OnInvalid, Severity};
use crate::engine::validate::Validator;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub id: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    #[serde(default)]
    pub message: Option<String>,
    pub description: Spanned<String>,
    pub remediation: Spanned<String>,
    pub references: Spanned<Vec<String>>,
    pub tags: Spanned<Vec<String>>,
    #[serde(default)]
    pub keywords: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub filters: Option<RawFilters>,
    #[serde(default)]
    pub generic: bool,
    #[serde(default)]
    pub validate: Option<Validator>,
    #[serde(default)]
    pub on_invalid: Option<OnInvalid>,
    /// Structural rules: the document kinds the rule reads (`github-workflow`, `kubernetes`).
    #[serde(default)]
    pub applies_to: Option<Spanned<Vec<String>>>,
    /// Structural rules: paths over the document tree (`jobs.*.steps.*`), any of which selects.
    #[serde(default)]
    pub select: Option<Spanned<OneOrMany>>,
    /// Structural rules: a CEL expression over `node`, `key`, `parent`, `ancestors`, `doc`.
    #[serde(default)]
    pub condition: Option<Spanned<String>>,
    /// Structural rules: sub-paths of the selected node to report at; the first that exists.
    #[serde(default)]
    pub at: Option<Spanned<OneOrMany>>,
    /// Structural rules: a regex that narrows the report to its first match in the node's text.
    #[serde(default)]
    pub at_match: Option<Spanned<String>>,
    /// Identity rules: the cross-file check of phase 2 that finds the problem
    /// (`ownerless-identity`, `unused-identity`, ...), instead of `select`/`condition`.
    #[serde(default)]
    pub analysis: Option<Spanned<String>>,
    #[serde(default)]
    pub examples: Vec<Spanned<RawExample>>,
    #[serde(default)]
    pub negative_examples: Vec<Spanned<RawExample>>,
}

/// A string or a list of strings.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// An example: a text for secret rules; a small document with the lines findings must be on
/// for structural rules.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawExample {
    Text(String),
    Document(RawDocument),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDocument {
    /// The path the document is scanned as (decides its kind); default from `applies_to`.
    #[serde(default)]
    pub path: Option<String>,
    /// 1-based lines of the document where the rule must report, each once.
    #[serde(default)]
    pub lines: Vec<u32>,
    pub text: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFilters {
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub min_char_classes: Option<u8>,
    #[serde(default)]
    pub placeholders: Option<bool>,
    #[serde(default)]
    pub allow: Vec<Spanned<String>>,
    #[serde(default)]
    pub deny_match: Vec<Spanned<String>>,
}
