"""The media types of the files Liudong serves, and the Content-Disposition header that carries a
Chinese file name (RFC 6266 with an RFC 5987 filename*, and an ASCII fallback for clients that
read only filename), and the response that serves such a file. Shared kernel: imports no app."""
from urllib.parse import quote

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


def content_disposition(name: str, ascii_name: str | None = None, *, inline: bool = False) -> str:
    kind = "inline" if inline else "attachment"
    fallback = f"; filename=\"{ascii_name}\"" if ascii_name else ""
    return f"{kind}{fallback}; filename*=UTF-8''{quote(name, safe='')}"



def download(data: bytes, content_type: str, disposition: str) -> HttpResponse:
    """A file as a response, named by `disposition`; a file about persons is never kept in a
    shared cache (no-store)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    return response


def decoded(data: bytes, encodings) -> str | None:
    """The text of an uploaded file in the first of `encodings` that reads it; None when none does."""
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
