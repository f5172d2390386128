//! Decoding: base64 values of keys in documents that carry encoded credentials (Kubernetes
//! `Secret` `data:`, `.dockerconfigjson`, Docker `config.json` `auths`) are decoded and scanned
//! again as `key=decoded`, so rules that need the key as context still see it. What is found
//! inside is reported at the encoded value. Depth and size are bounded.

use std::ops::Range;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use regex::bytes::Regex;

/// How many layers of encoding are opened (a `.dockerconfigjson` in a Secret holds `auth` values).
pub(super) const MAX_DEPTH: u8 = 2;
/// Decoded bytes per document at most, so a hostile file cannot make the scan balloon.
pub(super) const MAX_DECODED: usize = 1 << 20;

/// Words (lower case; matched ASCII case-insensitively by the engine's keyword pass) that mark a
/// document whose values may be base64-encoded credentials.
pub(super) const MARKERS: &[&str] = &[
    "kind: secret",
    "\"kind\": \"secret\"",
    "\"kind\":\"secret\"",
    "dockerconfigjson",
    "\"auths\"",
];

/// A `key: value` line of YAML or JSON whose value looks like base64 (a trailing comment is fine).
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    regex::bytes::RegexBuilder::new(
        r#"(?m)^[ \t-]*["']?([A-Za-z0-9_.-]{1,128})["']?[ \t]*:[ \t]*["']?([A-Za-z0-9+/]{12,65536}={0,2})["']?[ \t]*,?[ \t]*(?:#[^\n]*)?\r?$"#,
    )
    .unicode(false)
    .build()
    .expect("valid regex")
});

/// An encoded value and the key it belongs to.
pub(super) struct Encoded {
    pub key: Range<usize>,
    pub value: Range<usize>,
}

pub(super) fn candidates(text: &[u8]) -> impl Iterator<Item = Encoded> + '_ {
    CANDIDATE.captures_iter(text).filter_map(|c| {
        Some(Encoded {
            key: c.get(1)?.range(),
            value: c.get(2)?.range(),
        })
    })
}

/// The decoded value when it is text (credentials are text; binary payloads are not scanned).
pub(super) fn decode(encoded: &[u8]) -> Option<Vec<u8>> {
    let bytes = STANDARD.decode(encoded).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .count();
    (printable * 10 >= text.chars().count() * 9 && !text.trim().is_empty()).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_base64_values_with_their_keys() {
        let doc = b"kind: Secret\ndata:\n  DB_PASSWORD: U3VwM3JTM2NyM3QhMjAyNg== # note\n  name: not-base64!\n";
        let found: Vec<Encoded> = candidates(doc).collect();
        assert_eq!(found.len(), 1);
        assert_eq!(&doc[found[0].key.clone()], b"DB_PASSWORD");
        assert_eq!(
            decode(&doc[found[0].value.clone()]).as_deref(),
            Some(&b"Sup3rS3cr3t!2026"[..])
        );
    }

    #[test]
    fn json_values() {
        let line = b"      \"auth\": \"ZGVwbG95OnM2Y3JldA==\",\n";
        let found: Vec<Encoded> = candidates(line).collect();
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn binary_and_garbage_are_not_decoded() {
        assert!(
            decode(b"/u3+7QAAAAIAAAABAAAAAgAEcm9vdAAAAYx2").is_none(),
            "a JKS keystore is binary"
        );
        assert!(decode(b"not*base64").is_none());
        assert!(decode(b"ICAgIA==").is_none(), "blank");
    }
}
