"""Models of the carbonreview app (to be built: see the package docstring)."""
