//! Ownership records of the repository: Backstage catalog entities and CODEOWNERS files.

use super::{Doc, Entity, Facts, OwnersRule};
use crate::document::tree::NodeId;

/// A Backstage entity (`apiVersion: backstage.io/v1alpha1`).
pub(super) fn entity(doc: &Doc, root: NodeId, facts: &mut Facts) {
    let (Some(kind), Some(name)) = (
        doc.lit(root, &["kind"]),
        doc.lit(root, &["metadata", "name"]),
    ) else {
        return;
    };
    let at = doc.at(root, &["metadata", "name"]).unwrap_or(root);
    facts.entities.push(Entity {
        kind,
        name,
        owner: doc.lit(root, &["spec", "owner"]),
        kubernetes_id: doc.lit(
            root,
            &["metadata", "annotations", "backstage.io/kubernetes-id"],
        ),
        loc: doc.loc(at),
    });
}

/// The rules of a CODEOWNERS file, in order (the last matching rule wins). GitLab section
/// headers (`[Section]`, `^[Optional]`) are skipped; a section's default owners are not applied.
pub(super) fn codeowners(text: &str) -> Vec<OwnersRule> {
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with('[')
            || line.starts_with("^[")
        {
            continue;
        }
        let line = line.split(" #").next().unwrap_or(line);
        let mut words = line.split_whitespace();
        let Some(pattern) = words.next() else {
            continue;
        };
        rules.push(OwnersRule {
            pattern: pattern.replace("\\#", "#"),
            owners: words.map(str::to_owned).collect(),
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        });
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codeowners_lines() {
        let rules = codeowners(
            "# comment\n* @org/platform\n\n[Docs]\n/infra/ @org/infra @alice # trailing\nlegacy/\n",
        );
        let got: Vec<(&str, usize, u32)> = rules
            .iter()
            .map(|r| (r.pattern.as_str(), r.owners.len(), r.line))
            .collect();
        assert_eq!(got, vec![("*", 1, 2), ("/infra/", 2, 5), ("legacy/", 0, 6)]);
    }
}
