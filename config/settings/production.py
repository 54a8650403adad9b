"""Production: everything from base, tightened. Refuses to start when misconfigured."""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import (
    ALLOWED_HOSTS,
    DEBUG,
    MIDDLEWARE,
    REDIS_URL,
    SECRET_KEY,
    SESSION_COOKIE_AGE,
    WANJIA_NOTES_KEYS,
    WANJIA_PUBLIC_NOTES_KEYS,
    WANJIA_SMS_GATEWAY_URL,
)

WANJIA_ENVIRONMENT = "production"

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "Set SECRET_KEY (or SECRET_KEY_FILE) to a random value of at least 50 characters."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the comma-separated host names served.")

WANJIA_TRUST_X_FORWARDED_FOR = env_bool("WANJIA_TRUST_X_FORWARDED_FOR", True)
# Leaders, counsellors, inspectors and staff sign in with a second factor (docs/people.md).
WANJIA_MFA_REQUIRED = env_bool("WANJIA_MFA_REQUIRED", True)

if not WANJIA_NOTES_KEYS or set(WANJIA_NOTES_KEYS) & set(WANJIA_PUBLIC_NOTES_KEYS):
    raise ImproperlyConfigured(
        "Set WANJIA_NOTES_KEYS (or WANJIA_NOTES_KEYS_FILE) to your own Fernet key(s) for the "
        "confidential counselling notes: python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'"
    )
for _key in WANJIA_NOTES_KEYS:
    try:
        Fernet(_key.encode())
    except ValueError as _exc:
        raise ImproperlyConfigured("WANJIA_NOTES_KEYS holds a value that is not a Fernet key.") from _exc

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix: the browser takes these cookies only over HTTPS, for this exact host and
# path /, so a sibling subdomain can neither set nor read them (ASVS 3.3.3, docs/security.md).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# The cookie's lifetime; sessions end anyway at WANJIA_SESSION_IDLE_MINUTES / _MAX_HOURS.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", SESSION_COOKIE_AGE, minimum=60)

# WhiteNoise serves collected static files straight after the security middleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

# Text messages go to the gateway when one is configured; otherwise SMS is off (invitations and
# password resets by e-mail only). A development sender in production is a deploy-check warning.
WANJIA_SMS_BACKEND = env_str(
    "WANJIA_SMS_BACKEND", "core.sms.HttpGatewaySender" if WANJIA_SMS_GATEWAY_URL else ""
)

# Group robots (WeCom, DingTalk) a user chose in their notification settings are really called in
# production; the base settings' console sender only logs (docs/notifications.md).
WANJIA_WEBHOOK_BACKEND = env_str("WANJIA_WEBHOOK_BACKEND", "core.webhooks.HttpWebhookSender")
