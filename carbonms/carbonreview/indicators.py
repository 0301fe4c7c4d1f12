"""The values of a performance indicator, computed from the figures of record (T/CSES 6.4; T/CPQS 7.4, 10.1.1;
T/CIECCPA 9.1.1 a) 4)).

An indicator's value for a year comes from the inventory statement in force of its entity (the park, or the
enterprise) and year: the numerator from the statement's totals, the denominator from the output and
economic figures frozen on the statement (``statement.denominators``, from ``carbondata.selectors.denominators``)
or from its energy total. Nothing is typed in: a year without a statement in force, or without the denominator,
has no value and says why. Each value keeps the statement it came from.

The expected value is the indicator's own (``expected_value``) or, for an indicator linked to a baseline, the
baseline's value; a value further from it than the indicator's threshold (default 10 %) calls for a deviation
investigation (T/CSES 9.1 b); T/CIECCPA 9.1.2).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from carbonms.accounting.indicators import energy_co2

from .models import Indicator

N = Indicator.Numerator
D = Indicator.Denominator

NUMERATOR_UNITS = {N.GROSS: "tCO2e", N.DIRECT: "tCO2e", N.INDIRECT_ENERGY: "tCO2e", N.ENERGY_CO2: "tCO2",
                   N.ENERGY: "tce"}
DENOMINATOR_KEYS = {D.VALUE_ADDED: ("value_added_10k_yuan", "10^4 yuan"), D.OUTPUT_VALUE: ("output_value_10k_yuan", "10^4 yuan"),
                    D.GDP: ("gdp_10k_yuan", "10^4 yuan")}


def dec(x: Any) -> Decimal | None:
    if x is None or x == "":
        return None
    return x if isinstance(x, Decimal) else Decimal(repr(x) if isinstance(x, float) else str(x))


@dataclass
class Value:
    year: int
    statement: Any = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value: Decimal | None = None
    expected: Decimal | None = None
    deviation_pct: Decimal | None = None
    exceeds: bool = False
    note: str = ""
    extra: dict = field(default_factory=dict)


def unit_of(ind: Indicator) -> str:
    num = NUMERATOR_UNITS.get(ind.numerator, "")
    if ind.kind != Indicator.Kind.RATIO or not ind.denominator:
        return num
    if ind.denominator == D.ENERGY:
        return f"{num}/tce"
    if ind.denominator == D.PRODUCT:
        return f"{num}/{ind.product_code or '?'}"
    return f"{num}/{DENOMINATOR_KEYS[ind.denominator][1]}"


def numerator_of(ind: Indicator, totals: dict) -> Decimal | None:
    if ind.numerator == N.ENERGY_CO2:
        return energy_co2(totals)[0]
    return dec((totals or {}).get(ind.numerator))


def denominator_of(ind: Indicator, statement) -> Decimal | None:
    if ind.denominator == D.ENERGY:
        return dec((statement.totals or {}).get("energy_tce"))
    den = statement.denominators or {}
    if ind.denominator == D.PRODUCT:
        qty = [p.get("quantity") for p in den.get("products") or [] if p.get("code") == ind.product_code]
        return sum((dec(q) for q in qty if q is not None), Decimal(0)) if qty else None
    return dec(den.get(DENOMINATOR_KEYS[ind.denominator][0]))


def expected_of(ind: Indicator) -> Decimal | None:
    """The indicator's expected value: its own, else its baseline's value (when baselines exist)."""
    if ind.expected_value is not None:
        return ind.expected_value
    return dec(ind.baseline.value) if ind.baseline_id else None


def deviation(actual: Decimal, expected: Decimal | None) -> Decimal | None:
    """|actual − expected| / expected in % (None without a positive expected value)."""
    if expected is None or expected == 0 or actual is None:
        return None
    return (abs(actual - expected) / abs(expected) * 100).quantize(Decimal("0.01"))


def statements_of(ind: Indicator) -> dict[int, Any]:
    """The statements in force of the indicator's entity, by year (management basis)."""
    return statements_of_entity(ind.park_id, ind.enterprise_id)


def statements_of_entity(park_id: int, enterprise_id: int | None) -> dict[int, Any]:
    """The statements in force of an entity (the park: ``enterprise_id`` None), by year, in one query: indicators of
    one system share them."""
    from carbonms.inventory.models import InventoryStatement
    from carbonms.inventory.statements import official_statements

    qs = official_statements(InventoryStatement.objects.filter(park_id=park_id), park_level=enterprise_id is None)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    return {st.year: st for st in qs.order_by("year")}


def value_for(ind: Indicator, year: int, statement=None) -> Value:
    """The indicator's value of ``year`` from the statement in force (passed, or looked up)."""
    st = statement if statement is not None else statements_of(ind).get(year)
    v = Value(year=year, statement=st, expected=expected_of(ind))
    if st is None:
        v.note = _("No inventory statement in force for this year.")
        return v
    v.numerator = numerator_of(ind, st.totals or {})
    if v.numerator is None:
        v.note = _("The statement gives no figure for the numerator.")
        return v
    if ind.kind == Indicator.Kind.RATIO:
        v.denominator = denominator_of(ind, st)
        if not v.denominator:
            v.note = _("No approved denominator (output or economic data) for this year.")
            return v
        v.value = v.numerator / v.denominator
    else:
        v.value = v.numerator
    v.deviation_pct = deviation(v.value, v.expected)
    v.exceeds = v.deviation_pct is not None and v.deviation_pct > ind.deviation_threshold_pct
    return v


def series(ind: Indicator, statements: dict[int, Any] | None = None) -> list[Value]:
    """The indicator's value for every year with a statement in force, oldest first (``statements``: the entity's,
    when the caller has them already)."""
    sts = statements if statements is not None else statements_of(ind)
    return [value_for(ind, year, st) for year, st in sts.items()]


def baseline_performance(ind: Indicator, year: int, value: Value | None = None) -> dict | None:
    """Performance against the indicator's baseline in ``year`` (adjusted baseline, savings, performance index), see
    :mod:`carbonms.carbonreview.baselines`; None when the indicator has no baseline."""
    if ind.baseline_id is None:
        return None
    from . import baselines

    v = value if value is not None else value_for(ind, year)
    return baselines.performance(ind.baseline, year, actual=v.value, statement=v.statement)
