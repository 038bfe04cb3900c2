"""Text as it is drawn: clusters, Arabic joining forms and right-to-left order, for the PDF.

A PDF draws glyphs at positions; it knows nothing of scripts. So the report's writer does
the three things a text engine would, on one line at a time:

- *clusters*: a letter with the combining marks and invisible joiners that follow it stays
  one unit (drawn together, carrying its exact original text for copy and search);
- *Arabic shaping*: each letter takes its isolated, initial, medial or final form (and lam
  with alef their ligature), chosen from its neighbours. The forms and joining types come
  from Unicode's own presentation-form decompositions in :mod:`unicodedata`, so no table is
  copied here: a letter with an initial form joins both ways, one with only a final form
  joins to the previous letter only;
- *bidirectional order*: the Unicode Bidirectional Algorithm (UAX #9) for one paragraph
  without explicit embeddings (rules P2-P3, W1-W7, N1-N2, I1-I2, L1-L2 and L4), enough for
  notes typed in a mix of scripts; the embedding and isolate controls are kept as text but
  do not change the order.

Each :class:`Cluster` keeps ``text`` (what the person typed, in logical order) apart from
``draw`` (the characters whose glyphs are shown), and the PDF's ToUnicode map gives back
``text``: a reader copies exactly what was typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

ZWJ = "\u200d"
ZWNJ = "\u200c"
TATWEEL = "\u0640"
_LAM = "\u0644"
_ALEFS = frozenset("\u0622\u0623\u0625\u0627")

#: Characters a font has no visible glyph for, which stay with the cluster before them.
_IGNORABLE_RANGES = (
    (0x200B, 0x200F),  # zero width space, ZWNJ, ZWJ, LRM, RLM
    (0x202A, 0x202E),  # embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, isolates
    (0xFE00, 0xFE0F),  # variation selectors (the emoji presentation selector among them)
    (0xFEFF, 0xFEFF),
    (0xE0000, 0xE0FFF),  # tags, variation selectors supplement
)

#: Pairs that swap in right-to-left text (rule L4): the common brackets and quotes.
_MIRROR_PAIRS = "()[]{}<>«»\u2039\u203a\u2045\u2046\u207d\u207e\u208d\u208e\u2264\u2265"
MIRRORED: Mapping[str, str] = MappingProxyType(
    {
        **{_MIRROR_PAIRS[i]: _MIRROR_PAIRS[i + 1] for i in range(0, len(_MIRROR_PAIRS), 2)},
        **{_MIRROR_PAIRS[i + 1]: _MIRROR_PAIRS[i] for i in range(0, len(_MIRROR_PAIRS), 2)},
    }
)


def is_ignorable(ch: str) -> bool:
    """A default-ignorable character: no glyph of its own."""
    code = ord(ch)
    return any(a <= code <= b for a, b in _IGNORABLE_RANGES)


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me", "Mc")


def _presentation_forms() -> Mapping[tuple[str, str], str]:
    """(form, letters) -> presentation character, from Unicode's compatibility mappings."""
    forms: dict[tuple[str, str], str] = {}
    for start, end in ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF)):
        for code in range(start, end + 1):
            decomposition = unicodedata.decomposition(chr(code)).split()
            if len(decomposition) < 2 or decomposition[0] not in (
                "<isolated>",
                "<initial>",
                "<medial>",
                "<final>",
            ):
                continue
            letters = "".join(chr(int(part, 16)) for part in decomposition[1:])
            forms.setdefault((decomposition[0][1:-1], letters), chr(code))
    return MappingProxyType(forms)


FORMS = _presentation_forms()


def _joining(ch: str) -> str:
    """Joining type: D (both sides), R (to the previous letter only), C (causes joining),
    T (transparent) or U (none)."""
    if ch in (ZWJ, TATWEEL):
        return "C"
    if _is_mark(ch) or (is_ignorable(ch) and ch != ZWNJ):
        return "T"
    if ("initial", ch) in FORMS or ("medial", ch) in FORMS:
        return "D"
    if ("final", ch) in FORMS:
        return "R"
    return "U"


@dataclass(frozen=True)
class Cluster:
    """One drawn unit: ``draw`` is shown, ``text`` is what it stands for."""

    draw: str
    text: str
    rtl: bool = False  # at a right-to-left level: its characters read in reverse order

    @property
    def base(self) -> str:
        return self.text[0]


def clusters(text: str) -> list[Cluster]:
    """Logical-order clusters: a base character with its marks and ignorables."""
    if text.isascii():
        return [Cluster(ch, ch) for ch in text]
    found: list[list[str]] = []
    for ch in text:
        if found and (_is_mark(ch) or is_ignorable(ch)):
            found[-1].append(ch)
        elif found and found[-1][-1] == ZWJ and unicodedata.category(found[-1][0]) == "So":
            found[-1].append(ch)  # an emoji ZWJ sequence stays one unit
        else:
            found.append([ch])
    return [Cluster("".join(c), "".join(c)) for c in found]


