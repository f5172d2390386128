//! The nhilint binary: parse the command line, call the library, print, map the outcome to an
//! exit code (0 clean, 1 findings, 2 errors). The only module that talks to the user.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ariadne::{Color, Config, IndexType, Label, Report as Diag, ReportKind, Source};
use clap::Parser;

use nhilint::baseline::{self, Baseline};
use nhilint::check;
use nhilint::cli::{
    BaselineCommand, BaselineWriteArgs, Cli, Command, ExceptionsArgs, InitArgs, InstallHookArgs,
    PackArgs, RulesCommand, ScanArgs,
};
use nhilint::config::{self, ParseOptions, Policy};
use nhilint::engine::validate::ValidateOptions;
use nhilint::exceptions::{self, Date};
use nhilint::finding::VersionControl;
use nhilint::fixtures;
use nhilint::git_scan::{self, GitReport};
use nhilint::init::Outcome;
use nhilint::report::{self, Format, gitlab, human::HumanOptions};
use nhilint::rules::{Confidence, LoadError, Matcher, Pack, Severity};
use nhilint::scan::{Progress, Report, ScanOptions, Scanner};
use nhilint::source::history::HistoryOptions;
use nhilint::source::walk::{WalkOptions, display_path};

const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;
const DEFAULT_MAX_FILE_SIZE: u64 = 10 << 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Rules(cmd) => run_rules(cmd),
        Command::InstallHook(args) => install_hook(&args),
        Command::Baseline(BaselineCommand::Write(args)) => baseline_write(&args),
        Command::Exceptions(args) => list_exceptions(&args),
        Command::Init(args) => run_init(&args),
        Command::Inventory(args) => run_inventory(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Printed) => ExitCode::from(EXIT_ERROR),
        Err(Failure::Message(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Why a command could not complete.
enum Failure {
    /// Diagnostics were already printed.
    Printed,
    Message(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Message(e.to_string())
    }
}

fn color_wanted(no_color: bool) -> bool {
    !no_color && std::env::var_os("NO_COLOR").is_none() && io::stderr().is_terminal()
}

/// Prints load errors as ariadne diagnostics pointing into the YAML.
fn print_load_errors(errors: &[LoadError]) {
    let color = color_wanted(false);
    let mut err = io::stderr().lock();
    for e in errors {
        if e.line == 0 {
            let _ = writeln!(err, "error: {}: {}", e.file, e.message);
            continue;
        }
        let at = e.byte_offset();
        let end = (at + 1).min(e.text.len()).max(at);
        let id = e.file.clone();
        let _ = Diag::build(ReportKind::Error, (id.clone(), at..end))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte),
            )
            .with_message(&e.message)
            .with_label(
                Label::new((id.clone(), at..end))
                    .with_message(&e.message)
                    .with_color(Color::Red),
            )
            .finish()
            .write((id, Source::from(e.text.as_ref())), &mut err);
    }
}

/// Rule files under `path` (a file, or a directory searched recursively), sorted.
fn rule_files(path: &Path) -> Result<Vec<(String, String)>, Failure> {
    let mut paths = Vec::new();
    if path.is_dir() {
        for entry in ignore::WalkBuilder::new(path)
            .hidden(false)
            .standard_filters(false)
            .build()
        {
            let entry = entry.map_err(|e| {
                Failure::Message(format!("reading rules in {}: {e}", path.display()))
            })?;
            let p = entry.path();
            if entry.file_type().is_some_and(|t| t.is_file())
                && p.extension().is_some_and(|e| e == "yaml" || e == "yml")
            {
                paths.push(p.to_path_buf());
            }
        }
        paths.sort();
    } else {
        paths.push(path.to_path_buf());
    }
    paths
        .into_iter()
        .map(|p| {
            std::fs::read_to_string(&p)
                .map(|t| (display_path(&p), t))
                .map_err(|e| {
                    Failure::Message(format!("cannot read rule file {}: {e}", p.display()))
                })
        })
        .collect()
}

/// The rule pack: the built-in one unless switched off, then the user's files. User files compile
/// CEL at load; the built-in files on first use, unless `check_builtin` (`rules check`, `rules
/// test`) compiles them now.
fn load_pack(args: &PackArgs, check_builtin: bool) -> Result<Pack, Failure> {
    let mut files = if args.no_default_rules {
        Vec::new()
    } else {
        nhilint::rules::builtin_files()
    };
    let builtin = files.len();
    for p in &args.rules {
        files.extend(rule_files(p)?);
    }
    let trusted = if check_builtin { 0 } else { builtin };
    nhilint::rules::load_files_with(&files, trusted).map_err(|errs| {
        print_load_errors(&errs);
        Failure::Printed
    })
}

