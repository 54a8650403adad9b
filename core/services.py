"""Helpers for services that change a model instance and record what changed."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model


def jsonable(value: Any) -> Any:
    """A field value as an audit event's detail stores it: dates and times as ISO 8601 text."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def model_update(
    instance: Model, data: Mapping[str, Any], *, clean_exclude: Collection[str] = ()
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the fields of ``data`` whose value differs, validate, and save those fields alone (and
    ``updated_at`` if the model has one). Returns their old and new values, ``jsonable``, for the
    audit event; saves nothing when nothing differs. On a ValidationError the instance keeps the new
    values: call it inside the transaction that the error rolls back."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name, value in data.items():
        current = getattr(instance, name)
        if current != value:
            old[name], new[name] = jsonable(current), jsonable(value)
            setattr(instance, name, value)
    if new:
        instance.full_clean(exclude=list(clean_exclude))
        instance.save(update_fields=[*new, *(["updated_at"] if _has_field(instance, "updated_at") else [])])
    return old, new


def _has_field(instance: Model, name: str) -> bool:
    try:
        instance._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True
