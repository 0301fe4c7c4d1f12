"""Pages of the inventory statements: the list of an enterprise or the park, a statement with its totals,
coverage, intensities, factor policy, verification and restatement history, the steps the user may take
(approve and close the year, record the verification), the re-performance file and the verification report."""
from __future__ import annotations

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from carbonms.carbondata.views.base import ENTERPRISE, PARK, ObjectMixin, year_param
from carbonms.common import files, tenancy
from carbonms.common.views import ScopedPageView, ServiceFormView, WorkflowActionView

from . import reperform, statements
from .forms import StatementCreateForm, StatementVerifyForm
from .models import CalculationRun, InventoryStatement
from .views import CAT_LABELS, coverage_context


def _history(user, st) -> list:
    """The statement, the statements it restates and the ones restating it (oldest first)."""
    visible = InventoryStatement.objects.restrict(user)
    chain = [st]
    cur = st
    while cur.supersedes_id:
        cur = visible.get(pk=cur.supersedes_id)
        chain.insert(0, cur)
    cur = st
    while True:
        nxt = visible.filter(supersedes=cur).first()
        if nxt is None:
            break
        chain.append(nxt)
        cur = nxt
    return chain if len(chain) > 1 else []


class _StatementList(ScopedPageView):
    template_name = "inventory/statements.html"
    enterprise = None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        qs = (InventoryStatement.objects.restrict(user).filter(park=self.park)
              .select_related("enterprise", "approved_by", "verified_by"))
        qs = qs.filter(enterprise=self.enterprise) if self.enterprise else qs
        ctx.update(park=self.park, enterprise=self.enterprise, statements=qs.order_by("-year", "enterprise__name", "basis",
                                                                                     "-created_at")[:500])
        if self.enterprise is None:
            year = year_param(self.request)
            members = statements.members(self.park, year)
            closed = set(statements.official_statements(park=self.park).filter(year=year, enterprise__isnull=False)
                         .values_list("enterprise_id", flat=True))
            ctx.update(year=year, n_members=len(members), n_closed=sum(1 for e in members if e.pk in closed),
                       open_members=[e for e in members if e.pk not in closed][:50],
                       park_statement=statements.official_statement(park=self.park, year=year))
        return ctx


class ParkStatementsView(_StatementList):
    """Every statement of the park, with the progress of the year close (park staff only)."""

    parent = PARK
    park_staff_only = True


class EnterpriseStatementsView(_StatementList):
    parent = ENTERPRISE

    def prepare(self):
        self.park = self.enterprise.park


