//! SARIF 2.1.0, shaped for GitHub code scanning: rule metadata with help and
//! `security-severity`, relative artifact locations under `%SRCROOT%`, content-based
//! `partialFingerprints`, `suppressions` for suppressed findings, and the scan's notifications in
//! `invocations`. Columns are Unicode code points (`columnKind`).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::finding::{CommitInfo, Finding, Level, ProvenanceKind, SuppressionKind, VersionControl};
use crate::rules::{Pack, Rule, Severity};
use crate::scan::Report;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of our fingerprint in `partialFingerprints`; versioned so a new algorithm can coexist.
pub const FINGERPRINT_KEY: &str = "nhilint/v1";
const INFO_URI: &str = "https://github.com/nhilint/nhilint";

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn help_uri(rule: &Rule) -> String {
    rule.references
        .first()
        .cloned()
        .unwrap_or_else(|| format!("{INFO_URI}/blob/main/rules/README.md"))
}

fn rule_descriptor(rule: &Rule) -> Value {
    let mut tags: Vec<String> = vec!["security".to_owned(), rule.category.as_str().to_owned()];
    tags.extend(rule.tags.iter().cloned());
    let refs = rule.references.iter().fold(String::new(), |mut acc, r| {
        let _ = writeln!(acc, "- <{r}>");
        acc
    });
    json!({
        "id": rule.id,
        "name": pascal_case(&rule.id),
        "shortDescription": { "text": rule.name },
        "fullDescription": { "text": rule.description },
        "help": {
            "text": rule.remediation,
            "markdown": format!("{}\n\n**Remediation**\n\n{}\n\n**References**\n\n{refs}", rule.description, rule.remediation),
        },
        "helpUri": help_uri(rule),
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": tags,
            "category": rule.category.as_str(),
            "precision": match rule.confidence {
                crate::rules::Confidence::High => "high",
                crate::rules::Confidence::Medium => "medium",
                crate::rules::Confidence::Low => "low",
            },
            "security-severity": rule.severity.security_severity(),
        },
    })
}

/// `aws-access-key-id` -> `AwsAccessKeyId`: SARIF's `name` is an identifier-like word.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative `/`-separated path as a URI reference (percent-encoding what URIs cannot hold).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn artifact_location(path: &str) -> Value {
    if Path::new(path).is_absolute() {
        json!({ "uri": format!("file://{}", uri_path(path)) })
    } else {
        json!({ "uri": uri_path(path), "uriBaseId": "%SRCROOT%" })
    }
}

/// A commit as result properties name it (the keys of the finding's own provenance).
fn commit_json(c: &CommitInfo) -> Value {
    json!({ "commit": c.commit, "author": c.author, "authorEmail": c.email, "date": c.date })
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut r = json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(&f.path),
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.end_line,
                    "endColumn": f.end_column,
                    "snippet": { "text": f.snippet },
                },
            },
        }],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        "properties": {
            "confidence": f.confidence.as_str(),
            "severity": f.severity.as_str(),
            "category": f.category.as_str(),
        },
    });
    r["properties"]["longLived"] = json!(f.long_lived);
    if let Some(note) = &f.note {
        r["properties"]["validation"] = json!(note);
    }
    if let Some(secret) = &f.secret {
        r["properties"]["secret"] = serde_json::to_value(secret).unwrap_or(Value::Null);
    }
    if let Some(p) = &f.provenance {
        let props = &mut r["properties"];
        props["provenance"] = json!(match p.kind {
            ProvenanceKind::Commit => "commit",
            ProvenanceKind::Staged => "staged",
        });
        if let Some(c) = &p.commit {
            props["commit"] = json!(c);
            props["commits"] = json!(p.commits);
            props["paths"] = json!(p.paths);
        }
        if let Some(a) = &p.author {
            props["author"] = json!(a);
        }
        if let Some(e) = &p.email {
            props["authorEmail"] = json!(e);
        }
        if let Some(d) = &p.date {
            props["date"] = json!(d);
        }
        if let Some(s) = p.status {
            props["status"] = json!(s.as_str());
        }
        if let Some(r) = &p.removed_in {
            props["removedIn"] = commit_json(r);
        }
        if !p.only_on.is_empty() {
            props["onlyOn"] = json!(p.only_on);
        }
        if !p.provenances.is_empty() {
            props["provenances"] = p
                .provenances
                .iter()
                .map(|i| {
                    let mut v = commit_json(&i.commit);
                    v["path"] = json!(i.path);
                    v
                })
                .collect();
            props["provenancesTotal"] = json!(p.provenances_total);
        }
    }
    if let Some(s) = &f.suppressed {
        r["suppressions"] = json!([{
            "kind": match s.kind { SuppressionKind::InSource => "inSource", SuppressionKind::External => "external" },
            "justification": s.justification,
        }]);
    }
    r
}

pub fn write(report: &Report, pack: &Pack, out: &mut dyn Write) -> io::Result<()> {
    write_with(report, pack, None, out)
}

/// [`write`], with the repository and revision a git scan looked at
/// (`versionControlProvenance`).
pub fn write_with(
    report: &Report,
    pack: &Pack,
    version_control: Option<&VersionControl>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules = super::referenced_rules(pack, &report.findings);
    let index_of = |id: &str| rules.iter().position(|r| r.id == id).unwrap_or(0);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, index_of(&f.rule_id)))
        .collect();
    let notifications: Vec<Value> = report
        .notifications
        .iter()
        .map(|n| {
            let mut v = json!({
                "level": match n.level { Level::Error => "error", Level::Warning => "warning", Level::Note => "note" },
                "message": { "text": n.message },
                "descriptor": { "id": n.code },
            });
            if let Some(p) = &n.path {
                let mut loc = json!({ "physicalLocation": { "artifactLocation": artifact_location(p) } });
                if let Some(line) = n.line {
                    loc["physicalLocation"]["region"] = json!({ "startLine": line, "startColumn": n.column.unwrap_or(1) });
                }
                v["locations"] = json!([loc]);
            }
            v
        })
        .collect();
    let cwd = std::env::current_dir()
        .map(|d| {
            format!(
                "file://{}/",
                uri_path(&d.to_string_lossy().replace('\\', "/"))
            )
        })
        .unwrap_or_default();
    let mut doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "nhilint",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFO_URI,
                    "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
                },
            },
            "invocations": [{
                "executionSuccessful": !report.has_errors(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": { "%SRCROOT%": { "uri": cwd } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    if let Some(stale) = &report.stale_baseline {
        doc["runs"][0]["properties"] = json!({ "staleBaselineEntries": stale });
    }
    if let Some(vc) = version_control {
        let mut v = json!({ "repositoryUri": vc.repository_uri });
        if let Some(rev) = &vc.revision_id {
            v["revisionId"] = json!(rev);
        }
        doc["runs"][0]["versionControlProvenance"] = json!([v]);
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("aws-access-key-id"), "AwsAccessKeyId");
        assert_eq!(uri_path("a b/ü.txt"), "a%20b/%C3%BC.txt");
        assert_eq!(artifact_location("src/x.rs")["uriBaseId"], "%SRCROOT%");
        assert_eq!(artifact_location("/tmp/x")["uri"], "file:///tmp/x");
    }
}
