//! The keyword pass: every occurrence of every keyword of every secret rule, ASCII
//! case-insensitively, overlapping ones included, in one pass over the text.
//!
//! The pass runs an Aho-Corasick DFA. A DFA walk is a chain of dependent table lookups: each
//! step needs the state the previous byte led to, so one walk is bound by memory latency, not by
//! the processor's width, and a table that outgrows the L1 cache (hundreds of keywords do) slows
//! every byte. Measured on the benchmark corpus of docs/benchmarks.md, one walk took about 690 ms
//! with the keywords of 321 rules against 600 ms with those of the first 60. So a long text is
//! cut into [`LANES`] pieces walked in lockstep: the walks do not depend on each other, the
//! processor overlaps their lookups, and the pass takes about half the time whatever the number
//! of keywords (about 340 ms for both packs). Each lane after the first starts `max_len - 1`
//! bytes before its piece, so that a keyword crossing the cut is seen whole, and reports only
//! the occurrences that end inside its piece, so that none is reported twice.

use std::ops::Range;

use aho_corasick::automaton::Automaton;
use aho_corasick::{Anchored, MatchKind, dfa};

/// Walks run in lockstep over a long text (3 measured fastest on the benchmark, against 2 and 4).
const LANES: usize = 3;

/// Texts shorter than this are walked in one piece (splitting them gains nothing).
const MIN_SPLIT: usize = 512;

#[derive(Debug)]
pub struct Keywords {
    dfa: dfa::DFA,
    /// Length of the longest keyword.
    max_len: usize,
}

impl Keywords {
    /// An automaton for `words` (plain literals), matched ASCII case-insensitively.
    pub fn new(words: &[String]) -> Keywords {
        let dfa = dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            // A prefilter only helps a walk that can skip bytes; lanes walk every byte.
            .prefilter(false)
            .build(words)
            .expect("keywords are plain literals of bounded size");
        let max_len = words.iter().map(String::len).max().unwrap_or(1).max(1);
        Keywords { dfa, max_len }
    }

    /// Calls `found(keyword index, span)` for every occurrence of a keyword in `text`, in no
    /// particular order.
    pub fn find_all(&self, text: &[u8], mut found: impl FnMut(usize, Range<usize>)) {
        let len = text.len();
        if len < MIN_SPLIT.max(2 * LANES * self.max_len) {
            self.walk(text, 0..len, self.start(), 0, &mut found);
            return;
        }
        let piece = len / LANES;
        // Lane `k` reports the occurrences that end in `(cut[k], cut[k + 1]]` and starts early
        // enough to see them whole.
        let cut: [usize; LANES] = std::array::from_fn(|k| k * piece);
        let begin: [usize; LANES] =
            std::array::from_fn(|k| cut[k].saturating_sub(self.max_len - 1));
        let end: [usize; LANES] =
            std::array::from_fn(|k| if k + 1 == LANES { len } else { cut[k + 1] });
        let start = self.start();
        let mut sid = [start; LANES];
        let steps = (0..LANES).map(|k| end[k] - begin[k]).min().unwrap_or(0);
        for i in 0..steps {
            for k in 0..LANES {
                sid[k] = self
                    .dfa
                    .next_state(Anchored::No, sid[k], text[begin[k] + i]);
            }
            for k in 0..LANES {
                if self.dfa.is_special(sid[k]) {
                    self.report(sid[k], begin[k] + i + 1, cut[k], &mut found);
                }
            }
        }
        // The lanes' lengths differ by a few bytes: each finishes alone.
        for k in 0..LANES {
            self.walk(text, begin[k] + steps..end[k], sid[k], cut[k], &mut found);
        }
    }

    fn start(&self) -> aho_corasick::automaton::StateID {
        self.dfa
            .start_state(Anchored::No)
            .expect("an unanchored DFA has an unanchored start state")
    }

    /// One walk over `text[range]` from state `sid`, reporting occurrences that end after
    /// `after`.
    fn walk(
        &self,
        text: &[u8],
        range: Range<usize>,
        mut sid: aho_corasick::automaton::StateID,
        after: usize,
        found: &mut impl FnMut(usize, Range<usize>),
    ) {
        for at in range {
            sid = self.dfa.next_state(Anchored::No, sid, text[at]);
            if self.dfa.is_special(sid) {
                self.report(sid, at + 1, after, found);
            }
        }
    }

    /// The occurrences that end at `end` in state `sid` (a special state: without a prefilter
    /// and unanchored, that is a match state), if `end` is past `after`.
    #[inline]
    fn report(
        &self,
        sid: aho_corasick::automaton::StateID,
        end: usize,
        after: usize,
        found: &mut impl FnMut(usize, Range<usize>),
    ) {
        if end <= after || !self.dfa.is_match(sid) {
            return;
        }
        for i in 0..self.dfa.match_len(sid) {
            let pattern = self.dfa.match_pattern(sid, i);
            found(pattern.as_usize(), end - self.dfa.pattern_len(pattern)..end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasickBuilder;

    fn lanes(words: &[&str], text: &[u8]) -> Vec<(usize, Range<usize>)> {
        let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        let mut got = Vec::new();
        Keywords::new(&words).find_all(text, |p, r| got.push((p, r)));
        got.sort_by_key(|(p, r)| (r.start, r.end, *p));
        got
    }

    fn reference(words: &[&str], text: &[u8]) -> Vec<(usize, Range<usize>)> {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(words)
            .expect("plain literals");
        let mut want: Vec<(usize, Range<usize>)> = ac
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.range()))
            .collect();
        want.sort_by_key(|(p, r)| (r.start, r.end, *p));
        want
    }

    #[test]
    fn short_text_in_one_walk() {
        let got = lanes(&["secret", "ret", "TOKEN"], b"my Secret token");
        assert_eq!(got, vec![(0, 3..9), (1, 6..9), (2, 10..15)]);
    }

    #[test]
    fn lanes_find_what_one_walk_finds_across_every_cut() {
        // Keywords at every offset around the cuts, overlapping each other, in both cases.
        let words = ["password", "pass", "word", "sk_live_", "ssw", "://", "x"];
        for len in [511, 512, 600, 999, 1000, 1001, 3000, 4097] {
            for shift in 0..9 {
                let mut text = vec![b'.'; len];
                let mut at = shift;
                let pieces: [&[u8]; 4] = [b"PassWord", b"sk_live_", b"https://", b"xX"];
                let mut n = 0;
                while at + 8 < len {
                    let p = pieces[n % pieces.len()];
                    text[at..at + p.len()].copy_from_slice(p);
                    at += 7 + n % 5;
                    n += 1;
                }
                assert_eq!(
                    lanes(&words, &text),
                    reference(&words, &text),
                    "len {len} shift {shift}"
                );
            }
        }
    }

    #[test]
    fn a_keyword_over_a_cut_is_reported_once() {
        let len = 3 * 1000;
        for offset in 990..1010 {
            let mut text = vec![b' '; len];
            text[offset..offset + 8].copy_from_slice(b"password");
            let got = lanes(&["password"], &text);
            assert_eq!(got, vec![(0, offset..offset + 8)], "at {offset}");
        }
    }
}
