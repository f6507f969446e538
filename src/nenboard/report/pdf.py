"""PDF from the same HTML, with WeasyPrint (needs Debian's Pango; see .ci/run)."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise RuntimeError(f"PDF output needs WeasyPrint and Pango ({exc}); install "
                           "nenboard[pdf] and Debian's libpango-1.0-0") from None
    return HTML(string=html).write_pdf()
