"""The target responsibility letter (目标责任书) and the target completion checklist (目标和指标完成情况检查表)
of an enterprise (Annex A of T/CSES and T/CPQS: 《碳管理目标、指标责任书》《目标和指标完成情况检查表》).

One document in two parts, made from an allocation of a park target to the enterprise
(:class:`~carbonms.performance.models.TargetAllocation`) and a year:

* **Part one, the letter**: the parties, the park target it derives from, the enterprise's target (base, target
  value, reduction, categories, counting basis), the yearly milestones, its decomposition to units, the duties of
  both sides, assessment and rewards and penalties (from the park's assessment scheme in force) and the signatures
  (issued by the park, accepted by the enterprise's top management with the letter number). A letter not yet
  accepted is marked as a draft on every page.
* **Part two, the checklist of the year**: every published target and indicator of the enterprise (the allocated
  one, its unit and equipment decompositions, the enterprise's own) with base, the milestone of the year, the
  actual value from the statement of record, progress % and status (``performance.tracking``). A target without a
  statement of record for the year says so; it is never left blank.

The year is the allocation's ``report_year`` when the caller sets it (``carbonms report targets --year``, the
download link's ``?year=``), else the latest year with progress, else the first year of the target period.
"""
from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.reports.document import Facts, MissingData, Report, Table, fmt_number, fmt_pct, need

from .models import Target, TargetAllocation, TargetProgress

A = TargetAllocation.Status


def _value(value, unit: str) -> str:
    places = 2 if unit.lower().startswith("tco2") and "/" not in unit else 4
    return f"{fmt_number(value, places)} {unit}".strip()


def resolve(park, enterprise, year: int) -> TargetAllocation:
    """The enterprise's accepted (else issued) allocation whose target period covers ``year``."""
    if enterprise is None:
        raise MissingData("enterprise", _("the target responsibility letter is made per enterprise: give "
                                          "--enterprise"))
    qs = (TargetAllocation.objects.filter(enterprise=enterprise, status__in=(A.ACCEPTED, A.ISSUED),
                                          park_target__start_year__lte=year, park_target__target_year__gte=year)
          .select_related("park_target", "enterprise", "park", "target"))
    allocation = qs.filter(status=A.ACCEPTED).order_by("park_target__code").first() or qs.order_by(
        "park_target__code").first()
    if allocation is None:
        raise MissingData("allocation", _("%(who)s has no issued or accepted allocation of a park target covering "
                                          "%(year)d") % {"who": enterprise.name, "year": year})
    allocation.report_year = year
    return allocation


def report_year(allocation: TargetAllocation) -> int:
    year = getattr(allocation, "report_year", None)
    if year:
        return int(year)
    if allocation.target_id:
        last = allocation.target.progress.order_by("-year").values_list("year", flat=True).first()
        if last:
            return last
    return allocation.park_target.start_year


def years_with_progress(allocation: TargetAllocation) -> list[int]:
    """The years a checklist can be read for (progress of the enterprise's targets), newest first."""
    if not allocation.target_id:
        return []
    return sorted(set(TargetProgress.objects.filter(target__enterprise_id=allocation.enterprise_id,
                                                    target__status=Target.Status.PUBLISHED)
                      .values_list("year", flat=True)), reverse=True)


def _milestone(t: Target, year: int):
    value = (t.milestones or {}).get(str(year))
    return Decimal(str(value)) if value is not None else None


