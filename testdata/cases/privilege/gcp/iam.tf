# Project IAM for the data platform.

resource "google_service_account" "etl" { # expect: ownerless-identity
  account_id   = "etl-runner"
  display_name = "ETL runner (owner: team-data)"
}

resource "google_project_iam_member" "etl_editor" {
  project = var.project_id
  role    = "roles/editor" # expect: gcp-basic-role-to-service-account
  member  = "serviceAccount:${google_service_account.etl.email}"
}

resource "google_project_iam_member" "etl_bigquery" {
  project = var.project_id
  role    = "roles/bigquery.dataEditor"
  member  = "serviceAccount:${google_service_account.etl.email}"
}

resource "google_folder_iam_binding" "owners" {
  folder = "folders/123456789012"
  role   = "roles/owner" # expect: gcp-basic-role-to-service-account
  members = [
    "group:platform-admins@example.com",
    "serviceAccount:terraform@seed-project.iam.gserviceaccount.com",
  ]
}

resource "google_project_iam_member" "owner_from_var" {
  project = var.project_id
  role    = "roles/owner"
  member  = var.owner_member
}

resource "google_project_iam_member" "temporary_editor" {
  project = var.project_id
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.etl.email}"
  condition {
    title      = "migration window"
    expression = "request.time < timestamp(\"2025-07-01T00:00:00Z\")"
  }
}

# People acting as service accounts
resource "google_project_iam_member" "analysts_act_as" {
  project = var.project_id
  role    = "roles/iam.serviceAccountUser" # expect: gcp-human-can-impersonate-service-accounts
  member  = "group:analysts@example.com"
}

resource "google_project_iam_member" "oncall_token_creator" {
  project = var.project_id
  role    = "roles/iam.serviceAccountTokenCreator"
  member  = "user:oncall@example.com"
  condition {
    title      = "incident-4711"
    expression = "request.time < timestamp(\"2025-03-01T00:00:00Z\")"
  }
}

resource "google_service_account_iam_member" "alice_runs_etl" {
  service_account_id = google_service_account.etl.name
  role               = "roles/iam.serviceAccountUser"
  member             = "user:alice@example.com"
}

data "google_iam_policy" "org" {
  binding {
    role    = "roles/iam.serviceAccountTokenCreator" # expect: gcp-human-can-impersonate-service-accounts
    members = ["user:bob@example.com"]
  }
  binding {
    role    = "roles/editor" # expect: gcp-basic-role-to-service-account
    members = ["serviceAccount:org-automation@seed-project.iam.gserviceaccount.com"]
  }
}

resource "google_organization_iam_policy" "org" {
  org_id      = "123456789012"
  policy_data = data.google_iam_policy.org.policy_data
}

resource "google_service_account_key" "etl" { # expect: gcp-service-account-key-declared
  service_account_id = google_service_account.etl.name
}
