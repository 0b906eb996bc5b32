"""Size limits that the settings, the services and the API share, so that they agree (issue 7, item
4: the API documented 2 MB scans but a 2 MiB request limit stopped a base64 body at about 1.55 MB).

Kernel: imports nothing, so that settings.py can derive the request limit from it.
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
