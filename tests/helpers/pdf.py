"""Reading the app's PDFs back as a person's PDF reader would: poppler's pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "pdfinfo", "qpdf"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils or qpdf not installed")
#: pdftotext wraps each right-to-left run in RLE ... PDF (U+202B, U+202C) and each
#: left-to-right run inside right-to-left text in LRE ... PDF: marks, not text.
DIRECTION_MARKS = "\u202a\u202b\u202c"


def pdf_text(source: Path | bytes, *, first: int | None = None, last: int | None = None) -> str:
    """The text pdftotext finds, in reading order; fails on any message on stderr."""
    args = ["pdftotext"]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    if isinstance(source, bytes):
        done = subprocess.run([*args, "-", "-"], input=source, capture_output=True, check=True)
    else:
        done = subprocess.run([*args, str(source), "-"], capture_output=True, check=True)
    assert done.stderr == b"", done.stderr
    return done.stdout.decode("utf-8")


def without_marks(text: str) -> str:
    return text.translate({ord(c): None for c in DIRECTION_MARKS})
