"""Pages of the carbon-asset ledger (/assets/): the ledger of a holder (an enterprise, or the park itself — park staff
only), accounts, instruments, movements with maker-checker, the price table, and the asset statement (碳资产报表)
with its XLSX. Every page declares its access (common.views) and writes through ``ledger.services``."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carbonms.carbondata.views.base import year_param
from carbonms.common import files
from carbonms.common.params import BadParameter
from carbonms.common.views import ListingMixin, Parent, ScopedPageView, ServiceFormView, WorkflowActionView
from carbonms.organizations.models import Enterprise, Park

from . import selectors, services
from .forms import AccountForm, AssetInstrumentForm, MovementForm, PriceForm, PriceImportForm, RejectForm
from .models import Account, Instrument, Movement
from .report import AssetStatementRecord
from .workflows import MOVEMENT

ENT = Parent("enterprise_pk", Enterprise, "enterprise", select_related=("park",))
PARK = Parent("park_pk", Park, "park")


class HolderMixin:
    """``self.park`` and ``self.enterprise`` (None for the park's own ledger) from the parent or the object."""

    enterprise = None
    park = None

    def prepare(self):
        obj = getattr(self, "object", None)
        if obj is not None and hasattr(obj, "park"):
            self.park, self.enterprise = obj.park, obj.enterprise
        elif self.parent is not None and self.parent.attr == "enterprise":
            self.park = self.enterprise.park
        super().prepare()

    def holder_url(self, name: str) -> str:
        from django.urls import reverse

        if self.enterprise is not None:
            return reverse(f"ledger:{name}_ent", args=[self.enterprise.pk])
        return reverse(f"ledger:{name}_park", args=[self.park.pk])

    def holder_context(self) -> dict:
        can = self.can if hasattr(self, "can") else (lambda *a, **k: False)
        from carbonms.common import tenancy

        # the park's own ledger pages are park staff's: an enterprise user reading the park's price table gets no
        # links to them (they would answer 404)
        park_pages = self.enterprise is not None or tenancy.is_park_member(self.request.user, self.park.pk)
        urls = {n: self.holder_url(n) for n in ("home", "movements", "movement_new", "account_new", "instrument_new",
                                                "statement", "prices")}
        if not park_pages:
            urls.update(home=None, movements=None, statement=None, movement_new=None, account_new=None,
                        instrument_new=None)
        return {"park": self.park, "enterprise": self.enterprise, "holder": self.enterprise or self.park,
                "holder_name": self.enterprise.name if self.enterprise else self.park.name,
                "can_add": can("add", "assets"), "can_approve": can("approve", "assets"),
                "urls": urls}


def for_holders(base, *, park_staff_only: bool = False):
    """The page of an enterprise (``/assets/e/<enterprise>/…``) and the page of the park itself (``/assets/p/<park>/…``)
    from one base; ``park_staff_only``: the park's page does not exist for an enterprise's users (404)."""
    stem = base.__name__.lstrip("_")
    ent = type(f"{stem}EnterpriseView", (base,), {"parent": ENT, "__module__": __name__, "__doc__": base.__doc__})
    park = type(f"{stem}ParkView", (base,), {"parent": PARK, "park_staff_only": park_staff_only, "__module__": __name__,
                                             "__doc__": base.__doc__})
    return ent, park


# -- the ledger of a holder --------------------------------------------------------------------------------------------

class _Home(HolderMixin, ScopedPageView):
    template_name = "ledger/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, park, ent = self.request.user, self.park, self.enterprise
        ctx.update(self.holder_context())
        ctx.update(holdings=selectors.holdings(park=park, enterprise=ent),
                   accounts=selectors.accounts(user, park=park, enterprise=ent),
                   instruments=selectors.instruments(user, park=park, enterprise=ent),
                   pending=selectors.movements(user, park=park, enterprise=ent).filter(status=Movement.Status.ENTERED)[:50])
        if ent is None:  # the park: the enterprises' ledgers
            ctx["members"] = (Enterprise.objects.restrict(user).filter(park=park).order_by("-carbon_market_covered", "name")
                              .only("pk", "name", "carbon_market_covered"))[:300]
        return ctx
HomeEnterpriseView, HomeParkView = for_holders(_Home, park_staff_only=True)


class _Movements(HolderMixin, ListingMixin, ScopedPageView):
    template_name = "ledger/movements.html"
    list_sorts = {"date": ("date", "id"), "kind": ("kind", "id"), "status": ("status", "id")}
    list_default = "-date"
    list_search = ("counterparty", "certificate_no", "serial_first", "instrument__project_name")
    list_keep = ("status",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.holder_context())
        qs = selectors.movements(self.request.user, park=self.park, enterprise=self.enterprise)
        status = self.request.GET.get("status") or ""
        if status:
            if status not in Movement.Status.values:
                raise BadParameter("status", str(_("Choose one of: %(choices)s.") % {"choices": ", ".join(Movement.Status.values)}))
            qs = qs.filter(status=status)
        listing = self.listing(qs)
        ctx.update(movements=listing.rows, listing=listing, status=status, statuses=Movement.Status.choices)
        return ctx
MovementsEnterpriseView, MovementsParkView = for_holders(_Movements, park_staff_only=True)


# -- forms -------------------------------------------------------------------------------------------------------------

class _HolderForm(HolderMixin, ServiceFormView):
    requires = ("assets", "add")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.holder_context())
        return ctx

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["scope"] = self.enterprise or self.park
        return kwargs


