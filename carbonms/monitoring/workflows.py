"""The review queues of online monitoring, declared once (see carbonms.common.workflow).

A reading conflict (the same reading re-sent with another value) is resolved once: keep the stored
value or replace it. An anomaly is acknowledged once, with what was found.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import Anomaly, ReadingConflict

C = ReadingConflict.Status
ALREADY_RESOLVED = _("This conflict is already resolved.")

READING_CONFLICT = Workflow(ReadingConflict, [
    Transition("keep", source=(C.OPEN,), target=C.KEPT, action="change", label=_("Keep the stored value"),
               inputs=("note",), status_error=ALREADY_RESOLVED, link=True, url_name="monitoring:conflict_resolve"),
    Transition("replace", source=(C.OPEN,), target=C.REPLACED, action="change", label=_("Replace by the new value"),
               inputs=("note",), status_error=ALREADY_RESOLVED, link=True, url_name="monitoring:conflict_resolve"),
], error_key=None)


def _resolve(keep: bool):
    def run(actor, obj, data):
        from . import rollups, services

        c = services.conflict_resolve(actor=actor, conflict=obj, keep_stored=keep, note=data.get("note", "") or "")
        rollups.refresh_dirty()
        return c
    return run


READING_CONFLICT.runs("keep")(_resolve(True))
READING_CONFLICT.runs("replace")(_resolve(False))

A = Anomaly.Status

ANOMALY = Workflow(Anomaly, [
    Transition("acknowledge", source=(A.OPEN,), target=A.ACKNOWLEDGED, action="change", label=_("Review"),
               inputs=("note",), status_error=_("This anomaly is already acknowledged."), link=True,
               url_name="monitoring:anomaly_review"),
], error_key=None)


@ANOMALY.runs("acknowledge")
def _acknowledge(actor, obj, data):
    from . import services

    return services.anomaly_acknowledge(actor=actor, anomaly=obj, note=data.get("note", "") or "")
