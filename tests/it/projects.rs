//! Fixture projects (`testdata/projects/<name>/`): whole repositories whose identities, owners,
//! grants and workloads span files. Each holds `expected-findings.txt` (every finding, one
//! `rule-id path:line` a line, paths relative to the project) and `expected-inventory.json`
//! (`nhilint inventory --format json`). A missed or an unexpected finding fails, and so does any
//! difference in the inventory.
//!
//! After a deliberate change, `NHILINT_BLESS=1 cargo test --test it projects` rewrites the
//! expectations; review the diff before committing it.

use std::path::Path;

use crate::support::{code, json, nhilint, repo, stderr, stdout};

const FINDINGS: &str = "expected-findings.txt";
const INVENTORY: &str = "expected-inventory.json";

fn projects() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(repo().join("testdata/projects"))
        .expect("testdata/projects exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// `rule-id path:line` for every finding of a scan of `dir` (every confidence).
fn findings(dir: &Path) -> Vec<String> {
    let out = nhilint(dir)
        .args([
            "scan",
            ".",
            "--format",
            "json",
            "--exit-zero",
            "--min-confidence",
            "low",
        ])
        .output()
        .expect("runs nhilint");
    assert_eq!(code(&out), 0, "{}: {}", dir.display(), stderr(&out));
    let report = json(&out);
    let mut lines: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule_id"].as_str().unwrap_or_default(),
                f["path"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches("./"),
                f["line"]
            )
        })
        .collect();
    lines.sort();
    lines
}

fn read_expected(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with NHILINT_BLESS=1)", path.display()));
    let mut lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

#[test]
fn projects_match_their_expected_findings_and_inventory() {
    let bless = std::env::var_os("NHILINT_BLESS").is_some();
    let mut failures = Vec::new();
    let all = projects();
    assert!(all.len() >= 5, "fixture projects: {all:?}");
    for dir in all {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let got = findings(&dir);
        let expected_path = dir.join(FINDINGS);
        if bless {
            let mut text = String::from(
                "# Every finding of `nhilint scan . --min-confidence low` here: rule-id path:line.\n",
            );
            for l in &got {
                text.push_str(l);
                text.push('\n');
            }
            std::fs::write(&expected_path, text).expect("writes expectations");
        }
        let want = read_expected(&expected_path);
        for missed in want.iter().filter(|w| !got.contains(w)) {
            failures.push(format!("{name}: missed     {missed}"));
        }
        for extra in got.iter().filter(|g| !want.contains(g)) {
            failures.push(format!("{name}: unexpected {extra}"));
        }

        let out = nhilint(&dir)
            .args(["inventory", ".", "--format", "json"])
            .output()
            .expect("runs nhilint");
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        let inventory = json(&out);
        let inventory_path = dir.join(INVENTORY);
        if bless {
            std::fs::write(&inventory_path, stdout(&out)).expect("writes inventory");
        }
        let want: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&inventory_path)
                .unwrap_or_else(|e| panic!("{}: {e}", inventory_path.display())),
        )
        .expect("expected inventory is JSON");
        if inventory != want {
            failures.push(format!(
                "{name}: inventory differs from {INVENTORY}:\n{}",
                stdout(&out)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn inventory_formats_carry_the_same_identities() {
    let dir = repo().join("testdata/projects/kubernetes");
    let run = |format: &str| {
        let out = nhilint(&dir)
            .args(["inventory", ".", "--format", format])
            .output()
            .expect("runs nhilint");
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
    };
    let inventory: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    let identities = inventory["identities"].as_array().expect("identities");
    let csv = run("csv");
    let markdown = run("markdown");
    assert_eq!(csv.lines().count(), identities.len() + 1, "{csv}");
    assert!(
        csv.starts_with("platform,kind,name,namespace,file,line,"),
        "{csv}"
    );
    for identity in identities {
        let name = identity["name"].as_str().expect("name");
        assert!(csv.contains(name), "{name} missing from CSV");
        assert!(markdown.contains(name), "{name} missing from Markdown");
    }
    assert!(
        markdown.contains("| identity | kind | declared at |"),
        "{markdown}"
    );
}

/// A copy of the Kubernetes project in a temporary directory, to edit.
fn kubernetes_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from)
            .expect("read_dir")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                copy(&path, &to.join(entry.file_name()));
            } else {
                std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
            }
        }
    }
    let dir = crate::support::tempdir();
    copy(&repo().join("testdata/projects/kubernetes"), dir.path());
    dir
}

/// (rule, path:line) of the unsuppressed identity findings of `--only identity` at default
/// confidence.
fn identity_findings(dir: &Path) -> Vec<(String, String)> {
    identity_findings_at(dir, "medium")
}

