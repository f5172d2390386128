//! Git sources: history (`--git`, ranges) and staged changes (`--staged`), on repositories built
//! at test time with the git CLI, fixed identities and fixed dates.

use std::path::Path;

use crate::support::*;

/// A repository in a temporary directory.
struct Repo {
    dir: tempfile::TempDir,
    /// Commits made so far: each gets a date one day after the previous one.
    commits: u32,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempdir(),
            commits: 0,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let date = format!("2024-01-{:02}T10:00:00+01:00", self.commits + 1);
        crate::support::git_at(self.path(), &date, args)
    }

    fn write(&self, rel: &str, contents: &str) {
        write(self.path(), rel, contents);
    }

    /// Stages everything and commits; returns the commit id.
    fn commit(&mut self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.commits += 1;
        self.git(&["rev-parse", "HEAD"])
    }

    fn scan(&self, args: &[&str]) -> std::process::Output {
        scan_demo(self.path(), args)
    }

    fn scan_json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["-f", "json"];
        all.extend_from_slice(args);
        let o = self.scan(&all);
        assert!(code(&o) < 2, "scan failed: {}", stderr(&o));
        json(&o)
    }
}

fn findings(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v["findings"].as_array().expect("findings")
}

#[test]
fn a_secret_added_then_deleted_is_found_with_its_commit_and_marked_removed() {
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("init");
    repo.write(
        "config/app.env",
        &format!("# app\nAPI_TOKEN={DEMO_TOKEN}\n"),
    );
    let added = repo.commit("add config");
    std::fs::remove_file(repo.path().join("config/app.env")).expect("rm");
    repo.commit("remove config");

    let o = repo.scan(&["--git"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("introduced in commit {}", &added[..12])),
        "{out}"
    );
    assert!(out.contains("Ann Author <ann@example.com>"), "{out}");
    assert!(out.contains("2024-01-02T10:00:00+01:00"), "{out}");
    assert!(out.contains("rewriting history is not enough"), "{out}");
    assert!(!out.contains(DEMO_TOKEN), "the secret is redacted");

    let v = repo.scan_json(&["--git"]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["path"], "config/app.env");
    assert_eq!(f[0]["line"], 2);
    let p = &f[0]["provenance"];
    assert_eq!(p["kind"], "commit");
    assert_eq!(p["commit"], added.as_str());
    assert_eq!(p["author"], "Ann Author");
    assert_eq!(p["email"], "ann@example.com");
    assert_eq!(p["date"], "2024-01-02T10:00:00+01:00");
    assert_eq!(p["status"], "removed");
    assert!(
        f[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("rotate")),
        "{v:#}"
    );
}

#[test]
fn a_secret_still_in_head_is_marked_still_present() {
    let mut repo = Repo::new();
    repo.write("a.env", &format!("T={DEMO_TOKEN}\n"));
    repo.commit("add");
    // Moved elsewhere: the same secret at the tip counts as still there.
    std::fs::remove_file(repo.path().join("a.env")).expect("rm");
    repo.write("b/c.env", &format!("X=1\nT={DEMO_TOKEN}\n"));
    repo.commit("move");
    let v = repo.scan_json(&["--git"]);
    let f = findings(&v);
    assert_eq!(f.len(), 2, "{v:#}");
    assert!(
        f.iter()
            .all(|f| f["provenance"]["status"] == "still-present"),
        "{v:#}"
    );
}

