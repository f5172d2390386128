//! Where a secret rule's keywords sit in its matches, read from the parsed pattern.
//!
//! A keyword hit tells the engine that a match may be near. When the pattern shows that every
//! match holds one of the keywords at a bounded distance from its start (`\bAC[0-9a-f]{32}`: at
//! 0; `[0-9a-f]{32}-us`: at 32; `(?:api|auth|bot)[_.-]?token`: from 3 to 5), the engine tries the
//! regex anchored at those few starts instead of searching a window around the hit. When the
//! pattern starts at a line start (`(?m)^`) and no newline can come before the keyword, the one
//! start to try is the start of the hit's line. When the pattern spells the keyword in one case
//! only (`AC`, not `ac`), a hit in another case is no match at all. Patterns this reading does not
//! understand keep the window search.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Where one keyword sits in every match that the keyword accounts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// Least distance from the start of the match to the keyword.
    pub min: usize,
    /// Greatest distance; `None` when unbounded.
    pub max: Option<usize>,
    /// The bytes the pattern requires there, when it spells the keyword in one case only.
    pub exact: Option<Box<[u8]>>,
    /// Every string that can come between the start of the match and the keyword (in lower
    /// case), when they are few: a hit then allows only the starts where one of them precedes it.
    pub before: Option<Vec<Box<[u8]>>>,
    /// Whether the match starts at the start of the keyword's line: the pattern starts with `^`
    /// (multi-line) or `\A`, and nothing before the keyword can match a newline.
    pub line: bool,
    /// Every byte that can come between the start of the match and the keyword, when the pattern
    /// tells (in both cases for letters): a line rule (`^[ \t]*https?://`) then skips the lines
    /// where anything else precedes its keyword.
    pub gap: Option<ByteSet>,
}

/// A set of bytes, one bit each.
pub type ByteSet = [u64; 4];

/// Whether `b` is in `set`.
fn has(set: &ByteSet, b: u8) -> bool {
    set[usize::from(b >> 6)] & (1 << (b & 63)) != 0
}

/// Adds `b` to `set`.
fn insert(set: &mut ByteSet, b: u8) {
    set[usize::from(b >> 6)] |= 1 << (b & 63);
}

/// Whether every byte of `text` is in `set`.
pub fn all_in(set: &ByteSet, text: &[u8]) -> bool {
    text.iter().all(|&b| has(set, b))
}

fn union(a: Option<ByteSet>, b: Option<ByteSet>) -> Option<ByteSet> {
    let (a, b) = (a?, b?);
    Some(std::array::from_fn(|i| a[i] | b[i]))
}

/// The bytes a spelled string can hold, both cases of a letter unless it has one.
fn spelled_bytes(places: &[Place]) -> ByteSet {
    let mut set = [0; 4];
    for p in places {
        let bytes = match p.exact {
            Some(b) => [b, b],
            None => [p.lower, p.lower.to_ascii_uppercase()],
        };
        for b in bytes {
            insert(&mut set, b);
        }
    }
    set
}

/// Every byte that a match of `h` can hold, when it is a class, a literal, a look-around or a
/// repetition or concatenation of those; `None` otherwise.
fn held_bytes(h: &Hir) -> Option<ByteSet> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some([0; 4]),
        HirKind::Literal(l) => {
            let mut set = [0; 4];
            for &b in &l.0 {
                insert(&mut set, b);
            }
            Some(set)
        }
        HirKind::Class(_) => byte_set(h),
        HirKind::Capture(c) => held_bytes(&c.sub),
        HirKind::Repetition(r) => held_bytes(&r.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v
            .iter()
            .try_fold([0; 4], |set, h| union(Some(set), held_bytes(h))),
    }
}

/// For each keyword (lower-case), where it sits; `None` for a keyword that no match needs (its
/// hits can be ignored). The whole result is `None` when some match might hold no keyword at a
/// place this reading can name: the rule then runs on every hit of every keyword, as written.
pub fn keyword_sites(hir: &Hir, keywords: &[String]) -> Option<Vec<Option<Site>>> {
    let keywords: Vec<&[u8]> = keywords.iter().map(String::as_bytes).collect();
    let mut sites = locate(hir, &keywords)?;
    let line = starts_at_line(hir);
    for site in sites.iter_mut().flatten() {
        // `locate` marks a site whose prefix may hold a newline; the mark means "line" from here.
        site.line = line && !site.line;
    }
    Some(sites)
}

