"""The report: what it contains, and ``asmr-desktop export --pdf`` end to end."""

from __future__ import annotations

import re
import shutil
import subprocess
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
from tests.unit.insights.factory import BERLIN, at, generated

END = at("2026-11-27 21:00")
TODAY = date(2026, 11, 27)


def text_of(data: bytes) -> str:
    """All shown strings, in order, decoded from WinAnsi (what a reader would show)."""
    shown = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", data)
    return "\n".join(re.sub(rb"\\(.)", rb"\1", s).decode("cp1252") for s in shown)


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
        "Headache days per month",
        "Pain ratings over time",
        "Relief by what was played",
        "Relief by kind of session",
        "Experiment: ASMR against resting without it",
        "not a controlled trial",
    ):
        assert part in text, part
    for month in ("Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026"):
        assert month in text
    assert insights.by_source and insights.by_source[0].name in text
    # The disclaimer is on every page.
    per_page = [text_of(p.content()) for p in doc.pages]
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
    assert "No sessions were recorded in this period." in text
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
    assert re.match(r"wrote a \d-page report of 6 sessions to ", capsys.readouterr().err)
    if shutil.which("pdftotext"):
        shown = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        )
        assert "Relief by what was played" in shown.stdout


def test_export_pdf_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(
        ["--data-dir", str(tmp_path / "data"), "export", "--pdf", str(tmp_path / "no" / "r.pdf")]
    )
    assert run_command(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("asmr-desktop: error: Could not write the report") and "\n" not in err
    with pytest.raises(SystemExit):
        parse(["export", "--pdf", "a.pdf", "--csv", "b.csv"])
