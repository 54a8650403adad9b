"""The draft endpoint (/drafts/<key>/), for the pages' script (static/js/wanjia.js): the signed-in
person's own draft of a form, in JSON. GET reads it, POST keeps it, DELETE forgets it. Session
authentication and CSRF as for any page (the script sends the form's token in X-CSRFToken)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import Invalid, NotFound
from core.http import AuthenticatedHttpRequest
from drafts import services
from drafts.keys import valid_key
from drafts.models import Draft
from drafts.selectors import draft_get_for_user


def _json(draft: Draft) -> dict[str, object]:
    return {"key": draft.key, "data": draft.data, "updated_at": draft.updated_at.isoformat()}


def _error(message: str, status: int, errors: dict[str, list[str]] | None = None) -> JsonResponse:
    return JsonResponse({"detail": message, "errors": errors or {}}, status=status)


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
def draft(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    if not valid_key(key):
        return _error(_("No draft."), 404)
    if request.method == "DELETE":
        services.draft_discard(user=request.user, key=key)
        return HttpResponse(status=204)
    if request.method == "GET":
        try:
            return JsonResponse(_json(draft_get_for_user(user=request.user, key=key)))
        except NotFound as exc:
            return _error(str(exc.message), 404)
    # The cap is on the body as sent, before it is parsed.
    if len(request.body) > services.max_bytes() + 1024:
        return _error(services.too_large_message(), 413)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(_("Send the draft as JSON."), 400)
    if not isinstance(body, dict) or "data" not in body:
        return _error(_("Send the draft as JSON."), 400)
    try:
        saved = services.draft_save(user=request.user, key=key, data=body["data"])
    except Invalid as exc:
        status = 413 if exc.message == services.too_large_message() else 400
        return _error(str(exc.message), status, {k: [str(m) for m in v] for k, v in exc.errors.items()})
    return JsonResponse(_json(saved))
