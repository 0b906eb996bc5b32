"""Registrations and permits are deliberately NOT in the Django admin (invariants 2 and 3), like
person data and cases: every row names a person; they are read only through permits.queries,
scoped and logged."""
