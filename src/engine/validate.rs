//! Offline validators: checks of a secret's own structure, never a network call. A checksum or a
//! decodable structure raises confidence; a failed check drops the match or lowers its confidence,
//! as the rule declares. JWTs also tell whether they are long-lived (no `exp`, or a lifetime over
//! the configured maximum). Most validators read the secret alone; a few read its surroundings
//! (the key file around a key id), which the [`Context`] carries.

use std::ops::Range;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

mod gcp_key;

/// What a validator says about one secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the structure checks out; `None` when the validator cannot tell (what it reads is
    /// out of reach, say a fragment of a key file): the rule's declared confidence stands.
    pub valid: Option<bool>,
    /// A short explanation for the finding (`checksum valid`, `JWT without exp`).
    pub note: Option<String>,
    /// Whether the credential lives long; `None` when the validator cannot tell.
    pub long_lived: Option<bool>,
}

impl Verdict {
    fn valid(note: impl Into<String>) -> Self {
        Verdict {
            valid: Some(true),
            note: Some(note.into()),
            long_lived: None,
        }
    }
    fn invalid(note: impl Into<String>) -> Self {
        Verdict {
            valid: Some(false),
            note: Some(note.into()),
            long_lived: None,
        }
    }
    fn unknown(note: impl Into<String>) -> Self {
        Verdict {
            valid: None,
            note: Some(note.into()),
            long_lived: None,
        }
    }
}

/// A secret in its surroundings: what a validator reads.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    /// The scanned text (for a secret inside a decoded value, the decoded text).
    pub text: &'a [u8],
    /// Byte span of the whole regex match in `text`.
    pub whole: Range<usize>,
    /// Byte span of the secret capture in `text`.
    pub secret: Range<usize>,
}

impl<'a> Context<'a> {
    /// A secret with no surroundings.
    pub fn alone(secret: &'a [u8]) -> Self {
        Context {
            text: secret,
            whole: 0..secret.len(),
            secret: 0..secret.len(),
        }
    }

