"""Fonts for the PDF report: TrueType files, chosen per character, embedded as subsets.

Every script a person types prints: DejaVu Sans (Latin with accents, Greek, Cyrillic,
Hebrew, Arabic and its presentation forms), then Droid Sans Fallback (Chinese, Japanese,
Korean), then Symbola (emoji and symbols, in outline). The bundle carries the three files
in ``assets/fonts`` (8.1 MB unpacked, 3.0 MB of the xz tarball); from a source tree or a
wheel the same files are read from Debian's packages (fonts-dejavu-core,
fonts-droid-fallback, fonts-symbola). A character none of them has is drawn as
:data:`MARKER`, never as a wrong letter.

Each font is embedded as a CIDFontType2 with Identity-H, subset with fontTools at export
time to the glyphs used (a page of text in all seven scripts embeds 19 kB of fonts; ten
years of diary with 300 notes in them export in 285 ms, bench_insights). CIDs are not
glyph numbers: each (glyph, text) pair gets its own, so the ToUnicode map gives back the
exact characters typed even where one glyph stands for several (lam-alef, a letter with a
combining accent, an emoji with its variation selector) or a bracket is drawn mirrored.
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.insights.shaping import Cluster, is_ignorable, visual

log = logging.getLogger(__name__)

#: Where the bundle keeps its fonts (``_internal/assets/fonts``), beside the package.
BUNDLED_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
#: Debian's folders for the same files, for a source tree or a wheel.
SYSTEM_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts-droid-fallback/truetype"),
    Path("/usr/share/fonts/truetype/ancient-scripts"),
)
FONT_DIRS = (BUNDLED_DIR, *SYSTEM_DIRS)
#: File names in fallback order; the first of each must exist.
REGULAR = ("DejaVuSans.ttf", "DroidSansFallback.ttf", "Symbola_hint.ttf")
BOLD = ("DejaVuSans-Bold.ttf", "DroidSansFallback.ttf", "Symbola_hint.ttf")
#: Drawn in place of characters no font has.
MARKER = "[characters this report cannot print]"

_DROP_TABLES = (
    "GSUB",
    "GPOS",
    "GDEF",
    "kern",
    "MATH",
    "FFTM",
    "vhea",
    "vmtx",
    "gasp",
    "BASE",
    "JSTF",
    "DSIG",
    "hdmx",
    "LTSH",
    "VDMX",
)


class FontError(AsmrError):
    """The report's fonts cannot be found or read."""


def find_font(name: str, dirs: Sequence[Path] = FONT_DIRS) -> Path | None:
    """The first folder's file of that name, or None."""
    for folder in dirs:
        path = folder / name
        if path.is_file():
            return path
    return None