/// Whether every match starts at a line start: the pattern opens with `^` in multi-line mode
/// (`\n` only) or `\A`, before anything that consumes a byte.
fn starts_at_line(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Look(Look::StartLF | Look::Start) => true,
        HirKind::Capture(c) => starts_at_line(&c.sub),
        HirKind::Concat(items) => items
            .iter()
            .take_while(|i| i.properties().maximum_len() == Some(0))
            .any(starts_at_line),
        HirKind::Alternation(branches) => branches.iter().all(starts_at_line),
        _ => false,
    }
}

/// The most newlines a match of `h` can hold; `None` when unbounded.
pub fn max_newlines(h: &Hir) -> Option<usize> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(0),
        HirKind::Literal(l) => Some(memchr::memchr_iter(b'\n', &l.0).count()),
        HirKind::Class(_) => Some(usize::from(has_newline(h))),
        HirKind::Capture(c) => max_newlines(&c.sub),
        HirKind::Repetition(r) => match max_newlines(&r.sub)? {
            0 => Some(0),
            n => n.checked_mul(usize::try_from(r.max?).ok()?),
        },
        HirKind::Concat(v) => v
            .iter()
            .try_fold(0usize, |sum, h| sum.checked_add(max_newlines(h)?)),
        HirKind::Alternation(v) => v
            .iter()
            .try_fold(0usize, |most, h| Some(most.max(max_newlines(h)?))),
    }
}

/// Most leading bytes of a match that [`Prefix`] checks.
const MAX_PREFIX: usize = 48;

/// What every match must look like at its start, read from the pattern: a test of a start that
/// costs a few byte lookups, run before the probe. Keyword hits inside ordinary words
/// (`pat` in `path`, `AC` in `ACCESS`) fail it at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefix {
    /// For each of the first bytes of every match, in order, the bytes allowed there.
    sets: Vec<[u64; 4]>,
    /// What the byte before a match must be.
    before: Before,
}

/// What the byte before a match must be, from the pattern's leading assertion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Before {
    Any,
    /// `\b` before a word byte: no word byte (or the start of the text).
    NonWord,
    /// `(?m)^`: a newline (or the start of the text).
    Newline,
}

