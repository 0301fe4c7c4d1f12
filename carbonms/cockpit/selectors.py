"""Reads of the cockpit: the park's and an enterprise's figures of record, each with its year, basis and source.

Every figure comes from a record of another app, read through the tenancy (``restrict``), in a fixed number of
queries whatever the size of the park (aggregates, one page of the ranking): the statements in force
(``inventory``), targets and their progress (``performance``), the renewable share (``zerocarbon``), ETS compliance
records (``compliance``), assessment grades (``governance``), nonconformities (``audits``), measuring equipment
(``carbondata``) and the user's tasks (``conformity``). A source whose app has no records yet gives an empty panel
that says so; nothing is estimated.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from carbonms.audits.models import CorrectiveAction, Nonconformity
from carbonms.carbondata.models import ActivityRecord, Calibration, MeasuringInstrument
from carbonms.conformity.models import Task
from carbonms.inventory.models import InventoryStatement
from carbonms.organizations.models import Enterprise
from carbonms.zerocarbon import selectors as zerocarbon

OFFICIAL = InventoryStatement.OFFICIAL
MANAGEMENT = InventoryStatement.Basis.MANAGEMENT
CALIBRATION_HORIZON = dt.timedelta(days=30)
DEADLINE_HORIZON = dt.timedelta(days=14)
GRADE_ORDER = {"excellent": 1, "good": 2, "pass": 3, "fail": 4}


def link(name: str, *args) -> str | None:
    """The URL of a named page, or None while the app that owns it has no such page."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _num(x) -> float | None:
    if x is None or x == "":
        return None
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def reporting_year(today: dt.date | None = None) -> int:
    """The year whose data is being collected and closed: last calendar year."""
    return (today or timezone.localdate()).year - 1


# -- statements ----------------------------------------------------------------------------------------------------
def statements(user, park, enterprise=None) -> list[InventoryStatement]:
    """The management-basis statements in force of the park (enterprise None) or an enterprise, oldest first."""
    qs = InventoryStatement.objects.restrict(user).filter(park=park, basis=MANAGEMENT, status__in=OFFICIAL)
    qs = qs.filter(enterprise=enterprise) if enterprise is not None else qs.filter(enterprise__isnull=True)
    return list(qs.only("id", "park_id", "enterprise_id", "year", "status", "totals", "intensities", "denominators",
                        "run_id", "basis", "approved_at", "verified_on", "created_at").order_by("year"))


def headline(stmts: list[InventoryStatement], base_year: int | None) -> dict:
    """Total of the latest statement, its intensities and the change against the base year (or the earliest)."""
    if not stmts:
        return {}
    latest = stmts[-1]
    by_year = {s.year: s for s in stmts}
    base = by_year.get(base_year) if base_year else None
    base = base or stmts[0]
    gross, base_gross = _num(latest.totals.get("gross")), _num(base.totals.get("gross"))
    change = None
    if base is not latest and gross is not None and base_gross:
        change = (gross - base_gross) / base_gross * 100
    intens = latest.intensities or {}
    pva, cpe = intens.get("per_value_added") or {}, intens.get("carbon_per_energy") or {}
    return {
        "statement": latest, "year": latest.year, "gross": gross, "direct": _num(latest.totals.get("direct")),
        "indirect": _num(latest.totals.get("indirect_energy")), "energy_tce": _num(latest.totals.get("energy_tce")),
        "base": base, "base_gross": base_gross, "change_pct": change,
        "per_value_added": _num(pva.get("value")), "price_basis": pva.get("price_basis", ""),
        "price_basis_label": price_basis_label(pva.get("price_basis", "")),
        "carbon_per_energy": _num(cpe.get("value")),
        "series": [{"year": s.year, "gross": _num(s.totals.get("gross")), "url": s.get_absolute_url()} for s in stmts],
    }


def price_basis_label(basis: str) -> str:
    """"current" → current prices; "constant:2020" → constant prices of 2020; "mixed" → mixed price bases."""
    from django.utils.translation import gettext as _

    if not basis:
        return ""
    if basis.startswith("constant:"):
        return _("constant prices of %(y)s") % {"y": basis.split(":", 1)[1]}
    return {"current": _("current prices"), "mixed": _("mixed price bases")}.get(basis, basis)


