"""/api/v1/ routes of the care app."""

from django.urls import path

from care.api import views

urlpatterns = [
    path(
        "cases/<int:case_id>/tutoring-sessions/",
        views.TutoringSessionListView.as_view(),
        name="api-tutoring-session-list",
    ),
    path(
        "cases/<int:case_id>/counselling-sessions/",
        views.CounsellingSessionListView.as_view(),
        name="api-counselling-session-list",
    ),
    path("pupils/<int:pupil_id>/archive/", views.ArchiveView.as_view(), name="api-pupil-archive"),
    path(
        "pupils/<int:pupil_id>/archive/entries/<int:year>/",
        views.ArchiveEntryView.as_view(),
        name="api-pupil-archive-entry",
    ),
]
