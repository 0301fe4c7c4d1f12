"""Builds the demo park (or a large generated one) in the database.

Deterministic: the same ``seed`` and ``enterprises`` give the same park, codes and users. The
changes are recorded in the change history as made by the command ``carbonms demo``.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from carbonms.accounts.models import RoleAssignment, User
from carbonms.accounts.roles import Role
from carbonms.carbondata import demo as carbon_data
from carbonms.carbondata import output_demo
from carbonms.changelog.context import change_source
from carbonms.management import demo as management_demo
from carbonms.organizations.credit_code import check_character
from carbonms.organizations.models import Boundary, EmissionUnit, Enterprise, Equipment, Park, Site

from ..monitoring import demo as monitoring_demo
from . import catalog
from . import extensions as demo_extensions

DEMO_PASSWORD = "CarbonMS-demo-2026"

# (username, full name, role, scope): scope "park", or the index of the demo enterprise (0 = 江海特钢).
DEMO_USERS = [
    ("park_admin", "王建国", Role.PARK_ADMIN, "park"),
    ("park_officer", "李碳", Role.PARK_CARBON_OFFICER, "park"),
    ("park_reviewer", "赵审", Role.REVIEWER, "park"),
    ("park_auditor", "孙审核", Role.INTERNAL_AUDITOR, "park"),
    ("park_viewer", "周观", Role.VIEWER, "park"),
    ("ent_admin", "陈刚", Role.ENTERPRISE_ADMIN, 0),
    ("clerk", "刘录", Role.DATA_CLERK, 0),
    ("reviewer", "杨核", Role.REVIEWER, 0),
    ("auditor", "吴内审", Role.INTERNAL_AUDITOR, 0),
    ("verifier", "郑核查（第三方）", Role.EXTERNAL_VERIFIER, 0),
    ("viewer", "黄阅", Role.VIEWER, 0),
    ("ent2_admin", "徐明", Role.ENTERPRISE_ADMIN, 3),
]


@dataclass
class DemoResult:
    park: Park
    enterprises: int
    sites: int
    units: int
    equipment: int
    users: list[tuple[str, str, str]]


def credit_code(rng: random.Random, division: str) -> str:
    """A syntactically valid 统一社会信用代码: 91 (enterprise), division, GB 11714 code, GB 32100 check."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    c = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    org = body + {10: "X", 11: "0"}.get(c, str(c))
    first17 = "91" + division + org
    return first17 + check_character(first17)


