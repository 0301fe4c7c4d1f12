"""Demo data of the carbonreview app (runs after the other builders: order 900).

For the demo park: performance indicators computed from the statements of the two closed years, one deviation
beyond its threshold investigated and concluded, and the carbon review of the demo year pre-filled, with findings
and conclusions, reviewed by the management representative (``park_officer``) and approved by top management
(``park_admin``). For the first enterprise: its indicators and a draft review. Built through the services, as the
demo users would.
"""
from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from carbonms.accounts.models import User
from carbonms.inventory.statements import official_statement
from carbonms.management.system import System

from . import indicators as values
from . import services
from .models import Indicator


def _u(name):
    return User.objects.filter(username=name).first()


FINDINGS = {
    True: ("已核对预填数据与台账、核算报告一致，本项运行有效。", "adequate"),
    False: ("本项所需数据模块尚未上线，本年度暂不评审，待数据具备后在新版本中补充。", "na"),
}
IMPROVE = {
    "g_drivers": "单位增加值碳排放强度高于预期值，已开展偏差调查；需加强产量与能效的联动分析。",
}


def _baselines(system) -> dict:
    """The approved baselines of the system by metric (from the targets demo, when it ran first)."""
    from carbonms.performance.models import Baseline

    qs = Baseline.objects.filter(park=system.park, enterprise=system.enterprise, unit__isnull=True, status="approved")
    return {b.metric: b for b in qs.order_by("version")}


METRIC_OF = {("gross", ""): "absolute", ("gross", "value_added"): "intensity_value_added", ("energy_co2", "energy_tce"): "intensity_energy"}


def _indicators(system, officer, year, specs):
    made = []
    baselines = _baselines(system)
    for code, name, kind, num, den, product, factor in specs:
        baseline = baselines.get(METRIC_OF.get((str(num), str(den))))
        ind = services.indicator_save(actor=officer, system=system, data={
            "code": code, "name": name, "kind": kind, "numerator": num, "denominator": den, "product_code": product or "",
            "baseline": baseline,
            "relevant_variables": "产量, 增加值" if kind == Indicator.Kind.REGRESSION else "",
            "data_source": "经批准的年度碳排放核算报表与产量、增加值台账", "owner": officer, "frequency": "annual"})
        prev = values.value_for(ind, year - 1)
        if prev.value is not None and factor is not None and (baseline is None or code.endswith("-02")):
            ind = services.indicator_save(actor=officer, indicator=ind, data={
                "expected_value": (prev.value * Decimal(factor)).quantize(Decimal("0.000001"))})
        made.append(ind)
    return made


def build(park, enterprises) -> None:
    officer, top = _u("park_officer"), _u("park_admin")
    if officer is None or top is None:
        return
    year = timezone.localdate().year - 1
    system = System(park, None)
    if official_statement(park=park, year=year) is None:
        return
    K, N, D = Indicator.Kind, Indicator.Numerator, Indicator.Denominator
    inds = _indicators(system, officer, year, [
        ("P-01", "园区碳排放总量", K.MEASURED, N.GROSS, "", None, "0.97"),
        ("P-02", "单位增加值碳排放强度", K.RATIO, N.GROSS, D.VALUE_ADDED, None, "0.80"),
        ("P-03", "单位能耗碳排放", K.RATIO, N.ENERGY_CO2, D.ENERGY, None, "0.98"),
        ("P-04", "园区综合能源消费量", K.MEASURED, N.ENERGY, "", None, "1.00"),
    ])
    for ind in inds:  # a deviation beyond its threshold is investigated and concluded
        v = values.value_for(ind, year)
        if v.exceeds:
            inv = services.investigation_open(actor=officer, indicator=ind, year=year)
            services.investigation_conclude(
                actor=officer, investigation=inv,
                causes={"cause_scope": False, "cause_methodology": False, "cause_data_missing": True,
                        "cause_data_unreliable": False, "cause_offsets": False, "cause_other": False},
                analysis="部分企业增加值数据按现价填报、未统一折算为可比价，且园区设施的增加值缺报，强度分母偏小。",
                conclusion="偏差主要由分母数据缺失造成，并非绩效恶化；要求统计口径统一为2020年可比价并补报缺失数据。",
                real_change=False, raise_nonconformity=True)
            break
    review = services.review_create(actor=officer, system=system, year=year)
    _conclude(review, officer)
    services.review_mark_reviewed(actor=officer, review=review)
    services.review_approve(actor=top, review=review, summary=(
        f"{year}年度碳评审覆盖园区六大模块和年度评审事项a)～j)：碳排放数据、边界、排放源、合规义务和计量器具校准状态运行有效；"
        "单位增加值碳排放强度偏离预期，已调查并整改；尚未上线的数据模块在下一版本中补充评审。"))

    ent_admin = _u("ent_admin")
    if enterprises and ent_admin is not None:
        ent_system = System(park, enterprises[0])
        if official_statement(park=park, year=year, enterprise=enterprises[0]) is not None:
            _indicators(ent_system, ent_admin, year, [
                ("E-01", "企业碳排放总量", K.MEASURED, N.GROSS, "", None, "0.97"),
                ("E-02", "单位增加值碳排放强度", K.RATIO, N.GROSS, D.VALUE_ADDED, None, "0.95"),
                ("E-03", "单位能耗碳排放", K.RATIO, N.ENERGY_CO2, D.ENERGY, None, "0.99"),
            ])
            services.review_create(actor=ent_admin, system=ent_system, year=year)


def _conclude(review, actor) -> None:
    for s in review.sections.all():
        text, conclusion = FINDINGS[s.available]
        if s.available and s.key in IMPROVE:
            text, conclusion = IMPROVE[s.key], "improve"
        services.section_save(actor=actor, section=s, findings=text, conclusion=conclusion)
