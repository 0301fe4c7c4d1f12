"""Pages of ETS compliance, the offset project pipeline and carbon-neutrality claims (issue 13 items 4–6)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carbonms.common import files
from carbonms.common.views import Parent, ScopedPageView, ServiceFormView, WorkflowActionView
from carbonms.organizations.models import Enterprise, Park

from . import position, report, services
from .forms import ClaimForm, DeterminationForm, ProjectForm, SurrenderForm
from .forms import StageForm as StageFormClass
from .models import ComplianceRecord, NeutralityClaim, OffsetProject, ProjectStage

ENTERPRISE = Parent("enterprise_pk", Enterprise, "enterprise", select_related=("park",))
PARK = Parent("park_pk", Park, "park")


def _year(kwargs) -> int:
    return int(kwargs["year"])


def demo_year() -> int:
    return timezone.localdate().year - 1


def _price(request) -> tuple[Decimal | None, str]:
    raw = (request.GET.get("price") or "").strip()
    if not raw:
        return None, ""
    try:
        p = Decimal(raw)
    except InvalidOperation:
        return None, gettext("The price “%(p)s” is not a number: enter yuan per tonne.") % {"p": raw}
    if not p.is_finite() or p < 0:
        return None, gettext("The price must be a number of at least 0 (yuan per tonne).")
    return p, ""


def _last_price(user, enterprise, product: str = "CEA"):
    """The latest quote of ``product`` the user may see for the enterprise (its own and its park's), or None."""
    from carbonms.ledger import selectors

    return selectors.prices(user, park=enterprise.park, enterprise=enterprise).filter(product=product).order_by("-date").first()


class EnterpriseView(ScopedPageView):
    """The enterprise's compliance years, neutrality claims and offset projects."""

    parent = ENTERPRISE
    domain = "assets"
    template_name = "compliance/enterprise.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ent, user = self.enterprise, self.request.user
        ctx.update(records=ComplianceRecord.objects.restrict(user).filter(enterprise=ent),
                   claims=NeutralityClaim.objects.restrict(user).filter(enterprise=ent),
                   projects=OffsetProject.objects.restrict(user).filter(enterprise=ent),
                   year=demo_year(), can_add=self.can("add"))
        return ctx


class PositionView(ScopedPageView):
    """The compliance position of a covered enterprise and year: obligation, holdings by eligibility, CCER cap
    headroom, shortfall, cost to close at a chosen price, deadlines and penalty exposure; the 履约记录."""

    parent = ENTERPRISE
    domain = "assets"
    template_name = "compliance/position.html"
    url_choices = {"year": lambda y: y is not None and 2019 <= int(y) <= 2100}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = _year(self.kwargs)
        price, price_error = _price(self.request)
        quote = None
        if price is None and not price_error:
            quote = _last_price(self.request.user, self.enterprise)
            price = quote.reference_price if quote else None
        try:
            pos = position.compute(self.enterprise, year, price=price)
        except ValidationError as exc:
            pos, ctx["error"] = None, " ".join(exc.messages)
        ctx.update(pos=pos, year=year, price=price, price_error=price_error, quote=quote,
                   record=ComplianceRecord.objects.restrict(self.request.user).filter(enterprise=self.enterprise, year=year).first(),
                   can_surrender=self.can("change") and pos is not None and pos["remaining_t"] > 0)
        return ctx


class SurrenderView(ServiceFormView):
    """The surrender wizard: quantities per lot, pre-filled with the core's proposal; the service checks the
    eligibility, the CCER cap and the remaining obligation, and enters the surrenders in the ledger."""

    parent = ENTERPRISE
    requires = ("assets", "change")
    form_class = SurrenderForm
    template_name = "compliance/surrender.html"
    success_message = _("Surrender entered in the ledger; it counts once approved there.")

    def prepare(self):
        self.year = _year(self.kwargs)
        try:
            self.pos = position.compute(self.enterprise, self.year)
        except ValidationError:
            self.pos = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "lots": self.pos["lots"] if self.pos else []}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "pos": self.pos, "year": self.year, "enterprise": self.enterprise,
                "title": gettext("Surrender for %(year)d") % {"year": self.year}}

    def perform(self, form):
        if self.pos is None:
            raise ValidationError(gettext("There is no compliance position for this year."))
        return services.surrender(actor=self.request.user, enterprise=self.enterprise, year=self.year, quantities=form.quantities())


class ParkRollupView(ScopedPageView):
    """Park staff: every covered enterprise's position for the year."""

    parent = PARK
    park_staff_only = True
    domain = "assets"
    template_name = "compliance/park.html"
    url_choices = PositionView.url_choices

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = _year(self.kwargs)
        rows, totals = [], {"obligation_t": 0, "surrendered_t": 0, "shortfall_t": 0}
        for ent in Enterprise.objects.restrict(self.request.user).filter(park=self.park, carbon_market_covered=True).order_by("name"):
            try:
                pos = position.compute(ent, year)
            except ValidationError as exc:
                rows.append({"enterprise": ent, "error": " ".join(exc.messages)})
                continue
            rows.append({"enterprise": ent, "pos": pos})
            for k in totals:
                totals[k] += pos[k]
        ctx.update(rows=rows, totals=totals, year=year)
        return ctx


