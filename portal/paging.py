"""Pages of staff lists that grow with the practice, read without counting the list.

A list ordered by a unique, indexed key can also be paged by that key (see
intake.review_selectors.review_queue_page): "Next" carries the last row's key, and the
database seeks to it in the index instead of reading and dropping every earlier row (OFFSET).

Django's Paginator asks the database for COUNT(*) over every matching row on each page, which
costs the whole list (on PostgreSQL at 100,000 intakes, most of a queue page's time). A
window page reads one row more than it shows instead: that row says whether there is a next
page, and the total is known exactly only on the last page (where it is simply how far the
list went).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

# Deeper than anyone pages by hand; a larger number (or anything that is not a plain number)
# shows the first page rather than asking the database to skip millions of rows.
MAX_PAGE = 10_000


def page_number(value: object) -> int:
    """The page asked for in a query string: a positive ASCII number up to MAX_PAGE, else 1."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    number = int(text)
    return number if 1 <= number <= MAX_PAGE else 1


@dataclass(frozen=True)
class WindowPage:
    """One page of a list, with what the template's pagination needs (no page count)."""

    object_list: list
    number: int
    size: int
    has_next: bool
    # Key paging (a list read by seeking on its sort key): the keys of the first and last
    # rows, for the links to the previous and next pages; empty for a page read by number.
    first_key: str = ""
    last_key: str = ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def showing(self, rows: list) -> WindowPage:
        """The same page showing `rows` (what was read for the ids this page found)."""
        return replace(self, object_list=list(rows))

    def keyed(self, *, first_key: str, last_key: str) -> WindowPage:
        """The same page, with the keys of its first and last rows for the pagination links."""
        return replace(self, first_key=first_key, last_key=last_key)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.object_list)

    @property
    def total(self) -> int | None:
        """How many rows the list has, when this page is its last; None while there are more."""
        return None if self.has_next else self.end_index


def window_page(rows: Sequence, *, number: object, size: int) -> WindowPage:
    """The page `number` (as given in the query string) of `rows` (a queryset, ordered), in
    one query of at most size + 1 rows. A page past the end shows the first page, as a
    number that makes no sense does."""
    wanted = page_number(number)
    offset = (wanted - 1) * size
    fetched = list(rows[offset : offset + size + 1])
    if not fetched and wanted > 1:
        return window_page(rows, number=1, size=size)
    return WindowPage(object_list=fetched[:size], number=wanted, size=size, has_next=len(fetched) > size)
