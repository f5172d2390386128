//! Rule files as written -> compiled [`Rule`]s, collecting every problem with its position.

use std::collections::HashMap;
use std::sync::Arc;

use serde_saphyr::{Location, Spanned};

use super::syntax::{RawExample, RawFile, RawFilters, RawRule};
use super::{Category, Example, Filters, Matcher, Origin, Pack, Rule, SecretMatcher};

/// Limit on a compiled rule regex, so one careless pattern cannot eat the machine's memory.
const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// A problem in a rule file, with the position to point at.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct LoadError {
    pub file: String,
    /// The whole file, so a reporter can show the offending line.
    pub text: Arc<str>,
    /// 1-based line and column (in characters); 0 when unknown.
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl LoadError {
    fn at(file: &str, text: &Arc<str>, loc: Location, message: impl Into<String>) -> Self {
        LoadError {
            file: file.to_owned(),
            text: Arc::clone(text),
            line: u32::try_from(loc.line()).unwrap_or(0),
            column: u32::try_from(loc.column()).unwrap_or(0),
            message: message.into(),
        }
    }

    /// Byte offset of the position in `text`, for snippet renderers.
    pub fn byte_offset(&self) -> usize {
        crate::document::span::offset_of(&self.text, self.line, self.column)
    }
}

/// Loads `(path, contents)` rule files into one pack; all problems are returned at once.
pub fn load_files(files: &[(String, String)]) -> Result<Pack, Vec<LoadError>> {
    load_files_with(files, 0)
}

/// [`load_files`], where the first `trusted` files are the built-in pack: their CEL expressions
/// compile on first use instead of at load (see [`crate::engine::policy::LazyCel`]), and the
/// syntax of their filter patterns is not checked again (the pack's tests load it with
/// [`load_files`], which checks everything).
pub fn load_files_with(files: &[(String, String)], trusted: usize) -> Result<Pack, Vec<LoadError>> {
    use rayon::prelude::*;
    // Files parse independently (in parallel: loading is on the path of every pre-commit run);
    // results keep file order, so rule order and error order stay deterministic.
    let per_file: Vec<(Vec<Rule>, Vec<LoadError>)> = files
        .par_iter()
        .enumerate()
        .map(|(i, (file, text))| load_file(file, text, i >= trusted))
        .collect();
    let mut errors = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    for (mut r, mut e) in per_file {
        rules.append(&mut r);
        errors.append(&mut e);
    }
    let mut seen: HashMap<String, (String, u32)> = HashMap::new();
    for rule in &rules {
        for id in std::iter::once(&rule.id).chain(&rule.aliases) {
            if let Some((file, line)) = seen.get(id) {
                let text = files
                    .iter()
                    .find(|(f, _)| *f == rule.origin.file)
                    .map_or_else(|| Arc::from(""), |(_, t)| Arc::from(t.as_str()));
                errors.push(LoadError {
                    file: rule.origin.file.clone(),
                    text,
                    line: rule.origin.line,
                    column: 1,
                    message: format!("rule id `{id}` is already used at {file}:{line}"),
                });
            } else {
                seen.insert(id.clone(), (rule.origin.file.clone(), rule.origin.line));
            }
        }
    }
    if errors.is_empty() {
        share_filter_sets(&mut rules);
        Ok(Pack { rules })
    } else {
        Err(errors)
    }
}

/// Rules with the same filter list (the generic rules share their allow lists) get one set,
/// compiled once.
fn share_filter_sets(rules: &mut [Rule]) {
    let mut shared: HashMap<Vec<String>, super::PatternSet> = HashMap::new();
    for rule in rules {
        let super::Matcher::Secret(m) = &mut rule.matcher else {
            continue;
        };
        for set in [&mut m.filters.allow, &mut m.filters.deny_match] {
            if !set.is_empty() {
                *set = shared
                    .entry(set.patterns().to_vec())
                    .or_insert_with(|| set.clone())
                    .clone();
            }
        }
    }
}

/// One rule file: its compiled rules and its problems. `check_now`: check now what otherwise
/// compiles on first use (CEL expressions, filter patterns), so that a mistake is a load error.
fn load_file(file: &str, text: &str, check_now: bool) -> (Vec<Rule>, Vec<LoadError>) {
    let shared: Arc<str> = Arc::from(text);
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    // A built-in file loads from the JSON that the build wrote: the same values, read at a
    // tenth of the cost. Positions are then unknown but for each rule's line; errors cannot
    // happen (the tests load every built-in file both ways), and `rules check` reads the YAML.
    if !check_now
        && let Some((json, lines)) = super::builtin_json(file, text)
        && let Ok(raw) = serde_json::from_str::<RawFile>(json)
        && raw.rules.len() == lines.len()
    {
        for (rule, &line) in raw.rules.into_iter().zip(lines) {
            match compile_rule(file, &shared, rule, line, check_now) {
                Ok(rule) => rules.push(rule),
                Err(mut errs) => errors.append(&mut errs),
            }
        }
        return (rules, errors);
    }
    load_yaml(file, &shared, check_now)
}