/// The configuration file to use: `--config`, or `.nhilint.yaml` at the scan root.
fn config_path(args: &ScanArgs, roots: &[PathBuf]) -> Option<PathBuf> {
    if let Some(c) = &args.config {
        return Some(c.clone());
    }
    let root = roots
        .first()
        .map_or_else(|| PathBuf::from("."), Clone::clone);
    let dir = if root.is_dir() {
        root
    } else {
        root.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let candidate = dir.join(config::FILE_NAME);
    candidate.is_file().then_some(candidate)
}

/// Today's date: `NHILINT_TODAY` (for tests) or the system clock's.
fn today() -> Result<Date, Failure> {
    match std::env::var(nhilint::cli::TODAY_VAR) {
        Ok(v) => Date::parse(v.trim())
            .map_err(|e| Failure::Message(format!("{}: {e}", nhilint::cli::TODAY_VAR))),
        Err(_) => Ok(Date::today()),
    }
}

/// A finished scan with the configuration's exceptions applied, and what its output needs.
struct Scanned {
    report: Report,
    scanner: Scanner,
    version_control: Option<VersionControl>,
    commits: Option<u64>,
    fail_on: Severity,
    interactive: bool,
    policy: Policy,
    config_file: Option<PathBuf>,
    /// Prefixes that make finding paths relative to the scan root.
    prefixes: Vec<String>,
    /// Findings each exception matched.
    exception_counts: Vec<usize>,
}

impl Scanned {
    fn relative(&self, path: &str) -> String {
        baseline::root_relative(path, &self.prefixes)
    }

    /// The config's `baseline`, relative to the config file's directory.
    fn configured_baseline(&self) -> Option<PathBuf> {
        let b = self.policy.baseline.as_ref()?;
        let dir = self
            .config_file
            .as_ref()
            .and_then(|c| c.parent())
            .unwrap_or(Path::new(""));
        Some(dir.join(b))
    }
}

fn scan_report(args: &ScanArgs) -> Result<Scanned, Failure> {
    let mut pack = load_pack(&args.pack, false)?;
    let roots = if args.paths.is_empty() {
        nhilint::scan::default_roots()
    } else {
        args.paths.clone()
    };
    let config_file = config_path(args, &roots);
    let policy = match &config_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::Message(format!("cannot read config {}: {e}", path.display()))
            })?;
            let options = ParseOptions {
                allow_permanent_exceptions: args.allow_permanent_exceptions,
            };
            Policy::parse_with(&display_path(path), &text, &pack, options).map_err(|errs| {
                print_load_errors(&errs);
                Failure::Printed
            })?
        }
        None => Policy::default(),
    };
    // Rules switched off by config or --only still count as known to suppressions.
    let known_ids: Vec<String> = pack
        .rules
        .iter()
        .flat_map(|r| std::iter::once(r.id.clone()).chain(r.aliases.iter().cloned()))
        .collect();
    policy.apply(&mut pack);
    if !args.only.is_empty() {
        if let Some(s) = args
            .only
            .iter()
            .find(|s| !pack.rules.iter().any(|r| r.selected_by(s)))
        {
            return Err(Failure::Message(format!(
                "--only {s}: no rule has this pack, category, tag or id (see `nhilint rules list`)"
            )));
        }
        pack.rules
            .retain(|r| args.only.iter().any(|s| r.selected_by(s)));
    }
    let max_file_size = match &args.max_file_size {
        Some(s) => {
            config::parse_size(s).map_err(|e| Failure::Message(format!("--max-file-size: {e}")))?
        }
        None => policy.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
    };
    let mut exclude = policy.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let opts = ScanOptions {
        walk: WalkOptions {
            roots,
            exclude,
            follow_symlinks: args.follow_symlinks,
            no_ignore: args.no_ignore,
            threads: args.threads,
        },
        max_file_size,
        show_secrets: args.show_secrets,
        min_confidence: args
            .min_confidence
            .or(policy.min_confidence)
            .unwrap_or(Confidence::Medium),
    };
    let fail_on = args.fail_on.or(policy.fail_on).unwrap_or(Severity::Low);
    let mut validate = ValidateOptions::default();
    if let Some(days) = policy.jwt_max_lifetime_days {
        validate.jwt_max_lifetime_days = days;
    }
    let mut scanner = Scanner::with_options(pack, validate)
        .with_known_ids(known_ids)
        .with_ownership(policy.ownership.clone());
    if args.inventory {
        scanner = scanner.with_inventory();
    }

    let interactive = io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let progress = Arc::new(Progress::default());
    let done = Arc::new(AtomicBool::new(false));
    let ticker = interactive.then(|| spawn_progress(Arc::clone(&progress), Arc::clone(&done)));
    let git = run_git_scan(
        args,
        &scanner,
        &opts,
        interactive.then_some(progress.as_ref()),
    );
    let (mut report, version_control, commits) = match git {
        None => (
            scanner.scan(&opts, interactive.then_some(progress.as_ref())),
            None,
            None,
        ),
        Some(Ok(g)) => (g.report, g.version_control, Some(g.commits)),
        Some(Err(e)) => {
            done.store(true, Ordering::Relaxed);
            return Err(e);
        }
    };
    done.store(true, Ordering::Relaxed);
    if let Some(t) = ticker {
        let _ = t.join();
    }
    let prefixes = if run_git_scan_wanted(args) {
        Vec::new()
    } else {
        baseline::root_prefixes(&opts.walk.roots)
    };
    let today = today()?;
    let exception_counts =
        exceptions::apply(&mut report.findings, &policy.exceptions, today, |p| {
            baseline::root_relative(p, &prefixes)
        });
    report.notifications.extend(exceptions::notifications(
        &policy.exceptions,
        &exception_counts,
        today,
    ));
    nhilint::scan::finish(&mut report);
    Ok(Scanned {
        report,
        scanner,
        version_control,
        commits,
        fail_on,
        interactive,
        policy,
        config_file,
        prefixes,
        exception_counts,
    })
}

