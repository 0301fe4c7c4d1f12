"""Issue 14: project admission and exit, the annual assessment of enterprises and coordination (T/CSES 6.3.5, 6.3.6)."""
