# Trust policies written with the policy-document data source.

data "aws_iam_policy_document" "gitlab_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/gitlab.com"] # expect: aws-oidc-trust-without-subject
    }
    condition {
      test     = "StringLike"
      variable = "gitlab.com:sub"
      values   = ["project_path:*"]
    }
  }
}

data "aws_iam_policy_document" "gitlab_trust_pinned" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/gitlab.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "gitlab.com:sub"
      values   = ["project_path:my-group/infra:ref_type:branch:ref:main"]
    }
  }
}

data "aws_iam_policy_document" "tfc_trust" {
  statement {
    # the provider is a variable, but the condition key names Terraform Cloud, and no `sub` is checked
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.tfc_provider_arn] # expect: aws-oidc-trust-without-subject
    }
    condition {
      test     = "StringEquals"
      variable = "app.terraform.io:aud"
      values   = ["aws.workload.identity"]
    }
  }
}

data "aws_iam_policy_document" "partner_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"] # expect: aws-role-trust-any-principal
    }
  }
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-a1b2c3d4e5"]
    }
  }
}

data "aws_iam_policy_document" "operator" {
  statement {
    actions   = ["*"] # expect: aws-iam-policy-admin-access
    resources = ["*"]
  }
  statement {
    actions   = ["iam:*"] # expect: aws-iam-policy-iam-wildcard
    resources = ["*"]
  }
  statement {
    actions   = ["iam:*"]
    resources = [aws_iam_role.app.arn]
  }
}
