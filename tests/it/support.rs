//! Shared helpers: running the binary, temporary trees, the demo pack.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn demo_pack() -> PathBuf {
    repo().join("testdata/rules/demo.yaml")
}

/// A fake token of the demo rule's format.
pub const DEMO_TOKEN: &str = "dmo_Q3vX9kTz2LmR8wYp4NcB7sHd";
pub const DEMO_TOKEN_2: &str = "dmo_Zt6Wm1Qe8Rk3Jv5Xn9Lb2Pc4";
/// The suppression marker, spelled in two parts so this repository's own scan does not see one.
pub const IGNORE: &str = concat!("nhilint", ":ignore");

/// The binary with an environment that cannot change its behaviour (no colour, no CI guessing).
pub fn nhilint(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nhilint"));
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1");
    cmd
}

/// `nhilint scan` with only the demo pack.
pub fn scan_demo(dir: &Path, args: &[&str]) -> Output {
    let demo = demo_pack();
    let mut cmd = nhilint(dir);
    cmd.arg("scan")
        .arg("--no-default-rules")
        .arg("--rules")
        .arg(&demo)
        .args(args);
    cmd.output().expect("runs nhilint")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", stdout(o)))
}

pub fn write(dir: &Path, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, contents).expect("write");
    p
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// (path, line, rule) of every unsuppressed finding in a JSON report.
pub fn found(v: &serde_json::Value) -> Vec<(String, u64, String)> {
    v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["rule_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Validates `doc` against the SARIF 2.1.0 schema in `../shared/schemas`.
pub fn validate_sarif(doc: &serde_json::Value) {
    let schema_path = repo().join("../shared/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&schema_path).unwrap_or_else(|e| {
            panic!(
                "the SARIF schema is expected at {}: {e}",
                schema_path.display()
            )
        }))
        .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

/// A git command for fixture repositories: a scrubbed environment (PATH kept), no system or
/// global config, no signing, fixed author and committer, and `date` for both dates.
/// Runs git in `dir` with the fixed identity and `date`; panics on failure; trimmed stdout.
pub fn git_at(dir: &Path, date: &str, args: &[&str]) -> String {
    let o = git_command(dir, date)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

pub fn git_command(dir: &Path, date: &str) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ann Author")
        .env("GIT_AUTHOR_EMAIL", "ann@example.com")
        .env("GIT_COMMITTER_NAME", "Cid Committer")
        .env("GIT_COMMITTER_EMAIL", "cid@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date);
    cmd
}
