"""Task pages (/workflows/...)."""

from django.urls import path

from workflows import views

app_name = "workflows"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("reassign/", views.reassign, name="reassign"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/claim/", views.task_claim, name="task_claim"),
    path("tasks/<int:pk>/transitions/<slug:name>/", views.task_complete, name="task_complete"),
]
