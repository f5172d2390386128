//! Adoption in an existing repository: content baselines, expiring exceptions, suppressed findings
//! in every format, and `nhilint init`.

use std::path::Path;
use std::process::Output;

use crate::support::*;

const BASELINE: &str = ".nhilint-baseline.json";

/// `nhilint <command...>` with only the demo pack, and `NHILINT_TODAY` when given.
fn demo(dir: &Path, command: &[&str], args: &[&str], today: Option<&str>) -> Output {
    let mut cmd = nhilint(dir);
    cmd.args(command)
        .arg("--no-default-rules")
        .arg("--rules")
        .arg(demo_pack())
        .args(args);
    if let Some(t) = today {
        cmd.env("NHILINT_TODAY", t);
    }
    cmd.output().expect("runs nhilint")
}

fn write_baseline(dir: &Path) -> Output {
    let o = demo(dir, &["baseline", "write"], &[], None);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    o
}

fn scan_with_baseline(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--baseline", BASELINE];
    all.extend_from_slice(args);
    demo(dir, &["scan"], &all, None)
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// The `suppressed` objects of a JSON report's findings, as (path, kind, justification).
fn suppressions(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| {
            let s = f.get("suppressed")?;
            Some((
                f["path"].as_str()?.to_owned(),
                s["kind"].as_str()?.to_owned(),
                s["justification"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

fn notification_codes(v: &serde_json::Value) -> Vec<String> {
    v["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["code"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn baseline_survives_lines_inserted_above_and_a_rename() {
    let dir = tempdir();
    write(dir.path(), "deploy/app.env", format!("T={DEMO_TOKEN}\n"));
    let o = write_baseline(dir.path());
    assert!(
        stdout(&o).contains("wrote 1 baseline entry"),
        "{}",
        stdout(&o)
    );
    let text = read(dir.path(), BASELINE);
    assert!(
        !text.contains(DEMO_TOKEN) && !text.contains("dmo_"),
        "{text}"
    );
    assert!(!text.contains("line"), "no line numbers: {text}");

    write(
        dir.path(),
        "deploy/app.env",
        format!("# settings\nNAME=app\n\nT={DEMO_TOKEN}\n"),
    );
    std::fs::create_dir_all(dir.path().join("config")).expect("mkdir");
    std::fs::rename(
        dir.path().join("deploy/app.env"),
        dir.path().join("config/prod.env"),
    )
    .expect("rename");
    let o = scan_with_baseline(dir.path(), &["-f", "json"]);
    assert_eq!(
        code(&o),
        0,
        "the baselined secret does not fail: {}",
        stderr(&o)
    );
    let v = json(&o);
    assert_eq!(found(&v), []);
    assert_eq!(
        suppressions(&v),
        [(
            "config/prod.env".to_owned(),
            "external".to_owned(),
            format!("in baseline {BASELINE}")
        )]
    );
    assert_eq!(v["findings"][0]["line"], 4);
    assert_eq!(v["summary"]["suppressed_external"], 1);
    assert_eq!(v["summary"]["stale_baseline_entries"], 0);
    assert_eq!(v["stale_baseline_entries"], serde_json::json!([]));
    assert!(!stderr(&o).contains("stale"), "{}", stderr(&o));
}

#[test]
fn a_new_secret_on_a_baselined_line_is_reported() {
    let dir = tempdir();
    write(dir.path(), "app.env", format!("T={DEMO_TOKEN}\n"));
    write_baseline(dir.path());
    write(
        dir.path(),
        "app.env",
        format!("T={DEMO_TOKEN} U={DEMO_TOKEN_2}\n"),
    );
    let o = scan_with_baseline(dir.path(), &["-f", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        found(&v),
        [("app.env".to_owned(), 1, "demo-api-token".to_owned())]
    );
    let open: Vec<u64> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .filter_map(|f| f["column"].as_u64())
        .collect();
    assert_eq!(open, [U_COLUMN], "the new secret is the open one");
    assert_eq!(v["summary"]["suppressed"], 1);
}

/// Column of `U=`'s value in `T=<token> U=<token>`.
const U_COLUMN: u64 = 2 + 28 + 3 + 1;

#[test]
fn stale_baseline_entries_are_listed_and_do_not_fail() {
    let dir = tempdir();
    write(dir.path(), "a.env", format!("T={DEMO_TOKEN}\n"));
    write(dir.path(), "b.env", format!("T={DEMO_TOKEN_2}\n"));
    write_baseline(dir.path());
    write(dir.path(), "a.env", "T=from-the-vault\n");
    let o = scan_with_baseline(dir.path(), &["-f", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["summary"]["stale_baseline_entries"], 1);
    let stale = v["stale_baseline_entries"].as_array().expect("stale list");
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["rule"], "demo-api-token");
    assert_eq!(stale[0]["path"], "a.env");
    let err = stderr(&o);
    assert!(
        err.lines().any(|l| l.starts_with("warning:")
            && l.contains("stale")
            && l.contains("demo-api-token at a.env")),
        "{err}"
    );
    // Human output warns on stderr too, and SARIF carries the list.
    let o = scan_with_baseline(dir.path(), &[]);
    assert!(stderr(&o).contains("stale"), "{}", stderr(&o));
    let o = scan_with_baseline(dir.path(), &["-f", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif");
    validate_sarif(&sarif);
    assert_eq!(
        sarif["runs"][0]["properties"]["staleBaselineEntries"][0]["path"],
        "a.env"
    );
}

#[test]
fn baseline_is_byte_identical_after_unrelated_edits() {
    let dir = tempdir();
    write(
        dir.path(),
        "svc/settings.env",
        format!("A=1\nT={DEMO_TOKEN}\nB=2\n"),
    );
    write(dir.path(), "other.env", format!("X={DEMO_TOKEN_2}\n"));
    write_baseline(dir.path());
    let before = read(dir.path(), BASELINE);
    write(
        dir.path(),
        "svc/settings.env",
        format!("# new comment\nA=10\n\n\nT={DEMO_TOKEN}\nB=2\nC=3\n"),
    );
    write(dir.path(), "README.md", "unrelated\n");
    write_baseline(dir.path());
    assert_eq!(read(dir.path(), BASELINE), before);
    // Sorted, versioned, one entry per line.
    let lines: Vec<&str> = before.lines().collect();
    assert_eq!(lines[1], "  \"version\": 1,");
    assert!(lines[3].contains("\"path\":\"other.env\""), "{before}");
    assert!(
        lines[4].contains("\"path\":\"svc/settings.env\""),
        "{before}"
    );
}

#[test]
fn baseline_of_a_subdirectory_matches_from_the_repository_root() {
    let dir = tempdir();
    write(dir.path(), "svc/a.env", format!("T={DEMO_TOKEN}\n"));
    let o = demo(dir.path(), &["baseline", "write", "svc"], &[], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(dir.path().join("svc").join(BASELINE).is_file());
    assert!(read(dir.path(), &format!("svc/{BASELINE}")).contains("\"path\":\"a.env\""));
    let o = demo(
        dir.path(),
        &["scan", "svc"],
        &["--baseline", &format!("svc/{BASELINE}")],
        None,
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let o = demo(
        &dir.path().join("svc"),
        &["scan"],
        &["--baseline", BASELINE],
        None,
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn baseline_named_in_the_config_applies_and_a_bad_one_is_an_error() {
    let dir = tempdir();
    write(dir.path(), "a.env", format!("T={DEMO_TOKEN}\n"));
    write(dir.path(), ".nhilint.yaml", "baseline: accepted.json\n");
    let o = demo(dir.path(), &["baseline", "write"], &[], None);
    assert!(stdout(&o).contains("accepted.json"), "{}", stdout(&o));
    assert_eq!(code(&demo(dir.path(), &["scan"], &[], None)), 0);
    write(
        dir.path(),
        "accepted.json",
        "{\"version\": 9, \"entries\": []}\n",
    );
    let o = demo(dir.path(), &["scan"], &[], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("version 9"), "{}", stderr(&o));
    let o = scan_with_baseline(dir.path(), &[]);
    assert_eq!(code(&o), 2, "a missing baseline file is an error");
    assert!(stderr(&o).contains("baseline write"), "{}", stderr(&o));
}

const EXCEPTION: &str = "exceptions:
  - rule: demo-api-token
    path: \"legacy/**\"
    reason: rotated, kept for the migration tests
    owner: platform-team
    expires: 2026-06-30
";

#[test]
fn an_exception_suppresses_until_it_expires() {
    let dir = tempdir();
    write(dir.path(), "legacy/old.env", format!("T={DEMO_TOKEN}\n"));
    write(dir.path(), "src/new.env", format!("T={DEMO_TOKEN_2}\n"));
    write(dir.path(), ".nhilint.yaml", EXCEPTION);
    for today in ["2026-01-01", "2026-06-30"] {
        let o = demo(dir.path(), &["scan"], &["-f", "json"], Some(today));
        let v = json(&o);
        assert_eq!(
            found(&v),
            [("src/new.env".to_owned(), 1, "demo-api-token".to_owned())],
            "{today}: only the path outside the exception is open"
        );
        assert_eq!(
            suppressions(&v),
            [(
                "legacy/old.env".to_owned(),
                "external".to_owned(),
                "rotated, kept for the migration tests (exception owned by platform-team, expires 2026-06-30)".to_owned()
            )]
        );
        assert!(notification_codes(&v).is_empty(), "{v}");
    }
    std::fs::remove_file(dir.path().join("src/new.env")).expect("rm");
    let o = demo(dir.path(), &["scan"], &[], Some("2026-06-01"));
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("1 finding suppressed (0 inline, 1 baseline/exception)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_expired_exception_returns_the_finding_with_a_note() {
    let dir = tempdir();
    write(dir.path(), "legacy/old.env", format!("T={DEMO_TOKEN}\n"));
    write(dir.path(), ".nhilint.yaml", EXCEPTION);
    let o = demo(dir.path(), &["scan"], &["-f", "json"], Some("2026-07-01"));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        found(&v),
        [("legacy/old.env".to_owned(), 1, "demo-api-token".to_owned())]
    );
    let message = v["findings"][0]["message"].as_str().expect("message");
    assert!(
        message.contains("the exception for it expired on 2026-06-30")
            && message.contains("platform-team"),
        "{message}"
    );
    assert_eq!(notification_codes(&v), ["exception-expired"]);
    assert!(
        stderr(&o).contains(".nhilint.yaml:2:5: exception (rule demo-api-token, path legacy/**) expired on 2026-06-30"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_exception_without_reason_owner_or_expiry_is_a_config_error_at_the_key() {
    let dir = tempdir();
    write(dir.path(), "a.env", format!("T={DEMO_TOKEN}\n"));
    write(
        dir.path(),
        ".nhilint.yaml",
        "fail-on: low\nexceptions:\n  - rule: demo-api-token\n    owner: platform-team\n  - fingerprint: abc\n    reason: ok\n    owner: \"\"\n    expires: 2026-02-30\n",
    );
    let o = demo(dir.path(), &["scan"], &[], Some("2026-01-01"));
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    for (at, what) in [
        (".nhilint.yaml:3:5", "no `reason`"),
        (".nhilint.yaml:3:5", "no `expires`"),
        (".nhilint.yaml:7:12", "`owner` is empty"),
        (".nhilint.yaml:8:14", "2026-02-30"),
    ] {
        assert!(
            err.split("Error:")
                .any(|e| e.contains(at) && e.contains(what)),
            "{what} at {at}:\n{err}"
        );
    }
    // Permanent exceptions are allowed on request; reason and owner are still required.
    write(
        dir.path(),
        ".nhilint.yaml",
        "exceptions:\n  - rule: demo-api-token\n    owner: platform-team\n    reason: accepted risk\n",
    );
    assert_eq!(code(&demo(dir.path(), &["scan"], &[], None)), 2);
    let o = demo(
        dir.path(),
        &["scan"],
        &["--allow-permanent-exceptions", "-f", "json"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(suppressions(&json(&o))[0].2.contains("permanent"));
    write(
        dir.path(),
        ".nhilint.yaml",
        "exceptions:\n  - rule: demo-api-token\n    reason: accepted risk\n",
    );
    let o = demo(
        dir.path(),
        &["scan"],
        &["--allow-permanent-exceptions"],
        None,
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no `owner`"), "{}", stderr(&o));
}

#[test]
fn unused_exceptions_are_reported_as_warnings() {
    let dir = tempdir();
    write(dir.path(), "a.env", "nothing here\n");
    write(dir.path(), ".nhilint.yaml", EXCEPTION);
    let o = demo(dir.path(), &["scan"], &["-f", "json"], Some("2026-01-01"));
    assert_eq!(code(&o), 0, "a warning does not fail the scan");
    let v = json(&o);
    assert_eq!(notification_codes(&v), ["exception-unused"]);
    assert_eq!(v["notifications"][0]["level"], "warning");
    assert_eq!(v["notifications"][0]["path"], ".nhilint.yaml");
    assert_eq!(v["notifications"][0]["line"], 2);
    let o = demo(dir.path(), &["scan"], &[], Some("2026-01-01"));
    assert!(
        stdout(&o).contains("warning: .nhilint.yaml:2:5: exception (rule demo-api-token, path legacy/**) matches no finding"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn exceptions_command_lists_days_left_and_findings_suppressed() {
    let dir = tempdir();
    write(dir.path(), "legacy/a.env", format!("T={DEMO_TOKEN}\n"));
    write(dir.path(), "legacy/b.env", format!("T={DEMO_TOKEN_2}\n"));
    write(
        dir.path(),
        ".nhilint.yaml",
        format!(
            "{EXCEPTION}  - rule: demo-password\n    reason: docs\n    owner: docs-team\n    expires: 2025-12-25\n"
        ),
    );
    let o = demo(dir.path(), &["exceptions"], &[], Some("2026-06-20"));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[0].starts_with("EXCEPTION"), "{out}");
    assert!(
        rows[1].starts_with(".nhilint.yaml:2:5")
            && rows[1].contains("platform-team")
            && rows[1].contains("2026-06-30")
            && rows[1].contains("10 days left")
            && rows[1].contains("  2  "),
        "{out}"
    );
    assert!(
        rows[2].contains("expired 177 days ago") && rows[2].contains("docs-team"),
        "{out}"
    );
    let o = nhilint(dir.path())
        .args(["exceptions", "--help"])
        .output()
        .expect("runs");
    assert!(stdout(&o).contains("NHILINT_TODAY"), "{}", stdout(&o));
}

#[test]
fn exceptions_match_by_fingerprint_and_inline_suppressions_are_counted_apart() {
    let dir = tempdir();
    write(
        dir.path(),
        "a.env",
        format!("U={DEMO_TOKEN_2}\nT={DEMO_TOKEN} # {IGNORE}[demo-api-token] test double\n"),
    );
    let v = json(&demo(dir.path(), &["scan"], &["-f", "json"], None));
    assert!(v["findings"][0].get("suppressed").is_none());
    let fingerprint = v["findings"][0]["fingerprint"]
        .as_str()
        .expect("fp")
        .to_owned();
    write(
        dir.path(),
        ".nhilint.yaml",
        format!(
            "exceptions:\n  - fingerprint: {fingerprint}\n    reason: sample\n    owner: me\n    expires: 2030-01-01\n"
        ),
    );
    let o = demo(dir.path(), &["scan"], &["-f", "json"], Some("2026-01-01"));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["summary"]["suppressed_in_source"], 1);
    assert_eq!(v["summary"]["suppressed_external"], 1);
    let o = demo(dir.path(), &["scan"], &[], Some("2026-01-01"));
    assert!(
        stdout(&o).contains("2 findings suppressed (1 inline, 1 baseline/exception)"),
        "{}",
        stdout(&o)
    );
}

/// A tree with an inline suppression, an exception and a baseline entry, as SARIF.
fn sarif_with_every_suppression(dir: &Path) -> serde_json::Value {
    write(
        dir,
        "a.env",
        format!("# {IGNORE}[demo-api-token] test double\nT={DEMO_TOKEN}\n"),
    );
    write(dir, "legacy/b.env", format!("T={DEMO_TOKEN_2}\n"));
    write(dir, "c.env", "demo_password = \"Tr0ub4dor&3x\"\n");
    write_baseline_low(dir);
    write(dir, ".nhilint.yaml", EXCEPTION);
    let o = demo(
        dir,
        &["scan"],
        &[
            "-f",
            "sarif",
            "--baseline",
            BASELINE,
            "--min-confidence",
            "low",
        ],
        Some("2026-01-01"),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("sarif")
}

fn write_baseline_low(dir: &Path) {
    let o = demo(
        dir,
        &["baseline", "write"],
        &[
            "--min-confidence",
            "low",
            "--exclude",
            "a.env",
            "--exclude",
            "legacy",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn sarif_reports_inline_and_external_suppressions_with_justifications() {
    let dir = tempdir();
    let doc = sarif_with_every_suppression(dir.path());
    validate_sarif(&doc);
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let kinds: Vec<(String, String, String)> = results
        .iter()
        .map(|r| {
            let s = &r["suppressions"][0];
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                s["kind"].as_str().unwrap_or_default().to_owned(),
                s["justification"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("a.env".to_owned(), "inSource".to_owned(), "test double".to_owned()),
            ("c.env".to_owned(), "external".to_owned(), format!("in baseline {BASELINE}")),
            (
                "legacy/b.env".to_owned(),
                "external".to_owned(),
                "rotated, kept for the migration tests (exception owned by platform-team, expires 2026-06-30)".to_owned()
            ),
        ]
    );
}

#[test]
fn microsoft_sarif_validator_accepts_external_suppressions() {
    let dir = tempdir();
    let doc = sarif_with_every_suppression(dir.path());
    let sarif = dir.path().join("suppressed.sarif");
    std::fs::write(&sarif, serde_json::to_vec_pretty(&doc).expect("json")).expect("write");
    crate::output::assert_sarif_multitool_accepts(&sarif);
}

#[test]
fn init_writes_config_precommit_and_workflow_and_never_overwrites() {
    let dir = tempdir();
    let o = nhilint(dir.path()).arg("init").output().expect("runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "wrote .nhilint.yaml\nwrote .pre-commit-config.yaml\nwrote .github/workflows/nhilint.yml\n"
    );
    let config = read(dir.path(), ".nhilint.yaml");
    let pack = nhilint::rules::Pack::builtin().expect("built-in pack");
    nhilint::config::Policy::parse(".nhilint.yaml", &config, &pack)
        .unwrap_or_else(|e| panic!("the written config loads: {e:?}"));
    for key in [
        "exclude:",
        "min-confidence:",
        "fail-on:",
        "max-file-size:",
        "jwt-max-lifetime-days:",
        "disable:",
        "severity:",
        "baseline:",
        "exceptions:",
        "reason:",
        "owner:",
        "expires:",
    ] {
        assert!(config.contains(key), "{key} is documented:\n{config}");
    }
    // The commented-out example is valid too once uncommented.
    let uncommented = config.replace("exceptions: []\n# exceptions:", "# exceptions:");
    let uncommented: String = uncommented
        .lines()
        .map(|l| {
            if l.starts_with("# exceptions:") || l.starts_with("#   ") {
                &l[2..]
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    nhilint::config::Policy::parse(".nhilint.yaml", &uncommented, &pack)
        .unwrap_or_else(|e| panic!("the example exception loads: {e:?}\n{uncommented}"));
    // `nhilint scan` loads it as the scan root's config (the built-in CI rules may comment on the
    // workflow's tags: exit 1 is fine, a config error is not).
    let o = nhilint(dir.path()).arg("scan").output().expect("runs");
    assert_ne!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    // The workflow `init` writes passes nhilint's own CI rules.
    let o = nhilint(dir.path())
        .args(["scan", "--only", "ci"])
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(code(&demo(dir.path(), &["scan"], &[], None)), 0);

    let precommit = read(dir.path(), ".pre-commit-config.yaml");
    assert!(
        precommit.contains(&format!("- repo: {}", env!("CARGO_PKG_REPOSITORY")))
            && precommit.contains("- id: nhilint"),
        "{precommit}"
    );
    let hooks = read(&repo(), ".pre-commit-hooks.yaml");
    assert!(hooks.contains("- id: nhilint\n"), "the hook id exists");
    let workflow = read(dir.path(), ".github/workflows/nhilint.yml");
    for want in [
        "permissions: {}",
        "contents: read",
        "security-events: write",
        "persist-credentials: false",
    ] {
        assert!(workflow.contains(want), "{want}:\n{workflow}");
    }
    // Built from a git checkout, `init` uses nhilint's action pinned to that commit; otherwise
    // it writes the install, scan and upload steps out.
    let shape: &[&str] = if nhilint::init::ACTION_COMMIT.is_empty() {
        &[
            "cargo install --locked --git https://github.com/nhilint/nhilint",
            "nhilint scan --format sarif --output nhilint.sarif",
            "github/codeql-action/upload-sarif@",
        ]
    } else {
        &[
            "uses: nhilint/nhilint@",
            "mode: ${{ github.event_name == 'pull_request' && 'pr' || 'tree' }}",
        ]
    };
    for want in shape {
        assert!(workflow.contains(want), "{want}:\n{workflow}");
    }

    let before: Vec<String> = [
        ".nhilint.yaml",
        ".pre-commit-config.yaml",
        ".github/workflows/nhilint.yml",
    ]
    .iter()
    .map(|f| read(dir.path(), f))
    .collect();
    let o = nhilint(dir.path()).arg("init").output().expect("runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        ".nhilint.yaml: exists, left alone\n.pre-commit-config.yaml: exists and already runs nhilint, left alone\n.github/workflows/nhilint.yml: exists, left alone\n"
    );
    let after: Vec<String> = [
        ".nhilint.yaml",
        ".pre-commit-config.yaml",
        ".github/workflows/nhilint.yml",
    ]
    .iter()
    .map(|f| read(dir.path(), f))
    .collect();
    assert_eq!(before, after);
}

#[test]
fn init_appends_to_an_existing_precommit_config_and_keeps_other_files() {
    let dir = tempdir();
    let existing = "# ours\nrepos:\n- repo: local\n  hooks:\n  - id: lint\n    name: lint\n    entry: make lint\n    language: system\n";
    write(dir.path(), ".pre-commit-config.yaml", existing);
    write(dir.path(), ".nhilint.yaml", "fail-on: high\n");
    write(dir.path(), ".github/workflows/nhilint.yml", "name: mine\n");
    let o = nhilint(dir.path()).arg("init").output().expect("runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains(".pre-commit-config.yaml: exists, appended the nhilint hook"),
        "{}",
        stdout(&o)
    );
    let precommit = read(dir.path(), ".pre-commit-config.yaml");
    assert!(precommit.starts_with(existing), "{precommit}");
    assert!(
        precommit[existing.len()..]
            .starts_with(&format!("- repo: {}", env!("CARGO_PKG_REPOSITORY"))),
        "{precommit}"
    );
    assert_eq!(read(dir.path(), ".nhilint.yaml"), "fail-on: high\n");
    assert_eq!(
        read(dir.path(), ".github/workflows/nhilint.yml"),
        "name: mine\n"
    );

    // A config it cannot extend safely is left alone, with the entry to add by hand.
    let flow = "repos: []\n";
    write(dir.path(), ".pre-commit-config.yaml", flow);
    let o = nhilint(dir.path()).arg("init").output().expect("runs");
    assert_eq!(read(dir.path(), ".pre-commit-config.yaml"), flow);
    assert!(
        stdout(&o).contains("exists, left alone: add this"),
        "{}",
        stdout(&o)
    );
}
