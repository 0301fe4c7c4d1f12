"""The items of a carbon review and how each is pre-filled from the data (T/CSES 6.3; T/CPQS 7.3.2–7.3.5).

Each item is declared once in :data:`ITEMS` (key, group, clause, title, builder). A builder reads the records
of one management system and year and returns plain JSON::

    {"available": bool, "source": "<where the figures come from>", "rows": [[label, value], …], "note": …}

Labels are message ids (marked with ``gettext_noop``) translated when the item is shown, so that a review
frozen in one language reads in the other; values are numbers, names, dates, or ``{"t": msgid, "p": {…}}`` for
a translatable phrase. An item whose source module has not landed says so (``available`` false with the
reason) instead of showing an empty success.

Builders of other apps (the ledger, the compliance records, targets, baselines, action plans) are looked up
through :func:`_model`, which answers None while the app has no such model: the item then says "not available".
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from carbonms.management.system import System

#: the version of the section JSON
SCHEMA_VERSION = 1


def T(msgid: str, **params) -> dict:
    """A translatable phrase stored in the JSON (translated when shown)."""
    return {"t": msgid, "p": params}


def C(choices, value) -> dict | str:
    """The label of a choice as a translatable phrase (its message id), or the raw value when unknown."""
    from django.utils import translation

    try:
        label = choices(value).label
    except ValueError:
        return str(value)
    with translation.override(None):
        return T(str(label))


def _n(x, digits: int = 1):
    if x is None:
        return None
    try:
        return int(round(float(x))) if digits == 0 else round(float(x), digits)
    except (TypeError, ValueError):
        return None


def _model(app_label: str, name: str):
    """The model ``app_label.name`` or None while that app has not built it."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def unavailable(reason: str, **params) -> dict:
    return {"available": False, "rows": [], "note": T(reason, **params), "source": ""}


@dataclass
class Context:
    """What the builders read: the system, the year, and the statements of the year and the year before."""

    system: System
    year: int

    def __post_init__(self):
        from carbonms.inventory.models import InventoryStatement
        from carbonms.inventory.statements import official_statement

        self.statement = official_statement(park=self.system.park, year=self.year, enterprise=self.system.enterprise)
        self.previous = official_statement(park=self.system.park, year=self.year - 1, enterprise=self.system.enterprise)
        self.Statement = InventoryStatement
        self.start = dt.date(self.year, 1, 1)
        self.end = dt.date(self.year, 12, 31)

    @property
    def park(self):
        return self.system.park

    @property
    def enterprise(self):
        return self.system.enterprise

    def enterprises(self):
        """The entities whose registers this system covers: the enterprise, or every entity of the park."""
        from carbonms.organizations.models import Enterprise

        if self.enterprise is not None:
            return Enterprise.objects.filter(pk=self.enterprise.pk)
        return Enterprise.objects.filter(park=self.park)


# -- builders on data already on main ---------------------------------------------------------------------------

def _statement_rows(st) -> list:
    t = st.totals or {}
    return [
        [gettext_noop("Statement"), T(gettext_noop("#%(n)s, %(basis)s, %(status)s"), n=st.pk, basis=C(type(st).Basis, st.basis),
                            status=C(type(st).Status, st.status))],
        [gettext_noop("Gross emissions (tCO2e)"), _n(t.get("gross"))],
        [gettext_noop("Direct emissions (tCO2e)"), _n(t.get("direct"))],
        [gettext_noop("Indirect emissions from purchased energy (tCO2e)"), _n(t.get("indirect_energy"))],
        [gettext_noop("Removals (tCO2e)"), _n(t.get("removals"))],
        [gettext_noop("Energy consumption (tce)"), _n(t.get("energy_tce"))],
    ]


