"""Change history: who changed which business record, when, what (before/after) and from where."""
