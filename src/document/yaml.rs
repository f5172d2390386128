//! YAML (and JSON, which is YAML 1.2 flow syntax) into the neutral [`Tree`], with byte spans.
//!
//! Built on granit-parser's event stream, the maintained YAML 1.2 parser that serde-saphyr (our
//! config loader) already uses, so there is one YAML grammar in the binary. JSON goes through
//! the same parser: every JSON text we meet in repositories (`CloudFormation` templates, IAM
//! policies, `.tf.json`) is valid YAML 1.2, and one parser means one set of spans and one error
//! format.
//!
//! Scalars are typed by the YAML 1.2 core schema (so GitHub's `on:` stays the string `on`).
//! Custom tags (`!Ref`, `!Sub`, `!GetAtt`) are kept on the node. Aliases stay aliases; a
//! document whose aliases would expand past [`MAX_EXPANDED_NODES`] nodes (a "billion laughs"
//! bomb) is refused with an error, before any rule walks it.

use std::ops::Range;

use granit_parser::{Event, Parser, ScalarStyle, Tag};

use super::tree::{NodeId, Tree, Value};

/// Most nodes a document may expand to through aliases. Real CI files expand to a few thousand;
/// a bomb reaches billions.
pub const MAX_EXPANDED_NODES: u64 = 1_000_000;

/// Why a YAML text could not become a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the problem.
    pub offset: usize,
    pub message: String,
}

/// A container being built.
enum Open {
    Seq {
        items: Vec<NodeId>,
        start: u32,
        anchor: usize,
        tag: Option<Box<str>>,
    },
    Map {
        entries: Vec<(Box<str>, NodeId)>,
        /// A key waiting for its value: text and span.
        key: Option<(Box<str>, Range<u32>)>,
        start: u32,
        anchor: usize,
        tag: Option<Box<str>>,
    },
}

/// Parses every document of `text`.
pub fn parse(text: &str) -> Result<Tree, ParseError> {
    let mut tree = Tree::default();
    let mut stack: Vec<Open> = Vec::new();
    // Pending key spans of map values, set on the node once it is complete.
    let mut key_spans: Vec<(NodeId, Range<u32>)> = Vec::new();
    let mut anchors: Vec<(usize, NodeId)> = Vec::new();
    let offset = |m: granit_parser::Marker| -> u32 {
        m.byte_offset()
            .unwrap_or_else(|| char_to_byte(text, m.index())) as u32
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| ParseError {
            offset: e
                .marker()
                .byte_offset()
                .unwrap_or_else(|| char_to_byte(text, e.marker().index())),
            message: e.to_string(),
        })?;
        let range = offset(span.start)..offset(span.end);
        let done: Option<NodeId> = match event {
            Event::DocumentStart(..) => {
                anchors.clear();
                None
            }
            Event::Scalar(value, style, anchor, tag) => {
                // In a mapping waiting for a key, this scalar is the key.
                if let Some(Open::Map { key, .. }) = stack.last_mut()
                    && key.is_none()
                {
                    *key = Some((value.into(), range));
                    continue;
                }
                let (v, custom) = scalar(value.as_ref(), style, tag.as_deref());
                let id = tree.push(v, scalar_span(text, range, style));
                tree.nodes[id as usize].tag = custom;
                if anchor != 0 {
                    anchors.push((anchor, id));
                }
                Some(id)
            }
            Event::Alias(anchor) => {
                if let Some(Open::Map { key, .. }) = stack.last_mut()
                    && key.is_none()
                {
                    *key = Some(("*alias".into(), range));
                    continue;
                }
                let target = anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == anchor)
                    .map(|(_, id)| *id);
                let Some(target) = target else {
                    return Err(ParseError {
                        offset: range.start as usize,
                        message: "alias to an unknown anchor".into(),
                    });
                };
                Some(tree.push(Value::Alias(target), range))
            }
            Event::SequenceStart(_, anchor, tag) => {
                stack.push(Open::Seq {
                    items: Vec::new(),
                    start: range.start,
                    anchor,
                    tag: custom_tag(tag.as_deref()),
                });
                None
            }
            Event::MappingStart(_, anchor, tag) => {
                stack.push(Open::Map {
                    entries: Vec::new(),
                    key: None,
                    start: range.start,
                    anchor,
                    tag: custom_tag(tag.as_deref()),
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = stack.pop() else {
                    continue;
                };
                let (value, start, anchor, tag) = match open {
                    Open::Seq {
                        items,
                        start,
                        anchor,
                        tag,
                    } => (Value::Seq(items), start, anchor, tag),
                    Open::Map {
                        entries,
                        start,
                        anchor,
                        tag,
                        ..
                    } => (Value::Map(entries), start, anchor, tag),
                };
                let end = range.end.max(start);
                let id = tree.push(value, start..end);
                tree.nodes[id as usize].tag = tag;
                if anchor != 0 {
                    anchors.push((anchor, id));
                }
                Some(id)
            }
            _ => None,
        };
        let Some(id) = done else {
            continue;
        };
        match stack.last_mut() {
            None => {
                let mut memo = Vec::new();
                let size = tree.expanded_size(id, &mut memo);
                if size > MAX_EXPANDED_NODES {
                    return Err(ParseError {
                        offset: tree.node(id).span.start as usize,
                        message: format!(
                            "aliases expand this document to more than {MAX_EXPANDED_NODES} nodes (a YAML bomb?); not analysed"
                        ),
                    });
                }
                tree.docs.push(id);
            }
            Some(Open::Seq { items, .. }) => items.push(id),
            Some(Open::Map { entries, key, .. }) => {
                if let Some((k, span)) = key.take() {
                    key_spans.push((id, span));
                    entries.push((k, id));
                } else {
                    // A collection used as a key: keep its source text as the key, wait for the
                    // value.
                    let span = tree.node(id).span.clone();
                    let text_key: Box<str> = text
                        .get(span.start as usize..span.end as usize)
                        .unwrap_or("?")
                        .into();
                    *key = Some((text_key, span));
                }
            }
        }
    }
    for (id, span) in key_spans {
        tree.nodes[id as usize].key_span = Some(span);
    }
    tree.link_parents();
    Ok(tree)
}

