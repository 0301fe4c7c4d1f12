"""Calculation runs: load approved activity data, compute with the accounting core, store results.

``run_calculation`` is the one write. Three steps, timed separately (``CalculationRun.timings``):

* **load** — the current approved or locked version of every activity value in scope, its source's
  accounting attributes and the consumption-weighted lab averages (three queries);
* **compute** — every distinct parameter set (category, method, material, unit, gas, measured NCV
  and carbon content, grid year) is computed by ``carbonms.accounting.calculate`` in one call with a
  unit amount; each value's result is its amount times its parameter set's result per unit (the
  methods of the core are linear in the activity amount; a test checks the equality with a per-row
  ``calculate``). Totals are grouped with NumPy, with the park double-counting rule;
* **store** — one result per value (PostgreSQL ``COPY`` for large runs) with its provenance: the
  activity record and version, the factor version (the run keeps each factor once, in ``factors``),
  method, GWP set, and the run's user and time.

Earlier runs never change; a locked period is recomputed only with a reason, and the new run is
compared with the old one by :func:`carbonms.inventory.diff.run_diff`.
"""
from __future__ import annotations

import datetime as dt
import time

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carbonms.accounting import AccountingErrors, calculate, units
from carbonms.accounting.engine import shared_defaults
from carbonms.accounting.factors import DEFAULT_FUEL_SET
from carbonms.accounting.prepare import balance_errors
from carbonms.carbondata.models import ActivityRecord, PeriodLock, Source
from carbonms.carbondata.selectors import weighted_lab_values
from carbonms.carbondata.services.common import record_event
from carbonms.carbondata.services.factors import enterprise_sectors, factor_for, latest_factors
from carbonms.common.tenancy import require
from carbonms.organizations.models import Enterprise

from .models import CalculationRun, RunResult
from .scope import RunScope, coverage, default_boundary_date, grid_row, resolve_policy, run_scope
from .totals import summarise_arrays

S = ActivityRecord.Status
_REC_FIELDS = ("pk", "version", "source_id", "month", "amount")
_SRC_FIELDS = ("pk", "enterprise_id", "code", "category", "method", "material", "gases", "activity_unit", "supplier_id",
               "factor_key",
               # the method parameters (index 10…, read by _parameter_set)
               "direction", "balance_group", "carbon_fraction", "purity", "calcination_fraction", "steam_enthalpy",
               "market_share", "market_ef")


def _fetch(qs, fields) -> list[tuple]:
    """Rows of ``qs.values_list(*fields)`` through a plain cursor (no per-row ORM work)."""
    sql, params = qs.values_list(*fields).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def run_sources(park, enterprise=None):
    """The sources a run of the park (or of one of its enterprises) reads, as a queryset: lab values are
    selected with it as a subquery, not with a list of 50,000 ids to bind."""
    srcs = Source.objects.filter(enterprise__park=park)
    return srcs if enterprise is None else srcs.filter(enterprise=enterprise)


def load(park, year: int, enterprise=None, scope: RunScope | None = None) -> tuple[list[tuple], dict[int, tuple]]:
    """(activity rows, sources by id): the values a run computes (with ``scope``: only the sources in the
    boundary, in the months the enterprise was in the park)."""
    recs = ActivityRecord.objects.filter(enterprise__park=park, year=year, is_current=True, status__in=(S.APPROVED, S.LOCKED))
    srcs = run_sources(park, enterprise)
    if enterprise is not None:
        recs = recs.filter(enterprise=enterprise)
    records = _fetch(recs.order_by("source_id", "month"), _REC_FIELDS)
    sources = {r[0]: r for r in _fetch(srcs, _SRC_FIELDS)}
    if scope is not None:
        records = scope.keep(records, sources)
    return records, sources


def grid_year(year: int) -> int:
    """The latest year ≤ ``year`` with a published national grid factor (they are published years late)."""
    library, _gwp = shared_defaults()
    for y in range(year, year - 10, -1):
        if library.find_grid(y) is not None:
            return y
    return year


#: the core's ``source`` of the mass-balance flows of an enterprise that name no group (balanced together)
ENTERPRISE_BALANCE = "物料平衡"


