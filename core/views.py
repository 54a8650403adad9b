"""The kernel's one view: the 500 page (``handler500`` in config/urls.py).

Django's own renders 500.html with no context at all; ours adds the two ways back (the home page
and, when the user came from a page of this site, that page) and falls back to plain text when
even the template cannot be rendered (a broken static manifest, say), so that a failure while
failing never shows Django's bare English page nor a traceback.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

from core.http import referer_path


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    home = "/"
    back = ""
    try:
        home = reverse("portal:home")
        back = referer_path(request)
        body = loader.get_template(template_name).render({"home": home, "back": back})
    except Exception:
        body = "{}\n{}".format(_("Something went wrong"), home)
        return HttpResponseServerError(body, content_type="text/plain; charset=utf-8")
    return HttpResponseServerError(body)
