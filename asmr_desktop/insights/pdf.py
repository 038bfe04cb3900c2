"""A small PDF 1.4 writer: A4 pages with Helvetica text, lines, rectangles and polylines.

Enough for a printed report, with no dependency. Coordinates are in points (1/72 inch)
from the page's top-left corner, y growing downwards, the way a layout is thought about;
they are turned into PDF's bottom-left system when written. Text uses the standard
Helvetica fonts (every PDF reader has them) in WinAnsi encoding: characters outside
Windows-1252 print as "?".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from asmr_desktop.core.fileio import atomic_write_bytes

A4_WIDTH = 595.28
A4_HEIGHT = 841.89

# Advance widths (1/1000 em) of characters 32-126, from Adobe's Helvetica AFM files.
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 "
    "556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 "
    "556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 "
    "500 500 500 334 260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 "
    "611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 "
    "611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 "
    "556 556 500 389 280 389 584"
)
_WIDTHS = {
    False: [int(w) for w in _REGULAR.split()],
    True: [int(w) for w in _BOLD.split()],
}
_DEFAULT_WIDTH = 556  # accented letters are close to this

Colour = str  # "#rrggbb"


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in points at ``size``."""
    table = _WIDTHS[bold]
    total = 0
    for ch in text:
        code = ord(ch)
        total += table[code - 32] if 32 <= code <= 126 else _DEFAULT_WIDTH
    return total * size / 1000


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (a long word stays whole)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def _rgb(colour: Colour) -> str:
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"colours are #rrggbb, not {colour!r}")
    return " ".join(f"{int(value[i : i + 2], 16) / 255:.3f}" for i in (0, 2, 4))


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _literal(text: str) -> bytes:
    """A PDF string literal in WinAnsi (cp1252), with the three special bytes escaped."""
    raw = text.encode("cp1252", errors="replace")
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    raw = bytes(b if b >= 32 else 32 for b in raw)  # no control characters
    return b"(" + raw + b")"


def _info_string(text: str) -> bytes:
    return _literal(text)


class Page:
    """One A4 page; drawing calls add to its content stream."""

    def __init__(self, width: float = A4_WIDTH, height: float = A4_HEIGHT) -> None:
        self.width = width
        self.height = height
        self._ops: list[bytes] = []

    def _y(self, y: float) -> str:
        return _num(self.height - y)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 10,
        bold: bool = False,
        colour: Colour = "#000000",
        align: str = "left",
    ) -> float:
        """Text with its baseline at ``y``; ``align`` left, center or right of ``x``.
        Returns the width drawn."""
        width = text_width(text, size, bold)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        elif align != "left":
            raise ValueError(f"align is left, center or right, not {align!r}")
        font = "F2" if bold else "F1"
        self._ops.append(
            f"BT /{font} {_num(size)} Tf {_rgb(colour)} rg {_num(x)} {self._y(y)} Td ".encode()
            + _literal(text)
            + b" Tj ET"
        )
        return width

    def paragraph(
        self,
        x: float,
        y: float,
        text: str,
        width: float,
        *,
        size: float = 10,
        leading: float | None = None,
        bold: bool = False,
        colour: Colour = "#000000",
    ) -> float:
        """Wrapped text from baseline ``y``; returns the y below the last line."""
        step = leading or size * 1.35
        for line in wrap(text, width, size, bold):
            self.text(x, y, line, size=size, bold=bold, colour=colour)
            y += step
        return y

    def _stroke_style(self, colour: Colour, width: float, dash: Sequence[float] | None) -> str:
        pattern = " ".join(_num(d) for d in dash) if dash else ""
        return f"{_rgb(colour)} RG {_num(width)} w [{pattern}] 0 d"

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        colour: Colour = "#000000",
        width: float = 0.5,
        dash: Sequence[float] | None = None,
    ) -> None:
        self.polyline([(x1, y1), (x2, y2)], colour=colour, width=width, dash=dash)

    def polyline(
        self,
        points: Sequence[tuple[float, float]],
        *,
        colour: Colour = "#000000",
        width: float = 0.5,
        dash: Sequence[float] | None = None,
    ) -> None:
        if len(points) < 2:
            return
        path = [f"{_num(points[0][0])} {self._y(points[0][1])} m"]
        path += [f"{_num(x)} {self._y(y)} l" for x, y in points[1:]]
        style = self._stroke_style(colour, width, dash)
        self._ops.append(f"q {style} 1 J 1 j {' '.join(path)} S Q".encode())

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: Colour | None = None,
        stroke: Colour | None = None,
        width: float = 0.5,
    ) -> None:
        """A rectangle with its top-left corner at (x, y)."""
        if fill is None and stroke is None:
            return
        parts = ["q"]
        if fill is not None:
            parts.append(f"{_rgb(fill)} rg")
        if stroke is not None:
            parts.append(self._stroke_style(stroke, width, None))
        parts.append(f"{_num(x)} {self._y(y + h)} {_num(w)} {_num(h)} re")
        parts.append("B" if fill is not None and stroke is not None else "f" if fill else "S")
        parts.append("Q")
        self._ops.append(" ".join(parts).encode())

    def content(self) -> bytes:
        return b"\n".join(self._ops)


class Document:
    """Pages, then :meth:`to_bytes` or :meth:`save` (atomic, like every file the app writes)."""

    def __init__(self, title: str = "", created: datetime | None = None) -> None:
        self.title = title
        self.created = created or datetime.now(UTC)
        self.pages: list[Page] = []

    def new_page(self) -> Page:
        page = Page()
        self.pages.append(page)
        return page

    def to_bytes(self) -> bytes:
        pages = self.pages or [Page()]
        # Objects: 1 catalog, 2 page tree, 3-4 fonts, 5 info, then a page and its contents each.
        first_page = 6
        page_ids = [first_page + 2 * i for i in range(len(pages))]
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids ["
            + b" ".join(f"{i} 0 R".encode() for i in page_ids)
            + f"] /Count {len(pages)} >>".encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
            b"/Encoding /WinAnsiEncoding >>",
            b"<< /Title "
            + _info_string(self.title)
            + b" /Producer (ASMR Desktop) /CreationDate "
            + _info_string(self.created.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ"))
            + b" >>",
        ]
        for page, page_id in zip(pages, page_ids, strict=True):
            stream = page.content()
            objects.append(
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_num(page.width)} "
                f"{_num(page.height)}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
                f"/Contents {page_id + 1} 0 R >>".encode()
            )
            objects.append(
                f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
            )
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        for offset in offsets:
            out += f"{offset:010d} 00000 n \n".encode()
        out += (
            f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 5 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n"
        ).encode()
        return bytes(out)

    def save(self, path: Path) -> None:
        atomic_write_bytes(path, self.to_bytes())
