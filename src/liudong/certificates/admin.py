"""Certificates are read in the pages and the API, never edited in the admin (C3, C5: history, not
overwrites); the admin lists nothing of them."""
