"""Models of the performance app (to be built: see the package docstring)."""
