//! Non-human identities as facts, joined across files.
//!
//! Phase 1 ([`extract`]) reads one file and returns what it declares: identities (Kubernetes
//! service accounts, IAM users and roles, GCP service accounts, Azure applications and managed
//! identities, CloudFormation IAM resources, cloud roles a CI pipeline assumes), the grants that
//! give them privileges, the workloads that run as them, the credentials attached to them, and
//! the ownership records of the repository (Backstage catalog entities, CODEOWNERS). It runs on
//! the walker's threads, one file at a time, like the other engines.
//!
//! Phase 2 ([`analyze::analyze`]) joins the facts of the whole tree: which roles are bound to which
//! identity, what each identity can do in total, who owns it (in the configured order of
//! sources), which identities are unused or shared, and which cloud identity is attached in more
//! than one environment. Its results feed the rules of `rules/identity/` whose matcher is an
//! `analysis` and the `nhilint inventory` command.
//!
//! The extractors parse the file themselves rather than borrow the structural engine's tree: the
//! few files they read (manifests, Terraform, templates, catalogs) are a small share of a
//! repository, and keeping the two phases apart lets the inventory run without any rule.
//!
//! Values that cannot be resolved inside the repository (Terraform variables, module outputs,
//! `!Ref` of a parameter) are kept as unknown, never guessed.

pub mod analyze;
mod catalog;
mod cloudformation;
mod iam;
pub mod inventory;
mod kubernetes;
mod terraform;
mod workflow;

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use crate::document::kind::{self, Kind, Syntax};
use crate::document::span::LineIndex;
use crate::document::tree::{NodeId, Tree, Value};

pub use analyze::{Analysis, OwnerSource, OwnershipConfig};

/// Where a fact is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Loc {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// Byte offsets of the span in the file.
    #[serde(skip)]
    pub start: u32,
    #[serde(skip)]
    pub end: u32,
}

/// What a grant, a role or an identity may do, summarised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Privilege {
    /// No grant found in the repository.
    None,
    /// A grant whose role or policy cannot be read here (a variable, a role defined elsewhere).
    Unknown,
    Read,
    Write,
    Admin,
}

impl Privilege {
    pub fn as_str(self) -> &'static str {
        match self {
            Privilege::None => "none",
            Privilege::Unknown => "unknown",
            Privilege::Read => "read",
            Privilege::Write => "write",
            Privilege::Admin => "admin",
        }
    }
}

/// An owner written on the identity itself (label, annotation, tag, Azure `owners`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerClaim {
    /// A literal value under one of the owner keys (`key`), possibly empty.
    Value {
        key: String,
        value: String,
        loc: Loc,
    },
    /// The labels or tags are computed (`merge(local.tags, ..)`, `var.tags`): an owner may be
    /// there, this repository cannot say.
    Unknown {
        reason: String,
    },
    Absent,
}

/// A non-human identity declared (or, for the `default` service account, implied) by a file.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The join key: `k8s:<namespace>/<name>`, `tf:<dir>:<address>`, `cfn:<file>:<logical id>`,
    /// `ci:<cloud>:<role>`.
    pub key: String,
    /// `kubernetes`, `aws`, `gcp`, `azure`, `github-actions`.
    pub platform: &'static str,
    /// The declaring resource type: `ServiceAccount`, `aws_iam_role`, `AWS::IAM::User`.
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub loc: Loc,
    /// Owner keys found on the identity, in the configured key order.
    pub owner: OwnerClaim,
    /// Labels (Kubernetes) or tags (cloud) with literal values, for catalog links.
    pub labels: BTreeMap<String, String>,
    /// The cloud identity it stands for: an IRSA role ARN, a GKE service account e-mail, an
    /// Azure client id.
    pub cloud_identity: Option<(String, Loc)>,
    /// The `default` service account of a namespace, used but not declared in the repository.
    pub implicit: bool,
    /// `automountServiceAccountToken: false` on the declaration.
    pub automount_disabled: bool,
    pub environment: Option<String>,
}