/// Suppresses the findings in the baseline `file` and records (and warns about) stale entries.
fn apply_baseline(scanned: &mut Scanned, file: &Path) -> Result<(), Failure> {
    let shown = display_path(file);
    let text = std::fs::read_to_string(file).map_err(|e| {
        Failure::Message(format!(
            "cannot read baseline {shown}: {e} (write one with `nhilint baseline write`)"
        ))
    })?;
    let base = Baseline::parse(&text).map_err(|e| Failure::Message(format!("{shown}:{e}")))?;
    let prefixes = &scanned.prefixes;
    let stale = base.apply(&mut scanned.report.findings, &shown, |p| {
        baseline::root_relative(p, prefixes)
    });
    if !stale.is_empty() {
        const LISTED: usize = 5;
        let mut list: Vec<String> = stale
            .iter()
            .take(LISTED)
            .map(|e| format!("{} at {}", e.rule, e.path))
            .collect();
        if stale.len() > LISTED {
            list.push(format!("and {} more", stale.len() - LISTED));
        }
        eprintln!(
            "warning: {} entr{} of baseline {shown} match{} no finding (stale): {}; `nhilint baseline write` drops them",
            stale.len(),
            if stale.len() == 1 { "y" } else { "ies" },
            if stale.len() == 1 { "es" } else { "" },
            list.join(", ")
        );
    }
    scanned.report.stale_baseline = Some(stale);
    Ok(())
}

