"""Demo output and economic data (issue 10 item 3): products, monthly production and the year's economic
figures for every enterprise of the demo park and the park itself, for two closed years and the months
of the current year so far.

Magnitudes follow each enterprise's industry (the demo's unit templates, carbonms/demo/catalog.py) and
are scaled by its head count: a 5000 t/d cement kiln line makes about 1.5 Mt of clinker a year, a
converter steel plant about 1.2 Mt of crude steel, a combined heat and power plant delivers electricity
(MWh) and heat (GJ) as products of the "exported energy" kinds. Value added is at constant prices of 2020,
output value and revenue at current prices; all figures in 10⁴ yuan. Approved by a reviewer who did not
enter them (four-eyes holds in the demo too); the last month of the current year waits for review.
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from carbonms.organizations.models import Enterprise, Park

from .demo import SEASON, _bot
from .models import EconomicRecord, Product, ProductionRecord
from .services.common import record_event

K = Product.Kind
# template -> (reference head count, [(code, name, unit, kind, annual quantity at the reference head count)],
#              output value 10⁴ yuan a year, value-added ratio)
PROFILES: dict[str, tuple[int, list[tuple[str, str, str, str, float]], float, float]] = {
    "steel": (2600, [("P-CS", "粗钢", "t", K.PRODUCT, 1_200_000), ("P-HR", "热轧钢材", "t", K.PRODUCT, 1_120_000)], 480_000, 0.21),
    "steel_rolling": (780, [("P-TUBE", "冷拔精密钢管", "t", K.PRODUCT, 150_000)], 90_000, 0.17),
    "machinery": (320, [("P-STR", "钢结构件", "t", K.PRODUCT, 30_000)], 24_000, 0.25),
    "cement": (540, [("P-CLK", "水泥熟料", "t", K.PRODUCT, 1_550_000), ("P-CEM", "水泥", "t", K.PRODUCT, 2_000_000)], 70_000, 0.28),
    "building_materials": (210, [("P-PILE", "预应力混凝土管桩", "m3", K.PRODUCT, 200_000)], 30_000, 0.22),
    "glass": (650, [("P-GLS", "浮法平板玻璃", "t", K.PRODUCT, 210_000)], 42_000, 0.24),
    "chemical": (1200, [("P-CHEM", "有机化工产品", "t", K.PRODUCT, 300_000)], 240_000, 0.18),
    "chemical_small": (260, [("P-ADD", "化学助剂", "t", K.PRODUCT, 20_000)], 36_000, 0.22),
    "semiconductor": (1500, [("P-WAF", "集成电路晶圆", "片", K.PRODUCT, 360_000)], 288_000, 0.35),
    "electronics": (920, [("P-PCB", "印制电路板", "m2", K.PRODUCT, 1_200_000)], 150_000, 0.24),
    "dyeing": (690, [("P-DYE", "印染布", "t", K.PRODUCT, 25_000)], 60_000, 0.2),
    "fibre": (750, [("P-PET", "涤纶长丝", "t", K.PRODUCT, 100_000)], 80_000, 0.14),
    "textile": (460, [("P-YRN", "棉纱", "t", K.PRODUCT, 30_000)], 75_000, 0.18),
    "food": (520, [("P-FOOD", "食品", "t", K.PRODUCT, 200_000)], 120_000, 0.22),
    "cold_food": (350, [("P-FRZ", "速冻食品", "t", K.PRODUCT, 60_000)], 66_000, 0.23),
    "logistics": (410, [("P-TKM", "货物周转量", "tkm", K.PRODUCT, 300_000_000)], 45_000, 0.35),
    "warehouse": (150, [("P-WH", "仓储吞吐量", "t", K.PRODUCT, 800_000)], 9_000, 0.45),
    "cold_warehouse": (190, [("P-CWH", "冷库吞吐量", "t", K.PRODUCT, 150_000)], 12_000, 0.4),
    "chp": (330, [("P-ELE", "上网及外供电量", "MWh", K.ELECTRICITY_EXPORTED, 520_000),
                  ("P-HEAT", "外供热量", "GJ", K.HEAT_EXPORTED, 3_000_000)], 60_000, 0.3),
    "water": (140, [("P-WW", "污水处理量", "m3", K.PRODUCT, 20_000_000)], 12_000, 0.5),
}
# products named by the industry class where the template is shared by different trades
BY_INDUSTRY: dict[str, list[tuple[str, str, str, str, float]]] = {
    "2614": [("P-VAM", "醋酸乙烯", "t", K.PRODUCT, 300_000)],
    "2612": [("P-NAOH", "烧碱（折百）", "t", K.PRODUCT, 400_000), ("P-CL2", "液氯", "t", K.PRODUCT, 350_000)],
    "2651": [("P-PP", "聚丙烯树脂", "t", K.PRODUCT, 200_000)],
    "2641": [("P-PNT", "工业涂料", "t", K.PRODUCT, 30_000)],
    "3841": [("P-BAT", "锂离子电池", "只", K.PRODUCT, 36_000_000)],
    "3976": [("P-OPT", "光电子器件", "件", K.PRODUCT, 12_000_000)],
    "3981": [("P-MLCC", "片式电容器", "件", K.PRODUCT, 900_000_000)],
    "1771": [("P-SET", "床上用品", "套", K.PRODUCT, 1_500_000)],
    "1441": [("P-MILK", "液体乳", "t", K.PRODUCT, 200_000)],
    "1331": [("P-OIL", "食用植物油", "t", K.PRODUCT, 300_000)],
    "1462": [("P-SOY", "酱油及食醋", "t", K.PRODUCT, 100_000)],
    "3411": [("P-BLR", "工业锅炉", "台", K.PRODUCT, 420)],
}
GROWTH = {0: Decimal("1"), -1: Decimal("0.96"), 1: Decimal("1.03")}  # relative to the last closed year
COUNTS = {"片", "只", "件", "套", "台"}


def _profile(ent: Enterprise, templates: dict[str, str]):
    template = templates.get(ent.industry_code)
    if template is None or template not in PROFILES:
        return None
    ref, products, value, ratio = PROFILES[template]
    return ref, BY_INDUSTRY.get(ent.industry_code, products), value, ratio


def _q(value: float, unit: str) -> Decimal:
    places = Decimal("1") if unit in COUNTS else Decimal("0.001")
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def seed(park: Park, *, seed: int = 2026) -> dict:
    """Products, production and economic figures of every enterprise of ``park`` and of the park.

    Years: the two closed years before the current one (all twelve months, approved) and the current
    year up to the last full month (approved, the last month submitted for review).
    """
    from carbonms.demo import catalog

    rng = random.Random(seed + 10)
    clerk, reviewer = _bot("demo-data-clerk", "演示数据录入"), _bot("demo-data-reviewer", "演示数据审核")
    today = timezone.localdate()
    closed = (today.year - 2, today.year - 1)
    templates = {row[2]: row[7] for row in catalog.ENTERPRISES}
    now = timezone.now()
    products, records, economic = [], [], []
    va_by_year: dict[int, Decimal] = {y: Decimal(0) for y in closed}
    for ent in Enterprise.objects.filter(park=park, kind=Enterprise.Kind.ENTERPRISE).order_by("pk"):
        profile = _profile(ent, templates)
        if profile is None:
            continue
        ref, specs, value, ratio = profile
        scale = (ent.employees or ref) / ref * rng.uniform(0.85, 1.15)
        made = [Product(enterprise=ent, code=code, name=name, unit=unit, kind=kind) for code, name, unit, kind, _ in specs]
        products += made
        for product, (_c, _n, unit, _k, annual) in zip(made, specs, strict=True):
            for year in (*closed, today.year):
                months = range(1, 13) if year in closed else range(1, today.month)
                growth = GROWTH[year - closed[1]] if year - closed[1] in GROWTH else Decimal(1)
                for month in months:
                    qty = annual / 12 * float(growth) * SEASON[month - 1] * rng.uniform(0.95, 1.05) * scale
                    waiting = year == today.year and month == today.month - 1
                    records.append(ProductionRecord(
                        product=product, enterprise=ent, year=year, month=month, quantity=_q(qty, unit), unit=unit,
                        entered_by=clerk, submitted_by=clerk, submitted_at=now,
                        status=ProductionRecord.Status.SUBMITTED if waiting else ProductionRecord.Status.APPROVED,
                        reviewed_by=None if waiting else reviewer, reviewed_at=None if waiting else now))
        for year in closed:
            growth = GROWTH[year - closed[1]]
            output_value = value * scale * float(growth)
            va = _money(output_value * ratio / 1.08)  # at 2020 prices: deflated by about 8 %
            va_by_year[year] += va
            economic.append(EconomicRecord(
                park=park, enterprise=ent, year=year, output_value_10k_yuan=_money(output_value), value_added_10k_yuan=va,
                price_basis=EconomicRecord.PriceBasis.CONSTANT, price_base_year=2020,
                revenue_10k_yuan=_money(output_value * rng.uniform(0.95, 1.05)), employees=ent.employees,
                entered_by=clerk, submitted_by=clerk, submitted_at=now, reviewed_by=reviewer, reviewed_at=now,
                status=EconomicRecord.Status.APPROVED, note="演示数据：增加值按2020年不变价"))
    for year in closed:  # the zone: industrial value added of its enterprises, GDP with services and construction
        economic.append(EconomicRecord(
            park=park, enterprise=None, year=year, value_added_10k_yuan=va_by_year[year],
            price_basis=EconomicRecord.PriceBasis.CONSTANT, price_base_year=2020,
            gdp_10k_yuan=_money(float(va_by_year[year]) * 1.32), entered_by=clerk, submitted_by=clerk, submitted_at=now,
            reviewed_by=reviewer, reviewed_at=now, status=EconomicRecord.Status.APPROVED,
            note="演示数据：地区生产总值取自园区统计公报（2020年不变价）"))
    Product.objects.bulk_create(products)
    ProductionRecord.objects.bulk_create(records, batch_size=2000)
    EconomicRecord.objects.bulk_create(economic)
    record_event(actor=None, park=park, kind="demo_output_seeded", products=len(products), production=len(records),
                 economic=len(economic))
    return {"products": len(products), "production": len(records), "economic": len(economic)}
