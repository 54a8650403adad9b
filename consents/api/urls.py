"""/api/v1/ routes of consents."""

from django.urls import path

from consents.api import views

urlpatterns = [
    path("pupils/<id:pupil_id>/consents/", views.PupilConsentListView.as_view(), name="api-pupil-consents"),
    path(
        "consents/<id:consent_id>/withdraw/",
        views.ConsentWithdrawView.as_view(),
        name="api-consent-withdraw",
    ),
]
