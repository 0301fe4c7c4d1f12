"""Deadline reminders of the national ETS (annual report, verification, surrender) through the daily reminder job
(carbonms/conformity/reminders.py): a task for each enterprise administrator of a covered enterprise, from a week
before the deadline of its sector (carbonms/assets/data/compliance_deadlines.csv and the surrender deadline of the
compliance rule) until the step is done: an ETS-basis or verified statement in force (annual report), a verified
statement (verification), a settled 履约记录 (surrender)."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext

from carbonms.assets import rules

LOOKBACK = dt.timedelta(days=365)  # overdue steps are reminded for a year, then left to the conformity checks


def _done(ent, year: int, step: str) -> bool:
    from carbonms.inventory.models import InventoryStatement

    from .models import ComplianceRecord

    st = InventoryStatement.objects.filter(enterprise=ent, year=year, status__in=InventoryStatement.OFFICIAL)
    if step == "annual_report":
        return st.filter(basis__in=(InventoryStatement.Basis.ETS, InventoryStatement.Basis.VERIFIED)).exists()
    if step == "verification":
        return st.filter(status=InventoryStatement.Status.VERIFIED).exists()
    return ComplianceRecord.objects.filter(enterprise=ent, year=year, status=ComplianceRecord.Status.SETTLED).exists()


def reminder_items(limit: dt.date):
    from carbonms.accounts.models import RoleAssignment
    from carbonms.accounts.roles import Role
    from carbonms.conformity.models import Task
    from carbonms.organizations.models import Enterprise

    years = {y for y in rules.compliance_rules() if dt.date(y + 1, 1, 1) <= limit}
    ents = list(Enterprise.objects.filter(carbon_market_covered=True, status=Enterprise.Status.ACTIVE))
    admins: dict[int, list] = {}
    for a in RoleAssignment.objects.filter(role=Role.ENTERPRISE_ADMIN, enterprise__in=ents).select_related("user"):
        admins.setdefault(a.enterprise_id, []).append(a.user)
    for ent in ents:
        sector = rules.sector_of(ent.industry_code)
        for year in sorted(years):
            for d in rules.deadlines(year, sector):
                if not (limit - LOOKBACK <= d.due <= limit) or _done(ent, year, d.step):
                    continue
                for user in admins.get(ent.pk, []):
                    yield (user, Task.Kind.EVALUATION, f"ets:{ent.pk}:{year}:{d.step}", (f"ets_{d.step}", {"year": year, "e": ent.name}),
                           reverse("compliance:position", args=[ent.pk, year]), d.due, ent.park_id, ent.pk)


def register_titles() -> None:
    from carbonms.conformity.titles import TITLES

    TITLES.setdefault("ets_annual_report", lambda p: gettext("%(e)s: file the %(year)s ETS annual emission report") % p)
    TITLES.setdefault("ets_verification", lambda p: gettext("%(e)s: obtain the verification of %(year)s emissions") % p)
    TITLES.setdefault("ets_surrender", lambda p: gettext("%(e)s: surrender allowances for %(year)s") % p)
