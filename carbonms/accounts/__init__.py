"""Users, roles and role assignments scoped to a park or an enterprise; login and its throttling."""
