//! The neutral document tree: what YAML, JSON and HCL parse into, so that structural rules are
//! written once for every format. Every node knows the byte span of its value and, when it is
//! the value of a mapping entry, the byte span of its key; spans are offsets into the scanned
//! bytes, turned into lines and columns only when a finding is made.
//!
//! Nodes live in one arena (`Vec<Node>`) and refer to each other by index, so a document of any
//! size is one allocation of nodes plus its strings. YAML aliases stay aliases ([`Value::Alias`]):
//! the tree is as large as the text, and expansion (by readers that follow aliases) is bounded by
//! [`Tree::expanded_size`], which the parser checks against a limit while it builds the tree.

use std::ops::Range;

/// Index of a node in its [`Tree`].
pub type NodeId = u32;

/// A parsed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Box<str>),
    Seq(Vec<NodeId>),
    /// Entries in document order. Keys are strings (a non-scalar YAML key is kept as its source
    /// text); a repeated key keeps every entry, and lookups take the last one, as YAML loaders do.
    Map(Vec<(Box<str>, NodeId)>),
    /// A YAML alias: reads through to the anchored node.
    Alias(NodeId),
}

/// One node: a value with its place in the text and in the tree.
#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    /// Bytes of the value in the scanned text.
    pub span: Range<u32>,
    /// Bytes of the key when this node is the value of a mapping entry.
    pub key_span: Option<Range<u32>>,
    /// A tag other than YAML's core ones (`!Ref`, `!Sub`), or an HCL function name for a call
    /// whose argument is kept as the value (`jsonencode`).
    pub tag: Option<Box<str>>,
    pub parent: Option<NodeId>,
}

/// All the documents of one file (YAML files may hold several).
#[derive(Clone, Debug, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    /// The root node of each document, in order.
    pub docs: Vec<NodeId>,
}

/// The longest chain of aliases followed before a reader gives up (an alias cannot point at
/// itself in YAML, but a tree built by hand could).
const MAX_ALIAS_HOPS: usize = 64;

impl Tree {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// Adds a node and returns its id.
    pub fn push(&mut self, value: Value, span: Range<u32>) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node {
            value,
            span,
            key_span: None,
            tag: None,
            parent: None,
        });
        id
    }

    /// Follows aliases to the node that holds the value.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..MAX_ALIAS_HOPS {
            match self.node(id).value {
                Value::Alias(target) => id = target,
                _ => return id,
            }
        }
        id
    }

    /// The value of `id`, aliases followed.
    pub fn value(&self, id: NodeId) -> &Value {
        &self.node(self.resolve(id)).value
    }

    /// The string value of `id`, if it is a string.
    pub fn str(&self, id: NodeId) -> Option<&str> {
        match self.value(id) {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The entries of a mapping with YAML merge keys (`<<: *base`) applied: the mapping's own
    /// entries first (the last of a repeated key wins), then merged entries whose key the mapping
    /// does not have. Empty for anything that is not a mapping.
    pub fn entries(&self, id: NodeId) -> Vec<(&str, NodeId)> {
        let mut out: Vec<(&str, NodeId)> = Vec::new();
        self.collect_entries(id, &mut out, 0);
        out
    }

    fn collect_entries<'a>(&'a self, id: NodeId, out: &mut Vec<(&'a str, NodeId)>, depth: usize) {
        if depth > MAX_ALIAS_HOPS {
            return;
        }
        let Value::Map(entries) = self.value(id) else {
            return;
        };
        let own_start = out.len();
        let mut merges = Vec::new();
        for (k, v) in entries {
            if &**k == "<<" {
                merges.push(*v);
                continue;
            }
            if let Some(slot) = out[own_start..].iter_mut().find(|(key, _)| *key == &**k) {
                slot.1 = *v;
            } else {
                out.push((k, *v));
            }
        }
        for m in merges {
            let sources: Vec<NodeId> = match self.value(m) {
                Value::Seq(items) => items.clone(),
                _ => vec![m],
            };
            for s in sources {
                let mut merged = Vec::new();
                self.collect_entries(s, &mut merged, depth + 1);
                for (k, v) in merged {
                    if !out.iter().any(|(key, _)| *key == k) {
                        out.push((k, v));
                    }
                }
            }
        }
    }

    /// The value under `key` in mapping `id` (merge keys applied).
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.entries(id)
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// Children of a mapping (values) or a sequence (items), aliases followed for the container.
    pub fn children(&self, id: NodeId) -> Vec<(Option<&str>, NodeId)> {
        match self.value(id) {
            Value::Map(_) => self
                .entries(id)
                .into_iter()
                .map(|(k, v)| (Some(k), v))
                .collect(),
            Value::Seq(items) => items.iter().map(|&i| (None, i)).collect(),
            _ => Vec::new(),
        }
    }

    /// The span a finding about `id` points at: the key of a mapping entry holding a collection
    /// (a job, a block), the value itself for a scalar.
    pub fn report_span(&self, id: NodeId) -> Range<u32> {
        let node = self.node(id);
        let scalar = !matches!(self.value(id), Value::Map(_) | Value::Seq(_));
        match &node.key_span {
            Some(k) if !scalar || node.span.is_empty() => k.clone(),
            _ => node.span.clone(),
        }
    }

    /// The path of keys and indexes from the document root to `id` (`jobs.build.steps[2]`): a
    /// location that survives edits elsewhere in the file, for baselines.
    pub fn path_of(&self, id: NodeId) -> String {
        let mut parts = Vec::new();
        let mut cur = id;
        while let Some(parent) = self.node(cur).parent {
            match &self.node(parent).value {
                Value::Map(entries) => {
                    if let Some((k, _)) = entries.iter().find(|(_, v)| *v == cur) {
                        parts.push(format!(".{k}"));
                    }
                }
                Value::Seq(items) => {
                    if let Some(i) = items.iter().position(|v| *v == cur) {
                        parts.push(format!("[{i}]"));
                    }
                }
                _ => {}
            }
            cur = parent;
        }
        parts.reverse();
        let joined = parts.concat();
        joined.strip_prefix('.').unwrap_or(&joined).to_owned()
    }

    /// Number of nodes a reader that follows every alias would visit from `id`, saturating.
    pub fn expanded_size(&self, id: NodeId, memo: &mut Vec<u64>) -> u64 {
        if memo.len() < self.nodes.len() {
            memo.resize(self.nodes.len(), u64::MAX);
        }
        let i = id as usize;
        if memo[i] != u64::MAX {
            return memo[i];
        }
        // Guards against cycles in hand-built trees: a node being sized counts as one.
        memo[i] = 1;
        let size = match &self.node(id).value {
            Value::Alias(t) => self.expanded_size(*t, memo),
            Value::Seq(items) => items.iter().fold(1u64, |acc, c| {
                acc.saturating_add(self.expanded_size(*c, memo))
            }),
            Value::Map(entries) => entries.iter().fold(1u64, |acc, (_, c)| {
                acc.saturating_add(self.expanded_size(*c, memo))
            }),
            _ => 1,
        };
        memo[i] = size;
        size
    }

    /// Fills in `parent` for every node reachable from the roots by containment (not through
    /// aliases: an anchored node's parent is where it is written).
    pub fn link_parents(&mut self) {
        for i in 0..self.nodes.len() {
            let children: Vec<NodeId> = match &self.nodes[i].value {
                Value::Seq(items) => items.clone(),
                Value::Map(entries) => entries.iter().map(|(_, v)| *v).collect(),
                _ => continue,
            };
            for c in children {
                self.nodes[c as usize].parent = Some(i as NodeId);
            }
        }
    }
}

/// Span helpers for the parsers' tests: what a node's value and key spans cover in the text, and a
/// node reached by keys and indexes from the first document.
#[cfg(test)]
pub(crate) mod testing {
    use super::{NodeId, Tree, Value};

    pub(crate) fn at<'a>(text: &'a str, tree: &Tree, id: NodeId) -> &'a str {
        let s = &tree.node(id).span;
        &text[s.start as usize..s.end as usize]
    }

    pub(crate) fn key_at<'a>(text: &'a str, tree: &Tree, id: NodeId) -> &'a str {
        let s = tree.node(id).key_span.clone().expect("key span");
        &text[s.start as usize..s.end as usize]
    }

    pub(crate) fn lookup(tree: &Tree, path: &[&str]) -> NodeId {
        let mut cur = tree.docs[0];
        for p in path {
            cur = match p.parse::<usize>() {
                Ok(i) => match tree.value(cur) {
                    Value::Seq(items) => items[i],
                    other => panic!("not a sequence: {other:?}"),
                },
                Err(_) => tree.get(cur, p).unwrap_or_else(|| panic!("no key {p}")),
            };
        }
        cur
    }
}

