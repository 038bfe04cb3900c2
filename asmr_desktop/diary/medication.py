"""Medication kinds and ICHD-3's medication-overuse rule, worded calmly.

A short built-in list maps common names to the classes the rule counts; settings may add
or change names (``medication_kinds``). The rule (ICHD-3 8.2, "regular overuse for more
than 3 months"): in each of the last three months (30-day windows ending today)
- simple analgesics (paracetamol, aspirin, NSAIDs) on 15 or more days (8.2.2), or
- triptans, combination analgesics or opioids, each on 10 or more days (8.2.1, 8.2.4, 8.2.5),
- or a mix of two or more of these classes on 10 or more days in total (8.2.6).
A day without a record counts as no medicine (unknown), so the counts are a lower bound.
The app never diagnoses: the notice points to a doctor.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from asmr_desktop.diary.days import Day, Medication, MedKind, check_medication

log = logging.getLogger(__name__)

#: Common names (lower case) and their class. Settings may add to or change these.
BUILTIN_KINDS: Mapping[str, MedKind] = {
    "paracetamol": MedKind.SIMPLE,
    "acetaminophen": MedKind.SIMPLE,
    "ibuprofen": MedKind.SIMPLE,
    "aspirin": MedKind.SIMPLE,
    "naproxen": MedKind.SIMPLE,
    "diclofenac": MedKind.SIMPLE,
    "metamizole": MedKind.SIMPLE,
    "sumatriptan": MedKind.TRIPTAN,
    "rizatriptan": MedKind.TRIPTAN,
    "zolmitriptan": MedKind.TRIPTAN,
    "naratriptan": MedKind.TRIPTAN,
    "almotriptan": MedKind.TRIPTAN,
    "eletriptan": MedKind.TRIPTAN,
    "frovatriptan": MedKind.TRIPTAN,
    "excedrin": MedKind.COMBINATION,
    "thomapyrin": MedKind.COMBINATION,
    "co-codamol": MedKind.COMBINATION,
    "codeine": MedKind.OPIOID,
    "tramadol": MedKind.OPIOID,
    "tilidine": MedKind.OPIOID,
}

WINDOW_DAYS = 30
WINDOWS = 3
SIMPLE_DAYS = 15
SPECIFIC_DAYS = 10
COMBINED_DAYS = 10
#: The classes counted by 8.2.1-8.2.5 with their monthly thresholds.
THRESHOLDS: Mapping[MedKind, int] = {
    MedKind.SIMPLE: SIMPLE_DAYS,
    MedKind.TRIPTAN: SPECIFIC_DAYS,
    MedKind.COMBINATION: SPECIFIC_DAYS,
    MedKind.OPIOID: SPECIFIC_DAYS,
}

KIND_WORDS: Mapping[MedKind, str] = {
    MedKind.SIMPLE: "simple pain relievers",
    MedKind.TRIPTAN: "triptans",
    MedKind.COMBINATION: "combination pain relievers",
    MedKind.OPIOID: "opioids",
    MedKind.OTHER: "other medicines",
}


def kind_table(overrides: Mapping[str, str] | None = None) -> dict[str, MedKind]:
    """The built-in names with the person's own changes over them (bad kinds are skipped)."""
    table = dict(BUILTIN_KINDS)
    for name, kind in (overrides or {}).items():
        if kind in {k.value for k in MedKind}:
            table[name.strip().casefold()] = MedKind(kind)
        else:
            log.warning("medication kind %r for %r is not known; ignored", kind, name)
    return table


def kind_of(name: str, table: Mapping[str, MedKind] | None = None) -> MedKind:
    """The class of a name as typed ('Ibuprofen 400' -> simple analgesic); 'other' if unknown."""
    known = BUILTIN_KINDS if table is None else table
    words = name.strip().casefold()
    if words in known:
        return known[words]
    first = words.split(" ")[0] if words else ""
    return known.get(first, MedKind.OTHER)


def parse_medication(
    text: str, table: Mapping[str, MedKind] | None = None, time: str | None = None
) -> Medication:
    """'NAME[:AMOUNT]' as typed on the command line, e.g. 'ibuprofen:400 mg'."""
    name, _, amount = text.partition(":")
    return check_medication(name, kind_of(name, table), amount, time)


@dataclass(frozen=True)
class Overuse:
    """Which classes reached their threshold in each of the last three months."""

    kinds: tuple[MedKind, ...]  # empty with ``combined``: a mix of classes
    combined: bool
    window_counts: tuple[dict[MedKind, int], ...]  # newest window first
    first: date
    last: date

    @property
    def message(self) -> str:
        if self.kinds:
            what = " and ".join(KIND_WORDS[k] for k in self.kinds)
        else:
            what = "acute headache medicines (together)"
        return (
            f"In each of the last three months you noted {what} on many days "
            f"({self.first:%d %b} to {self.last:%d %b %Y}). Taking headache medicines this "
            "often can itself keep headaches going (medication-overuse headache, as the "
            "International Classification of Headache Disorders describes it). This is not a "
            "diagnosis: please talk it over with your doctor before changing anything."
        )


def _days_with(days: Iterable[Day], first: date, last: date) -> list[set[MedKind]]:
    return [{m.kind for m in d.medication} for d in days if first <= d.day <= last]


def check_overuse(days: Sequence[Day], today: date) -> Overuse | None:
    """The notice when every one of the last three 30-day windows reaches a threshold."""
    counts: list[dict[MedKind, int]] = []
    combined_ok = True
    for n in range(WINDOWS):
        last = today - timedelta(days=n * WINDOW_DAYS)
        first = last - timedelta(days=WINDOW_DAYS - 1)
        kinds_by_day = _days_with(days, first, last)
        window = {k: sum(1 for kinds in kinds_by_day if k in kinds) for k in THRESHOLDS}
        counts.append(window)
        acute_days = sum(1 for kinds in kinds_by_day if kinds & THRESHOLDS.keys())
        # 8.2.6 is about a mix: one class alone is judged by its own threshold only.
        classes = sum(1 for k in THRESHOLDS if window[k])
        combined_ok = combined_ok and acute_days >= COMBINED_DAYS and classes >= 2
    overused = tuple(k for k, limit in THRESHOLDS.items() if all(w[k] >= limit for w in counts))
    if not overused and not combined_ok:
        return None
    start = today - timedelta(days=WINDOWS * WINDOW_DAYS - 1)
    return Overuse(overused, not overused, tuple(counts), start, today)
