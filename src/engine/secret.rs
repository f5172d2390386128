//! Secret rules on raw bytes.
//!
//! One Aho-Corasick pass over the keywords of every rule decides which regexes run on a text, so
//! most regexes never run on most files. Matches then pass the rule's filters, and overlapping
//! matches of the same secret are reported once, by the most specific rule.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::filter;
use crate::rules::{Confidence, Matcher, Pack, SecretMatcher};

/// One secret found by one rule, before it becomes a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in the pack.
    pub rule: usize,
    /// Byte span of the secret capture.
    pub secret: Range<usize>,
    /// Byte span of the whole regex match.
    pub whole: Range<usize>,
}

/// Secret rules of a pack, ready to run.
#[derive(Debug)]
pub struct SecretEngine {
    /// (rule index in the pack, matcher, confidence) for every secret rule.
    rules: Vec<(usize, SecretMatcher, Confidence)>,
    keywords: AhoCorasick,
    /// For each keyword pattern, the positions in `rules` it triggers.
    triggers: Vec<Vec<usize>>,
}

impl SecretEngine {
    pub fn new(pack: &Pack) -> Self {
        let mut rules = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let mut triggers: Vec<Vec<usize>> = Vec::new();
        for (index, rule) in pack.rules.iter().enumerate() {
            let Matcher::Secret(m) = &rule.matcher;
            let slot = rules.len();
            for k in &m.keywords {
                if let Some(i) = words.iter().position(|w| w == k) {
                    triggers[i].push(slot);
                } else {
                    words.push(k.clone());
                    triggers.push(vec![slot]);
                }
            }
            rules.push((index, m.clone(), rule.confidence));
        }
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .expect("keywords are plain literals of bounded size");
        SecretEngine {
            rules,
            keywords,
            triggers,
        }
    }

    /// The rules (positions in `self.rules`) whose keywords occur in `text`.
    fn triggered(&self, text: &[u8]) -> Vec<usize> {
        let mut on = vec![false; self.rules.len()];
        let mut count = 0;
        let mut seen_pattern = vec![false; self.triggers.len()];
        for m in self.keywords.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            if seen_pattern[p] {
                continue;
            }
            seen_pattern[p] = true;
            for &slot in &self.triggers[p] {
                if !on[slot] {
                    on[slot] = true;
                    count += 1;
                }
            }
            if count == self.rules.len() {
                break;
            }
        }
        on.iter()
            .enumerate()
            .filter_map(|(i, &o)| o.then_some(i))
            .collect()
    }

    /// Every secret in `text`, deduplicated, in order of position.
    pub fn scan(&self, text: &[u8]) -> Vec<Match> {
        let mut found: Vec<(Match, Confidence, bool)> = Vec::new();
        for slot in self.triggered(text) {
            let (rule, m, confidence) = &self.rules[slot];
            self.run_rule(*rule, m, text, |mat| {
                found.push((mat, *confidence, m.generic));
            });
        }
        dedup(found)
    }

    /// Matches of the one rule at pack index `rule`, with its filters, without deduplication.
    /// The keyword gate still applies, so examples are checked the way real scans see them.
    pub fn scan_rule(&self, rule: usize, text: &[u8]) -> Vec<Match> {
        let mut out = Vec::new();
        for slot in self.triggered(text) {
            let (r, m, _) = &self.rules[slot];
            if *r == rule {
                self.run_rule(*r, m, text, |mat| out.push(mat));
            }
        }
        out
    }

    #[expect(
        clippy::unused_self,
        reason = "kept a method so per-engine options can join later"
    )]
    fn run_rule(&self, rule: usize, m: &SecretMatcher, text: &[u8], mut emit: impl FnMut(Match)) {
        for caps in m.regex.captures_iter(text) {
            let (Some(whole), Some(secret)) = (caps.get(0), caps.get(m.secret_group)) else {
                continue;
            };
            if filter::passes(&m.filters, secret.as_bytes()) {
                emit(Match {
                    rule,
                    secret: secret.range(),
                    whole: whole.range(),
                });
            }
        }
    }
}

/// Keeps one match per cluster of overlapping secret spans: the most specific one (not generic,
/// then higher confidence, then the longer secret, then the earlier rule).
fn dedup(mut found: Vec<(Match, Confidence, bool)>) -> Vec<Match> {
    found.sort_by(|a, b| {
        a.0.secret
            .start
            .cmp(&b.0.secret.start)
            .then(b.0.secret.end.cmp(&a.0.secret.end))
    });
    let mut out: Vec<Match> = Vec::new();
    let mut best: Option<(Match, Confidence, bool)> = None;
    let mut cluster_end = 0;
    for item in found {
        match &mut best {
            Some(current) if item.0.secret.start < cluster_end => {
                cluster_end = cluster_end.max(item.0.secret.end);
                let key = |(m, c, g): &(Match, Confidence, bool)| {
                    (!*g, *c, m.secret.len(), std::cmp::Reverse(m.rule))
                };
                if key(&item) > key(current) {
                    *current = item;
                }
            }
            _ => {
                if let Some((m, _, _)) = best.take() {
                    out.push(m);
                }
                cluster_end = item.0.secret.end;
                best = Some(item);
            }
        }
    }
    if let Some((m, _, _)) = best {
        out.push(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rule: usize, s: Range<usize>) -> Match {
        Match {
            rule,
            whole: s.clone(),
            secret: s,
        }
    }

    #[test]
    fn dedup_prefers_specific_then_confident() {
        let out = dedup(vec![
            (m(0, 5..20), Confidence::Low, true),
            (m(1, 5..20), Confidence::High, false),
            (m(2, 30..40), Confidence::Low, true),
        ]);
        assert_eq!(out, vec![m(1, 5..20), m(2, 30..40)]);
    }

    #[test]
    fn dedup_keeps_disjoint_and_merges_chains() {
        let out = dedup(vec![
            (m(0, 0..10), Confidence::Medium, false),
            (m(1, 8..30), Confidence::High, false),
            (m(2, 40..50), Confidence::Medium, false),
        ]);
        assert_eq!(out, vec![m(1, 8..30), m(2, 40..50)]);
    }
}
