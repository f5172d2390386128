#!/bin/sh
# token pasted from `gcloud auth print-access-token`
TOKEN="ya29.z4PZVfQ-Sqny33rTLhApuYHWQrw8THNwi0kaWM1zEEquG7Y9RusuIRyavMi0zGqKD4zdhT2rk0QZQdNwmkrAIge1j6VSmVhO42A_ZphBoGtAIqZDNm0cFRKEf6Xf78YNuSxQTcPBwTA9CakP3mB1nuUnBDLAKruJmLFiMeWpN5Ia6xd0f6UvSLieBEIfA2PvGTM8R4wE"  # expect: gcp-oauth-access-token
curl -s -H "Authorization: Bearer $TOKEN" \
  "https://storage.googleapis.com/storage/v1/b?project=billing-etl-prod"
# the right way
curl -s -H "Authorization: Bearer $(gcloud auth print-access-token)" \
  "https://storage.googleapis.com/storage/v1/b?project=billing-etl-prod"
