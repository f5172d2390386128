//! Structural rules: paths over the neutral document tree, CEL conditions, message templates.
//!
//! A rule `select`s nodes with a path (`jobs.*.steps.*`), and for each selected node evaluates
//! its `condition`, a CEL expression (the language of Kubernetes admission policies and cloud IAM
//! conditions), with these variables:
//!
//! | variable  | value |
//! |-----------|-------|
//! | `node`    | the selected node |
//! | `key`     | its key in the parent mapping (a string), or `null` |
//! | `index`   | its index in the parent sequence, or `-1` |
//! | `keys`    | the keys (indexes as strings) from the root to the node: `['jobs', 'build']` |
//! | `parent`  | the node holding it, or `null` at the root |
//! | `parents` | every node from the parent up to the root, nearest first |
//! | `doc`     | the document's root |
//! | `path`    | the scanned file's path |
//! | `kind`    | the document kind (`github-workflow`) |
//! | `tag`     | the node's tag (`!Ref`, `jsonencode`), or `null` |
//!
//! Values are converted to CEL lazily and once per node and document: a variable the condition
//! does not mention is never built, which keeps large documents cheap. Merge keys (`<<`) are
//! applied and aliases followed, with the size bound checked when the YAML was parsed.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use cel::common::types::{CelBool, CelInt, CelString};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::{Context, Env, Program, Value as CelValue};

use crate::document::kind::{Kind, Kinds};
use crate::document::tree::{NodeId, Tree, Value};

/// The CEL environment: the standard library, the strings extension (`lowerAscii`, `split`,
/// `replace`), our `matches` and `epochDays`, built once.
fn env() -> &'static Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        // The extension only declares functions absent from the standard library.
        let _ = env.add_extension(cel::extensions::strings);
        let _ = cel::add_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>, id = "matches");
        let _ = cel::add_member_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>);
        let _ = cel::add_overload!(env, fn epoch_days: (CelString) -> Result<CelInt>, id = "epoch_days");
        let _ = cel::add_member_overload!(env, fn epoch_days: (CelString) -> Result<CelInt>);
        Arc::new(env)
    })
}

/// Most distinct patterns kept compiled; patterns built from document data beyond this are
/// compiled per call rather than growing the cache without bound.
const REGEX_CACHE_MAX: usize = 4096;

