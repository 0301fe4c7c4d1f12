"""Throughput of the vectorised accounting engine vs the per-record implementation.

Usage: .venv/bin/python bench/accounting_throughput.py [N] [--reference-n M] [--repeat R]

Generates N synthetic records with mixed methods (fuel combustion, emission factor incl. grid,
heat, carbonates, F-gases and scope 3, mass balance, measurement, sinks), then times the
calculation itself (rows and totals, excluding data generation) with:

* the vectorised NumPy engine, carbonms.accounting.batch.compute, on all N records;
* the straightforward per-record engine, carbonms.accounting.reference.compute_reference, on the
  first M records (default min(N, 200 000)), in the same run;

and prints records per second of each and their ratio. Best of R repeats (default 5).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from carbonms.accounting.batch import compute, records_to_batch
from carbonms.accounting.gwp import load_gwp
from carbonms.accounting.reference import compute_reference
from carbonms.accounting.synthetic import batch_to_records, synthetic_batch


def best_time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--reference-n", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    gwp = load_gwp()
    batch = synthetic_batch(args.n, gwp, "AR5", seed=42)
    m = args.reference_n or min(args.n, 200_000)
    records = batch_to_records(batch, m)

    t_vec = best_time(lambda: compute(batch), args.repeat)
    t_ref = best_time(lambda: compute_reference(records, gwp, "AR5"), max(1, min(args.repeat, 3)))
    vec_rate = args.n / t_vec
    ref_rate = m / t_ref

    # sanity: both engines agree on the records both computed
    check = compute(records_to_batch(records, gwp, "AR5"))
    ref = compute_reference(records, gwp, "AR5")
    assert np.allclose(check.co2e, ref.co2e, rtol=1e-12, atol=0)
    assert abs(check.gross - ref.gross) <= 1e-9 * abs(ref.gross)

    print(f"records (vectorised):     {args.n:>12,}")
    print(f"records (per-record):     {m:>12,}")
    print(f"vectorised engine:        {vec_rate:>12,.0f} records/s  ({t_vec * 1e3:.1f} ms)")
    print(f"per-record engine:        {ref_rate:>12,.0f} records/s  ({t_ref * 1e3:.1f} ms)")
    print(f"ratio vectorised/per-record: {vec_rate / ref_rate:,.1f}x")


if __name__ == "__main__":
    main()
