"""The re-performance file of a run or statement (issue 10 item 6): its inputs in the ``carbonms calc`` format.

One row per activity value (source × month) the run computed, built from the same input row the run
passed to the accounting core for the value's parameter set (``services._input_row``, kept on the run in
``factors[k]["input"]``) with the value's own amount: every parameter actually used (measured lab
values, the park's own factors) is in the row, and ``factor_version`` names the factor version the core
used (a column ``carbonms calc`` ignores). ``carbonms calc FILE.csv --gwp <set> --format json`` on it
gives the enterprise statement's totals to the last digit, because those totals *are* the core's totals
over these rows (see :func:`core_totals`).

Float summation: the run multiplies each amount by its parameter set's result per unit and sums with
NumPy grouped by parameter set; the core multiplies each row's parameters and sums grouped by
category. The two orders agree to about 1e-12 relative, not bit for bit. The statement therefore states
the core's totals over its re-performance rows, after checking they agree with the run's totals within
``TOLERANCE`` (a larger gap means the run and the core disagree and the statement is refused).
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from carbonms.accounting import AccountingErrors, calculate

from .models import CalculationRun, RunResult

#: the totals a statement states: the keys of ``carbonms calc --format json`` totals (issue 10 item 6)
TOTAL_KEYS = ("direct", "indirect_energy", "indirect_energy_market", "other_indirect", "removals", "gross", "net",
              "by_category", "by_gas", "energy_tce")
#: relative agreement required between the run's NumPy totals and the core's totals over the same rows
TOLERANCE = 1e-9
COLUMNS_FIRST = ("entity", "period", "source", "category", "method", "material", "amount", "unit")


def _amount(value: Decimal) -> str:
    """The stored amount exactly as text (``float()`` of it is the float the run multiplied)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def input_rows(run: CalculationRun) -> list[dict]:
    """The core input rows of every value of an enterprise run, in source code and month order."""
    if run.enterprise_id is None:
        raise ValidationError(_("A re-performance file is made for an enterprise: the park total applies the park's "
                                "double-counting rule, which the accounting core does not."))
    factors = run.factors or []
    if any("input" not in f for f in factors):
        raise ValidationError(_("Run #%(run)d was computed before runs kept their input rows; compute the year again to "
                                "make a re-performance file.") % {"run": run.pk})
    credit = run.enterprise.credit_code
    rows = []
    qs = (RunResult.objects.filter(run=run).order_by("source__code", "month", "activity_id")
          .values_list("source__code", "month", "amount", "factor_index"))
    for code, month, amount, k in qs.iterator(chunk_size=5000):
        if k >= len(factors):  # a result without its factor entry: the run cannot be re-performed
            raise ValidationError(_("Run #%(run)d was computed before runs kept their input rows; compute the year again "
                                    "to make a re-performance file.") % {"run": run.pk})
        f = factors[k]
        row = {"entity": credit, "period": f"{run.year}-{month:02d}", "source": code, **f["input"],
               "amount": _amount(amount), "factor_version": f.get("version_id") or ""}
        if "market_amount" in row:  # stored per unit of activity (the covered share): the value's covered amount
            row["market_amount"] = float(row["market_amount"]) * float(amount)
        rows.append(row)
    return rows


def to_csv(rows: list[dict]) -> str:
    """The rows as the CSV ``carbonms calc`` reads (UTF-8; floats written with ``repr``: exact round trip)."""
    cols = list(COLUMNS_FIRST)
    for r in rows:
        cols += [k for k in r if k not in cols]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: (repr(v) if isinstance(v, float) else "" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def core_totals(rows: list[dict], gwp_set: str) -> dict:
    """The accounting core's totals over ``rows``, as ``carbonms calc`` computes them from the CSV."""
    from carbonms.accounting import io as core_io

    # the rows go through the CSV text and back, so that the statement holds what the file reproduces
    reread = list(csv.DictReader(io.StringIO(to_csv(rows))))
    try:
        result = calculate(reread, gwp_set=gwp_set)
    except AccountingErrors as exc:
        raise ValidationError([e.reason("en") for e in exc.errors[:20]])
    totals = core_io._sig({k: result.totals.get(k) for k in TOTAL_KEYS})
    return totals


def check_agreement(run_totals: dict, core: dict) -> None:
    """Refuse when the run's totals and the core's totals over the same rows differ beyond float noise."""
    for key in ("direct", "indirect_energy", "other_indirect", "removals", "gross", "energy_tce"):
        a, b = float(run_totals.get(key) or 0.0), float(core.get(key) or 0.0)
        if abs(a - b) > TOLERANCE * max(1.0, abs(a)):
            raise ValidationError(_("The run's %(key)s (%(a)s) and the accounting core's recomputation (%(b)s) disagree; "
                                    "the statement is not made.") % {"key": key, "a": a, "b": b})
