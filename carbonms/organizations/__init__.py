"""Parks, enterprises and their hierarchy (site → emission unit → equipment), and boundaries."""
