//! HCL (Terraform) into the neutral [`Tree`], with byte spans.
//!
//! Built on hcl-edit, which keeps the byte span of every node it parses. A file is one document
//! (`tree.docs == [root]`). The shape follows Terraform's JSON syntax, so that a rule written
//! against `.tf.json` (or a CloudFormation-like map) reads `.tf` files too:
//!
//! - A **body** is a `Map`. An attribute `a = expr` is the entry `("a", expr)`; the value node's
//!   `key_span` is the identifier.
//! - A **labeled block** nests by label: `resource "aws_iam_user" "ci" { .. }` is
//!   `resource → aws_iam_user → ci → body`. Blocks with the same type (and leading labels) merge
//!   into the same maps, so every resource of a file sits under one `resource` map. An
//!   intermediate map's `key_span` is its label (the identifier for the block type) and its span
//!   covers the blocks merged into it (first block start to last block end). The body map's
//!   `key_span` is the last label and its span is the whole block. Two blocks with identical
//!   labels (`provider "aws"` twice, with aliases) are two entries under the same key: the tree
//!   keeps both, lookups take the last.
//! - An **unlabeled block** (`statement`, `lifecycle`, `condition`, and at the top `terraform`
//!   and `locals`) is always a `Seq` of body maps, one per block, even for a single block. The
//!   `Seq`'s `key_span` is the first block's identifier and its span covers its blocks; each
//!   body map's `key_span` is its own block identifier and its span the whole block.
//! - Block containers only merge with each other: an attribute that happens to share a block's
//!   name stays a separate entry.
//! - **Key spans** are the key as written: identifiers, and label or object-key strings
//!   *with* their quotes (as for quoted YAML/JSON keys). **Value spans** of string literals are
//!   inside the quotes, so a finding points at the secret, not at the quote.
//!
//! Expressions:
//!
//! | expression | value | tag |
//! |---|---|---|
//! | `"text"` | `Str` (span inside the quotes) | |
//! | `"a-${var.x}"` | `Str` of the raw source inside the quotes | `template` |
//! | `1`, `-1`, `1.5` | `Int` / `Float` | |
//! | `true`, `null` | `Bool` / `Null` | |
//! | `[..]`, `{..}` | `Seq` / `Map` (object keys: identifier or string text, else source) | |
//! | `jsonencode(x)`, `yamlencode(x)` | the tree of `x` (span of `x`) | function name |
//! | other calls | `Str` of the source | `call` |
//! | `var.x`, `aws_iam_role.r.arn`, `each.value` | `Str` of the source | `ref` |
//! | `<<EOF` heredoc holding a JSON object/array | its tree, spans into the heredoc | `heredoc-json` |
//! | other heredocs | `Str` of the content (span: the content lines) | `heredoc` |
//! | conditionals, `for`, operators, parentheses | `Str` of the source | `expr` |
//!
//! `jsonencode` / `yamlencode` keep the argument's tree only when the argument is a literal,
//! array or object; `jsonencode(var.policy)` stays a `call`, so the reference is not hidden
//! behind a function tag. A heredoc is read as JSON from its source text, interpolations
//! included: `"Resource": "${aws_s3_bucket.b.arn}/*"` is a string value holding the raw
//! `${..}`, which is what rules want to see (an interpolation outside a string makes the text
//! invalid JSON, and the heredoc stays a `heredoc` string).
//!
//! A syntax error is a [`ParseError`] at the byte offset hcl-edit reports. hcl-edit refuses
//! nesting deeper than 64 levels, which also bounds the recursion here.

use std::collections::HashMap;
use std::ops::Range;

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Element, HeredocTemplate};

use super::tree::{NodeId, Tree, Value};
use super::yaml::ParseError;

