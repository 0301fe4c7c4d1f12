"""The trading, asset and neutrality reviews of T/CPQS 7.3.3–7.3.5, pre-filled from the ledger (app ``ledger``) and
the compliance and neutrality records (app ``compliance``).

Each reader answers "not available" (with the reason) while the app has not built the model it reads.
"""
from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from .sections import T, _model, unavailable


def trading_section(ctx) -> dict:
    Movement = _model("ledger", "Movement")
    if Movement is None:
        return unavailable(N_("Not available: the carbon-asset ledger has not landed."))
    return unavailable(N_("Not available: the carbon-asset ledger has not landed."))


def assets_section(ctx) -> dict:
    Movement = _model("ledger", "Movement")
    if Movement is None:
        return unavailable(N_("Not available: the carbon-asset ledger has not landed."))
    return unavailable(N_("Not available: the carbon-asset ledger has not landed."))


def neutrality_section(ctx) -> dict:
    Claim = _model("compliance", "NeutralityClaim")
    if Claim is None:
        return unavailable(N_("Not available: carbon-neutrality claims have not landed."))
    return unavailable(N_("Not available: carbon-neutrality claims have not landed."))


__all__ = ["T", "trading_section", "assets_section", "neutrality_section"]