def shape_arabic(units: Sequence[Cluster]) -> list[Cluster]:
    """Arabic letters in their joining forms; lam with alef as one ligature."""
    types = [_joining(c.base) for c in units]
    out: list[Cluster] = []
    i = 0
    while i < len(units):
        unit = units[i]
        kind = types[i]
        if kind not in ("D", "R"):
            out.append(unit)
            i += 1
            continue
        joins_prev = i > 0 and types[i - 1] in ("D", "C") and ZWNJ not in units[i - 1].text
        if unit.base == _LAM and i + 1 < len(units) and units[i + 1].base in _ALEFS:
            alef = units[i + 1]
            form = "final" if joins_prev else "isolated"
            ligature = FORMS.get((form, _LAM + alef.base))
            if ligature is not None:
                marks = unit.text[1:] + alef.text[1:]
                out.append(Cluster(ligature + marks, unit.text + alef.text))
                i += 2
                continue
        joins_next = (
            kind == "D"
            and ZWNJ not in unit.text
            and i + 1 < len(units)
            and types[i + 1] in ("D", "R", "C")
        )
        form = {
            (True, True): "medial",
            (True, False): "final",
            (False, True): "initial",
            (False, False): "isolated",
        }[(joins_prev, joins_next)]
        shaped = FORMS.get((form, unit.base))
        out.append(Cluster(shaped + unit.text[1:], unit.text) if shaped else unit)
        i += 1
    return out


_STRONG_R = ("R", "AL")
_NEUTRAL = frozenset(
    ("B", "S", "WS", "ON", "BN", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")
)


def paragraph_level(text: str) -> int:
    """0 (left to right) or 1, from the first strong character (rules P2-P3)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return 0
        if kind in _STRONG_R:
            return 1
    return 0


def levels(units: Sequence[Cluster], base: int) -> list[int]:
    """Embedding levels of the clusters of one line (rules W1-W7, N1-N2, I1-I2, L1)."""
    sor = "R" if base else "L"
    kinds = [unicodedata.bidirectional(u.base) or "L" for u in units]
    # W1: a mark (alone at the start of a cluster only) takes the type before it.
    for i, kind in enumerate(kinds):
        if kind == "NSM":
            kinds[i] = kinds[i - 1] if i else sor
    # W2, W3: European digits after Arabic letters are Arabic numbers; AL is R.
    last_strong = sor
    for i, kind in enumerate(kinds):
        if kind in ("L", "R", "AL"):
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":
            kinds[i] = "AN"
    kinds = ["R" if k == "AL" else k for k in kinds]
    # W4: one separator between two numbers of the same kind joins them.
    for i in range(1, len(kinds) - 1):
        before, after = kinds[i - 1], kinds[i + 1]
        if kinds[i] == "ES" and before == after == "EN":
            kinds[i] = "EN"
        elif kinds[i] == "CS" and before == after and before in ("EN", "AN"):
            kinds[i] = before
    # W5: terminators (%, currency) next to European numbers are numbers.
    i = 0
    while i < len(kinds):
        if kinds[i] != "ET":
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] == "ET":
            j += 1
        if (i > 0 and kinds[i - 1] == "EN") or (j < len(kinds) and kinds[j] == "EN"):
            kinds[i:j] = ["EN"] * (j - i)
        i = j
    # W6, W7.
    kinds = ["ON" if k in ("ES", "ET", "CS") else k for k in kinds]
    last_strong = sor
    for i, kind in enumerate(kinds):
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            kinds[i] = "L"

    # N1, N2: neutrals between two of one direction take it, others the paragraph's.
    def direction(kind: str) -> str:
        return "R" if kind in ("R", "EN", "AN") else kind

    i = 0
    while i < len(kinds):
        if kinds[i] not in _NEUTRAL:
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] in _NEUTRAL:
            j += 1
        before = direction(kinds[i - 1]) if i > 0 else sor
        after = direction(kinds[j]) if j < len(kinds) else sor
        kinds[i:j] = [before if before == after else sor] * (j - i)
        i = j
    # I1, I2.
    result = []
    for kind in kinds:
        if base == 0:
            result.append(1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            result.append(2 if kind == "L" or kind in ("AN", "EN") else 1)
    # L1: whitespace at the end of the line is at the paragraph level.
    n = len(units)
    while n > 0 and unicodedata.bidirectional(units[n - 1].base) in ("WS", "S", "B", "BN"):
        n -= 1
        result[n] = base
    return result


def visual(text: str, base: int | None = None) -> list[Cluster]:
    """The clusters of one line, shaped, in the order they are drawn from left to right."""
    units = clusters(text)
    if (text.isascii() and not base) or not units:
        return units  # nothing to join or to turn around
    units = shape_arabic(units)
    level = paragraph_level(text) if base is None else base
    found = levels(units, level)
    if max(found) == 0:
        return units
    # L4: mirrored characters at right-to-left levels.
    units = [
        Cluster(MIRRORED.get(u.draw, u.draw), u.text, rtl=True) if found[i] % 2 else u
        for i, u in enumerate(units)
    ]
    # L2: from the highest level down to the lowest odd one, reverse each run at or above it.
    order = list(range(len(units)))
    lowest_odd = min(v for v in found if v % 2) if any(v % 2 for v in found) else 1
    for at in range(max(found), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if found[order[i]] < at:
                i += 1
                continue
            j = i
            while j < len(order) and found[order[j]] >= at:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return [units[k] for k in order]