#[test]
fn the_same_blob_in_many_commits_and_branches_is_scanned_once_and_reported_once() {
    let mut repo = Repo::new();
    let leak = format!("TOKEN={DEMO_TOKEN}\n");
    repo.write("a.env", &leak);
    let first = repo.commit("first");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("copy/a.env", &leak);
    repo.commit("copy on a branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("other/a.env", &leak);
    repo.commit("copy on main");
    std::fs::remove_file(repo.path().join("a.env")).expect("rm");
    repo.commit("remove");
    repo.write("a.env", &leak);
    repo.commit("re-add the same content");

    let v = repo.scan_json(&["--git"]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "one finding for one blob: {v:#}");
    let p = &f[0]["provenance"];
    assert_eq!(p["commit"], first.as_str());
    assert_eq!(p["path"], "a.env");
    assert_eq!(p["commits"], 4, "{v:#}");
    assert_eq!(p["paths"], 3, "{v:#}");
    assert_eq!(p["status"], "still-present");
    assert_eq!(v["summary"]["files_scanned"], 1, "the blob is read once");

    // Only the branch: still one finding, from the first commit.
    let v = repo.scan_json(&["--git", "--branch", "feature"]);
    assert_eq!(findings(&v).len(), 1);
    assert_eq!(findings(&v)[0]["provenance"]["commits"], 2);
}

#[test]
fn a_range_scans_only_what_it_introduced() {
    let mut repo = Repo::new();
    repo.write("old.env", &format!("T={DEMO_TOKEN}\n"));
    let base = repo.commit("old leak");
    repo.write("new.env", &format!("T={DEMO_TOKEN_2}\n"));
    repo.write("notes.txt", "nothing\n");
    repo.commit("new leak");

    for args in [
        vec!["--git", "--range", "HEAD~1..HEAD"],
        vec!["--git", "--range", &format!("{base}..")],
        vec!["--git", "--since-commit", &base],
    ] {
        let v = repo.scan_json(&args);
        let paths: Vec<&str> = findings(&v)
            .iter()
            .filter_map(|f| f["path"].as_str())
            .collect();
        assert_eq!(paths, ["new.env"], "{args:?}: {v:#}");
        assert_eq!(v["summary"]["files_scanned"], 2, "{args:?}");
    }
    let v = repo.scan_json(&["--git"]);
    assert_eq!(findings(&v).len(), 2);

    let o = repo.scan(&["--git", "--range", "nope..HEAD"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cannot resolve `nope`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn staged_reports_only_what_the_commit_adds() {
    let mut repo = Repo::new();
    repo.write("app.env", &format!("OLD={DEMO_TOKEN}\n"));
    repo.write("clean.txt", "x\n");
    repo.commit("old leak");
    repo.write(
        "app.env",
        &format!("OLD={DEMO_TOKEN}\nNEW={DEMO_TOKEN_2}\n"),
    );
    repo.git(&["add", "app.env"]);
    // Not staged: the working tree is not what gets committed.
    repo.write("clean.txt", &format!("W={DEMO_TOKEN_2}\n"));

    let v = repo.scan_json(&["--staged"]);
    assert_eq!(
        found(&v),
        [("app.env".to_owned(), 2, "demo-api-token".to_owned())],
        "{v:#}"
    );
    assert_eq!(findings(&v)[0]["provenance"]["kind"], "staged");

    let v = repo.scan_json(&["--all-staged"]);
    assert_eq!(
        found(&v),
        [
            ("app.env".to_owned(), 1, "demo-api-token".to_owned()),
            ("app.env".to_owned(), 2, "demo-api-token".to_owned())
        ],
        "{v:#}"
    );

    // Nothing staged: clean, whatever the working tree holds.
    repo.commit("commit it");
    let o = repo.scan(&["--staged"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn staged_in_a_repository_without_commits() {
    let repo = Repo::new();
    repo.write("a.env", &format!("T={DEMO_TOKEN}\n"));
    repo.git(&["add", "a.env"]);
    let v = repo.scan_json(&["--staged"]);
    assert_eq!(found(&v).len(), 1, "{v:#}");
}

#[test]
fn a_directory_that_is_not_a_repository_is_a_clear_error() {
    let dir = tempdir();
    for flag in ["--git", "--staged"] {
        let o = scan_demo(dir.path(), &[flag]);
        assert_eq!(code(&o), 2, "{flag}");
        assert!(
            stderr(&o).contains("not a git repository"),
            "{flag}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn an_empty_repository_scans_clean() {
    let repo = Repo::new();
    let o = repo.scan(&["--git"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("0 findings"), "{}", stdout(&o));
}

#[test]
fn binary_and_too_large_blobs_are_skipped() {
    let mut repo = Repo::new();
    write(
        repo.path(),
        "blob.bin",
        [b"\0\x01\x02 ".as_slice(), DEMO_TOKEN.as_bytes()].concat(),
    );
    repo.write(
        "big.env",
        &format!("T={DEMO_TOKEN_2}\n{}\n", "x".repeat(4096)),
    );
    repo.commit("binary and big");
    let o = repo.scan(&["--git", "--max-file-size", "1K", "-f", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert!(findings(&v).is_empty(), "{v:#}");
    assert_eq!(v["summary"]["skipped_binary"], 1);
    assert_eq!(v["summary"]["skipped_too_large"], 1);
    assert_eq!(v["summary"]["files_scanned"], 0);
    let n = notification(&v, "file-too-large").unwrap_or_else(|| panic!("no warning: {v:#}"));
    assert_eq!(n["path"], "big.env");
    assert_eq!(n["level"], "warning");
    assert!(
        n["message"]
            .as_str()
            .is_some_and(|m| m.contains("--max-file-size")),
        "{n}"
    );
    assert!(stderr(&o).contains("big.env"), "{}", stderr(&o));
    // Without the limit the big blob is scanned; the binary one never is.
    let v = repo.scan_json(&["--git"]);
    assert_eq!(
        found(&v),
        [("big.env".to_owned(), 1, "demo-api-token".to_owned())]
    );
    assert_eq!(v["summary"]["skipped_binary"], 1);
}

#[test]
fn a_missing_object_is_an_error_and_the_scan_goes_on() {
    let mut repo = Repo::new();
    repo.write("a.env", &format!("T={DEMO_TOKEN}\n"));
    repo.write("b.txt", "lost\n");
    repo.commit("two files");
    let lost = repo.git(&["rev-parse", "HEAD:b.txt"]);
    let object = repo
        .path()
        .join(".git/objects")
        .join(&lost[..2])
        .join(&lost[2..]);
    std::fs::remove_file(object).expect("loose object removed");
    let o = repo.scan(&["--git", "-f", "json"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(findings(&v).len(), 1, "the rest is scanned: {v:#}");
    assert!(stderr(&o).contains(&lost), "{}", stderr(&o));
}

#[test]
fn submodules_are_reported_not_entered() {
    let mut repo = Repo::new();
    repo.write("a.txt", "x\n");
    let id = repo.commit("one");
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{id},vendor/lib"),
    ]);
    repo.git(&["commit", "-q", "-m", "submodule"]);
    let v = repo.scan_json(&["--git"]);
    let notes = v["notifications"].as_array().expect("notifications");
    assert!(
        notes
            .iter()
            .any(|n| n["code"] == "git-submodule" && n["path"] == "vendor/lib"),
        "{v:#}"
    );
}

#[test]
fn history_sarif_carries_provenance_and_validates() {
    let mut repo = Repo::new();
    repo.write("a.env", &format!("T={DEMO_TOKEN}\n"));
    let id = repo.commit("leak");
    let o = repo.scan(&["--git", "-f", "sarif"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    validate_sarif(&doc);
    let run = &doc["runs"][0];
    let props = &run["results"][0]["properties"];
    assert_eq!(props["commit"], id.as_str());
    assert_eq!(props["author"], "Ann Author");
    assert_eq!(props["date"], "2024-01-01T10:00:00+01:00");
    assert_eq!(props["status"], "still-present");
    let vcp = &run["versionControlProvenance"][0];
    assert_eq!(vcp["revisionId"], id.as_str());
    assert!(
        vcp["repositoryUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("file://")),
        "{vcp}"
    );

    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://user:hunter2@example.com/org/repo.git",
    ]);
    let doc = json(&repo.scan(&["--git", "-f", "sarif"]));
    validate_sarif(&doc);
    assert_eq!(
        doc["runs"][0]["versionControlProvenance"][0]["repositoryUri"],
        "https://example.com/org/repo.git",
        "no credentials in the URI"
    );
}

#[test]
fn history_and_staged_scans_never_print_a_full_secret_unless_asked() {
    let mut repo = Repo::new();
    repo.write("a.env", &format!("T={DEMO_TOKEN}\n"));
    repo.commit("add");
    repo.write("a.env", "T=\n");
    repo.commit("remove");
    repo.write("b.env", &format!("U={DEMO_TOKEN_2}\n"));
    repo.git(&["add", "b.env"]);
    for mode in ["--git", "--staged"] {
        for format in ["human", "json", "sarif"] {
            let o = repo.scan(&[mode, "-f", format]);
            assert_eq!(code(&o), 1, "{mode} {format}: {}", stderr(&o));
            let all = format!("{}{}", stdout(&o), stderr(&o));
            assert!(
                !all.contains(DEMO_TOKEN) && !all.contains(DEMO_TOKEN_2),
                "{mode} {format} prints a secret"
            );
        }
        let shown = repo.scan(&[mode, "-f", "json", "--show-secrets"]);
        let expected = if mode == "--git" {
            DEMO_TOKEN
        } else {
            DEMO_TOKEN_2
        };
        assert!(
            stdout(&shown).contains(expected),
            "{mode} --show-secrets prints it"
        );
    }
}

/// Runs git in `dir` (outside a [`Repo`]) with the fixed identity.
fn git_in(dir: &Path, args: &[&str]) -> String {
    crate::support::git_at(dir, "2024-02-01T10:00:00+01:00", args)
}

fn notification<'a>(v: &'a serde_json::Value, code: &str) -> Option<&'a serde_json::Value> {
    v["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .find(|n| n["code"] == code)
}

#[test]
fn a_removed_secret_names_the_commit_that_removed_it() {
    let mut repo = Repo::new();
    repo.write("app.env", &format!("T={DEMO_TOKEN}\n"));
    repo.commit("leak");
    repo.write("notes.txt", "unrelated\n");
    repo.commit("unrelated");
    repo.write("app.env", "T=\n");
    let removed = repo.commit("remove the token");
    repo.write("notes.txt", "later\n");
    repo.commit("later");

    let v = repo.scan_json(&["--git"]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    let p = &f[0]["provenance"];
    assert_eq!(p["status"], "removed");
    assert_eq!(p["removed_in"]["commit"], removed.as_str(), "{v:#}");
    assert_eq!(p["removed_in"]["date"], "2024-01-03T10:00:00+01:00");
    assert_eq!(p["removed_in"]["author"], "Ann Author");
    assert!(
        f[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("removed from HEAD in commit {}", &removed[..12]))),
        "{v:#}"
    );

    let out = stdout(&repo.scan(&["--git"]));
    assert!(
        out.contains(&format!(
            "removed from HEAD in commit {} by Ann Author <ann@example.com> on 2024-01-03T10:00:00+01:00",
            &removed[..12]
        )),
        "{out}"
    );

    let doc = json(&repo.scan(&["--git", "-f", "sarif"]));
    validate_sarif(&doc);
    let props = &doc["runs"][0]["results"][0]["properties"];
    assert_eq!(props["removedIn"]["commit"], removed.as_str(), "{props:#}");
    assert_eq!(props["removedIn"]["date"], "2024-01-03T10:00:00+01:00");
}

#[test]
fn a_secret_removed_on_a_merged_branch_names_the_branch_commit() {
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("init");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("topic.env", &format!("T={DEMO_TOKEN}\n"));
    repo.commit("leak on the branch");
    std::fs::remove_file(repo.path().join("topic.env")).expect("rm");
    let removed = repo.commit("remove it on the branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("main.txt", "main work\n");
    repo.commit("main work");
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);
    repo.commits += 1;
    // Also a secret a merge drops: the branch keeps it, the merge resolution does not.
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.write("other.env", &format!("T={DEMO_TOKEN_2}\n"));
    repo.commit("leak on another branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--no-ff", "--no-commit", "other"]);
    repo.git(&["rm", "-q", "-f", "other.env"]);
    repo.git(&["commit", "-q", "-m", "merge other without its file"]);
    repo.commits += 1;
    let merge = repo.git(&["rev-parse", "HEAD"]);

    let v = repo.scan_json(&["--git"]);
    let f = findings(&v);
    assert_eq!(f.len(), 2, "{v:#}");
    for f in f {
        let p = &f["provenance"];
        assert_eq!(p["status"], "removed", "{f:#}");
        let expected = if f["path"] == "topic.env" {
            &removed
        } else {
            &merge
        };
        assert_eq!(p["removed_in"]["commit"], expected.as_str(), "{f:#}");
    }
}

#[test]
fn a_secret_only_on_another_branch_is_not_on_the_default_branch() {
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("init");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("feature.env", &format!("T={DEMO_TOKEN}\n"));
    repo.commit("leak on the branch");
    repo.git(&["checkout", "-q", "main"]);

    let v = repo.scan_json(&["--git"]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    let p = &f[0]["provenance"];
    assert_eq!(p["status"], "not-on-default-branch", "{v:#}");
    assert_eq!(p["only_on"], serde_json::json!(["refs/heads/feature"]));
    assert!(p.get("removed_in").is_none(), "{v:#}");
    let message = f[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("not in HEAD, only on refs/heads/feature") && !message.contains("removed"),
        "{message}"
    );

    let out = stdout(&repo.scan(&["--git"]));
    assert!(
        out.contains("not in HEAD, only on refs/heads/feature, still in history"),
        "{out}"
    );
    assert!(!out.contains("removed from HEAD"), "{out}");

    let doc = json(&repo.scan(&["--git", "-f", "sarif"]));
    validate_sarif(&doc);
    let props = &doc["runs"][0]["results"][0]["properties"];
    assert_eq!(props["status"], "not-on-default-branch");
    assert_eq!(props["onlyOn"], serde_json::json!(["refs/heads/feature"]));

    // Scanning only the branch names it as given.
    let v = repo.scan_json(&["--git", "--branch", "feature"]);
    assert_eq!(
        findings(&v)[0]["provenance"]["only_on"],
        serde_json::json!(["feature"])
    );
}

#[test]
fn every_provenance_is_kept_oldest_first() {
    let mut repo = Repo::new();
    let leak = format!("TOKEN={DEMO_TOKEN}\n");
    repo.write("a.env", &leak);
    let first = repo.commit("first");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("copy/a.env", &leak);
    let branch = repo.commit("copy on a branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("other/a.env", &leak);
    let other = repo.commit("copy on main");
    std::fs::remove_file(repo.path().join("a.env")).expect("rm");
    repo.commit("remove");
    repo.write("a.env", &leak);
    let again = repo.commit("re-add the same content");

    let v = repo.scan_json(&["--git"]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    let p = &f[0]["provenance"];
    let listed: Vec<(&str, &str, &str)> = p["provenances"]
        .as_array()
        .expect("provenances")
        .iter()
        .map(|i| {
            (
                i["commit"].as_str().unwrap_or_default(),
                i["path"].as_str().unwrap_or_default(),
                i["date"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (first.as_str(), "a.env", "2024-01-01T10:00:00+01:00"),
            (branch.as_str(), "copy/a.env", "2024-01-02T10:00:00+01:00"),
            (other.as_str(), "other/a.env", "2024-01-03T10:00:00+01:00"),
            (again.as_str(), "a.env", "2024-01-05T10:00:00+01:00"),
        ],
        "{v:#}"
    );
    assert_eq!(p["provenances_total"], 4);
    assert_eq!(p["provenances"][0]["author"], "Ann Author");
    assert_eq!(p["provenances"][0]["email"], "ann@example.com");

    let out = stdout(&repo.scan(&["--git"]));
    assert!(
        out.contains(&format!(
            "introduced in commit {} by Ann Author <ann@example.com> on 2024-01-01T10:00:00+01:00, and 3 more times (4 commits, 3 paths)",
            &first[..12]
        )),
        "{out}"
    );

    let doc = json(&repo.scan(&["--git", "-f", "sarif"]));
    validate_sarif(&doc);
    let props = &doc["runs"][0]["results"][0]["properties"];
    assert_eq!(props["provenancesTotal"], 4);
    assert_eq!(props["provenances"][1]["commit"], branch.as_str());
    assert_eq!(props["provenances"][1]["path"], "copy/a.env");
    assert_eq!(props["provenances"][1]["authorEmail"], "ann@example.com");
}

#[test]
fn provenances_are_bounded_and_counted() {
    let mut repo = Repo::new();
    for i in 0..101 {
        repo.write(&format!("copies/{i:03}.env"), &format!("T={DEMO_TOKEN}\n"));
    }
    repo.commit("many copies");
    let v = repo.scan_json(&["--git"]);
    let p = &findings(&v)[0]["provenance"];
    assert_eq!(
        p["provenances"].as_array().map(Vec::len),
        Some(100),
        "{p:#}"
    );
    assert_eq!(p["provenances_total"], 101);
    assert_eq!(p["paths"], 101);
    assert_eq!(p["commits"], 1);
    assert_eq!(p["provenances"][0]["path"], "copies/000.env");
}

#[test]
fn a_shallow_clone_is_scanned_and_said_to_be_truncated() {
    let mut repo = Repo::new();
    repo.write("old.env", &format!("T={DEMO_TOKEN}\n"));
    repo.commit("old leak");
    std::fs::remove_file(repo.path().join("old.env")).expect("rm");
    repo.commit("remove it");
    repo.write("new.env", &format!("T={DEMO_TOKEN_2}\n"));
    repo.commit("new leak");
    let dir = tempdir();
    let url = format!("file://{}", repo.path().display());
    git_in(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = dir.path().join("shallow");

    let o = scan_demo(&shallow, &["--git", "-f", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        found(&v),
        [("new.env".to_owned(), 1, "demo-api-token".to_owned())],
        "only what the shallow history holds: {v:#}"
    );
    assert_eq!(findings(&v)[0]["provenance"]["status"], "still-present");
    let n = notification(&v, "git-shallow").unwrap_or_else(|| panic!("no git-shallow: {v:#}"));
    assert_eq!(n["level"], "warning");
    assert!(
        n["message"]
            .as_str()
            .is_some_and(|m| m.contains("history is truncated")),
        "{n}"
    );
    assert!(
        stderr(&o).contains("history is truncated"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_bare_repository_is_scanned() {
    let mut repo = Repo::new();
    repo.write("a.env", &format!("T={DEMO_TOKEN}\n"));
    let added = repo.commit("leak");
    std::fs::remove_file(repo.path().join("a.env")).expect("rm");
    let removed = repo.commit("remove it");
    let dir = tempdir();
    git_in(
        dir.path(),
        &[
            "clone",
            "-q",
            "--bare",
            &repo.path().display().to_string(),
            "bare.git",
        ],
    );
    let bare = dir.path().join("bare.git");
    let v = json(&scan_demo(&bare, &["--git", "-f", "json"]));
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["provenance"]["commit"], added.as_str());
    assert_eq!(f[0]["provenance"]["status"], "removed");
    assert_eq!(f[0]["provenance"]["removed_in"]["commit"], removed.as_str());
    // From outside, naming the repository.
    let o = scan_demo(dir.path(), &["--git", "bare.git", "-f", "sarif"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    validate_sarif(&doc);
    assert_eq!(
        doc["runs"][0]["versionControlProvenance"][0]["revisionId"],
        removed.as_str()
    );
}

#[test]
fn lfs_pointers_are_reported_not_scanned() {
    let mut repo = Repo::new();
    let oid = "9f3c".repeat(16);
    let pointer =
        format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 52428800\n");
    repo.write("assets/model.bin", &pointer);
    repo.write(
        ".gitattributes",
        "*.bin filter=lfs diff=lfs merge=lfs -text\n",
    );
    repo.commit("an LFS file");
    let v = repo.scan_json(&["--git"]);
    assert!(findings(&v).is_empty(), "{v:#}");
    assert_eq!(
        v["summary"]["files_scanned"], 1,
        "only .gitattributes: {v:#}"
    );
    let n = notification(&v, "git-lfs-pointer").unwrap_or_else(|| panic!("no note: {v:#}"));
    assert_eq!(n["path"], "assets/model.bin");
    assert_eq!(n["level"], "note");
    // The built-in pack does not take the pointer's hash for a secret either.
    let o = nhilint(repo.path())
        .args(["scan", "--git", "-f", "json"])
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(findings(&json(&o)).is_empty());
    // Staged: the same note.
    repo.write("assets/other.bin", &pointer.replace("9f3c", "0a1b"));
    repo.git(&["add", "assets/other.bin"]);
    let v = repo.scan_json(&["--staged"]);
    let n = notification(&v, "git-lfs-pointer").unwrap_or_else(|| panic!("no note: {v:#}"));
    assert_eq!(n["path"], "assets/other.bin");
}

#[test]
fn a_real_submodule_is_reported_and_its_content_not_scanned() {
    let mut sub = Repo::new();
    sub.write("inner.env", &format!("T={DEMO_TOKEN}\n"));
    sub.commit("a secret inside the submodule");
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("init");
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        &sub.path().display().to_string(),
        "vendor/sub",
    ]);
    repo.commit("add a submodule");
    assert!(repo.path().join("vendor/sub/inner.env").exists());
    let o = repo.scan(&["--git", "-f", "json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v = json(&o);
    assert!(
        findings(&v).is_empty(),
        "the submodule is not entered: {v:#}"
    );
    let n = notification(&v, "git-submodule").unwrap_or_else(|| panic!("no note: {v:#}"));
    assert_eq!(n["path"], "vendor/sub");
    assert!(
        n["message"]
            .as_str()
            .is_some_and(|m| m.contains("not entered")),
        "{n}"
    );
}

#[test]
fn mode_changes_files_turned_directories_and_deleted_directories_are_diffed_right() {
    let mut repo = Repo::new();
    let leak = format!("T={DEMO_TOKEN}\n");
    repo.write("cfg", &leak);
    let first = repo.commit("a file");
    repo.git(&["update-index", "--chmod=+x", "cfg"]);
    repo.git(&["commit", "-q", "-m", "only the mode changes"]);
    repo.commits += 1;
    std::fs::remove_file(repo.path().join("cfg")).expect("rm");
    repo.write("cfg/inner.env", &leak);
    let moved = repo.commit("the file becomes a directory");
    repo.write("unrelated.txt", "x\n");
    repo.commit("unrelated");
    std::fs::remove_dir_all(repo.path().join("cfg")).expect("rm -r");
    let removed = repo.commit("the directory goes");

    let v = repo.scan_json(&["--git"]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "one blob, one finding: {v:#}");
    let p = &f[0]["provenance"];
    let intros: Vec<(&str, &str)> = p["provenances"]
        .as_array()
        .expect("provenances")
        .iter()
        .map(|i| {
            (
                i["commit"].as_str().unwrap_or_default(),
                i["path"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        intros,
        [(first.as_str(), "cfg"), (moved.as_str(), "cfg/inner.env")],
        "a mode change introduces nothing: {v:#}"
    );
    assert_eq!(p["status"], "removed");
    assert_eq!(p["removed_in"]["commit"], removed.as_str(), "{v:#}");
}

#[test]
fn a_branch_scan_still_names_the_commit_of_head_that_removed_a_secret() {
    let mut repo = Repo::new();
    repo.write("app.env", &format!("T={DEMO_TOKEN}\n"));
    let added = repo.commit("leak");
    repo.git(&["branch", "feature"]);
    repo.write("app.env", "T=\n");
    let removed = repo.commit("remove it on main");
    repo.write("b.txt", "later\n");
    repo.commit("later on main");
    // Only the branch is scanned; HEAD (main) is not among the commits listed.
    let v = repo.scan_json(&["--git", "--branch", "feature"]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    let p = &f[0]["provenance"];
    assert_eq!(p["commit"], added.as_str());
    assert_eq!(p["status"], "removed");
    assert_eq!(p["removed_in"]["commit"], removed.as_str(), "{v:#}");
}
