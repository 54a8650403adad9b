"""Test settings: PostgreSQL by default (set DATABASE_URL=sqlite:// for the smoke run)."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wanjia")

from config.settings.base import *  # noqa: F403

WANJIA_ENVIRONMENT = "test"
DEBUG = False
SECRET_KEY = "test-secret-key-only-for-the-test-suite-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WANJIA_NOTES_KEYS = ["tPoUoulSrUb1H8hLOFrL2C-ix-Ci8ga_ymIB_CJzyvY="]
# Text messages are written as files (tests/conftest.py points WANJIA_SMS_DIR at a temporary directory).
WANJIA_SMS_BACKEND = "core.sms.FileSender"
# Whatever the environment says: tests that need the second factor required turn it on themselves.
WANJIA_MFA_REQUIRED = False
# Celery runs tasks in the process (notifications' deliveries, with their retries); the Redis test
# turns this off for its one real enqueue.
CELERY_TASK_ALWAYS_EAGER = True
# Webhooks go over real HTTP to the fake robot a test starts on the loopback address.
WANJIA_WEBHOOK_BACKEND = "core.webhooks.HttpWebhookSender"
WANJIA_WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
WANJIA_WEBHOOK_TIMEOUT = 5