fn run_scan(args: &ScanArgs) -> Result<u8, Failure> {
    let mut scanned = scan_report(args)?;
    if let Some(file) = args
        .baseline
        .clone()
        .or_else(|| scanned.configured_baseline())
    {
        apply_baseline(&mut scanned, &file)?;
    }
    let Scanned {
        report,
        scanner,
        version_control,
        commits,
        fail_on,
        interactive,
        ..
    } = scanned;

    let mut sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(io::BufWriter::new(std::fs::File::create(path).map_err(
            |e| Failure::Message(format!("cannot write {}: {e}", path.display())),
        )?)),
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    };
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    match args.format {
        Format::Human => {
            let color = !args.no_color && std::env::var_os("NO_COLOR").is_none() && to_terminal;
            report::human::write(&report, scanner.pack(), HumanOptions { color }, &mut sink)?;
        }
        Format::Json => report::json::write(&report, scanner.pack(), &mut sink)?,
        Format::Sarif => {
            report::sarif::write_with(
                &report,
                scanner.pack(),
                version_control.as_ref(),
                &mut sink,
            )?;
        }
        Format::Github => report::github::write(&report, &mut sink)?,
        Format::Gitlab | Format::GitlabSast => {
            let kind = if args.format == Format::Gitlab {
                gitlab::Kind::SecretDetection
            } else {
                gitlab::Kind::Sast
            };
            let ctx = gitlab::Context {
                version_control: version_control.as_ref(),
                commit: std::env::var("CI_COMMIT_SHA")
                    .ok()
                    .filter(|s| !s.is_empty()),
                end: Some(gitlab::end_time()),
            };
            gitlab::write(&report, scanner.pack(), kind, &ctx, &mut sink)?;
            let left_out = report
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none() && !kind.takes(f))
                .count();
            if left_out > 0 {
                let (these, other) = if kind == gitlab::Kind::Sast {
                    ("secret", "gitlab")
                } else {
                    ("structural", "gitlab-sast")
                };
                eprintln!(
                    "note: {left_out} {these} finding{} not in this report: --format {other} writes {}",
                    if left_out == 1 { " is" } else { "s are" },
                    if left_out == 1 { "it" } else { "them" },
                );
            }
        }
    }
    sink.flush()?;
    drop(sink);
    if args.format != Format::Human {
        // Structured output goes to stdout or a file; problems still reach the person at stderr.
        for n in report
            .notifications
            .iter()
            .filter(|n| n.level > nhilint::finding::Level::Note)
        {
            eprintln!("{}: {}", n.level, n.message);
        }
    }
    if interactive {
        let s = &report.stats;
        let counts: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .map(|sev| {
                (
                    sev,
                    report
                        .findings
                        .iter()
                        .filter(|f| f.suppressed.is_none() && f.severity == *sev)
                        .count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .map(|(sev, n)| format!("{n} {sev}"))
            .collect();
        let what = match commits {
            Some(c) if args.git => format!("{c} commits, {} distinct blobs", s.files_scanned),
            _ => format!("{} files", s.files_scanned),
        };
        eprintln!(
            "scanned {what} ({}) in {:.2}s: {}",
            human_bytes(s.bytes_scanned),
            s.elapsed.as_secs_f64(),
            if counts.is_empty() {
                "no findings".to_owned()
            } else {
                counts.join(", ")
            }
        );
    }
    Ok(if report.has_errors() {
        EXIT_ERROR
    } else if !args.exit_zero && report.failing(fail_on) > 0 {
        EXIT_FINDINGS
    } else {
        0
    })
}

/// Whether the arguments ask for a scan of git content rather than the working tree.
fn run_git_scan_wanted(args: &ScanArgs) -> bool {
    args.git || args.staged || args.all_staged
}

/// A scan of git history or staged changes, when the arguments ask for one.
fn run_git_scan(
    args: &ScanArgs,
    scanner: &Scanner,
    opts: &ScanOptions,
    progress: Option<&Progress>,
) -> Option<Result<GitReport, Failure>> {
    let staged = args.staged || args.all_staged;
    if !args.git && !staged {
        return None;
    }
    if args.paths.len() > 1 {
        return Some(Err(Failure::Message(
            "--git and --staged take one repository path".to_owned(),
        )));
    }
    let root = args
        .paths
        .first()
        .map_or_else(|| PathBuf::from("."), Clone::clone);
    let result = if staged {
        git_scan::scan_staged(scanner, &root, args.all_staged, opts)
    } else {
        let hopts = HistoryOptions {
            branch: args.branch.clone(),
            since_commit: args.since_commit.clone(),
            range: args.range.clone(),
            exclude: opts.walk.exclude.clone(),
        };
        git_scan::scan_history(scanner, &root, &hopts, opts, progress)
    };
    Some(result.map_err(|e| Failure::Message(e.to_string())))
}

fn human_bytes(n: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "display only")]
    let f = n as f64;
    if n >= 1 << 30 {
        format!("{:.1} GiB", f / f64::from(1u32 << 30))
    } else if n >= 1 << 20 {
        format!("{:.1} MiB", f / f64::from(1u32 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", f / 1024.0)
    } else {
        format!("{n} B")
    }
}

/// A progress line on stderr, shown only for scans that last more than a second.
fn spawn_progress(progress: Arc<Progress>, done: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut shown = false;
        while !done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            if start.elapsed() < Duration::from_secs(1) {
                continue;
            }
            shown = true;
            eprint!(
                "\r\x1b[2Kscanning: {} files, {}, {} findings",
                progress.files.load(Ordering::Relaxed),
                human_bytes(progress.bytes.load(Ordering::Relaxed)),
                progress.findings.load(Ordering::Relaxed)
            );
        }
        if shown {
            eprint!("\r\x1b[2K");
        }
    })
}

