"""Consent pages (/consents/...)."""

from django.urls import path

from consents import views

app_name = "consents"

urlpatterns = [
    path("pupils/<id:pk>/", views.pupil_consents, name="pupil_consents"),
    path("pupils/<id:pk>/new/", views.consent_record, name="consent_record"),
    path("<id:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
