"""/api/v1/cases/... routes."""

from django.urls import path

from casework.api import views

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="api-case-list"),
    path("cases/<int:case_id>/", views.CaseDetailView.as_view(), name="api-case-detail"),
    path(
        "cases/<int:case_id>/transitions/<str:name>/",
        views.CaseTransitionView.as_view(),
        name="api-case-transition",
    ),
    path("cases/<int:case_id>/plans/", views.PlanListView.as_view(), name="api-plan-list"),
    path("cases/<int:case_id>/visits/", views.VisitListView.as_view(), name="api-visit-list"),
    path(
        "cases/<int:case_id>/visits/<int:visit_id>/", views.VisitDetailView.as_view(), name="api-visit-detail"
    ),
    path("cases/<int:case_id>/notes/", views.NoteListView.as_view(), name="api-note-list"),
]
