//! `.nhilint.yaml`: the configuration as written ([`RawConfig`]) and validated against the rule
//! pack ([`Policy`]). Every error points at the key it is about.
//!
//! ```yaml
//! exclude: ["vendor/**", "testdata/**"]   # gitignore-style globs, relative to the scan root
//! min-confidence: medium                   # low | medium | high
//! fail-on: low                             # low | medium | high | critical
//! max-file-size: 10MiB
//! jwt-max-lifetime-days: 90               # a JWT valid for longer is long-lived (OWASP NHI7)
//! rules:
//!   disable: [generic-password-assignment]
//!   severity: { slack-webhook-url: low }
//! baseline: .nhilint-baseline.json        # relative to this file
//! ownership:                              # how owners of machine identities are found
//!   keys: [owner, team, a8r.io/owner]      # label / annotation / tag keys, in order
//!   sources: [labels, azure-owners, catalog, codeowners]   # in order; leave one out to skip it
//! exceptions:                              # accepted findings, each until a date
//!   - rule: slack-webhook-url              # and/or `path` (a glob) and/or `fingerprint`
//!     path: "docs/**"
//!     reason: sample in the docs, revoked
//!     owner: platform-team
//!     expires: 2026-12-31
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use crate::exceptions::{Date, Exception};
use crate::rules::{Confidence, LoadError, Pack, Severity};

/// The file name looked for at the scan root.
pub const FILE_NAME: &str = ".nhilint.yaml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    min_confidence: Option<Confidence>,
    #[serde(default)]
    fail_on: Option<Severity>,
    #[serde(default)]
    max_file_size: Option<Spanned<String>>,
    #[serde(default)]
    jwt_max_lifetime_days: Option<u64>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    baseline: Option<String>,
    #[serde(default)]
    exceptions: Vec<Spanned<RawException>>,
    #[serde(default)]
    ownership: Option<Spanned<RawOwnership>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOwnership {
    #[serde(default)]
    keys: Option<Vec<String>>,
    #[serde(default)]
    sources: Option<Vec<crate::identity::OwnerSource>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    #[serde(default)]
    rule: Option<Spanned<String>>,
    #[serde(default)]
    path: Option<Spanned<String>>,
    #[serde(default)]
    fingerprint: Option<Spanned<String>>,
    #[serde(default)]
    reason: Option<Spanned<String>>,
    #[serde(default)]
    owner: Option<Spanned<String>>,
    #[serde(default)]
    expires: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRules {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<Severity>>,
}

/// A validated configuration.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub exclude: Vec<String>,
    pub min_confidence: Option<Confidence>,
    pub fail_on: Option<Severity>,
    pub max_file_size: Option<u64>,
    /// A JWT valid for longer than this is long-lived (default 90).
    pub jwt_max_lifetime_days: Option<u64>,
    pub disable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    /// The baseline file, as written (relative to the config file's directory).
    pub baseline: Option<String>,
    pub exceptions: Vec<Exception>,
    /// Where owners of machine identities are looked for.
    pub ownership: crate::identity::OwnershipConfig,
}

/// How strict [`Policy::parse_with`] is.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// Exceptions may omit `expires` (they still need a reason and an owner).
    pub allow_permanent_exceptions: bool,
}

impl Policy {
    /// Parses and validates `text` (the contents of `file`) against `pack`.
    pub fn parse(file: &str, text: &str, pack: &Pack) -> Result<Policy, Vec<LoadError>> {
        Self::parse_with(file, text, pack, ParseOptions::default())
    }

