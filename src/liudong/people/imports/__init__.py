"""R1, R8: the people import, one package.

- `rows`: `import_people`, the service that checks and writes rows (persons and their residences);
- `files`: a .csv or .xlsx file read into those rows (`read_and_import`), the report by row number;
- `columns`: the columns of a file and of the template, and how a cell becomes a value;
- `template`: the .xlsx template staff download;
- `views`: the import page, its result and the template download (people/urls.py).

`liudong people import` (people/management/commands/people.py) and the page both go through
`read_and_import`; the demo and the benchmark call `import_people` directly.
"""
from .files import read_and_import
from .rows import import_people

__all__ = ["import_people", "read_and_import"]
