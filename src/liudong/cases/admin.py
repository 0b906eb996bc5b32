"""Cases are deliberately NOT in the Django admin (invariants 2 and 3, privacy), like person data
(see people/admin.py): every case names a woman, her husband or a party, with ID numbers and
childbearing facts. The admin reads rows with the ORM, outside any division scope and without
logging the read; cases are opened only through cases.queries, in the case pages and the API."""
