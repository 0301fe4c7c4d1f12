"""Parks of any size, built with bulk inserts in a few seconds (issue 16, item 3).

``build_park(n)``: ``n`` enterprises (the first is the park's own facilities), two emission sources each
(natural gas and electricity) with two approved months of activity data, a real calculation run of the
park, three meters per enterprise, two change-log entries per enterprise and a park administrator.
``add_daily_rollups(park, days)``: a daily rollup of every meter for each of ``days`` days, inserted by
one set-based SQL statement (a million rows in seconds, on SQLite and PostgreSQL).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from carbonms.accounts.models import RoleAssignment, User
from carbonms.accounts.roles import Role
from carbonms.carbondata.models import ActivityRecord, Source
from carbonms.changelog.models import ChangeRecord
from carbonms.inventory.models import CalculationRun
from carbonms.inventory.services import run_calculation
from carbonms.monitoring.models import Meter, MeterDay
from carbonms.organizations.credit_code import check_character
from carbonms.organizations.models import Enterprise, Park

YEAR = 2025
KINDS = [  # category, method, material, unit, amount
    ("stationary_combustion", "fuel_combustion", "天然气", "10^4Nm3", "20"),
    ("purchased_electricity", "emission_factor", "电力", "MWh", "900"),
]


@dataclass
class ScalePark:
    park: Park
    admin: User
    run: CalculationRun
    enterprise: Enterprise  # an ordinary enterprise of the park


def build_park(n: int, tag: str) -> ScalePark:
    admin = User.objects.create(username=f"scale_admin_{tag}")
    park = Park.objects.create(name=f"规模园区{tag}", province="320000", city="南通市", zone_type="national_etdz")
    RoleAssignment.objects.create(user=admin, role=Role.PARK_ADMIN, park=park)
    base = 10_000 * (1 + Park.objects.count())  # credit codes unique across the parks of a test
    ents = Enterprise.objects.bulk_create([
        Enterprise(park=park, name=f"规模企业{tag}{i:04d}", credit_code=f"91320699{base + i:09d}" + check_character(f"91320699{base + i:09d}"),
                   industry_code="3120", industry_name="炼钢",
                   kind=Enterprise.Kind.PARK_FACILITIES if i == 0 else Enterprise.Kind.ENTERPRISE)
        for i in range(n)])
    sources = Source.objects.bulk_create([
        Source(enterprise=e, code=f"S{j}", name=f"{mat}{j}", category=cat, method=method, material=mat, activity_unit=unit,
               data_source="meter", effective_from=dt.date(2020, 1, 1))
        for e in ents for j, (cat, method, mat, unit, _amount) in enumerate(KINDS)])
    amounts = {k[2]: k[4] for k in KINDS}
    ActivityRecord.objects.bulk_create([
        ActivityRecord(source=s, enterprise_id=s.enterprise_id, year=YEAR, month=m, amount=amounts[s.material], unit=s.activity_unit,
                       status=ActivityRecord.Status.APPROVED, entered_by=admin, reviewed_by=admin)
        for s in sources for m in (1, 2)])
    run = run_calculation(actor=admin, park=park, year=YEAR, reason="scale test")
    installed = dt.datetime(YEAR - 1, 1, 1, tzinfo=dt.UTC)
    Meter.objects.bulk_create([
        Meter(park=park, enterprise=e, code=f"M{e.pk}-{j}", name=f"表{j}", meter_type="electricity", unit="kWh",
              reading_kind="interval", interval_minutes=15, installed_at=installed)
        for e in ents for j in range(3)])
    ct = ContentType.objects.get_for_model(Enterprise)
    ChangeRecord.objects.bulk_create([
        ChangeRecord(source_kind="command", source_id="scale", content_type=ct, object_id=str(e.pk), object_repr=e.name,
                     action="update", changes={"name": ["旧", "新"]}, park_id=park.pk, enterprise_id=e.pk, user_name="scale")
        for e in ents for _ in range(2)])
    return ScalePark(park=park, admin=admin, run=run, enterprise=ents[1])


def add_daily_rollups(park: Park, days: int, first: dt.date = dt.date(YEAR, 1, 1)) -> int:
    """A daily rollup of every meter of ``park`` for ``days`` days from ``first``, in one INSERT … SELECT."""
    table, meters = MeterDay._meta.db_table, Meter._meta.db_table
    now = timezone.now()
    if connection.vendor == "postgresql":
        day_expr, numbers = "%s::date + n", "generate_series(0, %s - 1) AS n"
        params = [first, now, days, park.pk]
    else:
        day_expr = "date(%s, '+' || n || ' days')"
        numbers = "(WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n + 1 < %s) SELECT n FROM c) AS d"
        params = [first.isoformat(), now, days, park.pk]
    sql = (f"INSERT INTO {table} (meter_id, day, measured, substituted, n_readings, n_expected, completeness, flags, computed_at) "
           f"SELECT m.id, {day_expr}, 100 + n %% 50, 0, 96, 96, 1, '[]', %s FROM {meters} m CROSS JOIN {numbers} "
           f"WHERE m.park_id = %s")
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount
