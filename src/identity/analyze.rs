//! Phase 2: the facts of every file joined into resolved identities (owner, grants, total
//! privilege, credentials, workloads, environments) and the cross-file problems the `analysis`
//! rules report.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::{Credential, Facts, Grant, Identity, Loc, OwnerClaim, OwnersRule, Privilege, Usage};

/// Where an owner may come from, in the order the configuration lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnerSource {
    /// An owner label or annotation (Kubernetes) or tag (cloud) on the identity.
    Labels,
    /// The `owners` of an Azure AD application or service principal.
    AzureOwners,
    /// A Backstage catalog entity naming the identity, by its `spec.owner`.
    Catalog,
    /// The CODEOWNERS entry covering the file that declares the identity.
    Codeowners,
}

/// How owners are looked for.
#[derive(Clone, Debug)]
pub struct OwnershipConfig {
    /// Label, annotation and tag keys that name an owner, in order.
    pub keys: Vec<String>,
    /// Sources, in order: the first that yields an owner wins.
    pub order: Vec<OwnerSource>,
}

impl Default for OwnershipConfig {
    fn default() -> Self {
        OwnershipConfig {
            keys: ["owner", "team", "a8r.io/owner", "Owner", "Team"]
                .map(str::to_owned)
                .to_vec(),
            order: vec![
                OwnerSource::Labels,
                OwnerSource::AzureOwners,
                OwnerSource::Catalog,
                OwnerSource::Codeowners,
            ],
        }
    }
}

/// The problems phase 2 finds; a rule names one as its `analysis`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Check {
    /// No owner from any source (OWASP NHI1).
    Ownerless,
    /// A service account no workload runs as and nothing binds (NHI1).
    Unused,
    /// One service account run as by several workloads (NHI9).
    Shared,
    /// A workload running as its namespace's `default` service account with the token mounted
    /// (NHI9).
    DefaultAccount,
    /// One cloud identity attached in several environments (NHI8).
    AcrossEnvironments,
}

impl Check {
    pub const ALL: &'static [(&'static str, Check)] = &[
        ("ownerless-identity", Check::Ownerless),
        ("unused-identity", Check::Unused),
        ("shared-identity", Check::Shared),
        ("default-service-account", Check::DefaultAccount),
        ("identity-across-environments", Check::AcrossEnvironments),
    ];

    pub fn parse(word: &str) -> Option<Check> {
        Check::ALL.iter().find(|(w, _)| *w == word).map(|(_, c)| *c)
    }
}

/// An owner and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owner {
    pub owner: String,
    /// `label owner`, `tag Owner`, `default_tags tag owner`, `azure owners`,
    /// `catalog Resource/name`, `CODEOWNERS`.
    pub source: String,
    /// The file and line the owner is written at.
    #[serde(skip)]
    pub at: Option<(String, u32)>,
}

/// What ownership resolution concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ownership {
    Owned(Owner),
    /// An owner may be there but cannot be read (computed tags): never reported as ownerless.
    Unknown(String),
    /// No owner; the notes say what was found and rejected.
    None(Vec<String>),
}

/// A grant with its privilege looked up.
#[derive(Clone, Debug)]
pub struct ResolvedGrant {
    pub grant: Grant,
    pub privilege: Privilege,
}

/// An identity with everything the repository says about it.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub identity: Identity,
    pub ownership: Ownership,
    pub grants: Vec<ResolvedGrant>,
    pub privilege: Privilege,
    pub credentials: Vec<Credential>,
    pub usages: Vec<Usage>,
    pub environments: BTreeSet<String>,
}

/// A problem found by a [`Check`], where it is to be reported.
#[derive(Clone, Debug)]
pub struct CheckMatch {
    pub check: Check,
    pub loc: Loc,
    pub message: String,
    /// The identity it is about (its key), stable across edits: the finding's fingerprint.
    pub identity: String,
    /// Less certain than the rule says: an ownerless identity in a tree where nothing names an
    /// owner (ownership may be kept outside the repository).
    pub weak: bool,
}

/// The result of phase 2.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub identities: Vec<Resolved>,
    pub matches: Vec<CheckMatch>,
    /// Whether the tree records owners anywhere: an owner label, annotation or tag (even an empty
    /// or computed one), `default_tags`, Azure `owners`, a catalog entity or a CODEOWNERS file.
    pub ownership_recorded: bool,
}

