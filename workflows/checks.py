"""A system check: the workflow must listen to the case, or transitions would leave tasks behind.

``manage.py check`` (and so ``make test``) fails if a ``casework.signals`` signal lacks its
``workflows.receivers`` receiver (docs/decisions/0003-case-events.md).
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.dispatch import Signal

from workflows.receivers import RECEIVERS


def _connected(signal: Signal, dispatch_uid: str) -> bool:
    # Signal.receivers holds ((dispatch_uid or receiver id, sender id), receiver, is_async).
    return any(key[0] == dispatch_uid for key, *_rest in signal.receivers)


@register()
def case_signals_have_workflow_receivers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(
            f"The workflow receiver {receiver.__name__} (dispatch_uid {uid!r}) is not connected to "
            "casework's signal; cases would change state without their tasks following.",
            hint="Connect it in WorkflowsConfig.ready() through workflows.receivers.connect().",
            id="workflows.E001",
        )
        for signal, receiver, uid in RECEIVERS
        if not _connected(signal, uid)
    ]
