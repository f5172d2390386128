//! Secret rules on raw bytes.
//!
//! One Aho-Corasick pass over the keywords of every rule decides which regexes run on a text, so
//! most regexes never run on most files. Matches then pass the rule's filters, and overlapping
//! matches of the same secret are reported once, by the most specific rule.

use std::ops::Range;

use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::OnceLock;

use regex_automata::util::{captures::Captures, pool::Pool};
use regex_automata::{Anchored, Input, hybrid};

use super::keywords::Keywords;
use super::validate::{self, ValidateOptions};
use super::{decode, filter};
use crate::rules::{Confidence, Matcher, OnInvalid, Pack, PatternFacts, SecretMatcher};

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

/// Keyword hits further than this from every possible match start (the spread of a keyword's
/// offsets in the matches) make the rule search windows instead of trying each start.
const MAX_SPREAD: usize = 16;

/// One secret rule, ready to run.
#[derive(Debug)]
struct Slot {
    /// Index of the rule in the pack.
    rule: usize,
    matcher: SecretMatcher,
    confidence: Confidence,
    /// Built on first use; `None` if it cannot be (the regex then decides alone).
    probe: OnceLock<Option<Probe>>,
}

/// Whether a rule runs its regex anchored at the starts that its keyword hits allow (a few
/// positions, or the start of the hit's line; see [`super::sites`]), rather than over windows
/// around the hits.
fn anchored(facts: &PatternFacts) -> bool {
    facts.sites.as_ref().is_some_and(|sites| {
        sites
            .iter()
            .flatten()
            .all(|s| s.line || s.max.is_some_and(|max| max - s.min <= MAX_SPREAD))
    })
}

/// What the keyword pass found in a text.
struct Hits {
    /// What each rule is asked to search, sorted by rule slot and start (see
    /// [`SecretEngine::hits`]).
    rules: Vec<(u32, Range<usize>)>,
    /// The encodings whose markers occur (see [`decode::marker_bit`]).
    decode: u8,
    /// Where the name/value pair markers occur (see [`decode::pair_bit`]).
    pairs: Vec<usize>,
}

/// What the hits of one keyword (pattern of the keyword automaton) ask of the rules it belongs
/// to, built on the keyword's first hit. Everything a hit needs is here, in one place: a keyword
/// like `ac` (`twilio-account-credentials`, exact case `AC`) has hundreds of thousands of hits in
/// a large tree, nearly all of them dropped by a comparison or two.
#[derive(Debug)]
struct KeywordPlan {
    /// The bytes every rule of the keyword requires at the hit, when they all require the same
    /// (checked once for all of them).
    exact: Option<Box<[u8]>>,
    triggers: Box<[Trigger]>,
}

impl KeywordPlan {
    /// The plan of the rules' keywords `uses` ((slot, index of the keyword in the rule)).
    fn new(slots: &[Slot], uses: &[(u32, u32)]) -> KeywordPlan {
        let mut triggers = Vec::with_capacity(uses.len());
        for &(slot, k) in uses {
            let rule = &slots[slot as usize];
            let Some(facts) = rule.facts() else {
                continue;
            };
            let anchored = anchored(facts);
            let trigger = match &facts.sites {
                None => Trigger {
                    slot,
                    anchored,
                    exact: None,
                    min: 0,
                    max: None,
                    line: false,
                    gap: None,
                    before: None,
                    prefix: None,
                },
                // No match needs this keyword: its hits tell nothing.
                Some(sites) => {
                    let Some(site) = &sites[k as usize] else {
                        continue;
                    };
                    Trigger {
                        slot,
                        anchored,
                        exact: site.exact.clone(),
                        min: site.min,
                        max: site.max,
                        line: site.line,
                        gap: site.gap.filter(|_| site.line),
                        before: site.before.clone().map(Before::new),
                        prefix: facts.prefix.clone().filter(|_| anchored),
                    }
                }
            };
            triggers.push(trigger);
        }
        let exact = match triggers.split_first() {
            Some((first, rest)) if rest.iter().all(|t| t.exact == first.exact) => {
                first.exact.clone()
            }
            _ => None,
        };
        if exact.is_some() {
            for t in &mut triggers {
                t.exact = None;
            }
        }
        KeywordPlan {
            exact,
            triggers: triggers.into_boxed_slice(),
        }
    }
}

