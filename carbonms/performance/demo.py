"""Demo targets and baselines (issue 12): the park's 2024 baseline from its statement of record, a park target
for 2030 (−18 % absolute, with a 2 % reserve for new entrants) drafted by the park carbon office, reviewed and
approved by the park's top management and published; allocations to every enterprise on the park-counted basis
(uniform rate), issued; the first enterprise accepts its 目标责任书 and decomposes its target to its largest
unit; an intensity target per 10⁴ yuan of value added where the statements carry value added. Progress is read
from the 2025 statements of record."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from carbonms.accounting.categories import CATEGORY_CODES
from carbonms.accounts.models import User
from carbonms.inventory.models import RunResult
from carbonms.inventory.statements import official_statement
from carbonms.organizations.models import Enterprise

from . import services, tracking
from .models import DEFAULT_CATEGORIES, CountingBasis, Metric, TargetAllocation

BASE_YEAR = 2024


def _u(name):
    return User.objects.filter(username=name).first()


def build(park, enterprises) -> None:
    officer, park_reviewer, park_top = _u("park_officer"), _u("park_reviewer"), _u("park_admin")
    if not (officer and park_reviewer and park_top):
        return
    st = official_statement(park=park, year=BASE_YEAR)
    if st is None:
        return
    # every emission category of the statement (removals apart): Σ of the park-counted contributions closes on it
    cats = [c for c in CATEGORY_CODES if c != "removal" and c in (st.totals.get("by_category") or {})] or DEFAULT_CATEGORIES
    value = services.statement_value(st, cats)[0]
    base = services.baseline_save(actor=officer, park=park, data={
        "name": "园区碳排放基准（2024年）", "period_start": dt.date(BASE_YEAR, 1, 1), "period_end": dt.date(BASE_YEAR, 12, 31),
        "value": value.quantize(Decimal("0.000001")), "categories": cats, "gwp_set": st.gwp_set,
        "counting_basis": CountingBasis.PARK_TOTAL, "statement": st, "metric": Metric.ABSOLUTE,
        "rationale": "2024年为园区首个完整核算年度，数据经批准并锁定，作为园区碳达峰行动的基准年（T/CIECCPA 8.2.2.7）。"})
    services.baseline_approve(actor=park_reviewer, baseline=base)
    # an error found in the base year, far below the 5 % threshold: a recorded "no recalculation" decision
    services.trigger_add(actor=officer, baseline=base, kind="error", description="2024年3月某企业天然气计量数据重复录入一次（已更正）",
                         base_year_effect=-(value * Decimal("0.004")).quantize(Decimal("0.01")))
    decision = services.adjustment_propose(actor=officer, baseline=base, evidence="数据核查记录及更正后的台账；累计影响低于5%阈值，不重新计算基准。")
    services.adjustment_approve(actor=park_top, adjustment=decision)
    target = services.target_save(actor=officer, park=park, data={
        "code": "P-2030-ABS", "title": "2030年园区碳排放总量较2024年下降18%", "metric": Metric.ABSOLUTE,
        "objective": "落实园区碳达峰实施方案：2030年前实现碳排放达峰并稳中有降。", "categories": cats, "gwp_set": st.gwp_set,
        "counting_basis": CountingBasis.PARK_TOTAL, "baseline": base, "start_year": BASE_YEAR + 1, "target_year": 2030,
        "method": "reduction_pct", "reduction_pct": Decimal("18"), "unit_label": "tCO2e",
        "reserve": (value * Decimal("0.82") * Decimal("0.02")).quantize(Decimal("0.000001"))})
    services.target_step(actor=park_reviewer, target=target, step="review")
    services.target_step(actor=park_top, target=target, step="approve")
    services.target_publish(actor=officer, target=target, published_to="园区门户网站、园区碳排放管理办公室公告栏")
    counted = st.totals.get("by_enterprise") or {}
    members = Enterprise.objects.filter(park=park, pk__in=[int(k) for k, v in counted.items() if v]).order_by("name")
    first = enterprises[0] if enterprises else None
    for ent in members:
        eb = services.baseline_save(actor=officer, park=park, enterprise=ent, data={
            "name": f"{ent.short_name or ent.name}碳排放基准（2024年，园区口径）", "period_start": dt.date(BASE_YEAR, 1, 1),
            "period_end": dt.date(BASE_YEAR, 12, 31), "value": Decimal(str(counted[str(ent.pk)])).quantize(Decimal("0.000001")),
            "categories": cats, "gwp_set": st.gwp_set, "counting_basis": CountingBasis.PARK_COUNTED, "statement": st,
            "rationale": "园区口径贡献量：园区内购入的电力、热力在供应方计一次（园区年度清单 by_enterprise）。"})
        services.baseline_approve(actor=park_reviewer, baseline=eb)
        a = services.allocation_save(actor=officer, park_target=target, enterprise=ent, data={
            "method": TargetAllocation.Method.UNIFORM, "baseline": eb,
            "note": "统一降幅分解：园区目标扣除新入园项目预留后按各企业2024年园区口径排放同比例分解。"})
        services.allocation_issue(actor=officer, allocation=a)
        if first is not None and ent.pk == first.pk and _u("reviewer"):
            services.allocation_accept(actor=_u("reviewer"), allocation=a, letter_number="JH-2025-001")
            _decompose(park, ent, a.target, st)
    _intensity_target(park, officer, park_reviewer, park_top)
    tracking.refresh_all(park)


def _decompose(park, ent, ent_target, park_st) -> None:
    """The first enterprise decomposes its target to its largest unit (by its 2024 results)."""
    admin, top = _u("ent_admin"), _u("reviewer")
    est = official_statement(park=park, year=BASE_YEAR, enterprise=ent)
    if not (admin and top and est):
        return
    row = (RunResult.objects.filter(run_id=est.run_id, source__unit__isnull=False, category__in=ent_target.categories)
           .values("source__unit").annotate(s=Sum("co2e_t")).order_by("-s").first())
    if not row or not row["s"]:
        return
    from carbonms.organizations.models import EmissionUnit

    unit = EmissionUnit.objects.get(pk=row["source__unit"])
    rate = (ent_target.base_value - ent_target.target_value) / ent_target.base_value * 100
    t = services.target_save(actor=admin, park=park, enterprise=ent, unit=unit, parent=ent_target, data={
        "code": f"{ent_target.code}-U1", "title": f"{unit.name}2030年碳排放下降目标", "metric": Metric.ABSOLUTE,
        "categories": ent_target.categories, "gwp_set": ent_target.gwp_set, "counting_basis": CountingBasis.ENTERPRISE,
        "base_year": BASE_YEAR, "base_value": Decimal(str(row["s"])).quantize(Decimal("0.000001")), "start_year": BASE_YEAR + 1,
        "target_year": ent_target.target_year, "method": "reduction_pct", "reduction_pct": (rate + 2).quantize(Decimal("0.01")),
        "objective": "分解企业目标责任书：主要排放单元承担高于企业平均的降幅。"})
    services.target_step(actor=top, target=t, step="review")
    services.target_step(actor=top, target=t, step="approve")
    services.target_publish(actor=admin, target=t, published_to="企业内部通报")


def _intensity_target(park, officer, reviewer, top) -> None:
    st = official_statement(park=park, year=BASE_YEAR)
    cats = [c for c in CATEGORY_CODES if c != "removal" and c in (st.totals.get("by_category") or {})]
    value, _d = services.statement_value(st, cats, metric=Metric.PER_VALUE_ADDED)
    if value is None:
        return
    base = services.baseline_save(actor=officer, park=park, data={
        "name": "园区单位增加值碳排放基准（2024年）", "metric": Metric.PER_VALUE_ADDED, "period_start": dt.date(BASE_YEAR, 1, 1),
        "period_end": dt.date(BASE_YEAR, 12, 31), "value": value.quantize(Decimal("0.000001")), "unit_label": "tCO2e/万元",
        "categories": cats, "gwp_set": st.gwp_set, "counting_basis": CountingBasis.PARK_TOTAL, "statement": st})
    services.baseline_approve(actor=reviewer, baseline=base)
    t = services.target_save(actor=officer, park=park, data={
        "code": "P-2030-INT", "title": "2030年园区单位工业增加值碳排放较2024年下降22%", "metric": Metric.PER_VALUE_ADDED,
        "categories": cats, "gwp_set": st.gwp_set, "counting_basis": CountingBasis.PARK_TOTAL, "baseline": base,
        "start_year": BASE_YEAR + 1, "target_year": 2030, "method": "reduction_pct", "reduction_pct": Decimal("22"),
        "unit_label": "tCO2e/万元", "objective": "碳排放强度约束性指标（T/CSES 5.1 a) 2)）。"})
    services.target_step(actor=reviewer, target=t, step="review")
    services.target_step(actor=top, target=t, step="approve")
    services.target_publish(actor=officer, target=t, published_to="园区门户网站")