def _default_ncv(material: str, base: str, user_factor) -> float | None:
    """The NCV (GJ per ``base``) a month without a lab NCV uses: the user factor's, else the library's."""
    if user_factor is not None and user_factor.ncv and user_factor.ncv_unit:
        return user_factor.ncv * units.conversion_factor(user_factor.ncv_unit, f"GJ/{base}")
    fuel = shared_defaults()[0].find_fuel(material, DEFAULT_FUEL_SET)
    if fuel is None or fuel.ncv is None:
        return None
    return fuel.ncv * units.conversion_factor(fuel.ncv_unit, f"GJ/{base}")


def _parameter_set(src: tuple, measured: dict | None, year: int, gy: int, user_factor) -> tuple:
    """The parameters a value of ``src`` is computed with: the source's method parameters, its user factor,
    and the month's consumption-weighted lab values (already in the core's units, see weighted_lab_values).
    The last element holds the extra input columns of the core, as sorted (column, value) pairs."""
    _pk, ent, code, cat, method, material, gases, unit, _sup, _key = src[:10]
    direction, group, cfrac, purity, calc, enthalpy, share, market_ef = src[10:18]
    gas = gases.split(",")[0].strip() if gases else "CO2"
    lab = {k: float(v) for k, v in (measured or {}).items()}
    extra: dict = {}
    ncv = cc = None
    if cat == "co2_recovered":  # deducted only under the row's sector guideline that allows it (the core refuses otherwise)
        if purity is not None:
            extra["purity"] = float(purity)
    elif method == "fuel_combustion":
        base = units.activity_base(unit)
        ncv = lab.get("ncv")
        if ncv is not None:
            extra["ncv_unit"] = f"GJ/{base}"
        cc = lab.get("carbon_content")
        if cc is None and "carbon_per_unit" in lab:  # a mass fraction: to tC/GJ with the NCV of the same month
            heat = ncv if ncv is not None else _default_ncv(material, base, user_factor)
            if heat is None:
                raise ValidationError(_("%(code)s: a carbon content per unit of fuel needs an NCV (lab or factor).")
                                      % {"code": code})
            cc = units.carbon_per_gj(lab["carbon_per_unit"], heat)
        if "oxidation_rate" in lab:
            extra["oxidation_rate"] = lab["oxidation_rate"]
    elif method == "mass_balance":
        fraction = lab.get("carbon_fraction", float(cfrac) if cfrac is not None else None)
        extra.update(direction=direction, carbon_fraction=fraction, entity=str(ent), source=group or ENTERPRISE_BALANCE)
    elif cat == "purchased_electricity" and share is not None:
        # market-based: the share covered by contracts, as ``market_amount`` of this unit row (per unit of
        # activity: a row for an amount A carries market_amount = share × A)
        extra.update(market_amount=float(share), market_ef=float(market_ef or 0))
    elif method == "emission_factor":
        for name, value in (("purity", lab.get("purity", purity)), ("calcination_fraction", calc),
                            ("steam_enthalpy", enthalpy)):
            if value is not None:
                extra[name] = float(value)
    uf = user_factor.pk if user_factor is not None else None
    return (cat, method, material, unit, gas, ncv, cc, gy if cat == "purchased_electricity" else year, uf,
            tuple(sorted(extra.items())))


def _set_input(row: dict) -> dict:
    """An input row less what belongs to one value (amount, period; entity and source unless a mass balance groups
    its flows by them)."""
    keep_group = row.get("method") == "mass_balance"
    return {k: v for k, v in row.items()
            if k not in ("amount", "period") and (keep_group or k not in ("entity", "source"))}


def _input_row(key: tuple, user_factors: dict) -> dict:
    """The core's input row of a parameter set, for a unit amount (``amount`` 1 in ``unit``)."""
    cat, method, material, unit, gas, ncv, cc, year, uf, extra = key
    row = {"entity": "1", "period": str(year), "source": material, "category": cat, "method": method,
           "material": material, "amount": 1.0, "unit": unit, "year": year}
    if gas and gas != "CO2":
        row["gas"] = gas
    if uf is not None:  # a user factor supplies the parameters; measured lab values still take precedence
        row.update({k: v for k, v in user_factors[uf].row_parameters().items() if v not in (None, "")})
    if ncv is not None:
        row["ncv"] = ncv
    if cc is not None:
        row["carbon_content"] = cc
    row.update(extra)  # ncv_unit, oxidation_rate, direction, carbon_fraction, purity, … (entity/source of a balance)
    return row


