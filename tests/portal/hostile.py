"""Hostile values and a small HTML form reader, for the hostile-input tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import strategies as st

# A marker that must never come back unescaped: if it does, the page runs our script.
SCRIPT_MARKER = "<script>hostile_9f2c()</script>"

NASTY_STRINGS = [
    "",
    " ",
    SCRIPT_MARKER,
    '"><img src=x onerror=hostile_9f2c()>',
    "'; DROP TABLE portal_user; --",
    "1 OR 1=1",
    "{{ 7*7 }}{% debug %}",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "😢🕯️💔" * 50,
    "مرحبا שלום 你好 Привет",
    "x" * 100_000,
    "-1",
    "-999999999999999999999",
    "1e309",
    "NaN",
    "0",
    "99999999999999999999999999",
    "3.14159",
    "0000-00-00",
    "9999-12-31",
    "2026-02-30",
    "1900-01-01",
    "2026-13-01",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    "../../../../etc/passwd",
    "file:///etc/passwd",
    "javascript:hostile_9f2c()",
    "a@b",
    "@@@@",
    "\r\nBcc: victim@example.com",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@dataclass
class FormSpec:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[FormSpec] = []
        self._current: FormSpec | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = FormSpec(
                action=attrs.get("action") or "", method=(attrs.get("method") or "get").lower()
            )
            self.forms.append(self._current)
        elif self._current is None:
            return
        elif tag in ("input", "textarea") and attrs.get("name"):
            if attrs.get("type") in ("submit", "button", "image", "reset"):
                self._current.fields.setdefault(attrs["name"], []).append(attrs.get("value") or "")
                return
            self._current.fields.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._current.fields.setdefault(self._select, [])
        elif tag == "option" and self._select:
            self._current.fields[self._select].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def post_forms(html: str) -> list[FormSpec]:
    """Every POST form on a page, with its field names and the values it offers."""
    reader = _FormReader()
    reader.feed(html)
    return [form for form in reader.forms if form.method == "post"]
