"""Reference data for organisations, loaded once from the CSV files in ``data/`` (see its README)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Province:
    code: str
    name_zh: str
    name_en: str
    grid_region: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


@dataclass(frozen=True)
class IndustryDivision:
    section: str
    code: str
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def provinces() -> dict[str, Province]:
    return {r["code"]: Province(**r) for r in _rows("provinces.csv")}


@cache
def industry_divisions() -> dict[str, IndustryDivision]:
    return {r["code"]: IndustryDivision(**r) for r in _rows("gbt4754_2017_divisions.csv")}


def industry_division(code: str) -> IndustryDivision | None:
    return industry_divisions().get(code[:2])


def province_choices() -> list[tuple[str, str]]:
    return [(p.code, p.name_zh) for p in provinces().values()]


GRID_REGIONS = ["华北", "东北", "华东", "华中", "西北", "西南", "南方"]
