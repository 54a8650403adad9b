"""System checks of the kernel's settings: the SMS sender."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from core.sms import DEVELOPMENT_SENDERS


@register()
def sms_sender_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    backend = str(settings.WANJIA_SMS_BACKEND)
    if not backend:
        return []
    try:
        import_string(backend)
    except ImportError:
        return [Error(f"WANJIA_SMS_BACKEND={backend!r} cannot be imported.", id="core.E001")]
    if backend == "core.sms.HttpGatewaySender" and not str(settings.WANJIA_SMS_GATEWAY_URL).startswith(
        ("https://", "http://")
    ):
        return [
            Error(
                "WANJIA_SMS_BACKEND is the HTTP gateway, but WANJIA_SMS_GATEWAY_URL is not an "
                "http:// or https:// address.",
                id="core.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def sms_sender_for_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A deployment must not log or file away the reset codes it means to text to people."""
    backend = str(settings.WANJIA_SMS_BACKEND)
    if backend in DEVELOPMENT_SENDERS:
        return [
            Warning(
                f"WANJIA_SMS_BACKEND is {backend}, a development sender: text messages (invitation "
                "and password-reset codes) are logged or written to files instead of being sent.",
                hint="Set WANJIA_SMS_GATEWAY_URL (and WANJIA_SMS_GATEWAY_TOKEN), or leave "
                "WANJIA_SMS_BACKEND empty to turn SMS off.",
                id="core.W001",
            )
        ]
    return []
