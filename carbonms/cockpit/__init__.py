"""Issue 14: the park and enterprise home pages that lead with carbon (the cockpit)."""
