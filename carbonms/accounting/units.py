"""The one place that handles units (issue 3, "Units"), built on pint.

Units understood (with Chinese and ASCII spellings, see :data:`ALIASES`):

* mass: t, kg, g, kt, Mt;
* gas volume at standard conditions: Nm3 and 10^4Nm3 (万Nm3, 万立方米, 10^4m3). T/CIECCPA 061 §8.2.5.2
  writes gas activity data as "万立方米 (10⁴m³)" meaning standard (normal) conditions, so the Chinese
  spelling maps to 10⁴Nm³. Normal volume is its own dimension: it never converts silently to a mass;
* geometric volume: m3, L (converted to mass only with a density in t/m3);
* energy: GJ, MJ, TJ, kJ, kWh, MWh, GWh, and tce/kgce. 1 kgce = 29 307 kJ (GB/T 2589-2020
  《综合能耗计算通则》, definition of 标准煤 / standard coal equivalent), so 1 tce = 29.307 GJ;
* steam: "t steam" (吨蒸汽) is its own dimension: a tonne of steam becomes heat only through its
  enthalpy (see :func:`steam_to_gj`);
* area (for sinks): m2, ha, mu (亩 = 10000/15 m²).

A unit that cannot be converted raises :class:`UnitProblem`; the caller turns it into an
:class:`~carbonms.accounting.messages.AccountingError` that names the row and field.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pint

#: GB/T 2589-2020: the low heating value of 1 kg of standard coal is 29 307 kJ.
KJ_PER_KGCE = 29307.0
GJ_PER_TCE = KJ_PER_KGCE / 1000.0

#: Enthalpy of the returned condensate at 20 °C used by the NDRC industry guidelines (2013-2015)
#: to convert steam mass to heat: AD_steam = Ma_st × (En_st − 83.74) × 10⁻³ GJ.
CONDENSATE_ENTHALPY_KJ_PER_KG = 83.74

ureg = pint.UnitRegistry(on_redefinition="raise")
ureg.define("normal_cubic_meter = [normal_volume] = Nm3")
ureg.define("wan_normal_cubic_meter = 1e4 * normal_cubic_meter = wanNm3")
ureg.define("kilogram_coal_equivalent = 29307 * kilojoule = kgce")
ureg.define("tonne_coal_equivalent = 1000 * kilogram_coal_equivalent = tce")
ureg.define("tonne_steam = [steam_mass] = tsteam")
ureg.define("mu_area = 10000 / 15 * meter ** 2 = mu")

#: Accepted spellings -> pint expression. Keys are compared after :func:`_normalise`.
ALIASES: dict[str, str] = {
    "t": "tonne", "吨": "tonne", "tonne": "tonne", "tonnes": "tonne", "tons": "tonne",
    "kg": "kilogram", "千克": "kilogram", "公斤": "kilogram", "g": "gram", "克": "gram",
    "kt": "kilotonne", "千吨": "kilotonne", "万吨": "10000 * tonne", "10^4t": "10000 * tonne",
    "mt": "megatonne",
    "nm3": "Nm3", "标准立方米": "Nm3", "标立方": "Nm3",
    "10^4nm3": "wanNm3", "万nm3": "wanNm3", "万标准立方米": "wanNm3", "万立方米": "wanNm3",
    "10^4m3": "wanNm3", "万m3": "wanNm3",
    "m3": "meter ** 3", "立方米": "meter ** 3", "l": "liter", "升": "liter", "kl": "kiloliter",
    "gj": "gigajoule", "mj": "megajoule", "tj": "terajoule", "kj": "kilojoule", "百万千焦": "gigajoule",
    "kwh": "kilowatt_hour", "千瓦时": "kilowatt_hour", "度": "kilowatt_hour",
    "mwh": "megawatt_hour", "兆瓦时": "megawatt_hour", "gwh": "gigawatt_hour",
    "万kwh": "10 * megawatt_hour", "万千瓦时": "10 * megawatt_hour",
    "tce": "tce", "吨标准煤": "tce", "吨标煤": "tce", "kgce": "kgce", "千克标准煤": "kgce",
    "tsteam": "tsteam", "t蒸汽": "tsteam", "吨蒸汽": "tsteam", "tsteam(蒸汽)": "tsteam",
    "m2": "meter ** 2", "平方米": "meter ** 2", "ha": "hectare", "公顷": "hectare",
    "mu": "mu", "亩": "mu", "km": "kilometer", "公里": "kilometer",
    "tkm": "tonne * kilometer", "吨公里": "tonne * kilometer",
}

_SPACES = re.compile(r"\s+")
_VOLUME = ureg.meter.dimensionality ** 3
_MASS = ureg.kilogram.dimensionality


class UnitProblem(Exception):
    """A unit is unknown, or two units cannot be converted (``code`` is a message id)."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(code, params)