/// CEL's `matches`, with compiled patterns cached. The cel crate's own compiles the pattern on
/// every call, which made regex compilation 80% of a CI-pack scan (rule patterns are a few
/// dozen literals evaluated on every node).
fn matches(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelBool, cel::ExecutionError> {
    use std::collections::HashMap;
    use std::sync::RwLock;
    static CACHE: OnceLock<RwLock<HashMap<String, Arc<regex::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(RwLock::default);
    let pattern = re.inner();
    let cached = cache.read().ok().and_then(|c| c.get(pattern).cloned());
    let compiled = if let Some(r) = cached {
        r
    } else {
        let r = Arc::new(regex::Regex::new(pattern).map_err(|e| {
            cel::ExecutionError::function_error(
                "matches",
                format!("`{pattern}` is not a valid regex: {e}"),
            )
        })?);
        if let Ok(mut c) = cache.write()
            && c.len() < REGEX_CACHE_MAX
        {
            c.insert(pattern.to_owned(), Arc::clone(&r));
        }
        r
    };
    Ok(CelBool::from(compiled.is_match(this.inner())))
}

/// CEL's `epochDays('2025-01-31T00:00:00Z')`: the days from 1970-01-01 to the date an ISO 8601
/// / RFC 3339 timestamp starts with (its time of day is ignored), so rules can compare the dates
/// a file states (`end_date` against `start_date`) without the `chrono` feature. Anything else is
/// an error: a date the rule cannot read is unknown, never a finding.
fn epoch_days(date: &CelString<'_>) -> Result<CelInt, cel::ExecutionError> {
    let text = date.inner();
    let fail =
        || cel::ExecutionError::function_error("epochDays", format!("`{text}` is not a date"));
    let bytes = text.as_bytes();
    if bytes.len() < 10
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes
            .get(10)
            .is_some_and(|c| *c != b'T' && *c != b't' && *c != b' ')
    {
        return Err(fail());
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(fail());
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(fail()),
    };
    if !(1..=month_days).contains(&day) {
        return Err(fail());
    }
    // Howard Hinnant's days_from_civil (`div_euclid` keeps year 0's January and February right).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok(CelInt::from(era * 146_097 + doe - 719_468))
}

/// Compiles a CEL expression in our environment.
pub fn compile_cel(source: &str) -> Result<Program, String> {
    env().compile(source).map_err(|e| e.to_string())
}

/// A CEL expression compiled on first use. Parsing CEL (an ANTLR parser) was about a third of the
/// start-up of a scan with the built-in pack, for rules that mostly never run: a secrets-only
/// scan, or a pre-commit run over files of kinds no policy applies to. Rule files a user writes
/// compile at load, so that a mistake is a load error with its position (see
/// `rules::compile`); the built-in pack compiles on first use, and its tests compile all of it.
#[derive(Debug)]
pub struct LazyCel {
    source: String,
    program: OnceLock<Result<Program, String>>,
}

impl LazyCel {
    pub fn new(source: String) -> Self {
        LazyCel {
            source,
            program: OnceLock::new(),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The compiled program, or why the expression does not compile.
    pub fn get(&self) -> Result<&Program, &str> {
        self.program
            .get_or_init(|| compile_cel(&self.source))
            .as_ref()
            .map_err(String::as_str)
    }
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
    /// `*`: every value of a mapping or item of a sequence.
    Any,
    /// `**`: the node and every node below it.
    Deep,
}

/// A path over the tree: `jobs.*.steps.*`, `metadata.annotations."eks.amazonaws.com/role-arn"`,
/// `Resources.*.Properties.Policies[0]`. Empty (or `.`) is the node itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathExpr {
    pub source: String,
    pub segments: Vec<Segment>,
}

impl PathExpr {
    pub fn parse(source: &str) -> Result<PathExpr, String> {
        let mut segments = Vec::new();
        let chars: Vec<char> = source.trim().chars().collect();
        let mut i = 0;
        let mut expect_segment = true;
        while i < chars.len() {
            match chars[i] {
                '.' => {
                    if expect_segment && !segments.is_empty() {
                        return Err(format!("empty segment in path `{source}`"));
                    }
                    expect_segment = true;
                    i += 1;
                }
                '[' => {
                    let end = chars[i..]
                        .iter()
                        .position(|&c| c == ']')
                        .ok_or_else(|| format!("unclosed `[` in path `{source}`"))?;
                    let inner: String = chars[i + 1..i + end].iter().collect();
                    segments.push(if inner == "*" {
                        Segment::Any
                    } else {
                        Segment::Index(inner.trim().parse().map_err(|_| {
                            format!("`[{inner}]` in path `{source}` is not an index or `*`")
                        })?)
                    });
                    expect_segment = false;
                    i += end + 1;
                }
                '"' | '\'' => {
                    let q = chars[i];
                    let end = chars[i + 1..]
                        .iter()
                        .position(|&c| c == q)
                        .ok_or_else(|| format!("unclosed quote in path `{source}`"))?;
                    segments.push(Segment::Key(chars[i + 1..i + 1 + end].iter().collect()));
                    expect_segment = false;
                    i += end + 2;
                }
                _ => {
                    if !expect_segment {
                        return Err(format!("expected `.` or `[` in path `{source}`"));
                    }
                    let end = chars[i..]
                        .iter()
                        .position(|&c| c == '.' || c == '[')
                        .map_or(chars.len(), |p| i + p);
                    let word: String = chars[i..end].iter().collect();
                    segments.push(match word.as_str() {
                        "*" => Segment::Any,
                        "**" => Segment::Deep,
                        _ => Segment::Key(word),
                    });
                    expect_segment = false;
                    i = end;
                }
            }
        }
        Ok(PathExpr {
            source: source.to_owned(),
            segments,
        })
    }
}

/// A selected node and how the walk reached it (aliases and merge keys make the written parent
/// differ from the path taken).
#[derive(Clone, Debug)]
struct Selected {
    /// From the root to the node, the node last.
    chain: Vec<NodeId>,
    key: Option<String>,
    index: Option<usize>,
}

impl Selected {
    /// The key (or index, as a string) of each step of the chain after the root; computed only
    /// for conditions that ask for `keys`.
    fn keys(&self, tree: &Tree) -> Vec<String> {
        self.chain
            .windows(2)
            .map(|w| {
                tree.children(w[0])
                    .into_iter()
                    .enumerate()
                    .find(|(_, (_, c))| *c == w[1])
                    .map_or_else(String::new, |(n, (k, _))| {
                        k.map_or_else(|| n.to_string(), str::to_owned)
                    })
            })
            .collect()
    }
}

/// Nodes `path` selects below `from` (a chain from the root).
fn select(tree: &Tree, from: &Selected, path: &PathExpr) -> Vec<Selected> {
    let mut current = vec![from.clone()];
    for seg in &path.segments {
        let mut next = Vec::new();
        for s in &current {
            let id = *s.chain.last().expect("chains are never empty");
            let mut push = |child: NodeId, key: Option<&str>, index: Option<usize>| {
                let mut chain = s.chain.clone();
                chain.push(child);
                next.push(Selected {
                    chain,
                    key: key.map(str::to_owned),
                    index,
                });
            };
            match seg {
                Segment::Key(k) => {
                    if let Some(child) = tree.get(id, k) {
                        push(child, Some(k), None);
                    }
                }
                Segment::Index(i) => {
                    if let Value::Seq(items) = tree.value(id)
                        && let Some(&child) = items.get(*i)
                    {
                        push(child, None, Some(*i));
                    }
                }
                Segment::Any => {
                    for (n, (k, child)) in tree.children(id).into_iter().enumerate() {
                        push(child, k, if k.is_none() { Some(n) } else { None });
                    }
                }
                Segment::Deep => {
                    let mut stack = vec![s.clone()];
                    while let Some(cur) = stack.pop() {
                        let cid = *cur.chain.last().expect("non-empty");
                        // Bounded by the alias expansion limit checked at parse time.
                        for (n, (k, child)) in tree.children(cid).into_iter().enumerate().rev() {
                            let mut chain = cur.chain.clone();
                            chain.push(child);
                            stack.push(Selected {
                                chain,
                                key: k.map(str::to_owned),
                                index: if k.is_none() { Some(n) } else { None },
                            });
                        }
                        next.push(cur);
                    }
                }
            }
        }
        current = next;
    }
    current
}

/// A message with `{{ cel }}` placeholders.
#[derive(Clone, Debug)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
enum Part {
    Text(String),
    Expr(Arc<LazyCel>),
}

impl Template {
    /// Splits `source` into text and placeholders; the placeholders compile on first use, or in
    /// [`Template::check`].
    pub fn parse(source: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("unclosed `{{{{` in message `{source}`"))?;
            let expr = after[..end].trim();
            parts.push(Part::Expr(Arc::new(LazyCel::new(expr.to_owned()))));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Template { parts })
    }

    /// Compiles every placeholder now: the first that does not compile, and why.
    pub fn check(&self) -> Result<(), String> {
        for p in &self.parts {
            if let Part::Expr(cel) = p {
                cel.get()
                    .map_err(|e| format!("message placeholder `{}`: {e}", cel.source()))?;
            }
        }
        Ok(())
    }

    fn render(&self, resolver: &Resolver<'_>) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Expr(cel) => match cel.get().map(|program| run(program, resolver)) {
                    Ok(Ok(CelValue::String(s))) => out.push_str(&s),
                    Ok(Ok(CelValue::Int(i))) => out.push_str(&i.to_string()),
                    Ok(Ok(CelValue::UInt(i))) => out.push_str(&i.to_string()),
                    Ok(Ok(CelValue::Float(f))) => out.push_str(&f.to_string()),
                    Ok(Ok(CelValue::Bool(b))) => out.push_str(if b { "true" } else { "false" }),
                    Ok(Ok(CelValue::Null)) => out.push_str("null"),
                    Ok(Ok(_) | Err(_)) | Err(_) => out.push('…'),
                },
            }
        }
        out
    }
}

