//! Kubernetes: service accounts, the workloads that run as them, RBAC roles and bindings, legacy
//! token Secrets and cloud-identity annotations.

use super::{
    Credential, Doc, Facts, Grant, Identity, OwnerClaim, Privilege, RoleDef, Usage,
    environment_of_name,
};
use crate::document::tree::NodeId;

/// Annotations that tie a service account to a cloud identity.
const CLOUD_IDENTITY_ANNOTATIONS: &[&str] = &[
    "eks.amazonaws.com/role-arn",
    "iam.gke.io/gcp-service-account",
    "azure.workload.identity/client-id",
];

/// Cluster roles every cluster has, by what they allow.
fn builtin_cluster_role(name: &str) -> Option<Privilege> {
    match name {
        "cluster-admin" | "admin" => Some(Privilege::Admin),
        "edit" => Some(Privilege::Write),
        "view" => Some(Privilege::Read),
        _ => None,
    }
}

pub(super) fn extract(doc: &Doc, root: NodeId, facts: &mut Facts) {
    if doc.lit(root, &["kind"]).as_deref() == Some("List") {
        if let Some(items) = doc.at(root, &["items"]) {
            for item in doc.items(items) {
                object(doc, item, facts);
            }
        }
        return;
    }
    object(doc, root, facts);
}

/// The key of a service account.
pub(super) fn sa_key(namespace: &str, name: &str) -> String {
    format!("k8s:{namespace}/{name}")
}

fn object(doc: &Doc, root: NodeId, facts: &mut Facts) {
    if !doc.is_map(root) {
        return;
    }
    let Some(kind) = doc.lit(root, &["kind"]) else {
        return;
    };
    let Some(meta) = doc.at(root, &["metadata"]) else {
        return;
    };
    let Some(name) = doc.lit(meta, &["name"]) else {
        return;
    };
    let namespace = doc
        .lit(meta, &["namespace"])
        .unwrap_or_else(|| "default".to_owned());
    let environment = environment_of(doc, &namespace);
    match kind.as_str() {
        "ServiceAccount" => {
            let labels = doc.at(meta, &["labels"]);
            let annotations = doc.at(meta, &["annotations"]);
            let owner = match doc.owner_claim(labels) {
                OwnerClaim::Absent => doc.owner_claim(annotations),
                claim => claim,
            };
            let cloud_identity = annotations.and_then(|a| {
                CLOUD_IDENTITY_ANNOTATIONS.iter().find_map(|k| {
                    let v = doc.at(a, &[k])?;
                    Some((doc.literal(v)?, doc.loc(v)))
                })
            });
            facts.identities.push(Identity {
                key: sa_key(&namespace, &name),
                platform: "kubernetes",
                kind: kind.clone(),
                name: name.clone(),
                namespace: Some(namespace.clone()),
                loc: doc.loc(doc.at(meta, &["name"]).unwrap_or(meta)),
                owner,
                labels: doc.labels(labels),
                cloud_identity,
                implicit: false,
                automount_disabled: doc.lit(root, &["automountServiceAccountToken"]).as_deref()
                    == Some("false"),
                environment,
            });
        }
        "Pod"
        | "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "CronJob"
        | "ReplicationController" => {
            let spec_path: &[&str] = match kind.as_str() {
                "Pod" => &["spec"],
                "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
                _ => &["spec", "template", "spec"],
            };
            let Some(spec) = doc.at(root, spec_path) else {
                return;
            };
            let named = doc
                .at(spec, &["serviceAccountName"])
                .or_else(|| doc.at(spec, &["serviceAccount"]));
            let (account, loc, explicit) = match named {
                Some(n) => match doc.literal(n) {
                    Some(a) => (a, doc.loc(n), true),
                    None => return,
                },
                None => (
                    "default".to_owned(),
                    doc.loc(doc.at(meta, &["name"]).unwrap_or(meta)),
                    false,
                ),
            };
            facts.usages.push(Usage {
                subject: sa_key(&namespace, &account),
                workload: format!("{kind}/{name}"),
                environment,
                loc,
                automount_disabled: doc.lit(spec, &["automountServiceAccountToken"]).as_deref()
                    == Some("false"),
                explicit,
            });
        }
        "Role" | "ClusterRole" => {
            let key = if kind == "Role" {
                format!("k8s-role:{namespace}/{name}")
            } else {
                format!("k8s-clusterrole:{name}")
            };
            let privilege = if doc.at(root, &["aggregationRule"]).is_some() {
                Privilege::Unknown
            } else {
                doc.at(root, &["rules"])
                    .map_or(Privilege::None, |rules| rules_privilege(doc, rules))
            };
            facts.roles.push(RoleDef { key, privilege });
        }
        "RoleBinding" | "ClusterRoleBinding" => binding(doc, root, &kind, &namespace, facts),
        "Secret" => {
            if doc.lit(root, &["type"]).as_deref() == Some("kubernetes.io/service-account-token")
                && let Some(account) =
                    doc.lit(meta, &["annotations", "kubernetes.io/service-account.name"])
            {
                facts.credentials.push(Credential {
                    subject: sa_key(&namespace, &account),
                    kind: "legacy service-account token Secret".to_owned(),
                    loc: doc.loc(doc.at(root, &["type"]).unwrap_or(root)),
                });
            }
        }
        _ => {}
    }
}

