//! Findings and notifications: what a scan produced, independent of how it is printed.

use std::fmt;

use crate::rules::{Category, Confidence, Severity};

/// A secret as reports may show it: redacted unless the user asked to see it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SecretView {
    /// A short prefix followed by `…`, never the whole secret.
    pub redacted: String,
    /// Length in characters.
    pub length: usize,
    /// The whole secret, present only with `--show-secrets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Why a finding does not count.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Suppressed {
    /// `inSource` (a comment next to it) or `external` (config, baseline).
    pub kind: SuppressionKind,
    pub justification: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum SuppressionKind {
    #[serde(rename = "inSource")]
    InSource,
    #[serde(rename = "external")]
    External,
}

/// One problem found at one place.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub message: String,
    /// Path as the scan saw it, `/`-separated, relative when the scan root was.
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// The first line of the finding with the secret masked, for snippets; cut to a window
    /// around the secret when the line is long.
    pub snippet: String,
    /// Column (1-based) of the snippet's first character in its line: 1 unless the line was cut.
    #[serde(skip)]
    pub snippet_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretView>,
    pub fingerprint: String,
    /// Keyed hash of the secret alone (no rule, no path), for secret findings: what a baseline
    /// recognises a secret by after the file moves.
    #[serde(skip)]
    pub secret_hash: Option<String>,
    /// Where a structural finding sits in its document's tree (`jobs.build.permissions`), for
    /// findings about a node rather than a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_path: Option<String>,
    pub tags: Vec<String>,
    /// The credential does not expire by itself (OWASP NHI7), by its format or its claims.
    pub long_lived: bool,
    /// What an offline validator established (`checksum valid`, `JWT without exp`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
    /// Where the content came from when it is not the working tree: a commit or the index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// Where a finding in git content comes from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    /// `commit` (history) or `staged` (the index).
    pub kind: ProvenanceKind,
    /// The first (oldest) commit that introduced the content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Author date, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Path of the content in that commit (or in the index).
    pub path: String,
    /// Commits that introduced content with this finding, at any path.
    pub commits: u64,
    /// Distinct paths that content was introduced at.
    pub paths: u64,
    /// Whether the secret is still in HEAD's tree: `still-present`, `removed` or
    /// `not-on-default-branch`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Presence>,
    /// For `removed`: the commit of HEAD's history whose tree no longer holds the secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_in: Option<CommitInfo>,
    /// For `not-on-default-branch`: the refs whose history holds it (at most
    /// [`MAX_PROVENANCES`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_on: Vec<String>,
    /// Every (commit, path) that introduced the content, oldest first; the first is the one
    /// above. At most [`MAX_PROVENANCES`]; `provenances_total` counts them all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provenances: Vec<Introduction>,
    #[serde(skip_serializing_if = "is_zero")]
    pub provenances_total: u64,
}

impl Provenance {
    /// `only_on` for a sentence: `refs/heads/a, refs/heads/b, refs/heads/c and 3 more refs`.
    pub fn only_on_text(&self) -> String {
        const SHOWN: usize = 3;
        let mut s = self
            .only_on
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(more) = self.only_on.len().checked_sub(SHOWN).filter(|n| *n > 0) {
            s = format!(
                "{s} and {more} more ref{}",
                if more == 1 { "" } else { "s" }
            );
        }
        s
    }
}

/// How many introductions (and refs) a finding lists; the totals are always exact.
pub const MAX_PROVENANCES: usize = 100;

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if signature"
)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A commit, as a provenance names it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CommitInfo {
    pub commit: String,
    pub author: String,
    pub email: String,
    /// Author date, RFC 3339.
    pub date: String,
}

/// One commit that introduced the content, at one path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Introduction {
    #[serde(flatten)]
    pub commit: CommitInfo,
    pub path: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProvenanceKind {
    Commit,
    Staged,
}

