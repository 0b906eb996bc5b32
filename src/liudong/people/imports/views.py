"""R1, R8: what the import page is made of, and the template download.

The page itself (/people/import/ and its result) is liudong.quality.views_imports since issue 15
part 4 (a saved column mapping per source, the matching, the import batch: quality sits above
people). It takes both REGISTER_PERSON and RECORD_RESIDENCE (what `imports.rows.import_people`
requires; `import_view`), the upload form with its size limit (`ImportForm`, `_SizeLimit`), and
keeps the report in the session (`store_result`, `load_result`) so that reloading the result page
does not import the file again.
"""
import base64
import json
import re
import zlib
from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from liudong.accounts.choices import Action
from liudong.accounts.forms import ServiceForm
from liudong.accounts.views_support import staff_view
from liudong.clock import today
from liudong.content_types import XLSX_TYPE, content_disposition

from . import files, template

SESSION_KEY = "liudong.people.import"
BAD_ROWS_PER_PAGE = 50
ROW_PREFIX = re.compile(r"^(第\d+行 |row \d+ )")  # the table has a row-number column


def import_view(view):
    """Logged in, with both actions the import needs (else 403)."""

    @staff_view(Action.REGISTER_PERSON)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.can(Action.RECORD_RESIDENCE):
            raise PermissionDenied("角色无权执行此操作 / your role may not do this")
        return view(request, *args, **kwargs)

    return wrapper


class _SizeLimit(FileUploadHandler):
    """Drops an uploaded file once it passes the limit: the rest of it is read past and thrown
    away, not kept in memory or spooled to disk, and the form then says it was too large."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_big = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


class ImportForm(ServiceForm):
    required = ("file",)  # the star; the check is clean_file's, which names an oversized file
    file = forms.FileField(label=_("File (.xlsx or .csv)"), required=False, allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
                           help_text=_("Row 1 holds the column names; data start at row 2."))
    good_rows_only = forms.BooleanField(label=_("Import the good rows only"), required=False,
                                        help_text=_("Unticked, a single bad row stops the whole file and nothing is imported."))

    def __init__(self, *args, too_big=False, max_bytes=files.MAX_FILE_BYTES, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.max_bytes = max_bytes  # a page that hands long files to a background job takes more

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if self.too_big or (f is not None and f.size > self.max_bytes):
            raise forms.ValidationError(files.too_big_message(self.max_bytes))
        if f is None:
            raise forms.ValidationError(_("Choose a file to import."))
        return f


def store_result(request, result: files.FileImport):
    # Compressed: up to a thousand messages, which repeat a lot, and a session row is rewritten
    # on every request.
    packed = zlib.compress(json.dumps(result.to_dict(), ensure_ascii=False, default=str).encode())
    request.session[SESSION_KEY] = base64.b64encode(packed).decode("ascii")


def load_result(request) -> files.FileImport | None:
    packed = request.session.get(SESSION_KEY)
    if not packed:
        return None
    try:
        return files.FileImport.from_dict(json.loads(zlib.decompress(base64.b64decode(packed))))
    except (ValueError, TypeError, KeyError, zlib.error):
        return None


@import_view
@require_safe
def import_template_xlsx(request):
    data = template.build_template(actor=request.user, today=today())
    response = HttpResponse(data, content_type=XLSX_TYPE)
    ascii_name, name = template.FILE_NAME
    response["Content-Disposition"] = content_disposition(name, ascii_name)
    return response
