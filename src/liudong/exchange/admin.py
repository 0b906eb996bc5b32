"""Messages are deliberately NOT in the Django admin (invariants 2 and 3, privacy).

A message names a person (her name, ID number, birth date) and carries scans of her papers. The
admin reads rows with the ORM directly: it knows nothing of division scope and logs no read, so
messages and attachments are opened only through exchange.queries (scoped and audited) in the
exchange pages and API. Do not register exchange models here.
"""
