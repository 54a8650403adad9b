"""Changes made in the Django admin are audited like any other write.

Every ModelAdmin of the project derives from ``AuditedModelAdmin`` (or mixes in
``AuditedAdminMixin``); the admins that third-party apps register (groups, API tokens) are
re-registered below with the mixin. Each add, change and delete writes ``admin.add``,
``admin.change`` or ``admin.delete`` in the admin's own transaction, with old and new values of
the changed fields. Values of secret fields (passwords, tokens, keys) are masked.

AuditEvent and AuditChainHead are deliberately not in the admin: the trail is append-only (the
database refuses changes anyway) and read through its own tools, and listing it would show login
attempts and case activity to every staff user with a view permission.

A person's own records (their user, their API token) go to the chain of their school. Memberships
live above the trail, so the schools admin tells this module how to find it
(``register_person_school``); until it has, such changes go to the bureau chain.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import User
from audit.services import AuditContext, audit_record

MASK = "********"
SECRET_WORDS = ("password", "secret", "token", "key")

PersonSchool = Callable[[User | None], int | None]


def _no_school(user: User | None) -> int | None:
    return None


_person_school: PersonSchool = _no_school


def register_person_school(lookup: PersonSchool) -> None:
    """Say how to find the school whose chain holds a person's own records (schools/admin.py does)."""
    global _person_school
    _person_school = lookup


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime) and timezone.is_aware(o):
            o = o.astimezone(datetime.UTC)  # one rendering, whatever zone the form used
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=_Encoder))


def _is_secret(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_WORDS)


def _model_field(obj: models.Model, name: str) -> models.Field | None:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) and field.concrete else None


def _values(obj: models.Model, names: list[str], form: ModelForm | None = None) -> dict[str, Any]:
    """Current values of these model fields (m2m: sorted ids), secrets masked."""
    values: dict[str, Any] = {}
    for name in names:
        field = _model_field(obj, name)
        if field is None:
            continue
        if _is_secret(name):
            values[name] = MASK
        elif field.many_to_many:
            if form is not None and name in form.cleaned_data:
                related = form.cleaned_data[name] or []
            else:
                related = getattr(obj, name).all() if obj.pk is not None else []
            values[name] = sorted(item.pk for item in related)
        else:
            values[name] = _jsonable(field.value_from_object(obj))
    return values


def _stored(obj: models.Model, names: list[str]) -> dict[str, Any]:
    """The values as they are in the database, before this request changes them."""
    if obj.pk is None:
        return {}
    original = type(obj)._default_manager.filter(pk=obj.pk).first()
    return _values(original, names) if original is not None else {}


def _where(obj: models.Model) -> tuple[int | None, int | None]:
    """(case id, school id) of an object, following case/pupil links where there are some."""
    label = obj._meta.label_lower
    case_id = obj.pk if label == "casework.case" else getattr(obj, "case_id", None)
    school_id = obj.pk if label == "schools.school" else getattr(obj, "school_id", None)
    for link in ("case", "pupil"):
        if school_id is None and _model_field(obj, link) is not None:
            related = getattr(obj, link, None)
            school_id = getattr(related, "school_id", None)
    if school_id is None and isinstance(obj, User):
        school_id = _person_school(obj)
    elif school_id is None and _model_field(obj, "user") is not None:  # e.g. an API token
        school_id = _person_school(getattr(obj, "user", None))
    return case_id, school_id


class AuditedAdminMixin:
    """Record admin.add / admin.change / admin.delete for the model and its inlines."""

    def _audit(self, request: HttpRequest, action: str, obj: models.Model, detail: dict[str, Any]) -> None:
        assert isinstance(request.user, User)
        case_id, school_id = _where(obj)
        target: models.Model | None = obj
        if _is_secret(obj._meta.pk.name):  # e.g. an API token, whose primary key is the secret
            target = None
        audit_record(
            action=action,
            actor=request.user,
            target=target,
            case_id=case_id,
            school_id=school_id,
            detail={"model": obj._meta.label_lower, **_jsonable(detail)},
            context=AuditContext.from_request(request),
        )

    def _pending(self, request: HttpRequest) -> dict[int, dict[str, Any]]:
        pending: dict[int, dict[str, Any]] = request.__dict__.setdefault("_audit_admin_pending", {})
        return pending

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool) -> None:
        names = list(form.changed_data) if change else list(form.fields)
        old = _stored(obj, names) if change else {}
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        new = _values(obj, names, form)
        if change:
            # A form may call a field changed when its value is not (a time shown to the second).
            changed = [name for name in new if old.get(name) != new[name]]
            old = {name: old.get(name) for name in changed}
            new = {name: new[name] for name in changed}
        self._pending(request)[id(obj)] = {"old": old, "new": new} if change else {"new": new}

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        self._audit(request, "admin.add", obj, self._pending(request).pop(id(obj), {}))
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        # Without a save_model (the password form), only the admin's message: field names, no values.
        detail = self._pending(request).pop(id(obj), None) or {"message": message}
        self._audit(request, "admin.change", obj, detail)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)  # type: ignore[misc]
        for obj in queryset:
            self._audit(request, "admin.delete", obj, {"repr": str(obj)[:200]})
        return entries

    def response_action(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        # Actions (delete_selected) log and then act: one transaction, so the record and the act
        # stand or fall together.
        with transaction.atomic():
            return super().response_action(request, queryset)  # type: ignore[misc]

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        deleted = {id(f.instance) for f in formset.deleted_forms}
        old = {
            id(f.instance): _stored(f.instance, list(f.changed_data))
            for f in formset.initial_forms
            if f.instance.pk is not None and id(f.instance) not in deleted and f.has_changed()
        }
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                self._audit(
                    request, "admin.delete", inline_form.instance, {"repr": str(inline_form.instance)[:200]}
                )
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        forms_of = {id(f.instance): f for f in formset.forms}
        for obj in formset.new_objects:
            inline_form = forms_of.get(id(obj))
            names = list(inline_form.fields) if inline_form is not None else []
            self._audit(request, "admin.add", obj, {"new": _values(obj, names, inline_form)})
        for obj, changed in formset.changed_objects:
            before = old.get(id(obj), {})
            after = _values(obj, list(changed), forms_of.get(id(obj)))
            names = [name for name in after if before.get(name) != after[name]]
            detail = {"old": {n: before.get(n) for n in names}, "new": {n: after[n] for n in names}}
            self._audit(request, "admin.change", obj, detail)


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The base of every ModelAdmin in the project."""


def _audit_third_party_admins(site: admin.AdminSite) -> None:
    """Re-register what other apps registered (auth groups, API tokens) with the audit mixin."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        audited = type(
            f"Audited{type(model_admin).__name__}",
            (AuditedAdminMixin, type(model_admin)),
            {"__module__": __name__},
        )
        site.unregister(model)
        site.register(model, audited)


# Third-party apps come before ours in INSTALLED_APPS, so their admins (auth groups, API tokens,
# viewflow's) have registered by the time the first of our admin modules imports this one.
_audit_third_party_admins(admin.site)


class ReadOnlyAuditedModelAdmin(AuditedModelAdmin):
    """For records that change only through their services (which audit every step): the admin
    shows them and changes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
