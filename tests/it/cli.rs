//! The command line: exit codes, configuration, suppressions, rule commands, determinism.

use crate::support::*;

#[test]
fn exit_codes_follow_findings_and_fail_on_whatever_the_format() {
    let dir = tempdir();
    write(dir.path(), "clean.txt", "nothing to see\n");
    for format in ["human", "json", "sarif"] {
        let o = scan_demo(dir.path(), &["--format", format]);
        assert_eq!(code(&o), 0, "{format}: {}", stderr(&o));
    }
    write(dir.path(), "app/.env", format!("DEMO_TOKEN={DEMO_TOKEN}\n"));
    for format in ["human", "json", "sarif"] {
        let o = scan_demo(dir.path(), &["--format", format]);
        assert_eq!(code(&o), 1, "{format}: {}", stderr(&o));
    }
    assert_eq!(code(&scan_demo(dir.path(), &["--exit-zero"])), 0);
    assert_eq!(
        code(&scan_demo(dir.path(), &["--fail-on", "critical"])),
        0,
        "a high finding does not fail at critical"
    );
    assert_eq!(code(&scan_demo(dir.path(), &["--fail-on", "high"])), 1);
    let bad = scan_demo(dir.path(), &["--fail-on", "severe"]);
    assert_eq!(code(&bad), 2, "a usage error exits 2");
}

#[test]
fn json_report_has_location_rule_and_redacted_secret() {
    let dir = tempdir();
    write(
        dir.path(),
        "conf/app.yaml",
        format!("demo:\n  token: \"{DEMO_TOKEN}\"\n"),
    );
    let o = scan_demo(dir.path(), &["--format", "json"]);
    let v = json(&o);
    assert_eq!(v["schema_version"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["path"], "conf/app.yaml");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(11))
    );
    assert_eq!(f["rule_id"], "demo-api-token");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["secret"]["redacted"], "dmo_…");
    assert_eq!(f["secret"]["length"], 28);
    assert!(f["secret"].get("value").is_none());
    assert_eq!(
        f["owasp_nhi"],
        serde_json::json!(["NHI2:2025", "NHI7:2025"])
    );
    assert_eq!(f["fingerprint"].as_str().map(str::len), Some(32));
    assert!(
        f["remediation"]
            .as_str()
            .is_some_and(|r| r.contains("Revoke"))
    );
}

#[test]
fn min_confidence_defaults_to_medium() {
    let dir = tempdir();
    write(
        dir.path(),
        "settings.py",
        "demo_password = \"Tr0ub4dor&3x\"\n",
    );
    assert_eq!(
        found(&json(&scan_demo(dir.path(), &["-f", "json"]))).len(),
        0,
        "low confidence is hidden by default"
    );
    let all = found(&json(&scan_demo(
        dir.path(),
        &["-f", "json", "--min-confidence", "low"],
    )));
    assert_eq!(
        all,
        vec![("settings.py".to_owned(), 1, "demo-password".to_owned())]
    );
}

