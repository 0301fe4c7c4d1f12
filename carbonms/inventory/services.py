"""Calculation runs: load approved activity data, compute with the accounting core, store results.

``run_calculation`` is the one write. It loads the current approved or locked version of every
activity value in scope (one query) with the consumption-weighted lab averages, calls
``carbonms.accounting.calculate`` once for the whole batch (vectorised), and stores one result per
value with its provenance. Earlier runs never change; a locked period can be recomputed only with a
reason, and the new run is compared with the old one by :func:`carbonms.inventory.diff.run_diff`.
"""
from __future__ import annotations

import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carbonms.accounting import AccountingErrors, calculate
from carbonms.accounting.engine import shared_defaults
from carbonms.accounting.factors import DEFAULT_FUEL_SET
from carbonms.accounting.gwp import GWP_SETS
from carbonms.carbondata.models import ActivityRecord, PeriodLock
from carbonms.carbondata.selectors import weighted_lab_values
from carbonms.carbondata.services.common import record_event
from carbonms.common.tenancy import require

from .models import CalculationRun, RunResult
from .totals import counted_in_park, summarise

S = ActivityRecord.Status
_FIELDS = ("pk", "version", "enterprise_id", "source_id", "month", "amount", "unit", "source__code", "source__category",
           "source__method", "source__material", "source__factor_key", "source__gases", "source__supplier_id")


def load(park, year: int, enterprise=None) -> list[tuple]:
    qs = ActivityRecord.objects.filter(enterprise__park=park, year=year, is_current=True, status__in=(S.APPROVED, S.LOCKED))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return list(qs.order_by("enterprise_id", "source_id", "month").values_list(*_FIELDS))


def grid_year(year: int) -> int:
    """The latest year ≤ ``year`` with a published national grid factor (published with a delay of years)."""
    library, _gwp = shared_defaults()
    for y in range(year, year - 10, -1):
        if library.find_grid(y) is not None:
            return y
    return year


def build_rows(records: list[tuple], year: int, lab: dict) -> list[dict]:
    rows = []
    gy = grid_year(year)
    for _pk, _v, ent, sid, month, amount, unit, code, cat, method, material, _key, gases, _sup in records:
        row = {"entity": str(ent), "period": f"{year}-{month:02d}", "source": code, "category": cat, "method": method,
               "material": material, "amount": float(amount), "unit": unit, "year": year}
        if cat == "purchased_electricity":
            row["year"] = gy
        gas = gases.split(",")[0].strip() if gases else ""
        if gas and gas != "CO2":
            row["gas"] = gas
        measured = lab.get((sid, month))
        if measured and method == "fuel_combustion":
            if "ncv" in measured:
                row["ncv"] = float(measured["ncv"])
                row["ncv_unit"] = "GJ/10^4Nm3" if unit in ("10^4Nm3", "万Nm3") else "GJ/t"
            if "carbon_content" in measured:
                row["carbon_content"] = float(measured["carbon_content"])
        rows.append(row)
    return rows


def _raise_accounting(exc: AccountingErrors, records: list[tuple]) -> None:
    lang = "en" if (get_language() or "zh").startswith("en") else "zh"
    msgs = []
    for e in exc.errors[:50]:
        where = ""
        if e.row is not None and 0 < e.row <= len(records):
            r = records[e.row - 1]
            where = f"{r[7]} {r[4]:02d}: "
        msgs.append(where + e.reason(lang) + (f" ({e.field})" if e.field else ""))
    raise ValidationError(msgs)


def _store(run: CalculationRun, results: list[RunResult]) -> None:
    if connection.vendor == "postgresql" and len(results) > 5000:
        _copy(run, results)
    else:
        RunResult.objects.bulk_create(results, batch_size=2000)


