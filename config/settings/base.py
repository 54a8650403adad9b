"""Settings shared by every environment. Deployable values come from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Two-factor sign-in (mfa): authenticator apps (TOTP) and recovery codes (static tokens).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "viewflow.workflow",  # only its models and flow machinery; no templates (see docs/workflows.md)
    # Its zh_Hans catalogue translates the password-strength messages (AUTH_PASSWORD_VALIDATORS).
    "django_zxcvbn_password_validator",
    "axes",  # failed sign-ins counted in the database, lockout (docs/people.md)
    "core",
    "accounts",
    "schools",
    "consents",
    "mfa",
    "casework",
    "workflows",
    "audit",
    "inspections",
    "opinions",
    "support",
    "reports",
    "audit_browser",
    "attachments",
    "drafts",
    "care",
    "sixones",
    "evidence",
    "privacy",
    "portal",
]

# Production inserts WhiteNoise second (config/settings/production.py): static files are answered
# before the two below, so they keep their long-lived caching and carry no policy.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Cache-Control: no-store on every answer to a signed-in request and under /api/.
    "core.middleware.NoStoreMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed its second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    # A session that still owes its second factor reaches only the code or enrolment page.
    "mfa.middleware.MfaGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication, so that its 400 page knows who is signed in.
    "core.middleware.RejectNulMiddleware",
    "core.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    # First: refuses every attempt on a locked-out account or address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No anonymous user with object permissions: deny by default.
ANONYMOUS_USER_NAME = None

REST_FRAMEWORK = {
    # Token first, so that an unauthenticated API call answers 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        # Django's session, refused (403 mfa_required) while it still owes its second factor.
        "mfa.authentication.MfaSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.schema.ApiSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # DRF's three, with a JSON parser that refuses what would end in a 500 (deep nesting, NUL).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
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
    # The schema and its docs page are for signed-in users (a session or a token): they map every
    # endpoint about pupils, and an anonymous caller has no use for that map.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # <id:...> and <audited_id:...> (core.converters) are integer path parameters, as <int:...> was.
    "PATH_CONVERTER_OVERRIDES": {"id": int, "audited_id": int},
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
        "StaffRoleEnum": "schools.models.Membership.Role",
        "InvitationChannelEnum": "schools.staff_api.CHANNELS",
    },
}

LOGIN_URL = "accounts:login"
# Two-factor sign-in (docs/people.md): when on, counsellors, principals, vice principals, school
# administrators, inspectors and Django staff must sign in with an authenticator app as well.
# Anyone who has set one up needs it either way. Production turns it on.
WANJIA_MFA_REQUIRED = env_bool("WANJIA_MFA_REQUIRED", False)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Wanjia"
# The Django admin never shows an authenticator's secret or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # zxcvbn: ships frequency lists of common and breached passwords, words and names, and says how
    # to do better (docs/people.md, "Password rules").
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn's score (0-4) a new password needs: 3 = "cannot be guessed without our database".
PASSWORD_MINIMAL_STRENGTH = env_int("WANJIA_PASSWORD_MIN_STRENGTH", 3)
if not 0 <= PASSWORD_MINIMAL_STRENGTH <= 4:
    raise ImproperlyConfigured("WANJIA_PASSWORD_MIN_STRENGTH must be 0, 1, 2, 3 or 4.")
# Words a password must not lean on: the product's and the programme's names.
PASSWORD_EXTRA_DICTIONARY = ["wanjia", "万家", "万师进万家"]

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

# Joining and passwords (docs/people.md). The address people reach Wanjia at, for the links in
# invitations and reset messages; empty: the address of the request that made them.
WANJIA_SITE_URL = env_str("WANJIA_SITE_URL", "").rstrip("/")
# An invitation (link and code) stays valid this many days; this many wrong codes revoke it.
WANJIA_INVITATION_DAYS = env_int("WANJIA_INVITATION_DAYS", 7)
WANJIA_INVITATION_MAX_ATTEMPTS = env_int("WANJIA_INVITATION_MAX_ATTEMPTS", 5)
# Text messages (core/sms.py): the sender class; empty turns SMS off. ConsoleSender logs them,
# FileSender writes them to WANJIA_SMS_DIR, HttpGatewaySender posts them to the gateway.
WANJIA_SMS_BACKEND = env_str("WANJIA_SMS_BACKEND", "core.sms.ConsoleSender")
WANJIA_SMS_DIR = Path(env_str("WANJIA_SMS_DIR", str(VAR_DIR / "sms")))
WANJIA_SMS_GATEWAY_URL = env_str("WANJIA_SMS_GATEWAY_URL", "")
WANJIA_SMS_GATEWAY_TOKEN = env_str("WANJIA_SMS_GATEWAY_TOKEN", "")
WANJIA_SMS_GATEWAY_TIMEOUT = env_int("WANJIA_SMS_GATEWAY_TIMEOUT", 10)
# A password-reset code sent by SMS: valid this many minutes, this many wrong tries, and at most
# this many codes per person per hour.
WANJIA_SMS_CODE_MINUTES = env_int("WANJIA_SMS_CODE_MINUTES", 10)
WANJIA_SMS_CODE_MAX_ATTEMPTS = env_int("WANJIA_SMS_CODE_MAX_ATTEMPTS", 5)
WANJIA_SMS_CODES_PER_HOUR = env_int("WANJIA_SMS_CODES_PER_HOUR", 3)

# No inline script anywhere, no inline style, nothing from another origin (docs/security.md,
# "In transit and in the browser"). Our pages carry no <script>; the admin's scripts and the API
# docs' Swagger UI are static files of ours (its start-up script is a second request).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # blob: the thumbnails of photos just uploaded, drawn from the file in the browser.
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Only behind a proxy that sets X-Forwarded-For is that header the client's address: for the audit
# trail and the sign-in lockout alike (core.http.client_ip).
WANJIA_TRUST_X_FORWARDED_FOR = env_bool("WANJIA_TRUST_X_FORWARDED_FOR", False)

# Signing in (docs/people.md, "Signing in and tokens").
# API tokens: valid this many days; at most this many live ones per person (the least recently
# used goes when a new one would exceed it).
WANJIA_TOKEN_DAYS = env_int("WANJIA_TOKEN_DAYS", 30, minimum=1)
WANJIA_TOKEN_MAX_PER_USER = env_int("WANJIA_TOKEN_MAX_PER_USER", 10, minimum=1)
# Failed sign-ins (web login, admin login, token endpoint) within the lockout period lock the
# account after this many, the client address after that many (a school's staff share one
# public address, so it takes more); counted in the database, so across all app servers.
WANJIA_LOGIN_FAILURE_LIMIT = env_int("WANJIA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
WANJIA_LOGIN_LOCKOUT_MINUTES = env_int("WANJIA_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Sessions end after this many minutes without a request, and this many hours after signing in
# (accounts.middleware.SessionTimeoutMiddleware).
WANJIA_SESSION_IDLE_MINUTES = env_int("WANJIA_SESSION_IDLE_MINUTES", 30, minimum=1)
WANJIA_SESSION_MAX_HOURS = env_int("WANJIA_SESSION_MAX_HOURS", 12, minimum=1)
# The stored session and its cookie need not outlive the absolute timeout.
SESSION_COOKIE_AGE = WANJIA_SESSION_MAX_HOURS * 60 * 60

# django-axes, from the values above (see axes/conf.py for every setting it reads).
AXES_HANDLER = "accounts.lockout.LockoutHandler"  # the database handler, with a per-address limit
AXES_FAILURE_LIMIT = WANJIA_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=WANJIA_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks, each on its own
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"  # the audit trail's address, so one notion of it
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"  # our translated page, 429
AXES_RESET_ON_SUCCESS = True  # a correct password clears that account's failures (LockoutHandler)
# Attempts while locked out do not extend the lockout: it ends WANJIA_LOGIN_LOCKOUT_MINUTES after
# the failure that caused it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Logins are in the audit trail already; axes need not keep a second log of who signed in.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no start-up banner in every manage.py command

# Keys for the confidential counselling notes (Fernet, comma-separated). The first encrypts;
# every key decrypts, so a new key goes first and old ones stay until `rotate_note_keys` has run.
WANJIA_NOTES_KEYS = env_list("WANJIA_NOTES_KEYS")
# Keys that ship with the repository for the demo and the tests; production refuses them.
WANJIA_PUBLIC_NOTES_KEYS = [
    "fifJe7-neJuiuZR6nplm1StLzkIFtumnqnFqfWbEp7k=",  # local demo
    "tPoUoulSrUb1H8hLOFrL2C-ix-Ci8ga_ymIB_CJzyvY=",  # tests
]
# Break-glass (docs/break-glass.md): how long a leader's or inspector's emergency access to a
# case's confidential notes lasts, in minutes (1 to 1440).
WANJIA_BREAK_GLASS_MINUTES = env_int("WANJIA_BREAK_GLASS_MINUTES", 60)
if not 1 <= WANJIA_BREAK_GLASS_MINUTES <= 24 * 60:
    raise ImproperlyConfigured("WANJIA_BREAK_GLASS_MINUTES must be between 1 and 1440.")

# Roster uploads larger than this are refused before parsing.
WANJIA_ROSTER_MAX_BYTES = env_int("WANJIA_ROSTER_MAX_BYTES", 5 * 1024 * 1024)
# The largest attachment accepted; and the largest file any upload may carry (the larger limit).
WANJIA_ATTACHMENT_MAX_BYTES = env_int("WANJIA_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Drafts of long forms kept on the server (docs/frontend.md): their largest size, and how many
# days an untouched draft is kept before the retention run deletes it.
WANJIA_DRAFT_MAX_BYTES = env_int("WANJIA_DRAFT_MAX_BYTES", 128 * 1024)
WANJIA_DRAFT_DAYS = env_int("WANJIA_DRAFT_DAYS", 30)
# At most this many drafts a person keeps on the server (each up to WANJIA_DRAFT_MAX_BYTES).
WANJIA_DRAFTS_PER_USER = env_int("WANJIA_DRAFTS_PER_USER", 50)
WANJIA_UPLOAD_MAX_BYTES = max(WANJIA_ATTACHMENT_MAX_BYTES, WANJIA_ROSTER_MAX_BYTES)
# No longer read: the sign-in lockout above replaced the token endpoint's rate. A value still set
# is reported by `manage.py check` (accounts.W001).
WANJIA_TOKEN_RATE = env_str("WANJIA_TOKEN_RATE", "")

# Whether a counselling session needs the guardians' consent to counselling (docs/consent.md).
# Off by default: whether counselling at school needs parental consent is for local rules to say.
WANJIA_COUNSELLING_CONSENT_REQUIRED = env_bool("WANJIA_COUNSELLING_CONSENT_REQUIRED", False)

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

# Notifications (docs/notifications.md): the group-robot webhook sender (core/webhooks.py), the
# robot services accepted (https only), plain-http hosts allowed (development and tests only).
WANJIA_WEBHOOK_BACKEND = env_str("WANJIA_WEBHOOK_BACKEND", "core.webhooks.ConsoleWebhookSender")
WANJIA_WEBHOOK_DIR = Path(env_str("WANJIA_WEBHOOK_DIR", str(VAR_DIR / "webhooks")))
WANJIA_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
WANJIA_WEBHOOK_ALLOW_HTTP_HOSTS: list[str] = []
WANJIA_WEBHOOK_TIMEOUT = env_int("WANJIA_WEBHOOK_TIMEOUT", 10)
# A rectification is announced as due this many days before its deadline.
WANJIA_RECTIFICATION_DUE_DAYS = env_int("WANJIA_RECTIFICATION_DUE_DAYS", 3)

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
    # Rectifications due soon or overdue (inspections.tasks), told to the school's leaders once.
    "rectification-reminders": {
        "task": "inspections.tasks.rectification_reminders",
        "schedule": crontab(minute=15, hour=7),
    },
    # The daily digest of unread notifications for those who chose it (docs/notifications.md).
    "notification-digest": {
        "task": "workflows.tasks.send_notification_digests",
        "schedule": crontab(minute=0, hour=env_str("WANJIA_DIGEST_HOUR", "17")),
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
    # django-axes logs every sign-in at INFO; failures and lockouts (WARNING) are enough.
    "loggers": {"axes": {"level": "WARNING"}},
}