/// What a structural rule matches.
#[derive(Clone, Debug)]
pub struct StructuralMatcher {
    pub applies_to: Vec<Kind>,
    pub select: Vec<PathExpr>,
    pub condition: Option<Arc<LazyCel>>,
    pub at: Vec<PathExpr>,
    /// Narrows the reported span to the first match of this regex in the node's value (the
    /// `${{ toJSON(secrets) }}` inside a longer `run:` script), found in the decoded value and
    /// mapped back to the source (see [`narrow`]).
    pub at_match: Option<crate::rules::LazyBytesRegex>,
    pub message: Template,
}

/// A structural finding before it becomes a [`crate::finding::Finding`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyMatch {
    /// Index of the rule in the pack.
    pub rule: usize,
    /// Bytes to report at.
    pub span: Range<usize>,
    /// The selected node's path in its document (`jobs.build.permissions`), for fingerprints
    /// and baselines: stable under edits elsewhere in the file.
    pub node_path: String,
    pub message: String,
}

/// Lazily built CEL values of one document's nodes.
pub struct DocValues<'t> {
    tree: &'t Tree,
    cache: Vec<OnceLock<Box<dyn Val>>>,
}

impl<'t> DocValues<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        DocValues {
            tree,
            cache: (0..tree.nodes.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    fn val(&self, id: NodeId) -> &dyn Val {
        let id = self.tree.resolve(id);
        &**self.cache[id as usize].get_or_init(|| boxed(to_cel(self.tree, id, 0)))
    }
}

