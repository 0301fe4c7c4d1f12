"""Models of the governance app (to be built: see the package docstring)."""
