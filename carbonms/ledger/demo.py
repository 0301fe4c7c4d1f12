"""Demo carbon-asset ledgers (issue 13): the covered steel plant and CHP plant get accounts, allocations of the year
before the demo year and of the demo year, purchases, a sale, a surrender and a CCER lot with serials; another
enterprise (江海微电子) holds CCER it can cancel for a neutrality claim; the park keeps a few prices, every one
marked as a demo figure (no market series is bundled). Each movement is entered by one demo user and approved by
another, through the services."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from carbonms.accounts.models import RoleAssignment
from carbonms.accounts.roles import Role

from . import services
from .models import Account, Movement, PriceQuote
from .statement import obligation_of

DEMO_SOURCE = "演示数据（虚构，非市场行情）/ demo figure, not a market price"
NEUTRAL_ENTERPRISE = "江海微电子有限公司"


def _user(park, role, enterprise=None):
    ra = (RoleAssignment.objects.filter(park=park, role=role, enterprise=enterprise).select_related("user").order_by("pk").first())
    return ra.user if ra else None


def _whole(x) -> Decimal:
    return Decimal(str(x)).to_integral_value(rounding=ROUND_FLOOR)


def _move(maker, checker, park, ent, **data):
    m = services.movement_enter(actor=maker, park=park, enterprise=ent, data=data)
    return services.movement_approve(actor=checker, movement=m)


def _accounts(maker, park, ent, n: int) -> Account:
    code = f"{ent.pk:04d}"
    registry = services.account_save(actor=maker, park=park, enterprise=ent, data={
        "kind": "registry", "market": "national", "institution": "全国碳排放权注册登记结算系统（中碳登）",
        "number": f"DEMO-REG-{code}", "name": ent.name, "opened_on": dt.date(2021, 6, 1)})
    services.account_save(actor=maker, park=park, enterprise=ent, data={
        "kind": "trading", "market": "national", "institution": "全国碳排放权交易系统（上海环境能源交易所）",
        "number": f"DEMO-TRD-{code}", "name": ent.name, "opened_on": dt.date(2021, 6, 1)})
    services.account_save(actor=maker, park=park, enterprise=ent, data={
        "kind": "fund", "market": "national", "institution": "演示银行江海分行（结算银行）", "number": f"DEMO-6222{code}{n}",
        "name": ent.name})
    services.account_save(actor=maker, park=park, enterprise=ent, data={
        "kind": "registry", "market": "ccer", "institution": "全国温室气体自愿减排注册登记系统", "number": f"DEMO-CCER-{code}",
        "name": ent.name})
    return registry


def _prices(officer, park, year: int) -> None:
    for day, product, o, h, low, c, avg, vol in (
        (dt.date(year, 12, 31), "CEA", "73.50", "75.80", "73.10", "74.60", "74.40", 1200000),
        (dt.date(year, 11, 28), "CEA", "70.20", "72.00", "69.80", "71.50", "70.90", 900000),
        (dt.date(year + 1, 1, 30), "CEA", "74.00", "76.20", "73.60", "75.90", "75.10", 800000),
        (dt.date(year, 12, 31), "CCER", None, None, None, "71.00", "70.50", 30000),
    ):
        services.price_save(actor=officer, park=park, data={
            "date": day, "product": product, "open": o, "high": h, "low": low, "close": c, "average": avg, "volume_t": vol,
            "source": DEMO_SOURCE, "demo": True})


def _covered_ledger(maker, checker, park, ent, year: int, n: int, ccer_block: str) -> None:
    prev = year - 1
    account = _accounts(maker, park, ent, n)
    ob_prev = obligation_of(park, ent, prev)
    ob = obligation_of(park, ent, year)
    e_prev = ob_prev["quantity_t"] if ob_prev else Decimal(100000)
    e_now = ob["quantity_t"] if ob else e_prev
    inst = {v: services.instrument_save(actor=maker, park=park, enterprise=ent, data={"kind": "cea", "vintage": v, "product": "CEA"})
            for v in (prev - 1, prev, year)}
    ccer = services.instrument_save(actor=maker, park=park, enterprise=ent, data={
        "kind": "ccer", "vintage": prev, "project_id": f"CCER-DEMO-{n:03d}", "project_name": "演示并网海上风电项目",
        "methodology": "CCER-01-002-V01", "registered_on": dt.date(2024, 9, 20), "serial_first": f"{ccer_block}000001",
        "serial_last": f"{ccer_block}020000", "product": "CCER"})
    # the year before: a lot of the vintage before it (never carried over: restricted from the demo year on)
    _move(maker, checker, park, ent, kind="purchase", instrument=inst[prev - 1], account=account, date=dt.date(prev, 3, 12),
          quantity_t=_whole(e_prev * Decimal("0.01")) or 1, price_yuan_per_t="79.40", fees_yuan="350", counterparty="演示交易对手甲",
          trade_method="listed_agreement", trade_reference=f"DEMO-{prev}-0312")
    # allocation of the year before = its verified emissions (steel, cement, aluminium 2024); pre + final for power
    pre = _whole(e_prev * Decimal("0.7"))
    _move(maker, checker, park, ent, kind="pre_allocation", instrument=inst[prev], account=account, date=dt.date(year, 4, 10),
          quantity_t=pre)
    _move(maker, checker, park, ent, kind="final_allocation", instrument=inst[prev], account=account, date=dt.date(year, 9, 30),
          quantity_t=_whole(e_prev * Decimal("1.02")) - pre)
    _move(maker, checker, park, ent, kind="surrender", instrument=inst[prev], account=account, date=dt.date(year, 11, 20),
          quantity_t=_whole(e_prev), compliance_year=prev, certificate_no=f"DEMO-QJ-{prev}-{n}")
    surplus = _whole(e_prev * Decimal("1.02")) - _whole(e_prev)
    if surplus > 1:
        _move(maker, checker, park, ent, kind="sale", instrument=inst[prev], account=account, date=dt.date(year, 12, 5),
              quantity_t=_whole(surplus / 2), price_yuan_per_t="72.80", fees_yuan="120", counterparty="演示交易对手乙",
              trade_method="block_agreement", trade_reference=f"DEMO-{year}-1205")
    # the demo year: pre-allocation (the final allocation comes after verification), purchases, CCER
    pre_now = _whole(e_now * Decimal("0.5"))
    _move(maker, checker, park, ent, kind="pre_allocation", instrument=inst[year], account=account, date=dt.date(year + 1, 4, 10),
          quantity_t=pre_now)
    _move(maker, checker, park, ent, kind="final_allocation", instrument=inst[year], account=account, date=dt.date(year + 1, 9, 30),
          quantity_t=_whole(e_now * Decimal("0.95")) - pre_now)
    buy = _move(maker, checker, park, ent, kind="purchase", instrument=inst[year], account=account, date=dt.date(year, 10, 15),
                quantity_t=_whole(e_now * Decimal("0.03")) or 1, price_yuan_per_t="61.90", fees_yuan="800", counterparty="演示交易对手丙",
                trade_method="single_auction", trade_reference=f"DEMO-{year}-1015")
    ev = services.attach_evidence(actor=maker, park=park, enterprise=ent, description="成交确认单（演示）",
                                  file=ContentFile("演示成交确认单 / demo trade confirmation\n".encode(), name="trade-confirmation-demo.txt"))
    Movement.objects.filter(pk=buy.pk).update(evidence=ev)
    _move(maker, checker, park, ent, kind="purchase", instrument=ccer, date=dt.date(year, 6, 18), quantity_t=20000,
          price_yuan_per_t="83.50", fees_yuan="1000", counterparty="演示项目业主", trade_method="listing_selection",
          serial_first=f"{ccer_block}000001", serial_last=f"{ccer_block}020000")


def _neutral_ledger(maker, checker, park, ent, year: int) -> None:
    account = services.account_save(actor=maker, park=park, enterprise=ent, data={
        "kind": "registry", "market": "ccer", "institution": "全国温室气体自愿减排注册登记系统", "number": f"DEMO-CCER-{ent.pk:04d}",
        "name": ent.name})
    for first, last, forestry, local, project, price in ((1, 3000, True, True, "演示造林碳汇项目（本省）", "88.00"),
                                                         (1, 2000, False, False, "演示光热发电项目", "70.00")):
        block = f"CN-CCER-DEMO-{'F' if forestry else 'S'}{ent.pk:03d}-"
        lot = services.instrument_save(actor=maker, park=park, enterprise=ent, data={
            "kind": "ccer", "vintage": year - 1, "project_id": f"CCER-DEMO-{'F' if forestry else 'S'}{ent.pk:03d}",
            "project_name": project, "methodology": "CCER-14-001-V01" if forestry else "CCER-01-001-V01",
            "registered_on": dt.date(2024, 8, 1), "serial_first": f"{block}{first:06d}", "serial_last": f"{block}{last:06d}",
            "forestry": forestry, "local": local, "product": "CCER"})
        _move(maker, checker, park, ent, kind="purchase", instrument=lot, account=account, date=dt.date(year, 9, 1),
              quantity_t=last - first + 1, price_yuan_per_t=price, fees_yuan="200", counterparty="演示项目业主",
              trade_method="listing_selection", serial_first=f"{block}{first:06d}", serial_last=f"{block}{last:06d}")


def build(park, enterprises) -> None:
    year = timezone.localdate().year - 1
    officer, park_reviewer = _user(park, Role.PARK_CARBON_OFFICER), _user(park, Role.REVIEWER)
    if officer is None or park_reviewer is None or PriceQuote.objects.filter(park=park).exists():
        return
    _prices(officer, park, year)
    covered = [e for e in enterprises if e.carbon_market_covered and e.industry_code in ("3120", "4412")]
    for n, ent in enumerate(covered, start=1):
        maker, checker = _user(park, Role.DATA_CLERK, ent), _user(park, Role.REVIEWER, ent)
        if maker is None or checker is None:
            maker, checker = officer, park_reviewer
        _covered_ledger(maker, checker, park, ent, year, n, f"CN-CCER-DEMO-{ent.pk:03d}-")
    neutral = next((e for e in enterprises if e.name == NEUTRAL_ENTERPRISE), None)
    if neutral is not None:
        _neutral_ledger(officer, park_reviewer, park, neutral, year)
