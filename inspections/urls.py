"""Inspection pages (/inspections/...)."""

from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("<int:pk>/submit/", views.inspection_submit, name="inspection_submit"),
    path(
        "<int:pk>/findings/<int:finding_id>/rectification/",
        views.rectification_open,
        name="rectification_open",
    ),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/answer/", views.rectification_answer, name="rectification_answer"),
    path("rectifications/<int:pk>/return/", views.rectification_return, name="rectification_return"),
    path("rectifications/<int:pk>/close/", views.rectification_close, name="rectification_close"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
]
