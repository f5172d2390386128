//! The keyword pass: every occurrence of every keyword of every secret rule, ASCII
//! case-insensitively, overlapping ones included, in one pass over the text.
//!
//! The pass runs an Aho-Corasick DFA. A DFA walk is a chain of dependent table lookups: each
//! step needs the state the previous byte led to, so one walk is bound by memory latency, not by
//! the processor's width, and a table that outgrows the L1 cache (hundreds of keywords do) slows
//! every byte. Two things keep it fast:
//! - The table is small. States are 16-bit when there are at most 65,536 of them, in rows of a
//!   power-of-two number of byte classes (64 for the built-in keywords): 0.4 MB for the 3,200
//!   states of the built-in pack, against 1.6 MB for aho-corasick's DFA of the same keywords
//!   (32-bit states), so the states a walk visits all the time stay in the L1 and L2 caches.
//! - A long text is cut into [`LANES`] pieces walked in lockstep: the walks do not depend on
//!   each other and the processor overlaps their lookups. Each lane after the first starts
//!   `max_len - 1` bytes before its piece, so that a keyword crossing the cut is seen whole, and
//!   reports only the occurrences that end inside its piece, so that none is reported twice.
//!
//! Measured on the benchmark corpus of docs/benchmarks.md, one thread, walk only (medians):
//! aho-corasick's DFA in lanes took 294 ms with the keywords of the first 60 rules and 323 ms
//! with those of all 324; this table takes 250 ms and 266 ms.

use std::ops::Range;

/// Walks run in lockstep over a long text (3 measured fastest on the benchmark, against 2 and 4).
const LANES: usize = 3;

/// Texts shorter than this are walked in one piece (splitting them gains nothing).
const MIN_SPLIT: usize = 512;

/// The keyword automaton as a table of our own: aho-corasick's DFA stores 32-bit state ids in
/// rows of a power-of-two number of byte classes (64 for the built-in keywords: 1.6 MB for
/// about 3,200 states). Here a state id is 16 bits when there are at most 65,536 states, so a
/// row of 64 classes is two cache lines, not four, and the states that a walk visits all the
/// time (the start state and those a letter or two deep) stay in the L1 and L2 caches.
#[derive(Debug)]
pub struct Keywords {
    /// Byte to class; bytes in no keyword share class 0, and a letter's two cases one class.
    class: [u8; 256],
    /// `next[(state << shift) | class]`: the state after reading a byte of `class`.
    next: Table,
    shift: u32,
    start: u32,
    /// States below this one are match states (numbered first).
    matching: u32,
    /// Match state `s` reports `matches[ends[s]..ends[s + 1]]`: (keyword index, keyword length).
    ends: Box<[u32]>,
    matches: Box<[(u32, u32)]>,
    /// Length of the longest keyword.
    max_len: usize,
}

/// No transition yet, while the trie is built.
const NONE: u32 = u32::MAX;

/// The byte classes of `words` and their number: each letter (in either case) and each other
/// byte of a keyword has its own class, and class 0 holds the bytes of no keyword.
fn classes(words: &[String]) -> ([u8; 256], usize) {
    let mut class = [0_u8; 256];
    let mut classes: usize = 1;
    for b in words.iter().flat_map(|w| w.bytes()) {
        let b = usize::from(b.to_ascii_lowercase());
        if class[b] == 0 {
            // At most 230 folded bytes: a class fits in a byte.
            class[b] = u8::try_from(classes).expect("fewer than 256 byte classes");
            classes += 1;
        }
    }
    for b in b'A'..=b'Z' {
        class[usize::from(b)] = class[usize::from(b.to_ascii_lowercase())];
    }
    (class, classes)
}

#[derive(Debug)]
enum Table {
    Small(Box<[u16]>),
    Large(Box<[u32]>),
}

/// A state id in the table.
trait Cell: Copy {
    fn index(self) -> usize;
}

impl Cell for u16 {
    #[inline]
    fn index(self) -> usize {
        usize::from(self)
    }
}

impl Cell for u32 {
    #[inline]
    fn index(self) -> usize {
        self as usize
    }
}

