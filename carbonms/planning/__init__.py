"""The planning core: targets and milestones, baselines with regression, base-year recalculation, abatement
cost curves, LMDI driver decomposition and pathways. Pure Python (NumPy and statsmodels), no Django: used
by the platform's planning pages and by ``carbonms planning`` (docs/planning.md)."""
from .baseline import fit as fit_baseline
from .errors import PlanningError, PlanningErrors
from .lmdi import decompose
from .macc import crf, curve, levelised_cost, payback_years
from .pathway import scenarios
from .rebase import rebase
from .targets import evaluate, evaluate_all

__all__ = ["PlanningError", "PlanningErrors", "crf", "curve", "decompose", "evaluate", "evaluate_all", "fit_baseline",
           "levelised_cost", "payback_years", "rebase", "scenarios"]
