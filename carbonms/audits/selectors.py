"""Reads for audits, nonconformities and reviews; all start from ``restrict(user, action)``."""
from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Nonconformity


def checklist_progress(audit) -> dict:
    agg = audit.checklist.aggregate(total=Count("id"), open=Count("id", filter=Q(result="open")),
                                    nonconform=Count("id", filter=Q(result="nonconform")))
    agg["done"] = agg["total"] - agg["open"]
    return agg


def nonconformities(user, system):
    today = timezone.localdate()
    return (system.filter(Nonconformity.objects.restrict(user))
            .annotate(n_actions=Count("actions", distinct=True),
                      n_overdue=Count("actions", filter=Q(actions__done_on__isnull=True, actions__due_on__lt=today),
                                      distinct=True)))


INPUT_LABELS = {
    "summary": _("summary"), "items": _("details"), "since": _("since"), "context_issues": _("context issues changed"),
    "risks": _("risks and opportunities changed"), "high_risks": _("high risks"), "obligations": _("obligations changed"),
    "interested_parties": _("interested parties"), "available": _("data available"), "nonconformities": _("nonconformities"),
    "by_result": _("by result"), "overdue": _("overdue"), "open": _("open"), "closed": _("closed"), "done": _("done"),
    "total": _("total"), "actions_open": _("actions open"), "actions_overdue": _("actions overdue"),
    "inadequate": _("inadequate resources"), "by_direction": _("by direction"), "external": _("external communications"),
    "compliant": _("compliant"), "partly": _("partly compliant"), "non_compliant": _("not compliant"),
    "internal": _("internal"), "inbound": _("received"), "outbound": _("sent"), "basis": _("basis of the figures"),
}


def _text(v) -> str:
    if isinstance(v, dict):
        return "；".join(f"{INPUT_LABELS.get(k, k)} {_text(x)}" for k, x in v.items()) or "—"
    if isinstance(v, list):
        return "\n".join(" · ".join(str(y) for y in x.values() if y not in (None, "")) if isinstance(x, dict) else _text(x)
                         for x in v) or "—"
    if isinstance(v, bool):
        return str(_("yes") if v else _("no (the module providing this data is not installed yet)"))
    return "—" if v in (None, "") else str(v)


def input_rows(value) -> list[tuple[str, str]]:
    """A review input section as (label, text) lines for display and export."""
    if not isinstance(value, dict):
        return []
    return [(str(INPUT_LABELS.get(k, k)), _text(v)) for k, v in value.items() if not k.startswith("_")]
