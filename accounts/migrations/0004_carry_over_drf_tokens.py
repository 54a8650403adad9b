"""Carry the API tokens of Django REST framework's authtoken app (keys stored in clear) over to
ApiToken (only their sha256 stored), so that clients already signed in keep working; then drop
authtoken's table, so that no key stays readable in the database, and forget its migrations.

Raw SQL because the authtoken app is no longer installed: its model cannot be loaded. Safe to
re-run: without the table there is nothing to do. Not reversible: the keys are gone by design.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

TABLE = "authtoken_token"


def _aware(value, default):
    """A raw cursor gives SQLite's timestamps as text, PostgreSQL's as aware datetimes."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return default
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


def carry_over_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    # A fresh period from today: the old keys had no expiry at all.
    expires_at = now + datetime.timedelta(days=getattr(settings, "WANJIA_TOKEN_DAYS", 30))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id, created FROM {TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        ApiToken.objects.get_or_create(
            digest=hashlib.sha256(key.encode()).hexdigest(),
            defaults={
                "user_id": user_id,
                "name": "",
                "prefix": key[:8],
                "created_at": min(_aware(created, now), now),
                "expires_at": expires_at,
            },
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_api_token"),
    ]

    operations = [
        migrations.RunPython(carry_over_drf_tokens, migrations.RunPython.noop, elidable=True),
    ]
