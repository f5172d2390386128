//! GitLab security reports (schema 15.x): `--format gitlab` writes the secret-detection report
//! (`artifacts:reports:secret_detection`, `gl-secret-detection-report.json`) with the secret
//! findings; `--format gitlab-sast` writes a SAST report (`artifacts:reports:sast`) with the
//! structural findings (privileges, ownership), which are misconfigurations of CI and
//! infrastructure files, not leaked credentials: filed as secret detection they would be shown
//! and deduplicated as secrets.
//!
//! Secrets are always redacted here, even with `--show-secrets`: GitLab stores these reports and
//! shows them to everyone with access to the pipeline. Not here: deciding the exit code.

use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::exceptions::Date;
use crate::finding::{Finding, VersionControl};
use crate::rules::{Category, Confidence, Pack, Severity};
use crate::scan::Report;

/// The version of GitLab's security report schema the documents follow.
pub const SCHEMA_VERSION: &str = "15.2.1";
/// Used for `start_time`/`end_time` instead of the clock when set, for reproducible output.
pub const EPOCH_VAR: &str = "SOURCE_DATE_EPOCH";
/// GitLab's own analyzers use this commit id for content outside a commit.
const NO_COMMIT: &str = "0000000";
const TOOL_URL: &str = "https://github.com/nhilint/nhilint";

/// Which GitLab report a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `secret_detection`: the secret findings.
    SecretDetection,
    /// `sast`: the structural findings (privilege and ownership rules).
    Sast,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::SecretDetection => "secret_detection",
            Kind::Sast => "sast",
        }
    }

    /// Whether a finding belongs in this report.
    pub fn takes(self, f: &Finding) -> bool {
        (f.category == Category::Secret) == (self == Kind::SecretDetection)
    }
}

/// What the document needs besides the report.
#[derive(Clone, Debug, Default)]
pub struct Context<'a> {
    /// The revision a git scan looked at.
    pub version_control: Option<&'a VersionControl>,
    /// The commit of a working-tree scan (GitLab's `CI_COMMIT_SHA`), when known.
    pub commit: Option<String>,
    /// When the scan ended.
    pub end: Option<SystemTime>,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

fn confidence(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "High",
        Confidence::Medium => "Medium",
        Confidence::Low => "Low",
    }
}

/// `YYYY-MM-DDTHH:MM:SS` (UTC), the shape the schema's `scan.start_time` asks for.
fn timestamp(t: SystemTime) -> String {
    let secs = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    let day = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}",
        Date::from_unix_seconds(secs),
        day / 3600,
        day % 3600 / 60,
        day % 60
    )
}