/// A forward lazy DFA of a rule's pattern (see [`crate::rules::compile_probe`]) with a cache
/// per thread. Most tried starts and windows match nothing: the probe rejects them at a fraction
/// of the cost of a regex search, and most rules never need their regex built at all.
struct Probe {
    dfa: hybrid::dfa::DFA,
    caches: Pool<hybrid::dfa::Cache, CacheFn>,
}

type CacheFn = Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

impl std::fmt::Debug for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Probe").finish_non_exhaustive()
    }
}

impl Slot {
    /// The pattern's facts, worked out when a keyword of the rule first occurs; `None` when its
    /// pattern does not compile (a user rule file is checked at load and cannot have one; the
    /// tests check the built-in pack).
    fn facts(&self) -> Option<&PatternFacts> {
        self.matcher.facts().ok()
    }

    fn probe(&self) -> Option<&Probe> {
        self.probe
            .get_or_init(|| {
                let hir = self.matcher.regex.hir().ok()?;
                let dfa = crate::rules::compile_probe(hir).ok()?;
                let for_cache = dfa.clone();
                let new_cache: CacheFn = Box::new(move || for_cache.create_cache());
                Some(Probe {
                    dfa,
                    caches: Pool::new(new_cache),
                })
            })
            .as_ref()
    }
}

/// What the hits of one keyword of one rule allow.
#[derive(Debug)]
struct Trigger {
    slot: u32,
    /// Whether the rule runs anchored (see [`anchored`]).
    anchored: bool,
    /// What every match looks like at its start (anchored rules only).
    prefix: Option<super::sites::Prefix>,
    /// A hit counts only with exactly these bytes (the pattern spells the keyword in one case).
    exact: Option<Box<[u8]>>,
    /// Least and greatest distance from a match start to the keyword (anchored rules only).
    min: usize,
    max: Option<usize>,
    /// Whether the match starts at the start of the hit's line (anchored rules only).
    line: bool,
    /// For a line trigger, every byte that may come between the line's start and the hit.
    gap: Option<super::sites::ByteSet>,
    /// The strings that can come between a match start and the keyword (anchored rules only):
    /// the starts to try are where one of them precedes the hit.
    before: Option<Before>,
}

/// The strings that can come between a match start and a keyword, in lower case, grouped by
/// last byte: a hit is compared only with the strings that end in the byte before it (generic
/// rules have dozens of strings, and their keywords tens of thousands of hits).
#[derive(Debug)]
struct Before {
    strings: Box<[Box<[u8]>]>,
    /// `strings[at[k]..at[k + 1]]` are the strings of key `k`: 0 for the empty string, `b + 1`
    /// for those ending in byte `b`.
    at: Box<[u16; 258]>,
}

impl Before {
    fn new(mut strings: Vec<Box<[u8]>>) -> Before {
        let key = |s: &[u8]| s.last().map_or(0, |&b| usize::from(b) + 1);
        strings.sort_by_key(|s| key(s));
        let mut at = Box::new([0_u16; 258]);
        for s in &strings {
            at[key(s) + 1] += 1;
        }
        for k in 1..at.len() {
            at[k] += at[k - 1];
        }
        Before {
            strings: strings.into_boxed_slice(),
            at,
        }
    }

    /// The strings that may end at `at` of `text`: the empty string, and those ending in the
    /// byte before `at`, in any case.
    fn ending_at(&self, text: &[u8], at: usize) -> impl Iterator<Item = &[u8]> {
        let group = |k: usize| &self.strings[usize::from(self.at[k])..usize::from(self.at[k + 1])];
        let last = at.checked_sub(1).map_or(&[][..], |i| {
            group(usize::from(text[i].to_ascii_lowercase()) + 1)
        });
        group(0).iter().chain(last).map(|s| &**s)
    }
}

/// Secret rules of a pack, ready to run.
#[derive(Debug)]
pub struct SecretEngine {
    slots: Vec<Slot>,
    keywords: Keywords,
    /// For each keyword pattern, the rules it triggers: (slot, index of the keyword in the rule).
    triggers: Vec<Vec<(u32, u32)>>,
    /// For each keyword pattern, what its hits ask, built on its first hit.
    plans: Box<[OnceLock<KeywordPlan>]>,
    /// For each keyword pattern, whether it marks a document worth decoding (one pass finds
    /// both rule keywords and decoding markers).
    decode_marker: Vec<u8>,
    options: ValidateOptions,
}

