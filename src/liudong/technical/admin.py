"""Technical services are deliberately NOT in the Django admin (invariants 2 and 3, privacy): a
check, a report slip or a distribution names a woman and her contraception. The admin reads rows
with the ORM, outside any division scope and without logging the read; they are opened only
through technical.queries, in the service pages and the API."""
