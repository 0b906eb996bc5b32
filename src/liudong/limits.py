"""Size limits that the settings, the services and the API share, so that they agree (issue 7, item
4: the API documented 2 MB scans but a 2 MiB request limit stopped a base64 body at about 1.55 MB).

Also the one rate-limit helper of the pages anyone may open (`hit`, issue 13 item 4), on Django's
shared cache.

Kernel: imports nothing at module level (Django's cache and database only inside the functions),
so that settings.py can derive the request limit from it.
"""
ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024  # one scan, decoded ("2 MB")
MAX_ATTACHMENTS = 10                    # scans sent with one message through the API

# A scan travels in JSON as base64 (4 characters for every 3 bytes); a sender may break the text
# into MIME lines (CRLF every 76 characters); its name (200 characters, up to 6 bytes each when
# escaped), type and keys take little more.
ATTACHMENT_JSON_OVERHEAD = 4 * 1024
# Everything else a message carries: the text (20,000 characters, up to 6 bytes each escaped),
# subject, evidence, channel and dates.
MESSAGE_FIELDS_BYTES = 1024 * 1024


def base64_length(size: int) -> int:
    return 4 * ((size + 2) // 3)


def attachment_json_bytes() -> int:
    """The most one full-size scan takes in a JSON body."""
    text = base64_length(ATTACHMENT_MAX_BYTES)
    return text + 2 * (text // 76) + ATTACHMENT_JSON_OVERHEAD


# The largest body the API documents as valid: a message with MAX_ATTACHMENTS full-size scans
# (about 28.4 MiB). LIUDONG_MAX_REQUEST_BYTES may raise it, never lower it (settings.py).
REQUEST_MAX_BYTES = MAX_ATTACHMENTS * attachment_json_bytes() + MESSAGE_FIELDS_BYTES


# ---------------------------------------------------------------- rate limits (issue 13, item 4)
# A page anyone may open (the QR code's check page of a certificate or a residence permit) counts
# the looks of each client address in fixed one-minute windows. The counters live in Django's cache
# on a backend that every process shares (settings.CACHES: a database table on the embedded
# default, Redis in production), so the limit holds however many server processes or threads
# answer: a per-process memory cache gave each process its own allowance. Expired windows go
# by themselves (the cache's timeout), so nothing grows without bound.
RATE_WINDOW_SECONDS = 60


def _lock_key(key: str) -> int:
    """A signed 64-bit number for PostgreSQL's advisory lock on `key` (stable across processes)."""
    import hashlib

    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def hit(scope: str, address: str, *, limit: int, moment) -> bool:
    """Count one look of `address` at `scope` in the minute of `moment` (the edge's clock reading);
    True while the looks of that minute are at most `limit`.

    Redis increments atomically. The database cache reads and writes in two statements, so the
    two run in one transaction that serialises them: on SQLite the transaction takes the write
    lock at its start (settings: immediate transactions); on PostgreSQL an advisory lock on the
    counter's key is held to its end. Either way two simultaneous looks never count as one."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connections, router, transaction

    cache = caches["default"]
    window = int(moment.timestamp()) // RATE_WINDOW_SECONDS
    key = f"limit:{scope}:{address}:{window}"
    timeout = 2 * RATE_WINDOW_SECONDS
    if not isinstance(cache, DatabaseCache):
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key) <= limit
        except ValueError:  # expired between the two calls: this look opens a new count
            cache.set(key, 1, timeout=timeout)
            return 1 <= limit
    alias = router.db_for_write(cache.cache_model_class)
    with transaction.atomic(using=alias):
        connection = connections[alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s::bigint)", [_lock_key(key)])
        count = (cache.get(key) or 0) + 1
        cache.set(key, count, timeout=timeout)
    return count <= limit


def create_cache_table(*, using: str = "default", **_) -> None:
    """`migrate` ends by creating the database cache's table when settings.CACHES names one
    (post_migrate, connected in accounts/apps.py; createcachetable skips a table that exists)."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("db.DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)
