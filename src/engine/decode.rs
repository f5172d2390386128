//! Decoding: encoded values that may hide credentials are decoded and scanned again as
//! `key=decoded`, so rules that need the key as context still see it. What is found inside is
//! reported at the encoded value. Three encodings are opened:
//!
//! - base64 values of keys in documents that carry encoded credentials (Kubernetes `Secret`
//!   `data:`, `.dockerconfigjson`, Docker `config.json` `auths`);
//! - `Authorization: Basic <base64>` headers (`user:password`, RFC 7617);
//! - percent-encoded query parameters, form fields and URLs (`next=https%3A%2F%2Fbot%3A...%40host`,
//!   `password=S3cr%21t`); a decoded form body has one field a line, so line-anchored rules see
//!   each field.
//!
//! Depth and size are bounded.

use std::ops::Range;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use regex::bytes::Regex;

/// How many layers of encoding are opened (a `.dockerconfigjson` in a Secret holds `auth` values).
pub(super) const MAX_DEPTH: u8 = 2;
/// Decoded bytes per document at most, so a hostile file cannot make the scan balloon.
pub(super) const MAX_DECODED: usize = 1 << 20;
/// The longest encoded value decoded (longer runs are data, not credentials).
const MAX_ENCODED: usize = 64 << 10;

/// Words (lower case; matched ASCII case-insensitively by the engine's keyword pass) that mark
/// a document worth decoding; a document without any is not decoded at all. Each marker opens
/// one encoding, see [`kind_of`].
pub(super) const MARKERS: &[&str] = &[
    // base64 `key: value` lines of Kubernetes Secrets and Docker credentials
    "kind: secret",
    "\"kind\": \"secret\"",
    "\"kind\":\"secret\"",
    "dockerconfigjson",
    "\"auths\"",
    // Basic authorization headers
    "authorization",
    // percent escapes of `:` `/` `=` `@` `&` `"` `!` `#` `$` `+` `?` and space
    "%3a",
    "%2f",
    "%3d",
    "%40",
    "%26",
    "%22",
    "%21",
    "%23",
    "%24",
    "%2b",
    "%3f",
    "%20",
];

fn kind_of(marker: &str) -> Kind {
    match marker {
        "authorization" => Kind::Basic,
        m if m.starts_with('%') => Kind::Percent,
        _ => Kind::Base64,
    }
}

/// The bit of [`MARKERS`]`[index]`'s encoding in the set of encodings that [`candidates`] looks
/// for. The engine's keyword pass finds the markers (it has them among its keywords) and ORs
/// these bits: the text is not searched for them a second time.
pub(super) fn marker_bit(index: usize) -> u8 {
    1 << kind_of(MARKERS[index]) as u8
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Base64,
    Basic,
    Percent,
}

fn regex(pattern: &str) -> Regex {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .expect("valid regex")
}

/// A `key: value` line of YAML or JSON whose value looks like base64 (a trailing comment is fine).
/// The value's length is bounded by [`MAX_ENCODED`] after the match: a bound in the pattern
/// (`{12,65536}`) compiled into an automaton of 65 536 states, which cost tens of milliseconds the
/// first time a document was decoded.
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?m)^[ \t-]*["']?([A-Za-z0-9_.-]{1,128})["']?[ \t]*:[ \t]*["']?([A-Za-z0-9+/]{12,}={0,2})["']?[ \t]*,?[ \t]*(?:#[^\n]*)?\r?$"#,
    )
});

/// `Authorization: Basic <base64>` in headers, code, recordings (`"Authorization": "Basic ..."`).
static BASIC: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)\b(authorization)["']?[ \t]{0,3}[:=,][ \t]{0,3}["']?basic[ \t]{1,3}([A-Za-z0-9+/]{8,}={0,2})"#,
    )
});

/// A query parameter, form field or bare URL value holding percent escapes; the name, when there
/// is one, is the key.
static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:([A-Za-z0-9_.\[\]-]{1,64})=)?([A-Za-z0-9._~!$*+,;:@/=%-]*%[0-9A-Fa-f]{2}[A-Za-z0-9._~!$*+,;:@/=%-]*)",
    )
});

