"""Task pages (/workflows/...)."""

from django.urls import path

from workflows import views

app_name = "workflows"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<id:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/<id:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("reassign/", views.reassign, name="reassign"),
    path("leaving/", views.leaving, name="leaving"),
    path("leaving/<id:school_id>/<id:user_id>/", views.staff_leave, name="staff_leave"),
    path("tasks/<id:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<id:pk>/claim/", views.task_claim, name="task_claim"),
    path("tasks/<id:pk>/transitions/<slug:name>/", views.task_complete, name="task_complete"),
]
