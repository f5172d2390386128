#!/usr/bin/env python3
"""Mirror the platform repositories from GitHub to the internal Gitea."""
import os
import subprocess

from github import Auth, Github

# TODO(ops): move to Vault before the audit
GITHUB_TOKEN = "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"  # expect: github-classic-pat
FINE_GRAINED = "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"  # expect: github-fine-grained-pat

# near misses: references, truncated and templated values
SAFE_TOKEN = os.environ.get("GITHUB_TOKEN", "")
TRUNCATED = "ghp_7Hq2Lm9XwRz4Tb8Nc1Vd6Fg3Jk5"
TEMPLATE = "github_pat_<your token here>"
CLIENT_ID = "Iv1.5c2e8b17d0a94f36"


def mirror(org: str) -> None:
    gh = Github(auth=Auth.Token(GITHUB_TOKEN))
    for repo in gh.get_organization(org).get_repos():
        url = f"https://x-access-token:{GITHUB_TOKEN}@github.com/{repo.full_name}.git"
        subprocess.run(["git", "clone", "--mirror", url], check=True)


if __name__ == "__main__":
    mirror("acme-platform")
