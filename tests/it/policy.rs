//! The policy engine end to end: structural findings next to secret findings, their positions,
//! suppressions in YAML comments, parse errors, `--only`, and the CI pack on a workflow.

use crate::support::*;

fn demo_policy() -> std::path::PathBuf {
    repo().join("testdata/rules/demo-policy.yaml")
}

/// `nhilint scan` with the demo secret pack and the demo policy pack.
fn scan_policy(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    nhilint(dir)
        .arg("scan")
        .arg("--no-default-rules")
        .arg("--rules")
        .arg(demo_pack())
        .arg("--rules")
        .arg(demo_policy())
        .args(args)
        .output()
        .expect("runs nhilint")
}

fn positions(v: &serde_json::Value) -> Vec<(String, u64, u64, String)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
                f["rule_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn structural_findings_point_at_the_value_with_node_paths() {
    let dir = tempdir();
    write(
        dir.path(),
        "conf/iam.yaml",
        "# roles\r\nidentities:\r\n  ci-bot: {owner: \"équipe\", role: admin}\r\n  web:\r\n    role: admin\r\n",
    );
    let o = scan_policy(dir.path(), &["--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        positions(&v),
        vec![
            ("conf/iam.yaml".into(), 3, 35, "demo-admin-role".into()),
            ("conf/iam.yaml".into(), 5, 11, "demo-admin-role".into()),
        ],
        "flow and block YAML, CRLF and multi-byte text before the value"
    );
    let f = &v["findings"][0];
    assert_eq!(f["message"], "`ci-bot` is granted `admin`");
    assert_eq!(f["node_path"], "identities.ci-bot.role");
    assert_eq!(f["category"], "privilege");
    assert!(f.get("secret").is_none());
}

#[test]
fn a_literal_secret_in_a_document_is_reported_once_at_the_value() {
    let dir = tempdir();
    write(
        dir.path(),
        "conf/app.yaml",
        format!("api:\n  token: {DEMO_TOKEN}\nother:\n  token: plain-literal\n"),
    );
    let o = scan_policy(dir.path(), &["--format", "json"]);
    let v = json(&o);
    assert_eq!(
        positions(&v),
        vec![
            ("conf/app.yaml".into(), 2, 10, "demo-api-token".into()),
            (
                "conf/app.yaml".into(),
                4,
                10,
                "demo-literal-token-field".into()
            ),
        ],
        "the secret rule's finding wins over the structural one at the same value"
    );
    assert!(!stdout(&o).contains(DEMO_TOKEN), "never the whole secret");
}

#[test]
fn yaml_comments_suppress_structural_findings_on_the_line_or_above() {
    let dir = tempdir();
    write(
        dir.path(),
        "conf/iam.yaml",
        format!(
            "identities:\n  a:\n    role: admin # {IGNORE}[demo-admin-role] break-glass account\n  b:\n    # {IGNORE}[demo-admin-role] audited yearly\n    role: admin\n  c:\n    role: admin\n"
        ),
    );
    let o = scan_policy(dir.path(), &["--format", "json"]);
    let v = json(&o);
    let live: Vec<u64> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .map(|f| f["line"].as_u64().unwrap_or_default())
        .collect();
    assert_eq!(live, vec![8]);
    let suppressed = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.get("suppressed").is_some())
        .count();
    assert_eq!(suppressed, 2);
    assert!(!stderr(&o).contains("suppression-unused"), "{}", stderr(&o));
}

#[test]
fn a_document_that_does_not_parse_is_an_error_but_secrets_are_still_found() {
    let dir = tempdir();
    write(
        dir.path(),
        "conf/app.yaml",
        format!("api:\n  token: {DEMO_TOKEN}\n  list: [1, 2\nnext: x\n"),
    );
    let o = scan_policy(dir.path(), &["--format", "json"]);
    assert_eq!(code(&o), 2, "a parse error exits 2: {}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        positions(&v),
        vec![("conf/app.yaml".into(), 2, 10, "demo-api-token".into())]
    );
    let err = stderr(&o);
    assert!(err.contains("conf/app.yaml:"), "{err}");
    assert!(err.contains("cannot parse"), "{err}");
}

