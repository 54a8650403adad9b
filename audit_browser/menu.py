"""The audit browser's entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from audit_browser.selectors import AUDIT_READERS
from core.menu import MenuEntry, register, roles

register(
    MenuEntry(
        key="audit",
        url_name="audit:event_list",
        label=_("Audit trail"),
        order=120,
        audience=roles(AUDIT_READERS),
        attribute="data-audit",
    )
)