impl SecretEngine {
    pub fn new(pack: &Pack) -> Self {
        Self::with_options(pack, ValidateOptions::default())
    }

    pub fn with_options(pack: &Pack, options: ValidateOptions) -> Self {
        let mut slots = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let mut triggers: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut word_index: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::new();
        for (index, rule) in pack.rules.iter().enumerate() {
            let Matcher::Secret(m) = &rule.matcher else {
                continue;
            };
            let slot = u32::try_from(slots.len()).expect("fewer than 2^32 rules");
            for (i, k) in m.keywords.iter().enumerate() {
                let trigger = (slot, u32::try_from(i).expect("fewer than 2^32 keywords"));
                if let Some(&p) = word_index.get(k.as_str()) {
                    triggers[p].push(trigger);
                } else {
                    word_index.insert(k, words.len());
                    words.push(k.clone());
                    triggers.push(vec![trigger]);
                }
            }
            slots.push(Slot {
                rule: index,
                matcher: m.clone(),
                confidence: rule.confidence,
                probe: OnceLock::new(),
            });
        }
        let mut decode_marker = vec![0; words.len()];
        for (m, marker) in decode::MARKERS.iter().enumerate() {
            if let Some(i) = words.iter().position(|w| w == marker) {
                decode_marker[i] |= decode::marker_bit(m);
            } else {
                words.push((*marker).to_owned());
                triggers.push(Vec::new());
                decode_marker.push(decode::marker_bit(m));
            }
        }
        let keywords = Keywords::new(&words);
        SecretEngine {
            plans: words.iter().map(|_| OnceLock::new()).collect(),
            slots,
            keywords,
            triggers,
            decode_marker,
            options,
        }
    }

    /// What the keyword hits in `text` ask each rule to search, sorted by rule slot and start:
    /// for an anchored rule the range of match starts a hit allows, otherwise the hit itself. A
    /// rule with no entry does not run at all. Also the encodings whose markers occur (see
    /// [`decode::marker_bit`]) and where the name/value pair markers are.
    fn hits(&self, text: &[u8]) -> Hits {
        let mut out = Vec::new();
        let mut decode = 0;
        let mut pairs = Vec::new();
        self.keywords.find_all(text, |p, hit| {
            decode |= self.decode_marker[p];
            if self.decode_marker[p] & decode::pair_bit() != 0 {
                pairs.push(hit.start);
            }
            let plan =
                self.plans[p].get_or_init(|| KeywordPlan::new(&self.slots, &self.triggers[p]));
            if plan
                .exact
                .as_deref()
                .is_some_and(|e| !same(e, &text[hit.clone()]))
            {
                return;
            }
            // The start of the hit's line, found once for all the rules that need it.
            let mut line_start = None;
            for t in &plan.triggers {
                if t.exact
                    .as_deref()
                    .is_some_and(|e| !same(e, &text[hit.clone()]))
                {
                    continue;
                }
                if !t.anchored {
                    out.push((t.slot, hit.clone()));
                    continue;
                }
                // A start the rule's prefix rejects is not handed on: frequent short keywords
                // (`pat` in `path`) then cost no sorting and no probe.
                let allows = |start: usize| t.prefix.as_ref().is_none_or(|p| p.allows(text, start));
                let Some(last) = hit.start.checked_sub(t.min) else {
                    continue;
                };
                let first = t.max.map_or(0, |max| hit.start.saturating_sub(max));
                if let Some(before) = &t.before {
                    for b in before.ending_at(text, hit.start) {
                        if let Some(start) = hit.start.checked_sub(b.len())
                            && text[start..hit.start].eq_ignore_ascii_case(b)
                            && allows(start)
                        {
                            out.push((t.slot, start..start + 1));
                        }
                    }
                } else if t.line {
                    let start = *line_start.get_or_insert_with(|| {
                        memchr::memrchr(b'\n', &text[..hit.start]).map_or(0, |i| i + 1)
                    });
                    if (first..=last).contains(&start)
                        && t.gap
                            .as_ref()
                            .is_none_or(|g| super::sites::all_in(g, &text[start..hit.start]))
                        && allows(start)
                    {
                        out.push((t.slot, start..start + 1));
                    }
                } else if first < last || allows(first) {
                    out.push((t.slot, first..last + 1));
                }
            }
        });
        out.sort_unstable_by_key(|(slot, span)| (*slot, span.start));
        Hits {
            rules: out,
            decode,
            pairs,
        }
    }