#[test]
fn a_yaml_bomb_is_refused_with_a_notification() {
    use std::fmt::Write as _;
    let dir = tempdir();
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        let _ = writeln!(
            text,
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]"
        );
    }
    write(dir.path(), "conf/bomb.yaml", text);
    let o = scan_policy(dir.path(), &["--format", "json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("YAML bomb"), "{}", stderr(&o));
}

#[test]
fn only_narrows_the_rules_by_pack_category_tag_or_id() {
    let dir = tempdir();
    write(
        dir.path(),
        "conf/app.yaml",
        format!("api:\n  token: {DEMO_TOKEN}\nidentities:\n  x: {{role: admin}}\n"),
    );
    let rules = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["--format", "json"];
        a.extend_from_slice(args);
        positions(&json(&scan_policy(dir.path(), &a)))
            .into_iter()
            .map(|(_, _, _, r)| r)
            .collect()
    };
    assert_eq!(rules(&[]), vec!["demo-api-token", "demo-admin-role"]);
    assert_eq!(rules(&["--only", "privilege"]), vec!["demo-admin-role"]);
    assert_eq!(rules(&["--only", "secret"]), vec!["demo-api-token"]);
    assert_eq!(
        rules(&["--only", "demo-api-token,demo-admin-role"]).len(),
        2
    );
    let bad = scan_policy(dir.path(), &["--only", "nothing-like-this"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("--only nothing-like-this"));
}

#[test]
fn the_ci_pack_reports_a_workflow_in_every_format() {
    let dir = tempdir();
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: write-all\n    steps:\n      - uses: actions/checkout@v4\n",
    );
    let o = nhilint(dir.path())
        .args(["scan", "--only", "ci", "--format", "json"])
        .output()
        .expect("runs");
    let v = json(&o);
    let found = positions(&v);
    assert!(
        found.contains(&(
            ".github/workflows/ci.yml".into(),
            5,
            18,
            "gha-permissions-write-all".into()
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            ".github/workflows/ci.yml".into(),
            7,
            9,
            "gha-checkout-persisted-credentials".into()
        )),
        "{found:?}"
    );
    let sarif = nhilint(dir.path())
        .args(["scan", "--only", "ci", "--format", "sarif"])
        .output()
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    validate_sarif(&doc);
    let human = nhilint(dir.path())
        .args(["scan", "--only", "ci"])
        .output()
        .expect("runs");
    assert!(
        stdout(&human).contains("gha-permissions-write-all"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn a_condition_that_fails_to_evaluate_warns_once_per_rule_and_file() {
    let dir = tempdir();
    write(
        dir.path(),
        "conf/iam.yaml",
        "identities:\n  ci-bot:\n    owner: jane@example.com\n  web:\n    role: admin\n  cron: {role: reader}\n  db:\n    owner: team-data\n",
    );
    write(dir.path(), "conf/old.yaml", "identities:\n  legacy: {}\n");
    write(
        dir.path(),
        "conf/new.yaml",
        "identities:\n  api: {owner: team-api}\n",
    );
    let o = nhilint(dir.path())
        .args(["scan", "--no-default-rules", "--min-confidence", "low"])
        .arg("--rules")
        .arg(repo().join("testdata/rules/failing-condition.yaml"))
        .args(["--format", "json"])
        .output()
        .expect("runs nhilint");
    assert_eq!(
        code(&o),
        1,
        "the finding decides the exit code, not the rule's failures: {}",
        stderr(&o)
    );
    let v = json(&o);
    assert_eq!(
        positions(&v),
        vec![(
            "conf/iam.yaml".into(),
            2,
            3,
            "demo-owner-is-a-person".into()
        )],
        "the nodes it can judge are still judged"
    );
    let warnings: Vec<(String, u64, u64, String)> = v["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter(|n| n["code"] == "rule-condition-failed")
        .map(|n| {
            assert_eq!(n["level"], "warning", "{n}");
            (
                n["path"].as_str().unwrap_or_default().to_owned(),
                n["line"].as_u64().unwrap_or_default(),
                n["column"].as_u64().unwrap_or_default(),
                n["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        warnings.len(),
        2,
        "one per file with failures: {warnings:?}"
    );
    let (path, line, column, message) = &warnings[0];
    assert_eq!((path.as_str(), *line, *column), ("conf/iam.yaml", 4, 3));
    assert!(message.contains("`demo-owner-is-a-person`"), "{message}");
    assert!(message.contains("No such key: owner"), "{message}");
    assert!(message.contains("on this node and 1 more"), "{message}");
    let (path, line, column, message) = &warnings[1];
    assert_eq!((path.as_str(), *line, *column), ("conf/old.yaml", 2, 3));
    assert!(message.contains("on this node; it counts"), "{message}");
    assert!(
        stderr(&o).contains("conf/iam.yaml:4:3: rule `demo-owner-is-a-person`"),
        "{}",
        stderr(&o)
    );
}