/// The span of a scalar's content: quotes and block indicators are not part of the value a
/// finding points at, so a quoted value's span starts after the quote.
fn scalar_span(text: &str, range: Range<u32>, style: ScalarStyle) -> Range<u32> {
    match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let (s, e) = (range.start as usize, range.end as usize);
            let bytes = text.as_bytes();
            if e >= s + 2
                && matches!(bytes.get(s), Some(b'"' | b'\''))
                && bytes.get(e - 1) == bytes.get(s)
            {
                range.start + 1..range.end - 1
            } else {
                range
            }
        }
        _ => range,
    }
}

fn custom_tag(tag: Option<&Tag>) -> Option<Box<str>> {
    let tag = tag?;
    if tag.handle() == "tag:yaml.org,2002:" {
        return None;
    }
    Some(format!("{}{}", tag.handle(), tag.suffix()).into())
}

/// A scalar typed by the YAML 1.2 core schema, and its custom tag.
fn scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> (Value, Option<Box<str>>) {
    if let Some(t) = tag {
        if t.handle() == "tag:yaml.org,2002:" {
            let v = match t.suffix() {
                "str" => Value::Str(value.into()),
                "int" => value
                    .parse()
                    .map_or_else(|_| Value::Str(value.into()), Value::Int),
                "bool" => Value::Bool(value == "true"),
                "null" => Value::Null,
                _ => plain(value),
            };
            return (v, None);
        }
        return (Value::Str(value.into()), custom_tag(Some(t)));
    }
    if style != ScalarStyle::Plain {
        return (Value::Str(value.into()), None);
    }
    (plain(value), None)
}

fn plain(v: &str) -> Value {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let first = v.as_bytes()[0];
    if first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.') {
        if let Ok(i) = v.parse::<i64>() {
            return Value::Int(i);
        }
        if let Some(h) = v.strip_prefix("0x")
            && let Ok(i) = i64::from_str_radix(h, 16)
        {
            return Value::Int(i);
        }
        if let Some(o) = v.strip_prefix("0o")
            && let Ok(i) = i64::from_str_radix(o, 8)
        {
            return Value::Int(i);
        }
        if v.bytes().any(|b| b.is_ascii_digit())
            && v.bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
            && let Ok(f) = v.parse::<f64>()
        {
            return Value::Float(f);
        }
    }
    Value::Str(v.into())
}

/// Byte offset of the `chars`-th character (the parser counts characters when it is not told
/// byte offsets).
fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(b, _)| b)
}

/// How a scalar was written, told from the text around its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Written {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` or `>`: the content's lines are indented by this many columns.
    Block(usize),
}

