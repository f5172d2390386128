//! The `gcp-key-json` validator: the Google Cloud service account key file around a matched
//! `private_key_id`. It finds the one object that encloses the match, in whichever form the file
//! was re-serialised to (JSON, JSON escaped one level inside a string, a Python dict, a Terraform
//! object, a YAML mapping), and checks the fields Google writes into a key file. It is not a
//! general JSON reader: it reads that object's string fields only.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{Context, Verdict, pem_body};
use crate::document::tree::Tree;
use crate::document::{hcl, yaml};

/// How far around the match the enclosing object is looked for. A key file is about 2.4 KB with
/// a 2048-bit key and 3.3 KB with a 4096-bit one.
const REACH: usize = 16 * 1024;

/// The string fields of one object, by key.
type Fields = BTreeMap<String, String>;

pub(super) fn check(context: &Context<'_>) -> Verdict {
    let key_id = context.secret();
    let fields = braced(context.text, &context.whole)
        .and_then(|object| read_object(object, key_id))
        .or_else(|| {
            yaml_block(context.text, context.whole.start)
                .and_then(|b| read_yaml(&b))
                .filter(|f| has_key_id(f, key_id))
        });
    match fields {
        Some(fields) => check_fields(&fields),
        None => Verdict::unknown("no key file object around the key id (a fragment): not checked"),
    }
}

/// Whether the fields are those of a key file Google issued.
fn check_fields(fields: &Fields) -> Verdict {
    let get = |k: &str| fields.get(k).map(String::as_str);
    match get("type") {
        Some("service_account") => {}
        Some(_) => return Verdict::invalid("key file type is not service_account"),
        None => return Verdict::invalid("key file without type"),
    }
    if !get("private_key_id").is_some_and(is_key_id) {
        return Verdict::invalid("private_key_id is not 40 hex digits");
    }
    let Some(key) = get("private_key") else {
        return Verdict::invalid("key file without private_key");
    };
    if !(key.contains("-----BEGIN PRIVATE KEY-----")
        || key.contains("-----BEGIN RSA PRIVATE KEY-----"))
    {
        return Verdict::invalid("private_key is not a PEM private key");
    }
    if let Verdict {
        valid: Some(false) | None,
        note,
        ..
    } = pem_body(key.as_bytes())
    {
        return Verdict::invalid(format!(
            "private_key: {}",
            note.unwrap_or_else(|| "PEM body does not decode".to_owned())
        ));
    }
    match get("client_email") {
        Some(email) if is_service_account_email(email) => {}
        Some(_) => return Verdict::invalid("client_email is not a service account address"),
        None => return Verdict::invalid("key file without client_email"),
    }
    let universe = get("universe_domain").unwrap_or("googleapis.com");
    let mut checked = vec![
        "type",
        "private_key_id",
        "private_key PEM body",
        "client_email",
    ];
    for field in ["token_uri", "auth_uri"] {
        if let Some(uri) = get(field) {
            if !is_google_uri(uri, universe) {
                return Verdict::invalid(format!("{field} does not point at Google"));
            }
            checked.push(field);
        }
    }
    Verdict::valid(format!("key file fields valid: {}", checked.join(", ")))
}