def _letter(report: Report, a: TargetAllocation) -> None:
    pt = a.park_target
    ent = a.enterprise
    s = report.section(_("1. Parties and basis"))
    s.add(Facts([
        (_("Party A (the park)"), a.park.name),
        (_("Party B (the enterprise)"), ent.name),
        (_("Unified social credit code"), need(ent.credit_code, "enterprise.credit_code")),
        (_("Legal representative"), ent.legal_representative or "—"),
        (_("Responsibility letter no."), a.letter_number or "—"),
        (_("Responsibility period"), f"{pt.start_year}–{pt.target_year}"),
    ]))
    s.add(_("To carry out the park's carbon management objectives (%(code)s %(title)s), Party A allocates its "
            "target to Party B and Party B undertakes to meet it. This letter is the target and indicator "
            "responsibility letter of the park's carbon emission management system.")
          % {"code": pt.code, "title": pt.title})
    if pt.objective:
        s.add(_("Objective: %(text)s") % {"text": pt.objective})
    s.add(Facts([
        (_("Park target"), f"{pt.code} {pt.title}"),
        (_("Metric"), pt.get_metric_display()),
        (_("Park base"), f"{pt.base_year}: {_value(pt.base_value, pt.unit_label)}"),
        (_("Park target value"), f"{pt.target_year}: {_value(pt.target_value, pt.unit_label)}"),
        (_("Published to"), pt.published_to or "—"),
    ]))

    t = a.target
    s = report.section(_("2. The enterprise's target"))
    rate = a.rate_pct
    s.add(Facts([
        (_("Target"), f"{t.code} {t.title}" if t else "—"),
        (_("Base"), f"{(t.base_year if t else pt.base_year)}: {_value(a.base_value, pt.unit_label)}"
         + (f" ({a.baseline})" if a.baseline_id else "")),
        (_("Target value"), f"{pt.target_year}: {_value(a.allocated_value, pt.unit_label)}"),
        (_("Reduction from the base"), fmt_pct(rate / 100) if rate is not None else "—"),
        (_("Categories covered"), t.category_names if t else "—"),
        (_("Counting basis"), (t or pt).get_counting_basis_display()),
        (_("GWP set"), (t or pt).gwp_set),
        (_("Allocation method"), a.get_method_display() + (" · " + _("drawn from the reserve for new entrants")
                                                           if a.from_reserve else "")),
    ]))
    if a.benchmark_value:
        s.add(_("Benchmark: %(value)s × %(output)s (%(source)s).") % {
            "value": fmt_number(a.benchmark_value, 4), "output": fmt_number(a.benchmark_output, 2),
            "source": a.benchmark_source or "—"})
    if a.note:
        s.add(_("Basis of the allocation: %(text)s") % {"text": a.note})
    milestones = sorted(((int(y), Decimal(str(v))) for y, v in ((t.milestones if t else None) or {}).items()))
    if milestones:
        s.add(Table([_("Year"), _("Milestone"), _("Reduction from the base")],
                    [[y, _value(v, pt.unit_label), fmt_pct((a.base_value - v) / a.base_value) if a.base_value else "—"]
                     for y, v in milestones if y > (t.base_year if t else pt.base_year)],
                    numeric=(1, 2), widths=(1, 2, 1.5), caption=_("Yearly milestones (linear from the base year)")))
    if t is not None:
        children = list(Target.objects.filter(parent=t).select_related("unit", "equipment").order_by("code"))
        if children:
            s.add(Table([_("Code"), _("Unit or equipment"), _("Target"), _("Base"), _("Target value"), _("Status")],
                        [[c.code, str(c.equipment or c.unit or "—"), c.title, _value(c.base_value, c.unit_label),
                          _value(c.target_value, c.unit_label), c.get_status_display()] for c in children],
                        numeric=(3, 4), widths=(1.1, 1.4, 2.4, 1.3, 1.3, 0.8),
                        caption=_("Decomposition to emission units and key equipment")))

    s = report.section(_("3. Duties"))
    s.add(_("Party B: records and approves its activity data every month and closes each year on the platform; has "
            "its annual inventory statement approved; carries out its action plans; reports without delay a "
            "deviation from a milestone and the corrective actions it takes; takes part in the park's training."))
    s.add(_("Party A: provides the carbon management platform, the emission factors and the training; tracks the "
            "progress against the milestones from the statements of record; assesses Party B every year under its "
            "assessment rules and publishes the results; supports Party B's needs of renewable power, credits and "
            "allowances."))

    s = report.section(_("4. Assessment, rewards and penalties"))
    scheme = _scheme(a.park_id)
    if scheme is None:
        s.add(_("The park has no assessment scheme in force yet: the assessment follows the rules the park puts in "
                "force."))
    else:
        s.add(_("The completion of this target is assessed every year under %(scheme)s, in force from %(date)s.")
              % {"scheme": scheme, "date": scheme.in_force_from or "—"})
        s.add(Facts([
            (_("Excellent"), f"≥ {fmt_number(scheme.excellent_min, 1)}"),
            (_("Good"), f"≥ {fmt_number(scheme.good_min, 1)}"),
            (_("Pass"), f"≥ {fmt_number(scheme.pass_min, 1)}"),
            (_("Fail"), f"< {fmt_number(scheme.pass_min, 1)}"),
            (_("Best grade when the target is missed"), scheme.get_missed_target_cap_display()),
            (_("Rewards"), scheme.rewards or "—"),
            (_("Penalties"), scheme.penalties or "—"),
        ]))

    s = report.section(_("5. Signatures"))
    s.add(Facts([
        (_("Party A: issued by"), f"{a.issued_by or '—'} · {a.issued_at:%Y-%m-%d}" if a.issued_at else "—"),
        (_("Party B: accepted by"), f"{a.accepted_by or '—'} · {a.accepted_at:%Y-%m-%d}" if a.accepted_at else "—"),
        (_("Responsibility letter no."), a.letter_number or "—"),
    ]))


