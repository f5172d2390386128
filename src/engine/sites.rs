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

/// The bytes a match of `h` can start with, when the pattern tells (a class of non-ASCII
/// characters does not); `None` when any byte may, or when `h` matches the empty string. An
/// anchored rule skips the starts whose byte is not in the set before it runs its probe.
pub fn first_bytes(h: &Hir) -> Option<Box<[bool; 256]>> {
    let mut set = Box::new([false; 256]);
    let nullable = first_into(h, &mut set)?;
    (!nullable && set.iter().any(|&b| !b)).then_some(set)
}

/// Adds the bytes a match of `h` can start with to `set`; returns whether `h` can match the
/// empty string, or `None` when it cannot tell.
fn first_into(h: &Hir, set: &mut [bool; 256]) -> Option<bool> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(true),
        HirKind::Literal(l) => match l.0.first() {
            Some(&b) => {
                set[usize::from(b)] = true;
                Some(false)
            }
            None => Some(true),
        },
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    set[usize::from(b)] = true;
                }
            }
            Some(false)
        }
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.ranges() {
                let (a, b) = (u32::from(r.start()), u32::from(r.end()));
                if b > 0x7f {
                    return None;
                }
                for x in a..=b {
                    set[usize::try_from(x).ok()?] = true;
                }
            }
            Some(false)
        }
        HirKind::Capture(c) => first_into(&c.sub, set),
        HirKind::Repetition(r) => Some(first_into(&r.sub, set)? || r.min == 0),
        HirKind::Concat(items) => {
            for i in items {
                if !first_into(i, set)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        HirKind::Alternation(branches) => {
            let mut nullable = false;
            for b in branches {
                nullable |= first_into(b, set)?;
            }
            Some(nullable)
        }
    }
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
/// alternations, concatenations and short repetitions of those.
fn spell(h: &Hir) -> Option<Vec<Spelling>> {
    let out = match h.kind() {
        HirKind::Empty => vec![Vec::new()],
        HirKind::Literal(l) => vec![
            l.0.iter()
                .map(|&b| Place {
                    lower: b.to_ascii_lowercase(),
                    exact: Some(b),
                })
                .collect(),
        ],
        HirKind::Class(c) => {
            let mut bytes = Vec::new();
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
            bytes
                .iter()
                .map(|&b| {
                    let lower = b.to_ascii_lowercase();
                    let cases = bytes
                        .iter()
                        .filter(|x| x.to_ascii_lowercase() == lower)
                        .count();
                    vec![Place {
                        lower,
                        exact: (cases == 1).then_some(b),
                    }]
                })
                .collect()
        }
        HirKind::Capture(c) => spell(&c.sub)?,
        HirKind::Concat(items) => {
            let mut all = vec![Vec::new()];
            for i in items {
                all = product(&all, &spell(i)?)?;
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
                n = product(&n, &one)?;
            }
            all
        }
        HirKind::Look(_) | HirKind::Repetition(_) => return None,
    };
    let mut out = out;
    out.sort_by_key(|s| s.iter().map(|p| p.lower).collect::<Vec<u8>>());
    // The same string in two cases: either case.
    out.dedup_by(|b, a| {
        let same = a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.lower == y.lower);
        if same {
            for (x, y) in a.iter_mut().zip(b.iter()) {
                if x.exact != y.exact {
                    x.exact = None;
                }
            }
        }
        same
    });
    (out.len() <= MAX_SPELLINGS).then_some(out)
}

/// Every string of `a` followed by every string of `b`, unless they are too many.
fn product(a: &[Spelling], b: &[Spelling]) -> Option<Vec<Spelling>> {
    if a.len() * b.len() > MAX_SPELLINGS {
        return None;
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
    let mut i = 0;
    while i < items.len() {
        // The longest run of elements that spells few strings.
        let mut run: Vec<Spelling> = vec![Vec::new()];
        let mut j = i;
        while let Some(next) = items.get(j).and_then(spell).and_then(|s| product(&run, &s)) {
            run = next;
            j += 1;
        }
        let nested = if j > i {
            find_in_run(&run, keywords)
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
                        })
                    })
                    .collect(),
            );
        }
        if j > i {
            lo += run.iter().map(Vec::len).min().unwrap_or(0);
            hi = hi.map(|h| h + run.iter().map(Vec::len).max().unwrap_or(0));
            newline |= run.iter().flatten().any(|p| p.lower == b'\n');
            i = j;
        } else {
            let p = items[i].properties();
            lo += p.minimum_len().unwrap_or(0);
            hi = hi.zip(p.maximum_len()).map(|(a, b)| a + b);
            newline |= has_newline(&items[i]);
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
        let (at, k) = (0..s.len()).find_map(|at| {
            keywords
                .iter()
                .enumerate()
                .filter(|(_, k)| {
                    !k.is_empty()
                        && s.len() - at >= k.len()
                        && k.iter().zip(&s[at..]).all(|(&b, p)| p.lower == b)
                })
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
                .map(|s| s.map(|s| Site { before: None, ..s }))
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
    fn bytes_a_match_starts_with() {
        let first = |p: &str| {
            let hir = regex_syntax::ParserBuilder::new()
                .unicode(false)
                .utf8(false)
                .build()
                .parse(p)
                .expect("a valid pattern");
            first_bytes(&hir).map(|set| {
                (0u8..=255)
                    .filter(|&b| set[usize::from(b)])
                    .map(char::from)
                    .collect::<String>()
            })
        };
        assert_eq!(first(r"\bAC[0-9a-f]{32}").as_deref(), Some("A"));
        assert_eq!(
            first(r"(?i)(?:api|bot)?_?token").as_deref(),
            Some("ABT_abt"),
            "optional parts add the bytes of what follows them"
        );
        assert_eq!(first(r"(?m)^[ \t]*git@").as_deref(), Some("\t g"));
        assert_eq!(first(r"\w*"), None, "matches the empty string");
        assert_eq!(first(r"(?s).x"), None, "any byte");
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
