resource "google_service_account" "reporting" {
  account_id = "reporting"
}

resource "google_project_iam_member" "reporting_viewer" {
  project = "acme-data"
  role    = "roles/bigquery.dataViewer"
  member  = "serviceAccount:${google_service_account.reporting.email}"
}