fn run_rules(cmd: RulesCommand) -> Result<u8, Failure> {
    let mut out = io::stdout().lock();
    match cmd {
        RulesCommand::List { pack, json } => {
            let pack = load_pack(&pack, false)?;
            let mut rules: Vec<_> = pack.rules.iter().collect();
            rules.sort_by(|a, b| a.id.cmp(&b.id));
            if json {
                let list: Vec<_> = rules
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "id": r.id, "name": r.name, "category": r.category, "severity": r.severity,
                            "confidence": r.confidence, "tags": r.tags, "file": r.origin.file,
                        })
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut out, &list)
                    .map_err(|e| Failure::Message(e.to_string()))?;
                writeln!(out)?;
            } else {
                let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(2);
                writeln!(
                    out,
                    "{:width$}  {:8}  {:10}  {:9}  NAME",
                    "ID", "SEVERITY", "CONFIDENCE", "CATEGORY"
                )?;
                for r in &rules {
                    writeln!(
                        out,
                        "{:width$}  {:8}  {:10}  {:9}  {}",
                        r.id, r.severity, r.confidence, r.category, r.name
                    )?;
                }
                writeln!(out, "{} rules", rules.len())?;
            }
            Ok(0)
        }
        RulesCommand::Explain { id, pack } => {
            let pack = load_pack(&pack, false)?;
            let Some(r) = pack.get(&id) else {
                return Err(Failure::Message(format!(
                    "no rule has the id `{id}` (see `nhilint rules list`)"
                )));
            };
            writeln!(out, "{} — {}\n", r.id, r.name)?;
            writeln!(
                out,
                "category:   {}\nseverity:   {}\nconfidence: {}",
                r.category, r.severity, r.confidence
            )?;
            writeln!(
                out,
                "OWASP NHI:  {}",
                r.owasp_ids().collect::<Vec<_>>().join(", ")
            )?;
            writeln!(
                out,
                "CWE:        {}",
                r.cwe_ids().collect::<Vec<_>>().join(", ")
            )?;
            writeln!(out, "tags:       {}", r.tags.join(", "))?;
            writeln!(out, "defined in: {}:{}", r.origin.file, r.origin.line)?;
            if !r.aliases.is_empty() {
                writeln!(out, "aliases:    {}", r.aliases.join(", "))?;
            }
            match &r.matcher {
                Matcher::Secret(m) => writeln!(
                    out,
                    "keywords:   {}\npattern:    {}",
                    m.keywords.join(", "),
                    m.regex.as_str()
                )?,
                Matcher::Structural(m) => {
                    let kinds: Vec<&str> = m.applies_to.iter().map(|k| k.as_str()).collect();
                    let select: Vec<&str> = m.select.iter().map(|p| p.source.as_str()).collect();
                    writeln!(
                        out,
                        "applies to: {}\nselect:     {}\ncondition:  {}",
                        kinds.join(", "),
                        select.join(" | "),
                        m.condition.as_ref().map_or("true", |c| c.source())
                    )?;
                }
                Matcher::Analysis(check) => {
                    let name = nhilint::identity::analyze::Check::ALL
                        .iter()
                        .find(|(_, c)| c == check)
                        .map_or("?", |(w, _)| *w);
                    writeln!(
                        out,
                        "analysis:   {name} (joins the identity facts of every file)"
                    )?;
                }
            }
            writeln!(
                out,
                "\n{}\n\nRemediation:\n{}\n\nReferences:",
                r.description, r.remediation
            )?;
            for reference in &r.references {
                writeln!(out, "- {reference}")?;
            }
            Ok(0)
        }
        RulesCommand::Check { path } => {
            let args = match path {
                Some(p) => PackArgs {
                    rules: vec![p],
                    no_default_rules: true,
                },
                None => PackArgs::default(),
            };
            let pack = load_pack(&args, true)?;
            let problems = check::check_pack(&pack);
            if problems.is_empty() {
                writeln!(out, "{} rules checked: ok", pack.rules.len())?;
                return Ok(0);
            }
            let files = if args.no_default_rules {
                rule_files(&args.rules[0])?
            } else {
                nhilint::rules::builtin_files()
            };
            let errors: Vec<LoadError> = problems
                .into_iter()
                .map(|p| {
                    let text = files
                        .iter()
                        .find(|(f, _)| *f == p.file)
                        .map_or("", |(_, t)| t.as_str());
                    LoadError {
                        file: p.file,
                        text: Arc::from(text),
                        line: p.line,
                        column: p.column,
                        message: p.message,
                    }
                })
                .collect();
            print_load_errors(&errors);
            eprintln!(
                "{} problem{} in {} rules",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                pack.rules.len()
            );
            Ok(EXIT_ERROR)
        }
        RulesCommand::Test { dir, pack } => {
            let pack = load_pack(&pack, true)?;
            let scanner = Scanner::new(pack);
            let outcome = fixtures::run(&scanner, &dir);
            for (p, l, r) in &outcome.missed {
                writeln!(out, "missed:     {p}:{l}: {r}")?;
            }
            for (p, l, r) in &outcome.unexpected {
                writeln!(out, "unexpected: {p}:{l}: {r}")?;
            }
            for e in &outcome.errors {
                writeln!(out, "error:      {e}")?;
            }
            writeln!(
                out,
                "{} files, {} expected findings: {} missed, {} unexpected, {} rules without a fixture",
                outcome.files,
                outcome.expected,
                outcome.missed.len(),
                outcome.unexpected.len(),
                outcome.uncovered.len()
            )?;
            Ok(if outcome.passed() { 0 } else { EXIT_FINDINGS })
        }
    }
}

