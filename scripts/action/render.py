#!/usr/bin/env python3
"""Renders the action's one SARIF report three ways, without scanning again:

- annotations on standard output: the same workflow commands `nhilint scan --format github`
  prints (tests/it/action.rs checks that they are identical);
- a job summary appended to $GITHUB_STEP_SUMMARY: findings by severity and by rule (with each
  rule's reference), then each finding linked to its file and line at its commit;
- outputs appended to $GITHUB_OUTPUT: findings, critical, high, medium, low.

Reading nhilint's own SARIF (rather than a second report format or a second scan) keeps what
the annotations and the summary say identical to what code scanning receives.

Environment: SARIF (the report), GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_SERVER_URL,
GITHUB_REPOSITORY, GITHUB_SHA, EXIT_CODE, MODE, FAIL_ON.
"""

import json
import os
import sys
from urllib.parse import quote, unquote

SEVERITIES = ["critical", "high", "medium", "low"]
# Findings listed one by one in the summary; the counts above the list are always complete.
LISTED = 100


def data(s):
    """Escapes a workflow command's message, as the Actions toolkit does."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def prop(s):
    """Escapes a workflow command's property value."""
    return data(s).replace(":", "%3A").replace(",", "%2C")


def command(severity):
    return {"critical": "error", "high": "error", "medium": "warning"}.get(severity, "notice")


def path_of(location):
    """The finding's path as nhilint printed it: SARIF URIs are percent-encoded."""
    uri = location.get("artifactLocation", {}).get("uri", "")
    if uri.startswith("file://"):
        uri = uri[len("file://"):]
    return unquote(uri)


def md(s):
    """Text safe inside a markdown table cell."""
    return (
        str(s)
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def load(path):
    with open(path, encoding="utf-8") as f:
        run = json.load(f)["runs"][0]
    rules = run["tool"]["driver"].get("rules", [])
    findings = []
    for r in run.get("results", []):
        if r.get("suppressions"):
            continue
        loc = r["locations"][0]["physicalLocation"]
        region = loc.get("region", {})
        props = r.get("properties", {})
        rule = rules[r["ruleIndex"]] if "ruleIndex" in r else {}
        findings.append(
            {
                "rule_id": r["ruleId"],
                "rule_name": rule.get("shortDescription", {}).get("text", r["ruleId"]),
                "help": rule.get("helpUri", ""),
                "severity": props.get("severity", "low"),
                "confidence": props.get("confidence", "medium"),
                "message": r["message"]["text"],
                "path": path_of(loc),
                "line": region.get("startLine", 1),
                "column": region.get("startColumn", 1),
                "end_line": region.get("endLine", region.get("startLine", 1)),
                "end_column": region.get("endColumn", region.get("startColumn", 1)),
                "commit": props.get("commit"),
            }
        )
    notes = []
    for inv in run.get("invocations", []):
        for n in inv.get("toolExecutionNotifications", []):
            if n.get("level") not in ("warning", "error"):
                continue
            locs = n.get("locations") or [{}]
            pl = locs[0].get("physicalLocation")
            notes.append(
                {
                    "level": n["level"],
                    "code": n.get("descriptor", {}).get("id", ""),
                    "message": n["message"]["text"],
                    "path": path_of(pl) if pl else None,
                    "line": (pl or {}).get("region", {}).get("startLine"),
                }
            )
    return findings, notes


def annotations(findings, notes):
    lines = []
    for f in findings:
        lines.append(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}".format(
                command(f["severity"]),
                prop(f["path"]),
                f["line"],
                f["column"],
                f["end_line"],
                f["end_column"],
                prop("{} [{}]".format(f["rule_name"], f["rule_id"])),
                data(
                    "{} (severity {}, confidence {}); fix: nhilint rules explain {}".format(
                        f["message"], f["severity"], f["confidence"], f["rule_id"]
                    )
                ),
            )
        )
    for n in notes:
        if n["path"] is not None:
            where = "file={}".format(prop(n["path"]))
            if n["line"] is not None:
                where += ",line={}".format(n["line"])
            lines.append("::{} {},title=nhilint {}::{}".format(n["level"], where, n["code"], data(n["message"])))
        else:
            lines.append("::{} title=nhilint {}::{}".format(n["level"], n["code"], data(n["message"])))
    return lines