class StatementView(ObjectMixin, ScopedPageView):
    """A statement: the figure of record with everything it was made from."""

    model = InventoryStatement
    template_name = "inventory/statement.html"
    select_related = ("park", "enterprise", "run", "drafted_by", "approved_by", "verified_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        st, user = self.object, self.request.user
        missing_open = []
        if st.enterprise_id is None and st.status == InventoryStatement.Status.DRAFT:
            closed = set(statements.official_statements(park=st.park, basis=st.basis).filter(year=st.year, enterprise__isnull=False)
                         .values_list("enterprise_id", flat=True))
            missing_open = [e for e in statements.members(st.park, st.year) if e.pk not in closed]
        ctx.update(st=st, history=_history(user, st), stale=statements.stale_corrections(st), missing_open=missing_open,
                   categories=[(k, CAT_LABELS.get(k, k), v) for k, v in (st.totals.get("by_category") or {}).items()],
                   missing=(st.coverage or {}).get("missing", [])[:200],
                   exceptions=st.close_exceptions, policy_rows=_policy_rows(st),
                   price_basis=_price_basis((st.denominators or {}).get("price_basis", "")),
                   coverage_pct=None if st.coverage_fraction is None else round(100 * st.coverage_fraction, 1),
                   can_file_report=st.status != InventoryStatement.Status.DRAFT and tenancy.can(
                       user, "management", "change", park_id=st.park_id, enterprise_id=st.enterprise_id),
                   can_restate=st.is_official and tenancy.can(user, "data", "change", park_id=st.park_id,
                                                               enterprise_id=st.enterprise_id))
        return ctx


def _policy_rows(st: InventoryStatement) -> list[tuple[str, str]]:
    """The factor policy frozen on the statement, in words (the run page's labels)."""
    pol = st.policy or {}
    if not pol:
        return []
    labels = coverage_context(SimpleNamespace(policy=pol, coverage={}), {})["policy_labels"]
    grid = f"{labels['grid_scope']}{' ' + pol['grid_region'] if pol.get('grid_region') and pol['grid_region'] != 'ets' else ''}"
    gf = pol.get("grid_factor") or {}
    if gf:
        grid += f" {pol.get('grid_year', '')}: {gf.get('name', '')} = {gf.get('value', '')} {gf.get('unit', '')} ({labels['grid_status']})"
    return [(_("Basis"), st.get_basis_display()), (_("GWP set"), pol.get("gwp_set") or st.gwp_set),
            (_("factor set"), labels["factor_set"] or ""), (_("fuel factor set"), pol.get("fuel_set") or ""),
            (_("grid factor"), grid), (_("year rule"), labels["grid_year_rule"] or "")]


def _price_basis(code: str) -> str:
    """'current', 'constant:2020' or 'mixed' (the denominators selector's codes) in words."""
    if code.startswith("constant:"):
        return _("constant prices of %(year)s") % {"year": code.split(":", 1)[1]}
    return {"current": _("current prices"), "mixed": _("mixed price bases")}.get(code, code)


class StatementActionView(WorkflowActionView):
    """POST a step of a statement (approve and close the year)."""

    model = InventoryStatement


class StatementCreateView(ObjectMixin, ServiceFormView):
    """Make a statement (or a restatement) from a run."""

    model = CalculationRun
    action = "change"
    form_class = StatementCreateForm
    template_name = "inventory/statement_form.html"
    title = _("Make the inventory statement")
    success_message = _("Draft statement made; somebody appointed to approve must approve it.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run = self.object
        ctx.update(run=run, in_force=statements.official_statement(park=run.park, year=run.year, enterprise=run.enterprise,
                                                                   basis=getattr(run, "basis", "management")))
        return ctx

    def perform(self, form):
        run, d = self.object, form.cleaned_data
        in_force = statements.official_statement(park=run.park, year=run.year, enterprise=run.enterprise, basis=d["basis"])
        if in_force is not None:
            return statements.statement_restate(actor=self.request.user, statement=in_force, run=run,
                                                reason=d["restatement_reason"], justification=d["justification"])
        return statements.statement_create(actor=self.request.user, run=run, basis=d["basis"], justification=d["justification"])


class StatementVerifyView(ObjectMixin, ServiceFormView):
    """The external verifier records the verification (opinion, misstatements, report, date)."""

    model = InventoryStatement
    action = "verify"
    form_class = StatementVerifyForm
    template_name = "inventory/statement_form.html"
    title = _("Record the verification")
    success_message = _("Verification recorded.")

    def check_access(self, request, **kwargs) -> None:
        super().check_access(request, **kwargs)
        if statements.verifier_assignment(request.user, self.object) is None:
            raise PermissionDenied  # only the appointed external verifier (the park administrator may not verify)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "st": self.object, "multipart": True}

    def perform(self, form):
        d = form.cleaned_data
        return statements.statement_verify(actor=self.request.user, statement=self.object, opinion=d["opinion"],
                                           misstatements=d["misstatements"], verified_on=d["verified_on"],
                                           report=d["verification_report"])


class StatementInputView(ObjectMixin, ScopedPageView):
    """The re-performance file of an enterprise statement (``carbonms calc`` input, CSV)."""

    model = InventoryStatement

    def get(self, request, *args, **kwargs):
        from django.core.exceptions import ValidationError
        from django.http import HttpResponse

        st = self.object
        try:
            text = reperform.to_csv(reperform.input_rows(st.run))
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
        name = f"statement-{st.pk}-{st.enterprise.credit_code if st.enterprise_id else 'park'}-{st.year}.csv"
        return files.attachment(("\ufeff" + text).encode("utf-8"), name, "text/csv; charset=utf-8")


class StatementReportView(files.ScopedFileDownloadView):
    model = InventoryStatement
    file_field = "verification_report"

