//! What cloud policies and roles allow, summarised as a [`Privilege`]: AWS policy documents (as
//! JSON, `jsonencode`, CloudFormation or `aws_iam_policy_document` statements), AWS managed
//! policy ARNs, GCP roles and Azure role names.

use super::{Doc, Privilege};
use crate::document::tree::{NodeId, Tree, Value};

/// Verbs of read-only AWS actions (`s3:GetObject`, `ec2:DescribeInstances`).
const READ_VERBS: &[&str] = &[
    "Get", "List", "Describe", "Head", "Query", "Scan", "Select", "BatchGet", "View", "Search",
    "Lookup", "Read", "Check", "Validate", "Detect", "Estimate", "Preview",
];

/// IAM and STS actions that let the holder give itself more (or become someone else).
const ESCALATING: &[&str] = &[
    "iam:*",
    "iam:passrole",
    "iam:createaccesskey",
    "iam:createpolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:attachrolepolicy",
    "iam:attachuserpolicy",
    "iam:putrolepolicy",
    "iam:putuserpolicy",
    "iam:updateassumerolepolicy",
    "iam:createloginprofile",
    "iam:updateloginprofile",
    "sts:*",
];

/// One AWS action's level on its resources.
fn action_privilege(action: &str, any_resource: bool) -> Privilege {
    let lower = action.to_ascii_lowercase();
    if lower == "*" || lower == "*:*" {
        return if any_resource {
            Privilege::Admin
        } else {
            Privilege::Write
        };
    }
    if any_resource && ESCALATING.contains(&lower.as_str()) {
        return Privilege::Admin;
    }
    let verb = action.split_once(':').map_or(action, |(_, v)| v);
    if verb.is_empty() || verb.starts_with('*') {
        return Privilege::Write;
    }
    if READ_VERBS.iter().any(|r| verb.starts_with(r)) {
        Privilege::Read
    } else {
        Privilege::Write
    }
}

/// The first entry of a mapping under any of `keys` (CloudFormation and JSON write `Action`,
/// `aws_iam_policy_document` writes `actions`).
fn field(doc: &Doc, map: NodeId, keys: &[&str]) -> Option<NodeId> {
    keys.iter().find_map(|k| doc.at(map, &[k]))
}

/// Literal strings of a string-or-list value; `None` when any item is computed.
fn strings(doc: &Doc, id: NodeId) -> Option<Vec<String>> {
    doc.items(id).into_iter().map(|i| doc.literal(i)).collect()
}

/// What an AWS policy document at `id` allows: a document map (`Statement`), a string holding
/// JSON, or `Unknown` for anything computed.
pub(super) fn aws_policy(doc: &Doc, id: NodeId) -> Privilege {
    let id = doc.tree.resolve(id);
    let node = doc.tree.node(id);
    if let Value::Str(text) = &node.value {
        if node.tag.is_some() && node.tag.as_deref() != Some("heredoc") {
            return Privilege::Unknown;
        }
        // A policy written as a JSON string: read it on its own.
        let Ok(tree) = crate::document::yaml::parse(text) else {
            return Privilege::Unknown;
        };
        let Some(&root) = tree.docs.first() else {
            return Privilege::Unknown;
        };
        return aws_policy_tree(&tree, root);
    }
    statements(
        doc,
        doc.at(id, &["Statement"])
            .or_else(|| doc.at(id, &["statement"])),
    )
}

fn aws_policy_tree(tree: &Tree, root: NodeId) -> Privilege {
    let doc = Doc {
        tree,
        text: b"",
        index: crate::document::span::LineIndex::new(b""),
        path: "",
        owner_keys: &[],
    };
    statements(&doc, doc.at(root, &["Statement"]))
}