class _AccountNew(_HolderForm):
    form_class = AccountForm
    title = _("New carbon account")
    success_message = _("Account saved.")

    def perform(self, form):
        return services.account_save(actor=self.request.user, park=self.park, enterprise=self.enterprise, data=form.cleaned_data)
AccountNewEnterpriseView, AccountNewParkView = for_holders(_AccountNew)


class _InstrumentNew(_HolderForm):
    form_class = AssetInstrumentForm
    title = _("New instrument")
    success_message = _("Instrument saved.")

    def perform(self, form):
        return services.instrument_save(actor=self.request.user, park=self.park, enterprise=self.enterprise, data=form.cleaned_data)
InstrumentNewEnterpriseView, InstrumentNewParkView = for_holders(_InstrumentNew)


class _MovementNew(_HolderForm):
    form_class = MovementForm
    template_name = "ledger/movement_form.html"
    title = _("Enter a movement")
    success_message = _("Movement entered: somebody else must approve it before it counts.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("scope")
        kwargs.update(park=self.park, enterprise=self.enterprise)
        return kwargs

    def get_initial(self):
        initial = {"currency": "CNY", "date": timezone.localdate()}
        kind = self.request.GET.get("kind")
        if kind in Movement.Kind.values:
            initial["kind"] = kind
        return initial

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "evidence_file"}
        return services.movement_enter(actor=self.request.user, park=self.park, enterprise=self.enterprise, data=data,
                                       evidence_file=form.cleaned_data.get("evidence_file"))
MovementNewEnterpriseView, MovementNewParkView = for_holders(_MovementNew)


class _ObjectEdit(HolderMixin, ServiceFormView):
    action = "change"
    edits_object = True


class AccountEditView(_ObjectEdit):
    model = Account
    form_class = AccountForm
    title = _("Edit carbon account")

    def perform(self, form):
        return services.account_save(actor=self.request.user, park=self.park, enterprise=self.enterprise,
                                     data=form.cleaned_data, account=self.object)


class InstrumentEditView(_ObjectEdit):
    model = Instrument
    form_class = AssetInstrumentForm
    title = _("Edit instrument")

    def perform(self, form):
        return services.instrument_save(actor=self.request.user, park=self.park, enterprise=self.enterprise,
                                        data=form.cleaned_data, instrument=self.object)


# -- records -----------------------------------------------------------------------------------------------------------

