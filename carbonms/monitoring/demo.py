"""Demo meters: three enterprises each get a gateway and three meters (electricity with a CT ratio,
natural gas register, steam) with 15-minute readings for the last weeks up to now, one outage, one
spike and one conflicting resend, sent through the ingestion service like a gateway would.
Deterministic for a given seed and day; takes about a second."""
from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from carbonms.carbondata.models import Source

from . import rollups
from .ingestion import ingest
from .models import Gateway, Meter, MeterFeed
from .services import _new_token

METERS = [  # suffix, name, type, unit, kind, multiplier, (source code, name, category, method, material, unit), base per 15 min
    ("E01", "总进线电表", "electricity", "kWh", "interval", Decimal(80),
     ("M-ELEC", "外购电力（在线计量）", "purchased_electricity", "emission_factor", "电力", "MWh"), 45.0),
    ("G01", "锅炉天然气流量计", "natural_gas", "Nm3", "cumulative", Decimal(1),
     ("M-NG", "燃气锅炉天然气（在线计量）", "stationary_combustion", "fuel_combustion", "天然气", "10^4Nm3"), 120.0),
    ("S01", "外购蒸汽热量表", "steam_heat", "GJ", "interval", Decimal(1),
     ("M-STEAM", "外购蒸汽（在线计量）", "purchased_heat", "emission_factor", "热力", "GJ"), 6.0),
]


def build(*, enterprises, seed: int = 2026, days: int = 21, now: dt.datetime | None = None) -> int:
    """Meters and readings for the first three enterprises; returns the number of readings stored."""
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.UTC)
    end = math.floor(now.timestamp() / 900) * 900
    start = end - days * 86400
    stored = 0
    for n, ent in enumerate(enterprises[:3]):
        gw = Gateway(park_id=ent.park_id, enterprise=ent, code=f"demo-p{ent.park_id}-gw{n + 1:02d}", name=f"{ent.short_name or ent.name}采集网关")
        _new_token(gw)
        gw.save()
        for suffix, name, mtype, unit, kind, mult, src, base in METERS:
            meter = Meter(park_id=ent.park_id, enterprise=ent, gateway=gw, code=f"{suffix}-{n + 1:02d}", name=name, meter_type=mtype,
                          unit=unit, multiplier=mult, reading_kind=kind, interval_minutes=15,
                          installed_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
            meter.save()
            # feed the enterprise's own source of that energy (from the carbon data demo), if it has one
            source = Source.objects.filter(enterprise=ent, category=src[2], material=src[4]).order_by("code").first()
            if source is not None:
                MeterFeed(meter=meter, source=source, share=Decimal(1)).save()
            items, register = [], 1_000_000.0
            scale = base * (1 + 0.3 * n)
            for ts in range(int(start) + 900, int(end) + 1, 900):
                hour = (ts / 3600 + 8) % 24
                load = scale * (0.75 + 0.35 * math.sin((hour - 6) / 24 * 2 * math.pi)) * (0.95 + 0.1 * rng.random())
                v = round(load, 3)
                if n == 1 and suffix == "E01" and end - 6 * 86400 < ts <= end - 6 * 86400 + 6 * 3600:
                    continue  # a six-hour outage of one meter
                if n == 0 and suffix == "S01" and ts == end - 5 * 86400:
                    v *= 12  # a spike
                if kind == "cumulative":
                    register = round(register + v, 3)
                    v = register
                items.append({"meter": meter.code, "ts": ts, "value": v})
            stored += ingest(gateway=gw, items=items, channel="other", reference="carbonms demo").accepted
            if n == 0 and suffix == "E01":
                resent = dict(items[-10], value=items[-10]["value"] + 1.5)
                ingest(gateway=gw, items=[resent], channel="other", reference="carbonms demo (resend)")
    rollups.refresh_dirty()
    return stored
