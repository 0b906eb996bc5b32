"""Shared helpers of the exchange tests: moments in Beijing time and tiny valid scans."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def at(day: str, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour, minute)))


def upload(name, data, content_type):
    return SimpleUploadedFile(name, data, content_type=content_type)