/// Owner values that name nobody.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    matches!(
        v.as_str(),
        "" | "-"
            | "none"
            | "null"
            | "nobody"
            | "unknown"
            | "tbd"
            | "todo"
            | "n/a"
            | "na"
            | "changeme"
            | "unassigned"
            | "unowned"
    )
}

/// The catalog's groups and users, to check that an owner exists.
struct Catalog<'a> {
    groups: BTreeSet<String>,
    users: BTreeSet<String>,
    entities: Vec<&'a super::Entity>,
}

impl Catalog<'_> {
    /// `team-a`, `group:team-a`, `group:default/team-a`, `user:alice` against the catalog; every
    /// value is accepted when the catalog lists no groups or users.
    fn knows(&self, reference: &str) -> bool {
        let (kind, rest) = match reference.split_once(':') {
            Some((k, r)) => (Some(k.to_ascii_lowercase()), r),
            None => (None, reference),
        };
        let name = rest.rsplit('/').next().unwrap_or(rest).to_ascii_lowercase();
        match kind.as_deref() {
            Some("group") => self.groups.is_empty() || self.groups.contains(&name),
            Some("user") => self.users.is_empty() || self.users.contains(&name),
            _ => {
                (self.groups.is_empty() && self.users.is_empty())
                    || self.groups.contains(&name)
                    || self.users.contains(&name)
            }
        }
    }

    /// A CODEOWNERS owner: `@org/team` must be a catalog group, `@user` a catalog user, when the
    /// catalog lists any; e-mail addresses are taken as they are.
    fn knows_codeowner(&self, owner: &str) -> bool {
        let Some(handle) = owner.strip_prefix('@') else {
            return owner.contains('@');
        };
        match handle.split_once('/') {
            Some((_, team)) => {
                self.groups.is_empty() || self.groups.contains(&team.to_ascii_lowercase())
            }
            None => self.users.is_empty() || self.users.contains(&handle.to_ascii_lowercase()),
        }
    }
}

/// Where CODEOWNERS files live, by the precedence GitHub gives them (GitLab's `.gitlab/` last).
const CODEOWNERS_PLACES: &[&str] = &[
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// The repository root a CODEOWNERS file governs (`""` or `dir/`) and its precedence there.
fn codeowners_root(path: &str) -> (String, usize) {
    for (rank, place) in CODEOWNERS_PLACES.iter().enumerate() {
        if path == *place {
            return (String::new(), rank);
        }
        if let Some(root) = path.strip_suffix(place)
            && root.ends_with('/')
        {
            return (root.to_owned(), rank);
        }
    }
    (String::new(), CODEOWNERS_PLACES.len())
}

/// The owners CODEOWNERS gives `path` (the last matching rule), with that rule's line.
fn codeowners_for<'r>(rules: &'r [OwnersRule], path: &str) -> Option<&'r OwnersRule> {
    rules.iter().rev().find(|rule| {
        let mut builder = ignore::gitignore::GitignoreBuilder::new("");
        if builder.add_line(None, &rule.pattern).is_err() {
            return false;
        }
        builder
            .build()
            .is_ok_and(|m| m.matched_path_or_any_parents(path, false).is_ignore())
    })
}

