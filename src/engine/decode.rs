//! Decoding: encoded values that may hide credentials are decoded and scanned again as
//! `key=decoded`, so rules that need the key as context still see it. What is found inside is
//! reported at the encoded value. Three encodings are opened, and one plain form:
//!
//! - base64 values of keys in documents that carry encoded credentials (Kubernetes `Secret`
//!   `data:`, `.dockerconfigjson`, Docker `config.json` `auths`);
//! - `Authorization: Basic <base64>` headers (`user:password`, RFC 7617);
//! - percent-encoded query parameters, form fields and URLs (`next=https%3A%2F%2Fbot%3A...%40host`,
//!   `password=S3cr%21t`); a decoded form body has one field a line, so line-anchored rules see
//!   each field;
//! - name/value pairs, whose value is not encoded but named by a sibling field (Kubernetes `env`
//!   `- name: X` / `value: v`, ECS `{"name": "X", "value": "v"}`, Helm `set` blocks, a Terraform
//!   `variable "x"` and its `default`): scanned as `X=v`, and what is found inside keeps its
//!   exact place.
//!
//! Depth and size are bounded.

use std::ops::Range;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use regex::bytes::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, meta};

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
    // name/value pairs: Kubernetes `env`, ECS and CloudFormation `Environment`, Helm `set` blocks
    "\"value\"",
    "value:",
    "value =",
    "variable \"",
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
        m if m.contains("value") || m.starts_with("variable") => Kind::Pair,
        m if m.starts_with('%') => Kind::Percent,
        _ => Kind::Base64,
    }
}

/// The bit of the name/value pair markers: the engine records where they occur, and
/// [`candidates`] reads the pairs around them.
pub(super) const fn pair_bit() -> u8 {
    1 << Kind::Pair as u8
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
    /// Not an encoding: a value whose name sits in a sibling field (`- name: X` then
    /// `value: v`), scanned as `X=v` so that rules which need the name see it.
    Pair,
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

/// A name/value pair that starts at its name, on one line or two, in YAML, JSON or HCL:
/// `- name: X` / `value: v` (Kubernetes `env`), `{"name": "X", "value": "v"}` (ECS task
/// definitions), `Name: X` / `Value: v` (CloudFormation), `name = "x"` / `value = "v"` (Helm
/// `set` blocks in Terraform). Searched anchored at each `name` before a pair marker. A quoted
/// value runs to its closing quote (tokens hold `;` and `,`), a bare one to a space or delimiter.
static PAIR: LazyLock<meta::Regex> = LazyLock::new(|| {
    anchored_regex(
        r#"(?i)\bname["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9_.\[\]/-]{1,128})["']?[ \t]*,?[ \t]*\r?\n?[ \t]*-?[ \t]*["']?value["']?[ \t]*[:=][ \t]*(?:"([^"\r\n]+)"|'([^'\r\n]+)'|([^\s"'`,;}\]]+))"#,
    )
});

/// The same pairs with the value first (`{"value": "v", "name": "X"}`), anchored at `value`.
static PAIR_VALUE_FIRST: LazyLock<meta::Regex> = LazyLock::new(|| {
    anchored_regex(
        r#"(?i)value["']?[ \t]*[:=][ \t]*(?:"([^"\r\n]+)"|'([^'\r\n]+)'|([^\s"'`,;}\]]+))[ \t]*,?[ \t]*\r?\n?[ \t]*-?[ \t]*["']?name["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9_.\[\]/-]{1,128})"#,
    )
});

/// A Terraform variable and its default: `variable "x" {` then `default = "v"` within the block,
/// anchored at `variable`.
static VARIABLE_DEFAULT: LazyLock<meta::Regex> = LazyLock::new(|| {
    anchored_regex(
        r#"variable[ \t]+"([A-Za-z0-9_.-]{1,128})"[ \t]*\{[^}]{0,400}?\bdefault[ \t]*=[ \t]*"([^"\s]+)""#,
    )
});

fn anchored_regex(pattern: &str) -> meta::Regex {
    meta::Regex::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build(pattern)
        .expect("valid regex")
}

/// An encoded value and the key it belongs to (an empty key when the value has no name).
pub(super) struct Encoded {
    pub key: Range<usize>,
    pub value: Range<usize>,
    /// The value is plain text named by a sibling field ([`Kind::Pair`]): scanned as it is, and
    /// what is found inside keeps its exact place.
    pub plain: bool,
}

/// How far from a pair marker its name and value may reach.
const PAIR_REACH: usize = 4096;

/// The offsets of `word` in `hay`, ASCII case-insensitively.
fn find_ci<'a>(hay: &'a [u8], word: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let (first, rest) = word.split_first().expect("a word");
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), hay).filter(
        move |&i| {
            hay.get(i + 1..i + word.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(rest))
        },
    )
}

