"""Attachment pages (/attachments/...)."""

from django.urls import path

from attachments import views

app_name = "attachments"

urlpatterns = [
    path("cases/<int:case_id>/new/", views.case_upload, name="case_upload"),
    path("visits/<int:visit_id>/new/", views.visit_upload, name="visit_upload"),
    path("consents/<int:consent_id>/new/", views.consent_upload, name="consent_upload"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/remove/", views.remove, name="remove"),
]
