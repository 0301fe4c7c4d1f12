"""Emission categories, methods and gases, with their mapping to the standards.

Categories follow T/CIECCPA 061—2023 §8.2.2 (direct: §8.2.2.1; imported energy: §8.2.2.2; transport,
purchased products, use of sold products, other: §8.2.2.3–§8.2.2.6) and are mapped to the six
categories of ISO 14064-1:2018 (clause 5.2.4 and Annex B) and to the GHG Protocol scopes.
Sinks (removals, T/CSES §6.3.1 c) 5) "绿地碳汇量") are kept apart: gross and net are never mixed.
"""

from __future__ import annotations

from dataclasses import dataclass

#: totals groups of T/CIECCPA 061 formulas (3)-(5)
DIRECT = "direct"  # formula (3), E_d
INDIRECT_ENERGY = "indirect_energy"  # E_输入能源 in formula (4)
OTHER_INDIRECT = "other_indirect"  # the other terms of formula (4)
REMOVAL = "removal"


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    group: str
    iso14064_category: int
    ghg_protocol_scope: str
    clause: str


CATEGORIES: tuple[Category, ...] = (
    Category("stationary_combustion", "固定燃烧", DIRECT, 1, "scope1", "T/CIECCPA 061 §8.2.2.1, formula (3)"),
    Category("mobile_combustion", "移动燃烧", DIRECT, 1, "scope1", "T/CIECCPA 061 §8.2.2.1, formula (3)"),
    Category("process", "过程排放", DIRECT, 1, "scope1", "T/CIECCPA 061 §8.2.2.1, formula (3)"),
    Category("fugitive", "逸散排放", DIRECT, 1, "scope1", "T/CIECCPA 061 §8.2.2.1, formula (3)"),
    Category("purchased_electricity", "外购电力", INDIRECT_ENERGY, 2, "scope2", "T/CIECCPA 061 §8.2.2.2, formula (4)"),
    Category("purchased_heat", "外购热力", INDIRECT_ENERGY, 2, "scope2", "T/CIECCPA 061 §8.2.2.2, formula (4)"),
    Category("transport", "运输", OTHER_INDIRECT, 3, "scope3", "T/CIECCPA 061 §8.2.2.3, formula (4)"),
    Category("purchased_products", "组织使用产品", OTHER_INDIRECT, 4, "scope3", "T/CIECCPA 061 §8.2.2.4, formula (4)"),
    Category("sold_products", "使用本组织产品", OTHER_INDIRECT, 5, "scope3", "T/CIECCPA 061 §8.2.2.5, formula (4)"),
    Category("other_indirect", "其他间接", OTHER_INDIRECT, 6, "scope3", "T/CIECCPA 061 §8.2.2.6, formula (4)"),
    Category("removal", "碳汇", REMOVAL, 1, "removals (reported separately)", "T/CSES §6.3.1 c) 5); ISO 14064-1 §5.2.4 removals"),
    # CO2 recovered and used or stored, deducted from the direct emissions where the sector guideline says so
    # (see RECOVERY_GUIDELINES); a measured quantity, counted negative
    Category("co2_recovered", "CO2回收利用", DIRECT, 1, "scope1", "NDRC sector guidelines: R_CO2回收 (see RECOVERY_GUIDELINES)"),
)
CATEGORY_CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)
CATEGORY_INDEX: dict[str, int] = {c.code: i for i, c in enumerate(CATEGORIES)}
_CATEGORY_LOOKUP: dict[str, Category] = {}
for _c in CATEGORIES:
    _CATEGORY_LOOKUP[_c.code] = _c
    _CATEGORY_LOOKUP[_c.name_zh] = _c
_CATEGORY_LOOKUP.update(
    {
        "固定源燃烧": CATEGORIES[0], "移动源燃烧": CATEGORIES[1], "工业生产过程": CATEGORIES[2],
        "生产过程排放": CATEGORIES[2], "无组织排放": CATEGORIES[3], "外购热力/蒸汽": CATEGORIES[5],
        "外购蒸汽": CATEGORIES[5], "其他": CATEGORIES[9], "removals": CATEGORIES[10], "sink": CATEGORIES[10],
        "CO2回收利用量": CATEGORIES[11], "二氧化碳回收利用": CATEGORIES[11],
    }
)

#: Sector guidelines that deduct CO2 recovered for use or storage from the enterprise's emissions (keys: the
#: sector codes of data/sectors.csv): the NDRC guideline for chemical production writes
#: E = E_燃烧 + E_过程 − R_CO2回收 + … (recalled; the guideline text was not re-read here). The petrochemical
#: and oil-and-gas production guidelines deduct it too, but those sectors are not in data/sectors.csv yet.
#: The other sectors (power, steel, cement, glass, aluminium, other industry) do not: a recovery row is refused.
RECOVERY_GUIDELINES: dict[str, str] = {
    "chemical": "中国化工生产企业温室气体排放核算方法与报告指南(试行)",
}
#: CO2 at standard conditions (0 °C, 101.325 kPa): 1.977 kg/Nm3, i.e. 19.77 t per 10^4 Nm3
CO2_T_PER_WAN_NM3 = 19.77


#: group -> category indexes, for the totals
GROUP_OF_INDEX: tuple[str, ...] = tuple(c.group for c in CATEGORIES)
ELECTRICITY = CATEGORY_INDEX["purchased_electricity"]
HEAT = CATEGORY_INDEX["purchased_heat"]


def find_category(text: str) -> Category | None:
    if text is None:
        return None
    key = str(text).strip()
    return _CATEGORY_LOOKUP.get(key) or _CATEGORY_LOOKUP.get(key.lower())


# -- methods ---------------------------------------------------------------------------------------
FUEL_COMBUSTION = 0  # E = FC × NCV × CC × OF × 44/12
EMISSION_FACTOR = 1  # T/CIECCPA 061 formula (2): E = AD × EF
MASS_BALANCE = 2  # T/CIECCPA 061 formula (1)
MEASUREMENT = 3  # T/CIECCPA 061 §8.2.5.1 实测法 (CEMS)
METHODS: tuple[str, ...] = ("fuel_combustion", "emission_factor", "mass_balance", "measurement")
_METHOD_LOOKUP = {m: i for i, m in enumerate(METHODS)}
_METHOD_LOOKUP.update(
    {"燃料燃烧": 0, "排放因子法": 1, "排放因子": 1, "物料平衡法": 2, "碳平衡法": 2, "实测法": 3, "cems": 3}
)

#: which methods each category may use
ALLOWED_METHODS: dict[str, frozenset[int]] = {
    "stationary_combustion": frozenset({0, 1, 2, 3}),
    "mobile_combustion": frozenset({0, 1, 3}),
    "process": frozenset({1, 2, 3}),
    "fugitive": frozenset({1, 3}),
    "purchased_electricity": frozenset({1}),
    "purchased_heat": frozenset({1}),
    "transport": frozenset({0, 1}),
    "purchased_products": frozenset({1}),
    "sold_products": frozenset({0, 1}),
    "other_indirect": frozenset({0, 1, 2, 3}),
    "removal": frozenset({1, 3}),
    "co2_recovered": frozenset({3}),
}


def find_method(text: str) -> int | None:
    if text is None:
        return None
    key = str(text).strip()
    return _METHOD_LOOKUP.get(key, _METHOD_LOOKUP.get(key.lower()))


#: 44/12, the ratio of the molar masses of CO2 and C (T/CIECCPA 061 formula (1))
CO2_PER_C = 44.0 / 12.0
