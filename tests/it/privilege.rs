//! The privilege and credential packs end to end: findings at the grant, NIST CSF 2.0 tags in
//! SARIF and `rules explain`, selection by NIST tag, and silence on values the file does not
//! resolve.

use crate::support::*;

const POLICY: &str = r#"resource "aws_iam_role_policy" "ci" {
  role   = aws_iam_role.ci.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "*"], Resource = "*" }]
  })
}
resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
"#;

fn scan(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    nhilint(dir)
        .arg("scan")
        .args(args)
        .output()
        .expect("runs nhilint")
}

/// 1-based (line, column) of the first byte of `needle` after `after` in `text`.
fn position(text: &str, after: &str, needle: &str) -> (u64, u64) {
    let start = text.find(after).expect("anchor") + after.len();
    let at = start + text[start..].find(needle).expect("needle");
    let line = text[..at].matches('\n').count() + 1;
    let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
    (line as u64, column as u64)
}

#[test]
fn findings_point_at_the_grant_and_sarif_carries_the_nist_subcategory() {
    let dir = tempdir();
    write(dir.path(), "infra/main.tf", POLICY);
    let o = scan(
        dir.path(),
        &["--only", "privilege,identity", "--format", "json"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json(&o);
    let got: Vec<(u64, u64, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
                f["rule_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let star = position(POLICY, "\"s3:GetObject\", \"", "*");
    let label = position(POLICY, "resource \"aws_iam_access_key\" ", "\"ci\"");
    assert_eq!(
        got,
        vec![
            (star.0, star.1, "aws-iam-policy-admin-access".to_owned()),
            (label.0, label.1, "aws-iam-access-key-declared".to_owned()),
        ],
        "the `*` item of the action list, and the key resource's declaration"
    );
    assert_eq!(
        v["findings"][0]["message"],
        "`aws_iam_role_policy.ci` allows `*` on `*` with no condition: full administrator access"
    );

    let o = scan(
        dir.path(),
        &["--only", "privilege,identity", "--format", "sarif"],
    );
    let sarif = json(&o);
    validate_sarif(&sarif);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rule descriptors");
    for (id, nist, nhi) in [
        (
            "aws-iam-policy-admin-access",
            "NIST-CSF:PR.AA-05",
            "NHI5:2025",
        ),
        (
            "aws-iam-access-key-declared",
            "NIST-CSF:PR.AA-01",
            "NHI7:2025",
        ),
    ] {
        let rule = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} is described"));
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        assert!(
            tags.contains(&nist) && tags.contains(&nhi),
            "{id}: {tags:?}"
        );
    }
}

#[test]
fn a_nist_subcategory_selects_rules_like_any_tag() {
    let dir = tempdir();
    write(dir.path(), "infra/main.tf", POLICY);
    let o = scan(
        dir.path(),
        &["--only", "NIST-CSF:PR.AA-01", "--format", "json"],
    );
    let rules: Vec<String> = found(&json(&o)).into_iter().map(|(_, _, r)| r).collect();
    assert_eq!(rules, ["aws-iam-access-key-declared"]);
}

#[test]
fn rules_explain_shows_the_nist_subcategory() {
    let dir = tempdir();
    for (id, nist) in [
        (
            "gcp-human-can-impersonate-service-accounts",
            "NIST-CSF:PR.AA-05",
        ),
        ("aws-oidc-trust-without-subject", "NIST-CSF:PR.AA-03"),
        (
            "k8s-legacy-service-account-token-secret",
            "NIST-CSF:PR.AA-01",
        ),
    ] {
        let o = nhilint(dir.path())
            .args(["rules", "explain", id])
            .output()
            .expect("runs nhilint");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let tags = stdout(&o)
            .lines()
            .find(|l| l.starts_with("tags:"))
            .map(str::to_owned)
            .unwrap_or_default();
        assert!(tags.contains(nist), "{id}: {tags}");
    }
}

#[test]
fn values_the_file_does_not_resolve_are_never_findings() {
    let dir = tempdir();
    write(
        dir.path(),
        "infra/main.tf",
        r#"resource "aws_iam_role_policy" "ci" {
  role   = aws_iam_role.ci.id
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = var.actions, Resource = "*" },
      { Effect = "Allow", Action = "*", Resource = local.resources },
      { Effect = "Allow", Action = "${var.service}:*", Resource = "*" },
    ]
  })
}
resource "aws_iam_role_policy_attachment" "x" {
  role       = aws_iam_role.ci.name
  policy_arn = module.iam.admin_policy_arn
}
resource "google_project_iam_member" "x" {
  project = var.project
  role    = var.role
  member  = "serviceAccount:${google_service_account.x.email}"
}
resource "azurerm_role_assignment" "x" {
  scope                = var.scope
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.x.principal_id
}
resource "azuread_application_password" "x" {
  application_id = azuread_application.x.id
  end_date       = var.password_end_date
}
"#,
    );
    write(
        dir.path(),
        "stack.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Tags: [{Key: owner, Value: team-x}]\n      ManagedPolicyArns: [!Ref AdminArn]\n      AssumeRolePolicyDocument:\n        Statement:\n          - {Effect: Allow, Principal: {AWS: !Ref Trusted}, Action: sts:AssumeRole}\n",
    );
    let o = scan(
        dir.path(),
        &["--only", "privilege,identity", "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(found(&json(&o)).is_empty());
}
