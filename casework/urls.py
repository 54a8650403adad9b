"""Case pages (/cases/...)."""

from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_open, name="case_open"),
    path("<id:pk>/", views.case_detail, name="case_detail"),
    path("<id:pk>/transitions/<slug:name>/", views.case_transition, name="case_transition"),
    path("<id:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("<id:pk>/approval/", views.plan_approval, name="plan_approval"),
    path("<id:pk>/visits/new/", views.visit_schedule, name="visit_schedule"),
    path("<id:pk>/visits/<id:visit_id>/record/", views.visit_record, name="visit_record"),
    path("<audited_id:pk>/notes/", views.case_notes, name="case_notes"),
    path("<id:pk>/notes/break-glass/", views.break_glass_open, name="break_glass_open"),
    path("break-glass/", views.break_glass_list, name="break_glass_list"),
    path("break-glass/<id:access_id>/review/", views.break_glass_review, name="break_glass_review"),
    path("<id:pk>/counsellors/grant/", views.counsellor_grant, name="counsellor_grant"),
    path("<id:pk>/counsellors/revoke/", views.counsellor_revoke, name="counsellor_revoke"),
]