#[test]
fn inline_suppression_needs_a_rule_and_is_counted() {
    let dir = tempdir();
    write(
        dir.path(),
        "a.sh",
        format!(
            "# {IGNORE}[demo-api-token] rotated on 2026-01-02, kept as a doc sample\nexport T={DEMO_TOKEN}\nexport U={DEMO_TOKEN_2} # {IGNORE}[demo-api-token]\n# {IGNORE}[no-such-rule] typo\n"
        ),
    );
    let o = scan_demo(dir.path(), &["-f", "json"]);
    assert_eq!(code(&o), 0, "both findings are suppressed: {}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["summary"]["suppressed"], 2);
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["findings"][0]["suppressed"]["kind"], "inSource");
    assert_eq!(
        v["findings"][0]["suppressed"]["justification"],
        "rotated on 2026-01-02, kept as a doc sample"
    );
    let codes: Vec<&str> = v["notifications"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|n| n["code"].as_str())
        .collect();
    assert!(codes.contains(&"suppression-without-reason"), "{codes:?}");
    assert!(codes.contains(&"suppression-unknown-rule"), "{codes:?}");
    assert!(codes.contains(&"suppression-unused"), "{codes:?}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&scan_demo(dir.path(), &["-f", "sarif"]).stdout).expect("sarif");
    assert_eq!(
        sarif["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "inSource"
    );
}

#[test]
fn config_file_excludes_and_overrides_and_reports_errors_at_the_key() {
    let dir = tempdir();
    write(dir.path(), "vendor/lib.env", format!("T={DEMO_TOKEN}\n"));
    write(dir.path(), "src/app.env", format!("T={DEMO_TOKEN_2}\n"));
    write(
        dir.path(),
        ".nhilint.yaml",
        "exclude: [\"vendor/**\"]\nrules:\n  severity:\n    demo-api-token: low\nfail-on: medium\n",
    );
    let o = scan_demo(dir.path(), &["-f", "json"]);
    assert_eq!(
        found(&json(&o)),
        vec![("src/app.env".to_owned(), 1, "demo-api-token".to_owned())]
    );
    assert_eq!(json(&o)["findings"][0]["severity"], "low");
    assert_eq!(code(&o), 0, "low is below fail-on: medium");

    write(
        dir.path(),
        ".nhilint.yaml",
        "exclude: []\nrules:\n  disable: [demo-api-tokn]\n",
    );
    let o = scan_demo(dir.path(), &[]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("demo-api-tokn") && err.contains(".nhilint.yaml:3:13"),
        "{err}"
    );
}

#[test]
fn explicit_paths_are_scanned_even_when_ignored() {
    let dir = tempdir();
    write(dir.path(), ".gitignore", "secret.env\n");
    write(dir.path(), "secret.env", format!("T={DEMO_TOKEN}\n"));
    write(dir.path(), ".hidden/.env", format!("T={DEMO_TOKEN_2}\n"));
    let v = json(&scan_demo(dir.path(), &["-f", "json"]));
    assert_eq!(
        found(&v),
        vec![(".hidden/.env".to_owned(), 1, "demo-api-token".to_owned())],
        "gitignored skipped, hidden scanned"
    );
    let v = json(&scan_demo(dir.path(), &["-f", "json", "secret.env"]));
    assert_eq!(
        found(&v),
        vec![("secret.env".to_owned(), 1, "demo-api-token".to_owned())]
    );
    let v = json(&scan_demo(
        dir.path(),
        &["-f", "json", "--exclude", ".hidden"],
    ));
    assert!(found(&v).is_empty());
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let dir = tempdir();
    for i in 0..40 {
        write(
            dir.path(),
            &format!("d{}/f{i}.env", i % 7),
            format!("A={DEMO_TOKEN}\nB=x\nC={DEMO_TOKEN_2}\n"),
        );
    }
    for format in ["json", "sarif", "human"] {
        let one = scan_demo(dir.path(), &["-f", format, "-j", "1"]).stdout;
        let two = scan_demo(dir.path(), &["-f", format, "-j", "2"]).stdout;
        let again = scan_demo(dir.path(), &["-f", format, "-j", "2"]).stdout;
        assert_eq!(one, two, "{format}");
        assert_eq!(two, again, "{format}");
    }
}

#[test]
fn output_file_and_quiet_stderr_when_piped() {
    let dir = tempdir();
    write(dir.path(), "a.env", format!("T={DEMO_TOKEN}\n"));
    let o = scan_demo(dir.path(), &["-f", "sarif", "-o", "out.sarif"]);
    assert_eq!(code(&o), 1);
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).is_empty(),
        "no progress or summary when stderr is not a terminal: {}",
        stderr(&o)
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).expect("written"))
            .expect("json");
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn rules_commands() {
    let dir = tempdir();
    let o = nhilint(dir.path())
        .args(["rules", "list"])
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let count: usize = out
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("count line");
    assert!(count >= 60, "{count} rules");
    let list: serde_json::Value = serde_json::from_slice(
        &nhilint(dir.path())
            .args(["rules", "list", "--json"])
            .output()
            .expect("runs")
            .stdout,
    )
    .expect("json");
    let first = list[0]["id"].as_str().expect("an id").to_owned();
    let o = nhilint(dir.path())
        .args(["rules", "explain", &first])
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("Remediation:") && stdout(&o).contains("OWASP NHI:"));
    let o = nhilint(dir.path())
        .args(["rules", "explain", "no-such-rule"])
        .output()
        .expect("runs");
    assert_eq!(code(&o), 2);
    let o = nhilint(dir.path())
        .args(["rules", "check"])
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = nhilint(dir.path())
        .args(["rules", "check"])
        .arg(demo_pack())
        .output()
        .expect("runs");
    assert_eq!((code(&o), stdout(&o).trim()), (0, "2 rules checked: ok"));
    assert_eq!(
        code(&nhilint(dir.path()).arg("--version").output().expect("runs")),
        0
    );
    assert!(
        stdout(
            &nhilint(dir.path())
                .args(["scan", "--help"])
                .output()
                .expect("runs")
        )
        .contains("--show-secrets")
    );
}

