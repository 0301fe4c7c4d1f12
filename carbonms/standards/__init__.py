"""The standards CarbonMS implements: clause catalogue and clause map (see catalogue.py)."""