/// [`load_file`] from the YAML text.
fn load_yaml(file: &str, shared: &Arc<str>, check_now: bool) -> (Vec<Rule>, Vec<LoadError>) {
    let text: &str = shared;
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    // Rules carry no comments that we read; the built-in files are ours, so no budget either.
    let mut options = serde_saphyr::Options::default();
    options.emit_comments = false;
    if !check_now {
        options.budget = None;
    }
    match serde_saphyr::from_str_with_options::<RawFile>(text, options) {
        Ok(raw) => {
            for rule in raw.rules {
                let line = u32::try_from(rule.referenced.line()).unwrap_or(0);
                match compile_rule(file, shared, rule, line, check_now) {
                    Ok(rule) => rules.push(rule),
                    Err(mut errs) => errors.append(&mut errs),
                }
            }
        }
        Err(err) => {
            let loc = err.location().unwrap_or(Location::UNKNOWN);
            errors.push(LoadError::at(file, shared, loc, yaml_message(&err)));
        }
    }
    (rules, errors)
}

/// The parser's message without its own snippet and position prefix: we render both ourselves.
pub(crate) fn yaml_message(err: &serde_saphyr::Error) -> String {
    let text = err.without_snippet().to_string();
    let first = text.lines().next().unwrap_or_default().trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // "line 2 column 9: expected string scalar" -> "expected string scalar"
    let message = match first.split_once(": ") {
        Some((pos, rest)) if pos.starts_with("line ") => rest,
        _ => first,
    };
    // "... at line 2, column 9": the position is rendered separately.
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

fn compile_rule(
    file: &str,
    text: &Arc<str>,
    spanned: Spanned<RawRule>,
    line: u32,
    check_now: bool,
) -> Result<Rule, Vec<LoadError>> {
    let raw = spanned.value;
    let mut errors = Vec::new();
    let err = |loc: Location, msg: String| LoadError::at(file, text, loc, msg);
    let id = raw.id.value.clone();
    if !is_kebab_id(&id) {
        errors.push(err(
            raw.id.referenced,
            format!("rule id `{id}` is not a kebab-case name (a-z, 0-9, single dashes)"),
        ));
    }
    for (what, value) in [
        ("description", &raw.description),
        ("remediation", &raw.remediation),
    ] {
        if value.value.trim().len() < 20 {
            errors.push(err(
                value.referenced,
                format!("rule `{id}`: `{what}` must explain it in at least a sentence"),
            ));
        }
    }
    if raw.name.trim().is_empty() {
        errors.push(err(
            raw.id.referenced,
            format!("rule `{id}`: `name` is empty"),
        ));
    }
    if raw.references.value.is_empty() {
        errors.push(err(
            raw.references.referenced,
            format!("rule `{id}`: at least one reference is required"),
        ));
    }
    let tags = &raw.tags.value;
    if !tags.iter().any(|t| is_owasp_nhi(t)) {
        errors.push(err(
            raw.tags.referenced,
            format!("rule `{id}`: tags need an OWASP NHI id such as `NHI2:2025`"),
        ));
    }
    if !tags
        .iter()
        .any(|t| t.starts_with("CWE-") && t[4..].bytes().all(|b| b.is_ascii_digit()) && t.len() > 4)
    {
        errors.push(err(
            raw.tags.referenced,
            format!("rule `{id}`: tags need a CWE id such as `CWE-798`"),
        ));
    }
    if let Some(problem) = nist_csf_problem(&pack_of(file), tags) {
        errors.push(err(raw.tags.referenced, format!("rule `{id}`: {problem}")));
    }
    for alias in &raw.aliases {
        if !is_kebab_id(alias) {
            errors.push(err(
                raw.id.referenced,
                format!("rule `{id}`: alias `{alias}` is not a kebab-case name"),
            ));
        }
    }

    let structural = raw.select.is_some()
        || raw.condition.is_some()
        || raw.applies_to.is_some()
        || raw.analysis.is_some();
    let matcher = if let Some(analysis) = &raw.analysis {
        compile_analysis(&id, &raw, analysis, &err, &mut errors)
    } else if structural {
        compile_structural(&id, &raw, check_now, &err, &mut errors)
    } else if raw.category == Category::Secret {
        compile_secret(&id, &raw, check_now, &err, &mut errors)
    } else {
        errors.push(err(
            raw.id.referenced,
            format!(
                "rule `{id}`: a `{}` rule reads documents: it needs `applies_to`, `select` and `condition`",
                raw.category
            ),
        ));
        None
    };
    for (what, list) in [
        ("example", &raw.examples),
        ("negative example", &raw.negative_examples),
    ] {
        for ex in list {
            match (&ex.value, structural) {
                (RawExample::Text(_), true) => errors.push(err(
                    ex.referenced,
                    format!("rule `{id}`: a structural rule's {what} is a document: `{{path, lines, text}}`"),
                )),
                (RawExample::Document(_), false) => errors.push(err(
                    ex.referenced,
                    format!("rule `{id}`: a secret rule's {what} is a text, not a document"),
                )),
                (RawExample::Document(d), true) if what == "example" && d.lines.is_empty() => {
                    errors.push(err(
                        ex.referenced,
                        format!("rule `{id}`: an example needs the `lines` the rule reports on"),
                    ));
                }
                (RawExample::Document(d), true) if what != "example" && !d.lines.is_empty() => {
                    errors.push(err(
                        ex.referenced,
                        format!("rule `{id}`: a negative example has no `lines`"),
                    ));
                }
                _ => {}
            }
        }
    }
    if raw.examples.is_empty() {
        errors.push(err(
            raw.id.referenced,
            format!("rule `{id}`: at least one example is required"),
        ));
    }
    if raw.negative_examples.is_empty() {
        errors.push(err(
            raw.id.referenced,
            format!("rule `{id}`: at least one negative example is required"),
        ));
    }
    let examples = raw.examples.iter().map(to_example).collect();
    let negative_examples = raw.negative_examples.iter().map(to_example).collect();
    match matcher {
        Some(matcher) if errors.is_empty() => Ok(Rule {
            message: raw.message.clone().unwrap_or_else(|| raw.name.clone()),
            id,
            aliases: raw.aliases,
            name: raw.name,
            category: raw.category,
            severity: raw.severity,
            confidence: raw.confidence,
            description: raw.description.value.trim().to_owned(),
            remediation: raw.remediation.value.trim().to_owned(),
            references: raw.references.value,
            tags: raw.tags.value,
            matcher,
            pack: pack_of(file),
            examples,
            negative_examples,
            origin: Origin {
                file: file.to_owned(),
                line,
            },
        }),
        _ => Err(errors),
    }
}

/// An identity rule: a named phase-2 check; nothing else of a structural rule applies.
fn compile_analysis(
    id: &str,
    raw: &RawRule,
    analysis: &Spanned<String>,
    err: &dyn Fn(Location, String) -> LoadError,
    errors: &mut Vec<LoadError>,
) -> Option<Matcher> {
    use crate::identity::analyze::Check;
    if raw.select.is_some() || raw.condition.is_some() || raw.pattern.is_some() {
        errors.push(err(
            analysis.referenced,
            format!("rule `{id}`: an `analysis` rule has no `select`, `condition` or `pattern`"),
        ));
    }
    if let Some(check) = Check::parse(&analysis.value) {
        Some(Matcher::Analysis(check))
    } else {
        let known: Vec<&str> = Check::ALL.iter().map(|(w, _)| *w).collect();
        errors.push(err(
            analysis.referenced,
            format!(
                "rule `{id}`: unknown analysis `{}`; one of: {}",
                analysis.value,
                known.join(", ")
            ),
        ));
        None
    }
}

fn to_example(s: &Spanned<RawExample>) -> Example {
    let (text, path, lines) = match &s.value {
        RawExample::Text(t) => (t.clone(), None, Vec::new()),
        RawExample::Document(d) => (d.text.clone(), d.path.clone(), d.lines.clone()),
    };
    Example {
        text,
        path,
        lines,
        line: u32::try_from(s.referenced.line()).unwrap_or(0),
        column: u32::try_from(s.referenced.column()).unwrap_or(0),
    }
}

/// The pack a rule file belongs to: its directory's name (`rules/ci/github.yaml` -> `ci`).
fn pack_of(file: &str) -> String {
    let mut parts = file.rsplit(['/', '\\']);
    parts.next();
    parts.next().unwrap_or_default().to_owned()
}

fn compile_structural(
    id: &str,
    raw: &RawRule,
    check_now: bool,
    err: &dyn Fn(Location, String) -> LoadError,
    errors: &mut Vec<LoadError>,
) -> Option<Matcher> {
    use crate::document::kind::Kind;
    use crate::engine::policy::{LazyCel, PathExpr, StructuralMatcher, Template};
    let before = errors.len();
    if raw.pattern.is_some() || raw.keywords.is_some() || raw.filters.is_some() {
        errors.push(err(
            raw.id.referenced,
            format!("rule `{id}`: a structural rule has no `pattern`, `keywords` or `filters`"),
        ));
    }
    let mut applies_to = Vec::new();
    match &raw.applies_to {
        Some(kinds) if !kinds.value.is_empty() => {
            for k in &kinds.value {
                match Kind::parse(k) {
                    Some(kind) => applies_to.push(kind),
                    None => errors.push(err(
                        kinds.referenced,
                        format!(
                            "rule `{id}`: unknown document kind `{k}`; known: {}",
                            Kind::ALL
                                .iter()
                                .map(|k| k.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
                }
            }
        }
        Some(kinds) => errors.push(err(
            kinds.referenced,
            format!("rule `{id}`: `applies_to` is empty"),
        )),
        None => errors.push(err(
            raw.id.referenced,
            format!("rule `{id}`: a structural rule needs `applies_to`"),
        )),
    }
    let mut paths =
        |what: &str, spanned: Option<&Spanned<super::syntax::OneOrMany>>| -> Vec<PathExpr> {
            let Some(s) = spanned else { return Vec::new() };
            let list = match &s.value {
                super::syntax::OneOrMany::One(p) => vec![p.clone()],
                super::syntax::OneOrMany::Many(v) => v.clone(),
            };
            list.iter()
                .filter_map(|p| match PathExpr::parse(p) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        errors.push(err(s.referenced, format!("rule `{id}`: `{what}`: {e}")));
                        None
                    }
                })
                .collect()
        };
    let select = paths("select", raw.select.as_ref());
    let at = paths("at", raw.at.as_ref());
    if raw.select.is_none() {
        errors.push(err(
            raw.id.referenced,
            format!("rule `{id}`: a structural rule needs `select`"),
        ));
    }
    let condition = raw.condition.as_ref().map(|c| {
        let cel = LazyCel::new(c.value.clone());
        if check_now && let Err(e) = cel.get() {
            errors.push(err(
                c.referenced,
                format!("rule `{id}`: `condition` is not valid CEL: {e}"),
            ));
        }
        Arc::new(cel)
    });
    // Compiled on first use, except in user rule files (errors at load, with positions).
    let at_match = raw.at_match.as_ref().and_then(|re| {
        let lazy = super::LazyBytesRegex::new(re.value.clone());
        if check_now && let Err(e) = lazy.get() {
            errors.push(err(
                re.referenced,
                format!("rule `{id}`: `at_match` does not compile: {e}"),
            ));
            return None;
        }
        Some(lazy)
    });
    let message = match Template::parse(raw.message.as_deref().unwrap_or(&raw.name)).and_then(|t| {
        if check_now {
            t.check().map(|()| t)
        } else {
            Ok(t)
        }
    }) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(err(raw.id.referenced, format!("rule `{id}`: {e}")));
            None
        }
    };
    if errors.len() > before {
        return None;
    }
    Some(Matcher::Structural(StructuralMatcher {
        applies_to,
        select,
        condition,
        at,
        at_match,
        message: message?,
    }))
}

/// The NIST CSF 2.0 subcategories an identity or privilege rule serves: identities and
/// credentials managed, authentication, least privilege.
const NIST_CSF_IDENTITY: [&str; 3] = [
    "NIST-CSF:PR.AA-01",
    "NIST-CSF:PR.AA-03",
    "NIST-CSF:PR.AA-05",
];

/// What is wrong with a rule's NIST CSF tags, if anything: any `NIST-CSF:` tag must name a
/// subcategory (`NIST-CSF:PR.AA-05`), and rules of the `identity` and `privilege` packs carry
/// exactly one, from [`NIST_CSF_IDENTITY`].
fn nist_csf_problem(pack: &str, tags: &[String]) -> Option<String> {
    let nist: Vec<&str> = tags
        .iter()
        .map(String::as_str)
        .filter(|t| t.starts_with("NIST-CSF:"))
        .collect();
    if let Some(bad) = nist
        .iter()
        .find(|t| !is_csf_subcategory(&t["NIST-CSF:".len()..]))
    {
        return Some(format!(
            "`{bad}` is not a NIST CSF 2.0 subcategory such as `NIST-CSF:PR.AA-05`"
        ));
    }
    if !matches!(pack, "identity" | "privilege") {
        return None;
    }
    match nist[..] {
        [one] if NIST_CSF_IDENTITY.contains(&one) => None,
        [] => Some(format!(
            "rules of the `{pack}` pack name the NIST CSF 2.0 subcategory they serve: one of `{}`",
            NIST_CSF_IDENTITY.join("`, `")
        )),
        [other] => Some(format!(
            "`{other}` is not a subcategory of identity management: use one of `{}`",
            NIST_CSF_IDENTITY.join("`, `")
        )),
        _ => Some(format!(
            "rules of the `{pack}` pack carry exactly one NIST CSF tag, not {}",
            nist.len()
        )),
    }
}

/// `PR.AA-05`: function, category, two-digit number.
fn is_csf_subcategory(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2] == b'.'
        && b[3..5].iter().all(u8::is_ascii_uppercase)
        && b[5] == b'-'
        && b[6..].iter().all(u8::is_ascii_digit)
}