/// A privilege given to a subject.
#[derive(Clone, Debug)]
pub struct Grant {
    /// The identity key it is given to (see [`Identity::key`]).
    pub subject: String,
    /// The role or policy as written (`cluster-admin`, `roles/editor`, a policy ARN).
    pub role: String,
    /// Known from the grant itself, or `Unknown` until phase 2 reads `role_ref`.
    pub privilege: Privilege,
    /// A role defined in the repository whose privilege phase 2 looks up (`k8s-role:ns/name`,
    /// `tf:<dir>:aws_iam_policy.x`).
    pub role_ref: Option<String>,
    /// Where the privilege applies: a namespace, `cluster`, a project, a scope string.
    pub scope: String,
    pub loc: Loc,
}

/// A role or policy defined in the repository, by the key grants use to refer to it.
#[derive(Clone, Debug)]
pub struct RoleDef {
    pub key: String,
    pub privilege: Privilege,
}

/// A workload or job that runs as an identity.
#[derive(Clone, Debug)]
pub struct Usage {
    pub subject: String,
    /// `Deployment/web`, `job deploy`.
    pub workload: String,
    pub environment: Option<String>,
    pub loc: Loc,
    /// The pod spec disables the token mount.
    pub automount_disabled: bool,
    /// The service account was named explicitly (`serviceAccountName`), not defaulted.
    pub explicit: bool,
}

/// A credential attached to an identity: an access key, a service-account key, a client secret,
/// a legacy token Secret, a static key in CI.
#[derive(Clone, Debug)]
pub struct Credential {
    pub subject: String,
    pub kind: String,
    pub loc: Loc,
}

/// A Backstage catalog entity.
#[derive(Clone, Debug)]
pub struct Entity {
    pub kind: String,
    pub name: String,
    pub owner: Option<String>,
    /// `backstage.io/kubernetes-id`.
    pub kubernetes_id: Option<String>,
    pub loc: Loc,
}

/// One line of a CODEOWNERS file.
#[derive(Clone, Debug)]
pub struct OwnersRule {
    pub pattern: String,
    pub owners: Vec<String>,
    pub line: u32,
}

/// An owner tag that applies to every resource of a Terraform module (`default_tags` of the AWS
/// provider).
#[derive(Clone, Debug)]
pub struct DefaultOwner {
    /// The module directory (`""` for the root).
    pub dir: String,
    pub provider: &'static str,
    pub owner: OwnerClaim,
}

/// Everything one file declares.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub identities: Vec<Identity>,
    pub grants: Vec<Grant>,
    pub roles: Vec<RoleDef>,
    pub usages: Vec<Usage>,
    pub credentials: Vec<Credential>,
    pub entities: Vec<Entity>,
    /// `(CODEOWNERS path, its rules)`.
    pub codeowners: Option<(String, Vec<OwnersRule>)>,
    pub default_owners: Vec<DefaultOwner>,
}

impl Facts {
    pub fn is_empty(&self) -> bool {
        self.identities.is_empty()
            && self.grants.is_empty()
            && self.roles.is_empty()
            && self.usages.is_empty()
            && self.credentials.is_empty()
            && self.entities.is_empty()
            && self.codeowners.is_none()
            && self.default_owners.is_empty()
    }

    pub fn extend(&mut self, other: Facts) {
        self.identities.extend(other.identities);
        self.grants.extend(other.grants);
        self.roles.extend(other.roles);
        self.usages.extend(other.usages);
        self.credentials.extend(other.credentials);
        self.entities.extend(other.entities);
        if other.codeowners.is_some() {
            self.codeowners = other.codeowners;
        }
        self.default_owners.extend(other.default_owners);
    }
}

/// The kinds phase 1 reads.
pub fn reads(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Kubernetes
            | Kind::Backstage
            | Kind::Terraform
            | Kind::Cloudformation
            | Kind::Codeowners
            | Kind::GithubWorkflow
            | Kind::GitlabCi
    )
}

