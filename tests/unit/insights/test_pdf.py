"""The PDF writer: a valid file structure, embedded font subsets, text in every script that
pdftotext gives back exactly, pages that render."""

from __future__ import annotations

import re
import subprocess
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from asmr_desktop.insights.fonts import MARKER, SYSTEM_DIRS, FontError, Typesetter
from asmr_desktop.insights.pdf import A4_HEIGHT, Document
from tests.helpers.pdf import needs_poppler, pdf_text, without_marks
from tests.unit.insights.reportdata import NOTES


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


def scripts() -> Document:
    """One line per script, each note as typed."""
    doc = Document("Ünïcødé ✓")
    page = doc.new_page()
    for i, note in enumerate(NOTES.values()):
        page.text(50, 60 + 30 * i, note, size=12)
    return doc


def test_structure_and_xref() -> None:
    data = sample().to_bytes()
    assert data.startswith(b"%PDF-1.4\n")
    assert data.endswith(b"%%EOF\n")
    objects = _objects(data)
    assert b"/Count 2" in objects[2]
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
        m = re.match(rb"<< (?:.*?)/Length (\d+) >>\nstream\n(.*)\nendstream", body, re.DOTALL)
        if m:
            assert int(m.group(1)) == len(m.group(2))


def test_fonts_are_embedded_subsets_with_a_unicode_map() -> None:
    data = sample().to_bytes()
    objects = list(_objects(data).values())
    type0 = [o for o in objects if b"/Subtype /Type0" in o]
    assert len(type0) == 2  # DejaVu Sans and DejaVu Sans Bold: no other font was needed
    assert all(b"/Encoding /Identity-H" in o and b"/ToUnicode" in o for o in type0)
    assert any(re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans-Bold ", o) for o in type0)
    assert sum(b"/Subtype /CIDFontType2" in o for o in objects) == 2
    assert b"/Helvetica" not in data and b"WinAnsi" not in data
    files = [o for o in objects if b"/Length1" in o]
    assert len(files) == 2
    for body in files:
        raw = body.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
        font = zlib.decompress(raw)
        assert font[:4] == b"\x00\x01\x00\x00"  # TrueType
        assert len(font) < 40_000  # a subset: the whole file is 760 kB
    # The content stream shows CIDs in hex, never the text itself.
    content = sample().pages[0].content()
    assert b"caf" not in content and re.search(rb"/F\d 14 Tf <[0-9A-F]+> Tj", content)
    assert f"50 {A4_HEIGHT - 60:.2f}".rstrip("0").encode() in content  # y runs up in the file


def test_widths_are_the_fonts_own_and_wrapping() -> None:
    fonts = Typesetter()
    # DejaVu Sans advances (2048 units per em): H 1540, e 1260, l 569, o 1253.
    assert fonts.width("Hello", 10) == pytest.approx((1540 + 1260 + 569 * 2 + 1253) / 204.8)
    assert fonts.width("Hello", 10, bold=True) == pytest.approx(
        (1714 + 1389 + 702 * 2 + 1407) / 204.8
    )
    lines = fonts.wrap("one two three four five six", fonts.width("one two three", 10) + 0.1, 10)
    assert lines == ["one two three", "four five six"]
    assert fonts.wrap("averyveryverylongword", 5, 10) == ["averyveryverylongword"]
    assert fonts.wrap("a\n\nb", 100, 10) == ["a", "", "b"]


def test_bad_arguments() -> None:
    page = Document().new_page()
    with pytest.raises(ValueError):
        page.text(0, 0, "x", align="middle")
    with pytest.raises(ValueError):
        page.line(0, 0, 1, 1, colour="red")


def test_save_is_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    sample().save(out)
    assert out.read_bytes() == sample().to_bytes()  # the same input, the same bytes
    assert out.stat().st_mode & 0o777 == 0o600


def test_the_same_document_is_the_same_bytes_whatever_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The embedded font carried the time of saving (fontTools stamps head.modified), so a
    report saved a second later differed: failed once in CI, between the two writes above."""
    from fontTools.misc import timeTools

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = sample().to_bytes()
    later = timeTools.time.time() + 3600.0
    monkeypatch.setattr(timeTools.time, "time", lambda: later)
    assert sample().to_bytes() == first


def test_no_fonts_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FontError, match=r"DejaVuSans\.ttf .*fonts-dejavu-core"):
        Typesetter([tmp_path])


@needs_poppler
def test_poppler_reads_it(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    sample().save(out)
    text = pdf_text(out)
    assert "Pain (0-10) \\ café \u2013 ok" in text.splitlines()
    assert "second page" in text
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, check=True, text=True)
    assert "Title:           A (test)" in info.stdout and "Pages:           2" in info.stdout
    title = subprocess.run(
        ["pdfinfo", "-enc", "UTF-8", "-"], input=scripts().to_bytes(), capture_output=True
    )
    assert "Ünïcødé ✓" in title.stdout.decode()


@needs_poppler
@pytest.mark.parametrize("script", list(NOTES))
def test_each_script_comes_back_exactly(script: str) -> None:
    """pdftotext returns the exact text typed; right-to-left text in logical order, inside
    the direction marks pdftotext adds around every right-to-left run."""
    note = NOTES[script]
    doc = Document()
    doc.new_page().text(50, 60, note, size=12)
    out = pdf_text(doc.to_bytes()).splitlines()[0]
    if script in ("hebrew", "arabic"):
        assert out == "\u202b" + note + "\u202c"
    assert without_marks(out) == note
    assert not doc.fonts.missing  # every character had a glyph


@needs_poppler
def test_combining_accents_and_ligatures_keep_their_text() -> None:
    decomposed = "Cafe\u0301 nai\u0308ve"  # e + combining acute: drawn as é, copied as typed
    ligature = "لا"  # lam-alef: one glyph for two letters
    marks = "שָׁלוֹם"  # Hebrew with points
    doc = Document()
    page = doc.new_page()
    for i, text in enumerate((decomposed, ligature, marks)):
        page.text(50, 60 + 30 * i, text, size=12)
    lines = [without_marks(line) for line in pdf_text(doc.to_bytes()).splitlines()]
    assert lines[:3] == [decomposed, ligature, marks]


@needs_poppler
def test_a_character_no_font_has_is_marked(tmp_path: Path) -> None:
    """Without the CJK font (a source tree without fonts-droid-fallback): the marker, once per
    stretch, never a wrong glyph."""
    fonts = Typesetter([d for d in SYSTEM_DIRS if "droid" not in str(d)])
    doc = Document(fonts=fonts)
    doc.new_page().text(50, 60, "Kopf 头痛 heute", size=12)
    assert pdf_text(doc.to_bytes()).splitlines()[0] == f"Kopf {MARKER} heute"
    assert fonts.missing == {"头", "痛"}


@needs_poppler
def test_pages_render_and_stay_valid(tmp_path: Path) -> None:
    out = tmp_path / "scripts.pdf"
    scripts().save(out)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-gray", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
        capture_output=True,
        check=True,
    )
    pgm = (tmp_path / "p-1.pgm").read_bytes()
    header, pixels = _pgm(pgm)
    width, _height = header
    # Each line of text is drawn: dark pixels in every line's band (30 pt = ~21 px apart).
    for i in range(len(NOTES)):
        band_top = round((60 + 30 * i - 12) * 50 / 72)
        band = pixels[band_top * width : (band_top + 14) * width]
        assert min(band) < 100, f"line {i} is blank"
    assert min(pixels[: round(40 * 50 / 72) * width]) > 250  # nothing above the first line
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout


def _pgm(data: bytes) -> tuple[tuple[int, int], bytes]:
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5" and parts[3] == b"255"
    return (int(parts[1]), int(parts[2])), parts[4]
