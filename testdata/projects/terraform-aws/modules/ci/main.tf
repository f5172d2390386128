variable "tags" {
  type = map(string)
}

resource "aws_iam_user" "ci" {
  name = "ci-publisher"
  tags = { Name = "ci-publisher" }
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

resource "aws_iam_policy" "ci_push" {
  name = "ci-push"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:GetObject"]
      Resource = "arn:aws:s3:::acme-artifacts/*"
    }]
  })
}

resource "aws_iam_user_policy_attachment" "ci_push" {
  user       = aws_iam_user.ci.name
  policy_arn = aws_iam_policy.ci_push.arn
}

data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"]
  }
}

resource "aws_iam_role" "reader" {
  name = "reader"
  tags = var.tags
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "reader" {
  role   = aws_iam_role.reader.id
  policy = data.aws_iam_policy_document.read.json
}
