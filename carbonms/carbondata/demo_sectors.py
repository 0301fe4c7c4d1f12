"""Sector process sources of the demo park, with realistic magnitudes (issue 11, "sector defaults").

The demo's sector enterprises compute with the default set of their sector guideline (chosen by their
GB/T 4754 industry code, ``carbonms/accounting/data/industry_sectors.csv``). This module gives them the
process sources those guidelines account for, and sizes them, with the fuel and electricity of the
same plant, from the rated capacity of the main equipment, so that the shares are plausible:

* **cement** (5000 t/d kiln): clinker and kiln dust (the cement guideline adds the dust to the clinker
  quantity), coal at 3.3 GJ/t clinker and 80 kWh/t clinker net of waste-heat power. Raw-material
  calcination then makes about 60 % of the plant's total, in the range of the literature: the
  IEA / WBCSD-CSI *Technology Roadmap: Low-Carbon Transition in the Cement Industry* (2018) puts process
  emissions at about two thirds of direct CO2 of cement making (0.52 tCO2/t clinker against roughly
  0.3 tCO2/t clinker from kiln fuel), and indirect electricity adds a few per cent;
* **iron and steel** (120 t converter, BOF shop buying hot metal): fluxes (limestone, dolomite), LF
  electrodes, and the carbon of purchased pig iron less the carbon kept in crude steel (a mass balance
  when the platform's sources have flow directions; otherwise purchased pig iron with its factor, the
  steel guideline's 外购含碳原料 term, and no deduction);
* **flat glass** (600 t/d float furnace): soda ash, dolomite and limestone of the batch, natural gas at
  6.3 GJ/t glass;
* **power** (CFB boiler with wet limestone desulphurisation): limestone at 3.2 % of the coal burnt
  (1 % sulphur coal: 20 kg SO2/t coal × 100/64 × 1.03 Ca/S ≈ 32 kg CaCO3/t coal).

The intensities are round engineering figures for the demo, not statistics of real plants.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from carbonms.accounting.factors import sector_for_industry
from carbonms.organizations.models import Enterprise, Equipment

from .models import Source

DAYS = 30.4


@dataclass
class SectorPlan:
    """What the sector changes in an enterprise's demo sources: skipped generic sources, new process
    sources (code, name, method, material, unit, monthly amount, direction) and rescaled bases."""

    sector: str
    production_t: float | None  # main product per month (clinker, crude steel, glass)
    unit: object = None  # the emission unit of the main equipment (where the process sources belong)
    skip: frozenset[str] = frozenset()
    process: list[tuple] = field(default_factory=list)
    rescale: dict[str, float] = field(default_factory=dict)  # source code prefix -> monthly base
    relative: dict[str, tuple[str, float]] = field(default_factory=dict)  # prefix -> (other prefix, ratio)


def _main(ent: Enterprise, word: str) -> tuple[float | None, object]:
    """(rated capacity, emission unit) of the enterprise's first equipment named with ``word``."""
    eq = Equipment.objects.filter(enterprise=ent, name__contains=word).select_related("unit").order_by("code").first()
    if eq is None or eq.rated_capacity is None:
        return None, None
    return float(eq.rated_capacity), eq.unit


def _has_flow_direction() -> bool:
    return any(f.name == "direction" for f in Source._meta.get_fields())


def plan(ent: Enterprise) -> SectorPlan | None:
    """The sector plan of ``ent`` (None when its sector has nothing to add in the demo)."""
    sector = sector_for_industry(ent.industry_code).code
    if sector == "cement" and (kiln := _main(ent, "回转窑"))[0]:
        clinker = kiln[0] * DAYS * 0.85  # t clinker / month at 85 % utilisation
        return SectorPlan(
            sector, clinker, kiln[1], skip=frozenset({"LIME"}),  # raw-meal calcination is counted through the clinker
            process=[("CLK", "熟料生产（原料碳酸盐分解）", "emission_factor", "熟料", "t", clinker, ""),
                     ("CKD", "窑头粉尘（按熟料计）", "emission_factor", "窑头粉尘", "t", clinker * 0.015, "")],
            rescale={"COAL": clinker * 3.3 / 19.570, "ELEC": clinker * 0.080},
        )
    if sector == "steel" and (bof := _main(ent, "转炉"))[0]:
        steel = bof[0] * 30 * DAYS * 0.8  # 30 heats a day, 80 % utilisation
        process = [("ELD", "LF精炼炉电极消耗", "emission_factor", "电极", "t", steel * 0.0003, "")]
        if not _has_flow_direction():
            process = [("FLX", "转炉溶剂（石灰石）", "emission_factor", "石灰石", "t", steel * 0.010, ""),
                       ("FLX", "转炉溶剂（白云石）", "emission_factor", "白云石", "t", steel * 0.012, ""),
                       *process, ("PIG", "外购生铁（含碳原料）", "emission_factor", "生铁", "t", steel * 0.90, "")]
        # With flow directions the plant's carbon balance (demo._method_showcase: coke, injected coal, fluxes in;
        # crude steel and exported blast-furnace gas out) carries fluxes and the carbon of products: only the
        # electrodes are added here, so nothing is counted twice.
        return SectorPlan(sector, steel, bof[1], process=process,
                          rescale={"COG": steel * 1.1 / 173.54, "ELEC": steel * 0.100})
    if sector == "flat_glass" and (furnace := _main(ent, "熔窑"))[0]:
        glass = furnace[0] * DAYS * 0.95
        return SectorPlan(
            sector, glass, furnace[1],
            process=[("CARB", "配合料纯碱分解", "emission_factor", "纯碱", "t", glass * 0.19, ""),
                     ("CARB", "配合料白云石分解", "emission_factor", "白云石", "t", glass * 0.16, ""),
                     ("CARB", "配合料石灰石分解", "emission_factor", "石灰石", "t", glass * 0.04, "")],
            rescale={"NG": glass * 6.3 / 389.31, "ELEC": glass * 0.080},
        )
    if sector == "power" and _main(ent, "锅炉")[0]:
        return SectorPlan(sector, None, relative={"LIME": ("COAL", 0.032)})
    return None


def apply(ent: Enterprise, out: list[tuple[Source, float]], sector_plan: SectorPlan) -> list[tuple[Source, float]]:
    """Rescale the enterprise's sources and add the sector's process sources (each saved)."""
    unit = sector_plan.unit
    bases = {s.code.split("-")[0]: base for s, base in out}
    rescaled = []
    for s, base in out:
        prefix = s.code.split("-")[0]
        if prefix in sector_plan.rescale and (prefix != "NG" or s.unit == unit):
            base = sector_plan.rescale[prefix]
        elif prefix in sector_plan.relative and sector_plan.relative[prefix][0] in bases:
            other, ratio = sector_plan.relative[prefix]
            base = bases[other] * ratio
        rescaled.append((s, base))
    counters: dict[str, int] = {}
    for code, name, method, material, unit_name, amount, direction in sector_plan.process:
        counters[code] = counters.get(code, 0) + 1
        s = Source(enterprise=ent, code=f"{code}-{counters[code]:02d}", name=name, unit=unit, category="process",
                   method=method, material=material, activity_unit=unit_name, data_source="ledger",
                   data_owner_name="生产部", effective_from=dt.date(2020, 1, 1),
                   method_reason="按所属行业核算指南的过程排放源与缺省参数计算")
        if direction:
            s.direction = direction
        s.save()
        rescaled.append((s, amount))
    return rescaled