/// Nesting beyond which values are cut (cycles cannot occur in parsed trees; this bounds
/// hand-made ones and pathological depth).
const MAX_DEPTH: usize = 256;

fn to_cel(tree: &Tree, id: NodeId, depth: usize) -> CelValue {
    if depth > MAX_DEPTH {
        return CelValue::Null;
    }
    match tree.value(id) {
        Value::Null | Value::Alias(_) => CelValue::Null,
        Value::Bool(b) => CelValue::Bool(*b),
        Value::Int(i) => CelValue::Int(*i),
        Value::Float(f) => CelValue::Float(*f),
        Value::Str(s) => CelValue::String(Arc::new(s.to_string())),
        Value::Seq(items) => CelValue::List(Arc::new(
            items.iter().map(|&c| to_cel(tree, c, depth + 1)).collect(),
        )),
        Value::Map(_) => {
            let map: std::collections::HashMap<String, CelValue> = tree
                .entries(id)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), to_cel(tree, v, depth + 1)))
                .collect();
            map.into()
        }
    }
}

/// The variables of one evaluation, each built on first use.
struct Resolver<'a> {
    values: &'a DocValues<'a>,
    selected: &'a Selected,
    path: &'a str,
    kind: Kind,
    lazy: [OnceLock<Box<dyn Val>>; 7],
}

impl std::fmt::Debug for Resolver<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver").finish_non_exhaustive()
    }
}

fn boxed(v: CelValue) -> Box<dyn Val> {
    let converted: Result<Box<dyn Val>, _> = v.try_into();
    converted.unwrap_or_else(|_| Box::new(cel::common::types::CelNull))
}

