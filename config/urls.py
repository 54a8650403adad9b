from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

# Our 500 page in the user's language with a way back (core/views.py); the 400, 403 and 404
# pages are Django's own handlers rendering our templates (templates/4xx.html).
handler500 = "core.views.server_error"

admin.site.site_header = "万家 Wanjia"
admin.site.site_title = "万家 Wanjia"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    # The portal's pages keep their paths under accounts/ and schools/ (/accounts/home/,
    # /schools/pupils/<pk>/); none of them is a path of accounts.urls or schools.urls.
    path("", include("portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/2fa/", include("mfa.urls")),
    path("accounts/", include("accounts.urls")),
    path("schools/", include("schools.urls")),
    path("cases/", include("casework.urls")),
    path("visits/", include("casework.visit_urls")),
    path("inspections/", include("inspections.urls")),
    path("opinions/", include("opinions.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit_browser.urls")),
    path("support/", include("support.urls")),
    path("attachments/", include("attachments.urls")),
    path("drafts/", include("drafts.urls")),
    path("consents/", include("consents.urls")),
    path("care/", include("care.urls")),
    path("sixones/", include("sixones.urls")),
    path("evidence/", include("evidence.urls")),
    path("privacy/", include("privacy.urls")),
    path("workflows/", include("workflows.urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:  # pragma: no cover - static files in the local demo only
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
