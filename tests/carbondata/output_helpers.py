"""Helpers of the output and economic data tests (issue 10 item 3)."""
from __future__ import annotations

from decimal import Decimal

from carbonms.carbondata.models import EconomicRecord, Product, ProductionRecord

S = ProductionRecord.Status


def product(enterprise, code="P1", unit="t", kind=Product.Kind.PRODUCT, name="钢材"):
    return Product.objects.create(enterprise=enterprise, code=code, name=name, unit=unit, kind=kind)


def production(prod, month, quantity, *, year=2025, status=S.APPROVED, user, is_current=True, version=1):
    return ProductionRecord.objects.create(product=prod, enterprise=prod.enterprise, year=year, month=month,
                                           quantity=Decimal(str(quantity)), unit=prod.unit, status=status,
                                           entered_by=user, is_current=is_current, version=version)


def economic(park, enterprise=None, *, year=2025, status=S.APPROVED, user, **figures):
    figures.setdefault("value_added_10k_yuan", Decimal("100"))
    if figures["value_added_10k_yuan"] is not None:
        figures.setdefault("price_basis", EconomicRecord.PriceBasis.CURRENT)
    return EconomicRecord.objects.create(park=park, enterprise=enterprise, year=year, status=status, entered_by=user,
                                         **figures)
