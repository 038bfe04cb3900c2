"""The running session's heartbeat, in a tiny file of its own beside the diary.

Every few seconds the running session notes how long it has run (on a monotonic clock)
and the wall time; after a crash or power cut the next start closes the session at its
last beat, so its length is known to within one beat. A beat rewrites a few dozen bytes,
where a beat in the diary itself would rewrite the whole data file (megabytes after a few
years) every few seconds all night.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asmr_desktop.core.fileio import atomic_write_bytes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Beat:
    """The running session (by uid) had run ``elapsed_s`` seconds at wall time ``at``."""

    session_uid: str
    elapsed_s: float
    at: datetime
    #: What was heard so far ((title, seconds)), and the title heard last; None: not known.
    heard: list[tuple[str, float]] | None = None
    last_item: str | None = None


class BeatFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, beat: Beat) -> None:
        payload = {
            "session": beat.session_uid,
            "elapsed_s": beat.elapsed_s,
            "at": beat.at.isoformat(),
            "heard": None if beat.heard is None else [[t, s] for t, s in beat.heard],
            "last_item": beat.last_item,
        }
        atomic_write_bytes(self.path, json.dumps(payload).encode("utf-8"))

    def read(self) -> Beat | None:
        """The last beat, or None when there is none or it cannot be read (then the
        session ends at its last sign of life in the diary instead)."""
        try:
            data = json.loads(self.path.read_bytes())
            heard = data.get("heard")
            beat = Beat(
                str(data["session"]),
                float(data["elapsed_s"]),
                datetime.fromisoformat(data["at"]),
                None if heard is None else [(str(t), float(s)) for t, s in heard],
                None if data.get("last_item") is None else str(data["last_item"]),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("heartbeat file %s not usable: %s", self.path, exc)
            return None
        if beat.at.tzinfo is None or not beat.elapsed_s >= 0.0:
            return None
        return beat

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
