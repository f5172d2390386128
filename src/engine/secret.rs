//! Secret rules on raw bytes.
//!
//! One Aho-Corasick pass over the keywords of every rule decides which regexes run on a text, so
//! most regexes never run on most files. Matches then pass the rule's filters, and overlapping
//! matches of the same secret are reported once, by the most specific rule.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::validate::{self, ValidateOptions};
use super::{decode, filter};
use crate::rules::{Confidence, Matcher, OnInvalid, Pack, SecretMatcher};

/// One secret found by one rule, before it becomes a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in the pack.
    pub rule: usize,
    /// Byte span of the secret capture.
    pub secret: Range<usize>,
    /// Byte span of the whole regex match.
    pub whole: Range<usize>,
    /// The rule's confidence, raised or lowered by its validator.
    pub confidence: Confidence,
    /// What the validator said, for the finding.
    pub note: Option<String>,
    /// Whether the validator found the credential long-lived; `None` when it cannot tell.
    pub long_lived: Option<bool>,
}

/// Secret rules of a pack, ready to run.
#[derive(Debug)]
pub struct SecretEngine {
    /// (rule index in the pack, matcher, confidence) for every secret rule.
    rules: Vec<(usize, SecretMatcher, Confidence)>,
    keywords: AhoCorasick,
    /// For each keyword pattern, the positions in `rules` it triggers.
    triggers: Vec<Vec<usize>>,
    options: ValidateOptions,
}

impl SecretEngine {
    pub fn new(pack: &Pack) -> Self {
        Self::with_options(pack, ValidateOptions::default())
    }