# -- targets (performance) -----------------------------------------------------------------------------------------
def targets(user, park, enterprise=None, limit: int = 4) -> dict:
    """Published or approved targets of the entity with their latest progress; the first absolute one gives the
    pathway (base value → milestones → target value)."""
    from carbonms.performance.models import Target, TargetProgress

    qs = Target.objects.restrict(user).filter(park=park, status__in=("approved", "published"), unit__isnull=True)
    qs = qs.filter(enterprise=enterprise) if enterprise is not None else qs.filter(enterprise__isnull=True)
    rows = list(qs.filter(equipment__isnull=True).order_by("target_year", "code")[:limit])
    progress = {}
    for p in (TargetProgress.objects.restrict(user).filter(target__in=rows).order_by("target_id", "year")):
        progress[p.target_id] = p  # the latest year wins
    items = [{"target": t, "progress": progress.get(t.pk), "url": link("performance:target", t.pk)} for t in rows]
    pathway = next((t for t in rows if t.metric == "absolute"), None)
    return {"items": items, "pathway": pathway}


def pathway_points(target) -> list[tuple[int, float]]:
    pts = {target.base_year: float(target.base_value), target.target_year: float(target.target_value)}
    for y, v in (target.milestones or {}).items():
        value = v.get("value") if isinstance(v, dict) else v
        if _num(value) is not None and str(y).isdigit():
            pts[int(y)] = float(value)
    return sorted(pts.items())


def off_track(user, park, enterprise=None) -> int:
    from carbonms.performance.models import TargetProgress

    qs = TargetProgress.objects.restrict(user).filter(target__park=park, status="off_track",
                                                       target__status__in=("approved", "published"))
    if enterprise is not None:
        qs = qs.filter(target__enterprise=enterprise)
    latest = qs.aggregate(y=Max("year"))["y"]
    return qs.filter(year=latest).count() if latest else 0


# -- coverage of the reporting year ------------------------------------------------------------------------------
def coverage(user, park, year: int) -> dict:
    """Of the park's enterprises in operation: how many closed ``year`` (a statement in force), how many submitted
    data for it without closing, how many have nothing."""
    # One query, one index probe per enterprise (activity_ent_year_status), instead of reading the year's records.
    # The enterprises are the user's (restrict); the subqueries only ask whether each of them has a statement or data,
    # so they need no scope join of their own (which would cost a scan per enterprise).
    closed_q = InventoryStatement.objects.filter(park=park, year=year, status__in=OFFICIAL, enterprise_id=OuterRef("pk"))
    data_q = (ActivityRecord.objects.filter(enterprise_id=OuterRef("pk"), year=year)
              .exclude(status=ActivityRecord.Status.DRAFT))
    agg = (Enterprise.objects.restrict(user).filter(park=park, status=Enterprise.Status.ACTIVE)
           .annotate(has_closed=Exists(closed_q), has_data=Exists(data_q))
           .aggregate(total=Count("pk"), closed=Count("pk", filter=Q(has_closed=True)),
                      with_data=Count("pk", filter=Q(has_data=True))))
    total, closed, with_data = agg["total"], agg["closed"], agg["with_data"]
    submitted = max(with_data - closed, 0)
    return {"year": year, "total": total, "closed": closed, "submitted": submitted,
            "missing": max(total - closed - submitted, 0),
            "pct": round(closed * 100 / total) if total else None}


