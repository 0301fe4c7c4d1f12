"""Models of the compliance app (to be built: see the package docstring)."""
