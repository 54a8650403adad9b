"""/api/v1/ routes of the care app."""

from django.urls import path

from care.api import views

urlpatterns = [
    path(
        "cases/<id:case_id>/tutoring-sessions/",
        views.TutoringSessionListView.as_view(),
        name="api-tutoring-session-list",
    ),
    path(
        "cases/<audited_id:case_id>/counselling-sessions/",
        views.CounsellingSessionListView.as_view(),
        name="api-counselling-session-list",
    ),
    path("pupils/<id:pupil_id>/archive/", views.ArchiveView.as_view(), name="api-pupil-archive"),
    path(
        "pupils/<id:pupil_id>/archive/entries/<id:year>/",
        views.ArchiveEntryView.as_view(),
        name="api-pupil-archive-entry",
    ),
]