def b_emissions(ctx: Context) -> dict:
    """T/CPQS 7.3.2 f): the emissions calculated under the applicable guidelines (the statement in force)."""
    st = ctx.statement
    if st is None:
        return unavailable(gettext_noop("No inventory statement in force for %(year)s: approve the year's statement first."), year=ctx.year)
    from carbonms.carbondata.models.register import Category

    rows = _statement_rows(st)
    for cat, v in sorted(((st.totals or {}).get("by_category") or {}).items(), key=lambda kv: -(kv[1] or 0)):
        rows.append([T(gettext_noop("Category: %(c)s"), c=C(Category, cat)), _n(v)])
    cov = st.coverage_fraction
    rows.append([gettext_noop("Data coverage (%)"), None if cov is None else round(100 * cov, 1)])
    if ctx.previous is not None and (ctx.previous.totals or {}).get("gross"):
        g0, g1 = ctx.previous.totals["gross"], (st.totals or {}).get("gross") or 0
        rows.append([gettext_noop("Change on the year before (%)"), round(100 * (g1 - g0) / g0, 1)])
    return {"available": True, "source": T(gettext_noop("Inventory statement #%(n)s"), n=st.pk), "rows": rows,
            "links": [["statement", st.pk]]}


def b_factors(ctx: Context) -> dict:
    """T/CPQS 7.3.2 e): activity data and emission factors (the factor policy frozen on the statement, the sources' methods)."""
    from carbonms.carbondata.models import Source
    from carbonms.carbondata.models.register import Method

    st = ctx.statement
    if st is None:
        return unavailable(gettext_noop("No inventory statement in force for %(year)s: approve the year's statement first."), year=ctx.year)
    pol = st.policy or {}
    rows = [[gettext_noop("GWP set"), st.gwp_set]]
    for key in ("fuel_set", "factor_set", "grid_scope", "grid_year_rule", "grid_region"):
        if pol.get(key):
            rows.append([T(gettext_noop("Factor policy: %(k)s"), k=key), str(pol[key])])
    methods = Counter(Source.objects.filter(enterprise__in=ctx.enterprises(), effective_from__lte=ctx.end)
                      .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=ctx.start)).values_list("method", flat=True))
    for m, n in sorted(methods.items()):
        rows.append([T(gettext_noop("Sources calculated by method: %(m)s"), m=C(Method, m)), n])
    return {"available": True, "source": T(gettext_noop("Inventory statement #%(n)s and the source register"), n=st.pk), "rows": rows}


def b_sources(ctx: Context) -> dict:
    """T/CPQS 7.3.2 d); T/CSES 6.3.1 c): the emission sources and sinks of the year (source register)."""
    from carbonms.carbondata.models import Source
    from carbonms.carbondata.models.register import Category

    qs = Source.objects.filter(enterprise__in=ctx.enterprises())
    in_year = qs.filter(effective_from__lte=ctx.end).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=ctx.start))
    if not in_year.exists():
        return unavailable(gettext_noop("No emission source registered for %(year)s."), year=ctx.year)
    rows = [[gettext_noop("Sources in use during the year"), in_year.count()],
            [gettext_noop("Sources added during the year"), qs.filter(effective_from__range=(ctx.start, ctx.end)).count()],
            [gettext_noop("Sources retired during the year"), qs.filter(effective_to__range=(ctx.start, ctx.end)).count()]]
    for r in in_year.values("category").annotate(n=Count("id")).order_by("-n"):
        rows.append([T(gettext_noop("Category: %(c)s"), c=C(Category, r["category"])), r["n"]])
    return {"available": True, "source": T(gettext_noop("Source register")), "rows": rows}


def b_boundaries(ctx: Context) -> dict:
    """T/CPQS 7.3.2 b): the organisational and operational boundaries in force during the year."""
    from carbonms.organizations.models import Boundary

    qs = (Boundary.objects.filter(park=ctx.park, enterprise=ctx.enterprise, effective_from__lte=ctx.end)
          .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=ctx.start)).annotate(n_sites=Count("sites"))
          .order_by("kind", "effective_from"))
    if not qs:
        return unavailable(gettext_noop("No boundary in force during %(year)s."), year=ctx.year)
    rows = [[T(gettext_noop("Boundary: %(k)s"), k=C(Boundary.Kind, b.kind)), T(gettext_noop("%(approach)s, %(n)s sites, from %(d)s"), approach=C(Boundary.Approach, b.approach), n=b.n_sites,
                                                 d=b.effective_from.isoformat())] for b in qs]
    changed = [b for b in qs if ctx.start <= b.effective_from <= ctx.end]
    rows.append([gettext_noop("Boundary versions that came into force during the year"), len(changed)])
    return {"available": True, "source": T(gettext_noop("Boundaries")), "rows": rows}


