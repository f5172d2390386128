import os

import boto3
from mws import mws

# Near misses: read from the environment, nothing to report.
session = boto3.Session(
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
)

legacy = boto3.client(
    "s3",
    aws_access_key_id="AKIAWUIUZPV5VK4TIWBT",  # expect: aws-access-key-id
    aws_secret_access_key="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",  # expect: aws-secret-access-key
)

SELLER_ID = "A2VAYY38UYKDXK"
MWS_AUTH_TOKEN = "amzn.mws.5cb8bef9-928c-4167-aced-4bef948b26f3"  # expect: aws-mws-auth-token
MARKETPLACE = "amzn.mws.marketplace"

# a git object id, not a secret
REVISION = "ef8eaa3972205b087f9a19a2e4f6165d5599061b"
