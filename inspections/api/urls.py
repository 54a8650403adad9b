"""/api/v1/inspections/ and /api/v1/rectifications/ routes."""

from django.urls import path

from inspections.api import views

urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="api-inspection-list"),
    path(
        "inspections/<id:inspection_id>/", views.InspectionDetailView.as_view(), name="api-inspection-detail"
    ),
    path("rectifications/", views.RectificationListView.as_view(), name="api-rectification-list"),
    path(
        "rectifications/<id:rectification_id>/answer/",
        views.RectificationAnswerView.as_view(),
        name="api-rectification-answer",
    ),
]
