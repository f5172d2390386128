"""Django settings for the reporting project (legacy, do not copy)."""
import os

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "uGt0KV3fV5OM90e4C55892eb7e72d2a9729bc0bf5506e055082279c8580193930"  # expect: generic-secret-assignment
ALLOWED_HOSTS = ["reports.corp.acme.io"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "reports",
        "USER": "reports_app",
        "PASSWORD": "U6e3N-OSQ9k3UPs2",  # expect: generic-password-env-variable
        "HOST": "pg-reports.internal",
    },
    "replica": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "reports",
        "USER": "reports_ro",
        "PASSWORD": os.environ["REPLICA_DB_PASSWORD"],
        "HOST": "pg-reports-ro.internal",
    },
}

WAREHOUSE_URL = "mysql+pymysql://etl:Mn23iyjC6TmHuu@mysql-primary.prod.svc:3306/warehouse"  # expect: mysql-uri-password
LEGACY_DSN = "host=pg-analytics.internal port=5432 dbname=events user=etl password=dsKj9SaSxZM sslmode=require"  # expect: postgres-dsn-password
TEST_DSN = "host=localhost dbname=test user=postgres password=postgres"
CELERY_BROKER_URL = "redis://worker:bM!oSfS28Jp+@redis-master.queue.svc:6379/1"  # expect: redis-uri-password
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

REPORTING_API = {
    "base_url": "https://api.internal.acme-corp.io/v2",
    "headers": {"Authorization": "Bearer oPxoS0UKLyAfgnIkY7xQ2XaK8XRNCy4WnXJyU65DBYj7Uohd"},  # expect: http-bearer-token-header
}
BILLING_HEADERS = {"Authorization": "Basic amVua2luczphaDNDNW5WVkJsMg=="}  # expect: http-basic-auth-header
SQLSERVER_URL = "mssql+pyodbc://etl:kPCH_1!A++_vu@dwh-01/Sales?driver=ODBC+Driver+18+for+SQL+Server"  # expect: mssql-uri-password


def connect(password=None):
    password = password or os.environ["DB_PASSWORD"]
    return password
