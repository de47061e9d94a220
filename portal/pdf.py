"""Rendering PDFs with WeasyPrint without letting a document reach anything else.

By default WeasyPrint fetches every URL a document names: http(s), file:// (so
``<img src="file:///etc/passwd">`` or ``<link rel="attachment" href="file:///...">`` would
read or embed local files) and data: URLs. Client text is escaped by the templates, but the
renderer is the last line: it may read the project's own static files and nothing else.

The house stylesheet (static/css/pdf.css) is not linked from the templates: render_pdf applies
it, parsed once per process (parsing it and compiling its selectors was about 5% of a render).
"""

import functools
import ssl
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

REFUSED = "refused: only the portal's own static files may be used in a PDF"
STYLESHEET = "css/pdf.css"


def static_roots() -> tuple[Path, ...]:
    return tuple(Path(p).resolve() for p in settings.STATICFILES_DIRS)


def static_base_url() -> str:
    """The base URL documents resolve relative links against: the first static folder."""
    return static_roots()[0].as_uri() + "/"


class StaticOnlyURLFetcher(URLFetcher):
    """Serve file:// URLs that resolve inside the static folders; refuse everything else."""

    def __init__(self, **kwargs):
        # A bare TLS context: https is refused anyway, and the default one loads the system CA
        # bundle on every render (about 20-40 ms, as long as a one-page PDF takes to lay out).
        kwargs.setdefault("ssl_context", ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, **kwargs)
        self.roots = static_roots()
        self.refused: list[str] = []

    def _static_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
            return path
        return None

    def fetch(self, url, headers=None):
        path = self._static_path(url)
        if path is None:
            self.refused.append(url[:200])
            raise ValueError(REFUSED)
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), _content_type(path))


def _content_type(path: Path) -> dict[str, str]:
    types = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".woff2": "font/woff2"}
    return {"Content-Type": types.get(path.suffix.lower(), "application/octet-stream")}


@functools.cache
def pdf_stylesheet() -> CSS:
    """The house PDF stylesheet, parsed once per process. It is layout only (no clinical
    content), and nothing in it is fetched: it has no url() and no @import."""
    return CSS(url=static_base_url() + STYLESHEET, url_fetcher=StaticOnlyURLFetcher())


def render_pdf(html: str, *, fetcher: StaticOnlyURLFetcher | None = None) -> bytes:
    """Render trusted template output to PDF bytes with the house stylesheet; only static
    files may be fetched."""
    fetcher = fetcher or StaticOnlyURLFetcher()
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[pdf_stylesheet()])
