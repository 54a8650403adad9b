"""/api/v1/opinions/ routes, and raising one from a home visit."""

from django.urls import path

from opinions.api import views

urlpatterns = [
    path("opinions/", views.OpinionListView.as_view(), name="api-opinion-list"),
    path("visits/<id:visit_id>/opinions/", views.VisitOpinionView.as_view(), name="api-visit-opinion"),
    path(
        "opinions/<id:opinion_id>/transitions/<slug:name>/",
        views.OpinionTransitionView.as_view(),
        name="api-opinion-transition",
    ),
]
