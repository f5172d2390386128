//! Bad input never stops the scan: each case gets a message naming the file, the rest of the
//! scan goes on, and the exit code says what happened.

use std::os::unix::fs::{PermissionsExt, symlink};

use crate::support::*;

/// A good file next to every hostile one proves the scan went on.
fn with_good_file(dir: &std::path::Path) {
    write(dir, "good.env", format!("T={DEMO_TOKEN}\n"));
}

fn found_paths(o: &std::process::Output) -> Vec<String> {
    found(&json(o)).into_iter().map(|(p, _, _)| p).collect()
}

#[test]
fn binary_file_is_skipped() {
    let dir = tempdir();
    with_good_file(dir.path());
    let mut bin = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bin.extend_from_slice(DEMO_TOKEN_2.as_bytes());
    write(dir.path(), "tool.bin", bin);
    let o = scan_demo(dir.path(), &["-f", "json"]);
    assert_eq!(found_paths(&o), ["good.env"]);
    assert_eq!(json(&o)["summary"]["skipped_binary"], 1);
    assert_eq!(code(&o), 1);
}

#[test]
fn invalid_utf8_is_scanned_as_bytes() {
    let dir = tempdir();
    let mut text = b"\xff\xfe bad bytes \xc3\x28 then ".to_vec();
    text.extend_from_slice(format!("T={DEMO_TOKEN}\n").as_bytes());
    write(dir.path(), "latin1.conf", text);
    let o = scan_demo(dir.path(), &["-f", "json"]);
    let v = json(&o);
    assert_eq!(
        found(&v),
        vec![("latin1.conf".to_owned(), 1, "demo-api-token".to_owned())]
    );
    assert_eq!(
        v["findings"][0]["column"], 24,
        "invalid bytes count one column each"
    );
}

#[test]
fn empty_file_is_fine() {
    let dir = tempdir();
    write(dir.path(), "empty.txt", "");
    let o = scan_demo(dir.path(), &["-f", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(json(&o)["summary"]["files_scanned"], 1);
}

#[test]
fn file_over_the_size_limit_is_skipped_and_reported() {
    let dir = tempdir();
    with_good_file(dir.path());
    write(
        dir.path(),
        "big.log",
        format!("{}T={DEMO_TOKEN_2}\n", "x".repeat(4096)),
    );
    let o = scan_demo(dir.path(), &["-f", "json", "--max-file-size", "1K"]);
    let v = json(&o);
    assert_eq!(found_paths(&o), ["good.env"]);
    assert_eq!(v["summary"]["skipped_too_large"], 1);
    let note = &v["notifications"][0];
    assert_eq!(
        (
            note["code"].as_str(),
            note["path"].as_str(),
            note["level"].as_str()
        ),
        (Some("file-too-large"), Some("big.log"), Some("warning"))
    );
    assert_eq!(code(&o), 1, "a skipped file is a warning, not an error");
}

/// Runs `cmd` as an unprivileged user when we are root (root reads any file).
fn as_unprivileged(mut cmd: std::process::Command) -> std::process::Output {
    // Root owns its own /proc/self entry.
    let root =
        std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    if root {
        let mut wrapped = std::process::Command::new("setpriv");
        wrapped
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(cmd.get_program())
            .args(cmd.get_args());
        if let Some(d) = cmd.get_current_dir() {
            wrapped.current_dir(d);
        }
        wrapped
            .env_clear()
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd = wrapped;
    }
    cmd.output().expect("runs")
}

#[test]
fn unreadable_file_is_an_error_and_the_scan_goes_on() {
    let dir = tempdir();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod dir");
    with_good_file(dir.path());
    let locked = write(dir.path(), "locked.env", format!("T={DEMO_TOKEN_2}\n"));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // The demo pack and the binary must be readable by the unprivileged user: copy the pack in.
    let pack = write(
        dir.path(),
        "rules/demo.yaml",
        std::fs::read(demo_pack()).expect("demo"),
    );
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_nhilint"));
    cmd.current_dir(dir.path())
        .args(["scan", "--no-default-rules", "--rules"])
        .arg(&pack)
        .args(["-f", "json", "--exclude", "rules"]);
    let o = as_unprivileged(cmd);
    assert_eq!(code(&o), 2, "stdout: {} stderr: {}", stdout(&o), stderr(&o));
    assert_eq!(found_paths(&o), ["good.env"]);
    assert!(
        stderr(&o).contains("locked.env: cannot read"),
        "{}",
        stderr(&o)
    );
    assert_eq!(json(&o)["summary"]["unreadable"], 1);
}

#[test]
fn broken_symlink_is_reported_not_fatal() {
    let dir = tempdir();
    with_good_file(dir.path());
    symlink(
        dir.path().join("missing.env"),
        dir.path().join("dangling.env"),
    )
    .expect("symlink");
    let o = scan_demo(dir.path(), &["-f", "json"]);
    assert_eq!(code(&o), 1);
    assert_eq!(found_paths(&o), ["good.env"]);
    let v = json(&o);
    assert_eq!(v["notifications"][0]["code"], "broken-symlink");
    assert_eq!(v["notifications"][0]["path"], "dangling.env");
    let o = scan_demo(dir.path(), &["-f", "json", "--follow-symlinks"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("dangling.env"), "{}", stderr(&o));
    assert_eq!(found_paths(&o), ["good.env"]);
}

#[test]
fn symlink_loop_terminates() {
    let dir = tempdir();
    with_good_file(dir.path());
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    symlink("..", dir.path().join("sub/up")).expect("symlink");
    let o = scan_demo(dir.path(), &["-f", "json", "--follow-symlinks"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(found_paths(&o), ["good.env"]);
    assert!(stderr(&o).contains("symlink loop"), "{}", stderr(&o));
    let o = scan_demo(dir.path(), &["-f", "json"]);
    assert_eq!(found_paths(&o), ["good.env"], "not followed by default");
}

#[test]
fn rule_file_with_a_syntax_error_points_at_line_and_column() {
    let dir = tempdir();
    with_good_file(dir.path());
    let bad = write(
        dir.path(),
        "rules/bad.yaml",
        "rules:\n  - id: broken\n    keywords: [unclosed\n    name: x\n",
    );
    let o = nhilint(dir.path())
        .args(["scan", "--rules"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("bad.yaml:4:"),
        "ariadne diagnostic with line and column: {err}"
    );
    assert!(err.contains("Error"), "{err}");
    assert!(o.stdout.is_empty(), "no report when the rules are broken");
}

#[test]
fn missing_path_is_an_error_and_other_paths_are_still_scanned() {
    let dir = tempdir();
    with_good_file(dir.path());
    let o = scan_demo(dir.path(), &["-f", "json", "good.env", "nope.env"]);
    assert_eq!(code(&o), 2);
    assert_eq!(found_paths(&o), ["good.env"]);
    assert!(stderr(&o).contains("nope.env"));
}
