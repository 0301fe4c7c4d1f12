"""Demo data of the compliance app (issue 13), built after the ledger's.

* The steel plant (demo enterprise 0, a covered entity) gets its 2025 compliance position: when the ledger's demo
  has not given it holdings, free 2025 allowances (pre-allocation and final allocation, about 92 % of the
  obligation), 2024 allowances not carried over (excluded for 2025), CCER registered after 2024-01-22 bought on
  the exchange (more than the 5 % cap) and CCER registered before (excluded). Nothing is surrendered: the page
  shows the shortfall, the cap headroom and the proposal.
* Enterprise 3 (the cement plant) makes a 2025 carbon-neutrality claim: purchased allowances and local forestry
  CCER are cancelled for it with certificates and serials, the claim is self-assessed and the verifier (login
  ``verifier``, appointed for this enterprise too) records the determination. The enterprise's top manager is the
  demo login ``ent2_top``, who may approve the declaration.

All through the ledger's and this app's services, with maker-checker (entered by the administrator, approved by
a reviewer).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
    from carbonms.ledger.models import Instrument, Movement

    year = timezone.localdate().year - 1
    out = {}
    admin, reviewer = _user("ent_admin"), _user("reviewer")
    if enterprises and admin and reviewer:
        steel = enterprises[0]
        ob = obligation_of(steel, year) if steel.carbon_market_covered else None
        if ob is not None and not Instrument.objects.filter(enterprise=steel).exists():
            t = ob.tonnes
            K = Movement.Kind
            cea = _instrument(ledger, admin, steel, kind="cea", vintage=year, product="CEA")
            _movement(ledger, admin, reviewer, steel, instrument=cea, kind=K.PRE_ALLOCATION, date=dt.date(year + 1, 4, 10),
                      quantity_t=(t * Decimal("0.5")).quantize(Decimal(1)), purpose="2025 年度预分配")
            _movement(ledger, admin, reviewer, steel, instrument=cea, kind=K.FINAL_ALLOCATION, date=dt.date(year + 1, 9, 30),
                      quantity_t=(t * Decimal("0.42")).quantize(Decimal(1)), purpose="2025 年度核定分配")
            old = _instrument(ledger, admin, steel, kind="cea", vintage=year - 1, product="CEA")
            _movement(ledger, admin, reviewer, steel, instrument=old, kind=K.PURCHASE, date=dt.date(year, 11, 5),
                      quantity_t=(t * Decimal("0.03")).quantize(Decimal(1)), price_yuan_per_t=Decimal("95.00"),
                      counterparty="上海某能源贸易公司", trade_method="listed_agreement")
            n = int((t * Decimal("0.08")).quantize(Decimal(1)))
            ccer = _instrument(ledger, admin, steel, kind="ccer", vintage=year - 1, project_id="CCER-2024-0007",
                               project_name="如东海上风电项目", methodology="CCER-01-001-V01", registered_on=dt.date(2024, 6, 18),
                               serial_first="CN-CCER-2024-0007-000001", serial_last=f"CN-CCER-2024-0007-{n:06d}", product="CCER")
            _movement(ledger, admin, reviewer, steel, instrument=ccer, kind=K.PURCHASE, date=dt.date(year + 1, 2, 20), quantity_t=n,
                      price_yuan_per_t=Decimal("72.00"), counterparty="北京绿色交易所挂牌方", trade_method="listing_selection",
                      serial_first="CN-CCER-2024-0007-000001", serial_last=f"CN-CCER-2024-0007-{n:06d}")
            legacy = _instrument(ledger, admin, steel, kind="ccer", vintage=2023, project_id="CCER-2023-0102", project_name="光伏发电项目（旧）",
                                 methodology="CMS-002-V01", registered_on=dt.date(2023, 8, 1), serial_first="CN-CCER-2023-0102-000001",
                                 serial_last="CN-CCER-2023-0102-002000", product="CCER")
            _movement(ledger, admin, reviewer, steel, instrument=legacy, kind=K.PURCHASE, date=dt.date(year, 3, 1), quantity_t=2000,
                      price_yuan_per_t=Decimal("60.00"), counterparty="某项目业主", trade_method="block_agreement",
                      serial_first="CN-CCER-2023-0102-000001", serial_last="CN-CCER-2023-0102-002000")
            out["compliance"] = steel.name
    if len(enterprises) > 3 and _user("ent2_admin") and _user("verifier"):
        out.update(_neutrality(park, enterprises[3], year, ledger))
    return out


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
    need = int(claim.emissions_t)
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
