//! `nhilint inventory`: every machine identity of the tree with its owner, credentials,
//! privileges, environments and the findings against it, as JSON, CSV or Markdown.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use super::Loc;
use super::analyze::{Analysis, Ownership, Resolved};
use crate::finding::Finding;

/// The inventory's JSON format version.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize)]
pub struct Place {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub platform: &'static str,
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Declared in the repository (false: the `default` service account or a cloud identity a
    /// CI job assumes, used here and declared elsewhere).
    pub declared: bool,
    pub location: Place,
    /// `owned`, `unknown` (computed labels or tags) or `none`.
    pub ownership: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where the owner came from, or why none counts.
    pub owner_source: String,
    pub privilege: &'static str,
    pub grants: Vec<GrantEntry>,
    pub credentials: Vec<Item>,
    pub workloads: Vec<Item>,
    pub environments: Vec<String>,
    pub findings: Vec<FindingRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GrantEntry {
    pub role: String,
    pub privilege: &'static str,
    pub scope: String,
    pub location: Place,
}

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub what: String,
    pub location: Place,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingRef {
    pub rule_id: String,
    pub severity: String,
    pub location: Place,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Inventory {
    pub version: u32,
    pub identities: Vec<Entry>,
    pub summary: Summary,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub identities: usize,
    pub declared: usize,
    pub ownerless: usize,
    pub owner_unknown: usize,
    pub admin: usize,
    pub with_credentials: usize,
    pub with_findings: usize,
}

/// Builds the inventory; `relative` turns scan paths into paths relative to the scan root.
pub fn build(
    analysis: &Analysis,
    findings: &[Finding],
    relative: &dyn Fn(&str) -> String,
) -> Inventory {
    let place = |loc: &Loc| Place {
        file: relative(&loc.path),
        line: loc.line,
        column: loc.column,
    };
    let mut summary = Summary::default();
    let identities: Vec<Entry> = analysis
        .identities
        .iter()
        .map(|r| {
            let entry = entry(r, findings, &place);
            summary.identities += 1;
            summary.declared += usize::from(entry.declared);
            summary.ownerless += usize::from(entry.ownership == "none" && entry.declared);
            summary.owner_unknown += usize::from(entry.ownership == "unknown");
            summary.admin += usize::from(entry.privilege == "admin");
            summary.with_credentials += usize::from(!entry.credentials.is_empty());
            summary.with_findings += usize::from(!entry.findings.is_empty());
            entry
        })
        .collect();
    Inventory {
        version: VERSION,
        identities,
        summary,
    }
}

fn entry(r: &Resolved, findings: &[Finding], place: &dyn Fn(&Loc) -> Place) -> Entry {
    let id = &r.identity;
    let (ownership, owner, owner_source) = match &r.ownership {
        Ownership::Owned(o) => (
            "owned",
            Some(o.owner.clone()),
            match &o.at {
                Some((path, line)) => {
                    let file = place(&Loc {
                        path: path.clone(),
                        ..id.loc.clone()
                    })
                    .file;
                    format!("{} at {file}:{line}", o.source)
                }
                None => o.source.clone(),
            },
        ),
        Ownership::Unknown(why) => ("unknown", None, why.clone()),
        Ownership::None(notes) if notes.is_empty() => ("none", None, "no owner found".to_owned()),
        Ownership::None(notes) => ("none", None, notes.join("; ")),
    };
    // Findings against the identity: at its declaration, its grants, credentials and uses, or
    // about it by key (the identity rules).
    let mut places: BTreeSet<(&str, u32)> = BTreeSet::new();
    places.insert((&id.loc.path, id.loc.line));
    for g in &r.grants {
        places.insert((&g.grant.loc.path, g.grant.loc.line));
    }
    for c in &r.credentials {
        places.insert((&c.loc.path, c.loc.line));
    }
    for u in r.usages.iter().filter(|u| u.explicit) {
        places.insert((&u.loc.path, u.loc.line));
    }
    let findings = findings
        .iter()
        .filter(|f| {
            f.provenance.is_none()
                && (places.contains(&(f.path.as_str(), f.line))
                    || f.node_path
                        .as_deref()
                        .is_some_and(|p| p == id.key || p.starts_with(&format!("{}#", id.key))))
        })
        .map(|f| FindingRef {
            rule_id: f.rule_id.clone(),
            severity: f.severity.to_string(),
            location: Place {
                file: place(&Loc {
                    path: f.path.clone(),
                    line: f.line,
                    column: f.column,
                    end_line: f.end_line,
                    end_column: f.end_column,
                    start: 0,
                    end: 0,
                })
                .file,
                line: f.line,
                column: f.column,
            },
            message: f.message.clone(),
        })
        .collect();
    Entry {
        platform: id.platform,
        kind: id.kind.clone(),
        name: id.name.clone(),
        namespace: id.namespace.clone(),
        declared: !id.implicit,
        location: place(&id.loc),
        ownership,
        owner,
        owner_source,
        privilege: r.privilege.as_str(),
        grants: r
            .grants
            .iter()
            .map(|g| GrantEntry {
                role: g.grant.role.clone(),
                privilege: g.privilege.as_str(),
                scope: g.grant.scope.clone(),
                location: place(&g.grant.loc),
            })
            .collect(),
        credentials: r
            .credentials
            .iter()
            .map(|c| Item {
                what: c.kind.clone(),
                location: place(&c.loc),
            })
            .collect(),
        workloads: r
            .usages
            .iter()
            .map(|u| Item {
                what: u.workload.clone(),
                location: place(&u.loc),
            })
            .collect(),
        environments: r.environments.iter().cloned().collect(),
        findings,
    }
}

impl Inventory {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned());
        s.push('\n');
        s
    }

    /// One row per identity: the columns a spreadsheet wants.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "platform,kind,name,namespace,file,line,declared,ownership,owner,owner_source,privilege,credentials,workloads,environments,findings\n",
        );
        for e in &self.identities {
            let row = [
                e.platform.to_owned(),
                e.kind.clone(),
                e.name.clone(),
                e.namespace.clone().unwrap_or_default(),
                e.location.file.clone(),
                e.location.line.to_string(),
                e.declared.to_string(),
                e.ownership.to_owned(),
                e.owner.clone().unwrap_or_default(),
                e.owner_source.clone(),
                e.privilege.to_owned(),
                e.credentials
                    .iter()
                    .map(|c| c.what.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                e.workloads
                    .iter()
                    .map(|c| c.what.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                e.environments.join("; "),
                e.findings
                    .iter()
                    .map(|f| f.rule_id.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ];
            let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    /// A Markdown report: a summary line and one table row per identity.
    pub fn to_markdown(&self) -> String {
        let s = &self.summary;
        let mut out = String::from("# Machine identity inventory\n\n");
        let _ = writeln!(
            out,
            "{} identities ({} declared here): {} without an owner, {} whose owner cannot be read, {} with admin privileges, {} with static credentials, {} with findings.\n",
            s.identities,
            s.declared,
            s.ownerless,
            s.owner_unknown,
            s.admin,
            s.with_credentials,
            s.with_findings
        );
        out.push_str("| identity | kind | declared at | owner | privilege | credentials | used by | environments | findings |\n");
        out.push_str("|---|---|---|---|---|---|---|---|---|\n");
        for e in &self.identities {
            let name = match &e.namespace {
                Some(ns) => format!("{ns}/{}", e.name),
                None => e.name.clone(),
            };
            let owner = match (&e.owner, e.ownership) {
                (Some(o), _) => format!("{o} ({})", e.owner_source),
                (None, "unknown") => format!("unknown ({})", e.owner_source),
                (None, _) => format!("**none** ({})", e.owner_source),
            };
            let cells = [
                format!("`{name}`"),
                format!("{} {}", e.platform, e.kind),
                format!(
                    "{}:{}{}",
                    e.location.file,
                    e.location.line,
                    if e.declared { "" } else { " (used)" }
                ),
                owner,
                e.privilege.to_owned(),
                e.credentials
                    .iter()
                    .map(|c| c.what.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                e.workloads
                    .iter()
                    .map(|c| c.what.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                e.environments.join(", "),
                e.findings
                    .iter()
                    .map(|f| format!("`{}`", f.rule_id))
                    .collect::<Vec<_>>()
                    .join(", "),
            ];
            let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out
    }
}

/// A CSV cell (RFC 4180), with spreadsheet formula injection defused.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_cell("=cmd()"), "'=cmd()");
        assert_eq!(csv_cell("plain"), "plain");
    }
}