/// Whether a secret found in history is still at the tip of HEAD (the default branch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    /// HEAD's tree holds the secret, at this path or another.
    StillPresent,
    /// HEAD's history held it and a later commit of that history took it out.
    Removed,
    /// Neither HEAD's tree nor its history holds it: only other refs do.
    NotOnDefaultBranch,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::StillPresent => "still-present",
            Presence::Removed => "removed",
            Presence::NotOnDefaultBranch => "not-on-default-branch",
        }
    }
}

/// The revision a git scan looked at, for SARIF's `versionControlProvenance`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct VersionControl {
    /// The default remote's URL without credentials, else the repository's `file://` URI.
    pub repository_uri: String,
    /// HEAD's commit id, if HEAD points at a commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<String>,
}

impl Finding {
    /// Sort key that makes output deterministic: path, position, rule id, then the fingerprint
    /// (two versions of a file in history can hold different secrets at the same place).
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.path,
            self.line,
            self.column,
            &self.rule_id,
            &self.fingerprint,
        )
    }

    /// What a baseline knows this finding by: for a secret, the rule and the secret's keyed hash
    /// (a move, a rename or an edit elsewhere keeps it); for a structural finding, the rule, the
    /// path and the node's path in the document; otherwise the rule, the path and the trimmed
    /// snippet. Never a line number, never the secret.
    pub fn baseline_key(&self) -> String {
        self.baseline_key_at(&self.path)
    }

    /// [`Finding::baseline_key`] with `path` standing for the finding's path: the path relative
    /// to the scan root, so the key does not depend on where the scan ran from.
    pub fn baseline_key_at(&self, path: &str) -> String {
        let mut h = blake3::Hasher::new_keyed(&BASELINE_KEY);
        h.update(self.rule_id.as_bytes());
        h.update(&[0]);
        match (&self.secret_hash, &self.node_path) {
            (Some(secret), _) => {
                h.update(b"secret\0");
                h.update(secret.as_bytes());
            }
            (None, Some(node)) => {
                h.update(b"node\0");
                h.update(path.as_bytes());
                h.update(&[0]);
                h.update(node.as_bytes());
            }
            (None, None) => {
                h.update(b"snippet\0");
                h.update(path.as_bytes());
                h.update(&[0]);
                h.update(self.snippet.trim().as_bytes());
            }
        }
        h.finalize().to_hex()[..32].to_owned()
    }
}

/// How serious a notification is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}

/// Something the user should know about the scan itself: an unreadable file, a skipped one, a
/// malformed suppression. Errors make the exit code 2.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Notification {
    pub level: Level,
    /// A stable kebab-case id of the kind of notification (`file-unreadable`, ...).
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Notification {
    pub fn new(level: Level, code: &'static str, message: impl Into<String>) -> Self {
        Notification {
            level,
            code,
            message: message.into(),
            path: None,
            line: None,
            column: None,
        }
    }

    #[must_use]
    pub fn at(mut self, path: impl Into<String>, line: Option<u32>, column: Option<u32>) -> Self {
        self.path = Some(path.into());
        self.line = line;
        self.column = column;
        self
    }
}

/// Domain separation for fingerprints: a keyed hash, so a fingerprint cannot be checked against
/// a guessed secret with a plain hash function.
const FINGERPRINT_KEY: [u8; 32] = *b"nhilint fingerprint v1 key 2026!";

/// A content-based fingerprint: rule id, path and the matched content. No line numbers (it
/// survives edits elsewhere in the file) and never the secret itself (it is hashed).
pub fn fingerprint(rule_id: &str, path: &str, content: &[u8]) -> String {
    let mut h = blake3::Hasher::new_keyed(&FINGERPRINT_KEY);
    h.update(rule_id.as_bytes());
    h.update(&[0]);
    h.update(path.as_bytes());
    h.update(&[0]);
    h.update(content);
    h.finalize().to_hex()[..32].to_owned()
}