def _scheme(park_id):
    try:
        from carbonms.governance.models import AssessmentScheme
    except (ImportError, LookupError):
        return None
    return AssessmentScheme.objects.filter(park_id=park_id, status=AssessmentScheme.Status.IN_FORCE).first()


def checklist_rows(enterprise_id: int, year: int) -> list[list]:
    """The rows of the completion checklist of ``year``: every published target of the enterprise."""
    targets = list(Target.objects.filter(enterprise_id=enterprise_id, status=Target.Status.PUBLISHED)
                   .filter(start_year__lte=year, target_year__gte=year)
                   .select_related("unit", "equipment"))
    targets.sort(key=lambda t: (t.unit_id is not None, t.equipment_id is not None, t.code))
    progress = {p.target_id: p for p in TargetProgress.objects.filter(target__in=targets, year=year)}
    rows = []
    for t in targets:
        p = progress.get(t.pk)
        milestone = p.expected if p is not None else _milestone(t, year)
        rows.append([
            t.code, t.title, t.get_level_display() + (f" · {t.equipment or t.unit}" if t.unit_id else ""),
            f"{t.base_year}: {_value(t.base_value, t.unit_label)}",
            _value(milestone, t.unit_label) if milestone is not None else "—",
            _value(p.actual, t.unit_label) if p is not None else _("no statement of record"),
            fmt_number(p.progress_pct, 1) + " %" if p is not None and p.progress_pct is not None else "—",
            p.get_status_display() if p is not None else _("not assessed"),
        ])
    return rows


def _checklist(report: Report, a: TargetAllocation, year: int) -> None:
    s = report.section(_("Annex: target and indicator completion checklist %(year)d") % {"year": year})
    rows = checklist_rows(a.enterprise_id, year)
    if not rows:  # an allocation issued but not accepted: its target is published on acceptance
        s.add(_("%(who)s has no published target for %(year)d yet: the checklist is filled once the letter is "
                "accepted.") % {"who": a.enterprise.name, "year": year})
        return
    s.add(_("Each target and indicator of %(who)s for %(year)d against its milestone; the actual values come from "
            "the inventory statement of record of the year (progress %% = (base − actual) ÷ (base − target)).")
          % {"who": a.enterprise.name, "year": year})
    s.add(Table([_("Code"), _("Target or indicator"), _("Level"), _("Base"), _("Milestone %(year)d") % {"year": year},
                 _("Actual"), _("Progress"), _("Status")], rows, numeric=(4, 5, 6),
                widths=(1.1, 2.2, 1.1, 1.9, 1.6, 1.6, 0.8, 0.8)))
    counts = {}
    for r in rows:
        counts[r[-1]] = counts.get(r[-1], 0) + 1
    s.add(_("Summary: %(items)s.") % {"items": "; ".join(f"{k} {v}" for k, v in counts.items())})
    s.add(Facts([(_("Checked by (Party A)"), ""), (_("Confirmed by (Party B)"), ""), (_("Date"), "")]))


def build(allocation: TargetAllocation) -> Report:
    """The letter and the checklist of the allocation's enterprise (raises MissingData naming what is missing)."""
    if allocation.status not in (A.ISSUED, A.ACCEPTED):
        raise MissingData("allocation.status", _("the allocation is not issued: a responsibility letter is made from "
                                                 "an issued or accepted allocation"))
    year = report_year(allocation)
    pt = allocation.park_target
    if not (pt.start_year <= year <= pt.target_year):
        raise MissingData("year", _("%(year)d is outside the target period %(start)d–%(end)d")
                          % {"year": year, "start": pt.start_year, "end": pt.target_year})
    report = Report(
        title=_("Carbon management target and indicator responsibility letter"),
        subtitle=_("%(enterprise)s · %(code)s · checklist of %(year)d") % {
            "enterprise": allocation.enterprise.name, "code": pt.code, "year": year},
        issuer=allocation.park.name,
        date=timezone.localdate().isoformat(),
        footer=_("Allocation #%(pk)d") % {"pk": allocation.pk},
        draft_mark="" if allocation.status == A.ACCEPTED else _("Draft: not yet accepted by the enterprise"),
    )
    _letter(report, allocation)
    _checklist(report, allocation, year)
    return report


def filename(allocation: TargetAllocation) -> str:
    return f"targets-{allocation.enterprise.credit_code}-{allocation.park_target.code}-{report_year(allocation)}"


def register() -> None:
    from django.utils.translation import gettext_lazy

    from carbonms.reports.registry import ReportKind
    from carbonms.reports.registry import register as add

    add(ReportKind(key="targets", label=gettext_lazy("Target responsibility letter and completion checklist"),
                   model=TargetAllocation, resolve=resolve, build=build,
                   identifier=lambda a: f"RPT-TGT-{a.park_target.code}"[:40], filename=filename))