def b_industry(ctx: Context) -> dict:
    """T/CPQS 7.3.2 c): leading industries, processes and services (enterprise register and products)."""
    from carbonms.carbondata.models import Product

    ents = ctx.enterprises().filter(kind="enterprise")
    if not ents.exists():
        return unavailable(gettext_noop("No enterprise registered."))
    by_industry = list(ents.values("industry_code", "industry_name").annotate(n=Count("id")).order_by("-n", "industry_code"))
    rows = [[gettext_noop("Enterprises registered"), ents.count()], [gettext_noop("Industries (GB/T 4754 classes)"), len(by_industry)]]
    for r in by_industry[:8]:
        rows.append([T(gettext_noop("Industry %(code)s %(name)s"), code=r["industry_code"], name=r["industry_name"]), r["n"]])
    products = Product.objects.filter(enterprise__in=ents, active=True, kind="product")
    rows.append([gettext_noop("Products in production"), products.count()])
    if ctx.enterprise is not None:
        rows += [[T(gettext_noop("Product %(code)s"), code=p.code), f"{p.name} ({p.unit})"] for p in products[:10]]
    return {"available": True, "source": T(gettext_noop("Enterprise register and products")), "rows": rows}


def b_obligations(ctx: Context) -> dict:
    """T/CPQS 7.3.2 a): the applicable laws and regulations (the compliance obligations register and its evaluations)."""
    from carbonms.management.models import ComplianceEvaluation, ComplianceObligation

    obl = ctx.system.filter(ComplianceObligation.objects.filter(applicable=True)).exclude(status="closed")
    if not obl.exists():
        return unavailable(gettext_noop("No applicable compliance obligation registered."))
    rows = [[gettext_noop("Applicable obligations"), obl.count()]]
    evals = ctx.system.filter(ComplianceEvaluation.objects.filter(evaluated_on__range=(ctx.start, ctx.end + dt.timedelta(days=120))))
    for r in evals.values("result").annotate(n=Count("id")).order_by("result"):
        rows.append([T(gettext_noop("Evaluations: %(r)s"), r=C(ComplianceEvaluation.Result, r["result"])), r["n"]])
    rows += [[T(gettext_noop("Obligation: %(title)s"), title=o.title), o.reference] for o in obl[:10]]
    return {"available": True, "source": T(gettext_noop("Compliance obligations register")), "rows": rows}


def b_calibration(ctx: Context) -> dict:
    """T/CPQS 7.3.2 j): use, maintenance and calibration of facilities and equipment (measuring equipment)."""
    from carbonms.carbondata.models import MeasuringInstrument

    instruments = list(MeasuringInstrument.objects.filter(enterprise__in=ctx.enterprises(), in_service=True)
                       .prefetch_related("calibrations"))
    if not instruments:
        return unavailable(gettext_noop("No measuring equipment in service is registered."))
    on = min(ctx.end, timezone.localdate())
    lapsed = [i for i in instruments if not i.valid_on(on)]
    rows = [[gettext_noop("Measuring equipment in service"), len(instruments)],
            [T(gettext_noop("Calibrated on %(d)s"), d=on.isoformat()), len(instruments) - len(lapsed)],
            [gettext_noop("Not covered by a calibration"), len(lapsed)]]
    rows += [[T(gettext_noop("Not calibrated: %(code)s"), code=i.code), i.name] for i in lapsed[:10]]
    return {"available": True, "source": T(gettext_noop("Monitoring plan and measuring equipment")), "rows": rows}


