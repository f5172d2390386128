//! Filters a secret capture must pass before it becomes a finding: entropy, length, character
//! classes, placeholders and allow-lists. Pure functions over bytes.

use crate::rules::Filters;

/// Shannon entropy of `bytes` in bits per byte.
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    #[expect(clippy::cast_precision_loss, reason = "lengths are far below 2^52")]
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// How many of lowercase, uppercase, digit and other characters occur.
pub fn char_classes(bytes: &[u8]) -> u8 {
    let (mut lower, mut upper, mut digit, mut other) = (false, false, false, false);
    for &b in bytes {
        match b {
            b'a'..=b'z' => lower = true,
            b'A'..=b'Z' => upper = true,
            b'0'..=b'9' => digit = true,
            _ => other = true,
        }
    }
    u8::from(lower) + u8::from(upper) + u8::from(digit) + u8::from(other)
}

/// Words that mark a value as a stand-in for a real credential.
const PLACEHOLDER_WORDS: &[&[u8]] = &[
    b"example",
    b"placeholder",
    b"changeme",
    b"change_me",
    b"replace_me",
    b"replaceme",
    b"redacted",
    b"dummy",
    b"your_",
    b"your-",
    b"<",
    b">",
    b"${",
    b"{{",
    b"$(",
    b"%(",
];

/// Length of a run (repeated or ascending characters) that marks a placeholder in a value of up
/// to 16 * RUN bytes. A longer value needs a run of a sixteenth of its length: long tokens carry
/// runs in their structure (AWS STS session tokens hold `//////////` right after their header,
/// base64 of binary fields holds `AAAAAAAA`), while a placeholder is mostly its run
/// (`xxxxxxxxxxxxxxxx`, `AKIAXXXXXXXXXXXXXXXX`).
const RUN: usize = 6;

/// The run length that marks a placeholder in a value of `len` bytes.
fn run_limit(len: usize) -> usize {
    RUN.max(len / 16)
}

/// Whether `secret` looks like a placeholder rather than a credential.
pub fn is_placeholder(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| memchr::memmem::find(&lower, w).is_some())
    {
        return true;
    }
    let limit = run_limit(secret.len());
    let (mut same, mut ascending) = (1usize, 1usize);
    for pair in lower.windows(2) {
        same = if pair[1] == pair[0] { same + 1 } else { 1 };
        ascending = if pair[0].is_ascii_alphanumeric() && pair[1] == pair[0] + 1 {
            ascending + 1
        } else {
            1
        };
        if same >= limit || ascending >= limit {
            return true;
        }
    }
    false
}

/// Whether `secret` passes every filter of a rule.
pub fn passes(filters: &Filters, secret: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    if filters.min_length.is_some_and(|n| secret.len() < n) {
        return false;
    }
    if filters
        .min_char_classes
        .is_some_and(|n| char_classes(secret) < n)
    {
        return false;
    }
    if filters
        .min_entropy
        .is_some_and(|e| shannon_entropy(secret) < e)
    {
        return false;
    }
    if filters.placeholders && is_placeholder(secret) {
        return false;
    }
    if filters.words && super::words::is_not_secret(secret) {
        return false;
    }
    !filters.allow.is_match(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_bounds() {
        assert!(shannon_entropy(b"").abs() < f64::EPSILON);
        assert!(shannon_entropy(b"aaaa").abs() < f64::EPSILON);
        assert!((shannon_entropy(b"ab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy(b"abcdefgh") - 3.0).abs() < 1e-9);
        assert!(shannon_entropy(b"R7sWq2nZ0kLm4XyT8bVc1dHf6JgA9pEu3Qi5") > 4.5);
    }

    #[test]
    fn classes() {
        assert_eq!(char_classes(b"abc"), 1);
        assert_eq!(char_classes(b"aB3-"), 4);
    }

    #[test]
    fn placeholders() {
        for p in [
            &b"AKIAIOSFODNN7EXAMPLE"[..],
            b"<your-token>",
            b"${API_KEY}",
            b"{{ .Values.key }}",
            b"xxxxxxxx",
            b"********",
            b"sk_live_000000000000",
            b"abcdef123",
            b"ghp_123456789abc",
            b"CHANGEME",
            b"my-dummy-key",
        ] {
            assert!(is_placeholder(p), "{}", String::from_utf8_lossy(p));
        }
        for p in [
            &b"R7sWq2nZ0kLm4XyT8bVc1dHf6JgA9pEu3Qi5"[..],
            b"hunter2!",
            b"aab12",
        ] {
            assert!(!is_placeholder(p), "{}", String::from_utf8_lossy(p));
        }
        // A long token keeps the runs of its structure; a long placeholder is mostly its run.
        let body = "R7sWq2nZ0kLm4XyT8bVc1dHf6JgA9pEu3Qi5".repeat(10);
        let sts = format!("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH{body}");
        assert!(!is_placeholder(sts.as_bytes()));
        assert!(is_placeholder(
            format!("{}{}", "x".repeat(40), &body[..60]).as_bytes()
        ));
        assert!(is_placeholder(b"AKIAXXXXXXXXXXXXXXXX"));
        assert_eq!(run_limit(96), RUN);
        assert_eq!(run_limit(360), 22);
    }

    #[test]
    fn filters_combine() {
        let f = Filters {
            min_entropy: Some(3.0),
            min_length: Some(8),
            min_char_classes: Some(2),
            placeholders: true,
            allow: crate::rules::PatternSet::new(vec!["^nope".to_owned()]),
            deny_match: crate::rules::PatternSet::default(),
            words: true,
        };
        assert!(passes(&f, b"Zq8vT2mXk9"));
        assert!(!passes(&f, b"Zq8vT2m"), "too short");
        assert!(!passes(&f, b"zqvtmxkwpl"), "one class");
        assert!(!passes(&f, b"aAaAaAaAaA"), "low entropy");
        assert!(!passes(&f, b"nopeZq8vT2mXk9"), "allowed");
        assert!(!passes(&f, b""), "empty");
        assert!(!passes(&f, b"getPasswordFromVault"), "identifier");
    }
}
