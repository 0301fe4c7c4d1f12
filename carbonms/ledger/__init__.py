"""Issue 13: carbon-asset accounts, instruments, movements, prices and the asset statement (T/CPQS 9.2.3–9.2.5; T/CIECCPA 8.3)."""