def _balance_check(records: list[tuple], sources: dict[int, tuple], co2e: np.ndarray) -> None:
    """Each mass balance (the flows of one enterprise and group over the year) must not be negative: the
    core's rule (T/CIECCPA 061 formula (1)), checked on the aggregated flows, not on the unit parameter sets."""
    sums: dict[tuple, list] = {}
    for i, (_pk, _v, sid, _month, _amount) in enumerate(records):
        src = sources[sid]
        if src[4] == "mass_balance":
            entry = sums.setdefault((src[1], src[11]), [0.0, set()])
            entry[0] += float(co2e[i])
            entry[1].add(src[2])
    errors = balance_errors({k: (", ".join(sorted(codes)), total, None) for k, (total, codes) in sums.items()})
    if errors:
        lang = "en" if (get_language() or "zh").startswith("en") else "zh"
        raise ValidationError([e.reason(lang) + f" ({e.field})" for e in errors])


def compute(records: list[tuple], sources: dict[int, tuple], year: int, lab: dict, gwp_set: str, is_park: bool,
            park_id: int | None = None, policy: dict | None = None):
    """Per-value arrays and the run's factor entries (see the module docstring); ``policy`` chooses the grid."""
    gy = policy["grid_year"] if policy else grid_year(year)
    latest = latest_factors(park_id) if park_id is not None else {}
    by_pk = {f.pk: f for f in latest.values()}
    src_factor = {sid: factor_for(latest, s[1], s[9]) for sid, s in sources.items() if s[9]}
    sector_of = enterprise_sectors({s[1] for s in sources.values()})  # defaults follow the industry
    keys: dict[tuple, int] = {}
    first_record: list[tuple] = []
    idx = np.empty(len(records), dtype=np.int64)
    plain: dict[int, int] = {}  # source id -> its set for the months without lab values (the same for each)
    for i, (_pk, _v, sid, month, _amount) in enumerate(records):
        measured = lab.get((sid, month))
        if measured is None and (k := plain.get(sid)) is not None:
            idx[i] = k
            continue
        key = _parameter_set(sources[sid], measured, year, gy, src_factor.get(sid)) + (sector_of[sources[sid][1]],)
        k = keys.get(key)
        if k is None:
            k = keys[key] = len(keys)
            first_record.append((sources[sid], month))
        if measured is None:
            plain[sid] = k
        idx[i] = k
    inputs = [grid_row({**_input_row(k[:-1], by_pk), "sector": k[-1]}, policy) for k in keys]
    try:
        # unit amounts: the mass balance is checked below on the aggregated flows
        result = calculate(inputs, gwp_set=gwp_set, check_balance=False)
    except AccountingErrors as exc:
        _raise_accounting(exc, first_record)
    factors, per_unit = [], np.zeros((len(keys), 3))
    per_unit_market = np.full(len(keys), np.nan)  # market-based tCO2e of imported energy (NaN: not imported energy)
    cat_of, gas_of, method_of, material_of = [], [], [], []
    set_keys = list(keys)
    for j, rr in enumerate(result.rows):
        co2e = abs(rr.co2e_t) if rr.category == "removal" else rr.co2e_t
        mass = next(iter(rr.by_gas.values()), 0.0)
        per_unit[j] = (co2e, mass, rr.energy_tce)
        if rr.market_co2e_t is not None:
            per_unit_market[j] = rr.market_co2e_t
        uf = by_pk.get(set_keys[j][8])
        described = {**dict(rr.factor), **uf.describe()} if uf is not None else dict(rr.factor)
        factors.append({**described, "gwp": rr.gwp, "per_unit": {"co2e_t": co2e, "mass_t": mass, "energy_tce": rr.energy_tce,
                                                                        "unit": rr.activity.get("unit")},
                        # the core's input row of this parameter set for a unit amount: the re-performance file
                        # (carbonms.inventory.reperform) writes it once per value, with the value's amount
                        "input": _set_input(inputs[j])})
        cat_of.append(rr.category)
        gas_of.append(rr.gas)
        method_of.append(rr.method)
        material_of.append(rr.material)
    amounts = np.fromiter((float(r[4]) for r in records), dtype=float, count=len(records))
    values = amounts[:, None] * per_unit[idx]
    _balance_check(records, sources, values[:, 0])
    src_ids = np.fromiter((r[2] for r in records), dtype=np.int64, count=len(records))
    supplier = {sid: s[8] is not None for sid, s in sources.items()}
    counted = np.ones(len(records), dtype=bool) if not is_park else ~np.fromiter(
        (supplier[s] for s in src_ids), dtype=bool, count=len(records))
    market = None
    if result.totals["indirect_energy_market"] is not None:  # some electricity is covered by contracts
        m = amounts * per_unit_market[idx]
        market = float(np.sum(m[counted & ~np.isnan(m)]))
    return {"idx": idx, "values": values, "counted": counted, "factors": factors, "categories": cat_of, "gases": gas_of,
            "methods": method_of, "materials": material_of, "indirect_energy_market": market}


