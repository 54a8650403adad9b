"""Inspection pages (/inspections/...)."""

from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("<id:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<id:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("<id:pk>/findings/", views.finding_add, name="finding_add"),
    path("<id:pk>/submit/", views.inspection_submit, name="inspection_submit"),
    path(
        "<id:pk>/findings/<id:finding_id>/rectification/",
        views.rectification_open,
        name="rectification_open",
    ),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<id:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<id:pk>/answer/", views.rectification_answer, name="rectification_answer"),
    path("rectifications/<id:pk>/return/", views.rectification_return, name="rectification_return"),
    path("rectifications/<id:pk>/close/", views.rectification_close, name="rectification_close"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_issue, name="notice_issue"),
    path("notices/<id:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<id:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
]