impl Prefix {
    /// Whether a match may start at `at` of `text`.
    pub fn allows(&self, text: &[u8], at: usize) -> bool {
        let fits = match self.before {
            Before::Any => true,
            Before::NonWord => at == 0 || !is_word_byte(text[at - 1]),
            Before::Newline => at == 0 || text[at - 1] == b'\n',
        };
        fits && self
            .sets
            .iter()
            .enumerate()
            .all(|(i, set)| text.get(at + i).is_some_and(|&b| has(set, b)))
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// What every match of `h` looks like at its start; `None` when the pattern tells nothing.
pub fn prefix(h: &Hir) -> Option<Prefix> {
    let mut sets = Vec::new();
    fixed_sets(h, &mut sets);
    sets.truncate(MAX_PREFIX);
    let mut before = Before::Any;
    for look in leading_looks(h) {
        match look {
            Look::WordAscii | Look::WordStartAscii | Look::WordStartHalfAscii
                if sets.first().is_some_and(|first| {
                    (0..=255u8).all(|b| !has(first, b) || is_word_byte(b))
                }) =>
            {
                before = Before::NonWord;
            }
            Look::StartLF => before = Before::Newline,
            _ => {}
        }
    }
    // A set of every byte tells nothing; trailing ones cost a lookup each.
    while sets
        .last()
        .is_some_and(|s| s.iter().all(|&w| w == u64::MAX))
    {
        sets.pop();
    }
    (!sets.is_empty() || before != Before::Any).then_some(Prefix { sets, before })
}

/// The zero-width assertions a pattern opens with, before anything that consumes a byte.
fn leading_looks(h: &Hir) -> Vec<Look> {
    match h.kind() {
        HirKind::Look(l) => vec![*l],
        HirKind::Capture(c) => leading_looks(&c.sub),
        HirKind::Concat(items) => items
            .iter()
            .take_while(|i| i.properties().maximum_len() == Some(0))
            .flat_map(leading_looks)
            .collect(),
        _ => Vec::new(),
    }
}

/// Pushes onto `out` the byte sets of the leading bytes that every match of `h` has at fixed
/// offsets; returns whether `h` always matches exactly that many bytes (so what follows it
/// continues at a fixed offset too). Zero-width assertions are skipped: they only narrow.
fn fixed_sets(h: &Hir, out: &mut Vec<[u64; 4]>) -> bool {
    if out.len() >= MAX_PREFIX {
        return false;
    }
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => {
            for &b in &l.0 {
                let mut set = [0u64; 4];
                insert(&mut set, b);
                out.push(set);
            }
            true
        }
        HirKind::Class(_) => match byte_set(h) {
            Some(set) => {
                out.push(set);
                true
            }
            None => false,
        },
        HirKind::Capture(c) => fixed_sets(&c.sub, out),
        HirKind::Concat(items) => items.iter().all(|i| fixed_sets(i, out)),
        HirKind::Repetition(r) => {
            let mut one = Vec::new();
            let whole = fixed_sets(&r.sub, &mut one);
            if r.min == 0 || one.is_empty() {
                return r.max == Some(0) || (whole && one.is_empty());
            }
            if !whole {
                out.extend(one);
                return false;
            }
            for _ in 0..r.min {
                if out.len() >= MAX_PREFIX {
                    return false;
                }
                out.extend(one.iter().copied());
            }
            r.max == Some(r.min)
        }
        HirKind::Alternation(branches) => {
            let mut all: Vec<(Vec<[u64; 4]>, bool)> = Vec::new();
            for b in branches {
                let mut sets = Vec::new();
                let whole = fixed_sets(b, &mut sets);
                all.push((sets, whole));
            }
            let len = all.iter().map(|(s, _)| s.len()).min().unwrap_or(0);
            for i in 0..len {
                let mut set = [0u64; 4];
                for (sets, _) in &all {
                    for (w, x) in set.iter_mut().zip(sets[i]) {
                        *w |= x;
                    }
                }
                out.push(set);
            }
            all.iter().all(|(s, whole)| *whole && s.len() == len)
        }
    }
}

/// The bytes a class matches, if they are all single bytes.
fn byte_set(h: &Hir) -> Option<[u64; 4]> {
    let mut set = [0u64; 4];
    let mut add = |a: u32, b: u32| -> Option<()> {
        for x in a..=b {
            insert(&mut set, u8::try_from(x).ok()?);
        }
        Some(())
    };
    match h.kind() {
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.ranges() {
                add(u32::from(r.start()), u32::from(r.end()))?;
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.ranges() {
                if u32::from(r.end()) > 0x7f {
                    return None;
                }
                add(u32::from(r.start()), u32::from(r.end()))?;
            }
        }
        _ => return None,
    }
    Some(set)
}

/// Whether `h` can match a newline anywhere.
fn has_newline(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Literal(l) => l.0.contains(&b'\n'),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Repetition(r) => has_newline(&r.sub),
        HirKind::Capture(c) => has_newline(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(has_newline),
    }
}

/// Most strings a piece of pattern may spell and still be read as a list of strings
/// (`https?://`: two; `[_.-]pass`: three; `(?i)passphrase`: one, in lower case).
const MAX_SPELLINGS: usize = 256;
/// Largest class read as its bytes (`[_.-]`, `[0-9a-f]`).
const MAX_CLASS: usize = 16;
/// Most strings kept as [`Site::before`]: each costs a comparison per hit.
const MAX_BEFORE: usize = 64;
/// Longest fixed repetition read as strings (`[0-9]{2}`).
const MAX_REPEAT: u32 = 4;

/// One byte of a spelled string: in lower case, and the pattern's own byte when it allows one
/// case only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    lower: u8,
    exact: Option<u8>,
}

type Spelling = Vec<Place>;