class Face:
    """One TrueType file: which characters it has and how wide their glyphs are."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            font = TTFont(path, lazy=True)
            self.cmap: dict[int, str] = font.getBestCmap() or {}
            # Droid Sans Fallback has no glyph names: fontTools makes 49,000 from the cmap
            # (0.1 s); kept, so the subset does not make them again.
            self.glyph_order: list[str] = font.getGlyphOrder()
            self._metrics: dict[str, tuple[int, int]] = font["hmtx"].metrics
            self.scale = 1000 / font["head"].unitsPerEm
            head, hhea = font["head"], font["hhea"]
            os2 = font.get("OS/2", None)
            self.bbox = tuple(
                round(v * self.scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)
            )
            self.ascent = round(hhea.ascent * self.scale)
            self.descent = round(hhea.descent * self.scale)
            cap = getattr(os2, "sCapHeight", 0) if os2 is not None else 0
            self.cap_height = round(cap * self.scale) or self.ascent
            name = font["name"].getDebugName(6) if "name" in font else None
            font.close()
        except (OSError, KeyError, ValueError, AssertionError) as exc:
            raise FontError(f"The font {path} cannot be read ({exc}).") from exc
        self.ps_name = "".join(c for c in (name or path.stem) if c.isalnum() or c in "-_")

    def glyph(self, ch: str) -> str | None:
        return self.cmap.get(ord(ch))

    def advance(self, glyph: str) -> float:
        """Advance width in 1/1000 em."""
        return float(self._metrics.get(glyph, (0, 0))[0] * self.scale)


@dataclass
class EmbeddedFont:
    """A face as used in one document: its CIDs, each a glyph with the text it stands for."""

    face: Face
    resource: str  # 'F1'
    cids: dict[tuple[str, str], int] = field(default_factory=dict)
    entries: list[tuple[str, str, float]] = field(default_factory=list)  # glyph, text, width

    def cid(self, glyph: str, text: str) -> int:
        key = (glyph, text)
        found = self.cids.get(key)
        if found is None:
            found = len(self.entries) + 1  # CID 0 is .notdef
            self.cids[key] = found
            self.entries.append((glyph, text, self.face.advance(glyph)))
        return found

    def objects(self, first_id: int) -> list[bytes]:
        """Type0 font, CIDFont, descriptor, font file, ToUnicode and CIDToGIDMap: six
        objects numbered from ``first_id`` (the Type0 font is the one pages refer to)."""
        data, gids = self._subset()
        names = sorted({g for g, _t, _w in self.entries})
        tag = "".join(
            chr(65 + b % 26) for b in hashlib.sha256("\n".join(names).encode()).digest()[:6]
        )
        base = f"{tag}+{self.face.ps_name}"
        cid_font, descriptor, font_file, to_unicode, cid_map = range(first_id + 1, first_id + 6)
        widths = " ".join(pdf_number(w) for _g, _t, w in self.entries)
        face = self.face
        cid_to_gid = b"\x00\x00" + b"".join(
            gids[g].to_bytes(2, "big") for g, _t, _w in self.entries
        )
        compressed_map = zlib.compress(cid_to_gid)
        compressed_font = zlib.compress(data)
        cmap = zlib.compress(_to_unicode(t for _g, t, _w in self.entries))
        return [
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H "
            f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>".encode(),
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} /CIDSystemInfo "
            f"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {descriptor} 0 R /DW 1000 /W [1 [{widths}]] "
            f"/CIDToGIDMap {cid_map} 0 R >>".encode(),
            f"<< /Type /FontDescriptor /FontName /{base} /Flags 4 /FontBBox "
            f"[{' '.join(str(v) for v in face.bbox)}] /ItalicAngle 0 /Ascent {face.ascent} "
            f"/Descent {face.descent} /CapHeight {face.cap_height} /StemV 80 "
            f"/FontFile2 {font_file} 0 R >>".encode(),
            _stream(compressed_font, f"/Filter /FlateDecode /Length1 {len(data)}"),
            _stream(cmap, "/Filter /FlateDecode"),
            _stream(compressed_map, "/Filter /FlateDecode"),
        ]

    def _subset(self) -> tuple[bytes, dict[str, int]]:
        """The font with only the glyphs used, and each glyph's number in it."""
        options = subset.Options()
        options.drop_tables += [*_DROP_TABLES, "cmap"]
        options.hinting = False
        options.layout_features = []
        options.notdef_outline = True
        options.glyph_names = True
        options.name_IDs = [1, 2, 6]
        options.recalc_timestamp = False
        options.prune_unicode_ranges = False  # both read the cmap the subset leaves out
        options.prune_codepage_ranges = False
        try:
            # recalcTimestamp=False: saving would stamp head.modified with the clock, so two
            # saves of one report a second apart differed (the CI failure of stop 28).
            font = TTFont(self.face.path, lazy=True, recalcTimestamp=False)
            font.setGlyphOrder(self.face.glyph_order)
            # Before the subsetter reads them (GPOS 45 ms, Droid's cmap 100 ms). A CIDFontType2
            # picks glyphs through its CIDToGIDMap, so the subset needs no cmap.
            for tag in (*_DROP_TABLES, "cmap"):
                if tag in font:
                    del font[tag]
            subsetter = subset.Subsetter(options)
            subsetter.populate(glyphs=sorted({g for g, _t, _w in self.entries}))
            subsetter.subset(font)
            order = {name: i for i, name in enumerate(font.getGlyphOrder())}
            font["post"].formatType = 3.0  # the names were needed only to find the glyphs
            out = io.BytesIO()
            font.save(out)
            font.close()
        except (OSError, KeyError, ValueError, AssertionError) as exc:
            raise FontError(f"The font {self.face.path} cannot be embedded ({exc}).") from exc
        return out.getvalue(), order


