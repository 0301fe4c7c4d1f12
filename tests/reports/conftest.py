"""Fixtures the report tests share with the apps whose records the reports are made from."""
from tests.compliance.test_neutrality import claim_world  # noqa: F401  (E1's 2025 neutrality claim, nothing cancelled)
from tests.ledger.test_statement import book  # noqa: F401  (E1's covered 2025 ledger: allocations, trades, CCER, prices)
