"""Pages of the carbon data process, split by subdomain."""
