//! What a file is, decided by its path first and its content second, so structural rules only
//! look at the documents they are written for.

/// The syntax a file is parsed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Json,
    Hcl,
    /// CODEOWNERS: lines of `pattern owner…`, not a tree.
    Codeowners,
}

/// What a document is. The words are what rules name in `applies_to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    GithubWorkflow,
    GithubAction,
    GitlabCi,
    AzurePipelines,
    Circleci,
    BitbucketPipelines,
    Kubernetes,
    HelmValues,
    Terraform,
    Cloudformation,
    DockerCompose,
    Codeowners,
    Backstage,
    /// Any other YAML or JSON file.
    Yaml,
    Json,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::GithubWorkflow,
        Kind::GithubAction,
        Kind::GitlabCi,
        Kind::AzurePipelines,
        Kind::Circleci,
        Kind::BitbucketPipelines,
        Kind::Kubernetes,
        Kind::HelmValues,
        Kind::Terraform,
        Kind::Cloudformation,
        Kind::DockerCompose,
        Kind::Codeowners,
        Kind::Backstage,
        Kind::Yaml,
        Kind::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::GithubWorkflow => "github-workflow",
            Kind::GithubAction => "github-action",
            Kind::GitlabCi => "gitlab-ci",
            Kind::AzurePipelines => "azure-pipelines",
            Kind::Circleci => "circleci",
            Kind::BitbucketPipelines => "bitbucket-pipelines",
            Kind::Kubernetes => "kubernetes",
            Kind::HelmValues => "helm-values",
            Kind::Terraform => "terraform",
            Kind::Cloudformation => "cloudformation",
            Kind::DockerCompose => "docker-compose",
            Kind::Codeowners => "codeowners",
            Kind::Backstage => "backstage",
            Kind::Yaml => "yaml",
            Kind::Json => "json",
        }
    }

    /// A path a document of this kind is recognised at, for rule examples that name none.
    pub fn example_path(self) -> &'static str {
        match self {
            Kind::GithubWorkflow => ".github/workflows/example.yml",
            Kind::GithubAction => "action.yml",
            Kind::GitlabCi => ".gitlab-ci.yml",
            Kind::AzurePipelines => "azure-pipelines.yml",
            Kind::Circleci => ".circleci/config.yml",
            Kind::BitbucketPipelines => "bitbucket-pipelines.yml",
            Kind::Kubernetes => "deploy/example.yaml",
            Kind::HelmValues => "chart/values.yaml",
            Kind::Terraform => "main.tf",
            Kind::Cloudformation => "template.yaml",
            Kind::DockerCompose => "docker-compose.yml",
            Kind::Codeowners => ".github/CODEOWNERS",
            Kind::Backstage => "catalog-info.yaml",
            Kind::Yaml => "example.yaml",
            Kind::Json => "example.json",
        }
    }

    pub fn parse(word: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == word)
    }
}

/// A set of kinds: the ones a pack's structural rules read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Kinds(u32);

impl Kinds {
    /// Every kind.
    pub const ALL: Kinds = Kinds((1 << Kind::ALL.len()) - 1);

    pub fn insert(&mut self, kind: Kind) {
        self.0 |= 1 << kind as u32;
    }

    pub fn contains(self, kind: Kind) -> bool {
        self.0 & (1 << kind as u32) != 0
    }
}

/// What the path and a first look at the content say about a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detected {
    pub syntax: Syntax,
    pub kind: Kind,
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn has_ext(name: &str, exts: &[&str]) -> bool {
    exts.iter().any(|e| {
        name.len() > e.len()
            && name.as_bytes()[name.len() - e.len() - 1] == b'.'
            && name[name.len() - e.len()..].eq_ignore_ascii_case(e)
    })
}

/// The words the content checks look for.
const NEEDLES: &[&str] = &[
    "{{",
    "AWSTemplateFormatVersion",
    "Resources",
    "AWS::",
    "apiVersion",
    "kind",
    "backstage.io/",
    "script:",
    "stage:",
    "stages:",
    "extends:",
    "pool:",
    "vmImage",
    "- task:",
];