/// The name/value pairs around the pair markers at `at` (offsets of their hits, in any order).
/// Each pattern is tried anchored where it must start (a `name` on the marker's line or the line
/// above, the marker's `value`, a `variable`): markers such as `value =` occur in much code that
/// holds no pair, and searching such files whole cost more than the rest of decoding.
fn named_pairs(text: &[u8], at: &[usize]) -> Vec<Encoded> {
    let mut out = Vec::new();
    if at.is_empty() {
        return out;
    }
    let line_start = |i: usize| memchr::memrchr(b'\n', &text[..i]).map_or(0, |n| n + 1);
    let mut caps =
        [&*PAIR, &*PAIR_VALUE_FIRST, &*VARIABLE_DEFAULT].map(meta::Regex::create_captures);
    let [pair, first, variable] = &mut caps;
    // `values`: the value's groups (double-quoted, single-quoted, bare), one of which matched.
    let mut tried =
        |re: &meta::Regex, caps: &mut Captures, start: usize, key: usize, values: &[usize]| {
            let end = (start + PAIR_REACH).min(text.len());
            re.search_captures(
                &Input::new(text).span(start..end).anchored(Anchored::Yes),
                caps,
            );
            let value = values.iter().find_map(|&g| caps.get_group(g));
            if let (Some(k), Some(v)) = (caps.get_group(key), value) {
                out.push(Encoded {
                    key: k.range(),
                    value: v.range(),
                    plain: true,
                });
            }
        };
    for &i in at {
        let rest = &text[i..];
        if rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"variable") {
            tried(&VARIABLE_DEFAULT, variable, i, 1, &[2]);
            continue;
        }
        // The marker is `value...` or `"value"`.
        let word = i + usize::from(rest.first() == Some(&b'"'));
        tried(&PAIR_VALUE_FIRST, first, word, 4, &[1, 2, 3]);
        let here = line_start(i);
        let above = if here == 0 { 0 } else { line_start(here - 1) };
        let from = above.max(i.saturating_sub(PAIR_REACH));
        for n in find_ci(&text[from..i], b"name") {
            tried(&PAIR, pair, from + n, 1, &[2, 3, 4]);
        }
    }
    out.sort_unstable_by_key(|e| (e.value.start, e.value.end));
    out.dedup_by_key(|e| (e.value.start, e.value.end));
    out
}