    /// [`Policy::parse`] with options.
    pub fn parse_with(
        file: &str,
        text: &str,
        pack: &Pack,
        options: ParseOptions,
    ) -> Result<Policy, Vec<LoadError>> {
        let shared: Arc<str> = Arc::from(text);
        let err = |loc: Location, message: String| LoadError {
            file: file.to_owned(),
            text: Arc::clone(&shared),
            line: u32::try_from(loc.line()).unwrap_or(0),
            column: u32::try_from(loc.column()).unwrap_or(0),
            message,
        };
        // An empty or comment-only file is an empty configuration.
        let raw: RawConfig = if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            RawConfig::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| {
                vec![err(
                    e.location().unwrap_or(Location::UNKNOWN),
                    crate::rules::yaml_message(&e),
                )]
            })?
        };
        let mut errors = Vec::new();
        let max_file_size = match &raw.max_file_size {
            Some(s) => match parse_size(&s.value) {
                Ok(n) => Some(n),
                Err(e) => {
                    errors.push(err(s.referenced, format!("max-file-size: {e}")));
                    None
                }
            },
            None => None,
        };
        for id in &raw.rules.disable {
            if pack.get(&id.value).is_none() {
                errors.push(err(
                    id.referenced,
                    format!("rules.disable: no rule has the id `{}`", id.value),
                ));
            }
        }
        for (id, sev) in &raw.rules.severity {
            if pack.get(id).is_none() {
                errors.push(err(
                    sev.referenced,
                    format!("rules.severity: no rule has the id `{id}`"),
                ));
            }
        }
        let mut ownership = crate::identity::OwnershipConfig::default();
        if let Some(o) = &raw.ownership {
            if let Some(keys) = &o.value.keys {
                if keys.is_empty() || keys.iter().any(|k| k.trim().is_empty()) {
                    errors.push(err(
                        o.referenced,
                        "ownership.keys: list at least one non-empty key".to_owned(),
                    ));
                }
                ownership.keys.clone_from(keys);
            }
            if let Some(sources) = &o.value.sources {
                ownership.order.clone_from(sources);
            }
        }
        let mut exceptions = Vec::new();
        for item in raw.exceptions {
            match exception(file, item, pack, options) {
                Ok(e) => exceptions.push(e),
                Err(problems) => errors.extend(problems.into_iter().map(|(loc, m)| err(loc, m))),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Policy {
            exclude: raw.exclude,
            min_confidence: raw.min_confidence,
            fail_on: raw.fail_on,
            max_file_size,
            jwt_max_lifetime_days: raw.jwt_max_lifetime_days,
            disable: raw.rules.disable.into_iter().map(|s| s.value).collect(),
            severity: raw
                .rules
                .severity
                .into_iter()
                .map(|(k, v)| (k, v.value))
                .collect(),
            baseline: raw.baseline,
            exceptions,
            ownership,
        })
    }

    /// Applies rule selection and severity overrides to `pack`.
    pub fn apply(&self, pack: &mut Pack) {
        pack.rules
            .retain(|r| !self.disable.iter().any(|d| r.answers_to(d)));
        for rule in &mut pack.rules {
            if let Some(sev) = self
                .severity
                .iter()
                .find(|(id, _)| rule.answers_to(id))
                .map(|(_, s)| *s)
            {
                rule.severity = sev;
            }
        }
    }
}