class AccountView(HolderMixin, ScopedPageView):
    model = Account
    template_name = "ledger/account.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.holder_context(), can_change=self.can("change"),
                   movements=selectors.movements(self.request.user, park=self.park, enterprise=self.enterprise)
                   .filter(account=self.object)[:300])
        return ctx


class InstrumentView(HolderMixin, ScopedPageView):
    model = Instrument
    template_name = "ledger/instrument.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        held = next((h for h in selectors.holdings(park=self.park, enterprise=self.enterprise) if h["instrument"].pk == self.object.pk), None)
        ctx.update(self.holder_context(), can_change=self.can("change"), held=held,
                   movements=selectors.movements(self.request.user, park=self.park, enterprise=self.enterprise)
                   .filter(instrument=self.object)[:300])
        return ctx


class MovementView(HolderMixin, ScopedPageView):
    model = Movement
    template_name = "ledger/movement.html"
    select_related = ("instrument", "account", "entered_by", "approved_by", "evidence", "to_instrument")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        steps = {t.name for t in MOVEMENT.available(self.request.user, self.object)}
        refusal = None
        if self.object.status == Movement.Status.ENTERED and not steps and MOVEMENT.permitted(self.request.user, self.object, "approve"):
            refusal = MOVEMENT.refusal(self.request.user, self.object, "approve")
        ctx.update(self.holder_context(), steps=steps, refusal=refusal, reject_form=RejectForm(user=self.request.user))
        return ctx


class MovementActionView(WorkflowActionView):
    model = Movement


# -- prices ------------------------------------------------------------------------------------------------------------

class _Prices(HolderMixin, ListingMixin, ScopedPageView):
    template_name = "ledger/prices.html"
    list_sorts = {"date": ("date", "id"), "product": ("product", "date", "id")}
    list_default = "-date"
    list_search = ("product", "source")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        listing = self.listing(selectors.prices(self.request.user, park=self.park, enterprise=self.enterprise)
                               .select_related("enterprise"))
        ctx.update(self.holder_context(), prices=listing.rows, listing=listing,
                   price_new=self.holder_url("price_new"), price_import=self.holder_url("price_import"))
        return ctx
PricesEnterpriseView, PricesParkView = for_holders(_Prices)


class _PriceNew(_HolderForm):
    form_class = PriceForm
    title = _("Enter a price")
    success_message = _("Price saved.")

    def get_success_url(self):
        return self.holder_url("prices")

    def perform(self, form):
        return services.price_save(actor=self.request.user, park=self.park, enterprise=self.enterprise, data=form.cleaned_data)
PriceNewEnterpriseView, PriceNewParkView = for_holders(_PriceNew)


class _PriceImport(_HolderForm):
    form_class = PriceImportForm
    template_name = "ledger/price_import.html"
    title = _("Import a price table")

    def get_success_url(self):
        return self.holder_url("prices")

    def perform(self, form):
        saved = services.price_import(actor=self.request.user, park=self.park, enterprise=self.enterprise,
                                      file=form.cleaned_data["file"])
        from django.contrib import messages

        messages.success(self.request, _("%(n)s prices imported.") % {"n": len(saved)})
        return saved
PriceImportEnterpriseView, PriceImportParkView = for_holders(_PriceImport)


# -- the asset statement -----------------------------------------------------------------------------------------------

def _money_param(request, name: str) -> Decimal | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadParameter(name, str(_("Give a price in CNY per tCO₂.")))
    if not value.is_finite() or value < 0 or value > 100000:
        raise BadParameter(name, str(_("Give a price in CNY per tCO₂.")))
    return value