    pub fn with_options(pack: &Pack, options: ValidateOptions) -> Self {
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
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .expect("keywords are plain literals of bounded size");
        SecretEngine {
            rules,
            keywords,
            triggers,
            options,
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

    /// Every secret in `text`, deduplicated, in order of position, including secrets inside
    /// base64-encoded values (reported at the encoded value).
    pub fn scan(&self, text: &[u8]) -> Vec<Match> {
        let mut budget = decode::MAX_DECODED;
        self.scan_depth(text, 0, &mut budget)
    }

    fn scan_depth(&self, text: &[u8], depth: u8, budget: &mut usize) -> Vec<Match> {
        let mut found: Vec<(Match, bool)> = Vec::new();
        for slot in self.triggered(text) {
            let (rule, m, confidence) = &self.rules[slot];
            self.run_rule(*rule, m, *confidence, text, |mat| {
                found.push((mat, m.generic));
            });
        }
        if depth < decode::MAX_DEPTH && decode::gated(text) {
            for enc in decode::candidates(text) {
                let Some(plain) = decode::decode(&text[enc.value.clone()]) else {
                    continue;
                };
                let Some(left) = budget.checked_sub(plain.len()) else {
                    break;
                };
                *budget = left;
                // `key=decoded`: the key gives context rules what they need.
                let mut synthetic = text[enc.key.clone()].to_vec();
                synthetic.push(b'=');
                let offset = synthetic.len();
                synthetic.extend_from_slice(&plain);
                let key = String::from_utf8_lossy(&text[enc.key.clone()]).into_owned();
                for inner in self.scan_depth(&synthetic, depth + 1, budget) {
                    if inner.secret.end <= offset {
                        continue;
                    }
                    let generic = self
                        .rules
                        .iter()
                        .any(|(i, m, _)| *i == inner.rule && m.generic);
                    let note = match inner.note {
                        Some(n) => format!("in the base64-decoded value of `{key}`; {n}"),
                        None => format!("in the base64-decoded value of `{key}`"),
                    };
                    let at = enc.value.clone();
                    found.push((
                        Match {
                            secret: at.clone(),
                            whole: at,
                            note: Some(note),
                            ..inner
                        },
                        generic,
                    ));
                }
            }
        }
        dedup(found)
    }

    /// Matches of the one rule at pack index `rule`, with its filters, without deduplication.
    /// The keyword gate still applies, so examples are checked the way real scans see them.
    pub fn scan_rule(&self, rule: usize, text: &[u8]) -> Vec<Match> {
        let mut out = Vec::new();
        for slot in self.triggered(text) {
            let (r, m, confidence) = &self.rules[slot];
            if *r == rule {
                self.run_rule(*r, m, *confidence, text, |mat| out.push(mat));
            }
        }
        out
    }

    fn run_rule(
        &self,
        rule: usize,
        m: &SecretMatcher,
        confidence: Confidence,
        text: &[u8],
        mut emit: impl FnMut(Match),
    ) {
        // A pattern over the size limit is reported by the pack check; here it finds nothing.
        let Ok(regex) = m.regex.get() else { return };
        for caps in regex.captures_iter(text) {
            let (Some(whole), Some(secret)) = (caps.get(0), caps.get(m.secret_group)) else {
                continue;
            };
            if !filter::passes(&m.filters, secret.as_bytes())
                || m.filters
                    .deny_match
                    .iter()
                    .any(|d| d.is_match(whole.as_bytes()))
            {
                continue;
            }
            let mut found = Match {
                rule,
                secret: secret.range(),
                whole: whole.range(),
                confidence,
                note: None,
                long_lived: None,
            };
            if let Some(v) = m.validator {
                let verdict = validate::run(v, secret.as_bytes(), self.options);
                found.note = verdict.note;
                found.long_lived = verdict.long_lived;
                match (verdict.valid, m.on_invalid) {
                    (true, _) => found.confidence = Confidence::High,
                    (false, OnInvalid::Drop) => continue,
                    (false, OnInvalid::Lower) => found.confidence = confidence.lower(),
                }
            }
            emit(found);
        }
    }
}

/// Keeps one match per cluster of overlapping secret spans: the most specific one (not generic,
/// then higher confidence, then the longer secret, then the earlier rule).
fn dedup(mut found: Vec<(Match, bool)>) -> Vec<Match> {
    found.sort_by(|a, b| {
        a.0.secret
            .start
            .cmp(&b.0.secret.start)
            .then(b.0.secret.end.cmp(&a.0.secret.end))
    });
    let mut out: Vec<Match> = Vec::new();
    let mut best: Option<(Match, bool)> = None;
    let mut cluster_end = 0;
    for item in found {
        match &mut best {
            Some(current) if item.0.secret.start < cluster_end => {
                cluster_end = cluster_end.max(item.0.secret.end);
                let key = |(m, g): &(Match, bool)| {
                    (!*g, m.confidence, m.secret.len(), std::cmp::Reverse(m.rule))
                };
                if key(&item) > key(current) {
                    *current = item;
                }
            }
            _ => {
                if let Some((m, _)) = best.take() {
                    out.push(m);
                }
                cluster_end = item.0.secret.end;
                best = Some(item);
            }
        }
    }
    if let Some((m, _)) = best {
        out.push(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rule: usize, s: Range<usize>, confidence: Confidence) -> Match {
        Match {
            rule,
            whole: s.clone(),
            secret: s,
            confidence,
            note: None,
            long_lived: None,
        }
    }

    #[test]
    fn dedup_prefers_specific_then_confident() {
        let out = dedup(vec![
            (m(0, 5..20, Confidence::Low), true),
            (m(1, 5..20, Confidence::High), false),
            (m(2, 30..40, Confidence::Low), true),
        ]);
        assert_eq!(
            out,
            vec![m(1, 5..20, Confidence::High), m(2, 30..40, Confidence::Low)]
        );
    }

    #[test]
    fn dedup_keeps_disjoint_and_merges_chains() {
        let out = dedup(vec![
            (m(0, 0..10, Confidence::Medium), false),
            (m(1, 8..30, Confidence::High), false),
            (m(2, 40..50, Confidence::Medium), false),
        ]);
        assert_eq!(
            out,
            vec![
                m(1, 8..30, Confidence::High),
                m(2, 40..50, Confidence::Medium)
            ]
        );
    }
}