/// Parses an HCL file into a one-document tree.
pub fn parse(text: &str) -> Result<Tree, ParseError> {
    // hcl-edit reports the byte offset along with line and column (whose column counts bytes
    // or characters depending on the line), so the offset is taken as is; lines and columns are
    // made from it at the edge, like every other span.
    let body = hcl_edit::parser::parse_body(text).map_err(|e| ParseError {
        offset: char_floor(text, e.location().offset()),
        message: e.message().to_owned(),
    })?;
    let mut builder = Builder {
        text,
        tree: Tree::default(),
        blocks: HashMap::new(),
    };
    let root = builder.body(&body, 0..text.len() as u32);
    let mut tree = builder.tree;
    tree.docs = vec![root];
    tree.link_parents();
    Ok(tree)
}

struct Builder<'a> {
    text: &'a str,
    tree: Tree,
    /// Containers made for blocks, by parent map and key: where the next block of the same type
    /// (and leading labels) goes.
    blocks: HashMap<(NodeId, Box<str>), NodeId>,
}

impl Builder<'_> {
    fn source(&self, span: &Range<u32>) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    fn push(&mut self, value: Value, span: Range<u32>, tag: Option<&str>) -> NodeId {
        let id = self.tree.push(value, span);
        self.tree.nodes[id as usize].tag = tag.map(Into::into);
        id
    }

    fn set_key_span(&mut self, id: NodeId, span: Range<u32>) {
        self.tree.nodes[id as usize].key_span = Some(span);
    }

    fn add_entry(&mut self, map: NodeId, key: &str, child: NodeId) {
        if let Value::Map(entries) = &mut self.tree.nodes[map as usize].value {
            entries.push((key.into(), child));
        }
    }

    /// Stretches the span of a container to cover `span` as well.
    fn widen(&mut self, id: NodeId, span: &Range<u32>) {
        let node = &mut self.tree.nodes[id as usize];
        node.span = node.span.start.min(span.start)..node.span.end.max(span.end);
    }

    fn body(&mut self, body: &Body, span: Range<u32>) -> NodeId {
        let map = self.push(Value::Map(Vec::new()), span, None);
        for structure in body {
            match structure {
                Structure::Attribute(attr) => {
                    let value = self.expr(&attr.value);
                    self.set_key_span(value, span_of(attr.key.span()));
                    self.add_entry(map, attr.key.as_str(), value);
                }
                Structure::Block(block) => self.block(map, block),
            }
        }
        map
    }

    fn block(&mut self, parent: NodeId, block: &Block) {
        let block_span = span_of(block.span());
        let ident_span = span_of(block.ident.span());
        let body = self.body(&block.body, block_span.clone());
        let name = block.ident.as_str();
        let Some((last, leading)) = block.labels.split_last() else {
            let seq = self.container(parent, name, ident_span.clone(), &block_span, false);
            self.set_key_span(body, ident_span);
            if let Value::Seq(items) = &mut self.tree.nodes[seq as usize].value {
                items.push(body);
            }
            return;
        };
        let mut map = self.container(parent, name, ident_span, &block_span, true);
        for label in leading {
            map = self.container(
                map,
                label.as_str(),
                span_of(label.span()),
                &block_span,
                true,
            );
        }
        self.set_key_span(body, span_of(last.span()));
        self.add_entry(map, last.as_str(), body);
    }

    /// The map (labeled blocks) or sequence (unlabeled blocks) under `key` in `parent` that
    /// blocks of this type go into, made on first use.
    fn container(
        &mut self,
        parent: NodeId,
        key: &str,
        key_span: Range<u32>,
        block_span: &Range<u32>,
        map: bool,
    ) -> NodeId {
        if let Some(&id) = self.blocks.get(&(parent, key.into())) {
            let fits = match self.tree.node(id).value {
                Value::Map(_) => map,
                Value::Seq(_) => !map,
                _ => false,
            };
            if fits {
                self.widen(id, block_span);
                return id;
            }
        }
        let value = if map {
            Value::Map(Vec::new())
        } else {
            Value::Seq(Vec::new())
        };
        let id = self.push(value, block_span.clone(), None);
        self.set_key_span(id, key_span);
        self.add_entry(parent, key, id);
        self.blocks.insert((parent, key.into()), id);
        id
    }

    fn expr(&mut self, expr: &Expression) -> NodeId {
        let span = span_of(expr.span());
        match expr {
            Expression::Null(_) => self.push(Value::Null, span, None),
            Expression::Bool(b) => self.push(Value::Bool(*b.value()), span, None),
            Expression::Number(n) => self.push(number(n.value(), false), span, None),
            Expression::String(s) => {
                let inner = unquote(self.text, span);
                self.push(Value::Str(s.value().as_str().into()), inner, None)
            }
            Expression::StringTemplate(_) => {
                let inner = unquote(self.text, span);
                let raw = self.source(&inner).into();
                self.push(Value::Str(raw), inner, Some("template"))
            }
            Expression::Array(array) => {
                let items = array.iter().map(|item| self.expr(item)).collect();
                self.push(Value::Seq(items), span, None)
            }
            Expression::Object(object) => {
                let mut entries = Vec::with_capacity(object.len());
                for (key, value) in object {
                    let key_span = span_of(key.span());
                    let name: Box<str> = match key {
                        ObjectKey::Ident(ident) => ident.as_str().into(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().as_str().into(),
                        ObjectKey::Expression(_) => self.source(&key_span).into(),
                    };
                    let id = self.expr(value.expr());
                    self.set_key_span(id, key_span);
                    entries.push((name, id));
                }
                self.push(Value::Map(entries), span, None)
            }
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                if !call.name.is_namespaced()
                    && matches!(name, "jsonencode" | "yamlencode")
                    && call.args.len() == 1
                    && !call.args.expand_final()
                    && let Some(arg) = call.args.iter().next()
                    && is_data(arg)
                {
                    let id = self.expr(arg);
                    self.tree.nodes[id as usize].tag = Some(name.into());
                    return id;
                }
                let raw = self.source(&span).into();
                self.push(Value::Str(raw), span, Some("call"))
            }
            Expression::Variable(_) => {
                let raw = self.source(&span).into();
                self.push(Value::Str(raw), span, Some("ref"))
            }
            Expression::Traversal(traversal) => {
                let tag = if matches!(traversal.expr, Expression::Variable(_)) {
                    "ref"
                } else {
                    "expr"
                };
                let raw = self.source(&span).into();
                self.push(Value::Str(raw), span, Some(tag))
            }
            Expression::UnaryOp(op)
                if *op.operator.value() == UnaryOperator::Neg
                    && let Expression::Number(n) = &op.expr =>
            {
                self.push(number(n.value(), true), span, None)
            }
            Expression::HeredocTemplate(heredoc) => self.heredoc(heredoc, span),
            Expression::Parenthesis(_)
            | Expression::Conditional(_)
            | Expression::UnaryOp(_)
            | Expression::BinaryOp(_)
            | Expression::ForExpr(_) => {
                let raw = self.source(&span).into();
                self.push(Value::Str(raw), span, Some("expr"))
            }
        }
    }

    fn heredoc(&mut self, heredoc: &HeredocTemplate, whole: Range<u32>) -> NodeId {
        let content = heredoc
            .template
            .span()
            .map_or_else(|| whole.clone(), |s| span_of(Some(s)));
        let raw = self.source(&content);
        if matches!(raw.trim_start().as_bytes().first(), Some(b'{' | b'['))
            && let Ok(json) = super::yaml::parse(raw)
            && let [root] = json.docs[..]
            && matches!(json.value(root), Value::Map(_) | Value::Seq(_))
        {
            let id = self.graft(json, root, content.start);
            self.tree.nodes[id as usize].tag = Some("heredoc-json".into());
            return id;
        }
        // Without interpolations the value is the text (dedented for `<<-`); with them, the
        // source as written.
        let literal: Option<String> = heredoc
            .template
            .iter()
            .map(|element| match element {
                Element::Literal(s) => Some(s.value().as_str()),
                _ => None,
            })
            .collect();
        let value = literal.unwrap_or_else(|| raw.to_owned());
        self.push(Value::Str(value.into()), content, Some("heredoc"))
    }

    /// Moves the nodes of `sub` (parsed from text starting at byte `shift`) into the tree, and
    /// returns the new id of `root`.
    fn graft(&mut self, sub: Tree, root: NodeId, shift: u32) -> NodeId {
        let base = self.tree.nodes.len() as NodeId;
        let moved = |ids: &mut Vec<NodeId>| ids.iter_mut().for_each(|id| *id += base);
        let shifted = |r: &Range<u32>| r.start + shift..r.end + shift;
        for mut node in sub.nodes {
            match &mut node.value {
                Value::Seq(items) => moved(items),
                Value::Map(entries) => entries.iter_mut().for_each(|(_, id)| *id += base),
                Value::Alias(target) => *target += base,
                _ => {}
            }
            node.span = shifted(&node.span);
            node.key_span = node.key_span.as_ref().map(shifted);
            node.parent = None;
            self.tree.nodes.push(node);
        }
        root + base
    }
}