/// Joins the facts of every file.
pub fn analyze(files: Vec<Facts>, config: &OwnershipConfig) -> Analysis {
    let mut all = Facts::default();
    let mut codeowners: Vec<(String, Vec<OwnersRule>)> = Vec::new();
    for mut f in files {
        if let Some(c) = f.codeowners.take() {
            codeowners.push(c);
        }
        all.extend(f);
    }
    // One CODEOWNERS per repository root (a sweep may scan several repositories): the one
    // GitHub would read; the deepest root containing a file governs it.
    let mut governing: BTreeMap<String, (usize, String, Vec<OwnersRule>)> = BTreeMap::new();
    for (path, rules) in codeowners {
        let (root, rank) = codeowners_root(&path);
        match governing.get(&root) {
            Some((r, _, _)) if *r <= rank => {}
            _ => {
                governing.insert(root, (rank, path, rules));
            }
        }
    }
    let codeowners: Vec<(String, String, Vec<OwnersRule>)> = governing
        .into_iter()
        .rev()
        .map(|(root, (_, path, rules))| (root, path, rules))
        .collect();
    let catalog = Catalog {
        groups: all
            .entities
            .iter()
            .filter(|e| e.kind == "Group")
            .map(|e| e.name.to_ascii_lowercase())
            .collect(),
        users: all
            .entities
            .iter()
            .filter(|e| e.kind == "User")
            .map(|e| e.name.to_ascii_lowercase())
            .collect(),
        entities: all
            .entities
            .iter()
            .filter(|e| e.kind != "Group" && e.kind != "User")
            .collect(),
    };
    let roles: HashMap<&str, Privilege> = all
        .roles
        .iter()
        .map(|r| (r.key.as_str(), r.privilege))
        .collect();

    // Identities by key; the `default` (or any undeclared) service account that workloads run
    // as or bindings name is added as implied.
    let mut identities: Vec<Identity> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for identity in all.identities {
        if by_key.contains_key(&identity.key) {
            continue;
        }
        by_key.insert(identity.key.clone(), identities.len());
        identities.push(identity);
    }
    let implied: Vec<(String, Loc, Option<String>)> = all
        .usages
        .iter()
        .map(|u| (u.subject.clone(), u.loc.clone(), u.environment.clone()))
        .chain(
            all.grants
                .iter()
                .map(|g| (g.subject.clone(), g.loc.clone(), None)),
        )
        .filter(|(k, _, _)| k.starts_with("k8s:"))
        .collect();
    for (key, loc, environment) in implied {
        if by_key.contains_key(&key) {
            continue;
        }
        let (namespace, name) = key["k8s:".len()..]
            .split_once('/')
            .map(|(n, a)| (n.to_owned(), a.to_owned()))
            .unwrap_or_default();
        by_key.insert(key.clone(), identities.len());
        identities.push(Identity {
            key,
            platform: "kubernetes",
            kind: "ServiceAccount".to_owned(),
            name,
            namespace: Some(namespace),
            loc,
            owner: OwnerClaim::Absent,
            labels: BTreeMap::new(),
            cloud_identity: None,
            implicit: true,
            automount_disabled: false,
            environment,
        });
    }
    // `name:<type>:<name>` subjects: the one identity of that type and name.
    let mut by_name: HashMap<String, Option<usize>> = HashMap::new();
    for (i, identity) in identities.iter().enumerate() {
        by_name
            .entry(format!("name:{}:{}", identity.kind, identity.name))
            .and_modify(|e| *e = None)
            .or_insert(Some(i));
    }
    let find = |subject: &str| -> Option<usize> {
        by_key
            .get(subject)
            .copied()
            .or_else(|| by_name.get(subject).copied().flatten())
    };

    let mut resolved: Vec<Resolved> = identities
        .into_iter()
        .map(|identity| Resolved {
            environments: identity.environment.iter().cloned().collect(),
            identity,
            ownership: Ownership::None(Vec::new()),
            grants: Vec::new(),
            privilege: Privilege::None,
            credentials: Vec::new(),
            usages: Vec::new(),
        })
        .collect();
    for grant in all.grants {
        let Some(i) = find(&grant.subject) else {
            continue;
        };
        let privilege = match (&grant.role_ref, grant.privilege) {
            (Some(r), Privilege::Unknown) => {
                roles.get(r.as_str()).copied().unwrap_or(Privilege::Unknown)
            }
            (_, p) => p,
        };
        resolved[i].grants.push(ResolvedGrant { grant, privilege });
    }
    for credential in all.credentials {
        if let Some(i) = find(&credential.subject) {
            resolved[i].credentials.push(credential);
        }
    }
    for usage in all.usages {
        if let Some(i) = find(&usage.subject) {
            if let Some(env) = &usage.environment {
                resolved[i].environments.insert(env.clone());
            }
            resolved[i].usages.push(usage);
        }
    }
    for r in &mut resolved {
        r.privilege = total(&r.grants);
    }
    link_cloud_identities(&mut resolved);
    for r in &mut resolved {
        let governing = codeowners
            .iter()
            .find(|(root, _, _)| r.identity.loc.path.starts_with(root.as_str()));
        r.ownership = ownership(r, config, &catalog, governing, &all.default_owners);
    }

    let ownership_recorded = !codeowners.is_empty()
        || !all.entities.is_empty()
        || !all.default_owners.is_empty()
        || resolved
            .iter()
            .any(|r| !matches!(r.identity.owner, OwnerClaim::Absent));
    let mut matches = Vec::new();
    checks(&resolved, ownership_recorded, &mut matches);
    resolved.sort_by(|a, b| {
        (&a.identity.loc.path, a.identity.loc.line, &a.identity.key).cmp(&(
            &b.identity.loc.path,
            b.identity.loc.line,
            &b.identity.key,
        ))
    });
    matches.sort_by(|a, b| (&a.loc, &a.identity).cmp(&(&b.loc, &b.identity)));
    Analysis {
        identities: resolved,
        matches,
        ownership_recorded,
    }
}

