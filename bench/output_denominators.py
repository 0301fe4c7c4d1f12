"""Benchmark: the denominators of a large park (issue 10 item 3).

Generates a park of N enterprises (default 1,000), each with 3 products and 12 approved monthly values
(36,000 production values) and an approved economic record, plus the park's own record; then times
``carbonms.carbondata.selectors.denominators`` for the park and for every enterprise, and
``statement_intensities`` for every enterprise plus their Σ/Σ aggregate. Prints times and query counts.
No assertion on time: it reports. The generated park is kept: drop the database to clean up.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carbonms_bench_output .venv/bin/python bench/output_denominators.py
    options: --enterprises N --year Y
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonms.config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402

from carbonms.accounting.indicators import aggregate_intensities, statement_intensities  # noqa: E402
from carbonms.accounts.models import User  # noqa: E402
from carbonms.carbondata.models import EconomicRecord, Product, ProductionRecord  # noqa: E402
from carbonms.carbondata.selectors import denominators  # noqa: E402
from carbonms.organizations.credit_code import check_character  # noqa: E402
from carbonms.organizations.models import Enterprise, Park  # noqa: E402


def generate(n: int, year: int) -> Park:
    user, _ = User.objects.get_or_create(username="bench-output")
    park = Park.objects.create(name=f"产量基准园区{n}", province="320000", city="南通市", zone_type="national_etdz")
    ents = Enterprise.objects.bulk_create([
        Enterprise(park=park, name=f"产量企业{i:05d}", credit_code=f"91320698{i:09d}" + check_character(f"91320698{i:09d}"),
                   industry_code="3120", industry_name="炼钢") for i in range(n)], batch_size=1000)
    products = Product.objects.bulk_create([Product(enterprise=e, code=f"P{j}", name=f"产品{j}", unit=("t", "台", "MWh")[j],
                                                    kind=("product", "product", "electricity_exported")[j])
                                            for e in ents for j in range(3)], batch_size=5000)
    ProductionRecord.objects.bulk_create([
        ProductionRecord(product=p, enterprise_id=p.enterprise_id, year=year, month=m, quantity=Decimal("1000.5"), unit=p.unit,
                         status="approved", entered_by=user) for p in products for m in range(1, 13)], batch_size=5000)
    EconomicRecord.objects.bulk_create([
        EconomicRecord(park=park, enterprise=e, year=year, value_added_10k_yuan=Decimal("1234.56"), price_basis="constant",
                       price_base_year=2020, output_value_10k_yuan=Decimal("5000"), employees=100, status="approved",
                       entered_by=user) for e in ents], batch_size=5000)
    EconomicRecord.objects.create(park=park, year=year, gdp_10k_yuan=Decimal("9000000"), status="approved", entered_by=user)
    return park


def timed(fn):
    reset_queries()
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t, len(connection.queries)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=1000)
    ap.add_argument("--year", type=int, default=2025)
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    park = generate(args.enterprises, args.year)
    print(f"generated {args.enterprises} enterprises, {ProductionRecord.objects.filter(enterprise__park=park).count()} "
          f"production values in {time.perf_counter() - t:.1f} s on {connection.vendor}")
    d, secs, queries = timed(lambda: denominators(park=park, year=args.year))
    print(f"denominators(park): {secs * 1000:.0f} ms, {queries} queries; value added {d['value_added_10k_yuan']}, "
          f"{len(d['products'])} product lines, electricity {d['electricity_exported_mwh']} MWh")
    ents = list(park.enterprises.all())

    def every():
        return [denominators(park=park, enterprise=e, year=args.year) for e in ents]
    per, secs, queries = timed(every)
    print(f"denominators(enterprise) × {len(ents)}: {secs:.2f} s, {queries} queries ({queries / len(ents):.0f} per enterprise)")
    t = time.perf_counter()
    items = [statement_intensities({"gross": 12000.0, "energy_tce": 5000.0,
                                    "by_category": {"stationary_combustion": 9000.0}}, x) for x in per]
    agg = aggregate_intensities(items)
    print(f"statement_intensities × {len(items)} + aggregate: {(time.perf_counter() - t) * 1000:.0f} ms; "
          f"aggregate per value added {agg['per_value_added']['value']:.6f} {agg['per_value_added']['unit']}")


if __name__ == "__main__":
    main()