/// An encoded value and the key it belongs to (an empty key when the value has no name).
pub(super) struct Encoded {
    pub key: Range<usize>,
    pub value: Range<usize>,
}

/// The encoded values of `text` in the encodings whose bits (see [`marker_bit`]) `present` holds.
pub(super) fn candidates(text: &[u8], present: u8) -> impl Iterator<Item = Encoded> + '_ {
    let on = |kind: Kind| present & (1 << kind as u8) != 0;
    let pairs = |re: &'static Regex, on: bool| {
        on.then(|| {
            re.captures_iter(text).filter_map(|c| {
                let value = c.get(2)?.range();
                let key = c.get(1).map_or(value.start..value.start, |k| k.range());
                Some(Encoded { key, value })
            })
        })
        .into_iter()
        .flatten()
    };
    pairs(&CANDIDATE, on(Kind::Base64))
        .chain(pairs(&BASIC, on(Kind::Basic)))
        .chain(
            pairs(&PERCENT, on(Kind::Percent))
                .filter(|e| escapes_structure(&text[e.value.clone()])),
        )
        .filter(|e| e.value.len() <= MAX_ENCODED)
}

/// Whether a value escapes a printable ASCII character (`%3A`, `%40`): percent-encoded binary
/// (`%E2%9C%93`) or a lone `%20` in a file name is not where credentials hide.
fn escapes_structure(value: &[u8]) -> bool {
    percent_escapes(value).any(|b| b.is_ascii_punctuation())
}

/// The bytes of every valid `%XX` escape in `value`.
fn percent_escapes(value: &[u8]) -> impl Iterator<Item = u8> + '_ {
    value
        .windows(3)
        .filter(|w| w[0] == b'%')
        .filter_map(|w| u8::from_str_radix(std::str::from_utf8(&w[1..]).ok()?, 16).ok())
}

/// The decoded value when it is text (credentials are text; binary payloads are not scanned).
/// A value with percent escapes is percent-decoded (base64 has no `%`), anything else base64.
pub(super) fn decode(encoded: &[u8]) -> Option<Vec<u8>> {
    let bytes = if encoded.contains(&b'%') {
        percent_decode(encoded)?
    } else {
        STANDARD.decode(encoded).ok()?
    };
    let text = std::str::from_utf8(&bytes).ok()?;
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .count();
    (printable * 10 >= text.chars().count() * 9 && !text.trim().is_empty()).then_some(bytes)
}

/// Where a finding inside a decoded value sits, for its note: the encoding [`decode`] chose
/// and the key, when the value has one.
pub(super) fn describe(encoded: &[u8], key: &str) -> String {
    let how = if encoded.contains(&b'%') {
        "percent-decoded"
    } else {
        "base64-decoded"
    };
    if key.is_empty() {
        format!("in a {how} value")
    } else {
        format!("in the {how} value of `{key}`")
    }
}

