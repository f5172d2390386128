"""Near misses: ordinary Python that handles passwords, tokens and keys. No finding expected."""
from __future__ import annotations

import argparse
import base64
import ftplib
import os
import secrets
import smtplib
import urllib.request
from dataclasses import dataclass, field
from getpass import getpass
from typing import Optional

PASSWORD_MIN_LENGTH = 12
PRIVATE_KEY_PATH = "/etc/ssl/private/server.key"
PASSWORD_FIELD = "password"
TOKEN_ENDPOINT = "https://login.internal/oauth2/token"


@dataclass
class Credentials:
    username: str
    password: str = field(repr=False)
    api_key: Optional[str] = None
    token: Optional[str] = None


def load_credentials() -> Credentials:
    password = os.environ.get("DB_PASSWORD")
    if not password:
        password = getpass("Password: ")
    api_key = os.environ["API_KEY"]
    return Credentials(username=os.environ["DB_USER"], password=password, api_key=api_key)


def database_url(creds: Credentials, host: str, port: int = 5432, db: str = "app") -> str:
    return f"postgresql://{creds.username}:{creds.password}@{host}:{port}/{db}"


def masked(url: str) -> str:
    return "postgres://user:***@host/db" if "@" in url else url


def basic_auth(user: str, password: str) -> dict[str, str]:
    auth_header = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": auth_header}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_secret() -> str:
    secret = secrets.token_urlsafe(32)
    return secret


def send_mail(host: str, user: str, password: str) -> None:
    with smtplib.SMTP_SSL(host) as smtp:
        smtp.login(user, password)


def anonymous_ftp(host: str) -> None:
    with ftplib.FTP(host) as ftp:
        ftp.login(user="anonymous", passwd="")


def opener(uri: str, user: str, passwd: str) -> urllib.request.OpenerDirector:
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, uri, user, passwd)
    return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(mgr))


def load_key(data: bytes, password: Optional[bytes] = None):
    from cryptography.hazmat.primitives import serialization

    if data.startswith(b"-----BEGIN PRIVATE KEY-----") or b"-----BEGIN RSA PRIVATE KEY-----" in data:
        private_key = serialization.load_pem_private_key(data, password=password)
        return private_key
    raise ValueError("not a private key")


def exchange(response) -> tuple[str, str]:
    access_token = response.json()["access_token"]
    refresh_token = response.json().get("refresh_token", "")
    return access_token, refresh_token


def validate(password: str) -> None:
    """Check a new password.

    :param password: the password to validate; never logged.
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValueError("Password must be at least %d characters" % PASSWORD_MIN_LENGTH)
    if password == PASSWORD_FIELD:
        raise ValueError("password must not be 'password'")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    p.add_argument("--password", help="database password (default: $PGPASSWORD)")
    p.add_argument("--api-key", dest="api_key", default=os.environ.get("API_KEY"))
    return p


REDACTED = {"password": "********", "api_key": "<redacted>", "token": None}
FORM = {"username": "", "password": ""}
MESSAGES = {
    "password_mismatch": "The two password fields didn't match.",
    "password_too_short": "This password is too short.",
}
