//! `nhilint init`: the files a repository needs to adopt nhilint — a commented `.nhilint.yaml`,
//! a `.pre-commit-config.yaml` entry and a GitHub workflow that uploads SARIF to code scanning.
//! An existing file is never replaced; an existing pre-commit config only gets the entry appended,
//! and only when the result still parses to the same document plus that entry.
//!
//! Not here: printing what happened (`main.rs`).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::config;

/// Where pre-commit looks for its configuration.
pub const PRECOMMIT_FILE: &str = ".pre-commit-config.yaml";

/// The workflow `init` writes.
pub const WORKFLOW_FILE: &str = ".github/workflows/nhilint.yml";

const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commented configuration: every key `config.rs` accepts, at its default.
pub const CONFIG_TEMPLATE: &str = r#"# nhilint configuration, written by `nhilint init`. Every key is optional; the values below are
# the defaults. `nhilint scan` reads this file from the root of the scan.

# Paths never scanned: gitignore-style globs, relative to this directory.
exclude: []
# exclude: ["vendor/**", "**/*.min.js"]

# Lowest confidence reported: low | medium | high.
min-confidence: medium

# Lowest severity that fails the scan (exit code 1): low | medium | high | critical.
fail-on: low

# Larger files are skipped and reported: a size such as 10MiB, 512K or 1000 (bytes); 0 = no limit.
max-file-size: 10MiB

# A JWT valid for longer than this many days, or without `exp`, is flagged long-lived (OWASP NHI7).
jwt-max-lifetime-days: 90

rules:
  # Rule ids to turn off (`nhilint rules list` shows them, `nhilint rules explain ID` explains one).
  disable: []
  # Severity overrides by rule id: low | medium | high | critical.
  severity: {}
  # severity: { generic-password-assignment: low }

# Findings recorded by `nhilint baseline write` are not reported again; new ones are. The path is
# relative to this file; `nhilint scan --baseline FILE` wins over it.
# baseline: .nhilint-baseline.json

# Accepted findings, each with a reason, an owner and an expiry date (YYYY-MM-DD); after that date
# the finding is reported again. An exception matches by `rule` (id), `path` (gitignore-style
# glob) and/or `fingerprint` (from the JSON or SARIF output, or a baseline key): all that are
# given must match. `nhilint exceptions` lists them with the days left and what each suppresses;
# `--allow-permanent-exceptions` lets `expires` be left out.
exceptions: []
# exceptions:
#   - rule: generic-password-assignment
#     path: "docs/examples/**"
#     reason: placeholder passwords in the tutorial, not real credentials
#     owner: docs-team
#     expires: 2026-12-31
"#;

/// The `repos:` entry that runs nhilint's pre-commit hook.
pub fn precommit_entry(indent: &str) -> String {
    format!(
        "{indent}- repo: {REPOSITORY}\n{indent}  rev: v{VERSION}\n{indent}  hooks:\n{indent}    - id: nhilint # builds nhilint with cargo on first use; `nhilint-system` uses the one on PATH\n"
    )
}

/// A new `.pre-commit-config.yaml`.
pub fn precommit_template() -> String {
    format!(
        "# pre-commit (https://pre-commit.com) hooks, written by `nhilint init`. Run `pre-commit install`\n# once; every commit then runs `nhilint scan --staged` and is blocked if it adds a secret.\nrepos:\n{}",
        precommit_entry("  ")
    )
}

/// `actions/checkout` as our own workflows pin it: a commit SHA and its tag.
pub const CHECKOUT: &str = "692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7";
/// `github/codeql-action/upload-sarif` as `action.yml` pins it.
pub const UPLOAD_SARIF: &str = "c36620d31ac7c881962c3d9dd939c40ec9434f2b # v3.26.12";

/// The commit nhilint was built from (empty when unknown): the workflow pins nhilint's action to
/// it.
pub const ACTION_COMMIT: &str = env!("NHILINT_COMMIT");

/// `owner/repo` of nhilint's repository, as `uses:` names its action.
fn action_slug() -> &'static str {
    REPOSITORY
        .strip_prefix("https://github.com/")
        .unwrap_or(REPOSITORY)
        .trim_end_matches('/')
        .trim_end_matches(".git")
}

/// The GitHub workflow: nhilint's action pinned to the commit this binary was built from (SARIF
/// upload, annotations, job summary, a gate after the upload); without a known commit, the same
/// steps written out (install with cargo, scan, upload even when the scan fails).
pub fn workflow_template() -> String {
    if ACTION_COMMIT.len() == 40 {
        return action_workflow(action_slug(), ACTION_COMMIT);
    }
    steps_workflow()
}