/// The encoded values of `text` in the encodings whose bits (see [`marker_bit`]) `present` holds,
/// and the name/value pairs around the pair markers at `pair_at` (see [`pair_bit`]).
pub(super) fn candidates<'a>(
    text: &'a [u8],
    present: u8,
    pair_at: &[usize],
) -> impl Iterator<Item = Encoded> + 'a {
    let on = |kind: Kind| present & (1 << kind as u8) != 0;
    let pairs = |re: &'static Regex, on: bool| {
        on.then(|| {
            re.captures_iter(text).filter_map(|c| {
                let value = c.get(2)?.range();
                let key = c.get(1).map_or(value.start..value.start, |k| k.range());
                Some(Encoded {
                    key,
                    value,
                    plain: false,
                })
            })
        })
        .into_iter()
        .flatten()
    };
    pairs(&CANDIDATE, on(Kind::Base64))
        .chain(pairs(&BASIC, on(Kind::Basic)))
        .chain(named_pairs(text, pair_at))
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

    /// Where the pair markers occur in `text`, as the engine's keyword pass reports them.
    fn pair_hits(text: &[u8]) -> Vec<usize> {
        let mut at = Vec::new();
        for (i, m) in MARKERS.iter().enumerate() {
            if marker_bit(i) == pair_bit() {
                at.extend(
                    text.windows(m.len())
                        .enumerate()
                        .filter(|(_, w)| w.eq_ignore_ascii_case(m.as_bytes()))
                        .map(|(i, _)| i),
                );
            }
        }
        at
    }

    fn all(text: &[u8]) -> Vec<Encoded> {
        candidates(text, markers(text), &pair_hits(text)).collect()
    }

    #[test]
    fn finds_base64_values_with_their_keys() {
        let doc = b"kind: Secret\ndata:\n  DB_PASSWORD: U3VwM3JTM2NyM3QhMjAyNg== # note\n  name: not-base64!\n";
        let found = all(doc);
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
        let found = all(line);
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
        all(text)
            .into_iter()
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
        let e = all(bare);
        assert_eq!(e.len(), 1);
        assert!(e[0].key.is_empty());
        // Escapes of binary or letters only, or no marker at all: nothing to decode.
        assert!(found(b"name=caf%C3%A9%E2%9C%93 x=%41%42").is_empty());
        assert!(found(b"password=S3cr%zzt").is_empty(), "no valid escape");
        assert_eq!(percent_decode(b"100%"), None);
    }

    #[test]
    fn name_value_pairs_in_either_order() {
        let k8s = b"env:\n  - name: DD_API_KEY\n    value: \"8e1ffbe7d412cfdf\" # c\n  - name: A\n    valueFrom:\n";
        assert_eq!(
            found(k8s),
            [("DD_API_KEY".to_owned(), "8e1ffbe7d412cfdf".to_owned())]
        );
        let ecs = br#"[{"name": "API_KEY", "value": "k1"}, {"value": "k2", "name": "TOKEN"}]"#;
        assert_eq!(
            found(ecs),
            [
                ("API_KEY".to_owned(), "k1".to_owned()),
                ("TOKEN".to_owned(), "k2".to_owned())
            ]
        );
        // Split so that nhilint's scan of its own sources does not see the pair.
        let quoted = concat!(
            r#"{"name": "OCI_AUTH_TOKEN", "#,
            r#""value": "M876V22vEfUz>8l;ff,9"}"#
        )
        .as_bytes();
        assert_eq!(
            found(quoted),
            [(
                "OCI_AUTH_TOKEN".to_owned(),
                "M876V22vEfUz>8l;ff,9".to_owned()
            )]
        );
        let helm = b"set {\n    name  = \"auth.password\"\n    value = \"S3cr3t\"\n  }\n";
        assert_eq!(
            found(helm),
            [("auth.password".to_owned(), "S3cr3t".to_owned())]
        );
        let tf = b"variable \"dd_api_key\" {\n  type      = string\n  sensitive = true\n  default   = \"8e1ffbe7\"\n}\n";
        assert_eq!(
            found(tf),
            [("dd_api_key".to_owned(), "8e1ffbe7".to_owned())]
        );
        // A name two lines above, or a `username`, is not the value's name.
        assert!(found(b"- name: A\n  image: x\n  value: v\n").is_empty());
        assert!(found(b"username: bob\nvalue: v\n").is_empty());
        let plain: Vec<bool> = all(k8s).iter().map(|e| e.plain).collect();
        assert_eq!(plain, [true]);
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
