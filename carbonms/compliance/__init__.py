"""Issue 13: national ETS compliance, offset project pipeline and carbon-neutrality claims (T/CIECCPA 8.3.3, 8.4; T/CPQS 7.3.4, 7.3.5)."""
