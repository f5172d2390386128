resource "google_service_account" "etl" {
  account_id   = "etl-runner"
  display_name = "ETL runner"
}

resource "google_project_iam_member" "etl_editor" {
  project = "acme-data"
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.etl.email}"
}

resource "google_service_account_key" "etl" {
  service_account_id = google_service_account.etl.name
}

resource "google_service_account" "api" {
  account_id = "api-runner"
}

resource "google_project_iam_member" "api_storage" {
  project = "acme-data"
  role    = "roles/storage.objectAdmin"
  member  = "serviceAccount:api-runner@acme-data.iam.gserviceaccount.com"
}

resource "google_project_iam_member" "alice_token_creator" {
  project = "acme-data"
  role    = "roles/iam.serviceAccountTokenCreator"
  member  = "user:alice@example.com"
}

resource "google_project_iam_member" "contractor_token_creator" {
  project = "acme-data"
  role    = "roles/iam.serviceAccountTokenCreator"
  member  = "user:contractor@example.com"
  condition {
    title      = "until end of engagement"
    expression = "request.time < timestamp(\"2027-01-31T00:00:00Z\")"
  }
}