    /// Every secret in `text`, deduplicated, in order of position, including secrets inside
    /// base64-encoded values (reported at the encoded value).
    pub fn scan(&self, text: &[u8]) -> Vec<Match> {
        let mut budget = decode::MAX_DECODED;
        self.scan_depth(text, 0, &mut budget)
    }

    fn scan_depth(&self, text: &[u8], depth: u8, budget: &mut usize) -> Vec<Match> {
        let mut found: Vec<(Match, bool)> = Vec::new();
        let Hits {
            rules: hits,
            decode: decode_marker,
            pairs,
        } = self.hits(text);
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            let slot = &self.slots[group[0].0 as usize];
            self.run_rule(slot, text, group, |mat| {
                found.push((mat, slot.matcher.generic));
            });
        }
        if depth < decode::MAX_DEPTH && decode_marker != 0 {
            for enc in decode::candidates(text, decode_marker, &pairs) {
                let value = &text[enc.value.clone()];
                // A name/value pair's value is scanned as it is, an encoded one decoded.
                let plain = if enc.plain {
                    std::borrow::Cow::Borrowed(value)
                } else {
                    match decode::decode(value) {
                        Some(decoded) => std::borrow::Cow::Owned(decoded),
                        None => continue,
                    }
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
                // A finding in an encoded value is reported at the whole value, with a note of
                // where it was; one in a pair's value keeps its exact place.
                let place = (!enc.plain).then(|| {
                    decode::describe(value, &String::from_utf8_lossy(&text[enc.key.clone()]))
                });
                for mut inner in self.scan_depth(&synthetic, depth + 1, budget) {
                    if inner.secret.end <= offset {
                        continue;
                    }
                    let (at, note) = match &place {
                        None => {
                            let Some(start) = inner.secret.start.checked_sub(offset) else {
                                continue;
                            };
                            let end = inner.secret.end - offset;
                            (
                                enc.value.start + start..enc.value.start + end,
                                inner.note.take(),
                            )
                        }
                        Some(place) => (
                            enc.value.clone(),
                            Some(match inner.note.take() {
                                Some(n) => format!("{place}; {n}"),
                                None => place.clone(),
                            }),
                        ),
                    };
                    let generic = self.generic(inner.rule);
                    found.push((
                        Match {
                            secret: at.clone(),
                            whole: at,
                            note,
                            ..inner
                        },
                        generic,
                    ));
                }
            }
        }
        dedup(found)
    }

    /// Whether the rule at pack index `rule` is a generic one.
    fn generic(&self, rule: usize) -> bool {
        self.slots
            .iter()
            .any(|s| s.rule == rule && s.matcher.generic)
    }

    /// Matches of the one rule at pack index `rule`, with its filters, without deduplication.
    /// The keyword gate still applies, so examples are checked the way real scans see them.
    pub fn scan_rule(&self, rule: usize, text: &[u8]) -> Vec<Match> {
        let mut out = Vec::new();
        for group in self.hits(text).rules.chunk_by(|a, b| a.0 == b.0) {
            let slot = &self.slots[group[0].0 as usize];
            if slot.rule == rule {
                self.run_rule(slot, text, group, |mat| out.push(mat));
            }
        }
        out
    }

