"""Loads the nightly batch into BigQuery with an inline service account key (do not do this)."""
from google.oauth2 import service_account

SERVICE_ACCOUNT_INFO = {
    "client_email": "bq-loader@warehouse-77.iam.gserviceaccount.com",
    "private_key": "-----BEGIN PRIVATE KEY-----\nMIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAL29x4dKnfbOo6eW\nAVsQtYmHQrW1Xt7sQY8O9YQ3wyHZMS0EFHYM7QppitUIwEVVyo/yGfvQUpeIxvsJ\n-----END PRIVATE KEY-----\n",  # expect: private-key-pkcs8
    "private_key_id": "52a8f94e7764f6d54d402adfc7fedd765f84e505",  # expect: gcp-service-account-key-fields
    "token_uri": "https://oauth2.googleapis.com/token",
    "type": "service_account",
}
credentials = service_account.Credentials.from_service_account_info(SERVICE_ACCOUNT_INFO)

# near misses: the id of a rotated key in a log message, and a key whose PEM was cut
print("rotated private_key_id: 63877b80fb0df1000dca97cd1c3c4a16d745f19d")
TRUNCATED = {'private_key': '-----BEGIN PRIVATE KEY-----\nMIIEvQ', 'private_key_id': '4d9b07365126398aa0aaab67f45ca269f6bc2a92', 'type': 'service_account'}
