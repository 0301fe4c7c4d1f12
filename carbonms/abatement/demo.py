"""Demo: opportunities, action plans and pathway scenarios of the demo park and several enterprises.

Runs after the targets builder (order 200 > the performance builder's 100) so that the park target and the
enterprise targets it allocates exist; without them the plan lines are made without a target. Activity before a
measure is the source's approved activity of the demo year; after it, the share the measure saves. The savings
shares, costs and lifetimes are typical figures of the measures named (order of magnitude, for demonstration).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from carbonms.accounts.models import User
from carbonms.carbondata.models import ActivityRecord, Source
from carbonms.organizations.models import Enterprise

from . import services
from .models import ActionLine, Opportunity

YEAR = timezone.localdate().year - 1


def _u(name):
    return User.objects.filter(username=name).first()


def _annual(source: Source) -> tuple[float, str] | None:
    row = (ActivityRecord.objects.filter(source=source, year=YEAR, is_current=True).values("unit")
           .annotate(total=Sum("amount")).order_by("-total").first())
    return (float(row["total"]), row["unit"]) if row and row["total"] else None


def _rows(source: Source, share: float, *, after_material: str | None = None, after_share: float | None = None):
    """(before, after) rows of a source: the year's activity and what is left after saving ``share``; with
    ``after_material`` the saved part is replaced by that material in the proportion ``after_share``."""
    got = _annual(source)
    if got is None:
        return None
    amount, unit = got
    row = {"category": source.category, "method": source.method, "material": source.material, "unit": unit}
    before = [{**row, "amount": round(amount, 3)}]
    after = [{**row, "amount": round(amount * (1 - share), 3)}]
    if after_material:
        after.append({**after_material_row(after_material), "amount": round(amount * share * (after_share or 1), 3)})
    return before, after


def after_material_row(material: str) -> dict:
    return {"天然气": {"category": "stationary_combustion", "method": "fuel_combustion", "material": "天然气", "unit": "万立方米"},
            "电力": {"category": "purchased_electricity", "method": "emission_factor", "material": "电力", "unit": "MWh"}}[material]


OPPORTUNITIES = {
    # enterprise index (None: the park facilities) → [(code, title, category, stage, source code, share, capex, Δopex,
    # lifetime, description)]
    None: [
        ("P-OPP-01", "园区公共建筑屋顶分布式光伏（3.5 MWp）", "energy_structure", "source", "ELEC-01", 0.35, 14_000_000,
         -1_900_000, 25, "管委会办公楼、公共服务中心、停车场车棚建设分布式光伏，自发自用、余电上网。"),
        ("P-OPP-02", "集中供热站燃气锅炉烟气余热深度回收", "efficiency", "process", "NG-01", 0.06, 2_600_000, -420_000, 15,
         "加装冷凝式烟气余热回收器与吸收式热泵，排烟温度由 150 ℃ 降至 50 ℃ 以下。"),
        ("P-OPP-03", "公务车辆电动化替代", "infrastructure", "source", "GSL-01", 0.8, 1_800_000, -160_000, 8,
         "公务用车分批更换为纯电动车，配套建设充电桩。"),
    ],
    0: [
        ("G-OPP-01", "电机系统变频调速与高效电机替换", "efficiency", "process", "ELEC-01", 0.05, 18_000_000, -9_500_000, 15,
         "风机、水泵系统变频改造，淘汰低效电机，更换为 IE3 及以上电机。"),
        ("G-OPP-02", "轧钢加热炉蓄热式燃烧改造", "efficiency", "process", "COG-01", 0.12, 22_000_000, -3_200_000, 15,
         "加热炉采用蓄热式燃烧与智能燃烧控制，降低单位钢材燃耗。"),
        ("G-OPP-03", "厂房屋顶分布式光伏（12 MWp）", "energy_structure", "source", "ELEC-01", 0.04, 46_000_000, -6_100_000, 25,
         "利用厂房屋顶建设分布式光伏，所发电力全部自用。"),
        ("G-OPP-04", "天然气锅炉富氧燃烧与余热回收", "efficiency", "process", "NG-01", 0.08, 3_500_000, 150_000, 12,
         "动力车间锅炉富氧燃烧改造，回收排烟余热预热助燃空气。"),
    ],
    3: [
        ("C-OPP-01", "水泥窑纯低温余热发电扩容", "efficiency", "process", "ELEC-01", 0.2, 32_000_000, -8_800_000, 20,
         "新增 6 MW 余热发电机组，回收窑头、窑尾废气余热，减少外购电力。"),
        ("C-OPP-02", "燃煤部分替代为天然气（窑头燃烧器）", "energy_structure", "source", "COAL-01", 0.1, 9_000_000, 14_000_000, 10,
         "窑头燃烧器改为煤气混烧，10% 热量由天然气提供。"),
    ],
}


def _opportunity(actor, park, ent, spec):
    code, title, category, stage, src_code, share, capex, dopex, life, text = spec
    owner_ent = ent or Enterprise.objects.filter(park=park, kind=Enterprise.Kind.PARK_FACILITIES).first()
    source = Source.objects.filter(enterprise=owner_ent, code=src_code).first() if owner_ent else None
    if source is None:
        return None
    replace = {"C-OPP-02": ("天然气", 0.0645)}.get(code)
    # 1 t 烟煤 ≈ 19.57 GJ; 1 万m³ 天然气 ≈ 389.31 GJ: the heat of 0.1 t coal needs ≈ 0.0050 万m³ of gas
    rows = _rows(source, share, after_material=replace[0] if replace else None,
                 after_share=(19.57 / 389.31) if replace else None)
    if rows is None:
        return None
    data = {"code": code, "title": title, "description": text, "category": category, "stage": stage, "capex": Decimal(capex),
            "delta_opex": Decimal(dopex), "lifetime_years": life, "discount_rate_pct": Decimal("8"), "owner": actor,
            "activity_before": rows[0], "activity_after": rows[1], "gwp_set": "AR5", "factor_year": YEAR,
            "sources": [source], "units": [source.unit] if source.unit_id else [],
            "maturity": Opportunity.Maturity.PROVEN, "co_benefits": "降低能源成本，减少大气污染物排放。"}
    return services.opportunity_save(actor=actor, data=data, park=park, enterprise=ent)


def _target(park, ent):
    try:
        from carbonms.performance.models import Target
    except ImportError:
        return None
    qs = Target.objects.filter(park=park, unit__isnull=True, equipment__isnull=True).exclude(status="withdrawn")
    qs = qs.filter(enterprise=ent) if ent else qs.filter(enterprise__isnull=True)
    return qs.order_by("pk").first()


def _promote(actor, opp, *, responsible, department, start, end, status=ActionLine.Status.PLANNED, verified=None):
    line = services.opportunity_promote(actor=actor, opportunity=opp, data={
        "target": _target(opp.park, opp.enterprise), "department": department, "responsible": responsible,
        "path_method": "立项评审 → 招标采购 → 施工安装 → 调试验收 → 运行评估。",
        "resources": "项目负责人 1 名、技术人员 3 名；设备与施工费用列入年度技改资金。",
        "start_date": start, "end_date": end,
        "stage_results": f"{start:%Y-%m} 完成立项与设计；{end:%Y-%m} 完成调试验收并投入运行。",
        "verification_method": "按 IPMVP 方案 B 对改造系统计量：改造前后各取 3 个月计量数据，按产量归一化比较；"
                               "并以下一年度经批准的温室气体清单核对。"})
    if status != ActionLine.Status.PLANNED:
        data = {"status": status}
        if verified is not None:
            data.update(verified_reduction_t=(line.annual_reduction_t * Decimal(str(verified))).quantize(Decimal("0.001")),
                        verified_on=end + dt.timedelta(days=90),
                        verification_note="改造后连续 3 个月计量数据与改造前同期比较（产量归一化），核定年减排量。")
        line = services.action_save(actor=actor, data=data, instance=line)
    return line


def build(park, enterprises) -> None:
    officer = _u("park_officer")
    if officer is None:
        return
    made = {}
    for index, specs in OPPORTUNITIES.items():
        ent = None if index is None else (enterprises[index] if index < len(enterprises) else None)
        if index is not None and ent is None:
            continue
        actor = officer
        made[index] = [o for o in (_opportunity(actor, park, ent, s) for s in specs) if o is not None]

    y = YEAR + 1
    park_ops = made.get(None) or []
    if park_ops:
        _promote(officer, park_ops[0], responsible=officer, department="园区碳排放管理办公室",
                 start=dt.date(y, 3, 1), end=dt.date(y, 12, 31), status=ActionLine.Status.IN_PROGRESS)
    steel = made.get(0) or []
    ent_admin = _u("ent_admin") or officer
    if len(steel) >= 2:
        _promote(ent_admin, steel[0], responsible=_u("clerk") or ent_admin, department="能源管理部",
                 start=dt.date(YEAR, 4, 1), end=dt.date(YEAR, 11, 30), status=ActionLine.Status.VERIFIED, verified=0.92)
        _promote(ent_admin, steel[1], responsible=ent_admin, department="热轧厂",
                 start=dt.date(y, 2, 1), end=dt.date(y + 1, 6, 30), status=ActionLine.Status.IN_PROGRESS)
    cement = made.get(3) or []
    ent2 = _u("ent2_admin") or officer
    if cement:
        _promote(ent2, cement[0], responsible=ent2, department="生产技术部",
                 start=dt.date(y, 5, 1), end=dt.date(y + 1, 10, 31))

    base = {"horizon": 2060, "uncertainty_pp": Decimal("1"), "extra_reductions": {}, "sinks": {}}
    for data in (
        {"name": "基准情景（BAU）", "kind": "bau", "growth_pct": Decimal("4"), "intensity_change_pct": Decimal("-1.5"),
         "include_action_plans": False, "note": "产值年均增长 4%，单位产值排放年均下降 1.5%（延续近年趋势），不计措施计划。"},
        {"name": "政策情景", "kind": "policy", "growth_pct": Decimal("4"), "intensity_change_pct": Decimal("-3.5"),
         "include_action_plans": True, "note": "落实《工业领域碳达峰实施方案》能效提升要求，计入已立项措施计划。"},
        {"name": "强化情景", "kind": "enhanced", "growth_pct": Decimal("3.5"), "intensity_change_pct": Decimal("-7.5"),
         "include_action_plans": True, "extra_reductions": {"2028": 180000, "2035": 400000},
         "sinks": {"2040": 150000, "2050": 600000},
         "note": "绿电直供与分布式光伏规划（2028 年起 18 万吨/年，2035 年再增 40 万吨/年），2040 年起园区碳汇与 CCUS。"},
    ):
        services.scenario_save(actor=officer, data={**base, **data}, park=park)
    if enterprises:
        for data in ({"name": "基准情景（BAU）", "kind": "bau", "growth_pct": Decimal("3"), "intensity_change_pct": Decimal("-1"),
                      "include_action_plans": False},
                     {"name": "政策情景", "kind": "policy", "growth_pct": Decimal("3"), "intensity_change_pct": Decimal("-3"),
                      "include_action_plans": True}):
            services.scenario_save(actor=ent_admin, data={**base, **data}, park=park, enterprise=enterprises[0])
