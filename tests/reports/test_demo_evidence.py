"""Demo evidence (issue 15 item 4): real PDFs for a sample of records in every enterprise, marked as demo samples,
whose figures agree with the records they support."""
from __future__ import annotations

import hashlib
import random
from decimal import Decimal

from carbonms.carbondata.models import Calibration, Evidence
from carbonms.demo.generator import build
from carbonms.reports.demo_evidence import daily_entries


def test_daily_ledger_entries_sum_exactly_to_the_month():
    for month, days in ((1, 31), (2, 28), (4, 30), (12, 31)):
        entries = daily_entries(Decimal("1234.567"), 2025, month, random.Random(month))
        assert len(entries) == days and sum(entries) == Decimal("1234.567")
        assert all(e > 0 for e in entries)


def test_every_demo_enterprise_gets_a_real_pdf_and_certificates_are_printed(db):
    result = build(enterprises=4, seed=5, extensions=("evidence",))
    evidence = list(Evidence.objects.filter(enterprise__park=result.park).select_related("activity"))
    enterprises = {e.enterprise_id for e in evidence}
    assert len(enterprises) == 4
    for ev in evidence:
        ev.file.open("rb")
        data = ev.file.read()
        assert data.startswith(b"%PDF") and len(data) > 10_000  # a rendered document, not a placeholder line
        assert hashlib.sha256(data).hexdigest() == ev.sha256
        assert ev.activity is not None and ev.activity.month == 1
    certs = Calibration.objects.filter(instrument__enterprise__park=result.park).exclude(certificate="")
    assert certs.exists()
    assert all(c.certificate.name.endswith(".pdf") for c in certs)