# -- projects ------------------------------------------------------------------------------------------------------
class ProjectCreateView(ServiceFormView):
    parent = ENTERPRISE
    requires = ("assets", "add")
    form_class = ProjectForm
    template_name = "compliance/form.html"
    title = _("New offset project")
    success_message = _("Project saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.enterprise}

    def perform(self, form):
        return services.project_save(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data)


class ProjectView(ScopedPageView):
    model = OffsetProject
    template_name = "compliance/project.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p = self.object
        done = {s.stage: s for s in p.stages.all()}
        ctx.update(project=p, pipeline=[(value, label, done.get(value)) for value, label in OffsetProject.Stage.choices],
                   next_stage=next((v for v, _l in OffsetProject.Stage.choices if v not in done), None),
                   can_change=self.can("change"))
        return ctx


class StageCreateView(ServiceFormView):
    model = OffsetProject
    requires = ("assets", "change")
    form_class = StageFormClass
    template_name = "compliance/form.html"
    success_message = _("Stage recorded.")

    def get_initial(self):
        done = set(self.object.stages.values_list("stage", flat=True))
        return {"stage": next((v for v in OffsetProject.Stage.values if v not in done), None)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "multipart": True, "title": gettext("Record a stage: %(p)s") % {"p": self.object}}

    def perform(self, form):
        d = form.cleaned_data
        ps = services.project_advance(actor=self.request.user, project=self.object, stage=d["stage"], completed_on=d["completed_on"],
                                      body=d["body"], reference=d["reference"], quantity_t=d["quantity_t"], document=d["document"],
                                      note=d["note"], serial_first=d["serial_first"], serial_last=d["serial_last"], vintage=d["vintage"])
        return ps.project


class StageDocumentView(files.ScopedFileDownloadView):
    model = ProjectStage
    file_field = "document"


# -- neutrality claims ---------------------------------------------------------------------------------------------
class ClaimCreateView(ServiceFormView):
    parent = ENTERPRISE
    requires = ("assets", "add")
    form_class = ClaimForm
    template_name = "compliance/form.html"
    title = _("New carbon-neutrality claim")
    success_message = _("Claim drafted from the statement of record.")

    def get_initial(self):
        return {"year": demo_year(), "window_months": 12}

    def perform(self, form):
        d = form.cleaned_data
        return services.claim_create(actor=self.request.user, enterprise=self.enterprise, year=d["year"], gas_basis=d["gas_basis"],
                                     window_months=d["window_months"])


class ClaimView(ScopedPageView):
    """The claim: emissions and their basis, the offsets cancelled for it and the held units (plan), the allocation
    by priority with rejections, the determination, the declaration and the 8.4.6 report content."""

    model = NeutralityClaim
    template_name = "compliance/claim.html"

    def get_context_data(self, **kwargs):
        from django.utils.translation import get_language

        ctx = super().get_context_data(**kwargs)
        c = self.object
        lots = services.claim_lots(c)
        live = services.claim_compute(c, "en" if (get_language() or "").startswith("en") else "zh")
        cancelled = [lot for lot in lots if lot["status"] == "cancelled"]
        by_id = {lot["id"]: lot for lot in lots}

        def labelled(rows):
            return [{**r, "label": by_id.get(r["id"], {}).get("label", r["id"])} for r in rows]
        ctx.update(claim=c, live=live, allocation=labelled(live["allocation"]), plan=labelled(live["plan"]),
                   rejected=labelled(live["rejected"]), cancelled=cancelled,
                   held=[lot for lot in lots if lot["status"] == "held"],
                   report=report.evaluation_report(c, cancelled), can_change=self.can("change"),
                   can_file_report=self.can("change", "management"),
                   can_cancel=self.can("change") and c.status in (NeutralityClaim.Status.DRAFT, NeutralityClaim.Status.SELF_ASSESSED))
        return ctx


class CancelForClaimView(ServiceFormView):
    """Cancel (注销) held units for the claim through the ledger (certificate and serials); the ledger refuses a unit
    already used, naming both uses."""

    model = NeutralityClaim
    requires = ("assets", "change")
    template_name = "compliance/form.html"
    success_message = _("Cancellation entered in the ledger for this claim.")

    def get_form_class(self):
        from .forms import cancel_form_for

        return cancel_form_for(self.object)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": gettext("Cancel units for the claim %(c)s") % {"c": self.object}}

    def perform(self, form):
        d = form.cleaned_data
        services.claim_cancel(actor=self.request.user, claim=self.object, instrument=d["instrument"], quantity=d["quantity_t"],
                              on=d["cancelled_on"], certificate_no=d["certificate_no"], serial_first=d["serial_first"],
                              serial_last=d["serial_last"])
        return self.object


class DetermineView(ServiceFormView):
    """The third party records the determination (the appointed external verifier only)."""

    model = NeutralityClaim
    action = "view"
    form_class = DeterminationForm
    template_name = "compliance/form.html"
    title = _("Record the determination")
    success_message = _("Determination recorded.")

    def check_access(self, request, **kwargs) -> None:
        super().check_access(request, **kwargs)
        from django.core.exceptions import PermissionDenied

        from carbonms.inventory.statements import verifier_assignment

        if verifier_assignment(request.user, self.object) is None:
            raise PermissionDenied  # only the appointed external verifier (the park administrator may not determine)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "multipart": True}

    def perform(self, form):
        d = form.cleaned_data
        return services.claim_determine(actor=self.request.user, claim=self.object, conclusion=d["conclusion"],
                                        determined_on=d["determined_on"], body=d["verifier_body"], notes=d["determination_notes"],
                                        report=d["determination_report"])


class ClaimActionView(WorkflowActionView):
    model = NeutralityClaim


class DeterminationReportView(files.ScopedFileDownloadView):
    model = NeutralityClaim
    file_field = "determination_report"


def year_url(name: str, enterprise_pk: int) -> str:
    return reverse(name, args=[enterprise_pk, demo_year()])

