#!/usr/bin/env python3
"""Recall corpus for the secret rules (issue 3): fake credentials of documented formats, each in
realistic surroundings (env files, YAML, JSON, code, shell, docs, credential files).

usage: scripts/recall-corpus.py OUT_DIR [--seed N]

Writes one small file per case under OUT_DIR (which must be outside the repository) and
OUT_DIR/manifest.json: for each case the file, the 1-based line where the credential starts, the
provider, the surrounding and the rule ids that should report it (the first is the expected one).
Tokens are random characters of the provider's documented alphabet and length with the right
prefix, and the right checksum or structure where the format has one (GitHub and npm CRC32 base62
tails, PyPI macaroons, age Bech32, 1Password service account JSON, JWTs, PEM bodies). They are fake:
nothing here was ever issued by a provider.

scripts/recall-check.sh runs nhilint over the corpus and prints every miss.
"""

import base64
import json
import os
import random
import string
import sys
import uuid
import zlib

R = random.Random(3)
UP = string.ascii_uppercase
LO = string.ascii_lowercase
DG = string.digits
HEX = "0123456789abcdef"
B62 = DG + UP + LO
B64 = UP + LO + DG + "+/"
B64URL = UP + LO + DG + "-_"


def rnd(alphabet, n):
    # Reject runs that the placeholder filter drops on purpose (a documentation token such as
    # xoxb-123456789012-...): 6 repeated characters or an ascending run of 6 (`234567`, `abcdef`);
    # a random token holds one with a probability of about 1e-5 per digit-only position.
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        low = s.lower()
        if not any(s[i] * 6 == s[i : i + 6] for i in range(len(s) - 5)) and not any(
            all(ord(low[i + k + 1]) - ord(low[i + k]) == 1 for k in range(5)) for i in range(len(s) - 5)
        ):
            return s


def hexs(n):
    return rnd(HEX, n)


def uid():
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


def base62(n, width):
    out = ""
    while n:
        out = B62[n % 62] + out
        n //= 62
    return out.rjust(width, "0")


def crc_token(prefix):
    body = rnd(B62, 30)
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


def b64u(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(header, claims, sig_len=43):
    h = b64u(json.dumps(header, separators=(",", ":")).encode())
    p = b64u(json.dumps(claims, separators=(",", ":")).encode())
    return f"{h}.{p}.{rnd(B64URL, sig_len)}"


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(kind, data):
    return varint(kind) + varint(len(data)) + data


def pypi_token(location=b"pypi.org"):
    ident = json.dumps({"nonce": hexs(32), "version": 1}).encode()
    caveat = json.dumps({"permissions": "user", "version": 1}).encode()
    mac = (
        b"\x02"
        + field(1, location)
        + field(2, ident)
        + b"\x00"
        + field(2, caveat)
        + b"\x00"
        + b"\x00"
        + field(6, os.urandom(0) + bytes(R.getrandbits(8) for _ in range(32)))
    )
    return "pypi-" + b64u(mac)


BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def age_key():
    hrp = "age-secret-key-"
    data = [R.getrandbits(5) for _ in range(51)] + [R.getrandbits(1) << 4]
    hv = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = bech32_polymod(hv + data + [0] * 6) ^ 1
    chk = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return ("age-secret-key-1" + "".join(BECH[d] for d in data + chk)).upper()


def ops_token():
    obj = {
        "signInAddress": "my.1password.com",
        "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256", "iterations": 650000,
                     "salt": rnd(B64URL, 22)},
        "email": rnd(LO, 14) + "@1passwordserviceaccounts.com",
        "srpX": hexs(64),
        "muk": {"alg": "A256GCM", "ext": True, "k": rnd(B64URL, 43), "key_ops": ["encrypt", "decrypt"],
                "kty": "oct", "kid": "mp"},
        "secretKey": "A3-" + rnd(UP + DG, 6) + "-" + rnd(UP + DG, 6) + "-" + rnd(UP + DG, 5),
        "throttleSecret": {"seed": hexs(64), "deviceUuid": rnd(LO + DG, 26)},
        "deviceUuid": rnd(LO + DG, 26),
    }
    return "ops_" + base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def der_body(n):
    # A DER SEQUENCE header so the body starts like a real key (MII...), then random bytes.
    return bytes([0x30, 0x82, (n - 4) >> 8, (n - 4) & 0xFF]) + bytes(R.getrandbits(8) for _ in range(n - 4))