fn string_or_null(s: Option<&str>) -> CelValue {
    s.map_or(CelValue::Null, |s| CelValue::String(Arc::new(s.to_owned())))
}

impl<'a> Resolver<'a> {
    fn new(values: &'a DocValues<'a>, selected: &'a Selected, path: &'a str, kind: Kind) -> Self {
        Resolver {
            values,
            selected,
            path,
            kind,
            lazy: Default::default(),
        }
    }

    fn lazy(&self, slot: usize, make: impl FnOnce() -> CelValue) -> &dyn Val {
        &**self.lazy[slot].get_or_init(|| boxed(make()))
    }
}

impl VariableResolver for Resolver<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let chain = &self.selected.chain;
        let tree = self.values.tree;
        let v: &dyn Val = match variable {
            "node" => self.values.val(*chain.last()?),
            "doc" => self.values.val(chain[0]),
            "parent" => match chain.len() {
                0 | 1 => self.lazy(0, || CelValue::Null),
                n => self.values.val(chain[n - 2]),
            },
            "parents" => self.lazy(1, || {
                CelValue::List(Arc::new(
                    chain
                        .iter()
                        .rev()
                        .skip(1)
                        .map(|&id| to_cel(tree, id, 0))
                        .collect(),
                ))
            }),
            "key" => self.lazy(2, || string_or_null(self.selected.key.as_deref())),
            "index" => self.lazy(3, || {
                CelValue::Int(
                    self.selected
                        .index
                        .map_or(-1, |i| i64::try_from(i).unwrap_or(i64::MAX)),
                )
            }),
            "keys" => self.lazy(4, || {
                CelValue::List(Arc::new(
                    self.selected
                        .keys(tree)
                        .into_iter()
                        .map(|k| CelValue::String(Arc::new(k)))
                        .collect(),
                ))
            }),
            "path" => self.lazy(5, || string_or_null(Some(self.path))),
            "kind" => self.lazy(6, || string_or_null(Some(self.kind.as_str()))),
            "tag" => {
                return Some(CowVal::Owned(boxed(string_or_null(
                    tree.node(*chain.last()?).tag.as_deref(),
                ))));
            }
            _ => return None,
        };
        Some(CowVal::Borrowed(v))
    }
}

fn run(program: &Program, resolver: &Resolver<'_>) -> Result<CelValue, cel::ExecutionError> {
    let mut ctx = Context::with_env(Arc::clone(env()));
    ctx.set_variable_resolver(resolver);
    program.execute(&ctx)
}

/// A condition that failed to evaluate on one node: the rule's fault (a missing key read
/// without `has()`, a type it did not expect), not the document's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    /// Index of the rule in the pack.
    pub rule: usize,
    /// Where the selected node is reported (its key for a collection).
    pub offset: usize,
    pub message: String,
}

/// The first match of `re` in the value of `target` (reported at `span`), as source bytes. The
/// match is looked for in the decoded value (escapes, folded lines and indentation undone) and
/// mapped back to the text; a value that cannot be mapped is searched in its source text, and
/// without a match there either the whole value is reported.
fn narrow(
    re: &regex::bytes::Regex,
    text: &[u8],
    tree: &Tree,
    target: NodeId,
    span: Range<usize>,
) -> Range<usize> {
    let decoded = tree.str(target).and_then(|value| {
        let source = std::str::from_utf8(text).ok()?;
        Some((
            value,
            crate::document::yaml::value_source_map(source, span.clone(), value)?,
        ))
    });
    if let Some((value, map)) = decoded {
        return re
            .find(value.as_bytes())
            .filter(|m| !m.is_empty())
            .map_or(span, |m| map[m.start()].start..map[m.end() - 1].end);
    }
    text.get(span.clone())
        .and_then(|t| re.find(t))
        .map_or(span.clone(), |m| {
            span.start + m.start()..span.start + m.end()
        })
}

