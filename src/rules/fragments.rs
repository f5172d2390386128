//! Named pattern fragments: `(?&name)` in a secret rule's pattern stands for a shared piece of
//! regex, written once here instead of copied into every rule (the syntax is PCRE's call of a
//! named group, which the `regex` crate does not have, so a fragment never collides with a valid
//! pattern).

use std::borrow::Cow;

/// `(?&assign)`: what stands between a credential's name and its value, in the ways code,
/// configuration, shells and documents write it. It starts right after the name and ends right
/// before the value, so a rule reads `(?i)name-alternatives(?&assign)(value)`.
///
/// - the name's closing quote, possibly escaped (`\"` inside a JSON string such as a notebook
///   cell), and the `]` of an index or the `)` of a lookup: `os.environ["X"] = `,
///   `ENV['X'] ||= `, `getenv("X") ?: `;
/// - an assignment or mapping: `=`, `:`, `=>`, `:=`, `||=`, `??=`, and `>` of an XML element
///   (`<apiKey>v</apiKey>`);
/// - a fallback default: `process.env.X || "v"`, `$x ?? "v"`, Kotlin's `?: "v"`, Python's
///   `os.getenv("X") or "v"`;
/// - prose and tables: `set X to v`, `X is v`, `| X | v |`, `key="X" value="v"`;
/// - a call's next argument and typed constants: `getenv("X", "v")`, `X: &'static str = "v"`,
///   `X: string = "v"`;
/// - a space and a quote: `#define X "v"`;
/// - then spaces and the value's opening quote, possibly escaped.
///
/// Not name/value pairs in sibling fields (Kubernetes `- name: X` with `value: v` on the next
/// line, ECS `{"name": "X", "value": "v"}`): the engine reads those for every rule, as `X=v`
/// (see `engine::decode`).
const ASSIGN: &str = concat!(
    r#"(?:\\?["'`])?[\])]?"#,
    r"(?:",
    r"\s{0,5}(?:=>|:=|\|\|=|\?\?=|[:=>])",
    r"|\s{0,3}(?:\|\||\?\?|\?:)",
    r"|\s{1,3}(?:(?:to|is|or)\b|\||value\s{0,3}=)",
    r"|\s{0,3}(?:,|:\s{0,3}&?(?:'static\s{1,3})?(?:str|string|String)\s{0,3}=)",
    r#"|\s{1,3}\\?["'`]"#,
    r")",
    r#"\s{0,5}(?:\\?["'`])?"#,
);

/// Every fragment: its name and its regex.
const FRAGMENTS: &[(&str, &str)] = &[("assign", ASSIGN)];

/// `pattern` with every `(?&name)` replaced by its fragment (in a non-capturing group), or the
/// name of the first fragment that does not exist.
pub(super) fn expand(pattern: &str) -> Result<Cow<'_, str>, String> {
    if !pattern.contains("(?&") {
        return Ok(Cow::Borrowed(pattern));
    }
    let mut out = String::with_capacity(pattern.len() + 256);
    let mut rest = pattern;
    while let Some(at) = rest.find("(?&") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let Some(end) = after.find(')') else {
            return Err(format!(
                "`(?&` at byte {} is not closed: a fragment reads `(?&name)`",
                pattern.len() - rest.len() + at
            ));
        };
        let name = &after[..end];
        let Some((_, fragment)) = FRAGMENTS.iter().find(|(n, _)| *n == name) else {
            let known: Vec<String> = FRAGMENTS.iter().map(|(n, _)| format!("(?&{n})")).collect();
            return Err(format!(
                "unknown fragment `(?&{name})` (known: {})",
                known.join(", ")
            ));
        };
        out.push_str("(?:");
        out.push_str(fragment);
        out.push(')');
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<String> {
        let pattern =
            expand(r"(?i)\baws_secret_key(?&assign)([A-Za-z0-9/+]{8})\b").expect("known fragment");
        let re = regex::Regex::new(&pattern).expect("valid regex");
        re.captures(text).map(|c| c[1].to_owned())
    }

    #[test]
    fn assign_reads_every_documented_form() {
        for text in [
            "aws_secret_key=Zq8vT2mX",
            "AWS_SECRET_KEY: \"Zq8vT2mX\"",
            "'aws_secret_key' => 'Zq8vT2mX'",
            "aws_secret_key := \"Zq8vT2mX\"",
            "os.environ[\"AWS_SECRET_KEY\"] = \"Zq8vT2mX\"",
            "ENV['AWS_SECRET_KEY'] ||= 'Zq8vT2mX'",
            "const k = process.env.AWS_SECRET_KEY || 'Zq8vT2mX';",
            "$k = $_ENV['AWS_SECRET_KEY'] ?? 'Zq8vT2mX';",
            "val k = System.getenv(\"AWS_SECRET_KEY\") ?: \"Zq8vT2mX\"",
            "key = os.getenv(\"AWS_SECRET_KEY\", \"Zq8vT2mX\")",
            "key = os.environ.get('AWS_SECRET_KEY') or 'Zq8vT2mX'",
            "#define AWS_SECRET_KEY \"Zq8vT2mX\"",
            "<aws_secret_key>Zq8vT2mX</aws_secret_key>",
            "set `AWS_SECRET_KEY` to `Zq8vT2mX`",
            "| AWS_SECRET_KEY | Zq8vT2mX |",
            "<add key=\"AWS_SECRET_KEY\" value=\"Zq8vT2mX\" />",
            "const AWS_SECRET_KEY: &'static str = \"Zq8vT2mX\";",
            r#""source": ["aws_secret_key = \"Zq8vT2mX\"\n"]"#,
        ] {
            assert_eq!(value(text).as_deref(), Some("Zq8vT2mX"), "{text}");
        }
    }

    #[test]
    fn assign_needs_a_separator() {
        for text in [
            "aws_secret_key Zq8vT2mX",
            "aws_secret_keyZq8vT2mX",
            "env:\n  - name: AWS_SECRET_KEY\n    valueFrom: Zq8vT2mX",
            "aws_secret_key\n\nZq8vT2mX",
            // Pairs in sibling fields are the engine's to read (`engine::decode`).
            "env:\n  - name: AWS_SECRET_KEY\n    value: \"Zq8vT2mX\"",
            "{\"name\": \"AWS_SECRET_KEY\", \"value\": \"Zq8vT2mX\"}",
        ] {
            assert_eq!(value(text), None, "{text}");
        }
    }

    #[test]
    fn unknown_or_unclosed_fragments_are_errors() {
        assert_eq!(expand("abc").expect("no fragment"), "abc");
        assert!(
            expand("a(?&nope)b")
                .expect_err("unknown")
                .contains("`(?&nope)`")
        );
        assert!(
            expand("a(?&assign")
                .expect_err("unclosed")
                .contains("not closed")
        );
        let two = expand("a(?&assign)b(?&assign)c").expect("known fragment");
        assert!(two.starts_with("a(?:") && two.ends_with(")c"));
        assert_eq!(two.matches(ASSIGN).count(), 2);
    }
}
