"""Pure-Python accounting core. Must never import Django."""