    /// The bytes of the secret capture.
    pub fn secret(&self) -> &'a [u8] {
        &self.text[self.secret.clone()]
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
    /// An age X25519 identity: `AGE-SECRET-KEY-1` + Bech32 data (32 bytes) whose BIP 173 checksum
    /// holds for the human-readable part `age-secret-key-`.
    AgeBech32,
    /// A PyPI API token: `pypi-` + base64url of a version 2 binary macaroon whose location is
    /// `pypi.org` or `test.pypi.org`, with an identifier and a 32-byte signature.
    PypiMacaroon,
    /// A 1Password service account token: `ops_` + base64 of a JSON object naming the account's
    /// sign-in address and secret key.
    OnepasswordServiceAccount,
    /// `Authorization: Basic` credentials: base64 of `user:password` (RFC 7617) whose password is
    /// not empty and not a placeholder, word or identifier.
    BasicAuth,
    /// A Google Cloud service account key file around a `private_key_id`: the enclosing JSON
    /// object (plain, escaped one level inside a string, a Python dict, a Terraform object) or
    /// YAML mapping has `type: service_account`, the 40-hex key id, a PKCS#8 or RSA PEM private
    /// key whose body decodes, a service account `client_email`, and Google `token_uri` and
    /// `auth_uri` when present.
    GcpKeyJson,
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

pub fn run(validator: Validator, context: &Context<'_>, opts: ValidateOptions) -> Verdict {
    let secret = context.secret();
    match validator {
        Validator::Crc32Base62 => crc32_base62(secret),
        Validator::Jwt => jwt(secret, opts),
        Validator::PemBody => pem_body(secret),
        Validator::AgeBech32 => age_bech32(secret),
        Validator::PypiMacaroon => pypi_macaroon(secret),
        Validator::OnepasswordServiceAccount => onepassword_service_account(secret),
        Validator::BasicAuth => basic_auth(secret),
        Validator::GcpKeyJson => gcp_key::check(context),
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
        valid: Some(true),
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

const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The BIP 173 checksum polynomial over `values`.
fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// Whether `text` (one case only) is Bech32 with a valid checksum; returns the human-readable
/// part (lower case) and the 5-bit data values without the checksum.
fn bech32_decode(text: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let has_upper = text.iter().any(u8::is_ascii_uppercase);
    let has_lower = text.iter().any(u8::is_ascii_lowercase);
    if has_upper && has_lower {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let sep = lower.iter().rposition(|&b| b == b'1')?;
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 || hrp.iter().any(|b| !(33..=126).contains(b)) {
        return None;
    }
    let values: Vec<u8> = data
        .iter()
        .map(|c| {
            BECH32
                .iter()
                .position(|x| x == c)
                .and_then(|p| u8::try_from(p).ok())
        })
        .collect::<Option<_>>()?;
    let expanded = hrp
        .iter()
        .map(|c| c >> 5)
        .chain(std::iter::once(0))
        .chain(hrp.iter().map(|c| c & 31))
        .chain(values.iter().copied());
    (bech32_polymod(expanded) == 1).then(|| (hrp.to_vec(), values[..values.len() - 6].to_vec()))
}

fn age_bech32(secret: &[u8]) -> Verdict {
    let Some((hrp, data)) = bech32_decode(secret) else {
        return Verdict::invalid("Bech32 checksum invalid");
    };
    // 32 bytes are 256 bits: 52 groups of 5 bits, of which the last 4 bits are zero padding.
    if hrp != b"age-secret-key-" || data.len() != 52 || data[51] & 0x0f != 0 {
        return Verdict::invalid("not a 32-byte age identity");
    }
    Verdict::valid("Bech32 checksum valid")
}

/// An unsigned LEB128 varint at the start of `bytes`, and the rest.
fn varint(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let mut n: usize = 0;
    for (i, &b) in bytes.iter().enumerate().take(4) {
        n |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((n, &bytes[i + 1..]));
        }
    }
    None
}

/// One field of a version 2 binary macaroon: (type, data, rest); type 0 is end-of-section.
fn macaroon_field(bytes: &[u8]) -> Option<(usize, &[u8], &[u8])> {
    let (kind, rest) = varint(bytes)?;
    if kind == 0 {
        return Some((0, &[], rest));
    }
    let (len, rest) = varint(rest)?;
    (rest.len() >= len).then(|| (kind, &rest[..len], &rest[len..]))
}

fn pypi_macaroon(secret: &[u8]) -> Verdict {
    const LOCATION: usize = 1;
    const IDENTIFIER: usize = 2;
    const VERIFIER_ID: usize = 4;
    const SIGNATURE: usize = 6;
    let body = secret.strip_prefix(b"pypi-").unwrap_or(secret);
    let trimmed: Vec<u8> = body.iter().copied().filter(|&b| b != b'=').collect();
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(trimmed) else {
        return Verdict::invalid("not base64url");
    };
    let parse = || -> Option<String> {
        let rest = bytes.strip_prefix(&[2u8])?;
        let (kind, location, rest) = macaroon_field(rest)?;
        if kind != LOCATION || !matches!(location, b"pypi.org" | b"test.pypi.org") {
            return None;
        }
        let (kind, id, mut rest) = macaroon_field(rest)?;
        if kind != IDENTIFIER || id.is_empty() {
            return None;
        }
        let (kind, _, r) = macaroon_field(rest)?;
        if kind != 0 {
            return None;
        }
        rest = r;
        // Caveats: each is optional location, identifier and optional verifier id, then an end
        // of section; an end of section where a caveat would start ends the list.
        loop {
            let (kind, _, r) = macaroon_field(rest)?;
            rest = r;
            match kind {
                0 => break,
                LOCATION | IDENTIFIER | VERIFIER_ID => loop {
                    let (kind, _, r) = macaroon_field(rest)?;
                    rest = r;
                    match kind {
                        0 => break,
                        LOCATION | IDENTIFIER | VERIFIER_ID => {}
                        _ => return None,
                    }
                },
                _ => return None,
            }
        }
        let (kind, signature, rest) = macaroon_field(rest)?;
        (kind == SIGNATURE && signature.len() == 32 && rest.is_empty())
            .then(|| String::from_utf8_lossy(location).into_owned())
    };
    match parse() {
        Some(location) => Verdict::valid(format!("macaroon for {location}")),
        None => Verdict::invalid("not a PyPI macaroon"),
    }
}

fn onepassword_service_account(secret: &[u8]) -> Verdict {
    let body = secret.strip_prefix(b"ops_").unwrap_or(secret);
    // Tokens are standard base64; accept the URL-safe alphabet and missing padding too.
    let normalised: Vec<u8> = body
        .iter()
        .filter(|&&b| b != b'=')
        .map(|&b| match b {
            b'-' => b'+',
            b'_' => b'/',
            other => other,
        })
        .collect();
    let decoded = base64::engine::general_purpose::STANDARD_NO_PAD.decode(normalised);
    let object =
        decoded.ok().and_then(
            |d| match serde_json::from_slice::<serde_json::Value>(&d).ok()? {
                serde_json::Value::Object(m) => Some(m),
                _ => None,
            },
        );
    match object {
        Some(m)
            if ["signInAddress", "secretKey"]
                .iter()
                .all(|k| m.get(*k).is_some_and(serde_json::Value::is_string)) =>
        {
            Verdict::valid("service account token structure valid")
        }
        Some(_) => Verdict::invalid("JSON without signInAddress and secretKey"),
        None => Verdict::invalid("not base64 JSON"),
    }
}

fn basic_auth(secret: &[u8]) -> Verdict {
    let Some(plain) = STANDARD
        .decode(secret)
        .ok()
        .and_then(|d| String::from_utf8(d).ok())
    else {
        return Verdict::invalid("not base64 text");
    };
    let Some((user, password)) = plain.split_once(':') else {
        return Verdict::invalid("not user:password");
    };
    if password.is_empty() || user.chars().chain(password.chars()).any(char::is_control) {
        return Verdict::invalid("empty or binary password");
    }
    if super::filter::is_placeholder(password.as_bytes())
        || super::words::is_not_secret(password.as_bytes())
    {
        return Verdict::invalid("password is a placeholder or a word");
    }
    Verdict::valid("decodes to user:password")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: Validator, secret: &[u8], o: ValidateOptions) -> Verdict {
        super::run(v, &Context::alone(secret), o)
    }

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
                == Some(true)
        );
        let npm = token("npm_", "Zq8vT2mXk9Lr4Wn7Yp1Bc6Hd3Jf5Gs");
        assert!(
            run(
                Validator::Crc32Base62,
                npm.as_bytes(),
                ValidateOptions::default()
            )
            .valid
                == Some(true)
        );
        let mut bad = good.clone().into_bytes();
        bad[39] = if bad[39] == b'A' { b'B' } else { b'A' };
        assert!(run(Validator::Crc32Base62, &bad, ValidateOptions::default()).valid == Some(false));
        assert!(
            run(
                Validator::Crc32Base62,
                b"ghp_short",
                ValidateOptions::default()
            )
            .valid
                == Some(false)
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
        assert!(v.valid == Some(true));
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
        assert_eq!((v.valid, v.long_lived), (Some(true), Some(false)));
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
            run(
                Validator::Jwt,
                jwt_of(r#"{"typ":"JWT"}"#, "{}").as_bytes(),
                o
            )
            .valid
                == Some(false),
            "no alg"
        );
        assert!(
            run(Validator::Jwt, b"eyJhbGciOi.eyJzdWIi.sig", o).valid == Some(false),
            "truncated"
        );
        assert!(run(Validator::Jwt, b"a.b", o).valid == Some(false));
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
                == Some(true)
        );
        let flat = pem.replace('\n', " ");
        assert!(
            run(
                Validator::PemBody,
                flat.as_bytes(),
                ValidateOptions::default()
            )
            .valid
                == Some(true)
        );
        let escaped = pem.replace('\n', "\\n");
        assert!(
            run(
                Validator::PemBody,
                escaped.as_bytes(),
                ValidateOptions::default()
            )
            .valid
                == Some(true)
        );
        let short = "-----BEGIN PRIVATE KEY-----\nMIIBVQ==\n-----END PRIVATE KEY-----";
        assert!(
            run(
                Validator::PemBody,
                short.as_bytes(),
                ValidateOptions::default()
            )
            .valid
                == Some(false)
        );
        let bogus = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----";
        assert!(
            run(
                Validator::PemBody,
                bogus.as_bytes(),
                ValidateOptions::default()
            )
            .valid
                == Some(false)
        );
    }

