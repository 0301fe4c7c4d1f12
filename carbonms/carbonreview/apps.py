from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarbonReviewConfig(AppConfig):
    name = "carbonms.carbonreview"
    label = "carbonreview"
    verbose_name = _("Carbon review and performance indicators")

    def ready(self):
        from django.urls import reverse

        from carbonms.demo import extensions
        from carbonms.web import nav

        nav.register("planning", nav.NavItem("carbon_review", _("Carbon review"), icon="book",
                                             url=lambda c: reverse("carbonreview:start")))
        nav.register("planning", nav.NavItem("indicators", _("Performance indicators"), icon="chart",
                                             url=lambda c: reverse("carbonreview:indicators_start")))
        # after the statements, targets, baselines, plans, ledger and claims of the other builders
        extensions.register("carbonreview", "carbonms.carbonreview.demo:build", order=900)