/// The arguments of a working-tree scan of `path` for commands that scan on the way.
fn scan_args_for(
    path: Option<&PathBuf>,
    config: Option<&PathBuf>,
    pack: &PackArgs,
    allow_permanent_exceptions: bool,
) -> Result<ScanArgs, Failure> {
    let mut scan = ScanArgs::defaults().map_err(|e| Failure::Message(e.to_string()))?;
    scan.paths = path.into_iter().cloned().collect();
    scan.config = config.cloned();
    scan.pack = pack.clone();
    scan.allow_permanent_exceptions = allow_permanent_exceptions;
    Ok(scan)
}

/// Warnings and errors of a scan whose report is not printed.
fn print_problems(report: &Report) {
    for n in report
        .notifications
        .iter()
        .filter(|n| n.level > nhilint::finding::Level::Note)
    {
        eprintln!("{}: {}", n.level, n.message);
    }
}

/// `nhilint baseline write`: scans and records the open findings.
fn run_inventory(args: &nhilint::cli::InventoryArgs) -> Result<u8, Failure> {
    use nhilint::cli::InventoryFormat;
    let mut scan = scan_args_for(args.path.as_ref(), args.config.as_ref(), &args.pack, false)?;
    scan.exclude.clone_from(&args.exclude);
    scan.inventory = true;
    let scanned = scan_report(&scan)?;
    print_problems(&scanned.report);
    let analysis = scanned.report.identities.clone().unwrap_or_default();
    let inventory =
        nhilint::identity::inventory::build(&analysis, &scanned.report.findings, &|p| {
            scanned.relative(p)
        });
    let text = match args.format {
        InventoryFormat::Json => inventory.to_json(),
        InventoryFormat::Csv => inventory.to_csv(),
        InventoryFormat::Markdown => inventory.to_markdown(),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::Message(format!("cannot write {}: {e}", path.display())))?,
        None => print!("{text}"),
    }
    Ok(if scanned.report.has_errors() { 2 } else { 0 })
}

