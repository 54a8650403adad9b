"""The organisation: bureau → schools → classes, its staff and its pupils."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


class Bureau(models.Model):
    """An education bureau (教育局): the top of the organisation, and the inspectors' scope."""

    name = models.CharField(_("name"), max_length=128)
    code = models.CharField(_("code"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("education bureau")
        verbose_name_plural = _("education bureaus")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class Stage(models.TextChoices):
        PRIMARY = "primary", _("primary school")
        JUNIOR = "junior", _("junior middle school")
        SENIOR = "senior", _("senior middle school")
        NINE_YEAR = "nine_year", _("nine-year school")
        COMPLETE = "complete", _("complete middle school")

    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="schools", verbose_name=_("education bureau")
    )
    name = models.CharField(_("name"), max_length=128)
    code = models.CharField(
        _("school code"), max_length=32, unique=True, help_text=_("Used by roster imports.")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.PRIMARY)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AcademicYear(models.Model):
    """A school year (学年), e.g. 2026-2027, from September to the next summer."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="academic_year_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("The year must end after it starts.")})

    @classmethod
    def name_for(cls, day: datetime.date) -> str:
        start = day.year if day.month >= 9 else day.year - 1
        return f"{start}-{start + 1}"


class Term(models.Model):
    class Number(models.IntegerChoices):
        FIRST = 1, _("first term")
        SECOND = 2, _("second term")

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.CASCADE, related_name="terms", verbose_name=_("academic year")
    )
    number = models.PositiveSmallIntegerField(_("term"), choices=Number.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["academic_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "number"], name="term_unique_per_year"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.academic_year} {self.get_number_display()}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("The term must end after it starts.")})


class Grade(models.IntegerChoices):
    GRADE_1 = 1, _("Grade 1")
    GRADE_2 = 2, _("Grade 2")
    GRADE_3 = 3, _("Grade 3")
    GRADE_4 = 4, _("Grade 4")
    GRADE_5 = 5, _("Grade 5")
    GRADE_6 = 6, _("Grade 6")
    GRADE_7 = 7, _("Grade 7")
    GRADE_8 = 8, _("Grade 8")
    GRADE_9 = 9, _("Grade 9")
    GRADE_10 = 10, _("Senior grade 1")
    GRADE_11 = 11, _("Senior grade 2")
    GRADE_12 = 12, _("Senior grade 3")


class Classroom(models.Model):
    """A class (班级) of one school in one academic year. Its class teacher is the 班主任."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="classrooms", verbose_name=_("school")
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="classrooms", verbose_name=_("academic year")
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    number = models.PositiveSmallIntegerField(_("class number"))
    class_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="classrooms_led",
        verbose_name=_("class teacher"),
    )

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school", "-academic_year__starts_on", "grade", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "grade", "number"], name="classroom_unique_in_year"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="classroom_number_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return str(
            _("%(grade)s (%(number)s) class") % {"grade": self.get_grade_display(), "number": self.number}
        )

    def clean(self) -> None:
        if self.class_teacher_id and self.school_id:
            is_member = Membership.objects.filter(
                user_id=self.class_teacher_id, school_id=self.school_id, is_active=True
            ).exists()
            if not is_member:
                raise ValidationError(
                    {"class_teacher": _("The class teacher must be a member of staff of this school.")}
                )