fn written(text: &str, span: &Range<usize>) -> Written {
    let bytes = text.as_bytes();
    let before = span.start.checked_sub(1).and_then(|i| bytes.get(i));
    match (before, bytes.get(span.end)) {
        (Some(b'"'), Some(b'"')) => return Written::DoubleQuoted,
        (Some(b'\''), Some(b'\'')) => return Written::SingleQuoted,
        _ => {}
    }
    // A block scalar's content starts on the line after its header (`run: |`, `- >-`).
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..span.start].bytes().all(|b| b == b' ') && line_start > 0 {
        let header_line =
            &text[text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1)..line_start - 1];
        let header = header_line
            .split(" #")
            .next()
            .unwrap_or_default()
            .trim_end();
        let indicator =
            header.trim_end_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
        if indicator.ends_with('|') || indicator.ends_with('>') {
            return Written::Block(span.start - line_start);
        }
    }
    Written::Plain
}

/// The character a double-quoted escape stands for, and the escape's length in bytes; `None`
/// for an escaped line break (which stands for nothing) or an unknown escape.
fn unescape(rest: &str) -> Option<(char, usize)> {
    let mut chars = rest.chars();
    let e = chars.next()?;
    let hex = |n: usize| {
        rest.get(1..=n)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
            .map(|c| (c, 1 + n))
    };
    let c = match e {
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\u{b}',
        'f' => '\u{c}',
        'r' => '\r',
        'e' => '\u{1b}',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'x' => return hex(2),
        'u' => return hex(4),
        'U' => return hex(8),
        _ => return None,
    };
    Some((c, e.len_utf8()))
}

/// Where each byte of a scalar's decoded `value` comes from in `text`: one source byte range per
/// value byte (the bytes of one character share it; an escape such as `\u00e9` is the range of
/// the whole escape). `span` is the scalar's span as the parser gives it (inside the quotes of a
/// quoted scalar, after the header line of a block scalar). Folded line breaks, indentation,
/// quote doubling and escapes are undone; `None` when the value cannot be aligned with the text
/// (an alias, a document that is not YAML), so that callers fall back to the whole span.
pub fn value_source_map(text: &str, span: Range<usize>, value: &str) -> Option<Vec<Range<usize>>> {
    let src = text.get(span.clone())?;
    let style = written(text, &span);
    let mut map = Vec::with_capacity(value.len());
    let mut p = 0;
    let mut chars = value.chars();
    let mut pending = chars.next();
    while let Some(v) = pending {
        let c = src[p..].chars().next()?;
        let found = if style == Written::DoubleQuoted && c == '\\' {
            let rest = &src[p + 1..];
            if rest.starts_with('\n') || rest.starts_with("\r\n") {
                // An escaped line break: nothing, and the next line's indentation is dropped.
                p += 1 + if rest.starts_with('\n') { 1 } else { 2 };
                p += src[p..].len() - src[p..].trim_start_matches([' ', '\t']).len();
                continue;
            }
            let (d, len) = unescape(rest)?;
            (d == v).then_some(1 + len)
        } else if style == Written::SingleQuoted && v == '\'' && src[p..].starts_with("''") {
            Some(2)
        } else if c == v {
            Some(c.len_utf8())
        } else if c == '\n' || c == '\r' {
            // A line break folded into a space, or dropped before blank lines.
            if v == ' ' && c == '\n' {
                Some(1)
            } else {
                p += 1;
                if c == '\n' {
                    p += skip_indent(&src[p..], style);
                }
                continue;
            }
        } else if c == ' ' || c == '\t' {
            // Indentation, or white space around a folded line break.
            p += 1;
            continue;
        } else {
            return None;
        };
        let len = found?;
        map.extend(std::iter::repeat_n(
            span.start + p..span.start + p + len,
            v.len_utf8(),
        ));
        p += len;
        if c == '\n' {
            p += skip_indent(&src[p..], style);
        }
        pending = chars.next();
    }
    src[p..]
        .bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .then_some(map)
}