class _Statement(HolderMixin, ScopedPageView):
    template_name = "ledger/statement.html"

    def record(self) -> AssetStatementRecord:
        """The statement the page shows: the year, valuation date and prices of the query, the user's price table."""
        year = year_param(self.request)
        raw_on = (self.request.GET.get("on") or "").strip()
        try:
            on = dt.date.fromisoformat(raw_on) if raw_on else None
        except ValueError:
            raise BadParameter("on", str(_("Give a date in the form YYYY-MM-DD.")))
        prices = {p: v for p, v in (("CEA", _money_param(self.request, "price_cea")), ("CCER", _money_param(self.request, "price_ccer")))
                  if v is not None}
        quotes = selectors.prices(self.request.user, park=self.park, enterprise=self.enterprise)
        return AssetStatementRecord(park=self.park, enterprise=self.enterprise, year=year, quotes=quotes, on=on, prices=prices)

    def statement(self) -> dict:
        return self.record().statement()

    def get_context_data(self, **kwargs):
        from carbonms.common import tenancy

        ctx = super().get_context_data(**kwargs)
        st = self.statement()
        query = self.request.GET.urlencode()
        ctx.update(self.holder_context(), st=st, year=st["year"], query=query,
                   xlsx_url=self.holder_url("statement_xlsx"),
                   report_urls=[(fmt.upper(), f"{self.holder_url_fmt('statement_report', fmt)}?{query}") for fmt in ("docx", "pdf")],
                   file_url=self.holder_url("statement_file") if tenancy.can(
                       self.request.user, "management", "change", park_id=self.park.pk,
                       enterprise_id=self.enterprise.pk if self.enterprise else None) else None)
        return ctx

    def holder_url_fmt(self, name: str, fmt: str) -> str:
        from django.urls import reverse

        if self.enterprise is not None:
            return reverse(f"ledger:{name}_ent", args=[self.enterprise.pk, fmt])
        return reverse(f"ledger:{name}_park", args=[self.park.pk, fmt])
StatementEnterpriseView, StatementParkView = for_holders(_Statement, park_staff_only=True)


class _StatementReport(_Statement):
    """The statement as a document through the ``assets`` report kind: DOCX and PDF (``statement.<fmt>``) and the
    XLSX (``statement.xlsx``), at the page's year, valuation date and prices."""

    fmt = None

    def get(self, request, *args, **kwargs):
        from django.core.exceptions import ValidationError
        from django.http import Http404, HttpResponse

        from carbonms.reports import registry
        from carbonms.reports import services as reports
        from carbonms.reports.render import CONTENT_TYPES

        kind = registry.get("assets")
        fmt = self.fmt or kwargs.get("fmt")
        if fmt not in kind.formats:
            raise Http404
        lang = request.GET.get("lang") or reports.DEFAULT_LANGUAGE
        try:
            name, data = reports.render_report(actor=request.user, kind=kind, obj=self.record(), fmt=fmt,
                                               language="en" if lang.startswith("en") else "zh-hans")
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
        return files.attachment(data, name, CONTENT_TYPES[fmt])
StatementReportEnterpriseView, StatementReportParkView = for_holders(_StatementReport, park_staff_only=True)


class _StatementXlsx(_StatementReport):
    fmt = "xlsx"
StatementXlsxEnterpriseView, StatementXlsxParkView = for_holders(_StatementXlsx, park_staff_only=True)


class _StatementFile(_Statement):
    """POST: file the statement (DOCX) at the page's year, valuation date and prices as the next draft version of the
    holder's controlled document RPT-AST-<year>; filing needs ``management.change`` in the holder's system (checked
    by the service). GET goes back to the statement."""

    def get(self, request, *args, **kwargs):
        return redirect(self.holder_url("statement"))

    def post(self, request, *args, **kwargs):
        from django.contrib import messages
        from django.core.exceptions import ValidationError

        from carbonms.reports import registry
        from carbonms.reports import services as reports

        try:
            version = reports.file_report(actor=request.user, kind=registry.get("assets"), obj=self.record(),
                                          fmt=request.POST.get("format", "docx"))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            return redirect(self.holder_url("statement"))
        messages.success(request, str(version.document))
        return redirect(version.document.get_absolute_url())
StatementFileEnterpriseView, StatementFileParkView = for_holders(_StatementFile, park_staff_only=True)