def unverified_share(c) -> float:
    """tCO2e of the counted emissions that rest on a default factor not verified against its publication."""
    unverified = np.fromiter((f.get("id") is not None and f.get("verified") is False
                              and c["categories"][k] != "removal" for k, f in enumerate(c["factors"])),
                             dtype=bool, count=len(c["factors"]))
    mask = unverified[c["idx"]] & c["counted"]
    return float(c["values"][mask, 0].sum())


def _raise_accounting(exc: AccountingErrors, first_record: list[tuple]) -> None:
    lang = "en" if (get_language() or "zh").startswith("en") else "zh"
    msgs = []
    for e in exc.errors[:50]:
        where = ""
        if e.row is not None and 0 < e.row <= len(first_record):
            src, month = first_record[e.row - 1]
            where = f"{src[2]} {month:02d}: "
        msgs.append(where + e.reason(lang) + (f" ({e.field})" if e.field else ""))
    raise ValidationError(msgs)


# Every column of a stored result but its id, in the order of the SELECT lists of :func:`store` and of
# ``recalc._move`` (the two INSERT … SELECT that write results); a test checks it against the model.
RESULT_COLUMNS = ("created_at", "updated_at", "run_id", "enterprise_id", "source_id", "activity_id", "activity_version",
                  "amount", "unit", "month", "category", "method", "material", "gas", "mass_t", "co2e_t", "energy_tce",
                  "factor_version_id", "factor_index", "gwp", "counted_in_park")