/// Evaluates the structural rules `rules` (index, matcher) on document `doc` of `tree`.
/// Conditions that fail to evaluate (a missing key without `has()`) count as false; they go to
/// `errors`, for the pack check and the scan's warnings.
pub fn evaluate(
    rules: &[(usize, &StructuralMatcher)],
    text: &[u8],
    tree: &Tree,
    doc: NodeId,
    kind: Kind,
    path: &str,
    errors: &mut Vec<EvalError>,
) -> Vec<PolicyMatch> {
    let values = DocValues::new(tree);
    let root = Selected {
        chain: vec![doc],
        key: None,
        index: None,
    };
    let mut out = Vec::new();
    for &(rule, m) in rules {
        if !m.applies_to.contains(&kind) {
            continue;
        }
        for sel in &m.select {
            for s in select(tree, &root, sel) {
                let node = *s.chain.last().expect("non-empty");
                let resolver = Resolver::new(&values, &s, path, kind);
                if let Some(cond) = &m.condition {
                    let failed = match cond.get().map(|program| run(program, &resolver)) {
                        Ok(Ok(CelValue::Bool(true))) => None,
                        Ok(Ok(CelValue::Bool(false))) => continue,
                        Ok(Ok(other)) => Some(format!("condition gave {other:?}, not a bool")),
                        Ok(Err(e)) => Some(format!("condition failed: {e}")),
                        Err(e) => Some(format!("condition does not compile: {e}")),
                    };
                    if let Some(message) = failed {
                        errors.push(EvalError {
                            rule,
                            offset: tree.report_span(node).start as usize,
                            message,
                        });
                        continue;
                    }
                }
                let target =
                    m.at.iter()
                        .find_map(|p| select(tree, &s, p).into_iter().next())
                        .map_or(node, |t| *t.chain.last().expect("non-empty"));
                let span = tree.report_span(target);
                let mut span = span.start as usize..span.end as usize;
                // Built-in patterns compile (the tests load the pack with every check on).
                if let Some(Ok(re)) = m.at_match.as_ref().map(crate::rules::LazyBytesRegex::get) {
                    span = narrow(re, text, tree, target, span);
                }
                out.push(PolicyMatch {
                    rule,
                    span,
                    node_path: tree.path_of(node),
                    message: m.message.render(&resolver),
                });
            }
        }
    }
    out
}

/// What the structural rules found in one file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub matches: Vec<PolicyMatch>,
    /// The file could not be parsed: byte offset and message. Secret rules still ran.
    pub parse_error: Option<(usize, String)>,
    /// Conditions that failed to evaluate, one per (rule, node), in document order.
    pub eval_errors: Vec<EvalError>,
}

/// The structural rules of a pack, ready to run on files.
#[derive(Debug, Default)]
pub struct StructuralEngine {
    rules: Vec<(usize, StructuralMatcher)>,
    /// The kinds some rule applies to (Kubernetes and Backstage count as one: a file of either
    /// may hold documents of both).
    kinds: Kinds,
}

