"""Text as drawn: clusters, Arabic joining forms, the bidirectional order (UAX #9)."""

from __future__ import annotations

import pytest

from asmr_desktop.insights.shaping import clusters, paragraph_level, shape_arabic, visual


def drawn(text: str, base: int | None = None) -> str:
    return "".join(c.draw for c in visual(text, base))


@pytest.mark.parametrize(
    ("logical", "shown"),
    [
        ("abc אבג def", "abc גבא def"),  # a right-to-left word inside left-to-right text
        ("אבג abc", "abc גבא"),  # a right-to-left paragraph ending in a Latin word
        ("אבג 123", "123 גבא"),  # digits keep their order inside right-to-left text
        ("Took אבג 500 mg", "Took 500 גבא mg"),  # W7/N1: the number follows the Hebrew word
        ("אבג.", ".גבא"),  # the full stop ends the sentence on its left
        ("(אבג)", "(גבא)"),  # brackets are mirrored (L4): still around the word
        ("ab  ", "ab  "),
        ("", ""),
    ],
)
def test_bidi_order(logical: str, shown: str) -> None:
    assert drawn(logical) == shown


def test_mirrored_bracket_keeps_its_own_text() -> None:
    units = visual("(אבג)")
    assert units[0].draw == "(" and units[0].text == ")" and units[0].rtl
    assert "".join(u.text for u in reversed(units)) == "(אבג)"


def test_paragraph_direction_from_the_first_letter() -> None:
    assert paragraph_level("123 אבג abc") == 1
    assert paragraph_level("  abc אבג") == 0
    assert paragraph_level("123") == 0
    # A line of a right-to-left paragraph that starts with a Latin word keeps that direction.
    assert drawn("abc אבג", base=1) == "גבא abc"


def test_arabic_digits_after_arabic_letters() -> None:
    # W2: European digits after an Arabic letter are Arabic numbers, still read left to right.
    assert drawn("سعر 12") == "12 " + "".join(c.draw for c in shape_arabic(clusters("سعر")))[::-1]


@pytest.mark.parametrize(
    ("logical", "forms"),
    [
        ("ب", "\ufe8f"),  # beh alone: isolated
        ("بب", "\ufe91\ufe90"),  # initial, final
        ("ببب", "\ufe91\ufe92\ufe90"),  # initial, medial, final
        ("با", "\ufe91\ufe8e"),  # alef joins the letter before it
        ("اب", "\ufe8d\ufe8f"),  # ... but never the one after it
        ("لا", "\ufefb"),  # lam with alef: one ligature
        ("بلا", "\ufe91\ufefc"),  # the ligature's final form
        ("ب\u200cب", "\ufe8f\u200c\ufe8f"),  # ZWNJ stops the joining
        ("بَب", "\ufe91\u064e\ufe90"),  # a vowel mark is transparent to joining
        ("ءب", "ء\ufe8f"),  # hamza never joins: it keeps its one form
    ],
)
def test_arabic_forms(logical: str, forms: str) -> None:
    shaped = shape_arabic(clusters(logical))
    assert "".join(c.draw for c in shaped) == forms
    assert "".join(c.text for c in shaped) == logical  # what it stands for is kept exactly


def test_clusters_keep_marks_and_emoji_sequences_together() -> None:
    assert [c.text for c in clusters("e\u0301a")] == ["e\u0301", "a"]
    assert [c.text for c in clusters("\u2764\ufe0f!")] == ["\u2764\ufe0f", "!"]
    family = "\U0001f469\u200d\U0001f4bb"  # woman technologist: one ZWJ sequence
    assert [c.text for c in clusters(family + " ok")] == [family, " ", "o", "k"]


def test_visual_order_is_a_permutation_of_the_text() -> None:
    text = "نمت جيداً (8 ساعات) ثم rain, שלום 42!"
    units = visual(text)
    assert sorted(u.text for u in units) == sorted(c.text for c in clusters(text))
