"""Local settings for the agents playground. Keys were pasted here while debugging."""
import os

os.environ.setdefault("OPENROUTER_API_KEY", "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")  # expect: openrouter-api-key
os.environ.setdefault("TAVILY_API_KEY", "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")  # expect: tavily-api-key
os.environ.setdefault("LANGFUSE_SECRET_KEY", ""sk-lf-c0fecf02-6725-4908-867e-273bfe688479"")  # expect: langfuse-secret-key
os.environ.setdefault("CEREBRAS_API_KEY", "csk-pky9yjvcptyp4pm0jk525mrbmvcot7qcyiqx3qd3tflbx4cy")  # expect: cerebras-api-key
os.environ.setdefault("NVIDIA_API_KEY", "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")  # expect: nvidia-api-key
os.environ.setdefault("LLAMA_CLOUD_API_KEY", "llx-qvOOjyLkQ4a6GJZUnk4QC91EVA75XoAwXbIClOqwzsT4uAtI")  # expect: llamacloud-api-key
os.environ.setdefault("VOYAGE_API_KEY", "pa-wKWwFNDvNPS70GdQgUzAF6RV_vEk8VebM6uNZ914F89")  # expect: voyage-api-key
os.environ.setdefault("FIREWORKS_API_KEY", "fw_oTxeQ9CzuHYbQeZeuideLiyB")  # expect: fireworks-api-key
os.environ.setdefault("E2B_API_KEY", "e2b_df8931f17ba7e88aebe1bc4d9b5cfafc230237f7")  # expect: e2b-api-key

# near misses: references and truncated keys stay quiet
os.environ.setdefault("OPENROUTER_API_KEY", os.getenv("OR_KEY", ""))
os.environ.setdefault("TAVILY_API_KEY", "tvly-...")
os.environ.setdefault("LANGFUSE_PUBLIC_KEY", "pk-lf-1a2b3c4d-0000-4000-8000-9f8e7d6c5b4a")
os.environ.setdefault("FIREWORKS_MODEL", "accounts/fireworks/models/llama-v3p1-8b-instruct")