fn binding(doc: &Doc, root: NodeId, kind: &str, namespace: &str, facts: &mut Facts) {
    let Some(role_ref) = doc.at(root, &["roleRef"]) else {
        return;
    };
    let Some(role_name) = doc.lit(role_ref, &["name"]) else {
        return;
    };
    let role_kind = doc.lit(role_ref, &["kind"]).unwrap_or_default();
    let (privilege, ref_key) = match role_kind.as_str() {
        "ClusterRole" => match builtin_cluster_role(&role_name) {
            Some(p) => (p, None),
            None => (
                Privilege::Unknown,
                Some(format!("k8s-clusterrole:{role_name}")),
            ),
        },
        "Role" => (
            Privilege::Unknown,
            Some(format!("k8s-role:{namespace}/{role_name}")),
        ),
        _ => (Privilege::Unknown, None),
    };
    let scope = if kind == "ClusterRoleBinding" {
        "cluster".to_owned()
    } else {
        format!("namespace {namespace}")
    };
    let loc = doc.loc(doc.at(role_ref, &["name"]).unwrap_or(role_ref));
    let Some(subjects) = doc.at(root, &["subjects"]) else {
        return;
    };
    for subject in doc.items(subjects) {
        if doc.lit(subject, &["kind"]).as_deref() != Some("ServiceAccount") {
            continue;
        }
        let Some(name) = doc.lit(subject, &["name"]) else {
            continue;
        };
        let ns = doc
            .lit(subject, &["namespace"])
            .unwrap_or_else(|| namespace.to_owned());
        facts.grants.push(Grant {
            subject: sa_key(&ns, &name),
            role: format!("{role_kind} {role_name}"),
            privilege,
            role_ref: ref_key.clone(),
            scope: scope.clone(),
            loc: loc.clone(),
        });
    }
}

/// What the `rules` of a Role or ClusterRole allow, at most.
fn rules_privilege(doc: &Doc, rules: NodeId) -> Privilege {
    let mut most = Privilege::None;
    for rule in doc.items(rules) {
        let list = |key: &str| -> Vec<String> {
            doc.at(rule, &[key])
                .map(|n| {
                    doc.items(n)
                        .iter()
                        .filter_map(|&i| doc.literal(i))
                        .collect()
                })
                .unwrap_or_default()
        };
        let verbs = list("verbs");
        let resources = list("resources");
        let any = |set: &[String], words: &[&str]| set.iter().any(|v| words.contains(&v.as_str()));
        let level = if any(&verbs, &["escalate", "bind", "impersonate"])
            || (any(&verbs, &["*"]) && any(&resources, &["*"]))
        {
            Privilege::Admin
        } else if any(
            &verbs,
            &[
                "*",
                "create",
                "update",
                "patch",
                "delete",
                "deletecollection",
            ],
        ) {
            Privilege::Write
        } else if verbs.is_empty() {
            Privilege::None
        } else {
            Privilege::Read
        };
        most = most.max(level);
    }
    most
}

/// The environment of a Kubernetes object: its path, else its namespace's name.
fn environment_of(doc: &Doc, namespace: &str) -> Option<String> {
    doc.path_environment()
        .or_else(|| environment_of_name(namespace).map(str::to_owned))
}