impl Keywords {
    /// An automaton for `words` (plain literals), matched ASCII case-insensitively.
    pub fn new(words: &[String]) -> Keywords {
        let (class, classes) = classes(words);
        let shift = classes.next_power_of_two().trailing_zeros();
        let row = |s: usize| s << shift;
        // The trie of the keywords, one row of transitions per state; the root is state 0.
        let mut next: Vec<u32> = vec![NONE; row(1)];
        let mut own: Vec<Vec<(u32, u32)>> = vec![Vec::new()];
        for (p, w) in words.iter().enumerate() {
            let mut s = 0;
            for b in w.bytes() {
                let at = row(s) | usize::from(class[usize::from(b)]);
                if next[at] == NONE {
                    next[at] = to_u32(own.len());
                    own.push(Vec::new());
                    next.resize(row(own.len()), NONE);
                }
                s = next[at] as usize;
            }
            own[s].push((to_u32(p), to_u32(w.len())));
        }
        // Breadth first, each state's failure (the longest proper suffix of its path that is
        // also a path) fills its missing transitions and lends it its matches: the classic
        // construction, which turns the trie into a DFA.
        let states = own.len();
        let mut fail = vec![0_usize; states];
        let mut queue = std::collections::VecDeque::new();
        for t in &mut next[..classes] {
            match *t {
                NONE => *t = 0,
                child => queue.push_back(child as usize),
            }
        }
        let mut order = vec![0];
        while let Some(s) = queue.pop_front() {
            order.push(s);
            let inherited = own[fail[s]].clone();
            own[s].extend(inherited);
            for c in 0..classes {
                let via_fail = next[row(fail[s]) | c];
                match next[row(s) | c] {
                    NONE => next[row(s) | c] = via_fail,
                    t => {
                        fail[t as usize] = via_fail as usize;
                        queue.push_back(t as usize);
                    }
                }
            }
        }
        // Match states first, so that one comparison tells whether a state reports.
        order.sort_by_key(|&s| own[s].is_empty());
        let mut id = vec![0_u32; states];
        for (i, &s) in order.iter().enumerate() {
            id[s] = to_u32(i);
        }
        let matching = order.iter().take_while(|&&s| !own[s].is_empty()).count();
        let mut table = vec![0_u32; row(states)];
        let mut ends = vec![0_u32];
        let mut matches = Vec::new();
        for (i, &s) in order.iter().enumerate() {
            for c in 0..classes {
                table[row(i) | c] = id[next[row(s) | c] as usize];
            }
            if i < matching {
                matches.extend_from_slice(&own[s]);
                ends.push(to_u32(matches.len()));
            }
        }
        let next = if states <= 1 << 16 {
            Table::Small(
                table
                    .iter()
                    .map(|&t| u16::try_from(t).expect("checked above"))
                    .collect(),
            )
        } else {
            Table::Large(table.into_boxed_slice())
        };
        Keywords {
            class,
            next,
            shift,
            start: id[0],
            matching: to_u32(matching),
            ends: ends.into_boxed_slice(),
            matches: matches.into_boxed_slice(),
            max_len: words.iter().map(String::len).max().unwrap_or(1).max(1),
        }
    }

    /// Calls `found(keyword index, span)` for every occurrence of a keyword in `text`, in no
    /// particular order.
    pub fn find_all(&self, text: &[u8], mut found: impl FnMut(usize, Range<usize>)) {
        match &self.next {
            Table::Small(next) => self.lanes(next, text, &mut found),
            Table::Large(next) => self.lanes(next, text, &mut found),
        }
    }

    /// Never inlined into its caller: the interleaved lanes need every register, and inlined
    /// into the engine's hit collection they spilled, which cost 7% more instructions for the
    /// whole walk after an unrelated change to the caller.
    #[inline(never)]
    fn lanes<T: Cell>(&self, next: &[T], text: &[u8], found: &mut impl FnMut(usize, Range<usize>)) {
        let len = text.len();
        let start = self.start as usize;
        if len < MIN_SPLIT.max(2 * LANES * self.max_len) {
            self.walk(next, text, 0..len, start, 0, found);
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
        let mut sid = [start; LANES];
        let steps = (0..LANES).map(|k| end[k] - begin[k]).min().unwrap_or(0);
        let matching = self.matching as usize;
        for i in 0..steps {
            for k in 0..LANES {
                let c = usize::from(self.class[usize::from(text[begin[k] + i])]);
                sid[k] = next[(sid[k] << self.shift) | c].index();
            }
            for k in 0..LANES {
                if sid[k] < matching {
                    self.report(sid[k], begin[k] + i + 1, cut[k], found);
                }
            }
        }
        // The lanes' lengths differ by a few bytes: each finishes alone.
        for k in 0..LANES {
            self.walk(next, text, begin[k] + steps..end[k], sid[k], cut[k], found);
        }
    }

    /// One walk over `text[range]` from state `sid`, reporting occurrences that end after
    /// `after`.
    fn walk<T: Cell>(
        &self,
        next: &[T],
        text: &[u8],
        range: Range<usize>,
        mut sid: usize,
        after: usize,
        found: &mut impl FnMut(usize, Range<usize>),
    ) {
        let matching = self.matching as usize;
        for at in range {
            let c = usize::from(self.class[usize::from(text[at])]);
            sid = next[(sid << self.shift) | c].index();
            if sid < matching {
                self.report(sid, at + 1, after, found);
            }
        }
    }

    /// The occurrences that end at `end` in match state `sid`, if `end` is past `after`.
    #[inline]
    fn report(
        &self,
        sid: usize,
        end: usize,
        after: usize,
        found: &mut impl FnMut(usize, Range<usize>),
    ) {
        if end <= after {
            return;
        }
        for &(pattern, len) in &self.matches[self.ends[sid] as usize..self.ends[sid + 1] as usize] {
            found(pattern as usize, end - len as usize..end);
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("keyword automata have fewer than 2^32 states and keywords")
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
    fn more_than_65536_states_take_32_bit_ids() {
        // 8,000 keywords of 12 letters share few prefixes: about 79,000 trie states.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut letter = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            b'a' + u8::try_from(seed % 26).expect("below 26")
        };
        let words: Vec<String> = (0..8000)
            .map(|_| String::from_utf8((0..12).map(|_| letter()).collect()).expect("ascii"))
            .collect();
        let keywords = Keywords::new(&words);
        assert!(matches!(keywords.next, Table::Large(_)));
        let mut text = Vec::new();
        for (i, w) in words.iter().enumerate().step_by(97) {
            text.extend_from_slice(if i % 2 == 0 { w.as_bytes() } else { b"..." });
            text.extend_from_slice(w.to_ascii_uppercase().as_bytes());
            text.extend_from_slice(&w.as_bytes()[..7]);
        }
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut got = Vec::new();
        keywords.find_all(&text, |p, r| got.push((p, r)));
        got.sort_by_key(|(p, r)| (r.start, r.end, *p));
        let want = reference(&refs, &text);
        assert!(want.len() > 100);
        assert_eq!(got, want);
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
