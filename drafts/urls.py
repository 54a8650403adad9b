"""Drafts (/drafts/<key>/)."""

from django.urls import path

from drafts import views

app_name = "drafts"

urlpatterns = [
    path("<slug:key>/", views.draft, name="draft"),
]