def _generated_enterprises(n: int, rng: random.Random) -> list[tuple]:
    base = list(catalog.ENTERPRISES)
    out = list(base[:n])
    i = 0
    while len(out) < n:
        tmpl = base[i % len(base)]
        prefix = catalog.NAME_PREFIXES[(i // len(base)) % len(catalog.NAME_PREFIXES)]
        seq = i // (len(base) * len(catalog.NAME_PREFIXES)) + 1
        core = tmpl[1][-2:] if len(tmpl[1]) > 2 else tmpl[1]
        name = f"{prefix}{core}{'' if seq == 1 else seq}{['科技', '实业', '制造', '工业'][i % 4]}有限公司"
        out.append((name, f"{prefix}{core}", *tmpl[2:7], tmpl[7]))
        i += 1
        if any(o[0] == name for o in out[:-1]):
            out.pop()
    return out


def _build_hierarchy(ent: Enterprise, template: str, rng: random.Random, counts: dict) -> list[Site]:
    main = Site(enterprise=ent, code="S01", name="主厂区" if ent.kind == Enterprise.Kind.ENTERPRISE else "园区公共区域",
                address=ent.address, is_main=True)
    main.save()
    sites = [main]
    units_spec = catalog.TEMPLATES[template]
    if len(units_spec) >= 4 and ent.kind == Enterprise.Kind.ENTERPRISE:
        east = Site(enterprise=ent, code="S02", name="东区厂区", address=ent.address + "（东区）")
        east.save()
        sites.append(east)
    counts["sites"] += len(sites)
    for idx, (suffix, uname, utype, equipment) in enumerate(units_spec):
        site = sites[1] if len(sites) > 1 and idx == len(units_spec) - 1 else main
        unit = EmissionUnit(enterprise=ent, site=site, code=f"U{idx + 1:02d}-{suffix}", name=uname, unit_type=utype)
        unit.save()
        counts["units"] += 1
        for j, (ename, etype, cap, cunit, energy) in enumerate(equipment):
            Equipment(
                enterprise=ent, unit=unit, code=f"EQ-{suffix}-{j + 1:03d}", name=ename, equipment_type=etype,
                rated_capacity=Decimal(str(cap)) if cap is not None else None, capacity_unit=cunit, energy_types=energy,
                commissioned_on=dt.date(rng.randint(2005, 2022), rng.randint(1, 12), 1),
            ).save()
            counts["equipment"] += 1
    return sites


@transaction.atomic
def build(*, enterprises: int = 30, seed: int = 2026, park_name: str | None = None, with_users: bool = True,
          extensions: tuple[str, ...] | None = None) -> DemoResult:
    """The demo park. ``extensions``: the names of the apps' demo builders to run (None: all of them; see
    carbonms/demo/extensions.py)."""
    rng = random.Random(seed)
    counts = {"sites": 0, "units": 0, "equipment": 0}
    with change_source("command", "carbonms demo"):
        park = Park(**{**catalog.PARK, "name": park_name or catalog.PARK["name"], "area_km2": Decimal(catalog.PARK["area_km2"]),
                       "grid_region": "华东"})
        park.full_clean()
        park.save()
        Boundary(
            park=park, kind=Boundary.Kind.ORGANIZATIONAL, approach=Boundary.Approach.GEOGRAPHIC,
            description="园区规划四至范围，总面积120.5平方公里，含区内全部入驻企业及园区公共设施。",
            effective_from=dt.date(2020, 1, 1),
        ).save()
        made: list[Enterprise] = []
        streets = ["通达路", "江海大道", "滨江路", "新开南路", "港口一路", "星湖大道", "复兴路"]
        for _i, (name, short, icode, iname, ets, key, staff, template) in enumerate(_generated_enterprises(enterprises, rng)):
            ent = Enterprise(
                park=park, name=name, short_name=short, credit_code=credit_code(rng, catalog.DIVISION),
                industry_code=icode, industry_name=iname, address=f"江苏省南通市江海经济技术开发区{rng.choice(streets)}{rng.randint(1, 399)}号",
                legal_representative=rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(["伟", "强", "敏", "静", "军", "磊", "洋", "勇"]),
                contact_name=rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(["工", "经理", "主任"]),
                contact_phone=f"0513-8{rng.randint(1000000, 9999999)}", carbon_market_covered=ets, key_energy_consumer=key,
                employees=staff,
            )
            ent.full_clean()
            ent.save()
            made.append(ent)
            sites = _build_hierarchy(ent, template, rng, counts)
            b = Boundary(park=park, enterprise=ent, kind=Boundary.Kind.ORGANIZATIONAL, approach=Boundary.Approach.OPERATIONAL,
                         description=f"{short}具有运营控制权的全部生产设施及辅助设施。", effective_from=dt.date(2020, 1, 1))
            b.save()
            b.sites.set(sites)
            a = Boundary(park=park, enterprise=ent, kind=Boundary.Kind.ACCOUNTING, approach=Boundary.Approach.OPERATIONAL,
                         description="核算直接排放（固定燃烧、移动燃烧、过程、逸散）及外购电力、热力间接排放。",
                         effective_from=dt.date(2020, 1, 1))
            if len(sites) > 1:
                a.effective_to = dt.date(2023, 12, 31)
                a.save()
                a.sites.set(sites[:1])
                a2 = Boundary(park=park, enterprise=ent, kind=Boundary.Kind.ACCOUNTING, approach=Boundary.Approach.OPERATIONAL,
                              description="东区厂区2024年投产，纳入核算边界。", effective_from=dt.date(2024, 1, 1),
                              change_reason="东区厂区投产")
                a2.save()
                a2.sites.set(sites)
            else:
                a.save()
                a.sites.set(sites)
        pf_name, pf_short, pf_code, pf_iname, pf_template = catalog.PARK_FACILITIES
        facilities = Enterprise(
            park=park, kind=Enterprise.Kind.PARK_FACILITIES, name=pf_name, short_name=pf_short,
            credit_code="11" + catalog.DIVISION + credit_code(rng, catalog.DIVISION)[8:17],
            industry_code=pf_code, industry_name=pf_iname, address="江苏省南通市江海经济技术开发区星湖大道1号",
        )
        facilities.credit_code = facilities.credit_code[:17] + check_character(facilities.credit_code[:17])
        facilities.full_clean()
        facilities.save()
        _build_hierarchy(facilities, pf_template, rng, counts)
        users = _make_users(park, made) if with_users else []
        carbon_data.seed_and_compute(park, year=timezone.localdate().year - 1, seed=seed)
        output_demo.seed(park, seed=seed)  # output and economic data (issue 10)
        management_demo.populate(park, made, with_users=with_users)
        monitoring_demo.build(enterprises=made, seed=seed)
        _close_demo_years(park)
        demo_extensions.run_all(park, made, only=extensions)
    return DemoResult(park, len(made) + 1, counts["sites"], counts["units"], counts["equipment"], users)


def _close_demo_years(park: Park) -> None:
    """Issue 10: the year before the demo year gets data; both years get approved inventory statements."""
    from carbonms.inventory import demo as inventory_demo

    inventory_demo.build(park, year=timezone.localdate().year - 1)


def _make_users(park: Park, enterprises: list[Enterprise]) -> list[tuple[str, str, str]]:
    out = []
    for username, full_name, role, scope in DEMO_USERS:
        if scope != "park" and scope >= len(enterprises):
            continue
        user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        enterprise = None if scope == "park" else enterprises[scope]
        valid_until = timezone.now() + dt.timedelta(days=90) if role == Role.EXTERNAL_VERIFIER else None
        ra = RoleAssignment(user=user, role=role, park=park, enterprise=enterprise, valid_until=valid_until)
        ra.full_clean()
        ra.save()
        out.append((username, str(role.label), enterprise.name if enterprise else park.name))
    return out
