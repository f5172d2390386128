# The CI account's IAM: a deploy role for GitHub Actions, its policies, and a legacy bot user.
# Findings inside heredoc JSON (which cannot hold comments) are listed in iam.tf.expect.

resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

resource "aws_iam_role" "gha_deploy" {
  name = "gha-deploy"
  tags = { owner = "team-platform" }
  # only the audience is checked: every repository on GitHub can assume this role
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn } # expect: aws-oidc-trust-without-subject
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
      }
    }]
  })
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess", # expect: aws-admin-managed-policy-attached
  ]
}

resource "aws_iam_role" "gha_release" {
  name = "gha-release"
  tags = { owner = "team-platform" }
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:my-org/release-tools:ref:refs/tags/v*" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "gha_deploy" {
  role = aws_iam_role.gha_deploy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:PutObject", "*"] # expect: aws-iam-policy-admin-access
        Resource = "*"
      },
      {
        # read-only calls that accept no resource other than `*`
        Effect   = "Allow"
        Action   = ["ec2:Describe*", "sts:GetCallerIdentity", "logs:CreateLogGroup"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = var.deploy_resources
      },
      {
        Effect    = "Deny"
        Action    = "*"
        Resource  = "*"
        Condition = { Bool = { "aws:MultiFactorAuthPresent" = "false" } }
      },
    ]
  })
}

resource "aws_iam_policy" "iam_admin" {
  name   = "iam-admin"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:*",
      "Resource": "*"
    }
  ]
}
EOF
}

resource "aws_iam_policy" "bucket_admin" {
  name   = "bucket-admin"
  policy = <<EOF
{
  "Statement": {"Effect": "Allow", "Action": ["*"], "Resource": ["${aws_s3_bucket.artifacts.arn}/*"]}
}
EOF
}

resource "aws_iam_policy" "break_glass" {
  name = "break-glass"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "*"
      Resource  = "*"
      Condition = { DateLessThan = { "aws:CurrentTime" = "2025-07-01T00:00:00Z" } }
    }]
  })
}

resource "aws_iam_user" "legacy_bot" {
  name = "legacy-bot"
  tags = { owner = "team-platform" }
}

resource "aws_iam_access_key" "legacy_bot" { # expect: aws-iam-access-key-declared
  user = aws_iam_user.legacy_bot.name
}

resource "aws_iam_access_key" "legacy_bot_old" {
  user   = aws_iam_user.legacy_bot.name
  status = "Inactive"
}

resource "aws_iam_user_policy_attachment" "legacy_bot" {
  user       = aws_iam_user.legacy_bot.name
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess" # expect: aws-admin-managed-policy-attached
}

resource "aws_iam_role_policy_attachment" "from_module" {
  role       = aws_iam_role.gha_release.name
  policy_arn = module.policies.release_arn
}
