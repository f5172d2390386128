//! pre-commit integration: `nhilint install-hook` and the real pre-commit framework (from `PyPI`, in
//! a venv under `CARGO_TARGET_TMPDIR`), each blocking a real `git commit` that stages a secret.
//! Not tested here: the `language: rust` hook building from source (a release build per run).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Instant;

use crate::support::*;

/// A GitHub token in the real format (valid checksum, fake), read from a fixture so this file
/// holds no secret-shaped string.
fn fake_github_token() -> String {
    let fixture = repo().join("testdata/cases/secrets/code/scripts/mirror_repos.py");
    let text = std::fs::read_to_string(&fixture).expect("fixture");
    let line = text
        .lines()
        .find(|l| l.contains("expect: github-classic-pat"))
        .expect("a github-classic-pat fixture line");
    line.split('"').nth(1).expect("a quoted token").to_owned()
}

fn nhilint_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_nhilint"))
}

/// PATH with the directory of the built binary first.
fn path_with_nhilint() -> OsString {
    let mut dirs = vec![nhilint_bin().parent().expect("bin dir").to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("PATH")
}

/// PATH without any directory that holds an `nhilint`.
fn path_without_nhilint() -> OsString {
    let dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|d| !d.join("nhilint").exists())
        .collect();
    std::env::join_paths(dirs).expect("PATH")
}