# -- market (compliance) --------------------------------------------------------------------------------------------
def market(user, park, enterprise=None) -> dict:
    """The latest compliance year of the covered enterprises: obligations, surrendered, still open."""
    from carbonms.compliance.models import ComplianceRecord

    qs = ComplianceRecord.objects.restrict(user).filter(park=park)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    year = qs.aggregate(y=Max("year"))["y"]
    covered = Enterprise.objects.restrict(user).filter(park=park, carbon_market_covered=True)
    if enterprise is not None:
        covered = covered.filter(pk=enterprise.pk)
    n_covered = covered.count()
    if year is None:
        return {"year": None, "covered": n_covered}
    agg = qs.filter(year=year).aggregate(
        n=Count("id"), obligation=Sum("obligation_t"), surrendered=Sum("surrendered_t"), ccer=Sum("ccer_surrendered_t"),
        open=Count("id", filter=~Q(status="settled")), next_deadline=Max("deadline", filter=~Q(status="settled")))
    gap = (agg["obligation"] or Decimal(0)) - (agg["surrendered"] or Decimal(0)) - (agg["ccer"] or Decimal(0))
    return {"year": year, "covered": n_covered, **agg, "gap": max(gap, Decimal(0))}


# -- the ranking ----------------------------------------------------------------------------------------------------
RANK_SORTS = {"emissions": ("gross_t", "id"), "intensity": ("intensity", "id"), "grade": ("grade_order", "id"),
              "name": ("enterprise__name", "id")}


def ranking(user, park, year: int, request):
    """One page of the park's enterprises ranked by the statement in force of ``year`` (emissions, intensity per
    10⁴ yuan value added) and the published assessment grade; filters: industry division, ETS coverage, name."""
    from carbonms.common.pagination import paginate
    from carbonms.governance.models import EnterpriseAssessment

    grades = (EnterpriseAssessment.objects.restrict(user)
              .filter(enterprise_id=OuterRef("enterprise_id"), round__year=year, round__status="published"))
    qs = (InventoryStatement.objects.restrict(user)
          .filter(park=park, year=year, basis=MANAGEMENT, status__in=OFFICIAL, enterprise__isnull=False)
          .select_related("enterprise")
          .only("id", "year", "status", "enterprise__name", "enterprise__industry_code", "enterprise__industry_name",
                "enterprise__carbon_market_covered", "enterprise__kind", "park_id", "enterprise_id")
          .annotate(gross_t=Coalesce(Cast(KT("totals__gross"), FloatField()), Value(0.0)),
                    intensity=Coalesce(Cast(KT("intensities__per_value_added__value"), FloatField()), Value(-1.0)),
                    grade=Subquery(grades.values("grade")[:1]), score=Subquery(grades.values("total")[:1]))
          .annotate(grade_order=Case(*[When(grade=g, then=Value(n)) for g, n in GRADE_ORDER.items()], default=Value(9),
                                     output_field=IntegerField())))
    industry = (request.GET.get("industry") or "").strip()
    if industry.isdigit() and len(industry) == 2:
        qs = qs.filter(enterprise__industry_code__startswith=industry)
    if request.GET.get("ets") == "1":
        qs = qs.filter(enterprise__carbon_market_covered=True)
    listing = paginate(request, qs, sorts=RANK_SORTS, default="-emissions",
                       search=("enterprise__name", "enterprise__credit_code"), keep=("industry", "ets", "year"), per_page=10)
    offset = (listing.page.number - 1) * listing.page.paginator.per_page
    for i, s in enumerate(listing.rows):
        s.position = offset + i + 1
        s.intensity_value = None if s.intensity is None or s.intensity < 0 else s.intensity
    return listing


def industries(user, park) -> list[tuple[str, str]]:
    """The industry divisions present in the park (two-digit GB/T 4754 codes) for the ranking filter."""
    from carbonms.organizations.reference import industry_division

    codes = sorted({c[:2] for c in Enterprise.objects.restrict(user).filter(park=park)
                    .values_list("industry_code", flat=True).distinct() if c})
    out = []
    for c in codes:
        d = industry_division(c)
        out.append((c, f"{c} {d.name}" if d else c))
    return out


