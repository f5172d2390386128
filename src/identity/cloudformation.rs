//! CloudFormation: `AWS::IAM::User`, `AWS::IAM::Role` (inline `Policies`, `ManagedPolicyArns`),
//! `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` (with their `Roles` and `Users`), and
//! `AWS::IAM::AccessKey`. `!Ref` and `{"Ref": ..}` of a resource of the same template resolve to
//! it; a `!Ref` of a parameter, `!ImportValue` and the like stay unknown.

use super::iam;
use super::{Credential, Doc, Facts, Grant, Identity, OwnerClaim, Privilege, RoleDef};
use crate::document::tree::NodeId;

fn key(doc: &Doc, logical: &str) -> String {
    format!("cfn:{}:{logical}", doc.path)
}

/// The logical id a `!Ref X` / `{"Ref": "X"}` / `!GetAtt X.Arn` names.
fn reference(doc: &Doc, id: NodeId) -> Option<String> {
    let node = doc.tree.node(doc.tree.resolve(id));
    match node.tag.as_deref() {
        Some("!Ref") => doc.raw(id).map(|(t, _)| t.to_owned()),
        Some("!GetAtt") => doc
            .raw(id)
            .and_then(|(t, _)| t.split('.').next().map(str::to_owned)),
        _ => doc.lit(id, &["Ref"]).or_else(|| {
            let get = doc.at(id, &["Fn::GetAtt"])?;
            doc.items(get).first().and_then(|&n| doc.literal(n))
        }),
    }
}

pub(super) fn extract(doc: &Doc, root: NodeId, facts: &mut Facts) {
    let Some(resources) = doc.at(root, &["Resources"]) else {
        return;
    };
    let logical_ids: Vec<String> = doc
        .entries(resources)
        .iter()
        .map(|(k, _)| (*k).to_owned())
        .collect();
    // A reference to a resource of this template, as an identity key; `None` for parameters.
    let subject = |id: NodeId| -> Option<String> {
        let name = reference(doc, id)?;
        logical_ids.contains(&name).then(|| key(doc, &name))
    };
    for (logical, body) in doc.entries(resources) {
        let Some(ty) = doc.lit(body, &["Type"]) else {
            continue;
        };
        let props = doc.at(body, &["Properties"]);
        let prop = |name: &str| props.and_then(|p| doc.at(p, &[name]));
        let self_key = key(doc, logical);
        match ty.as_str() {
            "AWS::IAM::User" | "AWS::IAM::Role" => {
                let name_attr = if ty == "AWS::IAM::User" {
                    "UserName"
                } else {
                    "RoleName"
                };
                let tags = prop("Tags");
                facts.identities.push(Identity {
                    key: self_key.clone(),
                    platform: "aws",
                    kind: ty.clone(),
                    name: prop(name_attr)
                        .and_then(|n| doc.literal(n))
                        .unwrap_or_else(|| logical.to_owned()),
                    namespace: None,
                    loc: doc.key_loc(body),
                    owner: tag_owner(doc, tags),
                    labels: tag_labels(doc, tags),
                    cloud_identity: None,
                    implicit: false,
                    automount_disabled: false,
                    environment: doc.path_environment(),
                });
                if let Some(policies) = prop("Policies") {
                    for policy in doc.items(policies) {
                        if let Some(document) = doc.at(policy, &["PolicyDocument"]) {
                            facts.grants.push(Grant {
                                subject: self_key.clone(),
                                role: doc
                                    .lit(policy, &["PolicyName"])
                                    .unwrap_or_else(|| "inline policy".to_owned()),
                                privilege: iam::aws_policy(doc, document),
                                role_ref: None,
                                scope: "account".to_owned(),
                                loc: doc.loc(document),
                            });
                        }
                    }
                }
                if let Some(arns) = prop("ManagedPolicyArns") {
                    for arn in doc.items(arns) {
                        let (role, privilege, role_ref) = match doc.literal(arn) {
                            Some(text) => {
                                let p = iam::aws_managed_policy(&text);
                                (text, p, None)
                            }
                            None => ("(computed)".to_owned(), Privilege::Unknown, subject(arn)),
                        };
                        facts.grants.push(Grant {
                            subject: self_key.clone(),
                            role,
                            privilege,
                            role_ref,
                            scope: "account".to_owned(),
                            loc: doc.loc(arn),
                        });
                    }
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let document = prop("PolicyDocument");
                let privilege = document.map_or(Privilege::Unknown, |d| iam::aws_policy(doc, d));
                if ty == "AWS::IAM::ManagedPolicy" {
                    facts.roles.push(RoleDef {
                        key: self_key.clone(),
                        privilege,
                    });
                }
                for attr in ["Roles", "Users"] {
                    for who in prop(attr).map(|l| doc.items(l)).unwrap_or_default() {
                        if let Some(subject) = subject(who) {
                            facts.grants.push(Grant {
                                subject,
                                role: format!("{ty} {logical}"),
                                privilege,
                                role_ref: None,
                                scope: "account".to_owned(),
                                loc: doc.loc(document.unwrap_or(body)),
                            });
                        }
                    }
                }
            }
            "AWS::IAM::AccessKey" => {
                if let Some(user) = prop("UserName").and_then(subject) {
                    facts.credentials.push(Credential {
                        subject: user,
                        kind: "AWS access key".to_owned(),
                        loc: doc.key_loc(body),
                    });
                }
            }
            _ => {}
        }
    }
}

/// CloudFormation `Tags: [{Key: owner, Value: x}]`, read with the configured owner keys.
fn tag_owner(doc: &Doc, tags: Option<NodeId>) -> OwnerClaim {
    let Some(tags) = tags else {
        return OwnerClaim::Absent;
    };
    let items = doc.items(tags);
    if items.iter().any(|&t| !doc.is_map(t)) {
        return OwnerClaim::Unknown {
            reason: "`Tags` is computed".to_owned(),
        };
    }
    for owner_key in doc.owner_keys {
        for &tag in &items {
            if doc.lit(tag, &["Key"]).as_deref() == Some(owner_key.as_str()) {
                let Some(value) = doc.at(tag, &["Value"]) else {
                    continue;
                };
                return match doc.literal(value) {
                    Some(v) => OwnerClaim::Value {
                        key: owner_key.clone(),
                        value: v,
                        loc: doc.loc(value),
                    },
                    None => OwnerClaim::Unknown {
                        reason: format!("tag `{owner_key}` is computed"),
                    },
                };
            }
        }
    }
    OwnerClaim::Absent
}

fn tag_labels(doc: &Doc, tags: Option<NodeId>) -> std::collections::BTreeMap<String, String> {
    tags.map(|t| {
        doc.items(t)
            .into_iter()
            .filter_map(|tag| Some((doc.lit(tag, &["Key"])?, doc.lit(tag, &["Value"])?)))
            .collect()
    })
    .unwrap_or_default()
}
