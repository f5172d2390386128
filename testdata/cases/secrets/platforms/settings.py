"""Django settings for the assistant service (local overrides)."""
import os

import snowflake.connector

OPENAI_API_KEY = "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"  # expect: openai-project-api-key
OPENAI_ADMIN_KEY = "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"  # expect: openai-admin-key
OPENAI_BATCH_KEY = "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"  # expect: openai-service-account-key
LEGACY_OPENAI_KEY = "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"  # expect: openai-api-key
ANTHROPIC_API_KEY = "sk-ant-api03-Oit4vt3sY7WkcgAmgjWnsVRwi954jsvSPtc-X7jzmsTnzc4u0s5HF8if5HdYyKZ-xedgEFMh1eUSJUOL_hjtNE5uwpSOFAA"  # expect: anthropic-api-key
ANTHROPIC_ADMIN_KEY = os.environ.get("ANTHROPIC_ADMIN_KEY")
COHERE_API_KEY = "8qWPGjWSItOCfKBsQL84qCm5lkfM038CAU9sMsjK"  # expect: cohere-api-key
MISTRAL_API_KEY = "64gKzy2bkCJhWedzDD28ynnKkteU87X0"  # expect: mistral-api-key
MISTRAL_MODEL = "mistral-large-latest"
DEEPSEEK_API_KEY = "sk-4ad1f92047b56e16588ac3757ba1e2b3"  # expect: deepseek-api-key

# near misses
OPENAI_API_KEY_DOCS = "sk-proj-..."
COHERE_API_KEY_FALLBACK = os.environ["COHERE_API_KEY"]


def warehouse():
    return snowflake.connector.connect(
        account="xy12345.eu-west-1",
        user="ASSISTANT_SVC",
        password="blDiuxpM8yzgMuK4!t",  # expect: snowflake-password
        warehouse="ANALYTICS_WH",
    )


def warehouse_from_env():
    return snowflake.connector.connect(
        account="xy12345.eu-west-1",
        user="ASSISTANT_SVC",
        password=os.environ["SNOWFLAKE_PASSWORD"],
    )


import wandb

wandb.login(key="0c24fed44a56074cb26434bd794b871f8479ee21")  # expect: wandb-api-key
wandb.init(project="assistant-evals", id="run-2024-06-11")
