//! Terraform: IAM users and roles, GCP service accounts, Azure applications, service principals
//! and managed identities; the attachments, bindings and role assignments that grant them
//! privileges; access keys, service-account keys and client secrets; `default_tags`.
//!
//! References resolve inside the module (the file's directory): `aws_iam_role.deploy.name` in
//! `infra/iam.tf` is the identity `tf:infra:aws_iam_role.deploy`. A literal name
//! (`role = "deploy"`) is looked up by name in phase 2. Anything else (`var.x`,
//! `module.m.role`) is unknown.

use super::iam;
use super::{
    Credential, DefaultOwner, Doc, Facts, Grant, Identity, OwnerClaim, Privilege, RoleDef,
    environment_word,
};
use crate::document::tree::{NodeId, Value};

/// Resource types that declare an identity, with the attribute that names it.
const IDENTITIES: &[(&str, &str, &str)] = &[
    ("aws_iam_user", "aws", "name"),
    ("aws_iam_role", "aws", "name"),
    ("google_service_account", "gcp", "account_id"),
    ("azuread_application", "azure", "display_name"),
    ("azuread_service_principal", "azure", "client_id"),
    ("azurerm_user_assigned_identity", "azure", "name"),
];

fn key(doc: &Doc, address: &str) -> String {
    format!("tf:{}:{address}", doc.dir())
}

/// The identity key a reference or template points at: `aws_iam_role.x.arn` and
/// `"serviceAccount:${google_service_account.x.email}"` both name their resource; `None` for
/// variables, locals, module outputs and data sources.
fn referenced(doc: &Doc, id: NodeId) -> Option<String> {
    let (raw, tag) = doc.raw(id)?;
    let expr = match tag {
        Some("ref") => raw,
        Some("template") => {
            let start = raw.find("${")? + 2;
            let end = start + raw[start..].find('}')?;
            raw[start..end].trim()
        }
        _ => return None,
    };
    let mut parts = expr.split('.');
    let (ty, name) = (parts.next()?, parts.next()?);
    if matches!(
        ty,
        "var" | "local" | "module" | "data" | "each" | "count" | "path"
    ) {
        return None;
    }
    let name = name.split('[').next().unwrap_or(name);
    Some(key(doc, &format!("{ty}.{name}")))
}

/// The identity key an attribute names: a reference, or a literal name looked up in phase 2.
fn subject(doc: &Doc, id: NodeId, kind: &str) -> Option<String> {
    if let Some(name) = doc.literal(id) {
        return Some(format!("name:{kind}:{name}"));
    }
    referenced(doc, id)
}

/// A policy reference: the key of an `aws_iam_policy` or policy document the grant uses.
fn policy_ref(doc: &Doc, id: NodeId) -> Option<String> {
    let (raw, tag) = doc.raw(id)?;
    if tag != Some("ref") {
        return None;
    }
    let parts: Vec<&str> = raw.split('.').collect();
    match parts.as_slice() {
        ["data", "aws_iam_policy_document", name, ..] => {
            Some(key(doc, &format!("data.aws_iam_policy_document.{name}")))
        }
        [ty @ "aws_iam_policy", name, ..] => Some(key(doc, &format!("{ty}.{name}"))),
        _ => None,
    }
}

pub(super) fn extract(doc: &Doc, root: NodeId, facts: &mut Facts) {
    provider_defaults(doc, root, facts);
    if let Some(data) = doc.at(root, &["data", "aws_iam_policy_document"]) {
        for (name, body) in doc.entries(data) {
            facts.roles.push(RoleDef {
                key: key(doc, &format!("data.aws_iam_policy_document.{name}")),
                privilege: iam::statements(doc, doc.at(body, &["statement"])),
            });
        }
    }
    let Some(resources) = doc.at(root, &["resource"]) else {
        return;
    };
    for (ty, group) in doc.entries(resources) {
        for (name, body) in doc.entries(group) {
            let address = format!("{ty}.{name}");
            resource(doc, ty, &address, body, facts);
        }
    }
}

/// `default_tags` of `provider "aws"` blocks: an owner tag there applies to every AWS resource
/// of the module.
fn provider_defaults(doc: &Doc, root: NodeId, facts: &mut Facts) {
    let Some(providers) = doc.at(root, &["provider"]) else {
        return;
    };
    let Value::Map(entries) = doc.tree.value(providers) else {
        return;
    };
    for (name, body) in entries {
        if &**name != "aws" {
            continue;
        }
        let Some(defaults) = doc.at(*body, &["default_tags"]) else {
            continue;
        };
        for block in doc.items(defaults) {
            let owner = doc.owner_claim(doc.at(block, &["tags"]));
            if owner != OwnerClaim::Absent {
                facts.default_owners.push(DefaultOwner {
                    dir: doc.dir().to_owned(),
                    provider: "aws",
                    owner,
                });
            }
        }
    }
}

