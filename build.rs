//! Embeds every `rules/**/*.yaml` file into the binary, in sorted path order, so the built-in pack
//! is part of the build and a changed rule file rebuilds the crate.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// The commit the sources are checked out at, read from `.git` without running git (a worktree's
/// `.git` file and packed refs included), or `NHILINT_COMMIT` when set; empty when unknown (a
/// crates.io source). `nhilint init` pins its workflow's `uses:` of nhilint's action to it.
fn git_commit(root: &std::path::Path) -> String {
    println!("cargo::rerun-if-env-changed=NHILINT_COMMIT");
    if let Ok(c) = std::env::var("NHILINT_COMMIT") {
        return c;
    }
    let is_sha = |s: &str| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let dot_git = root.join(".git");
    let git_dir = if dot_git.is_file() {
        match std::fs::read_to_string(&dot_git) {
            Ok(t) => match t.trim().strip_prefix("gitdir:") {
                Some(d) => root.join(d.trim()),
                None => return String::new(),
            },
            Err(_) => return String::new(),
        }
    } else {
        dot_git
    };
    let common = std::fs::read_to_string(git_dir.join("commondir"))
        .map_or_else(|_| git_dir.clone(), |c| git_dir.join(c.trim()));
    let head_path = git_dir.join("HEAD");
    println!("cargo::rerun-if-changed={}", head_path.display());
    let Ok(head) = std::fs::read_to_string(&head_path) else {
        return String::new();
    };
    let head = head.trim();
    if is_sha(head) {
        return head.to_owned();
    }
    let Some(reference) = head.strip_prefix("ref:").map(str::trim) else {
        return String::new();
    };
    let loose = common.join(reference);
    println!("cargo::rerun-if-changed={}", loose.display());
    if let Ok(sha) = std::fs::read_to_string(&loose)
        && is_sha(sha.trim())
    {
        return sha.trim().to_owned();
    }
    let packed = common.join("packed-refs");
    println!("cargo::rerun-if-changed={}", packed.display());
    std::fs::read_to_string(packed)
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                let (sha, name) = l.split_once(' ')?;
                (name == reference && is_sha(sha)).then(|| sha.to_owned())
            })
        })
        .unwrap_or_default()
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo::rustc-env=NHILINT_COMMIT={}", git_commit(&root));
    // Another directory of rule files in place of `rules/`: for scripts/bench-rules.sh, which
    // builds nhilint with only the first N secret rules built in, so that both sides of its
    // comparison load their pack the same way (a pack given with `--rules` is checked and
    // compiled as it loads; the built-in pack compiles each rule when it is first needed).
    println!("cargo::rerun-if-env-changed=NHILINT_BUILTIN_RULES");
    let rules =
        std::env::var_os("NHILINT_BUILTIN_RULES").map_or_else(|| root.join("rules"), PathBuf::from);
    println!("cargo::rerun-if-changed={}", rules.display());
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut code = String::from(
        "/// Built-in rule files: (path relative to `rules/`, contents, the same as JSON with the line\n/// of each rule, when the file parses).\npub static BUILTIN_RULE_FILES: &[(&str, &str, BuiltinJson)] = &[\n",
    );
    for (i, file) in files.iter().enumerate() {
        println!("cargo::rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(&rules)
            .expect("collected under rules/")
            .to_string_lossy()
            .replace('\\', "/");
        let json = std::fs::read_to_string(file).ok().and_then(|t| as_json(&t));
        let json = match json {
            Some((json, lines)) => {
                let path = out_dir.join(format!("rules-{i}.json"));
                std::fs::write(&path, json).expect("OUT_DIR is writable");
                format!(
                    "Some((include_str!({:?}), &{lines:?}))",
                    path.display().to_string()
                )
            }
            None => "None".to_owned(),
        };
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?}), {json}),",
            file.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("builtin_rules.rs"), code).expect("OUT_DIR is writable");
}

/// A rule file as JSON, and the line of each rule. The YAML parser costs about 140 instructions
/// a byte and a JSON parser a tenth of that: the built-in pack loads on every run, and its YAML
/// was the largest part of start-up. `None` when the file does not parse: the binary then reads
/// the YAML, which reports the error with its position.
fn as_json(text: &str) -> Option<(String, Vec<u32>)> {
    let value: serde_json::Value = serde_saphyr::from_str(text).ok()?;
    let spans: std::collections::BTreeMap<
        String,
        Vec<serde_saphyr::Spanned<serde::de::IgnoredAny>>,
    > = serde_saphyr::from_str(text).ok()?;
    let lines = spans
        .get("rules")
        .map(|rules| {
            rules
                .iter()
                .map(|r| u32::try_from(r.referenced.line()).unwrap_or(0))
                .collect()
        })
        .unwrap_or_default();
    Some((serde_json::to_string(&value).ok()?, lines))
}
