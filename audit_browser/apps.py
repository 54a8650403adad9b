from django.apps import AppConfig


class AuditBrowserConfig(AppConfig):
    """Reading the audit trail: the browser, a case's timeline, a pupil's access log, the exports,
    the audit API and the anchor command. No models; the trail itself is the `audit` app."""

    name = "audit_browser"