    /// Runs one rule where its keyword hits (`spans`, from [`Self::hits`]) allow.
    fn run_rule(
        &self,
        slot: &Slot,
        text: &[u8],
        spans: &[(u32, Range<usize>)],
        mut emit: impl FnMut(Match),
    ) {
        // A pattern over the size limit is reported by the pack check; here it finds nothing.
        let regex = || slot.matcher.regex.get_nfa().ok();
        let Some(facts) = slot.facts() else {
            return;
        };
        if anchored(facts) {
            let probe = slot.probe();
            let mut cache = probe.map(|p| p.caches.get());
            let mut caps: Option<Captures> = None;
            // Every match starts in one of the spans: try each start once, in order, and skip
            // the starts inside a match found (as an unanchored search would).
            let mut next = 0;
            for (_, starts) in spans {
                let mut at = starts.start.max(next);
                while at < starts.end {
                    if facts
                        .prefix
                        .as_ref()
                        .is_some_and(|pre| !pre.allows(text, at))
                    {
                        at += 1;
                        next = at;
                        continue;
                    }
                    // A match is at most `max_len` long: a bounded span lets the backtracker
                    // search it (look-around still sees the text beyond).
                    let end = facts
                        .max_len
                        .map_or(text.len(), |max| text.len().min(at.saturating_add(max)));
                    let input = Input::new(text).range(at..end).anchored(Anchored::Yes);
                    let maybe = match (probe, cache.as_mut()) {
                        (Some(p), Some(c)) => !matches!(
                            p.dfa.try_search_fwd(c, &input.clone().earliest(true)),
                            Ok(None)
                        ),
                        _ => true,
                    };
                    let mut whole = None;
                    if maybe {
                        let Some(regex) = regex() else { return };
                        let caps = caps.get_or_insert_with(|| regex.create_captures());
                        regex.search_captures(&input, caps);
                        if let Some(m) = caps.get_match() {
                            if let Some(found) = self.accept(slot, text, caps) {
                                emit(found);
                            }
                            whole = Some(m);
                        }
                    }
                    at = whole.map_or(at + 1, |m| m.end().max(at + 1));
                    next = at;
                }
            }
        } else {
            // The probe, unanchored, tells whether anything can match in the rest of a window;
            // most windows hold nothing, and the regex runs only on those that may.
            let probe = slot.probe();
            let mut cache = probe.map(|p| p.caches.get());
            let mut caps: Option<Captures> = None;
            let hits: Vec<Range<usize>> = spans.iter().map(|(_, h)| h.clone()).collect();
            for window in windows(text, &hits, facts.max_len, facts.max_newlines) {
                let mut input = Input::new(text).range(window);
                loop {
                    if let (Some(p), Some(c)) = (probe, cache.as_mut())
                        && matches!(
                            p.dfa.try_search_fwd(c, &input.clone().earliest(true)),
                            Ok(None)
                        )
                    {
                        break;
                    }
                    let Some(regex) = regex() else { return };
                    let caps = caps.get_or_insert_with(|| regex.create_captures());
                    regex.search_captures(&input, caps);
                    let Some(whole) = caps.get_match() else { break };
                    if let Some(found) = self.accept(slot, text, caps) {
                        emit(found);
                    }
                    // Patterns hold a keyword, so a match is never empty.
                    input.set_start(whole.end().max(whole.start() + 1));
                }
            }
        }
    }

    /// A regex match of a rule as a [`Match`], if its secret passes the rule's filters and
    /// validator.
    fn accept(&self, slot: &Slot, text: &[u8], caps: &Captures) -> Option<Match> {
        let m = &slot.matcher;
        let (whole, secret) = (
            caps.get_match()?.range(),
            caps.get_group(slot.facts()?.secret_group)?.range(),
        );
        let secret_bytes = &text[secret.clone()];
        if !filter::passes(&m.filters, secret_bytes)
            || m.filters.deny_match.is_match(&text[whole.clone()])
        {
            return None;
        }
        let mut found = Match {
            rule: slot.rule,
            secret,
            whole,
            confidence: slot.confidence,
            note: None,
            long_lived: None,
        };
        if let Some(v) = m.validator {
            let context = validate::Context {
                text,
                whole: found.whole.clone(),
                secret: found.secret.clone(),
            };
            let verdict = validate::run(v, &context, self.options);
            found.note = verdict.note;
            found.long_lived = verdict.long_lived;
            // A rule that drops what fails its check reports only what the check confirms; one
            // that lowers keeps its declared confidence when the check cannot tell.
            match (verdict.valid, m.on_invalid) {
                (Some(true), _) => found.confidence = Confidence::High,
                (Some(false) | None, OnInvalid::Drop) => return None,
                (Some(false), OnInvalid::Lower) => found.confidence = slot.confidence.lower(),
                (None, OnInvalid::Lower) => {}
            }
        }
        Some(found)
    }
}

