"""Models of the cockpit app (to be built: see the package docstring)."""
