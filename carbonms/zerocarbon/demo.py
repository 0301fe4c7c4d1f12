"""Demo data of the zero-carbon plan and the technology positive list (issue 14 items 1–2): an approved plan
2024–2030 with yearly targets, an infrastructure register, renewable supply of the demo years (on-site PV, a
green-power contract and green certificates with their IDs), measured indicator values and a technology list with an
evaluation and a demonstration project. Quantities of renewable supply follow the park's purchased electricity so
that the shares are plausible."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from carbonms.accounts.models import RoleAssignment
from carbonms.accounts.roles import Role
from carbonms.organizations.models import Enterprise

from . import selectors, services
from .models import ZeroCarbonPlan


def _user(park, role):
    ra = RoleAssignment.objects.filter(park=park, role=role, enterprise=None).select_related("user").order_by("pk").first()
    return ra.user if ra else None


def build(park, enterprises) -> dict:
    officer, reviewer = _user(park, Role.PARK_CARBON_OFFICER), _user(park, Role.REVIEWER)
    if officer is None or reviewer is None or ZeroCarbonPlan.objects.filter(park=park).exists():
        return {}
    year = timezone.localdate().year - 1
    facilities = Enterprise.objects.filter(park=park, kind=Enterprise.Kind.PARK_FACILITIES).first() or enterprises[0]
    e0, e1 = enterprises[0], enterprises[min(1, len(enterprises) - 1)]

    plan = services.plan_save(actor=officer, park=park, data={
        "title": "园区零碳能源与基础设施发展规划（2024—2030）", "first_year": year - 1, "last_year": 2030,
        "summary": "可再生能源：屋顶分布式光伏全覆盖、绿电直供与绿证采购；能源系统数字化与余热梯级利用；"
                   "配置电化学储能；新建建筑按零碳建筑设计，公共充电设施覆盖全部园区道路。"})
    path = {year - 1: (12, 4, 9000, 35, 2, 120), year: (18, 10, 14000, 40, 3, 200), year + 1: (25, 20, 20000, 45, 4, 300),
            2028: (40, 40, 30000, 55, 6, 500), 2030: (60, 60, 45000, 65, 10, 800)}
    for y, (re, storage, pv, cascade, buildings, charging) in path.items():
        for ind, v in (("renewable_share", re), ("storage_mwh", storage), ("pv_kwp", pv), ("cascade_use", cascade),
                       ("zero_carbon_buildings", buildings), ("charging_points", charging)):
            services.target_save(actor=officer, plan=plan, data={"year": y, "indicator": ind, "value": Decimal(v)})
    services.plan_approve(actor=reviewer, plan=plan)

    items = [
        (facilities, "pv", "园区管委会及公共建筑屋顶光伏", 2400, dt.date(year - 2, 6, 30)),
        (e0, "pv", f"{e0.short_name or e0.name}厂房屋顶分布式光伏", 6800, dt.date(year - 1, 9, 1)),
        (e1, "pv", f"{e1.short_name or e1.name}车棚光伏", 1200, dt.date(year, 4, 15)),
        (facilities, "storage", "园区储能电站（一期）", 8, dt.date(year, 10, 1)),
        (facilities, "heat_network", "余热回收供热管网", 12, dt.date(year - 3, 11, 1)),
        (facilities, "charging", "园区公共充电桩", 160, dt.date(year - 1, 3, 1)),
        (facilities, "building", "园区综合服务中心（零碳建筑）", 12000, dt.date(year - 1, 12, 20)),
        (e0, "building", f"{e0.short_name or e0.name}研发楼（近零能耗）", 8500, dt.date(year, 8, 1)),
        (facilities, "storage", "园区储能电站（二期）", 12, dt.date(year + 1, 6, 30)),
    ]
    made = {}
    for owner, kind, name, cap, on in items:
        made[name] = services.infrastructure_save(actor=officer, park=park, data={
            "enterprise": owner, "kind": kind, "name": name, "capacity": Decimal(cap), "commissioned_on": on})

    for y in (year - 1, year):
        purchased = selectors.renewable_share(park, y)["purchased_mwh"] or Decimal("100000")
        factor = Decimal("0.06") if y < year else Decimal("0.09")
        onsite_park = (purchased * Decimal("0.02")).quantize(Decimal("1"))
        services.supply_save(actor=officer, park=park, data={
            "year": y, "kind": "onsite", "mwh": onsite_park, "infrastructure": made["园区管委会及公共建筑屋顶光伏"],
            "enterprise": facilities, "reference": f"{y} 自发自用电量（关口表）"})
        services.supply_save(actor=officer, park=park, data={
            "year": y, "kind": "onsite", "mwh": (purchased * Decimal("0.03")).quantize(Decimal("1")), "enterprise": e0,
            "infrastructure": made[f"{e0.short_name or e0.name}厂房屋顶分布式光伏"], "reference": f"{y} 自发自用电量"})
        services.supply_save(actor=officer, park=park, data={
            "year": y, "kind": "green_power", "mwh": (purchased * factor).quantize(Decimal("1")), "enterprise": e1,
            "reference": f"LVDIAN-{y}-031", "supplier": "江苏电力交易中心 绿电交易"})
        services.supply_save(actor=officer, park=park, data={
            "year": y, "kind": "certificate", "mwh": Decimal(50), "reference": f"GEC-{y}-园区",
            "supplier": "中国绿色电力证书交易平台",
            "certificate_ids": [f"GEC{y}3206{n:06d}" for n in range(1, 51)]})
    for y, vals in ((year - 1, (22, 84.5, 41, 88)), (year, (27, 86.2, 46, 90.5))):
        for ind, v in zip(("clean_energy_share", "solid_waste_reuse", "waste_heat_reuse", "water_reuse"), vals, strict=True):
            services.indicator_value_save(actor=officer, park=park, data={
                "year": y, "indicator": ind, "value": Decimal(str(v)), "source": f"园区{y}年度能源与资源统计报表"})

    techs = [
        ("分布式光伏+储能一体化", "a", "4419 3011 3120", "替代外购电 10–30 %", 80, 220, "mature", "国家重点节能低碳技术推广目录（2024年本）"),
        ("工业余热梯级利用与热泵回收", "c", "26 30 31", "该工序排放的 8–15 %", 40, 160, "mature", "工业和信息化部 国家工业节能降碳技术装备推荐目录"),
        ("电窑炉替代燃气窑炉", "a", "3041 3071", "窑炉排放的 60–90 %（随电网因子）", 150, 420, "early", "国家重点节能低碳技术推广目录（2024年本）"),
        ("燃烧后二氧化碳捕集（胺法）", "b", "4411 3011", "捕集率 85–90 %", 300, 600, "demonstration", "国家绿色低碳先进技术成果目录"),
        ("能碳管理平台与在线监测", "e", "", "管理节能 2–5 %", 0, 50, "mature", "园区推荐"),
    ]
    for i, (name, cat, inds, pot, lo, hi, mat, ref) in enumerate(techs):
        t = services.technology_save(actor=officer, park=park, data={
            "name": name, "category": cat, "industries": inds, "abatement_potential": pot, "cost_low": Decimal(lo),
            "cost_high": Decimal(hi), "maturity": mat, "reference_catalogue": ref, "listed_on": dt.date(year - 1, 3, 1),
            "evaluation_due_on": dt.date(year + 1, 3, 1) if i else timezone.localdate() + dt.timedelta(days=5),
            "owner": officer})
        if i == 1:
            services.technology_evaluate(actor=officer, technology=t, data={
                "evaluated_on": dt.date(year, 3, 10), "conclusion": "update", "next_due_on": dt.date(year + 1, 3, 10),
                "findings": "两家企业示范运行一年，实测节能率 11 %，成本区间下调。"})
            services.demonstration_save(actor=officer, technology=t, data={
                "enterprise": e0, "name": f"{e0.short_name or e0.name}余热回收改造示范", "status": "running",
                "started_on": dt.date(year - 1, 5, 1), "investment_10k_yuan": Decimal("860"), "abatement_t": Decimal("5200"),
                "results": "回收烟气余热 12 MW，替代燃气锅炉蒸汽；年减排约 5,200 tCO₂e。"})
    return {"zero_carbon_plan": 1, "technologies": len(techs)}