/// The spans of a text a rule's regex has to search: every match contains one of the rule's
/// keywords and is at most `max_len` long, so it lies in `[hit.end - max_len, hit.start +
/// max_len)` of some hit; and a match holds at most `newlines` newlines, so it lies within that
/// many lines before and after the hit's line. Overlapping spans are merged; an unbounded pattern
/// that may span any number of lines searches everything.
fn windows(
    text: &[u8],
    hits: &[Range<usize>],
    max_len: Option<usize>,
    newlines: Option<usize>,
) -> Vec<Range<usize>> {
    let len = text.len();
    if max_len.is_none() && newlines.is_none() {
        return std::iter::once(0..len).collect();
    }
    let mut spans: Vec<Range<usize>> = hits
        .iter()
        .map(|h| {
            let (mut start, mut end) = match max_len {
                Some(max) => (h.end.saturating_sub(max), (h.start + max).min(len)),
                None => (0, len),
            };
            if let Some(n) = newlines
                && start < h.start
                && h.end < end
            {
                start = memchr::memrchr_iter(b'\n', &text[start..h.start])
                    .nth(n)
                    .map_or(start, |i| start + i + 1);
                end = memchr::memchr_iter(b'\n', &text[h.end..end])
                    .nth(n)
                    .map_or(end, |i| h.end + i);
            }
            start..end
        })
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

/// `a == b` for the few bytes of a keyword, without the call a slice comparison makes (it ran
/// for every hit of a short keyword such as `ac`).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_are_compared_with_the_before_strings_that_end_in_the_byte_before_them() {
        let before = Before::new(
            ["api_", "", "x-", "auth_", "_", "bearer "]
                .iter()
                .map(|b| b.as_bytes().into())
                .collect(),
        );
        let ends = |text: &str, at: usize| -> Vec<String> {
            let mut got: Vec<String> = before
                .ending_at(text.as_bytes(), at)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect();
            got.sort();
            got
        };
        assert_eq!(ends("API_token", 4), ["", "_", "api_", "auth_"]);
        assert_eq!(ends("X-token", 2), ["", "x-"]);
        assert_eq!(ends("Bearer token", 7), ["", "bearer "]);
        assert_eq!(ends("mytoken", 2), [""]);
        assert_eq!(ends("token", 0), [""]);
    }

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
            windows(&[b' '; 200], &[10..14, 12..16, 100..104], Some(8), None),
            vec![6..20, 96..108]
        );
        assert_eq!(
            windows(&[b' '; 12], &[2..6], Some(10), None),
            vec![0..12],
            "clipped to the text"
        );
        assert_eq!(
            windows(&[b' '; 50], &[2..6], None, None),
            vec![0..50],
            "unbounded patterns search everything"
        );
        assert!(
            windows(&[b' '; 50], &[0..10], Some(4), None).is_empty(),
            "a keyword longer than any match"
        );
        let text = b"a\nbb\nkey=1\ncc\ndd";
        assert_eq!(
            windows(text, &[5..8], None, Some(0)),
            vec![5..10],
            "one line"
        );
        assert_eq!(
            windows(text, &[5..8], None, Some(1)),
            vec![2..13],
            "a line before and after"
        );
        assert_eq!(
            windows(text, &[5..8], Some(4), Some(1)),
            vec![4..9],
            "the shorter bound wins"
        );
    }

    /// The keyword gate and the anchored starts find exactly what the rule's regex finds over
    /// the whole text, on every example of the built-in pack and on variants of them (in upper
    /// and lower case, after other text, twice).
    #[test]
    fn keyword_gate_loses_no_match() {
        let pack = Pack::builtin().expect("the built-in pack loads");
        let engine = SecretEngine::new(&pack);
        let mut checked = 0;
        for slot in &engine.slots {
            let rule = &pack.rules[slot.rule];
            let regex = slot.matcher.regex.get().expect("built-in patterns compile");
            for ex in rule.examples.iter().chain(&rule.negative_examples) {
                let t = &ex.text;
                for text in [
                    t.clone(),
                    t.to_ascii_uppercase(),
                    t.to_ascii_lowercase(),
                    format!("x = 1\n  {t} {t}"),
                    format!("{t}\n{t}"),
                ] {
                    let text = text.as_bytes();
                    let whole: Vec<Match> = regex
                        .captures_iter(text)
                        .filter_map(|c| engine.accept(slot, text, &c))
                        .collect();
                    assert_eq!(
                        engine.scan_rule(slot.rule, text),
                        whole,
                        "{}: {}",
                        rule.id,
                        String::from_utf8_lossy(text)
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked}");
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
