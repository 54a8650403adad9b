from django.urls import path

from workflows.api import notifications, views

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="api-task-list"),
    path("tasks/<id:task_id>/claim/", views.TaskClaimView.as_view(), name="api-task-claim"),
    path("tasks/<id:task_id>/complete/", views.TaskCompleteView.as_view(), name="api-task-complete"),
    path("staff/<id:user_id>/leave/", views.StaffLeaveView.as_view(), name="api-staff-leave"),
    path("notifications/", notifications.NotificationListView.as_view(), name="api-notification-list"),
    path(
        "notifications/preferences/",
        notifications.NotificationPreferenceView.as_view(),
        name="api-notification-preferences",
    ),
    path(
        "notifications/<id:notification_id>/read/",
        notifications.NotificationReadView.as_view(),
        name="api-notification-read",
    ),
]