def _copy(run, results) -> None:
    """PostgreSQL COPY of the results (the benchmark's store step)."""
    import json

    cols = ["created_at", "updated_at", "run_id", "enterprise_id", "source_id", "activity_id", "activity_version", "amount",
            "unit", "month", "category", "method", "material", "gas", "mass_t", "co2e_t", "energy_tce",
            "factor_version_id", "factor", "gwp", "counted_in_park"]
    now = timezone.now()
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(f"COPY {RunResult._meta.db_table} ({', '.join(cols)}) FROM STDIN") as cp:
            factor_json: dict[int, str] = {}
            for r in results:
                fj = factor_json.get(id(r.factor))
                if fj is None:
                    fj = factor_json[id(r.factor)] = json.dumps(r.factor, ensure_ascii=False)
                cp.write_row((now, now, run.pk, r.enterprise_id, r.source_id, r.activity_id, r.activity_version, r.amount,
                              r.unit, r.month, r.category, r.method, r.material, r.gas, r.mass_t, r.co2e_t, r.energy_tce,
                              r.factor_version_id, fj, r.gwp, r.counted_in_park))


def period_locked(park, year: int, enterprise=None) -> bool:
    """True when every enterprise in scope has closed all twelve months of the year."""
    from carbonms.organizations.models import Enterprise

    ents = [enterprise.pk] if enterprise is not None else list(Enterprise.objects.filter(park=park).values_list("pk", flat=True))
    if not ents:
        return False
    n = PeriodLock.objects.filter(enterprise_id__in=ents, year=year).count()
    return n >= 12 * len(ents)


@transaction.atomic
def run_calculation(*, actor, park, year: int, enterprise=None, gwp_set: str = "SAR", reason: str = "") -> CalculationRun:
    """Compute the enterprise (or, without one, the park) for ``year`` and store the run."""
    require(actor, "data", "change", park_id=park.pk, enterprise_id=enterprise.pk if enterprise else None)
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("The enterprise is not in this park.")})
    if gwp_set not in GWP_SETS:
        raise ValidationError({"gwp_set": _("Unknown GWP set “%(gwp)s”.") % {"gwp": gwp_set}})
    locked = period_locked(park, year, enterprise)
    earlier = CalculationRun.objects.filter(park=park, enterprise=enterprise, year=year)
    if locked and earlier.exists() and not reason.strip():
        raise ValidationError({"reason": _("The period is locked and already computed: a recalculation needs a reason.")})
    t0 = time.perf_counter()
    records = load(park, year, enterprise)
    if not records:
        raise ValidationError(_("There is no approved activity data for %(year)d.") % {"year": year})
    lab = weighted_lab_values({r[3] for r in records}, year)
    rows = build_rows(records, year, lab)
    t1 = time.perf_counter()
    try:
        result = calculate(rows, gwp_set=gwp_set)
    except AccountingErrors as exc:
        _raise_accounting(exc, records)
    t2 = time.perf_counter()
    is_park = enterprise is None
    run = CalculationRun(park=park, enterprise=enterprise, year=year, gwp_set=gwp_set, fuel_set=DEFAULT_FUEL_SET,
                         run_by=actor, reason=reason.strip(), n_records=len(records), locked_period=locked)
    run.save()
    results, summary_rows = [], []
    for rec, rr in zip(records, result.rows, strict=True):
        pk, version, ent, sid, month, amount, unit = rec[:7]
        counted = counted_in_park(rec[13], is_park)
        co2e = -rr.co2e_t if rr.category == "removal" and rr.co2e_t < 0 else rr.co2e_t
        mass = next(iter(rr.by_gas.values()), 0.0)
        results.append(RunResult(
            run=run, enterprise_id=ent, source_id=sid, activity_id=pk, activity_version=version,
            amount=Decimal(amount), unit=unit, month=month, category=rr.category, method=rr.method, material=rr.material,
            gas=rr.gas, mass_t=mass, co2e_t=co2e, energy_tce=rr.energy_tce,
            factor_version_id=str(rr.factor.get("version_id") or ""), factor=rr.factor, gwp=rr.gwp, counted_in_park=counted))
        summary_rows.append((ent, month, rr.category, rr.gas, mass, co2e, rr.energy_tce, counted))
    run.totals = summarise(summary_rows)
    t3 = time.perf_counter()
    _store(run, results)
    run.n_results = len(results)
    t4 = time.perf_counter()
    run.timings = {"load": round(t1 - t0, 3), "compute": round(t2 - t1, 3), "assemble": round(t3 - t2, 3),
                   "store": round(t4 - t3, 3)}
    run.save()
    record_event(actor=actor, park=park, enterprise=enterprise, kind="calculation_run", run=run.pk, year=year,
                 gwp_set=gwp_set, results=len(results), gross=run.totals["gross"])
    return run
