"""Privacy pages (/privacy/...)."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention_policy_page, name="retention_policy"),
]
