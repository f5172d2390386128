//! Reports: no full secret in any format unless asked, and SARIF that validates against the
//! SARIF 2.1.0 schema shipped in `../shared/schemas`.

use std::collections::BTreeSet;

use crate::support::*;

/// Every secret of the fixture corpus, in full, as `--show-secrets` reports them.
fn corpus_secrets() -> BTreeSet<String> {
    let o = nhilint(&repo())
        .args([
            "scan",
            "testdata/cases",
            "-f",
            "json",
            "--min-confidence",
            "low",
            "--show-secrets",
        ])
        .output()
        .expect("runs");
    let v = json(&o);
    let secrets: BTreeSet<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "secret" && f.get("node_path").is_none())
        .map(|f| {
            f["secret"]["value"]
                .as_str()
                .expect("--show-secrets includes the value")
                .to_owned()
        })
        .collect();
    assert!(
        secrets.len() >= 60,
        "only {} secrets in the corpus",
        secrets.len()
    );
    secrets
}

#[test]
fn no_format_prints_a_full_secret_unless_asked() {
    let secrets = corpus_secrets();
    for format in ["human", "json", "sarif"] {
        let o = nhilint(&repo())
            .args([
                "scan",
                "testdata/cases",
                "--min-confidence",
                "low",
                "-f",
                format,
            ])
            .output()
            .expect("runs");
        assert_eq!(code(&o), 1, "{format}");
        let all = format!("{}{}", stdout(&o), stderr(&o));
        // JSON escapes some characters; compare against the escaped form too.
        let leaked: Vec<&String> = secrets
            .iter()
            .filter(|s| s.chars().count() >= 6)
            .filter(|s| {
                all.contains(s.as_str())
                    || all.contains(serde_json::to_string(s).expect("json").trim_matches('"'))
            })
            .collect();
        assert!(
            leaked.is_empty(),
            "{format} prints {} full secrets, e.g. {:?}",
            leaked.len(),
            leaked.first().map(|s| &s[..4.min(s.len())])
        );
    }
    let shown = nhilint(&repo())
        .args([
            "scan",
            "testdata/cases",
            "--min-confidence",
            "low",
            "-f",
            "sarif",
            "--show-secrets",
        ])
        .output()
        .expect("runs");
    let first = secrets
        .iter()
        .find(|s| {
            s.len() > 20
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        .expect("a long secret");
    assert!(
        stdout(&shown).contains(first.as_str()),
        "--show-secrets prints secrets"
    );
}

#[test]
fn sarif_for_the_fixture_tree_validates_against_the_schema() {
    let o = nhilint(&repo())
        .args([
            "scan",
            "testdata/cases",
            "-f",
            "sarif",
            "--min-confidence",
            "low",
        ])
        .output()
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif is JSON");
    validate_sarif(&doc);
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(results.len() >= 60);
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("testdata/cases/"))
        );
        assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
        assert!(
            r["partialFingerprints"]["nhilint/v1"]
                .as_str()
                .is_some_and(|f| f.len() == 32)
        );
    }
    for rule in rules {
        for key in ["shortDescription", "fullDescription", "help", "helpUri"] {
            assert!(!rule[key].is_null(), "{} lacks {key}", rule["id"]);
        }
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .is_some_and(|m| m.contains("Remediation"))
        );
        assert!(
            rule["properties"]["security-severity"]
                .as_str()
                .is_some_and(|s| s.parse::<f64>().is_ok())
        );
        assert!(rule["properties"]["tags"].as_array().is_some_and(|t| {
            t.iter()
                .any(|t| t.as_str().is_some_and(|t| t.starts_with("NHI")))
        }));
    }
}

#[test]
fn sarif_with_notifications_and_suppressions_validates() {
    let dir = tempdir();
    write(
        dir.path(),
        "a.env",
        format!("# {IGNORE}[demo-api-token] test double\nT={DEMO_TOKEN}\nU={DEMO_TOKEN_2}\n"),
    );
    write(dir.path(), "big.txt", "x".repeat(3000));
    std::os::unix::fs::symlink("nowhere", dir.path().join("link")).expect("symlink");
    let o = scan_demo(dir.path(), &["-f", "sarif", "--max-file-size", "1K"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    validate_sarif(&doc);
    let inv = &doc["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    assert_eq!(
        inv["toolExecutionNotifications"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(2));
}

/// Microsoft's SARIF validator, installed from npm on first use into cargo's test scratch
/// directory (`NHILINT_SARIF_MULTITOOL` points at an existing binary instead).
fn sarif_multitool() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("NHILINT_SARIF_MULTITOOL") {
        return p.into();
    }
    let prefix = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif-multitool");
    // The npm wrapper re-joins its arguments through a shell, which splits `Sarif;Gh`: call the
    // platform binary directly.
    let bin = prefix.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if !bin.exists() {
        let o = std::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&prefix)
            .arg("@microsoft/sarif-multitool@5.7.0")
            .output()
            .expect("npm is needed to install Microsoft's SARIF validator");
        assert!(
            o.status.success() && bin.exists(),
            "npm install @microsoft/sarif-multitool failed: {}",
            stderr(&o)
        );
    }
    bin
}

#[test]
fn microsoft_sarif_validator_reports_no_errors_or_warnings() {
    let dir = tempdir();
    let sarif = dir.path().join("fixtures.sarif");
    let o = nhilint(&repo())
        .args([
            "scan",
            "testdata/cases",
            "-f",
            "sarif",
            "--min-confidence",
            "low",
            "-o",
        ])
        .arg(&sarif)
        .output()
        .expect("runs");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_sarif_multitool_accepts(&sarif);
}

/// Runs Microsoft's SARIF validator with GitHub's rules on `sarif`: no errors, no warnings.
pub(crate) fn assert_sarif_multitool_accepts(sarif: &std::path::Path) {
    let verdict = sarif.with_extension("validation.sarif");
    let o = std::process::Command::new(sarif_multitool())
        .args(["validate", "--rule-kind", "Sarif;Gh", "--output"])
        .arg(&verdict)
        .arg(sarif)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .expect("runs the validator");
    assert!(
        o.status.success(),
        "validator failed: {}{}",
        stdout(&o),
        stderr(&o)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&verdict).expect("validator output")).expect("json");
    let problems: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| matches!(r["level"].as_str(), Some("error" | "warning") | None))
        .map(|r| format!("{} {}: {}", r["level"], r["ruleId"], r["message"]))
        .collect();
    assert!(
        problems.is_empty(),
        "{} validator problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
