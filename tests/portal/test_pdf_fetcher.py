"""The PDF renderer reads the portal's own static files and nothing else."""

import io

import pytest
from pypdf import PdfReader

from portal.pdf import StaticOnlyURLFetcher, pdf_stylesheet, render_pdf, static_base_url

HOSTILE = """<!DOCTYPE html><html><head>
<link rel="stylesheet" href="css/portal.css">
<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">
<link rel="attachment" href="file:///etc/passwd">
<style>body { background: url("file:///etc/hostname"); }</style>
</head><body>
<p>Client text: &lt;script&gt;alert(1)&lt;/script&gt;</p>
<img src="file:///etc/passwd">
<img src="../portal/settings/base.py">
<img src="https://example.org/pixel.png">
<img src="data:image/svg+xml;base64,PHN2Zy8+">
</body></html>"""


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_hostile_document_renders_without_reading_local_files():
    fetcher = StaticOnlyURLFetcher()

    pdf = render_pdf(HOSTILE, fetcher=fetcher)

    assert pdf.startswith(b"%PDF")
    assert b"root:x:0:0" not in pdf
    assert "<script>alert(1)</script>" in _text(pdf)
    assert not PdfReader(io.BytesIO(pdf)).attachments


def test_every_url_outside_static_is_refused():
    fetcher = StaticOnlyURLFetcher()

    render_pdf(HOSTILE, fetcher=fetcher)

    refused = " ".join(fetcher.refused)
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/evil.css",
        "file:///etc/hostname",
        "https://example.org/pixel.png",
        "data:image/svg+xml",
        "portal/settings/base.py",
    ):
        assert url in refused, url


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.org/x.css",
        "data:text/css,body{}",
        "ftp://example.org/x",
        "file://evil-host/etc/passwd",
    ],
)
def test_fetcher_refuses(url):
    with pytest.raises(ValueError, match="refused"):
        StaticOnlyURLFetcher().fetch(url)


def test_fetcher_refuses_a_path_that_climbs_out_of_static():
    with pytest.raises(ValueError, match="refused"):
        StaticOnlyURLFetcher().fetch(static_base_url() + "../portal/settings/base.py")


def test_fetcher_serves_a_static_stylesheet():
    response = StaticOnlyURLFetcher().fetch(static_base_url() + "css/portal.css")

    assert b"--accent" in response.read()
    assert response.content_type == "text/css"


def test_fetcher_does_not_load_the_system_certificates():
    # Loading the CA bundle took as long as a one-page PDF; https is refused anyway.
    fetcher = StaticOnlyURLFetcher()

    https = next(h for h in fetcher.handlers if h.__class__.__name__ == "HTTPSHandler")
    assert https._context.cert_store_stats()["x509_ca"] == 0


def test_render_pdf_applies_the_house_stylesheet_without_a_link():
    pdf = render_pdf("<!DOCTYPE html><html><body><p>Plain</p></body></html>")

    # pdf.css sets US Letter (612 x 792 pt); WeasyPrint's default page is A4.
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_house_stylesheet_is_parsed_once_per_process():
    assert pdf_stylesheet() is pdf_stylesheet()
