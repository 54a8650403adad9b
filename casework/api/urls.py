"""/api/v1/cases/... routes."""

from django.urls import path

from casework.api import views, visit_views

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="api-case-list"),
    path("cases/<id:case_id>/", views.CaseDetailView.as_view(), name="api-case-detail"),
    path(
        "cases/<id:case_id>/transitions/<str:name>/",
        views.CaseTransitionView.as_view(),
        name="api-case-transition",
    ),
    path("cases/<id:case_id>/plans/", views.PlanListView.as_view(), name="api-plan-list"),
    path("cases/<id:case_id>/visits/", views.VisitListView.as_view(), name="api-visit-list"),
    path(
        "cases/<id:case_id>/visits/<id:visit_id>/", views.VisitDetailView.as_view(), name="api-visit-detail"
    ),
    path("cases/<audited_id:case_id>/notes/", views.NoteListView.as_view(), name="api-note-list"),
    # Break-glass: emergency, read-only access to the notes (docs/break-glass.md).
    path(
        "cases/<id:case_id>/notes/break-glass/",
        views.BreakGlassOpenView.as_view(),
        name="api-note-break-glass",
    ),
    path("break-glass/", views.BreakGlassListView.as_view(), name="api-break-glass-list"),
    path(
        "break-glass/<id:access_id>/review/",
        views.BreakGlassReviewView.as_view(),
        name="api-break-glass-review",
    ),
    # Home visits, with or without a case (docs/home-visits.md).
    path("visits/", visit_views.VisitListView.as_view(), name="api-visits"),
    path("visits/<id:visit_id>/", visit_views.VisitDetailView.as_view(), name="api-visit"),
    path(
        "visits/<id:visit_id>/appointment/",
        visit_views.VisitAppointmentView.as_view(),
        name="api-visit-appointment",
    ),
    path("visits/<id:visit_id>/record/", visit_views.VisitRecordView.as_view(), name="api-visit-record"),
    path(
        "visits/<id:visit_id>/follow-up/",
        visit_views.VisitFollowUpView.as_view(),
        name="api-visit-follow-up",
    ),
    path(
        "visits/<id:visit_id>/open-case/",
        visit_views.VisitOpenCaseView.as_view(),
        name="api-visit-open-case",
    ),
    path(
        "visits/<id:visit_id>/gift-reports/",
        visit_views.VisitGiftReportView.as_view(),
        name="api-visit-gift-reports",
    ),
    path("visit-plans/", visit_views.VisitPlanListView.as_view(), name="api-visit-plans"),
    path("visit-plans/<id:plan_id>/", visit_views.VisitPlanDetailView.as_view(), name="api-visit-plan"),
    path(
        "visit-plans/<id:plan_id>/assignments/",
        visit_views.VisitPlanAssignView.as_view(),
        name="api-visit-plan-assign",
    ),
]
