"""The embedded demo on one machine: SQLite under var/, DEBUG on, console e-mail."""

from config.env import env_bool, env_list, env_str
from config.settings.base import *  # noqa: F403

WANJIA_ENVIRONMENT = "local"
DEBUG = env_bool("DEBUG", True)
# Only for the local demo; production refuses any key like this one.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-local-demo-key-not-for-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# Only for the local demo; production refuses this key.
WANJIA_NOTES_KEYS = env_list("WANJIA_NOTES_KEYS", ["fifJe7-neJuiuZR6nplm1StLzkIFtumnqnFqfWbEp7k="])
# A robot webhook may point at a fake robot on this machine while developing.
WANJIA_WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1", "localhost"]
