"""Demo data of the compliance app (issue 13), built after the ledger's.

* The steel plant (demo enterprise 0, a covered entity) shows its 2025 compliance position on the holdings the
  ledger's demo gave it (allocations, purchases, un-carried older vintages, CCER); this builder adds local forestry
  CCER so that the eligible CCER exceed the 5 % cap, and a CCER lot registered before 2024-01-22 (excluded for
  2025). Nothing is surrendered: the page shows the shortfall, the cap headroom and the proposal.
* Enterprise 3 (the cement plant) makes a 2025 carbon-neutrality claim: purchased allowances and local forestry
  CCER are cancelled for it with certificates and serials, the claim is self-assessed and the verifier (login
  ``verifier``, appointed for this enterprise too) records the determination. The enterprise's top manager is the
  demo login ``ent2_top``, who may approve the declaration.

All through the ledger's and this app's services, with maker-checker (entered by the administrator, approved by
a reviewer).
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from carbonms.accounts.models import RoleAssignment
from carbonms.accounts.roles import Role

from . import services
from .position import obligation_of

User = get_user_model()
PASSWORD = "CarbonMS-demo-2026"


def _user(name):
    return User.objects.filter(username=name).first()


def _movement(ledger, maker, checker, ent, **data):
    m = ledger.movement_enter(actor=maker, park=ent.park, enterprise=ent, data=data)
    return ledger.movement_approve(actor=checker, movement=m)


def _instrument(ledger, actor, ent, **data):
    return ledger.instrument_save(actor=actor, park=ent.park, enterprise=ent, data=data)


def build(park, enterprises) -> dict:
    from carbonms.ledger import services as ledger

    year = timezone.localdate().year - 1
    out = {}
    admin, reviewer = _user("ent_admin"), _user("reviewer")
    if enterprises and admin and reviewer:
        steel = enterprises[0]
        ob = obligation_of(steel, year) if steel.carbon_market_covered else None
        if ob is not None:
            out.update(_ccer_beyond_cap(ledger, admin, reviewer, steel, year))
    if len(enterprises) > 3 and _user("ent2_admin") and _user("verifier"):
        out.update(_neutrality(park, enterprises[3], year, ledger))
    return out


def _ccer_beyond_cap(ledger, admin, reviewer, steel, year) -> dict:
    """More eligible CCER than the 5 % cap, so that the surrender wizard shows the cap at work (and one lot registered
    before 2024-01-22, which the rules of 2025 exclude)."""
    from carbonms.ledger.models import Instrument

    from . import position

    if Instrument.objects.filter(enterprise=steel, project_id="CCER-2024-0107").exists():
        return {}
    pos = position.compute(steel, year)
    extra = max(0, int(pos["ccer_cap_t"]) - int(pos["ccer_eligible_t"])) + 3000
    first, last = "CN-CCER-2024-0107-000001", f"CN-CCER-2024-0107-{extra:06d}"
    lot = _instrument(ledger, admin, steel, kind="ccer", vintage=year - 1, project_id="CCER-2024-0107", project_name="江苏沿海滩涂造林碳汇项目",
                      methodology="CCER-14-001-V01", registered_on=dt.date(2024, 11, 8), forestry=True, local=True,
                      serial_first=first, serial_last=last, product="CCER")
    _movement(ledger, admin, reviewer, steel, instrument=lot, kind="purchase", date=dt.date(year + 1, 2, 20), quantity_t=extra,
              price_yuan_per_t=Decimal("72.00"), counterparty="北京绿色交易所挂牌方", trade_method="listing_selection",
              serial_first=first, serial_last=last)
    legacy = _instrument(ledger, admin, steel, kind="ccer", vintage=2023, project_id="CCER-2023-0102", project_name="光伏发电项目（2024-01-22 前登记）",
                         methodology="CMS-002-V01", registered_on=dt.date(2023, 8, 1), serial_first="CN-CCER-2023-0102-000001",
                         serial_last="CN-CCER-2023-0102-002000", product="CCER")
    _movement(ledger, admin, reviewer, steel, instrument=legacy, kind="purchase", date=dt.date(year, 3, 1), quantity_t=2000,
              price_yuan_per_t=Decimal("60.00"), counterparty="某项目业主", trade_method="block_agreement",
              serial_first="CN-CCER-2023-0102-000001", serial_last="CN-CCER-2023-0102-002000")
    return {"ccer_beyond_cap": extra}


def _neutrality(park, ent, year, ledger) -> dict:
    from carbonms.ledger.models import Movement
    from carbonms.management import models as m
    from carbonms.management import services as msvc

    from .models import NeutralityClaim

    admin, verifier = _user("ent2_admin"), _user("verifier")
    top, made = User.objects.get_or_create(username="ent2_top", defaults={"first_name": "徐总"})
    if made:
        top.set_password(PASSWORD)
        top.save()
    RoleAssignment.objects.get_or_create(user=top, role=Role.REVIEWER, park=park, enterprise=ent)
    now = timezone.now()
    RoleAssignment.objects.get_or_create(user=verifier, role=Role.EXTERNAL_VERIFIER, park=park, enterprise=ent,
                                         defaults={"valid_from": now - dt.timedelta(days=30), "valid_until": now + dt.timedelta(days=365)})
    if not m.Appointment.objects.filter(enterprise=ent, role=m.Appointment.Role.TOP).exists():
        msvc.register_save(actor=admin, model=m.Appointment, park=park, enterprise=ent,
                           data={"owner": admin, "role": "top_management", "person": top, "appointed_on": timezone.localdate() - dt.timedelta(days=300),
                                 "duties": "最高管理者：批准碳中和声明。"})
    if NeutralityClaim.objects.filter(enterprise=ent, year=year).exists():
        return {}
    try:
        claim = services.claim_create(actor=admin, enterprise=ent, year=year)
    except Exception:  # noqa: BLE001 - no statement of record for the year in a partial demo: no claim
        return {}
    need = int(claim.emissions_t.to_integral_value(rounding=ROUND_CEILING))  # units are whole tonnes
    K = Movement.Kind
    free = _instrument(ledger, admin, ent, kind="cea", vintage=year, product="CEA")
    _movement(ledger, admin, top, ent, instrument=free, kind=K.FINAL_ALLOCATION, date=dt.date(year + 1, 9, 30),
              quantity_t=need, purpose="2025 年度核定分配")
    bought = _instrument(ledger, admin, ent, kind="cea", vintage=year, product="CEA", notes="交易所买入，用于碳中和")
    n1 = max(1, need // 2)
    _movement(ledger, admin, top, ent, instrument=bought, kind=K.PURCHASE, date=dt.date(year + 1, 1, 15), quantity_t=n1,
              price_yuan_per_t=Decimal("70.00"), counterparty="全国碳市场挂牌方", trade_method="listed_agreement")
    n2 = need - n1 + 500
    sink = _instrument(ledger, admin, ent, kind="ccer", vintage=year, project_id="CCER-2024-0031", project_name="南通沿海防护林造林碳汇项目",
                       methodology="CCER-14-001-V01", registered_on=dt.date(2024, 9, 2), forestry=True, local=True,
                       serial_first="CN-CCER-2024-0031-000001", serial_last=f"CN-CCER-2024-0031-{n2:06d}", product="CCER")
    _movement(ledger, admin, top, ent, instrument=sink, kind=K.PURCHASE, date=dt.date(year + 1, 1, 20), quantity_t=n2,
              price_yuan_per_t=Decimal("80.00"), counterparty="南通林业碳汇项目业主", trade_method="listing_selection",
              serial_first="CN-CCER-2024-0031-000001", serial_last=f"CN-CCER-2024-0031-{n2:06d}")
    on = dt.date(year + 1, 3, 15)
    for inst, q, cert, first, last in ((bought, n1, "ZX-2026-000118", "", ""),
                                       (sink, n2 - 500, "ZX-2026-000119", "CN-CCER-2024-0031-000001", f"CN-CCER-2024-0031-{n2 - 500:06d}")):
        mv = services.claim_cancel(actor=admin, claim=claim, instrument=inst, quantity=q, on=on, certificate_no=cert,
                                   serial_first=first, serial_last=last)
        ledger.movement_approve(actor=top, movement=mv)
    claim = services.claim_assess(actor=admin, claim=claim)
    services.claim_determine(actor=verifier, claim=claim, conclusion="achieved" if claim.result.get("achieved") else "not_achieved",
                             determined_on=timezone.localdate(), body="中国质量认证中心（演示）",
                             notes="文件评审：排放报告、注销证明、监测计划；现场访问：水泥窑系统、计量器具。")
    return {"neutrality": ent.name}