/// The facts in one file shown as `path` (`/`-separated, relative to the scan root), with the
/// owner keys to look for. Files that are not of a kind phase 1 reads, or that do not parse,
/// declare nothing (the structural engine reports the parse error).
pub fn extract(path: &str, bytes: &[u8], owner_keys: &[String]) -> Facts {
    let Some(detected) = kind::detect(path, bytes) else {
        return Facts::default();
    };
    if !reads(detected.kind) {
        return Facts::default();
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Facts::default();
    };
    if detected.syntax == Syntax::Codeowners {
        return Facts {
            codeowners: Some((path.to_owned(), catalog::codeowners(text))),
            ..Facts::default()
        };
    }
    let parsed = match detected.syntax {
        Syntax::Hcl => crate::document::hcl::parse(text),
        _ => crate::document::yaml::parse(text),
    };
    let Ok(tree) = parsed else {
        return Facts::default();
    };
    let doc = Doc {
        tree: &tree,
        text: bytes,
        index: LineIndex::new(bytes),
        path,
        owner_keys,
    };
    let mut facts = Facts::default();
    for &root in &tree.docs {
        let api = tree.get(root, "apiVersion").and_then(|v| tree.str(v));
        match kind::refine(detected.kind, api) {
            Kind::Kubernetes => kubernetes::extract(&doc, root, &mut facts),
            Kind::Backstage => catalog::entity(&doc, root, &mut facts),
            Kind::Terraform => terraform::extract(&doc, root, &mut facts),
            Kind::Cloudformation => cloudformation::extract(&doc, root, &mut facts),
            Kind::GithubWorkflow => workflow::extract(&doc, root, &mut facts),
            Kind::GitlabCi => workflow::gitlab(&doc, root, &mut facts),
            _ => {}
        }
    }
    facts
}

/// A parsed document with what extractors need to turn nodes into facts.
pub(crate) struct Doc<'a> {
    pub tree: &'a Tree,
    pub text: &'a [u8],
    pub index: LineIndex,
    pub path: &'a str,
    pub owner_keys: &'a [String],
}

