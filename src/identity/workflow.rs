//! GitHub Actions workflows: the cloud identities jobs assume through OIDC
//! (`aws-actions/configure-aws-credentials` `role-to-assume`, `google-github-actions/auth`
//! `service_account`, `azure/login` `client-id`) and the static keys they are handed instead,
//! with the job's deployment environment. These identities are declared in the cloud, not here:
//! they are inventoried and joined (one role used by production and staging jobs), never judged
//! ownerless.

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
                let key = format!("ci:{platform}:{}", text.trim());
                let loc = doc.loc(value);
                if !facts.identities.iter().any(|i| i.key == key) {
                    facts.identities.push(Identity {
                        key: key.clone(),
                        platform,
                        kind: (*kind).to_owned(),
                        name: text.trim().to_owned(),
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
                        kind: (*kind).to_owned(),
                        loc: loc.clone(),
                    });
                }
                facts.usages.push(Usage {
                    subject: key,
                    workload: format!("job {job}"),
                    environment: environment.clone(),
                    loc,
                    automount_disabled: false,
                    explicit: true,
                });
            }
        }
    }
}
