"""The media types of the files Liudong serves (shared kernel: imports no app)."""

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