/// A stable UUID-shaped id for a finding: the same finding at the same place keeps its id.
fn uuid(f: &Finding) -> String {
    let mut h = blake3::Hasher::new();
    for part in [
        f.rule_id.as_str(),
        f.path.as_str(),
        &f.line.to_string(),
        &f.column.to_string(),
        &f.fingerprint,
    ] {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    let hex = h.finalize().to_hex();
    let hex = hex.as_str();
    // Version 8 (custom) with the RFC 9562 variant bits.
    format!(
        "{}-{}-8{}-{:x}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        (u8::from_str_radix(&hex[16..17], 16).unwrap_or(0) & 0x3) | 0x8,
        &hex[17..20],
        &hex[20..32]
    )
}

fn identifiers(f: &Finding, pack: &Pack) -> Vec<Value> {
    let rule = pack.get(&f.rule_id);
    let mut ids = vec![json!({
        "type": "nhilint_rule_id",
        "name": format!("nhilint {}", f.rule_id),
        "value": f.rule_id,
        "url": rule
            .and_then(|r| r.references.first().cloned())
            .unwrap_or_else(|| format!("{TOOL_URL}/blob/main/rules/README.md")),
    })];
    if let Some(r) = rule {
        for cwe in r.cwe_ids() {
            let n = cwe.trim_start_matches("CWE-");
            ids.push(json!({
                "type": "cwe",
                "name": cwe,
                "value": n,
                "url": format!("https://cwe.mitre.org/data/definitions/{n}.html"),
            }));
        }
        for owasp in r.owasp_ids() {
            ids.push(json!({
                "type": "owasp",
                "name": format!("OWASP Non-Human Identities Top 10 {owasp}"),
                "value": owasp,
            }));
        }
    }
    ids
}

fn vulnerability(f: &Finding, pack: &Pack, kind: Kind, ctx: &Context<'_>) -> Value {
    let rule = pack.get(&f.rule_id);
    let commit = f
        .provenance
        .as_ref()
        .and_then(|p| p.commit.clone())
        .or_else(|| ctx.version_control.and_then(|v| v.revision_id.clone()))
        .or_else(|| ctx.commit.clone())
        .unwrap_or_else(|| NO_COMMIT.to_owned());
    let path = f.provenance.as_ref().map_or(&f.path, |p| &p.path);
    let mut v = json!({
        "id": uuid(f),
        "category": kind.as_str(),
        "name": f.rule_name,
        "message": f.message,
        "description": rule.map_or(f.message.as_str(), |r| r.description.as_str()),
        "severity": severity(f.severity),
        "confidence": confidence(f.confidence),
        "solution": rule.map_or("", |r| r.remediation.as_str()),
        "scanner": { "id": "nhilint", "name": "nhilint" },
        "location": {
            "file": path,
            "start_line": f.line,
            "end_line": f.end_line,
        },
        "identifiers": identifiers(f, pack),
    });
    match kind {
        Kind::SecretDetection => {
            v["location"]["commit"] = json!({ "sha": commit });
            // The redacted form only: never the value, whatever --show-secrets says.
            if let Some(s) = &f.secret {
                v["raw_source_code_extract"] = json!(s.redacted);
            }
        }
        Kind::Sast => {
            if let Some(node) = &f.node_path {
                v["location"]["method"] = json!(node);
            }
        }
    }
    v
}

/// The GitLab report of `kind` for `report`: the unsuppressed findings that belong in it.
pub fn document(report: &Report, pack: &Pack, kind: Kind, ctx: &Context<'_>) -> Value {
    let end = ctx.end.unwrap_or_else(SystemTime::now);
    let start = end.checked_sub(report.stats.elapsed).unwrap_or(end);
    let tool = json!({
        "id": "nhilint",
        "name": "nhilint",
        "url": TOOL_URL,
        "version": env!("CARGO_PKG_VERSION"),
        "vendor": { "name": "nhilint" },
    });
    json!({
        "version": SCHEMA_VERSION,
        "vulnerabilities": report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && kind.takes(f))
            .map(|f| vulnerability(f, pack, kind, ctx))
            .collect::<Vec<_>>(),
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": kind.as_str(),
            "status": if report.has_errors() { "failure" } else { "success" },
            "start_time": timestamp(start),
            "end_time": timestamp(end),
            "messages": report
                .notifications
                .iter()
                .filter(|n| n.level > crate::finding::Level::Note)
                .map(|n| json!({
                    "level": if n.level == crate::finding::Level::Error { "fatal" } else { "warn" },
                    "value": n.message,
                }))
                .collect::<Vec<_>>(),
        },
    })
}

/// When the scan ended, for the report: `SOURCE_DATE_EPOCH` if set (reproducible builds'
/// convention), else now.
pub fn end_time() -> SystemTime {
    std::env::var(EPOCH_VAR)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or_else(SystemTime::now, |s| UNIX_EPOCH + Duration::from_secs(s))
}

