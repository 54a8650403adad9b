"""Settings shared by every environment. Deployable values come from the environment."""

from __future__ import annotations

import re
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_db, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("WANJIA_VAR_DIR", str(BASE_DIR / "var")))

# Which settings module is in force; the demo command refuses to run in production.
WANJIA_ENVIRONMENT = "base"

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "viewflow.workflow",  # only its models and flow machinery; no templates (see docs/workflows.md)
    "core",
    "accounts",
    "schools",
    "casework",
    "workflows",
    "audit",
    "inspections",
    "opinions",
    "support",
    "reports",
    "audit_browser",
    "attachments",
    "care",
    "sixones",
    "evidence",
    "privacy",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ is the zero-setup default; a postgres:// DATABASE_URL switches to
# PostgreSQL through psycopg 3 with its connection pool.
DATABASES = {"default": env_db("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wanjia.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", True):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 2),
            "max_size": env_int("DATABASE_POOL_MAX", 10),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }
        # A pooled connection is returned to the pool after each request.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No anonymous user with object permissions: deny by default.
ANONYMOUS_USER_NAME = None

REST_FRAMEWORK = {
    # Token first, so that an unauthenticated API call answers 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.schema.ApiSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wanjia API",
    "DESCRIPTION": "Cases, plans, home visits and confidential notes of the 万师进万家 programme.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The docs page works offline: Swagger UI from our own static files, no CDN, no validator badge.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "CategoryEnum": "casework.models.Category",
        "CaseStateEnum": "casework.models.State",
        "InspectionStateEnum": "inspections.models.Inspection.State",
        "RectificationStateEnum": "inspections.models.Rectification.State",
        "OpinionStateEnum": "opinions.models.ParentOpinion.State",
        "OpinionAboutEnum": "opinions.models.ParentOpinion.About",
        "OpinionChannelEnum": "opinions.models.ParentOpinion.Channel",
        "ClosureOutcomeEnum": "casework.models.ClosureOutcome",
        "CampaignPhaseKindEnum": "schools.models.CampaignPhase.Kind",
        # The home visit's kind keeps the name it had while it was the only "kind" in the API.
        "KindEnum": "casework.models.HomeVisit.Kind",
        "AppointmentMethodEnum": "casework.models.HomeVisit.Method",
        "GiftOutcomeEnum": "casework.models.VisitGiftReport.Outcome",
        "ErrorCodeEnum": "core.api.ERROR_CODES",
    },
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the web root and are never served by URL directly.
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# No form of ours takes more than one file; a request carrying many is refused (400).
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# The first handler counts each uploaded file's bytes as they arrive and drops a file (the rest of
# it is read and discarded, never stored) once it passes WANJIA_UPLOAD_MAX_BYTES, whatever
# Content-Length claimed (docs/attachments.md).
FILE_UPLOAD_HANDLERS = [
    "attachments.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Attachments (photos and documents of cases and home visits) live here, outside every served
# root, and are only ever sent by a view that checks who may see the case (docs/attachments.md).
WANJIA_PRIVATE_MEDIA_ROOT = Path(env_str("WANJIA_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wanjia@localhost")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Only behind a proxy that sets X-Forwarded-For is that header the client's address.
WANJIA_TRUST_X_FORWARDED_FOR = env_bool("WANJIA_TRUST_X_FORWARDED_FOR", False)

# Keys for the confidential counselling notes (Fernet, comma-separated). The first encrypts;
# every key decrypts, so a new key goes first and old ones stay until `rotate_note_keys` has run.
WANJIA_NOTES_KEYS = env_list("WANJIA_NOTES_KEYS")
# Keys that ship with the repository for the demo and the tests; production refuses them.
WANJIA_PUBLIC_NOTES_KEYS = [
    "fifJe7-neJuiuZR6nplm1StLzkIFtumnqnFqfWbEp7k=",  # local demo
    "tPoUoulSrUb1H8hLOFrL2C-ix-Ci8ga_ymIB_CJzyvY=",  # tests
]

# Roster uploads larger than this are refused before parsing.
WANJIA_ROSTER_MAX_BYTES = env_int("WANJIA_ROSTER_MAX_BYTES", 5 * 1024 * 1024)
# The largest attachment accepted; and the largest file any upload may carry (the larger limit).
WANJIA_ATTACHMENT_MAX_BYTES = env_int("WANJIA_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
WANJIA_UPLOAD_MAX_BYTES = max(WANJIA_ATTACHMENT_MAX_BYTES, WANJIA_ROSTER_MAX_BYTES)
# Attempts at POST /api/v1/auth/token/ per client address ("<n>/second|minute|hour|day").
WANJIA_TOKEN_RATE = env_str("WANJIA_TOKEN_RATE", "10/minute")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", WANJIA_TOKEN_RATE):
    raise ImproperlyConfigured(f"WANJIA_TOKEN_RATE must look like 10/minute, not {WANJIA_TOKEN_RATE!r}.")

# Programme reports (docs/reports.md): after how many days work counts as overdue.
WANJIA_REPORT_APPROVAL_OVERDUE_DAYS = env_int("WANJIA_REPORT_APPROVAL_OVERDUE_DAYS", 7)
WANJIA_REPORT_VISIT_RECORD_OVERDUE_DAYS = env_int("WANJIA_REPORT_VISIT_RECORD_OVERDUE_DAYS", 3)
WANJIA_REPORT_PLAN_OVERDUE_DAYS = env_int("WANJIA_REPORT_PLAN_OVERDUE_DAYS", 14)
WANJIA_REPORT_REVIEW_OVERDUE_DAYS = env_int("WANJIA_REPORT_REVIEW_OVERDUE_DAYS", 14)
# The most rows one CSV or XLSX export of the audit trail may hold (docs/audit-browser.md).
WANJIA_AUDIT_EXPORT_MAX_ROWS = env_int("WANJIA_AUDIT_EXPORT_MAX_ROWS", 100_000)

# Retention of personal data (docs/retention.md; privacy.policy checks it at start-up): years after
# a case closed, or a pupil left the roll, before names and free text are replaced by a marker;
# days before logins, views and downloads lose their IP address and browser.
WANJIA_RETENTION = {
    "closed_case_years": env_int("WANJIA_RETENTION_CLOSED_CASE_YEARS", 3),
    "left_pupil_years": env_int("WANJIA_RETENTION_LEFT_PUPIL_YEARS", 3),
    "counselling_note_years": env_int("WANJIA_RETENTION_COUNSELLING_NOTE_YEARS", 3),
    "attachment_years": env_int("WANJIA_RETENTION_ATTACHMENT_YEARS", 3),
    "access_log_days": env_int("WANJIA_RETENTION_ACCESS_LOG_DAYS", 365),
}

# Deadlines and reminders (docs/workflows.md): "due soon" this many days ahead; escalation to the
# school's leaders once a task is overdue by more than this many days.
WANJIA_REMINDER_UPCOMING_DAYS = env_int("WANJIA_REMINDER_UPCOMING_DAYS", 7)
WANJIA_ESCALATE_AFTER_DAYS = env_int("WANJIA_ESCALATE_AFTER_DAYS", 7)

# Celery (config/celery.py, docs/configuration.md): Redis broker, beat schedule in local time.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Reminders every day at 07:00 and again at 13:00 (tasks opened in the morning); a run that
# finds nothing new sends nothing, so extra runs are harmless.
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "workflows.tasks.send_reminders",
        "schedule": crontab(minute=0, hour=env_str("WANJIA_REMINDERS_HOURS", "7,13")),
    },
    # The retention run (docs/retention.md) every night at 02:30, when nobody works on cases; a
    # run that finds nothing due changes nothing and records one event with zero counts.
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(minute=30, hour=2),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
