//! The pack check behind `nhilint rules check` and the built-in pack test: every example of a rule
//! yields a finding of that rule (the keyword gate and filters included), no negative example
//! does, and a specific rule's example is not taken over by another rule. Schema, ids, regexes and
//! prose are checked earlier, when the pack loads.

use crate::engine::SecretEngine;
use crate::engine::policy::{StructuralEngine, StructuralMatcher};
use crate::rules::{Matcher, Pack, Rule};

/// One problem with one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub rule_id: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Checks every rule's examples; all problems are returned at once.
pub fn check_pack(pack: &Pack) -> Vec<Problem> {
    let engine = SecretEngine::new(pack);
    let structural = StructuralEngine::new(pack);
    let mut problems = Vec::new();
    for (index, rule) in pack.rules.iter().enumerate() {
        let matcher = match &rule.matcher {
            Matcher::Secret(m) => m,
            Matcher::Structural(m) => {
                check_structural(&structural, index, rule, m, &mut problems);
                continue;
            }
            Matcher::Analysis(check) => {
                check_analysis(rule, *check, &mut problems);
                continue;
            }
        };
        let problem = |line: u32, column: u32, message: String| Problem {
            rule_id: rule.id.clone(),
            file: rule.origin.file.clone(),
            line,
            column,
            message: format!("rule `{}`: {message}", rule.id),
        };
        let regex = match matcher.regex.get() {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(
                    rule.origin.line,
                    1,
                    format!("pattern does not compile: {e}"),
                ));
                continue;
            }
        };
        // Built-in patterns are analysed on first use, not at load: check them here.
        if let Err(e) = matcher.facts() {
            problems.push(problem(rule.origin.line, 1, e.to_owned()));
            continue;
        }
        for (what, set) in [
            ("allow", &matcher.filters.allow),
            ("deny_match", &matcher.filters.deny_match),
        ] {
            if let Err(e) = set.check() {
                problems.push(problem(
                    rule.origin.line,
                    1,
                    format!("{what} patterns do not compile: {e}"),
                ));
            }
        }
        for (n, ex) in rule.examples.iter().enumerate() {
            let own = engine.scan_rule(index, ex.text.as_bytes());
            if own.is_empty() {
                let why = if regex.is_match(ex.text.as_bytes()) {
                    "matches the pattern but is dropped by a filter or the keyword gate"
                } else {
                    "does not match the pattern"
                };
                problems.push(problem(
                    ex.line,
                    ex.column,
                    format!("example {} {why}", n + 1),
                ));
                continue;
            }
            if !matcher.generic {
                let all = engine.scan(ex.text.as_bytes());
                if !all.iter().any(|m| m.rule == index) {
                    let winners: Vec<&str> =
                        all.iter().map(|m| pack.rules[m.rule].id.as_str()).collect();
                    problems.push(problem(
                        ex.line,
                        ex.column,
                        format!("example {} is reported by `{}` instead: make the rules tell the formats apart", n + 1, winners.join("`, `")),
                    ));
                }
            }
        }
        for (n, ex) in rule.negative_examples.iter().enumerate() {
            if !engine.scan_rule(index, ex.text.as_bytes()).is_empty() {
                problems.push(problem(
                    ex.line,
                    ex.column,
                    format!("negative example {} yields a finding", n + 1),
                ));
            }
        }
    }
    problems
}

/// A rule's examples then negative examples, numbered in that order, with what each is.
fn documents(rule: &Rule) -> impl Iterator<Item = (usize, &crate::rules::Example, &'static str)> {
    rule.examples
        .iter()
        .map(|e| (e, "example"))
        .chain(
            rule.negative_examples
                .iter()
                .map(|e| (e, "negative example")),
        )
        .enumerate()
        .map(|(n, (e, what))| (n, e, what))
}

/// A structural rule's examples: each reports exactly on its `lines`, once each, with no
/// condition failing to evaluate; negative examples report nothing.
fn check_structural(
    engine: &StructuralEngine,
    index: usize,
    rule: &Rule,
    m: &StructuralMatcher,
    problems: &mut Vec<Problem>,
) {
    let problem = |line: u32, column: u32, message: String| Problem {
        rule_id: rule.id.clone(),
        file: rule.origin.file.clone(),
        line,
        column,
        message: format!("rule `{}`: {message}", rule.id),
    };
    let default_path = m
        .applies_to
        .first()
        .map_or("example.yaml", |k| k.example_path());
    for (n, ex, what) in documents(rule) {
        let path = ex.path.as_deref().unwrap_or(default_path);
        let outcome = engine.scan_rules(path, ex.text.as_bytes(), Some(index));
        if let Some((offset, message)) = &outcome.parse_error {
            problems.push(problem(
                ex.line,
                ex.column,
                format!(
                    "{what} {} does not parse at byte {offset}: {message}",
                    n + 1
                ),
            ));
            continue;
        }
        if crate::document::kind::detect(path, ex.text.as_bytes()).is_none_or(|d| {
            !m.applies_to.contains(&d.kind)
                && !matches!(
                    d.kind,
                    crate::document::kind::Kind::Kubernetes
                        | crate::document::kind::Kind::Backstage
                )
        }) {
            problems.push(problem(
                ex.line,
                ex.column,
                format!(
                    "{what} {}: `{path}` is not a document the rule applies to",
                    n + 1
                ),
            ));
            continue;
        }
        for e in &outcome.eval_errors {
            problems.push(problem(
                ex.line,
                ex.column,
                format!(
                    "{what} {}: {} (guard optional keys with `has()`)",
                    n + 1,
                    e.message
                ),
            ));
        }
        let index = crate::document::span::LineIndex::new(ex.text.as_bytes());
        let mut got: Vec<u32> = outcome
            .matches
            .iter()
            .map(|f| index.position(ex.text.as_bytes(), f.span.start).line)
            .collect();
        got.sort_unstable();
        let mut want = ex.lines.clone();
        want.sort_unstable();
        if got != want {
            problems.push(problem(
                ex.line,
                ex.column,
                format!(
                    "{what} {}: reported on lines {got:?}, expected {want:?}",
                    n + 1
                ),
            ));
        }
    }
}

/// An identity rule's examples: each document, alone in a repository (no catalog, no
/// CODEOWNERS), makes the rule's check report exactly on its `lines`; negative examples make it
/// report nothing.
fn check_analysis(
    rule: &Rule,
    check: crate::identity::analyze::Check,
    problems: &mut Vec<Problem>,
) {
    use crate::identity::{self, OwnershipConfig};
    let config = OwnershipConfig::default();
    for (n, ex, what) in documents(rule) {
        let problem = |message: String| Problem {
            rule_id: rule.id.clone(),
            file: rule.origin.file.clone(),
            line: ex.line,
            column: ex.column,
            message: format!("rule `{}`: {what} {}: {message}", rule.id, n + 1),
        };
        let path = ex.path.as_deref().unwrap_or("manifests/example.yaml");
        let facts = identity::extract(path, ex.text.as_bytes(), &config.keys);
        if facts.is_empty() {
            problems.push(problem(format!(
                "`{path}` declares no identity, grant or workload (does it parse?)"
            )));
            continue;
        }
        let analysis = identity::analyze::analyze(vec![facts], &config);
        let mut got: Vec<u32> = analysis
            .matches
            .iter()
            .filter(|m| m.check == check)
            .map(|m| m.loc.line)
            .collect();
        got.sort_unstable();
        let mut want = ex.lines.clone();
        want.sort_unstable();
        if got != want {
            problems.push(problem(format!(
                "reported on lines {got:?}, expected {want:?}"
            )));
        }
    }
}