pub fn write(
    report: &Report,
    pack: &Pack,
    kind: Kind,
    ctx: &Context<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report, pack, kind, ctx))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{ScanOptions, Scanner};
    use crate::source::walk::WalkOptions;

    /// A classic GitHub token of the real shape (fake: its checksum does not match), split so
    /// that this repository's own scan does not report it.
    const TOKEN: &str = concat!("ghp_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8");
    const WORKFLOW: &str = "on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n";

    fn scanner() -> &'static Scanner {
        static SCANNER: std::sync::OnceLock<Scanner> = std::sync::OnceLock::new();
        SCANNER.get_or_init(|| Scanner::new(Pack::builtin().expect("the built-in pack loads")))
    }

    fn report(files: &[(&str, &str)], show_secrets: bool) -> Report {
        let opts = ScanOptions {
            walk: WalkOptions::default(),
            max_file_size: 0,
            show_secrets,
            min_confidence: Confidence::Low,
        };
        let mut report = Report::default();
        for (path, text) in files {
            let (findings, notes) = scanner().scan_bytes(path, text.as_bytes(), &opts);
            report.findings.extend(findings);
            report.notifications.extend(notes);
        }
        report
    }

    fn doc(report: &Report, kind: Kind) -> Value {
        let ctx = Context {
            commit: Some("0123456789abcdef0123456789abcdef01234567".to_owned()),
            end: Some(UNIX_EPOCH + Duration::from_secs(1_800_000_000)),
            ..Context::default()
        };
        document(report, scanner().pack(), kind, &ctx)
    }

    fn env_file() -> String {
        format!("# deploy\nGITHUB_TOKEN={TOKEN}\n")
    }

    #[test]
    fn timestamps_are_utc_seconds() {
        let t = UNIX_EPOCH + Duration::from_secs(1_798_761_600 + 3 * 3600 + 4 * 60 + 5);
        assert_eq!(timestamp(t), "2027-01-01T03:04:05");
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00");
    }

    #[test]
    fn a_secret_finding_has_the_secret_detection_shape() {
        let r = report(&[("deploy/.env", &env_file())], false);
        let d = doc(&r, Kind::SecretDetection);
        assert_eq!(d["version"], SCHEMA_VERSION);
        let scan = &d["scan"];
        assert_eq!(scan["type"], "secret_detection");
        assert_eq!(scan["status"], "success");
        assert_eq!(scan["end_time"], "2027-01-15T08:00:00");
        for who in ["analyzer", "scanner"] {
            assert_eq!(scan[who]["id"], "nhilint");
            assert_eq!(scan[who]["vendor"]["name"], "nhilint");
            assert_eq!(scan[who]["version"], env!("CARGO_PKG_VERSION"));
        }
        let vulns = d["vulnerabilities"].as_array().expect("an array");
        assert_eq!(vulns.len(), 1, "{d:#}");
        let v = &vulns[0];
        let rule = scanner().pack().get(&r.findings[0].rule_id).expect("rule");
        assert_eq!(v["category"], "secret_detection");
        assert_eq!(v["name"], rule.name.as_str());
        assert_eq!(v["description"], rule.description.as_str());
        assert_eq!(v["solution"], rule.remediation.as_str());
        assert_eq!(v["message"], r.findings[0].message.as_str());
        assert_eq!(v["scanner"]["id"], "nhilint");
        assert_eq!(v["location"]["file"], "deploy/.env");
        assert_eq!(v["location"]["start_line"], 2);
        assert_eq!(v["location"]["end_line"], 2);
        assert_eq!(
            v["location"]["commit"]["sha"],
            "0123456789abcdef0123456789abcdef01234567"
        );
        let id = v["id"].as_str().expect("id");
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        let ids = v["identifiers"].as_array().expect("identifiers");
        assert_eq!(ids[0]["type"], "nhilint_rule_id");
        assert_eq!(ids[0]["value"], rule.id.as_str());
        assert!(
            ids.iter()
                .any(|i| i["type"] == "cwe" && i["value"] == "798"),
            "{ids:?}"
        );
        // The same input gives the same ids.
        assert_eq!(
            doc(
                &report(&[("deploy/.env", &env_file())], false),
                Kind::SecretDetection
            )["vulnerabilities"][0]["id"],
            v["id"]
        );
    }

    #[test]
    fn severities_map_to_gitlab_words() {
        let mut r = report(&[("a.env", &env_file())], false);
        for (ours, theirs) in [
            (Severity::Critical, "Critical"),
            (Severity::High, "High"),
            (Severity::Medium, "Medium"),
            (Severity::Low, "Low"),
        ] {
            r.findings[0].severity = ours;
            assert_eq!(
                doc(&r, Kind::SecretDetection)["vulnerabilities"][0]["severity"],
                theirs
            );
        }
        for (ours, theirs) in [
            (Confidence::High, "High"),
            (Confidence::Medium, "Medium"),
            (Confidence::Low, "Low"),
        ] {
            r.findings[0].confidence = ours;
            assert_eq!(
                doc(&r, Kind::SecretDetection)["vulnerabilities"][0]["confidence"],
                theirs
            );
        }
    }

    #[test]
    fn the_secret_is_redacted_even_when_findings_carry_it() {
        let r = report(&[("a.env", &env_file())], true);
        assert_eq!(
            r.findings[0]
                .secret
                .as_ref()
                .and_then(|s| s.value.as_deref()),
            Some(TOKEN),
            "--show-secrets puts the value in the finding"
        );
        let text = doc(&r, Kind::SecretDetection).to_string();
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains(&TOKEN[4..]), "{text}");
        let v = &doc(&r, Kind::SecretDetection)["vulnerabilities"][0];
        assert_eq!(
            v["raw_source_code_extract"],
            r.findings[0]
                .secret
                .as_ref()
                .map(|s| s.redacted.as_str())
                .unwrap_or_default()
        );
    }

    #[test]
    fn structural_findings_go_to_the_sast_report() {
        let r = report(
            &[
                ("a.env", &env_file()),
                (".github/workflows/ci.yml", WORKFLOW),
            ],
            false,
        );
        assert!(r.findings.iter().any(|f| f.category != Category::Secret));
        let secrets = doc(&r, Kind::SecretDetection);
        let sast = doc(&r, Kind::Sast);
        assert!(
            secrets["vulnerabilities"]
                .as_array()
                .expect("array")
                .iter()
                .all(|v| v["location"]["file"] == "a.env")
        );
        let structural = sast["vulnerabilities"].as_array().expect("array");
        assert!(!structural.is_empty());
        for v in structural {
            assert_eq!(v["category"], "sast");
            assert_eq!(v["location"]["file"], ".github/workflows/ci.yml");
            assert!(v["location"].get("commit").is_none());
        }
        assert_eq!(sast["scan"]["type"], "sast");
    }

    #[test]
    fn an_empty_report_is_a_successful_scan_without_vulnerabilities() {
        let d = doc(&Report::default(), Kind::SecretDetection);
        assert_eq!(d["vulnerabilities"], json!([]));
        assert_eq!(d["scan"]["status"], "success");
        assert_eq!(d["scan"]["start_time"], d["scan"]["end_time"]);
        let mut out = Vec::new();
        write(
            &Report::default(),
            scanner().pack(),
            Kind::Sast,
            &Context::default(),
            &mut out,
        )
        .expect("writes");
        let parsed: Value = serde_json::from_slice(&out).expect("JSON");
        assert_eq!(parsed["vulnerabilities"], json!([]));
    }

    #[test]
    fn suppressed_findings_are_left_out() {
        let mut r = report(&[("a.env", &env_file())], false);
        r.findings[0].suppressed = Some(crate::finding::Suppressed {
            kind: crate::finding::SuppressionKind::External,
            justification: "baseline".to_owned(),
        });
        assert_eq!(doc(&r, Kind::SecretDetection)["vulnerabilities"], json!([]));
    }
}
