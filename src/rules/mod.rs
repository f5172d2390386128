//! The rule pack: rules as data, compiled once.
//!
//! `syntax` is the serde model of a rule file as written; `compile` turns it into [`Rule`]s with
//! compiled matchers and reports every problem with its file, line and column. This module knows
//! nothing about files on disk beyond the text it is handed, nor about findings or reports.

mod compile;
mod fragments;
mod syntax;

use std::fmt;
use std::str::FromStr;

pub use compile::{LoadError, load_files, load_files_with};
pub(crate) use compile::{compile_probe, yaml_message};

/// A built-in rule file as JSON, with the line of each rule (see `build.rs`).
type BuiltinJson = Option<(&'static str, &'static [u32])>;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// How bad a finding is if it is real.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// How sure a match is to be a real problem rather than noise.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// The family of problem a rule finds.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Secret,
    Privilege,
    Ownership,
}

macro_rules! word_enum {
    ($ty:ty { $($variant:ident = $word:literal),* $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $word),* }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.to_ascii_lowercase().as_str() {
                    $($word => Ok(<$ty>::$variant),)*
                    other => Err(format!(
                        "`{other}` is not one of: {}",
                        [$($word),*].join(", ")
                    )),
                }
            }
        }
    };
}
word_enum!(Severity { Low = "low", Medium = "medium", High = "high", Critical = "critical" });
word_enum!(Confidence { Low = "low", Medium = "medium", High = "high" });
word_enum!(Category { Secret = "secret", Privilege = "privilege", Ownership = "ownership" });

impl Confidence {
    /// One level lower, bottoming out at low.
    #[must_use]
    pub fn lower(self) -> Self {
        match self {
            Confidence::High => Confidence::Medium,
            Confidence::Medium | Confidence::Low => Confidence::Low,
        }
    }
}

impl Severity {
    /// The score GitHub code scanning reads from `properties["security-severity"]`.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

/// Where a rule was written: for diagnostics and `rules explain`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: u32,
}

/// A text that a rule must (example) or must not (negative example) find something in.
#[derive(Clone, Debug)]
pub struct Example {
    pub text: String,
    /// Structural rules: the path the text is scanned as.
    pub path: Option<String>,
    /// Structural rules: the lines of `text` the rule must report on.
    pub lines: Vec<u32>,
    /// Where the example is written in the rule file.
    pub line: u32,
    pub column: u32,
}

/// Filters a secret capture must pass.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub min_entropy: Option<f64>,
    pub min_length: Option<usize>,
    pub min_char_classes: Option<u8>,
    pub placeholders: bool,
    pub allow: PatternSet,
    /// Regexes over the whole match (context included); a match hitting any is dropped.
    pub deny_match: PatternSet,
    /// Drop words, identifiers, references, paths and sentences (see `engine::words`); on for
    /// generic rules.
    pub words: bool,
}

/// What happens to a match whose validator fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnInvalid {
    /// The match is not a credential of this format: no finding.
    #[default]
    Drop,
    /// The match is reported one confidence level lower.
    Lower,
}

/// A rule pattern compiled on first use. Most scans trigger few rules, and compiling every
/// pattern up front dominated the start-up of small scans (the pre-commit case). User rule files
/// have syntax and capture groups checked when the pack loads; built-in ones are parsed only when
/// a keyword of theirs occurs (their syntax is checked by the tests); `rules check` compiles every
/// pattern.
#[derive(Debug)]
pub struct LazyRegex {
    pattern: String,
    /// The syntax tree, parsed once for the facts, the probe and the regex of the scan engine.
    hir: std::sync::OnceLock<Result<regex_syntax::hir::Hir, String>>,
    cell: std::sync::OnceLock<Result<regex_automata::meta::Regex, String>>,
    nfa: std::sync::OnceLock<Result<regex_automata::meta::Regex, String>>,
}

