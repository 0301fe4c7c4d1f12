"""Issues 12 and 13: indicators, deviation investigations and the carbon review with its trading, asset and neutrality reviews (T/CSES 6.3, 9.1; T/CPQS 7.3)."""
