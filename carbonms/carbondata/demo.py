"""Demo carbon data: sources, an approved monitoring plan, measuring equipment and a year of approved
monthly values for every enterprise of a demo park, then a park calculation run.

Deterministic (seeded) and fast: activity values are written with ``bulk_create`` and the seeding is
recorded as one domain event (``demo_data_seeded``), as the architecture allows for bulk data.
Called with one line from ``carbonms.demo.generator.build``.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from carbonms.accounts.models import User
from carbonms.organizations.models import Enterprise, Equipment, Park

from . import demo_sectors
from .models import (
    ActivityRecord,
    Calibration,
    MeasuringInstrument,
    MonitoringPlan,
    PlanItem,
    Source,
)
from .services.common import record_event

# energy keyword -> (code prefix, name, category, method, material, unit, data source, typical monthly amount)
FUELS = [
    ("天然气", ("NG", "天然气燃烧", "stationary_combustion", "fuel_combustion", "天然气", "10^4Nm3", "meter", 12)),
    ("烟煤", ("COAL", "烟煤燃烧", "stationary_combustion", "fuel_combustion", "烟煤", "t", "ledger", 9000)),
    ("焦炉煤气", ("COG", "焦炉煤气燃烧", "stationary_combustion", "fuel_combustion", "焦炉煤气", "10^4Nm3", "meter", 300)),
    ("柴油", ("DSL", "柴油（厂内车辆）", "mobile_combustion", "fuel_combustion", "柴油", "t", "invoice", 25)),
    ("汽油", ("GSL", "汽油（公务车辆）", "mobile_combustion", "fuel_combustion", "汽油", "t", "invoice", 3)),
    ("石灰石", ("LIME", "石灰石分解", "process", "emission_factor", "碳酸钙(石灰石)", "t", "ledger", 12000)),
    ("蒸汽", ("HEAT", "外购蒸汽", "purchased_heat", "emission_factor", "热力", "GJ", "meter", 3000)),
]
ELECTRICITY = ("ELEC", "外购电力", "purchased_electricity", "emission_factor", "电力", "MWh", "meter", 1500)
SEASON = [1.08, 0.86, 1.0, 0.97, 1.0, 1.04, 1.1, 1.12, 1.02, 0.98, 1.0, 1.06]


def _bot(username: str, name: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": name, "is_active": False})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _sources(ent: Enterprise, heat_supplier: Enterprise | None, rng: random.Random) -> list[tuple[Source, float]]:
    out = []
    seen = set()
    size = rng.uniform(0.3, 1.6) * (3 if ent.carbon_market_covered else 1)
    sector_plan = demo_sectors.plan(ent)  # the sector guideline's process sources, sized by capacity
    equipment = list(Equipment.objects.filter(enterprise=ent).select_related("unit").order_by("unit__code", "code"))
    for eq in equipment:
        for keyword, spec in FUELS:
            if keyword in eq.energy_types and (spec[0], eq.unit_id) not in seen:
                if spec[2] == "purchased_heat" and ent.kind == Enterprise.Kind.PARK_FACILITIES:
                    continue
                if sector_plan is not None and spec[0] in sector_plan.skip:
                    continue
                seen.add((spec[0], eq.unit_id))
                n = len([k for k in seen if k[0] == spec[0]])
                s = Source(enterprise=ent, code=f"{spec[0]}-{n:02d}", name=f"{eq.unit.name}{spec[1]}", unit=eq.unit, equipment=eq,
                           category=spec[2], method=spec[3], material=spec[4], activity_unit=spec[5], data_source=spec[6],
                           data_owner_name="能源管理部", effective_from=dt.date(2020, 1, 1),
                           supplier=heat_supplier if spec[2] == "purchased_heat" else None)
                s.save()
                out.append((s, spec[7] * size))
    if equipment and heat_supplier is not None and ent.kind == Enterprise.Kind.ENTERPRISE and ent.pk % 2 == 0 \
            and not any(s.category == "purchased_heat" for s, _ in out):
        spec = FUELS[-1][1]  # hot water / steam from the park's central heating station
        s = Source(enterprise=ent, code=f"{spec[0]}-01", name="园区集中供热", unit=equipment[0].unit, category=spec[2],
                   method=spec[3], material=spec[4], activity_unit=spec[5], data_source=spec[6], data_owner_name="动力部",
                   effective_from=dt.date(2020, 1, 1), supplier=heat_supplier)
        s.save()
        out.append((s, spec[7] * size * 0.3))
    if equipment:
        first_unit = equipment[0].unit
        spec = ELECTRICITY
        s = Source(enterprise=ent, code=f"{spec[0]}-01", name="全厂外购电力", unit=first_unit, category=spec[2], method=spec[3],
                   material=spec[4], activity_unit=spec[5], data_source=spec[6], data_owner_name="动力部",
                   effective_from=dt.date(2020, 1, 1))
        s.save()
        out.append((s, spec[7] * size))
    return demo_sectors.apply(ent, out, sector_plan) if sector_plan is not None else out


def seed_park(park: Park, *, year: int, seed: int = 2026) -> dict:
    """Give every enterprise of ``park`` a register, an approved plan, meters and a year of approved data."""
    rng = random.Random(seed)
    clerk, reviewer = _bot("demo-data-clerk", "演示数据录入"), _bot("demo-data-reviewer", "演示数据审核")
    enterprises = list(Enterprise.objects.filter(park=park).order_by("-kind", "pk"))
    heat_supplier = next((e for e in enterprises if e.kind == Enterprise.Kind.PARK_FACILITIES), None)
    now = dt.datetime(year + 1, 1, 15, 9, 0, tzinfo=dt.UTC)
    records, n_sources = [], 0
    for ent in enterprises:
        sources = _sources(ent, heat_supplier, rng)
        n_sources += len(sources)
        if not sources:
            continue
        plan = MonitoringPlan(enterprise=ent, version=1, status=MonitoringPlan.Status.APPROVED, effective_from=dt.date(year, 1, 1),
                              basic_information=f"{ent.name}碳排放监测计划：核算直接排放和外购电力、热力间接排放。",
                              boundary_description="与核算边界一致（运营控制权法）。", prepared_by=clerk, approved_by=reviewer,
                              approved_at=now)
        plan.save()
        for s, _base in sources:
            inst = None
            if s.data_source == "meter":
                inst = MeasuringInstrument(enterprise=ent, code=f"M-{s.code}", name=f"{s.name}计量表",
                                           instrument_type={"MWh": "electricity", "GJ": "steam"}.get(s.activity_unit, "gas"),
                                           model_number="DTZY1296", accuracy_class="0.5S" if s.activity_unit == "MWh" else "1.0",
                                           location=s.unit.name if s.unit else "")
                inst.save()
                inst.sources.set([s])
                Calibration(instrument=inst, performed_on=dt.date(year - 1, 12, 1), due_on=dt.date(year + 1, 11, 30),
                            certificate_no=f"JJ{ent.pk:03d}-{s.pk:05d}", body="南通市计量检定测试所").save()
            PlanItem(plan=plan, source=s, data_source=s.data_source,
                     min_frequency="continuous" if s.data_source == "meter" else "monthly",
                     requirements="按月汇总；燃料低位发热量按消耗量加权月平均值" if s.method == "fuel_combustion" else "按月汇总",
                     evidence_kept={"meter": "计量数据导出、抄表记录", "invoice": "购买发票", "ledger": "生产台账"}.get(s.data_source, ""),
                     instrument=inst).save()
            for month in range(1, 13):
                amount = Decimal(str(round(_base * SEASON[month - 1] * rng.uniform(0.93, 1.07), 3)))
                records.append(ActivityRecord(source=s, enterprise=ent, year=year, month=month, amount=amount, unit=s.activity_unit,
                                              status=ActivityRecord.Status.APPROVED, entered_by=clerk, submitted_by=clerk,
                                              submitted_at=now, reviewed_by=reviewer, reviewed_at=now))
    ActivityRecord.objects.bulk_create(records, batch_size=2000)
    showcase = _method_showcase(enterprises, year=year, seed=seed, clerk=clerk, reviewer=reviewer, now=now)
    n_sources += showcase["sources"]
    n_records = len(records) + showcase["records"]
    record_event(actor=None, park=park, kind="demo_data_seeded", year=year, records=n_records, sources=n_sources)
    return {"sources": n_sources, "records": n_records}


# -- every method of the accounting core, through the platform (issue 11) ------------------------------
#: steel (GB/T 4754 3120): the carbon balance of ironmaking and steelmaking, T/CIECCPA 061 formula (1).
#: (code, name, material, direction, unit, default carbon fraction in tC per unit, typical monthly amount)
STEEL_BALANCE = [
    ("MB-COKE", "高炉焦炭", "焦炭", "input", "t", "0.86", 26000),
    ("MB-PCI", "高炉喷吹煤", "喷吹煤", "input", "t", "0.75", 11000),
    ("MB-FLUX", "熔剂（石灰石、白云石）", "石灰石", "input", "t", "0.12", 9000),
    ("MB-STEEL", "粗钢（含碳产品）", "粗钢", "output", "t", "0.004", 95000),
    # ~42 % CO + CO2 by volume: 0.42 × 10^7 L / 22.4 L/mol × 12 g/mol ≈ 2.25 tC per 10^4 Nm3
    ("MB-BFG", "外供高炉煤气（输出）", "高炉煤气", "output", "10^4Nm3", "2.25", 3000),
]
METHOD_REASONS = {
    "mass_balance": "钢铁生产过程碳输入输出可计量，采用碳质量平衡法（《中国钢铁生产企业温室气体排放核算方法与报告指南》）",
    "measurement": "3#机组已安装经验收的CO2 CEMS，采用实测法",
    "fuel_combustion": "入厂煤逐批化验低位发热量与元素碳含量，采用燃料燃烧计算法",
}


def _method_showcase(enterprises, *, year: int, seed: int, clerk, reviewer, now) -> dict:
    """A source of every method in the demo, through the platform: the steel plant's carbon balance (mass
    balance, with a monthly lab carbon fraction of the coke), a CEMS-measured unit at the power plant
    (measurement) and the power plant's coal with monthly lab NCV (MJ/kg) and carbon content (mass %)
    (fuel combustion with lab values); the emission-factor sources are the ordinary register's.
    Its own random numbers, so the rest of the demo does not change."""
    from .models import LabAnalysis

    rng = random.Random(seed + 11)
    by_industry = {e.industry_code: e for e in enterprises}
    steel, chp = by_industry.get("3120"), by_industry.get("4412")
    new_sources: list[tuple[Source, float]] = []
    if steel is not None:
        for code, name, material, direction, unit, cf, base in STEEL_BALANCE:
            s = Source(enterprise=steel, code=code, name=name, category="process", method="mass_balance", material=material,
                       activity_unit=unit, data_source="ledger", data_owner_name="炼铁厂", effective_from=dt.date(2020, 1, 1),
                       method_reason=METHOD_REASONS["mass_balance"], direction=direction, balance_group="高炉-转炉",
                       carbon_fraction=Decimal(cf))
            s.save()
            new_sources.append((s, base))
    if chp is not None:
        s = Source(enterprise=chp, code="CEMS-03", name="3#燃煤机组烟气CO2（CEMS）", category="stationary_combustion",
                   method="measurement", material="烟气CO2", activity_unit="t", data_source="meter",
                   data_owner_name="环保部", effective_from=dt.date(2020, 1, 1), method_reason=METHOD_REASONS["measurement"])
        s.save()
        new_sources.append((s, 52000))
    records, labs = [], []
    for s, base in new_sources:
        for month in range(1, 13):
            records.append(ActivityRecord(
                source=s, enterprise=s.enterprise, year=year, month=month, amount=Decimal(str(round(base * rng.uniform(0.92, 1.08), 3))),
                unit=s.activity_unit, status=ActivityRecord.Status.APPROVED, entered_by=clerk, submitted_by=clerk, submitted_at=now,
                reviewed_by=reviewer, reviewed_at=now))
        plan = MonitoringPlan.objects.filter(enterprise=s.enterprise).first()
        if plan is not None:
            PlanItem(plan=plan, source=s, data_source=s.data_source, min_frequency="continuous" if s.data_source == "meter" else "monthly",
                     requirements="碳含量按批次化验，按消耗量加权月平均" if s.method == "mass_balance" else "CEMS小时数据按月汇总",
                     evidence_kept="化验报告、生产台账" if s.method == "mass_balance" else "CEMS数据导出、比对监测报告").save()
        if s.code == "MB-COKE":
            labs += [LabAnalysis(source=s, year=year, month=m, batch=f"JT{year}{m:02d}", parameter="carbon_fraction",
                                 value=Decimal(str(round(rng.uniform(84.5, 86.8), 2))), unit="%", weight=Decimal("1"),
                                 laboratory="江海特钢检化验中心", entered_by=clerk) for m in range(1, 13)]
    ActivityRecord.objects.bulk_create(records, batch_size=2000)
    if chp is not None:  # the power plant's coal: two lab batches a month, NCV in MJ/kg, carbon as a mass fraction
        for coal in Source.objects.filter(enterprise=chp, method="fuel_combustion", material="烟煤"):
            coal.method_reason = METHOD_REASONS["fuel_combustion"]
            coal.save(update_fields=["method_reason"])
            for month in range(1, 13):
                for batch, weight in (("A", "6000"), ("B", "3500")):
                    ncv = round(rng.uniform(20.8, 23.4), 3)
                    labs.append(LabAnalysis(source=coal, year=year, month=month, batch=f"{batch}{month:02d}", parameter="ncv",
                                            value=Decimal(str(ncv)), unit="MJ/kg", weight=Decimal(weight),
                                            laboratory="江海热电燃料化验室", entered_by=clerk))
                    labs.append(LabAnalysis(source=coal, year=year, month=month, batch=f"{batch}{month:02d}",
                                            parameter="carbon_content", value=Decimal(str(round(ncv * 2.62, 2))), unit="%",
                                            weight=Decimal(weight), laboratory="江海热电燃料化验室", entered_by=clerk))
    LabAnalysis.objects.bulk_create(labs)
    return {"sources": len(new_sources), "records": len(records), "labs": len(labs)}


def compute(park: Park, *, year: int):
    """The park calculation run of the demo year, by the park carbon officer if there is one."""
    from carbonms.accounts.models import RoleAssignment
    from carbonms.inventory.services import run_calculation

    ra = RoleAssignment.objects.filter(park=park, enterprise__isnull=True, role="park_carbon_officer").select_related("user").first()
    if ra is None:
        return None
    return run_calculation(actor=ra.user, park=park, year=year)


def seed_and_compute(park: Park, *, year: int, seed: int = 2026):
    seed_park(park, year=year, seed=seed)
    return compute(park, year=year)
