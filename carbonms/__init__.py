"""CarbonMS: carbon emission management system for industrial parks."""