/// The strings an element can match, if they are few: literals, small classes, and
/// alternations, concatenations and short repetitions of those. Sorted by their lower-case
/// bytes, each string once (the same string in two cases is one, in either case).
fn spell(h: &Hir) -> Option<Vec<Spelling>> {
    let out = match h.kind() {
        HirKind::Empty => return Some(vec![Vec::new()]),
        HirKind::Literal(l) => {
            return Some(vec![
                l.0.iter()
                    .map(|&b| Place {
                        lower: b.to_ascii_lowercase(),
                        exact: Some(b),
                    })
                    .collect(),
            ]);
        }
        HirKind::Class(c) => return spell_class(c),
        HirKind::Capture(c) => return spell(&c.sub),
        HirKind::Concat(items) => {
            let mut all = vec![Vec::new()];
            for i in items {
                all = product(all, &spell(i)?)?;
            }
            all
        }
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for b in branches {
                all.extend(spell(b)?);
                if all.len() > MAX_SPELLINGS {
                    return None;
                }
            }
            all
        }
        HirKind::Repetition(r) if r.max.is_some_and(|m| m <= MAX_REPEAT) => {
            let one = spell(&r.sub)?;
            let mut all = Vec::new();
            let mut n = vec![Vec::new()];
            for count in 0..=r.max.unwrap_or(0) {
                if count >= r.min {
                    all.extend(n.iter().cloned());
                }
                n = product(n, &one)?;
            }
            all
        }
        HirKind::Look(_) | HirKind::Repetition(_) => return None,
    };
    let mut out = out;
    if out.len() > 1 {
        out.sort_by(|a, b| a.iter().map(|p| p.lower).cmp(b.iter().map(|p| p.lower)));
        out.dedup_by(|b, a| {
            let same =
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.lower == y.lower);
            if same {
                for (x, y) in a.iter_mut().zip(b.iter()) {
                    if x.exact != y.exact {
                        x.exact = None;
                    }
                }
            }
            same
        });
    }
    (out.len() <= MAX_SPELLINGS).then_some(out)
}

/// The bytes of a small class of ASCII bytes, one string per byte in lower case (`[Aa]` is one
/// string, `a` in either case).
fn spell_class(c: &Class) -> Option<Vec<Spelling>> {
    let ranges: Vec<(u32, u32)> = match c {
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
    };
    let mut bytes = Vec::new();
    for (a, b) in ranges {
        if (b - a) as usize >= MAX_CLASS {
            return None;
        }
        for c in a..=b {
            bytes.push(u8::try_from(c).ok().filter(u8::is_ascii)?);
        }
    }
    if bytes.len() > MAX_CLASS {
        return None;
    }
    bytes.sort_unstable_by_key(|b| (b.to_ascii_lowercase(), *b));
    let mut out: Vec<Spelling> = Vec::with_capacity(bytes.len());
    for b in bytes {
        let lower = b.to_ascii_lowercase();
        match out.last_mut() {
            Some(last) if last[0].lower == lower => last[0].exact = None,
            _ => out.push(vec![Place {
                lower,
                exact: Some(b),
            }]),
        }
    }
    Some(out)
}

/// Every string of `a` followed by every string of `b`, unless they are too many.
fn product(mut a: Vec<Spelling>, b: &[Spelling]) -> Option<Vec<Spelling>> {
    if a.len() * b.len() > MAX_SPELLINGS {
        return None;
    }
    if let [one] = b {
        // Most elements spell one string (a letter in either case): extend in place.
        for x in &mut a {
            x.extend_from_slice(one);
        }
        return Some(a);
    }
    Some(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [&x[..], &y[..]].concat()))
            .collect(),
    )
}

fn locate(h: &Hir, keywords: &[&[u8]]) -> Option<Vec<Option<Site>>> {
    match h.kind() {
        HirKind::Capture(c) => locate(&c.sub, keywords),
        // Every match holds at least one repetition, which starts where the match starts.
        HirKind::Repetition(r) if r.min >= 1 => locate(&r.sub, keywords),
        HirKind::Alternation(branches) => {
            let mut all: Option<Vec<Option<Site>>> = None;
            for b in branches {
                let sites = locate(b, keywords)?;
                all = Some(match all {
                    None => sites,
                    Some(a) => a.into_iter().zip(sites).map(|(x, y)| merge(x, y)).collect(),
                });
            }
            all
        }
        HirKind::Concat(items) => locate_seq(items, keywords),
        HirKind::Literal(_) | HirKind::Class(_) => locate_seq(std::slice::from_ref(h), keywords),
        HirKind::Empty | HirKind::Look(_) | HirKind::Repetition(_) => None,
    }
}