fn baseline_write(args: &BaselineWriteArgs) -> Result<u8, Failure> {
    let mut scan = scan_args_for(
        args.path.as_ref(),
        args.config.as_ref(),
        &args.pack,
        args.allow_permanent_exceptions,
    )?;
    scan.min_confidence = args.min_confidence;
    scan.exclude.clone_from(&args.exclude);
    let scanned = scan_report(&scan)?;
    print_problems(&scanned.report);
    let base = Baseline::from_findings(&scanned.report.findings, |p| scanned.relative(p));
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let root_dir = if root.is_dir() {
        root
    } else {
        root.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let out = args
        .output
        .clone()
        .or_else(|| scanned.configured_baseline())
        .unwrap_or_else(|| root_dir.join(baseline::FILE_NAME));
    std::fs::write(&out, base.to_json())
        .map_err(|e| Failure::Message(format!("cannot write {}: {e}", out.display())))?;
    let n = base.entries.len();
    println!(
        "wrote {n} baseline entr{} to {}",
        if n == 1 { "y" } else { "ies" },
        display_path(&out)
    );
    Ok(if scanned.report.has_errors() {
        EXIT_ERROR
    } else {
        0
    })
}

/// `nhilint exceptions`: the configuration's exceptions, with days to expiry and the findings
/// each suppresses (from a scan).
fn list_exceptions(args: &ExceptionsArgs) -> Result<u8, Failure> {
    let scan = scan_args_for(
        args.path.as_ref(),
        args.config.as_ref(),
        &args.pack,
        args.allow_permanent_exceptions,
    )?;
    let scanned = scan_report(&scan)?;
    print_problems(&scanned.report);
    let list = &scanned.policy.exceptions;
    let config = scanned
        .config_file
        .as_ref()
        .map_or_else(|| config::FILE_NAME.to_owned(), |c| display_path(c));
    if list.is_empty() {
        println!("no exceptions in {config}");
        return Ok(if scanned.report.has_errors() {
            EXIT_ERROR
        } else {
            0
        });
    }
    let today = today()?;
    let mut rows = vec![[
        "EXCEPTION".to_owned(),
        "MATCHES".to_owned(),
        "OWNER".to_owned(),
        "EXPIRES".to_owned(),
        "STATUS".to_owned(),
        "SUPPRESSES".to_owned(),
        "REASON".to_owned(),
    ]];
    for (e, &n) in list.iter().zip(&scanned.exception_counts) {
        let status = match e.expires.map(|d| today.days_until(d)) {
            None => "permanent".to_owned(),
            Some(0) => "expires today".to_owned(),
            Some(1) => "1 day left".to_owned(),
            Some(d) if d > 0 => format!("{d} days left"),
            Some(-1) => "expired 1 day ago".to_owned(),
            Some(d) => format!("expired {} days ago", -d),
        };
        let findings = if e.expired(today) {
            format!("0 ({n} returned)")
        } else {
            n.to_string()
        };
        rows.push([
            format!("{}:{}:{}", e.file, e.line, e.column),
            e.describe(),
            e.owner.clone(),
            e.expires.map_or_else(|| "-".to_owned(), |d| d.to_string()),
            status,
            findings,
            e.reason.clone(),
        ]);
    }
    let mut widths = [0usize; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = io::stdout().lock();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:w$}"))
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    Ok(if scanned.report.has_errors() {
        EXIT_ERROR
    } else {
        0
    })
}

/// `nhilint init`: writes the adoption files, leaving existing ones alone.
fn run_init(args: &InitArgs) -> Result<u8, Failure> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(Failure::Message(format!(
            "{} is not a directory",
            root.display()
        )));
    }
    let done = nhilint::init::run(&root)
        .map_err(|e| Failure::Message(format!("init in {}: {e}", root.display())))?;
    for d in done {
        let p = display_path(&d.path);
        match d.outcome {
            Outcome::Written => println!("wrote {p}"),
            Outcome::Exists => println!("{p}: exists, left alone"),
            Outcome::Appended => println!("{p}: exists, appended the nhilint hook to its repos"),
            Outcome::AlreadyConfigured => {
                println!("{p}: exists and already runs nhilint, left alone");
            }
            Outcome::AddByHand(entry) => println!(
                "{p}: exists, left alone: add this to its `repos:` list yourself:\n{entry}"
            ),
        }
    }
    Ok(0)
}

/// `nhilint install-hook`: writes a pre-commit hook that runs `nhilint scan --staged`.
fn install_hook(args: &InstallHookArgs) -> Result<u8, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Message(format!("cannot read the current directory: {e}")))?;
    let hooks = hooks_dir(&cwd)?;
    let hook = hooks.dir.join("pre-commit");
    let script = hook_script(std::env::current_exe().ok().as_deref());
    let existing = std::fs::symlink_metadata(&hook).is_ok();
    if existing {
        if std::fs::read_to_string(&hook).is_ok_and(|t| t == script) {
            println!(
                "the nhilint pre-commit hook is already installed at {}",
                hook.display()
            );
            return Ok(0);
        }
        if !args.force {
            return Err(Failure::Message(format!(
                "a pre-commit hook already exists at {}; nhilint leaves it alone. Rerun with \
                 --force to replace it, or add `nhilint scan --staged` to it yourself",
                hook.display()
            )));
        }
        std::fs::remove_file(&hook)
            .map_err(|e| Failure::Message(format!("cannot replace {}: {e}", hook.display())))?;
    }
    std::fs::create_dir_all(&hooks.dir)
        .map_err(|e| Failure::Message(format!("cannot create {}: {e}", hooks.dir.display())))?;
    std::fs::write(&hook, &script)
        .map_err(|e| Failure::Message(format!("cannot write {}: {e}", hook.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).map_err(|e| {
            Failure::Message(format!("cannot make {} executable: {e}", hook.display()))
        })?;
    }
    let via = hooks
        .hooks_path_from
        .map(|f| format!(" (core.hooksPath in {})", f.display()))
        .unwrap_or_default();
    println!(
        "{} the pre-commit hook at {}{via}: every `git commit` now runs `nhilint scan --staged`",
        if existing { "replaced" } else { "installed" },
        hook.display()
    );
    Ok(0)
}

/// Where git looks for hooks, and the config file that moved them there, if any.
struct HooksDir {
    dir: PathBuf,
    hooks_path_from: Option<PathBuf>,
}

