"""The report: what it contains, and ``asmr-desktop export --pdf`` end to end."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from asmr_desktop.cli.parser import parse, run_command
from asmr_desktop.core.paths import AppPaths
from asmr_desktop.core.store import Store
from asmr_desktop.diary.model import EndReason, Mode
from asmr_desktop.diary.service import Diary
from asmr_desktop.insights.experiment import Experiment
from asmr_desktop.insights.report import DISCLAIMER, build_report
from asmr_desktop.insights.summary import summarize
from tests.helpers.clock import FakeClock
from tests.helpers.pdf import needs_poppler, pdf_text
from tests.unit.insights.factory import BERLIN, at, generated

END = at("2026-11-27 21:00")
TODAY = date(2026, 11, 27)
pytestmark = needs_poppler


def text_of(data: bytes) -> str:
    """The text a reader finds (pdftotext), lines joined by single spaces."""
    return " ".join(pdf_text(data).split())


def _insights(days: int, with_experiment: bool = True):  # type: ignore[no-untyped-def]
    sessions = generated(400, END)
    experiment = Experiment(date(2026, 10, 20), date(2026, 11, 9), date(2026, 11, 9), END, "e")
    first = TODAY - timedelta(days=days - 1)
    return summarize(sessions, first, TODAY, TODAY, BERLIN, experiment if with_experiment else None)


def test_report_has_every_part() -> None:
    insights = _insights(91)
    doc = build_report(insights, END, BERLIN)
    data = doc.to_bytes()
    text = text_of(data)
    assert data.startswith(b"%PDF-1.4")
    assert len(doc.pages) >= 2
    assert "Period: 29 Aug 2026 to 27 Nov 2026 (91 days)" in text
    for part in (
        "Pain ratings over time",
        "Relief by what was played",
        "Relief by kind of session",
        "Experiment you planned yourself (not randomised)",
        "Headache days and medication days per month",
        "Red flags and the advice given",
        "Triggers and care most often noted",
        "not a controlled trial",
    ):
        assert part in text, part
    for month in ("Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026"):
        assert month in text
    assert insights.by_source and insights.by_source[0].name in text
    # The disclaimer is on every page.
    per_page = [
        " ".join(pdf_text(data, first=n, last=n).split()) for n in range(1, len(doc.pages) + 1)
    ]
    assert all(
        "does not diagnose or treat" in t and "See a doctor for severe, sudden" in t
        for t in per_page
    )
    assert "cure" not in text.lower() and "treats" not in text.lower()
    assert DISCLAIMER.startswith("ASMR Desktop helps you relax and keep a record")


def test_report_without_experiment_or_data() -> None:
    text = text_of(build_report(_insights(91, with_experiment=False), END, BERLIN).to_bytes())
    assert "Experiment" not in text
    empty = summarize([], TODAY - timedelta(days=13), TODAY, TODAY, BERLIN)
    doc = build_report(empty, END, BERLIN)
    assert len(doc.pages) == 1
    text = text_of(doc.to_bytes())
    assert "No sessions or days were recorded in this period." in text
    assert "does not diagnose or treat" in text


def test_long_period_stays_readable() -> None:
    insights = _insights(400)
    doc = build_report(insights, END, BERLIN)
    text = text_of(doc.to_bytes())
    assert "The last 24 months" not in text  # 14 months all drawn
    assert "Dots:" not in text  # too many sessions for dots: the average line only


def _fill(data_dir: Path, clock: FakeClock) -> None:
    store = Store(AppPaths.under(data_dir).store_file)
    AppPaths.under(data_dir).ensure()
    diary = Diary(store, clock)
    for i in range(6):
        clock.now = at("2026-03-01 21:00") + timedelta(days=i)
        session = diary.start(Mode.AUDIO, items=["rain"], pain_before=5)
        assert session.id is not None
        clock.now += timedelta(minutes=20)
        diary.end(session.id, EndReason.STOPPED, measured_s=1200.0, heard=[("rain", 1200.0)])
        diary.rate(session.id, 2)
    store.close()


def test_export_pdf_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    AppPaths.under(data_dir).ensure()
    _fill(data_dir, FakeClock())
    out = tmp_path / "report.pdf"
    args = parse(["--data-dir", str(data_dir), "export", "--pdf", str(out)])
    assert run_command(args) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-1.4") and data.endswith(b"%%EOF\n")
    text = text_of(data)
    assert "Headache diary report" in text
    assert "rain" in text
    assert "6 sessions, 6 rated afterwards" in text
    assert "Relief by what was played" in text
    assert re.match(r"wrote a \d-page report of 6 sessions to ", capsys.readouterr().err)


def test_export_pdf_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(
        ["--data-dir", str(tmp_path / "data"), "export", "--pdf", str(tmp_path / "no" / "r.pdf")]
    )
    assert run_command(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("asmr-desktop: error: Could not write the report") and "\n" not in err
    with pytest.raises(SystemExit):
        parse(["export", "--pdf", "a.pdf", "--csv", "b.csv"])


# -- the report a doctor reads, from a full diary -------------------------------------------
def _diary_insights(tmp_path: Path):  # type: ignore[no-untyped-def]
    from asmr_desktop.diary.days import DayBook
    from asmr_desktop.insights.experiment import Experiments
    from asmr_desktop.insights.summary import load
    from asmr_desktop.insights.trial import Trials
    from tests.unit.insights.reportdata import fill

    data_dir = tmp_path / "data"
    clock = FakeClock()
    fill(data_dir, clock)
    clock.now = at("2026-11-27 22:30")
    store = Store(AppPaths.under(data_dir).store_file)
    insights = load(
        Diary(store, clock),
        Experiments(store, clock),
        None,
        BERLIN,
        DayBook(store, clock, BERLIN),
        Trials(store, clock),
    )
    store.close()
    return insights


@pytest.fixture(scope="module")
def diary_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    insights = _diary_insights(tmp_path_factory.mktemp("report"))
    plain = build_report(insights, END, BERLIN).to_bytes()
    with_notes = build_report(insights, END, BERLIN, notes=True).to_bytes()
    return insights, plain, with_notes


def test_months_count_every_day_and_keep_unknown_days_unknown(diary_report) -> None:  # type: ignore[no-untyped-def]
    insights, plain, _ = diary_report
    lines = pdf_text(plain).splitlines()
    # 100 days from 20 Aug: August is partial (12 days), November has not ended.
    aug = next(m for m in insights.months if m.label == "Aug 2026")
    assert aug.partial and aug.unknown_days > 0
    assert "Aug 2026 (partial)" in lines and "Nov 2026 (partial)" in lines
    assert "Sep 2026" in lines and "Sep 2026 (partial)" not in lines
    sep = next(m for m in insights.months if m.label == "Sep 2026")
    assert sep.unknown_days == 30 - sep.known_days > 0  # one day in 7 has no record
    assert f"{sep.known_days} of 30" in lines and str(sep.unknown_days) in lines
    assert str(sep.medication_days) in lines
    text = text_of(plain)
    assert "white: days with no record, which are unknown, not headache-free" in text
    assert f"({sum(m.unknown_days for m in insights.months)} days unknown)" in text


def test_overuse_notice_is_the_one_trends_shows(diary_report) -> None:  # type: ignore[no-untyped-def]
    insights, plain, _ = diary_report
    assert insights.overuse is not None
    assert " ".join(insights.overuse.message.split()) in text_of(plain)
    # Without enough medicine days there is no notice.
    calm = build_report(_insights(91), END, BERLIN).to_bytes()
    assert "A note about medicines" not in text_of(calm)


def test_red_flags_and_the_advice_given(diary_report) -> None:  # type: ignore[no-untyped-def]
    from asmr_desktop.diary.service import ADVICE_FREQUENT_SEVERE, ADVICE_UNUSUAL

    _, plain, _ = diary_report
    text = text_of(plain)
    assert "Marked “this headache is unusual”: 2 sessions." in text
    assert "19 Sep 2026 21:00 (pain before 5, after 2)" in text  # day 30 of the diary
    assert "3 Nov 2026 21:00" in text
    # Severe on days 40, 42 and 44: the third rating within a week brought the advice.
    assert "Pain 9 or 10 for the third time within a week: 1 session." in text
    assert "3 Oct 2026 21:00 (pain before 9, after 9)" in text
    for advice in (ADVICE_UNUSUAL, ADVICE_FREQUENT_SEVERE):
        assert " ".join(advice.split()) in text


def test_triggers_care_and_medicines(diary_report) -> None:  # type: ignore[no-untyped-def]
    insights, plain, _ = diary_report
    text = text_of(plain)
    sessions = insights.period_sessions
    stress = sum("stress" in s.triggers for s in sessions)
    sleep = sum("poor sleep" in s.triggers for s in sessions)
    water = sum("water" in s.care for s in sessions)
    first, second = sorted([("poor sleep", sleep), ("stress", stress)], key=lambda t: -t[1])
    assert f"{first[0]} ({first[1]}), {second[0]} ({second[1]})" in text
    assert f"water ({water})" in text
    assert "Нурофен simple pain relievers" in text


def test_self_trial_design_and_result(diary_report) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.insights.reportdata import TRIAL_SEED

    insights, plain, _ = diary_report
    result = insights.trial
    assert result is not None
    text = text_of(plain)
    assert "Randomised self-trial: ASMR evenings against rest evenings" in text
    assert "26 Oct 2026 to 22 Nov 2026, finished." in text
    assert " ".join(result.design.split()) in text and f"(seed {TRIAL_SEED})" in text
    assert "14 ASMR and 14 rest evenings" in text
    assert result.headline + "." in text
    assert result.relief_text in text and "95 % interval" in result.relief_text
    assert " ".join(result.next_day_text.split()) in text
    for limit in result.limits:
        assert " ".join(limit.split()) in text
    # The evening with no session and the one done the other way are named, not moved.
    assert "26 Oct 2026 (drawn: " in text and "done: no session logged)" in text
    assert "29 Oct 2026 (drawn: " in text and "done: the other kind instead)" in text
    done = sum(e.done.value == "as drawn" for e in result.evenings)
    assert f"Evenings: {done} evenings done as drawn" in text


def test_no_note_text_without_notes(diary_report) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.insights.reportdata import NOTES

    _, plain, with_notes = diary_report
    text = pdf_text(plain)
    assert "Your notes" not in text
    for note in NOTES.values():
        assert note not in text
        for word in note.split():  # nor any piece of one (the marks aside)
            if not word.isascii():
                assert word not in text and word[::-1] not in text, word
    assert "Your notes" in pdf_text(with_notes)


@pytest.mark.parametrize(
    "script", ["latin", "greek", "cyrillic", "hebrew", "arabic", "cjk", "emoji"]
)
def test_notes_come_back_exactly(diary_report, script: str) -> None:  # type: ignore[no-untyped-def]
    """pdftotext gives back each note exactly; a right-to-left note comes back in logical
    order, inside the two direction marks pdftotext always puts around such text."""
    from tests.helpers.pdf import without_marks
    from tests.unit.insights.reportdata import NOTES

    _, _, with_notes = diary_report
    note = NOTES[script]
    lines = pdf_text(with_notes).splitlines()
    if script in ("hebrew", "arabic"):
        assert "\u202b" + note + "\u202c" in lines
        assert note in [without_marks(line) for line in lines]
    else:
        assert note in lines


def test_export_pdf_notes_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.unit.insights.reportdata import NOTES, fill

    data_dir = tmp_path / "data"
    fill(data_dir, FakeClock())
    plain, noted = tmp_path / "plain.pdf", tmp_path / "noted.pdf"
    assert run_command(parse(["--data-dir", str(data_dir), "export", "--pdf", str(plain)])) == 0
    argv = ["--data-dir", str(data_dir), "export", "--pdf", str(noted), "--notes"]
    assert run_command(parse(argv)) == 0
    assert NOTES["cyrillic"] not in pdf_text(plain) and "Your notes" not in pdf_text(plain)
    assert NOTES["cyrillic"] in pdf_text(noted).splitlines()
    capsys.readouterr()
    csv = tmp_path / "s.csv"
    assert (
        run_command(parse(["--data-dir", str(data_dir), "export", "--csv", str(csv), "--notes"]))
        == 2
    )
    assert capsys.readouterr().err.strip() == "asmr-desktop: error: --notes goes with --pdf"
    assert not csv.exists()


def test_export_pdf_is_headless(tmp_path: Path) -> None:
    """The report is written without Qt: PySide6 is never imported (a server or a shortcut
    without a display can make it)."""
    import os
    import subprocess
    import sys

    from tests.unit.insights.reportdata import fill

    data_dir = tmp_path / "data"
    fill(data_dir, FakeClock())
    out = tmp_path / "r.pdf"
    code = (
        "import sys\n"
        "from asmr_desktop.cli.parser import parse, run_command\n"
        f"status = run_command(parse(['--data-dir', {str(data_dir)!r}, 'export', '--pdf', "
        f"{str(out)!r}, '--notes']))\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-1.4")