/// Whether `hay` contains `needle`. The searchers of [`NEEDLES`] are built once, not on every
/// call: building one costs about as much as searching a small file.
fn contains(hay: &[u8], needle: &str) -> bool {
    use memchr::memmem::Finder;
    static FINDERS: std::sync::OnceLock<Vec<Finder<'static>>> = std::sync::OnceLock::new();
    let finders =
        FINDERS.get_or_init(|| NEEDLES.iter().map(|n| Finder::new(n.as_bytes())).collect());
    NEEDLES.iter().position(|n| *n == needle).map_or_else(
        || memchr::memmem::find(hay, needle.as_bytes()).is_some(),
        |i| finders[i].find(hay).is_some(),
    )
}

/// The file's syntax and kind, or `None` for files no structural rule reads. `path` is
/// `/`-separated. Helm chart templates (`templates/*.yaml` with `{{`) are not YAML until
/// rendered and are left to the secret rules.
pub fn detect(path: &str, bytes: &[u8]) -> Option<Detected> {
    detect_wanted(path, bytes, Kinds::ALL)
}

/// Whether `path` has a directory named `dir` (with its trailing `/`).
fn in_dir(path: &str, dir: &str) -> bool {
    path.starts_with(dir)
        || path
            .match_indices('/')
            .any(|(i, _)| path[i + 1..].starts_with(dir))
}

/// [`detect`] for a caller that only reads the kinds in `wanted`: the same answer whenever it
/// is one of them, `None` or another kind otherwise. The path decides first, for free; the
/// content checks (a few passes over the bytes) run only while a kind they could still lead to
/// is wanted, in the same order as `detect`, so a wanted kind is never taken from a file an
/// earlier check would have given another kind.
pub fn detect_wanted(path: &str, bytes: &[u8], wanted: Kinds) -> Option<Detected> {
    let name = file_name(path);
    let lower = name.to_ascii_lowercase();
    if lower == "codeowners"
        && (in_dir(path, ".github/")
            || in_dir(path, "docs/")
            || !path.contains('/')
            || in_dir(path, ".gitlab/"))
    {
        return Some(Detected {
            syntax: Syntax::Codeowners,
            kind: Kind::Codeowners,
        });
    }
    if has_ext(&lower, &["tf", "tofu"]) {
        return Some(Detected {
            syntax: Syntax::Hcl,
            kind: Kind::Terraform,
        });
    }
    if lower.ends_with(".tf.json") {
        return Some(Detected {
            syntax: Syntax::Json,
            kind: Kind::Terraform,
        });
    }
    let yaml = has_ext(&lower, &["yml", "yaml"]);
    let json = has_ext(&lower, &["json", "template"]) && !yaml;
    if !yaml && !json {
        return None;
    }
    let syntax = if yaml { Syntax::Yaml } else { Syntax::Json };
    let by_path = |kind| Some(Detected { syntax, kind });
    if yaml {
        if in_dir(path, ".github/workflows/") {
            return by_path(Kind::GithubWorkflow);
        }
        if lower == "action.yml" || lower == "action.yaml" {
            return by_path(Kind::GithubAction);
        }
        if lower == ".gitlab-ci.yml"
            || lower == ".gitlab-ci.yaml"
            || lower.ends_with(".gitlab-ci.yml")
            || in_dir(path, ".gitlab/ci/")
        {
            return by_path(Kind::GitlabCi);
        }
        if lower == "azure-pipelines.yml"
            || lower == "azure-pipelines.yaml"
            || in_dir(path, ".azure-pipelines/")
            || in_dir(path, ".azuredevops/")
        {
            return by_path(Kind::AzurePipelines);
        }
        if in_dir(path, ".circleci/") && (lower == "config.yml" || lower == "config.yaml") {
            return by_path(Kind::Circleci);
        }
        if lower == "bitbucket-pipelines.yml" || lower == "bitbucket-pipelines.yaml" {
            return by_path(Kind::BitbucketPipelines);
        }
        if lower.starts_with("docker-compose")
            || lower == "compose.yml"
            || lower == "compose.yaml"
            || lower.starts_with("compose.")
        {
            return by_path(Kind::DockerCompose);
        }
        if lower == "catalog-info.yaml" || lower == "catalog-info.yml" {
            return by_path(Kind::Backstage);
        }
    }
    // Content, for files whose name says nothing: each check in this order, the first that
    // passes decides. `last` is the position of the last wanted kind: checks after it can
    // only lead to kinds nobody reads.
    let order: &[Kind] = if yaml {
        &[
            Kind::Cloudformation,
            Kind::Kubernetes,
            Kind::GitlabCi,
            Kind::AzurePipelines,
            Kind::Yaml,
        ]
    } else {
        &[Kind::Cloudformation, Kind::Json]
    };
    let helm_values = yaml
        && (lower == "values.yaml"
            || lower == "values.yml"
            || lower.starts_with("values-")
            || lower.starts_with("values."));
    let wanted_at =
        |k: Kind| wanted.contains(k) || (k == Kind::Kubernetes && wanted.contains(Kind::Backstage));
    let last = order.iter().rposition(|&k| wanted_at(k));
    if yaml
        && in_dir(path, "templates/")
        && (helm_values || last.is_some())
        && contains(bytes, "{{")
    {
        return None;
    }
    if helm_values {
        return by_path(Kind::HelmValues);
    }
    let last = last?;
    if contains(bytes, "AWSTemplateFormatVersion")
        || (contains(bytes, "Resources") && contains(bytes, "AWS::"))
    {
        return by_path(Kind::Cloudformation);
    }
    if !yaml {
        return (last >= 1).then_some(Detected {
            syntax,
            kind: Kind::Json,
        });
    }
    if last < 1 {
        return None;
    }
    if contains(bytes, "apiVersion") && contains(bytes, "kind") {
        return by_path(if contains(bytes, "backstage.io/") {
            Kind::Backstage
        } else {
            Kind::Kubernetes
        });
    }
    if last < 2 {
        return None;
    }
    if contains(bytes, "script:")
        && (contains(bytes, "stage:") || contains(bytes, "stages:") || contains(bytes, "extends:"))
    {
        return by_path(Kind::GitlabCi);
    }
    if last < 3 {
        return None;
    }
    if contains(bytes, "pool:") && (contains(bytes, "vmImage") || contains(bytes, "- task:")) {
        return by_path(Kind::AzurePipelines);
    }
    if last < 4 {
        return None;
    }
    by_path(Kind::Yaml)
}

