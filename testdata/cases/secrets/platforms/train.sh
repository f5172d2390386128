#!/bin/sh
# Bootstraps a training node: W&B credentials, Hugging Face cache, LangSmith tracing.
set -e
cat > "$HOME/.netrc" <<NETRC
machine api.wandb.ai
  login user
  password ef63982e4fe6ee945b214d230cc5736216e40406
NETRC
chmod 600 "$HOME/.netrc"
export HF_HOME=/mnt/cache/hf
export HF_TOKEN=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 # expect: huggingface-access-token
export WANDB_API_KEY="$(vault kv get -field=api_key secret/ml/wandb)"
export ELEVEN_API_KEY=32fb99352d9884efc4efe62f907086c7 # expect: elevenlabs-api-key
export ANTHROPIC_ADMIN_KEY=sk-ant-admin01-bKuk8YcQ7gZiDuF_6SaEVyqMClOMgUSsyDkOJFjk6Gu7-1fF-1d25UYy-nWLnLoETtuTE7Ew_4LoqmDRUIqN4QELeYYDZAA # expect: anthropic-admin-key
export PERPLEXITY_API_KEY=pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
python -m trainer --config configs/finetune.yaml