def store(run, park, year: int, enterprise, records, sources, c, months: dict[int, list[int]] | None = None) -> None:
    """Write one result per value in a single ``INSERT … SELECT`` over the activity table.

    The run's parameter sets (with the core's result per unit of activity) go into a temporary
    table; each source points to its set (and each (source, month) with lab values to its own set);
    the database multiplies each amount by its set's per-unit result, in double precision as NumPy
    did for the totals. The written rows are then checked against the loaded ones (count and sum),
    so a value approved while the run was computing cannot make the stored results disagree with
    the totals: the run is refused and nothing is kept. ``months`` (enterprise id → months of membership)
    limits the values written to the months each enterprise counts.
    """
    per_source: dict[int, int] = {}
    per_month: dict[tuple[int, int], int] = {}
    for i, (_pk, _v, sid, month, _a) in enumerate(records):
        k = int(c["idx"][i])
        base = per_source.setdefault(sid, k)
        if base != k:
            per_month[(sid, month)] = k
    counted = {sid: bool(c["counted"][i]) for i, (_pk, _v, sid, _m, _a) in enumerate(records)}
    f = c["factors"]
    sets = [(k, c["categories"][k], c["methods"][k], c["materials"][k], c["gases"][k], f[k]["per_unit"]["co2e_t"],
             f[k]["per_unit"]["mass_t"], f[k]["per_unit"]["energy_tce"], str(f[k].get("version_id") or ""), f[k]["gwp"])
            for k in range(len(f))]
    pg = connection.vendor == "postgresql"
    dbl = "double precision" if pg else "REAL"
    rr, ar, ent = RunResult._meta.db_table, ActivityRecord._meta.db_table, Enterprise._meta.db_table
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS tmp_run_sets")
        cur.execute("DROP TABLE IF EXISTS tmp_run_sources")
        cur.execute("DROP TABLE IF EXISTS tmp_run_months")
        cur.execute("DROP TABLE IF EXISTS tmp_run_members")
        cur.execute(f"CREATE TEMP TABLE tmp_run_sets (k integer primary key, category varchar(24), method varchar(20), "
                    f"material varchar(80), gas varchar(12), co2e {dbl}, mass {dbl}, tce {dbl}, fvid varchar(160), gwp {dbl})")
        cur.execute("CREATE TEMP TABLE tmp_run_sources (source_id bigint primary key, k integer, counted boolean)")
        cur.execute("CREATE TEMP TABLE tmp_run_months (source_id bigint, month integer, k integer, primary key (source_id, month))")
        cur.execute("CREATE TEMP TABLE tmp_run_members (enterprise_id bigint, month integer, primary key (enterprise_id, month))")
        cur.executemany("INSERT INTO tmp_run_sets VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", sets)
        _bulk(cur, pg, "tmp_run_sources", [(sid, k, counted[sid]) for sid, k in per_source.items()])
        if per_month:
            _bulk(cur, pg, "tmp_run_months", [(sid, m, k) for (sid, m), k in per_month.items()])
        members = [(e, m) for e, ms in months.items() for m in ms] if months is not None else []
        if members:
            _bulk(cur, pg, "tmp_run_members", members)
        member_join = "JOIN tmp_run_members mm ON mm.enterprise_id = a.enterprise_id AND mm.month = a.month" if months is not None else ""
        if pg:
            cur.execute("ANALYZE tmp_run_sources")
        where = "a.enterprise_id = %s" if enterprise is not None else "e.park_id = %s"
        now = timezone.now()
        cur.execute(f"""
            INSERT INTO {rr} ({", ".join(RESULT_COLUMNS)})
            SELECT %s, %s, %s, a.enterprise_id, a.source_id, a.id, a.version, a.amount, a.unit, a.month, st.category, st.method,
                   st.material, st.gas, CAST(a.amount AS {dbl}) * st.mass, CAST(a.amount AS {dbl}) * st.co2e,
                   CAST(a.amount AS {dbl}) * st.tce, st.fvid, st.k, st.gwp, s.counted
            FROM {ar} a
            JOIN {ent} e ON e.id = a.enterprise_id
            JOIN tmp_run_sources s ON s.source_id = a.source_id
            LEFT JOIN tmp_run_months m ON m.source_id = a.source_id AND m.month = a.month
            JOIN tmp_run_sets st ON st.k = COALESCE(m.k, s.k)
            {member_join}
            WHERE {where} AND a.year = %s AND a.is_current AND a.status IN (%s, %s)
        """, [now, now, run.pk, enterprise.pk if enterprise is not None else park.pk, year, S.APPROVED, S.LOCKED])
        written = cur.rowcount
        cur.execute(f"SELECT SUM(co2e_t) FROM {rr} WHERE run_id = %s", [run.pk])
        total = cur.fetchone()[0] or 0.0
        for t in ("tmp_run_sets", "tmp_run_sources", "tmp_run_months", "tmp_run_members"):
            cur.execute(f"DROP TABLE {t}")
    expected = float(c["values"][:, 0].sum())
    if written != len(records) or abs(total - expected) > 1e-6 * max(1.0, abs(expected)):
        raise ValidationError(_("Activity data changed while the calculation ran; run it again."))


def _bulk(cur, pg: bool, table: str, rows: list[tuple]) -> None:
    if pg:
        with cur.cursor.copy(f"COPY {table} FROM STDIN") as cp:
            for r in rows:
                cp.write_row(r)
    else:
        cur.executemany(f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(rows[0]))})", rows)


def period_locked(park, year: int, enterprise=None) -> bool:
    """True when every enterprise in scope has closed all twelve months of the year."""
    ents = [enterprise.pk] if enterprise is not None else list(Enterprise.objects.filter(park=park).values_list("pk", flat=True))
    if not ents:
        return False
    return PeriodLock.objects.filter(enterprise_id__in=ents, year=year).count() >= 12 * len(ents)


