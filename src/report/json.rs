//! The JSON report: a versioned document. Field names are part of the interface; a breaking change
//! bumps [`SCHEMA_VERSION`]. Nothing time-dependent is included, so identical scans give identical
//! bytes.

use std::io::{self, Write};

use serde::Serialize;

use crate::baseline::Entry;
use crate::finding::{Finding, Notification};
use crate::rules::Pack;
use crate::scan::{Report, Stats};

/// Version of the JSON document's shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    summary: Summary<'a>,
    findings: Vec<JsonFinding<'a>>,
    notifications: &'a [Notification],
    /// With `--baseline`: entries that match no finding any more.
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_baseline_entries: Option<&'a [Entry]>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    findings: usize,
    suppressed: usize,
    /// Suppressed by a comment next to the finding.
    suppressed_in_source: usize,
    /// Suppressed by the configuration's exceptions or a baseline.
    suppressed_external: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_baseline_entries: Option<usize>,
    by_severity: std::collections::BTreeMap<&'static str, usize>,
    #[serde(flatten)]
    stats: &'a Stats,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    owasp_nhi: Vec<&'a str>,
    cwe: Vec<&'a str>,
    remediation: &'a str,
    references: &'a [String],
}

pub fn write(report: &Report, pack: &Pack, out: &mut dyn Write) -> io::Result<()> {
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let rule = pack.get(&f.rule_id);
            JsonFinding {
                finding: f,
                owasp_nhi: rule.map(|r| r.owasp_ids().collect()).unwrap_or_default(),
                cwe: rule.map(|r| r.cwe_ids().collect()).unwrap_or_default(),
                remediation: rule.map_or("", |r| r.remediation.as_str()),
                references: rule.map_or(&[], |r| r.references.as_slice()),
            }
        })
        .collect();
    let (suppressed_in_source, suppressed_external) = report.suppressed_counts();
    let suppressed = suppressed_in_source + suppressed_external;
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "nhilint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            findings: report.findings.len() - suppressed,
            suppressed,
            suppressed_in_source,
            suppressed_external,
            stale_baseline_entries: report.stale_baseline.as_ref().map(Vec::len),
            by_severity: super::by_severity(&report.findings)
                .into_iter()
                .map(|(s, n)| (s.0.as_str(), n))
                .collect(),
            stats: &report.stats,
        },
        findings,
        notifications: &report.notifications,
        stale_baseline_entries: report.stale_baseline.as_deref(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
