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
    #[serde(default)]
    pub examples: Vec<Spanned<String>>,
    #[serde(default)]
    pub negative_examples: Vec<Spanned<String>>,
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