/// The first keywords a sequence of elements spells or holds, after a prefix of bounded length.
/// Until [`keyword_sites`] turns it around, `Site::line` says whether the prefix may hold a
/// newline.
fn locate_seq(items: &[Hir], keywords: &[&[u8]]) -> Option<Vec<Option<Site>>> {
    let (mut lo, mut hi) = (0usize, Some(0usize));
    let mut newline = false;
    // The bytes of the elements passed so far.
    let mut gap = Some([0_u64; 4]);
    let mut i = 0;
    while i < items.len() {
        // The longest run of elements that spells few strings.
        let mut run: Vec<Spelling> = vec![Vec::new()];
        let mut j = i;
        while let Some(next) = items.get(j).and_then(spell).and_then(|s| {
            (run.len() * s.len() <= MAX_SPELLINGS).then(|| product(std::mem::take(&mut run), &s))?
        }) {
            run = next;
            j += 1;
        }
        let nested = if j > i {
            find_in_run(&run, keywords).or_else(|| {
                // A repetition after the run begins with one copy of its element: spelled into
                // the run, it finds keywords that end inside it (`AC0`..`ACf` in
                // `AC[0-9a-f]{32}`).
                let HirKind::Repetition(r) = items.get(j)?.kind() else {
                    return None;
                };
                let first = spell(&r.sub).filter(|_| r.min >= 1)?;
                find_in_run(&product(run.clone(), &first)?, keywords)
            })
        } else {
            match items[i].kind() {
                HirKind::Literal(_) | HirKind::Class(_) => None,
                _ => locate(&items[i], keywords),
            }
        };
        if let Some(sites) = nested {
            return Some(
                sites
                    .into_iter()
                    .map(|s| {
                        s.map(|s| Site {
                            min: s.min + lo,
                            max: s.max.zip(hi).map(|(a, b)| a + b),
                            exact: s.exact,
                            // Known only when nothing comes before the piece that spells them.
                            before: s.before.filter(|_| (lo, hi) == (0, Some(0))),
                            line: s.line || newline,
                            gap: union(s.gap, gap),
                        })
                    })
                    .collect(),
            );
        }
        if j > i {
            lo += run.iter().map(Vec::len).min().unwrap_or(0);
            hi = hi.map(|h| h + run.iter().map(Vec::len).max().unwrap_or(0));
            newline |= run.iter().flatten().any(|p| p.lower == b'\n');
            gap = run
                .iter()
                .fold(gap, |g, s| union(g, Some(spelled_bytes(s))));
            i = j;
        } else {
            let p = items[i].properties();
            lo += p.minimum_len().unwrap_or(0);
            hi = hi.zip(p.maximum_len()).map(|(a, b)| a + b);
            newline |= has_newline(&items[i]);
            gap = union(gap, held_bytes(&items[i]));
            i += 1;
        }
    }
    None
}

/// Where the keywords sit in a run of strings, if every string holds one: for each string, the
/// first keyword in it (the longest where several start at one place: it is the rarest).
/// Offsets are from the run's start; `line` marks a newline before the keyword.
fn find_in_run(run: &[Spelling], keywords: &[&[u8]]) -> Option<Vec<Option<Site>>> {
    let mut sites: Vec<Option<Site>> = vec![None; keywords.len()];
    for s in run {
        let lower: Vec<u8> = s.iter().map(|p| p.lower).collect();
        let (at, k) = (0..s.len()).find_map(|at| {
            keywords
                .iter()
                .enumerate()
                .filter(|(_, k)| !k.is_empty() && lower[at..].starts_with(k))
                .max_by_key(|(_, k)| k.len())
                .map(|(k, _)| (at, k))
        })?;
        let exact: Option<Box<[u8]>> = s[at..at + keywords[k].len()]
            .iter()
            .map(|p| p.exact)
            .collect();
        let site = Site {
            min: at,
            max: Some(at),
            exact,
            // Capped when the sites merge: the run may spell many strings (`(?:api|auth)[_.-]?token["']?`)
            // whose parts before the keyword are few.
            before: Some(vec![s[..at].iter().map(|p| p.lower).collect()]),
            line: s[..at].iter().any(|p| p.lower == b'\n'),
            gap: Some(spelled_bytes(&s[..at])),
        };
        sites[k] = merge(sites[k].take(), Some(site));
    }
    Some(sites)
}