impl LazyRegex {
    pub(crate) fn new(pattern: String) -> Self {
        LazyRegex {
            pattern,
            hir: std::sync::OnceLock::new(),
            cell: std::sync::OnceLock::new(),
            nfa: std::sync::OnceLock::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The pattern's syntax tree, or why it does not parse.
    pub fn hir(&self) -> Result<&regex_syntax::hir::Hir, &str> {
        self.hir
            .get_or_init(|| compile::parse_pattern(&self.pattern))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The compiled regex, or why it cannot be built (a size limit: syntax was checked at load).
    /// A meta regex rather than `regex::bytes::Regex`: it searches a span of a text while its
    /// look-around (`\b`, `^`) still sees the text around the span.
    pub fn get(&self) -> Result<&regex_automata::meta::Regex, &str> {
        self.cell
            .get_or_init(|| compile::compile_meta(&self.pattern))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The same regex without lazy or full DFAs (see [`compile::compile_meta_nfa`]): about a
    /// third of the cost of [`Self::get`] to build and slower to search, for the scan engine,
    /// which runs it only where a rule's probe saw a possible match.
    pub fn get_nfa(&self) -> Result<&regex_automata::meta::Regex, &str> {
        self.nfa
            .get_or_init(|| {
                self.hir()
                    .map_err(str::to_owned)
                    .and_then(compile::compile_meta_nfa)
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// A regex of a structural rule (`at_match`), compiled on first use: a scan of secrets alone, or
/// of files that no such rule selects, never needs it, and each costs about as much to build as
/// loading a hundred rules. User rule files have it compiled at load (errors with positions).
#[derive(Clone, Debug)]
pub struct LazyBytesRegex {
    pattern: String,
    cell: std::sync::Arc<std::sync::OnceLock<Result<regex::bytes::Regex, String>>>,
}

impl LazyBytesRegex {
    pub fn new(pattern: String) -> Self {
        LazyBytesRegex {
            pattern,
            cell: std::sync::Arc::default(),
        }
    }

    /// The compiled regex, or why it does not compile.
    pub fn get(&self) -> Result<&regex::bytes::Regex, &str> {
        self.cell
            .get_or_init(|| regex::bytes::Regex::new(&self.pattern).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(String::as_str)
    }
}

/// A list of filter patterns, compiled on first use into one set (one pass over the text). The
/// patterns were checked when the pack loaded.
#[derive(Clone, Debug, Default)]
pub struct PatternSet {
    patterns: Vec<String>,
    set: std::sync::Arc<std::sync::OnceLock<Option<regex_automata::meta::Regex>>>,
}

impl PatternSet {
    pub fn new(patterns: Vec<String>) -> Self {
        PatternSet {
            patterns,
            set: std::sync::Arc::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Compiles the set now: `Err` when it is over the size limit (the pack check reports it).
    pub fn check(&self) -> Result<(), String> {
        if self.patterns.is_empty() {
            return Ok(());
        }
        compile::compile_set(&self.patterns).map(|_| ())
    }

    /// Whether any pattern matches `text`; an empty set matches nothing.
    pub fn is_match(&self, text: &[u8]) -> bool {
        !self.patterns.is_empty()
            && self
                .set
                .get_or_init(|| compile::compile_set(&self.patterns).ok())
                .as_ref()
                .is_some_and(|s| s.is_match(text))
    }
}

/// What a secret rule matches.
#[derive(Clone, Debug)]
pub struct SecretMatcher {
    /// Lower-case; matched in any case.
    pub keywords: Vec<String>,
    /// Shared, so every copy of the rule compiles it at most once.
    pub regex: std::sync::Arc<LazyRegex>,
    /// What the pattern tells of its matches, worked out on first use (see [`Self::facts`]).
    pub facts: std::sync::Arc<std::sync::OnceLock<Result<PatternFacts, String>>>,
    pub filters: Filters,
    /// A generic rule loses to any specific rule reporting an overlapping secret.
    pub generic: bool,
    /// An offline check of the secret's structure; a pass raises confidence to high.
    pub validator: Option<crate::engine::validate::Validator>,
    pub on_invalid: OnInvalid,
}

impl SecretMatcher {
    /// What the pattern tells of its matches, or why it cannot: worked out from the syntax tree
    /// the first time a keyword of the rule occurs. Parsing every built-in pattern and locating
    /// its keywords at load was a third of the extra cost of a scan with every rule over one with
    /// the first 60, and most rules never wake on a given repository.
    pub fn facts(&self) -> Result<&PatternFacts, &str> {
        self.facts
            .get_or_init(|| {
                let hir = self
                    .regex
                    .hir()
                    .map_err(|e| format!("pattern does not compile: {e}"))?;
                compile::pattern_facts(hir, &self.keywords)
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// What a secret rule's pattern tells of its matches.
#[derive(Debug)]
pub struct PatternFacts {
    /// Where each keyword sits in the matches, when the pattern tells (see
    /// [`crate::engine::sites`]).
    pub sites: Option<Vec<Option<crate::engine::sites::Site>>>,
    /// What every match looks like at its start, when the pattern tells.
    pub prefix: Option<crate::engine::sites::Prefix>,
    /// The most newlines a match can hold; `None` when unbounded. A match lies within this many
    /// lines around a keyword hit.
    pub max_newlines: Option<usize>,
    /// The longest text the pattern can match; `None` when unbounded. A match contains a keyword,
    /// so it lies within this distance of a keyword hit and the regex runs only there.
    pub max_len: Option<usize>,
    /// Index of the capture group that holds the secret.
    pub secret_group: usize,
}

/// How a rule finds things: a pattern over text, or a policy over a parsed document.
#[derive(Clone, Debug)]
pub enum Matcher {
    Secret(SecretMatcher),
    Structural(crate::engine::policy::StructuralMatcher),
    /// A cross-file check of the identity phase.
    Analysis(crate::identity::analyze::Check),
}

/// One compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub aliases: Vec<String>,
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub message: String,
    pub description: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    pub matcher: Matcher,
    /// The pack the rule comes from: the name of the directory holding its file (`secrets`,
    /// `ci`), for `--only`.
    pub pack: String,
    pub examples: Vec<Example>,
    pub negative_examples: Vec<Example>,
    pub origin: Origin,
}

impl Rule {
    /// OWASP Non-Human Identities Top 10 ids among the tags (`NHI2:2025`).
    pub fn owasp_ids(&self) -> impl Iterator<Item = &str> {
        self.tags
            .iter()
            .map(String::as_str)
            .filter(|t| t.starts_with("NHI") && t.contains(':'))
    }

    /// CWE ids among the tags (`CWE-798`).
    pub fn cwe_ids(&self) -> impl Iterator<Item = &str> {
        self.tags
            .iter()
            .map(String::as_str)
            .filter(|t| t.starts_with("CWE-"))
    }

    /// Whether `--only SELECTOR` takes this rule: its pack, category, a tag, or its id.
    pub fn selected_by(&self, selector: &str) -> bool {
        self.pack == selector
            || self.category.as_str() == selector
            || self.tags.iter().any(|t| t == selector)
            || self.answers_to(selector)
    }

    /// Whether this rule answers to `id`, its own or a former one.
    pub fn answers_to(&self, id: &str) -> bool {
        self.id == id || self.aliases.iter().any(|a| a == id)
    }
}

/// A set of rules with unique ids, in load order.
#[derive(Clone, Debug, Default)]
pub struct Pack {
    pub rules: Vec<Rule>,
}

impl Pack {
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.answers_to(id))
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.answers_to(id))
    }

    /// The pack compiled into the binary.
    pub fn builtin() -> Result<Pack, Vec<LoadError>> {
        let files = builtin_files();
        load_files_with(&files, files.len())
    }
}

/// The rule files compiled into the binary, as `(rules/<pack>/<file>, text)`.
pub fn builtin_files() -> Vec<(String, String)> {
    BUILTIN_RULE_FILES
        .iter()
        .map(|(name, text, _)| (format!("rules/{name}"), (*text).to_owned()))
        .collect()
}

/// The JSON form of the built-in rule file `file` (as named by [`builtin_files`]) whose contents
/// are `text`, with the line of each rule: the build script wrote it (see `build.rs`).
pub(crate) fn builtin_json(file: &str, text: &str) -> BuiltinJson {
    let name = file.strip_prefix("rules/")?;
    BUILTIN_RULE_FILES
        .iter()
        .find(|(n, t, _)| *n == name && *t == text)
        .and_then(|(_, _, json)| *json)
}
