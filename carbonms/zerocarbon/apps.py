from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZeroCarbonConfig(AppConfig):
    name = "carbonms.zerocarbon"
    label = "zerocarbon"
    verbose_name = _("Zero-carbon energy plan and technology list")

    def ready(self):
        from django.urls import reverse

        from carbonms.conformity import reminders
        from carbonms.demo import extensions
        from carbonms.web import nav

        nav.register("planning", nav.NavItem(
            "zero_carbon", _("Zero-carbon energy plan"), icon="chart",
            url=lambda c: reverse("zerocarbon:park", args=[c["home_park"].pk]) if c.get("home_park") else None,
            visible=lambda c: c.get("is_park_staff", False),
        ))
        nav.register("planning", nav.NavItem(
            "technologies", _("Technology positive list"), icon="book",
            url=lambda c: reverse("zerocarbon:technologies", args=[c["home_park"].pk]) if c.get("home_park") else None,
        ))
        reminders.register_items(_evaluation_reminders)
        extensions.register("zerocarbon", "carbonms.zerocarbon.demo:build", order=60)


def _evaluation_reminders(limit):
    """Listed technologies whose periodic evaluation (T/CSES 6.3.4) is due by ``limit``: a task for the responsible."""
    from django.utils.translation import gettext

    from carbonms.conformity.models import Task

    from .models import Technology

    for t in Technology.objects.filter(retired_on__isnull=True, evaluation_due_on__lte=limit, owner__isnull=False):
        yield (t.owner, Task.Kind.REVIEW, f"technology:{t.pk}:{t.evaluation_due_on}", gettext("Evaluate the listed technology: %(t)s") % {"t": t},
               t.get_absolute_url(), t.evaluation_due_on, t.park_id, None)