/// What a set of grants allows together: the most of the known ones; `Unknown` when every grant
/// is unknown; `None` without grants.
fn total(grants: &[ResolvedGrant]) -> Privilege {
    let known = grants
        .iter()
        .map(|g| g.privilege)
        .filter(|p| *p > Privilege::Unknown)
        .max();
    match known {
        Some(p) => p,
        None if grants.is_empty() => Privilege::None,
        None => Privilege::Unknown,
    }
}

/// The declared identity a cloud identity string names: an IAM role ARN
/// (`arn:aws:iam::123456789012:role/path/deploy`) names the `aws_iam_role` or `AWS::IAM::Role`
/// called `deploy`; a service-account e-mail (`etl@project.iam.gserviceaccount.com`) the
/// `google_service_account` with that account id. `None` when the repository declares no such
/// identity, or several.
fn declared_target(resolved: &[Resolved], cloud: &str) -> Option<usize> {
    let (kinds, name): (&[&str], &str) = if let Some((_, role)) = cloud.split_once(":role/") {
        (
            &["aws_iam_role", "AWS::IAM::Role"],
            role.rsplit('/').next().unwrap_or(role),
        )
    } else if let Some((account, domain)) = cloud.split_once('@')
        && domain.ends_with(".iam.gserviceaccount.com")
    {
        (&["google_service_account"], account)
    } else {
        return None;
    };
    let mut hits = resolved
        .iter()
        .enumerate()
        .filter(|(_, r)| kinds.contains(&r.identity.kind.as_str()) && r.identity.name == name);
    let first = hits.next()?.0;
    hits.next().is_none().then_some(first)
}

/// Service accounts with an IRSA or GKE annotation, and roles CI jobs assume, act as the IAM role
/// or GCP service account the repository declares: they get a grant of what that identity may do,
/// and its privilege counts in their total.
fn link_cloud_identities(resolved: &mut [Resolved]) {
    let mut links = Vec::new();
    for (i, r) in resolved.iter().enumerate() {
        let (cloud, loc) = match (
            &r.identity.cloud_identity,
            r.identity.key.strip_prefix("ci:"),
        ) {
            (Some((cloud, loc)), _) => (cloud.as_str(), loc),
            (None, Some(_)) if r.credentials.is_empty() => {
                (r.identity.name.as_str(), &r.identity.loc)
            }
            _ => continue,
        };
        if let Some(target) = declared_target(resolved, cloud)
            && target != i
        {
            let t = &resolved[target];
            links.push((
                i,
                ResolvedGrant {
                    grant: Grant {
                        subject: r.identity.key.clone(),
                        role: format!("acts as {} `{}`", t.identity.kind, t.identity.name),
                        privilege: t.privilege,
                        role_ref: Some(t.identity.key.clone()),
                        scope: "cloud".to_owned(),
                        loc: loc.clone(),
                    },
                    privilege: t.privilege,
                },
            ));
        }
    }
    for (i, grant) in links {
        resolved[i].grants.push(grant);
        resolved[i].privilege = total(&resolved[i].grants);
    }
}

