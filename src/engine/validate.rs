//! Offline validators: checks of a secret's own structure, never a network call. A checksum or a
//! decodable structure raises confidence; a failed check drops the match or lowers its confidence,
//! as the rule declares. JWTs also tell whether they are long-lived (no `exp`, or a lifetime over
//! the configured maximum).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// What a validator says about one secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub valid: bool,
    /// A short explanation for the finding (`checksum valid`, `JWT without exp`).
    pub note: Option<String>,
    /// Whether the credential lives long; `None` when the validator cannot tell.
    pub long_lived: Option<bool>,
}

impl Verdict {
    fn valid(note: impl Into<String>) -> Self {
        Verdict {
            valid: true,
            note: Some(note.into()),
            long_lived: None,
        }
    }
    fn invalid(note: impl Into<String>) -> Self {
        Verdict {
            valid: false,
            note: Some(note.into()),
            long_lived: None,
        }
    }
}

/// The validators a rule can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// `<prefix>_` + 30 random base62 characters + 6 characters of base62 CRC32 over the random
    /// part (GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`, npm `npm_`).
    Crc32Base62,
    /// `header.payload.signature`, base64url, header and payload JSON objects, `alg` in the header.
    Jwt,
    /// The base64 body of a PEM block decodes to at least 64 bytes.
    PemBody,
}