/// Whether a `jsonencode` argument is data whose tree is worth keeping (not a reference or a
/// computed expression, whose own tag would be lost).
fn is_data(expr: &Expression) -> bool {
    match expr {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_)
        | Expression::Array(_)
        | Expression::Object(_) => true,
        Expression::UnaryOp(op) => {
            *op.operator.value() == UnaryOperator::Neg && matches!(op.expr, Expression::Number(_))
        }
        _ => false,
    }
}

fn number(n: &hcl_edit::Number, negate: bool) -> Value {
    let int = n
        .as_i64()
        .and_then(|i| if negate { i.checked_neg() } else { Some(i) });
    int.map_or_else(
        || {
            let f = n.as_f64().unwrap_or(f64::NAN);
            Value::Float(if negate { -f } else { f })
        },
        Value::Int,
    )
}

fn span_of(span: Option<Range<usize>>) -> Range<u32> {
    span.map_or(0..0, |s| s.start as u32..s.end as u32)
}

/// The span inside the quotes of a quoted string's span.
fn unquote(text: &str, span: Range<u32>) -> Range<u32> {
    let bytes = text.as_bytes();
    let (s, e) = (span.start as usize, span.end as usize);
    if e >= s + 2 && bytes.get(s) == Some(&b'"') && bytes.get(e - 1) == Some(&b'"') {
        span.start + 1..span.end - 1
    } else {
        span
    }
}