fn resource(doc: &Doc, ty: &str, address: &str, body: NodeId, facts: &mut Facts) {
    let self_key = key(doc, address);
    let decl = doc.key_loc(body);
    let grant =
        |subject: String, role: String, privilege, role_ref, scope: String, at: NodeId| Grant {
            subject,
            role,
            privilege,
            role_ref,
            scope,
            loc: doc.loc(at),
        };
    if let Some((_, platform, name_attr)) = IDENTITIES.iter().find(|(t, _, _)| *t == ty) {
        let tags = doc.at(body, &["tags"]);
        let owner = if ty.starts_with("azuread_") {
            azure_owners(doc, body)
        } else {
            doc.owner_claim(tags)
        };
        let labels = doc.labels(tags);
        let environment = doc.path_environment().or_else(|| {
            ["environment", "env", "Environment"]
                .iter()
                .find_map(|k| labels.get(*k))
                .and_then(|v| environment_word(v))
                .map(str::to_owned)
        });
        facts.identities.push(Identity {
            key: self_key.clone(),
            platform,
            kind: ty.to_owned(),
            name: doc
                .lit(body, &[name_attr])
                .unwrap_or_else(|| address.to_owned()),
            namespace: None,
            loc: decl.clone(),
            owner,
            labels,
            cloud_identity: None,
            implicit: false,
            automount_disabled: false,
            environment,
        });
    }
    match ty {
        "aws_iam_role" => {
            if let Some(inline) = doc.at(body, &["inline_policy"]) {
                for block in doc.items(inline) {
                    if let Some(policy) = doc.at(block, &["policy"]) {
                        facts.grants.push(grant(
                            self_key.clone(),
                            "inline policy".to_owned(),
                            iam::aws_policy(doc, policy),
                            None,
                            "account".to_owned(),
                            policy,
                        ));
                    }
                }
            }
            if let Some(arns) = doc.at(body, &["managed_policy_arns"]) {
                for arn in doc.items(arns) {
                    managed_attachment(doc, self_key.clone(), arn, facts);
                }
            }
        }
        "aws_iam_policy" => facts.roles.push(RoleDef {
            key: self_key,
            privilege: doc
                .at(body, &["policy"])
                .map_or(Privilege::Unknown, |p| iam::aws_policy(doc, p)),
        }),
        "aws_iam_role_policy_attachment" | "aws_iam_user_policy_attachment" => {
            let (attr, kind) = if ty == "aws_iam_role_policy_attachment" {
                ("role", "aws_iam_role")
            } else {
                ("user", "aws_iam_user")
            };
            if let (Some(who), Some(arn)) = (doc.at(body, &[attr]), doc.at(body, &["policy_arn"]))
                && let Some(subject) = subject(doc, who, kind)
            {
                managed_attachment(doc, subject, arn, facts);
            }
        }
        "aws_iam_policy_attachment" => {
            let Some(arn) = doc.at(body, &["policy_arn"]) else {
                return;
            };
            for (attr, kind) in [("roles", "aws_iam_role"), ("users", "aws_iam_user")] {
                if let Some(list) = doc.at(body, &[attr]) {
                    for who in doc.items(list) {
                        if let Some(subject) = subject(doc, who, kind) {
                            managed_attachment(doc, subject, arn, facts);
                        }
                    }
                }
            }
        }
        "aws_iam_role_policy" | "aws_iam_user_policy" => {
            let (attr, kind) = if ty == "aws_iam_role_policy" {
                ("role", "aws_iam_role")
            } else {
                ("user", "aws_iam_user")
            };
            if let (Some(who), Some(policy)) = (doc.at(body, &[attr]), doc.at(body, &["policy"]))
                && let Some(subject) = subject(doc, who, kind)
            {
                facts.grants.push(grant(
                    subject,
                    format!("inline policy {address}"),
                    iam::aws_policy(doc, policy),
                    policy_ref(doc, policy),
                    "account".to_owned(),
                    policy,
                ));
            }
        }
        "aws_iam_access_key" => {
            if let Some(user) = doc.at(body, &["user"])
                && let Some(subject) = subject(doc, user, "aws_iam_user")
            {
                facts.credentials.push(Credential {
                    subject,
                    kind: "AWS access key".to_owned(),
                    loc: decl,
                });
            }
        }
        "google_service_account_key" => {
            if let Some(account) = doc.at(body, &["service_account_id"])
                && let Some(subject) = subject(doc, account, "google_service_account")
            {
                facts.credentials.push(Credential {
                    subject,
                    kind: "GCP service-account key".to_owned(),
                    loc: decl,
                });
            }
        }
        "azuread_application_password" | "azuread_service_principal_password" => {
            let attrs: &[&str] = if ty == "azuread_application_password" {
                &["application_id", "application_object_id"]
            } else {
                &["service_principal_id"]
            };
            if let Some(target) = attrs.iter().find_map(|a| doc.at(body, &[a]))
                && let Some(subject) = referenced(doc, target)
            {
                facts.credentials.push(Credential {
                    subject,
                    kind: "Azure client secret".to_owned(),
                    loc: decl,
                });
            }
        }
        _ if ty.starts_with("google_")
            && (ty.ends_with("_iam_member") || ty.ends_with("_iam_binding"))
            && !ty.starts_with("google_service_account_iam") =>
        {
            let Some(role_node) = doc.at(body, &["role"]) else {
                return;
            };
            let role = doc.literal(role_node);
            let privilege = role.as_deref().map_or(Privilege::Unknown, iam::gcp_role);
            let scope = ty
                .trim_start_matches("google_")
                .split("_iam_")
                .next()
                .unwrap_or("project")
                .to_owned();
            let members = doc
                .at(body, &["member"])
                .or_else(|| doc.at(body, &["members"]));
            for member in members.map(|m| doc.items(m)).unwrap_or_default() {
                if let Some(subject) = gcp_member(doc, member) {
                    facts.grants.push(grant(
                        subject,
                        role.clone().unwrap_or_else(|| "(computed role)".to_owned()),
                        privilege,
                        None,
                        scope.clone(),
                        role_node,
                    ));
                }
            }
        }
        "azurerm_role_assignment" => {
            let Some(principal) = doc.at(body, &["principal_id"]) else {
                return;
            };
            let Some(subject) = referenced(doc, principal) else {
                return;
            };
            let role_node = doc
                .at(body, &["role_definition_name"])
                .or_else(|| doc.at(body, &["role_definition_id"]));
            let role = role_node.and_then(|r| doc.literal(r));
            let privilege = role.as_deref().map_or(Privilege::Unknown, iam::azure_role);
            let scope = doc.at(body, &["scope"]).map_or_else(String::new, |s| {
                doc.raw(s).map_or_else(String::new, |(t, _)| t.to_owned())
            });
            facts.grants.push(grant(
                subject,
                role.unwrap_or_else(|| "(computed role)".to_owned()),
                privilege,
                None,
                scope,
                role_node.unwrap_or(body),
            ));
        }
        _ => {}
    }
}

