"""Support on cases and pupils beyond the ledger (docs/care.md): tutoring sessions on academic
cases (学习困难帮扶), counselling sessions on psychological cases (心理健康帮扶, their content in the
confidential notes), and the individual archive of a special-group pupil (特殊群体独立档案)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_MINUTES = 600
MAX_SCORE = 150  # the highest full mark of a Chinese school test (语数外 in senior middle school)


class Subject(models.TextChoices):
    CHINESE = "chinese", _("Chinese")
    MATHS = "maths", _("mathematics")
    ENGLISH = "english", _("English")
    PHYSICS = "physics", _("physics")
    CHEMISTRY = "chemistry", _("chemistry")
    BIOLOGY = "biology", _("biology")
    HISTORY = "history", _("history")
    GEOGRAPHY = "geography", _("geography")
    MORALITY = "morality", _("morality and law")
    SCIENCE = "science", _("science")
    STUDY_SKILLS = "study_skills", _("study habits and methods")
    OTHER = "other", _("other")


class Level(models.IntegerChoices):
    """The tutor's judgement of how well the pupil masters the session's topic."""

    POOR = 1, _("1 – not yet")
    WEAK = 2, _("2 – weak")
    FAIR = 3, _("3 – partly")
    GOOD = 4, _("4 – mostly")
    EXCELLENT = 5, _("5 – fully")


class TutoringSession(models.Model):
    """One tutoring session (辅导) on an academic case; never edited, only added."""

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="tutoring_sessions", verbose_name=_("case")
    )
    held_on = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    content = models.TextField(_("what was taught"))
    outcome = models.TextField(_("outcome"), blank=True)
    level = models.PositiveSmallIntegerField(_("mastery (1–5)"), choices=Level.choices, null=True, blank=True)
    score = models.DecimalField(
        _("test score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Optional: the mark of a short test, out of at most 150."),
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("tutor")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tutoring session")
        verbose_name_plural = _("tutoring sessions")
        ordering = ["case", "held_on", "id"]
        indexes = [models.Index(fields=["case", "held_on"], name="tutoring_case_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_MINUTES),
                name="tutoring_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5), name="tutoring_level_range"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=MAX_SCORE),
                name="tutoring_score_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Tutoring session %(id)s") % {"id": self.pk})


class Attendance(models.TextChoices):
    ATTENDED = "attended", _("attended")
    MISSED = "missed", _("missed")


class CounsellingSession(models.Model):
    """That a counselling session (心理辅导) took place, and when the next one is.

    What was said lives only in the linked confidential note (encrypted, read by the counsellors
    granted on the case); this row holds nothing the class teacher may not see.
    """

    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.CASCADE,
        related_name="counselling_sessions",
        verbose_name=_("case"),
    )
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    attendance = models.CharField(_("attendance"), max_length=16, choices=Attendance.choices)
    next_session_on = models.DateField(_("next session"), null=True, blank=True)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("counsellor")
    )
    note = models.OneToOneField(
        "casework.CounsellingNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="session",
        verbose_name=_("confidential note"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")
        ordering = ["case", "held_on", "id"]
        indexes = [models.Index(fields=["case", "held_on"], name="counselling_case_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | Q(duration_minutes__gte=1, duration_minutes__lte=MAX_MINUTES),
                name="counselling_duration_range",
            ),
            # A session that took place has its duration and its note; a missed one has no duration.
            models.CheckConstraint(
                condition=Q(attendance="attended", duration_minutes__isnull=False, note__isnull=False)
                | Q(attendance="missed", duration_minutes__isnull=True),
                name="counselling_attended_has_note",
            ),
            models.CheckConstraint(
                condition=Q(next_session_on__isnull=True) | Q(next_session_on__gte=models.F("held_on")),
                name="counselling_next_after_held",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Counselling session %(id)s") % {"id": self.pk})


class SpecialGroupArchive(models.Model):
    """The individual archive (独立档案) of a left-behind, single-parent or migrant workers' child.

    One per pupil, whether or not the pupil has a case; the record below is kept current, the
    yearly entries (``ArchiveEntry``) keep the history.
    """

    GROUP_FIELDS = ("left_behind", "single_parent", "migrant_child")

    pupil = models.OneToOneField(
        "schools.Pupil", on_delete=models.PROTECT, related_name="care_archive", verbose_name=_("pupil")
    )
    # The pupil's school, kept here for the school-wide lists and the inspectors' filter.
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    left_behind = models.BooleanField(_("left-behind child"), default=False)
    single_parent = models.BooleanField(_("single-parent family"), default=False)
    migrant_child = models.BooleanField(_("migrant workers' child"), default=False)
    family = models.TextField(_("family situation"))
    guardianship = models.TextField(_("guardians and who looks after the pupil"), blank=True)
    parents_work = models.TextField(_("where the parents work"), blank=True)
    contact = models.TextField(_("how to reach the family"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("special-group archive")
        verbose_name_plural = _("special-group archives")
        ordering = ["school", "pupil"]
        indexes = [models.Index(fields=["school", "-updated_at"], name="archive_school_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_behind=True) | Q(single_parent=True) | Q(migrant_child=True),
                name="archive_in_a_group",
            )
        ]

    def __str__(self) -> str:
        return str(_("Archive of %(pupil)s") % {"pupil": self.pupil_id})

    @property
    def groups(self) -> list[str]:
        from schools.models import special_group_label

        # The roster's labels for the same markers (留守儿童, ...): the field names are shared.
        return [special_group_label(name) for name in self.GROUP_FIELDS if getattr(self, name)]


class ArchiveEntry(models.Model):
    """One campaign year (活动年度) of an archive: what was recorded, the analysis, the support."""

    archive = models.ForeignKey(
        SpecialGroupArchive, on_delete=models.CASCADE, related_name="entries", verbose_name=_("archive")
    )
    year = models.PositiveSmallIntegerField(_("campaign year"))
    record = models.TextField(_("what was recorded this year"))
    analysis = models.TextField(_("analysis"), blank=True)
    support = models.TextField(_("support given and its effect"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("archive entry")
        verbose_name_plural = _("archive entries")
        ordering = ["archive", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "year"], name="archive_entry_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="archive_entry_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.archive_id} · {self.year}"