# -- alerts ---------------------------------------------------------------------------------------------------------
def alerts(user, park, enterprise=None, *, today: dt.date | None = None) -> list[dict]:
    """One list of what needs attention, each with a count, a link and its basis; levels: red (overdue), amber (due
    soon or waiting)."""
    today = today or timezone.localdate()
    year = reporting_year(today)
    out: list[dict] = []
    owner = f"ent-{enterprise.pk}" if enterprise is not None else f"park-{park.pk}"

    def scoped(qs, ent_path="enterprise"):
        return qs.filter(**{ent_path: enterprise}) if enterprise is not None else qs

    # overdue data: the reporting year not closed, values waiting for review, drafts returned
    cov_ents = Enterprise.objects.restrict(user).filter(park=park, status=Enterprise.Status.ACTIVE)
    if enterprise is not None:
        cov_ents = cov_ents.filter(pk=enterprise.pk)
    # only the two statuses counted: the (enterprise, year, status) index finds them without reading the year's values
    data = (ActivityRecord.objects.restrict(user).filter(enterprise__park=park, year=year,
                                                         status__in=[ActivityRecord.Status.SUBMITTED, ActivityRecord.Status.REJECTED])
            .aggregate(waiting=Count("id", filter=Q(status=ActivityRecord.Status.SUBMITTED) & _ent_q(enterprise)),
                       returned=Count("id", filter=Q(status=ActivityRecord.Status.REJECTED) & _ent_q(enterprise))))
    not_closed = cov_ents.exclude(pk__in=InventoryStatement.objects.filter(
        park=park, year=year, status__in=OFFICIAL, enterprise__isnull=False).values("enterprise_id")).count()
    if not_closed:
        out.append({"level": "red" if today > dt.date(today.year, 3, 31) else "amber", "kind": "data",
                    "count": not_closed, "year": year, "url": link("inventory:park_statements", park.pk) if enterprise is None
                    else link("inventory:enterprise_statements", enterprise.pk), "code": "not_closed"})
    if data["waiting"]:
        out.append({"level": "amber", "kind": "data", "count": data["waiting"], "year": year,
                    "url": link("carbondata:review"), "code": "waiting"})
    if data["returned"]:
        out.append({"level": "amber", "kind": "data", "count": data["returned"], "year": year,
                    "url": link("carbondata:review"), "code": "returned"})
    # off-track targets
    n = off_track(user, park, enterprise)
    if n:
        out.append({"level": "red", "kind": "targets", "count": n, "year": None, "url": None, "code": "off_track"})
    # open nonconformities and overdue corrective actions
    ncs = scoped(Nonconformity.objects.restrict(user).filter(park=park)).exclude(status="closed")
    n_nc = ncs.count()
    if n_nc:
        out.append({"level": "amber", "kind": "nc", "count": n_nc, "year": None, "url": link("audits:nc_list", owner),
                    "code": "open_nc"})
    late = scoped(CorrectiveAction.objects.restrict(user).filter(park=park, done_on__isnull=True, due_on__lt=today)).count()
    if late:
        out.append({"level": "red", "kind": "nc", "count": late, "year": None, "url": link("audits:nc_list", owner),
                    "code": "late_action"})
    # calibrations due within 30 days or lapsed
    inst = scoped(MeasuringInstrument.objects.restrict(user).filter(enterprise__park=park, in_service=True))
    last_due = Calibration.objects.filter(instrument=OuterRef("pk")).order_by("-due_on").values("due_on")[:1]
    cal = inst.annotate(due=Subquery(last_due)).aggregate(
        lapsed=Count("id", filter=Q(due__lt=today) | Q(due__isnull=True)),
        soon=Count("id", filter=Q(due__gte=today, due__lte=today + CALIBRATION_HORIZON)))
    if cal["lapsed"]:
        out.append({"level": "red", "kind": "calibration", "count": cal["lapsed"], "year": None,
                    "url": link("carbondata:monitoring", enterprise.pk) if enterprise is not None else None, "code": "cal_lapsed"})
    if cal["soon"]:
        out.append({"level": "amber", "kind": "calibration", "count": cal["soon"], "year": None,
                    "url": link("carbondata:monitoring", enterprise.pk) if enterprise is not None else None, "code": "cal_soon"})
    # deadlines: ETS surrender, the user's own tasks due within two weeks, technology evaluations
    m = market(user, park, enterprise)
    if m.get("open") and m.get("next_deadline"):
        out.append({"level": "red" if m["next_deadline"] < today else "amber", "kind": "deadline", "count": m["open"],
                    "year": m["year"], "url": None, "code": "surrender", "date": m["next_deadline"]})
    tasks = Task.objects.filter(user=user, done_at__isnull=True, due_on__lte=today + DEADLINE_HORIZON)
    t = tasks.aggregate(n=Count("id"), first=Max("due_on", filter=Q(due_on__lt=today)))
    if t["n"]:
        out.append({"level": "red" if t["first"] else "amber", "kind": "deadline", "count": t["n"], "year": None,
                    "url": link("conformity:tasks"), "code": "tasks"})
    if enterprise is None:
        from carbonms.zerocarbon.models import Technology

        due = Technology.objects.restrict(user).filter(park=park, retired_on__isnull=True,
                                                       evaluation_due_on__lte=today + DEADLINE_HORIZON).count()
        if due:
            out.append({"level": "amber", "kind": "deadline", "count": due, "year": None,
                        "url": link("zerocarbon:technologies", park.pk), "code": "tech_eval"})
    return sorted(out, key=lambda a: (a["level"] != "red", a["kind"]))