/// `NHI1:2025` .. `NHI10:2025`.
fn is_owasp_nhi(tag: &str) -> bool {
    tag.strip_prefix("NHI")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(n, year)| {
            n.parse::<u8>().is_ok_and(|n| (1..=10).contains(&n)) && year == "2025"
        })
}

/// A rule's main pattern. Credential formats are ASCII: without Unicode classes (`\w`, `\s`,
/// `(?i)` over ASCII only) the automata are far smaller and faster; a pattern that needs Unicode
/// opts in with `(?u)`.
pub(super) fn compile_meta(pattern: &str) -> Result<regex_automata::meta::Regex, String> {
    use regex_automata::{meta, util::syntax};
    meta::Regex::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(meta_config())
        .build(pattern)
        .map_err(|e| e.to_string())
}

/// [`compile_meta`] without the lazy and full DFAs, hence without the reverse automaton that
/// they need to find where a match starts: the bounded backtracker or the Pike VM searches. It
/// costs a fraction of [`compile_meta`] to build and more per byte to search, which suits the
/// scan engine: a rule's probe (see [`compile_probe`]) first tells whether a match can start at
/// a place or lie in a window, and that is rare. Measured on a quarter of the benchmark corpus
/// with every secret rule: 1,438 M instructions before, 1,324 M after (docs/benchmarks.md).
/// Built from the syntax tree that the rule's facts and probe use (one parse), and without a
/// literal prefilter: it searches the short spans that the probe let through, where a prefilter
/// finds nothing to skip, and building one from a generic rule's alternation of names costs more
/// than the searches it could shorten.
pub(super) fn compile_meta_nfa(
    hir: &regex_syntax::hir::Hir,
) -> Result<regex_automata::meta::Regex, String> {
    regex_automata::meta::Regex::builder()
        .configure(meta_config().hybrid(false).dfa(false).auto_prefilter(false))
        .build_from_hir(hir)
        .map_err(|e| e.to_string())
}