def _normalise(text: str) -> str:
    s = _SPACES.sub("", str(text)).replace("⁴", "^4").replace("³", "3").replace("²", "2")
    s = s.replace("×", "*").replace("10**4", "10^4").replace("1e4", "10^4")
    return s.replace("_", "").lower()


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> pint.Quantity:
    """Parse a unit spelling into a pint quantity of magnitude 1 (raises :class:`UnitProblem`)."""
    if text is None or str(text).strip() == "":
        raise UnitProblem("unknown_unit", unit=str(text))
    key = _normalise(text)
    expr = ALIASES.get(key)
    if expr is None:
        # composite spellings such as "t/h" or "GJ/t": translate each side
        if "/" in key:
            num, _, den = key.partition("/")
            return parse_unit(num) / parse_unit(den)
        raise UnitProblem("unknown_unit", unit=str(text))
    return ureg.Quantity(expr)


def is_known(text: str) -> bool:
    try:
        parse_unit(text)
    except UnitProblem:
        return False
    return True


def dimensionality(text: str) -> str:
    return str(parse_unit(text).dimensionality)


@lru_cache(maxsize=4096)
def _ratio(from_unit: str, to_unit: str) -> tuple[str, float]:
    """('ok', factor) or (problem code, 0.0); cached, problems included."""
    q_from = parse_unit(from_unit)
    q_to = parse_unit(to_unit)
    if q_from.dimensionality != q_to.dimensionality:
        vol_mass = {q_from.dimensionality, q_to.dimensionality} == {_VOLUME, _MASS}
        return ("needs_density" if vol_mass else "unit_mismatch"), 0.0
    factor = float((q_from / q_to).to("dimensionless").magnitude)
    # the defined ratios are exact decimals: drop the binary noise pint's chained scaling leaves
    # (TJ -> GJ gives 1000.0000000000001 otherwise)
    return "ok", float(f"{factor:.15g}")


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiplier that turns a number in ``from_unit`` into ``to_unit``.

    Raises :class:`UnitProblem` (``unit_mismatch`` or ``needs_density``) when the dimensions differ.
    """
    code, factor = _ratio(from_unit, to_unit)
    if code != "ok":
        raise UnitProblem(code, unit=str(from_unit), expected=str(to_unit))
    return factor


def convert(value: float, from_unit: str, to_unit: str, density_t_per_m3: float | None = None) -> float:
    """Convert ``value`` from one unit to another; a volume and a mass convert through a density."""
    try:
        return value * conversion_factor(from_unit, to_unit)
    except UnitProblem as problem:
        if problem.code != "needs_density" or density_t_per_m3 is None:
            raise
    # volume <-> mass through the density (t/m3)
    if parse_unit(from_unit).dimensionality == _MASS:
        m3 = value * conversion_factor(from_unit, "t") / density_t_per_m3
        return m3 * conversion_factor("m3", to_unit)
    tonnes = value * conversion_factor(from_unit, "m3") * density_t_per_m3
    return tonnes * conversion_factor("t", to_unit)


@lru_cache(maxsize=4096)
def is_dimension(text: str, reference: str) -> bool:
    """True when ``text`` has the same dimension as ``reference`` (e.g. ``is_dimension(u, "t")``)."""
    return parse_unit(text).dimensionality == parse_unit(reference).dimensionality


def steam_to_gj(tonnes_steam: float, enthalpy_kj_per_kg: float) -> float:
    """Heat carried by steam, GJ: Ma_st × (En_st − 83.74) × 10⁻³.

    Rule of the NDRC enterprise GHG accounting guidelines (2013-2015, e.g. 工业其他行业企业温室气体排放
    核算方法与报告指南(试行), purchased heat): ``En_st`` is the steam enthalpy in kJ/kg at the metered
    temperature and pressure (from steam tables), 83.74 kJ/kg the enthalpy of water at 20 °C.
    The rule is recalled from those guidelines; the guideline PDF was not re-read while writing this.
    """
    return tonnes_steam * (enthalpy_kj_per_kg - CONDENSATE_ENTHALPY_KJ_PER_KG) * 1e-3


def energy_to_tce(value: float, unit: str) -> float:
    """Energy in tonnes of standard coal equivalent (calorific equivalence of GB/T 2589-2020)."""
    return value * conversion_factor(unit, "tce")


# -- lab values ------------------------------------------------------------------------------------
#: The units a lab may report each parameter in. ``tC``/``kgC`` are masses of carbon; ``%`` a fraction
#: by mass (carbon) or a plain fraction (purity, oxidation rate).
LAB_UNITS: dict[str, tuple[str, ...]] = {
    "ncv": ("GJ/t", "MJ/kg", "kJ/kg", "GJ/10^4Nm3", "MJ/Nm3"),
    # per unit heat (the guidelines' 单位热值含碳量), or per unit of fuel (a mass fraction: converted with the NCV)
    "carbon_content": ("tC/GJ", "kgC/GJ", "%", "tC/t", "tC/10^4Nm3"),
    "carbon_fraction": ("tC/t", "%", "tC/10^4Nm3"),  # mass balance: carbon per unit of the material
    "oxidation_rate": ("%",),
    "purity": ("%",),
}


def activity_base(activity_unit: str) -> str | None:
    """The unit a per-amount parameter of this activity is expressed in: t (mass) or 10^4Nm3 (gas)."""
    if not is_known(activity_unit):
        return None
    if is_dimension(activity_unit, "t"):
        return "t"
    if is_dimension(activity_unit, "Nm3"):
        return "10^4Nm3"
    return None


def lab_value(parameter: str, value: float, unit: str, activity_unit: str) -> tuple[str, float]:
    """A lab value in the form the accounting core takes: (column, value).

    * ``ncv`` -> ("ncv", GJ per t or per 10^4Nm3, as the activity is measured);
    * ``carbon_content`` per heat -> ("carbon_content", tC/GJ); per unit of fuel -> ("carbon_per_unit",
      tC per t or per 10^4Nm3), turned into tC/GJ with the NCV used for the same month
      (:func:`carbon_per_gj`);
    * ``carbon_fraction`` -> ("carbon_fraction", tC per t or per 10^4Nm3);
    * ``oxidation_rate``, ``purity`` in % -> a fraction.

    Raises :class:`UnitProblem` ``lab_unit`` (not a unit of this parameter) or ``lab_unit_activity``
    (the unit cannot describe the activity: a volume-based NCV for a fuel measured in tonnes).
    """
    text = str(unit or "").strip()
    if text not in LAB_UNITS.get(parameter, ()):
        raise UnitProblem("lab_unit", unit=text, expected=", ".join(LAB_UNITS.get(parameter, ())))
    if parameter in ("oxidation_rate", "purity"):
        return parameter, _exact(value / 100.0)
    if parameter == "carbon_content" and text in ("tC/GJ", "kgC/GJ"):
        return "carbon_content", _exact(value * conversion_factor(text.replace("C/", "/"), "t/GJ"))
    base = activity_base(activity_unit)
    if text == "%":  # a mass fraction: t of carbon per t of fuel or material
        num, per, scale = "t", "t", 0.01
    else:
        num, _, per = text.partition("/")
        num, scale = (num, 1.0) if parameter == "ncv" else (num[:-1], 1.0)  # tC -> t of carbon
    if base is None or not is_dimension(per, base):
        raise UnitProblem("lab_unit_activity", unit=text, expected=str(activity_unit))
    if parameter == "ncv":
        return "ncv", _exact(value * conversion_factor(text, f"GJ/{base}"))
    column = "carbon_per_unit" if parameter == "carbon_content" else "carbon_fraction"
    return column, _exact(value * scale * conversion_factor(f"{num}/{per}", f"t/{base}"))


def _exact(x: float) -> float:
    """A decimal lab value times an exact decimal ratio, without binary noise (38.931 MJ/Nm3 -> 389.31 GJ/10^4Nm3)."""
    return float(f"{x:.15g}")


def carbon_per_gj(carbon_per_unit: float, ncv_gj_per_unit: float) -> float:
    """Carbon content per unit heat (tC/GJ) from carbon per unit of fuel and the NCV of the same unit."""
    return carbon_per_unit / ncv_gj_per_unit