/// Percent-decodes `value`; a decoded form body (`a=1&b=2`) becomes one field a line, after a
/// line break, so each field starts a line of its own.
fn percent_decode(value: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    let mut escapes = 0;
    while i < value.len() {
        let hex = value
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (value[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                escapes += 1;
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    if escapes == 0 {
        return None;
    }
    if out.contains(&b'=') || out.contains(&b'&') {
        let mut lines = Vec::with_capacity(out.len() + 1);
        lines.push(b'\n');
        lines.extend(out.iter().map(|&b| if b == b'&' { b'\n' } else { b }));
        return Some(lines);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The encodings whose markers `text` holds, as the engine's keyword pass reports them.
    fn markers(text: &[u8]) -> u8 {
        MARKERS
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                text.windows(m.len())
                    .any(|w| w.eq_ignore_ascii_case(m.as_bytes()))
            })
            .fold(0, |bits, (i, _)| bits | marker_bit(i))
    }

    #[test]
    fn finds_base64_values_with_their_keys() {
        let doc = b"kind: Secret\ndata:\n  DB_PASSWORD: U3VwM3JTM2NyM3QhMjAyNg== # note\n  name: not-base64!\n";
        let found: Vec<Encoded> = candidates(doc, markers(doc)).collect();
        assert_eq!(found.len(), 1);
        assert_eq!(&doc[found[0].key.clone()], b"DB_PASSWORD");
        assert_eq!(
            decode(&doc[found[0].value.clone()]).as_deref(),
            Some(&b"Sup3rS3cr3t!2026"[..])
        );
    }

    #[test]
    fn json_values() {
        let line =
            b"{\"auths\": {\"registry.acme.io\": {\n      \"auth\": \"ZGVwbG95OnM2Y3JldA==\",\n";
        let found: Vec<Encoded> = candidates(line, markers(line)).collect();
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

    fn found(text: &[u8]) -> Vec<(String, String)> {
        candidates(text, markers(text))
            .map(|e| {
                (
                    String::from_utf8_lossy(&text[e.key]).into_owned(),
                    String::from_utf8_lossy(&text[e.value]).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn notes_name_the_encoding_and_the_key() {
        assert_eq!(
            describe(b"U3VwM3I=", "DB_PASSWORD"),
            "in the base64-decoded value of `DB_PASSWORD`"
        );
        assert_eq!(describe(b"a%3Ab", ""), "in a percent-decoded value");
    }

    #[test]
    fn basic_authorization_headers() {
        // Split so that nhilint's scan of its own sources does not see a header.
        let text = concat!(
            "curl -H \"Authorization: Basic ",
            "Ym90OmdocF9zZWNyZXQ=\" https://x\n"
        )
        .as_bytes();
        assert_eq!(
            found(text),
            [(
                "Authorization".to_owned(),
                "Ym90OmdocF9zZWNyZXQ=".to_owned()
            )]
        );
        assert_eq!(
            decode(b"Ym90OmdocF9zZWNyZXQ=").as_deref(),
            Some(&b"bot:ghp_secret"[..])
        );
        assert!(
            found(concat!("Authorization: Bearer ", "Ym90OmdocF9zZWNyZXQ=").as_bytes()).is_empty()
        );
    }

    #[test]
    fn percent_encoded_values() {
        let text = b"GET /login?user=svc&next=https%3A%2F%2Fbot%3AS3cr%21t%40git.acme.io%2Frepo HTTP/1.1\n";
        assert_eq!(
            found(text),
            [(
                "next".to_owned(),
                "https%3A%2F%2Fbot%3AS3cr%21t%40git.acme.io%2Frepo".to_owned()
            )]
        );
        assert_eq!(
            decode(b"https%3A%2F%2Fbot%3AS3cr%21t%40git.acme.io%2Frepo").as_deref(),
            Some(&b"https://bot:S3cr!t@git.acme.io/repo"[..])
        );
        // A form body in a field: one field a line.
        assert_eq!(
            decode(b"grant_type%3Dpassword%26password%3DS3cr%21t").as_deref(),
            Some(&b"\ngrant_type=password\npassword=S3cr!t"[..])
        );
        // A bare value has no key.
        let bare = b"\"redirect\": \"https%3A%2F%2Fu%3Ap%40h\"";
        let e: Vec<Encoded> = candidates(bare, markers(bare)).collect();
        assert_eq!(e.len(), 1);
        assert!(e[0].key.is_empty());
        // Escapes of binary or letters only, or no marker at all: nothing to decode.
        assert!(found(b"name=caf%C3%A9%E2%9C%93 x=%41%42").is_empty());
        assert!(found(b"password=S3cr%zzt").is_empty(), "no valid escape");
        assert_eq!(percent_decode(b"100%"), None);
    }

    #[test]
    fn base64_lines_need_their_markers() {
        // A percent marker alone does not open base64 values.
        assert!(
            found(b"token: U3VwM3JTM2NyM3QhMjAyNg==\nurl: a%3Ab\n")
                .iter()
                .all(|(k, _)| k != "token")
        );
    }
}