/// `offset` clamped into `text` and moved back to a character boundary.
fn char_floor(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::document::tree::testing::{at, key_at, lookup};

    fn tag(tree: &Tree, id: NodeId) -> Option<&str> {
        tree.node(id).tag.as_deref()
    }

    const TERRAFORM: &str = r#"# ünïcode comment: déjà vu
terraform {
  required_version = ">= 1.5"
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_iam_user" "ci" {
  name = "ci-bot-${var.env}"
  tags = { owner = "team-a", "cost-center" = "ħ42" }
}

resource "aws_iam_role_policy" "inline" {
  role   = aws_iam_role.deployer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_user" "bot" {
  name    = "bot"
  count   = 2
  ratio   = 1.5
  offset  = -3
  enabled = true
  nothing = null
  lifecycle {
    prevent_destroy = true
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
  statement {
    effect    = "Deny"
    actions   = ["iam:*"]
    resources = [for r in var.roles : r.arn]
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = [var.mfa ? "true" : "false"]
    }
  }
}

resource "aws_iam_policy" "heredoc" {
  policy = <<EOF
{
  "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "${aws_s3_bucket.b.arn}/*"}]
}
EOF
  description = <<-TXT
    Managed by ${var.team}
    TXT
  plain = <<-TXT
    line one
      line two
    TXT
  assume  = data.aws_iam_policy_document.assume.json
  other   = lookup(var.map, "k", "d")
  wrapped = jsonencode(var.policy)
  listed  = yamlencode(["a", 1])
  keys    = { (var.k) = 1, "a b" = 2 }
  sum     = 1 + var.n
}
"#;

    #[test]
    fn blocks_nest_by_label_and_merge() {
        let text = TERRAFORM;
        let t = parse(text).expect("parses");
        assert_eq!(t.docs.len(), 1);
        let root = t.docs[0];
        assert_eq!(t.node(root).span, 0..text.len() as u32);

        let users = lookup(&t, &["resource", "aws_iam_user"]);
        let names: Vec<&str> = t.entries(users).into_iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["ci", "bot"], "both users merge into one map");
        let types: Vec<&str> = t
            .entries(lookup(&t, &["resource"]))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            types,
            ["aws_iam_user", "aws_iam_role_policy", "aws_iam_policy"]
        );
        let resources: Vec<_> = t
            .entries(root)
            .into_iter()
            .filter(|(k, _)| *k == "resource")
            .collect();
        assert_eq!(resources.len(), 1, "one `resource` map for the file");

        let resource = lookup(&t, &["resource"]);
        assert_eq!(key_at(text, &t, resource), "resource");
        let span = at(text, &t, resource);
        assert!(
            span.starts_with("resource \"aws_iam_user\" \"ci\" {"),
            "{span}"
        );
        assert!(span.ends_with("sum     = 1 + var.n\n}"), "{span}");
        assert_eq!(key_at(text, &t, users), "\"aws_iam_user\"");

        let ci = lookup(&t, &["resource", "aws_iam_user", "ci"]);
        assert_eq!(key_at(text, &t, ci), "\"ci\"");
        let block = at(text, &t, ci);
        assert!(
            block.starts_with("resource \"aws_iam_user\" \"ci\" {"),
            "{block}"
        );
        assert!(block.ends_with("\"ħ42\" }\n}"), "{block}");
        assert_eq!(t.report_span(ci), t.node(ci).key_span.clone().expect("key"));

        let region = lookup(&t, &["provider", "aws", "region"]);
        assert_eq!(at(text, &t, region), "eu-west-1");
        assert_eq!(key_at(text, &t, region), "region");
        assert_eq!(t.path_of(region), "provider.aws.region");
    }

    #[test]
    fn unlabeled_blocks_are_sequences() {
        let text = TERRAFORM;
        let t = parse(text).expect("parses");
        let tf = lookup(&t, &["terraform"]);
        assert!(matches!(t.value(tf), Value::Seq(items) if items.len() == 1));
        let version = lookup(&t, &["terraform", "0", "required_version"]);
        assert_eq!(t.str(version), Some(">= 1.5"));

        let lifecycle = lookup(&t, &["resource", "aws_iam_user", "bot", "lifecycle"]);
        assert!(matches!(t.value(lifecycle), Value::Seq(items) if items.len() == 1));
        assert_eq!(key_at(text, &t, lifecycle), "lifecycle");
        let keep = lookup(&t, &["resource", "aws_iam_user", "bot", "lifecycle", "0"]);
        assert_eq!(key_at(text, &t, keep), "lifecycle");
        assert!(at(text, &t, keep).starts_with("lifecycle {"));
        let pd = lookup(
            &t,
            &[
                "resource",
                "aws_iam_user",
                "bot",
                "lifecycle",
                "0",
                "prevent_destroy",
            ],
        );
        assert_eq!(t.value(pd), &Value::Bool(true));

        let doc = ["data", "aws_iam_policy_document", "assume"];
        let statements = lookup(&t, &[&doc[..], &["statement"]].concat());
        let Value::Seq(items) = t.value(statements) else {
            panic!("statement is not a sequence");
        };
        assert_eq!(items.len(), 2);
        let (first, second) = (items[0], items[1]);
        assert_eq!(key_at(text, &t, statements), "statement");
        assert_eq!(t.node(statements).key_span, t.node(first).key_span);
        assert_eq!(key_at(text, &t, second), "statement");
        assert!(t.node(second).span.start > t.node(first).span.end);
        assert!(at(text, &t, second).starts_with("statement {\n    effect    = \"Deny\""));
        assert!(at(text, &t, statements).starts_with("statement {\n    effect  = \"Allow\""));
        assert!(at(text, &t, statements).ends_with("\"false\"]\n    }\n  }"));

        let ty = lookup(
            &t,
            &[&doc[..], &["statement", "0", "principals", "0", "type"]].concat(),
        );
        assert_eq!(at(text, &t, ty), "Service");
        assert_eq!(
            t.path_of(ty),
            "data.aws_iam_policy_document.assume.statement[0].principals[0].type"
        );
        let action = lookup(
            &t,
            &[&doc[..], &["statement", "1", "actions", "0"]].concat(),
        );
        assert_eq!(at(text, &t, action), "iam:*");
        let resources = lookup(&t, &[&doc[..], &["statement", "1", "resources"]].concat());
        assert_eq!(tag(&t, resources), Some("expr"));
        assert_eq!(t.str(resources), Some("[for r in var.roles : r.arn]"));
        let cond = lookup(
            &t,
            &[
                &doc[..],
                &["statement", "1", "condition", "0", "values", "0"],
            ]
            .concat(),
        );
        assert_eq!(at(text, &t, cond), "var.mfa ? \"true\" : \"false\"");
        assert_eq!(tag(&t, cond), Some("expr"));
    }

    #[test]
    fn jsonencode_keeps_the_policy_tree() {
        let text = TERRAFORM;
        let t = parse(text).expect("parses");
        let path = ["resource", "aws_iam_role_policy", "inline", "policy"];
        let policy = lookup(&t, &path);
        assert_eq!(tag(&t, policy), Some("jsonencode"));
        assert!(at(text, &t, policy).starts_with("{\n    Version"));
        assert_eq!(key_at(text, &t, policy), "policy");
        let version = lookup(&t, &[&path[..], &["Version"]].concat());
        assert_eq!(at(text, &t, version), "2012-10-17");
        let action = lookup(&t, &[&path[..], &["Statement", "0", "Action"]].concat());
        assert_eq!(t.str(action), Some("*"));
        let written = "Action = \"*\"";
        let start = text.find(written).expect("in text") + "Action = \"".len();
        assert_eq!(t.node(action).span, start as u32..start as u32 + 1);
        assert_eq!(at(text, &t, action), "*");
        assert_eq!(key_at(text, &t, action), "Action");
        assert_eq!(
            t.path_of(action),
            "resource.aws_iam_role_policy.inline.policy.Statement[0].Action"
        );
        let statement = lookup(&t, &[&path[..], &["Statement", "0"]].concat());
        assert_eq!(t.node(action).parent, Some(statement));

        let listed = lookup(&t, &["resource", "aws_iam_policy", "heredoc", "listed"]);
        assert_eq!(tag(&t, listed), Some("yamlencode"));
        assert_eq!(
            t.value(lookup(
                &t,
                &["resource", "aws_iam_policy", "heredoc", "listed", "1"]
            )),
            &Value::Int(1)
        );
        let wrapped = lookup(&t, &["resource", "aws_iam_policy", "heredoc", "wrapped"]);
        assert_eq!(
            tag(&t, wrapped),
            Some("call"),
            "a reference is not hidden behind jsonencode"
        );
        assert_eq!(t.str(wrapped), Some("jsonencode(var.policy)"));
    }

    #[test]
    fn scalars_references_templates_and_objects() {
        let text = TERRAFORM;
        let t = parse(text).expect("parses");
        let bot = ["resource", "aws_iam_user", "bot"];
        let get = |k: &str| lookup(&t, &[&bot[..], &[k]].concat());
        assert_eq!(t.value(get("count")), &Value::Int(2));
        assert_eq!(t.value(get("ratio")), &Value::Float(1.5));
        assert_eq!(t.value(get("offset")), &Value::Int(-3));
        assert_eq!(at(text, &t, get("offset")), "-3");
        assert_eq!(t.value(get("enabled")), &Value::Bool(true));
        assert_eq!(t.value(get("nothing")), &Value::Null);
        assert_eq!(at(text, &t, get("nothing")), "null");

        let name = lookup(&t, &["resource", "aws_iam_user", "ci", "name"]);
        assert_eq!(t.str(name), Some("ci-bot-${var.env}"));
        assert_eq!(at(text, &t, name), "ci-bot-${var.env}");
        assert_eq!(tag(&t, name), Some("template"));

        let owner = lookup(&t, &["resource", "aws_iam_user", "ci", "tags", "owner"]);
        assert_eq!(at(text, &t, owner), "team-a");
        assert_eq!(key_at(text, &t, owner), "owner");
        let cost = lookup(
            &t,
            &["resource", "aws_iam_user", "ci", "tags", "cost-center"],
        );
        assert_eq!(at(text, &t, cost), "ħ42");
        assert_eq!(key_at(text, &t, cost), "\"cost-center\"");
        let tags = lookup(&t, &["resource", "aws_iam_user", "ci", "tags"]);
        assert_eq!(
            at(text, &t, tags),
            "{ owner = \"team-a\", \"cost-center\" = \"ħ42\" }"
        );

        let role = lookup(&t, &["resource", "aws_iam_role_policy", "inline", "role"]);
        assert_eq!(t.str(role), Some("aws_iam_role.deployer.id"));
        assert_eq!(tag(&t, role), Some("ref"));
        let h = ["resource", "aws_iam_policy", "heredoc"];
        let get = |k: &str| lookup(&t, &[&h[..], &[k]].concat());
        assert_eq!(
            t.str(get("assume")),
            Some("data.aws_iam_policy_document.assume.json")
        );
        assert_eq!(tag(&t, get("assume")), Some("ref"));
        assert_eq!(at(text, &t, get("other")), "lookup(var.map, \"k\", \"d\")");
        assert_eq!(tag(&t, get("other")), Some("call"));
        assert_eq!(t.str(get("sum")), Some("1 + var.n"));
        assert_eq!(tag(&t, get("sum")), Some("expr"));
        let keys = get("keys");
        let names: Vec<&str> = t.entries(keys).into_iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["(var.k)", "a b"]);
    }

    #[test]
    fn heredocs() {
        let text = TERRAFORM;
        let t = parse(text).expect("parses");
        let h = ["resource", "aws_iam_policy", "heredoc"];
        let policy = lookup(&t, &[&h[..], &["policy"]].concat());
        assert_eq!(tag(&t, policy), Some("heredoc-json"));
        assert!(at(text, &t, policy).starts_with("{\n  \"Statement\""));
        assert_eq!(key_at(text, &t, policy), "policy");
        let action = lookup(
            &t,
            &[&h[..], &["policy", "Statement", "0", "Action"]].concat(),
        );
        assert_eq!(at(text, &t, action), "s3:*");
        assert_eq!(key_at(text, &t, action), "\"Action\"");
        let resource = lookup(
            &t,
            &[&h[..], &["policy", "Statement", "0", "Resource"]].concat(),
        );
        assert_eq!(t.str(resource), Some("${aws_s3_bucket.b.arn}/*"));
        assert_eq!(at(text, &t, resource), "${aws_s3_bucket.b.arn}/*");
        assert_eq!(
            t.path_of(action),
            "resource.aws_iam_policy.heredoc.policy.Statement[0].Action"
        );

        let description = lookup(&t, &[&h[..], &["description"]].concat());
        assert_eq!(tag(&t, description), Some("heredoc"));
        assert_eq!(t.str(description), Some("    Managed by ${var.team}\n"));
        assert_eq!(at(text, &t, description), "    Managed by ${var.team}\n");
        let plain = lookup(&t, &[&h[..], &["plain"]].concat());
        assert_eq!(
            t.str(plain),
            Some("line one\n  line two\n"),
            "`<<-` is dedented"
        );
        assert_eq!(at(text, &t, plain), "    line one\n      line two\n");
    }

    #[test]
    fn indented_json_heredoc_and_fallbacks() {
        let text = "a = <<-EOF\n    [\n    \t{\"Action\": \"*\"}\n    ]\n    EOF\nb = <<EOF\n{\"a\": ${jsonencode(x)}}\nEOF\nc = <<EOF\nkey: value\nEOF\n";
        let t = parse(text).expect("parses");
        let a = lookup(&t, &["a"]);
        assert_eq!(tag(&t, a), Some("heredoc-json"));
        let action = lookup(&t, &["a", "0", "Action"]);
        assert_eq!(at(text, &t, action), "*");
        assert_eq!(t.path_of(action), "a[0].Action");
        let b = lookup(&t, &["b"]);
        assert_eq!(
            tag(&t, b),
            Some("heredoc"),
            "an interpolation outside a string is not JSON"
        );
        assert_eq!(at(text, &t, b), "{\"a\": ${jsonencode(x)}}\n");
        let c = lookup(&t, &["c"]);
        assert_eq!(tag(&t, c), Some("heredoc"), "YAML is not taken for JSON");
        assert_eq!(t.str(c), Some("key: value\n"));
    }

    #[test]
    fn crlf_and_multibyte_offsets_are_bytes() {
        let text = "# ü\r\nresource \"aws_iam_user\" \"ü\" {\r\n  name = \"héllo wörld\"\r\n  tags = {\r\n    wër = \"välue\"\r\n  }\r\n  policy = <<EOF\r\n{\"Äction\": \"ß:*\"}\r\nEOF\r\n}\r\n";
        let t = parse(text).expect("parses");
        let user = lookup(&t, &["resource", "aws_iam_user", "ü"]);
        assert_eq!(key_at(text, &t, user), "\"ü\"");
        let name = lookup(&t, &["resource", "aws_iam_user", "ü", "name"]);
        assert_eq!(at(text, &t, name), "héllo wörld");
        assert_eq!(key_at(text, &t, name), "name");
        let v = lookup(&t, &["resource", "aws_iam_user", "ü", "tags", "wër"]);
        assert_eq!(at(text, &t, v), "välue");
        assert_eq!(key_at(text, &t, v), "wër");
        let action = lookup(&t, &["resource", "aws_iam_user", "ü", "policy", "Äction"]);
        assert_eq!(at(text, &t, action), "ß:*");
        assert_eq!(key_at(text, &t, action), "\"Äction\"");
        assert!(at(text, &t, user).ends_with("EOF\r\n}"));
    }

    #[test]
    fn repeated_blocks_keep_every_body() {
        let text = "provider \"aws\" {\n  region = \"a\"\n}\nprovider \"aws\" {\n  alias  = \"b\"\n  region = \"b\"\n}\n";
        let t = parse(text).expect("parses");
        let providers = lookup(&t, &["provider"]);
        let Value::Map(entries) = t.value(providers) else {
            panic!("provider is not a map");
        };
        assert_eq!(entries.len(), 2);
        assert!(entries.iter().all(|(k, _)| &**k == "aws"));
        let region = lookup(&t, &["provider", "aws", "region"]);
        assert_eq!(t.str(region), Some("b"), "lookups take the last");
        assert_eq!(at(text, &t, providers), text.trim_end());
    }

    #[test]
    fn empty_file_is_an_empty_map() {
        let t = parse("").expect("parses");
        assert_eq!(t.value(t.docs[0]), &Value::Map(Vec::new()));
        let t = parse("# only a comment\n").expect("parses");
        assert_eq!(t.value(t.docs[0]), &Value::Map(Vec::new()));
    }

    #[test]
    fn errors_carry_a_byte_offset() {
        let text = "# é\nresource \"a\" \"b\" {\n  x = \"ü\" +\n}\n";
        let err = parse(text).expect_err("dangling operator");
        assert!(err.offset <= text.len());
        assert!(text.is_char_boundary(err.offset));
        assert!(err.offset > text.find("x =").expect("in text"), "{err:?}");
        assert!(!err.message.is_empty());

        for bad in [
            "a = \"unterminated\n",
            "resource \"x\" {\n",
            "= 1\n",
            "a = [1,\n",
            "ä ö",
        ] {
            let err = parse(bad).expect_err(bad);
            assert!(
                err.offset <= bad.len() && bad.is_char_boundary(err.offset),
                "{bad:?}: {err:?}"
            );
        }
    }
}