    fn check(v: Validator, secret: &str) -> Verdict {
        run(v, secret.as_bytes(), ValidateOptions::default())
    }

    #[test]
    fn age_keys() {
        for key in [
            concat!(
                "AGE-SECRET-KEY-1",
                "ZWSMKX5RMWKWYUE8ZTAN3NDHAVKWELYLT5DAAXY402WUXJLA69SQPJS72W"
            ),
            concat!(
                "AGE-SECRET-KEY-1",
                "2TEZVEDXPSFD9ZGCTK2SA6YPXCY3VMMTZY730RTVPLFEQ8LJ8XSSK0YA96"
            ),
        ] {
            assert!(
                check(Validator::AgeBech32, key).valid == Some(true),
                "{key}"
            );
            assert!(
                check(Validator::AgeBech32, &key.to_ascii_lowercase()).valid == Some(true),
                "Bech32 is case-insensitive"
            );
        }
        for bad in [
            // One character changed, two swapped, mixed case, wrong prefix, truncated.
            concat!(
                "AGE-SECRET-KEY-1",
                "ZWSMKX5RMWKWYUE8ZTAN3NDHAVKWELYLT5DAAXY402WUXJLA69SQPJS72Q"
            ),
            concat!(
                "AGE-SECRET-KEY-1",
                "WZSMKX5RMWKWYUE8ZTAN3NDHAVKWELYLT5DAAXY402WUXJLA69SQPJS72W"
            ),
            concat!(
                "AGE-SECRET-KEY-1",
                "ZWSMKX5RMWKWYUE8ZTAN3NDHAVKWELYLT5DAAXY402WUXJLA69SQPJS72w"
            ),
            "AGE-PLUGIN-YUBIKEY-1ZWSMKX5RMWKWYUE8ZTAN3NDHAVKWELYLT5DAAXY402WUXJLA69SQPJS72W",
            "AGE-SECRET-KEY-1ZWSMKX5RMWKWYUE8ZTAN3NDHAVKWELY",
            "AGE-SECRET-KEY-1",
        ] {
            assert!(
                check(Validator::AgeBech32, bad).valid == Some(false),
                "{bad}"
            );
        }
    }