impl StructuralEngine {
    pub fn new(pack: &crate::rules::Pack) -> Self {
        let mut rules = Vec::new();
        let mut kinds = Kinds::default();
        for (i, r) in pack.rules.iter().enumerate() {
            if let crate::rules::Matcher::Structural(m) = &r.matcher {
                for &k in &m.applies_to {
                    kinds.insert(k);
                    if matches!(k, Kind::Kubernetes | Kind::Backstage) {
                        kinds.insert(Kind::Kubernetes);
                        kinds.insert(Kind::Backstage);
                    }
                }
                rules.push((i, m.clone()));
            }
        }
        StructuralEngine { rules, kinds }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Parses `bytes` as the document `path` names (when a rule reads that kind) and runs the
    /// rules on every document in it.
    pub fn scan(&self, path: &str, bytes: &[u8]) -> FileOutcome {
        self.scan_rules(path, bytes, None)
    }

    /// Like [`scan`](Self::scan), for the one rule at pack index `only` (the pack check).
    pub fn scan_rules(&self, path: &str, bytes: &[u8], only: Option<usize>) -> FileOutcome {
        use crate::document::kind::{self, Syntax};
        let mut out = FileOutcome::default();
        if self.rules.is_empty() {
            return out;
        }
        // The path decides most kinds; content is only sniffed for kinds some rule reads.
        let Some(detected) = kind::detect_wanted(path, bytes, self.kinds) else {
            return out;
        };
        if !self.kinds.contains(detected.kind) {
            return out;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            out.parse_error = Some((
                std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |_| 0),
                "not valid UTF-8; structural rules skipped".to_owned(),
            ));
            return out;
        };
        let parsed = match detected.syntax {
            Syntax::Yaml | Syntax::Json => crate::document::yaml::parse(text),
            Syntax::Hcl => crate::document::hcl::parse(text),
            Syntax::Codeowners => return out,
        };
        let tree = match parsed {
            Ok(t) => t,
            Err(e) => {
                out.parse_error = Some((e.offset, e.message));
                return out;
            }
        };
        let rules: Vec<(usize, &StructuralMatcher)> = self
            .rules
            .iter()
            .filter(|(i, _)| only.is_none_or(|o| o == *i))
            .map(|(i, m)| (*i, m))
            .collect();
        for &doc in &tree.docs {
            let api = tree.get(doc, "apiVersion").and_then(|v| tree.str(v));
            let kind = kind::refine(detected.kind, api);
            out.matches.extend(evaluate(
                &rules,
                bytes,
                &tree,
                doc,
                kind,
                path,
                &mut out.eval_errors,
            ));
        }
        out.matches.sort_by_key(|m| (m.span.start, m.rule));
        out.matches
            .dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::yaml;

    fn matcher(select: &str, condition: &str, at: &[&str], message: &str) -> StructuralMatcher {
        StructuralMatcher {
            applies_to: vec![Kind::GithubWorkflow],
            select: vec![PathExpr::parse(select).expect("path")],
            condition: Some(Arc::new(LazyCel::new(condition.to_owned()))),
            at: at.iter().map(|a| PathExpr::parse(a).expect("at")).collect(),
            at_match: None,
            message: Template::parse(message).expect("template"),
        }
    }

    type Found = (Vec<(String, String)>, Vec<EvalError>);

    fn run_on(text: &str, m: &StructuralMatcher) -> Found {
        let tree = yaml::parse(text).expect("yaml");
        let mut errors = Vec::new();
        let found = evaluate(
            &[(0, m)],
            text.as_bytes(),
            &tree,
            tree.docs[0],
            Kind::GithubWorkflow,
            "w.yml",
            &mut errors,
        );
        (
            found
                .into_iter()
                .map(|f| (text[f.span].to_owned(), f.message))
                .collect(),
            errors,
        )
    }

    #[test]
    fn epoch_days_reads_dates_and_refuses_the_rest() {
        let days = |s: &str| epoch_days(&CelString::from(s)).map(|d| *d.inner()).ok();
        assert_eq!(days("1970-01-01"), Some(0));
        assert_eq!(days("2000-03-01T12:00:00Z"), Some(11_017));
        assert_eq!(days("2024-02-29 00:00"), Some(19_782));
        assert_eq!(days("2025-01-01T00:00:00+02:00"), Some(20_089));
        for bad in [
            "2023-02-29",
            "2025-13-01",
            "2025-1-01",
            "${var.end}",
            "2025-01-01x",
            "",
            "２０２５-01-01",
        ] {
            assert_eq!(days(bad), None, "{bad}");
        }
        let m = matcher(
            "end",
            "node.epochDays() - epochDays(doc.start) > 90",
            &[],
            "{{ epochDays(node) - epochDays(doc.start) }} days",
        );
        let (found, errors) = run_on(
            "start: 2025-01-01T00:00:00Z\nend: '2025-06-30T00:00:00Z'\n",
            &m,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            found,
            vec![("2025-06-30T00:00:00Z".to_owned(), "180 days".to_owned())]
        );
    }

    #[test]
    fn paths_parse() {
        let p =
            PathExpr::parse(r#"metadata.annotations."eks.amazonaws.com/role-arn""#).expect("ok");
        assert_eq!(
            p.segments,
            vec![
                Segment::Key("metadata".into()),
                Segment::Key("annotations".into()),
                Segment::Key("eks.amazonaws.com/role-arn".into())
            ]
        );
        let p = PathExpr::parse("jobs.*.steps[*].with[0]").expect("ok");
        assert_eq!(p.segments.len(), 6);
        assert!(PathExpr::parse("a..b").is_err());
        assert!(PathExpr::parse("a[x]").is_err());
        assert!(PathExpr::parse("").expect("root").segments.is_empty());
    }

    #[test]
    fn select_condition_at_and_message() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: evil/act@main\n        with:\n          token: ${{ secrets.X }}\n  b:\n    steps: []\n";
        let m = matcher(
            "jobs.*.steps.*",
            "has(node.uses) && !node.uses.startsWith('actions/') && has(node.with)",
            &["uses"],
            "step {{ index }} of `{{ parents[1].steps.size() }}` uses {{ node.uses }} in {{ path }}",
        );
        let (found, errors) = run_on(text, &m);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            found,
            vec![(
                "evil/act@main".to_owned(),
                "step 1 of `2` uses evil/act@main in w.yml".to_owned()
            )]
        );
    }