/// The size limits of every rule regex.
fn meta_config() -> regex_automata::meta::Config {
    regex_automata::meta::Config::new()
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(2 * REGEX_SIZE_LIMIT)
}

/// A forward lazy DFA of a rule's pattern, with the syntax settings of [`compile_meta`] and
/// without capture groups: it tells cheaply whether a match starts at a place (anchored) or
/// lies in a window (unanchored), and is a third of the cost of a meta regex to build.
///
/// It answers for a looser pattern: wide counted repetitions (`[A-Za-z0-9+/]{100,16000}`) lose
/// their upper bound (see [`loosen`]). Every match of the rule's pattern is a match of the looser
/// one, so a "no" stays a no, and a "maybe" is settled by the rule's own regex; a counted
/// repetition compiles one automaton state per allowed repeat, and the wide ones were most of
/// the cost of building the probes of the built-in pack.
pub(crate) fn compile_probe(
    hir: &regex_syntax::hir::Hir,
) -> Result<regex_automata::hybrid::dfa::DFA, String> {
    use regex_automata::{MatchKind, hybrid::dfa, nfa::thompson};
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .which_captures(thompson::WhichCaptures::None)
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT)),
        )
        .build_from_hir(loosen(hir).as_ref().unwrap_or(hir))
        .map_err(|e| e.to_string())?;
    dfa::DFA::builder()
        .configure(
            dfa::Config::new()
                .match_kind(MatchKind::LeftmostFirst)
                .cache_capacity(2 * REGEX_SIZE_LIMIT),
        )
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())
}

