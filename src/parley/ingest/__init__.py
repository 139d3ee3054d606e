"""Reading the lists people send: CSV/TSV and XLSX files into canonical person records.

No database here: services store what this package reads. The public surface:

- :func:`read_list` reads a whole file (``parley link`` and tests use it);
- :func:`open_list` streams a file's rows (the importer uses it);
- :class:`ReadResult`, :class:`ListReader`, :class:`QuarantinedRow`, :class:`Problem`,
  :class:`SkippedRow`, :class:`Column`: what they return;
- :func:`parse_mapping` turns ``--map COLUMN=field`` options into a mapping;
- :func:`field_for_header` says which canonical field a header names;
- :func:`write_table` writes rows to CSV or XLSX with formula injection neutralised.
"""

from parley.domain.records import RecordInput
from parley.ingest.headers import Column, field_for_header, parse_mapping
from parley.ingest.reader import ListReader, ReadResult, SkippedRow, open_list, read_list
from parley.ingest.validate import Problem, QuarantinedRow

__all__ = [
    "Column",
    "ListReader",
    "Problem",
    "QuarantinedRow",
    "ReadResult",
    "RecordInput",
    "SkippedRow",
    "field_for_header",
    "open_list",
    "parse_mapping",
    "read_list",
]
