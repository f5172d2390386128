# Identity rules on Terraform: owners from tags, computed tags are unknown (not reported).
resource "aws_iam_role" "importer" { # expect: ownerless-identity
  name = "importer"
  tags = { Name = "importer" }
}

resource "aws_iam_role" "exporter" {
  name = "exporter"
  tags = { Owner = "team-data" }
}

resource "aws_iam_role" "tagged_elsewhere" {
  name = "tagged-elsewhere"
  tags = var.tags
}

resource "google_service_account" "etl" { # expect: ownerless-identity
  account_id = "etl-runner"
}