/// A rule pattern's syntax tree, with the syntax settings of [`compile_meta`].
pub(super) fn parse_pattern(pattern: &str) -> Result<regex_syntax::hir::Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())
}

/// Repetitions allowing at least this many more repeats than their minimum lose their upper bound
/// in [`compile_probe`] (narrower ones cost little to compile and keep the probe exact). Every
/// counted repetition multiplies the lazy DFA states that a probe builds as it runs (`[^\n]{0,60}`
/// tracks 60 positions): at 8 rather than 64, an all-rules scan of a quarter of the benchmark
/// corpus ran 3% fewer instructions (1,352 M against 1,310 M) with the same findings.
const LOOSEN_SPREAD: u32 = 8;

/// `h` with every counted repetition of a wide spread (`{m,n}`, `n - m >= LOOSEN_SPREAD`) made
/// open (`{m,}`): a pattern that matches everything `h` matches. `None` when `h` has no such
/// repetition: the tree is then used as it is (rebuilding it cost as much as parsing it).
fn loosen(h: &regex_syntax::hir::Hir) -> Option<regex_syntax::hir::Hir> {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    // The new trees of `subs`, if any of them changes.
    let each = |subs: &[Hir]| -> Option<Vec<Hir>> {
        let new: Vec<Option<Hir>> = subs.iter().map(loosen).collect();
        new.iter().any(Option::is_some).then(|| {
            new.into_iter()
                .zip(subs)
                .map(|(n, h)| n.unwrap_or_else(|| h.clone()))
                .collect()
        })
    };
    match h.kind() {
        HirKind::Repetition(rep) => {
            let wide = rep
                .max
                .is_some_and(|max| max.saturating_sub(rep.min) >= LOOSEN_SPREAD);
            let sub = loosen(&rep.sub);
            (wide || sub.is_some()).then(|| {
                Hir::repetition(Repetition {
                    min: rep.min,
                    max: rep.max.filter(|_| !wide),
                    greedy: rep.greedy,
                    sub: Box::new(sub.unwrap_or_else(|| (*rep.sub).clone())),
                })
            })
        }
        HirKind::Capture(cap) => loosen(&cap.sub).map(|sub| {
            Hir::capture(Capture {
                index: cap.index,
                name: cap.name.clone(),
                sub: Box::new(sub),
            })
        }),
        HirKind::Concat(subs) => each(subs).map(Hir::concat),
        HirKind::Alternation(subs) => each(subs).map(Hir::alternation),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => None,
    }
}

/// Filter patterns as one set, with the same syntax settings as [`compile_meta`]. A filter runs
/// on one secret or one match, a few hundred bytes: a Pike VM or backtracker without DFAs or
/// literal prefilter searches that in no time, and costs a fraction to build (the allow lists of
/// the generic rules, compiled as a `RegexSet`, were 21 M instructions on the benchmark corpus).
pub(super) fn compile_set(patterns: &[String]) -> Result<regex_automata::meta::Regex, String> {
    use regex_automata::{meta, util::syntax};
    meta::Regex::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(meta_config().hybrid(false).dfa(false).auto_prefilter(false))
        .build_many(patterns)
        .map_err(|e| e.to_string())
}

/// Every capture group of `hir`: (index, name).
fn capture_groups(hir: &regex_syntax::hir::Hir, out: &mut Vec<(u32, Option<String>)>) {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(c) => {
            out.push((c.index, c.name.as_deref().map(str::to_owned)));
            capture_groups(&c.sub, out);
        }
        HirKind::Concat(v) | HirKind::Alternation(v) => {
            for h in v {
                capture_groups(h, out);
            }
        }
        HirKind::Repetition(r) => capture_groups(&r.sub, out),
        _ => {}
    }
}