/// A workflow with one `scan` job: `comment` (lines without `# `) on top, `steps` after the
/// pinned checkout.
fn workflow(comment: &str, fetch_all: bool, steps: &str) -> String {
    let mut out = String::new();
    for line in comment.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    let fetch = if fetch_all {
        "\n          fetch-depth: 0 # pr mode reads the pull request's base commit"
    } else {
        ""
    };
    let _ = write!(
        out,
        r"name: nhilint

on:
  push:
    branches: [main, master]
  pull_request:

permissions: {{}}

concurrency:
  group: ${{{{ github.workflow }}}}-${{{{ github.ref }}}}
  cancel-in-progress: true

jobs:
  scan:
    name: nhilint
    runs-on: ubuntu-latest
    permissions:
      contents: read # check out the code
      security-events: write # upload SARIF to code scanning
    steps:
      - uses: actions/checkout@{CHECKOUT}
        with:
          persist-credentials: false{fetch}
"
    );
    out.push_str(steps);
    out
}

fn action_workflow(slug: &str, commit: &str) -> String {
    workflow(
        "nhilint, written by `nhilint init`: scans the repository for secrets, ownerless machine
identities and standing privileges, uploads the results to GitHub code scanning
(Security > Code scanning), annotates the changes and writes a job summary. A finding at or
above `fail-on` fails the job after the upload. Actions are pinned to commit SHAs (the comment
names the tag).",
        true,
        &format!(
            r"      - uses: {slug}@{commit} # v{VERSION}
        with:
          mode: ${{{{ github.event_name == 'pull_request' && 'pr' || 'tree' }}}}
          fail-on: low
"
        ),
    )
}

fn steps_workflow() -> String {
    workflow(
        "nhilint, written by `nhilint init`: scans the repository for secrets and uploads the results to
GitHub code scanning (Security > Code scanning). A finding fails the job after the upload.
The actions are pinned to commit SHAs (the comment names the tag); nhilint's own action
(`uses: nhilint/nhilint@<commit SHA>`) adds annotations and a job summary.",
        false,
        &format!(
            r"      - name: Install nhilint
        run: cargo install --locked --git {REPOSITORY} --tag v{VERSION} nhilint
      - name: Scan
        run: nhilint scan --format sarif --output nhilint.sarif
      - name: Upload to code scanning
        if: ${{{{ !cancelled() && hashFiles('nhilint.sarif') != '' }}}}
        uses: github/codeql-action/upload-sarif@{UPLOAD_SARIF}
        with:
          sarif_file: nhilint.sarif
          category: nhilint
"
        ),
    )
}

/// What happened to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Written,
    /// The file exists and was left as it is.
    Exists,
    /// The pre-commit config existed without nhilint; the entry was appended.
    Appended,
    /// The pre-commit config already names this repository.
    AlreadyConfigured,
    /// The pre-commit config could not be extended safely: the entry to add by hand.
    AddByHand(String),
}

/// What `init` did to each file, in order.
#[derive(Clone, Debug)]
pub struct Done {
    pub path: PathBuf,
    pub outcome: Outcome,
}

/// Writes the three files under `root`, never replacing one that exists.
pub fn run(root: &Path) -> io::Result<Vec<Done>> {
    let mut done = Vec::new();
    let config = root.join(config::FILE_NAME);
    done.push(Done {
        outcome: create(&config, CONFIG_TEMPLATE)?,
        path: config,
    });
    let precommit = root.join(PRECOMMIT_FILE);
    let outcome = match std::fs::read_to_string(&precommit) {
        Ok(text) => match append_precommit(&text) {
            Append::AlreadyThere => Outcome::AlreadyConfigured,
            Append::ByHand => Outcome::AddByHand(precommit_entry("  ")),
            Append::Text(added) => {
                let mut f = std::fs::OpenOptions::new().append(true).open(&precommit)?;
                f.write_all(added.as_bytes())?;
                Outcome::Appended
            }
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => create(&precommit, &precommit_template())?,
        Err(e) => return Err(e),
    };
    done.push(Done {
        path: precommit,
        outcome,
    });
    let workflow = root.join(WORKFLOW_FILE);
    if let Some(dir) = workflow.parent() {
        std::fs::create_dir_all(dir)?;
    }
    done.push(Done {
        outcome: create(&workflow, &workflow_template())?,
        path: workflow,
    });
    Ok(done)
}

/// Creates `path` with `text`, or leaves an existing file alone.
fn create(path: &Path, text: &str) -> io::Result<Outcome> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut f) => {
            f.write_all(text.as_bytes())?;
            Ok(Outcome::Written)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(Outcome::Exists),
        Err(e) => Err(e),
    }
}

/// How to add the nhilint entry to an existing pre-commit config.
#[derive(Debug, PartialEq, Eq)]
enum Append {
    AlreadyThere,
    /// Text to append at the end of the file.
    Text(String),
    ByHand,
}

