from django.urls import path

from workflows.api import views

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="api-task-list"),
    path("tasks/<id:task_id>/claim/", views.TaskClaimView.as_view(), name="api-task-claim"),
    path("tasks/<id:task_id>/complete/", views.TaskCompleteView.as_view(), name="api-task-complete"),
    path("staff/<id:user_id>/leave/", views.StaffLeaveView.as_view(), name="api-staff-leave"),
]