    /// A version 2 binary macaroon: location, identifier, the given caveats, a signature.
    fn macaroon(location: &str, caveats: &[&str], signature_len: usize) -> String {
        let field = |out: &mut Vec<u8>, kind: u8, data: &[u8]| {
            out.push(kind);
            out.push(u8::try_from(data.len()).expect("short field"));
            out.extend_from_slice(data);
        };
        let mut m = vec![2u8];
        field(&mut m, 1, location.as_bytes());
        field(&mut m, 2, b"6f1e3c2a-9b4d-4e8f-a7c1-2d3e4f5a6b7c");
        m.push(0);
        for c in caveats {
            field(&mut m, 2, c.as_bytes());
            m.push(0);
        }
        m.push(0);
        field(&mut m, 6, &vec![0x5a; signature_len]);
        format!("pypi-{}", URL_SAFE_NO_PAD.encode(m))
    }

    #[test]
    fn pypi_tokens() {
        let rule_example = concat!(
            "pypi-",
            "AgEIcHlwaS5vcmcCJDU1NThiNDYxLTdjMjEtNDdlNy1iNThjLTU5OTNiOWJlODBmNgACaXsidmVyc2lvbiI6IDEsICJwZXJtaXNzaW9ucyI6IHsicHJvamVjdHMiOiBbImRreGpnbmZyIl19LCAidXNlciI6ICIwZjIzZTc5Yy1mYWIzLTQ4NWYtYTljNC1iNGM5OTQ2OTRkMDcifQAABiD21h490Aghpfc82G6wP3Sip4avscjzG1x2IkyziAmN5A"
        );
        let v = check(Validator::PypiMacaroon, rule_example);
        assert!(v.valid == Some(true));
        assert_eq!(v.note.as_deref(), Some("macaroon for pypi.org"));
        let caveats = [r#"{"version": 1, "permissions": "user"}"#, r#"{"nbf": 1}"#];
        assert!(
            check(Validator::PypiMacaroon, &macaroon("pypi.org", &caveats, 32)).valid == Some(true)
        );
        assert!(
            check(Validator::PypiMacaroon, &macaroon("test.pypi.org", &[], 32)).valid == Some(true)
        );
        for bad in [
            macaroon("evil.example", &caveats, 32),
            macaroon("pypi.org", &caveats, 31),
            macaroon("pypi.org", &caveats, 32)[..120].to_owned(),
            format!("{rule_example}AA"),
            "pypi-AgEIcHlwaS5vcmc".to_owned(),
            "pypi-not*base64".to_owned(),
        ] {
            assert!(
                check(Validator::PypiMacaroon, &bad).valid == Some(false),
                "{bad}"
            );
        }
    }

    #[test]
    fn onepassword_tokens() {
        let token = |json: &str| format!("ops_{}", STANDARD.encode(json));
        let good = token(
            r#"{"signInAddress":"acme.1password.com","email":"x@1passwordserviceaccounts.com","secretKey":"A3-KZS3C2-GBSZE8","deviceUuid":"hupmajs59m4e3p856gmm9incdt"}"#,
        );
        assert!(check(Validator::OnepasswordServiceAccount, &good).valid == Some(true));
        let url_safe = good.replace('+', "-").replace('/', "_").replace('=', "");
        assert!(check(Validator::OnepasswordServiceAccount, &url_safe).valid == Some(true));
        for bad in [
            token(r#"{"signInAddress":"acme.1password.com"}"#),
            token(r#"["signInAddress","secretKey"]"#),
            good[..good.len() / 2].to_owned(),
            "ops_eyJ!!".to_owned(),
        ] {
            assert!(
                check(Validator::OnepasswordServiceAccount, &bad).valid == Some(false),
                "{bad}"
            );
        }
    }

    #[test]
    fn basic_auth_headers() {
        for good in [
            "svc-deploy:Gsxw7I-R-Z",
            "jenkins:ah3C5nVVBl2",
            ":zuRz5d260cMZA+",
        ] {
            assert!(
                check(Validator::BasicAuth, &STANDARD.encode(good)).valid == Some(true),
                "{good}"
            );
        }
        for bad in [
            STANDARD.encode("no-colon-here"),
            STANDARD.encode("user:"),
            STANDARD.encode("ci:${CI_PASSWORD}"),
            STANDARD.encode("ci:getPasswordFromVault"),
            STANDARD.encode([0xffu8, 0xfe, b':', 0x01]),
            "not base64".to_owned(),
        ] {
            assert!(
                check(Validator::BasicAuth, &bad).valid == Some(false),
                "{bad}"
            );
        }
    }
}
