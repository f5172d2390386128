//! GitHub Actions workflow commands (`::error file=…,line=…::message`): each unsuppressed
//! finding becomes an annotation on the pull request's diff, and scan errors and warnings become
//! annotations too. Values are escaped as the Actions toolkit does.

use std::io::{self, Write};

use crate::finding::Level;
use crate::rules::Severity;
use crate::scan::Report;

/// Escapes a command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (`file=`, `title=`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "notice",
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(f.severity),
            property(&f.path),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            property(&format!("{} [{}]", f.rule_name, f.rule_id)),
            data(&format!(
                "{} (severity {}, confidence {}); fix: nhilint rules explain {}",
                f.message, f.severity, f.confidence, f.rule_id
            )),
        )?;
    }
    for n in report
        .notifications
        .iter()
        .filter(|n| n.level > Level::Note)
    {
        let cmd = if n.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        match &n.path {
            Some(p) => {
                write!(out, "::{cmd} file={}", property(p))?;
                if let Some(line) = n.line {
                    write!(out, ",line={line}")?;
                }
                writeln!(out, ",title=nhilint {}::{}", n.code, data(&n.message))?;
            }
            None => writeln!(
                out,
                "::{cmd} title=nhilint {}::{}",
                n.code,
                data(&n.message)
            )?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
