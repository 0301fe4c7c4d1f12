"""The registers: one declaration per record type drives its list, detail, form and API pages."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from . import models as m
from . import services

COMMON = ["owner", "status", "last_reviewed_on", "next_review_on"]


@dataclass
class Register:
    key: str
    model: type
    fields: list[str]
    columns: list[str]
    title: str
    clauses: str = ""
    save: Callable | None = None
    extra: dict = field(default_factory=dict)


def _evaluation_save(*, actor, model, data, park=None, enterprise=None, instance=None):
    if instance is None:
        data = dict(data)
        return services.evaluation_record(actor=actor, obligation=data.pop("obligation"), data=data)
    return services.register_save(actor=actor, model=model, data=data, instance=instance)


REGISTERS: dict[str, Register] = {r.key: r for r in [
    Register("context", m.ContextIssue, ["title", "kind", "category", "description", "monitoring", *COMMON],
             ["title", "kind", "category", "owner", "next_review_on"], _("Context issues"), "T/CSES 4.1 · T/CPQS 5.1"),
    Register("parties", m.InterestedParty, ["name", "kind", "channel", "contact", "needs", "adopted", "obligation", *COMMON],
             ["name", "kind", "channel", "adopted", "obligation"], _("Interested parties"), "T/CSES 4.2 · 附录A"),
    Register("obligations", m.ComplianceObligation,
             ["title", "kind", "reference", "issuer", "requirement", "applicable", "applicability", "evaluation_months", *COMMON],
             ["title", "kind", "reference", "applicable", "evaluation_months", "last_reviewed_on", "next_review_on"],
             _("Compliance obligations"), "T/CSES 6.6 · T/CPQS 10.1.2"),
    Register("evaluations", m.ComplianceEvaluation, ["obligation", "evaluated_on", "evaluator", "result", "findings", "follow_up"],
             ["obligation", "evaluated_on", "result", "evaluator"], _("Compliance evaluations"), "T/CSES 9.2 · T/CIECCPA 9.1.3",
             save=_evaluation_save),
    Register("risks", m.Risk, ["title", "category", "description", "likelihood", "consequence", "criteria", "response",
                               "actions", "effectiveness", "effectiveness_evaluated_on", *COMMON],
             ["title", "category", "likelihood", "consequence", "significance", "response", "next_review_on"],
             _("Risks and opportunities"), "T/CSES 6.1 · T/CPQS 7.6 · T/CIECCPA 6.1"),
    Register("organisation", m.OrgUnit, ["name", "kind", "head", "members", "duties", *COMMON],
             ["name", "kind", "head", "status"], _("Organisation"), "T/CSES 5.3 · T/CPQS 6.3–6.4 · T/CIECCPA 5.3"),
    Register("appointments", m.Appointment, ["role", "person", "unit", "duties", "appointed_on", *COMMON],
             ["role", "person", "unit", "appointed_on", "status"], _("Appointments"), "T/CSES 5.3 · T/CIECCPA 5.3"),
    Register("resources", m.Resource, ["title", "kind", "description", "adequate", *COMMON],
             ["title", "kind", "adequate", "owner"], _("Resources"), "T/CSES 7.1 · T/CIECCPA 7.1"),
    Register("competence", m.CompetenceRequirement, ["role_title", "requirement", "how_acquired", *COMMON],
             ["role_title", "requirement", "owner"], _("Competence requirements"), "T/CSES 7.2 · T/CIECCPA 7.2"),
    Register("training", m.Training, ["title", "kind", "competence", "planned_on", "held_on", "participants", "content",
                                      "effectiveness", *COMMON],
             ["title", "kind", "planned_on", "held_on", "owner"], _("Training and awareness"), "T/CSES 7.2 · T/CIECCPA 7.2–7.3"),
    Register("communications", m.Communication, ["subject", "direction", "party", "channel", "occurred_on", "summary",
                                                 "response", *COMMON],
             ["occurred_on", "subject", "direction", "party"], _("Communications log"), "T/CPQS 8.3 · T/CIECCPA 7.4"),
    Register("changes", m.PlannedChange, ["title", "purpose", "consequences", "resources", "responsibilities", "planned_on",
                                          "verification", "verified_on", *COMMON],
             ["title", "planned_on", "verified_on", "owner", "status"], _("Planned changes"), "T/CSES 6.7, 8.3 · T/CIECCPA 6.3"),
]}


def get(key: str) -> Register:
    from django.http import Http404

    try:
        return REGISTERS[key]
    except KeyError:
        raise Http404
