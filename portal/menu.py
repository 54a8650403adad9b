"""The portal's entry of the main menu, and the phone's tab bar of each role (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.menu import Audience, MenuEntry, Tab, TabBar, register, register_tab_bar, roles
from schools.models import BureauMembership, Membership

register(MenuEntry(key="home", url_name="portal:home", label=_("Home"), order=10, attribute=""))

HOME = Tab("home", pgettext_lazy("tab", "Home"))
TASKS = Tab("tasks", pgettext_lazy("tab", "To do"))
CASES = Tab("cases", pgettext_lazy("tab", "Cases"))
VISITS = Tab("visits", pgettext_lazy("tab", "Visits"))
NOTIFICATIONS = Tab("notifications", pgettext_lazy("tab", "Notices"))

# The first bar whose audience the user belongs to is theirs: the bureau's inspectors first, then
# the school's leaders, its administrators and custodians, then every teacher.
register_tab_bar(
    TabBar(
        audience=roles(BureauMembership.Role.INSPECTOR),
        tabs=(
            HOME,
            Tab("inspections", pgettext_lazy("tab", "Inspect")),
            Tab("reports", pgettext_lazy("tab", "Reports")),
            NOTIFICATIONS,
        ),
        order=10,
    )
)
register_tab_bar(
    TabBar(
        audience=roles(Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL),
        tabs=(HOME, TASKS, CASES, NOTIFICATIONS),
        order=20,
    )
)
register_tab_bar(
    TabBar(
        audience=roles(Membership.Role.SCHOOL_ADMIN),
        tabs=(
            HOME,
            Tab("staff", pgettext_lazy("tab", "Staff")),
            Tab("calendar", pgettext_lazy("tab", "Calendar")),
            NOTIFICATIONS,
        ),
        order=30,
    )
)
register_tab_bar(
    TabBar(
        audience=roles(Membership.Role.CUSTODIAN),
        tabs=(HOME, Tab("support", pgettext_lazy("tab", "Ledger")), TASKS, NOTIFICATIONS),
        order=40,
    )
)
register_tab_bar(TabBar(audience=Audience.STAFF, tabs=(HOME, TASKS, CASES, VISITS, NOTIFICATIONS), order=50))
register_tab_bar(TabBar(audience=Audience.EVERYONE, tabs=(HOME, TASKS, NOTIFICATIONS), order=90))