/// A repository in a temporary directory, driven with the git CLI and a fixed identity.
struct Repo {
    dir: tempfile::TempDir,
    path_var: OsString,
    extra_env: Vec<(&'static str, OsString)>,
}

impl Repo {
    fn new(path_var: OsString) -> Repo {
        let repo = Repo {
            dir: tempdir(),
            path_var,
            extra_env: Vec::new(),
        };
        repo.ok(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> Output {
        let mut cmd = git_command(self.path(), "2024-01-01T10:00:00+01:00");
        cmd.args(args).env("PATH", &self.path_var);
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd.output().expect("git runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.git(args);
        assert!(o.status.success(), "git {args:?}: {}", both(&o));
        stdout(&o).trim().to_owned()
    }

    fn write(&self, rel: &str, contents: &str) {
        write(self.path(), rel, contents);
    }

    fn commits(&self) -> usize {
        let o = self.git(&["rev-list", "--count", "HEAD"]);
        stdout(&o).trim().parse().unwrap_or(0)
    }

    fn install_hook(&self, args: &[&str]) -> Output {
        nhilint(self.path())
            .arg("install-hook")
            .args(args)
            .output()
            .expect("runs nhilint")
    }
}

fn both(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

/// Stages a file with a fake token, commits: blocked. Then a clean commit: passes.
fn assert_blocks_secret_and_passes_clean(repo: &Repo, rule_shown: &str) {
    let before = repo.commits();
    repo.write(
        "deploy/settings.py",
        &format!("TOKEN = \"{}\"\n", fake_github_token()),
    );
    repo.ok(&["add", "deploy/settings.py"]);
    let start = Instant::now();
    let o = repo.git(&["commit", "-m", "add settings"]);
    let took = start.elapsed();
    let out = both(&o);
    eprintln!("blocked commit took {took:.2?}");
    assert!(!o.status.success(), "the commit went through:\n{out}");
    assert_eq!(repo.commits(), before, "{out}");
    assert!(out.contains("deploy/settings.py"), "names the file:\n{out}");
    assert!(out.contains(rule_shown), "names the rule:\n{out}");
    assert!(
        !out.contains(&fake_github_token()),
        "prints the secret:\n{out}"
    );

    repo.write("deploy/settings.py", "TOKEN = os.environ[\"TOKEN\"]\n");
    repo.ok(&["add", "deploy/settings.py"]);
    let o = repo.git(&["commit", "-m", "settings from the environment"]);
    assert!(
        o.status.success(),
        "a clean commit is blocked:\n{}",
        both(&o)
    );
    assert_eq!(repo.commits(), before + 1);
}

#[test]
fn install_hook_writes_an_executable_hook_that_blocks_a_staged_secret() {
    let repo = Repo::new(path_with_nhilint());
    repo.write("README", "hello\n");
    repo.ok(&["add", "README"]);
    repo.ok(&["commit", "-q", "-m", "init"]);

    let o = repo.install_hook(&[]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(stdout(&o).contains("installed"), "{}", stdout(&o));
    let hook = repo.path().join(".git/hooks/pre-commit");
    let script = std::fs::read_to_string(&hook).expect("hook written");
    assert!(script.starts_with("#!/bin/sh\n"), "{script}");
    assert!(script.contains("scan --staged"), "{script}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&hook).expect("hook").permissions().mode();
        assert_eq!(mode & 0o777, 0o755, "{mode:o}");
    }

    assert_blocks_secret_and_passes_clean(&repo, "github-classic-pat");
}

#[test]
fn the_hook_falls_back_to_the_installing_binary_when_nhilint_is_not_on_path() {
    let repo = Repo::new(path_without_nhilint());
    let o = repo.install_hook(&[]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert_blocks_secret_and_passes_clean(&repo, "github-classic-pat");
}

#[test]
fn install_hook_keeps_an_existing_hook_unless_forced() {
    let repo = Repo::new(path_with_nhilint());
    let hook = repo.path().join(".git/hooks/pre-commit");
    write(repo.path(), ".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n");

    let o = repo.install_hook(&[]);
    assert_eq!(code(&o), 2, "{}", both(&o));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&hook).expect("hook"),
        "#!/bin/sh\nexit 0\n"
    );

    let o = repo.install_hook(&["--force"]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(stdout(&o).contains("replaced"), "{}", stdout(&o));
    assert!(
        std::fs::read_to_string(&hook)
            .expect("hook")
            .contains("scan --staged")
    );
    // Installing again is a no-op, not a conflict.
    let o = repo.install_hook(&[]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(stdout(&o).contains("already installed"), "{}", stdout(&o));
}

#[test]
fn install_hook_finds_the_repository_from_a_subdirectory_and_a_worktree() {
    let repo = Repo::new(path_with_nhilint());
    repo.write("src/lib.rs", "\n");
    repo.ok(&["add", "-A"]);
    repo.ok(&["commit", "-q", "-m", "init"]);
    let o = nhilint(&repo.path().join("src"))
        .arg("install-hook")
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(repo.path().join(".git/hooks/pre-commit").is_file());

    // A linked worktree has a `.git` file; hooks are shared with the main repository.
    let wt = tempdir();
    let wt_path = wt.path().join("wt");
    repo.ok(&[
        "worktree",
        "add",
        "-q",
        wt_path.to_str().expect("utf-8"),
        "-b",
        "side",
    ]);
    let o = nhilint(&wt_path)
        .arg("install-hook")
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(stdout(&o).contains("already installed"), "{}", stdout(&o));

    // core.hooksPath moves the hooks.
    repo.ok(&["config", "core.hooksPath", ".githooks"]);
    let o = repo.install_hook(&[]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(repo.path().join(".githooks/pre-commit").is_file());
    assert!(stdout(&o).contains("core.hooksPath"), "{}", stdout(&o));
}

#[test]
fn install_hook_outside_a_repository_is_a_clear_error() {
    let dir = tempdir();
    let o = nhilint(dir.path())
        .arg("install-hook")
        .output()
        .expect("runs");
    assert_eq!(code(&o), 2, "{}", both(&o));
    assert!(
        stderr(&o).contains("not a git repository"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join(".git").exists());
}

/// The `pre-commit` executable from a venv in `CARGO_TARGET_TMPDIR`, created once with
/// `pip install pre-commit` (the only network access of these tests).
fn pre_commit() -> PathBuf {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let venv = tmp.join("pre-commit-venv");
    let exe = venv.join("bin/pre-commit");
    let works = |exe: &Path| {
        Command::new(exe)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works(&exe) {
        return exe;
    }
    let _ = std::fs::remove_dir_all(&venv);
    let start = Instant::now();
    let run = |cmd: &mut Command, what: &str| {
        let o = cmd
            .output()
            .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
        assert!(
            o.status.success(),
            "{what} failed; the pre-commit tests need Python 3 with venv and pip, and PyPI:\n{}",
            both(&o)
        );
    };
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "python3 -m venv",
    );
    run(
        Command::new(venv.join("bin/python"))
            .args(["-m", "pip", "install", "--quiet", "pre-commit"])
            .env("PIP_CACHE_DIR", tmp.join("pip-cache")),
        "pip install pre-commit",
    );
    eprintln!("created the pre-commit venv in {:.1?}", start.elapsed());
    assert!(works(&exe), "{} does not run", exe.display());
    exe
}

/// A `PRE_COMMIT_HOME` inside `CARGO_TARGET_TMPDIR`, so nothing is written to `$HOME`.
fn pre_commit_home() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir")
}

#[test]
fn the_repository_manifest_is_a_valid_pre_commit_hooks_file() {
    let exe = pre_commit();
    let home = pre_commit_home();
    let o = Command::new(&exe)
        .current_dir(repo())
        .args(["validate-manifest", ".pre-commit-hooks.yaml"])
        .env("PRE_COMMIT_HOME", home.path())
        .output()
        .expect("runs pre-commit");
    assert!(o.status.success(), "{}", both(&o));
    let manifest = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("read");
    for needle in [
        "id: nhilint\n",
        "id: nhilint-system\n",
        "language: rust",
        "language: system",
        "entry: nhilint scan --staged",
        "pass_filenames: false",
    ] {
        assert!(manifest.contains(needle), "{needle}");
    }
}

#[test]
fn the_pre_commit_framework_blocks_a_commit_with_a_staged_secret() {
    let exe = pre_commit();
    let home = pre_commit_home();
    let mut repo = Repo::new(path_with_nhilint());
    repo.extra_env
        .push(("PRE_COMMIT_HOME", home.path().as_os_str().to_owned()));
    let bin = nhilint_bin();
    let bin = bin.to_str().expect("utf-8 binary path");
    assert!(!bin.contains('\''), "{bin}");
    // A local hook equivalent to `nhilint-system`, so pre-commit clones nothing.
    repo.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n\
             \x20 - repo: local\n\
             \x20   hooks:\n\
             \x20     - id: nhilint-system\n\
             \x20       name: nhilint (secrets in staged changes)\n\
             \x20       entry: \"'{bin}' scan --staged\"\n\
             \x20       language: system\n\
             \x20       pass_filenames: false\n\
             \x20       always_run: true\n\
             \x20       require_serial: true\n\
             \x20       stages: [pre-commit]\n"
        ),
    );
    repo.ok(&["add", ".pre-commit-config.yaml"]);
    repo.ok(&["commit", "-q", "-m", "pre-commit config"]);

    let o = Command::new(&exe)
        .current_dir(repo.path())
        .arg("install")
        .env("PRE_COMMIT_HOME", home.path())
        .env("PATH", path_with_nhilint())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("runs pre-commit");
    assert!(o.status.success(), "pre-commit install: {}", both(&o));
    let hook = std::fs::read_to_string(repo.path().join(".git/hooks/pre-commit")).expect("hook");
    assert!(hook.contains("pre-commit"), "{hook}");

    assert_blocks_secret_and_passes_clean(&repo, "github-classic-pat");
    let o = repo.git(&["log", "-1", "--format=%s"]);
    assert_eq!(stdout(&o).trim(), "settings from the environment");
}
