//! Command-line definitions (clap). Parsing only: `main.rs` turns these into a scan.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Format;
use crate::rules::{Confidence, Severity};

#[derive(Debug, Parser)]
#[command(
    name = "nhilint",
    version,
    about = "Find embedded secrets, ownerless machine identities and standing privileges in repositories and CI",
    long_about = None,
    after_help = "Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 an error (bad config or rules, an unreadable file)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (default: the current directory)
    #[command(after_help = TODAY_HELP)]
    Scan(ScanArgs),
    /// Record the current findings in a baseline file, so that later scans report only new ones
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// List the exceptions in .nhilint.yaml: days to expiry and findings each suppresses
    #[command(after_help = TODAY_HELP)]
    Exceptions(ExceptionsArgs),
    /// Write a commented .nhilint.yaml, a pre-commit entry and a GitHub workflow (never
    /// overwrites a file)
    Init(InitArgs),
    /// List, explain, check and test rules
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Write a git pre-commit hook (.git/hooks/pre-commit) that runs `nhilint scan --staged`
    InstallHook(InstallHookArgs),
    /// List every machine identity in PATH: owner, credentials, privileges, environments and
    /// the findings against it
    Inventory(InventoryArgs),
}

/// Output formats of `nhilint inventory`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InventoryFormat {
    Markdown,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// Directory to read [default: .]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "markdown")]
    pub format: InventoryFormat,
    /// Write the inventory to a file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: .nhilint.yaml at the scan root, if present)
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub pack: PackArgs,
    /// Leave out paths matching this gitignore-style glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

/// The environment variable that stands in for today's date, for tests.
pub const TODAY_VAR: &str = "NHILINT_TODAY";

const TODAY_HELP: &str = "Exceptions expire by the system clock's date (UTC); for testing, NHILINT_TODAY=YYYY-MM-DD stands in for today.";

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan PATH and write its findings to a baseline file (by content: no line numbers, no secrets)
    Write(BaselineWriteArgs),
}

#[derive(Debug, Args)]
pub struct BaselineWriteArgs {
    /// Directory to scan [default: .]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Baseline file to write [default: the config's `baseline`, else .nhilint-baseline.json in PATH]
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: .nhilint.yaml at the scan root, if present)
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub pack: PackArgs,
    /// Lowest confidence to record [default: medium]
    #[arg(long, value_name = "CONFIDENCE", value_parser = parse_confidence)]
    pub min_confidence: Option<Confidence>,
    /// Leave out paths matching this gitignore-style glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Accept exceptions in the config without an `expires` date
    #[arg(long)]
    pub allow_permanent_exceptions: bool,
}

#[derive(Debug, Args)]
pub struct ExceptionsArgs {
    /// Directory to scan [default: .]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Configuration file (default: .nhilint.yaml at the scan root, if present)
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub pack: PackArgs,
    /// Accept exceptions without an `expires` date
    #[arg(long)]
    pub allow_permanent_exceptions: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Repository root to write the files in [default: .]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// Replace an existing pre-commit hook
    #[arg(long)]
    pub force: bool,
}

/// Which rule packs to load.
#[derive(Debug, Args, Clone, Default)]
pub struct PackArgs {
    /// Load extra rule packs from a directory or file (repeatable)
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in rule pack
    #[arg(long)]
    pub no_default_rules: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: .nhilint.yaml at the scan root, if present)
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub pack: PackArgs,
    /// Run only these rules: a pack (`secrets`, `ci`, `identity`, `privilege`), a category
    /// (`secret`, `privilege`, `ownership`), a tag or a rule id; repeatable or comma-separated
    #[arg(long, value_name = "SELECTOR", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Lowest severity that makes the exit code 1 [default: low]
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Findings recorded in this baseline (`nhilint baseline write`) are suppressed; entries that
    /// match nothing are listed as stale [default: the config's `baseline`]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Accept exceptions in the config without an `expires` date
    #[arg(long)]
    pub allow_permanent_exceptions: bool,
    /// Lowest confidence to report [default: medium]
    #[arg(long, value_name = "CONFIDENCE", value_parser = parse_confidence)]
    pub min_confidence: Option<Confidence>,
    /// Worker threads (0 = one per core)
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Skip (and report) files larger than this, e.g. 10MiB, 512K; 0 = no limit [default: 10MiB]
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,
    /// Leave out paths matching this gitignore-style glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Print secrets in full in every output format (off by default: secrets are redacted)
    #[arg(long)]
    pub show_secrets: bool,
    /// Exit 0 even when there are findings (errors still exit 2)
    #[arg(long)]
    pub exit_zero: bool,
    /// Never use colour (also honoured: `NO_COLOR`)
    #[arg(long)]
    pub no_color: bool,
    /// Follow symbolic links while walking
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Do not honour .gitignore, .ignore and .nhilintignore files
    #[arg(long)]
    pub no_ignore: bool,
    /// Scan the git history of the repository at PATH: every blob reachable from the refs, once
    #[arg(long, conflicts_with_all = ["staged", "all_staged"], help_heading = "Git")]
    pub git: bool,
    /// With --git: only this branch, tag or revision and its ancestors (default: all refs)
    #[arg(long, value_name = "REF", requires = "git", help_heading = "Git")]
    pub branch: Option<String>,
    /// With --git: only commits not reachable from REV
    #[arg(long, value_name = "REV", requires = "git", help_heading = "Git")]
    pub since_commit: Option<String>,
    /// With --git: only commits in A..B (reachable from B, not from A), e.g. origin/main..HEAD
    #[arg(
        long,
        value_name = "A..B",
        requires = "git",
        conflicts_with = "branch",
        help_heading = "Git"
    )]
    pub range: Option<String>,
    /// Scan the staged changes (index against HEAD): only secrets the commit would add
    #[arg(long, help_heading = "Git")]
    pub staged: bool,
    /// Like --staged, but report every secret in the staged files, also those HEAD already has
    #[arg(long, help_heading = "Git")]
    pub all_staged: bool,
    /// Collect the identity inventory (for `nhilint inventory`).
    #[arg(skip)]
    pub inventory: bool,
}

impl ScanArgs {
    /// The arguments of a plain `nhilint scan`, every option at its default: for commands that
    /// scan on the way to something else.
    pub fn defaults() -> Result<ScanArgs, clap::Error> {
        use clap::FromArgMatches;
        let matches =
            ScanArgs::augment_args(clap::Command::new("scan")).try_get_matches_from(["scan"])?;
        ScanArgs::from_arg_matches(&matches)
    }
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules of the pack
    List {
        #[command(flatten)]
        pack: PackArgs,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Explain a rule: what it finds, why it matters, how to fix it
    Explain {
        /// Rule id
        id: String,
        #[command(flatten)]
        pack: PackArgs,
    },
    /// Check a rule pack: schema, unique ids, regexes, examples and negative examples
    Check {
        /// A rule file or a directory of them (default: the built-in pack)
        path: Option<PathBuf>,
    },
    /// Run fixtures with inline `expect: rule-id` markers and compare the exact findings
    Test {
        /// Directory of fixtures
        dir: PathBuf,
        #[command(flatten)]
        pack: PackArgs,
    },
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_confidence(s: &str) -> Result<Confidence, String> {
    s.parse()
}
