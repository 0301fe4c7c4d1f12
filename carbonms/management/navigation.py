from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.web import nav


def register_items() -> None:
    nav.register("management", nav.NavItem("ms_home", _("Management system"), icon="book",
                                           url=lambda c: reverse("management:start")))
