"""Person data is deliberately NOT in the Django admin (invariants 2 and 3, privacy).

The admin reads rows with the ORM directly: it knows nothing of division scope (a township sees
only its subtree), hides no sensitive field from roles that may not see it, and logs no read of a
person. Persons, residences, families, rental housing and employers are therefore opened only
through people.queries (scoped and audited) in the registry's own pages and API. Do not register
people models here; tests/accounts/test_admin.py checks that none is.
"""
