"""Shared building blocks: base models, the tenancy mechanism, generic views and API bases."""
