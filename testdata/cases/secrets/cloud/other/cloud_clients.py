"""Cloud SDK clients for the asset inventory job."""
import os

from aliyunsdkcore.client import AcsClient
from tencentcloud.common import credential

# hard-coded pair (finding)
ali = AcsClient("LTAIxQu5oNC2PeOy", access_key_secret="8ovaVfTO0fK8sPBaBv6tDHOKliH4NT", region_id="cn-hangzhou")  # expect: alibaba-access-key-id, alibaba-access-key-secret
cred = credential.Credential("AKIDKn6CIdYlj6GBU2ezCeiEfOnc7bXVfF75", "Q4lYEJLq7UWF7NWSEmUIhDonZl9gAnrN")  # expect: tencent-cloud-secret-id, tencent-cloud-secret-key

# from the environment (no finding)
ali_env = AcsClient(os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"], os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], "cn-hangzhou")
cred_env = credential.Credential(os.environ["TENCENTCLOUD_SECRET_ID"], os.environ["TENCENTCLOUD_SECRET_KEY"])

HEROKU_API_KEY = "e134c911-62d0-428b-9208-a32cdcf98098"  # expect: heroku-api-key-legacy
HEROKU_APP_ID = "1d4e792d-685c-455b-bdb7-07c2773b0654"