/// The most any Allow statement in `list` grants; `aws_iam_policy_document` `statement` blocks
/// read the same way (lower-case keys, `effect` defaulting to Allow).
pub(super) fn statements(doc: &Doc, list: Option<NodeId>) -> Privilege {
    let Some(list) = list else {
        return Privilege::Unknown;
    };
    let mut most = Privilege::None;
    for statement in doc.items(list) {
        if !doc.is_map(statement) {
            most = most.max(Privilege::Unknown);
            continue;
        }
        let effect = field(doc, statement, &["Effect", "effect"]).map(|e| doc.literal(e));
        match effect {
            Some(Some(e)) if e.eq_ignore_ascii_case("deny") => continue,
            Some(None) => {
                most = most.max(Privilege::Unknown);
                continue;
            }
            _ => {}
        }
        let resources = field(
            doc,
            statement,
            &["Resource", "resources", "NotResource", "not_resources"],
        )
        .and_then(|r| strings(doc, r));
        let any_resource = resources
            .as_ref()
            .is_some_and(|r| r.iter().any(|x| x == "*"));
        let level = if let Some(actions) = field(doc, statement, &["Action", "actions"]) {
            match strings(doc, actions) {
                Some(actions) => actions
                    .iter()
                    .map(|a| action_privilege(a, any_resource))
                    .max()
                    .unwrap_or(Privilege::None),
                None => Privilege::Unknown,
            }
        } else if field(doc, statement, &["NotAction", "not_actions"]).is_some() {
            // Everything but a few actions.
            if any_resource {
                Privilege::Admin
            } else {
                Privilege::Write
            }
        } else {
            Privilege::Unknown
        };
        most = most.max(level);
    }
    most
}

/// An AWS managed policy by its ARN.
pub(super) fn aws_managed_policy(arn: &str) -> Privilege {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    match name {
        "AdministratorAccess" | "IAMFullAccess" => Privilege::Admin,
        "ReadOnlyAccess" | "ViewOnlyAccess" | "SecurityAudit" => Privilege::Read,
        _ if name.contains("ReadOnly") => Privilege::Read,
        "PowerUserAccess" => Privilege::Write,
        _ if name.ends_with("FullAccess") => Privilege::Write,
        _ => Privilege::Unknown,
    }
}

/// A GCP role (`roles/owner`, `roles/storage.admin`); custom roles are unknown.
pub(super) fn gcp_role(role: &str) -> Privilege {
    let Some(name) = role.strip_prefix("roles/") else {
        return Privilege::Unknown;
    };
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "owner" => Privilege::Admin,
        "editor" => Privilege::Write,
        "viewer" | "browser" => Privilege::Read,
        _ if lower.ends_with("admin") || lower.contains(".admin") => Privilege::Admin,
        _ if lower.ends_with("viewer") || lower.ends_with("reader") => Privilege::Read,
        _ if lower.contains("serviceaccounttokencreator")
            || lower.contains("serviceaccountuser")
            || lower.contains("workloadidentityuser") =>
        {
            Privilege::Admin
        }
        _ => Privilege::Write,
    }
}

/// An Azure built-in role by name.
pub(super) fn azure_role(name: &str) -> Privilege {
    match name {
        "Owner" | "User Access Administrator" | "Role Based Access Control Administrator" => {
            Privilege::Admin
        }
        "Contributor" => Privilege::Write,
        "Reader" => Privilege::Read,
        _ if name.ends_with(" Owner") || name.ends_with(" Administrator") => Privilege::Admin,
        _ if name.ends_with(" Reader") || name.ends_with(" Viewer") => Privilege::Read,
        _ if name.ends_with(" Contributor") || name.ends_with(" Writer") => Privilege::Write,
        _ => Privilege::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_roles() {
        assert_eq!(action_privilege("*", true), Privilege::Admin);
        assert_eq!(action_privilege("*", false), Privilege::Write);
        assert_eq!(action_privilege("iam:PassRole", true), Privilege::Admin);
        assert_eq!(action_privilege("iam:PassRole", false), Privilege::Write);
        assert_eq!(action_privilege("s3:GetObject", true), Privilege::Read);
        assert_eq!(action_privilege("ec2:Describe*", true), Privilege::Read);
        assert_eq!(action_privilege("s3:*", false), Privilege::Write);
        assert_eq!(
            aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess"),
            Privilege::Admin
        );
        assert_eq!(
            aws_managed_policy("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
            Privilege::Read
        );
        assert_eq!(gcp_role("roles/owner"), Privilege::Admin);
        assert_eq!(gcp_role("roles/storage.objectViewer"), Privilege::Read);
        assert_eq!(gcp_role("projects/p/roles/custom"), Privilege::Unknown);
        assert_eq!(azure_role("Contributor"), Privilege::Write);
        assert_eq!(azure_role("Storage Blob Data Reader"), Privilege::Read);
    }

    #[test]
    fn policy_documents() {
        let text = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Deny","Action":"*","Resource":"*"},
            {"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}"#;
        let tree = crate::document::yaml::parse(text).expect("json");
        assert_eq!(aws_policy_tree(&tree, tree.docs[0]), Privilege::Read);
        let text = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":["*"]}}"#;
        let tree = crate::document::yaml::parse(text).expect("json");
        assert_eq!(aws_policy_tree(&tree, tree.docs[0]), Privilege::Admin);
    }
}
