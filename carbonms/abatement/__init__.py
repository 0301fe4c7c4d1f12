"""Issue 12: action plans, opportunities ranked by abatement cost, trend decomposition and peak/neutrality pathways (T/CSES 6.3, 6.3.1, 6.4; T/CIECCPA 8.1)."""