def b_factors_influencing(ctx: Context) -> dict:
    """T/CPQS 7.3.2 g): the factors that influence emissions (indicators against their expected values, output and
    value added against emissions)."""
    from . import indicators
    from .models import Indicator

    inds = list(ctx.system.filter(Indicator.objects.filter(active=True)))
    st, prev = ctx.statement, ctx.previous
    rows = []
    for ind in inds:
        v = indicators.value_for(ind, ctx.year, st) if st is not None else None
        if v is not None and v.value is not None:
            rows.append([T(gettext_noop("Indicator %(code)s (%(unit)s)"), code=ind.code, unit=indicators.unit_of(ind)),
                         T(gettext_noop("%(v)s; %(dev)s %% from the expected value"), v=_n(v.value, 4),
                           dev="—" if v.deviation_pct is None else str(v.deviation_pct))])
    if st is not None and prev is not None:
        for key, label in (("value_added_10k_yuan", gettext_noop("Value added, change on the year before (%)")),
                           ("output_value_10k_yuan", gettext_noop("Output value, change on the year before (%)"))):
            a, b = (prev.denominators or {}).get(key), (st.denominators or {}).get(key)
            if a and b and float(a):
                rows.append([label, round(100 * (float(b) - float(a)) / float(a), 1)])
        e0, e1 = (prev.totals or {}).get("energy_tce"), (st.totals or {}).get("energy_tce")
        if e0 and e1:
            rows.append([gettext_noop("Energy consumption, change on the year before (%)"), round(100 * (e1 - e0) / e0, 1)])
    if not rows:
        return unavailable(gettext_noop("No indicator value and no two consecutive statements to compare for %(year)s."), year=ctx.year)
    return {"available": True, "source": T(gettext_noop("Performance indicators and inventory statements")), "rows": rows}


def b_data_module(ctx: Context) -> dict:
    """T/CSES 6.3.1: carbon-emission data management and assessment (accounting, then the carbon assessment:
    opportunities ranked, trend and pathway)."""
    from . import planning_data

    out = b_emissions(ctx)
    out.setdefault("rows", []).extend(planning_data.opportunities_rows(ctx))
    return out


def b_targets(ctx: Context) -> dict:
    """T/CSES 6.3.2; T/CPQS 7.1: dual-carbon strategy and targets (targets and their progress)."""
    from . import planning_data

    return planning_data.targets_section(ctx)


def b_baselines(ctx: Context) -> dict:
    """T/CPQS 7.3.2 i): the emission baselines and advanced values."""
    from . import planning_data

    return planning_data.baselines_section(ctx)


def b_measures(ctx: Context) -> dict:
    """T/CPQS 7.3.2 h): reduction measures and their effect (action plans)."""
    from . import planning_data

    return planning_data.measures_section(ctx)


def _app_records(app_label: str, ctx: Context, reason: str) -> dict:
    """An item pre-filled with the records another app keeps for this park (counted per record type), or "not
    available" while that app has no models."""
    models = [m for m in apps.get_app_config(app_label).get_models() if hasattr(m, "scope_park")]
    if not models:
        return unavailable(reason)
    rows = []
    for m in models:
        try:
            qs = m.objects.filter(**{m.scope_park: ctx.park.pk})
        except Exception:  # noqa: BLE001 - a model whose scope lookup does not filter: skip it
            continue
        rows.append([T(gettext_noop("Records: %(name)s"), name=str(m._meta.verbose_name_plural)), qs.count()])
    return {"available": any(r[1] for r in rows), "source": T(gettext_noop("Records of the %(app)s module"), app=app_label), "rows": rows,
            "note": "" if any(r[1] for r in rows) else T(gettext_noop("The module exists but holds no record for this park yet."))}


def b_energy(ctx):
    return _app_records("zerocarbon", ctx, gettext_noop("Not available: the zero-carbon energy and infrastructure module has not landed."))


def b_technology(ctx):
    return _app_records("zerocarbon", ctx, gettext_noop("Not available: the technology positive list has not landed."))


def b_industry_optimization(ctx):
    return _app_records("governance", ctx, gettext_noop("Not available: project admission and exit have not landed."))


def b_coordination(ctx: Context) -> dict:
    """T/CSES 6.3.6: internal and external coordination (communications log; annual assessment when it lands)."""
    from carbonms.management.models import Communication

    comms = ctx.system.filter(Communication.objects.filter(occurred_on__range=(ctx.start, ctx.end)))
    gov = _app_records("governance", ctx, gettext_noop("Not available: the annual assessment of enterprises has not landed."))
    rows = [[gettext_noop("Communications logged during the year"), comms.count()],
            [gettext_noop("Enterprises in the park"), ctx.enterprises().filter(kind="enterprise").count()]] + gov["rows"]
    return {"available": True, "source": T(gettext_noop("Communications log and enterprise register")), "rows": rows,
            "note": gov.get("note", "")}


