//! GitHub Actions workflows: the cloud identities jobs assume through OIDC
//! (`aws-actions/configure-aws-credentials` `role-to-assume`, `google-github-actions/auth`
//! `service_account`, `azure/login` `client-id`) and the static keys they are handed instead,
//! with the job's deployment environment. These identities are declared in the cloud, not here:
//! they are inventoried and joined (one role used by production and staging jobs), never judged
//! ownerless.
//!
//! GitLab CI: jobs that name an IAM role ARN in their (or the global) `variables`, the way GitLab's
//! OIDC guides pass `ROLE_ARN` to `aws sts assume-role-with-web-identity`, with the job's
//! `environment`.

use super::{Credential, Doc, Facts, Identity, OwnerClaim, Usage, environment_of_name};
use crate::document::tree::NodeId;

/// (action, input naming the identity, platform, kind) for OIDC logins.
const OIDC: &[(&str, &str, &str, &str)] = &[
    (
        "aws-actions/configure-aws-credentials",
        "role-to-assume",
        "aws",
        "IAM role assumed by CI",
    ),
    (
        "google-github-actions/auth",
        "service_account",
        "gcp",
        "service account impersonated by CI",
    ),
    (
        "azure/login",
        "client-id",
        "azure",
        "application used by CI",
    ),
];

/// (action, input holding a static credential, platform, kind).
const STATIC: &[(&str, &str, &str, &str)] = &[
    (
        "aws-actions/configure-aws-credentials",
        "aws-access-key-id",
        "aws",
        "AWS access key in a CI secret",
    ),
    (
        "google-github-actions/auth",
        "credentials_json",
        "gcp",
        "service-account key in a CI secret",
    ),
    (
        "azure/login",
        "creds",
        "azure",
        "client secret in a CI secret",
    ),
];

/// Keys of a GitLab CI file that are not jobs.
const GITLAB_KEYWORDS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "pages",
];

/// Adds the identity `key` (once) and its use by `workload`.
#[allow(clippy::too_many_arguments)]
fn record(
    facts: &mut Facts,
    key: String,
    platform: &'static str,
    kind: &str,
    name: &str,
    loc: crate::identity::Loc,
    workload: String,
    environment: Option<String>,
    is_static: bool,
) {
    if !facts.identities.iter().any(|i| i.key == key) {
        facts.identities.push(Identity {
            key: key.clone(),
            platform,
            kind: kind.to_owned(),
            name: name.to_owned(),
            namespace: None,
            loc: loc.clone(),
            owner: OwnerClaim::Absent,
            labels: std::collections::BTreeMap::new(),
            cloud_identity: None,
            implicit: true,
            automount_disabled: false,
            environment: None,
        });
    }
    if is_static {
        facts.credentials.push(Credential {
            subject: key.clone(),
            kind: kind.to_owned(),
            loc: loc.clone(),
        });
    }
    facts.usages.push(Usage {
        subject: key,
        workload,
        environment,
        loc,
        automount_disabled: false,
        explicit: true,
    });
}

/// The environment a job names (`environment: production` or `environment: {name: ..}`).
fn job_environment(doc: &Doc, job: NodeId) -> Option<String> {
    doc.at(job, &["environment"])
        .and_then(|e| doc.literal(e).or_else(|| doc.lit(e, &["name"])))
        .map(|e| environment_of_name(&e).map_or_else(|| e.to_ascii_lowercase(), str::to_owned))
}

/// Whether `text` is an IAM role ARN.
fn is_role_arn(text: &str) -> bool {
    text.starts_with("arn:aws") && text.contains(":iam::") && text.contains(":role/")
}

/// GitLab CI: role ARNs in `variables` (the job's, else the global ones) of each job.
pub(super) fn gitlab(doc: &Doc, root: NodeId, facts: &mut Facts) {
    let global = doc.at(root, &["variables"]);
    for (job, body) in doc.entries(root) {
        if GITLAB_KEYWORDS.contains(&job) || job.starts_with('.') || !doc.is_map(body) {
            continue;
        }
        if doc.at(body, &["script"]).is_none() && doc.at(body, &["trigger"]).is_none() {
            continue;
        }
        let environment = job_environment(doc, body);
        let own = doc.at(body, &["variables"]);
        for vars in [own, global].into_iter().flatten() {
            let mut found = false;
            for (_, value) in doc.entries(vars) {
                let value = doc.at(value, &["value"]).unwrap_or(value);
                let Some(text) = doc.literal(value) else {
                    continue;
                };
                if is_role_arn(text.trim()) {
                    found = true;
                    record(
                        facts,
                        format!("ci:aws:{}", text.trim()),
                        "aws",
                        "IAM role assumed by CI",
                        text.trim(),
                        doc.loc(value),
                        format!("job {job}"),
                        environment.clone(),
                        false,
                    );
                }
            }
            if found {
                break;
            }
        }
    }
}

pub(super) fn extract(doc: &Doc, root: NodeId, facts: &mut Facts) {
    let Some(jobs) = doc.at(root, &["jobs"]) else {
        return;
    };
    for (job, body) in doc.entries(jobs) {
        let environment = doc
            .at(body, &["environment"])
            .and_then(|e| doc.literal(e).or_else(|| doc.lit(e, &["name"])))
            .map(|e| environment_of_name(&e).map_or_else(|| e.to_ascii_lowercase(), str::to_owned));
        let Some(steps) = doc.at(body, &["steps"]) else {
            continue;
        };
        for step in doc.items(steps) {
            let Some(uses) = doc.lit(step, &["uses"]) else {
                continue;
            };
            let action = uses.split('@').next().unwrap_or(&uses).to_ascii_lowercase();
            let Some(with) = doc.at(step, &["with"]) else {
                continue;
            };
            for (name, input, platform, kind) in OIDC.iter().chain(STATIC) {
                if action != *name {
                    continue;
                }
                let Some(value) = doc.at(with, &[input]) else {
                    continue;
                };
                let Some(text) = doc.literal(value) else {
                    continue;
                };
                let is_static = STATIC.iter().any(|s| s.1 == *input);
                record(
                    facts,
                    format!("ci:{platform}:{}", text.trim()),
                    platform,
                    kind,
                    text.trim(),
                    doc.loc(value),
                    format!("job {job}"),
                    environment.clone(),
                    is_static,
                );
            }
        }
    }
}