/// Domain separation for secret hashes and baseline keys.
const SECRET_KEY: [u8; 32] = *b"nhilint secret hash v1 key 2026!";
const BASELINE_KEY: [u8; 32] = *b"nhilint baseline key v1 2026 ok!";

/// A keyed hash of a secret alone, so the same secret is recognised at any path.
pub fn secret_hash(secret: &[u8]) -> String {
    blake3::keyed_hash(&SECRET_KEY, secret).to_hex()[..32].to_owned()
}

/// Characters of a secret that redaction keeps visible: at most 4, and at most a quarter of it.
pub fn visible_prefix_len(chars: usize) -> usize {
    (chars / 4).min(4)
}

/// The redacted view of a secret.
pub fn redact(secret: &[u8], show: bool) -> SecretView {
    let text = String::from_utf8_lossy(secret);
    let length = text.chars().count();
    let prefix: String = text.chars().take(visible_prefix_len(length)).collect();
    SecretView {
        redacted: format!("{prefix}…"),
        length,
        value: show.then(|| text.into_owned()),
    }
}

/// `line` with every byte range in `secrets` (relative to the line) masked by `*` after a
/// visible prefix, keeping the character count so columns stay right. Masking every secret on
/// the line, not only the finding's own, keeps a neighbour's secret out of the snippet.
pub fn mask_line(line: &[u8], secrets: &[std::ops::Range<usize>]) -> String {
    let mut spans: Vec<std::ops::Range<usize>> = secrets
        .iter()
        .map(|r| r.start.min(line.len())..r.end.min(line.len()))
        .filter(|r| !r.is_empty())
        .collect();
    spans.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for r in spans {
        let start = r.start.max(at);
        if start >= r.end {
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&line[at..start]));
        let middle = String::from_utf8_lossy(&line[start..r.end]);
        let chars = middle.chars().count();
        let keep = if start == r.start {
            visible_prefix_len(chars)
        } else {
            0
        };
        out.extend(middle.chars().take(keep));
        out.extend(std::iter::repeat_n('*', chars - keep));
        at = r.end;
    }
    out.push_str(&String::from_utf8_lossy(&line[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_content_based() {
        let a = fingerprint("r", "p", b"secret-value");
        assert_eq!(a, fingerprint("r", "p", b"secret-value"));
        assert_eq!(a.len(), 32);
        assert_ne!(a, fingerprint("r", "p2", b"secret-value"));
        assert_ne!(a, fingerprint("r2", "p", b"secret-value"));
        assert_ne!(a, fingerprint("r", "p", b"other-value"));
        assert!(!a.contains("secret"));
    }

    #[test]
    fn redaction_keeps_a_short_prefix() {
        let v = redact(b"tok_R7sWq2nZ0kLm4XyT8bVc1dHf6JgA9pEu3Qi5", false);
        assert_eq!(v.redacted, "tok_…");
        assert_eq!(v.length, 40);
        assert!(v.value.is_none());
        assert_eq!(redact(b"hunter2", false).redacted, "h…");
        assert_eq!(redact(b"abc", false).redacted, "…");
        assert_eq!(redact(b"abc", true).value.as_deref(), Some("abc"));
    }

    #[test]
    fn masking_keeps_columns() {
        let line = "pw = 'sécr3tValue' # x".as_bytes();
        let start = "pw = '".len();
        let end = start + "sécr3tValue".len();
        let spans = [std::ops::Range { start, end }];
        let masked = mask_line(line, &spans);
        assert_eq!(masked, "pw = 'sé*********' # x");
        assert_eq!(
            masked.chars().count(),
            "pw = 'sécr3tValue' # x".chars().count()
        );
    }

    #[test]
    fn masking_covers_every_secret_on_the_line() {
        let line = b"a=Secret1Value b=Other2Value";
        let masked = mask_line(line, &[17..28, 2..14]);
        assert_eq!(masked, "a=Sec********* b=Ot*********");
        assert_eq!(mask_line(b"abcdefgh", &[0..8, 2..4]), "ab******");
    }
}