def b_trading(ctx):
    from . import asset_data

    return asset_data.trading_section(ctx)


def b_assets(ctx):
    from . import asset_data

    return asset_data.assets_section(ctx)


def b_neutrality(ctx):
    from . import asset_data

    return asset_data.neutrality_section(ctx)


@dataclass(frozen=True)
class Item:
    key: str
    group: str
    clause: str
    title: Any
    builder: Callable[[Context], dict]
    park_only: bool = False


GROUPS = [
    ("modules", _("Park modules (T/CSES 6.3)")),
    ("annual", _("Annual review items (T/CPQS 7.3.2)")),
    ("trading", _("Carbon trading review (T/CPQS 7.3.3)")),
    ("assets", _("Carbon asset review (T/CPQS 7.3.4)")),
    ("neutrality", _("Carbon neutrality review (T/CPQS 7.3.5)")),
]

ITEMS: list[Item] = [
    Item("m1_data", "modules", "T/CSES 6.3.1", _("Carbon-emission data management and assessment"), b_data_module, True),
    Item("m2_strategy", "modules", "T/CSES 6.3.2", _("Dual-carbon strategy and targets"), b_targets, True),
    Item("m3_energy", "modules", "T/CSES 6.3.3", _("Zero-carbon energy and infrastructure"), b_energy, True),
    Item("m4_technology", "modules", "T/CSES 6.3.4", _("Low-carbon and zero-carbon technology management"), b_technology, True),
    Item("m5_industry", "modules", "T/CSES 6.3.5", _("Industry and resource optimisation"), b_industry_optimization, True),
    Item("m6_coordination", "modules", "T/CSES 6.3.6", _("Internal and external coordination"), b_coordination, True),
    Item("a_law", "annual", "T/CPQS 7.3.2 a)", _("Applicable laws and regulations"), b_obligations),
    Item("b_boundaries", "annual", "T/CPQS 7.3.2 b)", _("Organisational and operational boundaries"), b_boundaries),
    Item("c_industry", "annual", "T/CPQS 7.3.2 c)", _("Leading industries, processes and services"), b_industry),
    Item("d_sources", "annual", "T/CPQS 7.3.2 d)", _("Emission sources"), b_sources),
    Item("e_factors", "annual", "T/CPQS 7.3.2 e)", _("Activity data and emission factors"), b_factors),
    Item("f_emissions", "annual", "T/CPQS 7.3.2 f)", _("Emissions calculated under the applicable guidelines"), b_emissions),
    Item("g_drivers", "annual", "T/CPQS 7.3.2 g)", _("Factors that influence emissions"), b_factors_influencing),
    Item("h_measures", "annual", "T/CPQS 7.3.2 h)", _("Reduction measures and their effect"), b_measures),
    Item("i_baselines", "annual", "T/CPQS 7.3.2 i)", _("Emission baselines and advanced values"), b_baselines),
    Item("j_calibration", "annual", "T/CPQS 7.3.2 j)", _("Use, maintenance and calibration of equipment"), b_calibration),
    Item("t_trading", "trading", "T/CPQS 7.3.3 a)–e)", _("Trading in the national, voluntary and local markets, derivatives and obligations"), b_trading),
    Item("s_assets", "assets", "T/CPQS 7.3.4 a)–f)", _("Carbon assets: categories, measurement, risks, projects and value"), b_assets),
    Item("n_neutrality", "neutrality", "T/CPQS 7.3.5 a)–d)", _("Carbon neutrality: basis, subject, offsets, dates and declarations"), b_neutrality),
]

_BY_KEY = {i.key: i for i in ITEMS}


def title_of(key: str):
    item = _BY_KEY.get(key)
    return item.title if item else key


def item_of(key: str) -> Item | None:
    return _BY_KEY.get(key)


def items_for(system: System) -> list[Item]:
    """The items of a system's review: the park modules only in the park's own system."""
    return [i for i in ITEMS if not i.park_only or system.enterprise is None]


def assemble(system: System, year: int) -> dict[str, dict]:
    """Every item of the system's review for ``year``, pre-filled from the data now."""
    ctx = Context(system, year)
    return {i.key: {"_schema": SCHEMA_VERSION, **i.builder(ctx)} for i in items_for(system)}