impl Doc<'_> {
    /// The location of `id` as findings report it (a collection's key, a scalar's value).
    pub fn loc(&self, id: NodeId) -> Loc {
        self.loc_span(self.tree.report_span(id))
    }

    /// The location of the key of `id` (its value's when it has no key).
    pub fn key_loc(&self, id: NodeId) -> Loc {
        let node = self.tree.node(id);
        self.loc_span(node.key_span.clone().unwrap_or_else(|| node.span.clone()))
    }

    pub fn loc_span(&self, span: Range<u32>) -> Loc {
        let start = self.index.position(self.text, span.start as usize);
        let end = self.index.position(self.text, span.end as usize);
        Loc {
            path: self.path.to_owned(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            start: span.start,
            end: span.end,
        }
    }

    /// The node at `path` below `id`.
    pub fn at(&self, id: NodeId, path: &[&str]) -> Option<NodeId> {
        path.iter()
            .try_fold(id, |cur, key| self.tree.get(cur, key))
            .map(|n| self.tree.resolve(n))
    }

    /// A literal string (or number or boolean, as text) at `path` below `id`: `None` when absent
    /// or computed.
    pub fn lit(&self, id: NodeId, path: &[&str]) -> Option<String> {
        self.at(id, path).and_then(|n| self.literal(n))
    }

    /// The text of a literal scalar; `None` for references, templates, calls and collections.
    pub fn literal(&self, id: NodeId) -> Option<String> {
        let id = self.tree.resolve(id);
        let node = self.tree.node(id);
        if node.tag.as_deref().is_some_and(|t| t != "heredoc") {
            return None;
        }
        match &node.value {
            Value::Str(s) => Some(s.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    /// The source text of a scalar of any tag (`var.x`, `aws_iam_role.r.name`).
    pub fn raw(&self, id: NodeId) -> Option<(&str, Option<&str>)> {
        let id = self.tree.resolve(id);
        let node = self.tree.node(id);
        match &node.value {
            Value::Str(s) => Some((s, node.tag.as_deref())),
            _ => None,
        }
    }

    /// Items of a sequence at `id` (a lone value counts as a sequence of one).
    pub fn items(&self, id: NodeId) -> Vec<NodeId> {
        let id = self.tree.resolve(id);
        match self.tree.value(id) {
            Value::Seq(items) => items.iter().map(|&i| self.tree.resolve(i)).collect(),
            _ => vec![id],
        }
    }

    /// Entries of a mapping, aliases followed.
    pub fn entries(&self, id: NodeId) -> Vec<(&str, NodeId)> {
        self.tree
            .entries(id)
            .into_iter()
            .map(|(k, v)| (k, self.tree.resolve(v)))
            .collect()
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.tree.value(id), Value::Map(_))
    }

    /// The owner claim of a label or tag map at `id` (absent map: no claim).
    pub fn owner_claim(&self, map: Option<NodeId>) -> OwnerClaim {
        let Some(map) = map else {
            return OwnerClaim::Absent;
        };
        if !self.is_map(map) {
            return OwnerClaim::Unknown {
                reason: format!(
                    "tags are computed (`{}`)",
                    self.raw(map).map_or("?", |(s, _)| s)
                ),
            };
        }
        let entries = self.entries(map);
        for key in self.owner_keys {
            if let Some((k, v)) = entries.iter().find(|(k, _)| *k == key.as_str()) {
                return match self.literal(*v) {
                    Some(value) => OwnerClaim::Value {
                        key: (*k).to_owned(),
                        value,
                        loc: self.loc(*v),
                    },
                    None => OwnerClaim::Unknown {
                        reason: format!("`{k}` is computed"),
                    },
                };
            }
        }
        OwnerClaim::Absent
    }

    /// Literal string entries of a label or tag map.
    pub fn labels(&self, map: Option<NodeId>) -> BTreeMap<String, String> {
        map.filter(|&m| self.is_map(m))
            .map(|m| {
                self.entries(m)
                    .into_iter()
                    .filter_map(|(k, v)| self.literal(v).map(|v| (k.to_owned(), v)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The environment a path names (`envs/prod/..`, `overlays/staging/..`), if any.
    pub fn path_environment(&self) -> Option<String> {
        environment_of_path(self.path)
    }

    /// The directory of the file (`""` at the root), the scope of Terraform references.
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(d, _)| d)
    }
}

/// Words that name a deployment environment.
const ENVIRONMENTS: &[(&str, &str)] = &[
    ("prod", "production"),
    ("production", "production"),
    ("prd", "production"),
    ("live", "production"),
    ("staging", "staging"),
    ("stage", "staging"),
    ("stg", "staging"),
    ("preprod", "staging"),
    ("uat", "uat"),
    ("qa", "qa"),
    ("dev", "development"),
    ("development", "development"),
    ("sandbox", "sandbox"),
];

/// The environment one word names (`prod` -> `production`).
pub fn environment_word(word: &str) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    ENVIRONMENTS
        .iter()
        .find(|(w, _)| *w == lower)
        .map(|(_, env)| *env)
}

/// The environment named by a directory of `path`, or by a `-`/`_`-separated part of one
/// (`prod`, `envs/staging`, `k8s/overlays/dev`, `app-prod`). The file name is not read.
pub fn environment_of_path(path: &str) -> Option<String> {
    let dirs = path.rsplit_once('/').map_or("", |(d, _)| d);
    dirs.split('/')
        .rev()
        .find_map(|dir| environment_of_name(dir))
        .map(str::to_owned)
}

/// The environment a name ends or starts with (`payments-prod`, `staging_api`).
pub fn environment_of_name(name: &str) -> Option<&'static str> {
    environment_word(name).or_else(|| {
        let parts: Vec<&str> = name.split(['-', '_', '.']).collect();
        if parts.len() < 2 {
            return None;
        }
        environment_word(parts[parts.len() - 1]).or_else(|| environment_word(parts[0]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_come_from_directories_and_name_parts() {
        assert_eq!(
            environment_of_path("envs/prod/main.tf").as_deref(),
            Some("production")
        );
        assert_eq!(
            environment_of_path("k8s/overlays/staging/sa.yaml").as_deref(),
            Some("staging")
        );
        assert_eq!(
            environment_of_path("deploy/app-dev/x.yaml").as_deref(),
            Some("development")
        );
        assert_eq!(
            environment_of_path("prod.yaml"),
            None,
            "file names are not read"
        );
        assert_eq!(environment_of_path("src/product/x.tf"), None);
        assert_eq!(environment_of_name("payments-prod"), Some("production"));
        assert_eq!(environment_of_name("testdata"), None);
        assert_eq!(environment_of_path("test/fixtures/sa.yaml"), None);
    }
}
