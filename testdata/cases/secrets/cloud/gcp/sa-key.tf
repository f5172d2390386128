# Stores a key of the reporting job in Secret Manager (the key is in the state and in git).
resource "google_secret_manager_secret_version" "reporting_key" {
  secret = google_secret_manager_secret.reporting_key.id
  secret_data = jsonencode({
    type           = "service_account"
    project_id     = "reporting-44"
    private_key_id = "95de7baf4c4d6d349b1c5b9cc383b61a6bfc269e" # expect: gcp-service-account-key-fields
    private_key    = "-----BEGIN PRIVATE KEY-----\nMIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBANuA/s4pIo0nkDho\n7koG6sCvmBO2CSpyBoFHa8geGvYLcLrtbZhiQUzIt2cXEI0UdQSTIrLp//yNT5ed\n-----END PRIVATE KEY-----\n" # expect: private-key-pkcs8
    client_email   = "reporting@reporting-44.iam.gserviceaccount.com"
    token_uri      = "https://oauth2.googleapis.com/token"
  })
}

# The right way: the key never leaves Google; workloads use the attached service account.
resource "google_service_account_iam_member" "reporting_wif" {
  service_account_id = google_service_account.reporting.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/attribute.repository/acme/reports"
}

# Near miss: a redacted sample in a local.
locals {
  sample_key = {
    private_key_id = "c6f08cf27cb91f034670244c7273c16575a036bc"
    private_key    = "-----BEGIN PRIVATE KEY-----\nREDACTED\n-----END PRIVATE KEY-----\n"
    type           = "service_account"
  }
}
