//! Documents: the bytes of one scanned item with what we know about it. Spans are byte offsets
//! everywhere; `span` converts them to lines and columns once, at the edge.

pub mod hcl;
pub mod kind;
pub mod span;
pub mod suppress;
pub mod tree;
pub mod yaml;
