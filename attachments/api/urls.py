"""/api/v1/ routes of attachments."""

from django.urls import path

from attachments.api import views

urlpatterns = [
    path(
        "cases/<id:case_id>/attachments/",
        views.CaseAttachmentListView.as_view(),
        name="api-case-attachment-list",
    ),
    path(
        "visits/<id:visit_id>/attachments/",
        views.VisitAttachmentListView.as_view(),
        name="api-visit-attachment-list",
    ),
    path(
        "consents/<id:consent_id>/attachments/",
        views.ConsentAttachmentListView.as_view(),
        name="api-consent-attachment-list",
    ),
    path(
        "attachments/<id:attachment_id>/",
        views.AttachmentDetailView.as_view(),
        name="api-attachment-detail",
    ),
    path(
        "attachments/<id:attachment_id>/download/",
        views.AttachmentDownloadView.as_view(),
        name="api-attachment-download",
    ),
]