#[cfg(test)]
#[allow(clippy::many_single_char_names)]
mod tests {
    use super::*;

    fn s(t: &mut Tree, text: &str, at: u32) -> NodeId {
        t.push(Value::Str(text.into()), at..at + text.len() as u32)
    }

    #[test]
    fn merge_keys_fill_in_missing_entries_only() {
        let mut t = Tree::default();
        let a = s(&mut t, "1", 0);
        let b = s(&mut t, "2", 5);
        let base = t.push(Value::Map(vec![("a".into(), a), ("b".into(), b)]), 0..10);
        let alias = t.push(Value::Alias(base), 20..25);
        let own = s(&mut t, "3", 30);
        let m = t.push(
            Value::Map(vec![("<<".into(), alias), ("b".into(), own)]),
            20..40,
        );
        t.link_parents();
        let e: Vec<(&str, NodeId)> = t.entries(m);
        assert_eq!(e, vec![("b", own), ("a", a)]);
        assert_eq!(t.str(t.get(m, "a").expect("a")), Some("1"));
    }

    #[test]
    fn paths_name_keys_and_indexes() {
        let mut t = Tree::default();
        let leaf = s(&mut t, "x", 0);
        let seq = t.push(Value::Seq(vec![leaf]), 0..1);
        let root = t.push(Value::Map(vec![("steps".into(), seq)]), 0..1);
        t.docs.push(root);
        t.link_parents();
        assert_eq!(t.path_of(leaf), "steps[0]");
        assert_eq!(t.path_of(root), "");
    }

    #[test]
    fn expanded_size_counts_aliases_as_their_target() {
        let mut t = Tree::default();
        let a = s(&mut t, "a", 0);
        let l1 = t.push(Value::Seq(vec![a, a, a]), 0..1);
        let x1 = t.push(Value::Alias(l1), 0..1);
        let x2 = t.push(Value::Alias(l1), 0..1);
        let l2 = t.push(Value::Seq(vec![x1, x2]), 0..1);
        let mut memo = Vec::new();
        assert_eq!(t.expanded_size(l2, &mut memo), 1 + 4 + 4);
    }
}
