"""Builds authorized-user credentials for the nightly export (do not do this)."""
from google.oauth2.credentials import Credentials

ADC = {
    "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
    "client_secret": "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",  # expect: gcp-oauth-client-secret
    "refresh_token": "1//076YFm5phdqXP7blUpzpTlcR9hUyvfyzdmsdKx7n3ffBUsa1PQTKVip7u_k7RZk2WeIxGE6qS844xO6W_Fep8IvETiM_7955RF7C",  # expect: gcp-oauth-refresh-token
    "type": "authorized_user",
}

# near misses
STAGING = {"refresh_token": "1//0" + "abc", "client_secret": "GOCSPX-" + "REPLACE"}
creds = Credentials.from_authorized_user_info(ADC)