#[test]
fn rules_check_reports_failing_examples_at_their_line() {
    let dir = tempdir();
    let pack = std::fs::read_to_string(demo_pack()).expect("demo").replace(
        "'DEMO_TOKEN=dmo_tooShort1'",
        "'DEMO_TOKEN=dmo_R3vX9kTz2LmR8wYp4NcB7sHq'",
    );
    let path = write(dir.path(), "pack.yaml", pack);
    let o = nhilint(dir.path())
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("negative example 1 yields a finding") && err.contains("pack.yaml:19:9"),
        "{err}"
    );
}

#[test]
fn jwt_lifetime_limit_comes_from_the_config() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    // Valid for 365 days: long-lived under the default 90-day limit, not under a 400-day one.
    let jwt = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64(r#"{"sub":"svc-deployer","iat":1735689600,"exp":1767225600}"#),
        b64("signature-bytes-for-the-test-only!")
    );
    let dir = tempdir();
    write(dir.path(), "deploy.env", format!("DEPLOY_JWT={jwt}\n"));
    let finding = |o: &std::process::Output| json(o)["findings"][0].clone();
    let o = nhilint(dir.path())
        .args(["scan", "-f", "json"])
        .output()
        .expect("runs");
    let f = finding(&o);
    assert_eq!(f["rule_id"], "jwt-token", "{}", stdout(&o));
    assert_eq!(f["long_lived"], true);
    assert_eq!(
        f["confidence"], "high",
        "a decodable JWT is high confidence"
    );
    assert_eq!(f["note"], "JWT valid for 365 days");
    write(dir.path(), ".nhilint.yaml", "jwt-max-lifetime-days: 400\n");
    let o = nhilint(dir.path())
        .args(["scan", "-f", "json"])
        .output()
        .expect("runs");
    assert_eq!(finding(&o)["long_lived"], false);
}

#[test]
fn piped_human_output_has_no_colour_codes() {
    let dir = tempdir();
    write(dir.path(), "a.env", format!("T={DEMO_TOKEN}\n"));
    let mut cmd = nhilint(dir.path());
    cmd.env_remove("NO_COLOR")
        .args(["scan", "--no-default-rules", "--rules"])
        .arg(demo_pack());
    let o = cmd.output().expect("runs");
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("demo-api-token"), "{}", stdout(&o));
    assert!(
        !o.stdout.contains(&0x1b),
        "escape codes in piped output: {:?}",
        stdout(&o)
    );
}

#[test]
fn findings_in_test_code_are_one_confidence_level_lower() {
    let dir = tempdir();
    write(dir.path(), "app/.env", format!("T={DEMO_TOKEN}\n"));
    write(
        dir.path(),
        "tests/fixtures/.env",
        format!("T={DEMO_TOKEN_2}\n"),
    );
    let v = json(&scan_demo(dir.path(), &["-f", "json"]));
    let by_path = |p: &str| {
        v["findings"]
            .as_array()
            .expect("array")
            .iter()
            .find(|f| f["path"] == p)
            .cloned()
            .expect(p)
    };
    assert_eq!(by_path("app/.env")["confidence"], "high");
    let test = by_path("tests/fixtures/.env");
    assert_eq!(
        test["confidence"], "medium",
        "still reported at the default threshold"
    );
    assert!(
        test["note"]
            .as_str()
            .is_some_and(|n| n.contains("test or example code"))
    );
}

#[test]
fn github_format_emits_workflow_command_annotations() {
    let dir = tempdir();
    write(
        dir.path(),
        "deploy/app,1.env",
        format!("\nT={DEMO_TOKEN}\n"),
    );
    write(dir.path(), "big.txt", "x".repeat(3000));
    let o = scan_demo(dir.path(), &["-f", "github", "--max-file-size", "1K"]);
    assert_eq!(code(&o), 1, "the format does not change the exit code");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "::error file=deploy/app%2C1.env,line=2,col=3,endLine=2,endColumn=31,title=Demo API token [demo-api-token]::\
         Demo API token `dmo_…` (28 characters) (severity high, confidence high); fix: nhilint rules explain demo-api-token"
    );
    assert!(
        lines[1]
            .starts_with("::warning file=big.txt,title=nhilint file-too-large::big.txt: skipped"),
        "{out}"
    );
    assert!(!out.contains(DEMO_TOKEN));
}
