"""/api/v1/opinions/ routes."""

from django.urls import path

from opinions.api import views

urlpatterns = [
    path("opinions/", views.OpinionListView.as_view(), name="api-opinion-list"),
    path(
        "opinions/<int:opinion_id>/transitions/<slug:name>/",
        views.OpinionTransitionView.as_view(),
        name="api-opinion-transition",
    ),
]