/// Finds the repository around `start` (a `.git` directory, or a `.git` file with `gitdir:` as in
/// worktrees and submodules) and its hooks directory, honouring `core.hooksPath`. No `git` process.
fn hooks_dir(start: &Path) -> Result<HooksDir, Failure> {
    let mut found = None;
    for dir in start.ancestors() {
        let dot_git = dir.join(".git");
        if dot_git.is_dir() {
            found = Some((dir.to_path_buf(), dot_git));
            break;
        }
        if dot_git.is_file() {
            let text = std::fs::read_to_string(&dot_git)
                .map_err(|e| Failure::Message(format!("cannot read {}: {e}", dot_git.display())))?;
            let Some(target) = text.lines().find_map(|l| l.strip_prefix("gitdir:")) else {
                return Err(Failure::Message(format!(
                    "{} is a file without a `gitdir:` line",
                    dot_git.display()
                )));
            };
            found = Some((dir.to_path_buf(), dir.join(target.trim())));
            break;
        }
    }
    let Some((worktree, git_dir)) = found else {
        return Err(Failure::Message(format!(
            "not a git repository: no .git in {} or any parent directory (run `git init` first, \
             or run install-hook inside a repository's working tree)",
            start.display()
        )));
    };
    // A linked worktree's git dir names the shared one, which holds the hooks and the config.
    let common = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(c) => git_dir.join(c.trim()),
        Err(_) => git_dir.clone(),
    };
    if !common.is_dir() {
        return Err(Failure::Message(format!(
            "not a git repository: {} points to {}, which is not a directory",
            worktree.join(".git").display(),
            common.display()
        )));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut configs = vec![common.join("config")];
    if let Some(g) = std::env::var_os("GIT_CONFIG_GLOBAL") {
        configs.push(PathBuf::from(g));
    } else {
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        configs.extend(xdg.map(|x| x.join("git/config")));
        configs.extend(home.as_ref().map(|h| h.join(".gitconfig")));
    }
    // The repository's own config wins; of the global ones, the last file read wins.
    let local = configs[..1].iter();
    let global = configs[1..].iter().rev();
    for file in local.chain(global) {
        let Some(value) = std::fs::read_to_string(file)
            .ok()
            .and_then(|t| config_hooks_path(&t))
        else {
            continue;
        };
        let path = match (value.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => h.join(rest),
            _ => PathBuf::from(&value),
        };
        return Ok(HooksDir {
            dir: worktree.join(path),
            hooks_path_from: Some(file.clone()),
        });
    }
    Ok(HooksDir {
        dir: common.join("hooks"),
        hooks_path_from: None,
    })
}

/// The last `core.hooksPath` value in a git config file (plain values; no includes).
fn config_hooks_path(text: &str) -> Option<String> {
    let mut in_core = false;
    let mut value = None;
    for line in text.lines().map(str::trim) {
        if let Some(section) = line.strip_prefix('[') {
            let name = section
                .split(|c: char| c == ']' || c.is_whitespace() || c == '"')
                .next()
                .unwrap_or_default();
            in_core = name.eq_ignore_ascii_case("core") && !section.contains('"');
            continue;
        }
        let Some((key, v)) = line.split_once('=') else {
            continue;
        };
        if in_core && key.trim().eq_ignore_ascii_case("hookspath") {
            let v = v.trim();
            let v = match v.strip_prefix('"').and_then(|q| q.split_once('"')) {
                Some((quoted, _)) => quoted,
                None => v.split([';', '#']).next().unwrap_or_default().trim_end(),
            };
            value = (!v.is_empty()).then(|| v.to_owned());
        }
    }
    value
}

/// The hook: `nhilint` from PATH at commit time, else the binary that installed the hook.
fn hook_script(exe: Option<&Path>) -> String {
    let fallback = exe
        .and_then(|p| p.canonicalize().ok().or_else(|| Some(p.to_path_buf())))
        .and_then(|p| {
            p.to_str()
                .map(|s| format!("'{}'", s.replace('\'', r"'\''")))
        })
        .unwrap_or_else(|| "nhilint".to_owned());
    format!(
        r#"#!/bin/sh
# nhilint pre-commit hook, written by `nhilint install-hook`.
# Blocks a commit whose staged changes add a secret. To skip it once: git commit --no-verify
if command -v nhilint >/dev/null 2>&1; then
    nhilint=nhilint
else
    nhilint={fallback}
fi
"$nhilint" scan --staged
status=$?
if [ "$status" -eq 1 ]; then
    echo "nhilint: commit blocked: the staged changes add the secrets above. Remove them (rotate any real one), or suppress a false positive." >&2
elif [ "$status" -ne 0 ]; then
    echo "nhilint: the staged scan failed (exit $status), so the commit is stopped" >&2
fi
exit "$status"
"#
    )
}
