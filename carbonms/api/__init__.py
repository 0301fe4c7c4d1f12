"""The REST API root: router, OpenAPI schema and its docs page. Endpoints live in each domain app's api.py."""