class Membership(models.Model):
    """A member of staff's role at a school. A class teacher is a teacher who leads a class."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("teacher")
        COUNSELLOR = "counsellor", _("psychological counsellor")
        PRINCIPAL = "principal", _("principal")
        VICE_PRINCIPAL = "vice_principal", _("vice principal")
        SCHOOL_ADMIN = "school_admin", _("school administrator")
        CUSTODIAN = "custodian", _("donation custodian")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("school")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    # Set when the membership ends through workflows.staff.staff_leave (docs/people.md).
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        ordering = ["school", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["school", "role"], name="membership_school_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.school} · {self.get_role_display()}"


class BureauMembership(models.Model):
    """A role at the bureau: inspectors (督导检查组) read every school of their bureau."""

    class Role(models.TextChoices):
        INSPECTOR = "inspector", _("inspector")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bureau_memberships",
        verbose_name=_("user"),
    )
    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("education bureau")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.INSPECTOR)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bureau membership")
        verbose_name_plural = _("bureau memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "bureau", "role"], name="bureau_membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.bureau} · {self.get_role_display()}"


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Pupil(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="pupils", verbose_name=_("school")
    )
    student_number = models.CharField(
        _("student number"), max_length=32, help_text=_("学籍号 or 学号; unique within the school.")
    )
    name = models.CharField(_("name"), max_length=64)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.PROTECT,
        related_name="pupils",
        null=True,
        blank=True,
        verbose_name=_("class"),
    )
    home_address = models.CharField(_("home address"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    left_behind = models.BooleanField(_("left-behind child"), default=False)
    single_parent = models.BooleanField(_("single-parent family"), default=False)
    migrant_child = models.BooleanField(_("migrant workers' child"), default=False)
    registered_poor = models.BooleanField(_("registered poor household"), default=False)
    is_active = models.BooleanField(_("on roll"), default=True)
    # The day the pupil left the roll (set by save() when is_active turns off, cleared when it
    # turns on again): the retention period of their records runs from here (docs/retention.md).
    left_roll_on = models.DateField(_("left the roll on"), null=True, blank=True)
    # Set by the retention run once names, contacts and free text were replaced by a marker.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    SPECIAL_GROUP_FIELDS = ("left_behind", "single_parent", "migrant_child", "registered_poor")

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["school", "classroom", "student_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "student_number"], name="pupil_number_unique_in_school"
            ),
        ]
        indexes = [
            models.Index(fields=["classroom", "name"], name="pupil_classroom_name"),
            models.Index(fields=["school", "name"], name="pupil_school_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.student_number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every way off the roll (the admin, an import, a service) passes here, and bulk updates
        # of is_active are not used: the day is recorded without each writer having to know.
        if self.is_active:
            self.left_roll_on = None
        elif self.left_roll_on is None:
            self.left_roll_on = timezone.localdate()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "is_active" in update_fields and "left_roll_on" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "left_roll_on"]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.classroom is not None and self.school_id and self.classroom.school_id != self.school_id:
            raise ValidationError({"classroom": _("The class belongs to another school.")})
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The birth date lies in the future.")})

    @property
    def special_groups(self) -> list[str]:
        return [str(special_group_label(name)) for name in self.SPECIAL_GROUP_FIELDS if getattr(self, name)]


class Guardian(models.Model):
    class Relation(models.TextChoices):
        FATHER = "father", _("father")
        MOTHER = "mother", _("mother")
        GRANDFATHER = "grandfather", _("grandfather")
        GRANDMOTHER = "grandmother", _("grandmother")
        MATERNAL_GRANDFATHER = "maternal_grandfather", _("maternal grandfather")
        MATERNAL_GRANDMOTHER = "maternal_grandmother", _("maternal grandmother")
        SIBLING = "sibling", _("brother or sister")
        RELATIVE = "relative", _("other relative")
        OTHER = "other", _("other")

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("pupil")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=64)
    relation = models.CharField(_("relation to the pupil"), max_length=32, choices=Relation.choices)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    lives_with_pupil = models.BooleanField(_("lives with the pupil"), default=True)
    works_away = models.BooleanField(_("works away from home"), default=False)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["pupil", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "position"], name="guardian_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"


def special_group_label(field_name: str) -> str:
    """The translated name of a special-group marker on the pupil (留守儿童, ...)."""
    field = Pupil._meta.get_field(field_name)
    assert isinstance(field, models.BooleanField)
    return str(field.verbose_name)


class Campaign(models.Model):
    """One year of the programme (活动年度) for one bureau: the calendar its phases hang on."""

    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("education bureau")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=128)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("campaign year")
        verbose_name_plural = _("campaign years")
        ordering = ["bureau", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "year"], name="campaign_unique_per_bureau_year"),
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="campaign_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": _("The end date lies before the start date.")})


class CampaignPhase(models.Model):
    """A phase of a campaign year, e.g. the winter-holiday home visits from 1 January to the end of February."""

    class Kind(models.TextChoices):
        WINTER_VISITS = "winter_visits", _("winter-holiday home visits")
        PLANS = "plans", _("support plans drawn up and carried out")
        FOLLOW_UP = "follow_up", _("summer follow-up visits")
        CONTINUED_SUPPORT = "continued_support", _("continued support, reflection and summaries")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="phases", verbose_name=_("campaign year")
    )
    kind = models.CharField(_("phase"), max_length=32, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("campaign phase")
        verbose_name_plural = _("campaign phases")
        ordering = ["campaign", "starts_on", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="campaign_phase_unique_kind"),
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="campaign_phase_starts_before_end"
            ),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="campaign_phase_dates")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_kind_display()}"

    @property
    def span(self) -> str:
        """The phase's dates without the year, e.g. 1月1日—2月28日."""
        day = pgettext("month and day of a calendar phase (Django date format)", "F j")
        return _("%(start)s – %(end)s") % {
            "start": date_format(self.starts_on, day),
            "end": date_format(self.ends_on, day),
        }

    def clean(self) -> None:
        if not (self.starts_on and self.ends_on):
            return
        if self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": _("The end date lies before the start date.")})
        if not self.campaign_id:
            return
        campaign = self.campaign
        if self.starts_on < campaign.starts_on or self.ends_on > campaign.ends_on:
            raise ValidationError(
                _("The phase must lie within the campaign year (%(start)s to %(end)s).")
                % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
            )
        overlapping = (
            CampaignPhase.objects.filter(
                campaign_id=self.campaign_id, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
            )
            .exclude(pk=self.pk)
            .order_by("starts_on")
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                _("The phase overlaps “%(phase)s” (%(start)s to %(end)s).")
                % {
                    "phase": overlapping.get_kind_display(),
                    "start": overlapping.starts_on.isoformat(),
                    "end": overlapping.ends_on.isoformat(),
                }
            )