/// Validates one exception; problems come with the location of the key they are about (of the
/// exception itself for a missing key).
fn exception(
    file: &str,
    item: Spanned<RawException>,
    pack: &Pack,
    options: ParseOptions,
) -> Result<Exception, Vec<(Location, String)>> {
    let at = item.referenced;
    let raw = item.value;
    let mut problems = Vec::new();
    if raw.rule.is_none() && raw.path.is_none() && raw.fingerprint.is_none() {
        problems.push((
            at,
            "exceptions: an exception needs a `rule`, a `path` or a `fingerprint` to say what it matches".to_owned(),
        ));
    }
    let rule = raw.rule.as_ref().and_then(|r| {
        let found = pack.get(&r.value).map(|rule| rule.id.clone());
        if found.is_none() {
            problems.push((
                r.referenced,
                format!("exceptions: no rule has the id `{}`", r.value),
            ));
        }
        found
    });
    let glob = raw.path.as_ref().and_then(|p| {
        let mut b = ignore::gitignore::GitignoreBuilder::new("");
        let built = match b.add_line(None, &p.value) {
            Ok(_) => b.build().map_err(Some),
            Err(e) => Err(Some(e)),
        };
        match built {
            Ok(g) if !p.value.trim().is_empty() => Some(g),
            Err(Some(e)) => {
                problems.push((
                    p.referenced,
                    format!("exceptions: path `{}` is not a valid glob: {e}", p.value),
                ));
                None
            }
            Ok(_) | Err(None) => {
                problems.push((p.referenced, "exceptions: `path` is empty".to_owned()));
                None
            }
        }
    });
    let mut required = |key: &str, value: &Option<Spanned<String>>, why: &str| match value {
        Some(v) if !v.value.trim().is_empty() => v.value.trim().to_owned(),
        Some(v) => {
            problems.push((v.referenced, format!("exceptions: `{key}` is empty: {why}")));
            String::new()
        }
        None => {
            problems.push((
                at,
                format!("exceptions: this exception has no `{key}`: {why}"),
            ));
            String::new()
        }
    };
    let reason = required("reason", &raw.reason, "say why the finding is accepted");
    let owner = required(
        "owner",
        &raw.owner,
        "name the person or team who answers for it",
    );
    let expires = match &raw.expires {
        Some(e) => match Date::parse(e.value.trim()) {
            Ok(d) => Some(d),
            Err(m) => {
                problems.push((e.referenced, format!("exceptions: expires: {m}")));
                None
            }
        },
        None if options.allow_permanent_exceptions => None,
        None => {
            problems.push((
                at,
                "exceptions: this exception has no `expires` date (YYYY-MM-DD): exceptions expire \
                 so that accepted findings are looked at again (--allow-permanent-exceptions lifts this)"
                    .to_owned(),
            ));
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Exception {
        rule,
        path: raw.path.map(|p| p.value),
        fingerprint: raw.fingerprint.map(|f| f.value.trim().to_owned()),
        reason,
        owner,
        expires,
        file: file.to_owned(),
        line: u32::try_from(at.line()).unwrap_or(0),
        column: u32::try_from(at.column()).unwrap_or(0),
        glob,
    })
}

/// Parses `10MiB`, `512K`, `2MB`, `1000` (bytes). Units are powers of 1024; `0` means no limit.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 10MiB, 512K or 1000"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit `{other}` (use K, M or G)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("2 mb"), Ok(2 << 20));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5X").is_err());
    }

    #[test]
    fn empty_and_full_config() {
        let pack = Pack::default();
        assert!(Policy::parse("c", "# nothing\n", &pack).is_ok());
        let p = Policy::parse(
            "c",
            "exclude: [a/**]\nmin-confidence: high\nfail-on: critical\nmax-file-size: 1M\njwt-max-lifetime-days: 30\n",
            &pack,
        )
        .expect("valid");
        assert_eq!(p.exclude, ["a/**"]);
        assert_eq!(p.min_confidence, Some(Confidence::High));
        assert_eq!(p.fail_on, Some(Severity::Critical));
        assert_eq!(p.max_file_size, Some(1 << 20));
        assert_eq!(p.jwt_max_lifetime_days, Some(30));
    }

    #[test]
    fn errors_point_at_the_key() {
        let pack = Pack::default();
        let e = Policy::parse("c", "exclude: []\nfail-on: severe\n", &pack).expect_err("bad level");
        assert_eq!(e[0].line, 2, "{e:?}");
        let e = Policy::parse("c", "exclude: []\nrules:\n  disable: [nope]\n", &pack)
            .expect_err("unknown rule");
        assert_eq!((e[0].line, e[0].column), (3, 13), "{e:?}");
        assert!(e[0].message.contains("nope"));
        let e =
            Policy::parse("c", "exclude: []\nunknown-key: 1\n", &pack).expect_err("unknown key");
        assert_eq!(e[0].line, 2, "{e:?}");
        let e = Policy::parse("c", "max-file-size: lots\n", &pack).expect_err("bad size");
        assert_eq!((e[0].line, e[0].column), (1, 16), "{e:?}");
    }
}
