"""The demo park's statements (issue 10 "Done when"): approved statements for both years for every enterprise and
the park, one verified by the demo verifier, and the re-performance check for every demo enterprise."""
from __future__ import annotations

import pytest

from carbonms.inventory.models import InventoryStatement
from tests.inventory.test_statements import reperformance_matches


@pytest.fixture
def demo(db):
    from carbonms.demo.generator import build

    return build(enterprises=30, seed=2026, extensions=()).park  # the core park of ``carbonms demo`` (its defaults)


def test_demo_statements_and_reperformance_of_every_enterprise(demo, tmp_path, capsys):
    from django.utils import timezone

    year = timezone.localdate().year - 1
    sts = InventoryStatement.objects.filter(park=demo, status__in=InventoryStatement.OFFICIAL)
    ents = list(demo.enterprises.order_by("pk"))
    with_data = [e for e in ents if e.activity.filter(year=year).exists()]
    for y in (year - 1, year):
        assert sts.filter(year=y, enterprise__isnull=True).count() == 1
        assert set(sts.filter(year=y, enterprise__isnull=False).values_list("enterprise_id", flat=True)) == {e.pk for e in with_data}
    verified = sts.get(status="verified")
    assert verified.year == year and verified.verified_by.username == "verifier" and verified.verification_report
    for st in sts.filter(enterprise__isnull=False).select_related("enterprise"):
        reperformance_matches(st, tmp_path, capsys)
