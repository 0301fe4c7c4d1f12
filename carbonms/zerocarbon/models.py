"""Models of the zerocarbon app (to be built: see the package docstring)."""
