"""The carbon-asset core: ETS compliance with the CCER cap from a rule table, the neutrality determination with
the offset priority of T/CIECCPA 8.4, the ledger (holdings from movements, book value, the 财会〔2019〕22号
roll-forward) and serial ranges used once. Pure Python, no Django (docs/assets.md); ``carbonms assets``."""
from .compliance import compliance
from .ledger import LedgerError, first_overlap, holdings, overlaps, roll_forward, serial_range
from .neutrality import neutrality

__all__ = ["LedgerError", "compliance", "first_overlap", "holdings", "neutrality", "overlaps", "roll_forward", "serial_range"]
