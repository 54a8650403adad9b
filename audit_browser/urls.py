"""Audit pages (/audit/...)."""

from django.urls import path

from audit_browser import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("cases/<id:pk>/", views.case_timeline, name="case_timeline"),
    path("pupils/<id:pk>/", views.pupil_access_log, name="pupil_access_log"),
]
