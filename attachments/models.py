"""A photo or document attached to a case, to a home visit, or to a guardian's consent (the scan of
the signed form); see docs/attachments.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attachments.storage import private_storage, random_name


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def present(self) -> AttachmentQuerySet:
        """Not removed, and not erased under the retention policy."""
        return self.filter(removed_at__isnull=True, erased_at__isnull=True)


class Attachment(models.Model):
    class ContentType(models.TextChoices):
        JPEG = "image/jpeg", _("JPEG photo")
        PNG = "image/png", _("PNG image")
        WEBP = "image/webp", _("WebP image")
        PDF = "application/pdf", _("PDF document")
        DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _("Word document")
        XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _("Excel workbook")

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="attachments", verbose_name=_("school")
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("case"),
    )
    visit = models.ForeignKey(
        "casework.HomeVisit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("home visit"),
    )
    # The scan of a signed consent form (docs/consent.md).
    consent = models.ForeignKey(
        "consents.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("consent"),
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=random_name, max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100, choices=ContentType.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # Set by the retention run, which deletes the stored bytes and replaces the file name and the
    # caption by a marker; the row (type, size, date) stays for counts (docs/retention.md).
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(
                fields=["case", "uploaded_at"],
                condition=Q(removed_at__isnull=True),
                name="attachment_case_live",
            ),
            models.Index(
                fields=["visit", "uploaded_at"],
                condition=Q(removed_at__isnull=True),
                name="attachment_visit_live",
            ),
            models.Index(
                fields=["consent", "uploaded_at"],
                condition=Q(removed_at__isnull=True),
                name="attachment_consent_live",
            ),
            models.Index(fields=["school", "uploaded_at"], name="attachment_school"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, visit__isnull=True, consent__isnull=True)
                | Q(case__isnull=True, visit__isnull=False, consent__isnull=True)
                | Q(case__isnull=True, visit__isnull=True, consent__isnull=False),
                name="attachment_one_parent",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True)
                | Q(removed_at__isnull=False, removed_by__isnull=False),
                name="attachment_removed_by_and_at",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