fn parse_yaml(text: &str) -> Option<serde_json::Value> {
    serde_saphyr::from_str(text).ok()
}

/// The text that appends the entry to `existing`'s top-level `repos:` block list, when that list
/// is the last thing in the file and the result parses to the same document plus the entry.
fn append_precommit(existing: &str) -> Append {
    let Some(before) = parse_yaml(existing) else {
        return Append::ByHand;
    };
    let repos = before.get("repos").and_then(serde_json::Value::as_array);
    if repos.is_some_and(|r| {
        r.iter()
            .any(|e| e.get("repo").and_then(|u| u.as_str()) == Some(REPOSITORY))
    }) {
        return Append::AlreadyThere;
    }
    let lines: Vec<&str> = existing.lines().collect();
    let Some(at) = lines
        .iter()
        .position(|l| l.split('#').next().unwrap_or_default().trim_end() == "repos:")
    else {
        return Append::ByHand;
    };
    let content = |l: &&str| {
        let t = l.trim_start();
        !t.is_empty() && !t.starts_with('#')
    };
    let after: Vec<&str> = lines[at + 1..].iter().copied().filter(content).collect();
    // Anything at column 0 after `repos:` other than a list item is another key.
    if after
        .iter()
        .any(|l| !l.starts_with([' ', '\t']) && !l.starts_with("- "))
    {
        return Append::ByHand;
    }
    let indent = after
        .iter()
        .find(|l| l.trim_start().starts_with("- "))
        .map_or("  ", |l| &l[..l.len() - l.trim_start().len()]);
    let mut added = String::new();
    if !existing.is_empty() && !existing.ends_with('\n') {
        added.push('\n');
    }
    added.push_str(&precommit_entry(indent));
    let Some(after_doc) = parse_yaml(&format!("{existing}{added}")) else {
        return Append::ByHand;
    };
    let mut expected = before;
    let Some(obj) = expected.as_object_mut() else {
        return Append::ByHand;
    };
    let entry = serde_json::json!({
        "repo": REPOSITORY,
        "rev": format!("v{VERSION}"),
        "hooks": [{ "id": "nhilint" }],
    });
    match obj.get_mut("repos") {
        Some(serde_json::Value::Array(list)) => list.push(entry),
        Some(serde_json::Value::Null) => {
            obj.insert("repos".to_owned(), serde_json::Value::Array(vec![entry]));
        }
        _ => return Append::ByHand,
    }
    if after_doc == expected {
        Append::Text(added)
    } else {
        Append::ByHand
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse() {
        assert!(parse_yaml(CONFIG_TEMPLATE).is_some());
        assert!(parse_yaml(&workflow_template()).is_some());
        let action = action_workflow("nhilint/nhilint", &"a".repeat(40));
        let parsed = parse_yaml(&action).expect("yaml");
        let steps = &parsed["jobs"]["scan"]["steps"];
        assert_eq!(
            steps[1]["uses"],
            format!("nhilint/nhilint@{}", "a".repeat(40)),
            "{action}"
        );
        assert!(action.contains(&format!("# v{VERSION}")), "{action}");
        assert!(parse_yaml(&steps_workflow()).is_some());
        assert_eq!(action_slug(), "nhilint/nhilint");
        let pc = parse_yaml(&precommit_template()).expect("yaml");
        assert_eq!(pc["repos"][0]["repo"], REPOSITORY);
        assert_eq!(pc["repos"][0]["hooks"][0]["id"], "nhilint");
    }

    #[test]
    fn appends_to_a_block_list_at_its_indentation() {
        let existing = "repos:\n- repo: https://example.com/x\n  rev: v1\n  hooks:\n  - id: x\n";
        let Append::Text(added) = append_precommit(existing) else {
            panic!("appends");
        };
        assert!(added.starts_with("- repo: "), "{added}");
        let indented = "# c\nrepos:\n  - repo: local\n    hooks: []\n\n# end\n";
        assert!(
            matches!(append_precommit(indented), Append::Text(t) if t.starts_with("  - repo: "))
        );
        assert!(matches!(append_precommit("repos:\n"), Append::Text(_)));
    }

    #[test]
    fn leaves_what_it_cannot_extend_safely() {
        assert_eq!(append_precommit("repos: []\n"), Append::ByHand);
        assert_eq!(
            append_precommit("repos:\n  - repo: local\n    hooks: []\nci:\n  autofix: false\n"),
            Append::ByHand
        );
        assert_eq!(append_precommit("repos: [\n"), Append::ByHand);
        assert_eq!(
            append_precommit("default_stages: [pre-commit]\n"),
            Append::ByHand
        );
        let ours = format!("repos:\n{}", precommit_entry("  "));
        assert_eq!(append_precommit(&ours), Append::AlreadyThere);
    }
}
