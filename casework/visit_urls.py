"""Home-visit pages (/visits/...)."""

from django.urls import path

from casework import visit_views as views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="visit_list"),
    path("new/", views.visit_create, name="visit_create"),
    path("<id:pk>/", views.visit_detail, name="visit_detail"),
    path("<id:pk>/appointment/", views.visit_appointment, name="visit_appointment"),
    path("<id:pk>/record/", views.visit_record, name="visit_record"),
    path("<id:pk>/gifts/", views.visit_gift_report, name="visit_gift_report"),
    path("<id:pk>/follow-up/", views.visit_follow_up, name="visit_follow_up"),
    path("<id:pk>/open-case/", views.visit_open_case, name="visit_open_case"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<id:pk>/", views.plan_detail, name="plan_detail"),
]
