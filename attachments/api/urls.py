"""/api/v1/ routes of attachments."""

from django.urls import path

from attachments.api import views

urlpatterns = [
    path(
        "cases/<int:case_id>/attachments/",
        views.CaseAttachmentListView.as_view(),
        name="api-case-attachment-list",
    ),
    path(
        "visits/<int:visit_id>/attachments/",
        views.VisitAttachmentListView.as_view(),
        name="api-visit-attachment-list",
    ),
    path(
        "consents/<int:consent_id>/attachments/",
        views.ConsentAttachmentListView.as_view(),
        name="api-consent-attachment-list",
    ),
    path(
        "attachments/<int:attachment_id>/",
        views.AttachmentDetailView.as_view(),
        name="api-attachment-detail",
    ),
    path(
        "attachments/<int:attachment_id>/download/",
        views.AttachmentDownloadView.as_view(),
        name="api-attachment-download",
    ),
]
