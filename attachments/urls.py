"""Attachment pages (/attachments/...)."""

from django.urls import path

from attachments import views

app_name = "attachments"

urlpatterns = [
    path("cases/<id:case_id>/new/", views.case_upload, name="case_upload"),
    path("visits/<id:visit_id>/new/", views.visit_upload, name="visit_upload"),
    path("consents/<id:consent_id>/new/", views.consent_upload, name="consent_upload"),
    path("<id:pk>/download/", views.download, name="download"),
    path("<id:pk>/remove/", views.remove, name="remove"),
]
