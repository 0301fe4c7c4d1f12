"""Reads of the carbon-asset ledger, shared by the pages and the API. Lists start from ``restrict``; holdings are
derived from the approved movements through the pure core (never stored)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from carbonms.assets import ledger as core

from .models import Account, Instrument, Movement, PriceQuote
from .services import core_movement, holder_movements


def accounts(user, *, park, enterprise=None):
    return Account.objects.restrict(user, "view").filter(park=park, enterprise=enterprise)


def instruments(user, *, park, enterprise=None):
    return Instrument.objects.restrict(user, "view").filter(park=park, enterprise=enterprise)


def movements(user, *, park, enterprise=None):
    return (Movement.objects.restrict(user, "view").filter(park=park, enterprise=enterprise)
            .select_related("instrument", "account", "entered_by", "approved_by"))


def prices(user, *, park, enterprise=None):
    """The price table a holder's pages use: the park's shared quotes and the holder's own."""
    return holder_quotes(PriceQuote.objects.restrict(user, "view"), park=park, enterprise=enterprise)


def holder_quotes(qs, *, park, enterprise=None):
    """``qs`` narrowed to a holder's price table: the park's shared quotes and the holder's own (the command line
    passes every quote, a page the user's)."""
    from django.db.models import Q

    qs = qs.filter(park=park)
    return qs.filter(Q(enterprise__isnull=True) | Q(enterprise=enterprise)) if enterprise else qs.filter(enterprise__isnull=True)


def holdings(*, park, enterprise=None, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Quantity and book value per instrument of a holder on a date (all approved movements without one); the caller
    has checked that the user may see the holder."""
    moves = [core_movement(m) for m in holder_movements(park.pk, enterprise.pk if enterprise else None)]
    found = {f"#{i.pk}": i for i in Instrument.objects.filter(park=park, enterprise=enterprise)}
    return [{**h, "instrument": found[h["instrument"]]} for h in core.holdings(moves, on=on) if h["instrument"] in found]