#[test]
fn ownership_sources_and_keys_come_from_the_config() {
    let dir = kubernetes_copy();
    let has = |found: &[(String, String)], rule: &str, at: &str| {
        found.iter().any(|(r, p)| r == rule && p.ends_with(at))
    };
    let before = identity_findings(dir.path());
    assert!(
        !has(&before, "ownerless-identity", "apps/web/web.yaml:4"),
        "{before:?}"
    );
    assert!(
        !has(
            &before,
            "ownerless-identity",
            "apps/billing/exporter.yaml:4"
        ),
        "{before:?}"
    );

    // Without CODEOWNERS and the catalog, only labels count: `web` and `billing-exporter` lose
    // their owners.
    crate::support::write(
        dir.path(),
        ".nhilint.yaml",
        "ownership:\n  sources: [labels]\n",
    );
    let labels_only = identity_findings(dir.path());
    assert!(
        has(&labels_only, "ownerless-identity", "apps/web/web.yaml:4"),
        "{labels_only:?}"
    );
    assert!(
        has(
            &labels_only,
            "ownerless-identity",
            "apps/billing/exporter.yaml:4"
        ),
        "{labels_only:?}"
    );

    // Another owner key: `payments-api` is labelled `owner`, which no longer counts.
    crate::support::write(
        dir.path(),
        ".nhilint.yaml",
        "ownership:\n  keys: [a8r.io/owner]\n",
    );
    let other_key = identity_findings(dir.path());
    assert!(
        has(
            &other_key,
            "ownerless-identity",
            "apps/payments/serviceaccount.yaml:4"
        ),
        "{other_key:?}"
    );

    // A bad source is a config error at its line.
    crate::support::write(
        dir.path(),
        ".nhilint.yaml",
        "ownership:\n  sources: [labels, wiki]\n",
    );
    let out = nhilint(dir.path())
        .args(["scan", "."])
        .output()
        .expect("runs");
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("wiki"), "{}", stderr(&out));
}

#[test]
fn identity_findings_take_inline_suppressions() {
    let dir = kubernetes_copy();
    let file = dir.path().join("apps/search/search.yaml");
    let text = std::fs::read_to_string(&file).expect("read");
    let marker = crate::support::IGNORE;
    let text = text.replacen(
        "  name: search-indexer\n  namespace: search",
        &format!("  # {marker}[ownerless-identity] owned by the search guild, see ADR-12\n  name: search-indexer\n  namespace: search"),
        1,
    );
    std::fs::write(&file, text).expect("write");
    let out = nhilint(dir.path())
        .args([
            "scan",
            ".",
            "--only",
            "identity",
            "--format",
            "json",
            "--exit-zero",
        ])
        .output()
        .expect("runs nhilint");
    let report = json(&out);
    let suppressed: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "ownerless-identity" && f.get("suppressed").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1, "{report}");
    assert_eq!(suppressed[0]["path"], "apps/search/search.yaml");
    assert!(
        !stderr(&out).contains("suppression-unused")
            && !stdout(&out).contains("suppression-unused"),
        "a suppression of an identity rule is not judged before phase 2: {}",
        stderr(&out)
    );
}

#[test]
fn ownerless_identities_are_low_confidence_where_nothing_records_owners() {
    let dir = crate::support::tempdir();
    crate::support::write(
        dir.path(),
        "infra/main.tf",
        "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n}\n",
    );
    // Nothing in the tree names an owner: a note at default confidence, the finding at low.
    let out = nhilint(dir.path())
        .args(["scan", "."])
        .output()
        .expect("runs");
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("nothing in this tree records owners"),
        "{}",
        stdout(&out)
    );
    let low = identity_findings_at(dir.path(), "low");
    assert_eq!(
        low,
        vec![(
            "ownerless-identity".to_owned(),
            "infra/main.tf:1".to_owned()
        )]
    );

    // One owner tag elsewhere makes ownership a convention here: the same role is reported.
    crate::support::write(
        dir.path(),
        "infra/other.tf",
        "resource \"aws_iam_role\" \"o\" {\n  name = \"o\"\n  tags = { owner = \"team-a\" }\n}\n",
    );
    assert_eq!(
        identity_findings_at(dir.path(), "medium"),
        vec![(
            "ownerless-identity".to_owned(),
            "infra/main.tf:1".to_owned()
        )]
    );
}

fn identity_findings_at(dir: &Path, confidence: &str) -> Vec<(String, String)> {
    let out = nhilint(dir)
        .args([
            "scan",
            ".",
            "--only",
            "identity",
            "--format",
            "json",
            "--exit-zero",
            "--min-confidence",
            confidence,
        ])
        .output()
        .expect("runs nhilint");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    crate::support::found(&json(&out))
        .into_iter()
        .map(|(path, line, rule)| (rule, format!("{path}:{line}")))
        .collect()
}
