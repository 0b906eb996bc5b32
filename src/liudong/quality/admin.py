# Candidates and merges change only through quality.services (invariant 1): nothing is registered
# in the admin.