def check_run(*, actor, park, year: int, enterprise=None, gwp_set: str | None = None, reason: str = "",
              basis: str = CalculationRun.Basis.MANAGEMENT, grid_scope: str | None = None, grid_year_rule: str | None = None,
              grid_year: int | None = None, factor_set: str | None = None,
              boundary_date: dt.date | None = None) -> tuple[dict, dt.date, bool]:
    """The checks before a run (permission, enterprise, basis, boundary date, a reason for a locked period);
    returns (factor policy, boundary date, period locked). Shared by :func:`run_calculation` and the
    recalculation jobs of :mod:`carbonms.inventory.recalc`."""
    require(actor, "data", "change", park_id=park.pk, enterprise_id=enterprise.pk if enterprise else None)
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("The enterprise is not in this park.")})
    if basis not in CalculationRun.Basis.values:
        raise ValidationError({"basis": _("Unknown basis “%(value)s”.") % {"value": basis}})
    policy = resolve_policy(park, year, basis=basis, gwp_set=gwp_set, grid_scope=grid_scope, grid_year_rule=grid_year_rule,
                            grid_year=grid_year, factor_set=factor_set)
    if boundary_date is None:
        boundary_date = default_boundary_date(year)
    elif boundary_date > timezone.localdate():
        raise ValidationError({"boundary_date": _("The boundary date cannot be in the future.")})
    if basis == CalculationRun.Basis.ETS and enterprise is not None and not enterprise.carbon_market_covered:
        raise ValidationError({"basis": _("%(name)s is not covered by the national carbon market: it has no ETS report.")
                               % {"name": enterprise.name}})
    locked = period_locked(park, year, enterprise)
    if locked and not reason.strip() and CalculationRun.objects.filter(park=park, enterprise=enterprise, year=year).exists():
        raise ValidationError({"reason": _("The period is locked and already computed: a recalculation needs a reason.")})
    return policy, boundary_date, locked


@transaction.atomic
def run_calculation(*, actor, park, year: int, enterprise=None, gwp_set: str | None = None, reason: str = "",
                    basis: str = CalculationRun.Basis.MANAGEMENT, grid_scope: str | None = None,
                    grid_year_rule: str | None = None, grid_year: int | None = None, factor_set: str | None = None,
                    boundary_date: dt.date | None = None) -> CalculationRun:
    """Compute the enterprise (or, without one, the park) for ``year`` and store the run.

    The factor policy (GWP set, grid factor scope and year rule, factor set) defaults to the park's; the
    accounting boundary is the version in force on ``boundary_date`` (default: the end of the year, or
    today for the current year), so a past year can be recomputed with today's boundary. An ETS-basis
    run counts only the enterprises covered by the national carbon market, with the ETS factor set.
    """
    policy, boundary_date, locked = check_run(actor=actor, park=park, year=year, enterprise=enterprise, gwp_set=gwp_set,
                                              reason=reason, basis=basis, grid_scope=grid_scope, grid_year_rule=grid_year_rule,
                                              grid_year=grid_year, factor_set=factor_set, boundary_date=boundary_date)
    gwp_set = policy["gwp_set"]
    t0 = time.perf_counter()
    scope = run_scope(park, year, enterprise=enterprise, basis=basis, boundary_date=boundary_date)
    if enterprise is not None and not scope.months.get(enterprise.pk):
        raise ValidationError({"enterprise": _("%(name)s was not in the park in %(year)d.") % {"name": enterprise.name, "year": year}})
    records, sources = load(park, year, enterprise, scope)
    if not records:
        raise ValidationError(_("There is no approved activity data for %(year)d.") % {"year": year})
    lab = weighted_lab_values(run_sources(park, enterprise).values("pk"), year)
    t1 = time.perf_counter()
    is_park = enterprise is None
    c = compute(records, sources, year, lab, gwp_set, is_park, park.pk, policy)
    ent_ids = np.fromiter((sources[r[2]][1] for r in records), dtype=np.int64, count=len(records))
    months = np.fromiter((r[3] for r in records), dtype=np.int64, count=len(records))
    totals = summarise_arrays(c["idx"], c["values"], c["counted"], ent_ids, months, c["categories"], c["gases"])
    totals["indirect_energy_market"] = c["indirect_energy_market"]  # None: location-based only
    totals["unverified_default_co2e"] = unverified_share(c)
    t2 = time.perf_counter()
    run = CalculationRun(park=park, enterprise=enterprise, year=year, gwp_set=gwp_set, fuel_set=policy["fuel_set"], run_by=actor,
                         reason=reason.strip(), n_records=len(records), n_results=len(records), locked_period=locked,
                         totals=totals, factors=c["factors"], basis=basis, policy=policy,
                         coverage=coverage(scope, records, sources), boundaries=scope.boundaries)
    run.save()
    store(run, park, year, enterprise, records, sources, c, scope.months)
    t3 = time.perf_counter()
    run.timings = {"load": round(t1 - t0, 3), "compute": round(t2 - t1, 3), "store": round(t3 - t2, 3)}
    run.save(update_fields=["timings"])
    record_event(actor=actor, park=park, enterprise=enterprise, kind="calculation_run", run=run.pk, year=year,
                 gwp_set=gwp_set, results=len(records), gross=totals["gross"], basis=basis,
                 coverage=run.coverage["fraction"])
    return run
