"""Models of the ledger app (to be built: see the package docstring)."""