/// The kind of one document of a multi-document YAML file: a Kubernetes file can hold a
/// Backstage entity and the reverse, told apart by `apiVersion`.
pub fn refine(kind: Kind, api_version: Option<&str>) -> Kind {
    match (kind, api_version) {
        (Kind::Kubernetes | Kind::Backstage, Some(v)) if v.starts_with("backstage.io/") => {
            Kind::Backstage
        }
        (Kind::Backstage, Some(_)) => Kind::Kubernetes,
        _ => kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str, text: &str) -> Option<&'static str> {
        detect(path, text.as_bytes()).map(|d| d.kind.as_str())
    }

    #[test]
    fn paths_first() {
        assert_eq!(
            kind(".github/workflows/ci.yml", ""),
            Some("github-workflow")
        );
        assert_eq!(
            kind("sub/.github/workflows/ci.yaml", ""),
            Some("github-workflow")
        );
        assert_eq!(kind("actions/setup/action.yml", ""), Some("github-action"));
        assert_eq!(kind(".gitlab-ci.yml", ""), Some("gitlab-ci"));
        assert_eq!(kind(".gitlab/ci/deploy.yml", ""), Some("gitlab-ci"));
        assert_eq!(kind("azure-pipelines.yml", ""), Some("azure-pipelines"));
        assert_eq!(kind(".circleci/config.yml", ""), Some("circleci"));
        assert_eq!(
            kind("bitbucket-pipelines.yml", ""),
            Some("bitbucket-pipelines")
        );
        assert_eq!(kind("infra/main.tf", ""), Some("terraform"));
        assert_eq!(kind("infra/main.tf.json", ""), Some("terraform"));
        assert_eq!(kind("docker-compose.prod.yml", ""), Some("docker-compose"));
        assert_eq!(kind(".github/CODEOWNERS", ""), Some("codeowners"));
        assert_eq!(kind("catalog-info.yaml", ""), Some("backstage"));
        assert_eq!(kind("charts/app/values.yaml", ""), Some("helm-values"));
        assert_eq!(
            kind("charts/app/templates/sa.yaml", "name: {{ .Values.x }}"),
            None
        );
        assert_eq!(kind("src/main.rs", ""), None);
    }

    #[test]
    fn content_second() {
        assert_eq!(
            kind("deploy/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\n"),
            Some("kubernetes")
        );
        assert_eq!(
            kind("stack.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n"),
            Some("cloudformation")
        );
        assert_eq!(
            kind(
                "stack.json",
                "{\"Resources\": {\"U\": {\"Type\": \"AWS::IAM::User\"}}}"
            ),
            Some("cloudformation")
        );
        assert_eq!(
            kind(
                "ci/deploy.yml",
                "deploy:\n  stage: deploy\n  script: [make]\n"
            ),
            Some("gitlab-ci")
        );
        assert_eq!(kind("x.yml", "a: 1\n"), Some("yaml"));
        assert_eq!(
            refine(Kind::Kubernetes, Some("backstage.io/v1alpha1")),
            Kind::Backstage
        );
        assert_eq!(refine(Kind::Backstage, Some("v1")), Kind::Kubernetes);
    }

    #[test]
    fn detect_wanted_agrees_with_detect_on_every_wanted_kind() {
        let files: &[(&str, &str)] = &[
            (".github/workflows/ci.yml", "on: push\n"),
            ("action.yml", "runs: {using: composite}\n"),
            (".gitlab-ci.yml", "job: {script: [make]}\n"),
            ("azure-pipelines.yml", "pool: {vmImage: ubuntu-latest}\n"),
            (".circleci/config.yml", "version: 2.1\n"),
            ("bitbucket-pipelines.yml", "pipelines: {}\n"),
            ("docker-compose.yml", "services: {}\n"),
            (
                "catalog-info.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\n",
            ),
            ("charts/app/values.yaml", "serviceAccount: {create: true}\n"),
            ("charts/app/templates/values.yaml", "a: {{ .Values.x }}\n"),
            (
                "charts/app/templates/sa.yaml",
                "apiVersion: v1\nkind: ServiceAccount\nname: {{ .x }}\n",
            ),
            ("main.tf", "resource \"x\" \"y\" {}\n"),
            ("main.tf.json", "{}\n"),
            (".github/CODEOWNERS", "* @org/team\n"),
            ("deploy/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\n"),
            (
                "deploy/cat.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\n",
            ),
            (
                "stack.yaml",
                "AWSTemplateFormatVersion: '2010-09-09'\nscript: x\nstage: y\n",
            ),
            (
                "stack.json",
                "{\"Resources\": {\"U\": {\"Type\": \"AWS::IAM::User\"}}}",
            ),
            (
                "ci/deploy.yml",
                "deploy:\n  stage: deploy\n  script: [make]\n",
            ),
            (
                "ci/k8s-and-gitlab.yml",
                "apiVersion: v1\nkind: Job\nscript: x\nstage: y\n",
            ),
            (
                "pipelines/build.yml",
                "pool:\n  vmImage: ubuntu-latest\nsteps:\n- task: X\n",
            ),
            ("x.yml", "a: 1\n"),
            ("x.json", "{\"a\": 1}\n"),
            ("src/main.rs", "fn main() {}\n"),
        ];
        let mut sets: Vec<Kinds> = Vec::new();
        for &a in Kind::ALL {
            for &b in Kind::ALL {
                let mut set = Kinds::default();
                set.insert(a);
                set.insert(b);
                sets.push(set);
            }
        }
        sets.push(Kinds::ALL);
        sets.push(Kinds::default());
        for &(path, text) in files {
            let full = detect(path, text.as_bytes());
            for &set in &sets {
                let got = detect_wanted(path, text.as_bytes(), set);
                match full {
                    Some(d) if set.contains(d.kind) => {
                        assert_eq!(got, full, "{path} with {set:?}");
                    }
                    _ => assert!(
                        got.is_none_or(|g| !set.contains(g.kind)),
                        "{path} with {set:?}: {got:?} where detect says {full:?}"
                    ),
                }
            }
        }
    }

    #[test]
    fn content_is_not_sniffed_for_kinds_nobody_reads() {
        let mut ci = Kinds::default();
        ci.insert(Kind::GithubWorkflow);
        let k8s = b"apiVersion: v1\nkind: ServiceAccount\n";
        assert_eq!(detect_wanted("deploy/sa.yaml", k8s, ci), None);
        assert_eq!(
            detect_wanted(".github/workflows/x.yml", b"on: push\n", ci).map(|d| d.kind),
            Some(Kind::GithubWorkflow)
        );
        assert_eq!(detect_wanted("deploy/sa.yaml", k8s, Kinds::default()), None);
        assert!(Kinds::ALL.contains(Kind::Json) && !Kinds::default().contains(Kind::Yaml));
    }
}
