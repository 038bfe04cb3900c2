"""One file-writing helper: atomic, owner-only, through symlinks, unique temp per writer."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest

from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.core.store import Store
from asmr_desktop.insights.pdf import Document as PdfDocument
from asmr_desktop.library.m3u import write_m3u
from asmr_desktop.visual.png import write_png
from tests.helpers.clock import FakeClock


@pytest.fixture(autouse=True)
def loose_umask() -> object:
    """Files written under a umask that would make them world-readable must still be 0600."""
    old = os.umask(0o022)
    yield None
    os.umask(old)


def test_every_writer_makes_owner_only_files(tmp_path: Path) -> None:
    png = tmp_path / "frame.png"
    write_png(png, np.zeros((4, 4, 3), dtype=np.uint8))
    m3u = tmp_path / "list.m3u"
    track = tmp_path / "rain.wav"
    track.write_bytes(b"")
    write_m3u(m3u, [PlaylistItem(title="rain", path=track, duration_s=3.0)])
    pdf = tmp_path / "report.pdf"
    doc = PdfDocument()
    doc.new_page()
    doc.save(pdf)
    for written in (png, m3u, pdf):
        assert written.stat().st_mode & 0o777 == 0o600, written.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["frame.png", "list.m3u", "rain.wav", "report.pdf"]
    ), "no temporary files are left behind"


def test_symlinked_data_file_is_written_through_its_link(tmp_path: Path) -> None:
    real = tmp_path / "sync" / "diary.json"
    real.parent.mkdir()
    link = tmp_path / "data.json"
    Store(real).close()
    link.symlink_to(real)
    store = Store(link)
    store.insert("sessions", {"pain": 3})
    store.insert("sessions", {"pain": 4})
    assert link.is_symlink(), "the link was replaced by a plain file"
    assert [d["pain"] for d in Store(real).all("sessions")] == [3, 4]
    assert real.stat().st_mode & 0o777 == 0o600


def test_corrupt_copy_kept_aside_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(b"not json")
    path.chmod(0o644)
    store = Store(path, clock=FakeClock())
    assert store.recovered is not None
    assert store.recovered.moved_to.read_bytes() == b"not json"
    assert store.recovered.moved_to.stat().st_mode & 0o777 == 0o600


def test_corrupt_symlinked_file_is_kept_aside_and_the_link_keeps_working(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"{broken")
    link = tmp_path / "data.json"
    link.symlink_to(real)
    store = Store(link, clock=FakeClock())
    assert store.recovered is not None
    assert store.recovered.moved_to.read_bytes() == b"{broken"
    store.insert("sessions", {"pain": 1})
    assert link.is_symlink()
    assert [d["pain"] for d in Store(real).all("sessions")] == [1]


def test_full_disk_is_a_clear_message_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asmr_desktop.core import fileio

    target = tmp_path / "out.bin"
    fileio.atomic_write_bytes(target, b"old")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", disk_full)
    with pytest.raises(fileio.FileWriteError, match="free some disk space") as caught:
        fileio.atomic_write_bytes(target, b"new")
    assert isinstance(caught.value, OSError) and caught.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_a_running_writers_temp_file_is_never_removed(tmp_path: Path) -> None:
    from asmr_desktop.core import fileio

    path = tmp_path / "data.json"
    mine = tmp_path / f".data.json.{os.getpid()}.abc.tmp"  # a writer that is running
    dead = tmp_path / ".data.json.999999999.abc.tmp"  # no such process
    old_style = tmp_path / ".data.json.abc123.tmp"  # from before names carried the pid
    for temp in (mine, dead, old_style):
        temp.write_text("half a write")
    assert fileio.remove_stale_temp_files(path) == 2
    assert mine.exists() and not dead.exists() and not old_style.exists()