def pdf_number(value: float) -> str:
    """A number as PDF writes it: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _stream(data: bytes, extra: str) -> bytes:
    return f"<< {extra} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _to_unicode(texts: Iterable[str]) -> bytes:
    """A ToUnicode CMap: CID n (from 1) -> the n-th text, as UTF-16BE."""
    pairs = [
        f"<{cid:04X}> <{text.encode('utf-16-be').hex().upper()}>"
        for cid, text in enumerate(texts, start=1)
    ]
    blocks = []
    for i in range(0, len(pairs), 100):  # at most 100 entries per block
        chunk = pairs[i : i + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


@dataclass(frozen=True)
class Glyph:
    font: EmbeddedFont
    cid: int
    width: float  # 1/1000 em


@dataclass(frozen=True)
class Run:
    """Glyphs of one font, drawn one after the other."""

    font: EmbeddedFont
    cids: tuple[int, ...]


class Typesetter:
    """Fonts for one document: finds a glyph for every cluster, measures and wraps text."""

    def __init__(self, dirs: Sequence[Path] = FONT_DIRS) -> None:
        self._dirs = tuple(dirs)
        self._paths = {
            bold: [find_font(n, self._dirs) for n in (BOLD if bold else REGULAR)]
            for bold in (False, True)
        }
        for bold, paths in self._paths.items():
            if paths[0] is None:
                wanted = (BOLD if bold else REGULAR)[0]
                raise FontError(
                    f"The report needs the font {wanted} (Debian package fonts-dejavu-core); "
                    "it was not found."
                )
        self._faces: dict[Path, Face] = {}
        self._fonts: dict[Path, EmbeddedFont] = {}
        self._clusters: dict[tuple[str, str, bool, bool], tuple[Glyph, ...] | None] = {}
        self._layouts: dict[tuple[str, bool, int | None], tuple[list[Run], float]] = {}
        #: Characters no font has: drawn as the marker.
        self.missing: set[str] = set()

    @property
    def fonts(self) -> list[EmbeddedFont]:
        """The fonts used so far, in the order first used."""
        return [f for f in self._fonts.values() if f.entries]

    def _font(self, path: Path) -> EmbeddedFont:
        found = self._fonts.get(path)
        if found is None:
            face = self._faces.get(path) or Face(path)
            self._faces[path] = face
            found = EmbeddedFont(face, f"F{len(self._fonts) + 1}")
            self._fonts[path] = found
        return found

    def _glyphs(self, cluster: Cluster, bold: bool) -> tuple[Glyph, ...] | None:
        key = (cluster.draw, cluster.text, cluster.rtl, bold)
        if key in self._clusters:
            return self._clusters[key]
        found = None
        for draw in dict.fromkeys((cluster.draw, _composed(cluster.draw), cluster.text)):
            found = self._place(draw, cluster.text, bold, cluster.rtl)
            if found is not None:
                break
        self._clusters[key] = found
        return found

    def _place(
        self, draw: str, text: str, bold: bool, rtl: bool = False
    ) -> tuple[Glyph, ...] | None:
        """Glyphs of the first font that has every visible character of ``draw``."""
        shown = [ch for ch in draw if not is_ignorable(ch)] or [draw[0]]
        for path in self._paths[bold]:
            if path is None:
                continue
            font = self._font(path)
            names = [font.face.glyph(ch) for ch in shown]
            if any(n is None for n in names):
                continue
            glyph_names = [n for n in names if n is not None]
            # One glyph per visible character (an ignorable one goes with the glyph before);
            # a glyph that stands for several (an accented letter composed, a ligature)
            # carries them all.
            pieces: list[str] = []
            for ch in text:
                if pieces and is_ignorable(ch):
                    pieces[-1] += ch
                else:
                    pieces.append(ch)
            if len(pieces) != len(glyph_names):
                pieces = [text] + [""] * (len(glyph_names) - 1)
            if rtl:
                # A PDF's text runs left to right: a reader reverses right-to-left text back,
                # character by character, so the characters of this cluster are stored reversed.
                pieces = [piece[::-1] for piece in reversed(pieces)]
            return tuple(
                Glyph(font, font.cid(name, piece), font.face.advance(name))
                for name, piece in zip(glyph_names, pieces, strict=True)
            )
        return None

    def layout(
        self, text: str, bold: bool = False, base: int | None = None
    ) -> tuple[list[Run], float]:
        """One line as runs in drawing order, and its width in 1/1000 em."""
        key = (text, bold, base)
        found = self._layouts.get(key)
        if found is None:  # a report measures the same words again and again
            found = self._layouts[key] = self._layout(text, bold, base)
        return found

    def _layout(self, text: str, bold: bool, base: int | None) -> tuple[list[Run], float]:
        glyphs: list[Glyph] = []
        missing = False
        for cluster in visual(text, base):
            placed = self._glyphs(cluster, bold)
            if placed is None:
                self.missing.add(cluster.text)
                if not missing:  # one marker for a stretch of characters
                    glyphs.extend(self._marker(bold))
                missing = True
                continue
            missing = False
            glyphs.extend(placed)
        runs: list[Run] = []
        for glyph in glyphs:
            if runs and runs[-1].font is glyph.font:
                runs[-1] = Run(glyph.font, (*runs[-1].cids, glyph.cid))
            else:
                runs.append(Run(glyph.font, (glyph.cid,)))
        return runs, sum(g.width for g in glyphs)

    def _marker(self, bold: bool) -> list[Glyph]:
        out: list[Glyph] = []
        for ch in MARKER:
            placed = self._place(ch, ch, bold)
            if placed:
                out.extend(placed)
        return out

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width of ``text`` in points at ``size``."""
        return self.layout(text, bold)[1] * size / 1000

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        """Break ``text`` into lines no wider than ``width`` (a long word stays whole)."""
        space = self.width(" ", size, bold)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, line_w = "", 0.0
            for word in paragraph.split():
                word_w = self.width(word, size, bold)
                if line and line_w + space + word_w > width:
                    lines.append(line)
                    line, line_w = word, word_w
                elif line:
                    line, line_w = f"{line} {word}", line_w + space + word_w
                else:
                    line, line_w = word, word_w
            lines.append(line)
        return lines


def _composed(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def pdf_objects(fonts: Sequence[EmbeddedFont], first_id: int) -> tuple[dict[str, int], list[bytes]]:
    """Objects for every font used, numbered from ``first_id``; resource name -> object."""
    refs: dict[str, int] = {}
    bodies: list[bytes] = []
    for font in fonts:
        refs[font.resource] = first_id + len(bodies)
        bodies.extend(font.objects(first_id + len(bodies)))
    return refs, bodies
