//! Measures the noise filter: scans a tree three times with the built-in pack, as shipped, without
//! the words model of generic rules (`engine::words`), and with every rule's filters reduced to
//! entropy alone (the rule's own `min_entropy`, or 3.0 bits per byte where it has none; no
//! placeholder, allow-list, context, character-class or words filter and no validator), and
//! prints the findings of each at every confidence level.
//!
//!     cargo run --release --example noise_filter -- PATH...

use std::collections::BTreeMap;
use std::path::PathBuf;

use nhilint::rules::{Confidence, Filters, Matcher, Pack};
use nhilint::scan::{ScanOptions, Scanner};
use nhilint::source::walk::WalkOptions;

/// The threshold entropy-only scanners commonly use for base64-like secrets, in bits per byte.
const DEFAULT_ENTROPY: f64 = 3.0;

fn entropy_only(mut pack: Pack) -> Pack {
    for rule in &mut pack.rules {
        let Matcher::Secret(m) = &mut rule.matcher else {
            continue;
        };
        m.filters = Filters {
            min_entropy: Some(m.filters.min_entropy.unwrap_or(DEFAULT_ENTROPY)),
            ..Filters::default()
        };
        m.validator = None;
    }
    pack
}

fn without_words(mut pack: Pack) -> Pack {
    for rule in &mut pack.rules {
        if let Matcher::Secret(m) = &mut rule.matcher {
            m.filters.words = false;
        }
    }
    pack
}

fn count(
    pack: Pack,
    roots: &[PathBuf],
) -> (u64, BTreeMap<Confidence, usize>, BTreeMap<String, usize>) {
    let opts = ScanOptions {
        walk: WalkOptions {
            roots: roots.to_vec(),
            threads: 0,
            ..WalkOptions::default()
        },
        max_file_size: 10 << 20,
        show_secrets: false,
        min_confidence: Confidence::Low,
    };
    let report = Scanner::new(pack).scan(&opts, None);
    let mut by_confidence = BTreeMap::new();
    let mut by_rule = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        *by_confidence.entry(f.confidence).or_default() += 1;
        *by_rule.entry(f.rule_id.clone()).or_default() += 1;
    }
    (report.stats.bytes_scanned, by_confidence, by_rule)
}

fn at_least(counts: &BTreeMap<Confidence, usize>, level: Confidence) -> usize {
    counts
        .iter()
        .filter(|(c, _)| **c >= level)
        .map(|(_, n)| n)
        .sum()
}

#[expect(clippy::cast_precision_loss, reason = "byte counts printed as MB")]
fn main() {
    let roots: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if roots.is_empty() {
        eprintln!("usage: noise_filter PATH...");
        std::process::exit(2);
    }
    let mut pack = Pack::builtin().unwrap_or_else(|e| panic!("built-in pack: {e:?}"));
    // The noise filter is about secret rules; structural rules do not use it.
    pack.rules
        .retain(|r| matches!(r.matcher, Matcher::Secret(_)));
    let (bytes, ours, _) = count(pack.clone(), &roots);
    let (_, no_words, _) = count(without_words(pack.clone()), &roots);
    let (_, entropy, entropy_rules) = count(entropy_only(pack), &roots);
    let per10 = |n: usize| n as f64 / (bytes as f64 / 10e6);
    println!("corpus: {:.1} MB", bytes as f64 / 1e6);
    println!(
        "{:<24} {:>12} {:>14} {:>14}",
        "", "nhilint", "without words", "entropy only"
    );
    for (label, level) in [
        ("default (>= medium)", Confidence::Medium),
        ("all (>= low)", Confidence::Low),
    ] {
        let (a, w, b) = (
            at_least(&ours, level),
            at_least(&no_words, level),
            at_least(&entropy, level),
        );
        println!("{label:<24} {a:>12} {w:>14} {b:>14}");
        println!(
            "{:<24} {:>12.2} {:>14.2} {:>14.2}",
            "  per 10 MB",
            per10(a),
            per10(w),
            per10(b)
        );
    }
    let mut top: Vec<(String, usize)> = entropy_rules.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("\nrules that entropy alone would let fire most:");
    for (rule, n) in top.iter().take(10) {
        println!("{n:>8}  {rule}");
    }
}
