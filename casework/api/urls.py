"""/api/v1/cases/... routes."""

from django.urls import path

from casework.api import views, visit_views

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
    # Break-glass: emergency, read-only access to the notes (docs/break-glass.md).
    path(
        "cases/<int:case_id>/notes/break-glass/",
        views.BreakGlassOpenView.as_view(),
        name="api-note-break-glass",
    ),
    path("break-glass/", views.BreakGlassListView.as_view(), name="api-break-glass-list"),
    path(
        "break-glass/<int:access_id>/review/",
        views.BreakGlassReviewView.as_view(),
        name="api-break-glass-review",
    ),
    # Home visits, with or without a case (docs/home-visits.md).
    path("visits/", visit_views.VisitListView.as_view(), name="api-visits"),
    path("visits/<int:visit_id>/", visit_views.VisitDetailView.as_view(), name="api-visit"),
    path(
        "visits/<int:visit_id>/appointment/",
        visit_views.VisitAppointmentView.as_view(),
        name="api-visit-appointment",
    ),
    path("visits/<int:visit_id>/record/", visit_views.VisitRecordView.as_view(), name="api-visit-record"),
    path(
        "visits/<int:visit_id>/follow-up/",
        visit_views.VisitFollowUpView.as_view(),
        name="api-visit-follow-up",
    ),
    path(
        "visits/<int:visit_id>/open-case/",
        visit_views.VisitOpenCaseView.as_view(),
        name="api-visit-open-case",
    ),
    path(
        "visits/<int:visit_id>/gift-reports/",
        visit_views.VisitGiftReportView.as_view(),
        name="api-visit-gift-reports",
    ),
    path("visit-plans/", visit_views.VisitPlanListView.as_view(), name="api-visit-plans"),
    path("visit-plans/<int:plan_id>/", visit_views.VisitPlanDetailView.as_view(), name="api-visit-plan"),
    path(
        "visit-plans/<int:plan_id>/assignments/",
        visit_views.VisitPlanAssignView.as_view(),
        name="api-visit-plan-assign",
    ),
]
