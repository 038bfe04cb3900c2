"""A small PDF 1.4 writer: A4 pages with text in any script, lines, rectangles and polylines.

Enough for a printed report. Coordinates are in points (1/72 inch) from the page's
top-left corner, y growing downwards, the way a layout is thought about; they are turned
into PDF's bottom-left system when written. Text is set by :class:`fonts.Typesetter`:
subsets of embedded TrueType fonts (CIDFontType2, Identity-H) with a ToUnicode map, so
every script prints and a reader copies back exactly what was typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from asmr_desktop.core.fileio import atomic_write_bytes
from asmr_desktop.insights.fonts import Typesetter, pdf_objects
from asmr_desktop.insights.fonts import pdf_number as _num

A4_WIDTH = 595.28
A4_HEIGHT = 841.89

Colour = str  # "#rrggbb"


def _rgb(colour: Colour) -> str:
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"colours are #rrggbb, not {colour!r}")
    return " ".join(f"{int(value[i : i + 2], 16) / 255:.3f}" for i in (0, 2, 4))


def _info_string(text: str) -> bytes:
    """A PDF text string: a literal when plain ASCII, else UTF-16BE with its byte-order mark."""
    if text.isascii() and text.isprintable():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})".encode("ascii")
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


class Page:
    """One A4 page; drawing calls add to its content stream."""

    def __init__(
        self, fonts: Typesetter, width: float = A4_WIDTH, height: float = A4_HEIGHT
    ) -> None:
        self.fonts = fonts
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
        base: int | None = None,
    ) -> float:
        """Text with its baseline at ``y``; ``align`` left, center or right of ``x``;
        ``base`` the paragraph's direction (0 left to right, 1 right to left; None: from
        its first letter). Returns the width drawn."""
        runs, em = self.fonts.layout(text, bold, base)
        width = em * size / 1000
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        elif align != "left":
            raise ValueError(f"align is left, center or right, not {align!r}")
        if not runs:
            return width
        ops = [f"BT {_rgb(colour)} rg {_num(x)} {self._y(y)} Td"]
        for run in runs:
            cids = "".join(f"{cid:04X}" for cid in run.cids)
            ops.append(f"/{run.font.resource} {_num(size)} Tf <{cids}> Tj")
        ops.append("ET")
        self._ops.append(" ".join(ops).encode("ascii"))
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
        for line in self.fonts.wrap(text, width, size, bold):
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

    def __init__(
        self, title: str = "", created: datetime | None = None, fonts: Typesetter | None = None
    ) -> None:
        self.title = title
        self.created = created or datetime.now(UTC)
        self.fonts = fonts or Typesetter()
        self.pages: list[Page] = []

    def new_page(self) -> Page:
        page = Page(self.fonts)
        self.pages.append(page)
        return page

    def to_bytes(self) -> bytes:
        pages = self.pages or [Page(self.fonts)]
        # Objects: 1 catalog, 2 page tree, 3 info, then a page and its contents each, then
        # the fonts (six objects each).
        first_page = 4
        page_ids = [first_page + 2 * i for i in range(len(pages))]
        font_refs, font_objects = pdf_objects(self.fonts.fonts, first_page + 2 * len(pages))
        fonts = " ".join(f"/{name} {ref} 0 R" for name, ref in font_refs.items())
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids ["
            + b" ".join(f"{i} 0 R".encode() for i in page_ids)
            + f"] /Count {len(pages)} >>".encode(),
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
                f"{_num(page.height)}] /Resources << /Font << {fonts} >> >> "
                f"/Contents {page_id + 1} 0 R >>".encode()
            )
            objects.append(
                f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
            )
        objects.extend(font_objects)
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
            f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 3 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n"
        ).encode()
        return bytes(out)

    def save(self, path: Path) -> None:
        atomic_write_bytes(path, self.to_bytes())