/// Resolves the owner of one identity through the configured sources.
fn ownership(
    r: &Resolved,
    config: &OwnershipConfig,
    catalog: &Catalog,
    codeowners: Option<&(String, String, Vec<OwnersRule>)>,
    defaults: &[super::DefaultOwner],
) -> Ownership {
    let identity = &r.identity;
    let mut notes = Vec::new();
    let azure = identity.kind.starts_with("azuread_");
    for source in &config.order {
        match source {
            OwnerSource::Labels | OwnerSource::AzureOwners => {
                if azure != (*source == OwnerSource::AzureOwners) {
                    continue;
                }
                let dir = identity.loc.path.rsplit_once('/').map_or("", |(d, _)| d);
                let module_default = || {
                    defaults
                        .iter()
                        .find(|d| {
                            d.dir == dir
                                && identity.platform == d.provider
                                && identity.key.starts_with("tf:")
                        })
                        .map(|d| (d.owner.clone(), "default_tags "))
                };
                let (claim, prefix) = match &identity.owner {
                    OwnerClaim::Absent => module_default().unwrap_or((OwnerClaim::Absent, "")),
                    claim => (claim.clone(), ""),
                };
                match claim {
                    OwnerClaim::Value { key, value, loc } => {
                        if is_placeholder(&value) {
                            notes.push(format!("`{key}` is `{value}`, which names nobody"));
                        } else {
                            let kind = match (identity.platform, azure) {
                                (_, true) => "azure",
                                ("kubernetes", _) => "label",
                                _ => "tag",
                            };
                            return Ownership::Owned(Owner {
                                owner: value,
                                source: format!("{prefix}{kind} {key}"),
                                at: Some((loc.path, loc.line)),
                            });
                        }
                    }
                    OwnerClaim::Unknown { reason } => return Ownership::Unknown(reason),
                    OwnerClaim::Absent => {}
                }
            }
            OwnerSource::Catalog => {
                let k8s_id = identity.labels.get("backstage.io/kubernetes-id");
                let entity = catalog.entities.iter().find(|e| {
                    e.name.eq_ignore_ascii_case(&identity.name)
                        || (k8s_id.is_some() && e.kubernetes_id.as_ref() == k8s_id)
                });
                if let Some(e) = entity {
                    match &e.owner {
                        Some(o) if !is_placeholder(o) && catalog.knows(o) => {
                            return Ownership::Owned(Owner {
                                owner: o.clone(),
                                source: format!("catalog {}/{}", e.kind, e.name),
                                at: Some((e.loc.path.clone(), e.loc.line)),
                            });
                        }
                        Some(o) => notes.push(format!(
                            "catalog entity {}/{} names owner `{o}`, which is not a catalog group or user",
                            e.kind, e.name
                        )),
                        None => notes.push(format!(
                            "catalog entity {}/{} has no spec.owner",
                            e.kind, e.name
                        )),
                    }
                }
            }
            OwnerSource::Codeowners => {
                let Some((root, file, rules)) = codeowners else {
                    continue;
                };
                let relative = &identity.loc.path[root.len()..];
                let Some(rule) = codeowners_for(rules, relative) else {
                    continue;
                };
                match rule.owners.iter().find(|o| catalog.knows_codeowner(o)) {
                    Some(o) => {
                        return Ownership::Owned(Owner {
                            owner: o.clone(),
                            source: "CODEOWNERS".to_owned(),
                            at: Some((file.clone(), rule.line)),
                        });
                    }
                    None if rule.owners.is_empty() => {
                        notes.push(format!(
                            "{}:{} leaves the file without owners",
                            &file[root.len()..],
                            rule.line
                        ));
                    }
                    None => notes.push(format!(
                        "{}:{} names {}, not in the catalog",
                        &file[root.len()..],
                        rule.line,
                        rule.owners.join(" ")
                    )),
                }
            }
        }
    }
    Ownership::None(notes)
}

