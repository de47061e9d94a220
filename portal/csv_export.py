"""The one way the portal writes CSV: every cell defused against spreadsheet formulas.

Spreadsheet programs run a cell as a formula when it starts with = + - @ (and, in some, after
a leading tab or carriage return, or with the full-width forms of those signs). Client and
staff email addresses, free text and paths all reach these files, and `=2+5@evil.example` is
a valid address, so no column is trusted: each cell that could start a formula is prefixed
with an apostrophe, which spreadsheets show as text and do not display.
"""

import csv
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> str:
    """A value as text that no spreadsheet will run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Each row as one line of CSV, for a streaming response."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])
