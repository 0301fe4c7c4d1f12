"""Conformity checks that read other apps' models (targets, baselines; ledger, compliance and neutrality).

A topic whose app has not built its model is left out, so that its clauses are "not assessed" (design problem B10).
"""
from __future__ import annotations

from .sections import _model


def checks(system, today, Check) -> dict:
    out = {}
    if _model("performance", "Target") is not None:
        pass
    return out