fn compile_secret(
    id: &str,
    raw: &RawRule,
    check_now: bool,
    err: &dyn Fn(Location, String) -> LoadError,
    errors: &mut Vec<LoadError>,
) -> Option<Matcher> {
    let Some(pattern) = &raw.pattern else {
        errors.push(err(
            raw.id.referenced,
            format!("rule `{id}`: a secret rule needs a `pattern`"),
        ));
        return None;
    };
    let keywords: Vec<String> = raw
        .keywords
        .as_ref()
        .map(|k| k.value.clone())
        .unwrap_or_default();
    if keywords.is_empty() {
        errors.push(err(
            raw.id.referenced,
            format!("rule `{id}`: a secret rule needs at least one keyword"),
        ));
    }
    if let Some(k) = &raw.keywords
        && k.value.iter().any(|w| w.len() < 2)
    {
        errors.push(err(
            k.referenced,
            format!("rule `{id}`: keywords must be at least 2 characters long"),
        ));
    }
    let expanded = match super::fragments::expand(&pattern.value) {
        Ok(p) => p.into_owned(),
        Err(e) => {
            errors.push(err(pattern.referenced, format!("rule `{id}`: {e}")));
            return None;
        }
    };
    let regex = std::sync::Arc::new(super::LazyRegex::new(expanded));
    let filters = Filters {
        words: raw.generic,
        ..compile_filters(id, raw.filters.as_ref(), check_now, err, errors)
    };
    let keywords: Vec<String> = keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
    let matcher = SecretMatcher {
        keywords,
        regex,
        facts: std::sync::Arc::default(),
        filters,
        generic: raw.generic,
        validator: raw.validate,
        on_invalid: raw.on_invalid.unwrap_or_default(),
    };
    // Built-in patterns are parsed when a keyword of theirs first occurs (tests check them all).
    if check_now && let Err(e) = matcher.facts() {
        errors.push(err(pattern.referenced, format!("rule `{id}`: {e}")));
        return None;
    }
    Some(Matcher::Secret(matcher))
}

/// What a secret rule's pattern (`hir`, with keywords `keywords`) tells of its matches, or why
/// the rule cannot use it (no capture group for the secret).
pub(super) fn pattern_facts(
    hir: &regex_syntax::hir::Hir,
    keywords: &[String],
) -> Result<super::PatternFacts, String> {
    let mut groups = Vec::new();
    capture_groups(hir, &mut groups);
    let secret_group = match (
        groups.len(),
        groups
            .iter()
            .find(|(_, name)| name.as_deref() == Some("secret")),
    ) {
        (_, Some((i, _))) => *i as usize,
        (1, None) => groups[0].0 as usize,
        (n, None) => {
            return Err(format!(
                "pattern has {n} capture groups; it needs exactly one, or one named `secret`"
            ));
        }
    };
    Ok(super::PatternFacts {
        sites: crate::engine::sites::keyword_sites(hir, keywords),
        prefix: crate::engine::sites::prefix(hir),
        max_newlines: crate::engine::sites::max_newlines(hir),
        max_len: hir.properties().maximum_len(),
        secret_group,
    })
}

