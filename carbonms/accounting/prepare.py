"""From input rows to validated, unit-normalised records (what the engines compute on).

Each input row (a mapping with the columns of ``docs/calc-input.md``) becomes a :class:`Record`:
the method, category and gas as codes, the activity amount converted into the unit of the factor,
and the factor parameters, each either given in the row (it overrides the default) or taken from
the :class:`~carbonms.accounting.factors.FactorLibrary`, whose exact version is kept for provenance.

Every problem becomes an :class:`~carbonms.accounting.messages.AccountingError` naming the row, the
field and the reason; :func:`prepare_rows` reports the problems of all rows at once and accepts the
batch only when there are none (all-or-nothing).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import units
from .categories import (
    ALLOWED_METHODS,
    CATEGORY_INDEX,
    CO2_PER_C,
    CO2_T_PER_WAN_NM3,
    FUEL_COMBUSTION,
    MASS_BALANCE,
    MEASUREMENT,
    METHODS,
    RECOVERY_GUIDELINES,
    find_category,
    find_method,
)
from .cems import read_cems_csv
from .factors import DEFAULT_FUEL_SET, Factor, FactorLibrary, find_sector, sectors
from .gwp import CO2E, GWP_SETS, GwpTable
from .messages import AccountingError, AccountingErrors

REQUIRED_COLUMNS = ("entity", "period", "source", "category", "method", "material", "amount", "unit")
OPTIONAL_COLUMNS = (
    "ncv", "ncv_unit", "carbon_content", "oxidation_rate", "ef", "ef_unit", "gas", "direction",
    "carbon_fraction", "purity", "calcination_fraction", "year", "region", "uncertainty_pct",
)
#: extension columns, documented in docs/calc-input.md
EXTRA_COLUMNS = (
    "density", "steam_enthalpy", "recovered", "leakage_rate", "market_amount", "market_ef",
    "ef_uncertainty_pct", "opening_stock", "purchased", "closing_stock", "transferred_out", "factor_set",
    "cems_file", "sector", "cao_fraction", "mgo_fraction",
)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + EXTRA_COLUMNS

#: categories whose energy is the organisation's own energy consumption (counted in tce);
#: scope-3 rows (transport by third parties, purchased products …) and process feedstock are not.
ENERGY_CATEGORIES = frozenset(
    CATEGORY_INDEX[c] for c in ("stationary_combustion", "mobile_combustion", "purchased_electricity", "purchased_heat")
)

_EF_UNIT = re.compile(r"^\s*(t|kg|g|kt|mt)\s*([A-Za-z0-9\-₂₄₆₃]*)\s*/\s*(.+?)\s*$", re.IGNORECASE)
_MASS_T = {"t": 1.0, "kg": 1e-3, "g": 1e-6, "kt": 1e3, "mt": 1e6}


@dataclass(slots=True)
class Record:
    """One validated row, in the units of its factor. Fields used by the engines are numbers."""

    row: int
    entity: str
    period: str
    source: str
    category: int
    method: int
    gas: str
    material: str
    amount: float  # activity in ``amount_unit`` (the unit the factor applies to)
    amount_unit: str
    year: int | None = None
    ncv: float = 1.0  # GJ per amount_unit (fuel combustion)
    cc: float = 0.0  # tC/GJ
    of: float = 1.0  # fraction
    ef: float = 0.0  # t gas per amount_unit (emission factor)
    purity: float = 1.0
    calc: float = 1.0
    cfrac: float = 0.0  # tC per amount_unit (mass balance)
    sign: float = 1.0  # +1 input, -1 output (mass balance)
    tce_coef: float = 0.0  # tce per amount_unit
    unc_ad: float = 0.0  # % (95 % half-width)
    unc_ef: float = 0.0
    market_amount: float = 0.0  # MWh covered by contracts / certificates
    market_ef: float = 0.0  # tCO2/MWh of those instruments
    residual_ef: float = math.nan  # tCO2/MWh residual mix
    has_market: bool = False
    sector: str = ""  # the sector whose default set the row used ("" = general defaults, no sector chosen)
    factor: Factor | None = None
    residual_factor: Factor | None = None
    supplied: dict[str, Any] = field(default_factory=dict)
    activity: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    gwp_set: str = "AR5"
    fuel_set: str = DEFAULT_FUEL_SET
    pins: Mapping[str, int] = field(default_factory=dict)  # factor key -> version to reuse
    #: check each entity+period+source's mass balance on the rows given. A caller that computes a unit
    #: amount per parameter set (the platform's runs) turns it off and checks the aggregated flows with
    #: :func:`balance_errors` instead.
    check_balance: bool = True
    sector: str | None = None  # sector default set (code of data/sectors.csv); a row's ``sector`` column wins


class _Row:
    """Reads and checks the fields of one raw row; every failure raises an AccountingError."""

    def __init__(self, raw: Mapping[str, Any], row_no: int) -> None:
        self.raw = raw
        self.row = row_no
        self._text: dict[str, str] = {}

    def error(self, code: str, field_name: str | None, **params: Any) -> AccountingError:
        return AccountingError(code, row=self.row, field=field_name, **params)

    def text(self, name: str) -> str:
        cached = self._text.get(name)
        if cached is not None:
            return cached
        value = self.raw.get(name)
        blank = value is None or (isinstance(value, float) and math.isnan(value))
        text = "" if blank else str(value).strip()
        self._text[name] = text
        return text

    def has(self, name: str) -> bool:
        return self.text(name) != ""

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise self.error("missing_required", name)
        return value

    def number(self, name: str, *, required: bool = False, negative: bool = False,
               default: float | None = None, detail: str = "") -> float | None:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and value.strip() == "") or (
            isinstance(value, float) and math.isnan(value)
        ):
            if required:
                if detail:
                    raise self.error("missing_parameter", name, detail=detail)
                raise self.error("missing_required", name)
            return default
        try:
            number = float(str(value).replace(",", "").strip()) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise self.error("not_a_number", name, value=value)
        if not math.isfinite(number):
            raise self.error("not_a_number", name, value=value)
        if number < 0 and not negative:
            raise self.error("negative_value", name, value=value)
        return number

    def fraction(self, name: str, *, default: float | None = None, zero: bool = True) -> float | None:
        value = self.number(name, negative=True, default=None)
        if value is None:
            return default
        if value > 1 or value < 0 or (value == 0 and not zero):
            raise self.error("bad_fraction", name, value=self.text(name))
        return value

    def unit(self, name: str, value: str) -> str:
        if not units.is_known(value):
            raise self.error("unknown_unit", name, unit=value)
        return value

    def convert(self, amount: float, unit: str, to_unit: str, field_name: str = "unit") -> float:
        density = self.number("density")
        try:
            return units.convert(amount, unit, to_unit, density)
        except units.UnitProblem as problem:
            raise self.error(problem.code, field_name, **problem.params)


def parse_ef_unit(text: str) -> tuple[float, str | None, str] | None:
    """'kgCO2/kWh' -> (0.001, 'CO2', 'kWh'): t of gas per numerator unit, gas label, activity unit."""
    m = _EF_UNIT.match(text or "")
    if not m:
        return None
    mass, gas, den = m.groups()
    if not units.is_known(den):
        return None
    return _MASS_T[mass.lower()], (gas or None), den


class Preparer:
    """Turns raw rows into :class:`Record` objects against one library, GWP table and options."""

    def __init__(self, library: FactorLibrary, gwp: GwpTable, options: Options) -> None:
        if options.gwp_set not in GWP_SETS:
            raise AccountingErrors([AccountingError("bad_option", option="gwp", value=options.gwp_set)])
        self.library = library
        self.gwp = gwp
        self.options = options
        self._grid_cache: dict[tuple[Any, ...], Factor | None] = {}
        self._fuel_cache: dict[tuple[str, str, str], Factor | None] = {}
        if options.sector and find_sector(options.sector) is None:
            raise AccountingErrors([AccountingError("bad_option", option="sector", value=options.sector)])

    # -- factor lookups honour pinned versions (reproducing an old inventory exactly) -------------
    def _pin(self, factor: Factor | None) -> Factor | None:
        if factor is None:
            return None
        version = self.options.pins.get(factor.key)
        return self.library.get(factor.key, version) if version else factor

    def grid(self, year: int | None, region: str | None, scope: str | None = None) -> Factor | None:
        key = (year, region, scope)
        if key not in self._grid_cache:
            self._grid_cache[key] = self._pin(self.library.find_grid(year, region, scope))
        return self._grid_cache[key]

    # -- per row ----------------------------------------------------------------------------------
    def prepare(self, raw: Mapping[str, Any], row_no: int) -> Record:
        r = _Row(raw, row_no)
        for name in ("entity", "period", "source", "material", "category", "method", "unit"):
            r.required_text(name)
        category = find_category(r.text("category"))
        if category is None:
            raise r.error("unknown_category", "category", value=r.text("category"))
        method = find_method(r.text("method"))
        if method is None:
            raise r.error("unknown_method", "method", value=r.text("method"))
        if method not in ALLOWED_METHODS[category.code]:
            raise r.error("method_not_allowed", "method", category=category.code, method=METHODS[method])
        unit = r.unit("unit", r.text("unit"))
        cems = None
        if method == MEASUREMENT and r.has("cems_file"):
            try:
                cems = read_cems_csv(r.text("cems_file"))
            except (OSError, ValueError) as exc:
                raise r.error("cems_file", "cems_file", detail=str(exc))
            amount = units.convert(cems.co2_t, "t", unit) if units.is_dimension(unit, "t") else cems.co2_t
        else:
            amount = self._amount(r)
        gas = self._gas(r, category.code, method)
        rec = Record(
            row=row_no, entity=r.text("entity"), period=r.text("period"), source=r.text("source"),
            category=CATEGORY_INDEX[category.code], method=method, gas=gas, material=r.text("material"),
            amount=amount, amount_unit=unit,
            activity={"amount": amount, "unit": unit},
        )
        rec.unc_ad = r.number("uncertainty_pct", default=0.0) or 0.0
        rec.sector = self._sector(r)
        year = rec.year = self._year(r)
        if method == FUEL_COMBUSTION:
            self._fuel(r, rec, amount, unit)
        elif method == MASS_BALANCE:
            self._mass_balance(r, rec, amount, unit)
        elif category.code == "co2_recovered":
            self._recovered(r, rec, amount, unit)
        elif method == MEASUREMENT:
            if not units.is_dimension(unit, "t"):
                raise r.error("unit_mismatch", "unit", unit=unit, expected="t")
            rec.amount, rec.amount_unit = r.convert(amount, unit, "t"), "t"
            rec.supplied["measured"] = True
            if cems is not None:
                rec.activity.update(cems_hours=cems.hours, cems_substituted_hours=cems.substituted_hours)
                if cems.substituted_hours:
                    rec.flags.append(f"cems_substituted_hours={cems.substituted_hours}")
        elif category.code == "purchased_electricity":
            self._electricity(r, rec, amount, unit, year)
        elif category.code == "purchased_heat":
            self._heat(r, rec, amount, unit)
        elif category.code == "fugitive":
            self._fugitive(r, rec, amount, unit)
        else:
            self._emission_factor(r, rec, amount, unit, removal=category.code == "removal")
        if rec.category not in ENERGY_CATEGORIES:
            rec.tce_coef = 0.0
        ef_unc = r.number("ef_uncertainty_pct")
        if ef_unc is None and rec.factor is not None and rec.factor.uncertainty_pct is not None:
            ef_unc = rec.factor.uncertainty_pct
        rec.unc_ef = ef_unc or 0.0
        if rec.factor is not None and rec.factor.status not in ("verified", "user"):
            rec.flags.append(f"unverified_default={rec.factor.status}")  # shown on every result that uses it
        return rec

    def _sector(self, r: _Row) -> str:
        """The sector default set of the row: its ``sector`` column, else the option ("" when neither)."""
        text = r.text("sector") or self.options.sector or ""
        if not text:
            return ""
        sector = find_sector(text)
        if sector is None:
            raise r.error("unknown_sector", "sector", value=text, known=", ".join(sectors()))
        return sector.code

    def _amount(self, r: _Row) -> float:
        stock = ("opening_stock", "purchased", "closing_stock", "transferred_out")
        if not r.has("amount") and any(r.has(s) for s in stock):
            # FC = opening stock + purchased − closing stock − transferred out (stock balance)
            o, p, c, t = (r.number(s, default=0.0) for s in stock)
            value = o + p - c - t
            if value < 0:
                raise r.error("negative_value", "amount", value=f"{o}+{p}-{c}-{t}={value:g}")
            return value
        return r.number("amount", required=True)

    def _gas(self, r: _Row, category: str, method: int) -> str:
        text = r.text("gas")
        if method in (FUEL_COMBUSTION, MASS_BALANCE) and text and self.gwp.canonical(text) != "CO2":
            raise r.error("gas_not_allowed", "gas", gas=text, method=METHODS[method])
        if method in (FUEL_COMBUSTION, MASS_BALANCE) or not text:
            if category == "fugitive" and not text:
                raise r.error("missing_parameter", "gas", detail="gas (e.g. SF6, HFC-134a)")
            return "CO2"
        gas = self.gwp.canonical(text)
        if gas is None:
            raise r.error("unknown_gas", "gas", value=text)
        if self.gwp.gwp(gas, self.options.gwp_set) is None:
            raise r.error("gwp_undefined", "gas", gas=gas, gwp_set=self.options.gwp_set)
        return gas

    def _year(self, r: _Row) -> int | None:
        text = r.text("year")
        if text:
            try:
                year = int(float(text))
            except ValueError:
                raise r.error("bad_year", "year", value=text)
            if not 1900 <= year <= 2200:
                raise r.error("bad_year", "year", value=text)
            return year
        m = re.match(r"\s*(\d{4})", r.text("period"))
        return int(m.group(1)) if m else None

    def _fuel_factor(self, r: _Row) -> Factor | None:
        """The row's fuel: its ``factor_set`` if given, else its sector's fuel table, then the default set."""
        sector = "" if r.has("factor_set") else self._sector(r)
        key = (r.text("material"), r.text("factor_set") or self.options.fuel_set, sector)
        if key not in self._fuel_cache:
            self._fuel_cache[key] = self._pin(self.library.find_fuel(key[0], key[1], sector=sector or None))
        return self._fuel_cache[key]

    def _sector_ef(self, r: _Row, rec: Record, gas: str | None) -> Factor | None:
        """The default factor of the row's material: its sector's own default first, then the general one."""
        find = self.library.find_ef
        factor = find(r.text("material"), gas, sector=rec.sector or None)
        if factor is None and gas is not None:
            factor = find(r.text("material"), None, sector=rec.sector or None)
        return self._pin(factor)

    def _fuel(self, r: _Row, rec: Record, amount: float, unit: str) -> None:
        """E = FC × NCV × CC × OF × 44/12 (NDRC guidelines; T/CIECCPA 061 formula (2) with EF = NCV·CC·OF·44/12)."""
        fuel = self._fuel_factor(r)
        needs_default = not all(r.has(k) for k in ("ncv", "carbon_content", "oxidation_rate"))
        if fuel is None and needs_default:
            raise r.error("unknown_material", "material", value=r.text("material"),
                          factor_set=r.text("factor_set") or self.options.fuel_set)
        ncv = r.number("ncv")
        ncv_unit = r.text("ncv_unit") if r.has("ncv_unit") else None
        if ncv is None:
            if fuel is None or fuel.ncv is None:
                raise r.error("missing_parameter", "ncv", detail="ncv + ncv_unit")
            ncv, ncv_unit = fuel.ncv, fuel.ncv_unit  # a default NCV always comes with its own unit
        else:
            rec.supplied["ncv"] = ncv
            if ncv_unit is None:
                if fuel is not None:
                    ncv_unit = fuel.ncv_unit
                else:
                    ncv_unit = "GJ/10^4Nm3" if units.is_dimension(unit, "Nm3") else "GJ/t"
            rec.supplied["ncv_unit"] = ncv_unit
        if ncv <= 0:
            raise r.error("zero_not_allowed", "ncv", value=ncv)
        r.unit("ncv_unit", ncv_unit)
        energy, _, per = ncv_unit.partition("/")
        if not per or not units.is_dimension(energy, "GJ"):
            raise r.error("unit_mismatch", "ncv_unit", unit=ncv_unit, expected="GJ/t")
        rec.amount, rec.amount_unit = r.convert(amount, unit, per), per
        rec.ncv = ncv * units.conversion_factor(ncv_unit, f"GJ/{per}")
        cc = r.number("carbon_content")
        if cc is None:
            cc = fuel.carbon_content  # type: ignore[union-attr]
        else:
            rec.supplied["carbon_content"] = cc
        if cc > 1:
            raise r.error("bad_fraction", "carbon_content", value=cc)
        of = r.fraction("oxidation_rate", zero=False)
        if of is None:
            of = fuel.oxidation_rate  # type: ignore[union-attr]
        else:
            rec.supplied["oxidation_rate"] = of
        rec.cc, rec.of = cc, of
        rec.tce_coef = rec.ncv / units.GJ_PER_TCE
        rec.factor = fuel if needs_default else None
        if fuel is not None and not needs_default:
            rec.flags.append("all_parameters_measured")

    def _mass_balance(self, r: _Row, rec: Record, amount: float, unit: str) -> None:
        """T/CIECCPA 061 formula (1): E = [Σ(AD_in × C_in) − Σ(AD_out × C_out)] × 44/12."""
        direction = r.text("direction").lower()
        if not direction:
            raise r.error("missing_parameter", "direction", detail="direction = input/output")
        if direction in ("input", "in", "输入", "投入"):
            rec.sign = 1.0
        elif direction in ("output", "out", "输出", "产出"):
            rec.sign = -1.0
        else:
            raise r.error("bad_direction", "direction", value=r.text("direction"))
        if units.is_dimension(unit, "Nm3"):
            per = "10^4Nm3"
            cfrac = r.number("carbon_fraction", required=True, detail="carbon_fraction tC/10^4Nm3")
        else:
            per = "t"
            cfrac = r.number("carbon_fraction")
            if cfrac is None:
                # a default carbon content (the sector guideline's tCO2/t of the material × 12/44),
                # e.g. the steel guideline's pig iron 0.172 and crude steel 0.0154 tCO2/t
                factor = self._sector_ef(r, rec, "CO2")
                if factor is None or factor.per_unit != "t" or not factor.unit.lower().startswith("tco2/"):
                    raise r.error("missing_parameter", "carbon_fraction", detail="carbon_fraction tC/t")
                rec.factor = factor
                cfrac = factor.value / CO2_PER_C
            if cfrac > 1:
                raise r.error("bad_fraction", "carbon_fraction", value=r.text("carbon_fraction") or cfrac)
        rec.amount, rec.amount_unit = r.convert(amount, unit, per), per
        rec.cfrac = cfrac
        if rec.factor is None:
            rec.supplied["carbon_fraction"] = cfrac
        rec.supplied["direction"] = "input" if rec.sign > 0 else "output"

    def _recovered(self, r: _Row, rec: Record, amount: float, unit: str) -> None:
        """CO2 recovered and used or stored (R_CO2回收), deducted from the direct emissions only under a sector
        guideline that allows it (the row's ``sector``, see RECOVERY_GUIDELINES): t of CO2, or a gas volume
        × purity × 19.77 t/10^4Nm3."""
        if rec.sector not in RECOVERY_GUIDELINES:
            raise r.error("recovery_not_allowed", "sector", guideline=rec.sector or r.text("sector") or "—")
        if rec.gas != "CO2":
            raise r.error("gas_not_allowed", "gas", gas=rec.gas, method="co2_recovered")
        if units.is_dimension(unit, "Nm3"):
            purity = r.fraction("purity", default=1.0)
            rec.amount = r.convert(amount, unit, "10^4Nm3") * purity * CO2_T_PER_WAN_NM3
            rec.supplied["purity"] = purity
        elif units.is_dimension(unit, "t"):
            rec.amount = r.convert(amount, unit, "t")
        else:
            raise r.error("unit_mismatch", "unit", unit=unit, expected="t")
        rec.amount_unit = "t"
        rec.sign = -1.0
        rec.supplied.update(measured=True, guideline=RECOVERY_GUIDELINES[rec.sector])

    def _user_ef(self, r: _Row, rec: Record, default_unit: str) -> tuple[float, str] | None:
        """The row's own ``ef`` in t gas per activity unit, and that unit (None if not given)."""
        ef = r.number("ef")
        if ef is None:
            return None
        ef_unit = r.text("ef_unit") or default_unit
        parsed = parse_ef_unit(ef_unit)
        if parsed is None:
            raise r.error("bad_ef_unit", "ef_unit", unit=ef_unit)
        to_t, gas_label, per = parsed
        if gas_label and gas_label.upper() not in ("C",):
            gas = self.gwp.canonical(gas_label)
            if gas is None:
                raise r.error("bad_ef_unit", "ef_unit", unit=ef_unit)
            if r.has("gas") and gas != rec.gas:
                raise r.error("bad_ef_unit", "ef_unit", unit=ef_unit)
            if self.gwp.gwp(gas, self.options.gwp_set) is None:
                raise r.error("gwp_undefined", "ef_unit", gas=gas, gwp_set=self.options.gwp_set)
            rec.gas = gas
        rec.supplied.update(ef=ef, ef_unit=ef_unit)
        return ef * to_t, per

    @staticmethod
    def _co2_only(r: _Row, rec: Record, what: str) -> None:
        """The default grid and heat factors are CO2 factors: another gas needs its own ``ef``."""
        if rec.gas != "CO2":
            raise r.error("gas_not_allowed", "gas", gas=rec.gas, method=what)

    def _electricity(self, r: _Row, rec: Record, amount: float, unit: str, year: int | None) -> None:
        """Purchased electricity, location-based (grid factor by year and national/regional/provincial
        scope) and, when contract or certificate data is given, market-based with the residual mix."""
        user = self._user_ef(r, rec, "tCO2/MWh")
        if user is None:
            self._co2_only(r, rec, "purchased_electricity")
            if year is None:
                raise r.error("missing_parameter", "year", detail="year (grid factor)")
            factor = self.grid(year, r.text("region") or None)
            if factor is None:
                field_name = "region" if r.has("region") else "year"
                detail = f"grid {r.text('region') or '全国'} {year}"
                raise r.error("unknown_factor", field_name, detail=detail)
            rec.factor = factor
            ef, per = factor.value, "MWh"
        else:
            ef, per = user
        rec.ef = ef
        rec.amount, rec.amount_unit = r.convert(amount, unit, per), per
        tce = self._pin(self.library.find_tce("电力(当量值)"))
        rec.tce_coef = tce.value * units.conversion_factor(per, "kWh") / 1e3 if tce else 0.0  # kgce/kWh
        if r.has("market_amount") or r.has("market_ef"):
            market = r.number("market_amount", default=rec.amount)
            market_mwh = r.convert(market, unit, "MWh", "market_amount")
            total_mwh = units.convert(rec.amount, per, "MWh")
            if market_mwh > total_mwh * (1 + 1e-12):
                raise r.error("market_exceeds", "market_amount", market=market, amount=amount)
            rec.market_amount = market_mwh * units.conversion_factor("MWh", per)
            rec.market_ef = (r.number("market_ef", default=0.0) or 0.0) * units.conversion_factor(per, "MWh")
            rec.has_market = True
        if year is not None:
            residual = self.grid(year, None, "residual_mix")
            if residual is not None:
                rec.residual_factor = residual
                rec.residual_ef = residual.value * units.conversion_factor(per, "MWh")

    def _heat(self, r: _Row, rec: Record, amount: float, unit: str) -> None:
        """Purchased heat (0.11 tCO2/GJ default); steam in t is turned into GJ by its enthalpy."""
        if units.is_dimension(unit, "tsteam"):
            enthalpy = r.number("steam_enthalpy", required=True, detail="steam_enthalpy kJ/kg")
            if enthalpy <= units.CONDENSATE_ENTHALPY_KJ_PER_KG:
                raise r.error("zero_not_allowed", "steam_enthalpy", value=enthalpy)
            tonnes = r.convert(amount, unit, "tsteam")
            gj = units.steam_to_gj(tonnes, enthalpy)
            rec.activity.update(steam_t=tonnes, steam_enthalpy_kj_per_kg=enthalpy, heat_gj=gj)
            amount, unit = gj, "GJ"
        user = self._user_ef(r, rec, "tCO2/GJ")
        if user is None:
            self._co2_only(r, rec, "purchased_heat")
            factor = self._pin(self.library.heat_default())
            rec.factor = factor
            ef, per = factor.value, "GJ"
        else:
            ef, per = user
        rec.ef = ef
        rec.amount, rec.amount_unit = r.convert(amount, unit, per), per
        tce = self._pin(self.library.find_tce("热力"))
        rec.tce_coef = tce.value * units.conversion_factor(per, "MJ") / 1e3 if tce else 0.0  # kgce/MJ

    def _fugitive(self, r: _Row, rec: Record, amount: float, unit: str) -> None:
        """Fugitive F-gases: (charged − recovered) × GWP, or capacity × leakage rate × GWP."""
        if not units.is_dimension(unit, "t"):
            raise r.error("unit_mismatch", "unit", unit=unit, expected="t")
        charged = r.convert(amount, unit, "t")
        recovered = r.number("recovered", default=0.0)
        recovered_t = r.convert(recovered, unit, "t", "recovered")
        if recovered_t > charged:
            raise r.error("recovered_exceeds", "recovered", recovered=recovered, amount=amount)
        leakage = r.fraction("leakage_rate")
        user = self._user_ef(r, rec, "t/t")
        rec.amount, rec.amount_unit = charged - recovered_t, "t"
        rec.activity.update(charged_t=charged, recovered_t=recovered_t)
        rec.supplied["rule"] = "(charged - recovered) x GWP" if leakage is None else "charge x leakage_rate x GWP"
        if user is not None:
            rec.ef = user[0] * units.conversion_factor("t", user[1])
        else:
            rec.ef = 1.0 if leakage is None else leakage
            if leakage is not None:
                rec.supplied["leakage_rate"] = leakage

    def _emission_factor(self, r: _Row, rec: Record, amount: float, unit: str, removal: bool) -> None:
        """T/CIECCPA 061 formula (2): E = AD × EF (× purity × calcination fraction for carbonates)."""
        user = self._user_ef(r, rec, "tCO2/t")
        fuel = None
        if user is None and (r.has("cao_fraction") or r.has("mgo_fraction")):
            # cement guideline: EF of clinker (and kiln dust) from the CaO and MgO that came from
            # carbonates, EF = CaO × 44/56 + MgO × 44/40 (tCO2/t)
            cao, mgo = r.fraction("cao_fraction", default=0.0), r.fraction("mgo_fraction", default=0.0)
            rec.supplied.update(cao_fraction=cao, mgo_fraction=mgo)
            user = (cao * 44.0 / 56.0 + mgo * 44.0 / 40.0, "t")
        if user is not None:
            ef, per = user
        elif removal:
            raise r.error("missing_parameter", "ef", detail="ef + ef_unit, e.g. tCO2/ha")
        else:
            factor = self._sector_ef(r, rec, rec.gas if r.has("gas") else None)
            if factor is not None:
                if factor.gas.upper() not in (rec.gas.upper(), CO2E.upper()) and r.has("gas"):
                    raise r.error("unknown_factor", "gas", detail=f"{r.text('material')} {rec.gas}")
                rec.factor, rec.gas = factor, self.gwp.canonical(factor.gas) or rec.gas
                ef, per = factor.value, factor.per_unit
            else:
                fuel = self._fuel_factor(r)
                if fuel is None or fuel.ncv is None:
                    raise r.error("unknown_material", "material", value=r.text("material"),
                                  factor_set=r.text("factor_set") or self.options.fuel_set)
                # EF of a fuel from its default parameters: NCV × CC × OF × 44/12 (tCO2 per unit)
                rec.factor = fuel
                per = fuel.per_unit
                ef = fuel.ncv * fuel.carbon_content * fuel.oxidation_rate * CO2_PER_C
                rec.gas = "CO2"
        rec.ef = ef
        rec.amount, rec.amount_unit = r.convert(amount, unit, per), per
        rec.purity = r.fraction("purity", default=1.0)
        rec.calc = r.fraction("calcination_fraction", default=1.0)
        for name in ("purity", "calcination_fraction"):
            if r.has(name):
                rec.supplied[name] = r.number(name)
        fuel = fuel or self._fuel_factor(r)
        if fuel is not None and fuel.ncv is not None:
            try:
                rec.tce_coef = fuel.ncv * units.conversion_factor(f"GJ/{fuel.per_unit}", f"GJ/{per}") / units.GJ_PER_TCE
            except units.UnitProblem:
                rec.tce_coef = 0.0


def balance_errors(sums: Mapping[Any, tuple[str, float, int | None]]) -> list[AccountingError]:
    """Errors for the balances that are negative: ``sums`` maps any key to (source name, tCO2, first row)."""
    return [
        AccountingError("mass_balance_negative", row=row, field="direction", source=name, value=f"{total:.6g}")
        for name, total, row in sums.values()
        if total < -1e-9
    ]


def check_mass_balance(records: Iterable[Record]) -> list[AccountingError]:
    """A source's mass balance must not be negative (more carbon out than in is an input error)."""
    sums: dict[tuple[str, str, str], tuple[str, float, int | None]] = {}
    for rec in records:
        if rec.method == MASS_BALANCE:
            key = (rec.entity, rec.period, rec.source)
            _name, total, row = sums.get(key, (rec.source, 0.0, rec.row))
            sums[key] = (rec.source, total + rec.sign * rec.amount * rec.cfrac * CO2_PER_C, row)
    return balance_errors(sums)


def prepare_rows(
    rows: Iterable[Mapping[str, Any]], library: FactorLibrary, gwp: GwpTable, options: Options,
    *, first_row: int = 1,
) -> list[Record]:
    """Validate and normalise every row; raise :class:`AccountingErrors` listing every problem."""
    preparer = Preparer(library, gwp, options)
    records: list[Record] = []
    errors: list[AccountingError] = []
    for i, raw in enumerate(rows, start=first_row):
        try:
            records.append(preparer.prepare(raw, i))
        except AccountingError as err:
            errors.append(err)
    if options.check_balance:
        errors.extend(check_mass_balance(records))
    if any(rec.has_market for rec in records):
        for rec in records:
            if rec.category == CATEGORY_INDEX["purchased_electricity"] and math.isnan(rec.residual_ef):
                errors.append(AccountingError("residual_missing", row=rec.row, field="year",
                                              year=rec.year if rec.year is not None else rec.period))
    if errors:
        raise AccountingErrors(sorted(errors, key=lambda e: (e.row or 0)))
    return records