/// The indentation a block scalar's line starts with (spaces beyond it are content).
fn skip_indent(line: &str, style: Written) -> usize {
    match style {
        Written::Block(indent) => line.bytes().take(indent).take_while(|&b| b == b' ').count(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::document::tree::testing::{at, key_at, lookup};

    #[test]
    fn block_and_flow_spans() {
        let text = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions: {contents: write, id-token: \"write\"}\n    steps: [ {uses: a/b@v1} ]\n";
        let t = parse(text).expect("parses");
        let on = lookup(&t, &["on"]);
        assert_eq!(at(text, &t, on), "push");
        assert_eq!(key_at(text, &t, on), "on");
        let contents = lookup(&t, &["jobs", "build", "permissions", "contents"]);
        assert_eq!(at(text, &t, contents), "write");
        assert_eq!(key_at(text, &t, contents), "contents");
        let idt = lookup(&t, &["jobs", "build", "permissions", "id-token"]);
        assert_eq!(
            at(text, &t, idt),
            "write",
            "quotes are not part of the value span"
        );
        let uses = lookup(&t, &["jobs", "build", "steps", "0", "uses"]);
        assert_eq!(at(text, &t, uses), "a/b@v1");
        let build = lookup(&t, &["jobs", "build"]);
        assert_eq!(key_at(text, &t, build), "build");
        assert_eq!(
            t.report_span(build),
            t.node(build).key_span.clone().expect("key span")
        );
        assert_eq!(t.path_of(uses), "jobs.build.steps[0].uses");
    }

    #[test]
    fn multiline_strings_span_their_block() {
        let text = "run: |\n  echo one\n  echo two\nnext: >-\n  folded\n  text\nq: \"a\n  b\"\n";
        let t = parse(text).expect("parses");
        let run = lookup(&t, &["run"]);
        assert_eq!(t.str(run), Some("echo one\necho two\n"));
        assert!(at(text, &t, run).contains("echo two"));
        let next = lookup(&t, &["next"]);
        assert_eq!(t.str(next), Some("folded text"));
        let q = lookup(&t, &["q"]);
        assert_eq!(t.str(q), Some("a b"));
        assert_eq!(at(text, &t, q), "a\n  b");
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = ".base: &base\n  image: alpine\n  tags: [a]\njob:\n  <<: *base\n  script: [make]\nother: *base\n";
        let t = parse(text).expect("parses");
        let image = lookup(&t, &["job", "image"]);
        assert_eq!(t.str(image), Some("alpine"));
        assert_eq!(at(text, &t, image), "alpine");
        let other = lookup(&t, &["other"]);
        assert!(matches!(t.node(other).value, Value::Alias(_)));
        assert_eq!(at(text, &t, other), "*base");
        assert_eq!(t.str(t.get(other, "image").expect("image")), Some("alpine"));
    }

    #[test]
    fn crlf_and_multibyte_offsets_are_bytes() {
        let text = "name: \"héllo wörld\"\r\nkey: välue\r\nlast: x\r\n";
        let t = parse(text).expect("parses");
        let key = lookup(&t, &["key"]);
        assert_eq!(at(text, &t, key), "välue");
        let last = lookup(&t, &["last"]);
        assert_eq!(at(text, &t, last), "x");
        assert_eq!(key_at(text, &t, last), "last");
    }

    #[test]
    fn core_schema_scalars_and_custom_tags() {
        let text =
            "a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: !Ref MyRole\ng: !!str 2\non: yes\nh: 0x1F\n";
        let t = parse(text).expect("parses");
        assert_eq!(t.value(lookup(&t, &["a"])), &Value::Int(1));
        assert_eq!(t.value(lookup(&t, &["b"])), &Value::Float(1.5));
        assert_eq!(t.value(lookup(&t, &["c"])), &Value::Bool(true));
        assert_eq!(t.value(lookup(&t, &["d"])), &Value::Null);
        assert_eq!(t.str(lookup(&t, &["e"])), Some("1"));
        let f = lookup(&t, &["f"]);
        assert_eq!(t.str(f), Some("MyRole"));
        assert_eq!(t.node(f).tag.as_deref(), Some("!Ref"));
        assert_eq!(t.str(lookup(&t, &["g"])), Some("2"));
        assert_eq!(t.str(lookup(&t, &["on"])), Some("yes"));
        assert_eq!(t.value(lookup(&t, &["h"])), &Value::Int(31));
    }

    #[test]
    fn multi_document_and_json() {
        let text = "kind: A\n---\nkind: B\n";
        let t = parse(text).expect("parses");
        assert_eq!(t.docs.len(), 2);
        let json = "{\n  \"Resources\": {\"R\": {\"Type\": \"AWS::IAM::User\"}}\n}\n";
        let t = parse(json).expect("parses");
        let ty = lookup(&t, &["Resources", "R", "Type"]);
        assert_eq!(at(json, &t, ty), "AWS::IAM::User");
        assert_eq!(key_at(json, &t, ty), "\"Type\"");
    }

    #[test]
    fn a_yaml_bomb_is_refused_quickly() {
        use std::fmt::Write as _;
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            let _ = writeln!(
                text,
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]"
            );
        }
        let start = std::time::Instant::now();
        let err = parse(&text).expect_err("refused");
        assert!(err.message.contains("YAML bomb"), "{}", err.message);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn errors_carry_an_offset() {
        let text = "a: [1, 2\nb: c\n";
        let err = parse(text).expect_err("unclosed flow sequence");
        assert!(err.offset <= text.len());
        assert!(!err.message.is_empty());
    }

    /// The source text a regex match in the decoded value of `key` maps back to.
    fn located<'a>(text: &'a str, key: &str, re: &str) -> Option<&'a str> {
        let t = parse(text).expect("parses");
        let id = lookup(&t, &[key]);
        let span = t.node(id).span.start as usize..t.node(id).span.end as usize;
        let value = t.str(id).expect("a string");
        let map = value_source_map(text, span, value)?;
        assert_eq!(map.len(), value.len(), "one range per value byte");
        let m = regex::Regex::new(re)
            .expect("re")
            .find(value)
            .expect("matches the value");
        Some(&text[map[m.start()].start..map[m.end() - 1].end])
    }

    #[test]
    fn matches_in_decoded_values_map_back_to_the_source() {
        // Double-quoted escapes: the match covers whole escapes.
        let text = "a: \"run \\u0024{{ toJSON(secrets) }}\\tnow\"\n";
        assert_eq!(
            located(text, "a", r"\$\{\{ toJSON\(secrets\) \}\}"),
            Some("\\u0024{{ toJSON(secrets) }}")
        );
        assert_eq!(located(text, "a", r"\tnow"), Some("\\tnow"));
        // An escaped line break stands for nothing; a plain one folds into a space.
        let text = "a: \"one \\\n  two\n  three\"\nb: x\n";
        assert_eq!(
            located(text, "a", "one two three"),
            Some("one \\\n  two\n  three")
        );
        assert_eq!(located(text, "a", "three"), Some("three"));
        // Single quotes: a doubled quote is one character.
        let text = "a: 'it''s ${{ secrets.X }}'\n";
        assert_eq!(located(text, "a", "it's"), Some("it''s"));
        assert_eq!(located(text, "a", r"secrets\.X"), Some("secrets.X"));
        // Folded block: a match across a folded line break.
        let text = "a: >-\n  echo ${{\n  toJSON(secrets) }}\n\n  done\nb: x\n";
        assert_eq!(located(text, "a", r"\{\{ toJSON"), Some("{{\n  toJSON"));
        assert_eq!(located(text, "a", "done"), Some("done"));
        // Literal block: indentation beyond the block's is content.
        let text = "steps:\n  - run: |\n      if x; then\n        echo \"$TOKEN\"\n      fi\n";
        let t = parse(text).expect("parses");
        let run = lookup(&t, &["steps", "0", "run"]);
        let span = t.node(run).span.start as usize..t.node(run).span.end as usize;
        let value = t.str(run).expect("string");
        let map = value_source_map(text, span, value).expect("maps");
        let at = value.find("  echo").expect("indented line");
        assert_eq!(&text[map[at].start..map[at + 7].end], "  echo \"");
        // Plain multi-line scalars, CRLF and multi-byte text.
        let text = "a: plain\r\n  folded  \r\n\r\n  héllo wörld\r\nb: x\r\n";
        assert_eq!(
            located(text, "a", "plain folded"),
            Some("plain\r\n  folded")
        );
        assert_eq!(located(text, "a", "wörld"), Some("wörld"));
    }

    #[test]
    fn values_that_cannot_be_aligned_have_no_map() {
        let text = "base: &b \"x\"\nother: *b\n";
        let t = parse(text).expect("parses");
        let other = lookup(&t, &["other"]);
        let span = t.node(other).span.start as usize..t.node(other).span.end as usize;
        assert_eq!(
            value_source_map(text, span, "x"),
            None,
            "an alias is not its value"
        );
        assert_eq!(value_source_map("abc", 0..3, "abd"), None);
        assert_eq!(value_source_map("abc", 0..3, "ab"), None, "text left over");
    }
}