fn compile_filters(
    id: &str,
    raw: Option<&RawFilters>,
    check_now: bool,
    err: &dyn Fn(Location, String) -> LoadError,
    errors: &mut Vec<LoadError>,
) -> Filters {
    let Some(raw) = raw else {
        return Filters {
            placeholders: true,
            ..Filters::default()
        };
    };
    // Syntax checked now (not for the built-in pack: its tests check it); compiled on first use.
    let mut compile_all = |what: &str, patterns: &[Spanned<String>]| -> super::PatternSet {
        for p in patterns.iter().filter(|_| check_now) {
            if let Err(e) = parse_pattern(&p.value) {
                errors.push(err(
                    p.referenced,
                    format!("rule `{id}`: {what} pattern does not compile: {e}"),
                ));
            }
        }
        super::PatternSet::new(patterns.iter().map(|p| p.value.clone()).collect())
    };
    let allow = compile_all("allow", &raw.allow);
    let deny_match = compile_all("deny_match", &raw.deny_match);
    if let Some(e) = raw.min_entropy
        && !(0.0..=8.0).contains(&e)
    {
        errors.push(err(
            Location::UNKNOWN,
            format!("rule `{id}`: min_entropy {e} is outside 0..=8 bits per byte"),
        ));
    }
    if raw.min_char_classes.is_some_and(|c| c > 4) {
        errors.push(err(
            Location::UNKNOWN,
            format!("rule `{id}`: min_char_classes is at most 4"),
        ));
    }
    Filters {
        min_entropy: raw.min_entropy,
        min_length: raw.min_length,
        min_char_classes: raw.min_char_classes,
        placeholders: raw.placeholders.unwrap_or(true),
        allow,
        deny_match,
        words: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Pack, Vec<LoadError>> {
        load_files(&[("t.yaml".to_owned(), text.to_owned())])
    }

    const GOOD: &str = r"rules:
  - id: demo-token
    name: Demo token
    category: secret
    severity: high
    confidence: high
    description: A demo token that grants access to the demo API.
    remediation: Revoke the token in the demo console and rotate it.
    references: [https://example.invalid/docs]
    tags: [NHI2:2025, CWE-798]
    keywords: [demo_]
    pattern: '\b(demo_[a-z0-9]{8})\b'
    examples: ['t = demo_k3j9x0qa']
    negative_examples: ['t = demo_short']
";

    #[test]
    fn loads_a_good_rule() {
        let pack = load(GOOD).expect("loads");
        assert_eq!(pack.rules.len(), 1);
        assert_eq!(pack.rules[0].origin.line, 2);
        assert_eq!(pack.rules[0].message, "Demo token");
    }

    #[test]
    fn rules_with_the_same_filter_list_share_one_compiled_set() {
        let with_allow = |id: &str, allow: &str| {
            GOOD.replace("demo-token", id).replace(
                "    keywords: [demo_]",
                &format!("    filters:\n      allow: ['{allow}']\n    keywords: [demo_]"),
            )
        };
        let text = [
            with_allow("a-token", "^demo_0"),
            with_allow("b-token", "^demo_0"),
            with_allow("c-token", "^demo_1"),
        ]
        .iter()
        .map(|r| r.trim_start_matches("rules:\n").to_owned())
        .collect::<String>();
        let pack = load(&format!("rules:\n{text}")).expect("loads");
        let sets: Vec<&super::super::PatternSet> = pack
            .rules
            .iter()
            .map(|r| match &r.matcher {
                super::super::Matcher::Secret(m) => &m.filters.allow,
                _ => panic!("a secret rule"),
            })
            .collect();
        assert!(Arc::ptr_eq(&sets[0].set, &sets[1].set));
        assert!(!Arc::ptr_eq(&sets[0].set, &sets[2].set));
        assert!(sets[0].is_match(b"demo_0abcdefg") && !sets[0].is_match(b"demo_1abcdefg"));
        assert!(sets[2].is_match(b"demo_1abcdefg"));
    }

    #[test]
    fn syntax_error_points_at_line_and_column() {
        let errs = load("rules:\n  - id: [oops\n").expect_err("fails");
        assert_eq!((errs[0].line, errs[0].column), (2, 9), "{errs:?}");
        assert_eq!(errs[0].message, "expected string scalar");
    }

    #[test]
    fn unknown_field_is_an_error_at_its_key() {
        let bad = GOOD
            .replace("    generic_typo: 1\n", "")
            .replace("    keywords:", "    keywordz: [x]\n    keywords:");
        let errs = load(&bad).expect_err("fails");
        assert!(errs[0].message.contains("keywordz"), "{errs:?}");
        assert_eq!(errs[0].line, 11);
    }

    #[test]
    fn bad_regex_and_missing_prose_are_all_reported() {
        let bad = GOOD
            .replace(r"'\b(demo_[a-z0-9]{8})\b'", "'(unclosed'")
            .replace("A demo token that grants access to the demo API.", "short");
        let errs = load(&bad).expect_err("fails");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs.iter()
                .any(|e| e.message.contains("does not compile") && e.line == 12)
        );
        assert!(errs.iter().any(|e| e.message.contains("description")));
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let two = format!("{GOOD}{}", GOOD.trim_start_matches("rules:\n"));
        let errs = load(&two).expect_err("fails");
        assert!(errs[0].message.contains("already used"), "{errs:?}");
    }

    const STRUCTURAL: &str = r"rules:
  - id: demo-admin
    name: Demo admin grant
    category: privilege
    severity: high
    confidence: high
    description: A demo grant of the admin role to a machine identity.
    remediation: Grant the narrower demo role that the identity uses.
    references: [https://example.invalid/docs]
    tags: [NHI5:2025, CWE-269, TAGS]
    applies_to: [yaml]
    select: role
    condition: node == 'admin'
    examples: [{lines: [1], text: 'role: admin'}]
    negative_examples: [{text: 'role: reader'}]
";

    fn load_in(file: &str, nist: &str) -> Result<Pack, Vec<LoadError>> {
        let text = STRUCTURAL.replace(", TAGS", nist);
        load_files(&[(file.to_owned(), text)])
    }

    #[test]
    fn identity_and_privilege_rules_name_one_nist_csf_subcategory() {
        for file in ["rules/privilege/demo.yaml", "rules/identity/demo.yaml"] {
            let pack = load_in(file, ", NIST-CSF:PR.AA-05").expect("one good tag");
            assert_eq!(pack.rules[0].pack, file.split('/').nth(1).expect("pack"));
            for (tags, says) in [
                ("", "name the NIST CSF 2.0 subcategory"),
                (
                    ", NIST-CSF:PR.AA-02",
                    "not a subcategory of identity management",
                ),
                (
                    ", NIST-CSF:PR.AA-01, NIST-CSF:PR.AA-05",
                    "exactly one NIST CSF tag, not 2",
                ),
                (", NIST-CSF:PR.AA-5", "is not a NIST CSF 2.0 subcategory"),
            ] {
                let errs = load_in(file, tags).expect_err(tags);
                assert_eq!(errs.len(), 1, "{errs:?}");
                assert!(errs[0].message.contains(says), "{tags}: {errs:?}");
                assert_eq!(errs[0].line, 10, "points at the tags");
            }
        }
        load_in("rules/ci/demo.yaml", "").expect("other packs may omit it");
        load_in("rules/ci/demo.yaml", ", NIST-CSF:DE.CM-09").expect("any subcategory");
        let errs = load_in("rules/ci/demo.yaml", ", NIST-CSF:least-privilege").expect_err("bad");
        assert!(errs[0].message.contains("not a NIST CSF 2.0 subcategory"));
    }

    #[test]
    fn cel_compiles_at_load_except_in_trusted_files() {
        let bad = STRUCTURAL
            .replace(", TAGS", "")
            .replace("node == 'admin'", "node == 'admin' &&")
            .replace(
                "name: Demo admin grant",
                "name: Demo admin grant\n    message: 'Grant {{ node + }}'",
            );
        let files = [("rules/ci/demo.yaml".to_owned(), bad)];
        let errs = load_files(&files).expect_err("a user file compiles at load");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs[0].message.contains("`condition` is not valid CEL"),
            "{errs:?}"
        );
        assert_eq!(errs[0].line, 14, "points at the condition");
        assert!(
            errs[1].message.contains("message placeholder `node +`"),
            "{errs:?}"
        );
        // A trusted (built-in) file defers it: the rule loads, and its condition says why it
        // cannot run when it first runs.
        let pack = load_files_with(&files, 1).expect("deferred");
        let Matcher::Structural(m) = &pack.rules[0].matcher else {
            panic!("structural");
        };
        let cond = m.condition.as_ref().expect("condition");
        assert_eq!(cond.source(), "node == 'admin' &&");
        assert!(cond.get().is_err());
        assert!(m.message.check().is_err());
        let good = [(
            "rules/ci/demo.yaml".to_owned(),
            STRUCTURAL.replace(", TAGS", ""),
        )];
        let pack = load_files_with(&good, 1).expect("loads");
        let Matcher::Structural(m) = &pack.rules[0].matcher else {
            panic!("structural");
        };
        assert!(m.condition.as_ref().expect("condition").get().is_ok());
    }

    #[test]
    fn filter_patterns_are_checked_at_load_except_in_trusted_files() {
        let bad = GOOD.replace(
            "    keywords: [demo_]",
            "    keywords: [demo_]\n    filters: {allow: ['demo_(x']}",
        );
        let files = [("t.yaml".to_owned(), bad)];
        let errs = load_files(&files).expect_err("checked");
        assert!(
            errs[0].message.contains("allow pattern does not compile"),
            "{errs:?}"
        );
        let pack = load_files_with(&files, 1).expect("not checked again");
        let Matcher::Secret(m) = &pack.rules[0].matcher else {
            panic!("secret");
        };
        assert!(
            !m.filters.allow.is_match(b"demo_x"),
            "a broken set allows nothing"
        );
    }

    #[test]
    fn built_in_files_load_the_same_from_their_json_as_from_their_yaml() {
        // Examples keep their positions only in the YAML (`rules check` reads that).
        let without_example_places = |mut rules: Vec<Rule>| {
            for r in &mut rules {
                for e in r.examples.iter_mut().chain(&mut r.negative_examples) {
                    (e.line, e.column) = (0, 0);
                }
            }
            format!("{rules:?}")
        };
        let files = crate::rules::builtin_files();
        assert!(files.len() > 20);
        for (file, text) in &files {
            assert!(
                crate::rules::builtin_json(file, text).is_some(),
                "{file}: the build wrote no JSON"
            );
            let (from_json, errors) = load_file(file, text, false);
            assert!(errors.is_empty(), "{file}: {errors:?}");
            let (from_yaml, errors) = load_yaml(file, &Arc::from(text.as_str()), false);
            assert!(errors.is_empty(), "{file}: {errors:?}");
            assert!(!from_json.is_empty(), "{file}");
            // The JSON was read (its examples have no place), not the YAML as a fallback.
            let places =
                |rules: &[Rule]| rules.iter().flat_map(|r| &r.examples).any(|e| e.line > 0);
            assert!(!places(&from_json) && places(&from_yaml), "{file}");
            assert_eq!(
                without_example_places(from_json),
                without_example_places(from_yaml),
                "{file}"
            );
        }
        // A file that is not the built-in text is read as YAML.
        let (file, text) = &files[0];
        assert!(crate::rules::builtin_json(file, &format!("{text}\n")).is_none());
    }

    #[test]
    fn the_built_in_pack_compiles_every_cel_expression() {
        let pack =
            load_files(&crate::rules::builtin_files()).unwrap_or_else(|errs| panic!("{errs:?}"));
        assert!(pack.rules.len() > 300);
    }

    #[test]
    fn probes_open_wide_repetitions_and_keep_narrow_ones() {
        use regex_automata::{Anchored, Input};
        let pattern = r"\b(tok_[a-z]{3}[0-9]{4,2000})\b";
        let probe = compile_probe(&parse_pattern(pattern).expect("hir")).expect("probe");
        let regex = compile_meta(pattern).expect("regex");
        let mut cache = probe.create_cache();
        let starts_here = |text: &str, cache: &mut regex_automata::hybrid::dfa::Cache| {
            let input = Input::new(text).anchored(Anchored::Yes).earliest(true);
            probe
                .try_search_fwd(cache, &input)
                .expect("no quit")
                .is_some()
        };
        for (text, exact) in [
            ("tok_abc1234", true),
            (&format!("tok_abc{}", "7".repeat(2000)), true),
            // Over the bound: the rule's regex says no, the probe maybe (the regex settles it).
            (&format!("tok_abc{}", "7".repeat(2500)), false),
        ] {
            assert!(starts_here(text, &mut cache), "{}", &text[..12]);
            let whole = regex.is_match(Input::new(text).anchored(Anchored::Yes));
            assert_eq!(whole, exact, "{}", &text[..12]);
        }
        // Narrow repetitions stay exact, and a probe's "no" is always the rule's "no".
        for text in ["tok_ab1234", "tok_abcd1234", "tok_abc123", "tok_abc1234x"] {
            assert!(!starts_here(text, &mut cache), "{text}");
            assert!(
                !regex.is_match(Input::new(text).anchored(Anchored::Yes)),
                "{text}"
            );
        }
        let loose = loosen(&parse_pattern(pattern).expect("hir")).expect("a wide repetition");
        let printed = loose.to_string();
        assert!(
            printed.contains("{4,}") && printed.contains("{3}"),
            "{printed}"
        );
        assert!(
            loosen(&parse_pattern(r"\b(tok_[a-z]{3}[0-9]{4,8})\b").expect("hir")).is_none(),
            "nothing to loosen: the tree is used as it is"
        );
    }

    #[test]
    fn ids_must_be_kebab_case() {
        assert!(is_kebab_id("aws-access-key-id"));
        assert!(!is_kebab_id("AWS_key"));
        assert!(!is_kebab_id("a--b"));
        assert!(!is_kebab_id("-a"));
        assert!(is_owasp_nhi("NHI10:2025"));
        assert!(!is_owasp_nhi("NHI11:2025"));
    }
}
