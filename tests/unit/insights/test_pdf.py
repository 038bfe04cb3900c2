"""The PDF writer: a valid file structure, text that round-trips, widths from the AFM."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from asmr_desktop.insights.pdf import A4_HEIGHT, Document, text_width, wrap

POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdftoppm") is not None


def _objects(data: bytes) -> dict[int, bytes]:
    return {
        int(m.group(1)): m.group(2)
        for m in re.finditer(rb"(\d+) 0 obj\n(.*?)\nendobj\n", data, re.DOTALL)
    }


def sample() -> Document:
    doc = Document("A (test)", datetime(2026, 3, 1, 12, tzinfo=UTC))
    page = doc.new_page()
    page.text(50, 60, "Pain (0-10) \\ café \u2013 ok", size=14, bold=True)
    page.rect(50, 80, 100, 40, fill="#c9ddd6", stroke="#3f6f62")
    page.polyline([(50, 200), (100, 150), (150, 210)], colour="#3f6f62", width=2)
    page.line(50, 300, 200, 300, dash=[3, 2])
    doc.new_page().text(50, 60, "second page")
    return doc


def test_structure_and_xref() -> None:
    data = sample().to_bytes()
    assert data.startswith(b"%PDF-1.4\n")
    assert data.endswith(b"%%EOF\n")
    objects = _objects(data)
    assert b"/Count 2" in objects[2]
    assert b"/BaseFont /Helvetica " in objects[3] and b"Helvetica-Bold" in objects[4]
    # Every xref entry points exactly at its object.
    start = int(re.search(rb"startxref\n(\d+)", data).group(1))  # type: ignore[union-attr]
    table = data[start:].split(b"\n")
    assert table[0] == b"xref"
    count = int(table[1].split()[1])
    assert count == len(objects) + 1
    for number in range(1, count):
        offset = int(table[2 + number][:10])
        assert data[offset:].startswith(f"{number} 0 obj".encode())
    # Stream lengths are right.
    for body in objects.values():
        m = re.match(rb"<< /Length (\d+) >>\nstream\n(.*)\nendstream", body, re.DOTALL)
        if m:
            assert int(m.group(1)) == len(m.group(2))


def test_text_is_escaped_and_in_winansi() -> None:
    content = sample().pages[0].content()
    assert b"(Pain \\(0-10\\) \\\\ caf\xe9 \x96 ok) Tj" in content
    assert b"/F2 14 Tf" in content
    # y runs down the page in the API, up in the file.
    assert f"50 {A4_HEIGHT - 60:.2f}".rstrip("0").encode() in content
    odd = Document()
    odd.new_page().text(0, 10, "日本\tx")
    assert b"(?? x) Tj" in odd.pages[0].content()


def test_widths_and_wrapping() -> None:
    # Helvetica AFM: H 722, e 556, l 222, o 556 -> 2278 / 1000 em.
    assert text_width("Hello", 10) == pytest.approx(22.78)
    assert text_width("Hello", 10, bold=True) == pytest.approx((722 + 556 + 278 * 2 + 611) / 100)
    lines = wrap("one two three four five six", text_width("one two three", 10) + 0.1, 10)
    assert lines == ["one two three", "four five six"]
    assert wrap("averyveryverylongword", 5, 10) == ["averyveryverylongword"]


def test_bad_arguments() -> None:
    page = Document().new_page()
    with pytest.raises(ValueError):
        page.text(0, 0, "x", align="middle")
    with pytest.raises(ValueError):
        page.line(0, 0, 1, 1, colour="red")


def test_save_is_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    sample().save(out)
    assert out.read_bytes() == sample().to_bytes()
    assert out.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_poppler_reads_it(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    sample().save(out)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, check=True, text=True
    )
    assert text.stderr == ""
    assert "Pain (0-10) \\ café \u2013 ok" in text.stdout
    assert "second page" in text.stdout
    png = subprocess.run(
        ["pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
        capture_output=True,
        check=True,
    )
    assert png.stderr == b""
    assert (tmp_path / "p-1.png").read_bytes().startswith(b"\x89PNG")
