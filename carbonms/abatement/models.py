"""Models of the abatement app (to be built: see the package docstring)."""
