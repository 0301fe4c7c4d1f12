"""The platform raises the adjustment triggers of a baseline (T/CSES 6.5 b) c); T/CPQS 7.5 注; spec §1.3).

:func:`detect` compares the baseline's static-factors snapshot with the entity today and raises one trigger per
change (each once: a detection key): a new accounting-boundary version; for a park baseline, an enterprise that
entered or left the park since the snapshot (with its base-year effect from its statement of the base year when
there is one); for an enterprise or unit baseline, a source added or retired since the base period, a change of
capacity (rated capacity of equipment in service). :func:`from_rerun` raises the factor and method triggers from
the diff between the base-year run of the baseline's statement and a re-run of the base year with the current
factors and methods (``inventory.diff.run_diff``). Organic growth never raises anything: activity data changes of
the same sources are not a base-year change.
"""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from .models import Baseline, BaselineTrigger
from .services import static_factors, trigger_add

K = BaselineTrigger.Kind


def _effect_of_enterprise(baseline: Baseline, enterprise_id: int):
    from carbonms.inventory.statements import official_statement
    from carbonms.organizations.models import Enterprise

    ent = Enterprise.objects.filter(pk=enterprise_id).first()
    if ent is None:
        return None, str(enterprise_id)
    st = official_statement(park=baseline.park, year=baseline.base_year, enterprise=ent)
    if st is None:
        return None, ent.name
    by_cat = (st.totals or {}).get("by_category") or {}
    return sum((Decimal(str(by_cat.get(c, 0) or 0)) for c in baseline.categories), Decimal(0)), ent.name


def detect(baseline: Baseline) -> list[BaselineTrigger]:
    """Raise the structural triggers of an approved baseline; returns the triggers raised now (new ones)."""
    from django.utils import timezone

    from carbonms.carbondata.models import Source

    if baseline.status != Baseline.Status.APPROVED:
        return []
    snap = baseline.static_factors or {}
    now = static_factors(park=baseline.park, enterprise=baseline.enterprise, unit=baseline.unit, on=timezone.localdate())
    before = set(BaselineTrigger.objects.filter(baseline=baseline).values_list("pk", flat=True))

    def raise_(kind, description, key, effect=None, evidence=None):
        trigger_add(actor=None, baseline=baseline, kind=kind, description=description, base_year_effect=effect,
                    evidence=evidence or {}, fingerprint=key)

    old_b, new_b = snap.get("boundary"), now.get("boundary")
    if new_b and (not old_b or old_b.get("id") != new_b.get("id")):
        raise_(K.BOUNDARY, _("New accounting boundary version from %(d)s.") % {"d": new_b["effective_from"]},
               f"boundary:{new_b['id']}", evidence={"before": old_b, "after": new_b})
    if baseline.enterprise_id is None:
        old_e, new_e = set(snap.get("enterprises") or []), set(now.get("enterprises") or [])
        for eid in sorted(new_e - old_e):
            effect, name = _effect_of_enterprise(baseline, eid)
            raise_(K.ENTRY, _("%(e)s entered the park.") % {"e": name}, f"entry:{eid}", effect,
                   {"enterprise": eid, "base_year_statement": effect is not None})
        for eid in sorted(old_e - new_e):
            effect, name = _effect_of_enterprise(baseline, eid)
            raise_(K.EXIT, _("%(e)s left the park.") % {"e": name}, f"exit:{eid}", None if effect is None else -effect,
                   {"enterprise": eid, "base_year_statement": effect is not None})
    else:
        sources = Source.objects.filter(enterprise_id=baseline.enterprise_id)
        if baseline.unit_id:
            sources = sources.filter(unit_id=baseline.unit_id)
        for s in sources.filter(created_at__date__gt=baseline.period_end):
            raise_(K.SOURCE_ADDED, _("Source %(c)s %(n)s added after the base period.") % {"c": s.code, "n": s.name},
                   f"source_added:{s.pk}", evidence={"source": s.pk})
        for s in sources.filter(status=Source.Status.RETIRED):
            raise_(K.SOURCE_RETIRED, _("Source %(c)s %(n)s retired.") % {"c": s.code, "n": s.name},
                   f"source_retired:{s.pk}", evidence={"source": s.pk})
        if snap.get("capacity") is not None and snap.get("capacity") != now.get("capacity"):
            key = "capacity:" + ",".join(f"{k}={v:g}" for k, v in sorted((now.get("capacity") or {}).items()))
            raise_(K.CAPACITY, _("Capacity changed: %(a)s → %(b)s.") % {"a": _fmt_cap(snap["capacity"]), "b": _fmt_cap(now["capacity"])},
                   key[:120], evidence={"before": snap.get("capacity"), "after": now.get("capacity")})
    return list(BaselineTrigger.objects.filter(baseline=baseline).exclude(pk__in=before))


def _fmt_cap(cap: dict) -> str:
    return ", ".join(f"{v:g} {k}" for k, v in sorted(cap.items())) or "—"


def from_rerun(baseline: Baseline, rerun) -> list[BaselineTrigger]:
    """Factor and method triggers from a re-run of the base year (``rerun``: a CalculationRun of the baseline's
    entity and base year with the current factors and methods) against the run of the baseline's statement."""
    from carbonms.inventory.diff import run_diff

    st = baseline.statement
    if st is None or rerun.year != baseline.base_year or (rerun.park_id, rerun.enterprise_id) != (st.park_id, st.enterprise_id):
        return []
    effects = {"factor": 0.0, "method": 0.0}
    sources = {"factor": [], "method": []}
    for line in run_diff(st.run, rerun):
        kind = "method" if "method" in line["reasons"] else "factor" if "factor" in line["reasons"] else None
        if kind:
            effects[kind] += line["delta"]
            sources[kind].append(line["code"])
    out = []
    for kind, effect in effects.items():
        if not sources[kind]:
            continue
        label = _("Emission factor change shown by the base-year re-run") if kind == "factor" else _("Method change shown by the base-year re-run")
        out.append(trigger_add(actor=None, baseline=baseline, kind=kind, description=f"{label}: {', '.join(sources[kind][:10])}",
                               base_year_effect=Decimal(str(effect)), fingerprint=f"{kind}:run{rerun.pk}",
                               evidence={"statement_run": st.run_id, "rerun": rerun.pk, "sources": sources[kind]}))
    return out