/// The cross-file checks.
fn checks(resolved: &[Resolved], ownership_recorded: bool, out: &mut Vec<CheckMatch>) {
    let namespaces_with_workloads: BTreeSet<&str> = resolved
        .iter()
        .filter(|r| !r.usages.is_empty())
        .filter_map(|r| r.identity.namespace.as_deref())
        .collect();
    let defaults_without_token: BTreeSet<&str> = resolved
        .iter()
        .filter(|r| r.identity.name == "default" && r.identity.automount_disabled)
        .filter_map(|r| r.identity.namespace.as_deref())
        .collect();
    let mut cloud: BTreeMap<&str, Vec<(&str, &Loc)>> = BTreeMap::new();
    for r in resolved {
        let id = &r.identity;
        let what = format!("{} `{}`", id.kind, display_name(id));
        if let Ownership::None(notes) = &r.ownership
            && !id.implicit
        {
            let mut message = format!("{what} has no owner: ");
            if notes.is_empty() {
                message.push_str(
                    "no owner label, annotation or tag, no catalog entity names it, no CODEOWNERS entry covers its file",
                );
            } else {
                message.push_str(&notes.join("; "));
            }
            out.push(CheckMatch {
                check: Check::Ownerless,
                loc: id.loc.clone(),
                message,
                identity: id.key.clone(),
                weak: !ownership_recorded,
            });
        }
        if id.platform != "kubernetes" {
            if id.key.starts_with("ci:") {
                for u in &r.usages {
                    if let Some(env) = &u.environment {
                        cloud.entry(&id.name).or_default().push((env, &u.loc));
                    }
                }
            }
            continue;
        }
        let namespace = id.namespace.as_deref().unwrap_or("default");
        if let (Some((arn, loc)), Some(env)) = (&id.cloud_identity, &id.environment) {
            cloud.entry(arn).or_default().push((env, loc));
        }
        if !id.implicit
            && id.name != "default"
            && r.usages.is_empty()
            && r.grants.is_empty()
            && r.credentials.is_empty()
            && namespaces_with_workloads.contains(namespace)
        {
            out.push(CheckMatch {
                check: Check::Unused,
                loc: id.loc.clone(),
                message: format!(
                    "{what} is run as by no workload and bound to no role, while namespace `{namespace}` has workloads"
                ),
                identity: id.key.clone(),
                weak: false,
            });
        }
        let workloads: BTreeSet<&str> = r.usages.iter().map(|u| u.workload.as_str()).collect();
        if id.name != "default" && workloads.len() > 1 {
            out.push(CheckMatch {
                check: Check::Shared,
                loc: if id.implicit {
                    r.usages[0].loc.clone()
                } else {
                    id.loc.clone()
                },
                message: format!(
                    "{what} is shared by {} workloads: {}",
                    workloads.len(),
                    workloads.iter().copied().collect::<Vec<_>>().join(", ")
                ),
                identity: id.key.clone(),
                weak: false,
            });
        }
        // The token of a `default` account nothing grants anything is of little use: report
        // only when the repository gives the account privileges, which every workload that
        // forgets `serviceAccountName` then shares.
        if id.name == "default"
            && r.privilege != Privilege::None
            && !id.automount_disabled
            && !defaults_without_token.contains(namespace)
        {
            for u in r.usages.iter().filter(|u| !u.automount_disabled) {
                out.push(CheckMatch {
                    check: Check::DefaultAccount,
                    loc: u.loc.clone(),
                    message: format!(
                        "{} runs as the `default` service account of namespace `{namespace}`, which holds {} privileges here, with its token mounted",
                        u.workload,
                        r.privilege.as_str()
                    ),
                    identity: format!("{}#{}", id.key, u.workload),
                    weak: false,
                });
            }
        }
    }
    for (identity, uses) in cloud {
        let envs: BTreeSet<&str> = uses.iter().map(|(e, _)| *e).collect();
        if envs.len() < 2 {
            continue;
        }
        let list = envs.iter().copied().collect::<Vec<_>>().join(", ");
        for (env, loc) in uses {
            out.push(CheckMatch {
                check: Check::AcrossEnvironments,
                loc: loc.clone(),
                message: format!(
                    "cloud identity `{identity}` is used in {} environments ({list}); this use is in `{env}`",
                    envs.len()
                ),
                identity: format!("{identity}#{env}#{}", loc.path),
                weak: false,
            });
        }
    }
}

/// `namespace/name` for Kubernetes, the name otherwise.
pub fn display_name(id: &Identity) -> String {
    match &id.namespace {
        Some(ns) => format!("{ns}/{}", id.name),
        None => id.name.clone(),
    }
}