def _ent_q(enterprise) -> Q:
    return Q(enterprise=enterprise) if enterprise is not None else Q()


# -- the two pages --------------------------------------------------------------------------------------------------
def park_cockpit(user, park, request) -> dict:
    stmts = statements(user, park)
    tg = targets(user, park)
    base_year = tg["pathway"].base_year if tg["pathway"] else None
    head = headline(stmts, base_year)
    year = head.get("year") or reporting_year()
    rank_year = _rank_year(request, year)
    return {
        "head": head, "targets": tg, "year": year,
        "share": zerocarbon.renewable_share(park, year, statement=head.get("statement")) if head else None,
        "coverage": coverage(user, park, reporting_year()), "market": market(user, park),
        "ranking": ranking(user, park, rank_year, request), "rank_year": rank_year,
        "rank_years": sorted({s.year for s in stmts}, reverse=True) or [year],
        "industries": industries(user, park), "alerts": alerts(user, park),
    }


def enterprise_cockpit(user, enterprise) -> dict:
    park = enterprise.park
    stmts = statements(user, park, enterprise)
    tg = targets(user, park, enterprise)
    head = headline(stmts, tg["pathway"].base_year if tg["pathway"] else None)
    year = head.get("year") or reporting_year()
    return {
        "head": head, "targets": tg, "year": year,
        "share": zerocarbon.renewable_share(park, year, enterprise, statement=head.get("statement")) if head else None,
        "data": data_status(user, enterprise, reporting_year()), "market": market(user, park, enterprise),
        "assessment": assessment(user, enterprise), "alerts": alerts(user, park, enterprise),
    }


def _rank_year(request, default: int) -> int:
    try:
        y = int(request.GET.get("year", ""))
        return y if 2000 <= y <= 2100 else default
    except ValueError:
        return default


def data_status(user, enterprise, year: int) -> dict:
    """The enterprise's values of ``year`` by status, and the months with at least one value."""
    qs = ActivityRecord.objects.restrict(user).filter(enterprise=enterprise, year=year, is_current=True)
    by = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    months = qs.exclude(status=ActivityRecord.Status.DRAFT).values("month").distinct().count()
    closed = InventoryStatement.objects.restrict(user).filter(enterprise=enterprise, year=year, status__in=OFFICIAL).exists()
    return {"year": year, "by_status": by, "total": sum(by.values()), "months": months, "closed": closed,
            "approved": by.get("approved", 0) + by.get("locked", 0)}


def assessment(user, enterprise) -> dict | None:
    """The enterprise's latest published assessment (grade, total, rank)."""
    from carbonms.governance.models import EnterpriseAssessment

    a = (EnterpriseAssessment.objects.restrict(user).filter(enterprise=enterprise, round__status="published")
         .select_related("round").order_by("-round__year").first())
    return {"obj": a, "year": a.round.year, "url": link("governance:assessment", a.pk)} if a else None