    #[test]
    fn collections_report_at_their_key_and_missing_keys_are_errors() {
        let text = "jobs:\n  build:\n    runs-on: x\n  test:\n    permissions: {}\n";
        let m = matcher(
            "jobs.*",
            "!has(node.permissions) && !has(doc.permissions)",
            &[],
            "job {{ key }}",
        );
        let (found, _) = run_on(text, &m);
        assert_eq!(found, vec![("build".to_owned(), "job build".to_owned())]);
        let m = matcher("jobs.*", "node.permissions == {}", &[], "x");
        let (found, errors) = run_on(text, &m);
        assert_eq!(found.len(), 1);
        assert_eq!(
            errors.len(),
            1,
            "build has no permissions: the condition errs, counts false"
        );
    }

    #[test]
    fn deep_selection_and_merge_keys() {
        let text = "x: &x\n  env:\n    ALL: ${{ toJSON(secrets) }}\njobs:\n  a:\n    <<: *x\n";
        let m = matcher(
            "jobs.**",
            "type(node) == string && node.matches('toJSON\\\\(secrets\\\\)')",
            &[],
            "{{ key }}",
        );
        let (found, errors) = run_on(text, &m);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            found,
            vec![("${{ toJSON(secrets) }}".to_owned(), "ALL".to_owned())]
        );
    }

    #[test]
    fn at_match_finds_the_match_in_the_decoded_value() {
        let text = "jobs:\n  a:\n    env:\n      ALL: \"${{ \\u0074oJSON(secrets) }}\"\n      B: >-\n        x ${{ toJSON(\n        secrets) }}\n      C: no match here\n";
        let mut m = matcher("jobs.*.env.*", "true", &[], "{{ key }}");
        m.at_match = Some(crate::rules::LazyBytesRegex::new(
            r"toJSON\(\s*secrets\)".to_owned(),
        ));
        let (found, errors) = run_on(text, &m);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            found,
            vec![
                ("\\u0074oJSON(secrets)".to_owned(), "ALL".to_owned()),
                ("toJSON(\n        secrets)".to_owned(), "B".to_owned()),
                ("no match here".to_owned(), "C".to_owned()),
            ],
            "an escape and a folded line break inside the match; no match: the whole value"
        );
    }
}
