"""A versioned, immutable factor library (issue 3, "Factor library").

Every :class:`Factor` carries its value and unit, gas, source document, year / applicable period,
region, verification status and a version. Versions are immutable: a correction is a new version of
the same ``key`` (:meth:`FactorLibrary.correct`), older versions stay readable, and each result names
the exact ``version_id`` it used, so an old inventory never changes silently
(:func:`carbonms.accounting.engine.recalculate` produces the diff when one recalculates).

The library is plain Python built from rows (dicts), so a Django app can store the rows in its
database and rebuild the library with :meth:`FactorLibrary.from_rows`. :func:`default_library` loads
the shipped tables in ``carbonms/accounting/data`` (copied from the project's reference factors with
their ``source`` and ``status`` columns). The default fuel set is ``CN-industry-other-2015``.

Sector default sets (issue 11): the national sector guidelines (NDRC 2013–2015) publish their own
defaults. ``data/sectors.csv`` lists the sectors with their guideline and factor sets,
``data/industry_sectors.csv`` maps GB/T 4754-2017 industry codes to them and
``data/sector_factors.csv`` holds each sector's process defaults with source and status.
:func:`sector_for_industry` picks the sector of an industry code (falling back to "other industry");
:meth:`FactorLibrary.find_ef` and :meth:`FactorLibrary.find_fuel` prefer the chosen sector's set and
fall back to the general defaults.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .messages import AccountingError, AccountingErrors

DEFAULT_FUEL_SET = "CN-industry-other-2015"
OTHER_SECTOR = "other"  # the "other industry" guideline: the fallback of every sector
KINDS = ("fuel", "ef", "grid", "heat", "tce")
GRID_SCOPES = ("national", "regional", "provincial", "residual_mix", "national_fossil", "ets", "cdm_om", "cdm_bm")
REGIONAL_GRIDS = ("华北", "东北", "华东", "华中", "西北", "南方", "西南")
NATIONAL = "全国"
HEAT_KEY = "heat/CN-guidelines/热力"

_PAREN = re.compile(r"[（(](.*?)[)）]")
_PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")


def _province(name: str) -> str:
    """'四川省' -> '四川', '广西壮族自治区' -> '广西', '北京市' -> '北京'."""
    return _PROVINCE_SUFFIX.sub("", name.strip())


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", str(name)).replace("（", "(").replace("）", ")").lower()


def _aliases(*labels: str) -> tuple[str, ...]:
    """Alternative names: each label, the label without its parentheses and each part inside them."""
    out: list[str] = []
    for label in labels:
        if not label:
            continue
        out.append(label)
        bare = _PAREN.sub("", label).strip()
        if bare:
            out.append(bare)
        for inner in _PAREN.findall(label):
            out.extend(p.strip() for p in inner.split("/") if p.strip())
    return tuple(dict.fromkeys(out))


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    return int(value)


@dataclass(frozen=True)
class Factor:
    """One version of one factor. Frozen: never edited, corrected by a new version."""

    key: str
    kind: str
    name: str
    version: int = 1
    name_en: str = ""
    factor_set: str = ""
    gas: str = "CO2"
    value: float | None = None
    unit: str = ""
    ncv: float | None = None
    ncv_unit: str = ""
    carbon_content: float | None = None  # tC/GJ
    oxidation_rate: float | None = None  # fraction
    source: str = ""
    status: str = "unverified"
    year_from: int | None = None
    year_to: int | None = None
    period_label: str = ""
    region: str = ""
    scope: str = ""
    uncertainty_pct: float | None = None
    note: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def version_id(self) -> str:
        return f"{self.key}@{self.version}"

    @property
    def per_unit(self) -> str:
        """The activity unit the factor applies to (denominator of ``unit`` or ``ncv_unit``)."""
        unit = self.ncv_unit if self.kind == "fuel" else self.unit
        return unit.partition("/")[2].strip().split(" ")[0]

    def applies_to_year(self, year: int | None) -> bool:
        if year is None or (self.year_from is None and self.year_to is None):
            return True
        lo = self.year_from if self.year_from is not None else -10**9
        hi = self.year_to if self.year_to is not None else 10**9
        return lo <= year <= hi

    def describe(self) -> dict[str, Any]:
        """Provenance for a result: what was used, with its version, source and status."""
        out: dict[str, Any] = {
            "id": self.key,
            "version": self.version,
            "version_id": self.version_id,
            "kind": self.kind,
            "name": self.name,
            "factor_set": self.factor_set,
            "source": self.source,
            "status": self.status,
        }
        if self.kind == "fuel":
            out.update(
                ncv=self.ncv, ncv_unit=self.ncv_unit, carbon_content=self.carbon_content,
                carbon_content_unit="tC/GJ", oxidation_rate=self.oxidation_rate,
            )
        else:
            out.update(value=self.value, unit=self.unit, gas=self.gas)
        if self.period_label or self.year_from is not None:
            out["period"] = self.period_label or f"{self.year_from}-{self.year_to}"
        if self.region:
            out["region"] = self.region
        return out

    def to_row(self) -> dict[str, Any]:
        row = dataclasses.asdict(self)
        row["aliases"] = "|".join(self.aliases)
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Factor:
        kind = str(row.get("kind") or "").strip()
        name = str(row.get("name") or "").strip()
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if not name:
            raise ValueError("name is required")
        factor_set = str(row.get("factor_set") or "user").strip()
        key = str(row.get("key") or "").strip() or make_key(kind, factor_set, name, row)
        aliases = row.get("aliases")  # absent: derived from the names; present (even empty): kept
        if aliases is None:
            aliases = _aliases(name, str(row.get("name_en") or ""))
        elif isinstance(aliases, str):
            aliases = tuple(a for a in aliases.split("|") if a)
        factor = cls(
            key=key, kind=kind, name=name, version=_int(row.get("version")) or 1,
            name_en=str(row.get("name_en") or ""), factor_set=factor_set,
            gas=str(row.get("gas") or "").strip() or ("" if kind == "tce" else "CO2"), value=_float(row.get("value")),
            unit=str(row.get("unit") or "").strip(), ncv=_float(row.get("ncv")),
            ncv_unit=str(row.get("ncv_unit") or "").strip(),
            carbon_content=_float(row.get("carbon_content")),
            oxidation_rate=_float(row.get("oxidation_rate")), source=str(row.get("source") or ""),
            status=str(row.get("status") or "user"), year_from=_int(row.get("year_from")),
            year_to=_int(row.get("year_to")), period_label=str(row.get("period_label") or ""),
            region=str(row.get("region") or ""), scope=str(row.get("scope") or ""),
            uncertainty_pct=_float(row.get("uncertainty_pct")), note=str(row.get("note") or ""),
            aliases=tuple(aliases),
        )
        factor.check()
        return factor

    def check(self) -> None:
        """Raise ValueError when the factor is incomplete or impossible."""
        if self.kind == "fuel":
            if self.carbon_content is None or self.oxidation_rate is None:
                raise ValueError("a fuel needs carbon_content and oxidation_rate")
            if not 0 < self.oxidation_rate <= 1:
                raise ValueError("oxidation_rate must be a fraction in (0, 1]")
            if self.ncv is not None and not self.ncv_unit:
                raise ValueError("ncv_unit is required with ncv")
        else:
            if self.value is None or not self.unit:
                raise ValueError("value and unit are required")
            if self.value < 0:
                raise ValueError("value must not be negative")


def make_key(kind: str, factor_set: str, name: str, row: Mapping[str, Any] | None = None) -> str:
    if kind == "grid" and row is not None:
        return f"grid/{row.get('scope') or 'national'}/{name}/{row.get('period_label') or row.get('year_from')}"
    return f"{kind}/{factor_set}/{name}"


class FactorLibrary:
    """Append-only collection of factor versions with lookups by material, year and region."""

    def __init__(self, factors: Iterable[Factor] = ()) -> None:
        self._versions: dict[str, list[Factor]] = {}
        self._names: dict[tuple[str, str], list[str]] = {}
        self._alias_names: dict[tuple[str, str], list[str]] = {}
        self._sector_names: dict[tuple[str, str], list[str]] = {}  # (sector set, name or alias) -> keys
        self._seq: dict[str, int] = {}  # key -> order in which it was first added
        for factor in factors:
            self._insert(factor)

    # -- writing (append only) ------------------------------------------------------------------
    def _insert(self, factor: Factor) -> Factor:
        versions = self._versions.setdefault(factor.key, [])
        expected = len(versions) + 1
        if factor.version != expected:
            factor = dataclasses.replace(factor, version=expected)
        versions.append(factor)
        if expected == 1:
            self._seq[factor.key] = len(self._seq)
        if expected == 1 and factor.kind == "ef" and factor.factor_set in sector_sets():
            # a sector default is found only for that sector (never instead of a general default)
            for label in dict.fromkeys((factor.name, *factor.aliases)):
                self._sector_names.setdefault((factor.factor_set, _norm(label)), []).append(factor.key)
        elif expected == 1:
            self._names.setdefault((factor.kind, _norm(factor.name)), []).append(factor.key)
            for alias in factor.aliases:  # an alias belongs to the first factor that claims it
                self._alias_names.setdefault((factor.kind, _norm(alias)), [factor.key])
        return factor

    def add(self, factor: Factor | Mapping[str, Any]) -> Factor:
        """Add a factor. If its key exists, it becomes the next version (never an overwrite)."""
        if not isinstance(factor, Factor):
            factor = Factor.from_row(factor)
        factor.check()
        return self._insert(factor)

    def correct(self, key: str, *, note: str, **changes: Any) -> Factor:
        """Publish a corrected version of ``key``: a copy of the latest version with ``changes``."""
        latest = self.get(key)
        new = dataclasses.replace(latest, version=latest.version + 1, note=note, **changes)
        new.check()
        return self._insert(new)

    # -- reading --------------------------------------------------------------------------------
    def get(self, key: str, version: int | None = None) -> Factor:
        """The latest version of ``key``, or exactly ``version`` (KeyError if absent)."""
        versions = self._versions[key]
        if version is None:
            return versions[-1]
        if not 1 <= version <= len(versions):
            raise KeyError(f"{key}@{version}")
        return versions[version - 1]

    def by_version_id(self, version_id: str) -> Factor:
        key, _, version = version_id.rpartition("@")
        return self.get(key, int(version))

    def versions(self, key: str) -> tuple[Factor, ...]:
        return tuple(self._versions[key])

    def __contains__(self, key: object) -> bool:
        return key in self._versions

    def __iter__(self) -> Iterator[Factor]:
        """Latest version of every factor."""
        return (v[-1] for v in self._versions.values())

    def __len__(self) -> int:
        return len(self._versions)

    def all_versions(self) -> Iterator[Factor]:
        for versions in self._versions.values():
            yield from versions

    def _lookup(self, kind: str, name: str) -> list[Factor]:
        keys = self._names.get((kind, _norm(name))) or self._alias_names.get((kind, _norm(name))) or []
        return [self.get(k) for k in keys]

    def find_fuel(self, name: str, factor_set: str = DEFAULT_FUEL_SET, *, sector: str | None = None) -> Factor | None:
        """The fuel ``name`` (zh or en name or alias) in ``factor_set``; user fuels of set ``user`` too.

        With a ``sector``, that sector's own fuel table is tried first (e.g. the steel guideline's
        coke oven gas); a fuel it does not list comes from ``factor_set``.
        """
        candidates = self._lookup("fuel", name)
        wanted_sets = [factor_set, "user"]
        sec = sectors().get(sector or "")
        if sec is not None and sec.fuel_set != factor_set:
            wanted_sets.insert(0, sec.fuel_set)
        for wanted in wanted_sets:
            for factor in reversed(candidates):
                if factor.factor_set == wanted:
                    return factor
        return None

    def find_ef(self, name: str, gas: str | None = None, *, sector: str | None = None) -> Factor | None:
        """An emission factor for material ``name`` (the latest registered one wins).

        With a ``sector``, the sector guideline's own default for ``name`` wins over the general
        default, unless a factor for ``name`` was added to the library after it (a user's factor).
        """
        general = None
        for factor in reversed(self._lookup("ef", name)):
            if gas is None or factor.gas.upper() == gas.upper():
                general = factor
                break
        sec = sectors().get(sector or "")
        if sec is None or sec.code == OTHER_SECTOR:
            return general
        for key in reversed(self._sector_names.get((sec.factor_set, _norm(name)), [])):
            factor = self.get(key)
            if gas is None or factor.gas.upper() == gas.upper():
                if general is None or self._seq[general.key] < self._seq[factor.key]:
                    return factor
                return general
        return general

    def find_tce(self, name: str) -> Factor | None:
        found = self._lookup("tce", name)
        return found[-1] if found else None

    def find_grid(self, year: int | None, region: str | None = None, scope: str | None = None) -> Factor | None:
        """Location-based grid factor for ``year`` and a national, regional or provincial ``region``.

        ``scope='residual_mix'`` gives the national factor excluding market-traded non-fossil power.
        """
        region = (region or "").strip()
        if scope is None and region.lower() in ("ets", "碳市场", "全国碳市场"):
            scope = "ets"  # the factor set for carbon-market reporting (kept apart from the yearly averages)
        if scope is None:
            if region in ("", NATIONAL, "national", "全国平均"):
                scope, region = "national", NATIONAL
            elif region in REGIONAL_GRIDS:
                scope = "regional"
            else:
                scope = "provincial"
        if scope in ("national", "residual_mix", "national_fossil", "ets"):
            region = NATIONAL
        best: Factor | None = None
        for factor in self:
            if factor.kind != "grid" or factor.scope != scope or not factor.applies_to_year(year):
                continue
            if region and factor.region != region and not (
                scope == "provincial" and _province(factor.region) == _province(region)
            ):
                continue
            best = factor
        return best

    def grid_years(self, scope: str = "national") -> list[str]:
        return sorted({f.period_label for f in self if f.kind == "grid" and f.scope == scope})

    def heat_default(self) -> Factor:
        return self.get(HEAT_KEY)

    # -- rows (for a database) --------------------------------------------------------------------
    def to_rows(self) -> list[dict[str, Any]]:
        """Every version of every factor as a plain dict (what a Django model would store)."""
        return [f.to_row() for f in self.all_versions()]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> FactorLibrary:
        """Rebuild a library from rows; versions of a key must be 1..n (checked)."""
        errors: list[AccountingError] = []
        factors: list[Factor] = []
        for i, row in enumerate(rows, start=1):
            try:
                factors.append(Factor.from_row(row))
            except (ValueError, TypeError) as exc:
                errors.append(AccountingError("factor_file", row_no=i, detail=str(exc)))
        if errors:
            raise AccountingErrors(errors)
        by_key: dict[str, list[Factor]] = {}  # first-appearance order of keys is kept (alias precedence)
        for f in factors:
            by_key.setdefault(f.key, []).append(f)
        ordered: list[Factor] = []
        for key, versions in by_key.items():
            versions.sort(key=lambda f: f.version)
            if [f.version for f in versions] != list(range(1, len(versions) + 1)):
                raise AccountingErrors(
                    [AccountingError("factor_file", row_no=key, detail="versions must be consecutive from 1")]
                )
            ordered.extend(versions)
        factors = ordered
        return cls(factors)

    def add_csv(self, path: str) -> list[Factor]:
        """Add user factors from a CSV with the columns of :meth:`Factor.from_row` (all-or-nothing)."""
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        parsed: list[Factor] = []
        errors: list[AccountingError] = []
        for i, row in enumerate(rows, start=1):
            try:
                parsed.append(Factor.from_row(row))
            except (ValueError, TypeError) as exc:
                errors.append(AccountingError("factor_file", row_no=i, detail=str(exc)))
        if errors:
            raise AccountingErrors(errors)
        return [self.add(f) for f in parsed]

    def copy(self) -> FactorLibrary:
        return FactorLibrary(self.all_versions())


# -- loading the shipped tables -------------------------------------------------------------------
def _read_data(name: str) -> list[dict[str, str]]:
    text = resources.files("carbonms.accounting").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _period(label: str) -> tuple[int | None, int | None]:
    """'2021' -> (2021, 2021); '2019-2020' -> (2019, 2020); '2022+' -> (2022, None); '2016 (…)' -> 2016."""
    label = label.strip()
    if m := re.fullmatch(r"(\d{4})\+", label):
        return int(m.group(1)), None
    if m := re.fullmatch(r"(\d{4})-(\d{4})", label):
        return int(m.group(1)), int(m.group(2))
    if m := re.match(r"(\d{4})", label):
        return int(m.group(1)), int(m.group(1))
    return None, None


def _grid_scope(region: str) -> tuple[str, str]:
    """Scope and short region name of a ``grid_electricity.csv`` region label."""
    first = region.split(" ")[0].split("(")[0]
    if "不含市场化交易非化石电量" in region:
        return "residual_mix", NATIONAL
    if region.startswith("全国化石能源电力"):
        return "national_fossil", NATIONAL
    if region.startswith("全国电网平均排放因子"):
        return "ets", NATIONAL
    if region.startswith("全国"):
        return "national", NATIONAL
    if " OM" in region:
        return "cdm_om", first
    if " BM" in region:
        return "cdm_bm", first
    if "区域电网平均" in region or first in REGIONAL_GRIDS:
        return "regional", first
    return "provincial", first


@dataclass(frozen=True)
class Sector:
    """A sector whose national accounting guideline publishes its own defaults (``data/sectors.csv``)."""

    code: str
    name_zh: str
    name_en: str
    guideline: str
    factor_set: str
    guideline_year: int
    fuel_set: str
    successor: str
    status: str
    source: str

    def describe(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name_zh, "name_en": self.name_en, "guideline": self.guideline,
                "year": self.guideline_year, "factor_set": self.factor_set, "fuel_set": self.fuel_set,
                "status": self.status, "source": self.source}


@cache
def sectors() -> dict[str, Sector]:
    """Sector code -> :class:`Sector` (``other`` is the "other industry" fallback)."""
    out = {}
    for r in _read_data("sectors.csv"):
        out[r["sector"]] = Sector(
            code=r["sector"], name_zh=r["name_zh"], name_en=r["name_en"], guideline=r["guideline"],
            factor_set=r["factor_set"], guideline_year=int(r["guideline_year"]), fuel_set=r["fuel_set"],
            successor=r["successor"], status=r["status"], source=r["source"],
        )
    return out


@cache
def sector_sets() -> frozenset[str]:
    """The factor sets of the sector guidelines (other than the general "other industry" set)."""
    return frozenset(s.factor_set for s in sectors().values() if s.code != OTHER_SECTOR)


@cache
def industry_sectors() -> tuple[tuple[str, str, str], ...]:
    """(GB/T 4754 code prefix, sector code, basis), longest prefixes first (``data/industry_sectors.csv``)."""
    rows = [(r["gbt4754"].strip(), r["sector"].strip(), r["basis"]) for r in _read_data("industry_sectors.csv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def sector_for_industry(industry_code: str | None) -> Sector:
    """The sector of a GB/T 4754-2017 industry code (longest matching prefix); "other" when none matches."""
    code = (industry_code or "").strip()
    for prefix, sector, _basis in industry_sectors():
        if code.startswith(prefix):
            return sectors()[sector]
    return sectors()[OTHER_SECTOR]


def find_sector(text: str | None) -> Sector | None:
    """A sector by its code, Chinese or English name or factor set (None when unknown)."""
    wanted = _norm(text or "")
    if not wanted:
        return None
    for sec in sectors().values():
        if wanted in (_norm(sec.code), _norm(sec.name_zh), _norm(sec.name_en), _norm(sec.factor_set)):
            return sec
    return None


def shipped_factors() -> list[Factor]:
    """The default factors shipped in ``carbonms/accounting/data`` (all version 1)."""
    out: list[Factor] = []
    for r in _read_data("fuels.csv"):
        fs = r["set"]
        out.append(Factor(
            key=f"fuel/{fs}/{r['fuel_zh']}", kind="fuel", name=r["fuel_zh"], name_en=r["fuel_en"],
            factor_set=fs, ncv=_float(r["ncv"]), ncv_unit=r["ncv_unit"],
            carbon_content=float(r["carbon_content_tC_per_GJ"]), oxidation_rate=float(r["oxidation_rate"]),
            source=r["source"], status=r["status"], aliases=_aliases(r["fuel_zh"], r["fuel_en"]),
        ))
    for r in _read_data("grid_electricity.csv"):
        scope, region = _grid_scope(r["region"])
        lo, hi = _period(r["year"])
        out.append(Factor(
            key=f"grid/{scope}/{region}/{r['year']}", kind="grid", name=r["region"], factor_set="CN-grid",
            value=float(r["tCO2_per_MWh"]), unit="tCO2/MWh", source=r["source"], status=r["status"],
            year_from=lo, year_to=hi, period_label=r["year"], region=region, scope=scope,
        ))
    for r in _read_data("process_and_other.csv"):
        try:
            value = float(r["factor"])
        except ValueError:
            continue  # "mass x GWP" and the 4-dp variant row are descriptions, not factors
        category = r["category"]
        if category.startswith("ETS"):
            continue  # allowance benchmarks and market rules are not emission factors
        if category == "indirect":
            out.append(Factor(
                key=HEAT_KEY, kind="heat", name="热力", name_en="purchased heat", factor_set="CN-guidelines",
                value=value, unit="tCO2/GJ", source=r["source"], status=r["status"],
                aliases=("热力", "蒸汽", "heat", "steam", "purchased heat"),
            ))
            continue
        unit = "tCO2/t"  # 'tCO2/t carbonate', 'tCO2/t clinker', ... all per tonne of the named material
        out.append(Factor(
            key=f"ef/{category}/{r['item_zh']}", kind="ef", name=r["item_zh"], name_en=r["item_en"],
            factor_set=category, value=value, unit=unit, source=r["source"], status=r["status"],
            note=r["unit"], aliases=_aliases(r["item_zh"], r["item_en"]),
        ))
    for r in _read_data("sector_factors.csv"):  # after the general ones (a sector default is more specific)
        sec = sectors()[r["sector"]]
        aliases = tuple(a for a in r["aliases"].split("|") if a)
        out.append(Factor(
            key=f"ef/{sec.factor_set}/{r['material_zh']}/{r['gas']}", kind="ef", name=r["material_zh"],
            name_en=r["material_en"], factor_set=sec.factor_set, gas=r["gas"], value=float(r["value"]), unit=r["unit"],
            source=f"{sec.guideline}: {r['source']}", status=r["status"], note=sec.code,
            aliases=tuple(dict.fromkeys((*_aliases(r["material_zh"]), r["material_en"], *aliases))),
        ))
    for r in _read_data("tce_coefficients.csv"):
        num, _, den = r["unit"].partition("/")
        out.append(Factor(
            key=f"tce/GB-T-2589-2020/{r['name_zh']}", kind="tce", name=r["name_zh"], name_en=r["name_en"],
            factor_set="GB/T 2589-2020", gas="", value=float(r["value"]), unit=r["unit"],
            source=r["source"], status=r["status"], aliases=_aliases(r["name_zh"], r["name_en"]),
        ))
    return out


def default_library() -> FactorLibrary:
    """A fresh library holding the shipped defaults (callers may add to it without side effects)."""
    return FactorLibrary(shipped_factors())