fn merge(a: Option<Site>, b: Option<Site>) -> Option<Site> {
    match (a, b) {
        (Some(x), Some(y)) => Some(Site {
            min: x.min.min(y.min),
            max: x.max.zip(y.max).map(|(p, q)| p.max(q)),
            exact: if x.exact == y.exact { x.exact } else { None },
            before: x.before.zip(y.before).and_then(|(mut a, b)| {
                a.extend(b);
                a.sort_unstable();
                a.dedup();
                (a.len() <= MAX_BEFORE).then_some(a)
            }),
            line: x.line || y.line,
            gap: union(x.gap, y.gap),
        }),
        (x, None) => x,
        (None, y) => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(pattern: &str, keywords: &[&str]) -> Option<Vec<Option<Site>>> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .expect("a valid pattern");
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
        keyword_sites(&hir, &keywords).map(|sites| {
            sites
                .into_iter()
                .map(|s| {
                    s.map(|s| Site {
                        before: None,
                        gap: None,
                        ..s
                    })
                })
                .collect()
        })
    }

    #[expect(
        clippy::unnecessary_wraps,
        reason = "reads like the sites it stands for"
    )]
    fn site(min: usize, max: Option<usize>, exact: Option<&str>) -> Option<Site> {
        Some(Site {
            min,
            max,
            exact: exact.map(|e| e.as_bytes().into()),
            before: None,
            line: false,
            gap: None,
        })
    }

    fn line(s: Option<Site>) -> Option<Site> {
        s.map(|s| Site { line: true, ..s })
    }

    #[test]
    fn prefixes_and_fixed_offsets() {
        assert_eq!(
            sites(r"\bAC[0-9a-f]{32}:([0-9a-f]{32})\b", &["AC"]),
            Some(vec![site(0, Some(0), Some("AC"))])
        );
        assert_eq!(
            sites(r"\b([0-9a-f]{32}-us[0-9]{1,2})\b", &["-us"]),
            Some(vec![site(32, Some(32), Some("-us"))])
        );
        assert_eq!(
            sites(r"\b(pat[A-Za-z0-9]{14}\.[0-9a-f]{64})\b", &["pat"]),
            Some(vec![site(0, Some(0), Some("pat"))])
        );
    }

    /// A keyword may end inside the first copy of a repetition (`AC` and a hex digit), with the
    /// case that the class allows (`ACa`: the class has only the lower-case `a`).
    #[test]
    fn keywords_that_end_in_a_repetition() {
        let keywords: Vec<String> = "0123456789abcdef"
            .chars()
            .map(|c| format!("AC{c}"))
            .collect();
        let keywords: Vec<&str> = keywords.iter().map(String::as_str).collect();
        let found = sites(r"\bAC[0-9a-f]{32}:([0-9a-f]{32})\b", &keywords).expect("sites");
        assert_eq!(found[0], site(0, Some(0), Some("AC0")));
        assert_eq!(found[10], site(0, Some(0), Some("ACa")));
        // Some match holds none of them when a digit is missing, or when the repetition may be
        // empty.
        assert_eq!(sites(r"\bAC[0-9a-f]{32}\b", &keywords[1..]), None);
        assert_eq!(sites(r"\bAC[0-9a-f]{0,32}\b", &keywords), None);
    }

    /// What may stand between a line's start and the keyword of a line rule.
    #[test]
    fn bytes_before_the_keyword() {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(r"(?m)^[ \t]*(?:export[ \t]+)?https?://[^\s]+")
            .expect("a valid pattern");
        let keywords = ["https://".to_owned(), "http://".to_owned()];
        let found = keyword_sites(&hir, &keywords).expect("sites");
        let gap = found[0].as_ref().and_then(|s| s.gap).expect("a gap");
        assert!(all_in(&gap, b"  \texport "));
        assert!(!all_in(&gap, b"EXPORT "));
        assert!(!all_in(&gap, b"  url = "));
        assert_eq!(found[1].as_ref().and_then(|s| s.gap), Some(gap));
        // Anything may precede a keyword after `.*`.
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(r"(?m)^.*https://[^\s]+")
            .expect("a valid pattern");
        let found = keyword_sites(&hir, &keywords[..1]);
        assert_eq!(found.and_then(|f| f[0].as_ref().and_then(|s| s.gap)), None);
    }

    #[test]
    fn case_insensitive_and_variable_prefix() {
        assert_eq!(
            sites(r"(?i)(?:api|auth|bot)[_.-]?token\s*=\s*(\w+)", &["token"]),
            Some(vec![site(3, Some(5), None)])
        );
        assert_eq!(
            sites(r"(?i)\bmachine[ \t]+\S+", &["MACHINE"]),
            Some(vec![site(0, Some(0), None)])
        );
        assert_eq!(
            sites(r"(?-i:[Ss]ession)Token=(\S+)", &["sessiontoken"]),
            Some(vec![site(0, Some(0), None)]),
            "two spellings: either case"
        );
    }

    #[test]
    fn small_classes_spell_several_keywords() {
        assert_eq!(
            sites(
                r"(?:passw|[_.-]pass)=(\S+)",
                &["passw", "_pass", ".pass", "-pass"]
            ),
            Some(vec![
                site(0, Some(0), Some("passw")),
                site(0, Some(0), Some("_pass")),
                site(0, Some(0), Some(".pass")),
                site(0, Some(0), Some("-pass")),
            ])
        );
        assert_eq!(
            sites(r"[_.-]pass=(\S+)", &["_pass", ".pass"]),
            None,
            "`-pass` is no keyword"
        );
        assert_eq!(
            sites(r"\bglpat-([0-9A-Za-z_-]{20})\b", &["gl", "glpat"]),
            Some(vec![None, site(0, Some(0), Some("glpat"))]),
            "the longest keyword wins; a keyword no match needs is dropped"
        );
    }

    #[test]
    fn line_starts() {
        assert_eq!(
            sites(r"(?m)^[ \t]*git@(\S+)", &["git@"]),
            Some(vec![line(site(0, None, Some("git@")))])
        );
        assert_eq!(
            sites(r"(?m)^\s*git@(\S+)", &["git@"]),
            Some(vec![site(0, None, Some("git@"))]),
            "`\\s` may hold a newline"
        );
        assert_eq!(
            sites(r"[ \t]*git@(\S+)", &["git@"]),
            Some(vec![site(0, None, Some("git@"))]),
            "no `^`"
        );
        assert_eq!(
            sites(r"(?m)^[ \t]*https?://(\S+)", &["https://", "http://"]),
            Some(vec![
                line(site(0, None, Some("https://"))),
                line(site(0, None, Some("http://")))
            ]),
            "`s?` spells two strings"
        );
    }

    #[test]
    fn strings_before_the_keyword() {
        let before = |p: &str, k: &[&str]| -> Vec<Option<Vec<String>>> {
            let hir = regex_syntax::ParserBuilder::new()
                .unicode(false)
                .utf8(false)
                .build()
                .parse(p)
                .expect("a valid pattern");
            let k: Vec<String> = k.iter().map(|k| (*k).to_owned()).collect();
            keyword_sites(&hir, &k)
                .expect("sites")
                .into_iter()
                .map(|s| {
                    s.and_then(|s| s.before).map(|b| {
                        b.iter()
                            .map(|b| String::from_utf8_lossy(b).into_owned())
                            .collect()
                    })
                })
                .collect()
        };
        assert_eq!(
            before(r"(?i)\b(?:Bot|auth)[_.]?token=(\w+)", &["token"]),
            vec![Some(
                ["auth", "auth.", "auth_", "bot", "bot.", "bot_"]
                    .map(String::from)
                    .to_vec()
            )]
        );
        assert_eq!(
            before(r"\b(?:https?|ftp)://(\S+)", &["://"]),
            vec![Some(["ftp", "http", "https"].map(String::from).to_vec())]
        );
        let many = before(
            r#"(?i)(?:access|auth|api|bot)[_.-]?token["']?\]?[ \t]{0,3}=(\w+)"#,
            &["token"],
        );
        assert_eq!(
            many[0].as_ref().map(Vec::len),
            Some(16),
            "few strings before the keyword, though the run spells many: {many:?}"
        );
        assert_eq!(
            before(r"[a-z]{0,3}(?:ftp)://(\S+)", &["://"]),
            vec![None],
            "a prefix of variable length comes first"
        );
    }

    #[test]
    fn what_a_match_starts_with() {
        let allows = |p: &str, text: &str, at: usize| {
            let hir = regex_syntax::ParserBuilder::new()
                .unicode(false)
                .utf8(false)
                .build()
                .parse(p)
                .expect("a valid pattern");
            prefix(&hir).is_none_or(|pre| pre.allows(text.as_bytes(), at))
        };
        let airtable = r"\b(pat[A-Za-z0-9]{14}\.[0-9a-f]{64})\b";
        let token = format!("x=patAbCdEfGhIjKlMn.{}", "0a".repeat(32));
        assert!(allows(airtable, &token, 2));
        assert!(
            !allows(airtable, "os.path.join(a, b)", 3),
            "`/` where a letter must be"
        );
        assert!(
            !allows(airtable, "filepatAbCdEfGhIjKlMn.0", 4),
            "`\\b`: a letter before"
        );
        assert!(!allows(airtable, "patAbCdEfGhIjKlMn0", 0), "no `.` at 17");
        assert!(!allows(airtable, "patAbC", 0), "the text ends first");
        let twilio = r"\bAC[0-9a-f]{32}:([0-9a-f]{32})\b";
        assert!(!allows(twilio, "ACCESS_KEY", 0));
        assert!(allows(
            twilio,
            &format!("AC{}:{}", "0a".repeat(16), "0a".repeat(16)),
            0
        ));
        let alternation = r"(?i)(?:api|auth)[_.-]?token=(\w+)";
        assert!(allows(alternation, "AUTH_TOKEN=x", 0));
        assert!(
            allows(alternation, "api_token=x", 0),
            "branches of two lengths: their common start"
        );
        assert!(!allows(alternation, "bot_token=x", 0));
        let line = r"(?m)^[ \t]*https?://";
        assert!(allows(line, "a\n  https://", 2));
        assert!(!allows(line, "a https://", 2), "not at a line start");
        assert!(allows(r"\w*x", "anything", 3), "nothing to tell");
    }

    #[test]
    fn newlines_in_a_match() {
        let n = |p: &str| {
            max_newlines(
                &regex_syntax::ParserBuilder::new()
                    .unicode(false)
                    .utf8(false)
                    .build()
                    .parse(p)
                    .expect("a valid pattern"),
            )
        };
        assert_eq!(n(r"(?m)^key[ \t]*=[^\n]*$"), Some(0));
        assert_eq!(n(r"(?:^|[;\s])pwd=\S+"), Some(1));
        assert_eq!(n(r"a\r?\nb(?:\r?\nc){0,3}"), Some(4));
        assert_eq!(n(r"key:\s*(\S+)"), None);
        assert_eq!(n(r"-----BEGIN[^-]{0,20}-----"), Some(20));
    }

    #[test]
    fn alternations_need_a_keyword_in_every_branch() {
        assert_eq!(
            sites(r"\b(?:AKIA|ASIA)([A-Z0-9]{16})\b", &["AKIA", "ASIA"]),
            Some(vec![
                site(0, Some(0), Some("AKIA")),
                site(0, Some(0), Some("ASIA"))
            ])
        );
        assert_eq!(
            sites(
                r"(?:\bldap[ \t]+-w|bind_?pw)[ \t]*=(\S+)",
                &["ldap", "bind"]
            ),
            Some(vec![
                site(0, Some(0), Some("ldap")),
                site(0, Some(0), Some("bind"))
            ])
        );
        assert_eq!(
            sites(r"(?:xoxb-|token=)(\S+)", &["xoxb-"]),
            None,
            "a branch without a keyword"
        );
        assert_eq!(sites(r"(?:ab)?cd(\S+)", &["ab"]), None, "optional keyword");
    }
}