fn is_key_id(id: &str) -> bool {
    id.len() == 40 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `name@project.iam.gserviceaccount.com` (user-managed accounts and service agents; a
/// domain-scoped project reads `name@project.example.com.iam.gserviceaccount.com`), and the
/// default accounts of Compute Engine (`number-compute@developer.gserviceaccount.com`) and App
/// Engine (`project@appspot.gserviceaccount.com`).
fn is_service_account_email(email: &str) -> bool {
    let label = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let Some((account, domain)) = email.split_once('@') else {
        return false;
    };
    label(account)
        && match domain {
            "developer.gserviceaccount.com" | "appspot.gserviceaccount.com" => true,
            _ => domain
                .strip_suffix(".iam.gserviceaccount.com")
                .is_some_and(|project| project.split('.').all(label)),
        }
}

/// An https URI on a Google host: `accounts.google.com` or a host of the key's universe domain
/// (`oauth2.googleapis.com` by default).
fn is_google_uri(uri: &str, universe: &str) -> bool {
    let Some(rest) = uri.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    host == "accounts.google.com"
        || host
            .strip_suffix(universe)
            .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1)
}

/// The innermost `{...}` around `whole`, by brace count (quotes are not tracked, so the same
/// count works at any level of escaping; key file values hold no braces).
fn braced<'t>(text: &'t [u8], whole: &Range<usize>) -> Option<&'t [u8]> {
    let mut depth = 0usize;
    let mut open = None;
    for i in (whole.start.saturating_sub(REACH)..whole.start).rev() {
        match text[i] {
            b'}' => depth += 1,
            b'{' if depth == 0 => {
                open = Some(i);
                break;
            }
            b'{' => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    let mut depth = 0usize;
    for (i, &b) in text
        .iter()
        .enumerate()
        .take((whole.end + REACH).min(text.len()))
        .skip(open)
    {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return (i >= whole.end).then(|| &text[open..=i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The fields of a braced object whose `private_key_id` is `key_id`: read as JSON or YAML flow
/// (which also reads Python dicts), as an HCL object, or as JSON escaped one level.
fn read_object(object: &[u8], key_id: &[u8]) -> Option<Fields> {
    let text = std::str::from_utf8(object).ok()?;
    let is_key = |f: &Fields| has_key_id(f, key_id);
    read_yaml(text)
        .filter(is_key)
        .or_else(|| {
            let tree = hcl::parse(&format!("key = {text}\n")).ok()?;
            let root = *tree.docs.first()?;
            Some(fields_of(&tree, tree.get(root, "key")?)).filter(is_key)
        })
        .or_else(|| read_yaml(&unescape(text)?).filter(is_key))
}

/// Whether `fields` are those of the key whose id the rule matched.
fn has_key_id(fields: &Fields, key_id: &[u8]) -> bool {
    fields.get("private_key_id").map(String::as_bytes) == Some(key_id)
}

fn read_yaml(text: &str) -> Option<Fields> {
    let tree = yaml::parse(text).ok()?;
    Some(fields_of(&tree, *tree.docs.first()?))
}

fn fields_of(tree: &Tree, map: u32) -> Fields {
    tree.entries(map)
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_owned(), tree.str(v)?.to_owned())))
        .collect()
}

/// `text` with one level of backslash escapes removed (`\"` to `"`, `\\n` to `\n`), if it has
/// escaped quotes: JSON inside a JSON, YAML or shell string.
fn unescape(text: &str) -> Option<String> {
    if !(text.contains("\\\"") || text.contains("\\'")) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(q @ ('"' | '\'' | '\\' | '/')) => out.push(q),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Some(out)
}

/// The YAML block mapping whose key opens the line at `at` (after indentation and maybe a
/// sequence dash): that line and the lines around it indented at least as deep, dedented.
fn yaml_block(text: &[u8], at: usize) -> Option<String> {
    let line_start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |i| i + 1);
    let lead = &text[line_start..at];
    let spaces = lead.iter().take_while(|&&b| b == b' ').count();
    let item = match &lead[spaces..] {
        b"" => false,
        b"- " => true,
        _ => return None,
    };
    let indent = lead.len();
    let indentation = |line: &[u8]| -> Option<usize> {
        let n = line.iter().take_while(|&&b| b == b' ').count();
        // Blank and comment lines belong to whatever surrounds them.
        (n < line.len() && line[n] != b'#' && line[n] != b'\r').then_some(n)
    };
    let mut begin = line_start;
    // A key after a sequence dash opens its mapping; otherwise earlier siblings belong to it.
    while !item && begin > 0 && begin > line_start.saturating_sub(REACH) {
        let prev = memchr::memrchr(b'\n', &text[..begin - 1]).map_or(0, |i| i + 1);
        if indentation(&text[prev..begin - 1]).is_some_and(|n| n < indent) {
            break;
        }
        begin = prev;
    }
    let limit = (at + REACH).min(text.len());
    let mut end = memchr::memchr(b'\n', &text[at..limit]).map_or(limit, |i| at + i);
    while end < limit {
        let next_end = memchr::memchr(b'\n', &text[end + 1..limit]).map_or(limit, |i| end + 1 + i);
        if indentation(&text[end + 1..next_end]).is_some_and(|n| n < indent) {
            break;
        }
        end = next_end;
    }
    let block = std::str::from_utf8(&text[begin..end]).ok()?;
    let mut out = String::with_capacity(block.len());
    for (i, line) in block.lines().enumerate() {
        // The first line of an item starts with its dash; shallower lines are blank or comments.
        let opens_item = item && i == 0;
        if line.len() >= indent
            && (opens_item || line.as_bytes()[..indent].iter().all(|&b| b == b' '))
        {
            out.push_str(&line[indent..]);
        }
        out.push('\n');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::super::{Validator, run};
    use super::*;

    /// A fake key id and PEM body, built so that no literal key sits in the source.
    fn key_id() -> String {
        let bytes: Vec<u8> = (0u8..20).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        hex(&bytes)
    }

    fn hex(bytes: &[u8]) -> String {
        bytes
            .iter()
            .flat_map(|b| [b >> 4, b & 15])
            .map(|n| char::from_digit(u32::from(n), 16).expect("a nibble"))
            .collect()
    }

    fn pem(body_bytes: usize) -> String {
        let mut der = vec![0x30, 0x82, 0x04, 0xbd, 0x02, 0x01, 0x00];
        der.extend((0..body_bytes).map(|i| u8::try_from(i * 13 % 251).expect("byte")));
        let body = STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect();
        format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            lines.join("\n")
        )
    }

    /// The fields of a key file, in Google's order.
    fn fields() -> Vec<(&'static str, String)> {
        vec![
            ("type", "service_account".to_owned()),
            ("project_id", "billing-etl-prod".to_owned()),
            ("private_key_id", key_id()),
            ("private_key", pem(120)),
            (
                "client_email",
                "etl-runner@billing-etl-prod.iam.gserviceaccount.com".to_owned(),
            ),
            ("client_id", "134701552772697083221".to_owned()),
            (
                "auth_uri",
                "https://accounts.google.com/o/oauth2/auth".to_owned(),
            ),
            (
                "token_uri",
                "https://oauth2.googleapis.com/token".to_owned(),
            ),
        ]
    }

    fn with(field: &'static str, value: Option<&str>) -> Vec<(&'static str, String)> {
        let mut f = fields();
        f.retain(|(k, _)| *k != field);
        if let Some(v) = value {
            f.push((field, v.to_owned()));
        }
        f
    }

    fn json(fields: &[(&str, String)]) -> String {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("  \"{k}\": {}", serde_json::Value::from(v.as_str())))
            .collect();
        format!("{{\n{}\n}}\n", body.join(",\n"))
    }

    /// The verdict on `text`, with the match where the rule's pattern would put it: from the
    /// quote (or escaping backslash) before `private_key_id` to the end of the key id.
    fn verdict(text: &str) -> Verdict {
        let id = key_id();
        let secret = text.find(&id).expect("the key id");
        let key = text[..secret]
            .rfind("private_key_id")
            .expect("a key id field");
        let start = text[..key]
            .trim_end_matches(['"', '\''])
            .trim_end_matches('\\')
            .len();
        let context = Context {
            text: text.as_bytes(),
            whole: start..secret + id.len(),
            secret: secret..secret + id.len(),
        };
        run(
            Validator::GcpKeyJson,
            &context,
            super::super::ValidateOptions::default(),
        )
    }

    fn assert_valid(text: &str) {
        let v = verdict(text);
        assert_eq!(v.valid, Some(true), "{v:?}\n{text}");
        assert_eq!(
            v.note.as_deref(),
            Some(
                "key file fields valid: type, private_key_id, private_key PEM body, client_email, token_uri, auth_uri"
            )
        );
    }

    fn assert_invalid(text: &str, note: &str) {
        let v = verdict(text);
        assert_eq!(v.valid, Some(false), "{v:?}\n{text}");
        assert!(
            v.note.as_deref().is_some_and(|n| n.contains(note)),
            "{v:?} should say {note}"
        );
    }

    #[test]
    fn key_files_in_every_form() {
        let plain = json(&fields());
        assert_valid(&plain);
        let mut sorted = fields();
        sorted.sort();
        assert_valid(&json(&sorted));
        let compact: String = serde_json::to_string(
            &serde_json::from_str::<serde_json::Value>(&plain).expect("json"),
        )
        .expect("json");
        assert_valid(&format!("[{compact}]"));
        // Escaped one level inside a JSON string, a YAML string and a shell assignment.
        let escaped = serde_json::Value::from(compact.as_str()).to_string();
        assert_valid(&format!(
            "{{\"credentials\": {escaped}, \"region\": \"eu\"}}"
        ));
        assert_valid(&format!("gcp:\n  credentials: {escaped}\n"));
        assert_valid(&format!("export GOOGLE_CREDENTIALS={escaped}\n"));
        // Inside a nested object, a YAML block scalar and a Terraform heredoc.
        assert_valid(&format!("{{\"env\": {{\"prod\": {compact}}}}}"));
        let indented = plain
            .lines()
            .fold(String::new(), |s, l| s + "    " + l + "\n");
        assert_valid(&format!("data:\n  key.json: |\n{indented}other: 1\n"));
        assert_valid(&format!("content = <<EOF\n{plain}EOF\n"));
        // A Python dict and a Terraform object.
        let python: Vec<String> = sorted
            .iter()
            .map(|(k, v)| format!("    '{k}': '{}',", v.replace('\n', "\\n")))
            .collect();
        assert_valid(&format!("KEY = {{\n{}\n}}\n", python.join("\n")));
        let hcl: Vec<String> = fields()
            .iter()
            .map(|(k, v)| format!("    {k} = \"{}\"", v.replace('\n', "\\n")))
            .collect();
        assert_valid(&format!(
            "resource \"x\" \"y\" {{\n  secret_data = jsonencode({{\n{}\n  }})\n}}\n",
            hcl.join("\n")
        ));
    }

    fn yaml(fields: &[(&str, String)], indent: &str) -> String {
        let mut out = String::new();
        for (k, v) in fields {
            if v.contains('\n') {
                writeln!(out, "{indent}{k}: |").expect("a string");
                for line in v.lines() {
                    writeln!(out, "{indent}  {line}").expect("a string");
                }
            } else {
                writeln!(out, "{indent}{k}: {v}").expect("a string");
            }
        }
        out
    }

    #[test]
    fn yaml_mappings() {
        let mut sorted = fields();
        sorted.sort();
        assert_valid(&yaml(&sorted, ""));
        assert_valid(&format!(
            "# service account\ngcp:\n  # the key\n{}\nregion: eu\n",
            yaml(&sorted, "  ")
        ));
        // An item of a sequence: the dash opens the key's mapping.
        let mut first = sorted.clone();
        first.retain(|(k, _)| *k != "private_key_id");
        first.insert(0, ("private_key_id", key_id()));
        let item = yaml(&first, "    ").replacen("    ", "  - ", 1);
        assert_valid(&format!("keys:\n  - type: other\n{item}  - type: last\n"));
    }

    #[test]
    fn wrong_fields_are_invalid() {
        assert_invalid(
            &json(&with("type", Some("authorized_user"))),
            "not service_account",
        );
        assert_invalid(&json(&with("type", None)), "without type");
        for email in [
            "etl-runner@billing-etl-prod.example.com",
            "etl-runner@gserviceaccount.com",
            "etl-runner@.iam.gserviceaccount.com",
            "Etl Runner@billing-etl-prod.iam.gserviceaccount.com",
            "billing-etl-prod.iam.gserviceaccount.com",
        ] {
            assert_invalid(&json(&with("client_email", Some(email))), "client_email");
        }
        assert_invalid(&json(&with("client_email", None)), "without client_email");
        let not_base64 = pem(120).replace("-----\n", "-----\n***");
        assert_invalid(
            &json(&with("private_key", Some(&not_base64))),
            "private_key: PEM body is not base64",
        );
        assert_invalid(
            &json(&with("private_key", Some(&pem(8)))),
            "private_key: PEM body too short",
        );
        let public = pem(120).replace("PRIVATE", "PUBLIC");
        assert_invalid(
            &json(&with("private_key", Some(&public))),
            "not a PEM private key",
        );
        assert_invalid(&json(&with("private_key", None)), "without private_key");
        assert_invalid(
            &json(&with(
                "token_uri",
                Some("https://oauth2.attacker.example/token"),
            )),
            "token_uri",
        );
        assert_invalid(
            &json(&with(
                "auth_uri",
                Some("http://accounts.google.com/o/oauth2/auth"),
            )),
            "auth_uri",
        );
    }

    #[test]
    fn optional_fields_and_other_universes() {
        let mut f = with("token_uri", None);
        f.retain(|(k, _)| *k != "auth_uri");
        let v = verdict(&json(&f));
        assert_eq!(v.valid, Some(true));
        assert_eq!(
            v.note.as_deref(),
            Some("key file fields valid: type, private_key_id, private_key PEM body, client_email")
        );
        let mut sovereign = with("token_uri", Some("https://oauth2.s3nsapis.fr/token"));
        sovereign.push(("universe_domain", "s3nsapis.fr".to_owned()));
        assert_eq!(verdict(&json(&sovereign)).valid, Some(true));
        assert_eq!(
            verdict(&json(&with(
                "token_uri",
                Some("https://oauth2.s3nsapis.fr/token")
            )))
            .valid,
            Some(false),
            "another universe's token_uri needs its universe_domain"
        );
    }

    #[test]
    fn fragments_cannot_be_told() {
        let id = key_id();
        for text in [
            format!(
                "\"private_key_id\": \"{id}\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvg"
            ),
            format!("log: key {{ \"private_key_id\": \"{id}\", \"private_key\": \"-----BEGIN"),
            // An object around the match that is not the key's (another key id).
            format!(
                "{{\"private_key_id\": \"{}\", \"note\": \"was private_key_id: {id}\"}}",
                "0".repeat(40)
            ),
        ] {
            let v = verdict(&text);
            assert_eq!(v.valid, None, "{text}");
            assert!(v.note.is_some_and(|n| n.contains("fragment")));
        }
    }

    /// Through the engine: a fragment keeps the declared confidence of the rule that lowers on
    /// failure and is dropped by the rule that drops; a broken key file is reported lower.
    #[test]
    fn engine_applies_the_verdicts() {
        use crate::rules::{Confidence, Pack};
        let pack = Pack::builtin().expect("the built-in pack loads");
        let engine = crate::engine::SecretEngine::new(&pack);
        let scan = |text: &str| -> Vec<(String, Confidence, String)> {
            engine
                .scan(text.as_bytes())
                .into_iter()
                .map(|m| {
                    (
                        pack.rules[m.rule].id.clone(),
                        m.confidence,
                        m.note.unwrap_or_default(),
                    )
                })
                .filter(|(id, _, _)| id.starts_with("gcp-"))
                .collect()
        };
        let id = key_id();
        let fragment = format!(
            "  \"private_key_id\": \"{id}\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIE"
        );
        let found = scan(&fragment);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].0.as_str(), found[0].1),
            ("gcp-service-account-key", Confidence::High)
        );
        assert!(found[0].2.contains("fragment"));
        assert!(scan(&format!("private_key_id: {id}\n")).is_empty());
        let broken = json(&with("type", Some("user")));
        assert_eq!(
            scan(&broken),
            vec![(
                "gcp-service-account-key".to_owned(),
                Confidence::Medium,
                "key file type is not service_account".to_owned()
            )]
        );
        let mut sorted = with("type", Some("user"));
        sorted.sort();
        assert!(scan(&json(&sorted)).is_empty(), "the fields rule drops");
        sorted.retain(|(k, _)| *k != "type");
        sorted.push(("type", "service_account".to_owned()));
        sorted.sort();
        assert_eq!(scan(&json(&sorted)).len(), 1);
        assert_eq!(scan(&json(&sorted))[0].0, "gcp-service-account-key-fields");
    }

    #[test]
    fn service_account_emails() {
        for good in [
            "svc@proj-1.iam.gserviceaccount.com",
            "svc@proj.example.com.iam.gserviceaccount.com",
            "service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com",
            "123456789012-compute@developer.gserviceaccount.com",
            "billing-etl-prod@appspot.gserviceaccount.com",
        ] {
            assert!(is_service_account_email(good), "{good}");
        }
        for bad in [
            "svc@iam.gserviceaccount.com",
            "svc@proj.iam.gserviceaccount.com.evil.example",
            "@proj.iam.gserviceaccount.com",
            "svc@proj..iam.gserviceaccount.com",
            "svc@gmail.com",
        ] {
            assert!(!is_service_account_email(bad), "{bad}");
        }
    }

    #[test]
    fn unescaping_one_level() {
        assert_eq!(
            unescape(r#"{\"a\": \"x\\ny\", \'b\': \u0041}"#).as_deref(),
            Some("{\"a\": \"x\\ny\", 'b': \\u0041}")
        );
        assert_eq!(unescape(r#"{"a": "b"}"#), None, "nothing escaped");
    }
}
