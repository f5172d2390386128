//! Secret rules on raw bytes.
//!
//! One Aho-Corasick pass over the keywords of every rule decides which regexes run on a text, so
//! most regexes never run on most files. Matches then pass the rule's filters, and overlapping
//! matches of the same secret are reported once, by the most specific rule.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex_automata::Input;

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
    /// For each keyword pattern, whether it marks a document worth decoding (one pass finds
    /// both rule keywords and decoding markers).
    decode_marker: Vec<bool>,
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
            let Matcher::Secret(m) = &rule.matcher else {
                continue;
            };
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
        let mut decode_marker = vec![false; words.len()];
        for marker in decode::MARKERS {
            if let Some(i) = words.iter().position(|w| w == marker) {
                decode_marker[i] = true;
            } else {
                words.push((*marker).to_owned());
                triggers.push(Vec::new());
                decode_marker.push(true);
            }
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
            decode_marker,
            options,
        }
    }

    /// Keyword hits in `text` for every rule, indexed like `self.rules` (empty where none of a
    /// rule's keywords occurs: the rule does not run at all), and whether a decoding marker occurs.
    fn hits(&self, text: &[u8]) -> (Vec<Vec<Range<usize>>>, bool) {
        let mut hits = vec![Vec::new(); self.rules.len()];
        let mut decode = false;
        for m in self.keywords.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            decode |= self.decode_marker[p];
            for &slot in &self.triggers[p] {
                hits[slot].push(m.range());
            }
        }
        (hits, decode)
    }

    /// Every secret in `text`, deduplicated, in order of position, including secrets inside
    /// base64-encoded values (reported at the encoded value).
    pub fn scan(&self, text: &[u8]) -> Vec<Match> {
        let mut budget = decode::MAX_DECODED;
        self.scan_depth(text, 0, &mut budget)
    }

    fn scan_depth(&self, text: &[u8], depth: u8, budget: &mut usize) -> Vec<Match> {
        let mut found: Vec<(Match, bool)> = Vec::new();
        let (hits, decode_marker) = self.hits(text);
        for (slot, hits) in hits.iter().enumerate().filter(|(_, h)| !h.is_empty()) {
            let (rule, m, confidence) = &self.rules[slot];
            self.run_rule(*rule, m, *confidence, text, hits, |mat| {
                found.push((mat, m.generic));
            });
        }
        if depth < decode::MAX_DEPTH && decode_marker {
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
        for (slot, hits) in self
            .hits(text)
            .0
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty())
        {
            let (r, m, confidence) = &self.rules[slot];
            if *r == rule {
                self.run_rule(*r, m, *confidence, text, hits, |mat| out.push(mat));
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
        hits: &[Range<usize>],
        mut emit: impl FnMut(Match),
    ) {
        // A pattern over the size limit is reported by the pack check; here it finds nothing.
        let Ok(regex) = m.regex.get() else { return };
        for window in windows(hits, m.max_len, text.len()) {
            for caps in regex.captures_iter(Input::new(text).range(window)) {
                let (Some(whole), Some(secret)) =
                    (caps.get_match(), caps.get_group(m.secret_group))
                else {
                    continue;
                };
                let (whole, secret) = (whole.range(), secret.range());
                let secret_bytes = &text[secret.clone()];
                if !filter::passes(&m.filters, secret_bytes)
                    || m.filters.deny_match.is_match(&text[whole.clone()])
                {
                    continue;
                }
                let mut found = Match {
                    rule,
                    secret,
                    whole,
                    confidence,
                    note: None,
                    long_lived: None,
                };
                if let Some(v) = m.validator {
                    let verdict = validate::run(v, secret_bytes, self.options);
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
}

/// The spans of a text a rule's regex has to search: every match contains one of the rule's
/// keywords and is at most `max_len` long, so it lies in `[hit.end - max_len, hit.start +
/// max_len)` of some hit. Overlapping spans are merged; an unbounded pattern searches everything.
fn windows(hits: &[Range<usize>], max_len: Option<usize>, len: usize) -> Vec<Range<usize>> {
    let Some(max) = max_len else {
        return std::iter::once(0..len).collect();
    };
    let mut spans: Vec<Range<usize>> = hits
        .iter()
        .map(|h| h.end.saturating_sub(max)..(h.start + max).min(len))
        .filter(|w| w.start < w.end)
        .collect();
    spans.sort_by_key(|w| w.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for w in spans {
        match merged.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    merged
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
    #[expect(
        clippy::single_range_in_vec_init,
        reason = "lists of spans that hold one span"
    )]
    fn windows_surround_hits_and_merge() {
        assert_eq!(
            windows(&[10..14, 12..16, 100..104], Some(8), 200),
            vec![6..20, 96..108]
        );
        assert_eq!(
            windows(&[2..6], Some(10), 12),
            vec![0..12],
            "clipped to the text"
        );
        assert_eq!(
            windows(&[2..6], None, 50),
            vec![0..50],
            "unbounded patterns search everything"
        );
        assert!(
            windows(&[0..10], Some(4), 50).is_empty(),
            "a keyword longer than any match"
        );
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
