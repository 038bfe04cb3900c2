"""M3U/M3U8 playlist files: read into items, write from them."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.core.errors import AudioError
from asmr_desktop.core.fileio import FileWriteError, atomic_write_text

log = logging.getLogger(__name__)


def read_m3u(path: Path) -> list[PlaylistItem]:
    """Items of an M3U or M3U8 playlist; relative entries are taken from the playlist's folder.

    ``#EXTINF:<seconds>,<title>`` gives the next entry its title and length. URLs other than
    ``file://`` are kept as failed items (only local files play).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AudioError(f"{path}: cannot read the playlist ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if path.suffix.lower() == ".m3u8":
            raise AudioError(f"{path}: an .m3u8 playlist must be UTF-8 text") from None
        text = raw.decode("latin-1")
    base = path.parent
    items: list[PlaylistItem] = []
    title: str | None = None
    duration: float | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.upper().startswith("#EXTINF:"):
                info, _, name = line[len("#EXTINF:") :].partition(",")
                title = name.strip() or None
                try:
                    seconds = float(info.split()[0]) if info.strip() else -1.0
                except ValueError:
                    seconds = -1.0
                duration = seconds if seconds >= 0 else None
            continue
        item = _entry(line, base)
        if title:
            item.title = title
        item.duration_s = duration
        items.append(item)
        title, duration = None, None
    return items


def _entry(line: str, base: Path) -> PlaylistItem:
    if "://" in line:
        url = urlparse(line)
        if url.scheme != "file":
            return PlaylistItem(title=line, failed="only files on this computer can be played")
        return PlaylistItem.from_path(Path(unquote(url.path)))
    if os.sep == "/" and "\\" in line:
        line = line.replace("\\", "/")  # a playlist written on Windows
    entry = Path(line).expanduser()
    return PlaylistItem.from_path(
        Path(os.path.normpath(entry if entry.is_absolute() else base / entry))
    )


def write_m3u(path: Path, items: Iterable[PlaylistItem], *, relative: bool = True) -> None:
    """Save file items as extended M3U (UTF-8), relative to the playlist's folder if asked.

    Items without a file (generated soundscapes) have no M3U form and are left out.
    """
    path = Path(path)
    base = path.absolute().parent
    lines = ["#EXTM3U"]
    for item in items:
        if item.path is None:
            log.info("not exported to M3U (not a file): %s", item.title)
            continue
        target = item.path.absolute()
        entry = str(target)
        if relative:
            try:
                entry = os.path.relpath(target, base)
            except ValueError:  # another drive on Windows
                entry = str(target)
        seconds = -1 if item.duration_s is None else round(item.duration_s)
        title = item.title.replace("\n", " ")
        lines.append(f"#EXTINF:{seconds},{title}")
        lines.append(entry)
    try:
        atomic_write_text(path, "\n".join(lines) + "\n")
    except FileWriteError as exc:
        raise AudioError(f"{path}: cannot save the playlist ({exc.strerror or exc})") from exc