def summary(findings, notes, env):
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo = env.get("GITHUB_REPOSITORY", "")
    sha = env.get("GITHUB_SHA", "")
    code = env.get("EXIT_CODE", "")
    mode = env.get("MODE", "tree")
    fail_on = " (fail-on `{}`)".format(md(env["FAIL_ON"])) if env.get("FAIL_ON") else ""

    def link(f):
        commit = f["commit"] or sha
        text = "{}:{}".format(f["path"], f["line"])
        if not (repo and commit):
            return "`{}`".format(md(text))
        url = "{}/{}/blob/{}/{}#L{}".format(server, repo, commit, quote(f["path"]), f["line"])
        return "[`{}`]({})".format(md(text), url)

    out = ["## nhilint", ""]
    what = {"pr": "the pull request's commits", "history": "the git history"}.get(mode, "the working tree")
    if code == "2":
        status = ":x: the scan of {} could not complete (exit code 2)".format(what)
    elif findings:
        verdict = ":x: the gate fails" if code == "1" else ":warning: none fails the gate"
        status = "{} finding{} in {}: {}{}".format(
            len(findings), "" if len(findings) == 1 else "s", what, verdict, fail_on
        )
    else:
        status = ":white_check_mark: no findings in {}".format(what)
    out += [status, "", "| Severity | Findings |", "| --- | ---: |"]
    for s in SEVERITIES:
        out.append("| {} | {} |".format(s, sum(1 for f in findings if f["severity"] == s)))
    out.append("| **total** | **{}** |".format(len(findings)))
    if findings:
        by_rule = {}
        for f in findings:
            by_rule.setdefault(f["rule_id"], []).append(f)
        out += ["", "| Rule | Severity | Findings | Reference |", "| --- | --- | ---: | --- |"]
        order = sorted(by_rule, key=lambda r: (SEVERITIES.index(by_rule[r][0]["severity"]), r))
        for rule_id in order:
            fs = by_rule[rule_id]
            ref = "[reference]({})".format(fs[0]["help"]) if fs[0]["help"] else ""
            out.append(
                "| `{}` {} | {} | {} | {} |".format(
                    md(rule_id), md(fs[0]["rule_name"]), fs[0]["severity"], len(fs), ref
                )
            )
        out += ["", "| Severity | Rule | Location | Message |", "| --- | --- | --- | --- |"]
        ranked = sorted(findings, key=lambda f: (SEVERITIES.index(f["severity"]), f["path"], f["line"]))
        for f in ranked[:LISTED]:
            out.append(
                "| {} | `{}` | {} | {} |".format(f["severity"], md(f["rule_id"]), link(f), md(f["message"]))
            )
        if len(findings) > LISTED:
            out.append("")
            out.append("{} more findings are in the SARIF report and the annotations.".format(len(findings) - LISTED))
        out += ["", "`nhilint rules explain RULE` tells how to fix each one."]
    problems = [n for n in notes if n["level"] == "error"]
    if problems:
        out += ["", "Errors:", ""] + ["- {}".format(md(n["message"])) for n in problems]
    return "\n".join(out) + "\n"


def main():
    env = os.environ
    findings, notes = load(env["SARIF"])
    for line in annotations(findings, notes):
        print(line)
    text = summary(findings, notes, env)
    if env.get("GITHUB_STEP_SUMMARY"):
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stderr.write(text)
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES}
    if env.get("GITHUB_OUTPUT"):
        with open(env["GITHUB_OUTPUT"], "a", encoding="utf-8") as f:
            f.write("findings={}\n".format(len(findings)))
            for s in SEVERITIES:
                f.write("{}={}\n".format(s, counts[s]))


if __name__ == "__main__":
    main()
