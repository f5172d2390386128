//! The pack check behind `nhilint rules check` and the built-in pack test: every example of a rule
//! yields a finding of that rule (the keyword gate and filters included), no negative example
//! does, and a specific rule's example is not taken over by another rule. Schema, ids, regexes and
//! prose are checked earlier, when the pack loads.

use crate::engine::SecretEngine;
use crate::rules::{Matcher, Pack};

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
    let mut problems = Vec::new();
    for (index, rule) in pack.rules.iter().enumerate() {
        let Matcher::Secret(matcher) = &rule.matcher;
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
