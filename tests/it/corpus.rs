//! The built-in pack checks itself, and the fixture corpus matches its inline expectations exactly.

use std::fmt::Write as _;

use nhilint::rules::Pack;
use nhilint::scan::Scanner;

use crate::support::repo;

#[test]
fn builtin_pack_passes_its_own_check() {
    let pack = Pack::builtin().unwrap_or_else(|errs| {
        panic!(
            "built-in pack does not load:\n{}",
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let problems = nhilint::check::check_pack(&pack);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems
            .iter()
            .map(|p| format!("{}:{}:{}: {}", p.file, p.line, p.column, p.message))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        pack.rules.len() >= 60,
        "the pack has only {} rules",
        pack.rules.len()
    );
    for rule in &pack.rules {
        assert!(
            !rule.examples.is_empty() && !rule.negative_examples.is_empty(),
            "{} lacks examples",
            rule.id
        );
        assert!(
            rule.owasp_ids().next().is_some() && rule.cwe_ids().next().is_some(),
            "{} lacks OWASP/CWE tags",
            rule.id
        );
    }
}

#[test]
fn fixture_corpus_matches_expectations_exactly() {
    let pack = Pack::builtin().expect("built-in pack loads");
    let scanner = Scanner::new(pack);
    let outcome = nhilint::fixtures::run(&scanner, &repo().join("testdata/cases"));
    let mut report = String::new();
    for (p, l, r) in &outcome.missed {
        let _ = writeln!(report, "missed:     {p}:{l}: {r}");
    }
    for (p, l, r) in &outcome.unexpected {
        let _ = writeln!(report, "unexpected: {p}:{l}: {r}");
    }
    for e in &outcome.errors {
        let _ = writeln!(report, "error:      {e}");
    }
    assert!(outcome.passed(), "fixture corpus:\n{report}");
    assert!(
        outcome.uncovered.is_empty(),
        "rules without a fixture: {:?}",
        outcome.uncovered
    );
    assert!(
        outcome.expected >= 60,
        "only {} expectations",
        outcome.expected
    );
}

#[test]
fn fixture_harness_fails_on_missed_and_unexpected() {
    let dir = crate::support::tempdir();
    let demo = std::fs::read_to_string(crate::support::demo_pack()).expect("demo pack");
    let pack = nhilint::rules::load_files(&[("demo.yaml".to_owned(), demo)]).expect("loads");
    let scanner = Scanner::new(pack);
    crate::support::write(
        dir.path(),
        "a.env",
        format!(
            "A={}\nB=nothing # expect: demo-api-token\n",
            crate::support::DEMO_TOKEN
        ),
    );
    crate::support::write(
        dir.path(),
        "b.json",
        format!("{{\"t\": \"{}\"}}\n", crate::support::DEMO_TOKEN_2),
    );
    crate::support::write(dir.path(), "b.json.expect", "# sidecar\n1 demo-api-token\n");
    let outcome = nhilint::fixtures::run(&scanner, dir.path());
    let p = |f: &str| dir.path().join(f).to_string_lossy().into_owned();
    assert_eq!(
        outcome.missed,
        vec![(p("a.env"), 2, "demo-api-token".to_owned())]
    );
    assert_eq!(
        outcome.unexpected,
        vec![(p("a.env"), 1, "demo-api-token".to_owned())]
    );
    assert!(!outcome.passed());
    assert_eq!(outcome.uncovered, vec!["demo-password".to_owned()]);
}