/// Options that validators read.
#[derive(Clone, Copy, Debug)]
pub struct ValidateOptions {
    /// A JWT whose lifetime (`exp - iat`) exceeds this many days is long-lived.
    pub jwt_max_lifetime_days: u64,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            jwt_max_lifetime_days: 90,
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62, left-padded with `0` to `width`.
fn base62(mut n: u64, width: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(width);
    while n > 0 {
        out.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    out
}

pub fn run(validator: Validator, secret: &[u8], opts: ValidateOptions) -> Verdict {
    match validator {
        Validator::Crc32Base62 => crc32_base62(secret),
        Validator::Jwt => jwt(secret, opts),
        Validator::PemBody => pem_body(secret),
    }
}

fn crc32_base62(secret: &[u8]) -> Verdict {
    let body = secret
        .iter()
        .rposition(|&b| b == b'_')
        .map_or(secret, |i| &secret[i + 1..]);
    if body.len() != 36 {
        return Verdict::invalid("not 30 random characters and a 6-character checksum");
    }
    let (random, check) = body.split_at(30);
    if base62(u64::from(crc32fast::hash(random)), 6) == check {
        Verdict::valid("checksum valid")
    } else {
        Verdict::invalid("checksum invalid")
    }
}

fn json_object(part: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let trimmed: Vec<u8> = part.iter().copied().filter(|&b| b != b'=').collect();
    let bytes = URL_SAFE_NO_PAD.decode(trimmed).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

fn jwt(secret: &[u8], opts: ValidateOptions) -> Verdict {
    let parts: Vec<&[u8]> = secret.split(|&b| b == b'.').collect();
    if parts.len() != 3 {
        return Verdict::invalid("not three dot-separated parts");
    }
    let Some(header) = json_object(parts[0]) else {
        return Verdict::invalid("header is not base64url JSON");
    };
    if !header.get("alg").is_some_and(serde_json::Value::is_string) {
        return Verdict::invalid("header has no alg");
    }
    let Some(claims) = json_object(parts[1]) else {
        return Verdict::invalid("payload is not base64url JSON");
    };
    let num = |k: &str| claims.get(k).and_then(serde_json::Value::as_u64);
    let (note, long_lived) = match (num("exp"), num("iat")) {
        (None, _) => ("JWT without exp: it never expires".to_owned(), true),
        (Some(exp), Some(iat)) if exp.saturating_sub(iat) > opts.jwt_max_lifetime_days * 86_400 => {
            (
                format!("JWT valid for {} days", exp.saturating_sub(iat) / 86_400),
                true,
            )
        }
        (Some(exp), Some(iat)) => (
            format!("JWT valid for {} days", exp.saturating_sub(iat) / 86_400),
            false,
        ),
        (Some(_), None) => ("JWT with exp but no iat".to_owned(), false),
    };
    Verdict {
        valid: true,
        note: Some(note),
        long_lived: Some(long_lived),
    }
}

fn pem_body(secret: &[u8]) -> Verdict {
    // Keys embedded in JSON, env files or code carry escaped line breaks (`\n`).
    let text = String::from_utf8_lossy(secret)
        .replace("\\n", "\n")
        .replace("\\r", "");
    // The body sits between the end of the BEGIN marker and the start of the END marker, which
    // may share one line with it when line breaks were flattened to spaces.
    let start = text
        .find("-----BEGIN")
        .and_then(|b| text[b + 10..].find("-----").map(|e| b + 10 + e + 5))
        .unwrap_or(0);
    let end = text[start..]
        .find("-----END")
        .map_or(text.len(), |e| start + e);
    let body: String = text[start..end]
        .lines()
        .map(|l| l.trim().trim_matches(|c| c == '"' || c == '\'' || c == ','))
        // Header lines (`Proc-Type: ...`) and an armour checksum line (`=AbCd`) are not body.
        .filter(|l| !(l.is_empty() || l.contains(':') || (l.starts_with('=') && l.len() <= 6)))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    match STANDARD.decode(body.as_bytes()) {
        Ok(d) if d.len() >= 64 => Verdict::valid("PEM body decodes"),
        Ok(_) => Verdict::invalid("PEM body too short"),
        Err(_) => Verdict::invalid("PEM body is not base64"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(prefix: &str, random: &str) -> String {
        format!(
            "{prefix}{random}{}",
            String::from_utf8(base62(u64::from(crc32fast::hash(random.as_bytes())), 6))
                .expect("ascii")
        )
    }

    #[test]
    fn crc32_tokens() {
        let good = token("ghp_", "R7sWq2nZ0kLm4XyT8bVc1dHf6JgA9p");
        assert_eq!(good.len(), 40);
        assert!(
            run(
                Validator::Crc32Base62,
                good.as_bytes(),
                ValidateOptions::default()
            )
            .valid
        );
        let npm = token("npm_", "Zq8vT2mXk9Lr4Wn7Yp1Bc6Hd3Jf5Gs");
        assert!(
            run(
                Validator::Crc32Base62,
                npm.as_bytes(),
                ValidateOptions::default()
            )
            .valid
        );
        let mut bad = good.clone().into_bytes();
        bad[39] = if bad[39] == b'A' { b'B' } else { b'A' };
        assert!(!run(Validator::Crc32Base62, &bad, ValidateOptions::default()).valid);
        assert!(
            !run(
                Validator::Crc32Base62,
                b"ghp_short",
                ValidateOptions::default()
            )
            .valid
        );
        assert_eq!(base62(0, 6), b"000000");
        assert_eq!(base62(61, 2), b"0z");
    }

    fn jwt_of(header: &str, claims: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJlLWJ5dGVz",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    #[test]
    fn jwts() {
        let o = ValidateOptions::default();
        let no_exp = jwt_of(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"svc-ci","iat":1700000000}"#,
        );
        let v = run(Validator::Jwt, no_exp.as_bytes(), o);
        assert!(v.valid);
        assert_eq!(v.long_lived, Some(true));
        let year = jwt_of(
            r#"{"alg":"RS256"}"#,
            r#"{"iat":1700000000,"exp":1731536000}"#,
        );
        assert_eq!(
            run(Validator::Jwt, year.as_bytes(), o).long_lived,
            Some(true)
        );
        let hour = jwt_of(
            r#"{"alg":"RS256"}"#,
            r#"{"iat":1700000000,"exp":1700003600}"#,
        );
        let v = run(Validator::Jwt, hour.as_bytes(), o);
        assert_eq!((v.valid, v.long_lived), (true, Some(false)));
        assert_eq!(
            run(
                Validator::Jwt,
                year.as_bytes(),
                ValidateOptions {
                    jwt_max_lifetime_days: 400
                }
            )
            .long_lived,
            Some(false)
        );
        assert!(
            !run(
                Validator::Jwt,
                jwt_of(r#"{"typ":"JWT"}"#, "{}").as_bytes(),
                o
            )
            .valid,
            "no alg"
        );
        assert!(
            !run(Validator::Jwt, b"eyJhbGciOi.eyJzdWIi.sig", o).valid,
            "truncated"
        );
        assert!(!run(Validator::Jwt, b"a.b", o).valid);
    }

    #[test]
    fn pem_bodies() {
        let body = STANDARD.encode([7u8; 96]);
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n{}\n-----END PRIVATE KEY-----",
            &body[..64],
            &body[64..]
        );
        assert!(
            run(
                Validator::PemBody,
                pem.as_bytes(),
                ValidateOptions::default()
            )
            .valid
        );
        let flat = pem.replace('\n', " ");
        assert!(
            run(
                Validator::PemBody,
                flat.as_bytes(),
                ValidateOptions::default()
            )
            .valid
        );
        let escaped = pem.replace('\n', "\\n");
        assert!(
            run(
                Validator::PemBody,
                escaped.as_bytes(),
                ValidateOptions::default()
            )
            .valid
        );
        let short = "-----BEGIN PRIVATE KEY-----\nMIIBVQ==\n-----END PRIVATE KEY-----";
        assert!(
            !run(
                Validator::PemBody,
                short.as_bytes(),
                ValidateOptions::default()
            )
            .valid
        );
        let bogus = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----";
        assert!(
            !run(
                Validator::PemBody,
                bogus.as_bytes(),
                ValidateOptions::default()
            )
            .valid
        );
    }
}