def pem(label, body):
    b = base64.b64encode(body).decode()
    lines = [b[i : i + 64] for i in range(0, len(b), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def openssh_key():
    body = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01"
    body += bytes(R.getrandbits(8) for _ in range(360))
    b = base64.b64encode(body).decode()
    lines = [b[i : i + 70] for i in range(0, len(b), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----"


# Draws for the shape of STS tokens, apart from R so that the other cases keep their tokens.
RS = random.Random(4)


def session_token():
    # STS tokens: the IQoJ header or the older FwoG one, many with `//////////` after it.
    body = rnd(B64, 340)
    form = RS.randrange(3)
    if form == 0:
        return "IQoJb3JpZ2luX2VjE" + body + "=="
    if form == 1:
        return "IQoJb3JpZ2luX2VjE" + "".join(RS.choice(UP + LO) for _ in range(2)) + "//////////wEaCXVzLWVhc3QtMSJH" + body
    return "FwoGZXIvYXdzE" + "".join(RS.choice(UP + LO) for _ in range(2)) + "//////////wEaD" + body


def stripe(prefix):
    return prefix + "51" + rnd(B62, 97)


def b64std(n):
    return rnd(B64, n)


# --- providers -------------------------------------------------------------------------------
# (provider, rule ids (first expected), generator, helpful names, distinctive)
# A distinctive token (fixed prefix or structure) must be found whatever its name, even with no
# name at all; an ambiguous one (32 hex, 40 base62) only next to a helpful name.
P = []


def add(provider, rules, gen, names, distinctive=True):
    P.append((provider, rules if isinstance(rules, list) else [rules], gen, names, distinctive))


add("aws", "aws-access-key-id", lambda: "AKIA" + rnd(UP + "234567", 16), ["AWS_ACCESS_KEY_ID", "aws_access_key_id", "accessKeyId"])
add("aws", "aws-temporary-access-key-id", lambda: "ASIA" + rnd(UP + "234567", 16), ["AWS_ACCESS_KEY_ID"])
add("aws-secret", "aws-secret-access-key", lambda: rnd(B62 + "/+", 40), ["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key", "secretAccessKey"], False)
add("aws", "aws-session-token", session_token, ["AWS_SESSION_TOKEN", "aws_session_token", "SessionToken"], False)
add("aws", "aws-mws-auth-token", lambda: "amzn.mws." + uid(), ["MWS_AUTH_TOKEN", "mwsAuthToken"])
add("gcp", "gcp-api-key", lambda: "AIza" + rnd(B64URL, 35), ["GOOGLE_API_KEY", "firebaseApiKey", "GOOGLE_MAPS_KEY"])
add("gcp", "gcp-oauth-client-secret", lambda: "GOCSPX-" + rnd(B64URL, 28), ["GOOGLE_CLIENT_SECRET", "client_secret"])
add("gcp", "gcp-oauth-access-token", lambda: "ya29.a0" + rnd(B64URL, 150), ["GOOGLE_ACCESS_TOKEN", "access_token"])
add("gcp", "gcp-oauth-refresh-token", lambda: "1//0" + rnd(B64URL, 99), ["GOOGLE_REFRESH_TOKEN", "refresh_token"], False)
add("azure", "azure-ad-client-secret", lambda: rnd(B62, 3) + R.choice(DG) + "Q~" + rnd(B62 + "_~.-", 34), ["AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET", "clientSecret"])
add("azure", "azure-storage-account-key", lambda: b64std(86) + "==", ["AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "storageAccountKey"], False)
add("azure", "azure-devops-pat", lambda: rnd("abcdefghijklmnopqrstuvwxyz234567", 52), ["AZURE_DEVOPS_PAT", "AZURE_DEVOPS_EXT_PAT", "ADO_TOKEN"], False)
add("azure", "azure-devops-pat-v2", lambda: rnd(B62, 52) + "JQQJ9" + rnd(B62, 19) + "AZDO" + rnd(B62, 4), ["AZURE_DEVOPS_PAT", "ADO_PAT"])
add("alibaba", "alibaba-access-key-id", lambda: "LTAI5t" + rnd(B62, 18), ["ALIBABA_CLOUD_ACCESS_KEY_ID", "accessKeyId"])
add("alibaba", "alibaba-access-key-secret", lambda: rnd(B62, 30), ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "accessKeySecret"], False)
add("ibm", "ibm-cloud-api-key", lambda: rnd(B64URL, 44), ["IBMCLOUD_API_KEY", "IC_API_KEY", "ibm_api_key"], False)
add("tencent", "tencent-cloud-secret-id", lambda: "AKID" + rnd(B62, 32), ["TENCENTCLOUD_SECRET_ID", "secretId"])
add("tencent", "tencent-cloud-secret-key", lambda: rnd(B62, 32), ["TENCENTCLOUD_SECRET_KEY"], False)
add("digitalocean", "digitalocean-personal-access-token", lambda: "dop_v1_" + hexs(64), ["DIGITALOCEAN_TOKEN", "DO_TOKEN"])
add("linode", "linode-api-token", lambda: hexs(64), ["LINODE_TOKEN", "LINODE_CLI_TOKEN"], False)
add("scaleway", "scaleway-access-key", lambda: "SCW" + rnd(UP + DG, 17), ["SCW_ACCESS_KEY"])
add("scaleway", "scaleway-secret-key", uid, ["SCW_SECRET_KEY"], False)
add("cloudflare", "cloudflare-api-token", lambda: rnd(B64URL, 40), ["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"], False)
add("cloudflare", "cloudflare-global-api-key", lambda: hexs(37), ["CLOUDFLARE_API_KEY", "CF_API_KEY"], False)
add("cloudflare", "cloudflare-origin-ca-key", lambda: "v1.0-" + hexs(24) + "-" + hexs(146), ["CLOUDFLARE_ORIGIN_CA_KEY"])
add("fastly", "fastly-api-token", lambda: rnd(B64URL, 32), ["FASTLY_API_TOKEN", "FASTLY_KEY"], False)
add("netlify", "netlify-personal-access-token", lambda: "nfp_" + rnd(B62, 36), ["NETLIFY_AUTH_TOKEN"])
add("vercel", "vercel-access-token", lambda: rnd(B62, 24), ["VERCEL_TOKEN", "vercelToken"], False)
add("github", "github-classic-pat", lambda: crc_token("ghp_"), ["GITHUB_TOKEN", "GH_TOKEN", "githubToken"])
add("github", "github-oauth-access-token", lambda: crc_token("gho_"), ["GITHUB_OAUTH_TOKEN"])
add("github", "github-server-to-server-token", lambda: crc_token("ghs_"), ["GITHUB_TOKEN"])
add("github", "github-fine-grained-pat", lambda: "github_pat_11" + rnd(UP + DG, 20) + "_" + rnd(B62, 59), ["GITHUB_PAT", "GH_TOKEN"])
add("github", "github-oauth-client-secret", lambda: hexs(40), ["GITHUB_CLIENT_SECRET", "github_client_secret"], False)
add("gitlab", "gitlab-personal-access-token", lambda: "glpat-" + rnd(B64URL, 20), ["GITLAB_TOKEN", "CI_JOB_TOKEN_OVERRIDE", "gitlabToken"])
add("gitlab", "gitlab-runner-authentication-token", lambda: "glrt-" + rnd(B64URL, 20), ["RUNNER_TOKEN", "CI_SERVER_TOKEN"])
add("gitlab", "gitlab-runner-registration-token", lambda: "GR1348941" + rnd(B64URL, 20), ["REGISTRATION_TOKEN"])
add("gitlab", "gitlab-deploy-token", lambda: "gldt-" + rnd(B64URL, 20), ["DEPLOY_TOKEN"])
add("gitlab", "gitlab-ci-job-token", lambda: "glcbt-" + rnd(B64URL, 20), ["CI_JOB_TOKEN"])
add("gitlab", "gitlab-pipeline-trigger-token", lambda: "glptt-" + hexs(40), ["TRIGGER_TOKEN"])
add("bitbucket", "bitbucket-app-password", lambda: "ATBB" + rnd(B62, 32), ["BITBUCKET_APP_PASSWORD", "BB_PASSWORD"])
add("bitbucket", "bitbucket-access-token", lambda: "ATCTT3xFfGN0" + rnd(B64URL, 170) + "=" + rnd("0123456789ABCDEF", 8), ["BITBUCKET_ACCESS_TOKEN"])
add("circleci", "circleci-personal-api-token", lambda: "CCIPAT_" + rnd(B62, 22) + "_" + hexs(40), ["CIRCLECI_TOKEN", "CIRCLE_TOKEN"])
add("circleci", "circleci-legacy-api-token", lambda: hexs(40), ["CIRCLECI_TOKEN", "CIRCLE_TOKEN"], False)
add("travis", "travis-ci-api-token", lambda: rnd(B62, 22), ["TRAVIS_TOKEN", "TRAVIS_API_TOKEN"], False)
add("buildkite", "buildkite-api-token", lambda: "bkua_" + hexs(40), ["BUILDKITE_API_TOKEN"])
add("buildkite", "buildkite-agent-token", lambda: rnd(LO + DG, 50), ["BUILDKITE_AGENT_TOKEN"], False)
add("jenkins", "jenkins-api-token", lambda: "11" + hexs(32), ["JENKINS_API_TOKEN", "JENKINS_TOKEN"], False)
add("drone", "drone-api-token", lambda: rnd(B62, 32), ["DRONE_TOKEN"], False)
add("npm", "npm-access-token", lambda: crc_token("npm_"), ["NPM_TOKEN", "NODE_AUTH_TOKEN", "npmToken"])
add("pypi", "pypi-upload-token", pypi_token, ["PYPI_TOKEN", "TWINE_PASSWORD", "PYPI_API_TOKEN"])
add("rubygems", "rubygems-api-key", lambda: "rubygems_" + hexs(48), ["GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"])
add("nuget", "nuget-api-key", lambda: "oy2" + rnd(LO + DG, 43), ["NUGET_API_KEY", "NuGetApiKey"])
add("crates.io", "crates-io-api-token", lambda: "cio" + rnd(B62, 32), ["CARGO_REGISTRY_TOKEN", "CRATES_IO_TOKEN"])
add("dockerhub", "docker-hub-personal-access-token", lambda: "dckr_pat_" + rnd(B64URL, 27), ["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"])
add("jfrog", "jfrog-api-key", lambda: "AKCp" + rnd(B62, 69), ["ARTIFACTORY_API_KEY", "JFROG_API_KEY"])
add("jfrog", "jfrog-reference-token", lambda: "cmVmdGtuOjAxOj" + rnd(B62, 50), ["JFROG_ACCESS_TOKEN", "ARTIFACTORY_TOKEN"])
add("packagist", "packagist-token", lambda: "packagist_uut_" + rnd(B62, 68), ["PACKAGIST_TOKEN"])
add("slack", "slack-bot-token", lambda: f"xoxb-{rnd(DG, 12)}-{rnd(DG, 13)}-{rnd(B62, 24)}", ["SLACK_BOT_TOKEN", "slackToken", "SLACK_TOKEN"])
add("slack", "slack-user-token", lambda: f"xoxp-{rnd(DG, 12)}-{rnd(DG, 12)}-{rnd(DG, 13)}-{hexs(32)}", ["SLACK_USER_TOKEN"])
add("slack", "slack-app-token", lambda: f"xapp-1-A{rnd(UP + DG, 10)}-{rnd(DG, 13)}-{hexs(64)}", ["SLACK_APP_TOKEN"])
add("slack", "slack-webhook-url", lambda: f"https://hooks.slack.com/services/T{rnd(UP + DG, 8)}/B{rnd(UP + DG, 10)}/{rnd(B62, 24)}", ["SLACK_WEBHOOK_URL", "webhook_url"])
add("discord", "discord-bot-token", lambda: "M" + rnd(B62, 25) + "." + rnd(B64URL, 6) + "." + rnd(B64URL, 38), ["DISCORD_TOKEN", "DISCORD_BOT_TOKEN"], False)
add("discord", "discord-webhook-url", lambda: f"https://discord.com/api/webhooks/{rnd(DG, 19)}/{rnd(B64URL, 68)}", ["DISCORD_WEBHOOK_URL"])
add("telegram", "telegram-bot-token", lambda: f"{rnd(DG, 10)}:AA{rnd(B64URL, 33)}", ["TELEGRAM_BOT_TOKEN", "TELEGRAM_TOKEN"], False)
add("msteams", "msteams-incoming-webhook-url", lambda: f"https://contoso.webhook.office.com/webhookb2/{uid()}@{uid()}/IncomingWebhook/{hexs(32)}/{uid()}", ["TEAMS_WEBHOOK_URL"])
add("zoom", "zoom-client-secret", lambda: rnd(B62, 32), ["ZOOM_CLIENT_SECRET"], False)
add("twilio", "twilio-api-key", lambda: "SK" + hexs(32), ["TWILIO_API_KEY"])
add("twilio", "twilio-auth-token", lambda: hexs(32), ["TWILIO_AUTH_TOKEN", "twilioAuthToken"], False)
add("sendgrid", "sendgrid-api-key", lambda: "SG." + rnd(B64URL, 22) + "." + rnd(B64URL, 43), ["SENDGRID_API_KEY"])
add("mailgun", "mailgun-api-key", lambda: hexs(32) + "-" + hexs(8) + "-" + hexs(8), ["MAILGUN_API_KEY"], False)
add("mailgun", "mailgun-api-key-legacy", lambda: "key-" + hexs(32), ["MAILGUN_API_KEY"])
add("mailchimp", "mailchimp-api-key", lambda: hexs(32) + "-us" + str(R.randint(1, 21)), ["MAILCHIMP_API_KEY"])
add("postmark", "postmark-server-token", uid, ["POSTMARK_SERVER_TOKEN", "POSTMARK_API_TOKEN"], False)
add("stripe", "stripe-secret-key", lambda: stripe("sk_live_"), ["STRIPE_SECRET_KEY", "stripeKey"])
add("stripe", "stripe-restricted-key", lambda: stripe("rk_live_"), ["STRIPE_RESTRICTED_KEY"])
add("stripe", "stripe-test-secret-key", lambda: stripe("sk_test_"), ["STRIPE_SECRET_KEY"])
add("stripe", "stripe-webhook-secret", lambda: "whsec_" + rnd(B62, 32), ["STRIPE_WEBHOOK_SECRET"])
add("braintree", "braintree-access-token", lambda: f"access_token$production${rnd(LO + DG, 16)}${hexs(32)}", ["BRAINTREE_ACCESS_TOKEN", "PAYPAL_ACCESS_TOKEN"])
add("braintree", "braintree-private-key", lambda: hexs(32), ["BRAINTREE_PRIVATE_KEY"], False)
add("paypal", "paypal-client-secret", lambda: "E" + rnd(B64URL, 79), ["PAYPAL_CLIENT_SECRET", "PAYPAL_SECRET"], False)
add("square", "square-access-token", lambda: "EAAA" + rnd(B64URL, 60), ["SQUARE_ACCESS_TOKEN"])
add("square", "square-oauth-secret", lambda: "sq0csp-" + rnd(B64URL, 43), ["SQUARE_APPLICATION_SECRET"])
add("adyen", "adyen-api-key", lambda: "AQE" + rnd(B62, 90) + "-" + rnd(B62 + "+/", 44) + "=-" + rnd(B62, 12), ["ADYEN_API_KEY"])
add("coinbase", "coinbase-api-secret", lambda: rnd(B62, 32), ["COINBASE_API_SECRET"], False)
add("datadog", "datadog-api-key", lambda: hexs(32), ["DD_API_KEY", "DATADOG_API_KEY", "datadogApiKey"], False)
add("datadog", "datadog-application-key", lambda: hexs(40), ["DD_APP_KEY", "DATADOG_APP_KEY", "DD_APPLICATION_KEY"], False)
add("newrelic", "newrelic-user-api-key", lambda: "NRAK-" + rnd(UP + DG, 27), ["NEW_RELIC_API_KEY"])
add("newrelic", "newrelic-license-key", lambda: hexs(36) + "NRAL", ["NEW_RELIC_LICENSE_KEY"])
add("newrelic", "newrelic-insights-insert-key", lambda: "NRII-" + rnd(B64URL, 32), ["NEW_RELIC_INSERT_KEY"])
add("sentry", "sentry-user-auth-token", lambda: "sntryu_" + hexs(64), ["SENTRY_AUTH_TOKEN"])
add("sentry", "sentry-org-auth-token", lambda: "sntrys_" + base64.b64encode(json.dumps({"iat": 1715000000.0, "url": "https://sentry.io", "region_url": "https://us.sentry.io", "org": "acme"}).encode()).decode().rstrip("=") + "_" + rnd(B64, 43), ["SENTRY_AUTH_TOKEN"])
add("sentry", "sentry-legacy-auth-token", lambda: hexs(64), ["SENTRY_AUTH_TOKEN", "SENTRY_TOKEN"], False)
add("grafana", "grafana-service-account-token", lambda: "glsa_" + rnd(B62, 32) + "_" + hexs(8), ["GRAFANA_TOKEN", "GRAFANA_SERVICE_ACCOUNT_TOKEN"])
add("grafana", "grafana-cloud-api-token", lambda: "glc_" + base64.b64encode(json.dumps({"o": str(R.randint(100000, 999999)), "n": "stack-" + rnd(DG, 6) + "-hm-read", "k": rnd(B62, 24), "m": {"r": "us"}}).encode()).decode(), ["GRAFANA_CLOUD_API_KEY"])
add("honeycomb", "honeycomb-ingest-key", lambda: "hcaik_" + rnd(B62, 58), ["HONEYCOMB_API_KEY"])
add("honeycomb", "honeycomb-api-key", lambda: rnd(B62, 22), ["HONEYCOMB_API_KEY", "HONEYCOMB_WRITEKEY"], False)
add("splunk", "splunk-hec-token", uid, ["SPLUNK_HEC_TOKEN", "SPLUNK_TOKEN"], False)
add("dynatrace", "dynatrace-api-token", lambda: "dt0c01." + rnd(UP + DG, 24) + "." + rnd(UP + DG, 64), ["DT_API_TOKEN", "DYNATRACE_API_TOKEN"])
add("elastic", "elastic-api-key", lambda: base64.b64encode((rnd(B62, 20) + ":" + rnd(B64URL, 22)).encode()).decode(), ["ELASTIC_API_KEY", "ES_API_KEY"], False)
add("lightstep", "lightstep-access-token", lambda: rnd(B62 + "+/", 84), ["LIGHTSTEP_ACCESS_TOKEN", "LS_ACCESS_TOKEN"], False)
add("okta", "okta-api-token", lambda: "00" + rnd(B64URL, 40), ["OKTA_API_TOKEN", "OKTA_CLIENT_TOKEN"], False)
add("auth0", "auth0-client-secret", lambda: rnd(B64URL, 64), ["AUTH0_CLIENT_SECRET"], False)
add("onelogin", "onelogin-client-secret", lambda: hexs(64), ["ONELOGIN_CLIENT_SECRET"], False)
add("duo", "duo-secret-key", lambda: rnd(B62, 40), ["DUO_SECRET_KEY", "DUO_SKEY"], False)
add("openai", "openai-project-api-key", lambda: "sk-proj-" + rnd(B64URL, 74) + "T3BlbkFJ" + rnd(B64URL, 74), ["OPENAI_API_KEY", "openaiKey"])
add("openai", "openai-api-key", lambda: "sk-" + rnd(B62, 20) + "T3BlbkFJ" + rnd(B62, 20), ["OPENAI_API_KEY"])
add("anthropic", "anthropic-api-key", lambda: "sk-ant-api03-" + rnd(B64URL, 93) + "AA", ["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"])
add("huggingface", "huggingface-access-token", lambda: "hf_" + rnd(UP + LO, 34), ["HF_TOKEN", "HUGGINGFACEHUB_API_TOKEN", "HUGGING_FACE_HUB_TOKEN"])
add("cohere", "cohere-api-key", lambda: rnd(B62, 40), ["COHERE_API_KEY", "CO_API_KEY"], False)
add("replicate", "replicate-api-token", lambda: "r8_" + rnd(B62, 37), ["REPLICATE_API_TOKEN"])
add("pinecone", "pinecone-api-key", lambda: "pcsk_" + rnd(B62, 6) + "_" + rnd(B62, 63), ["PINECONE_API_KEY"])
add("databricks", "databricks-personal-access-token", lambda: "dapi" + hexs(32), ["DATABRICKS_TOKEN"])
add("mongodb-atlas", "mongodb-atlas-api-private-key", uid, ["MONGODB_ATLAS_PRIVATE_KEY", "MCLI_PRIVATE_API_KEY"], False)
add("supabase", "supabase-personal-access-token", lambda: "sbp_" + hexs(40), ["SUPABASE_ACCESS_TOKEN"])
add("supabase", "supabase-service-role-key", lambda: jwt({"alg": "HS256", "typ": "JWT"}, {"iss": "supabase", "ref": rnd(LO, 20), "role": "service_role", "iat": 1700000000, "exp": 2015576000}), ["SUPABASE_SERVICE_ROLE_KEY"])
add("planetscale", "planetscale-api-token", lambda: "pscale_tkn_" + rnd(B64URL, 43), ["PLANETSCALE_SERVICE_TOKEN"])
add("planetscale", "planetscale-password", lambda: "pscale_pw_" + rnd(B64URL, 43), ["DATABASE_PASSWORD"])
add("firebase", "firebase-cloud-messaging-server-key", lambda: "AAAA" + rnd(B64URL, 7) + ":APA91b" + rnd(B64URL, 134), ["FCM_SERVER_KEY"])
add("atlassian", "atlassian-api-token", lambda: "ATATT3xFfGF0" + rnd(B64URL, 170) + "=" + rnd("0123456789ABCDEF", 8), ["JIRA_API_TOKEN", "ATLASSIAN_API_TOKEN", "CONFLUENCE_TOKEN"])
add("linear", "linear-api-key", lambda: "lin_api_" + rnd(B62, 40), ["LINEAR_API_KEY"])
add("notion", "notion-integration-token", lambda: "ntn_" + rnd(DG, 11) + rnd(B62, 35), ["NOTION_TOKEN", "NOTION_API_KEY"])
add("notion", "notion-integration-token-legacy", lambda: "secret_" + rnd(B62, 43), ["NOTION_TOKEN"])
add("asana", "asana-personal-access-token", lambda: f"2/{rnd(DG, 16)}/{rnd(DG, 16)}:{hexs(32)}", ["ASANA_ACCESS_TOKEN", "ASANA_PAT"], False)
add("airtable", "airtable-personal-access-token", lambda: "pat" + rnd(B62, 14) + "." + hexs(64), ["AIRTABLE_API_KEY", "AIRTABLE_TOKEN"])
add("hubspot", "hubspot-private-app-token", lambda: "pat-na1-" + uid(), ["HUBSPOT_ACCESS_TOKEN"])
add("salesforce", "salesforce-access-token", lambda: "00D" + rnd(B62, 15) + "!" + rnd(B62 + "._", 96), ["SALESFORCE_ACCESS_TOKEN", "SF_ACCESS_TOKEN"])
add("shopify", "shopify-access-token", lambda: "shpat_" + hexs(32), ["SHOPIFY_ACCESS_TOKEN"])
add("shopify", "shopify-shared-secret", lambda: "shpss_" + hexs(32), ["SHOPIFY_API_SECRET"])
add("zendesk", "zendesk-api-token", lambda: rnd(B62, 40), ["ZENDESK_API_TOKEN"], False)
add("intercom", "intercom-access-token", lambda: "dG9rO" + rnd(B62, 55) + "=", ["INTERCOM_ACCESS_TOKEN"], False)
add("twitter", "twitter-bearer-token", lambda: "AAAAAAAAAAAAAAAAAAAAA" + rnd(B62, 20) + "%3D" + rnd(B62, 50), ["TWITTER_BEARER_TOKEN", "BEARER_TOKEN"])
add("twitter", "twitter-api-secret", lambda: rnd(B62, 50), ["TWITTER_API_SECRET", "TWITTER_CONSUMER_SECRET"], False)
add("facebook", "facebook-access-token", lambda: "EAA" + rnd(B62, 180), ["FACEBOOK_ACCESS_TOKEN", "FB_PAGE_TOKEN"])
add("facebook", "facebook-app-secret", lambda: hexs(32), ["FACEBOOK_APP_SECRET", "FB_APP_SECRET"], False)
add("linkedin", "linkedin-client-secret", lambda: rnd(B62, 16), ["LINKEDIN_CLIENT_SECRET"], False)
add("dropbox", "dropbox-short-lived-token", lambda: "sl.u." + rnd(B64URL, 140), ["DROPBOX_ACCESS_TOKEN"])
add("box", "box-client-secret", lambda: rnd(B62, 32), ["BOX_CLIENT_SECRET"], False)
add("figma", "figma-personal-access-token", lambda: "figd_" + rnd(B64URL, 40), ["FIGMA_TOKEN"])
add("contentful", "contentful-management-token", lambda: "CFPAT-" + rnd(B64URL, 43), ["CONTENTFUL_MANAGEMENT_TOKEN"])
add("contentful", "contentful-delivery-token", lambda: rnd(B64URL, 43), ["CONTENTFUL_DELIVERY_TOKEN", "CONTENTFUL_ACCESS_TOKEN"], False)
add("algolia", "algolia-admin-api-key", lambda: hexs(32), ["ALGOLIA_ADMIN_KEY", "ALGOLIA_ADMIN_API_KEY"], False)
add("mapbox", "mapbox-secret-token", lambda: "sk.eyJ1Ijoi" + rnd(B64URL, 60) + "." + rnd(B64URL, 22), ["MAPBOX_SECRET_TOKEN", "MAPBOX_DOWNLOADS_TOKEN"])
add("vault", "hashicorp-vault-service-token", lambda: "hvs." + rnd(B64URL, 90), ["VAULT_TOKEN"])
add("terraform-cloud", "terraform-cloud-api-token", lambda: rnd(B62, 14) + ".atlasv1." + rnd(B64URL, 67), ["TFE_TOKEN", "TF_API_TOKEN"])
add("pulumi", "pulumi-access-token", lambda: "pul-" + hexs(40), ["PULUMI_ACCESS_TOKEN"])
add("doppler", "doppler-service-token", lambda: "dp.st.prd." + rnd(B62, 43), ["DOPPLER_TOKEN"])
add("1password", "onepassword-service-account-token", ops_token, ["OP_SERVICE_ACCOUNT_TOKEN"])
add("age", "age-secret-key", age_key, ["AGE_SECRET_KEY", "SOPS_AGE_KEY"])
add("jwt", "jwt-token", lambda: jwt({"alg": "HS256", "typ": "JWT"}, {"sub": str(R.randint(1000, 99999)), "name": "svc-deploy", "iat": 1716239022}), ["ACCESS_TOKEN", "jwt"])

add("github", "github-user-to-server-token", lambda: crc_token("ghu_"), ["GITHUB_USER_TOKEN"])
add("github", "github-refresh-token", lambda: crc_token("ghr_"), ["GITHUB_REFRESH_TOKEN"])
add("gitlab", "gitlab-feed-token", lambda: "glft-" + rnd(B64URL, 20), ["GITLAB_FEED_TOKEN"])
add("gitlab", "gitlab-oauth-application-secret", lambda: "gloas-" + hexs(64), ["GITLAB_OAUTH_SECRET"])
add("bitbucket", "bitbucket-data-center-http-access-token", lambda: "BBDC-" + rnd(B64, 44), ["BITBUCKET_TOKEN"])
add("heroku", "heroku-api-key", lambda: "HRKU-AA" + rnd(B64URL, 58), ["HEROKU_API_KEY"])
add("heroku", "heroku-api-key-legacy", uid, ["HEROKU_API_KEY"], False)
add("azure", "azure-openai-api-key", lambda: hexs(32), ["AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY"], False)
add("azure", "azure-cosmosdb-key", lambda: b64std(86) + "==", ["COSMOS_KEY", "COSMOSDB_KEY", "cosmosKey"], False)
add("oracle", "oracle-oci-auth-token", lambda: rnd(B62 + "()<>[]:;.#", 20), ["OCI_AUTH_TOKEN", "OCIR_PASSWORD"], False)
add("snowflake", "snowflake-password", lambda: rnd(B62, 6) + "!" + rnd(B62, 9), ["SNOWFLAKE_PASSWORD", "snowflakePassword"], False)
add("mongodb-atlas", "mongodb-atlas-service-account-secret", lambda: "mdb_sa_sk_" + rnd(B64URL, 40), ["MONGODB_ATLAS_CLIENT_SECRET"])
add("supabase", "supabase-secret-key", lambda: "sb_secret_" + rnd(B64URL, 31), ["SUPABASE_SECRET_KEY"])
add("firebase", "firebase-database-secret", lambda: rnd(B62, 40), ["FIREBASE_SECRET", "FIREBASE_AUTH_SECRET"], False)
add("slack", "slack-workflow-webhook-url", lambda: f"https://hooks.slack.com/triggers/T{rnd(UP + DG, 9)}/{rnd(DG, 13)}/{hexs(32)}", ["SLACK_WORKFLOW_URL"])
add("slack", "slack-refresh-token", lambda: f"xoxe-1-{rnd(B62, 140)}", ["SLACK_REFRESH_TOKEN"])
add("newrelic", "newrelic-admin-api-key", lambda: "NRAA-" + rnd(B62, 27), ["NEW_RELIC_ADMIN_KEY"])
add("elastic", "elastic-cloud-api-key", lambda: "essu_" + base64.b64encode(rnd(B62, 60).encode()).decode(), ["EC_API_KEY", "ELASTIC_CLOUD_API_KEY"])
add("grafana", "grafana-legacy-api-key", lambda: "eyJrIjoi" + rnd(B62, 30) + "IiwibiI6ImNpIiwiaWQiOjF9", ["GRAFANA_API_KEY"])
add("auth0", "auth0-management-api-token", lambda: jwt({"alg": "RS256", "typ": "JWT", "kid": rnd(B64URL, 22)}, {"iss": "https://acme.eu.auth0.com/", "sub": rnd(B62, 32) + "@clients", "aud": "https://acme.eu.auth0.com/api/v2/", "iat": 1716239022, "exp": 1716325422, "gty": "client-credentials"}, 342), ["AUTH0_MANAGEMENT_API_TOKEN", "AUTH0_API_TOKEN"], False)
add("duo", "duo-integration-key", lambda: "DI" + rnd(UP + DG, 18), ["DUO_IKEY", "DUO_INTEGRATION_KEY"], False)
add("vault", "hashicorp-vault-batch-token", lambda: "hvb." + rnd(B64URL, 130), ["VAULT_TOKEN"])
add("doppler", "doppler-personal-token", lambda: "dp.pt." + rnd(B62, 43), ["DOPPLER_TOKEN"])
add("twilio", "twilio-api-key-secret", lambda: rnd(B62, 32), ["TWILIO_API_SECRET"], False)
add("paypal", "braintree-sandbox-access-token", lambda: f"access_token$sandbox${rnd(LO + DG, 16)}${hexs(32)}", ["BRAINTREE_ACCESS_TOKEN"])
add("square", "square-legacy-access-token", lambda: "sq0atp-" + rnd(B64URL, 22), ["SQUARE_ACCESS_TOKEN"])
add("dropbox", "dropbox-long-lived-token", lambda: rnd(B64URL, 11) + "AAAAAAAAAA" + rnd(B64URL, 43), ["DROPBOX_TOKEN", "DROPBOX_ACCESS_TOKEN"], False)
add("intercom", "intercom-access-token", lambda: "dG9rO" + rnd(B62, 55) + "=", ["INTERCOM_TOKEN"], False)
add("onepassword", "onepassword-connect-token", lambda: jwt({"alg": "ES256", "kid": rnd(LO + DG, 26), "typ": "JWT"}, {"1password.com/auuid": rnd(UP + DG, 26), "1password.com/token": rnd(B64URL, 32), "1password.com/fts": ["vaultaccess"], "aud": ["com.1password.connect"], "iat": 1716239022, "iss": "com.1password.b5", "jti": rnd(LO + DG, 26), "sub": rnd(UP + DG, 26)}, 86), ["OP_CONNECT_TOKEN"], False)

# Formats added for issue 3's audit of providers in common use in 2024-2026 (rules/secrets/
# llm-platforms.yaml, dev-platforms.yaml, commerce.yaml, notifications.yaml, saas-apps.yaml,
# orchestration.yaml).
add("openrouter", "openrouter-api-key", lambda: "sk-or-v1-" + hexs(64), ["OPENROUTER_API_KEY"])
add("tavily", "tavily-api-key", lambda: "tvly-" + R.choice(["", "dev-", "prod-"]) + rnd(B62, 32), ["TAVILY_API_KEY"])
add("langfuse", "langfuse-secret-key", lambda: "sk-lf-" + uid(), ["LANGFUSE_SECRET_KEY"])
add("cerebras", "cerebras-api-key", lambda: "csk-" + rnd(LO + DG, 48), ["CEREBRAS_API_KEY"])
add("nvidia", "nvidia-api-key", lambda: "nvapi-" + rnd(B64URL, 64), ["NVIDIA_API_KEY", "NGC_API_KEY"])
add("llamacloud", "llamacloud-api-key", lambda: "llx-" + rnd(B62, 48), ["LLAMA_CLOUD_API_KEY"])
add("voyage", "voyage-api-key", lambda: "pa-" + rnd(B64URL, 43), ["VOYAGE_API_KEY"], False)
add("fireworks", "fireworks-api-key", lambda: "fw_" + rnd(B62, 24), ["FIREWORKS_API_KEY"], False)
add("e2b", "e2b-api-key", lambda: "e2b_" + hexs(40), ["E2B_API_KEY"], False)
add("posthog", "posthog-personal-api-key", lambda: "phx_" + rnd(B62, 47), ["POSTHOG_PERSONAL_API_KEY"])
add("flyio", "flyio-access-token", lambda: "FlyV1 fm2_lJPE" + rnd(B64, 400) + "==", ["FLY_API_TOKEN", "FLY_ACCESS_TOKEN"])
add("flyio", "flyio-legacy-access-token", lambda: "fo1_" + rnd(B64URL, 43), ["FLY_API_TOKEN"])
add("neon", "neon-api-key", lambda: "napi_" + rnd(LO + DG, 64), ["NEON_API_KEY"], False)
add("render", "render-api-key", lambda: "rnd_" + rnd(B62, 32), ["RENDER_API_KEY"], False)
add("postman", "postman-api-key", lambda: "PMAK-" + hexs(24) + "-" + hexs(34), ["POSTMAN_API_KEY"])
add("prefect", "prefect-api-key", lambda: R.choice(["pnu_", "pnb_"]) + rnd(B62, 36), ["PREFECT_API_KEY"])
add("dbt", "dbt-cloud-token", lambda: R.choice(["dbtc_", "dbtu_"]) + rnd(B64URL, 56), ["DBT_CLOUD_API_TOKEN", "DBT_CLOUD_SERVICE_TOKEN"])
add("sourcegraph", "sourcegraph-access-token", lambda: "sgp_" + R.choice([hexs(16) + "_", "local_", ""]) + hexs(40), ["SRC_ACCESS_TOKEN"])
add("tailscale", "tailscale-key", lambda: "tskey-" + R.choice(["auth", "api", "client"]) + "-k" + rnd(B62, 10) + "CNTRL-" + rnd(B62, 33), ["TS_AUTHKEY", "TAILSCALE_API_KEY", "TS_OAUTH_SECRET"])
add("scalingo", "scalingo-api-token", lambda: "tk-us-" + rnd(B64URL, 48), ["SCALINGO_API_TOKEN"])
add("infracost", "infracost-api-key", lambda: "ico-" + rnd(B62, 32), ["INFRACOST_API_KEY"])
add("harness", "harness-api-token", lambda: R.choice(["pat.", "sat."]) + rnd(B64URL, 22) + "." + hexs(24) + "." + rnd(B62, 20), ["HARNESS_API_KEY", "HARNESS_PLATFORM_API_KEY"], False)
add("launchdarkly", "launchdarkly-key", lambda: R.choice(["sdk-", "api-", "mob-"]) + uid(), ["LD_SDK_KEY", "LAUNCHDARKLY_SDK_KEY", "LAUNCHDARKLY_ACCESS_TOKEN"], False)
add("deno", "deno-deploy-token", lambda: R.choice(["ddp_", "ddo_"]) + rnd(B62, 36), ["DENO_DEPLOY_TOKEN"])
add("teamcity", "teamcity-access-token", lambda: "eyJ0eXAiOiAiVENWMiJ9." + rnd(B64URL, 36) + "." + rnd(B64URL, 48), ["TEAMCITY_TOKEN"])
add("cypress", "cypress-record-key", uid, ["CYPRESS_RECORD_KEY"], False)
add("snyk", "snyk-api-token", uid, ["SNYK_TOKEN", "SNYK_API_TOKEN"], False)
add("railway", "railway-api-token", uid, ["RAILWAY_TOKEN", "RAILWAY_API_TOKEN"], False)
add("ngrok", "ngrok-authtoken", lambda: R.choice("123") + rnd(B62, 26) + "_" + rnd(B62, 21), ["NGROK_AUTHTOKEN", "NGROK_API_KEY"], False)
add("bitwarden", "bitwarden-secrets-manager-access-token", lambda: "0." + uid() + "." + rnd(B62, 30) + ":" + rnd(B64, 22) + "==", ["BWS_ACCESS_TOKEN"], False)
add("readme", "readme-api-key", lambda: "rdme_" + rnd(LO + DG, 70), ["README_API_KEY"])
add("axiom", "axiom-api-token", lambda: R.choice(["xaat-", "xapt-"]) + uid(), ["AXIOM_TOKEN"])
add("hetzner", "hetzner-cloud-api-token", lambda: rnd(B62, 64), ["HCLOUD_TOKEN", "HETZNER_API_TOKEN"], False)
add("vultr", "vultr-api-key", lambda: rnd(UP + DG, 36), ["VULTR_API_KEY"], False)
add("backblaze", "backblaze-b2-application-key", lambda: "K00" + R.choice("0123456789") + rnd(B62, 27), ["B2_APPLICATION_KEY", "B2_APP_KEY"], False)
add("cloudinary", "cloudinary-url", lambda: "cloudinary://" + rnd(DG, 15) + ":" + rnd(B64URL, 27) + "@acme-media", ["CLOUDINARY_URL"])
add("clojars", "clojars-deploy-token", lambda: "CLOJARS_" + hexs(60), ["CLOJARS_PASSWORD", "CLOJARS_TOKEN"])
add("flutterwave", "flutterwave-secret-key", lambda: "FLWSECK" + R.choice(["", "_TEST"]) + "-" + hexs(32) + "-X", ["FLW_SECRET_KEY", "FLUTTERWAVE_SECRET_KEY"])
add("shippo", "shippo-api-token", lambda: "shippo_" + R.choice(["live", "test"]) + "_" + hexs(40), ["SHIPPO_API_TOKEN"])
add("easypost", "easypost-api-key", lambda: R.choice(["EZAK", "EZTK"]) + rnd(B62, 54), ["EASYPOST_API_KEY"])
add("plaid", "plaid-access-token", lambda: "access-" + R.choice(["production", "development", "sandbox"]) + "-" + uid(), ["PLAID_ACCESS_TOKEN"])
add("duffel", "duffel-access-token", lambda: "duffel_" + R.choice(["live", "test"]) + "_" + rnd(B64URL, 43), ["DUFFEL_ACCESS_TOKEN"])
add("paddle", "paddle-api-key", lambda: "pdl_" + R.choice(["live", "sdbx"]) + "_apikey_" + rnd(LO + DG, 26) + "_" + rnd(B62, 22) + "_" + rnd(B62, 3), ["PADDLE_API_KEY"])
add("stytch", "stytch-secret", lambda: "secret-" + R.choice(["live", "test"]) + "-" + rnd(B64URL, 36), ["STYTCH_SECRET"])
add("typeform", "typeform-personal-access-token", lambda: "tfp_" + rnd(B62, 44) + "_" + rnd(B62, 14), ["TYPEFORM_TOKEN"])
add("frameio", "frameio-developer-token", lambda: "fio-u-" + rnd(B64URL, 64), ["FRAMEIO_TOKEN"])
add("infura", "infura-api-key-url", lambda: "https://mainnet.infura.io/v3/" + hexs(32), ["ETH_RPC_URL", "INFURA_URL"])
add("alchemy", "alchemy-api-key-url", lambda: "https://eth-mainnet.g.alchemy.com/v2/" + rnd(B64URL, 32), ["MAINNET_RPC_URL", "ALCHEMY_URL"])
add("etherscan", "etherscan-api-key", lambda: rnd(UP + DG, 34), ["ETHERSCAN_API_KEY"], False)
add("brevo", "brevo-api-key", lambda: R.choice(["xkeysib-", "xsmtpsib-"]) + hexs(64) + "-" + rnd(B62, 16), ["BREVO_API_KEY", "SENDINBLUE_API_KEY"])
add("resend", "resend-api-key", lambda: "re_" + rnd(B62, 8) + "_" + rnd(B62, 24), ["RESEND_API_KEY"], False)
add("zapier", "zapier-webhook-url", lambda: "https://hooks.zapier.com/hooks/catch/" + rnd(DG, 8) + "/" + rnd(LO + DG, 6) + "/", ["ZAPIER_WEBHOOK_URL"])
add("dingtalk", "dingtalk-robot-webhook-url", lambda: "https://oapi.dingtalk.com/robot/send?access_token=" + hexs(64), ["DINGTALK_WEBHOOK"])
add("feishu", "feishu-lark-bot-webhook-url", lambda: "https://open." + R.choice(["feishu.cn", "larksuite.com"]) + "/open-apis/bot/v2/hook/" + uid(), ["FEISHU_WEBHOOK", "LARK_WEBHOOK_URL"])
add("octopus", "octopus-deploy-api-key", lambda: "API-" + rnd(UP + DG, 27), ["OCTOPUS_API_KEY", "OCTOPUS_CLI_API_KEY"], False)
add("upstash", "upstash-redis-rest-token", lambda: "A" + R.choice("XYZ") + rnd(B64URL, 62) + R.choice(["", "="]), ["UPSTASH_REDIS_REST_TOKEN"], False)
add("browserstack", "browserstack-access-key", lambda: rnd(B62, 20), ["BROWSERSTACK_ACCESS_KEY", "BROWSERSTACK_KEY"], False)
add("saucelabs", "saucelabs-access-key", uid, ["SAUCE_ACCESS_KEY"], False)
add("rollbar", "rollbar-access-token", lambda: hexs(32), ["ROLLBAR_ACCESS_TOKEN", "ROLLBAR_POST_SERVER_ITEM_ACCESS_TOKEN"], False)
add("opsgenie", "opsgenie-api-key", uid, ["OPSGENIE_API_KEY"], False)
add("razorpay", "razorpay-key-secret", lambda: rnd(B62, 24), ["RAZORPAY_KEY_SECRET", "RAZORPAY_SECRET"], False)
add("mollie", "mollie-api-key", lambda: R.choice(["live_", "test_"]) + rnd(B62, 30), ["MOLLIE_API_KEY"], False)
add("binance", "binance-api-key", lambda: rnd(B62, 64), ["BINANCE_API_SECRET", "BINANCE_SECRET_KEY"], False)
add("vonage", "vonage-api-secret", lambda: rnd(B62, 16), ["VONAGE_API_SECRET", "NEXMO_API_SECRET"], False)
add("telnyx", "telnyx-api-key", lambda: "KEY" + rnd("0123456789ABCDEF", 32) + "_" + rnd(B62, 22), ["TELNYX_API_KEY"], False)
add("clickup", "clickup-api-token", lambda: "pk_" + rnd(DG, 8) + "_" + rnd(UP + DG, 32), ["CLICKUP_API_TOKEN", "CLICKUP_TOKEN"], False)
add("trello", "trello-api-token", lambda: R.choice(["ATTA" + hexs(64) + rnd("0123456789ABCDEF", 8), hexs(64)]), ["TRELLO_TOKEN", "TRELLO_API_TOKEN"], False)
add("pipedrive", "pipedrive-api-token", lambda: hexs(40), ["PIPEDRIVE_API_TOKEN"], False)
add("twitch", "twitch-client-secret", lambda: rnd(LO + DG, 30), ["TWITCH_CLIENT_SECRET"], False)
add("spotify", "spotify-client-secret", lambda: hexs(32), ["SPOTIFY_CLIENT_SECRET"], False)
add("klaviyo", "klaviyo-private-api-key", lambda: "pk_" + hexs(34), ["KLAVIYO_PRIVATE_API_KEY", "KLAVIYO_API_KEY"], False)
add("docker", "docker-swarm-join-token", lambda: "SWMTKN-1-" + rnd(LO + DG, 50) + "-" + rnd(LO + DG, 25), ["SWARM_JOIN_TOKEN", "SWARM_WORKER_TOKEN"])
add("docker", "docker-swarm-unlock-key", lambda: "SWMKEY-1-" + rnd(B62 + "+/", 43), ["SWARM_UNLOCK_KEY"])
add("cloudflare-tunnel", "cloudflare-tunnel-token", lambda: base64.b64encode(json.dumps({"a": hexs(32), "t": uid(), "s": base64.b64encode(bytes(R.getrandbits(8) for _ in range(32))).decode()}, separators=(",", ":")).encode()).decode(), ["TUNNEL_TOKEN", "CLOUDFLARE_TUNNEL_TOKEN"])
add("consul", "consul-acl-token", uid, ["CONSUL_HTTP_TOKEN", "CONSUL_TOKEN"], False)
add("nomad", "nomad-acl-token", uid, ["NOMAD_TOKEN"], False)
add("rancher", "rancher-api-token", lambda: "token-" + rnd("bcdfghjklmnpqrstvwxz2456789", 5) + ":" + rnd("bcdfghjklmnpqrstvwxz2456789", 54), ["RANCHER_TOKEN", "RANCHER_API_TOKEN"], False)

GENERIC_NAMES = ["value", "x", "creds", "token", "key", "secret"]

# --- surroundings ----------------------------------------------------------------------------


def camel(name):
    parts = name.lower().split("_")
    return parts[0] + "".join(p.title() for p in parts[1:])


def lower(name):
    return name.lower() if name.isupper() else name


def S(ext, text):
    """A surrounding: file extension and text with `@T@` where the token goes."""
    return ext, text


def named_surroundings(name):
    n, c, l = name, camel(name) if name.isupper() else name, lower(name)
    return [
        ("env", S(".env", f"# service settings\nAPP_ENV=production\n{n}=@T@\nLOG_LEVEL=info\n")),
        ("env-quoted", S(".env", f'APP_ENV=production\n{n}="@T@"\n')),
        ("yaml", S(".yaml", f"app:\n  name: billing\n  {l}: @T@\n")),
        ("yaml-quoted", S(".yaml", f'service:\n  {c}: "@T@"\n  region: eu-west-1\n')),
        ("k8s-secret", S(".yaml", f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\ntype: Opaque\nstringData:\n  {n}: @T@\n")),
        ("json", S(".json", f'{{\n  "name": "billing",\n  "{c}": "@T@"\n}}\n')),
        ("json-min", S(".json", f'{{"name":"billing","{l}":"@T@","debug":false}}\n')),
        ("python", S(".py", f'import os\n\n{n} = "@T@"\n')),
        ("js", S(".js", f"const {c} = '@T@';\nmodule.exports = {{ {c} }};\n")),
        ("go", S(".go", f'package main\n\nconst {c} = "@T@"\n')),
        ("java", S(".java", f'class Config {{\n    static final String {n} = "@T@";\n}}\n')),
        ("ruby", S(".rb", f"{l} = '@T@'\n")),
        ("csharp", S(".cs", f'var {c} = "@T@";\n')),
        ("shell-export", S(".sh", f"#!/bin/sh\nexport {n}=@T@\n./deploy.sh\n")),
        ("shell-export-quoted", S(".sh", f'#!/bin/bash\nexport {n}="@T@"\n')),
        ("dockerfile", S("Dockerfile", f"FROM python:3.12\nENV {n}=@T@\n")),
        ("gha-env", S(".yml", f"jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      {n}: @T@\n    steps:\n      - run: make deploy\n")),
        ("php-define", S(".php", f"<?php\ndefine('{n}', '@T@');\n")),
        ("php-var", S(".php", f"<?php\n${c} = \"@T@\";\n")),
        ("properties", S(".properties", f"# generated\n{l.replace('_', '.')}=@T@\n")),
        ("toml", S(".toml", f"[service]\n{l} = \"@T@\"\n")),
        ("xml-appsettings", S(".config", f'<configuration>\n  <appSettings>\n    <add key="{n}" value="@T@" />\n  </appSettings>\n</configuration>\n')),
        ("terraform-default", S(".tf", f'variable "{l}" {{\n  type    = string\n  default = "@T@"\n}}\n')),
        ("kotlin", S(".kt", f'private const val {n} = "@T@"\n')),
        ("rust", S(".rs", f'const {n}: &str = "@T@";\n')),
        ("go-struct", S(".go", f'var cfg = Config{{\n\t{c[0].upper() + c[1:]}: "@T@",\n}}\n')),
        ("markdown-inline", S(".md", f"# Setup\n\nSet `{n}` to `@T@` before running.\n")),
        ("markdown-table", S(".md", f"| Variable | Value |\n| --- | --- |\n| `{n}` | `@T@` |\n")),
        ("powershell", S(".ps1", f'$env:{n} = "@T@"\n')),
        ("batch", S(".bat", f"@echo off\nset {n}=@T@\n")),
        ("ini", S(".ini", f"[default]\n{l} = @T@\n")),
        ("compose-list", S(".yml", f"services:\n  app:\n    image: acme/app\n    environment:\n      - {n}=@T@\n")),
        ("compose-map", S(".yml", f'services:\n  app:\n    environment:\n      {n}: "@T@"\n')),
        ("helm-set", S(".sh", f"helm upgrade --install app ./chart --set {c}=@T@\n")),
        ("xml-element", S(".xml", f"<config>\n  <{c}>@T@</{c}>\n</config>\n")),
        ("c-define", S(".h", f'#define {n} "@T@"\n')),
        ("swift", S(".swift", f'let {c} = "@T@"\n')),
        ("scala", S(".scala", f'val {c} = "@T@"\n')),
        ("python-dict", S(".py", f'config = {{"{l}": "@T@", "timeout": 30}}\n')),
        ("js-object", S(".js", f"const config = {{ {c}: '@T@', retries: 3 }};\n")),
        ("url-query", S(".txt", f"GET https://api.acme.io/v1/items?{l}=@T@&format=json\n")),
        ("shell-single", S(".sh", f"{n}='@T@'\n")),
        ("tfvars", S(".tfvars", f'{l} = "@T@"\n')),
        ("docker-run", S(".sh", f"docker run -e {n}=@T@ acme/app:latest\n")),
        ("k8s-env", S(".yaml", f'spec:\n  containers:\n    - name: app\n      env:\n        - name: {n}\n          value: "@T@"\n')),
        ("ecs-env", S(".json", f'{{"environment": [{{"name": "{n}", "value": "@T@"}}]}}\n')),
        ("log-line", S(".log", f"2024-05-01T10:00:00Z INFO starting with {l}=@T@ region=eu-west-1\n")),
        ("py-environ", S(".py", f'os.environ["{n}"] = "@T@"\n')),
        ("py-getenv", S(".py", f'key = os.getenv("{n}", "@T@")\n')),
        ("js-env-default", S(".js", f"const key = process.env.{n} || '@T@';\n")),
        ("java-setprop", S(".java", f'System.setProperty("{l}", "@T@");\n')),
        ("go-setenv", S(".go", f'os.Setenv("{n}", "@T@")\n')),
        ("ruby-env", S(".rb", f'ENV["{n}"] ||= "@T@"\n')),
        ("tf-env-block", S(".tf", f'resource "aws_lambda_function" "f" {{\n  environment {{\n    variables = {{\n      {n} = "@T@"\n    }}\n  }}\n}}\n')),
        ("jupyter", S(".ipynb", f'{{"cells": [{{"cell_type": "code", "source": ["{l} = \\"@T@\\"\\n", "client = Client({l})"]}}]}}\n')),
    ]


NAMELESS = [
    ("yaml-list", S(".yaml", "tokens:\n  - @T@\n")),
    ("python-call", S(".py", 'client = Client(\n    "@T@",\n    timeout=30,\n)\n')),
    ("python-kwarg", S(".py", 'client = Client(api_key="@T@")\n')),
    ("js-call", S(".js", "const client = new Client('@T@');\n")),
    ("bearer-header-py", S(".py", 'headers = {"Authorization": "Bearer @T@"}\n')),
    ("curl-bearer", S(".sh", 'curl -s -H "Authorization: Bearer @T@" https://api.example.net/v1/me\n')),
    ("markdown-codeblock", S(".md", "Example:\n\n```\n@T@\n```\n")),
    ("doc-sentence", S(".md", "To authenticate, use token @T@ in your requests.\n")),
    ("txt-bare", S(".txt", "@T@\n")),
]


def write_case(out, cases, provider, rules, surround, ext, text, token):
    idx = len(cases)
    name = f"{idx:05d}-{provider}-{surround}"
    fname = name + ext if ext.startswith(".") else os.path.join(name, ext)
    path = os.path.join(out, fname)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    body = text.replace("@T@", token)
    line = body[: body.index(token)].count("\n") + 1
    with open(path, "w") as f:
        f.write(body)
    cases.append({"file": fname, "line": line, "provider": provider, "surrounding": surround, "rules": rules})


def config_files(token_of):
    """Credential files: (provider, rules, surrounding, ext, text, token)."""
    pw = "Tr0ub4dor&3xQ9z"
    npm = token_of("npm")
    gh = token_of("github")
    pypi = token_of("pypi")
    dauth = base64.b64encode(("ci-bot:" + "dckr_pat_" + rnd(B64URL, 27)).encode()).decode()
    kube_tok = jwt({"alg": "RS256", "kid": rnd(B64URL, 20)}, {"iss": "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": "ci", "sub": "system:serviceaccount:ci:deployer"}, 342)
    client_key = base64.b64encode(pem("RSA PRIVATE KEY", der_body(1190)).encode()).decode()
    return [
        ("npm", ["npm-access-token", "npmrc-auth-token"], "npmrc", "npmrc/.npmrc", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=@T@\n", npm),
        ("npm", ["npmrc-auth-token"], "npmrc-private-registry", "npmrc2/.npmrc", "@acme:registry=https://npm.acme.io/\n//npm.acme.io/:_authToken=@T@\n", rnd(B64URL, 36)),
        ("pypi", ["pypi-upload-token", "pypirc-password"], "pypirc", "pypirc/.pypirc", "[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = @T@\n", pypi),
        ("pypi", ["pypirc-password"], "pypirc-password", "pypirc2/.pypirc", "[pypi]\nusername = acme-release\npassword = @T@\n", pw),
        ("netrc", ["netrc-password"], "netrc", "netrc/.netrc", "machine api.acme.io\n  login deploy\n  password @T@\n", pw),
        ("github", ["github-classic-pat"], "netrc", "netrc2/.netrc", "machine github.com login ci-bot password @T@\n", gh),
        ("github", ["github-classic-pat", "git-credentials-password"], "git-credentials", "gitcred/.git-credentials", "https://ci-bot:@T@@github.com\n", gh),
        ("git", ["git-credentials-password"], "git-credentials-password", "gitcred2/.git-credentials", "https://deploy:@T@@git.acme.io\n", pw),
        ("maven", ["maven-settings-password"], "settings.xml", "m2/settings.xml", "<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n      <username>deploy</username>\n      <password>@T@</password>\n    </server>\n  </servers>\n</settings>\n", pw),
        ("docker", ["docker-config-auth"], "docker-config.json", "docker/config.json", '{\n  "auths": {\n    "https://index.docker.io/v1/": {\n      "auth": "@T@"\n    }\n  }\n}\n', dauth),
        ("kubeconfig", ["kubernetes-kubeconfig-user-token", "jwt-token"], "kubeconfig-token", "kube/config", "apiVersion: v1\nkind: Config\nusers:\n- name: deployer\n  user:\n    token: @T@\n", kube_tok),
        ("github", ["github-classic-pat", "npmrc-auth-token"], "npmrc-github-packages", "npmrc3/.npmrc", "@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=@T@\n", gh),
        ("nuget", ["nuget-config-cleartext-password"], "nuget-config", "nuget/NuGet.Config", '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSourceCredentials>\n    <acme>\n      <add key="Username" value="ci" />\n      <add key="ClearTextPassword" value="@T@" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n', pw),
        ("azure", ["azure-service-bus-connection-string"], "servicebus-connection-string", ".json", '{\n  "ServiceBus": "Endpoint=sb://acme-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=@T@"\n}\n', rnd(B64, 43) + "="),
        ("sentry", ["sentry-dsn-secret-key"], "sentry-dsn-legacy", ".py", 'sentry_sdk.init("https://' + hexs(32) + ':@T@@sentry.acme.io/12")\n', hexs(32)),
        ("kubeconfig", ["kubernetes-kubeconfig-client-key"], "kubeconfig-client-key", "kube2/config", "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n    client-key-data: @T@\n", client_key),
    ]


def generic_cases():
    """Generic credentials: (provider, rules, surrounding, ext, text, token)."""
    pw = lambda: rnd(LO, 4) + rnd(DG, 2) + rnd(UP, 2) + "!" + rnd(LO + DG, 5)
    out = []
    for surround, ext, text, rules in [
        ("env", ".env", "DB_PASSWORD=@T@\n", ["generic-password-env-variable"]),
        ("yaml", ".yaml", "database:\n  password: @T@\n", ["generic-password-config"]),
        ("python", ".py", 'db_password = "@T@"\n', ["generic-password-assignment"]),
        ("curl-basic", ".sh", "curl -u admin:@T@ https://jenkins.acme.io/api/json\n", ["cli-password-argument"]),
        ("docker-login", ".sh", "docker login -u ci -p @T@ registry.acme.io\n", ["cli-password-argument"]),
        ("mysql-p", ".sh", "mysql -u root -p@T@ -h db.acme.io app\n", ["mysql-cli-password"]),
        ("postgres-url", ".env", "DATABASE_URL=postgres://app:@T@@db.acme.io:5432/app\n", ["postgres-uri-password"]),
        ("mongodb-url", ".py", 'MONGO_URI = "mongodb+srv://app:@T@@cluster0.ab1cd.mongodb.net/app"\n', ["mongodb-uri-password"]),
        ("xml", ".xml", "<config>\n  <dbPassword>@T@</dbPassword>\n</config>\n", ["generic-password-xml"]),
    ]:
        out.append(("password", rules, surround, ext, text, pw()))
    basic = base64.b64encode(("svc-backup:" + pw()).encode()).decode()
    out.append(("basic-auth", ["http-basic-auth-header"], "curl-basic-header", ".sh", 'curl -H "Authorization: Basic @T@" https://api.acme.io/\n', basic))
    out.append(("client-secret", ["generic-client-secret-assignment"], "env", ".env", "CLIENT_SECRET=@T@\n", rnd(B62, 40)))
    return out


def sdk_cases(token_of):
    """Provider SDK calls and CLI logins as they appear in code and shell scripts, for formats that
    need the provider's name nearby: (provider, rules, surrounding, ext, text, token)."""
    t = token_of
    return [
        ("aws", ["aws-secret-access-key"], "boto3-call", ".py", 'import boto3\n\ns3 = boto3.client(\n    "s3",\n    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",\n    aws_secret_access_key="@T@",\n)\n', t("aws-secret")),
        ("aws", ["aws-secret-access-key"], "aws-credentials", "awscred/credentials", "[default]\naws_access_key_id = AKIA" + rnd(UP + "234567", 16) + "\naws_secret_access_key = @T@\n", t("aws-secret")),
        ("aws", ["aws-secret-access-key"], "aws-configure", ".sh", "aws configure set aws_secret_access_key @T@ --profile deploy\n", t("aws-secret")),
        ("datadog", ["datadog-api-key"], "datadog-initialize", ".py", 'from datadog import initialize\n\ninitialize(api_key="@T@", app_key="' + hexs(40) + '")\n', hexs(32)),
        ("datadog", ["datadog-api-key"], "curl-dd-header", ".sh", 'curl -X POST "https://api.datadoghq.com/api/v2/series" -H "DD-API-KEY: @T@" -d @metrics.json\n', hexs(32)),
        ("twilio", ["twilio-auth-token"], "twilio-client", ".py", 'from twilio.rest import Client\n\naccount_sid = "AC' + hexs(32) + '"\nauth_token = "@T@"\nclient = Client(account_sid, auth_token)\n', hexs(32)),
        ("twilio", ["twilio-account-credentials"], "curl-twilio", ".sh", "curl -X POST https://api.twilio.com/2010-04-01/Accounts/AC" + hexs(32) + "/Messages.json -u AC" + hexs(32) + ":@T@\n", hexs(32)),
        ("mailgun", ["mailgun-api-key"], "mailgun-requests", ".py", 'requests.post(\n    "https://api.mailgun.net/v3/mg.acme.io/messages",\n    auth=("api", "@T@"),\n)\n', hexs(32) + "-" + hexs(8) + "-" + hexs(8)),
        ("cloudflare", ["cloudflare-global-api-key"], "curl-x-auth-key", ".sh", 'curl https://api.cloudflare.com/client/v4/zones -H "X-Auth-Email: ops@acme.io" -H "X-Auth-Key: @T@"\n', hexs(37)),
        ("okta", ["okta-api-token"], "curl-ssws", ".sh", 'curl -H "Authorization: SSWS @T@" https://acme.okta.com/api/v1/users\n', "00" + rnd(B64URL, 40)),
        ("heroku", ["heroku-api-key-legacy"], "heroku-netrc", "heroku/.netrc", "machine api.heroku.com\n  login ops@acme.io\n  password @T@\n", uid()),
        ("azure", ["azure-storage-connection-string"], "azure-connection-string", ".json", '{\n  "Values": {\n    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=@T@;EndpointSuffix=core.windows.net"\n  }\n}\n', rnd(B64, 86) + "=="),
        ("azure", ["azure-storage-sas-token"], "azure-sas-url", ".sh", 'azcopy copy ./dist "https://acmeprod.blob.core.windows.net/web?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2026-12-31T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=@T@" --recursive\n', rnd(B62, 43) + "%3D"),
        ("docker", ["docker-hub-personal-access-token"], "docker-login", ".sh", "echo start\ndocker login -u acmebot -p @T@\n", "dckr_pat_" + rnd(B64URL, 27)),
        ("github", ["github-classic-pat"], "git-clone-url", ".sh", "git clone https://ci-bot:@T@@github.com/acme/infra.git\n", crc_token("ghp_")),
        ("gitlab", ["gitlab-personal-access-token"], "curl-private-token", ".sh", 'curl --header "PRIVATE-TOKEN: @T@" "https://gitlab.com/api/v4/projects"\n', "glpat-" + rnd(B64URL, 20)),
        ("slack", ["slack-bot-token"], "slack-webclient", ".py", 'from slack_sdk import WebClient\n\nclient = WebClient(token="@T@")\n', f"xoxb-{rnd(DG, 12)}-{rnd(DG, 13)}-{rnd(B62, 24)}"),
        ("stripe", ["stripe-secret-key"], "stripe-api-key", ".rb", "Stripe.api_key = '@T@'\n", stripe("sk_live_")),
        ("sendgrid", ["sendgrid-api-key"], "sendgrid-client", ".cs", 'var client = new SendGridClient("@T@");\n', "SG." + rnd(B64URL, 22) + "." + rnd(B64URL, 43)),
        ("openai", ["openai-project-api-key"], "openai-client", ".py", 'client = OpenAI(api_key="@T@")\n', "sk-proj-" + rnd(B64URL, 74) + "T3BlbkFJ" + rnd(B64URL, 74)),
        ("telegram", ["telegram-bot-token"], "telegram-url", ".sh", 'curl "https://api.telegram.org/bot@T@/sendMessage?chat_id=-100123&text=deployed"\n', f"{rnd(DG, 10)}:AA{rnd(B64URL, 33)}"),
        ("discord", ["discord-bot-token"], "discord-client-run", ".py", "import discord\n\nclient.run('@T@')\n", "M" + rnd(B62, 25) + "." + rnd(B64URL, 6) + "." + rnd(B64URL, 38)),
        ("jenkins", ["jenkins-api-token", "cli-password-argument"], "curl-jenkins", ".sh", "curl -X POST -u deploy:@T@ https://jenkins.acme.io/job/release/build\n", "11" + hexs(32)),
        ("postgres", ["postgres-uri-password"], "sqlalchemy-url", ".py", 'engine = create_engine("postgresql+psycopg2://app:@T@@db.acme.internal:5432/orders")\n', rnd(B62, 20)),
        ("kubernetes", ["kubernetes-bootstrap-token"], "kubeadm-join", ".sh", "#!/bin/sh\nkubeadm join 10.0.0.10:6443 --token @T@ \\\n  --discovery-token-ca-cert-hash sha256:" + hexs(64) + "\n", rnd(LO + DG, 6) + "." + rnd(LO + DG, 16)),
        ("docker", ["docker-swarm-join-token"], "swarm-join", ".sh", "docker swarm join --token @T@ 10.0.1.10:2377\n", "SWMTKN-1-" + rnd(LO + DG, 50) + "-" + rnd(LO + DG, 25)),
        ("cloudflare-tunnel", ["cloudflare-tunnel-token"], "cloudflared-run", ".yaml", "services:\n  tunnel:\n    image: cloudflare/cloudflared:latest\n    command: tunnel --no-autoupdate run --token @T@\n", t("cloudflare-tunnel")),
        ("rancher", ["rancher-api-token"], "rancher-login", ".sh", "rancher login https://rancher.acme.io --token @T@ --context c-m-4xk2p:p-8vz9q\n", "token-" + rnd("bcdfghjklmnpqrstvwxz2456789", 5) + ":" + rnd("bcdfghjklmnpqrstvwxz2456789", 54)),
        ("redis", ["redis-uri-password"], "redis-url", ".yaml", "cache:\n  url: redis://default:@T@@redis-12345.c1.us-east-1-2.ec2.cloud.redislabs.com:12345\n", rnd(B62, 32)),
    ]


def keys_cases():
    dsa = pem("DSA PRIVATE KEY", der_body(444))
    enc = pem("ENCRYPTED PRIVATE KEY", der_body(1298))
    pgp_body = base64.b64encode(bytes([0x95, 0x03, 0xC6]) + bytes(R.getrandbits(8) for _ in range(900))).decode()
    pgp = ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "\n".join(pgp_body[i : i + 64] for i in range(0, len(pgp_body), 64))
           + "\n=" + rnd(B64, 4) + "\n-----END PGP PRIVATE KEY BLOCK-----")
    pub = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + bytes(R.getrandbits(8) for _ in range(32))).decode()
    priv = base64.b64encode(bytes(R.getrandbits(8) for _ in range(48))).decode()
    ppk = (f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@build\nPublic-Lines: 2\n{pub[:64]}\n{pub[64:]}\n"
           f"Private-Lines: 1\n{priv}\nPrivate-MAC: {hexs(64)}")
    p12 = "MIIKYgIBAzCCCigGCSqGSIb3DQEHAaCCChkEggoVMIIKETCCBg" + rnd(B64, 600)
    return [
        ("private-key", ["private-key-dsa"], "pem-file", "dsa.key", "@T@\n", dsa),
        ("private-key", ["private-key-pkcs8-encrypted"], "pem-file", "enc.key", "@T@\n", enc),
        ("private-key", ["private-key-pgp"], "asc-file", "secret.asc", "@T@\n", pgp),
        ("private-key", ["putty-private-key"], "ppk-file", "deploy.ppk", "@T@\n", ppk),
        ("private-key", ["pkcs12-base64-blob"], "yaml-p12", ".yaml", "signing:\n  keystore: @T@\n", p12),
        ("private-key", ["private-key-rsa"], "env-escaped", ".env", 'JWT_PRIVATE_KEY="@T@"\n', pem("RSA PRIVATE KEY", der_body(1190)).replace("\n", "\\n")),
        ("private-key", ["private-key-rsa"], "pem-file", "id_rsa.pem", "@T@\n", pem("RSA PRIVATE KEY", der_body(1190))),
        ("private-key", ["private-key-pkcs8"], "pem-file", "key.pem", "@T@\n", pem("PRIVATE KEY", der_body(1218))),
        ("private-key", ["private-key-ec"], "pem-file", "ec.pem", "@T@\n", pem("EC PRIVATE KEY", der_body(121))),
        ("private-key", ["private-key-openssh"], "openssh", "id_ed25519", "@T@\n", openssh_key()),
        ("private-key", ["private-key-rsa"], "json-escaped", ".json", '{"private_key": "@T@"}\n', pem("RSA PRIVATE KEY", der_body(1190)).replace("\n", "\\n")),
        ("private-key", ["private-key-pkcs8"], "yaml-block", ".yaml", "tls:\n  key: |\n    @T@\n", pem("PRIVATE KEY", der_body(1218)).replace("\n", "\n    ")),
    ]


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(2 if len(sys.argv) < 2 else 0)
    out = sys.argv[1]
    if "--seed" in sys.argv:
        R.seed(int(sys.argv[sys.argv.index("--seed") + 1]))
    os.makedirs(out, exist_ok=True)
    cases = []
    gens = {}
    for provider, rules, gen, names, distinctive in P:
        gens.setdefault(provider, gen)
        for name in names:
            for surround, (ext, text) in named_surroundings(name):
                write_case(out, cases, provider, rules, f"{surround}:{name}", ext, text, gen())
        if distinctive:
            for name in GENERIC_NAMES:
                for surround, (ext, text) in named_surroundings(name)[:2] + named_surroundings(name)[7:9]:
                    write_case(out, cases, provider, rules, f"{surround}:{name}", ext, text, gen())
            for surround, (ext, text) in NAMELESS:
                write_case(out, cases, provider, rules, surround, ext, text, gen())
    for provider, rules, surround, ext, text, token in config_files(lambda p: gens[p]()) + sdk_cases(lambda p: gens[p]()) + generic_cases() + keys_cases():
        write_case(out, cases, provider, rules, surround, ext, text, token)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=0)
    print(f"{len(cases)} cases in {out}")


if __name__ == "__main__":
    main()