/// A grant of a managed policy (`policy_arn`) to `subject`.
fn managed_attachment(doc: &Doc, subject: String, arn: NodeId, facts: &mut Facts) {
    let (role, privilege, role_ref) = match doc.literal(arn) {
        Some(text) => {
            let privilege = iam::aws_managed_policy(&text);
            (text, privilege, None)
        }
        None => (
            doc.raw(arn).map_or("(computed)", |(t, _)| t).to_owned(),
            Privilege::Unknown,
            policy_ref(doc, arn),
        ),
    };
    facts.grants.push(Grant {
        subject,
        role,
        privilege,
        role_ref,
        scope: "account".to_owned(),
        loc: doc.loc(arn),
    });
}

/// The identity a GCP IAM member names: `serviceAccount:${google_service_account.x.email}`, or a
/// literal `serviceAccount:name@project.iam.gserviceaccount.com` (by account id).
fn gcp_member(doc: &Doc, member: NodeId) -> Option<String> {
    if let Some(text) = doc.literal(member) {
        let email = text.strip_prefix("serviceAccount:")?;
        let account = email.split('@').next()?;
        return Some(format!("name:google_service_account:{account}"));
    }
    let (raw, _) = doc.raw(member)?;
    if !raw.starts_with("serviceAccount:") {
        return None;
    }
    referenced(doc, member)
}

/// The `owners` of an Azure AD application or service principal: an owner when the list has an
/// entry (a principal's object id, literal or referenced), unknown when computed.
fn azure_owners(doc: &Doc, body: NodeId) -> OwnerClaim {
    let Some(owners) = doc.at(body, &["owners"]) else {
        return OwnerClaim::Absent;
    };
    match doc.tree.value(owners) {
        Value::Seq(items) if items.is_empty() => OwnerClaim::Absent,
        Value::Seq(items) => OwnerClaim::Value {
            key: "owners".to_owned(),
            value: items
                .iter()
                .filter_map(|&i| doc.raw(i).map(|(t, _)| t.to_owned()))
                .collect::<Vec<_>>()
                .join(", "),
            loc: doc.key_loc(owners),
        },
        _ => OwnerClaim::Unknown {
            reason: "`owners` is computed".to_owned(),
        },
    }
}
