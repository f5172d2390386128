//! Human diagnostics: an ariadne snippet per finding with `file:line:col`, the secret masked,
//! and the rule's remediation as help (in full the first time a rule appears, then a pointer to
//! `nhilint rules explain`). Notifications follow, then a count.

use std::collections::HashSet;
use std::io::{self, Write};

use ariadne::{Color, Config, Label, Report as Diag, ReportKind, Source};

use std::fmt::Write as _;

use crate::finding::{Finding, Level, Presence, ProvenanceKind};
use crate::rules::{Pack, Severity};
use crate::scan::Report;

/// Options for human output.
#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
}

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
    }
}

fn write_finding(
    f: &Finding,
    help: &str,
    opts: HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    if f.snippet_column != 1 {
        // A cut line: ariadne would count columns from the cut, so print the place ourselves.
        writeln!(out, "{}[{}]: {}", f.severity, f.rule_id, f.message)?;
        writeln!(
            out,
            "  --> {}:{}:{}\n   | …{}\n   = help: {}\n",
            f.path, f.line, f.column, f.snippet, help
        )?;
        return Ok(());
    }
    let start = (f.column - 1) as usize;
    let len = f.secret.as_ref().map_or(1, |s| s.length).max(1);
    let line_chars = f.snippet.chars().count();
    // ariadne's gutter ignores `with_display_line_offset`, so the snippet is placed on its real
    // line behind empty ones; they are not printed.
    let pad = f.line as usize - 1;
    let span = pad + start.min(line_chars)..pad + (start + len).min(line_chars.max(start + 1));
    let id = f.path.clone();
    let label_text = match (&f.secret, &f.suppressed) {
        (_, Some(s)) => format!("suppressed: {}", s.justification),
        (Some(s), None) if s.value.is_some() => "secret shown (--show-secrets)".to_owned(),
        (Some(s), None) => format!("{} characters, redacted", s.length),
        (None, None) => f.rule_name.clone(),
    };
    let mut diag = Diag::build(
        ReportKind::Custom(f.severity.as_str(), severity_color(f.severity)),
        (id.clone(), span.clone()),
    )
    .with_config(Config::default().with_color(opts.color).with_compact(false))
    .with_code(&f.rule_id)
    .with_message(&f.message)
    .with_label(
        Label::new((id.clone(), span))
            .with_message(label_text)
            .with_color(severity_color(f.severity)),
    )
    .with_help(help);
    for note in notes(f) {
        diag = diag.with_note(note);
    }
    let mut buf = Vec::new();
    diag.finish()
        .write((id, Source::from("\n".repeat(pad) + &f.snippet)), &mut buf)?;
    if !opts.color {
        // ariadne colours a custom report kind whatever the config says.
        buf = strip_ansi(&buf);
    }
    out.write_all(&buf)
}

/// `bytes` without ANSI SGR sequences (`ESC [ ... m`).
fn strip_ansi(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            let mut j = i + 2;
            while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b';') {
                j += 1;
            }
            if bytes.get(j) == Some(&b'm') {
                i = j + 1;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// What a history finding no longer at the tip of HEAD asks for.
const ROTATE: &str = "still in history: rotate it; rewriting history is not enough";

/// A commit id cut to 12 hex digits.
fn short_id(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// Facts about the credential beyond the rule: validation and lifetime.
fn notes(f: &Finding) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(n) = &f.note {
        notes.push(n.clone());
    }
    if f.long_lived {
        notes.push("long-lived: it works until someone revokes it (OWASP NHI7)".to_owned());
    }
    if let Some(p) = &f.provenance {
        match p.kind {
            ProvenanceKind::Commit => {
                let mut note = format!(
                    "introduced in commit {} by {} <{}> on {}",
                    p.commit.as_deref().map_or("?", short_id),
                    p.author.as_deref().unwrap_or("?"),
                    p.email.as_deref().unwrap_or("?"),
                    p.date.as_deref().unwrap_or("?"),
                );
                if p.provenances_total > 1 {
                    let more = p.provenances_total - 1;
                    let _ = write!(
                        note,
                        ", and {more} more time{} ({} commit{}, {} path{})",
                        if more == 1 { "" } else { "s" },
                        p.commits,
                        if p.commits == 1 { "" } else { "s" },
                        p.paths,
                        if p.paths == 1 { "" } else { "s" }
                    );
                }
                notes.push(note);
                match p.status {
                    Some(Presence::Removed) => notes.push(match &p.removed_in {
                        Some(r) => format!(
                            "removed from HEAD in commit {} by {} <{}> on {}, {ROTATE}",
                            short_id(&r.commit),
                            r.author,
                            r.email,
                            r.date
                        ),
                        None => format!("removed from HEAD, {ROTATE}"),
                    }),
                    Some(Presence::NotOnDefaultBranch) if p.only_on.is_empty() => {
                        notes.push(format!("not in HEAD's history, {ROTATE}"));
                    }
                    Some(Presence::NotOnDefaultBranch) => notes.push(format!(
                        "not in HEAD, only on {}, {ROTATE}",
                        p.only_on_text()
                    )),
                    Some(Presence::StillPresent) | None => {}
                }
            }
            ProvenanceKind::Staged => notes.push("staged for the next commit".to_owned()),
        }
    }
    notes
}

pub fn write(
    report: &Report,
    pack: &Pack,
    opts: HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut explained: HashSet<&str> = HashSet::new();
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        let help = match pack.get(&f.rule_id) {
            Some(rule) if explained.insert(rule.id.as_str()) => rule.remediation.clone(),
            _ => format!("see `nhilint rules explain {}`", f.rule_id),
        };
        write_finding(f, &help, opts, out)?;
    }
    for n in &report.notifications {
        writeln!(out, "{}: {}", n.level, n.message)?;
    }
    let (inline, external) = report.suppressed_counts();
    let suppressed = inline + external;
    let open = report.findings.len() - suppressed;
    let counts: Vec<String> = super::by_severity(&report.findings)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.0))
        .collect();
    let errors = report
        .notifications
        .iter()
        .filter(|n| n.level == Level::Error)
        .count();
    write!(out, "{open} finding{}", if open == 1 { "" } else { "s" })?;
    if !counts.is_empty() {
        write!(out, " ({})", counts.join(", "))?;
    }
    if errors > 0 {
        write!(
            out,
            ", {errors} error{}",
            if errors == 1 { "" } else { "s" }
        )?;
    }
    writeln!(out)?;
    if suppressed > 0 {
        writeln!(
            out,
            "{suppressed} finding{} suppressed ({} inline, {external} baseline/exception)",
            if suppressed == 1 { "" } else { "s" },
            inline
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::strip_ansi;

    #[test]
    fn strips_sgr_sequences_only() {
        assert_eq!(strip_ansi(b"\x1b[31mhigh\x1b[0m: x"), b"high: x");
        assert_eq!(strip_ansi(b"a\x1b[1;38;5;9mb"), b"ab");
        assert_eq!(strip_ansi(b"keep \x1b[ and [31m"), b"keep \x1b[ and [31m");
    }
}
