"""Review items and management-review inputs from the planning records of other apps: targets and baselines (app
``performance``), action plans and opportunities (app ``abatement``).

Each reader answers "not available" (with the reason) while the app has not built the model it reads, so that a
review or a management review never shows an empty section as if it were complete.
"""
from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from .sections import T, _model, unavailable


def targets_section(ctx) -> dict:
    Target = _model("performance", "Target")
    if Target is None:
        return unavailable(N_("Not available: objectives and targets have not landed."))
    return unavailable(N_("Not available: objectives and targets have not landed."))


def baselines_section(ctx) -> dict:
    Baseline = _model("performance", "Baseline")
    if Baseline is None:
        return unavailable(N_("Not available: baselines have not landed."))
    return unavailable(N_("Not available: baselines have not landed."))


def measures_section(ctx) -> dict:
    Plan = _model("abatement", "ActionPlan")
    if Plan is None:
        return unavailable(N_("Not available: action plans have not landed."))
    return unavailable(N_("Not available: action plans have not landed."))


__all__ = ["T", "targets_section", "baselines_section", "measures_section"]


# -- management-review inputs (carbonms/audits/inputs.py, schema 3) -------------------------------------------------

def _not_landed(what) -> dict:
    from django.utils.translation import gettext

    return {"available": False, "basis": gettext("Not available: %(what)s have not landed.") % {"what": gettext(what)}}


def review_input_targets(system) -> dict:
    """Target achievement (T/CSES 9.5.1; T/CPQS 10.3.1): each target's status in the latest year with a statement."""
    if _model("performance", "Target") is None:
        return _not_landed(N_("objectives and targets"))
    return _not_landed(N_("objectives and targets"))


def review_input_baselines(system) -> dict:
    """Performance against the baselines: adjusted baseline, savings and performance index of each indicator."""
    if _model("performance", "Baseline") is None:
        return _not_landed(N_("baselines"))
    return _not_landed(N_("baselines"))


def review_input_action_plans(system) -> dict:
    """Status of the action plans: lines by status, overdue, expected and verified reductions."""
    if _model("abatement", "ActionPlan") is None:
        return _not_landed(N_("action plans"))
    return _not_landed(N_("action plans"))
